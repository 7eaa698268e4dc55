/* indexer/zhiku-index.c - zhiku-index: index folders of reports, incrementally
 *
 * A thin layer over zk_index_update(): options, a progress display (a bar
 * on a terminal, plain lines otherwise), the closing summary and the exit
 * status.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zhiku/zhiku.h>

#include "cli.h"

enum {
    EXIT_OK = 0,       /* everything indexed */
    EXIT_SOME = 1,     /* the index is updated, but some files failed */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_INDEX = 3,    /* the index could not be opened or written */
    EXIT_INTERRUPT = 4 /* interrupted; work up to the last commit is kept */
};

static const char usage_text[] =
    "usage: zhiku-index [OPTION]... PATH...\n"
    "       zhiku-index [-i INDEX] --stats\n"
    "       zhiku-index --extract [-e ENC] FILE...\n"
    "Index reports (.txt, .md, .pdf, .docx, .html; folders recursively) into\n"
    "a zhiku index. Reruns index only new and changed files. Files of other\n"
    "formats in the folders are passed over, and the summary names them.\n"
    "\n"
    "  -i, --index=DIR       the index (default: $ZHIKU_INDEX, else\n"
    "                        $XDG_DATA_HOME/zhiku/index, else\n"
    "                        ~/.local/share/zhiku/index)\n"
    "  -u, --userdict=FILE   jieba-format user dictionary (repeatable; an\n"
    "                        index must always be updated with the same ones)\n"
    "  -e, --encoding=ENC    read every file as ENC (utf-8, utf-16, utf-16le,\n"
    "                        utf-16be, gb18030, gbk, big5); default: detect\n"
    "  -p, --prune           remove reports whose files are gone\n"
    "      --rebuild         empty the index first (after a dictionary "
    "change)\n"
    "  -j, --threads=N       worker threads (default: one per core)\n"
    "      --batch-mb=N      commit after every N MB of input (default 2)\n"
    "      --compact         compact the index at the end (it is done by\n"
    "                        itself after a run that wrote a fifth of it)\n"
    "      --no-compact      never compact\n"
    "  -v, --verbose         one line per file\n"
    "  -q, --quiet           no progress, only errors and the summary\n"
    "  -s, --stats           print the index's statistics\n"
    "  -x, --extract         print the text zhiku reads from each FILE (PDF:\n"
    "                        a form feed before each new page) and index\n"
    "                        nothing\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n"
    "\n"
    "Exit status: 0 all indexed; 1 some files failed (the rest is indexed);\n"
    "2 usage error; 3 the index could not be opened or written (locked by\n"
    "another zhiku-index, incompatible, I/O error); 4 interrupted (work up to\n"
    "the last commit is kept; rerun to finish).\n";

/* files passed over (of formats zhiku does not read) that the summary
 * names, at most this many */
#define SHOW_PASSED 10

typedef struct ui {
    int tty, verbose, quiet;
    double last_draw;
    double start;
    char *passed[SHOW_PASSED]; /* "path: what it is" */
    size_t n_passed;
} ui;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *status_name(int s)
{
    switch (s) {
    case ZK_FILE_NEW:
        return "new";
    case ZK_FILE_UPDATED:
        return "updated";
    case ZK_FILE_UNCHANGED:
        return "unchanged";
    case ZK_FILE_REMOVED:
        return "removed";
    case ZK_FILE_SKIPPED:
        return "passed";
    default:
        return "failed";
    }
}

static void draw(ui *u, const zk_update_stats *st, int final)
{
    double mb = (double)st->bytes_done / 1e6;
    double total = (double)st->bytes_total / 1e6;
    double rate = st->seconds > 0 ? mb / st->seconds : 0;
    double eta = rate > 0 ? (total - mb) / rate : 0;
    int width = 24, filled, i;
    char bar[32];

    if (u->quiet)
        return;
    if (u->tty) {
        filled = total > 0 ? (int)(width * mb / total) : width;
        if (filled > width)
            filled = width;
        for (i = 0; i < width; i++)
            bar[i] = i < filled ? '=' : ' ';
        bar[width] = '\0';
        fprintf(stderr,
                "\r[%s] %zu/%zu files  %.1f/%.1f MB  %.2f MB/s  ETA %d:%02d ",
                bar, st->done, st->files, mb, total, rate, (int)eta / 60,
                (int)eta % 60);
        if (final)
            fputc('\n', stderr);
    } else {
        fprintf(stderr,
                "zhiku-index: %zu/%zu files, %.1f/%.1f MB, %.2f MB/s, "
                "ETA %ds\n",
                st->done, st->files, mb, total, rate, (int)eta);
    }
    fflush(stderr);
}

