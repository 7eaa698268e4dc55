/* cli.h - helpers shared by zhiku's command-line tools (not libzhiku) */
#ifndef ZHIKU_CLI_H
#define ZHIKU_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Write `n` bytes as a JSON string literal: quotes, escapes, and U+FFFD
 * for each byte of invalid UTF-8. */
void zk_cli_json_string(FILE *f, const char *s, size_t n);

/* The index directory: `opt` if given, else the library's default
 * (zk_index_default_path). Returns 0, or -1 after printing the error. */
int zk_cli_index_path(char *buf, size_t size, const char *opt,
                      const char *prog);

#endif
