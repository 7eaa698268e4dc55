/* fuzz_docx.c - fuzz target: the Word .docx reader (zk__read_docx,
 * src/extract.h).
 *
 * Input: one byte choosing what the rest is, then the bytes:
 *   0, 6, 7  the whole .docx file (a zip)
 *   1        word/document.xml of a zip built here (so that the XML
 *            paths are reached: random bytes rarely form a zip)
 *   2        word/styles.xml beside a fixed document using styles
 *   3        word/numbering.xml beside a fixed numbered document
 *   4        word/footnotes.xml beside a fixed document
 *   5        docProps/core.xml beside a fixed document
 * The built zip stores its entries (deflated for even selector bytes
 * above 0x80). Checks: only ZK_OK, ZK_EFORMAT or ZK_ENOMEM; an error has a
 * message starting with the name and leaves the document cleared; on
 * success the text is strict UTF-8 without NUL or control characters
 * other than '\n', every block ends with '\n', blocks are in order and
 * cover the text, levels and leads are in range, no pages. */
#include "fuzz_util.h"

#include <zip.h>

#include "extract.h"

#define NAME "fuzz-input.docx"

static const char fixed_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
    "wordprocessingml/2006/main\"><w:body>"
    "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:numPr><w:ilvl w:val=\"0\"/>"
    "<w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>总体要求</w:t></w:r>"
    "</w:p><w:p><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/>"
    "</w:numPr></w:pPr><w:r><w:rPr><w:rStyle w:val=\"Strong\"/></w:rPr>"
    "<w:t>加快发展。</w:t></w:r><w:r><w:t>正文</w:t><w:footnoteReference "
    "w:id=\"1\"/></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p>"
    "<w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "</w:body></w:document>";

/* Build a zip of `n` (name, bytes, length) entries in memory; the
 * caller frees *out. 0 on failure. */
static int build_zip(const char *const *names, const char *const *bodies,
                     const size_t *lens, int n, int deflate, char **out,
                     size_t *out_len)
{
    zip_error_t ze;
    zip_source_t *src, *s;
    zip_t *za;
    zip_stat_t st;
    int i;

    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (src == NULL)
        return 0;
    zip_source_keep(src);
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    zip_error_fini(&ze);
    if (za == NULL) {
        zip_source_free(src);
        zip_source_free(src);
        return 0;
    }
    for (i = 0; i < n; i++) {
        zip_int64_t idx;
        s = zip_source_buffer(za, bodies[i], lens[i], 0);
        if (s == NULL)
            abort();
        idx = zip_file_add(za, names[i], s, ZIP_FL_OVERWRITE);
        if (idx < 0) {
            zip_source_free(s);
            abort();
        }
        zip_set_file_compression(za, (zip_uint64_t)idx,
                                 deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
    }
    if (zip_close(za) != 0)
        abort();
    zip_stat_init(&st);
    if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0)
        abort();
    *out = malloc(st.size + 1);
    if (*out == NULL)
        abort();
    if (zip_source_read(src, *out, st.size) != (zip_int64_t)st.size)
        abort();
    zip_source_close(src);
    zip_source_free(src);
    *out_len = st.size;
    return 1;
}

static const char fixed_styles[] =
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/"
    "2006/main\"><w:style w:type=\"paragraph\" w:styleId=\"Heading1\">"
    "<w:name w:val=\"heading 1\"/><w:pPr><w:outlineLvl w:val=\"0\"/></w:pPr>"
    "</w:style><w:style w:type=\"character\" w:styleId=\"Strong\"><w:name "
    "w:val=\"Strong\"/><w:rPr><w:b/></w:rPr></w:style></w:styles>";

static const char fixed_numbering[] =
    "<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/"
    "wordprocessingml/2006/main\"><w:abstractNum w:abstractNumId=\"0\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt "
    "w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/></w:lvl>"
    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt "
    "w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%2）\"/></w:lvl>"
    "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/>"
    "</w:num></w:numbering>";

