/* index_records.c - what the index knows of each report: its record.
 *
 * Every report has a record document in its shard (record.h gives its
 * data), and the writer keeps the records of the index in memory too, in
 * a hash table by report id, loaded once per handle: an update compares
 * each file's size and time with its record, and marks the records it has
 * seen, so that those left unseen are the files that are gone. Shard
 * writers add to the table under ix->rec_mu. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "index_impl.h"
#include "record.h"
#include "util.h"

/* First sizes of the record table: enough for a folder of a few hundred
 * reports without regrowing. The slots are kept at most half full
 * (RECS_LOAD_DIV), so that a probe for an id stays short. */
#define RECS_FIRST 256
#define RECS_FIRST_SLOTS 512
#define RECS_LOAD_DIV 2

static int unhex(const char *s, unsigned char out[16])
{
    int i;

    for (i = 0; i < 32; i++) {
        int c = s[i], v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else
            return -1;
        if (i % 2 == 0)
            out[i / 2] = (unsigned char)(v << 4);
        else
            out[i / 2] |= (unsigned char)v;
    }
    return 0;
}

void zk__ix_report_id(const char *path, char out[17])
{
    snprintf(out, 17, "%016llx",
             (unsigned long long)XXH3_64bits(path, strlen(path)));
}

size_t zk__ix_rec_find(const rec_map *m, const char *id)
{
    size_t mask, i;

    if (m->n_slots == 0)
        return SIZE_MAX;
    mask = m->n_slots - 1;
    for (i = (size_t)XXH3_64bits(id, 16) & mask; m->slots[i] != SIZE_MAX;
         i = (i + 1) & mask)
        if (memcmp(m->v[m->slots[i]].id, id, 16) == 0)
            return m->slots[i];
    return SIZE_MAX;
}

static int rm_rehash(rec_map *m, size_t n_slots)
{
    size_t *s = malloc(n_slots * sizeof(*s)), i, mask = n_slots - 1;

    if (s == NULL)
        return zk__error_oom();
    for (i = 0; i < n_slots; i++)
        s[i] = SIZE_MAX;
    for (i = 0; i < m->n; i++) {
        size_t h;
        if (m->v[i].path == NULL)
            continue;
        for (h = (size_t)XXH3_64bits(m->v[i].id, 16) & mask; s[h] != SIZE_MAX;
             h = (h + 1) & mask)
            ;
        s[h] = i;
    }
    free(m->slots);
    m->slots = s;
    m->n_slots = n_slots;
    return ZK_OK;
}

/* Insert or update; takes ownership of r->path. */
static int rm_put(rec_map *m, record *r)
{
    size_t at = zk__ix_rec_find(m, r->id);
    int rc;

    if (at != SIZE_MAX) {
        free(m->v[at].path);
        m->v[at] = *r;
        return ZK_OK;
    }
    rc = zk__grow(&m->v, &m->cap, m->n + 1, sizeof(*m->v), RECS_FIRST);
    if (rc != ZK_OK) {
        free(r->path);
        return rc;
    }
    m->v[m->n++] = *r;
    if (m->n * RECS_LOAD_DIV > m->n_slots) {
        rc = rm_rehash(m, m->n_slots ? m->n_slots * 2 : RECS_FIRST_SLOTS);
        if (rc != ZK_OK)
            return rc;
    } else {
        size_t mask = m->n_slots - 1, h;
        for (h = (size_t)XXH3_64bits(r->id, 16) & mask; m->slots[h] != SIZE_MAX;
             h = (h + 1) & mask)
            ;
        m->slots[h] = m->n - 1;
    }
    return ZK_OK;
}

void zk__ix_recs_free(rec_map *m)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        free(m->v[i].path);
    free(m->v);
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

static int load_record_cb(const char *data, size_t len, void *payload)
{
    rec_map *m = payload;
    record r;
    char *id = zk__record_field(data, len, "id");
    char *size = zk__record_field(data, len, "size");
    char *mtime = zk__record_field(data, len, "mtime_ns");
    char *hash = zk__record_field(data, len, "hash");
    int rc = ZK_OK;

    memset(&r, 0, sizeof(r));
    r.path = zk__record_field(data, len, "path");
    if (r.path && id && strlen(id) == 16 && size && mtime && hash &&
        strlen(hash) == 32 && unhex(hash, r.hash) == 0) {
        memcpy(r.id, id, 17);
        r.size = strtoull(size, NULL, 10);
        r.mtime_ns = strtoll(mtime, NULL, 10);
        rc = rm_put(m, &r);
        r.path = NULL;
    }
    free(r.path);
    free(id);
    free(size);
    free(mtime);
    free(hash);
    return rc;
}

