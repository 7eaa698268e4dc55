/* search.c - find and rank passages
 *
 * Which passages match is decided by the literal layer alone, so that
 * segmentation decides ranking, never recall: a term of one or two
 * characters is one literal term of the index (exact); a longer term takes
 * the passages holding all its character pairs, and each of those is
 * checked for the term itself in its normalised text and heading trail.
 * Groups of OR'ed items are unions, groups are intersected, excluded items
 * subtracted; report-level filters (title:, year:, path:, ...) select whole
 * reports.
 *
 * Ranking (weights in search_weights.h) adds, for each matching passage:
 * BM25 of the query's words (the query segmented exactly as the index
 * was) in its text, BM25 of its literal character n-grams, BM25 of the
 * words in its heading trail, a lift when the report's title holds query
 * words, and, for the best candidates, a bonus for how close the terms
 * stand in the text. At most `per_report` passages of one report are kept.
 *
 * Every passage belongs to the report whose record is the next document of
 * its shard (the indexer adds a report's passages and then its record), so
 * the searcher maps passages to reports with a binary search.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "zhiku/normalize.h"
#include "zhiku/search.h"
#include "zhiku/segment.h"
#include "index_internal.h"
#include "terms.h"
#include "internal.h"
#include "normalize_internal.h"
#include "query.h"
#include "record.h"
#include "search_impl.h"
#include "search_weights.h"
#include "store.h"
#include "stub.h"
#include "util.h"

/* ---- the searcher -------------------------------------------------------- */

static char *xstrndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static int check_index(zk_searcher *s)
{
    char *schema = NULL, *dict = NULL, *user = NULL, *norm = NULL;
    char now[ZK_NORMALIZE_ID_MAX];
    int rc = zk__reader_meta(s->rd, ZK_META_SCHEMA, &schema);

    if (rc == ZK_OK)
        rc = zk__reader_meta(s->rd, ZK_META_DICT, &dict);
    if (rc == ZK_OK)
        rc = zk__reader_meta(s->rd, ZK_META_USERDICTS, &user);
    if (rc == ZK_OK)
        rc = zk__reader_meta(s->rd, ZK_META_NORMALIZE, &norm);
    if (rc != ZK_OK)
        goto done;
    if (schema == NULL || atoi(schema) != ZK_SCHEMA_VERSION) {
        rc = zk__error(ZK_EVERSION,
                       "%s: index schema %s, this zhiku reads schema %d: "
                       "rebuild it with 'zhiku-index --rebuild -i %s "
                       "FOLDER...'",
                       s->path, schema ? schema : "(none)", ZK_SCHEMA_VERSION,
                       s->path);
        goto done;
    }
    /* normalise queries exactly as the index's text was */
    if (!zk__normalize_same(norm)) {
        zk__normalize_id(now, sizeof(now));
        rc = zk__error(ZK_EVERSION,
                       "%s: the index was built with the normaliser '%s', "
                       "this zhiku's is '%s' (utf8proc was upgraded?): "
                       "rebuild the index with 'zhiku-index --rebuild -i %s "
                       "FOLDER...'",
                       s->path, norm, now, s->path);
        goto done;
    }
    /* segment queries exactly as the index was built */
    if (user != NULL && user[0] != '\0') {
        char *p = user;
        while (rc == ZK_OK && p != NULL && *p) {
            char *semi = strchr(p, ';');
            if (semi)
                *semi = '\0';
            rc = zk_dict_load_userdict(s->dict, p);
            if (rc != ZK_OK) {
                const zk_error *e = zk_error_last();
                char msg[512];
                snprintf(msg, sizeof(msg), "%s", e ? e->message : "");
                rc = zk__error(ZK_EVERSION,
                               "%s: the index was built with the user "
                               "dictionary %s, which cannot be read now (%s)",
                               s->path, p, msg);
            }
            p = semi ? semi + 1 : NULL;
        }
    }
    if (rc == ZK_OK && dict != NULL && strcmp(dict, zk_dict_hash(s->dict)))
        rc = zk__error(ZK_EVERSION,
                       "%s: the index was built with dictionary %s, but the "
                       "dictionary and user dictionaries here give %s (a "
                       "user dictionary changed?): rebuild the index with "
                       "'zhiku-index --rebuild -i %s ...'",
                       s->path, dict, zk_dict_hash(s->dict), s->path);
done:
    free(schema);
    free(dict);
    free(user);
    free(norm);
    return rc;
}

static int refresh_stats(zk_searcher *s)
{
    uint64_t docs;
    int rc = zk__reader_stats(s->rd, &docs, &s->avlength, &s->n_shards);

    if (rc == ZK_OK)
        rc = zk__reader_termfreq(s->rd, ZK_T_PASSAGE, 2, &s->n_passages);
    if (s->n_shards == 0 || s->n_shards > ZK_MAX_SHARDS)
        return zk__error(ZK_ECORRUPT, "%s: %u shards", s->path, s->n_shards);
    return rc;
}

/* The same stub file as when `a` was taken: a compaction replaces it by a
 * rename, so a new inode or time means new shards. */
