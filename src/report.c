/* report.c - parse a report (Markdown or plain text) into metadata and
 * passages, each with the trail of headings it sits under
 *
 * Design. A reader turns the input into blocks: report_md.c walks cmark's
 * AST for Markdown, and plain text gives one paragraph per non-blank
 * line. Every block carries reading text (markup gone, table cells
 * joined by " | ") with a map back to source bytes (report_text.c). This
 * file decides which blocks are headings, keeps the heading stack, and
 * cuts the rest into passages.
 *
 * Headings. A Markdown heading is always one. A paragraph is one when it
 * starts with Chinese numbering; ranks, outermost first: 第X编/篇/部分 >
 * 第X章 > 第X节 > 一、 > （一） > 1. 1、 1． > （1） > ①. Such a paragraph is a
 * heading when it is a short line (at most ZK_HEADING_MAX characters, no
 * sentence end before its last character, not ending in ；，、), or when
 * its numbering is bold and followed by text ("**（一）产业能级还需聚力提升。**
 * 2024年…": the bold part is the heading, the rest a passage), or, for the
 * ranks down to （一）, when it runs in: "（一）大力推进…，加快发展新质生产力。
 * 充分发挥…" has the heading up to the first 。！？；： if that lead is
 * short, and the rest is a passage. A long 1. or （1） paragraph stays a
 * passage that starts with its number: those ranks are set in body type
 * in official documents (GB/T 9704) and read as list items.
 *
 * Nesting. A numbered heading closes numbered headings of the same or a
 * deeper rank; an unnumbered Markdown heading of level L closes Markdown
 * headings of level >= L and every numbered heading that came from a
 * paragraph. A numbered Markdown heading takes its numbering's rank, and
 * also closes unnumbered Markdown headings of its level or deeper, so in
 * the seed paper "## （二）" closes "#### （一）" but stays under
 * "### 三、". The document's only H1 is its title and no trail entry.
 *
 * Law articles. A paragraph starting "第X条 " opens an article: it and the
 * paragraphs after it ((一)… items, 前款… sentences) are one passage unit,
 * until the next article or a heading. Articles never merge with one
 * another, however short.
 *
 * Passages. A paragraph, list, quote, table or article up to
 * ZK_PASSAGE_MAX characters is one passage. A longer one is cut at
 * sentence ends (。！？； ! ? ; and line breaks) into windows near the length
 * that splits it evenly around ZK_PASSAGE_TARGET; a sentence longer than
 * ZK_PASSAGE_MAX is cut at its last clause mark (，、：) past half of it,
 * else after ZK_PASSAGE_MAX characters, and then the next piece starts
 * ZK_PASSAGE_OVERLAP characters earlier (so that a term across such a cut
 * is still whole in one passage). A piece shorter than
 * ZK_PASSAGE_MIN joins a neighbour under the same heading when the two
 * fit in ZK_PASSAGE_MAX: the window before it from the same paragraph,
 * else preferably the next one. A heading with nothing under it becomes a
 * passage itself, so every word of the body is in some passage's text.
 * Everything here is linear in the input and uses no recursion.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "report_internal.h"

typedef struct rhead {
    char *text;     /* as shown in the trail */
    zk__rtext orig; /* as read, should it become a passage */
    int level;      /* Markdown level; 0 for a numbered paragraph */
    int rank;       /* numbering rank, ZK_RN_NONE when unnumbered */
    uint32_t id;    /* section id */
} rhead;

/* A piece of a passage, waiting for its neighbours. */
typedef struct rwin {
    char *text;
    size_t len, chars, start, end;
    uint32_t unit, article;
} rwin;

struct zk__rctx {
    zk__rsrc src;
    size_t body_line;
    zk__report *r;
    size_t cap_passages;
    zk__rmeta meta;
    char *first_line; /* title when there is no other */

    rhead *stack;
    size_t depth, cap_stack;
    size_t covered; /* stack[0..covered) have a passage under them */
    uint32_t next_id;

    zk__rtext unit; /* an open law article */
    int unit_open;
    uint32_t unit_id, unit_article, next_unit, next_article;

    rwin *wins; /* the current section's pieces */
    size_t n_wins, cap_wins;
    uint32_t wins_id, wins_depth;
    char *wins_trail;

