/* report_text.c - text helpers for the report parser: mapped text
 * buffers, character classes, Chinese numbering and paragraph clean-up
 *
 * A zk__rtext is the parser's working string. Every byte appended to it
 * says where in the source it came from, as runs of consecutive bytes,
 * so that a passage cut out of it anywhere can report its byte range in
 * the original file. Appending a character whose source byte follows the
 * previous one extends the last run, so the map stays small: one run per
 * Markdown text node or per plain-text line, plus one per separator.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* Grow an array to hold `need` items of `size` bytes. Returns the new
 * pointer, or NULL (leaving `p` and *cap alone) when out of memory. */
void *zk__rgrow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 64;
    void *q;

    if (need <= *cap)
        return p;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            return NULL;
        c *= 2;
    }
    q = realloc(p, c * size);
    if (q != NULL)
        *cap = c;
    return q;
}

void zk__rtext_free(zk__rtext *t)
{
    free(t->s);
    free(t->runs);
    memset(t, 0, sizeof(*t));
}

void zk__rtext_clear(zk__rtext *t)
{
    t->len = 0;
    t->n_runs = 0;
    if (t->s != NULL)
        t->s[0] = '\0';
}

static int put(zk__rtext *t, const char *b, size_t n, size_t src, int synth)
{
    zk__rrun *r;
    void *p;

    if (n == 0)
        return ZK_OK;
    if (t->len + n + 1 < n)
        return zk__error_oom();
    p = zk__rgrow(t->s, &t->cap, t->len + n + 1, 1);
    if (p == NULL)
        return zk__error_oom();
    t->s = p;
    r = t->n_runs > 0 ? &t->runs[t->n_runs - 1] : NULL;
    if (r == NULL || r->synth != synth ||
        (synth ? r->src != src : r->src + (t->len - r->out) != src)) {
        p = zk__rgrow(t->runs, &t->cap_runs, t->n_runs + 1, sizeof(zk__rrun));
        if (p == NULL)
            return zk__error_oom();
        t->runs = p;
        r = &t->runs[t->n_runs++];
        r->out = t->len;
        r->src = src;
        r->synth = synth;
    }
    memcpy(t->s + t->len, b, n);
    t->len += n;
    t->s[t->len] = '\0';
    return ZK_OK;
}

int zk__rtext_put(zk__rtext *t, const char *b, size_t n, size_t src)
{
    return put(t, b, n, src, 0);
}

int zk__rtext_synth(zk__rtext *t, const char *b, size_t n, size_t src)
{
    return put(t, b, n, src, 1);
}

/* Index of the run that holds output byte `off` (t has runs). */
static size_t run_at(const zk__rtext *t, size_t off)
{
    size_t lo = 0, hi = t->n_runs;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->runs[mid].out <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int zk__rtext_append(zk__rtext *t, const zk__rtext *from_t, size_t from,
                     size_t to)
{
    size_t i, a, b;
    int rc;

    if (from >= to || from_t->n_runs == 0)
        return ZK_OK;
    for (i = run_at(from_t, from); i < from_t->n_runs; i++) {
        const zk__rrun *r = &from_t->runs[i];
        size_t end =
            i + 1 < from_t->n_runs ? from_t->runs[i + 1].out : from_t->len;

        a = r->out > from ? r->out : from;
        b = end < to ? end : to;
        if (a >= to)
            break;
        if (a >= b)
            continue;
        rc = put(t, from_t->s + a, b - a,
                 r->synth ? r->src : r->src + a - r->out, r->synth);
        if (rc != ZK_OK)
            return rc;
    }
    return ZK_OK;
}

size_t zk__rtext_src(const zk__rtext *t, size_t off)
{
    const zk__rrun *r;

    if (t->n_runs == 0)
        return 0;
    r = &t->runs[run_at(t, off)];
    return r->synth ? r->src : r->src + (off - r->out);
}

size_t zk__rtext_src_end(const zk__rtext *t, size_t end)
{
    const zk__rrun *r;

    if (t->n_runs == 0 || end == 0)
        return zk__rtext_src(t, 0);
    r = &t->runs[run_at(t, end - 1)];
    return r->synth ? r->src : r->src + (end - 1 - r->out) + 1;
}

int zk__rtext_is_synth(const zk__rtext *t, size_t off)
{
    return t->n_runs > 0 && off < t->len && t->runs[run_at(t, off)].synth;
}

/* ---- character classes ------------------------------------------------ */

int zk__rc_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v' || c == 0xA0 || c == 0x3000 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F;
}

