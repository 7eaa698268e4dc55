/* report_meta.c - a report's metadata: front matter, labelled lines
 * (作者, 单位, 关键词, 摘要, 立项编号 ...), document numbers and dates
 *
 * Front matter wins; otherwise each field takes the first labelled line
 * that has a value. A label may be letter-spaced ("项 目 负 责 人 胡 明")
 * and may sit in 【】; a parenthesis after it ("项目负责人（签字）") is
 * skipped, and a label with no value is ignored, except 摘要 whose value
 * is then the next block. The date comes from the front matter, else from
 * the file name (a leading YYYY, YYYY-MM-DD, or a YYYY-MM-DD anywhere),
 * else from the first date in the opening lines of the text; a file name
 * that gives only a year is refined by a text date of that same year.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* Labels are matched only in a report's opening lines. */
#define META_LABEL_LINES 300
#define META_DATE_LINES 40
/* Longest author, organisation or document number value, in characters. */
#define META_SHORT_MAX 60

enum { F_AUTHOR, F_ORG, F_KEYWORDS, F_ABSTRACT, F_DOCNO, F_TITLE };

/* Longer labels first where one starts another (所在单位 before 单位). */
static const struct {
    const char *label;
    int field;
} labels[] = {
    {"项目负责人", F_AUTHOR}, {"课题负责人", F_AUTHOR},
    {"项目主持人", F_AUTHOR}, {"课题主持人", F_AUTHOR},
    {"课题组长", F_AUTHOR},   {"主持人", F_AUTHOR},
    {"执笔人", F_AUTHOR},     {"撰稿人", F_AUTHOR},
    {"撰稿", F_AUTHOR},       {"作者", F_AUTHOR},
    {"所在单位", F_ORG},      {"工作单位", F_ORG},
    {"作者单位", F_ORG},      {"承担单位", F_ORG},
    {"申报单位", F_ORG},      {"发布机关", F_ORG},
    {"发文机关", F_ORG},      {"发布部门", F_ORG},
    {"发布单位", F_ORG},      {"发文单位", F_ORG},
    {"制定机关", F_ORG},      {"单位", F_ORG},
    {"关键词", F_KEYWORDS},   {"关键字", F_KEYWORDS},
    {"主题词", F_KEYWORDS},   {"内容摘要", F_ABSTRACT},
    {"内容提要", F_ABSTRACT}, {"摘要", F_ABSTRACT},
    {"项目名称", F_TITLE},    {"课题名称", F_TITLE},
    {"成果名称", F_TITLE},    {"立项编号", F_DOCNO},
    {"项目编号", F_DOCNO},    {"课题编号", F_DOCNO},
    {"批准号", F_DOCNO},      {"发文字号", F_DOCNO},
    {"文号", F_DOCNO},
};

static char **field(zk__report *r, int f)
{
    switch (f) {
    case F_AUTHOR:
        return &r->author;
    case F_ORG:
        return &r->org;
    case F_KEYWORDS:
        return &r->keywords;
    case F_ABSTRACT:
        return &r->abstract;
    default:
        return &r->docno;
    }
}

