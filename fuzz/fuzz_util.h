/* fuzz_util.h - helpers shared by the fuzz harnesses: a failed check prints
 * where and why, then aborts (libFuzzer saves the input; the regression
 * driver exits non-zero), and an independent UTF-8 validator so that the
 * library's own decoder is not what checks its output. */
#ifndef ZK_FUZZ_UTIL_H
#define ZK_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zhiku/zhiku.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond)                                                         \
    do {                                                                       \
        if (!(cond))                                                           \
            fz_fail(__FILE__, __LINE__, #cond);                                \
    } while (0)

static inline void fz_fail(const char *file, int line, const char *what)
{
    const zk_error *e = zk_error_last();

    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    if (e != NULL)
        fprintf(stderr, "  last zhiku error: %s (%d): %s\n",
                zk_strerror(e->code), e->code, e->message);
    fflush(stderr);
    abort();
}

/* The code point at s[*i] of strict UTF-8 (no overlong forms, surrogates
 * or values above U+10FFFF), advancing *i; UINT32_MAX if s[*i..n) does not
 * start with one. */
static inline uint32_t fz_utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = n - *i, need, k;
    uint32_t c, min;

    if (p[0] < 0x80) {
        (*i)++;
        return p[0];
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        need = 2;
        c = p[0] & 0x1F;
        min = 0x80;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        need = 3;
        c = p[0] & 0x0F;
        min = 0x800;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        need = 4;
        c = p[0] & 0x07;
        min = 0x10000;
    } else {
        return UINT32_MAX;
    }
    if (left < need)
        return UINT32_MAX;
    for (k = 1; k < need; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return UINT32_MAX;
        c = c << 6 | (p[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return UINT32_MAX;
    *i += need;
    return c;
}

/* Is s[0..n) strict UTF-8 without NUL bytes? */
static inline int fz_utf8_ok(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t c;

    while (i < n) {
        c = fz_utf8_next(s, n, &i);
        if (c == UINT32_MAX || c == 0)
            return 0;
    }
    return 1;
}

/* A NUL-terminated copy of data[0..size); never returns NULL. */
static inline char *fz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
