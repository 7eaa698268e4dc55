/* fuzz_index.c - fuzz target: indexing a report end to end through the
 * public API (zk_index_add_report on an index in a temporary directory,
 * commits now and then, queries on what was committed).
 *
 * Input: four header bytes, then (unless the query is a slice of the text)
 * the query's bytes, then the report's bytes.
 *   byte 0: bits 0-1 format (auto, plain, Markdown, auto), bits 2-4 which of
 *           eight paths (so reports get replaced), bit 5 remove that path
 *           first, bit 6 commit afterwards, bit 7 then run the query
 *   byte 1: bits 0-2 encoding (detect, or forced), bit 3 title override,
 *           bit 4 date override
 *   byte 2: bits 0-4 query length in bytes, bit 5 the query is that many
 *           bytes of the text from offset byte 3 * 16 instead
 *   byte 3: see byte 2
 * The index lives for the whole run (every 16th input commits anyway).
 *
 * Checks: adding returns ZK_OK or ZK_EENCODING (a failed add changes
 * nothing), removing ZK_OK or ZK_ENOTFOUND as the path was indexed or not,
 * commits succeed; zk_index_info_get counts exactly the reports and
 * passages added; a query returns ZK_OK or ZK_EQUERY with a message; a
 * result has exact counts and exactly min(limit, total) hits, ranked 1, 2,
 * ... by non-increasing score, each from a committed report and passage,
 * with strict UTF-8 text and trail, and matches inside them, in order, whose
 * character offsets agree with their byte offsets; and when the query is a
 * single plain word (Han characters, ASCII letters and digits), every hit
 * contains it, normalised, in its text or trail (the literal guarantee). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <math.h>
#include <unistd.h>

#include "fuzz_util.h"

#define N_PATHS 8
#define LIMIT 50
#define COMMIT_EVERY 16

static const char *const paths[N_PATHS] = {
    "a.txt", "reports/2024-政府工作报告.txt", "law.md", "c.markdown",
    "noext", "odd\\name\nwith newline.txt",   "g.MD",   "/abs/h.txt",
};

static const char *const encodings[8] = {
    NULL, NULL, NULL, NULL, "utf-8", "gb18030", "utf-16", "big5",
};

static const int formats[4] = {ZK_FORMAT_AUTO, ZK_FORMAT_PLAIN, ZK_FORMAT_MD,
                               ZK_FORMAT_AUTO};

typedef struct state {
    int present;     /* indexed, committed or not */
    size_t passages; /* how many passages it has */
} state;

static char dir[4096];
static zk_index *ix;
static zk_searcher *searcher;
static state now[N_PATHS], committed[N_PATHS];
static unsigned long runs;
static int any_commit; /* a searcher needs an index on disk */

static int rm_entry(const char *p, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void cleanup(void)
{
    zk_searcher_free(searcher);
    searcher = NULL;
    zk_index_free(ix);
    ix = NULL;
    if (dir[0] != '\0')
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, sizeof(dir), "%s/zk-fuzz-index-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        abort();
    }
    atexit(cleanup);
    FZ_CHECK(zk_index_open(&ix, dir, NULL) == ZK_OK);
}

static void check_counts(void)
{
    zk_index_info info;
    uint64_t reports = 0, passages = 0;
    size_t k;

    for (k = 0; k < N_PATHS; k++) {
        if (now[k].present) {
            reports++;
            passages += now[k].passages;
        }
    }
    FZ_CHECK(zk_index_info_get(&info, ix) == ZK_OK);
    FZ_CHECK(info.reports == reports);
    FZ_CHECK(info.passages == passages);
}

static int path_index(const char *p)
{
    int k;

    for (k = 0; k < N_PATHS; k++)
        if (strcmp(paths[k], p) == 0)
            return k;
    return -1;
}

static size_t chars(const char *s, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static void check_matches(const zk_match *m, size_t n, const char *s,
                          size_t len, unsigned n_terms)
{
    size_t j;

    for (j = 0; j < n; j++) {
        FZ_CHECK(m[j].start < m[j].end && m[j].end <= len);
        FZ_CHECK(j == 0 || m[j].start >= m[j - 1].start);
        FZ_CHECK(m[j].term < n_terms);
        FZ_CHECK(m[j].cstart == chars(s, m[j].start));
        FZ_CHECK(m[j].cend == chars(s, m[j].end));
    }
}

/* Is q one plain word: Han characters, ASCII letters and digits? */
static int plain_word(const char *q)
{
    size_t i = 0, n = strlen(q);
    uint32_t c;

    if (n == 0 || strcmp(q, "OR") == 0)
        return 0;
    while (i < n) {
        c = fz_utf8_next(q, n, &i);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || (c >= 0x4E00 && c <= 0x9FFF)))
            return 0;
    }
    return 1;
}

static int contains_normalised(const char *s, size_t n, const char *term)
{
    zk_norm *nm = NULL;
    int found;

    FZ_CHECK(zk_normalize(&nm, s, n) == ZK_OK);
    found = strstr(nm->text, term) != NULL;
    zk_norm_free(nm);
    return found;
}

