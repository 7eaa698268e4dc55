/*
 * seg_bench.c - zhiku driver for the segmentation benchmark.
 *
 * Usage:
 *   zhiku-seg-bench time PASSES FILE MODE...  time each mode over FILE
 *   zhiku-seg-bench dump FILE MODE            print FILE segmented
 *   zhiku-seg-bench load                      open the dictionary, cut once
 *
 * MODE is one of:
 *   hmm     precise mode, HMM on   (jieba.cut)
 *   nohmm   precise mode, HMM off  (jieba.cut(HMM=False))
 *   search  search mode, HMM on    (jieba.cut_for_search)
 *
 * The dictionary is the default one (zk_dict_open(&d, NULL): $ZHIKU_DICT,
 * else the installed one, else the build tree's). FILE is cut line by line
 * with zk_seg_cut(); the line terminator (LF or CR LF) is not part of the
 * line. `time` prints the zk_dict_open() time, then for each mode PASSES
 * lines, one per timed pass over the whole of FILE:
 *
 *   LOAD zhiku MILLISECONDS
 *   RESULT zhiku MODE BYTES TOKENS SECONDS CPU_SECONDS
 *
 * where only the cutting is timed, after a short warm-up: SECONDS of wall
 * time, and CPU_SECONDS of CPU time used by the process meanwhile. zhiku hands
 * out tokens as spans of the caller's text; the callback materialises each one
 * by recording its span and reading its bytes, so no work can be skipped.
 * `dump` prints each line's tokens separated by one space, whitespace tokens
 * left out. `load`, run in fresh processes by run-seg.sh, prints
 *
 *   LOAD zhiku MILLISECONDS              (the zk_dict_open() call)
 *   FIRSTCUT zhiku MILLISECONDS          (zk_seg_new() and a first cut)
 *
 * the cost of getting ready to segment in a new process.
 *
 * Uses only zhiku's public API.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime() under -std=c11 */

#include "zhiku/error.h"
#include "zhiku/segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARMUP_LINES 500

/* What `load` cuts first: a policy document title. */
#define SAMPLE "国务院办公厅关于推进数字政府建设促进高质量发展的指导意见"

/* A line of the input: a slice of the file buffer, terminator excluded. */
typedef struct line {
    const char *text;
    size_t len;
} line;

/* What the token callback accumulates. */
typedef struct tally {
    size_t ntokens;     /* tokens seen, all lines */
    size_t line_tokens; /* tokens printed on the current line (dump) */
    zk_span last;       /* span of the latest token */
    unsigned long sum;  /* folds in every byte of every token */
    FILE *out;          /* dump mode: where tokens are printed, else NULL */
} tally;

/* Where the byte sums end up, so the compiler must compute them. */
static volatile unsigned long sink;

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

static void die(const char *what, int rc)
{
    fprintf(stderr, "zhiku-seg-bench: %s: %s\n", what,
            rc < 0 ? zk_error_last()->message : "failed");
    exit(1);
}

/* The whole of `path` in a malloc'd buffer. */
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
    *len = (size_t)n;
    return buf;
}

/* The lines of `buf`, without terminators; sets *nlines. */
static line *split_lines(const char *buf, size_t len, size_t *nlines)
{
    size_t cap = 1024, n = 0;
    line *lines = malloc(cap * sizeof *lines);
    const char *p = buf, *end = buf + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;

        if (n == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
        }
        lines[n].text = p;
        lines[n].len = (size_t)(stop - p);
        if (lines[n].len > 0 && stop[-1] == '\r')
            lines[n].len--;
        n++;
        p = stop + 1;
    }
    *nlines = n;
    return lines;
}

/* Token callback: count the token, keep its span, read its bytes. */
static int on_token(const zk_token *tok, void *payload)
{
    tally *t = payload;
    size_t i;

    t->ntokens++;
    t->last.start = tok->start;
    t->last.end = tok->end;
    for (i = 0; i < tok->len; i++)
        t->sum += (unsigned char)tok->text[i];
    if (t->out != NULL && tok->kind != ZK_TOKEN_SPACE) {
        if (t->line_tokens++ > 0)
            fputc(' ', t->out);
        fwrite(tok->text, 1, tok->len, t->out);
    }
    return 0;
}

/* Options for a MODE name. */
static zk_seg_options mode_options(const char *mode)
{
    zk_seg_options opts = ZK_SEG_OPTIONS_INIT;

    if (strcmp(mode, "hmm") == 0) {
        opts.hmm = 1;
    } else if (strcmp(mode, "nohmm") == 0) {
        opts.hmm = 0;
    } else if (strcmp(mode, "search") == 0) {
        opts.mode = ZK_SEG_SEARCH;
        opts.hmm = 1;
    } else {
        fprintf(stderr, "zhiku-seg-bench: unknown mode %s\n", mode);
        exit(2);
    }
    return opts;
}