static char *dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d == NULL) {
        zk__error_oom();
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static int is_sep(uint32_t c)
{
    return zk__rc_space(c) || c == 0xFF1A || c == ':' || c == '|' ||
           c == 0x3011 || c == ']';
}

/*
 * Does line s[0..n) start with `label`, letter-spaced or not? On a match
 * *value is where the value starts (it may be n: no value).
 */
static int match_label(const char *s, size_t n, const char *label,
                       size_t *value)
{
    size_t i = 0, j = 0, ln = strlen(label), l, k, seps = 0;
    uint32_t c;

    while (i < n && zk__rc_space(zk__rdec(s, n, i, &l)))
        i += l;
    if (i < n && (zk__rdec(s, n, i, &l) == 0x3010 || s[i] == '['))
        i += l; /* 【label】 */
    while (j < ln) {
        if (j > 0)
            while (i < n && zk__rc_space(zk__rdec(s, n, i, &l)))
                i += l;
        zk__rdec(label, ln, j, &k);
        if (i + k > n || memcmp(s + i, label + j, k) != 0)
            return 0;
        i += k;
        j += k;
    }
    if (i < n) {
        c = zk__rdec(s, n, i, &l);
        if (c == '(' || c == 0xFF08) { /* 项目负责人（签字） */
            size_t p = i + l, cnt = 0;

            while (p < n && cnt < 12) {
                c = zk__rdec(s, n, p, &l);
                p += l;
                cnt++;
                if (c == ')' || c == 0xFF09) {
                    i = p;
                    seps++;
                    break;
                }
            }
        }
    }
    while (i < n && is_sep(zk__rdec(s, n, i, &l))) {
        i += l;
        seps++;
    }
    if (seps == 0 && i < n)
        return 0; /* 作者简介 is not 作者 */
    *value = i;
    return 1;
}

/* Keywords split at 、，,；; (or blanks when there is none of those),
 * joined by 、. */
static char *keywords(const char *s, size_t n)
{
    char *out = malloc(n * 2 + 4), *clean;
    size_t i, l, a, o = 0, cn;
    int marks = 0;
    uint32_t c;

    if (out == NULL) {
        zk__error_oom();
        return NULL;
    }
    for (i = 0; i < n; i += l) {
        c = zk__rdec(s, n, i, &l);
        if (c == 0x3001 || c == 0xFF0C || c == ',' || c == 0xFF1B || c == ';')
            marks = 1;
    }
    for (i = a = 0; i <= n; i += l) {
        c = i < n ? zk__rdec(s, n, i, &l) : 0;
        if (i < n && !(c == 0x3001 || c == 0xFF0C || c == ',' || c == 0xFF1B ||
                       c == ';' || c == 0x3002 || (!marks && zk__rc_space(c))))
            continue;
        clean = zk__rclean(s + a, i - a, ZK_RN_NONE, 0, 0);
        if (clean == NULL) {
            free(out);
            return NULL;
        }
        cn = strlen(clean);
        if (cn > 0) {
            if (o > 0) {
                memcpy(out + o, "\xe3\x80\x81", 3); /* 、 */
                o += 3;
            }
            memcpy(out + o, clean, cn);
            o += cn;
        }
        free(clean);
        if (i >= n)
            break;
        a = i + l;
    }
    out[o] = '\0';
    return out;
}

/* Set field f from value s[0..n) unless it is set or the value empty. */
static int set_field(zk__report *r, int f, const char *s, size_t n)
{
    char **dst = field(r, f), *v;
    size_t a = 0, b = n;

    if (*dst != NULL)
        return ZK_OK;
    zk__rtrim(s, &a, &b);
    if (a == b)
        return ZK_OK;
    if (f == F_KEYWORDS)
        v = keywords(s + a, b - a);
    else if (f == F_ABSTRACT)
        v = dup(s + a, b - a); /* running text: kept as written */
    else
        v = zk__rclean(s + a, b - a, ZK_RN_NONE, 0, 0);
    if (v == NULL)
        return ZK_ENOMEM;
    if (v[0] == '\0' || (f != F_KEYWORDS && f != F_ABSTRACT &&
                         !zk__rshort(v, strlen(v), META_SHORT_MAX))) {
        free(v);
        return ZK_OK;
    }
    *dst = v;
    return ZK_OK;
}

/* ---- dates ------------------------------------------------------------ */

static int dig(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 0xFF10 && c <= 0xFF19)
        return (int)(c - 0xFF10);
    return -1;
}

