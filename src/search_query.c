/* search_query.c - zk_searcher_query(): a query's stages, in order.
 *
 *   1. candidates   the literal layer's candidates (search_candidates.c),
 *                   checked against the text now (search_verify.c) when
 *                   exact counts are asked for or there are few
 *   2. term counts  how many passages each term has on its own, and which
 *                   matched nothing
 *   3. scores       every candidate scored (search_rank.c)
 *   4. order        the best brought to the front, sorted
 *   5. proximity    the best checked (when not checked yet) and given the
 *                   near part, then re-ranked
 *   6. page         the hits, checked as far as the page needs, at most
 *                   per_report of one report (search_results.c)
 *   7. totals       exact, or estimated from the checked share
 *
 * A writer may replace the revision being read at any point: the query is
 * then run again on the new one (search.c). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "search_impl.h"
#include "search_plan.h"
#include "util.h"

/* Candidates checked lazily so far, and how many of them matched. */
typedef struct tally {
    size_t verified, accepted;
} tally;

/* The passages on the page's last row: offset + limit. */
static size_t page_end(const zk_search_options *o)
{
    return o->offset + (o->limit ? o->limit : ZK_DEFAULT_LIMIT);
}

/* Whether `it` is a positive text term: one the results count and
 * highlight. */
static int is_text_term(const zk__qitem *it)
{
    return it->field == ZK_QF_TEXT && !it->negated;
}

/* The positive text terms of q. */
static unsigned text_terms(const zk__query *q)
{
    size_t k;
    unsigned n = 0;

    for (k = 0; k < q->n; k++)
        n += (unsigned)is_text_term(&q->items[k]);
    return n;
}

/* One item of a query as a query of its own, into *one and *copy. */
static void item_alone(const zk__qitem *it, zk__query *one, zk__qitem *copy)
{
    *copy = *it;
    copy->group = 1;
    one->items = copy;
    one->n = 1;
    one->n_groups = 1;
}

/* 1. The candidates of q into *final, each item's into st; checked now
 * when exact counts are asked for or there are few, else *lazy is set and
 * they are checked later, only as many as the page needs, best first. */
static int find_candidates(zk_searcher *s, const zk__query *q, int exact_counts,
                           item_state *st, idset *final, int *lazy)
{
    int rc = zk__sr_load_records(s);

    if (rc == ZK_OK)
        rc = zk__sr_evaluate(s, q, st, final);
    *lazy = rc == ZK_OK && zk__sr_need_verify(q, st) && !exact_counts &&
            final->n > ZK_EXACT_BELOW;
    if (rc == ZK_OK && !*lazy)
        rc = zk__sr_verify(s, q, st, final);
    return rc;
}

/* 2. term_counts[i], for the i-th positive text term: its matches on its
 * own (exact, or an upper bound). When the query matched nothing
 * (n_matches 0), each term is looked up alone, so that the counts tell
 * which term matched nothing: exactly with exact_counts, else only whether
 * it matches at all. */
static int count_terms(zk_searcher *s, const zk__query *q, int exact_counts,
                       size_t n_matches, item_state *st, uint64_t *term_counts)
{
    size_t i, k;
    int rc = ZK_OK;

    for (k = 0, i = 0; k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        zk__query one;
        zk__qitem copy;
        if (!is_text_term(it))
            continue;
        term_counts[i] = st[k].own; /* exact, or an upper bound */
        if (n_matches == 0 && st[k].narrowed) {
            /* looked for only among other terms' candidates: alone now */
            st[k].narrowed = 0;
            zk__sr_gram_set_free(st[k].g);
            st[k].g = NULL;
            rc = zk__sr_literal_grams(s, it, &st[k].g);
            if (rc == ZK_OK)
                rc = zk__sr_literal_candidates(s, it, st[k].g, &st[k].cand,
                                               &st[k].exact);
            if (rc != ZK_OK)
                return rc;
            term_counts[i] = st[k].cand.n;
        }
        if (!st[k].exact && n_matches == 0 && exact_counts) {
            idset only = {0};
            item_alone(it, &one, &copy);
            rc = zk__idset_or(&only, &st[k].cand);
            if (rc == ZK_OK)
                rc = zk__sr_verify(s, &one, &st[k], &only);
            term_counts[i] = only.n;
            zk__idset_free(&only);
            if (rc != ZK_OK)
                return rc;
        } else if (!st[k].exact && n_matches == 0) {
            /* whether it matches at all: the candidates stay the count
             * (an upper bound) once one of them holds the term */
            size_t j;
            int ok = 0;
            item_alone(it, &one, &copy);
            for (j = 0; j < st[k].cand.n && !ok && rc == ZK_OK; j++)
                rc = zk__sr_doc_ok(s, &one, &st[k], st[k].cand.v[j], &ok, NULL);
            if (rc != ZK_OK)
                return rc;
            if (!ok)
                term_counts[i] = 0;
        }
        i++;
    }
    return rc;
}

