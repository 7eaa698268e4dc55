/* record.c - encoding and decoding the data of report and passage
 * documents (record.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhiku/error.h"
#include "record.h"

static int add_str(zk__buf *b, const char *s)
{
    return zk__buf_add(b, s, strlen(s));
}

int zk__record_add(zk__buf *b, const char *key, const char *val)
{
    int rc;

    if (val == NULL)
        return ZK_OK;
    rc = add_str(b, key);
    if (rc == ZK_OK)
        rc = zk__buf_add(b, "=", 1);
    for (; rc == ZK_OK && *val; val++) {
        if (*val == '\n')
            rc = zk__buf_add(b, "\\n", 2);
        else if (*val == '\\')
            rc = zk__buf_add(b, "\\\\", 2);
        else if (*val != '\r')
            rc = zk__buf_add(b, val, 1);
    }
    return rc == ZK_OK ? zk__buf_add(b, "\n", 1) : rc;
}

char *zk__record_field(const char *data, size_t len, const char *key)
{
    size_t kl = strlen(key), i = 0;

    while (i < len) {
        const char *line = data + i, *eol = memchr(line, '\n', len - i);
        size_t n = eol ? (size_t)(eol - line) : len - i;
        if (n > kl && memcmp(line, key, kl) == 0 && line[kl] == '=') {
            char *v = malloc(n - kl), *o = v;
            size_t j;
            if (v == NULL)
                return NULL;
            for (j = kl + 1; j < n; j++) {
                if (line[j] == '\\' && j + 1 < n) {
                    j++;
                    *o++ = line[j] == 'n' ? '\n' : line[j];
                } else {
                    *o++ = line[j];
                }
            }
            *o = '\0';
            return v;
        }
        i += n + 1;
    }
    return NULL;
}

int zk__record_patch(zk__buf *out, const char *data, size_t len, uint64_t size,
                     int64_t mtime_ns)
{
    size_t i = 0;
    char num[64];
    int rc = ZK_OK;

    while (i < len && rc == ZK_OK) {
        const char *line = data + i, *eol = memchr(line, '\n', len - i);
        size_t n = eol ? (size_t)(eol - line) + 1 : len - i;
        if (n > 5 && memcmp(line, "size=", 5) == 0) {
            snprintf(num, sizeof(num), "size=%llu\n", (unsigned long long)size);
            rc = add_str(out, num);
        } else if (n > 9 && memcmp(line, "mtime_ns=", 9) == 0) {
            snprintf(num, sizeof(num), "mtime_ns=%lld\n", (long long)mtime_ns);
            rc = add_str(out, num);
        } else {
            rc = zk__buf_add(out, line, n);
        }
        i += n;
    }
    return rc;
}

int zk__passage_encode(zk__buf *out, const zk__passage_rec *p, int cut)
{
    char head[160];
    int rc;

    snprintf(head, sizeof(head), "zkp2\n%s\n%u\n%u\n%zu\n%zu\n%u-%u\n", p->rid,
             p->ordinal, p->line, p->start, p->end, p->page_start, p->page_end);
    rc = add_str(out, head);
    if (rc == ZK_OK)
        rc = zk__buf_add(out, p->trail, p->trail_len);
    if (rc == ZK_OK && cut)
        rc = add_str(out, "\xe2\x80\xa6"); /* … */
    if (rc == ZK_OK)
        rc = zk__buf_add(out, "\n", 1);
    if (rc == ZK_OK)
        rc = zk__buf_add(out, p->text, p->text_len);
    return rc;
}

int zk__passage_decode(char *data, size_t len, zk__passage_rec *v)
{
    char *f[8], *nl;
    size_t i = 0;
    int k = 0, fields = 6;

    memset(v, 0, sizeof(*v));
    v->data = data;
    v->len = len;
    f[0] = data;
    if (len >= 5 && memcmp(data, "zkp2\n", 5) == 0)
        fields = 7; /* zkp1 has no pages line */
    while (k < fields && i < len) {
        if (data[i] == '\n') {
            data[i] = '\0';
            f[++k] = data + i + 1;
        }
        i++;
    }
    if (k < fields || strcmp(f[0], fields == 7 ? "zkp2" : "zkp1") != 0)
        return zk__error(ZK_ECORRUPT, "a passage record is malformed");
    snprintf(v->rid, sizeof(v->rid), "%s", f[1]);
    v->ordinal = (unsigned)atoi(f[2]);
    v->line = (unsigned)atoi(f[3]);
    v->start = strtoull(f[4], NULL, 10);
    v->end = strtoull(f[5], NULL, 10);
    if (fields == 7) {
        char *dash = strchr(f[6], '-');
        v->page_start = (unsigned)strtoul(f[6], NULL, 10);
        v->page_end = dash ? (unsigned)strtoul(dash + 1, NULL, 10) : 0;
    }
    v->trail = f[fields];
    nl = memchr(f[fields], '\n', len - (size_t)(f[fields] - data));
    if (nl == NULL)
        return zk__error(ZK_ECORRUPT, "a passage record is malformed");
    *nl = '\0';
    v->trail_len = (size_t)(nl - f[fields]);
    v->text = nl + 1;
    v->text_len = len - (size_t)(v->text - data);
    return ZK_OK;
}
