/* search_snippet.c - where a query's terms occur in a passage: the
 * matches that hits highlight, the shortest stretch holding them all (for
 * proximity), and the snippet shown of a hit (zk_hit_snippet()).
 *
 * Matches are found in the normalised text and mapped back to byte and
 * character offsets of the original text (zk_norm's orig and orig_char). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "search_impl.h"
#include "util.h"

/* ---- matches ------------------------------------------------------------ */

static int mlist_add(mlist *m, size_t s, size_t e, size_t cs, size_t ce,
                     unsigned term)
{
    if (zk__grow(&m->v, &m->cap, m->n + 1, sizeof(*m->v), 16) != ZK_OK)
        return ZK_ENOMEM;
    m->v[m->n].start = s;
    m->v[m->n].end = e;
    m->v[m->n].cstart = cs;
    m->v[m->n].cend = ce;
    m->v[m->n].term = term;
    m->n++;
    return ZK_OK;
}

static int cmp_match(const void *a, const void *b)
{
    const zk_match *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Every occurrence of each positive text term in `orig` (normalised in
 * `nb`, now or, when `normalised`, already), mapped back to original bytes
 * and characters. */
int zk__sr_find_matches(zk_searcher *s, const zk__query *q, const char *orig,
                        size_t len, int normalised, int trail, mlist *out)
{
    size_t k;
    unsigned term = 0;
    int rc =
        normalised ? ZK_OK : zk__normalize_into(&s->nb, &s->nb_cap, orig, len);
    const zk_norm *n = &s->nb;

    for (k = 0; rc == ZK_OK && k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        const char *p, *hay;
        if (it->negated || it->field != ZK_QF_TEXT) {
            if (it->field == ZK_QF_SECTION && !it->negated && trail) {
                /* section: terms are highlighted in the trail */
            } else {
                continue;
            }
        }
        hay = n->text;
        while (rc == ZK_OK && it->norm_len > 0 &&
               (p = memmem(hay, n->len - (size_t)(hay - n->text), it->norm,
                           it->norm_len)) != NULL) {
            size_t a = (size_t)(p - n->text), b = a + it->norm_len, j = b;
            /* end after the original character of the last byte */
            while (j < n->len && n->orig[j] == n->orig[b - 1])
                j++;
            rc = mlist_add(out, n->orig[a], n->orig[j], n->orig_char[a],
                           n->orig_char[j], term);
            hay = p + 1;
            while ((size_t)(hay - n->text) < n->len &&
                   ((unsigned char)*hay & 0xC0) == 0x80)
                hay++;
        }
        if (it->field == ZK_QF_TEXT)
            term++;
    }
    if (rc == ZK_OK && out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), cmp_match);
    return rc;
}

/* Proximity: the shortest stretch of text (characters) holding a match of
 * every distinct term, or 0 if some term is not in the text. */
size_t zk__sr_shortest_cover(const mlist *m, unsigned n_terms)
{
    size_t best = 0, i, j = 0;
    unsigned have = 0, cnt[ZK_QUERY_MAX_ITEMS] = {0};

    if (n_terms < 2)
        return 0;
    for (i = 0; i < m->n; i++) {
        if (cnt[m->v[i].term]++ == 0)
            have++;
        while (have == n_terms) {
            size_t span = m->v[i].cend - m->v[j].cstart;
            if (best == 0 || span < best)
                best = span ? span : 1;
            if (--cnt[m->v[j].term] == 0)
                have--;
            j++;
        }
    }
    return best;
}

/* ---- snippets ----------------------------------------------------------- */

static int is_break(const char *s, size_t i, size_t len)
{
    size_t l;
    uint32_t c = zk__utf8_decode((const unsigned char *)s + i, len - i, &l);

    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B ||
           c == 0xFF0C || c == '\n' || c == 0x3001 || c == ';' || c == '!' ||
           c == '?';
}

void zk_hit_snippet(const zk_hit *hit, size_t max_chars, size_t *start,
                    size_t *end)
{
    size_t best_i = 0, best_cnt = 0, i, j = 0, a, b, chars;
    const char *t = hit->text;
    size_t len = hit->len;

    if (start == NULL || end == NULL)
        return;
    *start = 0;
    *end = len;
    if (hit->text == NULL || max_chars == 0)
        return;
    /* count characters; short passages are shown whole */
    for (i = 0, chars = 0; i < len; i++)
        chars += ((unsigned char)t[i] & 0xC0) != 0x80;
    if (chars <= max_chars)
        return;
    /* the window of max_chars characters starting at a match with the
     * most matches in it */
    for (i = 0; i < hit->n_matches; i++) {
        size_t cnt = 0;
        for (j = i; j < hit->n_matches &&
                    hit->matches[j].cend - hit->matches[i].cstart <= max_chars;
             j++)
            cnt++;
        if (cnt > best_cnt) {
            best_cnt = cnt;
            best_i = i;
        }
    }
    if (hit->n_matches == 0) {
        a = 0;
    } else {
        /* centre the matched stretch in the window */
        size_t mc0 = hit->matches[best_i].cstart, mc1 = mc0, pad;
        for (j = best_i;
             j < hit->n_matches && hit->matches[j].cend - mc0 <= max_chars; j++)
            mc1 = hit->matches[j].cend;
        pad = (max_chars - (mc1 - mc0)) / 2;
        a = mc0 > pad ? mc0 - pad : 0;
    }
    if (a + max_chars > chars)
        a = chars - max_chars;
    /* character index -> byte offset */
    for (i = 0, j = 0; i < len && j < a; i++)
        if (((unsigned char)t[i + 1] & 0xC0) != 0x80 || i + 1 == len)
            j++;
    b = i;
    /* prefer to start just after a sentence or clause break close by */
    for (i = b; i > 0 && b - i < 60; i--) {
        if (is_break(t, i, len)) {
            size_t l;
            zk__utf8_decode((const unsigned char *)t + i, len - i, &l);
            if (hit->n_matches == 0 || i + l <= hit->matches[best_i].start) {
                b = i + l;
                break;
            }
        }
        while (i > 0 && ((unsigned char)t[i - 1] & 0xC0) == 0x80)
            i--;
    }
    *start = b;
    for (i = b, j = 0; i < len && j < max_chars; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80)
            j++;
    while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
        i++;
    *end = i;
}
