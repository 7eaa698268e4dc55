/* read_pdf.c - the PDF reader: a PDF's text layer as blocks (extract.h),
 * through poppler's GLib API
 *
 * Design. Poppler opens the bytes in memory and gives, per page, the text
 * of its text layer with one rectangle per character and runs of font name
 * and size. Poppler's own line order splits a table row into one line per
 * cell and may emit them column by column, so the reader rebuilds physical
 * lines from geometry: the page's characters are sorted by vertical centre,
 * grouped into rows of overlapping height, and each row sorted left to
 * right. Gaps between neighbouring characters give a space (more than
 * 0.15 em) or a cell boundary (more than 1.8 em). This assumes one column
 * of text, as policy reports are set.
 *
 * Two passes go over the pages. Laying out a page's text is nearly all of
 * the time, so the first pass keeps each page's rows and their text (not
 * its characters) for the second, up to KEEP_BUDGET bytes in all; pages
 * past the budget are laid out again, so memory stays bounded by the
 * budget plus one page plus the output. The first pass also gathers
 * statistics: characters per font size
 * (the body size is the size covering most characters; larger sizes of
 * short lines are heading sizes, ranked for levels), histograms of where
 * body lines start and end and of their line pitch, and the text of the
 * lines in the top and bottom bands with digits normalised, counted by
 * page. The second pass drops band lines that repeat on at least half of
 * the pages (and at least 3) or are only a page number, and groups the
 * remaining rows into blocks: a row with two or more cells is a table row
 * (consecutive rows form one table); a short row in a heading size is a
 * heading (consecutive rows of the same size join); other rows join the
 * open paragraph unless the font size changes, the vertical gap is larger
 * than the line pitch, the row is indented (a Chinese paragraph's first
 * line), or the previous row ended a sentence well short of the right
 * margin. A paragraph that is still open at the end of a page continues on
 * the next page if its first row qualifies; the page boundary then falls
 * inside the block's text. Lines join with no space between CJK
 * characters, a space between Latin words, and a hyphenated Latin word
 * rejoined. A bold run at the start of a paragraph followed by regular
 * text becomes its lead. The PDF outline, where present, marks the blocks
 * whose text equals an outline title as headings at the outline's depth.
 *
 * Poppler-glib as Debian builds it (22.12) writes nothing to stderr for
 * damaged files (seen on truncated and overwritten files and on 40,000
 * fuzzed inputs): it reports through the GError of the open call, whose
 * message goes into ours, so no g_log handler is installed.
 */
#define _POSIX_C_SOURCE 200809L

#include <glib.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "internal.h"

#define MAX_PAGES 100000u
#define SIZE_BINS 800       /* font sizes in half points, up to 400 pt */
#define X_BINS 2048         /* x positions in points */
#define PITCH_BINS 400      /* line pitch in half points */
#define MAX_BAND_LINES 4096 /* distinct header/footer texts tracked */
#define MAX_OUTLINE 65536   /* outline entries used */
#define MAX_LEVELS 6
/* Bytes of pass-1 pages (rows and text, about 8 KB a page of report text)
 * kept for pass 2, so that poppler lays out each page once: building a
 * page's text layout is nearly all of the reading time. 64 MB holds some
 * 8,000 pages, more than any report; the pages past it are laid out again,
 * so memory stays bounded for a PDF of any length. */
#define KEEP_BUDGET (64u << 20)

/* One character of a page's text layer. */
typedef struct pch {
    uint32_t cp;
    float x0, y0, x1, y1;
    float size;
    int bold;
} pch;

/* One physical line of a page, built from geometry. */
typedef struct prow {
    size_t first, n;      /* chars[first..first+n) after sorting */
    float x0, x1, y0, y1; /* extent */
    float size;           /* dominant size */
    int bin;              /* size bin */
    size_t tstart, tlen;  /* bytes of its text in the page buffer */
    size_t bold_bytes;    /* bytes of leading bold text */
    int all_bold;
    int cells;     /* cells separated by '\t' in the text */
    size_t nchars; /* non-blank characters */
    uint32_t first_cp, last_cp, before_last_cp;
    float first_word; /* width of its first word (one CJK char) */
    int band;         /* 1 top band, 2 bottom band, 0 body */
} prow;

/* The current page, reused from page to page. */
typedef struct page {
    pch *chars;
    size_t n_chars, cap_chars;
    prow *rows;
    size_t n_rows, cap_rows;
    char *text;
    size_t len, cap;
    double w, h;
} page;

/* A page's rows and text kept from pass 1 (one allocation: the rows, then
 * the text). */
typedef struct kept_page {
    void *mem;
    size_t n_rows, len;
    int kept;
} kept_page;

typedef struct band_line {
    char *norm;
    uint32_t hash, pages, last_page;
} band_line;

typedef struct outline_entry {
    char *norm;
    uint32_t hash;
    int depth, used;
} outline_entry;

/* The block being built. */
typedef struct open_block {
    int active, kind, level, bin;
    float size;
    char *buf;
    size_t len, cap;
    size_t lead;   /* bytes of bold lead so far */
    int lead_open; /* the text so far is all bold */
    int rows;
    prow last;     /* its last row */
    uint32_t page; /* page of its last row */
    /* page breaks inside the block: page brk_page[i] starts at byte
     * brk_off[i] of buf (a row's start) */
    size_t *brk_off;
    uint32_t *brk_page;
    size_t n_brk, cap_brk;
} open_block;

