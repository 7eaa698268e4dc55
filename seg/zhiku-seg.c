/* seg/zhiku-seg.c - zhiku-seg: segment text line by line, as `python -m jieba`
 *
 * Reads files (or standard input) and prints one output line per input
 * line, its tokens joined by a delimiter. Input is streamed: a line of any
 * length is cut in pieces at points where that cannot change the result
 * (zk_seg_split_point), so memory stays bounded.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zhiku/zhiku.h>

#include "cli.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };
enum { OUT_TEXT, OUT_OFFSETS, OUT_JSON };

#define CHUNK (1u << 20)    /* bytes read at a time */
#define HARD_CUT (4u << 20) /* force a cut in a line with no split point */

static const char usage_text[] =
    "usage: zhiku-seg [OPTION]... [FILE]...\n"
    "Segment Chinese text as jieba 0.42.1 does, one output line per input\n"
    "line (standard input if no FILE, or FILE is -).\n"
    "\n"
    "  -n, --no-hmm          do not find unknown words with the HMM\n"
    "  -s, --search          search mode (jieba's cut_for_search)\n"
    "  -a, --full            full mode (jieba's cut_all)\n"
    "  -d, --delimiter=DELIM put DELIM between tokens (default ' / ')\n"
    "  -u, --userdict=FILE   add a jieba-format user dictionary (repeatable)\n"
    "  -N, --normalize       search normalisation first (NFKC, case folding)\n"
    "      --offsets         print each token as TOKEN[START,END) with byte\n"
    "                        offsets from the start of the input\n"
    "      --json            print one JSON object per line, with byte and\n"
    "                        character offsets of each token\n"
    "      --dict=FILE       compiled dictionary (default: $ZHIKU_DICT, then\n"
    "                        the installed one)\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n"
    "\n"
    "Exit status: 0 on success, 1 if a file could not be read or the\n"
    "dictionary could not be loaded, 2 on a usage error.\n";

typedef struct out_ctx {
    FILE *out;
    int format;
    const char *delim;
    size_t delim_len;
    size_t base;  /* byte offset of the piece being cut in the input */
    size_t cbase; /* character offset of that piece */
    size_t chars; /* characters in the piece (for the next cbase) */
    int first;    /* no token printed yet on this output line */
} out_ctx;

static int print_token(const zk_token *t, void *payload)
{
    out_ctx *o = payload;
    static const char *const kinds[] = {"word", "space", "other"};

    if (o->format == OUT_JSON) {
        fputs(o->first ? "" : ",", o->out);
        fputs("{\"text\":", o->out);
        zk_cli_json_string(o->out, t->text, t->len);
        fprintf(o->out,
                ",\"start\":%zu,\"end\":%zu,\"cstart\":%zu,\"cend\":%zu,"
                "\"kind\":\"%s\"%s}",
                o->base + t->start, o->base + t->end, o->cbase + t->cstart,
                o->cbase + t->cend, kinds[t->kind],
                (t->flags & ZK_TOKEN_COLOCATED) ? ",\"colocated\":true" : "");
    } else {
        if (!o->first)
            fwrite(o->delim, 1, o->delim_len, o->out);
        fwrite(t->text, 1, t->len, o->out);
        if (o->format == OUT_OFFSETS)
            fprintf(o->out, "[%zu,%zu)", o->base + t->start, o->base + t->end);
    }
    if (t->cend > o->chars)
        o->chars = t->cend;
    o->first = 0;
    return 0;
}

/* Cut one piece of a line; `base`/`cbase` locate it in the input. */
static int cut_piece(zk_seg *seg, const zk_seg_options *opts, out_ctx *o,
                     const char *p, size_t n)
{
    int rc;

    o->chars = 0;
    rc = zk_seg_cut(seg, p, n, opts, print_token, o);
    o->base += n;
    o->cbase += o->chars;
    return rc;
}

static void line_begin(out_ctx *o, long lineno)
{
    o->first = 1;
    if (o->format == OUT_JSON)
        fprintf(o->out, "{\"line\":%ld,\"tokens\":[", lineno);
}

static void line_end(out_ctx *o)
{
    fputs(o->format == OUT_JSON ? "]}\n" : "\n", o->out);
}