/* The checks on a document the reader accepted. */
static void check_doc(const zk__xdoc *d)
{
    size_t i, prev = 0;

    FZ_CHECK(d->n_pages == 0);
    if (d->n_blocks == 0) {
        FZ_CHECK(d->len == 0);
        return;
    }
    FZ_CHECK(d->text != NULL && d->text[d->len] == '\0');
    FZ_CHECK(fz_utf8_ok(d->text, d->len));
    for (i = 0; i < d->len; i++) {
        unsigned char ch = (unsigned char)d->text[i];
        FZ_CHECK(ch >= 0x20 || ch == '\n');
        FZ_CHECK(ch != 0x7F);
    }
    for (i = 0; i < d->n_blocks; i++) {
        const zk__xblock *b = &d->blocks[i];
        FZ_CHECK(b->start == prev);
        FZ_CHECK(b->start < b->end && b->end < d->len);
        FZ_CHECK(d->text[b->end] == '\n');
        FZ_CHECK(b->kind == ZK_XB_PARA || b->kind == ZK_XB_HEADING ||
                 b->kind == ZK_XB_TABLE);
        if (b->kind == ZK_XB_HEADING)
            FZ_CHECK(b->level >= 1 && b->level <= 6);
        else
            FZ_CHECK(b->level == 0);
        if (b->kind != ZK_XB_TABLE)
            FZ_CHECK(memchr(d->text + b->start, '\n', b->end - b->start) ==
                     NULL);
        FZ_CHECK(b->lead == 0 ||
                 (b->kind == ZK_XB_PARA && b->lead < b->end - b->start));
        prev = b->end + 1;
    }
    FZ_CHECK(prev == d->len);
    if (d->title != NULL)
        FZ_CHECK(fz_utf8_ok(d->title, strlen(d->title)));
    if (d->author != NULL)
        FZ_CHECK(fz_utf8_ok(d->author, strlen(d->author)));
    if (d->date != NULL)
        FZ_CHECK(strlen(d->date) == 4 || strlen(d->date) == 7 ||
                 strlen(d->date) == 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *names[3], *bodies[3];
    size_t lens[3], len;
    char *zipped = NULL;
    const char *in;
    zk__xdoc d;
    const zk_error *e;
    int rc, sel, n = 0;

    if (size == 0)
        return 0;
    sel = data[0] & 7;
    in = (const char *)data + 1;
    len = size - 1;
    if (sel >= 1 && sel <= 5) {
        names[n] = "word/document.xml";
        bodies[n] = sel == 1 ? in : fixed_doc;
        lens[n++] = sel == 1 ? len : sizeof(fixed_doc) - 1;
        if (sel == 2 || sel == 3) {
            names[n] = sel == 2 ? "word/styles.xml" : "word/numbering.xml";
            bodies[n] = in;
            lens[n++] = len;
            names[n] = sel == 2 ? "word/numbering.xml" : "word/styles.xml";
            bodies[n] = sel == 2 ? fixed_numbering : fixed_styles;
            lens[n++] = sel == 2 ? sizeof(fixed_numbering) - 1
                                 : sizeof(fixed_styles) - 1;
        } else if (sel == 4 || sel == 5) {
            names[n] = sel == 4 ? "word/footnotes.xml" : "docProps/core.xml";
            bodies[n] = in;
            lens[n++] = len;
        }
        if (!build_zip(names, bodies, lens, n, data[0] >= 0x80, &zipped, &len))
            return 0;
        in = zipped;
    }
    zk__xdoc_init(&d);
    zk_error_clear();
    rc = zk__read_docx(&d, in, len, NAME);
    if (rc != ZK_OK) {
        FZ_CHECK(rc == ZK_EFORMAT || rc == ZK_ENOMEM);
        e = zk_error_last();
        FZ_CHECK(e != NULL && e->code == rc && e->message != NULL);
        if (rc == ZK_EFORMAT)
            FZ_CHECK(strncmp(e->message, NAME ": ", strlen(NAME ": ")) == 0);
        FZ_CHECK(d.text == NULL && d.blocks == NULL && d.n_blocks == 0 &&
                 d.title == NULL && d.author == NULL && d.date == NULL);
    } else {
        check_doc(&d);
    }
    zk__xdoc_clear(&d);
    free(zipped);
    return 0;
}
