/* decode.h - detect a report's text encoding and convert it to UTF-8
 * (internal to libzhiku; implemented in decode.c with iconv) */
#ifndef ZHIKU_DECODE_H
#define ZHIKU_DECODE_H

#include <stddef.h>

#include "internal.h"

/*
 * Convert the bytes of a file to UTF-8.
 *
 * `encoding` is NULL (or "auto") to detect, or a name the caller forces:
 * "utf-8", "utf-16" (BOM decides the byte order; none means LE),
 * "utf-16le", "utf-16be", "gb18030" (also accepts "gbk", "gb2312"),
 * "big5"; names are case-insensitive. Detection, in order: a UTF-8 BOM;
 * a UTF-16 BOM; valid UTF-8; UTF-16 without BOM (NUL-byte pattern);
 * then GB18030 vs Big5, decided by which decodes cleanly and yields
 * more common Chinese characters.
 *
 * On success *out is a malloc'ed NUL-terminated UTF-8 string of *out_len
 * bytes without any BOM, and *detected names the encoding used (a static
 * string such as "utf-8", "utf-16le", "gb18030", "big5"). Line endings are
 * left as they are.
 *
 * Returns ZK_OK; ZK_EENCODING if the bytes cannot be decoded in the
 * forced or detected encoding, with a message naming `name`, the byte
 * offset of the first bad byte in the input and the encoding tried
 * ("report.txt: invalid GB18030 at byte 1234"); ZK_EINVAL for an unknown
 * encoding name; ZK_ENOMEM.
 */
ZK_MODULE_API int zk__decode(char **out, size_t *out_len, const char **detected,
                             const char *data, size_t len, const char *encoding,
                             const char *name);

#endif
