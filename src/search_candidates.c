/* search_candidates.c - the candidate passages of a query, from the
 * literal layer: a superset of its matches, exact when no term needs
 * checking against the text (search_verify.c).
 *
 * A term of one or two characters is one literal term of the index, and
 * its posting list is its matches. A longer term takes the passages holding
 * all its character pairs: its rarest pair's posting list, each passage
 * then looked up in the other pairs' lists (rarest next), so that a term
 * costs about as much as its rarest pair. Groups of OR'ed items are
 * unions, groups are intersected, exact exclusions subtracted; a term whose
 * rarest pair is common is looked for only among the candidates of the
 * rarer ones ("narrowed"). Report-level filters (title:, year:, path:,
 * ...) select the passages of whole reports. */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "search_impl.h"
#include "search_plan.h"
#include "util.h"

/* ---- id sets (sorted docid arrays) ---------------------------------------*/

void zk__idset_free(idset *s)
{
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static int set_reserve(idset *s, size_t n)
{
    return zk__grow(&s->v, &s->cap, n, sizeof(*s->v), 64);
}

/* a = a ∩ b */
static void set_and(idset *a, const idset *b)
{
    size_t i = 0, j = 0, o = 0;

    while (i < a->n && j < b->n) {
        if (a->v[i] < b->v[j])
            i++;
        else if (a->v[i] > b->v[j])
            j++;
        else {
            a->v[o++] = a->v[i++];
            j++;
        }
    }
    a->n = o;
}

/* a = a \ b */
static void set_minus(idset *a, const idset *b)
{
    size_t i = 0, j = 0, o = 0;

    while (i < a->n) {
        while (j < b->n && b->v[j] < a->v[i])
            j++;
        if (j < b->n && b->v[j] == a->v[i])
            i++;
        else
            a->v[o++] = a->v[i++];
    }
    a->n = o;
}

/* a = a ∪ b */
int zk__idset_or(idset *a, const idset *b)
{
    idset r = {0};
    size_t i = 0, j = 0;
    int rc = set_reserve(&r, a->n + b->n);

    if (rc != ZK_OK)
        return rc;
    while (i < a->n || j < b->n) {
        if (j >= b->n || (i < a->n && a->v[i] < b->v[j]))
            r.v[r.n++] = a->v[i++];
        else if (i >= a->n || b->v[j] < a->v[i])
            r.v[r.n++] = b->v[j++];
        else {
            r.v[r.n++] = a->v[i++];
            j++;
        }
    }
    zk__idset_free(a);
    *a = r;
    return ZK_OK;
}

/* ---- literal n-grams ---------------------------------------------------- */

void zk__sr_gram_set_free(gram_set *g)
{
    size_t k;

    if (g == NULL)
        return;
    for (k = 0; k < g->n; k++)
        free(g->w[k]);
    free(g);
}

static int gram_collect_cb(const char *term, size_t len, void *payload)
{
    gram_set *g = payload;
    size_t i;

    for (i = 0; i < g->n; i++)
        if (g->v[i].len == len && memcmp(g->v[i].term, term, len) == 0)
            return 0;
    if (g->n == ZK_MAX_GRAMS || len > sizeof(g->v[0].term))
        return 0;
    memcpy(g->v[g->n].term, term, len);
    g->v[g->n].len = len;
    g->rc = zk__reader_termfreq(g->s->rd, term, len, &g->v[g->n].tf);
    g->n++;
    return g->rc;
}

static int cmp_gram_tf(const void *a, const void *b)
{
    const gram_item *x = a, *y = b;

    return x->tf < y->tf ? -1 : x->tf > y->tf;
}

/* The distinct n-grams of item `it`, rarest first, with their frequencies
 * (*g allocated; free() it). */
int zk__sr_literal_grams(zk_searcher *s, const zk__qitem *it, gram_set **out)
{
    gram_set *g = calloc(1, sizeof(*g));
    int rc;

    *out = g;
    if (g == NULL)
        return zk__error_oom();
    g->s = s;
    rc = zk__literal_grams(it->norm, it->norm_len, gram_collect_cb, g);
    if (rc == ZK_OK && g->n > 1)
        qsort(g->v, g->n, sizeof(g->v[0]), cmp_gram_tf);
    return rc;
}

/* Keep in `set` the passages that hold n-grams g->v[from...], skipping
 * through their posting lists, and note their wdfs in g->w[from...]
 * (g->w[0...from-1], when set, are kept aligned with `set`). */
static int keep_with_grams(zk_searcher *s, gram_set *g, size_t from, idset *set)
{
    unsigned char *has;
    size_t i, j, k, o;
    int rc = ZK_OK;

    if (from >= g->n || set->n == 0)
        return ZK_OK;
    has = malloc(set->n);
    if (has == NULL)
        return zk__error_oom();
    for (k = from; rc == ZK_OK && k < g->n && set->n > 0; k++) {
        g->w[k] = malloc(set->n * sizeof(uint32_t));
        if (g->w[k] == NULL) {
            rc = zk__error_oom();
            break;
        }
        rc = zk__reader_has(s->rd, g->v[k].term, g->v[k].len, set->v, set->n,
                            has, g->w[k]);
        for (i = 0, o = 0; rc == ZK_OK && i < set->n; i++) {
            if (!has[i])
                continue;
            set->v[o] = set->v[i];
            for (j = 0; j <= k; j++)
                if (g->w[j] != NULL)
                    g->w[j][o] = g->w[j][i];
            o++;
        }
        if (rc == ZK_OK)
            set->n = o;
    }
    free(has);
    return rc;
}

/* Whether the candidates of `it` are its matches (terms.h): never for
 * section:, whose n-grams also come from the text. */
static int literal_exact(const zk__qitem *it)
{
    return it->field != ZK_QF_SECTION &&
           zk__literal_exact(it->norm, it->norm_len);
}

/* Candidates for a literal whose n-grams are g (zk__sr_literal_grams()):
 * passages holding all of them, found from the rarest n-gram's posting
 * list, each candidate then looked up in the others' (rarest next), so a
 * query costs about as much as its rarest n-gram; their wdfs go to g->w.
 * Exact when the literal is one n-gram (one or two characters). */
int zk__sr_literal_candidates(zk_searcher *s, const zk__qitem *it, gram_set *g,
                              idset *out, int *exact)
{
    zk__plist pl = {0};
    int rc = ZK_OK;

    out->n = 0;
    *exact = literal_exact(it);
    if (g->n > 0 && g->v[0].tf > 0)
        rc = zk__reader_postlist(s->rd, g->v[0].term, g->v[0].len, 1, &pl);
    if (rc == ZK_OK && pl.n > 0) {
        rc = set_reserve(out, pl.n);
        g->w[0] = malloc(pl.n * sizeof(uint32_t));
        if (rc == ZK_OK && g->w[0] == NULL)
            rc = zk__error_oom();
    }
    if (rc == ZK_OK && pl.n > 0) {
        memcpy(out->v, pl.ids, pl.n * sizeof(uint32_t));
        memcpy(g->w[0], pl.wdf, pl.n * sizeof(uint32_t));
        out->n = pl.n;
    }
    if (rc == ZK_OK)
        rc = keep_with_grams(s, g, 1, out);
    zk__plist_free(&pl);
    return rc;
}

/* ---- report-level filters ------------------------------------------------ */

static int contains(const char *hay, const char *needle, size_t nlen,
                    zk_norm *nb, size_t *cap)
{
    if (hay == NULL)
        return 0;
    if (zk__normalize_into(nb, cap, hay, strlen(hay)) != ZK_OK)
        return 0;
    return memmem(nb->text, nb->len, needle, nlen) != NULL;
}

static int report_passes(zk_searcher *s, report *r, const zk__qitem *it)
{
    switch (it->field) {
    case ZK_QF_TITLE:
        return contains(r->title, it->norm, it->norm_len, &s->nb, &s->nb_cap);
    case ZK_QF_YEAR:
        return r->year >= it->year_lo && r->year <= it->year_hi;
    case ZK_QF_AUTHOR:
        return contains(r->author, it->norm, it->norm_len, &s->nb, &s->nb_cap);
    case ZK_QF_ORG:
        return contains(r->org, it->norm, it->norm_len, &s->nb, &s->nb_cap);
    case ZK_QF_KEYWORD:
        return contains(r->keywords, it->norm, it->norm_len, &s->nb,
                        &s->nb_cap);
    case ZK_QF_DOCNO:
        return contains(r->docno, it->norm, it->norm_len, &s->nb, &s->nb_cap);
    case ZK_QF_PATH: {
        char real[PATH_MAX];
        const char *v = it->raw;
        if (r->path == NULL)
            return 0;
        if (strpbrk(v, "*?[") != NULL) {
            const char *base = strrchr(r->path, '/');
            return fnmatch(v, r->path, 0) == 0 ||
                   (base && fnmatch(v, base + 1, 0) == 0);
        }
        if (realpath(v, real) != NULL) {
            size_t n = strlen(real);
            if (strncmp(r->path, real, n) == 0 &&
                (r->path[n] == '/' || r->path[n] == '\0'))
                return 1;
        }
        return strstr(r->path, v) != NULL;
    }
    }
    return 0;
}

/* Passages of the reports that pass `it`. */
static int report_filter(zk_searcher *s, const zk__qitem *it, idset *out)
{
    zk__plist pl = {0};
    size_t i;
    int rc = zk__sr_load_all_reports(s);

    out->n = 0;
    for (i = 0; rc == ZK_OK && i < s->n_reports; i++) {
        char term[32];
        idset b;
        if (!report_passes(s, &s->reports[i], it))
            continue;
        snprintf(term, sizeof(term), "%s%s", ZK_P_REPORT, s->reports[i].id);
        rc = zk__reader_postlist(s->rd, term, strlen(term), 0, &pl);
        b.v = pl.ids;
        b.n = pl.n;
        if (rc == ZK_OK)
            rc = zk__idset_or(out, &b);
    }
    zk__plist_free(&pl);
    return rc;
}

static int item_candidates(zk_searcher *s, const zk__qitem *it, item_state *st)
{
    st->exact = 1;
    if (it->field == ZK_QF_TEXT || it->field == ZK_QF_SECTION) {
        int rc = zk__sr_literal_grams(s, it, &st->g);
        if (rc == ZK_OK)
            rc = zk__sr_literal_candidates(s, it, st->g, &st->cand, &st->exact);
        return rc;
    }
    return report_filter(s, it, &st->cand);
}

/* Whether item k is alone in its group, positive, and looked up by its
 * n-grams: its candidates can then be looked for among those of the
 * groups before it. */
int zk__sr_narrowable(const zk__query *q, size_t k)
{
    const zk__qitem *it = &q->items[k];
    size_t j;

    if (it->negated || (it->field != ZK_QF_TEXT && it->field != ZK_QF_SECTION))
        return 0;
    for (j = 0; j < q->n; j++)
        if (j != k && q->items[j].group == it->group && !q->items[j].negated)
            return 0;
    return 1;
}

typedef struct narrow_item {
    size_t k;
    gram_set *g;
} narrow_item;

static int cmp_narrow(const void *a, const void *b)
{
    const narrow_item *x = a, *y = b;
    uint64_t tx = x->g->n ? x->g->v[0].tf : 0, ty = y->g->n ? y->g->v[0].tf : 0;

    return tx < ty ? -1 : tx > ty;
}

/* The candidates for the whole query: a superset of its matches, exact
 * when no item needs checking (see zk__sr_doc_ok()). Groups of several items,
 * report filters and exclusions are looked up on their own and ANDed;
 * then the terms that are alone in their group, rarest first, each
 * looked up on its own only while its rarest n-gram's posting list is
 * shorter than a few times the candidates so far, and otherwise by
 * checking those candidates against its n-grams' posting lists (the
 * term is then "narrowed"). */
int zk__sr_evaluate(zk_searcher *s, const zk__query *q, item_state *st,
                    idset *final)
{
    size_t k, m = 0, j;
    unsigned g;
    int rc = ZK_OK, first = 1;
    narrow_item *nv = calloc(q->n ? q->n : 1, sizeof(*nv));

    if (nv == NULL)
        return zk__error_oom();
    for (k = 0; rc == ZK_OK && k < q->n; k++) {
        if (zk__sr_narrowable(q, k)) {
            nv[m].k = k;
            rc = zk__sr_literal_grams(s, &q->items[k], &st[k].g);
            nv[m].g = st[k].g; /* st[k] owns it */
            m++;
        } else {
            rc = item_candidates(s, &q->items[k], &st[k]);
            st[k].own = st[k].cand.n;
        }
    }
    final->n = 0;
    for (g = 1; rc == ZK_OK && g <= q->n_groups; g++) {
        idset u = {0};
        int positive = 0;
        for (k = 0; rc == ZK_OK && k < q->n; k++) {
            if (q->items[k].group != g || q->items[k].negated)
                continue;
            for (j = 0; j < m && nv[j].k != k; j++)
                ;
            if (j < m)
                break; /* a narrowable item's group: below */
            positive = 1;
            rc = zk__idset_or(&u, &st[k].cand);
        }
        if (rc == ZK_OK && positive && k == q->n) {
            if (first) {
                zk__idset_free(final);
                *final = u;
                u.v = NULL;
                first = 0;
            } else {
                set_and(final, &u);
            }
        }
        zk__idset_free(&u);
    }
    if (rc == ZK_OK && m > 1)
        qsort(nv, m, sizeof(*nv), cmp_narrow);
    for (j = 0; rc == ZK_OK && j < m; j++) {
        item_state *t = &st[nv[j].k];
        gram_set *gs = nv[j].g;
        uint64_t rare = gs->n ? gs->v[0].tf : 0;
        t->exact = literal_exact(&q->items[nv[j].k]);
        if (!first && (uint64_t) final->n * ZK_NARROW_RATIO < rare) {
            /* look for it among the candidates so far */
            rc = zk__idset_or(&t->cand, final);
            if (rc == ZK_OK)
                rc = keep_with_grams(s, gs, 0, &t->cand);
            t->narrowed = 1;
            t->own = rare;
        } else {
            rc = zk__sr_literal_candidates(s, &q->items[nv[j].k], gs, &t->cand,
                                           &t->exact);
            t->own = t->cand.n;
        }
        if (rc != ZK_OK)
            break;
        if (first) {
            rc = zk__idset_or(final, &t->cand);
            first = 0;
        } else {
            set_and(final, &t->cand);
        }
    }
    free(nv);
    /* exact exclusions now; the others when candidates are checked */
    for (k = 0; rc == ZK_OK && k < q->n; k++)
        if (q->items[k].negated && st[k].exact)
            set_minus(final, &st[k].cand);
    return rc;
}
