/* search_results.c - the results a query or a context request hands out:
 * the hits, which own copies of what they show (the passage record, the
 * report's path, title, date and id, the matches), so that they outlive
 * the searcher's caches; and zk_searcher_context(), a report's passages
 * around a hit. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search_impl.h"
#include "search_weights.h"

void zk__sr_hit_free(hit_store *h)
{
    free(h->data);
    free(h->meta);
    free(h->matches);
    free(h->smatches);
    free(h->explain);
}

void zk_results_free(zk_results *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->n_hits; i++)
        zk__sr_hit_free(&r->hits[i]);
    free(r->hits);
    free(r->term_counts);
    free(r->term_text);
    zk__query_free(r->q);
    free(r);
}

int zk_results_next(const zk_hit **hit, zk_results *r)
{
    if (hit == NULL || r == NULL)
        return zk__error(ZK_EINVAL, "zk_results_next: NULL argument");
    *hit = NULL;
    if (r->next >= r->n_hits)
        return ZK_ITEROVER;
    *hit = &r->hits[r->next++].hit;
    return ZK_OK;
}

const zk_result_info *zk_results_info(const zk_results *r)
{
    return r ? &r->info : NULL;
}

const char *zk_results_term(const zk_results *r, unsigned i, uint64_t *passages)
{
    if (r == NULL || i >= r->info.n_terms)
        return NULL;
    if (passages != NULL)
        *passages = r->term_counts[i];
    return r->term_text[i];
}

/* ---- hits --------------------------------------------------------------- */

int zk__sr_fill_hit(zk_searcher *s, zk_results *res, const cand *c, size_t rank,
                    const double *parts)
{
    hit_store *h = &res->hits[res->n_hits];
    passage_view v;
    report *rep;
    mlist m = {0}, sm = {0};
    int rc;

    memset(h, 0, sizeof(*h));
    rc = zk__sr_read_passage(s, c->docid, &v);
    if (rc != ZK_OK)
        return rc;
    h->data = v.data; /* the hit owns the record its text points into */
    rep = c->report != SIZE_MAX ? &s->reports[c->report] : NULL;
    if (rep != NULL)
        rc = zk__sr_load_report(s, rep);
    if (rc == ZK_OK && res->q != NULL)
        rc = zk__sr_find_matches(s, res->q, v.text, v.text_len, 0, 0, &m);
    if (rc == ZK_OK && res->q != NULL)
        rc = zk__sr_find_matches(s, res->q, v.trail, v.trail_len, 0, 1, &sm);
    if (rc != ZK_OK) {
        free(m.v);
        free(sm.v);
        zk__sr_hit_free(h);
        return rc;
    }
    h->matches = m.v;
    h->smatches = sm.v;
    {
        const char *f[4];
        size_t n[4], total = 0, k;
        f[0] = rep && rep->path ? rep->path : "";
        f[1] = rep && rep->title ? rep->title : "";
        f[2] = rep && rep->date ? rep->date : "";
        f[3] = rep ? rep->id : "";
        for (k = 0; k < 4; k++)
            total += (n[k] = strlen(f[k]) + 1);
        h->meta = malloc(total);
        if (h->meta == NULL) {
            zk__sr_hit_free(h);
            return zk__error_oom();
        }
        for (total = 0, k = 0; k < 4; k++) {
            memcpy(h->meta + total, f[k], n[k]);
            f[k] = h->meta + total;
            total += n[k];
        }
        h->hit.path = f[0];
        h->hit.title = f[1];
        h->hit.date = f[2];
        h->hit.report_id = f[3];
    }
    h->hit.rank = rank;
    h->hit.score = c->score;
    h->hit.section = v.trail;
    h->hit.text = v.text;
    h->hit.len = v.text_len;
    h->hit.line = v.line;
    h->hit.page_start = v.page_start;
    h->hit.page_end = v.page_end;
    h->hit.ordinal = v.ordinal;
    h->hit.src_start = v.start;
    h->hit.src_end = v.end;
    h->hit.matches = m.v;
    h->hit.n_matches = m.n;
    h->hit.section_matches = sm.v;
    h->hit.n_section_matches = sm.n;
    if (parts != NULL) {
        static const char *const names[ZK_N_PARTS] = ZK_PART_NAMES;
        char buf[512];
        size_t o = 0, i;
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%.4f =", c->score);
        for (i = 0; i < ZK_N_PARTS && o < sizeof(buf); i++)
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s %s %.4f",
                                  i ? " +" : "", names[i], parts[i]);
        h->explain = strdup(buf);
        h->hit.explain = h->explain;
    }
    res->n_hits++;
    return ZK_OK;
}

/* ---- context ------------------------------------------------------------ */

int zk_searcher_context(zk_results **out, zk_searcher *s, const zk_hit *hit,
                        unsigned before, unsigned after)
{
    zk_results *res;
    report *rep = NULL;
    size_t i;
    unsigned o, first, last;
    int rc;

    if (out == NULL || s == NULL || hit == NULL)
        return zk__error(ZK_EINVAL, "zk_searcher_context: NULL argument");
    *out = NULL;
    rc = zk__sr_load_records(s);
    for (i = 0; rc == ZK_OK && i < s->n_reports; i++) {
        rc = zk__sr_load_report(s, &s->reports[i]);
        if (rc == ZK_OK && strcmp(s->reports[i].id, hit->report_id) == 0) {
            rep = &s->reports[i];
            break;
        }
    }
    if (rc != ZK_OK)
        return rc;
    if (rep == NULL)
        return zk__error(ZK_ENOTFOUND, "the hit's report is gone");
    res = calloc(1, sizeof(*res));
    if (res == NULL)
        return zk__error_oom();
    res->s = s;
    res->context = 1;
    first = hit->ordinal > before ? hit->ordinal - before : 0;
    last = hit->ordinal + after;
    if (last >= rep->n_passages)
        last = rep->n_passages ? rep->n_passages - 1 : 0;
    res->hits = calloc((size_t)(last - first) + 1, sizeof(*res->hits));
    if (res->hits == NULL) {
        free(res);
        return zk__error_oom();
    }
    /* a report's passages are the documents just before its record in
     * its shard, in order */
    for (o = first; o <= last && rc == ZK_OK && rep->n_passages; o++) {
        cand c;
        uint32_t back = rep->n_passages - o;
        memset(&c, 0, sizeof(c));
        c.docid = s->rec_docid[rep - s->reports] - back * s->n_shards;
        c.report = (size_t)(rep - s->reports);
        rc = zk__sr_fill_hit(s, res, &c, 0, NULL);
    }
    if (rc != ZK_OK) {
        zk_results_free(res);
        return rc;
    }
    *out = res;
    return ZK_OK;
}