int zk__rc_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x2FDF) ||   /* radicals */
           (c >= 0x3001 && c <= 0x30FF) ||   /* CJK punctuation, kana */
           (c >= 0x3400 && c <= 0x4DBF) ||   /* extension A */
           (c >= 0x4E00 && c <= 0x9FFF) ||   /* unified ideographs */
           (c >= 0xF900 && c <= 0xFAFF) ||   /* compatibility ideographs */
           (c >= 0xFE30 && c <= 0xFE4F) ||   /* compatibility forms */
           (c >= 0xFF01 && c <= 0xFF65) ||   /* full-width forms */
           (c >= 0x20000 && c <= 0x3134F) || /* extensions B-G */
           (c >= 0x2010 && c <= 0x2027 && c != 0x2024) || /* “”‘’—… */
           c == 0xB7;                                     /* · */
}

int zk__rc_stop(uint32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B ||
           c == '!' || c == '?' || c == ';';
}

int zk__rc_closer(uint32_t c)
{
    return c == 0x201D || c == 0x2019 || c == 0x300D || c == 0x300F ||
           c == 0xFF09 || c == ')' || c == 0x3011 || c == 0x300B ||
           c == 0x3009 || c == '"' || c == '\'' || c == ']' || c == 0x3015 ||
           c == 0x3017;
}

int zk__rc_clause(uint32_t c)
{
    return c == 0xFF0C || c == 0x3001 || c == 0xFF1A || c == ',' || c == ':' ||
           c == ' ';
}

int zk__rc_drop(uint32_t c)
{
    return c == ZK_CP_INVALID || (c < 0x20 && c != '\t' && c != '\n') ||
           (c >= 0x7F && c <= 0x9F) || c == 0xFFFD || c == 0xFEFF ||
           (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0x2028 ||
           c == 0x2029;
}

size_t zk__rchars(const char *s, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

int zk__rshort(const char *s, size_t n, size_t max)
{
    size_t i, k = 0;

    if (n <= max)
        return 1;
    for (i = 0; i < n; i++) {
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
        if (k > max)
            return 0;
    }
    return 1;
}

/* Start of the character that ends just before byte b (b > 0). */
static size_t prev_char(const char *s, size_t b)
{
    size_t i = b - 1;

    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80 && b - i < 4)
        i--;
    return i;
}

void zk__rtrim(const char *s, size_t *a, size_t *b)
{
    size_t l, i;

    while (*a < *b && zk__rc_space(zk__rdec(s, *b, *a, &l)))
        *a += l;
    while (*b > *a) {
        i = prev_char(s, *b);
        if (i < *a)
            i = *a;
        if (!zk__rc_space(zk__rdec(s, *b, i, &l)) || i + l != *b)
            break;
        *b = i;
    }
}

/* ---- Chinese numbering ------------------------------------------------ */

static int digit(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 0xFF10 && c <= 0xFF19)
        return (int)(c - 0xFF10);
    return -1;
}

/* 一 … 十, the numerals of 一、 and （一） */
static int cn_small(uint32_t c)
{
    return c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB ||
           c == 0x4E94 || c == 0x516D || c == 0x4E03 || c == 0x516B ||
           c == 0x4E5D || c == 0x5341;
}

/* and 〇 零 百 千 两, which 第一百零一条 needs */
static int cn_big(uint32_t c)
{
    return cn_small(c) || c == 0x3007 || c == 0x96F6 || c == 0x767E ||
           c == 0x5343 || c == 0x4E24;
}

