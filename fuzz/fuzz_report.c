/* fuzz_report.c - fuzz target: the report parser (zk__report_parse,
 * src/report.h), Markdown and plain text, on any bytes (the parser's
 * contract allows invalid UTF-8 and NUL bytes).
 *
 * Input: one byte (bit 0: Markdown, bits 1-3: the file name passed, which
 * may carry a date), then the text. Checks: the parse succeeds; metadata
 * are strict UTF-8, the date is YYYY[-MM[-DD]] and agrees with the year;
 * passages are numbered 0..n-1, their text is non-empty strict UTF-8 of at
 * most ZK_PASSAGE_MAX characters without control characters other than
 * tab and line feed, neither starts nor ends with a blank; their trail is
 * strict UTF-8 and has at least depth - 1 " > " separators (none when the
 * depth is 0); their byte ranges are non-empty, inside the input, start on
 * a character, come in reading order, and their line is the line of their
 * start; in plain text the range starts with the text's first character. */
#include "fuzz_util.h"

#include "report.h"
#include "report_internal.h"

static const char *const names[8] = {
    NULL,
    "report.txt",
    "2024-政府工作报告.txt",
    "行政诉讼法(2017-06-27).md",
    "2019-11-05-国务院关于.txt",
    "seed.md",
    "1921.md",
    "dir/9999-x.txt",
};

static void check_meta(const char *v)
{
    if (v != NULL)
        FZ_CHECK(fz_utf8_ok(v, strlen(v)));
}

static int digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void check_date(const zk__report *r)
{
    size_t n;

    if (r->date == NULL) {
        FZ_CHECK(r->year == 0);
        return;
    }
    n = strlen(r->date);
    FZ_CHECK(n == 4 || n == 7 || n == 10);
    FZ_CHECK(digits(r->date, 4));
    if (n >= 7)
        FZ_CHECK(r->date[4] == '-' && digits(r->date + 5, 2));
    if (n == 10)
        FZ_CHECK(r->date[7] == '-' && digits(r->date + 8, 2));
    FZ_CHECK(r->year == atoi(r->date));
    FZ_CHECK(r->year >= 1800 && r->year <= 2100);
}

/* Line of byte `off` counted as the parser counts (\n, \r\n and \r end a
 * line). */
static uint32_t line_of(const char *s, size_t len, size_t off)
{
    size_t i;
    uint32_t line = 1;

    for (i = 0; i < off && i < len; i++)
        if (s[i] == '\n' ||
            (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
            line++;
    return line;
}

static void check_passage(const zk__passage *p, size_t i, const char *src,
                          size_t len, int markdown, size_t *prev_start,
                          size_t *prev_line_off, uint32_t *prev_line)
{
    size_t k = 0, chars = 0, seps = 0, l;
    uint32_t c, first = 0, last = 0;
    const char *q;

    FZ_CHECK(p->ordinal == i);
    FZ_CHECK(p->text != NULL && p->trail != NULL);
    FZ_CHECK(p->text_len > 0 && strlen(p->text) == p->text_len);
    FZ_CHECK(fz_utf8_ok(p->text, p->text_len));
    while (k < p->text_len) {
        c = fz_utf8_next(p->text, p->text_len, &k);
        if (chars++ == 0)
            first = c;
        last = c;
        FZ_CHECK(!zk__rc_drop(c)); /* no control or invalid characters */
    }
    FZ_CHECK(chars <= ZK_PASSAGE_MAX);
    FZ_CHECK(!zk__rc_space(first) && !zk__rc_space(last));
    FZ_CHECK(fz_utf8_ok(p->trail, strlen(p->trail)));
    for (q = p->trail; (q = strstr(q, " > ")) != NULL; q += 3)
        seps++;
    if (p->depth == 0)
        FZ_CHECK(p->trail[0] == '\0');
    else
        FZ_CHECK(seps + 1 >= p->depth);

    FZ_CHECK(p->start < p->end && p->end <= len);
    FZ_CHECK(p->start == 0 || ((unsigned char)src[p->start] & 0xC0) != 0x80);
    FZ_CHECK(p->start >= *prev_start);
    *prev_start = p->start;
    /* count lines incrementally: the starts only grow */
    *prev_line += line_of(src + *prev_line_off, len - *prev_line_off,
                          p->start - *prev_line_off) -
                  1;
    *prev_line_off = p->start;
    FZ_CHECK(p->line == *prev_line);
    if (!markdown) {
        /* plain text keeps every character where it was */
        l = 0;
        fz_utf8_next(p->text, p->text_len, &l);
        FZ_CHECK(p->start + l <= p->end);
        FZ_CHECK(memcmp(src + p->start, p->text, l) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zk__report *r = NULL;
    const char *src;
    size_t len, i, prev_start = 0, prev_line_off = 0;
    uint32_t prev_line = 1;
    int markdown, rc;

    if (size == 0)
        return 0;
    markdown = data[0] & 1;
    src = (const char *)data + 1;
    len = size - 1;
    rc = zk__report_parse(&r, src, len,
                          markdown ? ZK_FORMAT_MD : ZK_FORMAT_PLAIN,
                          names[(data[0] >> 1) & 7]);
    FZ_CHECK(rc == ZK_OK && r != NULL);
    check_meta(r->title);
    check_meta(r->author);
    check_meta(r->org);
    check_meta(r->keywords);
    check_meta(r->abstract);
    check_meta(r->docno);
    check_date(r);
    FZ_CHECK(r->n_passages == 0 || r->passages != NULL);
    for (i = 0; i < r->n_passages; i++)
        check_passage(&r->passages[i], i, src, len, markdown, &prev_start,
                      &prev_line_off, &prev_line);
    zk__report_free(r);
    return 0;
}
