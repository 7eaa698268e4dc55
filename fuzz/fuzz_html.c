/* fuzz_html.c - fuzz target: the HTML reader (zk__read_html, extract.h)
 *
 * Input: one byte choosing the forced encoding (NULL to honour the page's
 * declaration or detect, "utf-8", "gb18030", "big5", or an unknown name),
 * then the page's bytes. Checks: only ZK_OK, ZK_EFORMAT, ZK_EENCODING,
 * ZK_ENOMEM (ZK_EINVAL for the unknown name only), with a message that
 * starts with the file's name; on failure the document is cleared; on
 * success the text is strict UTF-8 with no control characters but '\n',
 * every block is non-empty, ends in '\n', follows the one before and the
 * blocks cover the text; heading levels are 1..6, leads lie inside their
 * paragraph and only paragraphs have them; no pages; properties are
 * UTF-8; and the text of a <script> element never appears when the page
 * holds one plain "<script>" element with a marker inside, no markup
 * before it and no 'z' or '&' outside it. */
#include "fuzz_util.h"

#include "extract.h"

#define NAME "fuzz-input.html"
#define MARK "zkSCRIPTmarker"

static const char *const forced[8] = {NULL,    NULL,      NULL,   NULL,
                                      "utf-8", "gb18030", "big5", "x-klingon"};

static void check_prop(const char *p)
{
    if (p != NULL)
        FZ_CHECK(fz_utf8_ok(p, strlen(p)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *enc, *page;
    const zk_error *e;
    zk__xdoc d;
    size_t len, i, prev = 0;
    int rc;

    if (size == 0)
        return 0;
    enc = forced[data[0] & 7];
    page = (const char *)data + 1;
    len = size - 1;
    zk__xdoc_init(&d);
    zk_error_clear();
    rc = zk__read_html(&d, page, len, NAME, enc);
    if (rc != ZK_OK) {
        e = zk_error_last();
        FZ_CHECK(e != NULL && e->code == rc && e->message != NULL);
        FZ_CHECK(strncmp(e->message, NAME ": ", strlen(NAME ": ")) == 0);
        if (enc == forced[7])
            FZ_CHECK(rc == ZK_EINVAL);
        else
            FZ_CHECK(rc == ZK_EFORMAT || rc == ZK_EENCODING || rc == ZK_ENOMEM);
        FZ_CHECK(d.text == NULL && d.blocks == NULL && d.n_blocks == 0 &&
                 d.len == 0 && d.title == NULL && d.org == NULL);
        return 0;
    }
    FZ_CHECK(enc != forced[7] || len == 0);
    FZ_CHECK(d.n_pages == 0);
    FZ_CHECK((d.text == NULL) == (d.len == 0));
    if (d.text != NULL) {
        FZ_CHECK(d.text[d.len] == '\0');
        FZ_CHECK(fz_utf8_ok(d.text, d.len));
        for (i = 0; i < d.len; i++)
            FZ_CHECK((unsigned char)d.text[i] >= 0x20 || d.text[i] == '\n');
    }
    for (i = 0; i < d.n_blocks; i++) {
        const zk__xblock *b = &d.blocks[i];

        FZ_CHECK(b->kind == ZK_XB_PARA || b->kind == ZK_XB_HEADING ||
                 b->kind == ZK_XB_TABLE);
        FZ_CHECK(b->start == prev && b->end > b->start && b->end < d.len);
        FZ_CHECK(d.text[b->end] == '\n');
        if (b->kind != ZK_XB_TABLE)
            FZ_CHECK(memchr(d.text + b->start, '\n', b->end - b->start) ==
                     NULL);
        if (b->kind == ZK_XB_HEADING)
            FZ_CHECK(b->level >= 1 && b->level <= 6);
        else
            FZ_CHECK(b->level == 0);
        FZ_CHECK(b->lead == 0 ||
                 (b->kind == ZK_XB_PARA && b->lead < b->end - b->start));
        prev = b->end + 1;
    }
    FZ_CHECK(prev == d.len);
    check_prop(d.title);
    check_prop(d.author);
    check_prop(d.date);
    check_prop(d.org);
    check_prop(d.docno);
    /* a lone, closed script element's content never leaks */
    if (enc == NULL && d.text != NULL) {
        char *s = fz_strndup((const uint8_t *)page, len);
        char *a = strstr(s, "<script>"), *m, *z;

        /* unambiguous only with no markup before it (libxml2 reads
         * "<h<script>" as an element h and text) and no "</" inside it
         * before the marker (which may end the script early) */
        if (a != NULL && memchr(s, '<', (size_t)(a - s)) == NULL &&
            memchr(s, '&', (size_t)(a - s)) == NULL &&
            strstr(a + 1, "<script") == NULL && strstr(s, "<!--") == NULL &&
            strstr(s, "<![") == NULL && (m = strstr(a, MARK)) != NULL &&
            (z = strstr(a, "</script>")) && m < z && strstr(z, MARK) == NULL &&
            memchr(s, '\0', len) == NULL && fz_utf8_ok(s, len) &&
            strstr(s, "charset") == NULL) {
            /* outside the script no 'z' (the marker's first letter) and
             * no '&' (a reference could make one), so the text cannot
             * assemble the marker from other pieces */
            char *close = strstr(a, "</"), *after = z + strlen("</script>");
            int only = memchr(s, 'z', (size_t)(a - s)) == NULL &&
                       strchr(after, 'z') == NULL && strchr(after, '&') == NULL;
            if (only && close == z)
                FZ_CHECK(strstr(d.text, MARK) == NULL);
        }
        free(s);
    }
    zk__xdoc_clear(&d);
    return 0;
}
