/* test_api.c - libzhiku through its public headers only: the life of an
 * index (create, add in-memory and file reports, commit, remove, statistics),
 * searching it, and every error path the headers document (missing index,
 * locked index, bad query, bad encoding, version mismatch, bad arguments). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/testutil.h" /* cmocka, <zhiku/zhiku.h>, tu_slurp() */

#define SEED ZK_SHARED_DIR "/corpus/seed/bz25yb108-city-quality-ip.md"
#define REPORT_2024                                                            \
    ZK_SHARED_DIR "/corpus/gov-work-reports/2024-政府工作报告.txt"

static char workdir[] = "/tmp/zhiku-api-XXXXXX";

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", workdir, name);
}

static void assert_message_has(const char *needle)
{
    const zk_error *e = zk_error_last();

    assert_non_null(e);
    if (strstr(e->message, needle) == NULL)
        fail_msg("error message \"%s\" does not mention \"%s\"", e->message,
                 needle);
}

/* Every passage of query `q`: the number, and each hit's match checked to
 * be the term itself. Returns the passages returned. */
static size_t search_count(zk_searcher *s, const char *q, size_t limit,
                           uint64_t *total)
{
    zk_search_options o = ZK_SEARCH_OPTIONS_INIT;
    zk_results *r = NULL;
    const zk_hit *h;
    size_t n = 0;

    o.limit = limit;
    o.exact_counts = 1;
    assert_int_equal(zk_searcher_query(&r, s, q, &o), ZK_OK);
    while (zk_results_next(&h, r) == ZK_OK) {
        assert_int_equal(h->rank, n + 1);
        assert_true(h->n_matches + h->n_section_matches > 0);
        n++;
    }
    if (total)
        *total = zk_results_info(r)->passages;
    zk_results_free(r);
    return n;
}

static void test_version(void **state)
{
    char buf[32];

    (void)state;
    assert_int_equal(zk_version_number(), ZK_VERSION_NUMBER);
    assert_string_equal(zk_version(), ZK_VERSION_STRING);
    snprintf(buf, sizeof(buf), "%d.%d.%d", ZK_VERSION_MAJOR, ZK_VERSION_MINOR,
             ZK_VERSION_PATCH);
    assert_string_equal(zk_version(), buf);
    /* ZK_CHECK_VERSION: this version and earlier ones, not later ones */
    assert_true(
        ZK_CHECK_VERSION(ZK_VERSION_MAJOR, ZK_VERSION_MINOR, ZK_VERSION_PATCH));
    assert_true(ZK_CHECK_VERSION(0, 0, 0));
    assert_false(ZK_CHECK_VERSION(ZK_VERSION_MAJOR, ZK_VERSION_MINOR,
                                  ZK_VERSION_PATCH + 1));
    assert_false(ZK_CHECK_VERSION(ZK_VERSION_MAJOR, ZK_VERSION_MINOR + 1, 0));
    assert_false(ZK_CHECK_VERSION(ZK_VERSION_MAJOR + 1, 0, 0));
}

static void test_free_null(void **state)
{
    (void)state;
    zk_index_free(NULL);
    zk_searcher_free(NULL);
    zk_results_free(NULL);
    zk_dict_free(NULL);
    zk_seg_free(NULL);
    zk_norm_free(NULL);
}

static void test_bad_arguments(void **state)
{
    zk_index *ix = (zk_index *)1;
    zk_searcher *s = (zk_searcher *)1;
    zk_index_info info;

    (void)state;
    assert_int_equal(zk_index_open(&ix, NULL, NULL), ZK_EINVAL);
    assert_int_equal(zk_searcher_open(&s, NULL, NULL), ZK_EINVAL);
    assert_int_equal(zk_index_info_get(&info, NULL), ZK_EINVAL);
    assert_int_equal(zk_searcher_info_get(&info, NULL), ZK_EINVAL);
    assert_non_null(zk_strerror(ZK_ELOCKED));
    assert_string_not_equal(zk_strerror(ZK_ELOCKED), zk_strerror(ZK_EQUERY));
}

