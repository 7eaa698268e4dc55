/* fuzz_pdf.c - fuzz target: the PDF reader (zk__read_pdf, src/extract.h)
 *
 * Input: the file's bytes. Checks: only ZK_OK, ZK_EFORMAT, ZK_EINVAL or
 * ZK_ENOMEM, with a message that starts with the file's name; on failure
 * the document is left cleared; on success the text is strict UTF-8
 * without NUL and NUL-terminated, blocks lie in order inside the text,
 * each followed by '\n' and without '\n' inside unless a table, heading
 * levels are 1..6, leads lie inside their block, and the page table starts
 * at 0 and is sorted. */
#include "fuzz_util.h"

#include "extract.h"

#define NAME "fuzz-input.pdf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zk__xdoc d;
    const zk_error *e;
    size_t i, prev_end = 0;
    int rc;

    zk__xdoc_init(&d);
    zk_error_clear();
    rc = zk__read_pdf(&d, (const char *)data, size, NAME);
    if (rc != ZK_OK) {
        FZ_CHECK(rc == ZK_EFORMAT || rc == ZK_EINVAL || rc == ZK_ENOMEM);
        e = zk_error_last();
        FZ_CHECK(e != NULL && e->code == rc && e->message != NULL);
        if (rc != ZK_ENOMEM)
            FZ_CHECK(strncmp(e->message, NAME ": ", strlen(NAME ": ")) == 0);
        FZ_CHECK(d.text == NULL && d.blocks == NULL && d.page_start == NULL);
        FZ_CHECK(d.n_blocks == 0 && d.n_pages == 0 && d.len == 0);
        FZ_CHECK(d.title == NULL && d.author == NULL && d.date == NULL);
        return 0;
    }
    FZ_CHECK(d.len == 0 || (d.text != NULL && d.text[d.len] == '\0'));
    FZ_CHECK(fz_utf8_ok(d.text ? d.text : "", d.len));
    for (i = 0; i < d.n_blocks; i++) {
        const zk__xblock *b = &d.blocks[i];
        size_t k;

        FZ_CHECK(b->start >= prev_end && b->start < b->end && b->end < d.len);
        FZ_CHECK(d.text[b->end] == '\n');
        FZ_CHECK(b->kind == ZK_XB_PARA || b->kind == ZK_XB_HEADING ||
                 b->kind == ZK_XB_TABLE);
        FZ_CHECK(b->kind == ZK_XB_HEADING ? b->level >= 1 && b->level <= 6
                                          : b->level == 0);
        FZ_CHECK(b->lead == 0 ||
                 (b->kind == ZK_XB_PARA && b->lead < b->end - b->start));
        if (b->kind != ZK_XB_TABLE)
            for (k = b->start; k < b->end; k++)
                FZ_CHECK(d.text[k] != '\n');
        prev_end = b->end + 1;
    }
    FZ_CHECK(prev_end == d.len);
    FZ_CHECK(d.n_pages >= 1 && d.page_start[0] == 0);
    for (i = 1; i < d.n_pages; i++)
        FZ_CHECK(d.page_start[i] >= d.page_start[i - 1] &&
                 d.page_start[i] <= d.len);
    FZ_CHECK(d.title == NULL || fz_utf8_ok(d.title, strlen(d.title)));
    FZ_CHECK(d.author == NULL || fz_utf8_ok(d.author, strlen(d.author)));
    FZ_CHECK(d.date == NULL || strlen(d.date) == 10);
    zk__xdoc_clear(&d);
    return 0;
}
