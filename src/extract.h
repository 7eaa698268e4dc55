/* extract.h - what a reader of a laid-out format (PDF, Word .docx, HTML)
 * hands to the report parser (internal to libzhiku)
 *
 * A reader turns the file's bytes into an extracted document: its reading
 * text as UTF-8, cut into blocks (paragraphs, headings, tables) in reading
 * order, with the byte offset where each page starts and the document's
 * own properties. report.c then finds numbered headings, keeps the heading
 * stack and cuts passages exactly as for plain text and Markdown, and the
 * page of a passage is the page its bytes lie on.
 *
 * Each reader lives in a file of its own (read_pdf.c, read_docx.c,
 * read_html.c); extract.c holds the builder below. The readers are built
 * into the formats module that libzhiku.so loads on demand (read.c), and
 * into the static archives.
 */
#ifndef ZHIKU_EXTRACT_H
#define ZHIKU_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Kinds of extracted block. */
enum {
    ZK_XB_PARA = 0,    /* a paragraph of reading text, on one line */
    ZK_XB_HEADING = 1, /* a heading (style, tag, outline or font), level set */
    ZK_XB_TABLE = 2    /* a table: one line per row, cells joined by " | " */
};

typedef struct zk__xblock {
    int kind;          /* ZK_XB_* */
    int level;         /* heading level 1..6 (ZK_XB_HEADING), else 0 */
    size_t start, end; /* bytes [start, end) of zk__xdoc::text */
    size_t lead;       /* ZK_XB_PARA: bytes of a bold run-in lead at the
                          start ("（一）产业能级还需聚力提升。" set in bold
                          before the body); 0 when none */
} zk__xblock;

typedef struct zk__xdoc {
    /* Reading text: every block's text followed by one '\n'. A paragraph's
     * text has no '\n' inside (the reader joined its lines: no space
     * between two CJK characters, one space between Latin words, a
     * hyphenated Latin line end joined); a table's rows are separated by
     * '\n'. No control characters other than '\n'. */
    char *text;
    size_t len, cap;

    zk__xblock *blocks;
    size_t n_blocks, cap_blocks;

    /* Pages: page_start[i] is the offset in `text` where page i + 1 starts
     * (page_start[0] == 0); n_pages 0 for formats without pages. */
    size_t *page_start;
    uint32_t n_pages, cap_pages;

    /* Document properties (malloc'ed UTF-8, NULL when absent): PDF Info,
     * docProps/core.xml, HTML <title> and <meta>. `date` is "YYYY",
     * "YYYY-MM" or "YYYY-MM-DD". They are used where the text gives none. */
    char *title, *author, *date, *org, *docno;

    /* HTML: the charset its bytes were decoded from, a static name as
     * zk__decode's (NULL: the reader does not say; the caller then gives
     * "utf-8" for .docx and "binary" for PDF). */
    const char *encoding;
} zk__xdoc;

void zk__xdoc_init(zk__xdoc *d);
void zk__xdoc_clear(zk__xdoc *d); /* frees everything, then as _init */

/*
 * Append a block of kind `kind` (level for headings, 0 otherwise) holding
 * s[0..n) of UTF-8, followed by '\n'. The builder replaces invalid UTF-8
 * with U+FFFD and control characters (other than '\n' inside a table)
 * with a space, trims blanks at both ends, and drops a block left empty.
 * `lead` is as in zk__xblock (clamped to the text). ZK_OK or ZK_ENOMEM.
 */
int zk__xdoc_block(zk__xdoc *d, int kind, int level, const char *s, size_t n,
                   size_t lead);

/*
 * As zk__xdoc_block, for a block over page breaks: page brk_page[i] starts
 * at byte brk_off[i] of s (i < n_brk; offsets and pages ascending, pages
 * after the current last page). The builder maps each offset through its
 * cleaning (a table's dropped empty cells and rows, trimmed blanks, U+FFFD
 * for invalid bytes) to the block's text in d, and records where those
 * pages start there, so that zk__xdoc_page_of of any byte of the block
 * gives the page it came from. Pages between the last page and brk_page[i]
 * start at the same offset; a block dropped as empty still counts its
 * pages. ZK_OK or ZK_ENOMEM.
 */
int zk__xdoc_block_paged(zk__xdoc *d, int kind, int level, const char *s,
                         size_t n, size_t lead, const size_t *brk_off,
                         const uint32_t *brk_page, size_t n_brk);

/* The next block starts page `page` (1-based; pages are added in order,
 * an empty page still counts). ZK_OK or ZK_ENOMEM. */
int zk__xdoc_page(zk__xdoc *d, uint32_t page);

/* Set one property (takes a copy of s[0..n), trimmed; an empty value or
 * a second call for a set field is ignored). ZK_OK or ZK_ENOMEM. */
int zk__xdoc_prop(char **field, const char *s, size_t n);

/* Page (1-based) of byte `off` of the text; 0 when there are no pages. */
uint32_t zk__xdoc_page_of(const zk__xdoc *d, size_t off);

/* Limits on what a reader takes in (documented in docs/indexing.md). */
#define ZK_X_MAX_TEXT (256u << 20) /* bytes of extracted text */
#define ZK_X_MAX_ZIP_ENTRY                                                     \
    (512u << 20)               /* decompressed bytes of one zip entry read */
#define ZK_X_MAX_ZIP_RATIO 200 /* decompressed / compressed size */
#define ZK_X_MAX_ZIP_ENTRIES 10000
#define ZK_X_MAX_DEPTH 256 /* XML/HTML element nesting walked */

/*
 * The readers. Each parses `len` bytes of `data` (not NUL-terminated) into
 * `d` (initialised by the caller, filled only on success: on failure it is
 * cleared). `name` is the file's path, for messages. They never touch the
 * network or any other file, and take no locks. On failure they return a
 * code with a message (zk__error) naming `name` and the cause:
 *   ZK_EFORMAT  not a file of that format, corrupt or truncated, or beyond
 *               the limits above ("x.docx: not a Word document (no
 *               word/document.xml)", "x.pdf: damaged PDF: ...")
 *   ZK_EINVAL   a valid file zhiku cannot read as text: an encrypted PDF,
 *               a PDF without a text layer ("x.pdf: no text layer on any of
 *               its 12 pages (a scan?)")
 *   ZK_EENCODING  HTML in a charset that cannot be decoded
 *   ZK_ENOMEM
 */
ZK_MODULE_API int zk__read_pdf(zk__xdoc *d, const char *data, size_t len,
                               const char *name);
ZK_MODULE_API int zk__read_docx(zk__xdoc *d, const char *data, size_t len,
                                const char *name);
/* `encoding`: a charset the caller forces, or NULL to honour the page's
 * declared charset (BOM, <meta charset>, http-equiv), else detect as for
 * text (decode.h). */
ZK_MODULE_API int zk__read_html(zk__xdoc *d, const char *data, size_t len,
                                const char *name, const char *encoding);

#endif
