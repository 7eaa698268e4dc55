/* query/zhiku-query.c - zhiku-query: print the passages that best match a query
 *
 * A thin layer over zk_searcher_query(): options, the output formats (text
 * with colours on a terminal, JSON, JSON lines, counts, file names), the
 * total line and the exit status.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zhiku/zhiku.h>

#include "cli.h"

enum {
    EXIT_MATCH = 0,   /* something matched */
    EXIT_NOMATCH = 1, /* nothing matched */
    EXIT_USAGE = 2,   /* bad command line or query syntax */
    EXIT_INDEX = 3    /* no index, incompatible index, I/O error */
};

enum { OUT_TEXT, OUT_JSON, OUT_JSONL, OUT_COUNT, OUT_FILES };

static const char usage_text[] =
    "usage: zhiku-query [OPTION]... [--] QUERY...\n"
    "Search a zhiku index and print the best passages, with the report and\n"
    "section they sit in and every match highlighted. The arguments are\n"
    "joined into one query (see docs/query-syntax.md); options come first,\n"
    "and -- ends them when the query starts with '-':\n"
    "  城乡耦合 共同富裕      both must occur (in the text or its headings)\n"
    "  乡村振兴 OR 共同富裕   either\n"
    "  发展 -疫情             exclude\n"
    "  \"城乡 融合\"            an exact phrase\n"
    "  title:政府工作报告 section:城乡 year:2020..2025 path:FOLDER|GLOB\n"
    "  author: org: keyword: docno:\n"
    "\n"
    "  -i, --index=DIR        the index (default: $ZHIKU_INDEX, else\n"
    "                         $XDG_DATA_HOME/zhiku/index, else\n"
    "                         ~/.local/share/zhiku/index)\n"
    "  -n, --limit=N          show N passages (default 10)\n"
    "      --offset=N         skip the first N passages\n"
    "  -r, --per-report=N     at most N passages per report (default 3;\n"
    "                         0: no limit)\n"
    "      --sort=relevance|date\n"
    "  -C, --context=N        also show N passages before and after each\n"
    "      --snippet=N        snippet length in characters (default 160;\n"
    "                         0: whole passages)\n"
    "      --explain          show how each score was made\n"
    "      --json             one JSON document\n"
    "      --jsonl            one JSON object per passage\n"
    "  -c, --count            only count matching passages and reports\n"
    "                         (exactly; the total line of a normal search\n"
    "                         may be an estimate, marked \"about\")\n"
    "  -l, --files            only list matching reports' files\n"
    "      --color=WHEN       auto (default), always or never; NO_COLOR\n"
    "                         turns auto off\n"
    "      --dict=FILE        compiled dictionary (default: installed)\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n"
    "\n"
    "Exit status: 0 if something matched, 1 if nothing did, 2 on a usage or\n"
    "query syntax error, 3 if the index is missing or cannot be read.\n";

typedef struct style {
    const char *match, *title, *section, *path, *dim, *reset;
} style;

static const style plain = {"[", "", "", "", "", "]"};
static const style colour = {"\033[1;31m", "\033[1m", "\033[36m",
                             "\033[35m",   "\033[2m", "\033[0m"};

/* Print text[a, b) with the matches inside it highlighted. */
static void print_marked(const char *text, size_t a, size_t b,
                         const zk_match *m, size_t n, const style *st,
                         int use_colour)
{
    size_t pos = a, i;

    for (i = 0; i < n && pos < b; i++) {
        size_t s = m[i].start, e = m[i].end;
        if (e <= pos || s >= b)
            continue;
        if (s < pos)
            s = pos;
        if (e > b)
            e = b;
        /* merge overlapping matches */
        while (i + 1 < n && m[i + 1].start <= e) {
            if (m[i + 1].end > e)
                e = m[i + 1].end > b ? b : m[i + 1].end;
            i++;
        }
        fwrite(text + pos, 1, s - pos, stdout);
        fputs(use_colour ? st->match : "【", stdout);
        fwrite(text + s, 1, e - s, stdout);
        fputs(use_colour ? st->reset : "】", stdout);
        pos = e;
    }
    if (pos < b)
        fwrite(text + pos, 1, b - pos, stdout);
}

static void print_oneline(const char *text, size_t a, size_t b,
                          const zk_match *m, size_t n, const style *st,
                          int use_colour)
{
    /* passages may hold line breaks (lists, tables): show them as ⏎-free
     * single lines by printing segment by segment */
    size_t i = a;

    while (i < b) {
        const char *nl = memchr(text + i, '\n', b - i);
        size_t e = nl ? (size_t)(nl - text) : b;
        print_marked(text, i, e, m, n, st, use_colour);
        if (nl) {
            fputs(" / ", stdout);
            e++;
        }
        i = e;
    }
}

