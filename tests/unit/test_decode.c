/* test_decode.c - encoding detection and conversion to UTF-8
 *
 * Real reports from the shared corpus are converted here with iconv into
 * the encodings government files come in, and zk__decode() must give back
 * exactly the original bytes and name the encoding. Corrupt input must be
 * refused with the offset of the first bad byte; binary input as binary.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <iconv.h>

#include "testutil.h"
#include "../../src/decode.h"

#define REPORT ZK_SHARED_DIR "/corpus/gov-work-reports/2024-政府工作报告.txt"
#define LAW ZK_SHARED_DIR "/corpus/laws-regulations/宪法/宪法.md"
#define SEED ZK_SHARED_DIR "/corpus/seed/bz25yb108-city-quality-ip.md"
/* The 1954 report (traditional characters on Wikisource) with variant
 * forms mapped to the Big5 ones; see tests/data/encoding/README.md. */
#define TRAD ZK_TEST_DATA "/encoding/1954-report-traditional.txt"

/* A byte string owned by the test. */
typedef struct bytes {
    char *p;
    size_t n;
} bytes;

static bytes slurp(const char *path)
{
    bytes b;

    b.p = tu_slurp(path, &b.n);
    return b;
}

/* Convert with iconv, failing the test on any error. */
static bytes conv(const char *to, const char *from, const char *in, size_t n)
{
    iconv_t cd = iconv_open(to, from);
    size_t cap = n * 4 + 16, inleft = n, oleft = cap;
    char *ip = (char *)in, *op;
    bytes b;

    assert_true(cd != (iconv_t)-1);
    b.p = malloc(cap);
    assert_non_null(b.p);
    op = b.p;
    assert_true(iconv(cd, &ip, &inleft, &op, &oleft) != (size_t)-1);
    assert_true(iconv(cd, NULL, NULL, &op, &oleft) != (size_t)-1);
    iconv_close(cd);
    b.n = (size_t)(op - b.p);
    return b;
}

/* `prefix` (n bytes) followed by `b`. */
static bytes prepend(const char *prefix, size_t n, bytes b)
{
    bytes r;

    r.n = n + b.n;
    r.p = malloc(r.n + 1);
    assert_non_null(r.p);
    memcpy(r.p, prefix, n);
    memcpy(r.p + n, b.p, b.n);
    return r;
}

/* b with `ins` (k bytes) inserted at `at`. */
static bytes insert(bytes b, size_t at, const char *ins, size_t k)
{
    bytes r;

    assert_true(at <= b.n);
    r.n = b.n + k;
    r.p = malloc(r.n);
    assert_non_null(r.p);
    memcpy(r.p, b.p, at);
    memcpy(r.p + at, ins, k);
    memcpy(r.p + at + k, b.p + at, b.n - at);
    return r;
}

/* The offset iconv stops at when decoding `b` from `from` strictly, or
 * SIZE_MAX: an oracle independent of zk__decode's own UTF-8 check. */
static size_t iconv_first_bad(const char *from, bytes b)
{
    iconv_t cd = iconv_open("UTF-16LE", from);
    char out[4096], *ip = b.p, *op;
    size_t inleft = b.n, oleft, r, at = SIZE_MAX;

    assert_true(cd != (iconv_t)-1);
    while (inleft > 0) {
        op = out;
        oleft = sizeof(out);
        r = iconv(cd, &ip, &inleft, &op, &oleft);
        if (r == (size_t)-1 && errno != E2BIG) {
            at = (size_t)(ip - b.p);
            break;
        }
    }
    iconv_close(cd);
    return at;
}

/* A UTF-8 character boundary near the middle of `s` where a Han
 * character (three bytes) starts. */
static size_t han_boundary(bytes s)
{
    size_t i = s.n / 2;

    while (i < s.n &&
           !((unsigned char)s.p[i] >= 0xE4 && (unsigned char)s.p[i] <= 0xE9))
        i++;
    assert_true(i < s.n);
    return i;
}

