/* extract.c - the extracted document that the PDF, .docx and HTML readers
 * build (extract.h) */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "internal.h"

void zk__xdoc_init(zk__xdoc *d)
{
    memset(d, 0, sizeof(*d));
}

void zk__xdoc_clear(zk__xdoc *d)
{
    free(d->text);
    free(d->blocks);
    free(d->page_start);
    free(d->title);
    free(d->author);
    free(d->date);
    free(d->org);
    free(d->docno);
    zk__xdoc_init(d);
}

/* Make room for `more` bytes of text. */
static int text_room(zk__xdoc *d, size_t more)
{
    size_t cap;
    char *p;

    if (d->len + more > ZK_X_MAX_TEXT)
        return zk__error(ZK_EFORMAT, "more than %u MB of text",
                         (unsigned)(ZK_X_MAX_TEXT >> 20));
    if (d->len + more + 1 <= d->cap)
        return ZK_OK;
    cap = d->cap ? d->cap : 4096;
    while (cap < d->len + more + 1)
        cap *= 2;
    p = realloc(d->text, cap);
    if (p == NULL)
        return zk__error_oom();
    d->text = p;
    d->cap = cap;
    return ZK_OK;
}

static int add_block(zk__xdoc *d, int kind, int level, const char *s, size_t n,
                     size_t lead, size_t *off, size_t n_off);

/* Move the offsets off[*b..] (ascending, into the input) that are at or
 * before input offset `in` to output offset `out`. */
static void map_to(size_t *off, size_t n_off, size_t *b, size_t in, size_t out)
{
    while (*b < n_off && off[*b] <= in)
        off[(*b)++] = out;
}

static int is_blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0 ||
           c == 0x3000 || (c >= 0x2000 && c <= 0x200B) || c == 0xFEFF ||
           c == 0x202F || c == 0x205F;
}

/* A table's rows with their empty cells and empty rows left out, as the
 * text readers give them ("a |  | b" is "a | b"); malloc'ed in *out. The
 * ascending offsets off[0..n_off) into s become offsets into *out (an
 * offset in a dropped row or cell moves to the text that follows). */
static int table_clean(const char *s, size_t n, char **out, size_t *out_n,
                       size_t *off, size_t n_off)
{
    char *o = malloc(n + 1);
    size_t i = 0, k = 0, row_start, cells, m = 0;

    if (o == NULL)
        return zk__error_oom();
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        row_start = k;
        cells = 0;
        map_to(off, n_off, &m, i, k);
        while (i < e) { /* cells of s[i, e), split at " | " */
            size_t c = i, a, b;
            while (c < e && !(c + 3 <= e && memcmp(s + c, " | ", 3) == 0))
                c++;
            a = i;
            b = c;
            while (a < b && (s[a] == ' ' || s[a] == '\t'))
                a++;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
                b--;
            if (b > a) {
                if (cells++ > 0) {
                    memcpy(o + k, " | ", 3);
                    k += 3;
                }
                memcpy(o + k, s + a, b - a);
                k += b - a;
            }
            i = c < e ? c + 3 : e;
        }
        if (cells > 0 && e < n)
            o[k++] = '\n';
        else if (cells == 0)
            k = row_start;
        i = e + 1;
    }
    while (k > 0 && o[k - 1] == '\n')
        k--;
    o[k] = '\0';
    for (; m < n_off; m++)
        off[m] = k;
    for (m = 0; m < n_off; m++) /* a break at a trimmed end */
        if (off[m] > k)
            off[m] = k;
    *out = o;
    *out_n = k;
    return ZK_OK;
}

int zk__xdoc_block(zk__xdoc *d, int kind, int level, const char *s, size_t n,
                   size_t lead)
{
    return zk__xdoc_block_paged(d, kind, level, s, n, lead, NULL, NULL, 0);
}

int zk__xdoc_block_paged(zk__xdoc *d, int kind, int level, const char *s,
                         size_t n, size_t lead, const size_t *brk_off,
                         const uint32_t *brk_page, size_t n_brk)
{
    char *clean = NULL;
    size_t *off = NULL, i, before = d->n_blocks;
    int rc = ZK_OK;

    if (n_brk > 0) {
        off = malloc(n_brk * sizeof(*off));
        if (off == NULL)
            return zk__error_oom();
        for (i = 0; i < n_brk; i++) /* ascending, within s */
            off[i] = brk_off[i] > n ? n : brk_off[i];
        for (i = 1; i < n_brk; i++)
            if (off[i] < off[i - 1])
                off[i] = off[i - 1];
    }
    if (kind == ZK_XB_TABLE) {
        rc = table_clean(s, n, &clean, &n, off, n_brk);
        s = clean;
        lead = 0;
    }
    if (rc == ZK_OK)
        rc = add_block(d, kind, level, s, n, lead, off, n_brk);
    /* the pages that start inside the block (at its start when it was
     * dropped as empty, or at the end of the text for a break at its end) */
    for (i = 0; i < n_brk && rc == ZK_OK; i++) {
        uint32_t p = brk_page[i], first = d->n_pages;
        size_t at =
            d->n_blocks > before ? d->blocks[before].start + off[i] : d->len;

        if (p <= d->n_pages)
            continue; /* already started: pages go in order */
        rc = zk__xdoc_page(d, p);
        for (; rc == ZK_OK && first < d->n_pages; first++)
            if (first > 0) /* page 1 starts at 0 */
                d->page_start[first] = at;
    }
    free(off);
    free(clean);
    return rc;
}

