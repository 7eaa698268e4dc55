/* test_read_pdf.c - the PDF reader (zk__read_pdf) on PDFs generated from
 * real text
 *
 * tests/formats/gen_pdf.py lays out the seed paper and a corpus report
 * (seed.pdf, c1.pdf in $ZK_FORMATS_DIR) and records in NAME.pdf.tsv, for
 * every source block, its kind, heading level, the pages of its first and
 * last line and its reading text. The reader must give back the same
 * blocks: the same characters (ignoring whitespace and table bars, at
 * least 99.5% by an edit-distance measure), no space between two CJK
 * characters that the source lacks, no running header or page number in
 * the text, the same headings and levels, the same pages, and the PDF's
 * Info. A small PDF written here by hand checks Latin line joins (a
 * hyphenated word, a space between words); bad inputs (tests/formats/
 * bad_pdf.py, and bytes cut or made up here) must fail with the right code
 * and a message naming the file.
 */
#define _POSIX_C_SOURCE 200809L

#include "testutil.h"

#include "../../src/extract.h"
#include "../../src/internal.h"

#ifndef ZK_TEST_SRC
#error "ZK_TEST_SRC must point at tests/"
#endif

/* ---- the generator's record -------------------------------------------- */

typedef struct src_block {
    char kind[16];
    int level, page_start, page_end;
    char *text;
} src_block;

typedef struct record {
    int pages;
    char *header, *footer, *title, *author, *date;
    src_block *b;
    size_t n;
} record;

static const char *formats_dir(void)
{
    const char *d = getenv("ZK_FORMATS_DIR");

    if (d == NULL || *d == '\0')
        fail_msg("ZK_FORMATS_DIR is not set (ctest fixture formats_generate)");
    return d;
}

/* Undo the TSV escapes in place. */
static char *unesc(char *s)
{
    char *o = s, *p = s;

    while (*p) {
        if (*p == '\\' && p[1]) {
            p++;
            *o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            p++;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return s;
}

static char *xstrdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);

    assert_non_null(d);
    strcpy(d, s);
    return d;
}

static void record_read(record *rec, const char *path)
{
    size_t len;
    char *buf = tu_slurp(path, &len), *line, *save = NULL;

    memset(rec, 0, sizeof(*rec));
    for (line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');

        if (tab == NULL)
            continue;
        *tab = '\0';
        if (strcmp(line, "pages") == 0)
            rec->pages = atoi(tab + 1);
        else if (strcmp(line, "header") == 0)
            rec->header = xstrdup(unesc(tab + 1));
        else if (strcmp(line, "footer") == 0)
            rec->footer = xstrdup(unesc(tab + 1));
        else if (strcmp(line, "title") == 0)
            rec->title = xstrdup(unesc(tab + 1));
        else if (strcmp(line, "author") == 0)
            rec->author = xstrdup(unesc(tab + 1));
        else if (strcmp(line, "date") == 0)
            rec->date = xstrdup(unesc(tab + 1));
        else if (strcmp(line, "block") == 0) {
            src_block *b;
            char *f[6];
            int k;

            rec->b = realloc(rec->b, (rec->n + 1) * sizeof(*rec->b));
            assert_non_null(rec->b);
            b = &rec->b[rec->n++];
            f[0] = tab + 1;
            for (k = 1; k < 6; k++) {
                f[k] = strchr(f[k - 1], '\t');
                assert_non_null(f[k]);
                *f[k]++ = '\0';
            }
            snprintf(b->kind, sizeof(b->kind), "%s", f[1]);
            b->level = atoi(f[2]);
            b->page_start = atoi(f[3]);
            b->page_end = atoi(f[4]);
            b->text = xstrdup(unesc(f[5]));
        }
    }
    free(buf);
    assert_true(rec->pages > 0);
    assert_non_null(rec->header);
    assert_non_null(rec->footer);
    assert_true(rec->n > 10);
}

static void record_free(record *rec)
{
    size_t i;

    for (i = 0; i < rec->n; i++)
        free(rec->b[i].text);
    free(rec->b);
    free(rec->header);
    free(rec->footer);
    free(rec->title);
    free(rec->author);
    free(rec->date);
}

/* ---- text helpers ---------------------------------------------------------
 */