typedef struct reader {
    const char *name;
    zk__xdoc *d;
    PopplerDocument *doc;
    uint32_t n_pages;
    page pg;
    /* pass 1 statistics */
    uint64_t size_chars[SIZE_BINS];
    uint64_t short_rows[SIZE_BINS];
    uint64_t x0_hist[X_BINS], x1_hist[X_BINS];
    uint64_t pitch_hist[PITCH_BINS];
    uint64_t total_chars;
    double max_w; /* widest page */
    band_line *bands;
    size_t n_bands;
    /* derived */
    int body_bin;
    float body_size, left, right, pitch;
    int level_of_bin[SIZE_BINS];
    outline_entry *outline;
    size_t n_outline;
    open_block ob;
    uint32_t pending_page; /* a page started but not yet given to d */
    kept_page *kept;       /* [n_pages] */
    size_t kept_bytes;     /* at most KEEP_BUDGET */
} reader;

/* ---- small helpers --------------------------------------------------- */

/* Punctuation that Chinese text sets without spaces around it. */
static int is_cjk_punct(uint32_t c)
{
    return c == 0x2014 || c == 0x2015 || (c >= 0x2018 && c <= 0x201F) ||
           c == 0x2026 || c == 0x00B7 || c == 0x2022;
}

static int is_blank_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 ||
           c == 0x3000 || (c >= 0x2000 && c <= 0x200B) || c == 0xFEFF ||
           c < 0x20;
}

static int is_latin_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Does a line ending in c end a sentence? */
static int ends_sentence(uint32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B ||
           c == 0xFF1A || c == '.' || c == '!' || c == '?' || c == ';' ||
           c == ':' || c == 0x2026 || c == 0xFF0E;
}

/* Case-insensitive: does s contain w (ASCII)? */
static int contains_ci(const char *s, const char *w)
{
    size_t n = strlen(w), i;

    for (; *s; s++) {
        for (i = 0; i < n; i++) {
            char a = s[i], b = w[i];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (a != b)
                break;
        }
        if (i == n)
            return 1;
    }
    return 0;
}

/* Is a font of this name bold? */
static int font_is_bold(const char *f)
{
    return f != NULL &&
           (contains_ci(f, "bold") || contains_ci(f, "heavy") ||
            contains_ci(f, "black") || contains_ci(f, "semibold") ||
            contains_ci(f, "demi") || contains_ci(f, ",bold"));
}

static int size_bin(float size)
{
    int b = (int)(size * 2.0f + 0.5f);
    return b < 0 ? 0 : b >= SIZE_BINS ? SIZE_BINS - 1 : b;
}

static int x_bin(float x)
{
    int b = (int)(x + 0.5f);
    return b < 0 ? 0 : b >= X_BINS ? X_BINS - 1 : b;
}

