/* search_rank.c - the score of each candidate passage: the ranking terms
 * of a query, BM25 over their posting lists, the title, length and
 * proximity parts, and the selection of the best.
 *
 * The weights and the reasons for them are in search_weights.h. A ranking
 * term is read once for all candidates: its posting list is read whole and
 * merged with them when it is not much longer, else skipped through one
 * candidate at a time (ZK_MERGE_RATIO); the n-grams of a term whose
 * candidates hold every candidate of the query reuse the wdfs noted when
 * the candidates were looked up (search_candidates.c). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "search_impl.h"
#include "search_plan.h"
#include "search_weights.h"
#include "util.h"

static char *xstrndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- the query's words ------------------------------------------------- */

typedef struct wordlist {
    char **w;
    size_t n, cap;
} wordlist;

static void words_free(wordlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->w[i]);
    free(l->w);
    memset(l, 0, sizeof(*l));
}

static int words_add(wordlist *l, const char *w, size_t n)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strlen(l->w[i]) == n && memcmp(l->w[i], w, n) == 0)
            return ZK_OK;
    if (zk__grow(&l->w, &l->cap, l->n + 1, sizeof(*l->w), 16) != ZK_OK)
        return ZK_ENOMEM;
    l->w[l->n] = xstrndup(w, n);
    if (l->w[l->n] == NULL)
        return zk__error_oom();
    l->n++;
    return ZK_OK;
}

static int word_cb(const zk_token *t, void *payload)
{
    wordlist *l = payload;

    if (t->kind == ZK_TOKEN_SPACE || t->len > ZK_MAX_TERM)
        return 0;
    return words_add(l, t->text, t->len) != ZK_OK;
}

static double idf(double N, double n)
{
    /* BM25's idf, kept positive for terms in over half the passages */
    return log(1.0 + (N - n + 0.5) / (n + 0.5));
}

static double bm25(double wdf, double len, double avlen)
{
    double k1 = ZK_BM25_K1, b = ZK_BM25_B;

    if (wdf <= 0)
        return 0;
    if (avlen <= 0)
        avlen = 1;
    return wdf * (k1 + 1) / (wdf + k1 * (1 - b + b * len / avlen));
}

/* The ranking terms of a query, each once, with what it adds to: one term
 * may count for several parts (a two-character word is also the literal
 * n-gram of the term it comes from). */
typedef struct rterm {
    char *term;
    size_t len;
    double weight[ZK_N_PARTS];
} rterm;

typedef struct rterms {
    rterm *v;
    size_t n, cap;
} rterms;

static void rterms_free(rterms *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->v[i].term);
    free(t->v);
    memset(t, 0, sizeof(*t));
}

static int rterms_add(rterms *t, const char *term, size_t len, int part,
                      double w)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (t->v[i].len == len && memcmp(t->v[i].term, term, len) == 0) {
            t->v[i].weight[part] += w;
            return ZK_OK;
        }
    if (zk__grow(&t->v, &t->cap, t->n + 1, sizeof(*t->v), 16) != ZK_OK)
        return ZK_ENOMEM;
    memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
    t->v[t->n].term = xstrndup(term, len);
    if (t->v[t->n].term == NULL)
        return zk__error_oom();
    t->v[t->n].len = len;
    t->v[t->n].weight[part] = w;
    t->n++;
    return ZK_OK;
}

/* An item whose candidates hold every candidate of the query (alone in
 * its group, positive) and that noted the wdfs of n-gram `t`: its state,
 * *gi the n-gram's index; or NULL. */
static const item_state *gram_source(const zk__query *q, const item_state *st,
                                     const rterm *t, size_t *gi)
{
    size_t k, j;

    *gi = 0;
    for (k = 0; k < q->n; k++) {
        const gram_set *g = st[k].g;
        if (g == NULL || !zk__sr_narrowable(q, k))
            continue;
        for (j = 0; j < g->n; j++)
            if (g->v[j].len == t->len && g->w[j] != NULL &&
                memcmp(g->v[j].term, t->term, t->len) == 0) {
                *gi = j;
                return &st[k];
            }
    }
    return NULL;
}

/* Add each part's weight x idf x BM25 of term `t` to the candidates (their
 * docids ascending in ids, their document lengths in dl). A term whose
 * posting list is not much longer than the candidate list is read whole and
 * merged; otherwise the list is skipped through candidate by candidate. */
