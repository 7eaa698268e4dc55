/* search_weights.h - every ranking weight of zhiku, in one place
 *
 * A passage's score is the sum of these parts (zhiku-query --explain shows
 * them):
 *
 *   words    ZK_W_WORD    x sum over the query's words (the query segmented
 *                          in search mode, as the index was) of
 *                          idf(word) x BM25 tf(word in the passage text)
 *   literal  ZK_W_LITERAL x for each query term, the mean over its
 *                          character n-grams of idf x BM25 tf: a signal
 *                          that does not depend on segmentation
 *   section  ZK_W_SECTION x the same as words, for the passage's heading
 *                          trail: passages under a heading that names the
 *                          topic rank up even when they do not repeat it
 *   title    ZK_W_TITLE   x sum of idf over reports of the query words in
 *                          the report's title
 *   near     ZK_W_NEAR    x (terms - 1) / (1 + span / ZK_NEAR_SCALE), where
 *                          span is the shortest stretch of text (in
 *                          characters) holding every query term; computed
 *                          for the ZK_RERANK best passages, which are then
 *                          re-ranked
 *   length   ZK_W_LENGTH  x log(1 + dl / avgdl), dl the passage's length in
 *                          terms: a prior for the passage that says more
 *
 * BM25 uses k1 = ZK_BM25_K1 and b = ZK_BM25_B; idf is
 * log(1 + (N - n + 0.5) / (n + 0.5)) over N passages, n containing the term.
 *
 * b, the section weight and the length weight were tuned on the judged
 * topics of bench/relevance; which values were tried and what they scored
 * is in docs/ranking-weights.md, "Ranking weights: how they were
 * tuned". Those topics are development topics now, so figures on them
 * flatter zhiku.
 */
#ifndef ZHIKU_SEARCH_WEIGHTS_H
#define ZHIKU_SEARCH_WEIGHTS_H

#define ZK_BM25_K1 1.2
/* Little length normalisation: passages are windows of similar size, and
 * with the textbook 0.75 one-line fragments ranked first; nDCG rose as b
 * fell. (b = 0 would spare a document-length lookup per posting, about
 * half of a long query's time, but ranked worse, with unjudged passages in
 * the top 10.) */
#define ZK_BM25_B 0.1

#define ZK_W_WORD 1.0
#define ZK_W_LITERAL 0.5
/* Below the first value tried (0.8), with which thin paragraphs under a
 * news headline that names the topic ranked first; tuned together with b. */
#define ZK_W_SECTION 0.4
#define ZK_W_TITLE 0.3
#define ZK_W_NEAR 2.0
#define ZK_NEAR_SCALE 8.0 /* a span of 8 characters halves the bonus */
/* Length told a highly relevant passage from a partly relevant one more
 * often than the score did; 2.5 is the middle of the plateau of the
 * weights tried, above which ungraded passages entered the top 10. */
#define ZK_W_LENGTH 2.5
#define ZK_RERANK 100

enum {
    ZK_PART_WORDS,
    ZK_PART_LITERAL,
    ZK_PART_SECTION,
    ZK_PART_TITLE,
    ZK_PART_NEAR,
    ZK_PART_LENGTH,
    ZK_N_PARTS
};
#define ZK_PART_NAMES                                                          \
    {                                                                          \
        "words", "literal", "section", "title", "near", "length"               \
    }

#endif