static uint32_t fnv(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Grow *p (of *cap elements of size `el`) to hold `need`. */
static int grow(void **p, size_t *cap, size_t need, size_t el)
{
    size_t c;
    void *q;

    if (need <= *cap)
        return ZK_OK;
    c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    q = realloc(*p, c * el);
    if (q == NULL)
        return zk__error_oom();
    *p = q;
    *cap = c;
    return ZK_OK;
}

/* Append bytes to a growing buffer. */
static int buf_add(char **buf, size_t *len, size_t *cap, const char *s,
                   size_t n)
{
    int rc = grow((void **)buf, cap, *len + n + 1, 1);

    if (rc != ZK_OK)
        return rc;
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return ZK_OK;
}

static int buf_cp(char **buf, size_t *len, size_t *cap, uint32_t cp)
{
    char tmp[4];
    size_t n = zk__utf8_encode(cp, tmp);

    return buf_add(buf, len, cap, tmp, n);
}

/* ---- a page's characters into rows ----------------------------------- */

static int cmp_cy(const void *a, const void *b)
{
    const pch *p = a, *q = b;
    float u = p->y0 + p->y1, v = q->y0 + q->y1;

    if (u != v)
        return u < v ? -1 : 1;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static int cmp_x(const void *a, const void *b)
{
    const pch *p = a, *q = b;

    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return 0;
}

static int cmp_row_y(const void *a, const void *b)
{
    const prow *p = a, *q = b;
    float u = p->y0 + p->y1, v = q->y0 + q->y1;

    return u < v ? -1 : u > v;
}

/* Is a[0..n) (of elements of `size` bytes) already in order? The text
 * layer mostly comes in reading order, so a check saves most sorts. */
static int sorted(const void *a, size_t n, size_t size,
                  int (*cmp)(const void *, const void *))
{
    const char *p = a;
    size_t i;

    for (i = 1; i < n; i++)
        if (cmp(p + (i - 1) * size, p + i * size) > 0)
            return 0;
    return 1;
}

/* Collect page i's characters with their boxes, sizes and boldness. */
static int page_chars(reader *r, PopplerPage *p)
{
    page *pg = &r->pg;
    PopplerRectangle *rects = NULL;
    guint n_rects = 0, k;
    GList *attrs, *l;
    char *text;
    const char *s;
    size_t n, i, len;
    int rc = ZK_OK;

    pg->n_chars = 0;
    poppler_page_get_size(p, &pg->w, &pg->h);
    text = poppler_page_get_text(p);
    if (text == NULL)
        return ZK_OK;
    if (!poppler_page_get_text_layout(p, &rects, &n_rects)) {
        g_free(text);
        return ZK_OK;
    }
    len = strlen(text);
    rc = grow((void **)&pg->chars, &pg->cap_chars, n_rects, sizeof(pch));
    /* one character per rectangle, in the order of the text */
    for (s = text, n = 0;
         rc == ZK_OK && n < n_rects && (size_t)(s - text) < len; n++) {
        size_t cl;
        uint32_t cp = zk__utf8_decode((const unsigned char *)s,
                                      len - (size_t)(s - text), &cl);
        pch *c;

        s += cl;
        c = &pg->chars[pg->n_chars++];
        c->cp = cp == ZK_CP_INVALID ? 0xFFFD : cp;
        c->x0 = (float)rects[n].x1;
        c->y0 = (float)rects[n].y1;
        c->x1 = (float)rects[n].x2;
        c->y1 = (float)rects[n].y2;
        if (c->x1 < c->x0) {
            float t = c->x0;
            c->x0 = c->x1;
            c->x1 = t;
        }
        if (c->y1 < c->y0) {
            float t = c->y0;
            c->y0 = c->y1;
            c->y1 = t;
        }
        c->size = (c->y1 - c->y0) > 0 ? (c->y1 - c->y0) : 1.0f;
        c->bold = 0;
    }
    attrs = rc == ZK_OK ? poppler_page_get_text_attributes(p) : NULL;
    for (l = attrs; l != NULL; l = l->next) {
        PopplerTextAttributes *a = l->data;
        int bold = font_is_bold(a->font_name);
        gint from = a->start_index < 0 ? 0 : a->start_index;

        for (i = (size_t)from; i < pg->n_chars && (gint)i <= a->end_index;
             i++) {
            if (a->font_size > 0)
                pg->chars[i].size = (float)a->font_size;
            pg->chars[i].bold = bold;
        }
    }
    if (attrs != NULL)
        poppler_page_free_text_attributes(attrs);
    g_free(rects);
    g_free(text);
    /* drop blanks: spaces are inferred from the gaps */
    for (i = 0, k = 0; i < pg->n_chars; i++)
        if (!is_blank_cp(pg->chars[i].cp) && pg->chars[i].x1 > -1e6f &&
            pg->chars[i].x0 < 1e6f && pg->chars[i].y0 > -1e6f &&
            pg->chars[i].y1 < 1e6f)
            pg->chars[k++] = pg->chars[i];
    pg->n_chars = k;
    return rc;
}

/* Build row k's text into the page buffer and its features. */
static int row_text(reader *r, prow *w)
{
    page *pg = &r->pg;
    size_t i;
    int rc = ZK_OK, bold_run = 1;
    float sz_best = 0;
    uint64_t best = 0;

    /* dominant size: the size of most characters (few per row: quadratic
     * only in a row's distinct sizes, bounded below) */
    {
        float sizes[8];
        uint64_t counts[8];
        int ns = 0, j;

        for (i = 0; i < w->n; i++) {
            float s = pg->chars[w->first + i].size;
            for (j = 0; j < ns; j++)
                if (size_bin(sizes[j]) == size_bin(s))
                    break;
            if (j == ns) {
                if (ns == 8)
                    continue;
                sizes[ns] = s;
                counts[ns++] = 0;
            }
            counts[j]++;
        }
        for (j = 0; j < ns; j++)
            if (counts[j] > best) {
                best = counts[j];
                sz_best = sizes[j];
            }
    }
    w->size = sz_best > 0 ? sz_best : 1.0f;
    w->bin = size_bin(w->size);
    w->tstart = pg->len;
    w->bold_bytes = 0;
    w->cells = 1;
    w->nchars = w->n;
    w->all_bold = 1;
    w->before_last_cp = 0;
    for (i = 0; i < w->n && rc == ZK_OK; i++) {
        const pch *c = &pg->chars[w->first + i];

        if (i > 0) {
            const pch *b = &pg->chars[w->first + i - 1];
            float gap = c->x0 - b->x1;
            float em = c->size < b->size ? c->size : b->size;

            if (gap > 1.8f * em) {
                rc = buf_add(&pg->text, &pg->len, &pg->cap, "\t", 1);
                w->cells++;
            } else if (gap > 0.15f * em) {
                rc = buf_add(&pg->text, &pg->len, &pg->cap, " ", 1);
            }
            if (rc != ZK_OK)
                break;
        }
        if (!c->bold) {
            bold_run = 0;
            w->all_bold = 0;
        }
        rc = buf_cp(&pg->text, &pg->len, &pg->cap, c->cp);
        if (bold_run)
            w->bold_bytes = pg->len - w->tstart;
    }
    w->tlen = pg->len - w->tstart;
    /* the first word: up to a space, a cell gap or a CJK character */
    w->first_word = 0;
    for (i = 0; i < w->n; i++) {
        const pch *c = &pg->chars[w->first + i];

        if (i > 0 &&
            (c->x0 - pg->chars[w->first + i - 1].x1 > 0.15f * c->size ||
             zk__rc_cjk(c->cp)))
            break;
        w->first_word = c->x1 - pg->chars[w->first].x0;
        if (zk__rc_cjk(c->cp))
            break;
    }
    w->first_cp = w->n ? pg->chars[w->first].cp : 0;
    w->last_cp = w->n ? pg->chars[w->first + w->n - 1].cp : 0;
    if (w->n >= 2)
        w->before_last_cp = pg->chars[w->first + w->n - 2].cp;
    return rc;
}

/* Group the page's characters into rows, top to bottom. */
static int page_rows(reader *r)
{
    page *pg = &r->pg;
    size_t i, start;
    int rc;

    pg->n_rows = 0;
    pg->len = 0;
    if (pg->n_chars == 0)
        return ZK_OK;
    if (!sorted(pg->chars, pg->n_chars, sizeof(pch), cmp_cy))
        qsort(pg->chars, pg->n_chars, sizeof(pch), cmp_cy);
    start = 0;
    while (start < pg->n_chars) {
        float y0 = pg->chars[start].y0, y1 = pg->chars[start].y1;
        prow *w;

        i = start + 1;
        while (i < pg->n_chars) {
            const pch *c = &pg->chars[i];
            float cy = (c->y0 + c->y1) / 2, ry = (y0 + y1) / 2;
            float h = c->y1 - c->y0, rh = y1 - y0;
            float m = h < rh ? h : rh;

            if (cy - ry > 0.4f * (m > 0 ? m : 1))
                break;
            if (c->y0 < y0)
                y0 = c->y0;
            if (c->y1 > y1)
                y1 = c->y1;
            i++;
        }
        rc = grow((void **)&pg->rows, &pg->cap_rows, pg->n_rows + 1,
                  sizeof(prow));
        if (rc != ZK_OK)
            return rc;
        w = &pg->rows[pg->n_rows++];
        memset(w, 0, sizeof(*w));
        w->first = start;
        w->n = i - start;
        w->y0 = y0;
        w->y1 = y1;
        start = i;
    }
    if (!sorted(pg->rows, pg->n_rows, sizeof(prow), cmp_row_y))
        qsort(pg->rows, pg->n_rows, sizeof(prow), cmp_row_y);
    for (i = 0; i < pg->n_rows; i++) {
        prow *w = &pg->rows[i];

        if (!sorted(pg->chars + w->first, w->n, sizeof(pch), cmp_x))
            qsort(pg->chars + w->first, w->n, sizeof(pch), cmp_x);
        w->x0 = pg->chars[w->first].x0;
        w->x1 = pg->chars[w->first + w->n - 1].x1;
        rc = row_text(r, w);
        if (rc != ZK_OK)
            return rc;
        if (w->y1 <= 0.08 * pg->h)
            w->band = 1;
        else if (w->y0 >= 0.92 * pg->h)
            w->band = 2;
    }
    return ZK_OK;
}

/* Extract page i (0-based) into r->pg. */
static int load_page(reader *r, uint32_t i)
{
    PopplerPage *p = poppler_document_get_page(r->doc, (int)i);
    int rc;

    r->pg.n_chars = 0;
    r->pg.n_rows = 0;
    r->pg.len = 0;
    if (p == NULL)
        return ZK_OK;
    rc = page_chars(r, p);
    g_object_unref(p);
    if (rc == ZK_OK)
        rc = page_rows(r);
    return rc;
}

/* Keep page i's rows and text (just loaded in pass 1) for pass 2, while
 * the budget allows; a page not kept is loaded again. */
static void page_keep(reader *r, uint32_t i)
{
    const page *pg = &r->pg;
    size_t rows = pg->n_rows * sizeof(prow), need = rows + pg->len;
    kept_page *kp;

    if (r->kept == NULL || need > KEEP_BUDGET - r->kept_bytes)
        return;
    kp = &r->kept[i];
    if (need > 0) {
        char *m = malloc(need);
        if (m == NULL)
            return; /* not kept: pass 2 loads it again */
        if (rows > 0)
            memcpy(m, pg->rows, rows);
        if (pg->len > 0)
            memcpy(m + rows, pg->text, pg->len);
        kp->mem = m;
    }
    kp->n_rows = pg->n_rows;
    kp->len = pg->len;
    kp->kept = 1;
    r->kept_bytes += need;
}

/* Page i (0-based) into r->pg for pass 2: the kept copy (then freed), or
 * extracted again. Only rows and text are restored (no characters). */
static int page_again(reader *r, uint32_t i)
{
    page *pg = &r->pg;
    kept_page *kp = r->kept != NULL ? &r->kept[i] : NULL;
    size_t rows;
    int rc;

    if (kp == NULL || !kp->kept)
        return load_page(r, i);
    rows = kp->n_rows * sizeof(prow);
    pg->n_chars = 0;
    pg->n_rows = 0;
    pg->len = 0;
    rc = grow((void **)&pg->rows, &pg->cap_rows, kp->n_rows, sizeof(prow));
    if (rc == ZK_OK)
        rc = grow((void **)&pg->text, &pg->cap, kp->len + 1, 1);
    if (rc != ZK_OK)
        return rc;
    if (rows > 0)
        memcpy(pg->rows, kp->mem, rows);
    if (kp->len > 0)
        memcpy(pg->text, (const char *)kp->mem + rows, kp->len);
    pg->text[kp->len] = '\0';
    pg->n_rows = kp->n_rows;
    pg->len = kp->len;
    r->kept_bytes -= rows + kp->len;
    free(kp->mem);
    kp->mem = NULL;
    kp->kept = 0;
    return ZK_OK;
}

/* ---- running headers and footers -------------------------------------- */

/* A band row's text without blanks, digit runs as '#' (malloc'ed). */
static char *band_norm(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    size_t i = 0, k = 0, l;

    if (o == NULL)
        return NULL;
    while (i < n) {
        uint32_t c = zk__utf8_decode((const unsigned char *)s + i, n - i, &l);
        int digit = (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);

        if (digit) {
            if (k == 0 || o[k - 1] != '#')
                o[k++] = '#';
        } else if (!is_blank_cp(c)) {
            memcpy(o + k, s + i, l);
            k += l;
        }
        i += l;
    }
    o[k] = '\0';
    return o;
}

/* Is a normalised band text only a page number ("#", "-#-", "第#页",
 * "#/#", "—#—", "page#")? */
static int is_page_number(const char *t)
{
    static const char *const pre[] = {"",
                                      "-",
                                      "\xE2\x80\x94",
                                      "\xE2\x80\x93",
                                      "\xE7\xAC\xAC",
                                      "page",
                                      "Page",
                                      "\xE2\x80\x94\xE2\x80\x94"};
    static const char *const post[] = {"",
                                       "-",
                                       "\xE2\x80\x94",
                                       "\xE2\x80\x93",
                                       "\xE9\xA1\xB5",
                                       "/#",
                                       "\xE9\xA1\xB5/\xE5\x85\xB1#\xE9\xA1\xB5",
                                       "\xE9\xA1\xB5\xE5\x85\xB1#\xE9\xA1\xB5",
                                       "\xE2\x80\x94\xE2\x80\x94"};
    size_t a, b;

    for (a = 0; a < sizeof(pre) / sizeof(pre[0]); a++) {
        size_t la = strlen(pre[a]);

        if (strncmp(t, pre[a], la) != 0 || t[la] != '#')
            continue;
        for (b = 0; b < sizeof(post) / sizeof(post[0]); b++)
            if (strcmp(t + la + 1, post[b]) == 0)
                return 1;
    }
    return 0;
}

/* Count a band row's text for page `pno` (pass 1). */
static int band_count(reader *r, const prow *w, uint32_t pno)
{
    char *t = band_norm(r->pg.text + w->tstart, w->tlen);
    uint32_t h;
    size_t i;

    if (t == NULL)
        return zk__error_oom();
    h = fnv(t, strlen(t));
    for (i = 0; i < r->n_bands; i++)
        if (r->bands[i].hash == h && strcmp(r->bands[i].norm, t) == 0)
            break;
    if (i < r->n_bands) {
        if (r->bands[i].last_page != pno) {
            r->bands[i].pages++;
            r->bands[i].last_page = pno;
        }
        free(t);
        return ZK_OK;
    }
    if (r->n_bands >= MAX_BAND_LINES) {
        free(t);
        return ZK_OK;
    }
    {
        void *q = realloc(r->bands, (r->n_bands + 1) * sizeof(band_line));
        if (q == NULL) {
            free(t);
            return zk__error_oom();
        }
        r->bands = q;
    }
    r->bands[r->n_bands].norm = t;
    r->bands[r->n_bands].hash = h;
    r->bands[r->n_bands].pages = 1;
    r->bands[r->n_bands].last_page = pno;
    r->n_bands++;
    return ZK_OK;
}

/* Is a band row a running header/footer or page number (pass 2)? */
static int band_drop(reader *r, const prow *w, int *oom)
{
    char *t = band_norm(r->pg.text + w->tstart, w->tlen);
    uint32_t h;
    size_t i;
    int drop = 0;

    if (t == NULL) {
        *oom = 1;
        return 0;
    }
    if (is_page_number(t)) {
        free(t);
        return 1;
    }
    h = fnv(t, strlen(t));
    for (i = 0; i < r->n_bands; i++)
        if (r->bands[i].hash == h && strcmp(r->bands[i].norm, t) == 0) {
            drop =
                r->bands[i].pages >= 3 && 2u * r->bands[i].pages >= r->n_pages;
            break;
        }
    free(t);
    return drop;
}

/* ---- pass 1: statistics ----------------------------------------------- */

static int pass1(reader *r)
{
    uint32_t i;
    size_t k;
    int rc;

    r->kept = calloc(r->n_pages, sizeof(kept_page));
    if (r->kept == NULL)
        return zk__error_oom();
    for (i = 0; i < r->n_pages; i++) {
        rc = load_page(r, i);
        if (rc != ZK_OK)
            return rc;
        page_keep(r, i);
        if (r->pg.w > r->max_w)
            r->max_w = r->pg.w;
        for (k = 0; k < r->pg.n_rows; k++) {
            const prow *w = &r->pg.rows[k];
            size_t c;

            if (w->band) {
                rc = band_count(r, w, i + 1);
                if (rc != ZK_OK)
                    return rc;
                continue;
            }
            for (c = 0; c < w->n; c++)
                r->size_chars[size_bin(r->pg.chars[w->first + c].size)]++;
            r->total_chars += w->n;
            if (w->nchars <= 40 && w->cells == 1)
                r->short_rows[w->bin]++;
        }
        /* where lines start and end, and their pitch in em */
        for (k = 0; k < r->pg.n_rows; k++) {
            const prow *w = &r->pg.rows[k];

            if (w->band || w->cells > 1)
                continue;
            r->x0_hist[x_bin(w->x0)] += w->n;
            r->x1_hist[x_bin(w->x1)] += w->n;
            if (k > 0 && !r->pg.rows[k - 1].band &&
                r->pg.rows[k - 1].bin == w->bin) {
                float d = w->y1 - r->pg.rows[k - 1].y1;
                int b = (int)(d / w->size * 20.0f + 0.5f); /* 0.05 em */
                if (b > 0 && b < PITCH_BINS)
                    r->pitch_hist[b] += w->n;
            }
        }
    }
    return ZK_OK;
}

/* Derive body size, margins, pitch and heading levels. */
static void derive(reader *r)
{
    int b, best = -1, level = 0;
    uint64_t acc, total;

    for (b = 0; b < SIZE_BINS; b++)
        if (best < 0 || r->size_chars[b] > r->size_chars[best])
            best = b;
    r->body_bin = best;
    r->body_size = best > 0 ? (float)best / 2.0f : 12.0f;
    /* left margin: the x where most line characters start */
    best = 0;
    for (b = 0; b < X_BINS; b++)
        if (r->x0_hist[b] > r->x0_hist[best])
            best = b;
    r->left = (float)best;
    /* right margin: 90th percentile of line ends (by characters) */
    total = 0;
    for (b = 0; b < X_BINS; b++)
        total += r->x1_hist[b];
    acc = 0;
    r->right = 0;
    for (b = 0; b < X_BINS; b++) {
        acc += r->x1_hist[b];
        if (acc * 10 >= total * 9) {
            r->right = (float)b;
            break;
        }
    }
    /* lines that all end short (one-line pages, lists): the measure is
     * the page less symmetric margins */
    if (r->right < 0.6 * r->max_w && r->max_w - r->left > r->right)
        r->right = (float)(r->max_w - r->left);
    best = 0;
    for (b = 1; b < PITCH_BINS; b++)
        if (r->pitch_hist[b] > r->pitch_hist[best])
            best = b;
    r->pitch = best > 0 ? (float)best / 20.0f : 1.5f; /* in em */
    if (r->pitch < 1.0f)
        r->pitch = 1.0f;
    /* heading sizes: larger than 1.1 x body, seen in short rows */
    for (b = SIZE_BINS - 1; b >= 0; b--) {
        r->level_of_bin[b] = 0;
        if ((float)b > 1.1f * (float)r->body_bin && r->short_rows[b] > 0 &&
            level < MAX_LEVELS)
            r->level_of_bin[b] = ++level;
    }
}

/* ---- the outline -------------------------------------------------------- */

/* Text without blanks (malloc'ed). */
static char *compact(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    size_t i = 0, k = 0, l;

    if (o == NULL)
        return NULL;
    while (i < n) {
        uint32_t c = zk__utf8_decode((const unsigned char *)s + i, n - i, &l);
        if (c == ZK_CP_INVALID)
            l = 1;
        else if (!is_blank_cp(c)) {
            memcpy(o + k, s + i, l);
            k += l;
        }
        i += l;
    }
    o[k] = '\0';
    return o;
}

/* Read the outline's titles and depths, walking with an explicit stack. */
static int read_outline(reader *r)
{
    PopplerIndexIter *stack[ZK_X_MAX_DEPTH];
    int depth = 0, rc = ZK_OK;

    stack[0] = poppler_index_iter_new(r->doc);
    if (stack[0] == NULL)
        return ZK_OK;
    depth = 1;
    while (depth > 0 && rc == ZK_OK) {
        PopplerIndexIter *it = stack[depth - 1];
        PopplerAction *a = poppler_index_iter_get_action(it);
        PopplerIndexIter *child;

        if (a != NULL && a->any.title != NULL && r->n_outline < MAX_OUTLINE) {
            char *t = compact(a->any.title, strlen(a->any.title));
            if (t == NULL) {
                rc = zk__error_oom();
            } else if (*t == '\0') {
                free(t);
            } else {
                void *q = realloc(r->outline,
                                  (r->n_outline + 1) * sizeof(outline_entry));
                if (q == NULL) {
                    free(t);
                    rc = zk__error_oom();
                } else {
                    r->outline = q;
                    r->outline[r->n_outline].norm = t;
                    r->outline[r->n_outline].hash = fnv(t, strlen(t));
                    r->outline[r->n_outline].depth = depth;
                    r->outline[r->n_outline].used = 0;
                    r->n_outline++;
                }
            }
        }
        if (a != NULL)
            poppler_action_free(a);
        if (rc != ZK_OK)
            break;
        child =
            depth < ZK_X_MAX_DEPTH ? poppler_index_iter_get_child(it) : NULL;
        if (child != NULL) {
            stack[depth++] = child;
            continue;
        }
        /* no child: next sibling, else climb */
        while (depth > 0 && !poppler_index_iter_next(stack[depth - 1])) {
            poppler_index_iter_free(stack[depth - 1]);
            depth--;
        }
    }
    while (depth > 0)
        poppler_index_iter_free(stack[--depth]);
    return rc;
}

/* The outline depth of a block whose text equals an unused title, or 0. */
static int outline_level(reader *r, const char *s, size_t n)
{
    char *t;
    uint32_t h;
    size_t i;
    int level = 0;

    if (r->n_outline == 0 || n > 1024)
        return 0;
    t = compact(s, n);
    if (t == NULL)
        return 0; /* no match: the block stays as it is */
    h = fnv(t, strlen(t));
    for (i = 0; i < r->n_outline; i++)
        if (!r->outline[i].used && r->outline[i].hash == h &&
            strcmp(r->outline[i].norm, t) == 0) {
            r->outline[i].used = 1;
            level = r->outline[i].depth;
            break;
        }
    free(t);
    return level > MAX_LEVELS ? MAX_LEVELS : level;
}

/* ---- pass 2: blocks ----------------------------------------------------- */

/* Give d the page the reader has started, if still pending. */
static int page_now(reader *r)
{
    int rc = ZK_OK;

    if (r->pending_page) {
        rc = zk__xdoc_page(r->d, r->pending_page);
        r->pending_page = 0;
    }
    return rc;
}

/* Emit the open block into d. */
static int flush(reader *r)
{
    open_block *ob = &r->ob;
    zk__xdoc *d = r->d;
    int kind = ob->kind, level = ob->level, rc;
    size_t i, lead = 0;

    if (!ob->active)
        return ZK_OK;
    ob->active = 0;
    if (kind == ZK_XB_TABLE && ob->rows < 2) {
        kind = ZK_XB_PARA; /* one row with gaps: a line, not a table */
        for (i = 0; i < ob->len; i++)
            if (ob->buf[i] == '\t')
                ob->buf[i] = ' ';
    }
    if (kind == ZK_XB_TABLE) {
        /* cells: '\t' -> " | " */
        size_t tabs = 0, k = 0;
        char *o;

        for (i = 0; i < ob->len; i++)
            tabs += ob->buf[i] == '\t';
        o = malloc(ob->len + 2 * tabs + 1);
        if (o == NULL)
            return zk__error_oom();
        size_t b = 0;

        tabs = 0;
        for (i = 0; i < ob->len; i++) {
            /* page breaks (in order) move by the cells before them */
            while (b < ob->n_brk && ob->brk_off[b] <= i)
                ob->brk_off[b++] += 2 * tabs;
            if (ob->buf[i] == '\t') {
                memcpy(o + k, " | ", 3);
                k += 3;
                tabs++;
            } else {
                o[k++] = ob->buf[i];
            }
        }
        o[k] = '\0';
        free(ob->buf);
        ob->buf = o;
        ob->len = k;
        ob->cap = k + 1;
    }
    if (kind != ZK_XB_TABLE) {
        int ol = outline_level(r, ob->buf, ob->len);
        if (ol > 0) {
            kind = ZK_XB_HEADING;
            level = ol;
        }
    }
    if (kind == ZK_XB_PARA && ob->lead_open == 0 && ob->lead > 0)
        lead = ob->lead;
    /* the builder maps the page breaks inside the block (a paragraph's or
     * a table's rows on later pages) through its cleaning */
    rc = zk__xdoc_block_paged(d, kind, level, ob->buf, ob->len, lead,
                              ob->brk_off, ob->brk_page, ob->n_brk);
    ob->n_brk = 0;
    return rc;
}

/* Is row w indented relative to the page's left margin? */
static int indented(reader *r, const prow *w, float left)
{
    (void)r;
    return w->x0 > left + 0.8f * w->size;
}

/* Did row w end its paragraph before row next: a sentence end short of
 * the margin, or a line much shorter than the measure, unless the next
 * row's first word would not have fitted in the room left (a line
 * broken before a long word or URL)? */
static int row_ends_para(reader *r, const prow *w, const prow *next)
{
    float room = r->right - w->x1;

    if (next->first_word + 0.5f * w->size > room)
        return 0;
    if (ends_sentence(w->last_cp) && room > 1.5f * w->size)
        return 1;
    return room > 8.0f * w->size;
}

/* Append row w to the open block, joining as the kind wants. */
static int append_row(reader *r, const prow *w, uint32_t pno, int new_page)
{
    open_block *ob = &r->ob;
    const char *t = r->pg.text + w->tstart;
    size_t n = w->tlen;
    int rc;

    if (ob->rows > 0) {
        if (ob->kind == ZK_XB_TABLE) {
            rc = buf_add(&ob->buf, &ob->len, &ob->cap, "\n", 1);
        } else if (ob->last.last_cp == '-' &&
                   is_latin_letter(ob->last.before_last_cp) &&
                   w->first_cp >= 'a' && w->first_cp <= 'z') {
            ob->len--; /* "inter-" + "national" */
            rc = ZK_OK;
        } else {
            uint32_t a = ob->last.last_cp, b = w->first_cp;
            int tight = (zk__rc_cjk(a) && (zk__rc_cjk(b) || is_cjk_punct(b))) ||
                        (zk__rc_cjk(b) && is_cjk_punct(a));
            rc = tight ? ZK_OK : buf_add(&ob->buf, &ob->len, &ob->cap, " ", 1);
        }
        if (rc != ZK_OK)
            return rc;
        if (new_page) {
            size_t cap = ob->cap_brk;

            rc = grow((void **)&ob->brk_off, &cap, ob->n_brk + 1,
                      sizeof(*ob->brk_off));
            if (rc == ZK_OK)
                rc = grow((void **)&ob->brk_page, &ob->cap_brk, ob->n_brk + 1,
                          sizeof(*ob->brk_page));
            if (rc != ZK_OK)
                return rc;
            ob->brk_page[ob->n_brk] = pno;
            ob->brk_off[ob->n_brk] = ob->len;
            ob->n_brk++;
        }
    }
    /* the bold lead runs on while every character so far is bold */
    if (ob->rows == 0) {
        ob->lead = w->bold_bytes;
        ob->lead_open = w->all_bold;
    } else if (ob->lead_open) {
        if (w->bold_bytes > 0) {
            ob->lead = ob->len + w->bold_bytes;
            ob->lead_open = w->all_bold;
        } else {
            ob->lead_open = 0;
        }
    }
    rc = buf_add(&ob->buf, &ob->len, &ob->cap, t, n);
    if (rc != ZK_OK)
        return rc;
    ob->rows++;
    ob->last = *w;
    ob->page = pno;
    return ZK_OK;
}

/* Place row w of page pno (first: the first body row of the page). */
static int place_row(reader *r, const prow *w, uint32_t pno, int first,
                     float left)
{
    open_block *ob = &r->ob;
    int kind, level = 0, cont = 0, rc;
    float delta;

    if (w->cells >= 2)
        kind = ZK_XB_TABLE;
    else if (r->level_of_bin[w->bin] > 0 && w->nchars <= 40) {
        kind = ZK_XB_HEADING;
        level = r->level_of_bin[w->bin];
    } else
        kind = ZK_XB_PARA;

    if (ob->active) {
        delta = w->y1 - ob->last.y1;
        if (ob->kind == ZK_XB_TABLE) {
            if (first)
                cont = kind == ZK_XB_TABLE && ob->page + 1 == pno;
            else
                cont = (kind == ZK_XB_TABLE ||
                        (kind == ZK_XB_PARA && w->bin == ob->bin)) &&
                       delta <= 2.5f * w->size;
        } else if (ob->kind == ZK_XB_HEADING) {
            cont = !first && kind == ZK_XB_HEADING && w->bin == ob->bin &&
                   ob->rows < 3 && delta <= (r->pitch + 0.3f) * w->size;
        } else {
            cont = kind == ZK_XB_PARA && w->bin == ob->bin &&
                   !indented(r, w, left) && !row_ends_para(r, &ob->last, w);
            if (cont && first)
                cont = ob->page + 1 == pno;
            else if (cont)
                cont = delta > 0 && delta <= r->pitch * w->size * 1.3f;
        }
    }
    if (cont) {
        if (first)
            r->pending_page = 0; /* the page starts inside the block */
        return append_row(r, w, pno, first);
    }
    rc = flush(r);
    if (rc == ZK_OK)
        rc = page_now(r);
    if (rc != ZK_OK)
        return rc;
    ob->active = 1;
    ob->kind = kind;
    ob->level = level;
    ob->bin = w->bin;
    ob->size = w->size;
    ob->len = 0;
    ob->rows = 0;
    ob->n_brk = 0;
    ob->lead = 0;
    ob->lead_open = 0;
    if (ob->buf == NULL || ob->cap == 0) {
        rc = grow((void **)&ob->buf, &ob->cap, 256, 1);
        if (rc != ZK_OK)
            return rc;
    }
    ob->buf[0] = '\0';
    return append_row(r, w, pno, 0);
}

static int pass2(reader *r)
{
    uint32_t i;
    size_t k;
    int rc, oom = 0;

    for (i = 0; i < r->n_pages; i++) {
        int first = 1;
        float left = r->left;

        rc = page_again(r, i);
        if (rc != ZK_OK)
            return rc;
        /* a page that sits further left than the document's margin */
        for (k = 0; k < r->pg.n_rows; k++) {
            const prow *w = &r->pg.rows[k];
            if (!w->band && w->bin == r->body_bin && w->x0 < left)
                left = w->x0;
        }
        r->pending_page = i + 1;
        for (k = 0; k < r->pg.n_rows; k++) {
            const prow *w = &r->pg.rows[k];

            if (w->band && band_drop(r, w, &oom))
                continue;
            if (oom)
                return zk__error_oom();
            rc = place_row(r, w, i + 1, first, left);
            if (rc != ZK_OK)
                return rc;
            first = 0;
        }
        if (r->pending_page) {
            /* nothing on the page continued or started a block */
            rc = flush(r);
            if (rc == ZK_OK)
                rc = page_now(r);
            if (rc != ZK_OK)
                return rc;
        }
    }
    return flush(r);
}

/* ---- document ----------------------------------------------------------- */

static int doc_info(reader *r)
{
    gchar *s;
    GDateTime *dt;
    int rc = ZK_OK;

    s = poppler_document_get_title(r->doc);
    if (s != NULL) {
        rc = zk__xdoc_prop(&r->d->title, s, strlen(s));
        g_free(s);
    }
    s = poppler_document_get_author(r->doc);
    if (s != NULL && rc == ZK_OK) {
        rc = zk__xdoc_prop(&r->d->author, s, strlen(s));
    }
    g_free(s);
    dt = poppler_document_get_creation_date_time(r->doc);
    if (dt != NULL) {
        if (rc == ZK_OK) {
            s = g_date_time_format(dt, "%Y-%m-%d");
            if (s != NULL)
                rc = zk__xdoc_prop(&r->d->date, s, strlen(s));
            g_free(s);
        }
        g_date_time_unref(dt);
    }
    return rc;
}

static void reader_free(reader *r)
{
    size_t i;

    for (i = 0; i < r->n_bands; i++)
        free(r->bands[i].norm);
    free(r->bands);
    for (i = 0; i < r->n_outline; i++)
        free(r->outline[i].norm);
    free(r->outline);
    if (r->kept != NULL)
        for (i = 0; i < r->n_pages; i++)
            free(r->kept[i].mem);
    free(r->kept);
    free(r->pg.chars);
    free(r->pg.rows);
    free(r->pg.text);
    free(r->ob.buf);
    free(r->ob.brk_off);
    free(r->ob.brk_page);
    if (r->doc != NULL)
        g_object_unref(r->doc);
    free(r);
}

/* Does the file start with "%PDF-" within its first KB (as readers
 * allow)? */
static int has_magic(const char *data, size_t len)
{
    size_t i, n = len < 1024 ? len : 1024;

    for (i = 0; i + 5 <= n; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0)
            return 1;
    return 0;
}

int zk__read_pdf(zk__xdoc *d, const char *data, size_t len, const char *name)
{
    reader *r;
    GBytes *bytes;
    GError *err = NULL;
    int rc = ZK_OK, n;

    zk__xdoc_clear(d);
    if (len == 0)
        return zk__error(ZK_EFORMAT, "%s: not a PDF (empty file)", name);
    if (!has_magic(data, len))
        return zk__error(ZK_EFORMAT, "%s: not a PDF (no %%PDF- header)", name);
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return zk__error_oom();
    r->name = name;
    r->d = d;
    bytes = g_bytes_new_static(data, len);
    r->doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    g_bytes_unref(bytes);
    if (r->doc == NULL) {
        if (err != NULL && err->domain == POPPLER_ERROR &&
            err->code == POPPLER_ERROR_ENCRYPTED)
            rc = zk__error(ZK_EINVAL,
                           "%s: encrypted PDF (password-protected): cannot "
                           "read its text",
                           name);
        else
            rc = zk__error(ZK_EFORMAT, "%s: damaged PDF: %s", name,
                           err != NULL && err->message != NULL
                               ? err->message
                               : "poppler cannot open it");
        if (err != NULL)
            g_error_free(err);
        reader_free(r);
        return rc;
    }
    n = poppler_document_get_n_pages(r->doc);
    if (n <= 0) {
        reader_free(r);
        return zk__error(ZK_EFORMAT, "%s: damaged PDF: no pages", name);
    }
    if ((unsigned)n > MAX_PAGES) {
        reader_free(r);
        return zk__error(ZK_EFORMAT, "%s: %d pages (at most %u are read)", name,
                         n, MAX_PAGES);
    }
    r->n_pages = (uint32_t)n;
    rc = pass1(r);
    if (rc == ZK_OK && r->total_chars == 0) {
        size_t i;
        int any = 0;
        /* band text only (e.g. page numbers stamped on a scan) is no text
         * layer either */
        for (i = 0; i < r->n_bands; i++)
            any |= !is_page_number(r->bands[i].norm);
        if (!any)
            rc = zk__error(ZK_EINVAL,
                           "%s: no text layer on any of its %u pages (a "
                           "scanned PDF? OCR it first)",
                           name, r->n_pages);
    }
    if (rc == ZK_OK) {
        derive(r);
        rc = read_outline(r);
    }
    if (rc == ZK_OK)
        rc = pass2(r);
    if (rc == ZK_OK)
        rc = zk__xdoc_page(d, r->n_pages); /* trailing empty pages */
    if (rc == ZK_OK)
        rc = doc_info(r);
    reader_free(r);
    if (rc != ZK_OK) {
        const zk_error *e = zk_error_last();

        zk__xdoc_clear(d);
        /* the builder's messages (a limit) do not know the file's name */
        if (rc != ZK_ENOMEM && e != NULL && e->message != NULL &&
            strncmp(e->message, name, strlen(name)) != 0) {
            char *m = strdup(e->message);
            if (m == NULL)
                return zk__error_oom();
            rc = zk__error(rc, "%s: %s", name, m);
            free(m);
        }
        return rc;
    }
    return ZK_OK;
}