static uint32_t next_cp(const char *s, size_t n, size_t *i)
{
    size_t l;
    uint32_t c = zk__utf8_decode((const unsigned char *)s + *i, n - *i, &l);

    *i += l ? l : 1;
    return c;
}

static int cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF) ||
           (c >= 0x3000 && c <= 0x303F);
}

static int blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 ||
           c == 0x3000 || (c >= 0x2000 && c <= 0x200B);
}

/* Code points of s[0..n) without blanks and table bars. */
static uint32_t *compact(const char *s, size_t n, size_t *out_n)
{
    uint32_t *v = malloc((n + 1) * sizeof(uint32_t));
    size_t i = 0, k = 0;

    assert_non_null(v);
    while (i < n) {
        uint32_t c = next_cp(s, n, &i);
        if (!blank(c) && c != '|')
            v[k++] = c;
    }
    *out_n = k;
    return v;
}

/* Edit distance (insertions + deletions) between a and b, Myers' O(ND)
 * greedy algorithm, or SIZE_MAX when above `limit`. */
static size_t edit_distance(const uint32_t *a, size_t n, const uint32_t *b,
                            size_t m, size_t limit)
{
    long max = (long)limit, d, k, x, y;
    long *v = calloc((size_t)(2 * max + 3), sizeof(long));
    size_t result = SIZE_MAX;

    assert_non_null(v);
#define V(i) v[(i) + max + 1]
    for (d = 0; d <= max && result == SIZE_MAX; d++) {
        for (k = -d; k <= d; k += 2) {
            if (k == -d || (k != d && V(k - 1) < V(k + 1)))
                x = V(k + 1);
            else
                x = V(k - 1) + 1;
            y = x - k;
            while (x < (long)n && y < (long)m && a[x] == b[y]) {
                x++;
                y++;
            }
            V(k) = x;
            if (x >= (long)n && y >= (long)m) {
                result = (size_t)d;
                break;
            }
        }
    }
#undef V
    free(v);
    return result;
}

/* Does `hay` (normalised: blank runs as one space) contain `needle`? */
static int contains_norm(const char *hay, const char *needle)
{
    size_t n = strlen(hay), i = 0, k = 0;
    char *o = malloc(n + 1);
    int found, sp = 0;

    assert_non_null(o);
    while (i < n) {
        size_t j = i;
        uint32_t c = next_cp(hay, n, &i);
        if (blank(c)) {
            sp = 1;
            continue;
        }
        if (sp && k > 0)
            o[k++] = ' ';
        sp = 0;
        memcpy(o + k, hay + j, i - j);
        k += i - j;
    }
    o[k] = '\0';
    found = strstr(o, needle) != NULL;
    free(o);
    return found;
}

/* ---- reading a fixture ------------------------------------------------- */

typedef struct fixture {
    record rec;
    zk__xdoc d;
    char *pdf;
    size_t len;
} fixture;

static void fixture_load(fixture *f, const char *name)
{
    char path[4096], tsv[4200];
    int rc;

    snprintf(path, sizeof(path), "%s/%s.pdf", formats_dir(), name);
    snprintf(tsv, sizeof(tsv), "%s.tsv", path);
    record_read(&f->rec, tsv);
    f->pdf = tu_slurp(path, &f->len);
    zk__xdoc_init(&f->d);
    rc = zk__read_pdf(&f->d, f->pdf, f->len, path);
    if (rc != ZK_OK)
        fail_msg("%s: %s", path, zk_error_last()->message);
}

static void fixture_free(fixture *f)
{
    zk__xdoc_clear(&f->d);
    free(f->pdf);
    record_free(&f->rec);
}

static const char *kind_name(int kind)
{
    return kind == ZK_XB_HEADING ? "heading"
           : kind == ZK_XB_TABLE ? "table"
                                 : "para";
}

/* Source blocks the generator laid out (an empty table draws nothing). */
static size_t laid_out(const record *rec)
{
    size_t i, k = 0;

    for (i = 0; i < rec->n; i++)
        k += rec->b[i].page_start > 0 && rec->b[i].text[0] != '\0';
    return k;
}

