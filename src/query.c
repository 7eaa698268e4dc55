/* query.c - parse zhiku's query language
 *
 * Items are separated by white space (ASCII or U+3000). An item is
 * [-][field:]value, where value is a run of non-space characters or a
 * quoted string ("…", “…” or 「…」, which may contain spaces). The word OR
 * between two items puts them in one group; groups must all match. Field
 * names are English or Chinese (title/标题, section/章节, year/年份,
 * path/路径, author/作者, org/单位, keyword/关键词, docno/文号); an unknown
 * "name:" is plain text, so "5:3" or "http://x" still search literally.
 * Values are normalised with zk_normalize(), as the index is.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zhiku/normalize.h"
#include "internal.h"
#include "query.h"

static const struct {
    const char *name;
    int field;
} fields[] = {
    {"title", ZK_QF_TITLE},     {"标题", ZK_QF_TITLE},
    {"section", ZK_QF_SECTION}, {"章节", ZK_QF_SECTION},
    {"year", ZK_QF_YEAR},       {"年份", ZK_QF_YEAR},
    {"path", ZK_QF_PATH},       {"路径", ZK_QF_PATH},
    {"author", ZK_QF_AUTHOR},   {"作者", ZK_QF_AUTHOR},
    {"org", ZK_QF_ORG},         {"单位", ZK_QF_ORG},
    {"keyword", ZK_QF_KEYWORD}, {"keywords", ZK_QF_KEYWORD},
    {"关键词", ZK_QF_KEYWORD},  {"docno", ZK_QF_DOCNO},
    {"文号", ZK_QF_DOCNO},
};

typedef struct parser {
    const unsigned char *s;
    size_t n, pos;
    size_t chars; /* character index of pos, for messages */
} parser;

static uint32_t peek(const parser *p, size_t *len)
{
    if (p->pos >= p->n) {
        *len = 0;
        return 0;
    }
    return zk__utf8_decode(p->s + p->pos, p->n - p->pos, len);
}

static void advance(parser *p, size_t len)
{
    p->pos += len;
    p->chars++;
}

static int is_sep(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f' || c == 0x3000 || (c < 0x20) || c == 0x7F;
}

/* The closing quote for an opening one, or 0. */
static uint32_t closing_quote(uint32_t c)
{
    switch (c) {
    case '"':
        return '"';
    case 0x201C: /* “ */
        return 0x201D;
    case 0x300C: /* 「 */
        return 0x300D;
    case 0x300E: /* 『 */
        return 0x300F;
    default:
        return 0;
    }
}

static int field_of(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strlen(fields[i].name) == n &&
            strncasecmp(fields[i].name, s, n) == 0)
            return fields[i].field;
    return -1;
}

