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
 * b and the section weight were tuned on the judged development set in
 * bench/relevance (docs/benchmarks-relevance.md): with the textbook b = 0.75
 * and section weight 0.8, one-line fragments and thin paragraphs under a
 * matching news headline ranked first (nDCG@10 0.577); b = 0.1 with section
 * weight 0.4 gave 0.801, and nDCG rose as b fell (0.3: 0.759, 0.2: 0.783).
 * Tuned on the same 25 topics, so it flatters.
 *
 * The length part came later, from the 125 topics graded by then (the
 * development set and four held-out sets, all development topics since):
 * among passages of one topic, the length of a passage told a highly
 * relevant one (grade 2) from a partly relevant one (grade 1) more often
 * than the score did (in 75% of such pairs, the score in 66%). Weights 0.5
 * to 3 were scored on those topics, the passages they brought into the top
 * 10 graded first: mean nDCG@10 0.793 without the part, 0.805 at 1, 0.813
 * at 2, 0.815 at 2.5, 0.816 at 3 (a multiplicative form, score x (1 + 0.1 x
 * log(...)), gave 0.815); 3.5 and 4 gave 0.810 and 0.802 with 28 and 47
 * ungraded passages in their top 10. 2.5 is the middle of the plateau. The
 * fifth held-out set (H101-H150) was written before any of this was run on it,
 * to judge the change.
 */
#ifndef ZHIKU_SEARCH_WEIGHTS_H
#define ZHIKU_SEARCH_WEIGHTS_H

#define ZK_BM25_K1 1.2
/* Little length normalisation: passages are windows of similar size, and
 * with the textbook 0.75 one-line fragments ranked first. (b = 0 would
 * spare a document-length lookup per posting, about half of a long query's
 * time, but scored 0.770 with unjudged passages in the top 10.) */
#define ZK_BM25_B 0.1

#define ZK_W_WORD 1.0
#define ZK_W_LITERAL 0.5
#define ZK_W_SECTION 0.4
#define ZK_W_TITLE 0.3
#define ZK_W_NEAR 2.0
#define ZK_NEAR_SCALE 8.0 /* a span of 8 characters halves the bonus */
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