static void test_missing_index(void **state)
{
    char path[512];
    zk_searcher *s = (zk_searcher *)1;
    zk_index *ix = (zk_index *)1;
    zk_index_options o = ZK_INDEX_OPTIONS_INIT;

    (void)state;
    path_in(path, sizeof(path), "no-such-index");
    assert_int_equal(zk_searcher_open(&s, path, NULL), ZK_ENOTFOUND);
    assert_null(s);
    assert_message_has(path);
    assert_message_has("zhiku-index");
    o.create = 0;
    assert_int_equal(zk_index_open(&ix, path, &o), ZK_ENOTFOUND);
    assert_null(ix);
    assert_message_has(path);
    /* a folder that is not an index */
    assert_int_equal(zk_searcher_open(&s, workdir, NULL), ZK_ENOTFOUND);
    assert_message_has("not a zhiku index");
}

/* Build the index every later test reads: the seed paper from a file, the
 * 2024 report from memory with metadata overrides. */
static void test_build(void **state)
{
    char path[512];
    zk_index *ix = NULL, *second = (zk_index *)1;
    zk_report_input in = ZK_REPORT_INPUT_INIT;
    zk_index_info info;
    size_t n_seed = 0, n_2024 = 0, len;
    char *text = tu_slurp(REPORT_2024, &len);

    (void)state;
    path_in(path, sizeof(path), "index");
    assert_int_equal(zk_index_open(&ix, path, NULL), ZK_OK);

    /* one writer at a time: a second handle, even in this process, is
     * refused with a clear message */
    assert_int_equal(zk_index_open(&second, path, NULL), ZK_ELOCKED);
    assert_null(second);
    assert_message_has("locked");

    assert_int_equal(zk_index_add_file(ix, SEED, NULL, &n_seed), ZK_OK);
    assert_true(n_seed > 50);
    in.path = "memory/2024-report";
    in.text = text;
    in.len = len;
    in.format = ZK_FORMAT_PLAIN;
    in.title = "十四届全国人大二次会议政府工作报告";
    in.date = "2024-03-05";
    in.author = "李强";
    assert_int_equal(zk_index_add_report(ix, &in, &n_2024), ZK_OK);
    assert_true(n_2024 > 50);

    /* pending changes count before the commit */
    assert_int_equal(zk_index_info_get(&info, ix), ZK_OK);
    assert_int_equal(info.reports, 2);
    assert_int_equal(info.passages, n_seed + n_2024);
    assert_int_equal(zk_index_commit(ix), ZK_OK);
    assert_int_equal(zk_index_info_get(&info, ix), ZK_OK);
    assert_int_equal(info.reports, 2);
    assert_true(info.text_bytes >= len);
    assert_true(info.disk_bytes > 0);
    zk_index_free(ix);
    free(text);
}

