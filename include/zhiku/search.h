/* zhiku/search.h - ranked passage search over a zhiku index */
#ifndef ZHIKU_SEARCH_H
#define ZHIKU_SEARCH_H

#include "zhiku/common.h"
#include "zhiku/index.h"

ZK_BEGIN_DECLS

/**
 * A read-only view of one index. Use it from one thread at a time; open one
 * per thread to search in parallel. It keeps working while zhiku-index
 * writes: each query sees the latest commit (zhiku reopens and retries when
 * Xapian reports that the revision it read has gone).
 */
typedef struct zk_searcher zk_searcher;

/** One query's results; it owns every zk_hit it hands out. */
typedef struct zk_results zk_results;

/** A match inside a hit's text or heading trail. */
typedef struct zk_match {
    size_t start, end;   /**< byte range in zk_hit::text (or ::section) */
    size_t cstart, cend; /**< the same range in characters */
    unsigned term;       /**< index of the query term it matches */
} zk_match;

/** One ranked passage. Pointers are borrowed from the zk_results and stay
 *  valid until the next zk_results_next() or zk_results_free(). */
typedef struct zk_hit {
    size_t rank;           /**< 1-based rank in the full result list */
    double score;          /**< relevance; higher ranks first */
    const char *path;      /**< the report's source, as indexed */
    const char *title;     /**< the report's title ("" if none) */
    const char *date;      /**< "YYYY[-MM[-DD]]" or "" */
    const char *report_id; /**< 16 hex digits */
    const char *section; /**< heading trail, e.g. "三、… > （四）…" */
    const char *text;    /**< the passage, UTF-8, `len` bytes */
    size_t len;
    unsigned line;           /**< 1-based line in the source */
    unsigned ordinal;        /**< passage number in the report, from 0 */
    size_t src_start;        /**< byte range of the passage in the source */
    size_t src_end;          /**< (after decoding to UTF-8) */
    const zk_match *matches; /**< every match in `text`, in order */
    size_t n_matches;
    const zk_match *section_matches; /**< matches in `section` */
    size_t n_section_matches;
    const char *explain; /**< with opts.explain: how the score was made */
    unsigned page_start; /**< first page of the passage (PDF), 1-based; */
    unsigned page_end;   /**< last page; both 0 for formats without pages */
} zk_hit;

/** Orders of results. */
enum { ZK_SORT_RELEVANCE = 0, ZK_SORT_DATE = 1 };

/** Options for zk_searcher_query(). Initialise with ZK_SEARCH_OPTIONS_INIT. */
typedef struct zk_search_options {
    unsigned int version; /**< ZK_SEARCH_OPTIONS_VERSION */
    size_t offset;        /**< hits to skip */
    size_t limit;         /**< hits to return; 0 means 10 */
    unsigned per_report;  /**< at most this many passages per report;
                               0 means no limit (default 3) */
    int sort;             /**< ZK_SORT_RELEVANCE or ZK_SORT_DATE (newest
                               first, then relevance) */
    int explain;          /**< 1: fill zk_hit::explain */
    int exact_counts;     /**< 1: count matches exactly (checks every
                               candidate of a term of three or more
                               characters); 0: the hits are exact, the
                               totals may be estimates */
} zk_search_options;

#define ZK_SEARCH_OPTIONS_VERSION 1
#define ZK_SEARCH_OPTIONS_INIT                                                 \
    {                                                                          \
        ZK_SEARCH_OPTIONS_VERSION, 0, 10, 3, ZK_SORT_RELEVANCE, 0, 0           \
    }

/** Totals of one query, over all matches (not only the returned page). */
typedef struct zk_result_info {
    uint64_t passages; /**< passages that match (estimated if !exact) */
    uint64_t reports;  /**< reports they come from (likewise) */
    int exact;         /**< 1: the two counts are exact */
    unsigned n_terms;  /**< query terms (text terms, in order) */
    double seconds;    /**< time taken by the query */
} zk_result_info;

