/* test_commit.c - a commit of the whole index is the stub, not the shards'
 *
 * Xapian commits each shard on its own; zhiku's commit ends by writing the
 * stub, which names each shard's last committed document and the replaced
 * documents still to be deleted. These tests put a real index (two reports
 * from the shared corpus) in the states a writer leaves when it stops
 * between one shard's commit and the stub's, and check that searchers see
 * the last commit exactly and that the next writer clears the rest.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "../../src/store.h"
#include "../../src/stub.h"

#define SEED ZK_SHARED_DIR "/corpus/seed/bz25yb108-city-quality-ip.md"
#define GWR ZK_SHARED_DIR "/corpus/gov-work-reports/2024-政府工作报告.txt"

static char work[64];
static char index_path[128];

typedef struct counts {
    uint64_t reports, passages, seed_hits, gwr_hits;
} counts;

static uint64_t hits(zk_searcher *s, const char *q)
{
    zk_search_options o = ZK_SEARCH_OPTIONS_INIT;
    zk_results *r = NULL;
    uint64_t n = 0;

    o.exact_counts = 1;
    assert_int_equal(zk_searcher_query(&r, s, q, &o), ZK_OK);
    assert_true(zk_results_info(r)->exact);
    n = zk_results_info(r)->passages;
    zk_results_free(r);
    return n;
}

static counts count(void)
{
    zk_searcher *s = NULL;
    zk_index_info info;
    counts c;

    assert_int_equal(zk_searcher_open(&s, index_path, NULL), ZK_OK);
    assert_int_equal(zk_searcher_info_get(&info, s), ZK_OK);
    c.reports = info.reports;
    c.passages = info.passages;
    c.seed_hits = hits(s, "城乡耦合");
    c.gwr_hits = hits(s, "新质生产力");
    zk_searcher_free(s);
    return c;
}

static void assert_counts(counts a, counts b)
{
    assert_int_equal(a.reports, b.reports);
    assert_int_equal(a.passages, b.passages);
    assert_int_equal(a.seed_hits, b.seed_hits);
    assert_int_equal(a.gwr_hits, b.gwr_hits);
}

static zk__store *open_shard(const zk__stub *st, unsigned i)
{
    char dir[256];
    zk__store *s = NULL;

    snprintf(dir, sizeof(dir), "%s/%s", index_path, st->names[i]);
    assert_int_equal(zk__store_open(&s, dir, 0), ZK_OK);
    return s;
}

static int setup(void **state)
{
    zk_index *ix = NULL;

    (void)state;
    snprintf(work, sizeof(work), "/tmp/zhiku-commit-XXXXXX");
    assert_non_null(mkdtemp(work));
    snprintf(index_path, sizeof(index_path), "%s/index", work);
    {
        zk_index_options o = ZK_INDEX_OPTIONS_INIT;
        int rc;
        o.create = 1;
        rc = zk_index_open(&ix, index_path, &o);
        if (rc != ZK_OK)
            fail_msg("%s", zk_error_last() ? zk_error_last()->message : "");
    }
    assert_int_equal(zk_index_add_file(ix, SEED, NULL, NULL), ZK_OK);
    assert_int_equal(zk_index_add_file(ix, GWR, NULL, NULL), ZK_OK);
    assert_int_equal(zk_index_commit(ix), ZK_OK);
    zk_index_free(ix);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
    return system(cmd) == 0 ? 0 : -1;
}

/* Documents a shard committed after the stub's last: readers do not see
 * them, and the next writer deletes them. */
static void test_after_last(void **state)
{
    counts base = count();
    zk__stub st;
    zk__store *s;
    uint64_t docs_before = 0, docs = 0;
    uint32_t last = 0;
    unsigned i;

    (void)state;
    assert_int_equal(base.reports, 2);
    assert_true(base.seed_hits > 0 && base.gwr_hits > 0);
    memset(&st, 0, sizeof(st));
    assert_int_equal(zk__stub_read(index_path, &st), ZK_OK);
    assert_int_equal(st.n, 2);
    s = open_shard(&st, 0);
    assert_int_equal(zk__store_doccount(s, &docs_before), ZK_OK);
    assert_int_equal(zk__store_lastdocid(s, &last), ZK_OK);
    assert_int_equal(last, st.hid.last[0]);
    /* what a writer stopped after this shard's commit leaves: passages and
     * a record, committed in the shard but not named by the stub */
    for (i = 0; i < 4; i++) {
        zk__xdoc *d = NULL;
        const char *t = i < 3 ? ZK_T_PASSAGE : ZK_T_RECORD;
        assert_int_equal(zk__xdoc_new(&d), ZK_OK);
        assert_int_equal(zk__xdoc_boolean(d, t, strlen(t)), ZK_OK);
        assert_int_equal(zk__xdoc_posting(d, "L耦合", strlen("L耦合"), 1),
                         ZK_OK);
        assert_int_equal(zk__xdoc_data(d, "zkp1\n", 5), ZK_OK);
        assert_int_equal(zk__store_add(s, d), ZK_OK);
    }
    assert_int_equal(zk__store_commit(s), ZK_OK);
    zk__store_free(s);
    assert_counts(count(), base);

    /* the next writer clears them, and the stub names its new state */
    {
        zk_index *ix = NULL;
        assert_int_equal(zk_index_open(&ix, index_path, NULL), ZK_OK);
        zk_index_free(ix);
    }
    s = open_shard(&st, 0);
    assert_int_equal(zk__store_doccount(s, &docs), ZK_OK);
    zk__store_free(s);
    assert_int_equal(docs, docs_before);
    assert_int_equal(zk__stub_read(index_path, &st), ZK_OK);
    assert_int_equal(st.hid.last[0], last + 4);
    assert_int_equal(st.hid.n, 0);
    assert_counts(count(), base);
    zk__stub_free(&st);
}

