/* search_reports.c - what the searcher looks up about the documents it
 * finds: the report records (read when first needed, one report at a
 * time) and the passage lengths (kept between queries).
 *
 * Every passage belongs to the report whose record is the next document of
 * its shard (the indexer adds a report's passages and then its record), so
 * the searcher maps passages to reports by walking the record docids of
 * each shard (zk__sr_report_of() in search_impl.h). Both tables are kept
 * until the revision read changes (zk__sr_drop_records()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search_impl.h"

static void report_clear(report *r)
{
    free(r->path);
    free(r->title);
    free(r->date);
    free(r->author);
    free(r->org);
    free(r->keywords);
    free(r->docno);
    r->path = r->title = r->date = r->author = r->org = r->keywords = r->docno =
        NULL;
    r->loaded = 0;
}

void zk__sr_drop_records(zk_searcher *s)
{
    size_t i;

    for (i = 0; i < s->n_loaded; i++)
        report_clear(&s->reports[s->loaded[i]]);
    free(s->reports);
    free(s->rec_docid);
    free(s->loaded);
    s->reports = NULL;
    s->rec_docid = NULL;
    s->loaded = NULL;
    s->n_reports = s->n_loaded = 0;
    for (i = 0; i < ZK_MAX_SHARDS; i++) {
        free(s->by_shard[i]);
        free(s->shard_docid[i]);
        s->by_shard[i] = NULL;
        s->shard_docid[i] = NULL;
        s->n_by_shard[i] = 0;
    }
    s->records_loaded = s->all_loaded = 0;
    free(s->dlen);
    s->dlen = NULL;
    s->dlen_n = s->dlen_cap = 0;
}

/* The record docids, split by shard (docids of one shard keep their order
 * in the combined numbering). */
int zk__sr_load_records(zk_searcher *s)
{
    zk__plist pl = {0};
    size_t i;
    int rc;

    if (s->records_loaded)
        return ZK_OK;
    rc = zk__reader_postlist(s->rd, ZK_T_RECORD, 2, 0, &pl);
    if (rc != ZK_OK)
        return rc;
    s->reports = calloc(pl.n ? pl.n : 1, sizeof(*s->reports));
    s->rec_docid = malloc((pl.n ? pl.n : 1) * sizeof(uint32_t));
    s->loaded = malloc((pl.n ? pl.n : 1) * sizeof(uint32_t));
    for (i = 0; s->reports != NULL && i < s->n_shards; i++) {
        s->by_shard[i] = malloc((pl.n ? pl.n : 1) * sizeof(uint32_t));
        s->shard_docid[i] = malloc((pl.n ? pl.n : 1) * sizeof(uint32_t));
    }
    for (i = 0; i < s->n_shards; i++)
        if (s->by_shard[i] == NULL || s->shard_docid[i] == NULL)
            break;
    if (s->reports == NULL || s->rec_docid == NULL || s->loaded == NULL ||
        i < s->n_shards) {
        zk__plist_free(&pl);
        zk__sr_drop_records(s);
        return zk__error_oom();
    }
    for (i = 0; i < pl.n; i++) {
        unsigned sh = zk__sr_shard_of(s, pl.ids[i]);
        s->rec_docid[i] = pl.ids[i];
        s->shard_docid[sh][s->n_by_shard[sh]] = pl.ids[i];
        s->by_shard[sh][s->n_by_shard[sh]++] = (uint32_t)i;
    }
    s->n_reports = pl.n;
    zk__plist_free(&pl);
    s->records_loaded = 1;
    return ZK_OK;
}

/* The slot of passage `id` in the length table: its entry, or the free
 * slot where it belongs. */
static uint32_t *dlen_slot(const zk_searcher *s, uint32_t id)
{
    size_t mask = s->dlen_cap - 1, i = ((size_t)id * 2654435761u) & mask;

    while (s->dlen[i][0] != 0 && s->dlen[i][0] != id)
        i = (i + 1) & mask;
    return s->dlen[i];
}