static void print_hit_text(const zk_hit *h, size_t snippet, int use_colour,
                           const char *prefix)
{
    const style *st = use_colour ? &colour : &plain;
    size_t a = 0, b = h->len;

    if (snippet > 0)
        zk_hit_snippet(h, snippet, &a, &b);
    if (prefix[0] == '\0') {
        printf("%s%zu.%s %s%s%s", use_colour ? st->title : "", h->rank,
               use_colour ? st->reset : "", use_colour ? st->title : "",
               h->title[0] ? h->title : "(untitled)",
               use_colour ? st->reset : "");
        if (h->date[0])
            printf("  %s", h->date);
        printf("  %s(%.2f)%s\n", use_colour ? st->dim : "", h->score,
               use_colour ? st->reset : "");
    }
    if (h->section[0]) {
        printf("%s   %s", prefix, use_colour ? st->section : "");
        if (use_colour) { /* a match inside the cyan trail: back to cyan */
            size_t i, pos = 0, len = strlen(h->section);
            for (i = 0; i < h->n_section_matches; i++) {
                const zk_match *m = &h->section_matches[i];
                if (m->start < pos)
                    continue;
                fwrite(h->section + pos, 1, m->start - pos, stdout);
                printf("%s%.*s%s%s", st->match, (int)(m->end - m->start),
                       h->section + m->start, st->reset, st->section);
                pos = m->end;
            }
            fwrite(h->section + pos, 1, len - pos, stdout);
        } else {
            print_marked(h->section, 0, strlen(h->section), h->section_matches,
                         h->n_section_matches, st, 0);
        }
        printf("%s\n", use_colour ? st->reset : "");
    }
    if (h->page_start > 0 && h->page_end > h->page_start)
        printf("%s   %s%s, pp. %u\xe2\x80\x93%u%s\n", prefix,
               use_colour ? st->path : "", h->path, h->page_start, h->page_end,
               use_colour ? st->reset : "");
    else if (h->page_start > 0)
        printf("%s   %s%s, p. %u%s\n", prefix, use_colour ? st->path : "",
               h->path, h->page_start, use_colour ? st->reset : "");
    else
        printf("%s   %s%s:%u%s\n", prefix, use_colour ? st->path : "", h->path,
               h->line, use_colour ? st->reset : "");
    printf("%s   %s", prefix, a > 0 ? "…" : "");
    print_oneline(h->text, a, b, h->matches, h->n_matches, st, use_colour);
    printf("%s\n", b < h->len ? "…" : "");
    if (h->explain)
        printf("%s   %sscore %s%s\n", prefix, use_colour ? st->dim : "",
               h->explain, use_colour ? st->reset : "");
}

static void json_matches(const char *name, const zk_match *m, size_t n)
{
    size_t i;

    printf(",\"%s\":[", name);
    for (i = 0; i < n; i++)
        printf("%s{\"start\":%zu,\"end\":%zu,\"cstart\":%zu,\"cend\":%zu,"
               "\"term\":%u}",
               i ? "," : "", m[i].start, m[i].end, m[i].cstart, m[i].cend,
               m[i].term);
    putchar(']');
}

static void json_hit(const zk_hit *h, size_t snippet)
{
    size_t a = 0, b = h->len;

    if (snippet > 0)
        zk_hit_snippet(h, snippet, &a, &b);
    printf("{\"rank\":%zu,\"score\":%.6f,\"title\":", h->rank, h->score);
    zk_cli_json_string(stdout, h->title, strlen(h->title));
    printf(",\"date\":");
    zk_cli_json_string(stdout, h->date, strlen(h->date));
    printf(",\"path\":");
    zk_cli_json_string(stdout, h->path, strlen(h->path));
    printf(",\"line\":%u,\"ordinal\":%u,\"source_start\":%zu,"
           "\"source_end\":%zu,",
           h->line, h->ordinal, h->src_start, h->src_end);
    if (h->page_start > 0)
        printf("\"page_start\":%u,\"page_end\":%u,", h->page_start,
               h->page_end);
    else
        printf("\"page_start\":null,\"page_end\":null,");
    printf("\"section\":");
    zk_cli_json_string(stdout, h->section, strlen(h->section));
    printf(",\"text\":");
    zk_cli_json_string(stdout, h->text, h->len);
    printf(",\"snippet\":{\"start\":%zu,\"end\":%zu}", a, b);
    json_matches("matches", h->matches, h->n_matches);
    json_matches("section_matches", h->section_matches, h->n_section_matches);
    if (h->explain) {
        printf(",\"explain\":");
        zk_cli_json_string(stdout, h->explain, strlen(h->explain));
    }
    putchar('}');
}

