/* terms.h - the terms a text gives: the one rule the indexer and the
 * searcher share.
 *
 * The literal guarantee (docs/indexing.md) rests on the indexer writing,
 * for every passage, the terms the searcher later asks for. Both call these
 * functions, so that the two can never drift apart:
 *
 *   - the literal layer: every character of normalised text that is not
 *     white space (zk__term_space()), and every pair of adjacent such
 *     characters, each as ZK_P_LITERAL + its UTF-8 bytes;
 *   - word terms: a word of three characters or more is a term of its own
 *     (unprefixed); a shorter one is found through its literal term. */
#ifndef ZHIKU_TERMS_H
#define ZHIKU_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "zhiku/segment.h"

/* Longest literal term in bytes: the prefix and two 4-byte characters. */
#define ZK_LITERAL_TERM_MAX (1 + 2 * 4)

/* Whether code point c separates literal terms (white space, controls, and
 * characters that decode as invalid). */
int zk__term_space(uint32_t c);

/* Called for each term; non-zero stops the walk and is returned. */
typedef int (*zk__term_cb)(const char *term, size_t len, void *payload);

/* The literal layer of normalised text s[0..n): for each character that is
 * not white space, its term, then its pair with the one before it when that
 * one is not white space either. This is what the indexer writes. */
int zk__literal_terms(const char *s, size_t n, zk__term_cb cb, void *payload);

/* The literal terms that a literal query s[0..n) needs all of: each pair of
 * adjacent characters, and a character with no neighbour to pair with on
 * either side. Every passage that holds s as a substring holds all of
 * them (each is one of zk__literal_terms() of that passage). Terms can
 * repeat. */
int zk__literal_grams(const char *s, size_t n, zk__term_cb cb, void *payload);

/* Whether the passages holding all of zk__literal_grams(s) are exactly
 * those holding s: s is one or two characters and none is white space. */
int zk__literal_exact(const char *s, size_t n);

/* Whether a token of the segmenter is worth a word term: not white space,
 * not longer than ZK_MAX_TERM, not only punctuation or symbols. */
int zk__term_is_word(const zk_token *t);

/* Characters (code points) of UTF-8 text s[0..n). */
size_t zk__term_chars(const char *s, size_t n);

/* The term under which word w[0..n) is found in passage text: the literal
 * term for words of one or two characters (the literal layer holds them),
 * else the word itself. Writes it to buf (size bytes) and returns its
 * length, or 0 when it does not fit. */
size_t zk__word_term(char *buf, size_t size, const char *w, size_t n);

/* Whether the indexer writes a word term for word w[0..n) of the text:
 * those of three characters or more (zk__word_term() gives the others'
 * literal term). */
int zk__word_has_own_term(const char *w, size_t n);

#endif