/* Room in the length table for `more` entries, at most half full. */
static int dlen_reserve(zk_searcher *s, size_t more)
{
    uint32_t(*old)[2] = s->dlen;
    size_t cap = s->dlen_cap ? s->dlen_cap : 256, i, old_cap = s->dlen_cap;

    while (cap < 2 * (s->dlen_n + more))
        cap *= 2;
    if (cap == s->dlen_cap)
        return ZK_OK;
    s->dlen = calloc(cap, sizeof(*s->dlen));
    if (s->dlen == NULL) {
        s->dlen = old;
        return zk__error_oom();
    }
    s->dlen_cap = cap;
    for (i = 0; i < old_cap; i++)
        if (old[i][0] != 0)
            memcpy(dlen_slot(s, old[i][0]), old[i], sizeof(old[i]));
    free(old);
    return ZK_OK;
}

/* The lengths dl[i] of passages ids[i] (ascending). A searcher keeps the
 * lengths it has read, so that a query reads only those of passages no
 * earlier query looked at: reading lengths is a pass over the index's
 * length list, which for a common term costs as much as the rest of the
 * query. The table grows with the passages looked at (16 bytes each at
 * most), so a single query touches little memory. */
int zk__sr_passage_lengths(zk_searcher *s, const uint32_t *ids, size_t n,
                           uint32_t *dl)
{
    size_t i, m = 0;
    int rc = s->dlen_cap ? ZK_OK : dlen_reserve(s, n);

    for (i = 0; rc == ZK_OK && i < n; i++) {
        dl[i] = dlen_slot(s, ids[i])[1]; /* 0 if not known */
        m += dl[i] == 0;
    }
    if (rc == ZK_OK && m > 0)
        rc = zk__reader_doclens(s->rd, ids, n, dl);
    if (rc == ZK_OK && m > 0)
        rc = dlen_reserve(s, m);
    for (i = 0; rc == ZK_OK && m > 0 && i < n; i++) {
        uint32_t *e = dlen_slot(s, ids[i]);
        if (e[0] == 0 && dl[i] != 0) {
            e[0] = ids[i];
            e[1] = dl[i];
            s->dlen_n++;
        }
    }
    return rc;
}

int zk__sr_load_report(zk_searcher *s, report *r)
{
    char *data = NULL, *v;
    size_t len = 0;
    int rc;

    if (r->loaded)
        return ZK_OK;
    rc = zk__reader_data(s->rd, s->rec_docid[r - s->reports], &data, &len);
    if (rc != ZK_OK)
        return rc;
    v = zk__record_field(data, len, "id");
    snprintf(r->id, sizeof(r->id), "%s", v ? v : "");
    free(v);
    r->path = zk__record_field(data, len, "path");
    r->title = zk__record_field(data, len, "title");
    r->date = zk__record_field(data, len, "date");
    r->author = zk__record_field(data, len, "author");
    r->org = zk__record_field(data, len, "org");
    r->keywords = zk__record_field(data, len, "keywords");
    r->docno = zk__record_field(data, len, "docno");
    v = zk__record_field(data, len, "year");
    r->year = v ? atoi(v) : 0;
    free(v);
    v = zk__record_field(data, len, "passages");
    r->n_passages = v ? (unsigned)atoi(v) : 0;
    free(v);
    v = zk__record_field(data, len, "size");
    r->size = v ? strtoull(v, NULL, 10) : 0;
    free(v);
    free(data);
    r->loaded = 1;
    s->loaded[s->n_loaded++] = (uint32_t)(r - s->reports);
    return ZK_OK;
}

int zk__sr_load_all_reports(zk_searcher *s)
{
    size_t i;
    int rc = zk__sr_load_records(s);

    for (i = 0; rc == ZK_OK && !s->all_loaded && i < s->n_reports; i++)
        rc = zk__sr_load_report(s, &s->reports[i]);
    if (rc == ZK_OK)
        s->all_loaded = 1;
    return rc;
}

int zk__sr_read_passage(zk_searcher *s, uint32_t docid, passage_view *v)
{
    char *data = NULL;
    size_t len = 0;
    int rc = zk__reader_data(s->rd, docid, &data, &len);

    if (rc == ZK_OK)
        rc = zk__passage_decode(data, len, v);
    if (rc != ZK_OK) {
        free(data);
        v->data = NULL;
    }
    return rc;
}
