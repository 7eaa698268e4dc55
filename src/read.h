/* read.h - from a report's bytes to a parsed report: which format it is
 * (from its content first, then its name), which reader reads it, which
 * encoding its text was in (internal to libzhiku; read.c) */
#ifndef ZHIKU_READ_H
#define ZHIKU_READ_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* Formats past the public ones: what the sniffer says of a file that is
 * none of them. */
enum { ZK_FORMAT_UNSUPPORTED = -2 };

/*
 * The format of a file: `data` holds (at least) its first bytes, `path` its
 * name (may be NULL). Content decides first: "%PDF-" is PDF, a zip archive
 * is .docx (the reader tells a zip that is no Word document), markup that
 * opens with <!DOCTYPE html>, <html>, <head> or <body> is HTML; then the
 * name's extension (.pdf, .docx, .html/.htm/.xhtml/.shtml, .md/.markdown;
 * .txt and, when `named` is set (a file the user named), any other name is
 * plain text). A legacy Word/WPS/Excel file (OLE2), RTF, an image, an
 * archive, or, when not `named`, a name of no known format gives
 * ZK_FORMAT_UNSUPPORTED and sets *why to a static reason ("legacy Word or
 * WPS document (.doc/.wps): save it as .docx").
 */
int zk__format_sniff(const char *data, size_t len, const char *path, int named,
                     const char **why);

/* Is `path` a name the folder walk reads without looking inside? */
int zk__format_known_name(const char *path);

/*
 * Read the whole file at `path` into *out (malloc'ed, *len bytes), with
 * *mtime_ns the modification time of the version read. A file rewritten
 * while it is read is read again (a few times, then ZK_EIO "changed while
 * being read"). ZK_ENOTFOUND, ZK_EIO, ZK_ENOMEM with a message naming it.
 */
int zk__read_file(const char *path, char **out, size_t *len, int64_t *mtime_ns);

/* "text", "markdown", "pdf", "docx", "html" (or "?"). */
const char *zk__format_name(int format);

/*
 * Read a report: decode and parse it as `format` (ZK_FORMAT_AUTO sniffs),
 * with `encoding` forced for text formats and HTML (NULL detects).
 * `path` names the file in messages; its base name may give the date.
 * On success *out (free with zk__report_free) holds the report, *format_out
 * the format read and *encoding_out the encoding (static: "utf-8",
 * "gb18030", ... "binary" for PDF). On failure the code and a message
 * naming `path` and the cause: ZK_EENCODING, ZK_EFORMAT (damaged or not of
 * its format, or an unsupported format), ZK_EINVAL (encrypted, no text
 * layer), ZK_ENOMEM.
 */
int zk__read_report(zk__report **out, int *format_out,
                    const char **encoding_out, const char *data, size_t len,
                    int format, const char *encoding, const char *path);

/*
 * The reading text of a report, as zhiku extracts it before cutting it
 * into passages: for PDF, .docx and HTML the extracted blocks, one per
 * line, a blank line between blocks, and a form feed ('\f') at each page
 * break; for text and Markdown the decoded UTF-8 text. *out is malloc'ed
 * and NUL-terminated. Codes as zk__read_report().
 */
int zk__read_text(char **out, size_t *out_len, int *format_out,
                  const char **encoding_out, const char *data, size_t len,
                  int format, const char *encoding, const char *path);

#endif