static int score_rterm(zk_searcher *s, const rterm *t, cand *c, part_row *parts,
                       size_t n, const uint32_t *ids, uint32_t *wdf,
                       const uint32_t *dl, zk__plist *pl, const item_state *src,
                       size_t gi)
{
    uint64_t tf = 0;
    double w[ZK_N_PARTS], idfv;
    size_t i, j, p;
    int rc =
        src != NULL ? ZK_OK : zk__reader_termfreq(s->rd, t->term, t->len, &tf);

    if (src != NULL)
        tf = src->g->v[gi].tf;
    if (rc != ZK_OK || tf == 0)
        return rc;
    idfv = idf((double)s->n_passages, (double)tf);
    for (p = 0; p < ZK_N_PARTS; p++)
        w[p] = t->weight[p] * idfv;
    if (src != NULL) {
        /* an n-gram of a term whose candidates hold every candidate here:
         * its wdfs were noted when the candidates were looked up */
        const uint32_t *cv = src->cand.v, *cw = src->g->w[gi];
        size_t cn = src->cand.n;
        for (i = 0, j = 0; i < n; i++) {
            while (j < cn && cv[j] < ids[i])
                j++;
            wdf[i] = j < cn && cv[j] == ids[i] ? cw[j] : 0;
        }
    } else if (tf <= ZK_MERGE_RATIO * (uint64_t)n) {
        rc = zk__reader_postlist(s->rd, t->term, t->len, 1, pl);
        if (rc != ZK_OK)
            return rc;
        for (i = 0, j = 0; i < n && j < pl->n;) {
            if (ids[i] < pl->ids[j]) {
                i++;
            } else if (ids[i] > pl->ids[j]) {
                j++;
            } else {
                double b = bm25(pl->wdf[j], dl[i], s->avlength);
                for (p = 0; p < ZK_N_PARTS; p++)
                    zk__sr_add_score(&c[i], parts, (int)p, w[p] * b);
                i++;
                j++;
            }
        }
        return ZK_OK;
    } else {
        rc = zk__reader_has(s->rd, t->term, t->len, ids, n, NULL, wdf);
        if (rc != ZK_OK)
            return rc;
    }
    for (i = 0; i < n; i++) {
        double b;
        if (wdf[i] == 0)
            continue;
        b = bm25(wdf[i], dl[i], s->avlength);
        for (p = 0; p < ZK_N_PARTS; p++)
            zk__sr_add_score(&c[i], parts, (int)p, w[p] * b);
    }
    return ZK_OK;
}

typedef struct gram_list {
    rterms *t;
    double weight;
    size_t count;
    int rc;
} gram_list;

static int gram_count_cb(const char *term, size_t len, void *payload)
{
    gram_list *g = payload;

    (void)term;
    (void)len;
    g->count++;
    return 0;
}

static int gram_add_cb(const char *term, size_t len, void *payload)
{
    gram_list *g = payload;

    g->rc = rterms_add(g->t, term, len, ZK_PART_LITERAL, g->weight);
    return g->rc;
}

int zk__sr_cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->docid < y->docid ? -1 : x->docid > y->docid;
}

/* The query's words: each positive text: and section: term segmented in
 * search mode, exactly as the index's text was. */
static int query_words(zk_searcher *s, const zk__query *q, wordlist *words)
{
    size_t k;
    int rc = ZK_OK;

    for (k = 0; rc == ZK_OK && k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        zk_seg_options so = ZK_SEG_OPTIONS_INIT;
        if (it->negated ||
            (it->field != ZK_QF_TEXT && it->field != ZK_QF_SECTION))
            continue;
        so.mode = ZK_SEG_SEARCH;
        rc = zk_seg_cut(s->seg, it->norm, it->norm_len, &so, word_cb, words);
    }
    return rc;
}

/* The ranking terms of a query: its words in the text (words of one or
 * two characters are literal terms) and in the heading trail; and each
 * text term's character n-grams, sharing the literal part's weight. */
static int ranking_terms(const zk__query *q, const wordlist *words, rterms *rt)
{
    size_t k;
    int rc = ZK_OK;

    for (k = 0; rc == ZK_OK && k < words->n; k++) {
        char term[ZK_MAX_TERM + 4];
        size_t wl = strlen(words->w[k]), tl;
        if (wl + 1 >= sizeof(term))
            continue;
        /* in the text: the term the indexer gave the word (terms.h) */
        tl = zk__word_term(term, sizeof(term), words->w[k], wl);
        rc = rterms_add(rt, term, tl, ZK_PART_WORDS, ZK_W_WORD);
        /* in the heading trail: every word, prefixed */
        term[0] = ZK_P_SECTION[0];
        memcpy(term + 1, words->w[k], wl);
        if (rc == ZK_OK)
            rc = rterms_add(rt, term, wl + 1, ZK_PART_SECTION, ZK_W_SECTION);
    }
    for (k = 0; rc == ZK_OK && k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        gram_list g;
        if (it->negated || it->field != ZK_QF_TEXT)
            continue;
        memset(&g, 0, sizeof(g));
        g.t = rt;
        zk__literal_grams(it->norm, it->norm_len, gram_count_cb, &g);
        g.weight = ZK_W_LITERAL / (double)(g.count ? g.count : 1);
        rc = zk__literal_grams(it->norm, it->norm_len, gram_add_cb, &g);
    }
    return rc;
}

/* The title part: the candidates of reports whose title has a query word
 * get its weight x its idf over reports. pl is scratch. */