/* 〇 一 … 九 as digits of a year written in Chinese */
static int cn_dig(uint32_t c)
{
    static const uint32_t d[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
                                 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
    int i;

    if (c == 0x96F6)
        return 0; /* 零 */
    for (i = 0; i < 10; i++)
        if (d[i] == c)
            return i;
    return -1;
}

/* Read a number of at most `max` digits at s[*i]; -1 if there is none. */
static int read_num(const char *s, size_t n, size_t *i, int max, int *cnt)
{
    size_t l;
    int v = 0, d;

    *cnt = 0;
    while (*i < n && *cnt < max + 1) {
        d = dig(zk__rdec(s, n, *i, &l));
        if (d < 0)
            break;
        v = v * 10 + d;
        *i += l;
        (*cnt)++;
    }
    return *cnt > 0 && *cnt <= max ? v : -1;
}

/* 一 … 三十一 as a month or day number; -1 if there is none. */
static int read_cn_small(const char *s, size_t n, size_t *i)
{
    size_t l, p = *i;
    int v = 0, tens = 0, d;
    uint32_t c;

    if (p < n && zk__rdec(s, n, p, &l) == 0x5341) { /* 十 */
        tens = 1;
        p += l;
    } else if (p < n && (d = cn_dig(zk__rdec(s, n, p, &l))) > 0) {
        p += l;
        v = d;
        if (p < n && zk__rdec(s, n, p, &l) == 0x5341) {
            tens = d;
            v = 0;
            p += l;
        } else {
            *i = p;
            return v;
        }
    } else {
        return -1;
    }
    v = tens * 10;
    if (p < n) {
        c = zk__rdec(s, n, p, &l);
        d = cn_dig(c);
        if (d > 0) {
            v += d;
            p += l;
        }
    }
    *i = p;
    return v;
}

static void skip_blank(const char *s, size_t n, size_t *i)
{
    size_t l;

    while (*i < n && zk__rc_space(zk__rdec(s, n, *i, &l)) &&
           zk__rdec(s, n, *i, &l) != '\n')
        *i += l;
}

static int expect(const char *s, size_t n, size_t *i, uint32_t want)
{
    size_t l;

    if (*i < n && zk__rdec(s, n, *i, &l) == want) {
        *i += l;
        return 1;
    }
    return 0;
}

/* Years a date found in running text may have; a file name or front
 * matter is trusted back to 1800 (the corpus has reports from 1921). */
#define TEXT_YEAR_MIN 1949
#define NAME_YEAR_MIN 1800
#define YEAR_MAX 2100

static int valid(int y, int m, int d)
{
    return y >= NAME_YEAR_MIN && y <= YEAR_MAX && m >= 0 && m <= 12 && d >= 0 &&
           d <= 31 && !(m == 0 && d > 0);
}

/* A date starting at s[i]: 2025 年 6 月 13 日, 2025年6月, 2024-03-05,
 * 2024/3/5, 2024.03.05 or 二〇二四年三月五日. Returns its precision
 * (2 month, 3 day) and sets *y *m *d, or 0. */
static int date_at(const char *s, size_t n, size_t i, int *y, int *m, int *d)
{
    size_t l, p = i;
    int cnt, yy = 0, mm, dd = 0, k;
    uint32_t c = zk__rdec(s, n, i, &l);

    if (cn_dig(c) >= 0) {
        for (k = 0; k < 4; k++) {
            int v = p < n ? cn_dig(zk__rdec(s, n, p, &l)) : -1;

            if (v < 0)
                return 0;
            yy = yy * 10 + v;
            p += l;
        }
        if (!expect(s, n, &p, 0x5E74)) /* 年 */
            return 0;
        mm = read_cn_small(s, n, &p);
        if (mm < 1 || !expect(s, n, &p, 0x6708)) /* 月 */
            return 0;
        k = 2;
        {
            size_t q = p;

            dd = read_cn_small(s, n, &q);
            if (dd >= 1 && expect(s, n, &q, 0x65E5)) /* 日 */
                k = 3;
            else
                dd = 0;
        }
    } else {
        yy = read_num(s, n, &p, 4, &cnt);
        if (cnt != 4)
            return 0;
        if (p < n && (s[p] == '-' || s[p] == '/' || s[p] == '.')) {
            char sepc = s[p++];

            mm = read_num(s, n, &p, 2, &cnt);
            if (mm < 1 || p >= n || s[p] != sepc)
                return 0;
            p++;
            dd = read_num(s, n, &p, 2, &cnt);
            if (dd < 1)
                return 0;
            k = 3;
        } else {
            skip_blank(s, n, &p);
            if (!expect(s, n, &p, 0x5E74))
                return 0;
            skip_blank(s, n, &p);
            mm = read_num(s, n, &p, 2, &cnt);
            if (mm < 1)
                return 0;
            skip_blank(s, n, &p);
            if (!expect(s, n, &p, 0x6708))
                return 0;
            k = 2;
            {
                size_t q = p;

                skip_blank(s, n, &q);
                dd = read_num(s, n, &q, 2, &cnt);
                skip_blank(s, n, &q);
                if (dd >= 1 && expect(s, n, &q, 0x65E5))
                    k = 3;
                else
                    dd = 0;
            }
        }
    }
    if (!valid(yy, mm, dd) || mm < 1 || (k == 3 && dd < 1))
        return 0;
    *y = yy;
    *m = mm;
    *d = dd;
    return k;
}

/* The first date in s[0..n) of year `ymin` or later; its precision or 0. */
static int find_date(const char *s, size_t n, int ymin, int *y, int *m, int *d)
{
    size_t i, l;
    int k, prev_digit = 0;
    uint32_t c;

    for (i = 0; i < n; i += l) {
        c = zk__rdec(s, n, i, &l);
        if ((dig(c) >= 0 && !prev_digit) || cn_dig(c) >= 0) {
            k = date_at(s, n, i, y, m, d);
            if (k > 0 && *y >= ymin)
                return k;
        }
        prev_digit = dig(c) >= 0;
    }
    return 0;
}

static char *format_date(int y, int m, int d, int prec)
{
    char buf[16];

    if (prec >= 3)
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
    else if (prec == 2)
        snprintf(buf, sizeof(buf), "%04d-%02d", y, m);
    else
        snprintf(buf, sizeof(buf), "%04d", y);
    return dup(buf, strlen(buf));
}

/* A date or a bare year in a front-matter value or a file name. */
static int value_date(const char *s, size_t n, int *y, int *m, int *d)
{
    size_t i;
    int k = find_date(s, n, NAME_YEAR_MIN, y, m, d);

    if (k > 0)
        return k;
    for (i = 0; i + 4 <= n; i++) {
        if ((i == 0 || dig((unsigned char)s[i - 1]) < 0) &&
            dig((unsigned char)s[i]) >= 0 &&
            dig((unsigned char)s[i + 1]) >= 0 &&
            dig((unsigned char)s[i + 2]) >= 0 &&
            dig((unsigned char)s[i + 3]) >= 0 &&
            (i + 4 == n || dig((unsigned char)s[i + 4]) < 0)) {
            *y = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
                 (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
            *m = *d = 0;
            if (valid(*y, 0, 0))
                return 1;
        }
    }
    return 0;
}

/* A date in a file name: leading YYYY[-MM-DD], or YYYY-MM-DD anywhere. */
static int name_date(const char *name, int *y, int *m, int *d)
{
    const char *base = name, *p;
    size_t n, i;
    int k;

    for (p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    n = strlen(base);
    if (n >= 4 && dig((unsigned char)base[0]) >= 0 &&
        dig((unsigned char)base[1]) >= 0 && dig((unsigned char)base[2]) >= 0 &&
        dig((unsigned char)base[3]) >= 0 &&
        (n == 4 || dig((unsigned char)base[4]) < 0)) {
        k = date_at(base, n, 0, y, m, d);
        if (k == 3)
            return k;
        *y = (base[0] - '0') * 1000 + (base[1] - '0') * 100 +
             (base[2] - '0') * 10 + (base[3] - '0');
        *m = *d = 0;
        if (valid(*y, 0, 0))
            return 1;
    }
    for (i = 0; i + 10 <= n; i++) {
        if (i > 0 && dig((unsigned char)base[i - 1]) >= 0)
            continue;
        k = date_at(base, n, i, y, m, d);
        if (k == 3)
            return k;
    }
    return 0;
}

/* ---- document numbers --------------------------------------------------- */

static int is_han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF);
}

/* 国发〔2018〕1号, 鲁政办字[2013]5号 or 国务院令第706号 in s[0..n):
 * sets [*a, *b) to it. */
static int find_docno(const char *s, size_t n, size_t *a, size_t *b)
{
    size_t i, l, p, k, start;
    uint32_t c, close;
    int cnt, han;

    for (i = 0; i < n; i += l) {
        c = zk__rdec(s, n, i, &l);
        p = i + l;
        if (c == 0x3014 || c == '[' || c == 0x3010 || c == 0xFF08 || c == '(') {
            read_num(s, n, &p, 4, &cnt);
            if (cnt != 4 || p >= n)
                continue;
            close = zk__rdec(s, n, p, &k);
            if (close != 0x3015 && close != ']' && close != 0x3011 &&
                close != 0xFF09 && close != ')')
                continue;
            p += k;
        } else if (c == 0x4EE4 && p < n &&
                   zk__rdec(s, n, p, &k) == 0x7B2C) { /* 令第 */
            p += k;
        } else {
            continue;
        }
        if (read_num(s, n, &p, 5, &cnt) < 0 || !expect(s, n, &p, 0x53F7))
            continue; /* no 号 */
        /* the issuer: the Han characters just before, at the start of
         * the line or after a blank ("2008年1月31日 国务院令第517号公布") */
        start = i;
        han = 0;
        while (start > 0 && han <= (c == 0x4EE4 ? 16 : 8)) {
            size_t q = start - 1;

            while (q > 0 && ((unsigned char)s[q] & 0xC0) == 0x80)
                q--;
            if (!is_han(zk__rdec(s, n, q, &k)))
                break;
            start = q;
            han++;
        }
        if (han > (c == 0x4EE4 ? 16 : 8) || (han == 0 && c != 0x4EE4))
            continue;
        if (start > 0) {
            size_t q = start - 1;

            while (q > 0 && ((unsigned char)s[q] & 0xC0) == 0x80)
                q--;
            if (!zk__rc_space(zk__rdec(s, n, q, &k)))
                continue;
        }
        *a = start;
        *b = p;
        return 1;
    }
    return 0;
}

/* Is s[0..n) just "第706号"? */
static int bare_number(const char *s, size_t n)
{
    size_t p = 0;
    int cnt;

    if (!expect(s, n, &p, 0x7B2C))
        return 0;
    read_num(s, n, &p, 5, &cnt);
    return cnt >= 1 && cnt <= 5 && expect(s, n, &p, 0x53F7) && p == n;
}

/* ---- front matter ------------------------------------------------------- */

/* Strip quotes and blanks around a YAML scalar. */
static void scalar(const char *s, size_t *a, size_t *b)
{
    zk__rtrim(s, a, b);
    if (*b - *a >= 2 && (s[*a] == '"' || s[*a] == '\'') && s[*b - 1] == s[*a]) {
        (*a)++;
        (*b)--;
    }
    if (*b - *a >= 2 && s[*a] == '[' && s[*b - 1] == ']') {
        (*a)++;
        (*b)--;
    }
}

static int key_is(const char *s, size_t n, const char *key)
{
    return strlen(key) == n && memcmp(s, key, n) == 0;
}

int zk__rmeta_front(zk__report *r, const char *s, size_t n, size_t *body)
{
    size_t i = 0, e, a, b, k, end = 0;
    int rc = ZK_OK, y, m, d, prec;
    char **dst;

    *body = 0;
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    if (n - i < 4 || memcmp(s + i, "---", 3) != 0)
        return ZK_OK;
    i += 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] == '\r')
        i++;
    if (i >= n || s[i] != '\n')
        return ZK_OK;
    i++;
    /* find the closing line; every line before it must look like YAML */
    for (e = i; e < n && e < 65536;) {
        const char *nl = memchr(s + e, '\n', n - e);
        size_t le = nl != NULL ? (size_t)(nl - s) : n, t = le;

        if (t > e && s[t - 1] == '\r')
            t--;
        while (t > e && (s[t - 1] == ' ' || s[t - 1] == '\t'))
            t--;
        if ((t - e == 3 &&
             (memcmp(s + e, "---", 3) == 0 || memcmp(s + e, "...", 3) == 0))) {
            end = nl != NULL ? le + 1 : n;
            break;
        }
        if (t > e && s[e] != ' ' && s[e] != '\t' && s[e] != '#' &&
            s[e] != '-') {
            for (k = e; k < t && s[k] != ':'; k++)
                if (!((s[k] >= 'a' && s[k] <= 'z') ||
                      (s[k] >= 'A' && s[k] <= 'Z') ||
                      (s[k] >= '0' && s[k] <= '9') || s[k] == '_' ||
                      s[k] == '-'))
                    return ZK_OK;
            if (k == t || k == e)
                return ZK_OK;
        }
        if (nl == NULL)
            return ZK_OK;
        e = le + 1;
    }
    if (end == 0)
        return ZK_OK;
    *body = end;
    for (e = i; e < end && rc == ZK_OK;) {
        const char *nl = memchr(s + e, '\n', end - e);
        size_t le = nl != NULL ? (size_t)(nl - s) : end;
        const char *colon = memchr(s + e, ':', le - e);

        if (colon != NULL && s[e] != ' ' && s[e] != '\t') {
            size_t kl = (size_t)(colon - (s + e));

            a = kl + e + 1;
            b = le;
            scalar(s, &a, &b);
            dst = NULL;
            if (key_is(s + e, kl, "title"))
                dst = &r->title;
            else if (key_is(s + e, kl, "author") ||
                     key_is(s + e, kl, "authors"))
                dst = &r->author;
            else if (key_is(s + e, kl, "org") ||
                     key_is(s + e, kl, "organization"))
                dst = &r->org;
            else if (key_is(s + e, kl, "abstract") ||
                     key_is(s + e, kl, "summary"))
                dst = &r->abstract;
            else if (key_is(s + e, kl, "docno"))
                dst = &r->docno;
            if (dst != NULL && *dst == NULL && a < b) {
                *dst = zk__rclean(s + a, b - a, ZK_RN_NONE, 0, 0);
                if (*dst == NULL)
                    rc = ZK_ENOMEM;
            } else if ((key_is(s + e, kl, "keywords") ||
                        key_is(s + e, kl, "tags")) &&
                       r->keywords == NULL && a < b) {
                r->keywords = keywords(s + a, b - a);
                if (r->keywords == NULL)
                    rc = ZK_ENOMEM;
            } else if ((key_is(s + e, kl, "date") ||
                        key_is(s + e, kl, "year")) &&
                       r->date == NULL) {
                prec = value_date(s + a, b - a, &y, &m, &d);
                if (prec > 0) {
                    r->date = format_date(y, m, d, prec);
                    r->year = y;
                    if (r->date == NULL)
                        rc = ZK_ENOMEM;
                }
            }
        }
        e = le + 1;
    }
    return rc;
}

