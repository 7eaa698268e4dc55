/*
 * friso_bench.c - friso driver for the segmentation benchmark.
 *
 * Usage:
 *   friso-bench time PASSES FILE [INI]   time friso's complex mode over FILE
 *   friso-bench dump FILE [INI]          print FILE segmented
 *
 * INI is friso's configuration (default /etc/friso/friso.ini, from Debian's
 * libfriso0, which points at friso-dict's UTF-8 lexicon). Its settings are
 * kept, complex (mmseg) mode included, except that synonym appending is
 * turned off: friso would otherwise emit extra synonym tokens that no other
 * segmenter produces.
 *
 * FILE is cut line by line; the line terminator (LF or CR LF) is not part of
 * the line. `time` prints the load time, then PASSES lines, one per timed
 * pass over the whole of FILE:
 *
 *   LOAD friso MILLISECONDS
 *   RESULT friso complex BYTES TOKENS SECONDS CPU_SECONDS
 *
 * where only the cutting is timed (after the lexicon is loaded and a short
 * warm-up): SECONDS of wall time, CPU_SECONDS of the process's CPU time. friso
 * copies every token into its token buffer, so each token is materialised as a
 * string by the library itself. `dump` prints each line's tokens separated by
 * one space.
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

/* Seconds on `clock`: CLOCK_MONOTONIC (wall) or CLOCK_PROCESS_CPUTIME_ID. */
static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock seconds. */
static double now(void)
{
    return seconds(CLOCK_MONOTONIC);
}

/* CPU seconds used by the process (all threads). */
static double cpu_now(void)
{
    return seconds(CLOCK_PROCESS_CPUTIME_ID);
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
    friso_t friso;
    friso_config_t config;
    friso_task_t task;
    const char *file, *ini;
    char *buf, **lines;
    size_t len, nlines, i;
    double t0, load_ms;
    int timing, passes = 0, p;

    timing = argc >= 4 && argc <= 5 && strcmp(argv[1], "time") == 0 &&
             (passes = atoi(argv[2])) > 0;
    if (!timing && (argc < 3 || argc > 4 || strcmp(argv[1], "dump") != 0)) {
        fprintf(stderr, "usage: friso-bench time PASSES FILE [INI]\n"
                        "       friso-bench dump FILE [INI]\n");
        return 2;
    }
    file = argv[timing ? 3 : 2];
    ini = argc > (timing ? 4 : 3) ? argv[argc - 1] : DEFAULT_INI;

    t0 = now();
    friso = friso_new();
    config = friso_new_config();
    if (friso_init_from_ifile(friso, config, (fstring)ini) != 1) {
        fprintf(stderr, "friso-bench: cannot initialise friso from %s\n", ini);
        return 1;
    }
    config->add_syn = 0;
    load_ms = (now() - t0) * 1e3;

    buf = read_file(file, &len);
    lines = split_lines(buf, len, &nlines);
    task = friso_new_task();

    if (timing) {
        printf("LOAD friso %.3f\n", load_ms);
        /* friso_set_text() does not modify the text: warm up in place. */
        for (i = 0; i < nlines && i < WARMUP_LINES; i++)
            cut_line(friso, config, task, lines[i], NULL);
        for (p = 0; p < passes; p++) {
            size_t ntokens = 0;
            double secs, cpu, c0;

            t0 = now();
            c0 = cpu_now();
            for (i = 0; i < nlines; i++)
                ntokens += cut_line(friso, config, task, lines[i], NULL);
            secs = now() - t0;
            cpu = cpu_now() - c0;
            printf("RESULT friso complex %zu %zu %.6f %.6f\n", len, ntokens,
                   secs, cpu);
            fflush(stdout);
        }
    } else {
        for (i = 0; i < nlines; i++)
            cut_line(friso, config, task, lines[i], stdout);
    }

    friso_free_task(task);
    friso_free_config(config);
    friso_free(friso);
    free(lines);
    free(buf);
    return 0;
}
