/* index_impl.h - the writer's private structures and the functions its
 * files share.
 *
 * The writer is a family of files, one per concept:
 *
 *   index.c          the public API (zhiku/index.h) over the others
 *   index_records.c  what the index knows of each report: the in-memory
 *                    table of records and the record documents
 *   index_docs.c     a passage's and a report's Xapian documents
 *   index_process.c  one file, from its bytes to its documents
 *   index_walk.c     the folder walk: which files to index
 *   index_pool.c     the shard writer threads and their barrier
 *   index_commit.c   the commit protocol (shards, then the stub) and
 *                    recovery from an interrupted one
 *   index_shards.c   opening the index: lock, shards, schema metadata
 *   index_compact.c  compaction: copies of the shards switched in
 *
 * The schema the searcher shares (terms, metadata) is index_internal.h.
 * Functions here are zk__ix_*: internal, not exported (libzhiku is built
 * with hidden visibility). Unless said otherwise they return ZK_OK or a
 * ZK_E* code with the error set (zk__error()). */
#ifndef ZHIKU_INDEX_IMPL_H
#define ZHIKU_INDEX_IMPL_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zhiku/index.h"
#include "zhiku/normalize.h"
#include "zhiku/segment.h"
#include "index_internal.h"
#include "internal.h"
#include "report.h"
#include "store.h"
#include "stub.h"

/* ---- the index handle ---------------------------------------------------- */

/* What the index remembers about one report's file. */
typedef struct record {
    char *path;
    char id[17];
    uint64_t size;
    int64_t mtime_ns;
    unsigned char hash[16];
    int seen; /* met by this update, or removed (size then UINT64_MAX) */
} record;

/* The records of the index's reports, by id: an array, and open
 * addressing into it. */
typedef struct rec_map {
    record *v;
    size_t n, cap;
    size_t *slots; /* open addressing into v, SIZE_MAX empty */
    size_t n_slots;
} rec_map;

/* The writer's handle (zhiku/index.h). */
struct zk_index {
    char *path;
    zk__store *shards[ZK_MAX_SHARDS]; /* a report lives in one shard */
    unsigned n_shards;
    /* the stub as last written: the shards' folders, and the last commit
     * of the whole index (its spans are the documents that commit
     * replaced, deleted in the shards since, for the next commit) */
    zk__stub stub;
    /* per shard, the documents replaced or removed since the shard's last
     * commit, which the next commit hides (its shard's writer alone adds
     * here); those replaced before it, for the next stub; and the shard's
     * last document at its last commit */
    zk__hidden pend[ZK_MAX_SHARDS], done[ZK_MAX_SHARDS];
    uint32_t done_last[ZK_MAX_SHARDS];
    int broken;  /* a commit failed: the shards may differ from the stub */
    int lock_fd; /* zhiku's writer lock, or -1 */
    pthread_mutex_t rec_mu; /* guards recs while shard writers run */
    int rec_mu_init;
    zk_dict *dict;
    zk_seg *seg; /* for the caller's thread */
    char *userdicts;
    rec_map recs;
    int recs_loaded;
};

/* The shard holding report `id` (16 hex digits). */
static inline unsigned zk__ix_shard_of(const zk_index *ix, const char *id)
{
    return (unsigned)(strtoull(id + 8, NULL, 16) % ix->n_shards);
}

static inline zk__store *zk__ix_store_of(const zk_index *ix, const char *id)
{
    return ix->shards[zk__ix_shard_of(ix, id)];
}

/* ---- jobs and results ---------------------------------------------------- */

/* A file (or in-memory report) to index. */
typedef struct job {
    char *path; /* absolute */
    char id[17];
    uint64_t size;
    int64_t mtime_ns;
    int has_old;
    unsigned char old_hash[16];
    /* in-memory input (zk_index_add_report) */
    const zk_report_input *input;
} job;

/* Per-thread scratch for turning a report into Xapian documents. */
typedef struct builder {
    zk_seg *seg;
    zk_norm norm;
    size_t norm_cap;
    zk__xdoc *doc; /* the document being filled */
    const char *prefix;
    zk__buf term;
    int rc;
} builder;