/**
 * Open the index in directory `path` (as written by zhiku-index) for
 * searching, with the dictionary it was built with.
 * @param[out] out  new searcher, NULL on failure; free with zk_searcher_free()
 * @param dict_path the compiled dictionary, or NULL for the default
 * @return ZK_OK; ZK_ENOTFOUND if no index is there (the message says how to
 *         create one); ZK_EVERSION if another schema or dictionary built it
 *         (the message says what to run); ZK_ECORRUPT; ZK_EIO; ZK_ENOMEM
 */
ZK_EXTERN int zk_searcher_open(zk_searcher **out, const char *path,
                               const char *dict_path);

/** Free `s`. NULL is allowed. Free its zk_results first: their hits
 *  borrow report fields from the searcher. */
ZK_EXTERN void zk_searcher_free(zk_searcher *s);

/**
 * Fill `out` with facts about the index as of its latest commit (the same
 * facts as zk_index_info_get(), without the writer's lock).
 * @return ZK_OK; ZK_EINVAL; ZK_EIO; ZK_ENOMEM
 */
ZK_EXTERN int zk_searcher_info_get(zk_index_info *out, zk_searcher *s);

/**
 * Find and rank the passages for `query` (see docs/query-syntax.md): words
 * separated by spaces must all match, OR between words, -word excludes,
 * "quoted text" is an exact phrase, and filters title:, section:,
 * year:A..B, path:, author:, org:, keyword:, docno:. A plain term matches a
 * passage exactly when it occurs, after normalisation, in the passage's text
 * or heading trail.
 *
 * @param[out] out  results; free with zk_results_free()
 * @param opts      NULL for ZK_SEARCH_OPTIONS_INIT
 * @return ZK_OK (also when nothing matches); ZK_EQUERY for a syntax error
 *         (the message says where); ZK_EIO; ZK_ENOMEM
 */
ZK_EXTERN int zk_searcher_query(zk_results **out, zk_searcher *s,
                                const char *query,
                                const zk_search_options *opts);

/** Step to the next hit: ZK_OK with *hit set, ZK_ITEROVER when done. */
ZK_EXTERN int zk_results_next(const zk_hit **hit, zk_results *r);

/** Totals of the query. Borrowed; valid until zk_results_free(). */
ZK_EXTERN const zk_result_info *zk_results_info(const zk_results *r);

/**
 * Query term `i` (0 <= i < info->n_terms): its text as normalised, and how
 * many passages it matches on its own (0: say that it matched nothing). The
 * count is exact for terms of one or two characters, and with
 * `exact_counts` when the query matched nothing; otherwise it may be an
 * upper bound (passages holding all of the term's character pairs), but it
 * is 0 only when the term matches nothing, and when the query matched
 * nothing it is 0 for every term that matches nothing.
 * @return the term, borrowed; NULL if `i` is out of range
 */
ZK_EXTERN const char *zk_results_term(const zk_results *r, unsigned i,
                                      uint64_t *passages);

/** Free results. NULL is allowed. */
ZK_EXTERN void zk_results_free(zk_results *r);

/**
 * A snippet of `hit`'s text: the window of at most `max_chars` characters
 * with the most matches, widened to sentence or clause boundaries where it
 * can be. Writes its byte range in hit->text to *start and *end. Reads
 * only `text`, `len`, `matches` and `n_matches` of `hit`.
 */
ZK_EXTERN void zk_hit_snippet(const zk_hit *hit, size_t max_chars,
                              size_t *start, size_t *end);

/**
 * The passages around a hit: `before` passages before it and `after` after
 * it in the same report, in order (for --context). Each is a zk_hit with
 * rank 0 and no matches; iterate with zk_results_next().
 * Reads only `report_id` and `ordinal` of `hit`.
 */
ZK_EXTERN int zk_searcher_context(zk_results **out, zk_searcher *s,
                                  const zk_hit *hit, unsigned before,
                                  unsigned after);

ZK_END_DECLS

#endif
