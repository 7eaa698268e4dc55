/* terms.c - the terms a text gives, for the indexer and the searcher alike
 * (terms.h). */
#include <string.h>

#include <utf8proc.h>

#include "index_internal.h"
#include "internal.h"
#include "terms.h"

int zk__term_space(uint32_t c)
{
    return c <= 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000 || c == 0x7F ||
           c == ZK_CP_INVALID;
}

/* The term for one character (or one pair: a, b) in term[]. */
static size_t literal_term(char term[ZK_LITERAL_TERM_MAX], const char *a,
                           size_t al, const char *b, size_t bl)
{
    term[0] = ZK_P_LITERAL[0];
    memcpy(term + 1, a, al);
    if (b != NULL)
        memcpy(term + 1 + al, b, bl);
    return 1 + al + (b != NULL ? bl : 0);
}

int zk__literal_terms(const char *s, size_t n, zk__term_cb cb, void *payload)
{
    char term[ZK_LITERAL_TERM_MAX];
    size_t i = 0, l, pl = 0;
    const char *prev = NULL; /* the character before, unless white space */
    int rc = 0;

    while (i < n && rc == 0) {
        uint32_t c = zk__utf8_decode((const unsigned char *)s + i, n - i, &l);
        if (zk__term_space(c)) {
            prev = NULL;
            i += l;
            continue;
        }
        rc = cb(term, literal_term(term, s + i, l, NULL, 0), payload);
        if (rc == 0 && prev != NULL)
            rc = cb(term, literal_term(term, prev, pl, s + i, l), payload);
        prev = s + i;
        pl = l;
        i += l;
    }
    return rc;
}

int zk__literal_grams(const char *s, size_t n, zk__term_cb cb, void *payload)
{
    char term[ZK_LITERAL_TERM_MAX];
    size_t i = 0, l, pl = 0;
    const char *prev = NULL;     /* the character before, unless white space */
    int rc = 0, prev_paired = 0; /* prev paired with the one before it */

    while (i < n && rc == 0) {
        uint32_t c = zk__utf8_decode((const unsigned char *)s + i, n - i, &l);
        if (zk__term_space(c)) {
            if (prev != NULL && !prev_paired) /* a character alone */
                rc = cb(term, literal_term(term, prev, pl, NULL, 0), payload);
            prev = NULL;
            i += l;
            continue;
        }
        prev_paired = 0;
        if (prev != NULL) {
            rc = cb(term, literal_term(term, prev, pl, s + i, l), payload);
            prev_paired = 1;
        }
        prev = s + i;
        pl = l;
        i += l;
        if (rc == 0 && i >= n && !prev_paired)
            rc = cb(term, literal_term(term, prev, pl, NULL, 0), payload);
    }
    return rc;
}

int zk__literal_exact(const char *s, size_t n)
{
    size_t i = 0, l, chars = 0;

    while (i < n) {
        uint32_t c = zk__utf8_decode((const unsigned char *)s + i, n - i, &l);
        if (zk__term_space(c))
            return 0;
        chars++;
        i += l;
    }
    return chars >= 1 && chars <= 2;
}

/* Letters, digits and numbers: what a one-character token must be to be a
 * word. */
static int is_word_char(uint32_t c)
{
    utf8proc_category_t cat;

    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
               (c >= 'A' && c <= 'Z');
    cat = utf8proc_category((utf8proc_int32_t)c);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM ||
           cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_ND ||
           cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}

int zk__term_is_word(const zk_token *t)
{
    size_t l;
    uint32_t c;

    if (t->kind == ZK_TOKEN_SPACE || t->len > ZK_MAX_TERM)
        return 0;
    if (t->kind == ZK_TOKEN_WORD)
        return t->len > 1 || t->text[0] != '.'; /* not a lone dot etc. */
    c = zk__utf8_decode((const unsigned char *)t->text, t->len, &l);
    return c != ZK_CP_INVALID && is_word_char(c);
}

size_t zk__term_chars(const char *s, size_t n)
{
    size_t i, chars = 0;

    for (i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

int zk__word_has_own_term(const char *w, size_t n)
{
    return zk__term_chars(w, n) > 2;
}

size_t zk__word_term(char *buf, size_t size, const char *w, size_t n)
{
    if (zk__word_has_own_term(w, n)) {
        if (n > size)
            return 0;
        memcpy(buf, w, n);
        return n;
    }
    if (n + 1 > size)
        return 0;
    buf[0] = ZK_P_LITERAL[0];
    memcpy(buf + 1, w, n);
    return n + 1;
}