/* Everything a worker produces for one file. */
typedef struct result {
    struct job *job;
    int status; /* ZK_FILE_* */
    int error;  /* when failed */
    char *message;
    const char *encoding;
    int format;      /* ZK_FORMAT_* read */
    zk__xdoc **docs; /* passages, when buffered (zk_index_add_report) */
    size_t n_docs;
    zk__xdoc *record;
    size_t n_passages; /* passages indexed, buffered or written */
    unsigned char hash[16];
    int touch_only; /* same content: refresh the record only */
    int write_rc;   /* writing it to its shard failed: the pending batch
                       holds part of it and must not be committed */
} result;

/* The files an update looks at. */
typedef struct job_list {
    job *v;
    size_t n, cap;
} job_list;

/* What an update gives the shard writers: each shard's jobs, in order,
 * and when to commit. */
typedef struct write_plan {
    const char *encoding; /* forced on every file, or NULL */
    uint64_t batch_max;   /* input bytes per shard between commits */
    job **todo[ZK_MAX_SHARDS];
    size_t n_todo[ZK_MAX_SHARDS];
} write_plan;

/* ---- small strings ------------------------------------------------------- */

/* Append C string s to b. */
static inline int zk__ix_buf_str(zk__buf *b, const char *s)
{
    return zk__buf_add(b, s, strlen(s));
}

/* A copy of s (NULL for NULL); NULL with the error set when out of
 * memory. */
static inline char *zk__ix_strdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s != NULL && d == NULL)
        zk__error_oom();
    return d;
}

/* ---- records (index_records.c) ------------------------------------------- */

/* The id of the report at `path` (its absolute path, or the name an
 * in-memory report was given): 16 hex digits of its hash. */
void zk__ix_report_id(const char *path, char out[17]);

/* The index of report `id` in m->v, or SIZE_MAX. The caller holds
 * ix->rec_mu if shard writers are running. */
size_t zk__ix_rec_find(const rec_map *m, const char *id);

/* Free the table (and its paths), leaving it empty. */
void zk__ix_recs_free(rec_map *m);

/* Read the records of every shard into ix->recs, once per handle. */
int zk__ix_load_records(zk_index *ix);

/* Hide report `id`'s passages and record at the next commit of its shard
 * (its shard's writer, or the caller's thread, only). */
int zk__ix_drop_id(zk_index *ix, const char *id);

/* zk__ix_drop_id() for a job's report when it was indexed before. */
int zk__ix_drop_old(zk_index *ix, const job *j);

/* Note the report of a written result in ix->recs (taking ix->rec_mu). */
int zk__ix_remember(zk_index *ix, const result *r);

/* Remove report `id` from the index (at the next commit), marking its
 * record handled. */
int zk__ix_remove_id(zk_index *ix, const char *id);

/* A touched but unchanged file (r->touch_only): rewrite its record
 * document with the new size and time, and update ix->recs. */
int zk__ix_refresh_record(zk_index *ix, result *r);

/* ---- documents (index_docs.c) -------------------------------------------- */

/* Build passage p of report rep (job j) into b->doc, its data encoded in
 * the scratch buffer `data`. On failure b->doc is NULL. */
int zk__ix_build_passage(builder *b, const job *j, const zk__report *rep,
                         const zk__passage *p, zk__buf *data);

/* Build the record document of report rep into b->doc: the file's fields
 * from j, res's hash, encoding and format, and what rep gives (nothing
 * when rep is NULL). On failure b->doc is NULL. */
int zk__ix_build_record(builder *b, const job *j, const zk__report *rep,
                        const result *res, zk__buf *data);

/* The metadata a report's record keeps: the caller's overrides of an
 * in-memory report (`in`, or NULL) applied, and each field cut to its
 * longest kept length. */
void zk__ix_prepare_metadata(zk__report *rep, const zk_report_input *in);

/* Free what a builder holds but its segmenter (the owner's). */
void zk__ix_builder_release(builder *b);

/* ---- one file (index_process.c) ------------------------------------------ */

/* Turn job j into a result (NULL when out of memory): the worker's whole
 * job, with builder b. With `ix` (a shard writer's thread, streaming) the
 * report is written to its shard as its documents are built; nothing is
 * written before the file has been read, decoded and parsed, and a failure
 * after that is a write failure (r->write_rc): the shard then holds part
 * of the report, uncommitted, and the run must end without committing.
 * Without `ix` (buffered) the documents are kept in the result for
 * zk__ix_apply(). A file that cannot be indexed is a result with status
 * ZK_FILE_FAILED, its error and message. */