static void check_hit(const zk_hit *h, size_t rank, double *prev_score,
                      const zk_result_info *info, const char *word)
{
    size_t k;
    int p;

    FZ_CHECK(h->rank == rank);
    FZ_CHECK(!isnan(h->score) && h->score <= *prev_score);
    *prev_score = h->score;
    FZ_CHECK(h->path != NULL);
    p = path_index(h->path);
    FZ_CHECK(p >= 0 && committed[p].present);
    FZ_CHECK(h->ordinal < committed[p].passages);
    FZ_CHECK(h->title != NULL && h->date != NULL);
    FZ_CHECK(fz_utf8_ok(h->title, strlen(h->title)));
    FZ_CHECK(h->report_id != NULL && strlen(h->report_id) == 16);
    for (k = 0; k < 16; k++)
        FZ_CHECK((h->report_id[k] >= '0' && h->report_id[k] <= '9') ||
                 (h->report_id[k] >= 'a' && h->report_id[k] <= 'f'));
    FZ_CHECK(h->text != NULL && h->len > 0);
    FZ_CHECK(fz_utf8_ok(h->text, h->len));
    FZ_CHECK(h->section != NULL);
    FZ_CHECK(fz_utf8_ok(h->section, strlen(h->section)));
    FZ_CHECK(h->line >= 1 && h->src_start < h->src_end);
    check_matches(h->matches, h->n_matches, h->text, h->len, info->n_terms);
    check_matches(h->section_matches, h->n_section_matches, h->section,
                  strlen(h->section), info->n_terms);
    if (word != NULL)
        FZ_CHECK(contains_normalised(h->text, h->len, word) ||
                 contains_normalised(h->section, strlen(h->section), word));
}

static void run_query(const char *query)
{
    zk_search_options o = ZK_SEARCH_OPTIONS_INIT;
    zk_results *res = NULL;
    const zk_result_info *info;
    const zk_hit *h;
    const zk_error *e;
    const char *word = NULL;
    double prev_score = INFINITY;
    uint64_t term_passages = 0;
    size_t n = 0;
    int rc;

    if (searcher == NULL)
        FZ_CHECK(zk_searcher_open(&searcher, dir, NULL) == ZK_OK);
    o.limit = LIMIT;
    o.per_report = 0;
    o.exact_counts = 1;
    zk_error_clear();
    rc = zk_searcher_query(&res, searcher, query, &o);
    if (rc != ZK_OK) {
        FZ_CHECK(rc == ZK_EQUERY);
        e = zk_error_last();
        FZ_CHECK(e != NULL && e->code == ZK_EQUERY && e->message[0] != '\0');
        return;
    }
    info = zk_results_info(res);
    FZ_CHECK(info != NULL && info->exact == 1);
    if (plain_word(query)) {
        FZ_CHECK(info->n_terms == 1);
        /* the term's own count is exact when it matched nothing, and may
         * be its candidates (an upper bound) otherwise */
        word = zk_results_term(res, 0, &term_passages);
        FZ_CHECK(word != NULL && term_passages >= info->passages);
        FZ_CHECK(info->passages == 0 || term_passages > 0);
    }
    while ((rc = zk_results_next(&h, res)) == ZK_OK)
        check_hit(h, ++n, &prev_score, info, word);
    FZ_CHECK(rc == ZK_ITEROVER);
    FZ_CHECK(n == (info->passages < LIMIT ? info->passages : LIMIT));
    FZ_CHECK(info->reports <= info->passages);
    zk_results_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zk_report_input in = ZK_REPORT_INPUT_INIT;
    const uint8_t *text;
    size_t len, qlen, n_passages = 0, k, off;
    char *query = NULL;
    int slot, rc;

    if (ix == NULL)
        setup();
    if (size < 4)
        return 0;
    runs++;
    slot = (data[0] >> 2) & 7;
    qlen = data[2] & 31;
    text = data + 4;
    len = size - 4;
    if (!(data[2] & 32)) {
        if (qlen > len)
            qlen = len;
        query = fz_strndup(text, qlen);
        text += qlen;
        len -= qlen;
    } else {
        off = len > 0 ? ((size_t)data[3] * 16) % len : 0;
        query = fz_strndup(text + off, qlen < len - off ? qlen : len - off);
    }

    if (data[0] & 32) {
        rc = zk_index_remove(ix, paths[slot]);
        FZ_CHECK(rc == (now[slot].present ? ZK_OK : ZK_ENOTFOUND));
        now[slot].present = 0;
        now[slot].passages = 0;
    }
    in.path = paths[slot];
    in.text = (const char *)text;
    in.len = len;
    in.encoding = encodings[data[1] & 7];
    in.format = formats[data[0] & 3];
    in.title = data[1] & 8 ? "覆盖的标题" : NULL;
    in.date = data[1] & 16 ? "2024-03-05" : NULL;
    zk_error_clear();
    rc = zk_index_add_report(ix, &in, &n_passages);
    if (rc == ZK_OK) {
        now[slot].present = 1;
        now[slot].passages = n_passages;
    } else {
        FZ_CHECK(rc == ZK_EENCODING);
        FZ_CHECK(zk_error_last() != NULL &&
                 zk_error_last()->message[0] != '\0');
    }
    check_counts();
    if ((data[0] & 64) || runs % COMMIT_EVERY == 0) {
        FZ_CHECK(zk_index_commit(ix) == ZK_OK);
        for (k = 0; k < N_PATHS; k++)
            committed[k] = now[k];
        any_commit = 1;
    }
    if ((data[0] & 128) && any_commit)
        run_query(query);
    free(query);
    return 0;
}
