/* index.c - the writer's public API (zhiku/index.h): open, add, remove,
 * update, commit, compact and describe an index.
 *
 * A report becomes one Xapian document per passage plus one record
 * document (index_internal.h, docs/indexing.md), written to the shard its
 * id picks. An update walks the folders it is given (index_walk.c), keeps
 * the files whose size or time differ from their record (index_records.c),
 * and runs one writer thread per shard or group of shards (index_pool.c),
 * each taking its files from bytes to documents (index_process.c,
 * index_docs.c) and writing them; where the content hash is unchanged only
 * the record is refreshed. A report's old documents are hidden, not
 * deleted, until the commit that holds its new ones, and a commit of the
 * whole index is one stub naming a state of every shard
 * (index_commit.c), so that every commit holds each report complete or
 * not at all. The writers commit after each batch of input bytes, so a
 * crash loses at most the current batch. The functions here check their
 * arguments and call into those files (index_impl.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zhiku/index.h"
#include "index_impl.h"
#include "record.h"
#include "util.h"

/* Commit after this much input (per index; each shard gets its share).
 * Xapian keeps pending changes in std::maps whose every insert costs more
 * as they grow: small batches index faster and in less memory (measured:
 * 1 MiB per shard 1.18 MB/s and 86 MB peak, 8 MiB per shard 0.68 MB/s and
 * 316 MB), and Xapian's commit is cheap enough to pay often. */
#define DEFAULT_BATCH_BYTES (2u << 20)
/* zk_index_update() compacts after a run that wrote at least
 * 1/COMPACT_SHARE of the index's passages: the shards then hold as much
 * again in replaced or loosely packed blocks, and compaction makes them
 * about 40% smaller (docs/api.md). */
#define COMPACT_SHARE 5

/* ---- paths ------------------------------------------------------------ */

int zk_index_default_path(char *buf, size_t size)
{
    const char *env = getenv("ZHIKU_INDEX"), *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;

    if (buf == NULL || size == 0)
        return zk__error(ZK_EINVAL, "zk_index_default_path: no buffer");
    if (env != NULL && env[0] != '\0')
        n = snprintf(buf, size, "%s", env);
    else if (xdg != NULL && xdg[0] == '/')
        n = snprintf(buf, size, "%s/zhiku/index", xdg);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(buf, size, "%s/.local/share/zhiku/index", home);
    else
        return zk__error(ZK_EINVAL, "no index given and neither ZHIKU_INDEX "
                                    "nor HOME is set");
    if (n < 0 || (size_t)n >= size)
        return zk__error(ZK_EINVAL, "index path too long");
    return ZK_OK;
}

/* ---- open, free, commit ------------------------------------------------ */

int zk_index_open(zk_index **out, const char *path,
                  const zk_index_options *opts)
{
    static const zk_index_options defaults = ZK_INDEX_OPTIONS_INIT;
    zk_index *ix;
    zk__buf ud = {0};
    uint64_t docs = 0;
    size_t i;
    int rc;

    if (out == NULL || path == NULL)
        return zk__error(ZK_EINVAL, "zk_index_open: NULL argument");
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    if (opts->version != ZK_INDEX_OPTIONS_VERSION)
        return zk__error(ZK_EINVAL, "zk_index_options version %u unknown",
                         opts->version);
    ix = calloc(1, sizeof(*ix));
    if (ix == NULL)
        return zk__error_oom();
    ix->lock_fd = -1;
    ix->path = zk__ix_strdup(path);
    rc = ix->path ? ZK_OK : ZK_ENOMEM;
    if (rc == ZK_OK)
        rc = zk_dict_open(&ix->dict, opts->dict_path);
    for (i = 0; rc == ZK_OK && i < opts->n_userdicts; i++) {
        char real[PATH_MAX];
        rc = zk_dict_load_userdict(ix->dict, opts->userdicts[i]);
        if (rc == ZK_OK)
            rc = zk__ix_buf_str(&ud, realpath(opts->userdicts[i], real)
                                         ? real
                                         : opts->userdicts[i]);
        if (rc == ZK_OK && i + 1 < opts->n_userdicts)
            rc = zk__ix_buf_str(&ud, ";");
    }
    ix->userdicts = ud.p;
    if (rc == ZK_OK)
        rc = zk_seg_new(&ix->seg, ix->dict);
    if (rc == ZK_OK)
        rc = zk__ix_open_shards(ix, opts->create, opts->rebuild);
    for (i = 0; rc == ZK_OK && i < ix->n_shards; i++) {
        uint64_t n = 0;
        rc = zk__store_doccount(ix->shards[i], &n);
        docs += n;
    }
    if (rc == ZK_OK)
        rc = zk__ix_check_meta(ix, docs == 0 || opts->rebuild);
    if (rc == ZK_OK && (docs == 0 || opts->rebuild))
        rc = zk__ix_commit(ix); /* the metadata of a new index */
    if (rc != ZK_OK) {
        const zk_error *e = zk_error_last();
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", e ? e->message : zk_strerror(rc));
        zk_index_free(ix);
        zk__error(rc, "%s", msg);
        return rc;
    }
    *out = ix;
    return ZK_OK;
}

