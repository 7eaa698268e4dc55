/* search_plan.h - the numbers that decide how a query is carried out, in
 * one place, each with its reason (the ranking weights are in
 * search_weights.h). None changes which passages match. */
#ifndef ZHIKU_SEARCH_PLAN_H
#define ZHIKU_SEARCH_PLAN_H

/* Candidate sets up to this size are always checked whole, so that small
 * results have exact counts; larger ones are checked only as far as the
 * page needs, unless exact counts are asked for. */
#define ZK_EXACT_BELOW 64

/* The n-grams of a term looked up, at most (the rest are ignored). More
 * only narrow the candidates further, which the check of each candidate
 * against the text does anyway. */
#define ZK_MAX_GRAMS 256

/* A term alone in its group is looked for only among the candidates so far
 * ("narrowed": each candidate looked up in its n-grams' posting lists) when
 * its rarest n-gram's posting list is more than this many times longer
 * than the candidates: a lookup costs more than reading one posting, so a
 * list only a little longer is cheaper to read whole. The factor is a
 * judgment, not a measured optimum. */
#define ZK_NARROW_RATIO 4

/* A ranking term's posting list is read whole and merged with the
 * candidates when it is at most this many times longer than their list;
 * a longer one is skipped through, candidate by candidate (the same
 * trade-off as ZK_NARROW_RATIO). */
#define ZK_MERGE_RATIO 2

/* Hits on a page when the options give no limit (zk_search_options). */
#define ZK_DEFAULT_LIMIT 10
/* The largest limit accepted: the hits of a page are allocated up front. */
#define ZK_MAX_LIMIT 100000

/* With at most per_report passages of one report on a page, the best this
 * many times the page (plus ZK_RERANK) are sorted up front, since some of
 * them are skipped; a page that needs more sorts the rest then. */
#define ZK_PER_REPORT_SPARE 4

/* A reader that loses its revision to a writer's later commits (Xapian's
 * DatabaseModifiedError) reopens and tries again, this many times; from the
 * third attempt on it first waits a little longer each time (1, 2, 4 ... up
 * to 32 ms), so that a writer committing in quick succession cannot starve
 * it. */
#define ZK_READ_ATTEMPTS 24
/* The attempt from which a retry waits first, and how many times the wait
 * (from 1 ms) doubles at most: 1, 2, 4 ... 32 ms. */
#define ZK_RETRY_WAIT_FROM 2
#define ZK_RETRY_WAIT_DOUBLINGS 5

/* Opening the shards a stub lists is tried again while the stub changes
 * under us (a writer committing), this many times at most: each attempt
 * is quick, and a commit replaces the stub only once. */
#define ZK_STUB_ATTEMPTS 100

/* Counting the bytes of the shards is tried again, at most this many
 * times, when a compaction removes them while we count. */
#define ZK_SIZE_ATTEMPTS 10

#endif