static int progress(const zk_file_event *ev, const zk_update_stats *st,
                    void *payload)
{
    ui *u = payload;
    double t = now();

    if (ev != NULL && ev->status == ZK_FILE_SKIPPED && !u->verbose) {
        if (u->n_passed < SHOW_PASSED && ev->message != NULL)
            u->passed[u->n_passed++] = strdup(ev->message);
    } else if (ev != NULL && ev->status == ZK_FILE_SKIPPED) {
        if (u->tty && !u->quiet)
            fputc('\r', stderr);
        fputs("passed    ", stderr);
        zk_cli_put_escaped(stderr, ev->message);
        fputs(u->tty ? "\033[K\n" : "\n", stderr);
    } else if (ev != NULL && ev->status == ZK_FILE_FAILED) {
        if (u->tty && !u->quiet)
            fputc('\n', stderr);
        fputs("zhiku-index: skipped ", stderr);
        zk_cli_put_escaped(stderr, ev->message);
        fputc('\n', stderr);
    } else if (ev != NULL && (u->verbose || ev->status == ZK_FILE_REMOVED)) {
        if (u->tty && !u->quiet)
            fputc('\r', stderr);
        fprintf(stderr, "%-9s ", status_name(ev->status));
        zk_cli_put_escaped(stderr, ev->path);
        if ((ev->status == ZK_FILE_NEW || ev->status == ZK_FILE_UPDATED) &&
            ev->format != NULL && strcmp(ev->format, "pdf") == 0)
            fprintf(stderr, " (%zu passages, pdf)", ev->passages);
        else if ((ev->status == ZK_FILE_NEW || ev->status == ZK_FILE_UPDATED) &&
                 ev->format != NULL && strcmp(ev->format, "text") != 0 &&
                 strcmp(ev->format, "markdown") != 0)
            fprintf(stderr, " (%zu passages, %s, %s)", ev->passages, ev->format,
                    ev->encoding ? ev->encoding : "?");
        else if (ev->status == ZK_FILE_NEW || ev->status == ZK_FILE_UPDATED)
            fprintf(stderr, " (%zu passages, %s)", ev->passages,
                    ev->encoding ? ev->encoding : "?");
        fputs(u->tty ? "\033[K\n" : "\n", stderr);
    }
    if (t - u->last_draw >= (u->tty ? 0.2 : 10.0)) {
        draw(u, st, 0);
        u->last_draw = t;
    }
    return interrupted ? 1 : 0;
}

static void print_info(const zk_index_info *info, const char *path)
{
    printf("index:      %s\n", path);
    printf("reports:    %llu\n", (unsigned long long)info->reports);
    printf("passages:   %llu\n", (unsigned long long)info->passages);
    printf("text:       %.1f MB\n", (double)info->text_bytes / 1e6);
    printf("on disk:    %.1f MB (%.1fx the text)\n",
           (double)info->disk_bytes / 1e6,
           info->text_bytes
               ? (double)info->disk_bytes / (double)info->text_bytes
               : 0.0);
    printf("schema:     %d\n", info->schema);
    printf("dictionary: %s\n", info->dict_hash);
}

/* The statistics after an update, from the writer: 0, or -1 after saying
 * why not. */
static int print_stats(zk_index *ix, const char *path)
{
    zk_index_info info;

    if (zk_index_info_get(&info, ix) != ZK_OK) {
        zk_cli_error("zhiku-index", zk_error_last()->message);
        return -1;
    }
    print_info(&info, path);
    return 0;
}

