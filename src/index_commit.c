/* index_commit.c - the commit protocol, and recovery from a commit that
 * did not finish.
 *
 * The shards commit one by one (each by its writer thread), and then the
 * stub (XAPIANDB) is rewritten to name each shard's state at that commit:
 * renaming the stub into place is the one atomic step of a commit of the
 * whole index. Readers see the previous commit until then, whatever the
 * shards hold. Documents replaced or removed are not deleted at once but
 * hidden: the stub lists them (as spans of docids), and they are deleted
 * after it, to go with the shards' next commits. A commit that fails
 * leaves the handle broken (it refuses to commit again); the next writer
 * to open the index deletes what the stub does not hold (recover). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "index_impl.h"

/* Raise a shard's write error again with the shard's folder in front, so
 * that the message says where (Xapian's says what: "Error writing block
 * 12 (No space left on device)"). `msg` NULL: the thread's last error. */
int zk__ix_shard_error(const zk_index *ix, unsigned s, int rc, const char *msg)
{
    char buf[1024];
    const zk_error *e = zk_error_last();

    snprintf(buf, sizeof(buf), "%s",
             msg ? msg
             : e ? e->message
                 : zk_strerror(rc));
    if (strstr(buf, ix->path) != NULL)
        return zk__error(rc, "%s", buf);
    return zk__error(rc, "%s/%s: %s", ix->path, ix->stub.names[s], buf);
}

int zk__ix_refuse_broken(const zk_index *ix)
{
    return zk__error(ZK_EIO,
                     "%s: an earlier commit failed; the index holds its "
                     "last commit: open it again to write to it",
                     ix->path);
}

/* Commit one shard; the next stub will name this state of it. Called by
 * the shard's writer thread: a failure is for the caller to record (the
 * handle is then broken). */
int zk__ix_commit_shard(zk_index *ix, unsigned s)
{
    size_t k;
    int rc;

    rc = zk__store_commit(ix->shards[s]);
    if (rc == ZK_OK)
        rc = zk__store_lastdocid(ix->shards[s], &ix->done_last[s]);
    for (k = 0; rc == ZK_OK && k < ix->pend[s].n; k++)
        rc = zk__hidden_add(&ix->done[s], s, ix->pend[s].v[k].from,
                            ix->pend[s].v[k].to);
    zk__hidden_clear(&ix->pend[s]);
    return rc == ZK_OK ? ZK_OK : zk__ix_shard_error(ix, s, rc, NULL);
}

/* Write the stub that names each shard's state at its last commit and the
 * documents replaced until then: the one atomic step of a commit of the
 * whole index. Until the stub is renamed into place readers see the
 * previous commit, whatever the shards hold, so a shard that commits when
 * another then fails (a full disk) changes nothing they see. Then the
 * documents the new stub hides are deleted, to go with the shards' next
 * commits. A failure leaves the shards out of step with the stub: the
 * handle then refuses to commit again, and the next writer to open the
 * index deletes what the stub does not hold (zk__ix_recover()). */
int zk__ix_publish(zk_index *ix)
{
    zk__stub next;
    unsigned s;
    size_t k;
    int rc = ZK_OK;

    if (ix->broken)
        return zk__ix_refuse_broken(ix);
    memset(&next, 0, sizeof(next));
    next.n = ix->n_shards;
    memcpy(next.names, ix->stub.names, sizeof(next.names));
    for (s = 0; s < ZK_MAX_SHARDS; s++)
        next.hid.last[s] = s < ix->n_shards ? ix->done_last[s] : ZK__NO_LAST;
    for (s = 0; rc == ZK_OK && s < ix->n_shards; s++)
        for (k = 0; rc == ZK_OK && k < ix->done[s].n; k++)
            rc = zk__hidden_add(&next.hid, s, ix->done[s].v[k].from,
                                ix->done[s].v[k].to);
    if (rc == ZK_OK)
        rc = zk__stub_write(ix->path, &next);
    if (rc != ZK_OK) {
        ix->broken = 1;
        zk__stub_free(&next);
        return rc;
    }
    zk__stub_free(&ix->stub);
    ix->stub = next;
    for (s = 0; s < ix->n_shards; s++)
        zk__hidden_clear(&ix->done[s]);
    for (k = 0; rc == ZK_OK && k < ix->stub.hid.n; k++) {
        const zk__span *v = &ix->stub.hid.v[k];
        rc = zk__store_delete_span(ix->shards[v->shard], v->from, v->to);
    }
    if (rc != ZK_OK)
        ix->broken = 1;
    return rc;
}

/* Commit the whole index: every shard, then the stub. */
int zk__ix_commit_all(zk_index *ix)
{
    unsigned s;
    int rc = ZK_OK;

    if (ix->broken)
        return zk__ix_refuse_broken(ix);
    for (s = 0; rc == ZK_OK && s < ix->n_shards; s++)
        rc = zk__ix_commit_shard(ix, s);
    if (rc != ZK_OK) {
        ix->broken = 1;
        return rc;
    }
    return zk__ix_publish(ix);
}

/* What a writer that stopped between a shard's commit and the stub's left
 * behind (documents after the last commit's, or replaced ones not yet
 * deleted): delete it and commit, so that the shards hold what the stub
 * says. A stub from before commits were recorded in it gets each shard's
 * last document now, before anything is written. */
int zk__ix_recover(zk_index *ix)
{
    unsigned s;
    size_t k;
    int rc = ZK_OK, dirty = ix->stub.hid.n > 0, old = 0;

    for (s = 0; rc == ZK_OK && s < ix->n_shards; s++) {
        uint32_t last = 0;
        rc = zk__store_lastdocid(ix->shards[s], &last);
        if (rc == ZK_OK && ix->stub.hid.last[s] == ZK__NO_LAST) {
            ix->stub.hid.last[s] = last;
            old = 1;
        } else if (rc == ZK_OK && last > ix->stub.hid.last[s]) {
            dirty = 1;
            rc = zk__store_delete_span(ix->shards[s], ix->stub.hid.last[s] + 1,
                                       UINT32_MAX);
        }
    }
    for (k = 0; rc == ZK_OK && k < ix->stub.hid.n; k++) {
        const zk__span *v = &ix->stub.hid.v[k];
        rc = zk__store_delete_span(ix->shards[v->shard], v->from, v->to);
    }
    if (rc == ZK_OK && dirty)
        return zk__ix_commit_all(ix);
    return rc == ZK_OK && old ? zk__stub_write(ix->path, &ix->stub) : rc;
}

int zk__ix_commit(zk_index *ix)
{
    int rc = zk__ix_commit_all(ix);

    /* a second commit deletes what the first hid, and empties the stub's
     * list */
    if (rc == ZK_OK && ix->stub.hid.n > 0)
        rc = zk__ix_commit_all(ix);
    return rc;
}