/* Does s[0..n) have a sentence or clause mark in it? */
static int has_punct(const char *s, size_t n)
{
    size_t i, l;
    uint32_t c;

    for (i = 0; i < n; i += l) {
        c = zk__rdec(s, n, i, &l);
        if (zk__rc_stop(c) || c == 0x3002 || c == 0xFF0C || c == ',' ||
            c == 0x3001)
            return 1;
    }
    return 0;
}

/* The 第X章 family; i is just past 第. */
static int num_di(const char *s, size_t n, size_t i, size_t *mlen)
{
    size_t l, cnt = 0;
    uint32_t c;
    int rank;

    while (i < n) {
        c = zk__rdec(s, n, i, &l);
        if (!cn_big(c) && digit(c) < 0)
            break;
        i += l;
        cnt++;
    }
    if (cnt == 0 || cnt > 8 || i >= n)
        return ZK_RN_NONE;
    c = zk__rdec(s, n, i, &l);
    switch (c) {
    case 0x7F16: /* 编 */
    case 0x7BC7: /* 篇 */
        rank = ZK_RN_PART;
        break;
    case 0x7AE0: /* 章 */
        rank = ZK_RN_CHAPTER;
        break;
    case 0x8282: /* 节 */
        rank = ZK_RN_SECTION;
        break;
    case 0x6761: /* 条 */
        rank = ZK_RN_ARTICLE;
        break;
    case 0x90E8: /* 部分 */
        if (i + l < n && zk__rdec(s, n, i + l, &cnt) == 0x5206) {
            l += cnt;
            rank = ZK_RN_PART;
            break;
        }
        return ZK_RN_NONE;
    default:
        return ZK_RN_NONE;
    }
    i += l;
    *mlen = i;
    if (i == n)
        return rank == ZK_RN_ARTICLE ? ZK_RN_NONE : rank;
    c = zk__rdec(s, n, i, &l);
    if (zk__rc_space(c))
        return rank;
    if (rank == ZK_RN_ARTICLE)
        return (c == 0xFF1A || c == ':') ? rank : ZK_RN_NONE;
    /* "第一章总则": no blank, but a short line without punctuation */
    if (zk__rshort(s, n, 20) && !has_punct(s, n))
        return rank;
    return ZK_RN_NONE;
}

int zk__rnum(const char *s, size_t n, size_t *mlen, size_t *tstart)
{
    size_t i, l, cnt = 0;
    uint32_t c;
    int rank = ZK_RN_NONE;

    *mlen = *tstart = 0;
    if (n == 0)
        return ZK_RN_NONE;
    c = zk__rdec(s, n, 0, &l);
    i = l;
    if (c == 0x7B2C) { /* 第 */
        rank = num_di(s, n, i, mlen);
        if (rank == ZK_RN_NONE)
            return rank;
        i = *mlen;
    } else if (c == '(' || c == 0xFF08) {
        int cn = 0, ar = 0;

        while (i < n) {
            c = zk__rdec(s, n, i, &l);
            if (cn_small(c) && ar == 0)
                cn++;
            else if (digit(c) >= 0 && cn == 0)
                ar++;
            else
                break;
            i += l;
        }
        if (i >= n || !((cn >= 1 && cn <= 3) || (ar >= 1 && ar <= 2)))
            return ZK_RN_NONE;
        c = zk__rdec(s, n, i, &l);
        if (c != ')' && c != 0xFF09)
            return ZK_RN_NONE;
        i += l;
        rank = cn ? ZK_RN_PCN : ZK_RN_PAR;
    } else if (digit(c) >= 0) {
        cnt = 1;
        while (i < n && digit(zk__rdec(s, n, i, &l)) >= 0 && cnt < 3) {
            i += l;
            cnt++;
        }
        if (cnt > 2 || i >= n)
            return ZK_RN_NONE;
        c = zk__rdec(s, n, i, &l);
        if (c != '.' && c != 0xFF0E && c != 0x3001)
            return ZK_RN_NONE;
        i += l;
        if (i < n && digit(zk__rdec(s, n, i, &l)) >= 0)
            return ZK_RN_NONE; /* 1.5 is a number, not a marker */
        rank = ZK_RN_AR;
    } else if (cn_small(c)) {
        cnt = 1;
        while (i < n && cn_small(zk__rdec(s, n, i, &l)) && cnt < 4) {
            i += l;
            cnt++;
        }
        if (cnt > 3 || i >= n)
            return ZK_RN_NONE;
        c = zk__rdec(s, n, i, &l);
        if (c != 0x3001 && c != 0xFF0E && c != '.')
            return ZK_RN_NONE;
        i += l;
        if (c == '.' && i < n && digit(zk__rdec(s, n, i, &l)) >= 0)
            return ZK_RN_NONE;
        rank = ZK_RN_CN;
    } else if (c >= 0x2460 && c <= 0x2473) {
        rank = ZK_RN_CIRCLE;
    } else if (c >= 0x2474 && c <= 0x2487) {
        rank = ZK_RN_PAR;
    } else {
        return ZK_RN_NONE;
    }
    *mlen = i;
    while (i < n) {
        c = zk__rdec(s, n, i, &l);
        if (!zk__rc_space(c) &&
            !(rank == ZK_RN_ARTICLE && (c == 0xFF1A || c == ':')))
            break;
        i += l;
    }
    *tstart = i;
    return rank;
}

