/* internal.h - helpers shared by libzhiku's translation units (not public) */
#ifndef ZHIKU_INTERNAL_H
#define ZHIKU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "zhiku/common.h"
#include "zhiku/error.h"

#if defined(__GNUC__)
#define ZK_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ZK_LIKELY(x) __builtin_expect(!!(x), 1)
#define ZK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define ZK_PRINTF(a, b)
#define ZK_LIKELY(x) (x)
#define ZK_UNLIKELY(x) (x)
#endif

/*
 * The few internal functions that the formats module (zhiku-formats.so:
 * the PDF, .docx and HTML readers, which libzhiku.so loads when it first
 * needs them; src/CMakeLists.txt) calls back into libzhiku: exported from
 * libzhiku.so under their zk__ names, and no part of the public API.
 */
#if defined(__GNUC__)
#define ZK_MODULE_API __attribute__((visibility("default")))
#else
#define ZK_MODULE_API
#endif

/* Record the thread's last error and return `code`. */
ZK_MODULE_API int zk__error(int code, const char *fmt, ...) ZK_PRINTF(2, 3);
/* Record ZK_ENOMEM and return it. */
ZK_MODULE_API int zk__error_oom(void);

/* Marks a code point that stands for one invalid UTF-8 byte. */
#define ZK_CP_INVALID 0x110000u

/*
 * Decode one UTF-8 character at s[0..n), n >= 1. Returns its code point and
 * stores its length in *len; an invalid or truncated sequence, an overlong
 * form, a surrogate or a value above U+10FFFF yields ZK_CP_INVALID with
 * *len = 1, so every byte of the input is accounted for.
 */
static inline uint32_t zk__utf8_decode(const unsigned char *s, size_t n,
                                       size_t *len)
{
    uint32_t c = s[0], c1, c2, c3;

    if (c < 0x80) {
        *len = 1;
        return c;
    }
    *len = 1;
    if (c < 0xC2 || c > 0xF4)
        return ZK_CP_INVALID;
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return ZK_CP_INVALID;
        *len = 2;
        return ((c & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return ZK_CP_INVALID;
        c1 =
            ((c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        if (c1 < 0x800 || (c1 >= 0xD800 && c1 <= 0xDFFF))
            return ZK_CP_INVALID;
        *len = 3;
        return c1;
    }
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
        return ZK_CP_INVALID;
    c1 = (uint32_t)(s[1] & 0x3F);
    c2 = (uint32_t)(s[2] & 0x3F);
    c3 = (uint32_t)(s[3] & 0x3F);
    c1 = ((c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (c1 < 0x10000 || c1 > 0x10FFFF)
        return ZK_CP_INVALID;
    *len = 4;
    return c1;
}

/* Encode `cp` (a valid scalar value) into out[0..4); returns the length. */
static inline size_t zk__utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A growable byte string, NUL-terminated once anything was added.
 * Zero-initialise; free(b.p) when done. */
typedef struct zk__buf {
    char *p;
    size_t n, cap;
} zk__buf;

/* Append s[0..n) to b: ZK_OK, or ZK_ENOMEM (b unchanged). */
ZK_MODULE_API int zk__buf_add(zk__buf *b, const char *s, size_t n);

/* Character classes (report_text.c), shared by the report parser and the
 * readers, so that "no space between two CJK characters" means one thing. */
/* any blank, including U+3000, NBSP, \n */
ZK_MODULE_API int zk__rc_space(uint32_t c);
/* Han, kana, CJK and full-width punctuation */
ZK_MODULE_API int zk__rc_cjk(uint32_t c);

/* Is `s` valid UTF-8? */
ZK_MODULE_API int zk__utf8_valid(const char *s, size_t n);

#endif