/* The builder's copy; the ascending offsets off[0..n_off) into s become
 * offsets from the block's start in d->text (clamped to its text). */
static int add_block(zk__xdoc *d, int kind, int level, const char *s, size_t n,
                     size_t lead, size_t *off, size_t n_off)
{
    size_t i, l, start, end, out_lead = 0, m = 0;
    size_t a = 0, b = n;
    uint32_t c;
    zk__xblock *blk;
    int rc;

    /* trim blanks at both ends */
    while (a < b) {
        c = zk__utf8_decode((const unsigned char *)s + a, b - a, &l);
        if (!is_blank(c))
            break;
        a += l;
    }
    while (b > a) {
        size_t k = b - 1;
        while (k > a && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        c = zk__utf8_decode((const unsigned char *)s + k, b - k, &l);
        if (k + l != b || !is_blank(c))
            break;
        b = k;
    }
    if (a >= b) {
        for (m = 0; m < n_off; m++)
            off[m] = 0;
        return ZK_OK;
    }
    /* at most 3 bytes out per byte in (U+FFFD for one bad byte) */
    rc = text_room(d, 3 * (b - a) + 1);
    if (rc != ZK_OK)
        return rc;
    start = d->len;
    for (i = a; i < b; i += l) {
        c = zk__utf8_decode((const unsigned char *)s + i, b - i, &l);
        map_to(off, n_off, &m, i, d->len - start);
        if (lead > 0 && i >= lead && out_lead == 0)
            out_lead = d->len - start;
        if (c == ZK_CP_INVALID) {
            memcpy(d->text + d->len, "\xEF\xBF\xBD", 3);
            d->len += 3;
        } else if (c == '\n' && kind == ZK_XB_TABLE) {
            d->text[d->len++] = '\n';
        } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
            d->text[d->len++] = ' ';
        } else {
            memcpy(d->text + d->len, s + i, l);
            d->len += l;
        }
    }
    end = d->len;
    for (; m < n_off; m++)
        off[m] = end - start;
    d->text[d->len++] = '\n';
    d->text[d->len] = '\0';
    if (d->n_blocks == d->cap_blocks) {
        size_t cap = d->cap_blocks ? 2 * d->cap_blocks : 64;
        void *p = realloc(d->blocks, cap * sizeof(*d->blocks));
        if (p == NULL)
            return zk__error_oom();
        d->blocks = p;
        d->cap_blocks = cap;
    }
    blk = &d->blocks[d->n_blocks++];
    blk->kind = kind;
    blk->level = kind == ZK_XB_HEADING ? (level < 1   ? 1
                                          : level > 6 ? 6
                                                      : level)
                                       : 0;
    blk->start = start;
    blk->end = end;
    blk->lead = kind == ZK_XB_PARA && lead > a && lead < b ? out_lead : 0;
    return ZK_OK;
}

int zk__xdoc_page(zk__xdoc *d, uint32_t page)
{
    if (page == 0)
        return ZK_OK;
    while (d->n_pages < page) {
        if (d->n_pages == d->cap_pages) {
            uint32_t cap = d->cap_pages ? 2 * d->cap_pages : 16;
            void *p = realloc(d->page_start, cap * sizeof(*d->page_start));
            if (p == NULL)
                return zk__error_oom();
            d->page_start = p;
            d->cap_pages = cap;
        }
        d->page_start[d->n_pages] = d->n_pages == 0 ? 0 : d->len;
        d->n_pages++;
    }
    return ZK_OK;
}

int zk__xdoc_prop(char **field, const char *s, size_t n)
{
    size_t a = 0, b = n, l;
    char *v;

    if (*field != NULL || s == NULL)
        return ZK_OK;
    while (a < b &&
           is_blank(zk__utf8_decode((const unsigned char *)s + a, b - a, &l)))
        a += l;
    while (b > a && ((unsigned char)s[b - 1] == ' ' || s[b - 1] == '\t' ||
                     s[b - 1] == '\n' || s[b - 1] == '\r'))
        b--;
    if (a >= b || !zk__utf8_valid(s + a, b - a))
        return ZK_OK;
    v = malloc(b - a + 1);
    if (v == NULL)
        return zk__error_oom();
    memcpy(v, s + a, b - a);
    v[b - a] = '\0';
    for (l = 0; l < b - a; l++)
        if ((unsigned char)v[l] < 0x20)
            v[l] = ' ';
    *field = v;
    return ZK_OK;
}

uint32_t zk__xdoc_page_of(const zk__xdoc *d, size_t off)
{
    uint32_t lo = 0, hi = d->n_pages;

    if (d->n_pages == 0)
        return 0;
    /* the last page whose start is <= off */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (d->page_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}