int zk__ix_load_records(zk_index *ix)
{
    unsigned i;
    int rc = ZK_OK;

    if (ix->recs_loaded)
        return ZK_OK;
    for (i = 0; rc == ZK_OK && i < ix->n_shards; i++)
        rc = zk__store_each(ix->shards[i], ZK_T_RECORD, &ix->pend[i],
                            load_record_cb, &ix->recs);
    if (rc == ZK_OK)
        ix->recs_loaded = 1;
    return rc;
}

/* A report indexed before: its passages and record are to be hidden by
 * the next commit (and deleted after it), so that until then readers and
 * a failed commit keep the old version. The new record is added right
 * after the new passages, so that in each shard a report's passages are
 * the documents just before its record (the searcher maps passages to
 * reports by that). */
int zk__ix_drop_id(zk_index *ix, const char *id)
{
    unsigned s = zk__ix_shard_of(ix, id);
    char term[32];
    int rc;

    snprintf(term, sizeof(term), "%s%s", ZK_P_REPORT, id);
    rc = zk__store_hide_term(ix->shards[s], term, &ix->pend[s], s);
    snprintf(term, sizeof(term), "%s%s", ZK_P_UNIQUE, id);
    if (rc == ZK_OK)
        rc = zk__store_hide_term(ix->shards[s], term, &ix->pend[s], s);
    return rc;
}

int zk__ix_drop_old(zk_index *ix, const job *j)
{
    return j->has_old ? zk__ix_drop_id(ix, j->id) : ZK_OK;
}

/* Note a written report in the records (size, time and hash for the next
 * run). */
int zk__ix_remember(zk_index *ix, const result *r)
{
    record rec;
    int rc;

    memset(&rec, 0, sizeof(rec));
    rec.path = zk__ix_strdup(r->job->path);
    if (rec.path == NULL)
        return ZK_ENOMEM;
    memcpy(rec.id, r->job->id, 17);
    rec.size = r->job->size;
    rec.mtime_ns = r->job->mtime_ns;
    memcpy(rec.hash, r->hash, 16);
    rec.seen = 1;
    pthread_mutex_lock(&ix->rec_mu);
    rc = rm_put(&ix->recs, &rec);
    pthread_mutex_unlock(&ix->rec_mu);
    return rc;
}

int zk__ix_remove_id(zk_index *ix, const char *id)
{
    int rc = zk__ix_drop_id(ix, id);

    if (rc == ZK_OK) {
        size_t at = zk__ix_rec_find(&ix->recs, id);
        if (at != SIZE_MAX) {
            ix->recs.v[at].seen = 1; /* handled */
            ix->recs.v[at].size = UINT64_MAX;
        }
    }
    return rc;
}

typedef struct refresh_ctx {
    zk__buf data;
    const job *j;
    int rc;
} refresh_ctx;

static int refresh_cb(const char *data, size_t len, void *payload)
{
    refresh_ctx *c = payload;

    /* the newest record: older ones are replaced versions that the next
     * commit hides */
    c->data.n = 0;
    c->rc = zk__record_patch(&c->data, data, len, c->j->size, c->j->mtime_ns);
    return c->rc != ZK_OK;
}

/* A file whose time changed but whose content did not: rewrite its record
 * with the new size and time (same terms), so the next run skips it. */
int zk__ix_refresh_record(zk_index *ix, result *r)
{
    refresh_ctx c;
    char term[32];
    zk__xdoc *d = NULL;
    size_t at;
    int rc;

    memset(&c, 0, sizeof(c));
    c.j = r->job;
    snprintf(term, sizeof(term), "%s%s", ZK_P_UNIQUE, r->job->id);
    rc = zk__store_each(zk__ix_store_of(ix, r->job->id), term,
                        &ix->pend[zk__ix_shard_of(ix, r->job->id)], refresh_cb,
                        &c);
    if (rc == 1)
        rc = c.rc;
    if (rc != ZK_OK || c.data.p == NULL) {
        free(c.data.p);
        return rc;
    }
    rc = zk__xdoc_new(&d);
    if (rc == ZK_OK)
        rc = zk__xdoc_boolean(d, term, strlen(term));
    if (rc == ZK_OK)
        rc = zk__xdoc_boolean(d, ZK_T_RECORD, 2);
    if (rc == ZK_OK)
        rc = zk__xdoc_data(d, c.data.p, c.data.n);
    free(c.data.p);
    if (rc != ZK_OK) {
        zk__xdoc_free(d);
        return rc;
    }
    rc = zk__store_replace(zk__ix_store_of(ix, r->job->id), term, d);
    pthread_mutex_lock(&ix->rec_mu);
    at = zk__ix_rec_find(&ix->recs, r->job->id);
    if (rc == ZK_OK && at != SIZE_MAX) {
        ix->recs.v[at].size = r->job->size;
        ix->recs.v[at].mtime_ns = r->job->mtime_ns;
    }
    pthread_mutex_unlock(&ix->rec_mu);
    return rc;
}