static void cands_free(cand_list *cl)
{
    free(cl->c);
    free(cl->parts);
    free(cl->ids);
    free(cl->dl);
    memset(cl, 0, sizeof(*cl));
}

/* 3a. The candidate list of `final` (not empty), each mapped to its
 * report, with the passages' lengths; *reports the number of reports they
 * are in. per (s->n_reports + 1 entries, zero) is scratch. */
static int make_cands(zk_searcher *s, const idset *final, int explain,
                      unsigned *per, cand_list *cl, uint64_t *reports)
{
    size_t i, n = final->n, rcur[ZK_MAX_SHARDS];
    int rc = ZK_OK;

    cl->n = n;
    cl->c = calloc(n, sizeof(*cl->c));
    cl->ids = malloc(n * sizeof(*cl->ids));
    cl->dl = malloc(n * sizeof(*cl->dl));
    if (explain)
        cl->parts = calloc(n, sizeof(*cl->parts));
    if (cl->c == NULL || cl->ids == NULL || cl->dl == NULL ||
        (explain && cl->parts == NULL))
        return zk__error_oom();
    memset(rcur, 0, sizeof(rcur));
    *reports = 0;
    for (i = 0; i < n; i++) {
        cand *c = &cl->c[i];
        c->docid = final->v[i];
        c->slot = (uint32_t)i;
        c->report = zk__sr_report_of(s, final->v[i], rcur);
        cl->ids[i] = final->v[i];
        cl->dl[i] = (uint32_t)s->avlength; /* unless lengths are looked up */
        if (c->report != SIZE_MAX && per[c->report]++ == 0)
            (*reports)++;
    }
    if (ZK_BM25_B > 0 || ZK_W_LENGTH > 0)
        rc = zk__sr_passage_lengths(s, cl->ids, n, cl->dl);
    return rc;
}

/* 4. Order the candidates: newest report first (then score) when asked,
 * else by score; the best *top of them (what the page and the re-ranking
 * need) sorted at the front, the rest after them in any order. */
static int order_cands(zk_searcher *s, const zk_search_options *o,
                       cand_list *cl, size_t *top)
{
    int rc = ZK_OK;

    if (o->sort == ZK_SORT_DATE) {
        rc = zk__sr_load_all_reports(s);
        if (rc != ZK_OK)
            return rc;
        zk__sr_order_by_date(s, cl);
    }
    *top = page_end(o) * (o->per_report ? ZK_PER_REPORT_SPARE : 1) + ZK_RERANK;
    if (*top > cl->n)
        *top = cl->n;
    zk__sr_select_top(cl->c, cl->n, *top);
    return rc;
}

/* Check candidate c lazily, counting it in *t; *pv as zk__sr_doc_ok(). */
static int check_cand(zk_searcher *s, const zk__query *q, const item_state *st,
                      cand *c, tally *t, passage_view *pv)
{
    int ok, rc = zk__sr_doc_ok(s, q, st, c->docid, &ok, pv);

    t->verified++;
    t->accepted += ok;
    c->verified = 1;
    c->rejected = !ok;
    return rc;
}

/* 5. The best candidates (the first `top`, sorted; at most ZK_RERANK),
 * checked when lazy, and given the near part for how close the query's
 * n_terms terms stand; then re-ranked. */