/* ---- heading and metadata text ---------------------------------------- */

/* Append s[a..b) to out at *o, dropping the blanks of letter-spaced CJK
 * and turning other runs of blanks into one space. out has room for
 * b - a more bytes. */
static void collapse(const char *s, size_t a, size_t b, char *out, size_t *o)
{
    size_t i, l, j, run = 0;
    uint32_t c, prev = 0;

    zk__rtrim(s, &a, &b);
    i = a;
    while (i < b) {
        c = zk__rdec(s, b, i, &l);
        if (zk__rc_space(c)) {
            uint32_t next;
            size_t nl, k;
            int single = 0;

            for (j = i; j < b; j += k)
                if (!zk__rc_space(zk__rdec(s, b, j, &k)))
                    break;
            next = zk__rdec(s, b, j, &nl);
            if (zk__rc_cjk(prev) && zk__rc_cjk(next)) {
                /* a one-character word on either side: letter spacing */
                single = run == 1;
                if (j + nl >= b || zk__rc_space(zk__rdec(s, b, j + nl, &k)))
                    single = 1;
            }
            if (!single)
                out[(*o)++] = ' ';
            i = j;
            run = 0;
            continue;
        }
        if (!zk__rc_drop(c)) {
            memcpy(out + *o, s + i, l);
            *o += l;
        }
        prev = c;
        run++;
        i += l;
    }
}

/* Is c a mark that a heading or a label value does not end with? */
static int trailing_mark(uint32_t c)
{
    return c == 0x3002 || c == 0xFF1A || c == ':' || c == 0xFF0E || c == '.' ||
           c == 0xFF0C || c == ',' || c == 0xFF1B || c == ';' || c == 0x3001 ||
           zk__rc_space(c);
}

char *zk__rclean(const char *s, size_t n, int rank, size_t mlen, size_t tstart)
{
    char *out = malloc(n + 2);
    size_t o = 0, i, l;

    if (out == NULL) {
        zk__error_oom();
        return NULL;
    }
    if ((rank >= ZK_RN_PART && rank <= ZK_RN_SECTION) ||
        rank == ZK_RN_ARTICLE) {
        memcpy(out, s, mlen);
        o = mlen;
        if (tstart < n) {
            out[o++] = ' ';
            collapse(s, tstart, n, out, &o);
        }
    } else {
        collapse(s, 0, n, out, &o);
    }
    while (o > 0) {
        i = prev_char(out, o);
        if (!trailing_mark(zk__rdec(out, o, i, &l)) || i + l != o)
            break;
        o = i;
    }
    out[o] = '\0';
    return out;
}

/* ---- paragraphs ------------------------------------------------------- */

/* Is s[a..b) a table separator row such as |---|:--:|? */
static int sep_row(const char *s, size_t a, size_t b)
{
    size_t i;
    int dash = 0, bar = 0;

    for (i = a; i < b; i++) {
        if (s[i] == '-')
            dash = 1;
        else if (s[i] == '|')
            bar = 1;
        else if (s[i] != ':' && s[i] != ' ' && s[i] != '\t' && s[i] != '+')
            return 0;
    }
    return dash && bar;
}