static int score_titles(zk_searcher *s, const wordlist *words, cand_list *cl,
                        zk__plist *pl)
{
    unsigned char *in_title = NULL;
    size_t i, k;
    int rc = ZK_OK;

    for (k = 0; rc == ZK_OK && k < words->n; k++) {
        char term[ZK_MAX_TERM + 4];
        size_t wl = strlen(words->w[k]), j;
        double w;
        if (wl + 1 >= sizeof(term))
            continue;
        term[0] = ZK_P_TITLE[0];
        memcpy(term + 1, words->w[k], wl);
        rc = zk__reader_postlist(s->rd, term, wl + 1, 0, pl);
        if (rc != ZK_OK || pl->n == 0)
            continue;
        w = ZK_W_TITLE * idf((double)s->n_reports, (double)pl->n);
        /* which reports have it: both lists are ascending record docids */
        if (in_title == NULL &&
            (in_title = malloc(s->n_reports ? s->n_reports : 1)) == NULL) {
            rc = zk__error_oom();
            break;
        }
        memset(in_title, 0, s->n_reports);
        for (i = 0, j = 0; i < s->n_reports && j < pl->n;) {
            if (s->rec_docid[i] < pl->ids[j])
                i++;
            else if (s->rec_docid[i] > pl->ids[j])
                j++;
            else
                in_title[i++] = 1;
        }
        for (i = 0; i < cl->n; i++) {
            if (cl->c[i].report == SIZE_MAX || !in_title[cl->c[i].report])
                continue;
            zk__sr_add_score(&cl->c[i], cl->parts, ZK_PART_TITLE, w);
        }
    }
    free(in_title);
    return rc;
}

int zk__sr_score(zk_searcher *s, const zk__query *q, const item_state *st,
                 cand_list *cl)
{
    wordlist words = {0};
    rterms rt = {0};
    zk__plist pl = {0};
    uint32_t *wdf = malloc((cl->n ? cl->n : 1) * sizeof(*wdf));
    size_t i, k;
    int rc = wdf != NULL ? ZK_OK : zk__error_oom();

    if (rc == ZK_OK)
        rc = query_words(s, q, &words);
    if (rc == ZK_OK)
        rc = ranking_terms(q, &words, &rt);
    for (k = 0; rc == ZK_OK && k < rt.n; k++) {
        size_t gi;
        const item_state *src = gram_source(q, st, &rt.v[k], &gi);
        rc = score_rterm(s, &rt.v[k], cl->c, cl->parts, cl->n, cl->ids, wdf,
                         cl->dl, &pl, src, gi);
    }
    if (rc == ZK_OK)
        rc = score_titles(s, &words, cl, &pl);
    /* length: a longer passage says more (a headline or a one-line
     * fragment names a topic, a paragraph sets it out) */
    for (i = 0; rc == ZK_OK && ZK_W_LENGTH > 0 && i < cl->n; i++)
        zk__sr_add_score(&cl->c[i], cl->parts, ZK_PART_LENGTH,
                         ZK_W_LENGTH *
                             log(1.0 + (double)cl->dl[i] / s->avlength));
    words_free(&words);
    rterms_free(&rt);
    zk__plist_free(&pl);
    free(wdf);
    return rc;
}

double zk__sr_near(unsigned n_terms, size_t span)
{
    return ZK_W_NEAR * (double)(n_terms - 1) /
           (1.0 + (double)span / ZK_NEAR_SCALE);
}

void zk__sr_order_by_date(const zk_searcher *s, cand_list *cl)
{
    size_t i;

    for (i = 0; i < cl->n; i++) {
        cand *c = &cl->c[i];
        const report *r = c->report != SIZE_MAX ? &s->reports[c->report] : NULL;
        double d = 0;
        if (r && r->date) {
            int y = 0, m = 0, dd = 0;
            sscanf(r->date, "%d-%d-%d", &y, &m, &dd);
            d = y * 10000.0 + m * 100.0 + dd;
        }
        c->score = d * 1e4 + c->score;
    }
}

/* ---- top k ---------------------------------------------------------------*/

static void sift_down(cand *h, size_t m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        cand t;
        /* the root is the worst of the kept: cmp > 0 means worse */
        if (l < m && zk__sr_cmp_cand(&h[l], &h[w]) > 0)
            w = l;
        if (r < m && zk__sr_cmp_cand(&h[r], &h[w]) > 0)
            w = r;
        if (w == i)
            return;
        t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

/* Move the `m` best candidates to the front of c[0..n), best first; the
 * others stay behind them in any order. O(n log m). */
void zk__sr_select_top(cand *c, size_t n, size_t m)
{
    size_t i;

    if (m >= n || m == 0) {
        qsort(c, n, sizeof(*c), zk__sr_cmp_cand);
        return;
    }
    for (i = m / 2; i-- > 0;)
        sift_down(c, m, i);
    for (i = m; i < n; i++) {
        if (zk__sr_cmp_cand(&c[i], &c[0]) < 0) { /* better than the worst */
            cand t = c[0];
            c[0] = c[i];
            c[i] = t;
            sift_down(c, m, 0);
        }
    }
    qsort(c, m, sizeof(*c), zk__sr_cmp_cand);
}