/* Cut lines[0, n) with `opts`; return the number of tokens. */
static size_t cut_lines(zk_seg *seg, const line *lines, size_t n,
                        const zk_seg_options *opts, FILE *out)
{
    tally t = {0, 0, {0, 0}, 0, out};
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        t.line_tokens = 0;
        rc = zk_seg_cut(seg, lines[i].text, lines[i].len, opts, on_token, &t);
        if (rc != ZK_OK)
            die("zk_seg_cut", rc);
        if (out != NULL)
            fputc('\n', out);
    }
    sink += t.sum + t.last.end;
    return t.ntokens;
}

/* Time `passes` cuts of all lines in mode `mode`, after a warm-up. */
static void time_mode(zk_seg *seg, const line *lines, size_t nlines,
                      size_t nbytes, const char *mode, int passes)
{
    zk_seg_options opts = mode_options(mode);
    int p;

    cut_lines(seg, lines, nlines < WARMUP_LINES ? nlines : WARMUP_LINES, &opts,
              NULL);
    for (p = 0; p < passes; p++) {
        double t0 = now(), c0 = cpu_now();
        size_t ntokens = cut_lines(seg, lines, nlines, &opts, NULL);
        double secs = now() - t0, cpu = cpu_now() - c0;

        printf("RESULT zhiku %s %zu %zu %.6f %.6f\n", mode, nbytes, ntokens,
               secs, cpu);
        fflush(stdout);
    }
}

/* `load`: time zk_dict_open(), then zk_seg_new() and a first cut. */
static int run_load(void)
{
    zk_seg_options opts = ZK_SEG_OPTIONS_INIT;
    tally t = {0, 0, {0, 0}, 0, NULL};
    zk_dict *dict = NULL;
    zk_seg *seg = NULL;
    double t0, open_ms;
    int rc;

    t0 = now();
    rc = zk_dict_open(&dict, NULL);
    open_ms = (now() - t0) * 1e3;
    if (rc != ZK_OK)
        die("zk_dict_open", rc);
    /* The dictionary is mapped, so its pages are read on first use. */
    t0 = now();
    rc = zk_seg_new(&seg, dict);
    if (rc != ZK_OK)
        die("zk_seg_new", rc);
    rc = zk_seg_cut(seg, SAMPLE, strlen(SAMPLE), &opts, on_token, &t);
    if (rc != ZK_OK)
        die("zk_seg_cut", rc);
    printf("LOAD zhiku %.3f\nFIRSTCUT zhiku %.3f\n", open_ms,
           (now() - t0) * 1e3);
    zk_seg_free(seg);
    zk_dict_free(dict);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: zhiku-seg-bench time PASSES FILE MODE...\n"
                    "       zhiku-seg-bench dump FILE MODE\n"
                    "       zhiku-seg-bench load\n");
    return 2;
}

int main(int argc, char **argv)
{
    zk_dict *dict = NULL;
    zk_seg *seg = NULL;
    const char *file;
    double t0, load_ms;
    size_t len, nlines;
    char *buf;
    line *lines;
    int rc, i, timing, passes = 0;

    if (argc == 2 && strcmp(argv[1], "load") == 0)
        return run_load();
    timing = argc >= 5 && strcmp(argv[1], "time") == 0 &&
             (passes = atoi(argv[2])) > 0;
    if (!timing && (argc != 4 || strcmp(argv[1], "dump") != 0))
        return usage();
    file = timing ? argv[3] : argv[2];

    t0 = now();
    rc = zk_dict_open(&dict, NULL);
    load_ms = (now() - t0) * 1e3;
    if (rc != ZK_OK)
        die("zk_dict_open", rc);
    rc = zk_seg_new(&seg, dict);
    if (rc != ZK_OK)
        die("zk_seg_new", rc);
    buf = read_file(file, &len);
    lines = split_lines(buf, len, &nlines);

    if (timing) {
        printf("LOAD zhiku %.3f\n", load_ms);
        for (i = 4; i < argc; i++)
            time_mode(seg, lines, nlines, len, argv[i], passes);
    } else {
        zk_seg_options opts = mode_options(argv[3]);
        cut_lines(seg, lines, nlines, &opts, stdout);
    }

    free(lines);
    free(buf);
    zk_seg_free(seg);
    zk_dict_free(dict);
    return 0;
}