static void test_search(void **state)
{
    char path[512];
    zk_searcher *s = NULL;
    zk_results *r = NULL, *ctx = NULL;
    zk_search_options o = ZK_SEARCH_OPTIONS_INIT;
    const zk_hit *h, *c;
    zk_index_info info;
    uint64_t total = 0, term_passages = 0;
    int found_under_heading = 0;
    size_t n_ctx = 0, start, end;

    (void)state;
    path_in(path, sizeof(path), "index");
    assert_int_equal(zk_searcher_open(&s, path, NULL), ZK_OK);
    assert_int_equal(zk_searcher_info_get(&info, s), ZK_OK);
    assert_int_equal(info.reports, 2);
    assert_true(info.passages > 100);
    assert_true(info.disk_bytes > 100000);
    {
        struct stat a, b; /* the bytes of the two reports */
        assert_int_equal(stat(SEED, &a), 0);
        assert_int_equal(stat(REPORT_2024, &b), 0);
        assert_int_equal(info.text_bytes, (uint64_t)(a.st_size + b.st_size));
    }

    /* the seed paper's 城乡耦合 section: passages under the heading match
     * even where their text does not repeat the term */
    o.limit = 50;
    o.per_report = 0;
    assert_int_equal(zk_searcher_query(&r, s, "城乡耦合", &o), ZK_OK);
    assert_int_equal(zk_results_info(r)->n_terms, 1);
    assert_string_equal(zk_results_term(r, 0, &term_passages), "城乡耦合");
    assert_true(term_passages > 0);
    assert_null(zk_results_term(r, 1, NULL));
    while (zk_results_next(&h, r) == ZK_OK) {
        size_t i;
        assert_non_null(strstr(h->path, "bz25yb108"));
        for (i = 0; i < h->n_matches; i++)
            assert_memory_equal(h->text + h->matches[i].start, "城乡耦合",
                                strlen("城乡耦合"));
        for (i = 0; i < h->n_section_matches; i++)
            assert_memory_equal(h->section + h->section_matches[i].start,
                                "城乡耦合", strlen("城乡耦合"));
        if (strstr(h->section, "（四）全力推进城乡耦合发展") &&
            strstr(h->text, "激活要素"))
            found_under_heading = 1;
        zk_hit_snippet(h, 60, &start, &end);
        assert_true(start <= end && end <= h->len);
        if (h->rank == 1) { /* its neighbours, in order */
            assert_int_equal(zk_searcher_context(&ctx, s, h, 1, 1), ZK_OK);
            while (zk_results_next(&c, ctx) == ZK_OK) {
                assert_string_equal(c->report_id, h->report_id);
                assert_int_equal(c->rank, 0);
                n_ctx++;
            }
            zk_results_free(ctx);
            assert_true(n_ctx >= 2);
        }
    }
    assert_true(found_under_heading);
    zk_results_free(r);

    /* metadata given in memory is stored and searchable */
    assert_int_equal(zk_searcher_query(&r, s, "title:全国人大 宪法", NULL),
                     ZK_OK);
    assert_int_equal(zk_results_next(&h, r), ZK_OK);
    assert_string_equal(h->path, "memory/2024-report");
    assert_string_equal(h->date, "2024-03-05");
    zk_results_free(r);
    assert_true(search_count(s, "author:李强 工业", 5, NULL) > 0);
    assert_int_equal(search_count(s, "year:2024 城乡耦合", 5, NULL), 0);
    assert_true(search_count(s, "year:2023..2024 新质生产力", 5, NULL) > 0);

    /* per-report collapsing: one passage per report at most */
    o.limit = 10;
    o.per_report = 1;
    assert_int_equal(zk_searcher_query(&r, s, "发展", &o), ZK_OK);
    {
        char first[17] = "";
        size_t n = 0;
        while (zk_results_next(&h, r) == ZK_OK) {
            assert_string_not_equal(h->report_id, first);
            snprintf(first, sizeof(first), "%s", h->report_id);
            n++;
        }
        assert_int_equal(n, 2);
    }
    zk_results_free(r);

    /* nothing matches: ZK_OK, no hits, the term says so */
    assert_int_equal(search_count(s, "量子纠缠态", 10, &total), 0);
    assert_int_equal(total, 0);
    zk_searcher_free(s);
}

/* Query `q` with the default options (totals possibly estimated) and check
 * each term's count against the term searched alone with exact counts: an
 * upper bound, exact for terms of one or two characters, and, when the
 * query matched nothing, 0 exactly for the terms that match nothing.
 * Returns the query's passages; *zero_terms counts the terms reported 0. */
static uint64_t check_term_counts(zk_searcher *s, const char *q,
                                  unsigned *zero_terms)
{
    zk_search_options o = ZK_SEARCH_OPTIONS_INIT;
    zk_results *r = NULL;
    uint64_t passages;
    unsigned i;

    *zero_terms = 0;
    assert_int_equal(zk_searcher_query(&r, s, q, &o), ZK_OK);
    passages = zk_results_info(r)->passages;
    for (i = 0; i < zk_results_info(r)->n_terms; i++) {
        uint64_t count = 0, alone = 0;
        const char *t = zk_results_term(r, i, &count);
        char quoted[256];
        assert_non_null(t);
        snprintf(quoted, sizeof(quoted), "\"%s\"", t);
        search_count(s, quoted, 1, &alone);
        assert_true(count >= alone);
        if (strlen(t) <= 6 && strchr(t, ' ') == NULL) /* two CJK chars */
            assert_int_equal(count, alone);
        if (passages == 0)
            assert_int_equal(count == 0, alone == 0);
        else
            assert_true(alone > 0); /* every term of an AND matched */
        *zero_terms += count == 0;
    }
    zk_results_free(r);
    return passages;
}