/* (1) the characters come back, in order */
static void check_text(const fixture *f)
{
    size_t i, srclen = 0, n, m, d, limit;
    char *src;
    uint32_t *a, *b;
    double ratio;

    for (i = 0; i < f->rec.n; i++)
        srclen += strlen(f->rec.b[i].text) + 1;
    src = malloc(srclen + 1);
    assert_non_null(src);
    src[0] = '\0';
    for (i = 0; i < f->rec.n; i++) {
        strcat(src, f->rec.b[i].text);
        strcat(src, "\n");
    }
    a = compact(src, strlen(src), &n);
    b = compact(f->d.text, f->d.len, &m);
    assert_true(n > 1000);
    limit = n / 100 + 16;
    d = edit_distance(a, n, b, m, limit);
    assert_true(d != SIZE_MAX);
    /* characters in common (a longest common subsequence) */
    ratio = (double)((n + m - d) / 2) / (double)n;
    print_message("  %zu source characters, %zu extracted, edit distance "
                  "%zu: %.4f in common\n",
                  n, m, d, ratio);
    assert_true(ratio >= 0.995);
    assert_true((double)((n + m - d) / 2) / (double)m >= 0.995);
    free(a);
    free(b);
    free(src);
}

/* (2) no space between two CJK characters that the source lacks */
static void check_cjk_spaces(const fixture *f)
{
    size_t i, bad = 0;

    assert_int_equal(f->d.n_blocks, laid_out(&f->rec));
    for (i = 0; i < f->d.n_blocks; i++) {
        const zk__xblock *k = &f->d.blocks[i];
        const char *t = f->d.text + k->start;
        size_t n = k->end - k->start, p = 0;
        uint32_t prev = 0;
        size_t prev_at = 0;

        while (p < n) {
            size_t at = p;
            uint32_t c = next_cp(t, n, &p);

            if (c == ' ' && cjk(prev) && p < n) {
                size_t q = p;
                uint32_t c2 = next_cp(t, n, &q);
                if (cjk(c2)) {
                    char tri[16];
                    size_t l = q - prev_at;
                    memcpy(tri, t + prev_at, l < 15 ? l : 15);
                    tri[l < 15 ? l : 15] = '\0';
                    if (!contains_norm(f->rec.b[i].text, tri)) {
                        print_message("  block %zu: \"%s\" not in source\n", i,
                                      tri);
                        bad++;
                    }
                }
            }
            if (c != ' ') {
                prev = c;
                prev_at = at;
            }
        }
    }
    assert_int_equal(bad, 0);
}

/* (3) no running header or page number in the text */
static void check_bands(const fixture *f)
{
    size_t i, got = 0, want = 0;
    int p;
    char pat[64], num[16];

    for (i = 0; i < f->rec.n; i++)
        want += strstr(f->rec.b[i].text, f->rec.header) != NULL;
    for (i = 0; i < f->d.n_blocks; i++) {
        const zk__xblock *k = &f->d.blocks[i];
        char *t = malloc(k->end - k->start + 1);

        assert_non_null(t);
        memcpy(t, f->d.text + k->start, k->end - k->start);
        t[k->end - k->start] = '\0';
        got += strstr(t, f->rec.header) != NULL;
        for (p = 1; p <= f->rec.pages; p++) {
            const char *brace = strstr(f->rec.footer, "{n}");
            assert_non_null(brace);
            snprintf(num, sizeof(num), "%d", p);
            snprintf(pat, sizeof(pat), "%.*s%s%s", (int)(brace - f->rec.footer),
                     f->rec.footer, num, brace + 3);
            if (strstr(t, pat) != NULL && strstr(f->rec.b[i].text, pat) == NULL)
                fail_msg("block %zu holds the page number \"%s\": %s", i, pat,
                         t);
            if (strcmp(t, num) == 0 && strcmp(f->rec.b[i].text, num) != 0)
                fail_msg("block %zu is only a page number", i);
        }
        free(t);
    }
    print_message("  header \"%s\" (on pages 2..%d) in %zu blocks, source "
                  "has it in %zu\n",
                  f->rec.header, f->rec.pages, got, want);
    assert_int_equal(got, want);
}

/* The pages of a table's rows: each row on one page, from the table's
 * first page (its first row) to its last (its last row), in order and a
 * page at a time. Returns 1 when the table crosses a page. */
