/* seg.c - jieba 0.42.1's segmentation, reimplemented to the token
 *
 * The text is split into blocks of jieba's "han" class ([\u4E00-\u9FD5]
 * plus ASCII letters, digits and +#&._%-); every other character is a token
 * of its own (CR LF together). A block is cut by the maximum-probability
 * route through the word DAG, computed right to left in one pass that walks
 * the dictionary trie from each position; equal scores prefer the longer
 * word, as Python's tuple max does. Runs of single characters that are not
 * themselves a word go to the HMM (Viterbi over B/M/E/S) when it is on.
 * Search mode adds the in-dictionary 2- and 3-character pieces of longer
 * words before each word. Every float operation is done in the order jieba
 * does it, so ties break the same way. See docs/segmentation.md.
 */
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "internal.h"
#include "normalize_internal.h"

/* Longest block cut in one piece; longer runs (never seen in real text) are
 * cut at this length to bound memory. */
#define ZK_SEG_MAX_BLOCK 65536
#define NONE ((size_t)-1)

struct zk_seg {
    const zk_dict *d;
    /* the current block */
    uint32_t *cp;   /* code points */
    size_t *boff;   /* byte offset of each code point, n + 1 entries */
    double *rv;     /* route value from each position */
    uint32_t *rend; /* end index of the best word at each position */
    size_t n, cap;
    size_t cbase; /* character offset of the block's first character */
    /* full mode DAG */
    uint32_t *dag_end;
    size_t *dag_first;
    size_t dag_n, dag_cap, dag_first_cap;
    /* Viterbi */
    double *v;           /* [n][4] */
    unsigned char *back; /* [n][4] */
    unsigned char *path;
    size_t vcap;
    /* the current cut */
    const char *text; /* text being cut (original or normalised) */
    size_t text_len;
    const zk_norm *norm; /* non-NULL in normalised mode */
    zk_norm normbuf;
    size_t norm_cap;
    int mode, hmm;
    zk_token_cb cb;
    void *payload;
    int stop;
};

int zk_seg_new(zk_seg **out, const zk_dict *dict)
{
    zk_seg *s;

    if (out == NULL || dict == NULL)
        return zk__error(ZK_EINVAL, "zk_seg_new: NULL argument");
    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return zk__error_oom();
    s->d = dict;
    *out = s;
    return ZK_OK;
}

void zk_seg_free(zk_seg *s)
{
    if (s == NULL)
        return;
    free(s->cp);
    free(s->boff);
    free(s->rv);
    free(s->rend);
    free(s->dag_end);
    free(s->dag_first);
    free(s->v);
    free(s->back);
    free(s->path);
    zk__norm_release(&s->normbuf);
    free(s);
}

/* ---- character classes -------------------------------------------------- */

static inline int is_han(uint32_t c)
{
    return c >= ZK_HAN_FIRST && c <= ZK_HAN_LAST;
}

static inline int is_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* jieba's re_han_default: [\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-] */
static inline int is_block(uint32_t c)
{
    if (c < 0x80)
        return is_alnum(c) || c == '+' || c == '#' || c == '&' || c == '.' ||
               c == '_' || c == '%' || c == '-';
    return is_han(c);
}

