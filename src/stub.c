/* stub.c - the stub file: shard folders and the index's last commit.
 *
 *   glass shard0
 *   glass shard1
 *   #zhiku last 0 8812       the last document of shard 0 the commit holds
 *   #zhiku last 1 8790
 *   #zhiku hide 0 120 131    documents 120..131 of shard 0 it does not
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "stub.h"

int zk__hidden_add(zk__hidden *h, unsigned shard, uint32_t from, uint32_t to)
{
    zk__span *last = h->n ? &h->v[h->n - 1] : NULL;

    if (last != NULL && last->shard == shard && from >= last->from &&
        from <= (uint64_t)last->to + 1) {
        if (to > last->to)
            last->to = to;
        return ZK_OK;
    }
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        zk__span *v = realloc(h->v, cap * sizeof(*v));
        if (v == NULL)
            return zk__error_oom();
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n].shard = shard;
    h->v[h->n].from = from;
    h->v[h->n].to = to;
    h->n++;
    return ZK_OK;
}

void zk__hidden_clear(zk__hidden *h)
{
    h->n = 0;
}

void zk__hidden_free(zk__hidden *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

void zk__stub_free(zk__stub *st)
{
    zk__hidden_free(&st->hid);
    st->n = 0;
}

int zk__stub_read(const char *path, zk__stub *st)
{
    char file[PATH_MAX], *line = NULL;
    size_t cap = 0;
    unsigned i;
    int rc = ZK_OK;
    FILE *f;

    zk__hidden_clear(&st->hid);
    st->n = 0;
    for (i = 0; i < ZK_MAX_SHARDS; i++)
        st->hid.last[i] = ZK__NO_LAST;
    snprintf(file, sizeof(file), "%s/%s", path, ZK_STUB_NAME);
    f = fopen(file, "r");
    if (f == NULL)
        return errno == ENOENT
                   ? ZK_OK
                   : zk__error(ZK_EIO, "%s: %s", file, strerror(errno));
    while (rc == ZK_OK && getline(&line, &cap, f) > 0) {
        unsigned s;
        unsigned long a, b;
        size_t l = strcspn(line, "\r\n");
        line[l] = '\0';
        if (strncmp(line, "glass shard", 11) == 0) {
            const char *name = line + 6;
            if (st->n < ZK_MAX_SHARDS && l - 6 < 32 && l > 6 &&
                strchr(name, '/') == NULL)
                memcpy(st->names[st->n++], name, l - 6 + 1);
        } else if (sscanf(line, "#zhiku last %u %lu", &s, &a) == 2 &&
                   s < ZK_MAX_SHARDS && a < UINT32_MAX) {
            st->hid.last[s] = (uint32_t)a;
        } else if (sscanf(line, "#zhiku hide %u %lu %lu", &s, &a, &b) == 3 &&
                   s < ZK_MAX_SHARDS && a <= b && b < UINT32_MAX) {
            rc = zk__hidden_add(&st->hid, s, (uint32_t)a, (uint32_t)b);
        }
    }
    if (rc == ZK_OK && ferror(f))
        rc = zk__error(ZK_EIO, "%s: %s", file, strerror(errno));
    free(line);
    fclose(f);
    return rc;
}

int zk__stub_write(const char *path, const zk__stub *st)
{
    char file[PATH_MAX], tmp[PATH_MAX];
    unsigned i;
    size_t k;
    FILE *f;
    int ok;

    snprintf(file, sizeof(file), "%s/%s", path, ZK_STUB_NAME);
    snprintf(tmp, sizeof(tmp), "%s/%s.tmp", path, ZK_STUB_NAME);
    f = fopen(tmp, "w");
    if (f == NULL)
        return zk__error(ZK_EIO, "%s: %s", tmp, strerror(errno));
    for (i = 0; i < st->n; i++)
        fprintf(f, "glass %s\n", st->names[i]);
    for (i = 0; i < st->n; i++)
        if (st->hid.last[i] != ZK__NO_LAST)
            fprintf(f, "#zhiku last %u %lu\n", i,
                    (unsigned long)st->hid.last[i]);
    for (k = 0; k < st->hid.n; k++)
        fprintf(f, "#zhiku hide %u %lu %lu\n", st->hid.v[k].shard,
                (unsigned long)st->hid.v[k].from,
                (unsigned long)st->hid.v[k].to);
    ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, file) != 0) {
        int e = errno;
        unlink(tmp);
        return zk__error(ZK_EIO, "%s: cannot write: %s", file, strerror(e));
    }
    return ZK_OK;
}
