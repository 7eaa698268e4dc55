/*
 * query_bench.c - zhiku driver for the query latency benchmark
 * (bench/run-query.sh).
 *
 * Usage:
 *   zhiku-query-bench run INDEX QUERIES ROUNDS
 *       Open INDEX once, run every query of QUERIES ROUNDS times (the first
 *       round is a warm-up and is not counted) and print one JSON object.
 *   zhiku-query-bench serve INDEX QUERIES
 *       The same work, driven from stdin so that bench/query_peers.py can
 *       interleave zhiku with the peers round by round (protocol below).
 *   zhiku-query-bench cli RUNS ZHIKU_QUERY INDEX QUERIES I...
 *       Time whole `ZHIKU_QUERY -i INDEX --limit 10 --color=never QUERY`
 *       processes (stdout and stderr to /dev/null) for the queries numbered
 *       I... (0-based, in file order), RUNS rounds, each round running every
 *       query once; each round also runs /bin/true (the cost of starting
 *       any process) and `ZHIKU_QUERY --version` (starting zhiku-query and
 *       loading its libraries, no index) and, when they are beside this
 *       program, zhiku-floor-xapian and zhiku-floor-deps (processes that
 *       only load libxapian, or every library of zhiku-query but libzhiku:
 *       bench/startup_floor.c). A first round is a warm-up.
 *       Prints one JSON object with, per command, the wall seconds, the
 *       child's CPU seconds and its minor page faults (wait4()). After
 *       each zhiku-query process the driver runs the same query itself
 *       (INDEX opened once, as in `run`), so that the library's share of
 *       the process time is measured at the same moment ("library").
 *   zhiku-query-bench faults
 *       Time first writes to fresh anonymous pages: the cost of one page
 *       fault on this machine, in microseconds, 5 runs of 1024 pages.
 *
 * QUERIES holds one query a line, "KIND<TAB>QUERY"; blank lines and lines
 * starting with '#' are skipped (bench/queries.txt).
 *
 * One timed query is what a search box or zhiku-query needs for a page of
 * results: zk_searcher_query() with ZK_SEARCH_OPTIONS_INIT (10 hits, at
 * most 3 passages per report, totals possibly estimated), zk_results_next()
 * over every hit with zk_hit_snippet(hit, 160, ...) for each, and
 * zk_results_free(). Every snippet byte is read, so no work can be skipped.
 * Wall time with clock_gettime(CLOCK_MONOTONIC).
 *
 * The serve protocol: on start-up the driver opens the index and prints
 *   {"ready": true, "system": "zhiku", "queries": N, "open_seconds": S}
 * then answers one line per command line:
 *   round I0 I1 ...  run queries I0, I1, ... in that order; answers
 *                    {"times": [...], "minflt": [...]}: seconds indexed by
 *                    query number (null for queries not run, -1 for a
 *                    failed query) and the minor page faults of each
 *   info             run every query once, untimed, with exact_counts = 1;
 *                    answers {"info": [...]} with, per query, the hits
 *                    returned, the matching passages and reports
 *                    (zk_results_info) and whether they are exact, the
 *                    number of query terms and the best hit's snippet
 *   open N           close and reopen the searcher N times; answers
 *                    {"open": [...]} with the seconds of each reopening
 *   quit             (or end of input) exit
 *
 * Uses only zhiku's public API.
 */
#define _DEFAULT_SOURCE /* wait4(), with clock_gettime() and posix_spawn() */

#include "zhiku/error.h"
#include "zhiku/search.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SNIPPET_CHARS 160
#define MAX_LINE 65536

extern char **environ;

/* One query of the query file. */
typedef struct query {
    char *kind;
    char *text;
} query;

/* What one run of a query found. */
typedef struct outcome {
    size_t hits;
    uint64_t passages, reports;
    int exact;
    unsigned n_terms;
    char *first_snippet; /* malloc'd; only when asked for */
    int ok;
} outcome;