static int rerank_near(zk_searcher *s, const zk__query *q, const item_state *st,
                       int lazy, unsigned n_terms, cand_list *cl, size_t top,
                       tally *t)
{
    size_t i, r_top = top < ZK_RERANK ? top : ZK_RERANK;
    int rc = ZK_OK;

    for (i = 0; i < r_top && rc == ZK_OK; i++) {
        cand *c = &cl->c[i];
        passage_view v;
        v.data = NULL;
        if (lazy)
            rc = check_cand(s, q, st, c, t, &v);
        if (rc == ZK_OK && !c->rejected) {
            /* the passage as zk__sr_doc_ok() read it, or read it now */
            int normalised = v.data != NULL;
            mlist m = {0};
            size_t span;
            if (v.data == NULL)
                rc = zk__sr_read_passage(s, c->docid, &v);
            if (rc == ZK_OK)
                rc = zk__sr_find_matches(s, q, v.text, v.text_len, normalised,
                                         0, &m);
            span = rc == ZK_OK ? zk__sr_shortest_cover(&m, n_terms) : 0;
            if (span > 0)
                zk__sr_add_score(c, cl->parts, ZK_PART_NEAR,
                                 zk__sr_near(n_terms, span));
            free(m.v);
        }
        free(v.data);
    }
    if (rc == ZK_OK)
        qsort(cl->c, r_top, sizeof(*cl->c), zk__sr_cmp_cand);
    return rc;
}

/* 6. The page, into res->hits: the candidates in order (the first
 * `sorted` of them sorted), rejected ones skipped (checked now when lazy
 * and not yet), at most per_report of one report, from offset on. per
 * (s->n_reports + 1 entries) is scratch. */
static int fill_page(zk_searcher *s, zk_results *res,
                     const zk_search_options *o, const item_state *st, int lazy,
                     cand_list *cl, size_t sorted, unsigned *per, tally *t)
{
    cand *c = cl->c;
    size_t i, kept, n = cl->n, want = page_end(o);
    int rc = ZK_OK;

    memset(per, 0, (s->n_reports + 1) * sizeof(*per));
    res->hits =
        calloc(o->limit ? o->limit : ZK_DEFAULT_LIMIT, sizeof(*res->hits));
    if (res->hits == NULL)
        return zk__error_oom();
    for (i = 0, kept = 0; i < n && kept < want && rc == ZK_OK; i++) {
        size_t r;
        if (i == sorted) { /* rarely: the page needs more than the top */
            qsort(c + sorted, n - sorted, sizeof(*c), zk__sr_cmp_cand);
            sorted = n;
        }
        if (lazy && !c[i].verified)
            rc = check_cand(s, res->q, st, &c[i], t, NULL);
        if (rc != ZK_OK || c[i].rejected)
            continue;
        r = c[i].report == SIZE_MAX ? s->n_reports : c[i].report;
        if (o->per_report > 0 && per[r] >= o->per_report)
            continue;
        per[r]++;
        kept++;
        if (kept > o->offset)
            rc = zk__sr_fill_hit(s, res, &c[i], kept,
                                 cl->parts != NULL ? cl->parts[c[i].slot]
                                                   : NULL);
    }
    return rc;
}

/* 7. The totals into *info: exact when every candidate was checked (or
 * none needed it), else estimated from the share of checked candidates
 * that matched; reports_cand is the number of reports of the candidates.
 * per (s->n_reports + 1 entries) is scratch. */
static void count_totals(const zk_searcher *s, const cand_list *cl, int lazy,
                         const tally *t, uint64_t reports_cand, unsigned *per,
                         zk_result_info *info)
{
    size_t i, n = cl->n, accepted = t->accepted;
    uint64_t reports_ok = 0;

    if (!lazy || t->verified == n) {
        memset(per, 0, (s->n_reports + 1) * sizeof(*per));
        for (i = 0; i < n; i++) {
            const cand *c = &cl->c[i];
            if (lazy && c->rejected)
                continue;
            if (c->report != SIZE_MAX && per[c->report]++ == 0)
                reports_ok++;
        }
        info->passages = lazy ? accepted : n;
        info->reports = reports_ok;
        info->exact = 1;
    } else {
        double share =
            t->verified ? (double)accepted / (double)t->verified : 1.0;
        uint64_t est =
            accepted + (uint64_t)((double)(n - t->verified) * share + 0.5);
        uint64_t rep = (uint64_t)((double)reports_cand * share + 0.5);
        info->passages = est;
        info->reports = rep > reports_cand ? reports_cand : rep;
        if (info->reports == 0 && est > 0)
            info->reports = 1;
        info->exact = 0;
    }
}

