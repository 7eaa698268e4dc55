#define _POSIX_C_SOURCE 200809L
/* test_dict.c - dictionary loading, user dictionaries, add/delete, the
 * content hash and error paths */
#include "testutil.h"

static zk_dict *open_dict(void)
{
    zk_dict *d = NULL;

    assert_int_equal(zk_dict_open(&d, NULL), ZK_OK);
    return d;
}

static void test_base(void **state)
{
    zk_dict *d = open_dict();
    int64_t f;
    (void)state;

    /* jieba's dict.txt: the total of its 349,046 frequencies */
    assert_int_equal(zk_dict_total(d), 60101967);
    assert_int_equal(zk_dict_word_freq(&f, d, "清华大学", 12), ZK_OK);
    assert_true(f > 0);
    assert_int_equal(zk_dict_word_freq(&f, d, "清华大", 9), ZK_OK);
    assert_int_equal(f, 0); /* a prefix only */
    assert_int_equal(zk_dict_word_freq(&f, d, "光雾山", 9), ZK_ENOTFOUND);
    assert_int_equal(strlen(zk_dict_hash(d)), 32);
    assert_non_null(strstr(zk_dict_path(d), "jieba.zkd"));
    zk_dict_free(d);
}

static void test_userdict(void **state)
{
    zk_dict *d = open_dict();
    zk_seg *s = NULL;
    int64_t f, before = 0;
    uint64_t total0 = zk_dict_total(d);
    (void)state;

    assert_int_equal(zk_seg_new(&s, d), ZK_OK);
    tu_assert_cut(s, "光雾山和米仓道", ZK_SEG_PRECISE, 1,
                  "光雾 / 山 / 和 / 米仓 / 道");
    assert_int_equal(zk_dict_word_freq(&before, d, "清华大学", 12), ZK_OK);
    assert_int_equal(zk_dict_load_userdict(d, ZK_TEST_DATA "/userdict.txt"),
                     ZK_OK);
    tu_assert_cut(s, "光雾山和米仓道", ZK_SEG_PRECISE, 1,
                  "光雾山 / 和 / 米仓道");
    tu_assert_cut(s, "推进城乡耦合发展", ZK_SEG_PRECISE, 1,
                  "推进 / 城乡耦合 / 发展");
    /* a word containing a space: jieba keeps it whole only inside one
     * block, and a space always ends a block, so the entry exists but the
     * text is still cut at the space */
    assert_int_equal(zk_dict_word_freq(&f, d, "独特 IP", 9), ZK_OK);
    assert_int_equal(f, 50);
    assert_int_equal(zk_dict_word_freq(&f, d, "巴文化", 9), ZK_OK);
    assert_int_equal(f, 5);
    /* freq 0 deletes and makes the HMM split it */
    assert_int_equal(zk_dict_word_freq(&f, d, "清华大学", 12), ZK_OK);
    assert_int_equal(f, 0);
    tu_assert_cut(s, "我来到北京清华大学", ZK_SEG_PRECISE, 1,
                  "我 / 来到 / 北京 / 清华 / 大学");
    assert_true(zk_dict_total(d) > total0);

    /* a BOM and blank lines are fine; several files accumulate */
    assert_int_equal(zk_dict_load_userdict(d, ZK_TEST_DATA "/userdict-bom.txt"),
                     ZK_OK);
    assert_int_equal(zk_dict_word_freq(&f, d, "诺水河", 9), ZK_OK);
    assert_true(f > 0);
    assert_int_equal(zk_dict_word_freq(&f, d, "光雾山", 9), ZK_OK);
    zk_seg_free(s);
    zk_dict_free(d);
    (void)before;
}