/* Where the byte sums end up, so that the compiler must compute them. */
static volatile unsigned long sink;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds used by this process (all threads). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "zhiku-query-bench: %s: %s\n", what,
            rc < 0 ? zk_error_last()->message : "failed");
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fputs("zhiku-query-bench: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Strip a trailing LF or CR LF. */
static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* The queries of `path`; sets *n. */
static query *read_queries(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    static char buf[MAX_LINE];
    size_t cap = 64, count = 0;
    query *qs = xmalloc(cap * sizeof *qs);

    if (f == NULL) {
        perror(path);
        exit(1);
    }
    while (fgets(buf, sizeof buf, f) != NULL) {
        char *tab;
        chomp(buf);
        if (buf[0] == '\0' || buf[0] == '#')
            continue;
        if (count == cap) {
            cap *= 2;
            qs = realloc(qs, cap * sizeof *qs);
            if (qs == NULL)
                die("realloc", 0);
        }
        tab = strchr(buf, '\t');
        if (tab != NULL) {
            qs[count].kind = xstrndup(buf, (size_t)(tab - buf));
            qs[count].text = xstrndup(tab + 1, strlen(tab + 1));
        } else {
            qs[count].kind = xstrndup("other", 5);
            qs[count].text = xstrndup(buf, strlen(buf));
        }
        count++;
    }
    fclose(f);
    if (count == 0) {
        fprintf(stderr, "zhiku-query-bench: no queries in %s\n", path);
        exit(1);
    }
    *n = count;
    return qs;
}

/* Print `s` (n bytes) as a JSON string. */
static void json_string(FILE *out, const char *s, size_t n)
{
    size_t i;

    fputc('"', out);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* Run query `q` once: the page of 10 hits, each with its snippet. */
static void run_query(zk_searcher *s, const char *q, outcome *o,
                      int keep_snippet)
{
    zk_search_options opts = ZK_SEARCH_OPTIONS_INIT;

    /* The untimed info run asks for exact totals (the check of result
     * counts); timed runs keep the default, where totals may be estimated
     * but every hit is exact. */
    opts.exact_counts = keep_snippet;
    zk_results *r = NULL;
    const zk_hit *hit;
    unsigned long sum = 0;
    int rc;

    memset(o, 0, sizeof *o);
    rc = zk_searcher_query(&r, s, q, &opts);
    if (rc != ZK_OK) {
        fprintf(stderr, "zhiku-query-bench: query %s: %s\n", q,
                zk_error_last()->message);
        return;
    }
    while (zk_results_next(&hit, r) == ZK_OK) {
        size_t a = 0, b = 0, i;
        zk_hit_snippet(hit, SNIPPET_CHARS, &a, &b);
        for (i = a; i < b; i++)
            sum += (unsigned char)hit->text[i];
        sum += hit->n_matches + (unsigned long)hit->rank;
        if (keep_snippet && o->hits == 0)
            o->first_snippet = xstrndup(hit->text + a, b - a);
        o->hits++;
    }
    {
        const zk_result_info *info = zk_results_info(r);
        o->passages = info->passages;
        o->reports = info->reports;
        o->exact = info->exact;
        o->n_terms = info->n_terms;
    }
    zk_results_free(r);
    sink += sum;
    o->ok = 1;
}

/* Minor page faults of this process so far. */
static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/* Run the queries numbered order[0, n) once each; times[i] gets query i's
 * seconds (-1 if it failed) and faults[i] the minor page faults it caused
 * (read outside the timed span). */
static void run_round(zk_searcher *s, const query *qs, const size_t *order,
                      size_t n, double *times, double *faults)
{
    size_t k;

    for (k = 0; k < n; k++) {
        outcome o;
        long f0 = minor_faults();
        double t0 = now(), t1;
        run_query(s, qs[order[k]].text, &o, 0);
        t1 = now();
        times[order[k]] = o.ok ? t1 - t0 : -1.0;
        faults[order[k]] = (double)(minor_faults() - f0);
    }
}

static void print_times(FILE *out, const double *times, const int *ran,
                        size_t nq)
{
    size_t i;

    fputc('[', out);
    for (i = 0; i < nq; i++) {
        if (i > 0)
            fputc(',', out);
        if (ran != NULL && !ran[i])
            fputs("null", out);
        else
            fprintf(out, "%.9g", times[i]);
    }
    fputc(']', out);
}

static zk_searcher *open_index(const char *dir, double *seconds)
{
    zk_searcher *s = NULL;
    double t0 = now();
    int rc = zk_searcher_open(&s, dir, NULL);

    if (rc != ZK_OK)
        die(dir, rc);
    *seconds = now() - t0;
    return s;
}

/* ---------------------------------------------------------------- run */

static int cmd_run(const char *dir, const char *qfile, int rounds)
{
    size_t nq, i;
    int r;
    query *qs = read_queries(qfile, &nq);
    size_t *order = xmalloc(nq * sizeof *order);
    double *times = xmalloc(nq * sizeof *times);
    double *faults = xmalloc(nq * sizeof *faults);
    double open_s;
    zk_searcher *s = open_index(dir, &open_s);

    for (i = 0; i < nq; i++)
        order[i] = i;
    printf("{\"system\": \"zhiku\", \"open_seconds\": %.9f, \"queries\": [",
           open_s);
    for (i = 0; i < nq; i++) {
        if (i > 0)
            fputs(", ", stdout);
        json_string(stdout, qs[i].text, strlen(qs[i].text));
    }
    fputs("], \"rounds\": [", stdout);
    for (r = 0; r < rounds; r++) {
        run_round(s, qs, order, nq, times, faults);
        if (r == 0)
            continue; /* warm-up */
        if (r > 1)
            fputs(", ", stdout);
        print_times(stdout, times, NULL, nq);
    }
    fputs("]}\n", stdout);
    zk_searcher_free(s);
    return 0;
}

/* ---------------------------------------------------------------- serve */

static int cmd_serve(const char *dir, const char *qfile)
{
    size_t nq;
    query *qs = read_queries(qfile, &nq);
    size_t *order = xmalloc(nq * sizeof *order);
    double *times = xmalloc(nq * sizeof *times);
    double *faults = xmalloc(nq * sizeof *faults);
    int *ran = xmalloc(nq * sizeof *ran);
    static char line[MAX_LINE];
    double open_s;
    zk_searcher *s = open_index(dir, &open_s);

    printf("{\"ready\": true, \"system\": \"zhiku\", \"queries\": %zu, "
           "\"open_seconds\": %.9f}\n",
           nq, open_s);
    fflush(stdout);
    while (fgets(line, sizeof line, stdin) != NULL) {
        chomp(line);
        if (strncmp(line, "round", 5) == 0) {
            size_t n = 0, i;
            char *p = line + 5, *end;
            memset(ran, 0, nq * sizeof *ran);
            for (;;) {
                unsigned long v = strtoul(p, &end, 10);
                if (end == p)
                    break;
                if (v >= nq || ran[v]) {
                    fprintf(stderr, "zhiku-query-bench: bad round: %s\n", line);
                    return 1;
                }
                ran[v] = 1;
                order[n++] = (size_t)v;
                p = end;
            }
            for (i = 0; i < nq; i++)
                times[i] = faults[i] = 0;
            run_round(s, qs, order, n, times, faults);
            fputs("{\"times\": ", stdout);
            print_times(stdout, times, ran, nq);
            fputs(", \"minflt\": ", stdout);
            print_times(stdout, faults, ran, nq);
            fputs("}\n", stdout);
        } else if (strcmp(line, "info") == 0) {
            size_t i;
            fputs("{\"info\": [", stdout);
            for (i = 0; i < nq; i++) {
                outcome o;
                run_query(s, qs[i].text, &o, 1);
                printf("%s{\"ok\": %s, \"hits\": %zu, \"passages\": %llu, "
                       "\"reports\": %llu, \"exact\": %s, \"terms\": %u, "
                       "\"snippet\": ",
                       i ? ", " : "", o.ok ? "true" : "false", o.hits,
                       (unsigned long long)o.passages,
                       (unsigned long long)o.reports,
                       o.exact ? "true" : "false", o.n_terms);
                if (o.first_snippet != NULL)
                    json_string(stdout, o.first_snippet,
                                strlen(o.first_snippet));
                else
                    fputs("null", stdout);
                fputc('}', stdout);
                free(o.first_snippet);
            }
            fputs("]}\n", stdout);
        } else if (strncmp(line, "open", 4) == 0) {
            long n = strtol(line + 4, NULL, 10), k;
            fputs("{\"open\": [", stdout);
            for (k = 0; k < n; k++) {
                double t;
                zk_searcher_free(s);
                s = open_index(dir, &t);
                printf("%s%.9f", k ? ", " : "", t);
            }
            fputs("]}\n", stdout);
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            fprintf(stderr, "zhiku-query-bench: unknown command: %s\n", line);
            return 1;
        }
        fflush(stdout);
    }
    zk_searcher_free(s);
    return 0;
}

/* ---------------------------------------------------------------- cli */

/* One timed process. */
typedef struct proc_time {
    double wall; /* seconds from spawning to reaping */
    double cpu;  /* user + system seconds of the child */
    long minflt; /* its minor page faults */
    int status;  /* its exit status (128 + signal if killed) */
} proc_time;

static double tv_seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Run argv once with stdout and stderr on /dev/null. */
static proc_time time_process(char *const argv[])
{
    posix_spawn_file_actions_t fa;
    struct rusage ru;
    proc_time pt;
    pid_t pid;
    int st = 0, rc;
    double t0;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    t0 = now();
    rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "zhiku-query-bench: cannot run %s: %s\n", argv[0],
                strerror(rc));
        exit(1);
    }
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &st, 0, &ru) < 0)
        ;
    pt.wall = now() - t0;
    posix_spawn_file_actions_destroy(&fa);
    pt.cpu = tv_seconds(ru.ru_utime) + tv_seconds(ru.ru_stime);
    pt.minflt = ru.ru_minflt;
    pt.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return pt;
}