static int same_stub(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Open the shards the stub lists, hiding the documents the index's last
 * commit does not hold. A writer commits (or compacts) by replacing the
 * stub: if that happens between our reading it and opening the shards,
 * the shards may hold a later state than the stub we read (or be gone),
 * so read it again. */
static int open_reader(zk_searcher *s, zk__reader **rd, struct stat *st)
{
    char stub[PATH_MAX];
    zk__stub sb;
    int attempt, rc = ZK_OK;

    memset(&sb, 0, sizeof(sb));
    snprintf(stub, sizeof(stub), "%s/%s", s->path, ZK_STUB_NAME);
    for (attempt = 0; attempt < 100; attempt++) {
        struct stat after;
        if (stat(stub, st) != 0) {
            rc = zk__error(ZK_ENOTFOUND, "%s: %s", stub, strerror(errno));
            break;
        }
        rc = zk__stub_read(s->path, &sb);
        if (rc == ZK_OK)
            rc = zk__reader_open(rd, s->path);
        if (rc == ZK_OK)
            rc = zk__reader_hide(*rd, &sb.hid);
        if (stat(stub, &after) == 0 && same_stub(&after, st))
            break; /* opened (or failed) with the stub unchanged */
        /* switched under us: read it again */
        zk__reader_free(*rd);
        *rd = NULL;
    }
    if (rc != ZK_OK) {
        zk__reader_free(*rd);
        *rd = NULL;
    }
    zk__stub_free(&sb);
    return rc;
}

/* A reader that loses its revision to a writer's later commits (Xapian's
 * DatabaseModifiedError) reopens and tries again, this many times; from the
 * third attempt on it first waits a little longer each time (1, 2, 4 ... up
 * to 32 ms), so that a writer committing in quick succession cannot starve
 * it. */
#define ZK_READ_ATTEMPTS 24

static int kept_changing(void)
{
    const zk_error *e = zk_error_last();
    char why[512];

    snprintf(why, sizeof(why), "%s", e ? e->message : "");
    return zk__error(ZK_EIO, "the index kept changing under the query: %s",
                     why);
}

static void pause_before_retry(int attempt)
{
    struct timespec ts;
    long ms;

    if (attempt < 2)
        return;
    ms = 1L << (attempt - 2 < 5 ? attempt - 2 : 5);
    ts.tv_sec = 0;
    ts.tv_nsec = ms * 1000000L;
    nanosleep(&ts, NULL);
}

/* A writer replaced the stub since `s` opened the shards (a commit, or a
 * compaction that replaced the shards): open what the new one says. */
static int follow_stub(zk_searcher *s)
{
    char stub[PATH_MAX];
    struct stat st;
    zk__reader *rd = NULL;
    int rc;

    snprintf(stub, sizeof(stub), "%s/%s", s->path, ZK_STUB_NAME);
    if (stat(stub, &st) != 0 || same_stub(&st, &s->stub))
        return ZK_OK;
    rc = open_reader(s, &rd, &st);
    if (rc != ZK_OK)
        return rc;
    zk__reader_free(s->rd);
    s->rd = rd;
    s->stub = st;
    zk__sr_drop_records(s);
    return refresh_stats(s);
}

/* Move to the latest commit: 1 if what is read changed, 0 if not, or an
 * error. A compaction removes the shards it replaced, so when reopening
 * them fails because the stub has switched, read the new shards. */
static int reopen_reader(zk_searcher *s)
{
    zk__reader *before = s->rd;
    int frc = follow_stub(s), rc;

    if (frc != ZK_OK)
        return frc;
    if (s->rd != before)
        return 1;
    rc = zk__reader_reopen(s->rd);
    /* a commit replaces the stub after its shards': if it did while we
     * reopened them, what they now hold may be later than the stub we
     * read, so read both again */
    frc = follow_stub(s);
    if (frc != ZK_OK)
        return frc;
    return s->rd != before ? 1 : rc;
}

/* Bytes of the files in the shard directories the stub lists. A
 * compaction may switch the stub and remove the shards it listed while we
 * count them: then count the new ones. */
static int shards_size(const zk_searcher *s, uint64_t *out)
{
    char stub[PATH_MAX];
    zk__stub sb;
    int attempt, rc = ZK_OK;

    memset(&sb, 0, sizeof(sb));
    snprintf(stub, sizeof(stub), "%s/%s", s->path, ZK_STUB_NAME);
    for (attempt = 0; attempt < 10; attempt++) {
        struct stat was, now;
        unsigned i;
        *out = 0;
        if (stat(stub, &was) != 0)
            return zk__error(ZK_EIO, "%s: %s", stub, strerror(errno));
        rc = zk__stub_read(s->path, &sb);
        for (i = 0; rc == ZK_OK && i < sb.n; i++) {
            char dir[PATH_MAX];
            uint64_t n = 0;
            snprintf(dir, sizeof(dir), "%s/%s", s->path, sb.names[i]);
            rc = zk__store_size(dir, &n);
            *out += n;
        }
        if (rc == ZK_OK || stat(stub, &now) != 0 || same_stub(&now, &was))
            break; /* counted, or failed with the stub unchanged */
    }
    zk__stub_free(&sb);
    return rc;
}

int zk_searcher_info_get(zk_index_info *out, zk_searcher *s)
{
    size_t i;
    int rc, attempt;

    if (out == NULL || s == NULL)
        return zk__error(ZK_EINVAL, "zk_searcher_info_get: NULL argument");
    memset(out, 0, sizeof(*out));
    rc = follow_stub(s);
    for (attempt = 0; rc == ZK_OK || rc == ZK__EMODIFIED; attempt++) {
        /* the latest commit, read whole; retry if a writer replaces it */
        zk__sr_drop_records(s);
        rc = reopen_reader(s);
        if (rc >= 0)
            rc = refresh_stats(s);
        if (rc == ZK_OK)
            rc = zk__sr_load_all_reports(s);
        if (rc != ZK__EMODIFIED || attempt == ZK_READ_ATTEMPTS)
            break;
        pause_before_retry(attempt);
    }
    if (rc == ZK__EMODIFIED)
        rc = kept_changing();
    if (rc == ZK_OK)
        rc = shards_size(s, &out->disk_bytes);
    if (rc != ZK_OK)
        return rc;
    out->reports = s->n_reports;
    out->passages = s->n_passages;
    for (i = 0; i < s->n_reports; i++)
        out->text_bytes += s->reports[i].size;
    out->schema = ZK_SCHEMA_VERSION;
    snprintf(out->dict_hash, sizeof(out->dict_hash), "%s",
             zk_dict_hash(s->dict));
    return ZK_OK;
}

int zk_searcher_open(zk_searcher **out, const char *path, const char *dict_path)
{
    zk_searcher *s;
    char stub[PATH_MAX];
    struct stat st;
    int rc;

    if (out == NULL || path == NULL)
        return zk__error(ZK_EINVAL, "zk_searcher_open: NULL argument");
    *out = NULL;
    snprintf(stub, sizeof(stub), "%s/%s", path, ZK_STUB_NAME);
    if (stat(path, &st) != 0)
        return zk__error(ZK_ENOTFOUND,
                         "no index at %s: create one with 'zhiku-index -i %s "
                         "FOLDER...'",
                         path, path);
    if (stat(stub, &st) != 0)
        return zk__error(ZK_ENOTFOUND,
                         "%s is not a zhiku index (no %s): create one with "
                         "'zhiku-index -i %s FOLDER...'",
                         path, ZK_STUB_NAME, path);
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return zk__error_oom();
    s->path = strdup(path);
    rc = s->path ? ZK_OK : zk__error_oom();
    if (rc == ZK_OK)
        rc = open_reader(s, &s->rd, &s->stub);
    if (rc == ZK_OK)
        rc = zk_dict_open(&s->dict, dict_path);
    if (rc == ZK_OK)
        rc = check_index(s);
    if (rc == ZK_OK)
        rc = zk_seg_new(&s->seg, s->dict);
    if (rc == ZK_OK)
        rc = refresh_stats(s);
    if (rc != ZK_OK) {
        char msg[1024];
        const zk_error *e = zk_error_last();
        snprintf(msg, sizeof(msg), "%s", e ? e->message : zk_strerror(rc));
        zk_searcher_free(s);
        return zk__error(rc, "%s", msg);
    }
    *out = s;
    return ZK_OK;
}

void zk_searcher_free(zk_searcher *s)
{
    if (s == NULL)
        return;
    zk__sr_drop_records(s);
    zk_seg_free(s->seg);
    zk_dict_free(s->dict);
    zk__reader_free(s->rd);
    zk__norm_release(&s->nb);
    zk__norm_release(&s->nb2);
    free(s->path);
    free(s);
}

/* ---- results
 * ---------------------------------------------------------------*/

/* Candidate sets up to this size are always checked whole, so that small
 * results have exact counts; larger ones are checked only as far as the
 * page needs, unless exact counts are asked for. */
#define ZK_EXACT_BELOW 64

/* A candidate passage. Kept small (32 bytes): a query may have tens of
 * thousands, and every page they take is a page fault in a fresh process.
 * The parts of the score, for --explain only, are in an array of their own,
 * row `slot` (the candidate's place before sorting). */
typedef struct cand {
    uint32_t docid;
    uint32_t slot;
    size_t report; /* index into s->reports */
    double score;
    unsigned char verified, rejected; /* checked lazily, see zk__sr_doc_ok() */
} cand;

typedef double part_row[ZK_N_PARTS];

/* Add v to a candidate's score, and to its part p when parts are kept. */
static void add_score(cand *c, part_row *parts, int p, double v)
{
    if (parts != NULL)
        parts[c->slot][p] += v;
    c->score += v;
}

typedef struct hit_store {
    zk_hit hit;
    char *data; /* the passage record (owns section and text) */
    char *meta; /* the report's path, title, date and id, copied so that
                   hits outlive the searcher's report cache */
    zk_match *matches, *smatches;
    char *explain;
} hit_store;

struct zk_results {
    zk_searcher *s;
    zk__query *q;
    zk_result_info info;
    uint64_t *term_counts; /* per positive text term */
    const char **term_text;
    hit_store *hits;
    size_t n_hits, next;
    int context; /* context results: no matching */
};

static void hit_free(hit_store *h)
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
        hit_free(&r->hits[i]);
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

/* ---- scoring
 * ---------------------------------------------------------------*/

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
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->w, cap * sizeof(*v));
        if (v == NULL)
            return zk__error_oom();
        l->w = v;
        l->cap = cap;
    }
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
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        rterm *v = realloc(t->v, cap * sizeof(*v));
        if (v == NULL)
            return zk__error_oom();
        t->v = v;
        t->cap = cap;
    }
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
    } else if (tf <= 2 * (uint64_t)n) {
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
                    add_score(&c[i], parts, (int)p, w[p] * b);
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
            add_score(&c[i], parts, (int)p, w[p] * b);
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

static int cmp_cand_score(const void *a, const void *b)
{
    const cand *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->docid < y->docid ? -1 : x->docid > y->docid;
}

/* ---- highlighting
 * ----------------------------------------------------------*/

typedef struct mlist {
    zk_match *v;
    size_t n, cap;
} mlist;

static int mlist_add(mlist *m, size_t s, size_t e, size_t cs, size_t ce,
                     unsigned term)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        zk_match *v = realloc(m->v, cap * sizeof(*v));
        if (v == NULL)
            return zk__error_oom();
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n].start = s;
    m->v[m->n].end = e;
    m->v[m->n].cstart = cs;
    m->v[m->n].cend = ce;
    m->v[m->n].term = term;
    m->n++;
    return ZK_OK;
}

