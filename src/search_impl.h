/* search_impl.h - the searcher's private structures, and the functions its
 * files (search*.c) share.
 *
 * A query runs in stages, one file each (docs/architecture.md):
 *
 *   search.c             opening the index, following a writer's commits
 *   search_query.c       zk_searcher_query: the stages below, in order
 *   search_candidates.c  candidates from the literal layer, report filters
 *   search_verify.c      checking candidates against the passage text
 *   search_rank.c        the ranking terms, BM25 and the other parts, top k
 *   search_snippet.c     where the terms occur: highlights, proximity,
 *                        snippets
 *   search_results.c     the hits handed out (zk_results_*, context)
 *   search_reports.c     the report records and passage lengths the others
 *                        look up
 *
 * Every function here returns ZK_OK or a negative ZK_E* with the error set,
 * unless its comment says otherwise. */
#ifndef ZHIKU_SEARCH_IMPL_H
#define ZHIKU_SEARCH_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "zhiku/normalize.h"
#include "zhiku/search.h"
#include "zhiku/segment.h"
#include "index_internal.h"
#include "internal.h"
#include "normalize_internal.h"
#include "query.h"
#include "record.h"
#include "search_plan.h"
#include "search_weights.h"
#include "store.h"

/* ---- the searcher -------------------------------------------------------- */

/* What the searcher knows of one report (its record). */
typedef struct report {
    char id[17];
    int loaded; /* fields below filled */
    char *path, *title, *date, *author, *org, *keywords, *docno;
    int year;
    unsigned n_passages;
    uint64_t size; /* bytes of source text */
} report;

struct zk_searcher {
    char *path;
    zk__reader *rd;
    zk_dict *dict;
    zk_seg *seg;
    unsigned n_shards;
    uint64_t n_passages;
    double avlength;
    /* the records, ascending docids (loaded on first use): their docids,
     * and per shard their docids and indexes into reports; a report's
     * fields are read when first needed, so the pages of `reports` a
     * query does not need are never touched */
    report *reports;
    uint32_t *rec_docid;
    size_t n_reports;
    uint32_t *loaded; /* the reports whose fields were read, to free */
    size_t n_loaded;
    uint32_t *by_shard[ZK_MAX_SHARDS];
    uint32_t *shard_docid[ZK_MAX_SHARDS];
    size_t n_by_shard[ZK_MAX_SHARDS];
    int records_loaded, all_loaded;
    /* passage lengths looked up so far: an open-addressing table of
     * (docid, length), docid 0 marking a free slot; like the records,
     * kept until the revision read changes */
    uint32_t (*dlen)[2];
    size_t dlen_n, dlen_cap;
    struct stat stub; /* the stub file when opened: a compaction replaces
                         it, and the searcher then reopens */
    zk_norm nb, nb2;
    size_t nb_cap, nb2_cap;
};

/* ---- report records and passage lengths (search_reports.c) --------------- */

/* A passage's record (record.h), for checking literals and for hits. */
typedef zk__passage_rec passage_view;

/* Read and decode the record of passage `docid` into *v; v->data is the
 * caller's to free. On failure v->data is NULL (nothing to free); a
 * passage deleted under us gives ZK_ENOTFOUND. */
int zk__sr_read_passage(zk_searcher *s, uint32_t docid, passage_view *v);

/* The shard of document `docid`: shards interleave their docids. */
static inline unsigned zk__sr_shard_of(const zk_searcher *s, uint32_t docid)
{
    return (docid - 1) % s->n_shards;
}

/* The report (index into s->reports) of passage `docid`, or SIZE_MAX:
 * the first record after it in its shard. Called for ascending docids,
 * with cur[] (one per shard, starting at 0) kept between calls, so that
 * the records are walked through once. The records must be loaded
 * (zk__sr_load_records()). Inline: called once per candidate. */
static inline size_t zk__sr_report_of(const zk_searcher *s, uint32_t docid,
                                      size_t *cur)
{
    unsigned sh = zk__sr_shard_of(s, docid);
    const uint32_t *d = s->shard_docid[sh];
    size_t k = cur[sh], n = s->n_by_shard[sh];

    while (k < n && d[k] <= docid)
        k++;
    cur[sh] = k;
    return k < n ? s->by_shard[sh][k] : SIZE_MAX;
}

/* Read the record docids, split by shard, unless already read; the
 * reports' fields are read later, one report at a time. */
int zk__sr_load_records(zk_searcher *s);

/* Read report r's fields from its record, unless already read. */
int zk__sr_load_report(zk_searcher *s, report *r);