/* Print the runs of one command as JSON members. */
static void print_procs(const proc_time *p, int runs)
{
    int r;

    fputs("\"times\": [", stdout);
    for (r = 0; r < runs; r++)
        printf("%s%.9f", r ? ", " : "", p[r].wall);
    fputs("], \"cpu\": [", stdout);
    for (r = 0; r < runs; r++)
        printf("%s%.6f", r ? ", " : "", p[r].cpu);
    fputs("], \"minflt\": [", stdout);
    for (r = 0; r < runs; r++)
        printf("%s%ld", r ? ", " : "", p[r].minflt);
    fputs("]", stdout);
}

#define N_FLOORS 2

static int cmd_cli(int runs, const char *bin, const char *dir,
                   const char *qfile, int nsel, char **sel)
{
    size_t nq;
    query *qs = read_queries(qfile, &nq);
    size_t *idx = xmalloc((size_t)nsel * sizeof *idx);
    proc_time *t = xmalloc((size_t)nsel * (size_t)runs * sizeof *t);
    proc_time *tt = xmalloc((size_t)runs * sizeof *tt);
    proc_time *tv = xmalloc((size_t)runs * sizeof *tv);
    double *lib = xmalloc((size_t)nsel * (size_t)runs * sizeof *lib);
    double *libcpu = xmalloc((size_t)nsel * (size_t)runs * sizeof *libcpu);
    int *st = xmalloc((size_t)nsel * sizeof *st);
    /* the start-up floors, if built beside this program */
    static const char *const floor_names[N_FLOORS] = {"zhiku-floor-xapian",
                                                      "zhiku-floor-deps"};
    char floor_path[N_FLOORS][4096];
    int have_floor[N_FLOORS];
    proc_time *tf[N_FLOORS];
    double open_s;
    zk_searcher *s = open_index(dir, &open_s);
    int j, r, f;

    /* this program's folder, where the floors are built */
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    char *slash = NULL;
    if (len > 0) {
        self[len] = '\0';
        slash = strrchr(self, '/');
    }
    if (slash != NULL)
        *slash = '\0';
    for (f = 0; f < N_FLOORS; f++) {
        tf[f] = xmalloc((size_t)runs * sizeof *tf[f]);
        have_floor[f] =
            slash != NULL &&
            snprintf(floor_path[f], sizeof floor_path[f], "%s/%s", self,
                     floor_names[f]) < (int)sizeof floor_path[f] &&
            access(floor_path[f], X_OK) == 0;
    }

    for (j = 0; j < nsel; j++) {
        unsigned long v = strtoul(sel[j], NULL, 10);
        if (v >= nq) {
            fprintf(stderr, "zhiku-query-bench: no query %s\n", sel[j]);
            return 2;
        }
        idx[j] = (size_t)v;
        st[j] = 0;
    }
    for (r = -1; r < runs; r++) { /* round -1: warm-up */
        char *targv[] = {"/bin/true", NULL};
        char *vargv[] = {(char *)bin, "--version", NULL};
        proc_time p;
        for (j = 0; j < nsel; j++) {
            char *argv[] = {
                (char *)bin,     "-i", (char *)dir,     "--limit", "10",
                "--color=never", "--", qs[idx[j]].text, NULL};
            outcome o;
            double t0, c0;
            p = time_process(argv);
            if (p.status > 1)
                st[j] = p.status; /* 0: matched, 1: nothing matched */
            /* The same query in this process, right after, under the same
             * load: the library's share of the process time (wall and
             * CPU). */
            c0 = cpu_now();
            t0 = now();
            run_query(s, qs[idx[j]].text, &o, 0);
            if (r >= 0) {
                size_t k = (size_t)j * (size_t)runs + (size_t)r;
                t[k] = p;
                lib[k] = now() - t0;
                libcpu[k] = cpu_now() - c0;
            }
        }
        p = time_process(targv);
        if (r >= 0)
            tt[r] = p;
        p = time_process(vargv);
        if (r >= 0)
            tv[r] = p;
        for (f = 0; f < N_FLOORS; f++) {
            char *fargv[] = {floor_path[f], NULL};
            if (!have_floor[f])
                continue;
            p = time_process(fargv);
            if (r >= 0)
                tf[f][r] = p;
        }
    }
    printf("{\"runs\": %d, \"queries\": [", runs);
    for (j = 0; j < nsel; j++) {
        printf("%s{\"index\": %zu, \"query\": ", j ? ", " : "", idx[j]);
        json_string(stdout, qs[idx[j]].text, strlen(qs[idx[j]].text));
        printf(", \"status\": %d, ", st[j]);
        print_procs(t + (size_t)j * (size_t)runs, runs);
        fputs(", \"library\": [", stdout);
        for (r = 0; r < runs; r++)
            printf("%s%.9f", r ? ", " : "",
                   lib[(size_t)j * (size_t)runs + (size_t)r]);
        fputs("], \"library_cpu\": [", stdout);
        for (r = 0; r < runs; r++)
            printf("%s%.9f", r ? ", " : "",
                   libcpu[(size_t)j * (size_t)runs + (size_t)r]);
        fputs("]}", stdout);
    }
    fputs("], \"true\": {", stdout);
    print_procs(tt, runs);
    fputs("}, \"version\": {", stdout);
    print_procs(tv, runs);
    fputs("}", stdout);
    for (f = 0; f < N_FLOORS; f++) {
        if (have_floor[f]) {
            printf(", \"%s\": {", floor_names[f] + strlen("zhiku-"));
            print_procs(tf[f], runs);
            fputs("}", stdout);
        }
        free(tf[f]);
    }
    fputs("}\n", stdout);
    zk_searcher_free(s);
    return 0;
}