/* ---- labelled lines ----------------------------------------------------- */

static int label_line(zk__rmeta *m, zk__report *r, const char *s, size_t n)
{
    size_t i, v, l, k;
    uint32_t c = 0;

    /* a quick no: the line does not start like any label */
    for (i = 0; i < n; i += l) {
        c = zk__rdec(s, n, i, &l);
        if (!zk__rc_space(c) && c != 0x3010 && c != '[')
            break;
    }
    for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
        if (zk__rdec(labels[k].label, strlen(labels[k].label), 0, &l) == c)
            break;
    if (k == sizeof(labels) / sizeof(labels[0]))
        return ZK_OK;

    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (!match_label(s, n, labels[i].label, &v))
            continue;
        if (v >= n) {
            if (labels[i].field == F_ABSTRACT && r->abstract == NULL)
                m->want_abstract = 1;
            return ZK_OK;
        }
        if (labels[i].field == F_TITLE) {
            /* a research form's 项目名称 names the work better than the
             * form's own heading: it becomes the title at the end */
            if (m->named_title == NULL) {
                size_t a = v, b = n;
                zk__rtrim(s, &a, &b);
                if (a < b) {
                    m->named_title = zk__rclean(s + a, b - a, ZK_RN_NONE, 0, 0);
                    if (m->named_title == NULL)
                        return ZK_ENOMEM;
                }
            }
            return ZK_OK;
        }
        return set_field(r, labels[i].field, s + v, n - v);
    }
    return ZK_OK;
}

