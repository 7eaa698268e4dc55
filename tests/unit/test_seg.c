/* test_seg.c - segmentation modes, offsets and coverage on real text */
#include "testutil.h"

static zk_dict *dict;
static zk_seg *seg;

static int setup(void **state)
{
    (void)state;
    if (zk_dict_open(&dict, NULL) != ZK_OK)
        return -1;
    return zk_seg_new(&seg, dict) == ZK_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    zk_seg_free(seg);
    zk_dict_free(dict);
    return 0;
}

/* The cases measured with Python jieba 0.42.1 in the jieba spec. */
static void test_precise_hmm(void **state)
{
    (void)state;
    tu_assert_cut(seg, "2024年全市GDP增长5.2%", ZK_SEG_PRECISE, 1,
                  "2024 / 年 / 全市 / GDP / 增长 / 5.2%");
    tu_assert_cut(seg, "文旅融合", ZK_SEG_PRECISE, 1, "文旅 / 融合");
    tu_assert_cut(seg, "城乡耦合", ZK_SEG_PRECISE, 1, "城乡 / 耦合");
    tu_assert_cut(seg, "870亿元", ZK_SEG_PRECISE, 1, "870 / 亿元");
    tu_assert_cut(seg, "5G", ZK_SEG_PRECISE, 1, "5G");
    tu_assert_cut(seg, "光雾山", ZK_SEG_PRECISE, 1, "光雾 / 山");
}

static void test_precise_nohmm(void **state)
{
    (void)state;
    tu_assert_cut(seg, "2024年全市GDP增长5.2%", ZK_SEG_PRECISE, 0,
                  "2024 / 年 / 全市 / GDP / 增长 / 5 / . / 2 / %");
    tu_assert_cut(seg, "文旅融合", ZK_SEG_PRECISE, 0, "文 / 旅 / 融合");
}

static void test_search(void **state)
{
    (void)state;
    tu_assert_cut(seg, "高质量发展", ZK_SEG_SEARCH, 1,
                  "高质 / 质量 / 高质量 / 发展");
    tu_assert_cut(seg, "中华人民共和国国歌", ZK_SEG_SEARCH, 1,
                  "中华 / 华人 / 人民 / 共和 / 共和国 / 中华人民共和国 / 国歌");
    tu_assert_cut(seg, "共同富裕", ZK_SEG_SEARCH, 1, "共同 / 富裕 / 共同富裕");
}

static void test_fullwidth_and_space(void **state)
{
    (void)state;
    /* outside jieba's han class: one token per character, every mode */
    tu_assert_cut(seg, "２０２４年ＧＤＰ", ZK_SEG_PRECISE, 1,
                  "２ / ０ / ２ / ４ / 年 / Ｇ / Ｄ / Ｐ");
    tu_assert_cut(seg, "a\r\nb\u3000c", ZK_SEG_PRECISE, 1,
                  "a / \r\n / b / \u3000 / c");
}

static void test_full(void **state)
{
    (void)state;
    tu_assert_cut(seg, "我来到北京清华大学", ZK_SEG_FULL, 1,
                  "我 / 来到 / 北京 / 清华 / 清华大学 / 华大 / 大学");
}

/* Offsets: every token's bytes are its text, char offsets count code
 * points, and in precise mode the tokens tile the input. */
static void check_cover(const char *text, size_t len, int mode, int hmm)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    tu_toks l = {0};
    size_t i, pos = 0, cpos = 0;

    o.mode = mode;
    o.hmm = hmm;
    assert_int_equal(zk_seg_cut(seg, text, len, &o, tu_collect, &l), ZK_OK);
    for (i = 0; i < l.n; i++) {
        tu_tok *t = &l.v[i];
        size_t k, chars = 0;
        assert_int_equal(t->end - t->start, strlen(t->text));
        assert_memory_equal(text + t->start, t->text, t->end - t->start);
        for (k = t->start; k < t->end; k++)
            chars += ((unsigned char)text[k] & 0xC0) != 0x80;
        assert_int_equal(t->cend - t->cstart, chars);
        if (t->flags & ZK_TOKEN_COLOCATED)
            continue; /* search sub-words lie inside the next word */
        assert_int_equal(t->start, pos);
        assert_int_equal(t->cstart, cpos);
        pos = t->end;
        cpos = t->cend;
    }
    assert_int_equal(pos, len);
    tu_toks_free(&l);
}

static void test_cover_seed(void **state)
{
    size_t len;
    char *text = tu_slurp(ZK_SHARED_DIR "/corpus/seed/"
                                        "bz25yb108-city-quality-ip.md",
                          &len);
    (void)state;
    check_cover(text, len, ZK_SEG_PRECISE, 1);
    check_cover(text, len, ZK_SEG_PRECISE, 0);
    check_cover(text, len, ZK_SEG_SEARCH, 1);
    free(text);
}