/* The records and every report's fields. */
int zk__sr_load_all_reports(zk_searcher *s);

/* Forget the records, the reports' fields and the passage lengths read:
 * the revision read changed. The searcher is left as if none was read. */
void zk__sr_drop_records(zk_searcher *s);

/* The lengths dl[i] (in terms) of passages ids[0..n), ascending, looked up
 * in the searcher's table and read from the index for those it lacks. */
int zk__sr_passage_lengths(zk_searcher *s, const uint32_t *ids, size_t n,
                           uint32_t *dl);

/* ---- id sets (search_candidates.c) -------------------------------------- */

/* A set of docids: sorted, ascending, each once. Zero-initialise. */
typedef struct idset {
    uint32_t *v;
    size_t n, cap;
} idset;

/* Free s's array and empty it. */
void zk__idset_free(idset *s);

/* a = a ∪ b (on failure a is unchanged). */
int zk__idset_or(idset *a, const idset *b);

/* Whether id is in s (binary search). Inline: called for every candidate
 * and item when candidates are checked. */
static inline int zk__idset_has(const idset *s, uint32_t id)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->v[mid] < id)
            lo = mid + 1;
        else if (s->v[mid] > id)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

/* ---- candidates (search_candidates.c) ----------------------------------- */

/* The distinct n-grams of a literal (at most ZK_MAX_GRAMS), with their
 * document frequencies. */
typedef struct gram_item {
    char term[16];
    size_t len;
    uint64_t tf;
} gram_item;

/* An item's n-grams and, once its candidates are known, each n-gram's wdf
 * in each candidate (w[k][i] for n-gram k and candidate i, NULL when not
 * read): the ranking reuses them rather than reading the lists again. */
typedef struct gram_set {
    gram_item v[ZK_MAX_GRAMS];
    size_t n;
    uint32_t *w[ZK_MAX_GRAMS];
    zk_searcher *s;
    int rc;
} gram_set;

/* Per item: candidate set, and whether its members still need checking.
 * A narrowed item's candidates were only looked for among the candidates
 * of the items before it (see zk__sr_evaluate()); `own` is then an upper
 * bound of its matches on its own (its rarest n-gram's frequency), else
 * cand.n. */
typedef struct item_state {
    idset cand;
    int exact;
    int narrowed;
    uint64_t own;
    gram_set *g; /* a literal's n-grams, their wdfs aligned with cand */
} item_state;

/* Free g and its wdf arrays (NULL is a no-op). */
void zk__sr_gram_set_free(gram_set *g);

/* The distinct n-grams of item `it` (text: or section:), rarest first, with
 * their frequencies. *out is set even on failure (NULL when out of
 * memory): free it with zk__sr_gram_set_free(). */
int zk__sr_literal_grams(zk_searcher *s, const zk__qitem *it, gram_set **out);

/* Candidates for the literal of `it`, whose n-grams are g
 * (zk__sr_literal_grams()): the passages holding all of them, into *out
 * (replacing what it held), their wdfs into g->w. *exact tells whether
 * they are exactly its matches, with no check against the text. */
int zk__sr_literal_candidates(zk_searcher *s, const zk__qitem *it, gram_set *g,
                              idset *out, int *exact);

/* Whether item k is alone in its group, positive, and looked up by its
 * n-grams: its candidates can then be looked for among those of the
 * groups before it, and they hold every candidate of the query. */
int zk__sr_narrowable(const zk__query *q, size_t k);

/* The candidates of the whole query into *final (empty on entry), and each
 * item's in st[0..q->n) (zeroed on entry; the caller frees their sets and
 * gram sets, also on failure): a superset of the matches, exact when no
 * item needs checking (zk__sr_need_verify()). The records must be loaded. */
int zk__sr_evaluate(zk_searcher *s, const zk__query *q, item_state *st,
                    idset *final);

/* ---- checking candidates (search_verify.c) ------------------------------ */

/* Whether some item's candidates must be checked against the text. */
int zk__sr_need_verify(const zk__query *q, const item_state *st);

/* Whether candidate `id` of q is a match, into *ok. Every group needs an
 * item that holds, and no excluded item may hold; items that need checking
 * are checked against the passage's normalised text and trail (read once;
 * a passage deleted under us is not a match). When `pv` is not NULL and the
 * passage had to be read, *pv gets it (pv->data to free), and s->nb still
 * holds its normalised text; otherwise pv->data is NULL. */
int zk__sr_doc_ok(zk_searcher *s, const zk__query *q, const item_state *st,
                  uint32_t id, int *ok, passage_view *pv);