static int check_table_rows(const fixture *f, size_t i, const zk__xblock *b,
                            const src_block *s)
{
    size_t a = b->start, rows = 0;
    uint32_t prev = 0, first = 0;

    while (a < b->end) {
        size_t e = a;
        uint32_t p, q;

        while (e < b->end && f->d.text[e] != '\n')
            e++;
        p = zk__xdoc_page_of(&f->d, a);
        q = zk__xdoc_page_of(&f->d, e > a ? e - 1 : a);
        if (p != q)
            fail_msg("block %zu: row %zu runs over pages %u-%u: %.*s", i, rows,
                     p, q, (int)(e - a), f->d.text + a);
        if (rows == 0)
            first = p;
        else if (p < prev || p > prev + 1)
            fail_msg("block %zu: row %zu on page %u after a row on %u", i, rows,
                     p, prev);
        prev = p;
        rows++;
        a = e + 1;
    }
    if ((int)first != s->page_start || (int)prev != s->page_end)
        fail_msg("block %zu: rows on pages %u..%u, generator %d..%d", i, first,
                 prev, s->page_start, s->page_end);
    return first != prev;
}

/* (4) kinds and heading levels, (5) pages: block by block, and a table's
 * rows */
static void check_blocks(const fixture *f)
{
    size_t i, k = 0, heads = 0, tables_over = 0;

    assert_int_equal(f->d.n_blocks, laid_out(&f->rec));
    for (i = 0; i < f->rec.n; i++) {
        const src_block *s = &f->rec.b[i];
        const zk__xblock *b;

        if (s->page_start == 0 || s->text[0] == '\0')
            continue;
        b = &f->d.blocks[k++];
        if (strcmp(kind_name(b->kind), s->kind) != 0)
            fail_msg("block %zu: %s, source %s: %.*s", i, kind_name(b->kind),
                     s->kind, (int)(b->end - b->start), f->d.text + b->start);
        if (b->kind == ZK_XB_HEADING) {
            assert_int_equal(b->level, s->level);
            heads++;
        }
        if ((int)zk__xdoc_page_of(&f->d, b->start) != s->page_start ||
            (int)zk__xdoc_page_of(&f->d, b->end - 1) != s->page_end)
            fail_msg("block %zu: pages %u-%u, generator put it on %d-%d", i,
                     zk__xdoc_page_of(&f->d, b->start),
                     zk__xdoc_page_of(&f->d, b->end - 1), s->page_start,
                     s->page_end);
        if (b->kind == ZK_XB_TABLE)
            tables_over += (size_t)check_table_rows(f, i, b, s);
    }
    assert_int_equal(f->d.n_pages, (uint32_t)f->rec.pages);
    print_message("  %zu blocks (%zu headings) on %d pages match, %zu tables "
                  "over a page break\n",
                  k, heads, f->rec.pages, tables_over);
}

/* (6) document info */
static void check_info(const fixture *f)
{
    assert_non_null(f->d.title);
    assert_string_equal(f->d.title, f->rec.title);
    assert_non_null(f->d.author);
    assert_string_equal(f->d.author, f->rec.author);
    assert_non_null(f->d.date);
    assert_string_equal(f->d.date, f->rec.date);
}

static void check_fixture(const char *name, int headings)
{
    fixture f;
    size_t i, crossing = 0, heads = 0, leads = 0;

    fixture_load(&f, name);
    check_text(&f);
    check_cjk_spaces(&f);
    check_bands(&f);
    check_blocks(&f);
    check_info(&f);
    for (i = 0; i < f.d.n_blocks; i++) {
        const zk__xblock *b = &f.d.blocks[i];
        crossing += zk__xdoc_page_of(&f.d, b->start) !=
                    zk__xdoc_page_of(&f.d, b->end - 1);
        heads += b->kind == ZK_XB_HEADING;
        leads += b->lead > 0;
    }
    /* the layout really did break paragraphs across pages */
    assert_true(crossing >= 3);
    if (headings)
        assert_true(heads >= 10);
    print_message("  %zu blocks cross a page break, %zu bold leads\n", crossing,
                  leads);
    fixture_free(&f);
}

static void test_seed(void **state)
{
    (void)state;
    check_fixture("seed", 1);
}

