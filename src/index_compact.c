/* index_compact.c - compaction: a compact copy of every shard, switched
 * in by the stub.
 *
 * Xapian's compaction writes a shard anew, about 40% smaller and faster to
 * search, with the same docids. The copies are written beside the shards
 * (shardN.gK, one generation on), then one rename of the stub switches
 * the index to them, and the shards they replace are removed. A crash
 * before the switch leaves copies the stub does not list, and one after it
 * leaves the old shards: either way stray folders, which the next writer
 * removes (index_shards.c). */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_impl.h"

int zk__ix_compact(zk_index *ix)
{
    zk__stub next;
    unsigned i, made;
    int rc;

    /* what an interrupted compaction left */
    zk__ix_remove_stray_shards(ix);
    /* 1. commit (the replaced documents deleted too), and write a
     * compacted copy of each shard beside it, with the same docids */
    rc = zk__ix_commit(ix);
    if (rc != ZK_OK)
        return rc;
    memset(&next, 0, sizeof(next));
    next.n = ix->n_shards;
    memcpy(next.hid.last, ix->stub.hid.last, sizeof(next.hid.last));
    for (i = 0; rc == ZK_OK && i < ix->n_shards; i++) {
        char dir[PATH_MAX];
        unsigned gen = 0;
        const char *dot = strchr(ix->stub.names[i], '.');
        if (dot != NULL && dot[1] == 'g')
            gen = (unsigned)atoi(dot + 2);
        snprintf(next.names[i], sizeof(next.names[i]), "shard%u.g%u", i,
                 gen + 1);
        snprintf(dir, sizeof(dir), "%s/%s", ix->path, next.names[i]);
        zk__ix_remove_dir(dir); /* a leftover of an interrupted compaction */
        rc = zk__store_compact(ix->shards[i], dir);
    }
    made = i; /* names[0..made) are set, the last perhaps half written */
    /* 2. switch the stub to the copies in one atomic rename */
    if (rc == ZK_OK)
        rc = zk__stub_write(ix->path, &next);
    if (rc != ZK_OK) {
        /* only the copies this call named: names[made..) are unset */
        for (i = 0; i < made; i++) {
            char dir[PATH_MAX];
            snprintf(dir, sizeof(dir), "%s/%s", ix->path, next.names[i]);
            zk__ix_remove_dir(dir);
        }
        return rc;
    }
    /* 3. write to the copies from now on, and remove the shards they
     * replace. A searcher reading those keeps its open files; one that
     * read the old stub but finds the shards gone (opening, or reopening
     * for a newer revision) reads the stub again (search.c). */
    for (i = 0; rc == ZK_OK && i < ix->n_shards; i++) {
        char dir[PATH_MAX], old[PATH_MAX];
        zk__store_free(ix->shards[i]);
        ix->shards[i] = NULL;
        snprintf(old, sizeof(old), "%s/%s", ix->path, ix->stub.names[i]);
        memcpy(ix->stub.names[i], next.names[i], sizeof(next.names[i]));
        snprintf(dir, sizeof(dir), "%s/%s", ix->path, ix->stub.names[i]);
        rc = zk__store_open(&ix->shards[i], dir, 0);
        if (rc == ZK_OK)
            zk__ix_remove_dir(old);
    }
    /* a copy's last docid is its last document's: if the shard's last
     * documents had been deleted, new ones will take docids the stub says
     * were committed, so lower them there first */
    for (i = 0, made = 0; rc == ZK_OK && i < ix->n_shards; i++) {
        uint32_t last = 0;
        rc = zk__store_lastdocid(ix->shards[i], &last);
        if (rc == ZK_OK && ix->stub.hid.last[i] != ZK__NO_LAST &&
            last < ix->stub.hid.last[i]) {
            ix->stub.hid.last[i] = last;
            made = 1;
        }
    }
    if (rc == ZK_OK && made)
        rc = zk__stub_write(ix->path, &ix->stub);
    if (rc != ZK_OK)
        ix->broken = 1; /* a shard not reopened, or the stub not written */
    return rc;
}