static void test_cover_pku(void **state)
{
    size_t len;
    char *text = tu_slurp(ZK_SHARED_DIR "/seg-eval/pku_test.utf8", &len);
    (void)state;
    check_cover(text, len, ZK_SEG_PRECISE, 1);
    check_cover(text, len, ZK_SEG_SEARCH, 0);
    free(text);
}

/* Cutting at zk_seg_split_point() gives the same tokens as one cut. */
static void test_split_point(void **state)
{
    size_t len, cut, i;
    char *text = tu_slurp(ZK_SHARED_DIR "/seg-eval/msr_test.utf8", &len);
    tu_toks whole = {0}, parts = {0};
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    (void)state;

    assert_int_equal(zk_seg_cut(seg, text, len, &o, tu_collect, &whole), ZK_OK);
    cut = zk_seg_split_point(text, len / 2);
    assert_true(cut > 0 && cut <= len / 2);
    assert_int_equal(zk_seg_cut(seg, text, cut, &o, tu_collect, &parts), ZK_OK);
    i = parts.n;
    assert_int_equal(
        zk_seg_cut(seg, text + cut, len - cut, &o, tu_collect, &parts), ZK_OK);
    for (; i < parts.n; i++) {
        parts.v[i].start += cut;
        parts.v[i].end += cut;
    }
    assert_int_equal(whole.n, parts.n);
    for (i = 0; i < whole.n; i++) {
        assert_string_equal(whole.v[i].text, parts.v[i].text);
        assert_int_equal(whole.v[i].start, parts.v[i].start);
    }
    /* never inside a block, never after a CR */
    assert_int_equal(zk_seg_split_point("abc", 3), 0);
    assert_int_equal(zk_seg_split_point("ab\r", 3), 0);
    assert_int_equal(zk_seg_split_point("ab\ncd", 5), 3);
    assert_int_equal(zk_seg_split_point("中文，中文", 15), 9);
    /* a character cut in two by the buffer is not a split point */
    assert_int_equal(zk_seg_split_point("，\xe4\xb8", 5), 3);
    tu_toks_free(&whole);
    tu_toks_free(&parts);
    free(text);
}

static int stop_after_three(const zk_token *t, void *payload)
{
    int *n = payload;
    (void)t;
    return ++*n == 3 ? 42 : 0;
}

static void test_callback_stop_and_errors(void **state)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    int n = 0;
    (void)state;

    assert_int_equal(
        zk_seg_cut(seg, "我来到北京清华大学", 27, NULL, stop_after_three, &n),
        ZK_EUSER);
    assert_int_equal(n, 3);
    assert_non_null(strstr(zk_error_last()->message, "42"));
    o.mode = 7;
    assert_int_equal(zk_seg_cut(seg, "x", 1, &o, stop_after_three, &n),
                     ZK_EINVAL);
    o.mode = ZK_SEG_PRECISE;
    o.version = 99;
    assert_int_equal(zk_seg_cut(seg, "x", 1, &o, stop_after_three, &n),
                     ZK_EINVAL);
    assert_int_equal(zk_seg_cut(NULL, "x", 1, NULL, stop_after_three, &n),
                     ZK_EINVAL);
    assert_int_equal(zk_seg_new(NULL, dict), ZK_EINVAL);
    zk_seg_free(NULL);
}

/* Normalised segmentation: full-width text meets its ASCII form, and the
 * offsets still point at the original bytes. */
static void test_normalized_cut(void **state)
{
    static const char text[] = "２０２４年ＧＤＰ增长5.2％";
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    tu_toks l = {0};
    (void)state;

    o.normalize = 1;
    assert_int_equal(
        zk_seg_cut(seg, text, sizeof(text) - 1, &o, tu_collect, &l), ZK_OK);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.v[0].text, "2024");
    assert_int_equal(l.v[0].start, 0);
    assert_int_equal(l.v[0].end, 12); /* four 3-byte full-width digits */
    assert_int_equal(l.v[0].cend, 4);
    assert_string_equal(l.v[1].text, "年");
    assert_string_equal(l.v[2].text, "gdp");
    assert_int_equal(l.v[2].start, 15);
    assert_int_equal(l.v[2].end, 24);
    assert_string_equal(l.v[3].text, "增长");
    assert_string_equal(l.v[4].text, "5.2%");
    assert_int_equal(l.v[4].end, sizeof(text) - 1);
    assert_int_equal(l.v[4].cend, 14);
    tu_toks_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precise_hmm),
        cmocka_unit_test(test_precise_nohmm),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_fullwidth_and_space),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_cover_seed),
        cmocka_unit_test(test_cover_pku),
        cmocka_unit_test(test_split_point),
        cmocka_unit_test(test_callback_stop_and_errors),
        cmocka_unit_test(test_normalized_cut),
    };
    return cmocka_run_group_tests_name("seg", tests, setup, teardown);
}
