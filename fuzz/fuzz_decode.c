/* fuzz_decode.c - fuzz target: encoding detection and conversion to UTF-8
 * (zk__decode, src/decode.h).
 *
 * Input: one byte choosing the encoding argument (detection, each name the
 * API accepts, in odd case, or an unknown one), then the file's bytes.
 * Checks: only ZK_OK, ZK_EENCODING (a message naming the input) and, for
 * the unknown name only, ZK_EINVAL; on success the output is strict UTF-8
 * without NUL, NUL-terminated at out_len, the detected name is one of the
 * five, valid UTF-8 input read as UTF-8 comes back unchanged (less a BOM),
 * and forcing the detected encoding gives the same bytes. */
#include "fuzz_util.h"

#include "decode.h"

#define NAME "fuzz-input"

static const char *const forced[16] = {
    NULL,   NULL,     NULL,     NULL,       NULL,       NULL,
    "auto", "utf-8",  "UTF-16", "utf-16le", "Utf-16BE", "gb18030",
    "GBK",  "gb2312", "BIG5",   "latin-1" /* unknown */
};

static int known_detected(const char *d)
{
    return d != NULL &&
           (strcmp(d, "utf-8") == 0 || strcmp(d, "utf-16le") == 0 ||
            strcmp(d, "utf-16be") == 0 || strcmp(d, "gb18030") == 0 ||
            strcmp(d, "big5") == 0);
}

/* The name *detected must report for a forced encoding. */
static int detected_for(const char *enc, const char *d)
{
    if (strcmp(enc, "UTF-16") == 0)
        return strcmp(d, "utf-16le") == 0 || strcmp(d, "utf-16be") == 0;
    if (strcmp(enc, "GBK") == 0 || strcmp(enc, "gb2312") == 0)
        return strcmp(d, "gb18030") == 0;
    if (strcmp(enc, "Utf-16BE") == 0)
        return strcmp(d, "utf-16be") == 0;
    if (strcmp(enc, "BIG5") == 0)
        return strcmp(d, "big5") == 0;
    return strcmp(enc, d) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *enc, *detected = NULL, *again_detected = NULL, *text;
    char *out = NULL, *again = NULL;
    size_t out_len = 0, again_len = 0, len, skip;
    const zk_error *e;
    int rc;

    if (size == 0)
        return 0;
    enc = forced[data[0] & 15];
    text = (const char *)data + 1;
    len = size - 1;
    zk_error_clear();
    rc = zk__decode(&out, &out_len, &detected, text, len, enc, NAME);
    if (rc != ZK_OK) {
        FZ_CHECK(out == NULL);
        e = zk_error_last();
        FZ_CHECK(e != NULL && e->code == rc && e->message != NULL);
        if (enc == forced[15]) {
            FZ_CHECK(rc == ZK_EINVAL);
            return 0;
        }
        FZ_CHECK(rc == ZK_EENCODING);
        FZ_CHECK(strncmp(e->message, NAME ": ", strlen(NAME ": ")) == 0);
        return 0;
    }
    FZ_CHECK(enc != forced[15]);
    FZ_CHECK(out != NULL && out[out_len] == '\0');
    FZ_CHECK(fz_utf8_ok(out, out_len)); /* also: no NUL inside */
    FZ_CHECK(known_detected(detected));
    if (enc != NULL && strcmp(enc, "auto") != 0)
        FZ_CHECK(detected_for(enc, detected));

    /* UTF-8 is copied, less one leading BOM */
    if (strcmp(detected, "utf-8") == 0) {
        skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        FZ_CHECK(out_len == len - skip);
        FZ_CHECK(memcmp(out, text + skip, out_len) == 0);
    }
    /* valid UTF-8 without NUL is always read as UTF-8 when detecting */
    if ((enc == NULL || strcmp(enc, "auto") == 0) && fz_utf8_ok(text, len))
        FZ_CHECK(strcmp(detected, "utf-8") == 0);

    /* forcing what detection found reads the bytes the same way */
    if (enc == NULL || strcmp(enc, "auto") == 0 || strcmp(enc, "UTF-16") == 0) {
        rc = zk__decode(&again, &again_len, &again_detected, text, len,
                        detected, NAME);
        FZ_CHECK(rc == ZK_OK);
        FZ_CHECK(strcmp(again_detected, detected) == 0);
        FZ_CHECK(again_len == out_len && memcmp(again, out, out_len) == 0);
        free(again);
    }
    free(out);
    return 0;
}