static void test_c1(void **state)
{
    (void)state;
    check_fixture("c1", 0);
}

/* The seed's bold run-in leads come back, byte for byte. */
static void test_seed_leads(void **state)
{
    fixture f;
    size_t i, k = 0, want = 0, got = 0;

    (void)state;
    fixture_load(&f, "seed");
    for (i = 0; i < f.rec.n; i++) {
        const src_block *s = &f.rec.b[i];
        const zk__xblock *b;
        const char *lead_src;

        if (s->page_start == 0 || s->text[0] == '\0')
            continue;
        b = &f.d.blocks[k++];
        /* the source's lead: "(一) 产业能级还需聚力提升。" style */
        lead_src = NULL;
        if (strcmp(s->kind, "para") == 0 && b->lead > 0) {
            got++;
            lead_src = f.d.text + b->start;
            /* the lead is a prefix of the block, ending at a character */
            assert_true(b->lead < b->end - b->start);
            assert_true(((unsigned char)lead_src[b->lead] & 0xC0) != 0x80);
        }
    }
    /* the paragraphs with a lead in seed.blocks.json (mdblocks.py) */
    {
        char path[4096];
        size_t len;
        char *js, *p;

        snprintf(path, sizeof(path), "%s/seed.blocks.json", formats_dir());
        js = tu_slurp(path, &len);
        for (p = js; (p = strstr(p, "\"lead\"")) != NULL; p += 6) {
            char *q = strchr(p + 6, '"');
            if (q != NULL && q[1] != '"')
                want++;
        }
        free(js);
    }
    print_message("  %zu bold leads, source has %zu\n", got, want);
    assert_true(want > 10);
    assert_int_equal(got, want);
    fixture_free(&f);
}

/* ---- a PDF written by hand: Latin line joins --------------------------- */

/* A one-page PDF with Helvetica lines `lines` at 12 pt, 14 pt apart. */
static char *hand_pdf(const char *const *lines, size_t n, size_t *len)
{
    char content[4096], *out = malloc(8192);
    size_t off[6], k = 0, i, clen = 0, xref;

    assert_non_null(out);
    clen += (size_t)snprintf(content, sizeof(content),
                             "BT /F1 12 Tf 14 TL 72 720 Td\n");
    for (i = 0; i < n; i++)
        clen += (size_t)snprintf(content + clen, sizeof(content) - clen,
                                 "(%s) Tj T*\n", lines[i]);
    clen += (size_t)snprintf(content + clen, sizeof(content) - clen, "ET\n");
    k = (size_t)sprintf(out, "%%PDF-1.4\n");
    off[1] = k;
    k += (size_t)sprintf(out + k,
                         "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = k;
    k += (size_t)sprintf(out + k, "2 0 obj << /Type /Pages /Kids [3 0 R] "
                                  "/Count 1 >> endobj\n");
    off[3] = k;
    k += (size_t)sprintf(out + k,
                         "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 "
                         "0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
                         "/Contents 4 0 R >> endobj\n");
    off[4] = k;
    k += (size_t)sprintf(out + k,
                         "4 0 obj << /Length %zu >> stream\n%s"
                         "endstream endobj\n",
                         clen, content);
    off[5] = k;
    k += (size_t)sprintf(out + k, "5 0 obj << /Type /Font /Subtype /Type1 "
                                  "/BaseFont /Helvetica >> endobj\n");
    xref = k;
    k += (size_t)sprintf(out + k, "xref\n0 6\n0000000000 65535 f \n");
    for (i = 1; i <= 5; i++)
        k += (size_t)sprintf(out + k, "%010zu 00000 n \n", off[i]);
    k += (size_t)sprintf(out + k,
                         "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n"
                         "%%%%EOF\n",
                         xref);
    *len = k;
    return out;
}

static void test_latin_joins(void **state)
{
    static const char *const lines[] = {
        "The committee promotes regional trade, open markets and stable inter-",
        "national cooperation among the member states of the union and the "
        "well-",
        "Known Standard that all of them adopted for the whole region this "
        "year."};
    size_t len;
    char *pdf = hand_pdf(lines, 3, &len);
    zk__xdoc d;

    (void)state;
    zk__xdoc_init(&d);
    assert_int_equal(zk__read_pdf(&d, pdf, len, "hand.pdf"), ZK_OK);
    assert_int_equal(d.n_blocks, 1);
    assert_int_equal(d.n_pages, 1);
    assert_int_equal(d.blocks[0].kind, ZK_XB_PARA);
    /* "inter-" + "national" joins; "well-" + "Known" keeps its hyphen
     * (the next line starts upper case): a space is added between lines */
    assert_string_equal(d.text,
                        "The committee promotes regional trade, open markets "
                        "and stable international cooperation among the "
                        "member states of the union and the well- Known "
                        "Standard that all of them adopted for the whole "
                        "region this year.\n");
    assert_null(d.title);
    zk__xdoc_clear(&d);
    free(pdf);
}

/* ---- bad input ---------------------------------------------------------- */

static void expect_error(const char *data, size_t len, const char *name,
                         int code, const char *what)
{
    zk__xdoc d;
    const zk_error *e;
    int rc;

    zk__xdoc_init(&d);
    rc = zk__read_pdf(&d, data, len, name);
    e = zk_error_last();
    if (rc != code)
        fail_msg("%s: rc %d, want %d (%s)", name, rc, code,
                 e && e->message ? e->message : "");
    assert_non_null(e);
    assert_int_equal(e->code, code);
    assert_true(strncmp(e->message, name, strlen(name)) == 0);
    if (strstr(e->message, what) == NULL)
        fail_msg("%s: message \"%s\" lacks \"%s\"", name, e->message, what);
    /* d left cleared */
    assert_null(d.text);
    assert_int_equal(d.n_blocks, 0);
    assert_int_equal(d.n_pages, 0);
    assert_null(d.title);
}

/* The bad PDFs of tests/formats/bad_pdf.py, written once into the build
 * tree; returns their directory. */
static const char *bad_dir(void)
{
    static char dir[4096];
    char cmd[8400], probe[4200];
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/bad-pdf", formats_dir());
    snprintf(probe, sizeof(probe), "%s/notpdf.pdf", dir);
    f = fopen(probe, "rb");
    if (f != NULL) {
        fclose(f);
        return dir;
    }
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 '%s/formats/bad_pdf.py' '%s' >/dev/null",
             ZK_TEST_SRC, dir);
    assert_int_equal(system(cmd), 0);
    return dir;
}

