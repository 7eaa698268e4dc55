/* test_normalize.c - NFKC + case folding with a map to original bytes */
#include "testutil.h"

static zk_norm *norm(const char *s)
{
    zk_norm *n = NULL;

    assert_int_equal(zk_normalize(&n, s, strlen(s)), ZK_OK);
    return n;
}

static void test_fullwidth(void **state)
{
    zk_norm *n = norm("２０２４年ＧＤＰ增长");
    (void)state;

    assert_string_equal(n->text, "2024年gdp增长");
    assert_int_equal(n->orig[0], 0);
    assert_int_equal(n->orig[3], 9);  /* '4' comes from byte 9 */
    assert_int_equal(n->orig[4], 12); /* 年 */
    assert_int_equal(n->orig[7], 15); /* 'g' from Ｇ */
    assert_int_equal(n->orig_char[7], 5);
    assert_int_equal(n->orig[n->len], 30);
    assert_int_equal(n->orig_char[n->len], 10);
    zk_norm_free(n);
}

static void test_case_and_compat(void **state)
{
    zk_norm *n;
    (void)state;

    n = norm("GDP 5G Straße ℃ ㎡ ①");
    assert_string_equal(n->text, "gdp 5g strasse °c m2 1");
    zk_norm_free(n);
    /* a combining sequence composes and maps to its base's offset */
    n = norm("e\xcc\x81x");
    assert_string_equal(n->text, "\xc3\xa9x");
    assert_int_equal(n->orig[0], 0);
    assert_int_equal(n->orig[1], 0);
    assert_int_equal(n->orig[2], 3);
    assert_int_equal(n->orig_char[2], 2);
    zk_norm_free(n);
    /* ideographic space becomes a space; CJK compatibility ideographs map */
    n = norm("城乡\u3000耦合");
    assert_string_equal(n->text, "城乡 耦合");
    zk_norm_free(n);
}

static void test_invalid_and_nul(void **state)
{
    static const char in[] = "a\xff\x00"
                             "b\xe4\xb8"; /* bad, NUL, cut */
    zk_norm *n = NULL;
    (void)state;

    assert_int_equal(zk_normalize(&n, in, sizeof(in) - 1), ZK_OK);
    assert_int_equal(n->len, 1 + 3 + 1 + 1 + 3 + 3);
    assert_memory_equal(n->text, "a\xef\xbf\xbd\0b\xef\xbf\xbd\xef\xbf\xbd",
                        n->len);
    assert_int_equal(n->orig[1], 1);
    assert_int_equal(n->orig[4], 2);
    assert_int_equal(n->orig[n->len - 1], 5);
    assert_int_equal(n->orig_char[n->len], 6);
    zk_norm_free(n);
    assert_int_equal(zk_normalize(&n, NULL, 0), ZK_OK);
    assert_int_equal(n->len, 0);
    zk_norm_free(n);
    zk_norm_free(NULL);
}

/* On real text the map is monotone and lands on character starts. */
static void test_seed_map(void **state)
{
    size_t len, i;
    char *text = tu_slurp(ZK_SHARED_DIR "/corpus/seed/"
                                        "bz25yb108-city-quality-ip.md",
                          &len);
    zk_norm *n = NULL;
    (void)state;

    assert_int_equal(zk_normalize(&n, text, len), ZK_OK);
    for (i = 0; i < n->len; i++) {
        assert_true(n->orig[i] <= n->orig[i + 1]);
        assert_true(((unsigned char)text[n->orig[i]] & 0xC0) != 0x80);
    }
    assert_int_equal(n->orig[n->len], len);
    zk_norm_free(n);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_case_and_compat),
        cmocka_unit_test(test_invalid_and_nul),
        cmocka_unit_test(test_seed_map),
    };
    return cmocka_run_group_tests_name("normalize", tests, NULL, NULL);
}
