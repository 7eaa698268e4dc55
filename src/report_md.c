/* report_md.c - read a Markdown report through cmark's AST into blocks
 *
 * cmark parses the body with CMARK_OPT_SOURCEPOS and an iterator walks
 * the tree, so no nesting depth reaches the C stack. Top-level
 * paragraphs and headings become blocks of their own; everything inside
 * a list or block quote, however deep, is gathered into one block of
 * lines (ordered items keep their numbers). Inline markup is dropped and
 * its words kept: text and code spans, link text, image descriptions.
 * HTML tags and comments are removed, <br> is a line break.
 *
 * Every character is mapped back to the source. cmark gives each text
 * node a line and column; these are corrected for NUL bytes (which cmark
 * counts as the three bytes of U+FFFD) and re-anchored on the node's text
 * where cmark is a little off (lazy lines of a quote, an unmatched ```
 * run). The node's characters are then aligned with the source bytes
 * that follow, looking a few bytes ahead where an entity or an escape
 * makes them differ; blanks match only in place, so the alignment never
 * drifts to a later one. Every search is bounded, so the walk stays
 * linear on any input, and stays within the source lines of the block
 * being read, so that a character the source spells otherwise (中 for
 * &#20013;) is never matched in another block: it maps to where its
 * spelling starts.
 *
 * Out of memory: every allocation here is checked and freed on every
 * path, but cmark's own allocator aborts when memory runs out (its
 * cmark_mem interface has no way to report a failure).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "report_internal.h"

/* How far ahead of the expected spot a character is looked for: enough
 * to step over an entity (&nbsp;), an escape or a container prefix. */
#define MD_LOOKAHEAD 48
/* How far back, and how many bytes, anchor() compares. */
#define MD_LOOKBACK 32
#define MD_ANCHOR 16

typedef struct md {
    zk__rctx *c;
    const zk__rsrc *src;
    size_t body_line; /* source line of cmark's line 1 */
    zk__rtext raw;    /* the leaf block being read */
    zk__rtext para;   /* ... and as reading text */
    zk__rtext lines;  /* a code or HTML block's lines */
    zk__rtext cont;   /* the open top-level list or quote */
    int depth;        /* open lists and quotes */
    size_t cont_start;
    char prefix[32]; /* "3. " for the next line of an ordered item */
    size_t prefix_len, prefix_src;
    int lead_state; /* 0 nothing yet, 1 in an opening strong, 2 past it */
    size_t lead;
    cmark_node *title;
    size_t cursor; /* source offset after the last mapped character */
    size_t lo, hi; /* source lines of the leaf block being read */
    size_t *nul;   /* offsets of NUL bytes in the body, usually none */
    size_t n_nul;
} md;

