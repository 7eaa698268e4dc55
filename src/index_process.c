/* index_process.c - one file (or in-memory report), from its bytes to its
 * Xapian documents.
 *
 * zk__ix_process() runs the phases in turn: read the bytes (or take the
 * caller's), hash them and stop if the content is that of the last run,
 * decode and parse them into a report (read.h), then build the documents
 * (index_docs.c). The last phase has two modes. Streaming, on a shard
 * writer's thread, each document is written to the report's shard as soon
 * as it is built, so that a huge file never holds all its documents in
 * memory at once (a document costs about 60 KB before Xapian packs it).
 * Buffered, for a single report added through the API, the documents are
 * kept in the result, and zk__ix_apply() writes them. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "index_impl.h"
#include "read.h"

void zk__ix_result_free(result *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->n_docs; i++)
        zk__xdoc_free(r->docs[i]);
    free(r->docs);
    zk__xdoc_free(r->record);
    free(r->message);
    free(r);
}

/* The bytes to index: the file's, read into *raw (its size and time, in
 * j, are then those of the version read, which may be newer than the one
 * listed), or those of the job's in-memory input (*raw stays NULL). */
static int read_input(job *j, char **raw, size_t *len)
{
    int64_t mtime_ns = 0;
    int rc;

    if (j->input != NULL) {
        *len = j->input->len;
        return ZK_OK;
    }
    rc = zk__read_file(j->path, raw, len, &mtime_ns);
    if (rc == ZK_OK) {
        j->size = *len;
        j->mtime_ns = mtime_ns;
    }
    return rc;
}

static const char *input_bytes(const job *j, const char *raw)
{
    return j->input ? j->input->text : raw;
}

/* The content hash of the bytes, into r->hash; then whether the file is
 * only touched: indexed before with the same content. */
static int same_content(result *r, const job *j, const char *bytes, size_t len)
{
    XXH128_hash_t h = XXH3_128bits(bytes, len);

    memcpy(r->hash, &h.high64, 8);
    memcpy(r->hash + 8, &h.low64, 8);
    return j->has_old && memcmp(r->hash, j->old_hash, 16) == 0 &&
           j->input == NULL;
}

/* Decode and parse the bytes into *rep (with the format and encoding
 * found in r), its metadata as the record keeps it. */
static int parse(zk__report **rep, result *r, const job *j, const char *bytes,
                 size_t len, const char *force_encoding)
{
    const char *enc = force_encoding;
    int rc, format = ZK_FORMAT_AUTO;

    if (j->input != NULL) {
        enc = j->input->encoding;
        format = j->input->format;
    }
    rc = zk__read_report(rep, &r->format, &r->encoding, bytes, len, format, enc,
                         j->path);
    if (rc == ZK_OK)
        zk__ix_prepare_metadata(*rep, j->input);
    return rc;
}

/* Streaming: hide the report's old version, then write each passage's
 * document and the record's to its shard as they are built, and note the
 * report in the records. Any failure is a write failure. */
static int stream_report(builder *b, zk_index *ix, result *r,
                         const zk__report *rep, zk__buf *data)
{
    const job *j = r->job;
    zk__store *st = zk__ix_store_of(ix, j->id);
    size_t i;
    int rc = zk__ix_drop_old(ix, j);

    for (i = 0; rc == ZK_OK && i < rep->n_passages; i++) {
        rc = zk__ix_build_passage(b, j, rep, &rep->passages[i], data);
        if (rc == ZK_OK)
            rc = zk__store_add(st, b->doc); /* consumes the document */
        b->doc = NULL;
        if (rc == ZK_OK)
            r->n_passages++;
    }
    if (rc == ZK_OK)
        rc = zk__ix_build_record(b, j, rep, r, data);
    if (rc == ZK_OK) {
        rc = zk__store_add(st, b->doc);
        b->doc = NULL;
        if (rc == ZK_OK)
            rc = zk__ix_remember(ix, r);
    }
    return rc;
}

/* Buffered: build every document into the result (r->docs, r->record). */
static int buffer_report(builder *b, result *r, const zk__report *rep,
                         zk__buf *data)
{
    const job *j = r->job;
    size_t i;
    int rc = ZK_OK;

    r->docs = calloc(rep->n_passages ? rep->n_passages : 1, sizeof(*r->docs));
    if (r->docs == NULL)
        return zk__error_oom();
    for (i = 0; rc == ZK_OK && i < rep->n_passages; i++) {
        rc = zk__ix_build_passage(b, j, rep, &rep->passages[i], data);
        if (rc == ZK_OK) {
            r->docs[r->n_docs++] = b->doc;
            r->n_passages++;
        }
        b->doc = NULL;
    }
    if (rc == ZK_OK)
        rc = zk__ix_build_record(b, j, rep, r, data);
    if (rc == ZK_OK) {
        r->record = b->doc;
        b->doc = NULL;
    }
    return rc;
}

/* Mark r failed with code rc and the thread's last error message, and drop
 * what it holds. */
static void fail_result(result *r, int rc)
{
    size_t i;

    r->status = ZK_FILE_FAILED;
    r->error = rc;
    r->message = zk__ix_strdup(zk_error_last() ? zk_error_last()->message
                                               : zk_strerror(rc));
    for (i = 0; i < r->n_docs; i++)
        zk__xdoc_free(r->docs[i]);
    r->n_docs = 0;
    r->n_passages = 0;
}

result *zk__ix_process(builder *b, job *j, const char *force_encoding,
                       zk_index *ix)
{
    result *r = calloc(1, sizeof(*r));
    char *raw = NULL;
    size_t len = 0;
    zk__report *rep = NULL;
    zk__buf data = {0};
    int rc;

    if (r == NULL)
        return NULL;
    r->job = j;
    rc = read_input(j, &raw, &len);
    if (rc == ZK_OK && same_content(r, j, input_bytes(j, raw), len)) {
        /* touched but not changed: refresh the record's size and time */
        r->touch_only = 1;
        r->status = ZK_FILE_UNCHANGED;
        free(raw);
        return r;
    }
    if (rc == ZK_OK)
        rc = parse(&rep, r, j, input_bytes(j, raw), len, force_encoding);
    free(raw);
    /* nothing is written before the file has been read and parsed */
    if (rc == ZK_OK && ix != NULL) {
        rc = stream_report(b, ix, r, rep, &data);
        r->write_rc = rc;
    } else if (rc == ZK_OK) {
        rc = buffer_report(b, r, rep, &data);
    }
    if (rc == ZK_OK)
        r->status = j->has_old ? ZK_FILE_UPDATED : ZK_FILE_NEW;
    else
        fail_result(r, rc);
    zk__report_free(rep);
    free(data.p);
    return r;
}

/* Write a report that zk__ix_process() buffered to its shard. */
int zk__ix_apply(zk_index *ix, result *r)
{
    zk__store *st = zk__ix_store_of(ix, r->job->id);
    size_t i;
    int rc;

    if (r->status == ZK_FILE_FAILED || r->touch_only)
        return ZK_OK;
    rc = zk__ix_drop_old(ix, r->job);
    for (i = 0; rc == ZK_OK && i < r->n_docs; i++) {
        rc = zk__store_add(st, r->docs[i]);
        r->docs[i] = NULL;
    }
    for (; i < r->n_docs; i++) {
        zk__xdoc_free(r->docs[i]);
        r->docs[i] = NULL;
    }
    if (rc == ZK_OK) {
        rc = zk__store_add(st, r->record);
        r->record = NULL;
    }
    return rc == ZK_OK ? zk__ix_remember(ix, r) : rc;
}