static int run_file(zk_seg *seg, const zk_seg_options *opts, out_ctx *o,
                    const char *name, FILE *in)
{
    char *buf = NULL;
    size_t cap = 0, len = 0, got;
    long lineno = 1;
    int in_line = 0, rc = ZK_OK, eof = 0;

    o->base = 0;
    o->cbase = 0;
    while (!eof && rc == ZK_OK) {
        size_t pos = 0;
        if (cap - len < CHUNK) {
            char *nb = realloc(buf, cap + CHUNK);
            if (nb == NULL) {
                fprintf(stderr, "zhiku-seg: %s: out of memory\n", name);
                free(buf);
                return EXIT_FAIL;
            }
            buf = nb;
            cap += CHUNK;
        }
        got = fread(buf + len, 1, cap - len, in);
        if (got == 0) {
            if (ferror(in)) {
                fprintf(stderr, "zhiku-seg: %s: %s\n", name, strerror(errno));
                free(buf);
                return EXIT_FAIL;
            }
            eof = 1;
        }
        len += got;
        /* every complete line in the buffer */
        for (;;) {
            char *nl = memchr(buf + pos, '\n', len - pos);
            size_t n;
            if (nl == NULL)
                break;
            n = (size_t)(nl - (buf + pos));
            if (!in_line)
                line_begin(o, lineno);
            /* strip CRs before the LF, as `python -m jieba` does */
            {
                size_t m = n;
                while (m > 0 && buf[pos + m - 1] == '\r')
                    m--;
                rc = cut_piece(seg, opts, o, buf + pos, m);
                o->base += n - m + 1;
                o->cbase += n - m + 1;
            }
            line_end(o);
            in_line = 0;
            lineno++;
            pos += n + 1;
            if (rc != ZK_OK)
                break;
        }
        if (rc != ZK_OK)
            break;
        /* the start of a long line: cut what can safely be cut */
        if (!eof && len - pos >= CHUNK / 2) {
            size_t cut = zk_seg_split_point(buf + pos, len - pos);
            if (cut == 0 && len - pos >= HARD_CUT) {
                cut = len - pos;
                while (cut > 0 &&
                       ((unsigned char)buf[pos + cut] & 0xC0) == 0x80)
                    cut--;
            }
            if (cut > 0) {
                if (!in_line)
                    line_begin(o, lineno);
                in_line = 1;
                rc = cut_piece(seg, opts, o, buf + pos, cut);
                pos += cut;
            }
        }
        if (eof && pos < len && rc == ZK_OK) {
            size_t m = len - pos;
            if (!in_line)
                line_begin(o, lineno);
            while (m > 0 && buf[pos + m - 1] == '\r')
                m--;
            rc = cut_piece(seg, opts, o, buf + pos, m);
            line_end(o);
            in_line = 0;
            pos = len;
        } else if (eof && in_line) {
            line_end(o);
            in_line = 0;
        }
        memmove(buf, buf + pos, len - pos);
        len -= pos;
    }
    free(buf);
    if (rc != ZK_OK) {
        fprintf(stderr, "zhiku-seg: %s: %s\n", name, zk_error_last()->message);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"no-hmm", no_argument, NULL, 'n'},
        {"search", no_argument, NULL, 's'},
        {"full", no_argument, NULL, 'a'},
        {"cut-all", no_argument, NULL, 'a'},
        {"delimiter", required_argument, NULL, 'd'},
        {"userdict", required_argument, NULL, 'u'},
        {"normalize", no_argument, NULL, 'N'},
        {"offsets", no_argument, NULL, 'O'},
        {"json", no_argument, NULL, 'J'},
        {"dict", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    zk_seg_options opts = ZK_SEG_OPTIONS_INIT;
    out_ctx o;
    const char *dict_path = NULL;
    const char **userdicts = NULL;
    size_t n_user = 0, i;
    zk_dict *dict = NULL;
    zk_seg *seg = NULL;
    int c, ret = EXIT_OK;
    static char outbuf[1 << 16];

    memset(&o, 0, sizeof(o));
    o.out = stdout;
    o.delim = " / ";
    o.format = OUT_TEXT;
    userdicts = calloc((size_t)argc, sizeof(*userdicts));
    if (userdicts == NULL)
        return EXIT_FAIL;
    while ((c = getopt_long(argc, argv, "nsad:u:NhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            opts.hmm = 0;
            break;
        case 's':
            opts.mode = ZK_SEG_SEARCH;
            break;
        case 'a':
            opts.mode = ZK_SEG_FULL;
            break;
        case 'd':
            o.delim = optarg;
            break;
        case 'u':
            userdicts[n_user++] = optarg;
            break;
        case 'N':
            opts.normalize = 1;
            break;
        case 'O':
            o.format = OUT_OFFSETS;
            break;
        case 'J':
            o.format = OUT_JSON;
            break;
        case 'D':
            dict_path = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            free(userdicts);
            return EXIT_OK;
        case 'V':
            printf("zhiku-seg %s\n", zk_version());
            free(userdicts);
            return EXIT_OK;
        default:
            fputs(usage_text, stderr);
            free(userdicts);
            return EXIT_USAGE;
        }
    }
    o.delim_len = strlen(o.delim);
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    if (zk_dict_open(&dict, dict_path) != ZK_OK) {
        fprintf(stderr, "zhiku-seg: %s\n", zk_error_last()->message);
        ret = EXIT_FAIL;
        goto done;
    }
    for (i = 0; i < n_user; i++) {
        if (zk_dict_load_userdict(dict, userdicts[i]) != ZK_OK) {
            fprintf(stderr, "zhiku-seg: %s\n", zk_error_last()->message);
            ret = EXIT_FAIL;
            goto done;
        }
    }
    if (zk_seg_new(&seg, dict) != ZK_OK) {
        fprintf(stderr, "zhiku-seg: %s\n", zk_error_last()->message);
        ret = EXIT_FAIL;
        goto done;
    }
    if (optind == argc) {
        ret = run_file(seg, &opts, &o, "(stdin)", stdin);
    } else {
        for (; optind < argc; optind++) {
            const char *name = argv[optind];
            FILE *in = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
            int r;
            if (in == NULL) {
                fprintf(stderr, "zhiku-seg: %s: %s\n", name, strerror(errno));
                ret = EXIT_FAIL;
                continue;
            }
            r = run_file(seg, &opts, &o, name, in);
            if (r != EXIT_OK)
                ret = r;
            if (in != stdin)
                fclose(in);
        }
    }
done:
    if (fflush(stdout) != 0 && ret == EXIT_OK) {
        fprintf(stderr, "zhiku-seg: write error: %s\n", strerror(errno));
        ret = EXIT_FAIL;
    }
    zk_seg_free(seg);
    zk_dict_free(dict);
    free(userdicts);
    return ret;
}