/* Documents the stub lists as replaced: readers do not see them (here a
 * whole shard's reports), and the next writer deletes them. */
static void test_hidden_spans(void **state)
{
    counts base = count(), now;
    zk__stub st;
    zk__store *s;
    uint64_t in_shard = 0, passages_in_shard = 0, docs = 0;
    unsigned i, which = 0;

    (void)state;
    memset(&st, 0, sizeof(st));
    assert_int_equal(zk__stub_read(index_path, &st), ZK_OK);
    /* the shard with the most reports */
    for (i = 0; i < st.n; i++) {
        uint64_t r = 0, p = 0;
        s = open_shard(&st, i);
        assert_int_equal(zk__store_termfreq(s, ZK_T_RECORD, NULL, &r), ZK_OK);
        assert_int_equal(zk__store_termfreq(s, ZK_T_PASSAGE, NULL, &p), ZK_OK);
        zk__store_free(s);
        if (r > in_shard) {
            in_shard = r;
            passages_in_shard = p;
            which = i;
        }
    }
    assert_true(in_shard > 0);
    assert_int_equal(zk__hidden_add(&st.hid, which, 1, st.hid.last[which]),
                     ZK_OK);
    assert_int_equal(zk__stub_write(index_path, &st), ZK_OK);
    now = count();
    assert_int_equal(now.reports, base.reports - in_shard);
    assert_int_equal(now.passages, base.passages - passages_in_shard);
    assert_true(now.seed_hits + now.gwr_hits < base.seed_hits + base.gwr_hits);
    {
        zk_index *ix = NULL;
        assert_int_equal(zk_index_open(&ix, index_path, NULL), ZK_OK);
        zk_index_free(ix);
    }
    s = open_shard(&st, which);
    assert_int_equal(zk__store_doccount(s, &docs), ZK_OK);
    zk__store_free(s);
    assert_int_equal(docs, 0);
    assert_int_equal(zk__stub_read(index_path, &st), ZK_OK);
    assert_int_equal(st.hid.n, 0);
    now = count();
    assert_int_equal(now.reports, base.reports - in_shard);
    /* indexing the files again brings them back */
    {
        zk_index *ix = NULL;
        const char *paths[] = {SEED, GWR};
        assert_int_equal(zk_index_open(&ix, index_path, NULL), ZK_OK);
        assert_int_equal(zk_index_update(ix, paths, 2, NULL, NULL), ZK_OK);
        zk_index_free(ix);
    }
    assert_counts(count(), base);
    zk__stub_free(&st);
}

/* A report indexed again is replaced at the commit, not before: until
 * then searchers (and a failed commit) keep the old version. */
static void test_replace_at_commit(void **state)
{
    counts base = count();
    zk_index *ix = NULL;
    zk__stub st;

    (void)state;
    memset(&st, 0, sizeof(st));
    assert_int_equal(zk_index_open(&ix, index_path, NULL), ZK_OK);
    assert_int_equal(zk_index_add_file(ix, SEED, NULL, NULL), ZK_OK);
    assert_int_equal(zk_index_remove(ix, GWR), ZK_OK);
    assert_counts(count(), base); /* pending */
    assert_int_equal(zk_index_commit(ix), ZK_OK);
    assert_int_equal(count().reports, 1);
    assert_int_equal(count().seed_hits, base.seed_hits);
    assert_int_equal(count().gwr_hits, 0);
    zk_index_free(ix);
    assert_int_equal(zk__stub_read(index_path, &st), ZK_OK);
    assert_int_equal(st.hid.n, 0); /* deleted by a second commit */
    zk__stub_free(&st);
}

/* An index written before the stub recorded commits: the first writer to
 * open it records its state before writing anything, so that its first
 * commit is as atomic as any. */
static void test_old_stub(void **state)
{
    counts base = count();
    zk__stub st, old;
    zk_index *ix = NULL;
    unsigned i;

    (void)state;
    memset(&st, 0, sizeof(st));
    memset(&old, 0, sizeof(old));
    assert_int_equal(zk__stub_read(index_path, &st), ZK_OK);
    old.n = st.n;
    memcpy(old.names, st.names, sizeof(old.names));
    for (i = 0; i < ZK_MAX_SHARDS; i++)
        old.hid.last[i] = ZK__NO_LAST;
    assert_int_equal(zk__stub_write(index_path, &old), ZK_OK);
    assert_counts(count(), base); /* read as before */
    assert_int_equal(zk_index_open(&ix, index_path, NULL), ZK_OK);
    zk_index_free(ix);
    assert_int_equal(zk__stub_read(index_path, &old), ZK_OK);
    for (i = 0; i < st.n; i++)
        assert_int_equal(old.hid.last[i], st.hid.last[i]);
    assert_counts(count(), base);
    zk__stub_free(&st);
    zk__stub_free(&old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_old_stub),
        cmocka_unit_test(test_after_last),
        cmocka_unit_test(test_hidden_spans),
        cmocka_unit_test(test_replace_at_commit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