int zk__rmeta_block(zk__rmeta *m, zk__report *r, const char *s, size_t n,
                    uint32_t line)
{
    size_t p, e, a, b;
    int rc = ZK_OK, y, mo, d, k;

    if (m->want_abstract) {
        m->want_abstract = 0;
        if (r->abstract == NULL)
            return set_field(r, F_ABSTRACT, s, n);
    }
    if (line > META_LABEL_LINES)
        return ZK_OK;
    for (p = 0; p < n && rc == ZK_OK; p = e + 1) {
        const char *nl = memchr(s + p, '\n', n - p);

        e = nl != NULL ? (size_t)(nl - s) : n;
        rc = label_line(m, r, s + p, e - p);
    }
    if (rc != ZK_OK || line > META_DATE_LINES)
        return rc;
    if (m->text_date == NULL) {
        k = find_date(s, n, TEXT_YEAR_MIN, &y, &mo, &d);
        if (k > 0) {
            m->text_date = format_date(y, mo, d, k);
            m->text_date_prec = k;
            if (m->text_date == NULL)
                return ZK_ENOMEM;
        }
    }
    a = 0;
    b = n;
    zk__rtrim(s, &a, &b);
    if (r->docno == NULL && m->prev != NULL &&
        bare_number(s + a, b - a)) { /* "…国务院令" then "第706号" */
        size_t pl = strlen(m->prev);
        char *v = malloc(pl + (b - a) + 1);

        if (v == NULL)
            return zk__error_oom();
        memcpy(v, m->prev, pl);
        memcpy(v + pl, s + a, b - a);
        v[pl + b - a] = '\0';
        r->docno = v;
    }
    if (r->docno == NULL && zk__rshort(s, n, ZK_HEADING_MAX) &&
        zk__rnum(s, n, &e, &p) != ZK_RN_ARTICLE && find_docno(s, n, &a, &b)) {
        r->docno = dup(s + a, b - a);
        if (r->docno == NULL)
            return ZK_ENOMEM;
    }
    free(m->prev);
    m->prev = NULL;
    a = 0;
    b = n;
    zk__rtrim(s, &a, &b);
    if (b - a >= 3 && b - a <= 90 &&
        memcmp(s + b - 3, "\xe4\xbb\xa4", 3) == 0) {
        m->prev = dup(s + a, b - a); /* ends with 令 */
        if (m->prev == NULL)
            return ZK_ENOMEM;
    }
    return ZK_OK;
}

int zk__rmeta_finish(zk__rmeta *m, zk__report *r, const char *filename)
{
    int y, mo, d, k;

    if (m->named_title != NULL && !m->front_title && m->named_title[0]) {
        free(r->title);
        r->title = m->named_title;
        m->named_title = NULL;
    }
    if (r->date != NULL)
        return ZK_OK;
    k = filename != NULL ? name_date(filename, &y, &mo, &d) : 0;
    if (k == 1 && m->text_date != NULL && m->text_date_prec >= 2 &&
        atoi(m->text_date) == y) {
        r->date = m->text_date; /* the text says which day of that year */
        m->text_date = NULL;
    } else if (k > 0) {
        r->date = format_date(y, mo, d, k);
    } else if (m->text_date != NULL) {
        r->date = m->text_date;
        m->text_date = NULL;
    } else {
        return ZK_OK;
    }
    if (r->date == NULL)
        return ZK_ENOMEM;
    r->year = atoi(r->date);
    return ZK_OK;
}

void zk__rmeta_free(zk__rmeta *m)
{
    free(m->text_date);
    free(m->prev);
    free(m->named_title);
    memset(m, 0, sizeof(*m));
}
