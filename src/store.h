/* store.h - the internal C interface to Xapian. store_xapian.cc is the only
 * C++ translation unit; no Xapian type or exception crosses this header. */
#ifndef ZHIKU_STORE_H
#define ZHIKU_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "index_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what a commit of the whole index holds ----
 *
 * Xapian commits each shard on its own. The index commits when the stub
 * names, for every shard, the last document the commit holds (`last`) and
 * the documents it no longer holds but that are still to be deleted
 * (`v`: reports replaced or removed); readers hide all others. A shard
 * that committed while another failed therefore changes nothing a reader
 * sees. */
#define ZK__NO_LAST UINT32_MAX /* an index from before: nothing hidden */

typedef struct zk__span {
    unsigned shard;
    uint32_t from, to; /* docids in the shard, inclusive */
} zk__span;

typedef struct zk__hidden {
    uint32_t last[ZK_MAX_SHARDS];
    zk__span *v;
    size_t n, cap;
} zk__hidden;

/* Hide `from`..`to` of `shard` too (joined to the last span when they
 * touch). */
int zk__hidden_add(zk__hidden *h, unsigned shard, uint32_t from, uint32_t to);
void zk__hidden_clear(zk__hidden *h); /* the spans; `last` is kept */
void zk__hidden_free(zk__hidden *h);

/* A writable index (one per process: Xapian's write lock). */
typedef struct zk__store zk__store;
/* A Xapian document being built; may be built on any thread. */
typedef struct zk__xdoc zk__xdoc;

/* ---- documents (thread-safe: each xdoc is independent) ---- */

int zk__xdoc_new(zk__xdoc **out);
void zk__xdoc_free(zk__xdoc *d);
/* A term at a position (1-based) with wdf 1. */
int zk__xdoc_posting(zk__xdoc *d, const char *term, size_t len, uint32_t pos);
/* A term without position, adding `wdf` to its count. */
int zk__xdoc_term(zk__xdoc *d, const char *term, size_t len, uint32_t wdf);
/* A filter term: wdf 0, so it does not count in the document length. */
int zk__xdoc_boolean(zk__xdoc *d, const char *term, size_t len);
int zk__xdoc_data(zk__xdoc *d, const char *data, size_t len);

/* ---- the writable index ---- */

/* Open the index directory for writing: `create` 0 opens an existing
 * index, 1 creates it if missing, 2 empties it (or creates it).
 * ZK_ELOCKED if another writer holds it, ZK_ENOTFOUND if absent and not
 * `create`, ZK_ECORRUPT, ZK_EIO. */
int zk__store_open(zk__store **out, const char *path, int create);
/* Close, discarding changes since the last commit. NULL allowed. */
void zk__store_free(zk__store *s);
/* Number of documents (passages and report records). */
int zk__store_doccount(zk__store *s, uint64_t *out);
/* Metadata: *out is malloc'ed (NUL-terminated), NULL if the key is unset. */
int zk__store_get_meta(zk__store *s, const char *key, char **out);
int zk__store_set_meta(zk__store *s, const char *key, const char *value);
/* Add a document (consumes `d` whatever the result). */
int zk__store_add(zk__store *s, zk__xdoc *d);
/* Replace the newest document indexed by the unique term (older ones are
 * replaced versions the next commit hides), or add it
 * (consumes `d`). */
int zk__store_replace(zk__store *s, const char *uniq, zk__xdoc *d);
/* Delete the documents from docid `from` to `to` (inclusive; those that
 * exist). */
int zk__store_delete_span(zk__store *s, uint32_t from, uint32_t to);
/* Add the docids indexed by `term` to `h` as spans of `shard`. */
int zk__store_hide_term(zk__store *s, const char *term, zk__hidden *h,
                        unsigned shard);
/* The highest docid used so far (uncommitted documents included). */
int zk__store_lastdocid(zk__store *s, uint32_t *out);
/* Make all changes durable atomically: a crash before this returns leaves
 * the index at the previous commit. */
int zk__store_commit(zk__store *s);
/* Call `cb(data, len, payload)` for the data of every document indexed
 * by `term` (e.g. all report records), but those in the spans of `skip`
 * (NULL: none; documents the next commit hides). Stops if `cb` returns
 * non-zero. */
int zk__store_each(zk__store *s, const char *term, const zk__hidden *skip,
                   int (*cb)(const char *data, size_t len, void *payload),
                   void *payload);
/* Number of documents indexed by `term`, but those in the spans of `skip`
 * (NULL: none). */
int zk__store_termfreq(zk__store *s, const char *term, const zk__hidden *skip,
                       uint64_t *out);
/* Write a compacted copy of the last commit into the new folder `dir`,
 * keeping the docids. */
int zk__store_compact(zk__store *s, const char *dir);
/* Disk usage of the index directory's files, in bytes. */
int zk__store_size(const char *path, uint64_t *out);

/* ---- the read side -------------------------------------------------- */

/* An internal code: the revision being read was overwritten by a writer;
 * reopen (zk__reader_reopen) and retry. Never returned to library users. */
#define ZK__EMODIFIED (-100)

/* A read-only view of an index directory (all its shards). */
typedef struct zk__reader zk__reader;

/* A posting list: ascending docids, with wdf when asked for. */
typedef struct zk__plist {
    uint32_t *ids;
    uint32_t *wdf;
    size_t n, cap;
} zk__plist;

void zk__plist_free(zk__plist *p);

int zk__reader_open(zk__reader **out, const char *path);
/* From now on, pretend the documents `h` names do not exist: posting
 * lists, term frequencies and statistics leave them out. */
int zk__reader_hide(zk__reader *r, const zk__hidden *h);
void zk__reader_free(zk__reader *r);
/* Move to the latest committed revision: 1 if it moved, 0 if it was
 * already there, or an error code. */
int zk__reader_reopen(zk__reader *r);
/* Metadata of the first shard; *out malloc'ed, NULL if unset. */
int zk__reader_meta(zk__reader *r, const char *key, char **out);
int zk__reader_stats(zk__reader *r, uint64_t *doccount, double *avlength,
                     unsigned *n_shards);
int zk__reader_termfreq(zk__reader *r, const char *term, size_t len,
                        uint64_t *out);
/* The whole posting list of `term` (replacing out's contents), with each
 * posting's wdf when want_wdf is not 0. */
int zk__reader_postlist(zk__reader *r, const char *term, size_t len,
                        int want_wdf, zk__plist *out);
/* For each of the ascending docids `ids` whose len[i] is 0, the
 * document's length (left 0 if there is no such document); entries
 * already set are kept. One pass over the index's document lengths, where
 * looking them up term by term would repeat it for every term. */
int zk__reader_doclens(zk__reader *r, const uint32_t *ids, size_t n,
                       uint32_t *len);
/* For each of the ascending docids `ids`, skipping through the posting
 * list of `term`: whether the term indexes it (has[i] 1 or 0) and with
 * what wdf (wdf[i], 0 where absent; a filter term has wdf 0 too). Either
 * array may be NULL. */
int zk__reader_has(zk__reader *r, const char *term, size_t len,
                   const uint32_t *ids, size_t n, unsigned char *has,
                   uint32_t *wdf);
/* A document's data; *out malloc'ed. ZK_ENOTFOUND if there is none. */
int zk__reader_data(zk__reader *r, uint32_t id, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