/* Decode and compare with `want`. */
static void expect_ok(bytes in, const char *encoding, bytes want,
                      const char *want_detected)
{
    const char *detected = NULL;
    size_t len = 0;
    char *out = NULL;
    int rc;

    rc = zk__decode(&out, &len, &detected, in.p, in.n, encoding, "t.txt");
    if (rc != ZK_OK)
        fail_msg("zk__decode: %s", zk_error_last()->message);
    assert_non_null(out);
    assert_string_equal(detected, want_detected);
    assert_int_equal(len, want.n);
    assert_memory_equal(out, want.p, want.n);
    assert_int_equal(out[len], '\0');
    free(out);
}

/* Decode, expect failure `code` and a message containing `want`. */
static void expect_fail(bytes in, const char *encoding, int code,
                        const char *want)
{
    const zk_error *e;
    size_t len = 123;
    char *out = (char *)&len;
    int rc;

    zk_error_clear();
    rc = zk__decode(&out, &len, NULL, in.p, in.n, encoding, "a.txt");
    assert_int_equal(rc, code);
    assert_null(out);
    assert_int_equal(len, 0);
    e = zk_error_last();
    assert_non_null(e);
    assert_int_equal(e->code, code);
    if (strstr(e->message, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", e->message, want);
    if (code == ZK_EENCODING && strstr(e->message, "a.txt: ") == NULL)
        fail_msg("message \"%s\" does not name the file", e->message);
}

/* expect_fail() with "<what> at byte <at>" in the message. */
static void expect_bad(bytes in, const char *encoding, const char *what,
                       size_t at)
{
    char want[128];

    snprintf(want, sizeof(want), "%s at byte %zu", what, at);
    expect_fail(in, encoding, ZK_EENCODING, want);
}

static void test_utf8(void **state)
{
    static const char *const paths[] = {REPORT, LAW, SEED, TRAD};
    bytes ascii = {"Report 2024\r\nGDP +5.2%\tok\n", 26};
    size_t i;
    (void)state;

    for (i = 0; i < 4; i++) {
        bytes t = slurp(paths[i]), bom = prepend("\xEF\xBB\xBF", 3, t);

        expect_ok(t, NULL, t, "utf-8");
        expect_ok(t, "auto", t, "utf-8");
        expect_ok(t, "UTF-8", t, "utf-8");
        expect_ok(bom, NULL, t, "utf-8"); /* the BOM is dropped */
        expect_ok(bom, "utf-8", t, "utf-8");
        free(bom.p);
        free(t.p);
    }
    expect_ok(ascii, NULL, ascii, "utf-8");
    expect_ok(ascii, "gb18030", ascii, "gb18030");
    expect_ok(ascii, "big5", ascii, "big5");
}

static void test_gb18030(void **state)
{
    static const char *const paths[] = {REPORT, LAW, SEED, TRAD};
    size_t i;
    (void)state;

    for (i = 0; i < 4; i++) {
        bytes t = slurp(paths[i]), gb = conv("GB18030", "UTF-8", t.p, t.n);

        /* TRAD is traditional text in GBK, as Hong Kong files can be */
        expect_ok(gb, NULL, t, "gb18030");
        expect_ok(gb, "gb18030", t, "gb18030");
        expect_ok(gb, "GBK", t, "gb18030");
        expect_ok(gb, "gb2312", t, "gb18030");
        free(gb.p);
        free(t.p);
    }
}

static void test_big5(void **state)
{
    bytes t = slurp(TRAD), b = conv("BIG5", "UTF-8", t.p, t.n), head, bhead;
    (void)state;

    expect_ok(b, NULL, t, "big5");
    expect_ok(b, "Big5", t, "big5");
    /* the title and first paragraph alone are enough to tell */
    head.p = t.p;
    head.n = (size_t)(strstr(t.p, "。") - t.p) + 3;
    bhead = conv("BIG5", "UTF-8", head.p, head.n);
    expect_ok(bhead, NULL, head, "big5");
    free(bhead.p);
    free(b.p);
    free(t.p);
}

static void test_utf16(void **state)
{
    static const char *const paths[] = {REPORT, LAW, SEED, TRAD};
    size_t i;
    (void)state;

    for (i = 0; i < 4; i++) {
        bytes t = slurp(paths[i]);
        bytes le = conv("UTF-16LE", "UTF-8", t.p, t.n);
        bytes be = conv("UTF-16BE", "UTF-8", t.p, t.n);
        bytes lebom = prepend("\xFF\xFE", 2, le);
        bytes bebom = prepend("\xFE\xFF", 2, be);

        expect_ok(lebom, NULL, t, "utf-16le");
        expect_ok(bebom, NULL, t, "utf-16be");
        expect_ok(le, NULL, t, "utf-16le"); /* NUL-byte pattern */
        expect_ok(be, NULL, t, "utf-16be");
        expect_ok(lebom, "utf-16", t, "utf-16le");
        expect_ok(bebom, "UTF-16", t, "utf-16be");
        expect_ok(le, "utf-16", t, "utf-16le");      /* no BOM means LE */
        expect_ok(lebom, "utf-16le", t, "utf-16le"); /* BOM dropped */
        expect_ok(bebom, "utf-16BE", t, "utf-16be");
        expect_ok(be, "utf-16be", t, "utf-16be");
        free(le.p);
        free(be.p);
        free(lebom.p);
        free(bebom.p);
        free(t.p);
    }
}

/* ASCII-only UTF-16: a byte-swapped reading is all U+xx00 characters, many
 * of them Han, so the scoring must not prefer it. */
static void test_utf16_ascii(void **state)
{
    bytes t = {"No. 1 Notice\nNanning, Nanjing: NNN\n", 35};
    bytes le = conv("UTF-16LE", "UTF-8", t.p, t.n);
    bytes be = conv("UTF-16BE", "UTF-8", t.p, t.n);
    (void)state;

    expect_ok(le, NULL, t, "utf-16le");
    expect_ok(be, NULL, t, "utf-16be");
    free(le.p);
    free(be.p);
}

static void test_empty(void **state)
{
    bytes none = {"", 0};
    const char *detected = NULL;
    size_t len = 7;
    char *out = NULL;
    (void)state;

    assert_int_equal(zk__decode(&out, &len, &detected, NULL, 0, NULL, "e"),
                     ZK_OK);
    assert_non_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(out[0], '\0');
    assert_string_equal(detected, "utf-8");
    free(out);
    expect_ok(none, "gb18030", none, "gb18030");
    expect_ok(none, "utf-16", none, "utf-16le");
    /* a lone BOM is an empty text */
    expect_ok((bytes){"\xEF\xBB\xBF", 3}, NULL, none, "utf-8");
    expect_ok((bytes){"\xFF\xFE", 2}, NULL, none, "utf-16le");
    expect_ok((bytes){"\xFE\xFF", 2}, NULL, none, "utf-16be");
}

/* Forcing an encoding the bytes are not in. */
static void test_wrong_forced(void **state)
{
    bytes t = slurp(REPORT), gb = conv("GB18030", "UTF-8", t.p, t.n);
    bytes trad = slurp(TRAD), b5 = conv("BIG5", "UTF-8", trad.p, trad.n);
    /* 丂 (GBK 81 40) has no Big5 code: lead byte 0x81 is not Big5 */
    bytes gbk_only = {"Notice 2024: \x81\x40 end", 19};
    bytes odd = {"a\0b\0c", 5};
    size_t at;
    (void)state;

    at = iconv_first_bad("UTF-8", gb);
    assert_true(at != SIZE_MAX);
    expect_bad(gb, "utf-8", "invalid UTF-8", at);
    at = iconv_first_bad("UTF-8", b5);
    assert_true(at != SIZE_MAX);
    expect_bad(b5, "utf-8", "invalid UTF-8", at);
    expect_bad(gbk_only, "big5", "invalid Big5", 13);
    expect_bad(odd, "utf-16le", "invalid UTF-16LE", 4);
    expect_fail(odd, "utf-16le", ZK_EENCODING, "truncated");
    /* The whole 2024 report in GB18030 is also valid Big5, which is why
     * detection scores the characters: forced, Big5 gives mojibake. */
    assert_int_equal(iconv_first_bad("BIG5", gb), SIZE_MAX);
    {
        size_t len;
        char *out;

        assert_int_equal(
            zk__decode(&out, &len, NULL, gb.p, gb.n, "big5", "a.txt"), ZK_OK);
        assert_true(len != t.n || memcmp(out, t.p, len) != 0);
        free(out);
    }
    free(b5.p);
    free(trad.p);
    free(gb.p);
    free(t.p);
}

/* Damaged files: the offset is that of the first bad byte in the input. */
static void test_corrupt(void **state)
{
    bytes t = slurp(REPORT), gb = conv("GB18030", "UTF-8", t.p, t.n);
    bytes trad = slurp(TRAD), b5 = conv("BIG5", "UTF-8", trad.p, trad.n);
    size_t m = han_boundary(t), n, at, i;
    unsigned seed = 12345;
    char noise[8];
    bytes pre, cut, bad;
    (void)state;

    /* n = where the GB18030 bytes of the Han character at t[m] start */
    pre = conv("GB18030", "UTF-8", t.p, m);
    n = pre.n;
    free(pre.p);
    assert_true((unsigned char)gb.p[n] >= 0x81);

    /* truncated in the middle of a two-byte sequence */
    cut.p = gb.p;
    cut.n = n + 1;
    expect_bad(cut, NULL, "invalid GB18030", n);
    expect_fail(cut, NULL, ZK_EENCODING, "truncated");
    expect_bad(cut, "gbk", "invalid GB18030", n);

    /* a byte that is never GB18030, and a lead byte with a bad trail */
    bad = insert(gb, n, "\xFF", 1);
    expect_bad(bad, NULL, "invalid GB18030", n);
    free(bad.p);
    bad = insert(gb, n, "\x81\x20", 2);
    expect_bad(bad, NULL, "invalid GB18030", n);
    free(bad.p);

    /* random bytes: iconv says where the damage starts */
    for (i = 0; i < sizeof(noise); i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (char)(0x80 | (seed >> 16));
    }
    noise[0] = '\xFF'; /* make sure the noise is not valid GB18030 */
    bad = insert(gb, n, noise, sizeof(noise));
    at = iconv_first_bad("GB18030", bad);
    assert_true(at >= n && at < n + sizeof(noise));
    expect_bad(bad, NULL, "invalid GB18030", at);
    free(bad.p);

    /* UTF-8: a bad byte between characters, and a cut character */
    bad = insert(t, m, "\xFF", 1);
    expect_bad(bad, NULL, "invalid UTF-8", m);
    free(bad.p);
    cut.p = t.p;
    cut.n = m + 2;
    expect_bad(cut, NULL, "invalid UTF-8", m);
    expect_fail(cut, NULL, ZK_EENCODING, "truncated");
    /* after a BOM, offsets still count the BOM */
    bad = prepend("\xEF\xBB\xBF", 3, t);
    bad.p[3 + m + 1] = 'x';
    expect_bad(bad, NULL, "invalid UTF-8", 3 + m);
    free(bad.p);

    /* Big5 with a bad trail byte still reads as Big5 */
    pre = conv("BIG5", "UTF-8", trad.p, han_boundary(trad));
    bad = insert(b5, pre.n, "\xA4\x30", 2);
    expect_bad(bad, NULL, "invalid Big5", pre.n);
    free(bad.p);
    free(pre.p);

    free(b5.p);
    free(trad.p);
    free(gb.p);
    free(t.p);
}

static void test_corrupt_utf16(void **state)
{
    bytes t = slurp(LAW), le = conv("UTF-16LE", "UTF-8", t.p, t.n);
    bytes be = conv("UTF-16BE", "UTF-8", t.p, t.n), bom, bad;
    size_t m = han_boundary(t), n;
    bytes pre = conv("UTF-16LE", "UTF-8", t.p, m);
    (void)state;

    n = pre.n; /* byte offset of t[m]'s code unit, without BOM */
    free(pre.p);

    /* a lone high surrogate before a Han character */
    bom = prepend("\xFF\xFE", 2, le);
    bad = insert(bom, 2 + n, "\x00\xD8", 2);
    expect_bad(bad, NULL, "invalid UTF-16LE", 2 + n);
    expect_bad(bad, "utf-16", "invalid UTF-16LE", 2 + n);
    free(bad.p);
    free(bom.p);
    bad = insert(le, n, "\x00\xDC", 2); /* lone low surrogate, no BOM */
    expect_bad(bad, NULL, "invalid UTF-16LE", n);
    free(bad.p);
    bad = insert(be, n, "\xD8\x00", 2);
    expect_bad(bad, "utf-16be", "invalid UTF-16BE", n);
    free(bad.p);
    /* an odd number of bytes */
    bom = prepend("\xFE\xFF", 2, be);
    bom.n--;
    expect_bad(bom, NULL, "invalid UTF-16BE", bom.n - 1);
    free(bom.p);
    free(le.p);
    free(be.p);
    free(t.p);
}

/* Neither UTF-8 nor anything else: the first bad UTF-8 byte is reported. */
static void test_undecodable(void **state)
{
    bytes junk = {"abc\xFF\xFF\xFF\xFF\x80\x80 def", 13};
    (void)state;

    expect_bad(junk, NULL, "invalid UTF-8", 3);
    expect_bad(junk, "gb18030", "invalid GB18030", 3);
    expect_bad(junk, "big5", "invalid Big5", 3);
}

static void test_binary(void **state)
{
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0"
                              "\x01\0\x08\x06\0\0\0\x5c\x72\xa8\x66";
    static const char elf[] = "\177ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0"
                              "\x3e\0\x01\0\0\0\x40\x10\0\0\0\0\0\0";
    bytes t = slurp(REPORT), bad;
    char blob[4096];
    unsigned seed = 99;
    size_t i, first_nul = SIZE_MAX;
    (void)state;

    expect_fail((bytes){(char *)png, sizeof(png) - 1}, NULL, ZK_EENCODING,
                "binary data, not text (PNG image at byte 0)");
    expect_fail((bytes){(char *)png, sizeof(png) - 1}, "gb18030", ZK_EENCODING,
                "PNG image at byte 0");
    expect_fail((bytes){(char *)elf, sizeof(elf) - 1}, NULL, ZK_EENCODING,
                "binary data, not text (ELF executable at byte 0)");
    expect_fail((bytes){(char *)elf, sizeof(elf) - 1}, "utf-16", ZK_EENCODING,
                "ELF executable at byte 0");

    /* no signature: random bytes with NULs in no UTF-16 pattern */
    memcpy(blob, "abc", 3);
    for (i = 3; i < sizeof(blob); i++) {
        seed = seed * 1103515245u + 12345u;
        blob[i] = (char)(seed >> 16);
        if (blob[i] == '\0' && first_nul == SIZE_MAX)
            first_nul = i;
    }
    assert_true(first_nul != SIZE_MAX);
    expect_bad((bytes){blob, sizeof(blob)}, NULL, "NUL", first_nul);
    expect_fail((bytes){blob, sizeof(blob)}, NULL, ZK_EENCODING, "binary");
    /* the same without NULs: dense control bytes */
    for (i = 3; i < sizeof(blob); i++) {
        if (blob[i] == '\0')
            blob[i] = '\x01';
    }
    expect_fail((bytes){blob, sizeof(blob)}, NULL, ZK_EENCODING,
                "binary data, not text (control characters at byte");

    /* a stray NUL in ASCII text: read as UTF-16 the text would be Han
     * characters, but rare ones, so it is not taken for UTF-16 */
    expect_bad((bytes){"Report 2024\r\nGDP +5.2%\tok\n", 27}, NULL, "NUL", 26);
    expect_bad((bytes){"Report 2024\0\r\nGDP +5.2%\tok\n", 27}, NULL, "NUL",
               11);
    /* one NUL in a UTF-8 report, forced or not */
    bad = insert(t, 1000, "\0", 1);
    expect_bad(bad, NULL, "NUL", 1000);
    expect_bad(bad, "utf-8", "NUL", 1000);
    free(bad.p);
    /* a NUL character in UTF-16 */
    bad = conv("UTF-16LE", "UTF-8", "ab\0cd", 5);
    expect_bad(bad, "utf-16le", "NUL", 4);
    free(bad.p);
    free(t.p);
}

static void test_bad_arguments(void **state)
{
    bytes t = {"text", 4};
    const char *detected = "x";
    size_t len;
    char *out;
    (void)state;

    expect_fail(t, "latin-1", ZK_EINVAL, "unknown encoding \"latin-1\"");
    expect_fail(t, "", ZK_EINVAL, "unknown encoding");
    expect_fail(t, "utf8x", ZK_EINVAL, "unknown encoding");
    assert_int_equal(zk__decode(&out, &len, &detected, NULL, 3, NULL, "n"),
                     ZK_EINVAL);
    assert_int_equal(zk__decode(NULL, &len, NULL, "abc", 3, NULL, "n"),
                     ZK_EINVAL);
    /* a NULL name still gives a message */
    assert_int_equal(
        zk__decode(&out, &len, NULL, "\x89PNG\r\n\x1a\n", 8, NULL, NULL),
        ZK_EENCODING);
}

/* Output twice the size of the input: glibc decodes the two-byte GB18030
 * code FE 51 as U+20087, four bytes of UTF-8, so the buffer must grow. */
static void test_wide_output(void **state)
{
    bytes in, want, t = {"\xF0\xA0\x82\x87 𠂇 😀 𝄞 中文 \xF0\x9F\x98\x80\n", 0};
    bytes gb, le, one;
    size_t i, n = 5000;
    (void)state;

    in.n = 2 * n;
    want.n = 4 * n;
    in.p = malloc(in.n);
    want.p = malloc(want.n);
    assert_non_null(in.p);
    assert_non_null(want.p);
    for (i = 0; i < n; i++) {
        memcpy(in.p + 2 * i, "\xFE\x51", 2);
        memcpy(want.p + 4 * i, "\xF0\xA0\x82\x87", 4);
    }
    one = conv("UTF-8", "GB18030", "\xFE\x51", 2);
    assert_int_equal(one.n, 4);
    assert_memory_equal(one.p, "\xF0\xA0\x82\x87", 4);
    free(one.p);
    expect_ok(in, "gb18030", want, "gb18030");
    expect_ok(in, NULL, want, "gb18030");
    free(in.p);
    free(want.p);
    /* characters beyond the BMP: GB18030 four-byte codes, UTF-16 pairs */
    t.n = strlen(t.p);
    gb = conv("GB18030", "UTF-8", t.p, t.n);
    expect_ok(gb, "gb18030", t, "gb18030");
    le = conv("UTF-16LE", "UTF-8", t.p, t.n);
    expect_ok(le, "utf-16le", t, "utf-16le");
    free(le.p);
    free(gb.p);
}

/* Two megabytes of GB18030 and of UTF-16 without BOM, in one piece. */
static void test_large(void **state)
{
    bytes t = slurp(REPORT), big, gb, le;
    size_t i, copies = 40;
    (void)state;

    big.n = t.n * copies;
    big.p = malloc(big.n);
    assert_non_null(big.p);
    for (i = 0; i < copies; i++)
        memcpy(big.p + i * t.n, t.p, t.n);
    gb = conv("GB18030", "UTF-8", big.p, big.n);
    expect_ok(gb, NULL, big, "gb18030");
    le = conv("UTF-16LE", "UTF-8", big.p, big.n);
    expect_ok(le, NULL, big, "utf-16le");
    free(le.p);
    free(gb.p);
    free(big.p);
    free(t.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_big5),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_utf16_ascii),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_wrong_forced),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_corrupt_utf16),
        cmocka_unit_test(test_undecodable),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_wide_output),
        cmocka_unit_test(test_large),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
