/*
 * friso_bench.c - friso driver for the segmentation benchmark.
 *
 * Usage:
 *   friso-bench time FILE [INI]   time friso's complex mode over FILE
 *   friso-bench dump FILE [INI]   print FILE segmented, one line per line
 *
 * INI is friso's configuration (default /etc/friso/friso.ini, from Debian's
 * libfriso0, which points at friso-dict's UTF-8 lexicon). Its settings are
 * kept, complex (mmseg) mode included, except that synonym appending is
 * turned off: friso would otherwise emit extra synonym tokens that no other
 * segmenter produces.
 *
 * FILE is cut line by line; the line terminator (LF or CR LF) is not part of
 * the line. `time` prints
 *
 *   LOAD friso MILLISECONDS
 *   RESULT friso complex BYTES TOKENS SECONDS
 *
 * where only the cutting is timed (after the lexicon is loaded and a short
 * warm-up). friso copies every token into its token buffer, so each token
 * is materialised as a string by the library itself. `dump` prints each
 * line's tokens separated by one space.
 *
 * Built by bench/run-seg.sh with gcc against libfriso-dev; not part of the
 * CMake build, so zhiku itself never needs friso.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime() */

#include <friso.h> /* -I from pkg-config friso */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_INI "/etc/friso/friso.ini"
#define WARMUP_LINES 500

/* Seconds on the monotonic clock. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole of `path`, NUL-terminated, in a malloc'd buffer. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
        perror(path);
        exit(1);
    }
    rewind(f);
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/*
 * Cut `buf` in place into NUL-terminated lines (terminators removed); return
 * the array of line starts and set *nlines.
 */
static char **split_lines(char *buf, size_t len, size_t *nlines)
{
    size_t cap = 1024, n = 0;
    char **lines = malloc(cap * sizeof *lines);
    char *p = buf, *end = buf + len;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *stop = nl != NULL ? nl : end;

        if (stop > p && stop[-1] == '\r')
            stop[-1] = '\0';
        *stop = '\0';
        if (n == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
        }
        lines[n++] = p;
        p = stop + 1;
    }
    *nlines = n;
    return lines;
}

/* Cut one line; count its tokens; print them if `out` is not NULL. */
static size_t cut_line(friso_t friso, friso_config_t config, friso_task_t task,
                       char *line, FILE *out)
{
    size_t ntokens = 0;

    friso_set_text(task, line);
    while (config->next_token(friso, config, task) != NULL) {
        if (out != NULL)
            fprintf(out, "%s%s", ntokens ? " " : "", task->token->word);
        ntokens++;
    }
    if (out != NULL)
        fputc('\n', out);
    return ntokens;
}

int main(int argc, char **argv)
{
    const char *ini = argc > 3 ? argv[3] : DEFAULT_INI;
    friso_t friso;
    friso_config_t config;
    friso_task_t task;
    char *buf, **lines;
    size_t len, nlines, i, ntokens = 0;
    double t0, load_ms, secs;
    int dump;

    if (argc < 3 || (strcmp(argv[1], "time") && strcmp(argv[1], "dump"))) {
        fprintf(stderr, "usage: friso-bench time|dump FILE [INI]\n");
        return 2;
    }
    dump = strcmp(argv[1], "dump") == 0;

    t0 = now();
    friso = friso_new();
    config = friso_new_config();
    if (friso_init_from_ifile(friso, config, (fstring)ini) != 1) {
        fprintf(stderr, "friso-bench: cannot initialise friso from %s\n", ini);
        return 1;
    }
    config->add_syn = 0;
    load_ms = (now() - t0) * 1e3;

    buf = read_file(argv[2], &len);
    lines = split_lines(buf, len, &nlines);
    task = friso_new_task();

    if (dump) {
        for (i = 0; i < nlines; i++)
            cut_line(friso, config, task, lines[i], stdout);
    } else {
        /* friso_set_text() does not modify the text, so warm up in place. */
        for (i = 0; i < nlines && i < WARMUP_LINES; i++)
            cut_line(friso, config, task, lines[i], NULL);
        t0 = now();
        for (i = 0; i < nlines; i++)
            ntokens += cut_line(friso, config, task, lines[i], NULL);
        secs = now() - t0;
        printf("LOAD friso %.3f\n", load_ms);
        printf("RESULT friso complex %zu %zu %.6f\n", len, ntokens, secs);
    }

    friso_free_task(task);
    friso_free_config(config);
    friso_free(friso);
    free(lines);
    free(buf);
    return 0;
}