static int cmp_match(const void *a, const void *b)
{
    const zk_match *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Every occurrence of each positive text term in `orig` (normalised in
 * `nb`, now or, when `normalised`, already), mapped back to original bytes
 * and characters. */
static int find_matches(zk_searcher *s, const zk__query *q, const char *orig,
                        size_t len, int normalised, int trail, mlist *out)
{
    size_t k;
    unsigned term = 0;
    int rc =
        normalised ? ZK_OK : zk__normalize_into(&s->nb, &s->nb_cap, orig, len);
    const zk_norm *n = &s->nb;

    for (k = 0; rc == ZK_OK && k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        const char *p, *hay;
        if (it->negated || it->field != ZK_QF_TEXT) {
            if (it->field == ZK_QF_SECTION && !it->negated && trail) {
                /* section: terms are highlighted in the trail */
            } else {
                continue;
            }
        }
        hay = n->text;
        while (rc == ZK_OK && it->norm_len > 0 &&
               (p = memmem(hay, n->len - (size_t)(hay - n->text), it->norm,
                           it->norm_len)) != NULL) {
            size_t a = (size_t)(p - n->text), b = a + it->norm_len, j = b;
            /* end after the original character of the last byte */
            while (j < n->len && n->orig[j] == n->orig[b - 1])
                j++;
            rc = mlist_add(out, n->orig[a], n->orig[j], n->orig_char[a],
                           n->orig_char[j], term);
            hay = p + 1;
            while ((size_t)(hay - n->text) < n->len &&
                   ((unsigned char)*hay & 0xC0) == 0x80)
                hay++;
        }
        if (it->field == ZK_QF_TEXT)
            term++;
    }
    if (rc == ZK_OK && out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), cmp_match);
    return rc;
}

