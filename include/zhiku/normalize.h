/* zhiku/normalize.h - search normalisation: NFKC + case folding, with a map
 * back to the original bytes */
#ifndef ZHIKU_NORMALIZE_H
#define ZHIKU_NORMALIZE_H

#include "zhiku/common.h"

ZK_BEGIN_DECLS

/**
 * Normalised text. `text` is `len` bytes of valid UTF-8 followed by a NUL.
 * `orig[i]` is the byte offset in the original text of the character that
 * produced normalised byte i; `orig[len]` is the original length. Likewise
 * `orig_char[i]` is that character's index (code points; an invalid byte
 * counts as one).
 */
typedef struct zk_norm {
    char *text;
    size_t len;
    size_t *orig;
    size_t *orig_char;
} zk_norm;

/**
 * Normalise `len` bytes of UTF-8 for searching: Unicode NFKC, then full case
 * folding (utf8proc), so that full-width `２０２４年ＧＤＰ` becomes
 * `2024年gdp`. Each invalid UTF-8 byte becomes U+FFFD.
 *
 * @param[out] out  new result; free with zk_norm_free()
 * @return ZK_OK; ZK_EINVAL; ZK_ENOMEM
 */
ZK_EXTERN int zk_normalize(zk_norm **out, const char *text, size_t len);

/** Free `norm`. NULL is allowed. */
ZK_EXTERN void zk_norm_free(zk_norm *norm);

ZK_END_DECLS

#endif
