/* fuzz_query.c - fuzz target: the query parser (zk__query_parse,
 * src/query.h).
 *
 * Input: the query string (cut at the first NUL, as a C string is).
 * Checks: the result is ZK_OK, or ZK_EQUERY with a non-empty message and
 * no query; a parsed query has 1..ZK_QUERY_MAX_ITEMS items, at least one
 * not excluded; groups are numbered 1, 2, ... in order, an excluded item is
 * alone in its group; each item's raw text is non-empty and occurs in the
 * query, without blanks unless quoted; a year item has 0 <= lo <= hi <=
 * 9999, any other has normalised text that is strict UTF-8 of norm_len
 * bytes, not empty. */
#include "fuzz_util.h"

#include "query.h"

/* What the parser treats as a blank between items (ASCII part). */
static int blank(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

static void check_item(const zk__query *q, size_t i, const char *qs)
{
    const zk__qitem *it = &q->items[i];
    size_t k, n;

    FZ_CHECK(it->field >= ZK_QF_TEXT && it->field <= ZK_QF_DOCNO);
    FZ_CHECK(it->raw != NULL);
    n = strlen(it->raw);
    FZ_CHECK(n > 0);
    FZ_CHECK(strstr(qs, it->raw) != NULL);
    if (!it->quoted) {
        for (k = 0; k < n; k++)
            FZ_CHECK(!blank((unsigned char)it->raw[k]));
        FZ_CHECK(strstr(it->raw, "\xE3\x80\x80") == NULL); /* U+3000 */
    }
    if (it->field == ZK_QF_YEAR) {
        FZ_CHECK(it->year_lo >= 0 && it->year_lo <= it->year_hi &&
                 it->year_hi <= 9999);
        return;
    }
    FZ_CHECK(it->norm != NULL && strlen(it->norm) == it->norm_len);
    FZ_CHECK(fz_utf8_ok(it->norm, it->norm_len));
    /* NFKC + case folding never deletes a whole character; norm_chars
     * counts the characters it came from (an invalid byte is one) */
    FZ_CHECK(it->norm_len > 0);
    FZ_CHECK(it->norm_chars > 0 && it->norm_chars <= n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *qs = fz_strndup(data, size);
    static zk__query sentinel;
    zk__query *q = &sentinel; /* the parser must overwrite it */
    const zk_error *e;
    size_t i, positive = 0;
    unsigned group = 0;
    int rc;

    zk_error_clear();
    rc = zk__query_parse(&q, qs);
    if (rc != ZK_OK) {
        FZ_CHECK(rc == ZK_EQUERY);
        FZ_CHECK(q == NULL);
        e = zk_error_last();
        FZ_CHECK(e != NULL && e->code == ZK_EQUERY);
        FZ_CHECK(e->message != NULL && e->message[0] != '\0');
        free(qs);
        return 0;
    }
    FZ_CHECK(q != NULL);
    FZ_CHECK(q->n >= 1 && q->n <= ZK_QUERY_MAX_ITEMS);
    FZ_CHECK(strlen(qs) <= ZK_QUERY_MAX_BYTES);
    for (i = 0; i < q->n; i++) {
        const zk__qitem *it = &q->items[i];

        check_item(q, i, qs);
        positive += !it->negated;
        /* groups: 1 for the first item, then the same or the next */
        FZ_CHECK(it->group == group || it->group == group + 1);
        FZ_CHECK(i > 0 || it->group == 1);
        if (it->negated) {
            FZ_CHECK(it->group == group + 1);
            FZ_CHECK(i + 1 == q->n || q->items[i + 1].group != it->group);
        }
        group = it->group;
    }
    FZ_CHECK(positive > 0);
    FZ_CHECK(q->n_groups == group);
    zk__query_free(q);
    free(qs);
    return 0;
}
