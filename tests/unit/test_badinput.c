#define _POSIX_C_SOURCE 200809L
/* test_badinput.c - hostile input: no crash, no lost bytes, bounded memory */
#include <sys/resource.h>

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

/* Streams tokens and checks that they tile the input. */
typedef struct tiler {
    const char *text;
    size_t pos, cpos, n, other;
    int mode;
} tiler;

static int tile(const zk_token *t, void *payload)
{
    tiler *c = payload;

    if (t->flags & ZK_TOKEN_COLOCATED)
        return 0;
    if (c->mode == ZK_SEG_FULL) { /* full mode overlaps: stay in bounds */
        if (t->end <= t->start || t->start < c->pos)
            return 1;
        c->pos = t->start;
        c->n++;
        return 0;
    }
    if (t->start != c->pos || t->cstart != c->cpos || t->end <= t->start ||
        memcmp(c->text + t->start, t->text, t->len) != 0)
        return 1; /* stops the cut: ZK_EUSER fails the test */
    c->pos = t->end;
    c->cpos = t->cend;
    c->n++;
    c->other += t->kind == ZK_TOKEN_OTHER;
    return 0;
}

static tiler run(const char *text, size_t len, int mode, int hmm)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    tiler c;

    memset(&c, 0, sizeof(c));
    c.text = text;
    c.mode = mode;
    o.mode = mode;
    o.hmm = hmm;
    assert_int_equal(zk_seg_cut(seg, text, len, &o, tile, &c), ZK_OK);
    if (mode != ZK_SEG_FULL)
        assert_int_equal(c.pos, len);
    return c;
}

static void test_invalid_utf8(void **state)
{
    /* stray continuation, overlong, surrogate, truncated, > U+10FFFF */
    static const char t[] = "城乡\x80耦合\xc0\xaf发展\xed\xa0\x80"
                            "a\xe4\xb8"
                            "\xf4\x90\x80\x80z";
    tiler c;
    (void)state;

    c = run(t, sizeof(t) - 1, ZK_SEG_PRECISE, 1);
    /* every bad byte is a token of its own, counted as one character */
    assert_int_equal(c.other, 1 + 2 + 3 + 2 + 4);
    assert_int_equal(c.cpos, 2 + 1 + 2 + 2 + 2 + 3 + 1 + 2 + 4 + 1);
    run(t, sizeof(t) - 1, ZK_SEG_SEARCH, 0);
}

static void test_nul_bmp_emoji_marks(void **state)
{
    static const char t[] = "共同\0富裕 𠀀𪚥 👍🏽 e\xcc\x81 ﾊﾟ";
    tu_toks l = {0};
    size_t i;
    int saw_nul = 0, saw_ext_b = 0;
    (void)state;

    run(t, sizeof(t) - 1, ZK_SEG_PRECISE, 1);
    run(t, sizeof(t) - 1, ZK_SEG_SEARCH, 1);
    assert_int_equal(zk_seg_cut(seg, t, sizeof(t) - 1, NULL, tu_collect, &l),
                     ZK_OK);
    for (i = 0; i < l.n; i++) {
        saw_nul |= l.v[i].end - l.v[i].start == 1 && t[l.v[i].start] == 0;
        saw_ext_b |= strcmp(l.v[i].text, "𠀀") == 0; /* not in jieba's han */
    }
    assert_true(saw_nul);
    assert_true(saw_ext_b);
    tu_toks_free(&l);
}

static long peak_rss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A 50 MB line with no newline, made of the seed paper's text. */
static void test_50mb_line(void **state)
{
    size_t len, plen, i, big = 50u << 20;
    char *para = tu_slurp(ZK_SHARED_DIR "/corpus/seed/"
                                        "bz25yb108-city-quality-ip.md",
                          &plen);
    char *text = malloc(big);
    long before;
    tiler c;
    (void)state;

    assert_non_null(text);
    for (i = 0; i < plen; i++)
        if (para[i] == '\n')
            para[i] = ' ';
    for (len = 0; len + plen <= big; len += plen)
        memcpy(text + len, para, plen);
    before = peak_rss_kb();
    c = run(text, len, ZK_SEG_PRECISE, 1);
    assert_true(c.n > len / 8);
    c = run(text, len, ZK_SEG_SEARCH, 1);
    /* scratch memory is per block, not per text */
    assert_true(peak_rss_kb() - before < 32 * 1024);
    free(text);
    free(para);
}

/* 8 MB of Chinese with no separator at all: blocks are capped. */
static void test_one_giant_block(void **state)
{
    static const char unit[] = "城乡耦合发展共同富裕";
    size_t big = 8u << 20, len = 0, u = sizeof(unit) - 1;
    char *text = malloc(big);
    long before;
    (void)state;

    assert_non_null(text);
    for (; len + u <= big; len += u)
        memcpy(text + len, unit, u);
    before = peak_rss_kb();
    run(text, len, ZK_SEG_PRECISE, 1);
    run(text, len, ZK_SEG_PRECISE, 0);
    run(text, len, ZK_SEG_SEARCH, 1);
    run(text, len, ZK_SEG_FULL, 1);
    assert_true(peak_rss_kb() - before < 32 * 1024);
    free(text);
}

/* HMM on a long run of characters jieba's dictionary does not know. */
static void test_long_unknown_run(void **state)
{
    size_t n = 200000, i, len = 0;
    char *text = malloc(n * 3);
    (void)state;

    assert_non_null(text);
    for (i = 0; i < n; i++) {
        /* rare ideographs cycling through a range */
        uint32_t c = 0x9F00 + (uint32_t)(i % 0xD5);
        text[len++] = (char)(0xE0 | (c >> 12));
        text[len++] = (char)(0x80 | ((c >> 6) & 0x3F));
        text[len++] = (char)(0x80 | (c & 0x3F));
    }
    run(text, len, ZK_SEG_PRECISE, 1);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_bmp_emoji_marks),
        cmocka_unit_test(test_50mb_line),
        cmocka_unit_test(test_one_giant_block),
        cmocka_unit_test(test_long_unknown_run),
    };
    return cmocka_run_group_tests_name("badinput", tests, setup, teardown);
}