static void test_add_del_suggest(void **state)
{
    zk_dict *d = open_dict();
    zk_seg *s = NULL;
    int64_t sug, f;
    (void)state;

    assert_int_equal(zk_seg_new(&s, d), ZK_OK);
    /* the suggested frequency is what makes the word win */
    assert_int_equal(zk_dict_suggest_freq(&sug, d, "光雾山", 9), ZK_OK);
    assert_true(sug >= 1);
    assert_int_equal(zk_dict_word_freq(&f, d, "光雾山", 9), ZK_ENOTFOUND);
    assert_int_equal(zk_dict_add_word(d, "光雾山", 9, ZK_FREQ_SUGGEST, "ns"),
                     ZK_OK);
    assert_int_equal(zk_dict_word_freq(&f, d, "光雾山", 9), ZK_OK);
    assert_int_equal(f, sug);
    tu_assert_cut(s, "光雾山", ZK_SEG_PRECISE, 1, "光雾山");
    tu_assert_cut(s, "光雾山", ZK_SEG_SEARCH, 1, "光雾 / 光雾山");
    assert_int_equal(zk_dict_del_word(d, "光雾山", 9), ZK_OK);
    tu_assert_cut(s, "光雾山", ZK_SEG_PRECISE, 0, "光雾 / 山");
    assert_int_equal(zk_dict_add_word(d, "", 0, 3, NULL), ZK_EINVAL);
    assert_int_equal(zk_dict_add_word(d, "x", 1, -5, NULL), ZK_EINVAL);
    assert_int_equal(zk_dict_add_word(d, "\xff", 1, 3, NULL), ZK_EINVAL);
    zk_seg_free(s);
    zk_dict_free(d);
}

static void test_hash(void **state)
{
    zk_dict *a = open_dict(), *b = open_dict();
    char h0[33];
    (void)state;

    strcpy(h0, zk_dict_hash(a));
    assert_string_equal(h0, zk_dict_hash(b));
    assert_int_equal(zk_dict_add_word(a, "巴文化", 9, 5, NULL), ZK_OK);
    assert_string_not_equal(h0, zk_dict_hash(a));
    assert_string_not_equal(zk_dict_hash(a), zk_dict_hash(b));
    /* same effective dictionary from the same changes: same hash */
    assert_int_equal(zk_dict_add_word(b, "巴文化", 9, 5, NULL), ZK_OK);
    assert_string_equal(zk_dict_hash(a), zk_dict_hash(b));
    /* a different frequency is a different dictionary */
    assert_int_equal(zk_dict_add_word(a, "米仓道", 9, 7, NULL), ZK_OK);
    assert_int_equal(zk_dict_add_word(b, "米仓道", 9, 8, NULL), ZK_OK);
    assert_string_not_equal(zk_dict_hash(a), zk_dict_hash(b));
    zk_dict_free(a);
    zk_dict_free(b);
}

static void test_errors(void **state)
{
    zk_dict *d = NULL;
    char path[] = "/tmp/zk-test-dict-XXXXXX";
    int fd;
    (void)state;

    assert_int_equal(zk_dict_open(&d, "/nonexistent/zhiku.zkd"), ZK_ENOTFOUND);
    assert_null(d);
    assert_non_null(strstr(zk_error_last()->message, "/nonexistent"));
    assert_int_equal(zk_dict_open(&d, ZK_TEST_DATA "/userdict.txt"),
                     ZK_EFORMAT);
    /* a truncated dictionary is refused, not read out of bounds */
    {
        size_t len;
        zk_dict *ok = open_dict();
        char *bytes = tu_slurp(zk_dict_path(ok), &len);
        FILE *f;
        fd = mkstemp(path);
        assert_true(fd >= 0);
        f = fdopen(fd, "wb");
        assert_int_equal(fwrite(bytes, 1, len / 2, f), len / 2);
        fclose(f);
        assert_int_equal(zk_dict_open(&d, path), ZK_ECORRUPT);
        remove(path);
        free(bytes);
        zk_dict_free(ok);
    }
    d = open_dict();
    assert_int_equal(zk_dict_load_userdict(d, ZK_TEST_DATA "/userdict-bad.txt"),
                     ZK_EENCODING);
    assert_non_null(strstr(zk_error_last()->message, "userdict-bad.txt:2"));
    assert_int_equal(zk_dict_load_userdict(d, "/nonexistent.txt"),
                     ZK_ENOTFOUND);
    assert_int_equal(zk_dict_compile("/tmp/x.zkd", "/nonexistent.txt", "/"),
                     ZK_ENOTFOUND);
    zk_dict_free(d);
    zk_dict_free(NULL);
    assert_string_equal(zk_strerror(ZK_ENOTFOUND), "not found");
    assert_string_equal(zk_version(), ZK_VERSION_STRING);
    assert_int_equal(zk_version_number(), ZK_VERSION_NUMBER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base),
        cmocka_unit_test(test_userdict),
        cmocka_unit_test(test_add_del_suggest),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("dict", tests, NULL, NULL);
}
