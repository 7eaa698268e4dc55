/* test_record.c - the data of report and passage documents (src/record.c):
 * what the writer encodes, the searcher decodes */
#include "testutil.h"

#include "record.h"

static void test_fields(void **state)
{
    zk__buf b = {0};
    char *v;
    (void)state;

    assert_int_equal(zk__buf_add(&b, ZK_RECORD_MAGIC, 5), ZK_OK);
    assert_int_equal(zk__record_add(&b, "id", "00ab"), ZK_OK);
    assert_int_equal(zk__record_add(&b, "title", "巴中\n研究\\报告\r"), ZK_OK);
    assert_int_equal(zk__record_add(&b, "author", NULL), ZK_OK);
    assert_int_equal(zk__record_add(&b, "size", "12"), ZK_OK);
    assert_int_equal(zk__record_add(&b, "mtime_ns", "34"), ZK_OK);
    assert_memory_equal(b.p,
                        "zkr1\nid=00ab\ntitle=巴中\\n研究\\\\报告\nsize=12\n"
                        "mtime_ns=34\n",
                        b.n);
    v = zk__record_field(b.p, b.n, "title");
    assert_string_equal(v, "巴中\n研究\\报告");
    free(v);
    assert_null(zk__record_field(b.p, b.n, "author"));
    assert_null(zk__record_field(b.p, b.n, "i")); /* not a prefix match */
    v = zk__record_field(b.p, b.n, "size");
    assert_string_equal(v, "12");
    free(v);
    {
        zk__buf o = {0};
        assert_int_equal(zk__record_patch(&o, b.p, b.n, 9000, -5), ZK_OK);
        v = zk__record_field(o.p, o.n, "size");
        assert_string_equal(v, "9000");
        free(v);
        v = zk__record_field(o.p, o.n, "mtime_ns");
        assert_string_equal(v, "-5");
        free(v);
        v = zk__record_field(o.p, o.n, "title");
        assert_string_equal(v, "巴中\n研究\\报告");
        free(v);
        free(o.p);
    }
    free(b.p);
}

static void test_passage(void **state)
{
    zk__passage_rec p = {0}, v;
    zk__buf b = {0};
    char *copy;
    (void)state;

    snprintf(p.rid, sizeof(p.rid), "%s", "0123456789abcdef");
    p.ordinal = 7;
    p.line = 42;
    p.start = 1000;
    p.end = 1234;
    p.page_start = 3;
    p.page_end = 4;
    p.trail = "三、研究 > （四）城乡耦合";
    p.trail_len = strlen(p.trail);
    p.text = "全力推进城乡耦合发展。\n第二行";
    p.text_len = strlen(p.text);
    assert_int_equal(zk__passage_encode(&b, &p, 1), ZK_OK);
    copy = malloc(b.n);
    memcpy(copy, b.p, b.n);
    assert_int_equal(zk__passage_decode(copy, b.n, &v), ZK_OK);
    assert_string_equal(v.rid, p.rid);
    assert_int_equal(v.ordinal, 7);
    assert_int_equal(v.line, 42);
    assert_int_equal(v.start, 1000);
    assert_int_equal(v.end, 1234);
    assert_int_equal(v.page_start, 3);
    assert_int_equal(v.page_end, 4);
    assert_int_equal(v.trail_len, p.trail_len + 3); /* and the ellipsis */
    assert_memory_equal(v.trail, "三、研究 > （四）城乡耦合…", v.trail_len);
    assert_int_equal(v.text_len, p.text_len);
    assert_memory_equal(v.text, p.text, p.text_len);
    free(copy);
    free(b.p);
}

static void test_passage_v1_and_bad(void **state)
{
    char old[] = "zkp1\nfedcba9876543210\n2\n5\n10\n20\n一 > 二\n正文";
    char bad1[] = "zkp3\na\n1\n1\n1\n1\nx\ny";
    char bad2[] = "zkp2\na\n1\n1\n1\n1\n0-0\nno text line";
    zk__passage_rec v;
    (void)state;

    assert_int_equal(zk__passage_decode(old, strlen(old), &v), ZK_OK);
    assert_string_equal(v.rid, "fedcba9876543210");
    assert_int_equal(v.ordinal, 2);
    assert_int_equal(v.page_start, 0);
    assert_int_equal(v.page_end, 0);
    assert_memory_equal(v.trail, "一 > 二", v.trail_len);
    assert_memory_equal(v.text, "正文", v.text_len);
    assert_int_equal(zk__passage_decode(bad1, strlen(bad1), &v), ZK_ECORRUPT);
    assert_int_equal(zk__passage_decode(bad2, strlen(bad2), &v), ZK_ECORRUPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_passage),
        cmocka_unit_test(test_passage_v1_and_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