static int parse_year(const char *v, int *lo, int *hi)
{
    char *end;
    const char *dots = strstr(v, "..");
    long a = 0, b = 9999;

    if (dots == NULL) {
        a = strtol(v, &end, 10);
        if (end == v || *end != '\0')
            return -1;
        b = a;
    } else {
        if (dots != v) {
            a = strtol(v, &end, 10);
            if (end != dots)
                return -1;
        }
        if (dots[2] != '\0') {
            b = strtol(dots + 2, &end, 10);
            if (*end != '\0')
                return -1;
        }
    }
    if (a < 0 || b > 9999 || a > b)
        return -1;
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

void zk__query_free(zk__query *q)
{
    size_t i;

    if (q == NULL)
        return;
    for (i = 0; i < q->n; i++) {
        free(q->items[i].raw);
        free(q->items[i].norm);
    }
    free(q->items);
    free(q);
}

static int fail(zk__query *q, int rc)
{
    zk__query_free(q);
    return rc;
}

int zk__query_parse(zk__query **out, const char *qs)
{
    parser p;
    zk__query *q;
    int pending_or = 0, rc;
    unsigned group = 0;

    *out = NULL;
    if (qs == NULL)
        return zk__error(ZK_EQUERY, "no query");
    p.s = (const unsigned char *)qs;
    p.n = strlen(qs);
    p.pos = 0;
    p.chars = 0;
    if (p.n > ZK_QUERY_MAX_BYTES)
        return zk__error(ZK_EQUERY, "query too long (%zu bytes; at most %d)",
                         p.n, ZK_QUERY_MAX_BYTES);
    q = calloc(1, sizeof(*q));
    if (q == NULL)
        return zk__error_oom();
    q->items = calloc(ZK_QUERY_MAX_ITEMS, sizeof(*q->items));
    if (q->items == NULL)
        return fail(q, zk__error_oom());
    for (;;) {
        size_t len, start_chars, vstart, vend;
        uint32_t c = peek(&p, &len), close;
        zk__qitem *it;
        int negated = 0, field = ZK_QF_TEXT, quoted = 0;
        zk_norm *nm = NULL;

        while (len > 0 && is_sep(c)) {
            advance(&p, len);
            c = peek(&p, &len);
        }
        if (len == 0)
            break;
        start_chars = p.chars;
        /* OR */
        if (p.n - p.pos >= 2 && memcmp(p.s + p.pos, "OR", 2) == 0 &&
            (p.pos + 2 == p.n || is_sep(p.s[p.pos + 2]))) {
            if (q->n == 0 || pending_or)
                return fail(q, zk__error(ZK_EQUERY,
                                         "OR at character %zu needs a term "
                                         "before it",
                                         start_chars + 1));
            if (q->items[q->n - 1].negated)
                return fail(q, zk__error(ZK_EQUERY,
                                         "an excluded term cannot be part "
                                         "of OR (character %zu)",
                                         start_chars + 1));
            pending_or = 1;
            advance(&p, 1);
            advance(&p, 1);
            continue;
        }
        if (q->n == ZK_QUERY_MAX_ITEMS)
            return fail(q, zk__error(ZK_EQUERY, "too many terms (at most %d)",
                                     ZK_QUERY_MAX_ITEMS));
        if (c == '-') {
            size_t l2;
            uint32_t c2;
            negated = 1;
            advance(&p, len);
            c2 = peek(&p, &l2);
            if (l2 == 0 || is_sep(c2))
                return fail(q, zk__error(ZK_EQUERY,
                                         "'-' at character %zu must be "
                                         "followed by a term",
                                         start_chars + 1));
            c = c2;
            len = l2;
        }
        /* field: — a known name followed by ':' (or full-width '：') */
        {
            size_t i = p.pos;
            while (i < p.n && i - p.pos < 32 && p.s[i] != ':' &&
                   !(p.s[i] == 0xEF && i + 2 < p.n && p.s[i + 1] == 0xBC &&
                     p.s[i + 2] == 0x9A) &&
                   !is_sep(p.s[i]))
                i++;
            if (i < p.n && i > p.pos) {
                int f = field_of((const char *)p.s + p.pos, i - p.pos);
                size_t colon = p.s[i] == ':' ? 1 : 3;
                if (f >= 0 && (p.s[i] == ':' || p.s[i] == 0xEF)) {
                    field = f;
                    while (p.pos < i + colon) {
                        size_t l3;
                        peek(&p, &l3);
                        advance(&p, l3 ? l3 : 1);
                    }
                    c = peek(&p, &len);
                    if (len == 0 || is_sep(c))
                        return fail(q, zk__error(ZK_EQUERY,
                                                 "empty value after the "
                                                 "field at character %zu",
                                                 start_chars + 1));
                }
            }
        }
        close = closing_quote(c);
        if (close != 0) {
            size_t qchars = p.chars;
            quoted = 1;
            advance(&p, len);
            vstart = p.pos;
            for (;;) {
                c = peek(&p, &len);
                if (len == 0)
                    return fail(q, zk__error(ZK_EQUERY,
                                             "unbalanced quote at character "
                                             "%zu",
                                             qchars + 1));
                if (c == close)
                    break;
                advance(&p, len);
            }
            vend = p.pos;
            advance(&p, len);
        } else {
            vstart = p.pos;
            while (len > 0 && !is_sep(c)) {
                advance(&p, len);
                c = peek(&p, &len);
            }
            vend = p.pos;
        }
        if (vend == vstart)
            return fail(q, zk__error(ZK_EQUERY, "empty term at character %zu",
                                     start_chars + 1));
        it = &q->items[q->n];
        it->field = field;
        it->negated = negated;
        it->quoted = quoted;
        it->raw = malloc(vend - vstart + 1);
        if (it->raw == NULL)
            return fail(q, zk__error_oom());
        memcpy(it->raw, p.s + vstart, vend - vstart);
        it->raw[vend - vstart] = '\0';
        q->n++;
        if (field == ZK_QF_YEAR) {
            if (parse_year(it->raw, &it->year_lo, &it->year_hi) != 0)
                return fail(q, zk__error(ZK_EQUERY,
                                         "bad year '%s' (want 2024, "
                                         "2020..2025, ..2020 or 2020..)",
                                         it->raw));
        } else {
            rc = zk_normalize(&nm, it->raw, vend - vstart);
            if (rc != ZK_OK)
                return fail(q, rc);
            it->norm = nm->text;
            it->norm_len = nm->len;
            it->norm_chars = nm->orig_char[nm->len];
            nm->text = NULL;
            zk_norm_free(nm);
        }
        if (pending_or && negated)
            return fail(q, zk__error(ZK_EQUERY,
                                     "an excluded term cannot be part of OR "
                                     "(character %zu)",
                                     start_chars + 1));
        it->group = pending_or ? group : ++group;
        pending_or = 0;
    }
    if (pending_or)
        return fail(q, zk__error(ZK_EQUERY, "OR at the end needs a term "
                                            "after it"));
    if (q->n == 0)
        return fail(q, zk__error(ZK_EQUERY, "empty query"));
    {
        size_t i;
        int positive = 0;
        for (i = 0; i < q->n; i++)
            positive |= !q->items[i].negated;
        if (!positive)
            return fail(q, zk__error(ZK_EQUERY,
                                     "the query only excludes: add a term "
                                     "to search for"));
    }
    q->n_groups = group;
    *out = q;
    return ZK_OK;
}