static void bad_file(const char *file, int code, const char *what)
{
    char path[4200];
    size_t len;
    char *data;

    snprintf(path, sizeof(path), "%s/%s", bad_dir(), file);
    data = tu_slurp(path, &len);
    expect_error(data, len, path, code, what);
    free(data);
}

static void test_bad_files(void **state)
{
    (void)state;
    bad_file("encrypted.pdf", ZK_EINVAL, "encrypted PDF (password-protected)");
    bad_file("truncated.pdf", ZK_EFORMAT, "damaged PDF: ");
    bad_file("scan.pdf", ZK_EINVAL, "no text layer on any of its 3 pages");
    bad_file("notpdf.pdf", ZK_EFORMAT, "not a PDF");
}

/* A PDF whose xref is overwritten is repaired by poppler and still read;
 * 3,000 pages give 3,000 pages and blocks. */
static void test_repaired_and_many(void **state)
{
    char path[4200];
    size_t len;
    char *data;
    zk__xdoc d;

    (void)state;
    snprintf(path, sizeof(path), "%s/corrupt.pdf", bad_dir());
    data = tu_slurp(path, &len);
    zk__xdoc_init(&d);
    assert_int_equal(zk__read_pdf(&d, data, len, path), ZK_OK);
    assert_true(d.n_blocks >= 1);
    assert_true(strstr(d.text, "测试报告") != NULL);
    zk__xdoc_clear(&d);
    free(data);

    snprintf(path, sizeof(path), "%s/many-pages.pdf", bad_dir());
    data = tu_slurp(path, &len);
    assert_int_equal(zk__read_pdf(&d, data, len, path), ZK_OK);
    assert_int_equal(d.n_pages, 3000);
    assert_int_equal(d.n_blocks, 3000);
    assert_true(strstr(d.text, "第2999页的正文") != NULL);
    assert_null(strstr(d.text, "- 2999 -")); /* footers dropped */
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[1234].start), 1235);
    zk__xdoc_clear(&d);
    free(data);
}