/* --stats alone: read as a searcher does, as of the latest commit, without
 * the writer's lock (so while another zhiku-index writes, or on an index
 * we may only read). */
static int stats_only(const char *path)
{
    zk_searcher *s = NULL;
    zk_index_info info;
    int rc = zk_searcher_open(&s, path, NULL);

    if (rc == ZK_OK)
        rc = zk_searcher_info_get(&info, s);
    if (rc != ZK_OK)
        zk_cli_error("zhiku-index", zk_error_last()->message);
    else
        print_info(&info, path);
    zk_searcher_free(s);
    return rc == ZK_OK ? EXIT_OK : EXIT_INDEX;
}

/* --extract: each file's reading text on stdout, a line naming it first
 * when there are several. */
static int extract_files(int n, char **files, const char *encoding)
{
    int i, ret = EXIT_OK;

    for (i = 0; i < n; i++) {
        zk_report_input in = ZK_REPORT_INPUT_INIT;
        zk_extracted *x = NULL;

        in.path = files[i];
        in.encoding = encoding;
        if (zk_report_extract(&x, &in) != ZK_OK) {
            zk_cli_error("zhiku-index", zk_error_last()->message);
            ret = EXIT_SOME;
            continue;
        }
        if (n > 1) {
            printf("==> ");
            zk_cli_put_escaped(stdout, files[i]);
            printf(" (%s, %s", x->format_name, x->encoding);
            if (x->pages > 0)
                printf(", %u page%s", x->pages, x->pages == 1 ? "" : "s");
            printf(") <==\n");
        }
        fwrite(x->text, 1, x->len, stdout);
        if (x->len > 0 && x->text[x->len - 1] != '\n')
            putchar('\n');
        zk_extracted_free(x);
    }
    return ret;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'},
        {"userdict", required_argument, NULL, 'u'},
        {"encoding", required_argument, NULL, 'e'},
        {"prune", no_argument, NULL, 'p'},
        {"rebuild", no_argument, NULL, 'R'},
        {"threads", required_argument, NULL, 'j'},
        {"batch-mb", required_argument, NULL, 'B'},
        {"compact", no_argument, NULL, 'K'},
        {"no-compact", no_argument, NULL, 'k'},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"stats", no_argument, NULL, 's'},
        {"extract", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    zk_index_options iopts = ZK_INDEX_OPTIONS_INIT;
    zk_update_options uopts = ZK_UPDATE_OPTIONS_INIT;
    zk_update_stats st;
    zk_index *ix = NULL;
    const char **userdicts;
    char path[PATH_MAX];
    const char *index_path = NULL;
    size_t n_user = 0;
    int c, rc, stats = 0, ret = EXIT_OK;
    ui u;
    struct sigaction sa;
    int extract = 0;

    memset(&u, 0, sizeof(u));
    /* Xapian keeps a batch's postings in maps that grow slower with every
     * insert; flushing them to the (uncommitted) tables every 500
     * documents instead of 10000 indexes faster in a third of the memory,
     * and bounds the memory a huge single file takes (its passages must
     * all go in between two commits). Commits are unchanged. */
    setenv("XAPIAN_FLUSH_THRESHOLD", "500", 0);
    userdicts = calloc((size_t)argc, sizeof(*userdicts));
    if (userdicts == NULL)
        return EXIT_INDEX;
    while ((c = getopt_long(argc, argv, "i:u:e:pj:vqsxhV", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'i':
            index_path = optarg;
            break;
        case 'u':
            userdicts[n_user++] = optarg;
            break;
        case 'e':
            uopts.encoding = optarg;
            break;
        case 'p':
            uopts.prune = 1;
            break;
        case 'R':
            iopts.rebuild = 1;
            break;
        case 'j':
            uopts.threads = atoi(optarg);
            if (uopts.threads < 1 || uopts.threads > 64) {
                fprintf(stderr, "zhiku-index: bad --threads '%s'\n", optarg);
                free(userdicts);
                return EXIT_USAGE;
            }
            break;
        case 'B':
            if (atoi(optarg) < 1) {
                fprintf(stderr, "zhiku-index: bad --batch-mb '%s'\n", optarg);
                free(userdicts);
                return EXIT_USAGE;
            }
            uopts.batch_bytes = (uint64_t)atoi(optarg) << 20;
            break;
        case 'K':
            uopts.compact = 1;
            break;
        case 'k':
            uopts.compact = -1;
            break;
        case 'v':
            u.verbose = 1;
            break;
        case 'q':
            u.quiet = 1;
            break;
        case 's':
            stats = 1;
            break;
        case 'x':
            extract = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            free(userdicts);
            return EXIT_OK;
        case 'V':
            printf("zhiku-index %s\n", zk_version());
            free(userdicts);
            return EXIT_OK;
        default:
            fputs(usage_text, stderr);
            free(userdicts);
            return EXIT_USAGE;
        }
    }
    if (extract) {
        free(userdicts);
        return optind < argc
                   ? extract_files(argc - optind, argv + optind, uopts.encoding)
                   : (fputs(usage_text, stderr), EXIT_USAGE);
    }
    if (optind == argc && !stats) {
        fputs(usage_text, stderr);
        free(userdicts);
        return EXIT_USAGE;
    }
    if (zk_cli_index_path(path, sizeof(path), index_path, "zhiku-index")) {
        free(userdicts);
        return EXIT_USAGE;
    }
    index_path = path;
    if (optind == argc) { /* --stats alone */
        free(userdicts);
        return stats_only(index_path);
    }
    iopts.userdicts = userdicts;
    iopts.n_userdicts = n_user;
    if (zk_index_open(&ix, index_path, &iopts) != ZK_OK) {
        zk_cli_error("zhiku-index", zk_error_last()->message);
        free(userdicts);
        return EXIT_INDEX;
    }
    if (optind < argc) {
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        u.tty = isatty(STDERR_FILENO);
        u.start = now();
        uopts.progress = progress;
        uopts.payload = &u;
        rc = zk_index_update(ix, (const char *const *)argv + optind,
                             (size_t)(argc - optind), &uopts, &st);
        draw(&u, &st, 1);
        printf("zhiku-index: %zu new, %zu updated, %zu unchanged, %zu "
               "removed, %zu failed; %llu passages; %.1f MB in %.1f s "
               "(%.2f MB/s)\n",
               st.n_new, st.n_updated, st.n_unchanged, st.n_removed,
               st.n_failed, (unsigned long long)st.passages,
               (double)st.bytes_done / 1e6, st.seconds,
               st.seconds > 0 ? (double)st.bytes_done / 1e6 / st.seconds : 0.0);
        if (st.n_skipped > 0) {
            size_t i;
            printf("zhiku-index: passed over %zu file%s of formats zhiku "
                   "does not read%s\n",
                   st.n_skipped, st.n_skipped == 1 ? "" : "s",
                   u.verbose ? " (listed above)" : ":");
            for (i = 0; i < u.n_passed; i++) {
                fputs("  ", stdout);
                zk_cli_put_escaped(stdout, u.passed[i]);
                putchar('\n');
            }
            if (!u.verbose && st.n_skipped > u.n_passed)
                printf("  and %zu more (-v names each)\n",
                       st.n_skipped - u.n_passed);
        }
        if (rc == ZK_EUSER) {
            fprintf(stderr, "zhiku-index: interrupted; the index holds the "
                            "work up to its last commit: rerun to finish\n");
            ret = EXIT_INTERRUPT;
        } else if (rc != ZK_OK) {
            zk_cli_error("zhiku-index", zk_error_last()->message);
            fputs("zhiku-index: stopped: the index holds the work up to its "
                  "last commit; rerun to finish once this is fixed\n",
                  stderr);
            ret = EXIT_INDEX;
        } else if (st.n_failed > 0) {
            ret = EXIT_SOME;
        }
    }
    if (stats && print_stats(ix, index_path) != 0 && ret == EXIT_OK)
        ret = EXIT_INDEX;
    zk_index_free(ix);
    free(userdicts);
    while (u.n_passed > 0)
        free(u.passed[--u.n_passed]);
    return ret;
}
