/* record.h - the data of an index's documents: a report's record ("zkr1")
 * and a passage's ("zkp2"; "zkp1" is still read). The writer encodes them
 * and the searcher decodes them here, and nowhere else (tests/index/
 * inspect.py and bench/index_peers.py read them too, for tests and
 * benchmarks).
 *
 * A report record is "zkr1\n" then lines "key=value\n", with \n and \\ in a
 * value escaped as "\n" and "\\" (and \r dropped): id, path, folder, size,
 * mtime_ns, hash, encoding, format, passages, then what the report gives
 * of title, date, year, author, org, keywords, abstract, docno.
 *
 * A passage record is "zkp2", the report id, ordinal, line, source byte
 * range start and end, pages "S-E" (0-0: none), the heading trail, and the
 * text, one per line but the text, which runs to the end. */
#ifndef ZHIKU_RECORD_H
#define ZHIKU_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define ZK_RECORD_MAGIC "zkr1\n"

/* Append "key=value\n" to b, escaped; nothing when val is NULL. */
int zk__record_add(zk__buf *b, const char *key, const char *val);

/* The value of `key` in a report record's data, malloc'ed and unescaped;
 * NULL if absent or out of memory. */
char *zk__record_field(const char *data, size_t len, const char *key);

/* Append to out a copy of record data[0..len) with its size and mtime_ns
 * replaced. */
int zk__record_patch(zk__buf *out, const char *data, size_t len, uint64_t size,
                     int64_t mtime_ns);

/* A passage record's fields. Decoding splits the data in place: trail and
 * text point into it. */
typedef struct zk__passage_rec {
    char rid[17]; /* the report's id */
    unsigned ordinal, line;
    size_t start, end; /* source bytes */
    unsigned page_start, page_end;
    const char *trail, *text;
    size_t trail_len, text_len;
    /* when decoded: the data the fields point into */
    char *data;
    size_t len;
} zk__passage_rec;

/* Append passage record p to out (p->data, p->len unused); `cut` adds an
 * ellipsis to the trail, which was cut short. */
int zk__passage_encode(zk__buf *out, const zk__passage_rec *p, int cut);

/* Decode passage record data[0..len) into v (ZK_ECORRUPT when it is not
 * one). */
int zk__passage_decode(char *data, size_t len, zk__passage_rec *v);

#endif