/* Python's \s for str patterns (str.isspace()). */
static inline int is_space(uint32_t c)
{
    if (c < 0x80)
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
    return c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

/* ---- token output -------------------------------------------------------- */

/* Map a byte range of the cut text to the caller's text and emit it. */
static void emit_bytes(zk_seg *s, size_t a, size_t b, size_t ca, size_t cb,
                       int kind, unsigned flags)
{
    zk_token t;
    int r;

    if (s->stop)
        return;
    t.text = s->text + a;
    t.len = b - a;
    t.kind = kind;
    t.flags = flags;
    if (s->norm == NULL) {
        t.start = a;
        t.end = b;
        t.cstart = ca;
        t.cend = cb;
    } else {
        const zk_norm *m = s->norm;
        size_t j = b;
        t.start = m->orig[a];
        t.cstart = m->orig_char[a];
        /* a token ending inside the expansion of one original character
         * (NFKC may expand one into several) ends after that character */
        if (j > a && j < m->len && m->orig[j] == m->orig[j - 1])
            while (j < m->len && m->orig[j] == m->orig[b - 1])
                j++;
        t.end = m->orig[j];
        t.cend = m->orig_char[j];
    }
    r = s->cb(&t, s->payload);
    if (r != 0)
        s->stop = r;
}

/* Emit block characters [a, b) as one token. */
static inline void emit_cps(zk_seg *s, size_t a, size_t b, unsigned flags)
{
    emit_bytes(s, s->boff[a], s->boff[b], s->cbase + a, s->cbase + b,
               ZK_TOKEN_WORD, flags);
}

/* Emit the word [a, b), preceded in search mode by its in-dictionary
 * 2-grams (words longer than 2) and 3-grams (longer than 3). */
static void emit_word(zk_seg *s, size_t a, size_t b)
{
    if (s->mode == ZK_SEG_SEARCH && b - a > 2) {
        size_t i;
        uint32_t node;
        for (i = a; i + 2 <= b; i++) {
            node = zk__dict_find(s->d, s->cp + i, 2);
            if (node != 0 && zk__dict_freq(s->d, node) > 0)
                emit_cps(s, i, i + 2, ZK_TOKEN_COLOCATED);
        }
        if (b - a > 3)
            for (i = a; i + 3 <= b; i++) {
                node = zk__dict_find(s->d, s->cp + i, 3);
                if (node != 0 && zk__dict_freq(s->d, node) > 0)
                    emit_cps(s, i, i + 3, ZK_TOKEN_COLOCATED);
            }
    }
    emit_cps(s, a, b, 0);
}

/* ---- buffers ------------------------------------------------------------- */

static int grow_block(zk_seg *s, size_t need)
{
    size_t cap = s->cap ? s->cap : 256;
    void *p;

    while (cap < need)
        cap *= 2;
    if (cap == s->cap)
        return ZK_OK;
#define GROW(field, count)                                                     \
    p = realloc(s->field, (count) * sizeof(*s->field));                        \
    if (p == NULL)                                                             \
        return zk__error_oom();                                                \
    s->field = p;
    GROW(cp, cap)
    GROW(boff, cap + 1)
    GROW(rv, cap + 1)
    GROW(rend, cap)
#undef GROW
    s->cap = cap;
    return ZK_OK;
}

static int grow_viterbi(zk_seg *s, size_t n)
{
    void *p;

    if (n <= s->vcap)
        return ZK_OK;
    p = realloc(s->v, n * 4 * sizeof(*s->v));
    if (p == NULL)
        return zk__error_oom();
    s->v = p;
    p = realloc(s->back, n * 4);
    if (p == NULL)
        return zk__error_oom();
    s->back = p;
    p = realloc(s->path, n);
    if (p == NULL)
        return zk__error_oom();
    s->path = p;
    s->vcap = n;
    return ZK_OK;
}

/* ---- route ----------------------------------------------------------------*/

/* jieba's get_DAG + calc in one right-to-left pass. */
static void calc_route(zk_seg *s)
{
    const zk_dict *d = s->d;
    const uint32_t *cp = s->cp;
    double logtotal = d->logtotal;
    size_t n = s->n, k;

    s->rv[n] = 0.0;
    for (k = n; k-- > 0;) {
        uint32_t node = zk__dict_child(d, 0, cp[k]);
        double best = 0.0;
        size_t bx = k, i = k;
        int have = 0;

        while (node != 0) {
            if (zk__dict_freq(d, node) > 0) {
                double v = zk__dict_logf(d, node) - logtotal + s->rv[i + 1];
                /* candidates come in ascending end order: on a tie the
                 * later (longer) one wins, like max() over (v, x) tuples */
                if (!have || v >= best) {
                    best = v;
                    bx = i;
                    have = 1;
                }
            }
            if (++i >= n)
                break;
            node = zk__dict_child(d, node, cp[i]);
        }
        if (!have)
            best = 0.0 - logtotal + s->rv[k + 1]; /* log(1) - logtotal */
        s->rv[k] = best;
        s->rend[k] = (uint32_t)bx;
    }
}

/* ---- HMM (jieba's finalseg) ---------------------------------------------*/

static int viterbi(zk_seg *s, size_t a, size_t b)
{
    /* jieba's PrevStatus, in its order: B:(E,S) E:(B,M) M:(M,B) S:(S,E) */
    static const int prev[4][2] = {{ZK_HMM_E, ZK_HMM_S},
                                   {ZK_HMM_B, ZK_HMM_M},
                                   {ZK_HMM_M, ZK_HMM_B},
                                   {ZK_HMM_S, ZK_HMM_E}};
    const zk_dict *d = s->d;
    const zk_dict_header *h = d->hdr;
    const double *emit = d->emit;
    size_t n = b - a, t, i, begin = 0, nexti = 0;
    double *V;
    int y, st;
    int rc = grow_viterbi(s, n);

    if (rc != ZK_OK)
        return rc;
    V = s->v;
    for (y = 0; y < 4; y++)
        V[y] = h->start[y] +
               emit[(size_t)y * ZK_HAN_N + (s->cp[a] - ZK_HAN_FIRST)];
    for (t = 1; t < n; t++) {
        size_t c = s->cp[a + t] - ZK_HAN_FIRST;
        for (y = 0; y < 4; y++) {
            double em = emit[(size_t)y * ZK_HAN_N + c];
            int y0 = prev[y][0], y1 = prev[y][1];
            double p0 = V[(t - 1) * 4 + y0] + h->trans[y0][y] + em;
            double p1 = V[(t - 1) * 4 + y1] + h->trans[y1][y] + em;
            /* max over (prob, state): equal probs pick the larger letter */
            if (p1 > p0 || (p1 == p0 && y1 > y0)) {
                V[t * 4 + y] = p1;
                s->back[t * 4 + y] = (unsigned char)y1;
            } else {
                V[t * 4 + y] = p0;
                s->back[t * 4 + y] = (unsigned char)y0;
            }
        }
    }
    /* final state: max((V[y], y) for y in 'ES') */
    st = V[(n - 1) * 4 + ZK_HMM_S] >= V[(n - 1) * 4 + ZK_HMM_E] ? ZK_HMM_S
                                                                : ZK_HMM_E;
    for (t = n; t-- > 0;) {
        s->path[t] = (unsigned char)st;
        if (t > 0)
            st = s->back[t * 4 + st];
    }
    for (i = 0; i < n; i++) {
        size_t wa = NONE, wb = 0;
        if (s->path[i] == ZK_HMM_B) {
            begin = i;
        } else if (s->path[i] == ZK_HMM_E) {
            wa = begin;
            wb = i + 1;
            nexti = i + 1;
        } else if (s->path[i] == ZK_HMM_S) {
            wa = i;
            wb = i + 1;
            nexti = i + 1;
        }
        if (wa == NONE)
            continue;
        if (zk__dict_force_split(d, s->text + s->boff[a + wa],
                                 s->boff[a + wb] - s->boff[a + wa])) {
            size_t j;
            for (j = wa; j < wb; j++)
                emit_word(s, a + j, a + j + 1);
        } else {
            emit_word(s, a + wa, a + wb);
        }
    }
    if (nexti < n)
        emit_word(s, a + nexti, b);
    return ZK_OK;
}

/* finalseg's re_skip split of a non-han stretch: ([a-zA-Z0-9]+(?:\.\d+)?%?)
 * pieces and the text between them, each a token. */
static void skip_split(zk_seg *s, size_t a, size_t b)
{
    size_t p = a;

    while (p < b) {
        size_t q = p, r;
        while (q < b && !is_alnum(s->cp[q]))
            q++;
        if (q > p)
            emit_word(s, p, q);
        if (q >= b)
            break;
        r = q;
        while (r < b && is_alnum(s->cp[r]))
            r++;
        if (r + 1 < b && s->cp[r] == '.' && s->cp[r + 1] >= '0' &&
            s->cp[r + 1] <= '9') {
            r += 2;
            while (r < b && s->cp[r] >= '0' && s->cp[r] <= '9')
                r++;
        }
        if (r < b && s->cp[r] == '%')
            r++;
        emit_word(s, q, r);
        p = r;
    }
}

/* finalseg.cut(buf) for block characters [a, b). */
static int hmm_cut(zk_seg *s, size_t a, size_t b)
{
    size_t i = a, j;
    int rc;

    while (i < b) {
        j = i;
        if (is_han(s->cp[i])) {
            while (j < b && is_han(s->cp[j]))
                j++;
            rc = viterbi(s, i, j);
            if (rc != ZK_OK)
                return rc;
        } else {
            while (j < b && !is_han(s->cp[j]))
                j++;
            skip_split(s, i, j);
        }
        i = j;
    }
    return ZK_OK;
}

/* A run [a, b) of single-character words in __cut_DAG. */
static int flush_singles(zk_seg *s, size_t a, size_t b)
{
    uint32_t node;
    size_t i;

    if (b - a == 1) {
        emit_word(s, a, b);
        return ZK_OK;
    }
    node = zk__dict_find(s->d, s->cp + a, b - a);
    if (node == 0 || zk__dict_freq(s->d, node) == 0)
        return hmm_cut(s, a, b);
    for (i = a; i < b; i++)
        emit_word(s, i, i + 1);
    return ZK_OK;
}

/* ---- block cutters ------------------------------------------------------- */

static int cut_block_hmm(zk_seg *s)
{
    size_t x = 0, y, bs = NONE, n = s->n;
    int rc;

    calc_route(s);
    while (x < n) {
        y = (size_t)s->rend[x] + 1;
        if (y - x == 1) {
            if (bs == NONE)
                bs = x;
        } else {
            if (bs != NONE) {
                rc = flush_singles(s, bs, x);
                if (rc != ZK_OK)
                    return rc;
                bs = NONE;
            }
            emit_word(s, x, y);
        }
        x = y;
    }
    return bs != NONE ? flush_singles(s, bs, n) : ZK_OK;
}

static int cut_block_nohmm(zk_seg *s)
{
    size_t x = 0, y, eb = NONE, n = s->n;

    calc_route(s);
    while (x < n) {
        y = (size_t)s->rend[x] + 1;
        if (y - x == 1 && is_alnum(s->cp[x])) {
            if (eb == NONE)
                eb = x; /* consecutive single letters/digits glue */
        } else {
            if (eb != NONE) {
                emit_word(s, eb, x);
                eb = NONE;
            }
            emit_word(s, x, y);
        }
        x = y;
    }
    if (eb != NONE)
        emit_word(s, eb, n);
    return ZK_OK;
}

/* jieba's get_DAG, kept as lists for full mode. */
static int build_dag(zk_seg *s)
{
    size_t n = s->n, k;

    s->dag_n = 0;
    if (s->dag_first_cap < n + 1) {
        size_t *f = realloc(s->dag_first, (n + 1) * sizeof(*f));
        if (f == NULL)
            return zk__error_oom();
        s->dag_first = f;
        s->dag_first_cap = n + 1;
    }
    for (k = 0; k < n; k++) {
        uint32_t node = zk__dict_child(s->d, 0, s->cp[k]);
        size_t i = k, first = s->dag_n;

        s->dag_first[k] = first;
        while (node != 0) {
            if (zk__dict_freq(s->d, node) > 0) {
                if (s->dag_n == s->dag_cap) {
                    size_t cap = s->dag_cap ? s->dag_cap * 2 : 1024;
                    uint32_t *e = realloc(s->dag_end, cap * sizeof(*e));
                    if (e == NULL)
                        return zk__error_oom();
                    s->dag_end = e;
                    s->dag_cap = cap;
                }
                s->dag_end[s->dag_n++] = (uint32_t)i;
            }
            if (++i >= n)
                break;
            node = zk__dict_child(s->d, node, s->cp[i]);
        }
        if (s->dag_n == first) {
            if (s->dag_n == s->dag_cap) {
                size_t cap = s->dag_cap ? s->dag_cap * 2 : 1024;
                uint32_t *e = realloc(s->dag_end, cap * sizeof(*e));
                if (e == NULL)
                    return zk__error_oom();
                s->dag_end = e;
                s->dag_cap = cap;
            }
            s->dag_end[s->dag_n++] = (uint32_t)k;
        }
    }
    s->dag_first[n] = s->dag_n;
    return ZK_OK;
}

/* jieba's __cut_all. */
static int cut_block_full(zk_seg *s)
{
    size_t n = s->n, k, old_j = NONE, eng_a = 0, eng_b = 0;
    int eng_scan = 0, rc = build_dag(s);

    if (rc != ZK_OK)
        return rc;
    for (k = 0; k < n; k++) {
        size_t f = s->dag_first[k], cnt = s->dag_first[k + 1] - f, j;
        if (eng_scan && !is_alnum(s->cp[k])) {
            eng_scan = 0;
            emit_cps(s, eng_a, eng_b, 0);
        }
        if (cnt == 1 && (old_j == NONE || k > old_j)) {
            size_t e = s->dag_end[f];
            if (is_alnum(s->cp[k])) {
                if (!eng_scan) {
                    eng_scan = 1;
                    eng_a = k;
                }
                eng_b = e + 1;
            }
            if (!eng_scan)
                emit_cps(s, k, e + 1, 0);
            old_j = e;
        } else {
            for (j = f; j < f + cnt; j++) {
                if (s->dag_end[j] > k) {
                    emit_cps(s, k, (size_t)s->dag_end[j] + 1, 0);
                    old_j = s->dag_end[j];
                }
            }
        }
    }
    if (eng_scan)
        emit_cps(s, eng_a, eng_b, 0);
    return ZK_OK;
}

static int cut_block(zk_seg *s)
{
    if (s->mode == ZK_SEG_FULL)
        return cut_block_full(s);
    return s->hmm ? cut_block_hmm(s) : cut_block_nohmm(s);
}

/* ---- the text ------------------------------------------------------------ */

static int cut_text(zk_seg *s)
{
    const unsigned char *t = (const unsigned char *)s->text;
    size_t n = s->text_len, i = 0, l, ci = 0, cl;
    size_t other_a = NONE, other_ca = 0; /* full mode: pending non-space run */
    int rc;

    while (i < n && !s->stop) {
        uint32_t c = zk__utf8_decode(t + i, n - i, &l);

        if (is_block(c)) {
            if (other_a != NONE) {
                emit_bytes(s, other_a, i, other_ca, ci, ZK_TOKEN_OTHER, 0);
                other_a = NONE;
            }
            s->n = 0;
            s->cbase = ci;
            do {
                if (s->n == s->cap) {
                    rc = grow_block(s, s->n + 1);
                    if (rc != ZK_OK)
                        return rc;
                }
                s->cp[s->n] = c;
                s->boff[s->n] = i;
                s->n++;
                i += l;
                ci++;
                if (i >= n || s->n == ZK_SEG_MAX_BLOCK)
                    break;
                c = zk__utf8_decode(t + i, n - i, &l);
            } while (is_block(c));
            s->boff[s->n] = i;
            rc = cut_block(s);
            if (rc != ZK_OK)
                return rc;
            continue;
        }
        cl = 1;
        if (c == '\r' && i + 1 < n && t[i + 1] == '\n') {
            l = 2; /* re_skip's \r\n alternative: one token, 2 chars */
            cl = 2;
            c = '\n';
        }
        if (is_space(c)) {
            if (other_a != NONE) {
                emit_bytes(s, other_a, i, other_ca, ci, ZK_TOKEN_OTHER, 0);
                other_a = NONE;
            }
            emit_bytes(s, i, i + l, ci, ci + cl, ZK_TOKEN_SPACE, 0);
        } else if (s->mode == ZK_SEG_FULL) {
            if (other_a == NONE) {
                other_a = i;
                other_ca = ci;
            }
        } else {
            emit_bytes(s, i, i + l, ci, ci + 1, ZK_TOKEN_OTHER, 0);
        }
        i += l;
        ci += cl;
    }
    if (other_a != NONE)
        emit_bytes(s, other_a, i, other_ca, ci, ZK_TOKEN_OTHER, 0);
    return ZK_OK;
}

int zk_seg_cut(zk_seg *s, const char *text, size_t len,
               const zk_seg_options *opts, zk_token_cb cb, void *payload)
{
    static const zk_seg_options defaults = ZK_SEG_OPTIONS_INIT;
    int rc;

    if (s == NULL || cb == NULL || (text == NULL && len != 0))
        return zk__error(ZK_EINVAL, "zk_seg_cut: NULL argument");
    if (opts == NULL)
        opts = &defaults;
    if (opts->version != ZK_SEG_OPTIONS_VERSION)
        return zk__error(ZK_EINVAL,
                         "zk_seg_options version %u, this library knows %u",
                         opts->version, (unsigned)ZK_SEG_OPTIONS_VERSION);
    if (opts->mode != ZK_SEG_PRECISE && opts->mode != ZK_SEG_SEARCH &&
        opts->mode != ZK_SEG_FULL)
        return zk__error(ZK_EINVAL, "unknown segmentation mode %d", opts->mode);
    s->mode = opts->mode;
    s->hmm = opts->hmm != 0;
    s->cb = cb;
    s->payload = payload;
    s->stop = 0;
    s->norm = NULL;
    s->text = text;
    s->text_len = len;
    if (opts->normalize) {
        rc = zk__normalize_into(&s->normbuf, &s->norm_cap, text, len);
        if (rc != ZK_OK)
            return rc;
        s->norm = &s->normbuf;
        s->text = s->normbuf.text;
        s->text_len = s->normbuf.len;
    }
    rc = cut_text(s);
    if (rc == ZK_OK && s->stop)
        rc = zk__error(ZK_EUSER, "segmentation stopped by the callback (%d)",
                       s->stop);
    return rc;
}

size_t zk_seg_split_point(const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = len;

    /* Look back for a whole, valid character that is neither in a block
     * nor CR (which could pair with a following LF): both sides of it are
     * then cut exactly as the whole would be. Invalid bytes never qualify,
     * since they may be a character cut in two by the caller's buffer. */
    while (i > 0) {
        size_t start = i - 1, l;
        uint32_t c;
        while (start > 0 && i - start < 4 && (t[start] & 0xC0) == 0x80)
            start--;
        c = zk__utf8_decode(t + start, i - start, &l);
        if (c != ZK_CP_INVALID && start + l == i && !is_block(c) && c != '\r')
            return i;
        i = (c != ZK_CP_INVALID && start + l == i) ? start : i - 1;
    }
    return 0;
}