static void test_bad_bytes(void **state)
{
    char path[4096];
    size_t len;
    char *pdf;

    (void)state;
    expect_error("", 0, "empty.pdf", ZK_EFORMAT, "not a PDF (empty file)");
    expect_error("hello, world\n", 13, "hello.pdf", ZK_EFORMAT,
                 "not a PDF (no %PDF- header)");
    expect_error("%PDF-1.7\n", 9, "header-only.pdf", ZK_EFORMAT, "damaged PDF");
    /* the seed cut to a third */
    snprintf(path, sizeof(path), "%s/seed.pdf", formats_dir());
    pdf = tu_slurp(path, &len);
    expect_error(pdf, len / 3, "seed-cut.pdf", ZK_EFORMAT, "damaged PDF");
    free(pdf);
}

/* zk__xdoc_block_paged maps page breaks through a table's cleaning (empty
 * cells and rows dropped), trimming and U+FFFD for bad bytes. */
static void test_block_paged(void **state)
{
    /* rows: "a |  | b" (page 1), " |  " (empty, page 2 starts here),
     * "c | \xff" (page 2), "d" (page 3) */
    static const char tab[] = "  a |  | b\n |  \nc | \xff\nd";
    const size_t row2 = 11, row4 = (sizeof(tab) - 1) - 1;
    size_t off[2];
    uint32_t pg[2] = {2, 3};
    static const char para[] = " x\xfe\xfeyz";
    size_t poff[1] = {4}; /* at "y" */
    uint32_t ppg[1] = {5};
    zk__xdoc d;
    const char *t;

    (void)state;
    zk__xdoc_init(&d);
    off[0] = row2;
    off[1] = row4;
    assert_int_equal(tab[row4], 'd');
    assert_int_equal(zk__xdoc_page(&d, 1), ZK_OK);
    assert_int_equal(zk__xdoc_block_paged(&d, ZK_XB_TABLE, 0, tab,
                                          sizeof(tab) - 1, 0, off, pg, 2),
                     ZK_OK);
    assert_int_equal(d.n_blocks, 1);
    t = d.text + d.blocks[0].start;
    assert_int_equal(d.blocks[0].end - d.blocks[0].start,
                     strlen("a | b\nc | \xEF\xBF\xBD\nd"));
    assert_memory_equal(t, "a | b\nc | \xEF\xBF\xBD\nd",
                        d.blocks[0].end - d.blocks[0].start);
    assert_int_equal(d.n_pages, 3);
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[0].start), 1);
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[0].start + 4), 1); /* b */
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[0].start + 6), 2); /* c */
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[0].end - 2), 2);   /* ? */
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[0].end - 1), 3);   /* d */
    /* a paragraph: the break after two bad bytes (3 bytes out each) and a
     * page skipped (page 4 empty) */
    assert_int_equal(zk__xdoc_block_paged(&d, ZK_XB_PARA, 0, para,
                                          sizeof(para) - 1, 0, poff, ppg, 1),
                     ZK_OK);
    assert_int_equal(d.n_blocks, 2);
    t = d.text + d.blocks[1].start;
    assert_memory_equal(t, "x\xEF\xBF\xBD\xEF\xBF\xBDyz", 9);
    assert_int_equal(d.n_pages, 5);
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[1].start + 6), 3);
    assert_int_equal(zk__xdoc_page_of(&d, d.blocks[1].start + 7), 5);
    assert_int_equal(d.page_start[3], d.page_start[4]);
    /* an empty block still counts its pages, starting at what follows */
    ppg[0] = 6;
    poff[0] = 1;
    assert_int_equal(zk__xdoc_block_paged(&d, ZK_XB_TABLE, 0, " | \n | ", 7, 0,
                                          poff, ppg, 1),
                     ZK_OK);
    assert_int_equal(d.n_blocks, 2);
    assert_int_equal(d.n_pages, 6);
    assert_int_equal(d.page_start[5], d.len);
    zk__xdoc_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_c1),
        cmocka_unit_test(test_seed_leads),
        cmocka_unit_test(test_block_paged),
        cmocka_unit_test(test_latin_joins),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_repaired_and_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