    zk__rtext raw, para; /* plain-text reader */
};

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

uint32_t zk__rsrc_line(const zk__rsrc *src, size_t off)
{
    size_t lo = 0, hi = src->n_lines;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (src->line[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(lo + 1);
}

static int add_line(zk__rsrc *src, size_t *cap, size_t at)
{
    void *p = zk__rgrow(src->line, cap, src->n_lines + 1, sizeof(size_t));

    if (p == NULL)
        return zk__error_oom();
    src->line = p;
    src->line[src->n_lines++] = at;
    return ZK_OK;
}

/* Line starts, with \n, \r\n and \r as line ends (as cmark has them). */
static int line_table(zk__rsrc *src)
{
    const char *s = src->s, *nl;
    size_t i, n = src->len, cap = 0;
    int rc = add_line(src, &cap, 0);

    if (memchr(s, '\r', n) == NULL) {
        for (i = 0; rc == ZK_OK && i < n; i = (size_t)(nl - s) + 1) {
            nl = memchr(s + i, '\n', n - i);
            if (nl == NULL || (size_t)(nl - s) + 1 >= n)
                break;
            rc = add_line(src, &cap, (size_t)(nl - s) + 1);
        }
        return rc;
    }
    for (i = 0; rc == ZK_OK && i < n; i++) {
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
            i++;
        if ((s[i] == '\n' || s[i] == '\r') && i + 1 < n)
            rc = add_line(src, &cap, i + 1);
    }
    return rc;
}

/* ---- trails and passages ------------------------------------------------ */

static char *trail(const zk__rctx *c)
{
    size_t i, n = 1, o = 0, l;
    char *t;

    for (i = 0; i < c->depth; i++)
        n += strlen(c->stack[i].text) + 3;
    t = malloc(n);
    if (t == NULL) {
        zk__error_oom();
        return NULL;
    }
    for (i = 0; i < c->depth; i++) {
        if (i > 0) {
            memcpy(t + o, " > ", 3);
            o += 3;
        }
        l = strlen(c->stack[i].text);
        memcpy(t + o, c->stack[i].text, l);
        o += l;
    }
    t[o] = '\0';
    return t;
}

/* Emit windows [a, b) of the section as one passage. */
static int emit(zk__rctx *c, size_t a, size_t b)
{
    zk__report *r = c->r;
    zk__passage *p;
    size_t i, n = 0, o = 0, start = SIZE_MAX, end = 0;
    void *q;

    q = zk__rgrow(r->passages, &c->cap_passages, r->n_passages + 1,
                  sizeof(zk__passage));
    if (q == NULL)
        return zk__error_oom();
    r->passages = q;
    p = &r->passages[r->n_passages];
    memset(p, 0, sizeof(*p));
    for (i = a; i < b; i++)
        n += c->wins[i].len + 1;
    p->trail = dup(c->wins_trail, strlen(c->wins_trail));
    if (p->trail == NULL)
        return ZK_ENOMEM;
    if (b - a == 1) { /* one piece: hand its text over */
        p->text = c->wins[a].text;
        c->wins[a].text = NULL;
    } else {
        p->text = malloc(n);
        if (p->text == NULL) {
            free(p->trail);
            return zk__error_oom();
        }
    }
    for (i = a; i < b; i++) {
        const rwin *w = &c->wins[i];

        if (i > a) {
            p->text[o++] = '\n';
            memcpy(p->text + o, w->text, w->len);
        } else if (b - a > 1) {
            memcpy(p->text, w->text, w->len);
        }
        o += w->len;
        if (w->start < start)
            start = w->start;
        if (w->end > end)
            end = w->end;
    }
    p->text[o] = '\0';
    p->text_len = o;
    p->ordinal = (uint32_t)r->n_passages;
    p->start = start;
    p->end = end > start ? end : start;
    p->line = zk__rsrc_line(&c->src, start);
    p->depth = c->wins_depth;
    r->n_passages++;
    return ZK_OK;
}

static int articles_fit(uint32_t a, uint32_t b)
{
    return a == 0 || b == 0 || a == b;
}

/* Emit the section's pieces, joining the short ones to a neighbour. */
static int flush(zk__rctx *c)
{
    size_t i = 0, j, chars;
    uint32_t art;
    int rc = ZK_OK;

    while (i < c->n_wins && rc == ZK_OK) {
        chars = c->wins[i].chars;
        art = c->wins[i].article;
        for (j = i + 1; j < c->n_wins; j++) {
            const rwin *nx = &c->wins[j];

            if (chars + 1 + nx->chars > ZK_PASSAGE_MAX ||
                !articles_fit(art, nx->article))
                break;
            if (chars >= ZK_PASSAGE_MIN) {
                if (nx->chars >= ZK_PASSAGE_MIN)
                    break;
                /* a short piece of another paragraph may rather lead
                 * into the one after it */
                if (nx->unit != c->wins[j - 1].unit && j + 1 < c->n_wins &&
                    nx->chars + 1 + c->wins[j + 1].chars <= ZK_PASSAGE_MAX &&
                    articles_fit(nx->article, c->wins[j + 1].article))
                    break;
            }
            chars += 1 + nx->chars;
            if (nx->article != 0)
                art = nx->article;
        }
        rc = emit(c, i, j);
        i = j;
    }
    for (i = 0; i < c->n_wins; i++)
        free(c->wins[i].text);
    c->n_wins = 0;
    free(c->wins_trail);
    c->wins_trail = NULL;
    return rc;
}

/* Add u[a, b) as a piece of the current section. */
static int add_win(zk__rctx *c, const zk__rtext *u, size_t a, size_t b,
                   uint32_t unit, uint32_t article)
{
    uint32_t sec = c->depth > 0 ? c->stack[c->depth - 1].id : 0;
    rwin *w;
    void *p;
    int rc;

    zk__rtrim(u->s, &a, &b);
    if (a >= b)
        return ZK_OK;
    if (c->n_wins > 0 && c->wins_id != sec) {
        rc = flush(c);
        if (rc != ZK_OK)
            return rc;
    }
    if (c->n_wins == 0) {
        c->wins_trail = trail(c);
        if (c->wins_trail == NULL)
            return ZK_ENOMEM;
        c->wins_id = sec;
        c->wins_depth = (uint32_t)c->depth;
    }
    p = zk__rgrow(c->wins, &c->cap_wins, c->n_wins + 1, sizeof(rwin));
    if (p == NULL)
        return zk__error_oom();
    c->wins = p;
    w = &c->wins[c->n_wins];
    w->text = dup(u->s + a, b - a);
    if (w->text == NULL)
        return ZK_ENOMEM;
    w->len = b - a;
    w->chars = zk__rchars(w->text, w->len);
    w->start = zk__rtext_src(u, a);
    w->end = zk__rtext_src_end(u, b);
    /* a piece made only of characters the source spells otherwise (an
     * entity) maps to a point: widen it to one source character */
    if (w->start >= c->src.len)
        w->start = c->src.len > 0 ? c->src.len - 1 : 0;
    while (w->start > 0 && ((unsigned char)c->src.s[w->start] & 0xC0) == 0x80)
        w->start--;
    if (w->end > c->src.len)
        w->end = c->src.len;
    if (w->end <= w->start) {
        size_t l = 1;

        if (w->start < c->src.len)
            zk__rdec(c->src.s, c->src.len, w->start, &l);
        w->end = w->start + l <= c->src.len ? w->start + l : c->src.len;
    }
    w->unit = unit;
    w->article = article;
    c->n_wins++;
    c->covered = c->depth;
    return ZK_OK;
}

static size_t dist(size_t a, size_t b)
{
    return a > b ? a - b : b - a;
}

/* Cut u[a, b) into pieces at sentence ends (see the design note). */
static int window(zk__rctx *c, const zk__rtext *u, size_t a, size_t b,
                  uint32_t unit, uint32_t article)
{
    const char *s = u->s;
    size_t total, rem, pos, i, l, cnt, best, bestc, clause, clausec, cut, cutc,
        k, goal;
    int pending, rc;
    uint32_t ch;

    zk__rtrim(s, &a, &b);
    if (a >= b)
        return ZK_OK;
    total = zk__rchars(s + a, b - a);
    if (total <= ZK_PASSAGE_MAX)
        return add_win(c, u, a, b, unit, article);
    for (pos = a, rem = total; pos < b; pos = cut) {
        k = (rem + ZK_PASSAGE_TARGET / 2) / ZK_PASSAGE_TARGET;
        if (k <= 1 && rem <= ZK_PASSAGE_MAX)
            return add_win(c, u, pos, b, unit, article);
        goal = rem / (k > 0 ? k : 1);
        i = pos;
        cnt = best = bestc = clause = clausec = 0;
        pending = 0;
        for (;;) {
            int at_cut = 0;

            if (cnt > 0 && i >= b) {
                at_cut = 1;
            } else if (cnt > 0) {
                ch = zk__rdec(s, b, i, &l);
                at_cut = ch == '\n' || (pending && !zk__rc_closer(ch));
            }
            if (at_cut) {
                pending = 0;
                if (cnt >= ZK_PASSAGE_MIN &&
                    (best == 0 || dist(cnt, goal) < dist(bestc, goal))) {
                    best = i;
                    bestc = cnt;
                }
            }
            if (i >= b || cnt >= ZK_PASSAGE_MAX || (best && bestc >= goal))
                break;
            ch = zk__rdec(s, b, i, &l);
            i += l;
            cnt++;
            if (zk__rc_stop(ch))
                pending = 1;
            else if (!pending && zk__rc_clause(ch) &&
                     cnt >= ZK_PASSAGE_MAX / 2) {
                clause = i;
                clausec = cnt;
            }
        }
        if (best) {
            cut = best;
            cutc = bestc;
        } else if (clause) {
            cut = clause;
            cutc = clausec;
        } else {
            cut = i; /* one sentence longer than the maximum */
            cutc = cnt;
        }
        rc = add_win(c, u, pos, cut, unit, article);
        if (rc != ZK_OK)
            return rc;
        if (!best && !clause && cut < b) {
            /* a cut inside a word run: the next window repeats the last
             * ZK_PASSAGE_OVERLAP characters, so that a term of up to that
             * length across the cut is still inside one passage */
            size_t back = cut, n = 0;
            while (n < ZK_PASSAGE_OVERLAP && back > pos + 1) {
                back--;
                if (((unsigned char)s[back] & 0xC0) != 0x80)
                    n++;
            }
            cut = back;
            cutc -= n;
        }
        /* a cut before or inside the " | " between table cells: the next
         * piece starts with the next cell, not with the separator */
        while (cut < b && (s[cut] == ' ' || s[cut] == '|') &&
               zk__rtext_is_synth(u, cut)) {
            cut++;
            cutc++;
        }
        rem = rem > cutc ? rem - cutc : 0;
    }
    return ZK_OK;
}

/* ---- units: a law article and what follows it --------------------------- */

static int unit_end(zk__rctx *c)
{
    if (!c->unit_open)
        return ZK_OK;
    c->unit_open = 0;
    return window(c, &c->unit, 0, c->unit.len, c->unit_id, c->unit_article);
}

static int unit_add(zk__rctx *c, const zk__rtext *t)
{
    int rc = ZK_OK;

    if (c->unit.len > 0)
        rc = zk__rtext_synth(&c->unit, "\n", 1, zk__rtext_src(t, 0));
    if (rc == ZK_OK)
        rc = zk__rtext_append(&c->unit, t, 0, t->len);
    return rc;
}

static int article_begin(zk__rctx *c, const zk__rtext *t)
{
    int rc = unit_end(c);

    if (rc != ZK_OK)
        return rc;
    zk__rtext_clear(&c->unit);
    c->unit_open = 1;
    c->unit_id = ++c->next_unit;
    c->unit_article = ++c->next_article;
    return unit_add(c, t);
}

/* ---- the heading stack -------------------------------------------------- */

static int pop(zk__rctx *c)
{
    rhead h = c->stack[--c->depth];
    int rc = ZK_OK;

    if (c->depth >= c->covered) /* nothing under it: it is text itself */
        rc = window(c, &h.orig, 0, h.orig.len, ++c->next_unit, 0);
    if (c->covered > c->depth)
        c->covered = c->depth;
    free(h.text);
    zk__rtext_free(&h.orig);
    return rc;
}

/* Push t[0..n) as a heading (see "Nesting" in the design note). */
static int push(zk__rctx *c, const zk__rtext *t, size_t n, int level, int rank,
                size_t mlen, size_t tstart)
{
    rhead *h;
    void *p;
    int rc = unit_end(c);

    while (rc == ZK_OK && c->depth > 0) {
        const rhead *top = &c->stack[c->depth - 1];
        int close;

        if (rank != ZK_RN_NONE)
            close =
                (top->rank != ZK_RN_NONE && top->rank >= rank) ||
                (top->rank == ZK_RN_NONE && level > 0 && top->level >= level);
        else
            close = !(top->level > 0 && top->level < level);
        if (!close)
            break;
        rc = pop(c);
    }
    if (rc != ZK_OK)
        return rc;
    p = zk__rgrow(c->stack, &c->cap_stack, c->depth + 1, sizeof(rhead));
    if (p == NULL)
        return zk__error_oom();
    c->stack = p;
    h = &c->stack[c->depth];
    memset(h, 0, sizeof(*h));
    h->text = zk__rclean(t->s, n, rank, mlen, tstart);
    if (h->text == NULL)
        return ZK_ENOMEM;
    rc = zk__rtext_append(&h->orig, t, 0, n);
    if (rc != ZK_OK) {
        free(h->text);
        zk__rtext_free(&h->orig);
        return rc;
    }
    h->level = level;
    h->rank = rank;
    h->id = ++c->next_id;
    c->depth++;
    return ZK_OK;
}

/* ---- paragraphs --------------------------------------------------------- */

/* A short numbered line is a heading unless a sentence ends inside it or
 * it ends like a list item (；，、). */
static int heading_line(const char *s, size_t n)
{
    size_t i, l, end = n, a = 0;
    uint32_t c, last = 0;

    zk__rtrim(s, &a, &end);
    for (i = a; i < end; i += l) {
        c = zk__rdec(s, end, i, &l);
        if (zk__rc_stop(c)) {
            size_t j = i + l, k;

            while (j < end && zk__rc_closer(zk__rdec(s, end, j, &k)))
                j += k;
            if (j < end)
                return 0; /* a sentence ends inside */
        }
        last = c;
    }
    return !(last == 0xFF1B || last == ';' || last == 0xFF0C || last == ',' ||
             last == 0x3001);
}

/* Skip the marks and blanks that follow a heading lead. */
static size_t after_lead(const char *s, size_t n, size_t i)
{
    size_t l;
    uint32_t c;

    while (i < n) {
        c = zk__rdec(s, n, i, &l);
        if (!zk__rc_space(c) && !zk__rc_stop(c) && !zk__rc_closer(c) &&
            c != 0xFF1A && c != ':' && c != 0xFF0E && c != '.')
            break;
        i += l;
    }
    return i;
}

static int paragraph(zk__rctx *c, const zk__rblock *b, int rank, size_t mlen,
                     size_t tstart)
{
    const zk__rtext *t = b->text;
    const char *s = t->s;
    size_t n = t->len, i, l, lead;
    uint32_t ch;
    int rc;

    if (rank != ZK_RN_NONE && rank != ZK_RN_ARTICLE && tstart < n) {
        /* **（一）产业能级还需聚力提升。**2024年… */
        if (b->lead > tstart && b->lead < n &&
            zk__rshort(s, b->lead, ZK_HEADING_MAX)) {
            rc = push(c, t, b->lead, 0, rank, mlen, tstart);
            if (rc == ZK_OK)
                rc = window(c, t, after_lead(s, n, b->lead), n, ++c->next_unit,
                            0);
            return rc;
        }
        if (zk__rshort(s, n, ZK_HEADING_MAX) && heading_line(s, n))
            return push(c, t, n, 0, rank, mlen, tstart);
        if (rank <= ZK_RN_PCN) { /* a run-in heading */
            for (i = tstart; i < n; i += l) {
                ch = zk__rdec(s, n, i, &l);
                if (zk__rc_stop(ch) || ch == 0xFF1A || ch == ':')
                    break;
            }
            lead = i;
            i = after_lead(s, n, lead);
            if (lead < n && i < n && zk__rshort(s, lead, ZK_HEADING_MAX)) {
                rc = push(c, t, lead, 0, rank, mlen, tstart);
                if (rc == ZK_OK)
                    rc = window(c, t, i, n, ++c->next_unit, 0);
                return rc;
            }
        }
        /* a numbered item that is no heading is still a sibling of the
         * headings of its rank: "7.李强…；" closes "6.央视快评：" */
        while (c->depth > 0 && c->stack[c->depth - 1].rank != ZK_RN_NONE &&
               c->stack[c->depth - 1].rank >= rank) {
            rc = pop(c);
            if (rc != ZK_OK)
                return rc;
        }
    }
    return window(c, t, 0, n, ++c->next_unit, 0);
}

static int first_line(zk__rctx *c, const zk__rtext *t)
{
    const char *nl;
    size_t n;

    if (c->first_line != NULL || t->len == 0)
        return ZK_OK;
    nl = memchr(t->s, '\n', t->len);
    n = nl != NULL ? (size_t)(nl - t->s) : t->len;
    c->first_line = zk__rclean(t->s, n, ZK_RN_NONE, 0, 0);
    if (c->first_line == NULL)
        return ZK_ENOMEM;
    if (c->first_line[0] == '\0') {
        free(c->first_line);
        c->first_line = NULL;
    }
    return ZK_OK;
}

int zk__rfeed(zk__rctx *c, const zk__rblock *b)
{
    const zk__rtext *t = b->text;
    uint32_t line = zk__rsrc_line(&c->src, b->start);
    size_t mlen, tstart;
    int rank, rc;

    if (t->len == 0)
        return ZK_OK;
    line = line >= c->body_line ? line - (uint32_t)c->body_line + 1 : 1;
    rc = zk__rmeta_block(&c->meta, c->r, t->s, t->len, line);
    if (rc == ZK_OK)
        rc = first_line(c, t);
    if (rc != ZK_OK)
        return rc;
    if (b->kind == ZK_RB_HEADING) {
        if (b->level == 1 && c->r->title == NULL) {
            c->r->title = zk__rclean(t->s, t->len, ZK_RN_NONE, 0, 0);
            if (c->r->title == NULL)
                return ZK_ENOMEM;
        }
        rc = unit_end(c);
        if (rc != ZK_OK)
            return rc;
        if (b->title)
            return window(c, t, 0, t->len, ++c->next_unit, 0);
        rank = zk__rnum(t->s, t->len, &mlen, &tstart);
        if (rank == ZK_RN_ARTICLE)
            rank = ZK_RN_NONE;
        if (rank == ZK_RN_NONE)
            mlen = tstart = 0;
        return push(c, t, t->len, b->level > 0 ? b->level : 1, rank, mlen,
                    tstart);
    }
    rank = b->kind == ZK_RB_PARA && !b->table
               ? zk__rnum(t->s, t->len, &mlen, &tstart)
               : ZK_RN_NONE;
    if (c->unit_open) { /* inside a law article */
        if (rank == ZK_RN_ARTICLE)
            return article_begin(c, t);
        if (rank == ZK_RN_NONE || rank > ZK_RN_SECTION)
            return unit_add(c, t);
        rc = unit_end(c);
        if (rc != ZK_OK)
            return rc;
    }
    if (rank == ZK_RN_ARTICLE)
        return article_begin(c, t);
    if (b->kind != ZK_RB_PARA || b->table)
        return window(c, t, 0, t->len, ++c->next_unit, 0);
    return paragraph(c, b, rank, mlen, tstart);
}

/* ---- plain text --------------------------------------------------------- */

/* Append s[a, b) to t, less the characters that are never passage text. */
static int put_kept(zk__rtext *t, const char *s, size_t a, size_t b)
{
    size_t i, l, run;
    int rc = ZK_OK;

    for (i = run = a; i < b && rc == ZK_OK; i += l) {
        if (!zk__rc_drop(zk__rdec(s, b, i, &l)))
            continue;
        rc = zk__rtext_put(t, s + run, i - run, run);
        run = i + l;
    }
    if (rc == ZK_OK && run < b)
        rc = zk__rtext_put(t, s + run, b - run, run);
    return rc;
}

static int read_text(zk__rctx *c, size_t body)
{
    const char *s = c->src.s;
    size_t n = c->src.len, p, e, a, b;
    zk__rblock blk;
    int rc = ZK_OK, table;

    for (p = body; p < n && rc == ZK_OK;) {
        for (e = p; e < n && s[e] != '\n' && s[e] != '\r'; e++)
            ;
        a = p;
        b = e;
        zk__rtrim(s, &a, &b);
        zk__rtext_clear(&c->raw);
        rc = put_kept(&c->raw, s, a, b);
        if (rc == ZK_OK && c->raw.len > 0)
            rc = zk__rpara(&c->para, &c->raw, &table, NULL);
        if (rc == ZK_OK && c->raw.len > 0 && c->para.len > 0) {
            memset(&blk, 0, sizeof(blk));
            blk.kind = ZK_RB_PARA;
            blk.table = table;
            blk.text = &c->para;
            blk.start = a;
            blk.end = b;
            rc = zk__rfeed(c, &blk);
        }
        p = e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? e + 2
                                                                   : e + 1;
    }
    return rc;
}

/* ---- entry points ------------------------------------------------------- */

/* Close what is open and settle the metadata; `title` (may be NULL) is a
 * title the document's properties give, taken before the first line. */
static int finish(zk__rctx *c, const char *filename, const char *title)
{
    int rc = unit_end(c);

    while (rc == ZK_OK && c->depth > 0)
        rc = pop(c);
    if (rc == ZK_OK && c->n_wins > 0)
        rc = flush(c);
    if (rc == ZK_OK && c->r->title == NULL && title != NULL) {
        c->r->title = zk__rclean(title, strlen(title), ZK_RN_NONE, 0, 0);
        if (c->r->title == NULL)
            rc = ZK_ENOMEM;
    }
    if (rc == ZK_OK && c->r->title == NULL && c->first_line != NULL) {
        c->r->title = c->first_line;
        c->first_line = NULL;
    }
    if (rc == ZK_OK)
        rc = zk__rmeta_finish(&c->meta, c->r, filename);
    return rc;
}

static void ctx_free(zk__rctx *c)
{
    size_t i;

    for (i = 0; i < c->depth; i++) {
        free(c->stack[i].text);
        zk__rtext_free(&c->stack[i].orig);
    }
    free(c->stack);
    for (i = 0; i < c->n_wins; i++)
        free(c->wins[i].text);
    free(c->wins);
    free(c->wins_trail);
    free(c->first_line);
    free(c->src.line);
    zk__rtext_free(&c->unit);
    zk__rtext_free(&c->raw);
    zk__rtext_free(&c->para);
    zk__rmeta_free(&c->meta);
}

/* Set up c over the source text s[0..len): a new report, the line table. */
static int ctx_start(zk__rctx *c, const char *s, size_t len)
{
    memset(c, 0, sizeof(*c));
    c->r = calloc(1, sizeof(zk__report));
    if (c->r == NULL)
        return zk__error_oom();
    c->src.s = s != NULL ? s : "";
    c->src.len = s != NULL ? len : 0;
    return line_table(&c->src);
}

/* Hand over the report (on success) and free the rest of c. */
static int ctx_end(zk__rctx *c, int rc, zk__report **out)
{
    if (rc != ZK_OK) {
        zk__report_free(c->r);
        c->r = NULL;
    }
    *out = c->r;
    ctx_free(c);
    return rc;
}

int zk__report_parse(zk__report **out, const char *text, size_t len, int format,
                     const char *filename)
{
    zk__rctx c;
    size_t body = 0;
    int rc;

    *out = NULL;
    rc = ctx_start(&c, text, len);
    if (rc == ZK_OK)
        rc = zk__rmeta_front(c.r, c.src.s, c.src.len, &body);
    if (rc == ZK_OK) {
        c.meta.front_title = c.r->title != NULL;
        c.body_line = zk__rsrc_line(&c.src, body);
        if (format == ZK_FORMAT_MD)
            rc = zk__rmd_read(&c, &c.src, body, c.body_line);
        else
            rc = read_text(&c, body);
    }
    if (rc == ZK_OK)
        rc = finish(&c, filename, NULL);
    return ctx_end(&c, rc, out);
}

/* ---- extracted documents (PDF, .docx, HTML) ----------------------------- */

/* Copy block b's text into c->para, leaving out characters that are never
 * part of passage text, with the map back to d's text. */
static int xblock_text(zk__rctx *c, const zk__xdoc *d, const zk__xblock *b,
                       size_t *lead)
{
    size_t lead_at = b->start + b->lead;
    int rc;

    zk__rtext_clear(&c->para);
    rc = put_kept(&c->para, d->text, b->start, lead_at);
    *lead = c->para.len;
    if (rc == ZK_OK)
        rc = put_kept(&c->para, d->text, lead_at, b->end);
    if (*lead >= c->para.len)
        *lead = 0;
    return rc;
}

/* Fill a field from a property where the text gave none. */
static int fallback(char **field, const char *value)
{
    if (*field != NULL || value == NULL || value[0] == '\0')
        return ZK_OK;
    *field = zk__rclean(value, strlen(value), ZK_RN_NONE, 0, 0);
    return *field != NULL ? ZK_OK : ZK_ENOMEM;
}

static int xdoc_read(zk__rctx *c, const zk__xdoc *d)
{
    size_t i, h1 = 0, first_h1 = SIZE_MAX;
    zk__rblock blk;
    int rc = ZK_OK;

    /* the document's only level-1 heading is its title, as in Markdown */
    for (i = 0; i < d->n_blocks; i++)
        if (d->blocks[i].kind == ZK_XB_HEADING && d->blocks[i].level == 1) {
            h1++;
            if (first_h1 == SIZE_MAX)
                first_h1 = i;
        }
    for (i = 0; i < d->n_blocks && rc == ZK_OK; i++) {
        const zk__xblock *b = &d->blocks[i];
        size_t lead;

        rc = xblock_text(c, d, b, &lead);
        if (rc != ZK_OK || c->para.len == 0)
            continue;
        memset(&blk, 0, sizeof(blk));
        blk.kind = b->kind == ZK_XB_HEADING ? ZK_RB_HEADING : ZK_RB_PARA;
        blk.level = b->kind == ZK_XB_HEADING ? b->level : 0;
        blk.table = b->kind == ZK_XB_TABLE;
        blk.title = h1 == 1 && i == first_h1;
        blk.lead = lead;
        blk.text = &c->para;
        blk.start = b->start;
        blk.end = b->end;
        rc = zk__rfeed(c, &blk);
    }
    return rc;
}

int zk__report_parse_xdoc(zk__report **out, const zk__xdoc *d,
                          const char *filename)
{
    zk__rctx c;
    zk__report *r;
    size_t i;
    int rc;

    *out = NULL;
    rc = ctx_start(&c, d->text, d->len);
    r = c.r;
    if (rc == ZK_OK) {
        c.body_line = 1;
        rc = xdoc_read(&c, d);
    }
    if (rc == ZK_OK)
        rc = finish(&c, filename, d->title);
    if (rc == ZK_OK && r->date == NULL && d->date != NULL) {
        r->date = dup(d->date, strlen(d->date));
        if (r->date == NULL)
            rc = ZK_ENOMEM;
        else
            r->year = atoi(r->date);
    }
    if (rc == ZK_OK)
        rc = fallback(&r->author, d->author);
    if (rc == ZK_OK)
        rc = fallback(&r->org, d->org);
    if (rc == ZK_OK)
        rc = fallback(&r->docno, d->docno);
    for (i = 0; rc == ZK_OK && i < r->n_passages; i++) {
        zk__passage *p = &r->passages[i];
        p->page_start = zk__xdoc_page_of(d, p->start);
        p->page_end =
            zk__xdoc_page_of(d, p->end > p->start ? p->end - 1 : p->start);
    }
    return ctx_end(&c, rc, out);
}

void zk__report_free(zk__report *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->n_passages; i++) {
        free(r->passages[i].trail);
        free(r->passages[i].text);
    }
    free(r->passages);
    free(r->title);
    free(r->date);
    free(r->author);
    free(r->org);
    free(r->keywords);
    free(r->abstract);
    free(r->docno);
    free(r);
}