result *zk__ix_process(builder *b, job *j, const char *force_encoding,
                       zk_index *ix);

/* Write a buffered result to its shard (nothing for a failed or
 * touch-only one), and note it in the records. */
int zk__ix_apply(zk_index *ix, result *r);

/* Free a result and the documents it holds; NULL is a no-op. */
void zk__ix_result_free(result *r);

/* ---- the folder walk (index_walk.c) -------------------------------------- */

/* List the indexable files under paths[0..n_paths) into jobs (appending),
 * each with its real path, id, size and time. Paths passed over or that
 * cannot be read are counted in stats and told to opts->progress as they
 * are found; *failed_paths counts the failed ones. Fails only when out of
 * memory. */
int zk__ix_find_files(job_list *jobs, const char *const *paths, size_t n_paths,
                      const zk_update_options *opts, zk_update_stats *stats,
                      size_t *failed_paths);

/* Free the jobs' paths and the list. */
void zk__ix_jobs_free(job_list *l);

/* ---- commits (index_commit.c) -------------------------------------------- */

/* Commit shard s, noting its state for the next stub. Called by the
 * shard's writer thread; a failure (its message naming the shard) is for
 * the caller to record: the handle is then broken. */
int zk__ix_commit_shard(zk_index *ix, unsigned s);

/* Write the stub naming every shard's state at its last commit, then
 * delete the documents it hides. A failure breaks the handle. */
int zk__ix_publish(zk_index *ix);

/* Commit the whole index: every shard, then the stub. */
int zk__ix_commit_all(zk_index *ix);

/* zk_index_commit(): zk__ix_commit_all(), and a second time when the
 * first hid documents, so that they are deleted too. */
int zk__ix_commit(zk_index *ix);

/* Make the shards hold what the stub says, after a writer that stopped
 * between a shard's commit and the stub's. Called on opening, with the
 * lock held. */
int zk__ix_recover(zk_index *ix);

/* ZK_EIO: the handle is broken by a failed commit. */
int zk__ix_refuse_broken(const zk_index *ix);

/* Raise error rc again with shard s's folder in front of its message
 * (`msg`, or NULL: the thread's last error), unless it names the index
 * already. Returns rc. */
int zk__ix_shard_error(const zk_index *ix, unsigned s, int rc, const char *msg);

/* ---- opening (index_shards.c) -------------------------------------------- */

/* Open every shard of ix->path for writing, holding the writer lock:
 * creating the folder and a new index if `create`, emptying the shards if
 * `rebuild`; then remove stray shard folders and recover from an
 * unfinished commit. */
int zk__ix_open_shards(zk_index *ix, int create, int rebuild);

/* Refuse an index whose schema, dictionary or normaliser differ from this
 * writer's (ZK_EVERSION; not when `fresh`: a new or rebuilt index), then
 * record this writer's in shard 0's metadata. */
int zk__ix_check_meta(zk_index *ix, int fresh);

/* Remove folder `dir` and the files in it, as far as it can (quietly). */
void zk__ix_remove_dir(const char *dir);

/* Remove the shard folders the stub does not list (the writer only). */
void zk__ix_remove_stray_shards(zk_index *ix);

/* ---- compaction (index_compact.c) ---------------------------------------- */

/* zk_index_compact(): commit, then switch the index to compacted copies
 * of its shards. A failure after the switch breaks the handle. */
int zk__ix_compact(zk_index *ix);

/* ---- the shard writers (index_pool.c) ------------------------------------ */

/* Run the shard writer threads (opts->threads, or one per processor; at
 * most one per shard) over the plan, counting and reporting each file on
 * the caller's thread. Returns the first write error (the handle is then
 * broken); *stopped is set if the callback asked to stop (the writers
 * then end after the file each is at, and the caller's commit keeps what
 * they wrote). */
int zk__ix_run_writers(zk_index *ix, const write_plan *plan,
                       const zk_update_options *opts, zk_update_stats *stats,
                       double t0, int *stopped);

#endif