static void test_term_counts(void **state)
{
    char path[512];
    zk_searcher *s = NULL;
    unsigned zero;

    (void)state;
    path_in(path, sizeof(path), "index");
    assert_int_equal(zk_searcher_open(&s, path, NULL), ZK_OK);
    /* 城乡 and 发展 stand in the same passages, but never as "城乡 发展":
     * the phrase has candidates and no match, and says so */
    assert_int_equal(check_term_counts(s, "光雾山 \"城乡 发展\"", &zero), 0);
    assert_int_equal(zero, 1);
    /* each term alone matches, not both */
    assert_int_equal(check_term_counts(s, "光雾山 城乡耦合", &zero), 0);
    assert_int_equal(zero, 0);
    /* a rare term and common ones: the common ones are looked for among
     * the rare one's candidates */
    assert_true(check_term_counts(s, "城乡耦合 发展", &zero) > 0);
    assert_true(check_term_counts(s, "光雾山 旅游 发展", &zero) > 0);
    assert_true(check_term_counts(s, "城乡 发展", &zero) > 0);
    assert_int_equal(zero, 0);
    zk_searcher_free(s);
}

static void test_bad_query(void **state)
{
    char path[512];
    zk_searcher *s = NULL;
    zk_results *r = (zk_results *)1;
    static const char *bad[] = {"", "   ", "城乡 OR", "\"城乡", "year:abc"};
    size_t i;

    (void)state;
    path_in(path, sizeof(path), "index");
    assert_int_equal(zk_searcher_open(&s, path, NULL), ZK_OK);
    for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        int rc = zk_searcher_query(&r, s, bad[i], NULL);
        if (rc != ZK_EQUERY)
            fail_msg("query '%s': %d, not ZK_EQUERY", bad[i], rc);
        assert_null(r);
        assert_true(strlen(zk_error_last()->message) > 5);
        r = (zk_results *)1;
    }
    /* the searcher still works after errors */
    assert_true(search_count(s, "城乡耦合", 3, NULL) > 0);
    zk_searcher_free(s);
}

static void test_bad_encoding(void **state)
{
    char path[512];
    zk_index *ix = NULL;
    zk_report_input in = ZK_REPORT_INPUT_INIT;
    zk_index_info before, after;
    static const char bad_utf8[] = "城乡耦合发展\xff\xfe 不是 UTF-8";
    size_t n = 99;

    (void)state;
    path_in(path, sizeof(path), "index");
    assert_int_equal(zk_index_open(&ix, path, NULL), ZK_OK);
    assert_int_equal(zk_index_info_get(&before, ix), ZK_OK);
    in.path = "";
    in.text = "正文";
    in.len = strlen(in.text);
    assert_int_equal(zk_index_add_report(ix, &in, &n), ZK_EINVAL);
    assert_message_has("path");
    in.path = "memory/bad";
    in.text = bad_utf8;
    in.len = sizeof(bad_utf8) - 1;
    in.encoding = "utf-8";
    assert_int_equal(zk_index_add_report(ix, &in, &n), ZK_EENCODING);
    assert_message_has("byte");
    in.encoding = "no-such-encoding";
    assert_int_not_equal(zk_index_add_report(ix, &in, &n), ZK_OK);
    assert_message_has("no-such-encoding");
    /* nothing was added, nothing lost */
    assert_int_equal(zk_index_commit(ix), ZK_OK);
    assert_int_equal(zk_index_info_get(&after, ix), ZK_OK);
    assert_int_equal(after.reports, before.reports);
    assert_int_equal(after.passages, before.passages);
    /* a missing file */
    assert_int_equal(zk_index_add_file(ix, "/nonexistent/报告.txt", NULL, &n),
                     ZK_ENOTFOUND);
    assert_message_has("/nonexistent/报告.txt");
    zk_index_free(ix);
}

