/* cli.c - helpers shared by zhiku's command-line tools */
#include <stdio.h>
#include <string.h>

#include <zhiku/zhiku.h>

#include "cli.h"

void zk_cli_json_string(FILE *f, const char *s, size_t n)
{
    size_t i = 0;

    fputc('"', f);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            i++;
        } else if (c < 0x20) {
            if (c == '\n')
                fputs("\\n", f);
            else if (c == '\t')
                fputs("\\t", f);
            else
                fprintf(f, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, f);
            i++;
        } else {
            /* copy a valid sequence; an invalid byte becomes U+FFFD */
            size_t l = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, k;
            int ok = l > 1 && i + l <= n && c >= 0xC2 && c <= 0xF4;
            for (k = 1; ok && k < l; k++)
                ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
            if (ok && l == 3) {
                unsigned v = ((c & 0x0Fu) << 12) |
                             (((unsigned char)s[i + 1] & 0x3Fu) << 6);
                ok = v >= 0x800 && (v < 0xD800 || v > 0xDFFF);
            }
            if (ok && l == 4) {
                unsigned v = ((c & 0x07u) << 18) |
                             (((unsigned char)s[i + 1] & 0x3Fu) << 12);
                ok = v >= 0x10000 && v <= 0x10FFFF;
            }
            if (ok) {
                fwrite(s + i, 1, l, f);
                i += l;
            } else {
                fputs("\\ufffd", f);
                i++;
            }
        }
    }
    fputc('"', f);
}

void zk_cli_put_escaped(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7F)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

void zk_cli_error(const char *prog, const char *message)
{
    fprintf(stderr, "%s: ", prog);
    zk_cli_put_escaped(stderr, message);
    fputc('\n', stderr);
}

int zk_cli_index_path(char *buf, size_t size, const char *opt, const char *prog)
{
    if (opt != NULL) {
        if ((size_t)snprintf(buf, size, "%s", opt) >= size) {
            fprintf(stderr, "%s: index path too long\n", prog);
            return -1;
        }
        return 0;
    }
    if (zk_index_default_path(buf, size) != ZK_OK) {
        fprintf(stderr, "%s: %s\n", prog, zk_error_last()->message);
        return -1;
    }
    return 0;
}