/* Proximity: the shortest stretch of text (characters) holding a match of
 * every distinct term, or 0 if some term is not in the text. */
static size_t shortest_cover(const mlist *m, unsigned n_terms)
{
    size_t best = 0, i, j = 0;
    unsigned have = 0, cnt[ZK_QUERY_MAX_ITEMS] = {0};

    if (n_terms < 2)
        return 0;
    for (i = 0; i < m->n; i++) {
        if (cnt[m->v[i].term]++ == 0)
            have++;
        while (have == n_terms) {
            size_t span = m->v[i].cend - m->v[j].cstart;
            if (best == 0 || span < best)
                best = span ? span : 1;
            if (--cnt[m->v[j].term] == 0)
                have--;
            j++;
        }
    }
    return best;
}

/* ---- the query ------------------------------------------------------------
 */

/* `parts`: the candidate's parts of the score, for --explain, or NULL */
static int fill_hit(zk_searcher *s, zk_results *res, const cand *c, size_t rank,
                    const double *parts)
{
    hit_store *h = &res->hits[res->n_hits];
    passage_view v;
    report *rep;
    mlist m = {0}, sm = {0};
    size_t len;
    int rc;

    memset(h, 0, sizeof(*h));
    rc = zk__reader_data(s->rd, c->docid, &h->data, &len);
    if (rc == ZK_OK)
        rc = zk__passage_decode(h->data, len, &v);
    if (rc != ZK_OK) {
        hit_free(h);
        return rc;
    }
    rep = c->report != SIZE_MAX ? &s->reports[c->report] : NULL;
    if (rep != NULL)
        rc = zk__sr_load_report(s, rep);
    if (rc == ZK_OK && res->q != NULL)
        rc = find_matches(s, res->q, v.text, v.text_len, 0, 0, &m);
    if (rc == ZK_OK && res->q != NULL)
        rc = find_matches(s, res->q, v.trail, v.trail_len, 0, 1, &sm);
    if (rc != ZK_OK) {
        free(m.v);
        free(sm.v);
        hit_free(h);
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
            hit_free(h);
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

static void sift_down(cand *h, size_t m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        cand t;
        /* the root is the worst of the kept: cmp > 0 means worse */
        if (l < m && cmp_cand_score(&h[l], &h[w]) > 0)
            w = l;
        if (r < m && cmp_cand_score(&h[r], &h[w]) > 0)
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
static void select_top(cand *c, size_t n, size_t m)
{
    size_t i;

    if (m >= n || m == 0) {
        qsort(c, n, sizeof(*c), cmp_cand_score);
        return;
    }
    for (i = m / 2; i-- > 0;)
        sift_down(c, m, i);
    for (i = m; i < n; i++) {
        if (cmp_cand_score(&c[i], &c[0]) < 0) { /* better than the worst */
            cand t = c[0];
            c[0] = c[i];
            c[i] = t;
            sift_down(c, m, 0);
        }
    }
    qsort(c, m, sizeof(*c), cmp_cand_score);
}

static int run_query(zk_searcher *s, zk_results *res,
                     const zk_search_options *o)
{
    const zk__query *q = res->q;
    item_state *st = calloc(q->n, sizeof(*st));
    idset final = {0};
    cand *c = NULL;
    part_row *parts = NULL; /* with o->explain only */
    uint32_t *ids = NULL, *wdf = NULL, *dl = NULL;
    wordlist words = {0};
    rterms rt = {0};
    zk__plist pl = {0};
    size_t i, k, n, want, kept, top, sorted, verified = 0, accepted = 0;
    unsigned *per = NULL, *seen = NULL;
    size_t rcur[ZK_MAX_SHARDS];
    unsigned char *in_title = NULL;
    uint64_t reports_cand = 0, reports_ok = 0;
    int rc = ZK_OK, lazy;

    if (st == NULL)
        return zk__error_oom();
    rc = zk__sr_load_records(s);
    if (rc == ZK_OK)
        rc = zk__sr_evaluate(s, q, st, &final);
    /* exact counts: check every candidate now; otherwise only as many as
     * the page needs, best first, and estimate the totals */
    lazy = rc == ZK_OK && zk__sr_need_verify(q, st) && !o->exact_counts &&
           final.n > ZK_EXACT_BELOW;
    if (rc == ZK_OK && !lazy)
        rc = zk__sr_verify(s, q, st, &final);
    if (rc != ZK_OK)
        goto done;
    n = final.n;

    /* per-term counts, and which term matched nothing */
    for (k = 0, i = 0; k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        if (it->field != ZK_QF_TEXT || it->negated)
            continue;
        res->term_counts[i] = st[k].own; /* exact, or an upper bound */
        if (n == 0 && st[k].narrowed) {
            /* looked for only among other terms' candidates: alone now */
            st[k].narrowed = 0;
            zk__sr_gram_set_free(st[k].g);
            st[k].g = NULL;
            rc = zk__sr_literal_grams(s, it, &st[k].g);
            if (rc == ZK_OK)
                rc = zk__sr_literal_candidates(s, it, st[k].g, &st[k].cand,
                                               &st[k].exact);
            if (rc != ZK_OK)
                goto done;
            res->term_counts[i] = st[k].cand.n;
        }
        if (!st[k].exact && n == 0 && o->exact_counts) {
            zk__query one = {NULL, 1, 1};
            zk__qitem copy = *it;
            idset only = {0};
            copy.group = 1;
            one.items = &copy;
            rc = zk__idset_or(&only, &st[k].cand);
            if (rc == ZK_OK)
                rc = zk__sr_verify(s, &one, &st[k], &only);
            res->term_counts[i] = only.n;
            zk__idset_free(&only);
            if (rc != ZK_OK)
                goto done;
        } else if (!st[k].exact && n == 0) {
            /* whether it matches at all: the candidates stay the count
             * (an upper bound) once one of them holds the term */
            zk__query one = {NULL, 1, 1};
            zk__qitem copy = *it;
            size_t j;
            int ok = 0;
            copy.group = 1;
            one.items = &copy;
            for (j = 0; j < st[k].cand.n && !ok && rc == ZK_OK; j++)
                rc = zk__sr_doc_ok(s, &one, &st[k], st[k].cand.v[j], &ok, NULL);
            if (rc != ZK_OK)
                goto done;
            if (!ok)
                res->term_counts[i] = 0;
        }
        i++;
    }
    if (n == 0) {
        res->info.exact = 1;
        goto done;
    }

    c = calloc(n, sizeof(*c));
    ids = malloc(n * sizeof(*ids));
    wdf = malloc(n * sizeof(*wdf));
    dl = malloc(n * sizeof(*dl));
    per = calloc(s->n_reports + 1, sizeof(*per));
    seen = calloc(s->n_reports + 1, sizeof(*seen));
    if (o->explain)
        parts = calloc(n, sizeof(*parts));
    if (c == NULL || ids == NULL || wdf == NULL || dl == NULL || per == NULL ||
        seen == NULL || (o->explain && parts == NULL)) {
        rc = zk__error_oom();
        goto done;
    }
    memset(rcur, 0, sizeof(rcur));
    for (i = 0; i < n; i++) {
        c[i].docid = final.v[i];
        c[i].slot = (uint32_t)i;
        c[i].report = zk__sr_report_of(s, final.v[i], rcur);
        ids[i] = final.v[i];
        dl[i] = (uint32_t)s->avlength; /* unless lengths are looked up */
        if (c[i].report != SIZE_MAX && per[c[i].report]++ == 0)
            reports_cand++;
    }
    if (ZK_BM25_B > 0 || ZK_W_LENGTH > 0)
        rc = zk__sr_passage_lengths(s, ids, n, dl);

    /* the ranking terms: the query's words (segmented as the index was),
     * in the text (words of one or two characters are literal terms), in
     * the heading trail and in titles; and each term's character n-grams */
    for (k = 0; rc == ZK_OK && k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        zk_seg_options so = ZK_SEG_OPTIONS_INIT;
        if (it->negated ||
            (it->field != ZK_QF_TEXT && it->field != ZK_QF_SECTION))
            continue;
        so.mode = ZK_SEG_SEARCH;
        rc = zk_seg_cut(s->seg, it->norm, it->norm_len, &so, word_cb, &words);
    }
    for (k = 0; rc == ZK_OK && k < words.n; k++) {
        char term[ZK_MAX_TERM + 4];
        size_t wl = strlen(words.w[k]), tl;
        if (wl + 1 >= sizeof(term))
            continue;
        /* in the text: the term the indexer gave the word (terms.h) */
        tl = zk__word_term(term, sizeof(term), words.w[k], wl);
        rc = rterms_add(&rt, term, tl, ZK_PART_WORDS, ZK_W_WORD);
        /* in the heading trail: every word, prefixed */
        term[0] = ZK_P_SECTION[0];
        memcpy(term + 1, words.w[k], wl);
        if (rc == ZK_OK)
            rc = rterms_add(&rt, term, wl + 1, ZK_PART_SECTION, ZK_W_SECTION);
    }
    for (k = 0; rc == ZK_OK && k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        gram_list g;
        if (it->negated || it->field != ZK_QF_TEXT)
            continue;
        memset(&g, 0, sizeof(g));
        g.t = &rt;
        zk__literal_grams(it->norm, it->norm_len, gram_count_cb, &g);
        g.weight = ZK_W_LITERAL / (double)(g.count ? g.count : 1);
        rc = zk__literal_grams(it->norm, it->norm_len, gram_add_cb, &g);
    }
    for (k = 0; rc == ZK_OK && k < rt.n; k++) {
        size_t gi;
        const item_state *src = gram_source(q, st, &rt.v[k], &gi);
        rc = score_rterm(s, &rt.v[k], c, parts, n, ids, wdf, dl, &pl, src, gi);
    }
    /* title: passages of reports whose title has a query word */
    for (k = 0; rc == ZK_OK && k < words.n; k++) {
        char term[ZK_MAX_TERM + 4];
        size_t wl = strlen(words.w[k]), j;
        double w;
        if (wl + 1 >= sizeof(term))
            continue;
        term[0] = ZK_P_TITLE[0];
        memcpy(term + 1, words.w[k], wl);
        rc = zk__reader_postlist(s->rd, term, wl + 1, 0, &pl);
        if (rc != ZK_OK || pl.n == 0)
            continue;
        w = ZK_W_TITLE * idf((double)s->n_reports, (double)pl.n);
        /* which reports have it: both lists are ascending record docids */
        if (in_title == NULL &&
            (in_title = malloc(s->n_reports ? s->n_reports : 1)) == NULL) {
            rc = zk__error_oom();
            break;
        }
        memset(in_title, 0, s->n_reports);
        for (i = 0, j = 0; i < s->n_reports && j < pl.n;) {
            if (s->rec_docid[i] < pl.ids[j])
                i++;
            else if (s->rec_docid[i] > pl.ids[j])
                j++;
            else
                in_title[i++] = 1;
        }
        for (i = 0; i < n; i++) {
            if (c[i].report == SIZE_MAX || !in_title[c[i].report])
                continue;
            add_score(&c[i], parts, ZK_PART_TITLE, w);
        }
    }
    /* length: a longer passage says more (a headline or a one-line
     * fragment names a topic, a paragraph sets it out) */
    for (i = 0; rc == ZK_OK && ZK_W_LENGTH > 0 && i < n; i++)
        add_score(&c[i], parts, ZK_PART_LENGTH,
                  ZK_W_LENGTH * log(1.0 + (double)dl[i] / s->avlength));
    if (rc != ZK_OK)
        goto done;

    /* order: newest report first (then score), or by score */
    if (o->sort == ZK_SORT_DATE) {
        rc = zk__sr_load_all_reports(s);
        if (rc != ZK_OK)
            goto done;
        for (i = 0; i < n; i++) {
            const report *r =
                c[i].report != SIZE_MAX ? &s->reports[c[i].report] : NULL;
            double d = 0;
            if (r && r->date) {
                int y = 0, m = 0, dd = 0;
                sscanf(r->date, "%d-%d-%d", &y, &m, &dd);
                d = y * 10000.0 + m * 100.0 + dd;
            }
            c[i].score = d * 1e4 + c[i].score;
        }
    }
    want = o->offset + (o->limit ? o->limit : 10);
    top = want * (o->per_report ? 4 : 1) + ZK_RERANK;
    if (top > n)
        top = n;
    select_top(c, n, top);
    sorted = top;

    /* the best candidates: checked (when lazy) and, for several terms,
     * scored for how close the terms stand; then re-ranked */
    if (o->sort != ZK_SORT_DATE && res->info.n_terms >= 2) {
        unsigned n_terms = res->info.n_terms;
        size_t r_top = top < ZK_RERANK ? top : ZK_RERANK;
        for (i = 0; i < r_top && rc == ZK_OK; i++) {
            int ok = 1;
            passage_view v;
            v.data = NULL;
            if (lazy) {
                rc = zk__sr_doc_ok(s, q, st, c[i].docid, &ok, &v);
                verified++;
                accepted += ok;
                c[i].verified = 1;
                c[i].rejected = !ok;
            }
            if (rc == ZK_OK && ok) {
                /* the passage as zk__sr_doc_ok() read it, or read it now */
                int normalised = v.data != NULL;
                mlist m = {0};
                size_t dlen, span;
                if (v.data == NULL) {
                    char *data = NULL;
                    rc = zk__reader_data(s->rd, c[i].docid, &data, &dlen);
                    if (rc == ZK_OK)
                        rc = zk__passage_decode(data, dlen, &v);
                    else
                        free(data);
                }
                if (rc == ZK_OK)
                    rc = find_matches(s, q, v.text, v.text_len, normalised, 0,
                                      &m);
                span = rc == ZK_OK ? shortest_cover(&m, n_terms) : 0;
                if (span > 0) {
                    double b = ZK_W_NEAR * (double)(n_terms - 1) /
                               (1.0 + (double)span / ZK_NEAR_SCALE);
                    add_score(&c[i], parts, ZK_PART_NEAR, b);
                }
                free(m.v);
            }
            free(v.data);
        }
        if (rc != ZK_OK)
            goto done;
        qsort(c, r_top, sizeof(*c), cmp_cand_score);
    }

    /* the page: skip rejected candidates, at most per_report passages of
     * one report */
    memset(per, 0, (s->n_reports + 1) * sizeof(*per));
    res->hits = calloc(o->limit ? o->limit : 10, sizeof(*res->hits));
    if (res->hits == NULL) {
        rc = zk__error_oom();
        goto done;
    }
    for (i = 0, kept = 0; i < n && kept < want && rc == ZK_OK; i++) {
        size_t r;
        if (i == sorted) { /* rarely: the page needs more than the top */
            qsort(c + sorted, n - sorted, sizeof(*c), cmp_cand_score);
            sorted = n;
        }
        if (lazy && !c[i].verified) {
            int ok;
            rc = zk__sr_doc_ok(s, q, st, c[i].docid, &ok, NULL);
            verified++;
            accepted += ok;
            c[i].verified = 1;
            c[i].rejected = !ok;
        }
        if (rc != ZK_OK || c[i].rejected)
            continue;
        r = c[i].report == SIZE_MAX ? s->n_reports : c[i].report;
        if (o->per_report > 0 && per[r] >= o->per_report)
            continue;
        per[r]++;
        kept++;
        if (kept > o->offset)
            rc = fill_hit(s, res, &c[i], kept,
                          parts != NULL ? parts[c[i].slot] : NULL);
    }
    if (rc != ZK_OK)
        goto done;

    /* totals: exact, or estimated from the share of checked candidates
     * that matched */
    if (!lazy || verified == n) {
        for (i = 0; i < n; i++) {
            if (lazy && c[i].rejected)
                continue;
            accepted += !lazy;
            if (c[i].report != SIZE_MAX && seen[c[i].report]++ == 0)
                reports_ok++;
        }
        res->info.passages = lazy ? accepted : n;
        res->info.reports = reports_ok;
        res->info.exact = 1;
    } else {
        double share = verified ? (double)accepted / (double)verified : 1.0;
        uint64_t est =
            accepted + (uint64_t)((double)(n - verified) * share + 0.5);
        uint64_t rep = (uint64_t)((double)reports_cand * share + 0.5);
        res->info.passages = est;
        res->info.reports = rep > reports_cand ? reports_cand : rep;
        if (res->info.reports == 0 && est > 0)
            res->info.reports = 1;
        res->info.exact = 0;
    }
done:
    for (k = 0; k < q->n; k++) {
        zk__idset_free(&st[k].cand);
        zk__sr_gram_set_free(st[k].g);
    }
    free(st);
    zk__idset_free(&final);
    words_free(&words);
    rterms_free(&rt);
    zk__plist_free(&pl);
    free(c);
    free(parts);
    free(ids);
    free(wdf);
    free(dl);
    free(per);
    free(seen);
    free(in_title);
    return rc;
}

int zk_searcher_query(zk_results **out, zk_searcher *s, const char *query,
                      const zk_search_options *opts)
{
    static const zk_search_options defaults = ZK_SEARCH_OPTIONS_INIT;
    zk_results *res;
    double t0 = zk__now_seconds();
    size_t k;
    int rc, attempt;

    if (out == NULL || s == NULL || query == NULL)
        return zk__error(ZK_EINVAL, "zk_searcher_query: NULL argument");
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    if (opts->version != ZK_SEARCH_OPTIONS_VERSION)
        return zk__error(ZK_EINVAL, "zk_search_options version %u unknown",
                         opts->version);
    if (opts->limit > 100000)
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
    for (k = 0; k < res->q->n; k++)
        if (res->q->items[k].field == ZK_QF_TEXT && !res->q->items[k].negated)
            res->info.n_terms++;
    res->term_counts = calloc(res->info.n_terms + 1, sizeof(*res->term_counts));
    res->term_text = calloc(res->info.n_terms + 1, sizeof(*res->term_text));
    if (res->term_counts == NULL || res->term_text == NULL) {
        zk_results_free(res);
        return zk__error_oom();
    }
    for (k = 0; k < res->q->n; k++) {
        const zk__qitem *it = &res->q->items[k];
        unsigned i = 0;
        size_t j;
        if (it->field != ZK_QF_TEXT || it->negated)
            continue;
        for (j = 0; j < k; j++)
            i += res->q->items[j].field == ZK_QF_TEXT &&
                 !res->q->items[j].negated;
        res->term_text[i] = it->norm;
    }
    /* each query reads the latest commit */
    rc = follow_stub(s);
    if (rc == ZK_OK) {
        rc = reopen_reader(s);
        if (rc > 0) {
            zk__sr_drop_records(s);
            rc = refresh_stats(s);
        }
    }
    if (rc != ZK_OK) {
        zk_results_free(res);
        return rc;
    }
    /* a writer may replace the revision being read: reopen and retry */
    for (attempt = 0;; attempt++) {
        rc = run_query(s, res, opts);
        if (rc != ZK__EMODIFIED || attempt == ZK_READ_ATTEMPTS)
            break;
        pause_before_retry(attempt);
        while (res->n_hits > 0)
            hit_free(&res->hits[--res->n_hits]);
        free(res->hits);
        res->hits = NULL;
        memset(&res->info, 0, sizeof(res->info));
        for (k = 0; k < res->q->n; k++)
            if (res->q->items[k].field == ZK_QF_TEXT &&
                !res->q->items[k].negated)
                res->info.n_terms++;
        zk__sr_drop_records(s);
        rc = reopen_reader(s);
        if (rc >= 0)
            rc = refresh_stats(s);
        if (rc != ZK_OK)
            break;
    }
    if (rc == ZK__EMODIFIED)
        rc = kept_changing();
    if (rc != ZK_OK) {
        zk_results_free(res);
        return rc;
    }
    res->info.seconds = zk__now_seconds() - t0;
    *out = res;
    return ZK_OK;
}

/* ---- snippets and context -------------------------------------------------
 */

static int is_break(const char *s, size_t i, size_t len)
{
    size_t l;
    uint32_t c = zk__utf8_decode((const unsigned char *)s + i, len - i, &l);

    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B ||
           c == 0xFF0C || c == '\n' || c == 0x3001 || c == ';' || c == '!' ||
           c == '?';
}

void zk_hit_snippet(const zk_hit *hit, size_t max_chars, size_t *start,
                    size_t *end)
{
    size_t best_i = 0, best_cnt = 0, i, j = 0, a, b, chars;
    const char *t = hit->text;
    size_t len = hit->len;

    if (start == NULL || end == NULL)
        return;
    *start = 0;
    *end = len;
    if (hit->text == NULL || max_chars == 0)
        return;
    /* count characters; short passages are shown whole */
    for (i = 0, chars = 0; i < len; i++)
        chars += ((unsigned char)t[i] & 0xC0) != 0x80;
    if (chars <= max_chars)
        return;
    /* the window of max_chars characters starting at a match with the
     * most matches in it */
    for (i = 0; i < hit->n_matches; i++) {
        size_t cnt = 0;
        for (j = i; j < hit->n_matches &&
                    hit->matches[j].cend - hit->matches[i].cstart <= max_chars;
             j++)
            cnt++;
        if (cnt > best_cnt) {
            best_cnt = cnt;
            best_i = i;
        }
    }
    if (hit->n_matches == 0) {
        a = 0;
    } else {
        /* centre the matched stretch in the window */
        size_t mc0 = hit->matches[best_i].cstart, mc1 = mc0, pad;
        for (j = best_i;
             j < hit->n_matches && hit->matches[j].cend - mc0 <= max_chars; j++)
            mc1 = hit->matches[j].cend;
        pad = (max_chars - (mc1 - mc0)) / 2;
        a = mc0 > pad ? mc0 - pad : 0;
    }
    if (a + max_chars > chars)
        a = chars - max_chars;
    /* character index -> byte offset */
    for (i = 0, j = 0; i < len && j < a; i++)
        if (((unsigned char)t[i + 1] & 0xC0) != 0x80 || i + 1 == len)
            j++;
    b = i;
    /* prefer to start just after a sentence or clause break close by */
    for (i = b; i > 0 && b - i < 60; i--) {
        if (is_break(t, i, len)) {
            size_t l;
            zk__utf8_decode((const unsigned char *)t + i, len - i, &l);
            if (hit->n_matches == 0 || i + l <= hit->matches[best_i].start) {
                b = i + l;
                break;
            }
        }
        while (i > 0 && ((unsigned char)t[i - 1] & 0xC0) == 0x80)
            i--;
    }
    *start = b;
    for (i = b, j = 0; i < len && j < max_chars; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80)
            j++;
    while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
        i++;
    *end = i;
}

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
        rc = fill_hit(s, res, &c, 0, NULL);
    }
    if (rc != ZK_OK) {
        zk_results_free(res);
        return rc;
    }
    *out = res;
    return ZK_OK;
}