void zk_index_free(zk_index *ix)
{
    if (ix == NULL)
        return;
    {
        unsigned i;
        for (i = 0; i < ix->n_shards; i++)
            zk__store_free(ix->shards[i]);
    }
    if (ix->lock_fd >= 0)
        close(ix->lock_fd); /* releases the lock */
    if (ix->rec_mu_init)
        pthread_mutex_destroy(&ix->rec_mu);
    {
        unsigned i;
        for (i = 0; i < ZK_MAX_SHARDS; i++) {
            zk__hidden_free(&ix->pend[i]);
            zk__hidden_free(&ix->done[i]);
        }
    }
    zk__stub_free(&ix->stub);
    zk_seg_free(ix->seg);
    zk_dict_free(ix->dict);
    zk__ix_recs_free(&ix->recs);
    free(ix->userdicts);
    free(ix->path);
    free(ix);
}

int zk_index_commit(zk_index *ix)
{
    if (ix == NULL)
        return zk__error(ZK_EINVAL, "zk_index_commit: NULL index");
    return zk__ix_commit(ix);
}

int zk_index_compact(zk_index *ix)
{
    if (ix == NULL)
        return zk__error(ZK_EINVAL, "zk_index_compact: NULL index");
    return zk__ix_compact(ix);
}

/* ---- single reports --------------------------------------------------- */

static int add_one(zk_index *ix, job *j, const char *encoding,
                   size_t *n_passages)
{
    builder b;
    result *r;
    int rc;

    memset(&b, 0, sizeof(b));
    b.seg = ix->seg;
    rc = zk__ix_load_records(ix);
    if (rc != ZK_OK)
        return rc;
    j->has_old = zk__ix_rec_find(&ix->recs, j->id) != SIZE_MAX;
    r = zk__ix_process(&b, j, encoding, NULL);
    zk__ix_builder_release(&b);
    if (r == NULL)
        return zk__error_oom();
    if (r->status == ZK_FILE_FAILED) {
        rc = zk__error(r->error, "%s", r->message);
    } else {
        rc = zk__ix_apply(ix, r);
        if (n_passages != NULL)
            *n_passages = r->n_passages;
    }
    zk__ix_result_free(r);
    return rc;
}

int zk_index_add_report(zk_index *ix, const zk_report_input *in,
                        size_t *n_passages)
{
    job j;

    if (ix == NULL || in == NULL || in->path == NULL ||
        (in->text == NULL && in->len != 0))
        return zk__error(ZK_EINVAL, "zk_index_add_report: NULL argument");
    if (in->path[0] == '\0')
        return zk__error(ZK_EINVAL, "zk_index_add_report: empty path");
    if (in->version != ZK_REPORT_INPUT_VERSION)
        return zk__error(ZK_EINVAL, "zk_report_input version %u unknown",
                         in->version);
    memset(&j, 0, sizeof(j));
    j.path = (char *)in->path;
    zk__ix_report_id(in->path, j.id);
    j.size = in->len;
    j.mtime_ns = 0;
    j.input = in;
    return add_one(ix, &j, in->encoding, n_passages);
}