/* Is s[a..b) a pipe-table row: starts with '|' and has another? */
static int pipe_row(const char *s, size_t a, size_t b)
{
    return a < b && s[a] == '|' && memchr(s + a + 1, '|', b - a - 1) != NULL;
}

typedef struct para_state {
    zk__rtext *out;
    const zk__rtext *raw;
    size_t mark, mout;
} para_state;

/* Copy raw bytes [a, b) to the output, translating the mark. */
static int copy(para_state *p, size_t a, size_t b)
{
    if (p->mout == SIZE_MAX && p->mark < b)
        p->mout = p->out->len + (p->mark > a ? p->mark - a : 0);
    return zk__rtext_append(p->out, p->raw, a, b);
}

static int sep(para_state *p, const char *text, size_t n, size_t at)
{
    if (p->out->len == 0)
        return ZK_OK;
    return zk__rtext_synth(p->out, text, n, zk__rtext_src(p->raw, at));
}

/* One table row: cells split at tabs (and at '|' in a pipe table). */
static int row(para_state *p, size_t a, size_t b, int pipe)
{
    const char *s = p->raw->s;
    size_t i, ca = a, x, y;
    int first = 1, rc;

    for (i = a; i <= b; i++) {
        if (i < b && s[i] != '\t' && !(pipe && s[i] == '|'))
            continue;
        x = ca;
        y = i;
        zk__rtrim(s, &x, &y);
        if (x < y) {
            rc = first ? sep(p, "\n", 1, x) : sep(p, " | ", 3, x);
            if (rc == ZK_OK)
                rc = copy(p, x, y);
            if (rc != ZK_OK)
                return rc;
            first = 0;
        }
        ca = i + 1;
    }
    return ZK_OK;
}

int zk__rpara(zk__rtext *out, const zk__rtext *raw, int *table, size_t *mark)
{
    const char *s = raw->s;
    size_t n = raw->len, p, e, a, b, l;
    int tab = 0, pipe = 0, rc = ZK_OK;
    uint32_t last = 0;
    para_state st;

    zk__rtext_clear(out);
    st.out = out;
    st.raw = raw;
    st.mark = mark != NULL ? *mark : SIZE_MAX;
    st.mout = SIZE_MAX;
    for (p = 0; p < n; p = e + 1) {
        const char *nl = memchr(s + p, '\n', n - p);

        e = nl != NULL ? (size_t)(nl - s) : n;
        a = p;
        b = e;
        zk__rtrim(s, &a, &b);
        if (a < b && memchr(s + a, '\t', b - a) != NULL)
            tab = 1;
        if (pipe_row(s, a, b) || sep_row(s, a, b))
            pipe = 1;
    }
    *table = tab || pipe;
    for (p = 0; p < n && rc == ZK_OK; p = e + 1) {
        const char *nl = memchr(s + p, '\n', n - p);

        e = nl != NULL ? (size_t)(nl - s) : n;
        a = p;
        b = e;
        zk__rtrim(s, &a, &b);
        if (a >= b)
            continue;
        if (*table) {
            if (pipe && sep_row(s, a, b))
                continue;
            if (memchr(s + a, '\t', b - a) != NULL ||
                (pipe && memchr(s + a, '|', b - a) != NULL)) {
                rc = row(&st, a, b, pipe);
                continue;
            }
            rc = sep(&st, "\n", 1, a);
        } else if (out->len > 0) {
            uint32_t first = zk__rdec(s, n, a, &l);

            if (!(zk__rc_cjk(last) && zk__rc_cjk(first)))
                rc = sep(&st, " ", 1, a);
        }
        if (rc == ZK_OK)
            rc = copy(&st, a, b);
        last = zk__rdec(s, b, prev_char(s, b), &l);
    }
    if (mark != NULL)
        *mark = st.mout == SIZE_MAX ? out->len : st.mout;
    return rc;
}