/* Check every candidate in *final, keeping the matches (nothing to do when
 * all items are exact). */
int zk__sr_verify(zk_searcher *s, const zk__query *q, item_state *st,
                  idset *final);

/* ---- opening and reopening (search.c) ----------------------------------- */

/* Catch up with the index's latest commit before a query: follow the stub
 * if a writer replaced it, reopen the shards, and forget the records when
 * what is read changed. */
int zk__sr_latest(zk_searcher *s);

/* Read the latest commit again after a writer replaced the revision being
 * read (ZK__EMODIFIED): the records forgotten, the shards reopened (or the
 * new stub followed) and the statistics read again. */
int zk__sr_reread(zk_searcher *s);

/* Wait before retry number `attempt` (0 first) of a read that lost its
 * revision: not before the first ZK_RETRY_WAIT_FROM, then doubling. */
void zk__sr_pause_before_retry(int attempt);

/* The error for a read that lost its revision ZK_READ_ATTEMPTS times
 * (ZK_EIO, naming the last cause). */
int zk__sr_kept_changing(void);

/* ---- candidates being ranked (search_rank.c) ---------------------------- */

/* A candidate passage. Kept small (32 bytes): a query may have tens of
 * thousands, and every page they take is a page fault in a fresh process.
 * The parts of the score, for --explain only, are in an array of their own,
 * row `slot` (the candidate's place before sorting). */
typedef struct cand {
    uint32_t docid;
    uint32_t slot;
    size_t report; /* index into s->reports, or SIZE_MAX */
    double score;
    unsigned char verified, rejected; /* checked lazily, see zk__sr_doc_ok() */
} cand;

typedef double part_row[ZK_N_PARTS];

/* A query's candidates, ranked: parallel arrays of n entries. */
typedef struct cand_list {
    cand *c;         /* ascending docids until ranked */
    part_row *parts; /* the parts of each score (--explain), or NULL */
    uint32_t *ids;   /* the docids, ascending */
    uint32_t *dl;    /* the passages' lengths in terms */
    size_t n;
} cand_list;

/* Add v to a candidate's score, and to its part p when parts are kept.
 * Inline: called for every posting in the scoring loops. */
static inline void zk__sr_add_score(cand *c, part_row *parts, int p, double v)
{
    if (parts != NULL)
        parts[c->slot][p] += v;
    c->score += v;
}

/* Score every candidate of cl: the words, literal, section, title and
 * length parts (search_weights.h), the candidates in docid order. The
 * near part comes later, for the best only (zk__sr_near()). */
int zk__sr_score(zk_searcher *s, const zk__query *q, const item_state *st,
                 cand_list *cl);

/* The near part for n_terms terms found within `span` characters. */
double zk__sr_near(unsigned n_terms, size_t span);

/* Put the newest reports first: each score becomes its report's date,
 * then the score. Every report must be loaded. */
void zk__sr_order_by_date(const zk_searcher *s, cand_list *cl);

/* qsort() order of candidates: best score first, then ascending docid. */
int zk__sr_cmp_cand(const void *a, const void *b);

/* Move the `m` best candidates to the front of c[0..n), best first; the
 * others stay behind them in any order. O(n log m). */
void zk__sr_select_top(cand *c, size_t n, size_t m);

/* ---- matches (search_snippet.c) ----------------------------------------- */

/* A growing array of matches. Zero-initialise; free(v) when done. */
typedef struct mlist {
    zk_match *v;
    size_t n, cap;
} mlist;

/* Every occurrence of each positive text: term of q (and of section:
 * terms, when `trail`) in orig[0..len), normalised into s->nb now or, when
 * `normalised`, already there; mapped back to original bytes and
 * characters, in order, appended to *out. */
int zk__sr_find_matches(zk_searcher *s, const zk__query *q, const char *orig,
                        size_t len, int normalised, int trail, mlist *out);

/* Proximity: the shortest stretch of text (characters) holding a match of
 * each of the n_terms terms in m (sorted), or 0 if some term is missing or
 * there are fewer than two. */
size_t zk__sr_shortest_cover(const mlist *m, unsigned n_terms);

/* ---- results (search_results.c) ----------------------------------------- */

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

/* Free what hit h owns (not h). */
void zk__sr_hit_free(hit_store *h);

/* Append to res->hits (which has room) the hit of candidate c at `rank`:
 * its passage read, its report loaded, its matches found when res->q is
 * set; `parts` is its row of score parts for --explain, or NULL. */
int zk__sr_fill_hit(zk_searcher *s, zk_results *res, const cand *c, size_t rank,
                    const double *parts);

#endif