static char *join_args(int n, char **v)
{
    size_t len = 1, i;
    char *s;

    for (i = 0; i < (size_t)n; i++)
        len += strlen(v[i]) + 1;
    s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (i = 0; i < (size_t)n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, v[i]);
    }
    return s;
}

/* The byte offset of the first invalid UTF-8 sequence in `s` (overlong
 * forms, surrogates and code points past U+10FFFF included), or -1. */
static long invalid_utf8_at(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (p[i] != '\0') {
        unsigned c = p[i], v, min;
        size_t l, k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            l = 2, v = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            l = 3, v = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            l = 4, v = c & 0x07, min = 0x10000;
        else
            return (long)i;
        for (k = 1; k < l; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return (long)i;
            v = (v << 6) | (p[i + k] & 0x3Fu);
        }
        if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return (long)i;
        i += l;
    }
    return -1;
}

/* Print a query term for a message: at most 40 characters, escaped. */
static void print_term(FILE *f, const char *t)
{
    size_t i = 0, chars = 0;
    char buf[4 * 40 + 1];

    while (t[i] != '\0' && chars < 40) {
        i++;
        while (((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    if (i > sizeof(buf) - 1)
        i = sizeof(buf) - 1;
    memcpy(buf, t, i);
    buf[i] = '\0';
    fputc('\'', f);
    zk_cli_put_escaped(f, buf);
    fprintf(f, "%s'", t[i] ? "…" : "");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (*s == '\0' || *end != '\0' || *s == '-')
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, 'o'},
        {"per-report", required_argument, NULL, 'r'},
        {"sort", required_argument, NULL, 'S'},
        {"context", required_argument, NULL, 'C'},
        {"snippet", required_argument, NULL, 'N'},
        {"explain", no_argument, NULL, 'E'},
        {"json", no_argument, NULL, 'J'},
        {"jsonl", no_argument, NULL, 'L'},
        {"count", no_argument, NULL, 'c'},
        {"files", no_argument, NULL, 'l'},
        {"color", required_argument, NULL, 'K'},
        {"colour", required_argument, NULL, 'K'},
        {"dict", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    zk_search_options so = ZK_SEARCH_OPTIONS_INIT;
    zk_searcher *s = NULL;
    zk_results *r = NULL;
    const zk_hit *hit;
    const zk_result_info *info;
    char path[PATH_MAX], *query = NULL;
    const char *index_opt = NULL, *dict = NULL, *color = "auto";
    size_t snippet = 160, context = 0, v;
    int c, rc, out = OUT_TEXT, use_colour, ret = EXIT_MATCH, first = 1;

    /* "+": options end at the query, so "发展 -疫情" excludes 疫情 */
    while ((c = getopt_long(argc, argv, "+i:n:r:C:clhV", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'i':
            index_opt = optarg;
            break;
        case 'n':
        case 'o':
        case 'r':
        case 'C':
        case 'N':
            if (parse_size(optarg, &v) != 0 || v > 100000) {
                fprintf(stderr, "zhiku-query: bad number '%s'\n", optarg);
                return EXIT_USAGE;
            }
            if (c == 'n')
                so.limit = v ? v : 10;
            else if (c == 'o')
                so.offset = v;
            else if (c == 'r')
                so.per_report = (unsigned)v;
            else if (c == 'C')
                context = v;
            else
                snippet = v;
            break;
        case 'S':
            if (strcmp(optarg, "date") == 0)
                so.sort = ZK_SORT_DATE;
            else if (strcmp(optarg, "relevance") == 0)
                so.sort = ZK_SORT_RELEVANCE;
            else {
                fprintf(stderr, "zhiku-query: --sort is relevance or date\n");
                return EXIT_USAGE;
            }
            break;
        case 'E':
            so.explain = 1;
            break;
        case 'J':
            out = OUT_JSON;
            break;
        case 'L':
            out = OUT_JSONL;
            break;
        case 'c':
            out = OUT_COUNT;
            break;
        case 'l':
            out = OUT_FILES;
            break;
        case 'K':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
                strcmp(optarg, "never")) {
                fprintf(stderr,
                        "zhiku-query: --color is auto, always or never\n");
                return EXIT_USAGE;
            }
            color = optarg;
            break;
        case 'D':
            dict = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_MATCH;
        case 'V':
            printf("zhiku-query %s\n", zk_version());
            return EXIT_MATCH;
        default:
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind == argc) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (zk_cli_index_path(path, sizeof(path), index_opt, "zhiku-query"))
        return EXIT_USAGE;
    use_colour = strcmp(color, "always") == 0 ||
                 (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) &&
                  getenv("NO_COLOR") == NULL);
    query = join_args(argc - optind, argv + optind);
    if (query == NULL)
        return EXIT_INDEX;
    if (invalid_utf8_at(query) >= 0) {
        fprintf(stderr,
                "zhiku-query: the query is not valid UTF-8 (byte %ld): "
                "give it in UTF-8\n",
                invalid_utf8_at(query) + 1);
        free(query);
        return EXIT_USAGE;
    }
    if (zk_searcher_open(&s, path, dict) != ZK_OK) {
        zk_cli_error("zhiku-query", zk_error_last()->message);
        ret = EXIT_INDEX;
        goto done;
    }
    if (out == OUT_COUNT || out == OUT_FILES) {
        so.limit = 1;
        so.exact_counts = 1;
    }
    rc = zk_searcher_query(&r, s, query, &so);
    if (rc == ZK_OK && out == OUT_FILES) {
        /* every matching report once */
        size_t n = (size_t)zk_results_info(r)->reports;
        zk_results_free(r);
        r = NULL;
        so.offset = 0;
        so.limit = n ? n : 1;
        so.per_report = 1;
        so.sort = ZK_SORT_RELEVANCE;
        rc = zk_searcher_query(&r, s, query, &so);
    }
    if (rc != ZK_OK) {
        zk_cli_error("zhiku-query", zk_error_last()->message);
        ret = rc == ZK_EQUERY || rc == ZK_EINVAL ? EXIT_USAGE : EXIT_INDEX;
        goto done;
    }
    info = zk_results_info(r);
    if (out == OUT_JSON) {
        printf("{\"query\":");
        zk_cli_json_string(stdout, query, strlen(query));
        printf(",\"passages\":%llu,\"reports\":%llu,\"exact\":%s,"
               "\"seconds\":%.6f,\"hits\":[",
               (unsigned long long)info->passages,
               (unsigned long long)info->reports,
               info->exact ? "true" : "false", info->seconds);
    }
    while ((rc = zk_results_next(&hit, r)) == ZK_OK) {
        if (out == OUT_FILES) {
            printf("%s\n", hit->path);
            continue;
        }
        if (out == OUT_COUNT)
            break;
        if (out == OUT_JSON || out == OUT_JSONL) {
            if (out == OUT_JSON && !first)
                putchar(',');
            json_hit(hit, snippet);
            if (out == OUT_JSONL)
                putchar('\n');
            first = 0;
            continue;
        }
        print_hit_text(hit, snippet, use_colour, "");
        if (context > 0) {
            zk_results *cr = NULL;
            const zk_hit *ch;
            if (zk_searcher_context(&cr, s, hit, (unsigned)context,
                                    (unsigned)context) == ZK_OK) {
                while (zk_results_next(&ch, cr) == ZK_OK) {
                    if (ch->ordinal == hit->ordinal)
                        continue;
                    printf("   %s%s #%u%s\n", use_colour ? colour.dim : "",
                           ch->ordinal < hit->ordinal ? "before" : "after",
                           ch->ordinal, use_colour ? colour.reset : "");
                    print_hit_text(ch, snippet, use_colour, "   ");
                }
            }
            zk_results_free(cr);
        }
        putchar('\n');
        first = 0;
    }
    if (out == OUT_JSON)
        printf("]}\n");
    if (info->passages == 0) {
        unsigned i;
        int said = 0;
        ret = EXIT_NOMATCH;
        for (i = 0; i < info->n_terms; i++) {
            uint64_t n = 0;
            const char *t = zk_results_term(r, i, &n);
            if (n == 0) {
                fputs("zhiku-query: ", stderr);
                print_term(stderr, t);
                fputs(" matched nothing\n", stderr);
                said = 1;
            }
        }
        if (!said && out != OUT_JSON && out != OUT_JSONL)
            fprintf(stderr, "zhiku-query: %s\n",
                    info->n_terms == 0
                        ? "no passage matches the filters"
                        : "no passage matches all of the query (each term "
                          "alone matches)");
    }
    if (out == OUT_COUNT)
        printf(
            "%llu passage%s in %llu report%s\n",
            (unsigned long long)info->passages, info->passages == 1 ? "" : "s",
            (unsigned long long)info->reports, info->reports == 1 ? "" : "s");
    else if (out == OUT_TEXT)
        printf("%s%llu passage%s in %llu report%s (%.1f ms)\n",
               info->exact ? "" : "about ", (unsigned long long)info->passages,
               info->passages == 1 ? "" : "s",
               (unsigned long long)info->reports, info->reports == 1 ? "" : "s",
               info->seconds * 1000);
done:
    zk_results_free(r);
    zk_searcher_free(s);
    free(query);
    return ret;
}
