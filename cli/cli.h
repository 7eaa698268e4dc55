/* cli.h - helpers shared by zhiku's command-line tools (not libzhiku) */
#ifndef ZHIKU_CLI_H
#define ZHIKU_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Write `n` bytes as a JSON string literal: quotes, escapes, and U+FFFD
 * for each byte of invalid UTF-8. */
void zk_cli_json_string(FILE *f, const char *s, size_t n);

/* Write `s` with each control character (U+0000-U+001F, U+007F) shown as
 * \xNN, so that a message naming a file or echoing a query stays one line
 * and cannot send escape sequences to the terminal. */
void zk_cli_put_escaped(FILE *f, const char *s);

/* "PROG: MESSAGE\n" on stderr, the message escaped as above. */
void zk_cli_error(const char *prog, const char *message);

/* The index directory: `opt` if given, else the library's default
 * (zk_index_default_path). Returns 0, or -1 after printing the error. */
int zk_cli_index_path(char *buf, size_t size, const char *opt,
                      const char *prog);

#endif
