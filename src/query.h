/* query.h - parse zhiku's query language (internal; see
 * docs/query-syntax.md) */
#ifndef ZHIKU_QUERY_H
#define ZHIKU_QUERY_H

#include <stddef.h>

/* Fields an item can test. */
enum {
    ZK_QF_TEXT = 0, /* passage text or heading trail */
    ZK_QF_SECTION,  /* heading trail */
    ZK_QF_TITLE,    /* report title */
    ZK_QF_YEAR,     /* report year range */
    ZK_QF_PATH,     /* report path */
    ZK_QF_AUTHOR,
    ZK_QF_ORG,
    ZK_QF_KEYWORD,
    ZK_QF_DOCNO
};

typedef struct zk__qitem {
    int field;
    int negated;
    int quoted;
    char *raw;  /* as typed (without quotes) */
    char *norm; /* normalised (zk_normalize), NUL-terminated */
    size_t norm_len;
    size_t norm_chars;
    int year_lo, year_hi; /* ZK_QF_YEAR, inclusive */
    unsigned group;       /* items of one group are ORed; groups are ANDed */
} zk__qitem;

typedef struct zk__query {
    zk__qitem *items;
    size_t n;
    unsigned n_groups;
} zk__query;

#define ZK_QUERY_MAX_BYTES 65536 /* longer queries are refused */
#define ZK_QUERY_MAX_ITEMS 64    /* more terms are refused */

/* Parse `q`. ZK_EQUERY with a message naming the character position and
 * the problem; ZK_ENOMEM. */
int zk__query_parse(zk__query **out, const char *q);
void zk__query_free(zk__query *q);

#endif
