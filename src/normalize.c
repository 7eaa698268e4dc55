/* normalize.c - NFKC + case folding (utf8proc) with an offset map
 *
 * The text is processed one unit at a time: a character with the combining
 * marks (and Hangul vowel/trailing jamo) that follow it, which is the reach
 * of Unicode composition. Each unit is decomposed with compatibility
 * mappings and case folding, recomposed, and re-encoded; every output byte
 * records the offset and character index of its unit in the input, so a
 * match in the normalised text maps back to exact original bytes. ASCII
 * and CJK ideographs, nearly all of a Chinese report, take a fast path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "normalize_internal.h"

#define UNIT_MAX                                                               \
    64 /* code points decomposed together; longer runs of                      \
          combining marks are split (no real text has them) */

static int ensure(zk_norm *n, size_t *cap, size_t need)
{
    size_t c = *cap ? *cap : 256;
    void *p;

    if (need <= *cap)
        return ZK_OK;
    while (c < need)
        c *= 2;
    p = realloc(n->text, c + 1);
    if (p == NULL)
        return zk__error_oom();
    n->text = p;
    p = realloc(n->orig, (c + 1) * sizeof(size_t));
    if (p == NULL)
        return zk__error_oom();
    n->orig = p;
    p = realloc(n->orig_char, (c + 1) * sizeof(size_t));
    if (p == NULL)
        return zk__error_oom();
    n->orig_char = p;
    *cap = c;
    return ZK_OK;
}

/* Does `c` continue the unit of the character before it? */
static int continues_unit(uint32_t c)
{
    if (c < 0x300 || c == ZK_CP_INVALID)
        return 0;
    if ((c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2))
        return 1; /* Hangul V and T jamo compose with what precedes */
    return utf8proc_get_property((utf8proc_int32_t)c)->combining_class != 0;
}

static inline uint32_t fast_map(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c >= 0x4E00 && c <= 0x9FFF)
        return c; /* CJK Unified Ideographs: no mapping, no case */
    return ZK_CP_INVALID;
}

int zk__normalize_into(zk_norm *n, size_t *cap, const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    utf8proc_int32_t buf[UNIT_MAX * 18 + 4];
    size_t i = 0, o = 0, ci = 0, l;
    int rc = ensure(n, cap, len + 16);

    if (rc != ZK_OK)
        return rc;
    while (i < len) {
        size_t ua = i, uca = ci, k, nu = 0, need;
        uint32_t c = zk__utf8_decode(t + i, len - i, &l), f, next;
        size_t nl = 0;
        utf8proc_ssize_t nb = 0, r;

        i += l;
        ci++;
        next = i < len ? zk__utf8_decode(t + i, len - i, &nl) : ZK_CP_INVALID;
        f = fast_map(c);
        if (f != ZK_CP_INVALID && !continues_unit(next)) {
            rc = ensure(n, cap, o + 4);
            if (rc != ZK_OK)
                return rc;
            if (f < 0x80) {
                n->text[o] = (char)f;
                n->orig[o] = ua;
                n->orig_char[o] = uca;
                o++;
            } else {
                size_t e = zk__utf8_encode(f, n->text + o);
                for (k = 0; k < e; k++) {
                    n->orig[o + k] = ua;
                    n->orig_char[o + k] = uca;
                }
                o += e;
            }
            continue;
        }
        /* general path: decompose the whole unit */
        for (;;) {
            if (c == ZK_CP_INVALID)
                c = 0xFFFD;
            r = utf8proc_decompose_char(
                (utf8proc_int32_t)c, buf + nb,
                (utf8proc_ssize_t)(sizeof(buf) / sizeof(buf[0])) - nb,
                UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                    UTF8PROC_STABLE,
                NULL);
            if (r < 0 ||
                nb + r > (utf8proc_ssize_t)(sizeof(buf) / sizeof(buf[0]))) {
                buf[nb] = 0xFFFD;
                r = 1;
            }
            nb += r;
            nu++;
            if (i >= len || nu >= UNIT_MAX || !continues_unit(next))
                break;
            c = next;
            i += nl;
            ci++;
            next =
                i < len ? zk__utf8_decode(t + i, len - i, &nl) : ZK_CP_INVALID;
        }
        r = utf8proc_normalize_utf32(buf, nb,
                                     UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (r < 0)
            r = nb;
        need = o + (size_t)r * 4;
        rc = ensure(n, cap, need);
        if (rc != ZK_OK)
            return rc;
        for (k = 0; k < (size_t)r; k++) {
            size_t e = zk__utf8_encode((uint32_t)buf[k], n->text + o), m;
            for (m = 0; m < e; m++) {
                n->orig[o + m] = ua;
                n->orig_char[o + m] = uca;
            }
            o += e;
        }
    }
    n->text[o] = '\0';
    n->orig[o] = len;
    n->orig_char[o] = ci;
    n->len = o;
    return ZK_OK;
}

void zk__norm_release(zk_norm *n)
{
    free(n->text);
    free(n->orig);
    free(n->orig_char);
    memset(n, 0, sizeof(*n));
}

int zk_normalize(zk_norm **out, const char *text, size_t len)
{
    zk_norm *n;
    size_t cap = 0;
    int rc;

    if (out == NULL || (text == NULL && len != 0))
        return zk__error(ZK_EINVAL, "zk_normalize: NULL argument");
    *out = NULL;
    n = calloc(1, sizeof(*n));
    if (n == NULL)
        return zk__error_oom();
    rc = zk__normalize_into(n, &cap, text ? text : "", len);
    if (rc != ZK_OK) {
        zk_norm_free(n);
        return rc;
    }
    *out = n;
    return ZK_OK;
}

void zk_norm_free(zk_norm *n)
{
    if (n == NULL)
        return;
    zk__norm_release(n);
    free(n);
}

void zk__normalize_id(char *buf, size_t size)
{
    snprintf(buf, size, "nfkc+casefold utf8proc-%s unicode-%s",
             utf8proc_version(), utf8proc_unicode_version());
}

int zk__normalize_same(const char *recorded)
{
    char now[ZK_NORMALIZE_ID_MAX], before[ZK_NORMALIZE_ID_MAX];

    if (recorded == NULL)
        return 1;
    zk__normalize_id(now, sizeof(now));
    /* what zhiku wrote before it recorded the Unicode version */
    snprintf(before, sizeof(before), "nfkc+casefold utf8proc-%s",
             utf8proc_version());
    return strcmp(recorded, now) == 0 || strcmp(recorded, before) == 0;
}