/* Run res->q on the revision being read, filling res. */
static int run_query(zk_searcher *s, zk_results *res,
                     const zk_search_options *o)
{
    const zk__query *q = res->q;
    item_state *st = calloc(q->n, sizeof(*st));
    idset final = {0};
    cand_list cl = {0};
    unsigned *per = NULL; /* per report, scratch */
    tally t = {0, 0};
    size_t k, top = 0;
    uint64_t reports_cand = 0;
    int rc, lazy = 0;

    if (st == NULL)
        return zk__error_oom();
    rc = find_candidates(s, q, o->exact_counts, st, &final, &lazy);
    if (rc == ZK_OK)
        rc = count_terms(s, q, o->exact_counts, final.n, st, res->term_counts);
    if (rc == ZK_OK && final.n == 0) {
        res->info.exact = 1;
        goto done;
    }
    if (rc == ZK_OK) {
        per = calloc(s->n_reports + 1, sizeof(*per));
        rc = per != NULL ? ZK_OK : zk__error_oom();
    }
    if (rc == ZK_OK)
        rc = make_cands(s, &final, o->explain, per, &cl, &reports_cand);
    if (rc == ZK_OK)
        rc = zk__sr_score(s, q, st, &cl);
    if (rc == ZK_OK)
        rc = order_cands(s, o, &cl, &top);
    if (rc == ZK_OK && o->sort != ZK_SORT_DATE && res->info.n_terms >= 2)
        rc = rerank_near(s, q, st, lazy, res->info.n_terms, &cl, top, &t);
    if (rc == ZK_OK)
        rc = fill_page(s, res, o, st, lazy, &cl, top, per, &t);
    if (rc == ZK_OK)
        count_totals(s, &cl, lazy, &t, reports_cand, per, &res->info);
done:
    for (k = 0; k < q->n; k++) {
        zk__idset_free(&st[k].cand);
        zk__sr_gram_set_free(st[k].g);
    }
    free(st);
    zk__idset_free(&final);
    cands_free(&cl);
    free(per);
    return rc;
}

int zk_searcher_query(zk_results **out, zk_searcher *s, const char *query,
                      const zk_search_options *opts)
{
    static const zk_search_options defaults = ZK_SEARCH_OPTIONS_INIT;
    zk_results *res;
    double t0 = zk__now_seconds();
    size_t k;
    unsigned i;
    int rc, attempt;

    if (out == NULL || s == NULL || query == NULL)
        return zk__error(ZK_EINVAL, "zk_searcher_query: NULL argument");
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    if (opts->version != ZK_SEARCH_OPTIONS_VERSION)
        return zk__error(ZK_EINVAL, "zk_search_options version %u unknown",
                         opts->version);
    if (opts->limit > ZK_MAX_LIMIT)
        return zk__error(ZK_EINVAL, "limit %zu is too large", opts->limit);
    res = calloc(1, sizeof(*res));
    if (res == NULL)
        return zk__error_oom();
    res->s = s;
    rc = zk__query_parse(&res->q, query);
    if (rc != ZK_OK) {
        zk_results_free(res);
        return rc;
    }
    res->info.n_terms = text_terms(res->q);
    res->term_counts = calloc(res->info.n_terms + 1, sizeof(*res->term_counts));
    res->term_text = calloc(res->info.n_terms + 1, sizeof(*res->term_text));
    if (res->term_counts == NULL || res->term_text == NULL) {
        zk_results_free(res);
        return zk__error_oom();
    }
    for (k = 0, i = 0; k < res->q->n; k++)
        if (is_text_term(&res->q->items[k]))
            res->term_text[i++] = res->q->items[k].norm;
    /* each query reads the latest commit */
    rc = zk__sr_latest(s);
    if (rc != ZK_OK) {
        zk_results_free(res);
        return rc;
    }
    /* a writer may replace the revision being read: reopen and retry */
    for (attempt = 0;; attempt++) {
        rc = run_query(s, res, opts);
        if (rc != ZK__EMODIFIED || attempt == ZK_READ_ATTEMPTS)
            break;
        zk__sr_pause_before_retry(attempt);
        while (res->n_hits > 0)
            zk__sr_hit_free(&res->hits[--res->n_hits]);
        free(res->hits);
        res->hits = NULL;
        memset(&res->info, 0, sizeof(res->info));
        res->info.n_terms = text_terms(res->q);
        rc = zk__sr_reread(s);
        if (rc != ZK_OK)
            break;
    }
    if (rc == ZK__EMODIFIED)
        rc = zk__sr_kept_changing();
    if (rc != ZK_OK) {
        zk_results_free(res);
        return rc;
    }
    res->info.seconds = zk__now_seconds() - t0;
    *out = res;
    return ZK_OK;
}