/* Number of NUL bytes in the source before offset `off`. */
static size_t nuls_before(const md *m, size_t off)
{
    size_t lo = 0, hi = m->n_nul;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->nul[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Source offset of cmark's (line, column), or SIZE_MAX. cmark counts
 * columns after turning each NUL into the three bytes of U+FFFD, so two
 * columns come off for every NUL before the spot on its line (NULs of
 * later lines do not count, however far the column points). */
static size_t offset(const md *m, int line, int col)
{
    size_t l, base, end, at, k0, k;

    if (line < 1 || col < 1)
        return SIZE_MAX;
    l = m->body_line + (size_t)line - 1;
    if (l < 1 || l > m->src->n_lines)
        return SIZE_MAX;
    base = m->src->line[l - 1];
    end = l < m->src->n_lines ? m->src->line[l] : m->src->len;
    at = base + (size_t)col - 1;
    if (m->n_nul > 0) {
        k0 = nuls_before(m, base);
        for (;;) {
            size_t t;

            k = nuls_before(m, at < end ? at : end) - k0;
            t = base + (size_t)col - 1 -
                (2 * k < (size_t)col ? 2 * k : (size_t)col - 1);
            if (t >= at)
                break;
            at = t;
        }
    }
    return at <= m->src->len ? at : m->src->len;
}

static size_t node_start(const md *m, cmark_node *n)
{
    size_t o =
        offset(m, cmark_node_get_start_line(n), cmark_node_get_start_column(n));

    return o != SIZE_MAX ? o : m->cursor;
}

static size_t node_end(const md *m, cmark_node *n)
{
    size_t o =
        offset(m, cmark_node_get_end_line(n), cmark_node_get_end_column(n));

    if (o == SIZE_MAX)
        return m->cursor;
    return o < m->src->len ? o + 1 : m->src->len;
}

/* Confine the alignment to the source lines that `node` spans (by cmark's
 * line numbers: its columns can be 0 or off, its lines are right). */
static void set_bounds(md *m, cmark_node *node)
{
    const zk__rsrc *src = m->src;
    int first = cmark_node_get_start_line(node);
    int last = cmark_node_get_end_line(node);
    size_t a, b;

    m->lo = 0;
    m->hi = src->len;
    if (first < 1 || last < first)
        return;
    a = m->body_line + (size_t)first - 1;
    b = m->body_line + (size_t)last - 1;
    if (a < 1 || a > src->n_lines)
        return;
    m->lo = src->line[a - 1];
    if (b < src->n_lines)
        m->hi = src->line[b];
}

/* The first source byte the next character may map to: within the block's
 * lines, and not before what the block mapped so far (its text nodes come
 * in source order, so passages cut from it stay in reading order even where
 * cmark's positions are off). */
static size_t lowest(const md *m)
{
    size_t f = m->cursor > m->lo ? m->cursor : m->lo;

    return f < m->hi ? f : m->hi;
}

/*
 * Where does lit[0..n) start in the source, near `at`? cmark's columns
 * are sometimes a little off (after a NUL, on a lazy line of a quote, for
 * an unmatched ``` run), so when the text is not at `at`, the spot from
 * MD_LOOKBACK bytes before (but not before lowest()) to MD_LOOKAHEAD after
 * (but within the block) that shares the longest prefix with it wins, the
 * nearest on a tie.
 */
static size_t anchor(const md *m, const char *lit, size_t n, size_t at)
{
    const char *s = m->src->s;
    size_t len = m->src->len, want, k, j, best = at, best_len = 0, lo, hi,
           low = lowest(m);

    /* anchor on the first non-blank: blanks match anywhere */
    while (n > 0 && (*lit == ' ' || *lit == '\t' || *lit == '\n')) {
        lit++;
        n--;
    }
    want = n < MD_ANCHOR ? n : MD_ANCHOR;
    if (want == 0 || (at + want <= len && memcmp(s + at, lit, want) == 0))
        return at;
    lo = at > low + MD_LOOKBACK ? at - MD_LOOKBACK : low;
    hi = at + MD_LOOKAHEAD < m->hi ? at + MD_LOOKAHEAD : m->hi;
    for (k = lo; k < hi; k++) {
        for (j = 0; j < want && k + j < len && s[k + j] == lit[j]; j++)
            ;
        while (j > 0 && j < n && ((unsigned char)lit[j] & 0xC0) == 0x80)
            j--; /* whole characters only */
        if (j > best_len || (j == best_len && j > 0 &&
                             (k > at ? k - at : at - k) <
                                 (best > at ? best - at : at - best))) {
            best = k;
            best_len = j;
        }
    }
    return best_len > 0 ? best : at;
}

/*
 * Append lit[0..n) to t, aligning each character with the source from
 * `guess` on. With `html`, tags and comments are aligned but not kept.
 */
static int put(md *m, zk__rtext *t, const char *lit, size_t n, size_t guess,
               int html)
{
    const char *s = m->src->s;
    size_t len = m->src->len, cur, i, l, k, pos;
    int tag = 0, comment = 0, rc = ZK_OK;
    uint32_t c;

    cur = guess <= len ? guess : m->cursor;
    if (cur < lowest(m))
        cur = lowest(m);
    if (cur > m->hi)
        cur = m->hi;
    cur = anchor(m, lit, n, cur);
    if (!html && cur + n <= len && memcmp(s + cur, lit, n) == 0) {
        /* the usual case: the node's text is the source's, verbatim */
        for (i = 0; i < n; i += l)
            if (zk__rc_drop(zk__rdec(lit, n, i, &l)))
                break;
        if (i >= n) {
            if (cur + n > m->cursor)
                m->cursor = cur + n;
            return zk__rtext_put(t, lit, n, cur);
        }
    }
    for (i = 0; i < n && rc == ZK_OK; i += l) {
        c = zk__rdec(lit, n, i, &l);
        pos = SIZE_MAX;
        if (c == '\n' || c == ' ' || c == '\t' || c == 0xFFFD) {
            /* blanks are everywhere: match them here or nowhere, so the
             * alignment cannot jump to a later one. cmark gives \n for
             * \r and \r\n, U+FFFD for NUL, and may turn tabs to spaces. */
            if (cur < m->hi &&
                (s[cur] == lit[i] || (c == '\n' && s[cur] == '\r') ||
                 (c == ' ' && s[cur] == '\t') ||
                 (c == 0xFFFD && s[cur] == '\0'))) {
                pos = cur;
                cur += c == 0xFFFD && s[cur] == '\0' ? 1 : l;
                if (c == '\n' && s[pos] == '\r' && cur < len && s[cur] == '\n')
                    cur++;
            }
        } else {
            for (k = cur; k <= cur + MD_LOOKAHEAD && k + l <= m->hi; k++) {
                if (memcmp(s + k, lit + i, l) == 0) {
                    pos = k;
                    break;
                }
            }
            if (pos != SIZE_MAX)
                cur = pos + l;
        }
        if (html) {
            if (comment) {
                if (c == '>' && i >= 2 && lit[i - 1] == '-' &&
                    lit[i - 2] == '-')
                    comment = 0;
                continue;
            }
            if (tag) {
                tag = c != '>';
                continue;
            }
            if (c == '<' && n - i >= 4 && memcmp(lit + i, "<!--", 4) == 0) {
                comment = 1;
                continue;
            }
            if (c == '<' && i + 1 < n &&
                ((lit[i + 1] >= 'a' && lit[i + 1] <= 'z') ||
                 (lit[i + 1] >= 'A' && lit[i + 1] <= 'Z') ||
                 lit[i + 1] == '/' || lit[i + 1] == '!' || lit[i + 1] == '?')) {
                tag = 1;
                continue;
            }
        }
        if (zk__rc_drop(c))
            continue;
        if (pos != SIZE_MAX)
            rc = zk__rtext_put(t, lit + i, l, pos);
        else
            rc = zk__rtext_synth(t, lit + i, l, cur);
    }
    if (cur > m->cursor)
        m->cursor = cur;
    return rc;
}

/* Append the non-blank lines of `from` to `t`, one per line. */
static int add_lines(zk__rtext *t, const zk__rtext *from)
{
    const char *s = from->s;
    size_t p, e, a, b;
    int rc = ZK_OK;

    for (p = 0; p < from->len && rc == ZK_OK; p = e + 1) {
        const char *nl = memchr(s + p, '\n', from->len - p);

        e = nl != NULL ? (size_t)(nl - s) : from->len;
        a = p;
        b = e;
        zk__rtrim(s, &a, &b);
        if (a >= b)
            continue;
        if (t->len > 0)
            rc = zk__rtext_synth(t, "\n", 1, zk__rtext_src(from, a));
        if (rc == ZK_OK)
            rc = zk__rtext_append(t, from, a, b);
    }
    return rc;
}

/* Add reading text as one line of the open list or quote. */
static int cont_line(md *m, const zk__rtext *t)
{
    int rc = ZK_OK;

    if (t->len == 0)
        return ZK_OK;
    if (m->cont.len > 0)
        rc = zk__rtext_synth(&m->cont, "\n", 1, zk__rtext_src(t, 0));
    if (rc == ZK_OK && m->prefix_len > 0)
        rc = zk__rtext_synth(&m->cont, m->prefix, m->prefix_len, m->prefix_src);
    m->prefix_len = 0;
    if (rc == ZK_OK)
        rc = zk__rtext_append(&m->cont, t, 0, t->len);
    return rc;
}

static int leaf_end(md *m, cmark_node *node)
{
    zk__rblock b;
    size_t mark = m->lead;
    int table = 0, rc;

    rc = zk__rpara(&m->para, &m->raw, &table, m->lead > 0 ? &mark : NULL);
    if (rc != ZK_OK || m->para.len == 0)
        return rc;
    if (m->depth > 0)
        return cont_line(m, &m->para);
    memset(&b, 0, sizeof(b));
    if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
        b.kind = ZK_RB_HEADING;
        b.level = cmark_node_get_heading_level(node);
        b.title = node == m->title;
    } else {
        b.kind = ZK_RB_PARA;
        b.table = table;
        b.lead = m->lead > 0 ? mark : 0;
    }
    b.text = &m->para;
    b.start = node_start(m, node);
    b.end = node_end(m, node);
    return zk__rfeed(m->c, &b);
}

/* A code block (literal lines) or an HTML block (tags removed). */
static int literal_block(md *m, cmark_node *node, int html)
{
    const char *lit = cmark_node_get_literal(node), *nl, *s = m->src->s;
    size_t guess = node_start(m, node), n, first;
    zk__rblock b;
    int rc;

    if (lit == NULL)
        return ZK_OK;
    n = strlen(lit);
    /* An indented block's text starts where the node does; a fenced
     * one's on the line after the fence (cmark does not say which kind a
     * block is, so look). */
    nl = memchr(lit, '\n', n);
    first = nl != NULL ? (size_t)(nl - lit) : n;
    if (!html && guess + 3 <= m->src->len &&
        (s[guess] == '`' || s[guess] == '~') && s[guess + 1] == s[guess] &&
        s[guess + 2] == s[guess] &&
        (guess + first > m->src->len || memcmp(s + guess, lit, first) != 0)) {
        size_t o = offset(m, cmark_node_get_start_line(node) + 1, 1);

        if (o != SIZE_MAX)
            guess = o;
    }
    zk__rtext_clear(&m->raw);
    zk__rtext_clear(&m->lines);
    set_bounds(m, node);
    rc = put(m, &m->raw, lit, n, guess, html);
    if (rc == ZK_OK)
        rc = add_lines(&m->lines, &m->raw);
    if (rc != ZK_OK || m->lines.len == 0)
        return rc;
    if (m->depth > 0)
        return cont_line(m, &m->lines);
    memset(&b, 0, sizeof(b));
    b.kind = ZK_RB_LINES;
    b.text = &m->lines;
    b.start = node_start(m, node);
    b.end = node_end(m, node);
    return zk__rfeed(m->c, &b);
}

/* An ordered item's number: its list's start, or one past the item
 * before it (kept in the node's user data). */
static void item(md *m, cmark_node *node)
{
    cmark_node *list = cmark_node_parent(node), *prev;
    intptr_t num;

    m->prefix_len = 0;
    if (list == NULL || cmark_node_get_list_type(list) != CMARK_ORDERED_LIST)
        return;
    prev = cmark_node_previous(node);
    if (prev != NULL)
        num = (intptr_t)cmark_node_get_user_data(prev) + 1;
    else
        num = cmark_node_get_list_start(list);
    if (num < 0 || num > 999999999)
        num = 0;
    cmark_node_set_user_data(node, (void *)num);
    snprintf(m->prefix, sizeof(m->prefix), "%ld%c ", (long)num,
             cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM ? ')' : '.');
    m->prefix_len = strlen(m->prefix);
    m->prefix_src = node_start(m, node);
}

/* Words of a text or code node. */
static int words(md *m, const char *lit, size_t n, size_t guess)
{
    size_t i;

    if (m->lead_state == 0) {
        for (i = 0; i < n; i++)
            if (lit[i] != ' ' && lit[i] != '\t')
                m->lead_state = 2; /* words before any bold */
    }
    return put(m, &m->raw, lit, n, guess, 0);
}

/*
 * A text node. CommonMark does not take "**（一）提升。**2024年" as bold
 * (a closing ** after 。 must be followed by a blank or punctuation), so
 * cmark leaves the asterisks as text: runs of two or more are dropped
 * here and treated as the bold they were meant to be.
 */
static int inline_text(md *m, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    size_t n, i, a = 0, guess;
    int rc = ZK_OK;

    if (lit == NULL)
        return ZK_OK;
    n = strlen(lit);
    guess = offset(m, cmark_node_get_start_line(node),
                   cmark_node_get_start_column(node));
    if (cmark_node_get_type(node) == CMARK_NODE_CODE)
        return words(m, lit, n, guess);
    for (i = 0; i < n && rc == ZK_OK;) {
        size_t j = i;

        while (j < n && lit[j] == '*')
            j++;
        if (j - i < 2) {
            i = j > i ? j : i + 1;
            continue;
        }
        if (i > a)
            rc = words(m, lit + a, i - a,
                       guess == SIZE_MAX ? SIZE_MAX : guess + a);
        if (m->lead_state == 0) {
            m->lead_state = 1;
        } else if (m->lead_state == 1) {
            m->lead = m->raw.len;
            m->lead_state = 2;
        }
        a = i = j;
    }
    if (rc == ZK_OK && a < n)
        rc = words(m, lit + a, n - a, guess == SIZE_MAX ? SIZE_MAX : guess + a);
    return rc;
}

static int walk(md *m, cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    cmark_node *node;
    const char *lit;
    int rc = ZK_OK;

    if (it == NULL)
        return zk__error_oom();
    while (rc == ZK_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        node = cmark_iter_get_node(it);
        switch (cmark_node_get_type(node)) {
        case CMARK_NODE_BLOCK_QUOTE:
        case CMARK_NODE_LIST:
            if (ev == CMARK_EVENT_ENTER) {
                if (m->depth++ == 0) {
                    zk__rtext_clear(&m->cont);
                    m->cont_start = node_start(m, node);
                    m->prefix_len = 0;
                }
            } else if (--m->depth == 0 && m->cont.len > 0) {
                zk__rblock b;

                memset(&b, 0, sizeof(b));
                b.kind = ZK_RB_LINES;
                b.text = &m->cont;
                b.start = m->cont_start;
                b.end = node_end(m, node);
                rc = zk__rfeed(m->c, &b);
            }
            break;
        case CMARK_NODE_ITEM:
            if (ev == CMARK_EVENT_ENTER)
                item(m, node);
            break;
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
            if (ev == CMARK_EVENT_ENTER) {
                zk__rtext_clear(&m->raw);
                m->lead_state = 0;
                m->lead = 0;
                set_bounds(m, node);
            } else {
                rc = leaf_end(m, node);
            }
            break;
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            rc = inline_text(m, node);
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            rc = zk__rtext_synth(&m->raw, "\n", 1, m->cursor);
            if (m->lead_state == 0)
                m->lead_state = 2;
            break;
        case CMARK_NODE_HTML_INLINE:
            lit = cmark_node_get_literal(node);
            if (lit != NULL &&
                (strncmp(lit, "<br", 3) == 0 || strncmp(lit, "<BR", 3) == 0))
                rc = zk__rtext_synth(&m->raw, "\n", 1, m->cursor);
            break;
        case CMARK_NODE_STRONG:
            if (ev == CMARK_EVENT_ENTER && m->lead_state == 0) {
                m->lead_state = 1;
            } else if (ev == CMARK_EVENT_EXIT && m->lead_state == 1) {
                m->lead = m->raw.len;
                m->lead_state = 2;
            }
            break;
        case CMARK_NODE_CODE_BLOCK:
            rc = literal_block(m, node, 0);
            break;
        case CMARK_NODE_HTML_BLOCK:
            rc = literal_block(m, node, 1);
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    return rc;
}

int zk__rmd_read(zk__rctx *c, const zk__rsrc *src, size_t body,
                 size_t body_line)
{
    cmark_node *doc, *n;
    const char *p;
    md m;
    int h1 = 0, rc;

    memset(&m, 0, sizeof(m));
    m.c = c;
    m.src = src;
    m.body_line = body_line;
    m.cursor = m.lo = body;
    m.hi = src->len;
    for (p = memchr(src->s + body, '\0', src->len - body); p != NULL;
         p = memchr(p + 1, '\0', (size_t)(src->s + src->len - p - 1))) {
        size_t *q = realloc(m.nul, (m.n_nul + 1) * sizeof(size_t));

        if (q == NULL) {
            free(m.nul);
            return zk__error_oom();
        }
        m.nul = q;
        m.nul[m.n_nul++] = (size_t)(p - src->s);
    }
    doc = cmark_parse_document(src->s + body, src->len - body,
                               CMARK_OPT_SOURCEPOS);
    if (doc == NULL) {
        free(m.nul);
        return zk__error_oom();
    }
    /* the only top-level H1 is the title, not a trail entry */
    for (n = cmark_node_first_child(doc); n != NULL; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
            cmark_node_get_heading_level(n) == 1) {
            h1++;
            m.title = n;
        }
    }
    if (h1 != 1)
        m.title = NULL;
    rc = walk(&m, doc);
    cmark_node_free(doc);
    zk__rtext_free(&m.raw);
    zk__rtext_free(&m.para);
    zk__rtext_free(&m.lines);
    zk__rtext_free(&m.cont);
    free(m.nul);
    return rc;
}