/* ---------------------------------------------------------------- faults */

/* The cost of a page fault on this machine: touch fresh anonymous pages,
 * one write per page, and print the microseconds per page, for 5 runs of
 * 1024 pages. Start-up cost is mostly pages touched, so this tells how much
 * of it is the machine. */
static int cmd_faults(void)
{
    const size_t pages = 1024, page = (size_t)sysconf(_SC_PAGESIZE);
    int r;

    fputs("{\"page_fault_us\": [", stdout);
    for (r = 0; r < 5; r++) {
        volatile char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        double t0;
        size_t i;
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        t0 = now();
        for (i = 0; i < pages; i++)
            p[i * page] = 1;
        printf("%s%.3f", r ? ", " : "", (now() - t0) / (double)pages * 1e6);
        munmap((void *)p, pages * page);
    }
    fputs("]}\n", stdout);
    return 0;
}

static void usage(void)
{
    fputs("usage: zhiku-query-bench run INDEX QUERIES ROUNDS\n"
          "       zhiku-query-bench serve INDEX QUERIES\n"
          "       zhiku-query-bench cli RUNS ZHIKU_QUERY INDEX QUERIES I...\n"
          "       zhiku-query-bench faults\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "run") == 0) {
        int rounds = atoi(argv[4]);
        if (rounds < 2)
            usage();
        return cmd_run(argv[2], argv[3], rounds);
    }
    if (argc == 4 && strcmp(argv[1], "serve") == 0)
        return cmd_serve(argv[2], argv[3]);
    if (argc >= 7 && strcmp(argv[1], "cli") == 0) {
        int runs = atoi(argv[2]);
        if (runs < 1)
            usage();
        return cmd_cli(runs, argv[3], argv[4], argv[5], argc - 6, argv + 6);
    }
    if (argc == 2 && strcmp(argv[1], "faults") == 0)
        return cmd_faults();
    usage();
    return 2;
}