/* Removing a report, then putting it back from its file. */
static void test_remove(void **state)
{
    char path[512];
    zk_index *ix = NULL;
    zk_searcher *s = NULL;
    zk_results *before = NULL;
    const zk_hit *h;
    zk_index_info info;

    (void)state;
    path_in(path, sizeof(path), "index");
    assert_int_equal(zk_searcher_open(&s, path, NULL), ZK_OK);
    assert_int_equal(zk_index_open(&ix, path, NULL), ZK_OK);
    assert_int_equal(zk_index_remove(ix, "memory/2024-report"), ZK_OK);
    assert_int_equal(zk_index_remove(ix, "memory/never-indexed"), ZK_ENOTFOUND);
    /* the searcher sees the last commit until the next one */
    assert_int_equal(zk_searcher_query(&before, s, "author:李强 工业", NULL),
                     ZK_OK);
    assert_int_equal(zk_results_next(&h, before), ZK_OK);
    assert_int_equal(zk_index_commit(ix), ZK_OK);
    assert_int_equal(search_count(s, "author:李强 工业", 5, NULL), 0);
    /* hits of earlier results stay whole after the searcher moved on */
    assert_string_equal(h->path, "memory/2024-report");
    assert_string_equal(h->title, "十四届全国人大二次会议政府工作报告");
    assert_string_equal(h->date, "2024-03-05");
    assert_int_equal(strlen(h->report_id), 16);
    assert_int_equal(zk_results_next(&h, before), ZK_OK);
    assert_string_equal(h->path, "memory/2024-report");
    zk_results_free(before);
    assert_int_equal(zk_searcher_info_get(&info, s), ZK_OK);
    assert_int_equal(info.reports, 1);
    zk_index_free(ix);
    zk_searcher_free(s);
}

/* An index built with one dictionary refuses another, saying why. */
static void test_version_mismatch(void **state)
{
    char path[512], user[512];
    const char *users[1];
    zk_index *ix = (zk_index *)1;
    zk_index_options o = ZK_INDEX_OPTIONS_INIT;
    FILE *f;

    (void)state;
    path_in(path, sizeof(path), "index");
    path_in(user, sizeof(user), "userdict.txt");
    f = fopen(user, "w");
    assert_non_null(f);
    fputs("城乡耦合 2000 n\n巴中独特 100 n\n", f);
    fclose(f);
    users[0] = user;
    o.userdicts = users;
    o.n_userdicts = 1;
    assert_int_equal(zk_index_open(&ix, path, &o), ZK_EVERSION);
    assert_null(ix);
    assert_message_has("rebuild");
    /* --rebuild is the way out: it starts from an empty index */
    o.rebuild = 1;
    assert_int_equal(zk_index_open(&ix, path, &o), ZK_OK);
    assert_int_equal(zk_index_add_file(ix, SEED, NULL, NULL), ZK_OK);
    assert_int_equal(zk_index_commit(ix), ZK_OK);
    zk_index_free(ix);
    /* and a searcher segments with the recorded user dictionary */
    {
        zk_searcher *s = NULL;
        assert_int_equal(zk_searcher_open(&s, path, NULL), ZK_OK);
        assert_true(search_count(s, "城乡耦合", 3, NULL) > 0);
        zk_searcher_free(s);
    }
    /* opened again without the user dictionary: refused */
    o.userdicts = NULL;
    o.n_userdicts = 0;
    o.rebuild = 0;
    assert_int_equal(zk_index_open(&ix, path, &o), ZK_EVERSION);
    assert_null(ix);
    /* a user dictionary that the searcher can no longer read */
    assert_int_equal(unlink(user), 0);
    {
        zk_searcher *s = (zk_searcher *)1;
        assert_int_equal(zk_searcher_open(&s, path, NULL), ZK_EVERSION);
        assert_null(s);
        assert_message_has("userdict.txt");
    }
}

static int cleanup(void **state)
{
    char cmd[600];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_missing_index),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_term_counts),
        cmocka_unit_test(test_bad_query),
        cmocka_unit_test(test_bad_encoding),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_version_mismatch),
    };

    if (mkdtemp(workdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, cleanup);
}