static int stat_job(job *j, const char *path)
{
    struct stat st;
    char real[PATH_MAX];

    if (realpath(path, real) == NULL || stat(real, &st) != 0)
        return zk__error(errno == ENOENT ? ZK_ENOTFOUND : ZK_EIO, "%s: %s",
                         path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return zk__error(ZK_EINVAL, "%s: not a regular file", path);
    j->path = zk__ix_strdup(real);
    if (j->path == NULL)
        return ZK_ENOMEM;
    zk__ix_report_id(real, j->id);
    j->size = (uint64_t)st.st_size;
    j->mtime_ns = zk__mtime_ns(&st);
    return ZK_OK;
}

int zk_index_add_file(zk_index *ix, const char *path, const char *encoding,
                      size_t *n_passages)
{
    job j;
    int rc;

    if (ix == NULL || path == NULL)
        return zk__error(ZK_EINVAL, "zk_index_add_file: NULL argument");
    memset(&j, 0, sizeof(j));
    rc = stat_job(&j, path);
    if (rc == ZK_OK)
        rc = add_one(ix, &j, encoding, n_passages);
    free(j.path);
    return rc;
}

/* The id under which `path` was indexed, if it was: files are known by
 * their real path, in-memory reports by the name they were given. */
static int find_report(zk_index *ix, const char *path, char id[17])
{
    char real[PATH_MAX], term[32];
    uint64_t n = 0;
    int rc;

    if (realpath(path, real) != NULL) {
        zk__ix_report_id(real, id);
        snprintf(term, sizeof(term), "%s%s", ZK_P_UNIQUE, id);
        rc = zk__store_termfreq(zk__ix_store_of(ix, id), term,
                                &ix->pend[zk__ix_shard_of(ix, id)], &n);
        if (rc != ZK_OK || n > 0)
            return rc != ZK_OK ? rc : ZK_OK;
    }
    zk__ix_report_id(path, id);
    snprintf(term, sizeof(term), "%s%s", ZK_P_UNIQUE, id);
    rc = zk__store_termfreq(zk__ix_store_of(ix, id), term,
                            &ix->pend[zk__ix_shard_of(ix, id)], &n);
    if (rc == ZK_OK && n == 0)
        rc = zk__error(ZK_ENOTFOUND, "%s: no such report in the index", path);
    return rc;
}

int zk_index_remove(zk_index *ix, const char *path)
{
    char id[17];
    int rc;

    if (ix == NULL || path == NULL)
        return zk__error(ZK_EINVAL, "zk_index_remove: NULL argument");
    rc = zk__ix_load_records(ix);
    if (rc == ZK_OK)
        rc = find_report(ix, path, id);
    return rc == ZK_OK ? zk__ix_remove_id(ix, id) : rc;
}

/* ---- batch update ----------------------------------------------------- */

/* The jobs that need work, sorted into the plan by shard: files with no
 * record, or whose size or time differ from their record's (which notes
 * the old content hash). Every record met is marked seen; the rest is
 * counted in st. */
static void plan_jobs(zk_index *ix, job_list *jobs, size_t failed_paths,
                      write_plan *plan, zk_update_stats *st)
{
    size_t i;
    unsigned s;

    st->files = jobs->n + failed_paths;
    st->done = failed_paths;
    for (i = 0; i < jobs->n; i++) {
        job *j = &jobs->v[i];
        size_t at = zk__ix_rec_find(&ix->recs, j->id);
        if (at != SIZE_MAX) {
            record *r = &ix->recs.v[at];
            if (r->seen) {
                st->files--; /* the same file named twice */
                continue;
            }
            r->seen = 1;
            if (r->size == j->size && r->mtime_ns == j->mtime_ns) {
                st->n_unchanged++;
                st->done++;
                continue;
            }
            j->has_old = 1;
            memcpy(j->old_hash, r->hash, 16);
        }
        s = zk__ix_shard_of(ix, j->id);
        plan->todo[s][plan->n_todo[s]++] = j;
        st->bytes_total += j->size;
    }
}

/* Room in the plan for all n_jobs in any one shard. */
static int plan_alloc(write_plan *plan, unsigned n_shards, size_t n_jobs)
{
    unsigned s;

    for (s = 0; s < n_shards; s++) {
        plan->todo[s] = malloc((n_jobs ? n_jobs : 1) * sizeof(job *));
        if (plan->todo[s] == NULL)
            return zk__error_oom();
    }
    return ZK_OK;
}

/* Remove the reports whose records no file of this run matched and whose
 * files are gone, telling the callback of each. */
static int prune_gone(zk_index *ix, const zk_update_options *opts,
                      zk_update_stats *st, double t0)
{
    size_t i;
    int rc = ZK_OK;

    for (i = 0; rc == ZK_OK && i < ix->recs.n; i++) {
        record *r = &ix->recs.v[i];
        struct stat sb;
        if (r->seen || r->size == UINT64_MAX || stat(r->path, &sb) == 0 ||
            errno != ENOENT)
            continue;
        rc = zk__ix_remove_id(ix, r->id);
        if (rc == ZK_OK) {
            zk_file_event ev;
            memset(&ev, 0, sizeof(ev));
            ev.path = r->path;
            ev.status = ZK_FILE_REMOVED;
            st->n_removed++;
            st->seconds = zk__now_seconds() - t0;
            if (opts->progress)
                opts->progress(&ev, st, opts->payload);
        }
    }
    return rc;
}

/* Compact after a run that wrote a large part of the index (or always,
 * when opts->compact > 0). */
static int compact_if_worth(zk_index *ix, const zk_update_options *opts,
                            const zk_update_stats *st)
{
    uint64_t total = 0, n = 0;
    unsigned s;
    int rc = ZK_OK;

    for (s = 0; rc == ZK_OK && s < ix->n_shards; s++) {
        rc = zk__store_termfreq(ix->shards[s], ZK_T_PASSAGE, NULL, &n);
        total += n;
    }
    if (rc == ZK_OK &&
        (opts->compact > 0 ||
         (st->passages > 0 && st->passages * COMPACT_SHARE >= total)))
        rc = zk__ix_compact(ix);
    return rc;
}

/* The update once the files are found: plan, write, prune, commit,
 * compact. */
static int update_files(zk_index *ix, job_list *jobs, size_t failed_paths,
                        write_plan *plan, const zk_update_options *opts,
                        zk_update_stats *st, double t0)
{
    int rc = ZK_OK, stopped = 0;

    plan_jobs(ix, jobs, failed_paths, plan, st);
    if (opts->progress != NULL && opts->progress(NULL, st, opts->payload))
        stopped = 1;
    if (!stopped && st->done < st->files)
        rc = zk__ix_run_writers(ix, plan, opts, st, t0, &stopped);
    if (rc == ZK_OK && !stopped && opts->prune)
        rc = prune_gone(ix, opts, st, t0);
    if (rc == ZK_OK)
        rc = zk__ix_commit(ix);
    if (rc == ZK_OK && !stopped && opts->compact >= 0)
        rc = compact_if_worth(ix, opts, st);
    if (rc == ZK_OK && stopped)
        rc = zk__error(ZK_EUSER, "indexing stopped by the callback");
    return rc;
}

int zk_index_update(zk_index *ix, const char *const *paths, size_t n_paths,
                    const zk_update_options *opts, zk_update_stats *stats)
{
    static const zk_update_options defaults = ZK_UPDATE_OPTIONS_INIT;
    zk_update_stats st;
    job_list jobs = {0};
    write_plan plan;
    size_t failed_paths = 0, i;
    unsigned s;
    double t0 = zk__now_seconds();
    int rc;

    if (ix == NULL || (paths == NULL && n_paths != 0))
        return zk__error(ZK_EINVAL, "zk_index_update: NULL argument");
    if (opts == NULL)
        opts = &defaults;
    if (opts->version != ZK_UPDATE_OPTIONS_VERSION)
        return zk__error(ZK_EINVAL, "zk_update_options version %u unknown",
                         opts->version);
    if (ix->broken)
        return zk__ix_refuse_broken(ix);
    memset(&st, 0, sizeof(st));
    memset(&plan, 0, sizeof(plan));
    plan.encoding = opts->encoding;
    plan.batch_max =
        (opts->batch_bytes ? opts->batch_bytes : DEFAULT_BATCH_BYTES) /
        ix->n_shards;
    rc = zk__ix_load_records(ix);
    if (rc != ZK_OK)
        return rc;
    for (i = 0; i < ix->recs.n; i++)
        ix->recs.v[i].seen = 0;
    rc = zk__ix_find_files(&jobs, paths, n_paths, opts, &st, &failed_paths);
    if (rc == ZK_OK)
        rc = plan_alloc(&plan, ix->n_shards, jobs.n);
    if (rc == ZK_OK)
        rc = update_files(ix, &jobs, failed_paths, &plan, opts, &st, t0);
    st.seconds = zk__now_seconds() - t0;
    if (stats != NULL)
        *stats = st;
    zk__ix_jobs_free(&jobs);
    for (s = 0; s < ZK_MAX_SHARDS; s++)
        free(plan.todo[s]);
    return rc;
}

/* ---- info ------------------------------------------------------------- */

static int sum_sizes(const char *data, size_t len, void *payload)
{
    uint64_t *sum = payload;
    char *size = zk__record_field(data, len, "size");

    if (size != NULL)
        *sum += strtoull(size, NULL, 10);
    free(size);
    return 0;
}

int zk_index_info_get(zk_index_info *out, zk_index *ix)
{
    unsigned i;
    int rc;

    if (out == NULL || ix == NULL)
        return zk__error(ZK_EINVAL, "zk_index_info_get: NULL argument");
    memset(out, 0, sizeof(*out));
    rc = ZK_OK;
    for (i = 0; rc == ZK_OK && i < ix->n_shards; i++) {
        char dir[PATH_MAX];
        uint64_t n = 0;
        rc = zk__store_termfreq(ix->shards[i], ZK_T_RECORD, &ix->pend[i], &n);
        out->reports += n;
        if (rc == ZK_OK)
            rc = zk__store_termfreq(ix->shards[i], ZK_T_PASSAGE, &ix->pend[i],
                                    &n);
        out->passages += n;
        if (rc == ZK_OK)
            rc = zk__store_each(ix->shards[i], ZK_T_RECORD, &ix->pend[i],
                                sum_sizes, &out->text_bytes);
        snprintf(dir, sizeof(dir), "%s/%s", ix->path, ix->stub.names[i]);
        if (rc == ZK_OK)
            rc = zk__store_size(dir, &n);
        out->disk_bytes += n;
    }
    out->schema = ZK_SCHEMA_VERSION;
    snprintf(out->dict_hash, sizeof(out->dict_hash), "%s",
             zk_dict_hash(ix->dict));
    return rc;
}
