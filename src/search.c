/* search.c - the searcher: opening an index, and keeping up with the
 * writer's commits.
 *
 * A searcher reads the shards the index's stub file lists, hiding the
 * documents its last commit does not hold. A writer commits by replacing
 * the stub, and a compaction replaces the shards too: each query first
 * catches up (zk__sr_latest()), and a read that loses its revision to a
 * later commit (Xapian's DatabaseModifiedError) reads the new one and tries
 * again (zk__sr_reread()). Opening checks that queries will be normalised
 * and segmented exactly as the index's text was.
 *
 * The query itself runs in search_query.c; search_impl.h lists the files
 * of its stages. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "search_impl.h"
#include "search_plan.h"
#include "stub.h"

/* The path of the stub file of the index at `dir`, into buf. */
static void stub_path(char *buf, size_t size, const char *dir)
{
    snprintf(buf, size, "%s/%s", dir, ZK_STUB_NAME);
}

/* The message of the thread's last error (`fallback` when none) copied
 * into buf, so that it survives the next error set. */
static const char *last_message(char *buf, size_t size, const char *fallback)
{
    const zk_error *e = zk_error_last();

    snprintf(buf, size, "%s", e ? e->message : fallback);
    return buf;
}

static int check_index(zk_searcher *s)
{
    char *schema = NULL, *dict = NULL, *user = NULL, *norm = NULL;
    char now[ZK_NORMALIZE_ID_MAX];
    int rc = zk__reader_meta(s->rd, ZK_META_SCHEMA, &schema);

    if (rc == ZK_OK)
        rc = zk__reader_meta(s->rd, ZK_META_DICT, &dict);
    if (rc == ZK_OK)
        rc = zk__reader_meta(s->rd, ZK_META_USERDICTS, &user);
    if (rc == ZK_OK)
        rc = zk__reader_meta(s->rd, ZK_META_NORMALIZE, &norm);
    if (rc != ZK_OK)
        goto done;
    if (schema == NULL || atoi(schema) != ZK_SCHEMA_VERSION) {
        rc = zk__error(ZK_EVERSION,
                       "%s: index schema %s, this zhiku reads schema %d: "
                       "rebuild it with 'zhiku-index --rebuild -i %s "
                       "FOLDER...'",
                       s->path, schema ? schema : "(none)", ZK_SCHEMA_VERSION,
                       s->path);
        goto done;
    }
    /* normalise queries exactly as the index's text was */
    if (!zk__normalize_same(norm)) {
        zk__normalize_id(now, sizeof(now));
        rc = zk__error(ZK_EVERSION,
                       "%s: the index was built with the normaliser '%s', "
                       "this zhiku's is '%s' (utf8proc was upgraded?): "
                       "rebuild the index with 'zhiku-index --rebuild -i %s "
                       "FOLDER...'",
                       s->path, norm, now, s->path);
        goto done;
    }
    /* segment queries exactly as the index was built */
    if (user != NULL && user[0] != '\0') {
        char *p = user;
        while (rc == ZK_OK && p != NULL && *p) {
            char *semi = strchr(p, ';');
            if (semi)
                *semi = '\0';
            rc = zk_dict_load_userdict(s->dict, p);
            if (rc != ZK_OK) {
                char msg[512];
                rc = zk__error(ZK_EVERSION,
                               "%s: the index was built with the user "
                               "dictionary %s, which cannot be read now (%s)",
                               s->path, p, last_message(msg, sizeof(msg), ""));
            }
            p = semi ? semi + 1 : NULL;
        }
    }
    if (rc == ZK_OK && dict != NULL && strcmp(dict, zk_dict_hash(s->dict)))
        rc = zk__error(ZK_EVERSION,
                       "%s: the index was built with dictionary %s, but the "
                       "dictionary and user dictionaries here give %s (a "
                       "user dictionary changed?): rebuild the index with "
                       "'zhiku-index --rebuild -i %s ...'",
                       s->path, dict, zk_dict_hash(s->dict), s->path);
done:
    free(schema);
    free(dict);
    free(user);
    free(norm);
    return rc;
}

static int refresh_stats(zk_searcher *s)
{
    uint64_t docs;
    int rc = zk__reader_stats(s->rd, &docs, &s->avlength, &s->n_shards);

    if (rc == ZK_OK)
        rc = zk__reader_termfreq(s->rd, ZK_T_PASSAGE, 2, &s->n_passages);
    if (s->n_shards == 0 || s->n_shards > ZK_MAX_SHARDS)
        return zk__error(ZK_ECORRUPT, "%s: %u shards", s->path, s->n_shards);
    return rc;
}

/* The same stub file as when `a` was taken: a compaction replaces it by a
 * rename, so a new inode or time means new shards. */
static int same_stub(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Open the shards the stub lists, hiding the documents the index's last
 * commit does not hold. A writer commits (or compacts) by replacing the
 * stub: if that happens between our reading it and opening the shards,
 * the shards may hold a later state than the stub we read (or be gone),
 * so read it again. */
static int open_reader(zk_searcher *s, zk__reader **rd, struct stat *st)
{
    char stub[PATH_MAX];
    zk__stub sb;
    int attempt, rc = ZK_OK;

    memset(&sb, 0, sizeof(sb));
    stub_path(stub, sizeof(stub), s->path);
    for (attempt = 0; attempt < ZK_STUB_ATTEMPTS; attempt++) {
        struct stat after;
        if (stat(stub, st) != 0) {
            rc = zk__error(ZK_ENOTFOUND, "%s: %s", stub, strerror(errno));
            break;
        }
        rc = zk__stub_read(s->path, &sb);
        if (rc == ZK_OK)
            rc = zk__reader_open(rd, s->path);
        if (rc == ZK_OK)
            rc = zk__reader_hide(*rd, &sb.hid);
        if (stat(stub, &after) == 0 && same_stub(&after, st))
            break; /* opened (or failed) with the stub unchanged */
        /* switched under us: read it again */
        zk__reader_free(*rd);
        *rd = NULL;
    }
    if (rc != ZK_OK) {
        zk__reader_free(*rd);
        *rd = NULL;
    }
    zk__stub_free(&sb);
    return rc;
}

int zk__sr_kept_changing(void)
{
    char why[512];

    return zk__error(ZK_EIO, "the index kept changing under the query: %s",
                     last_message(why, sizeof(why), ""));
}

void zk__sr_pause_before_retry(int attempt)
{
    struct timespec ts;
    long ms;

    if (attempt < ZK_RETRY_WAIT_FROM)
        return;
    ms = 1L << (attempt - ZK_RETRY_WAIT_FROM < ZK_RETRY_WAIT_DOUBLINGS
                    ? attempt - ZK_RETRY_WAIT_FROM
                    : ZK_RETRY_WAIT_DOUBLINGS);
    ts.tv_sec = 0;
    ts.tv_nsec = ms * 1000000L;
    nanosleep(&ts, NULL);
}

/* A writer replaced the stub since `s` opened the shards (a commit, or a
 * compaction that replaced the shards): open what the new one says. */
static int follow_stub(zk_searcher *s)
{
    char stub[PATH_MAX];
    struct stat st;
    zk__reader *rd = NULL;
    int rc;

    stub_path(stub, sizeof(stub), s->path);
    if (stat(stub, &st) != 0 || same_stub(&st, &s->stub))
        return ZK_OK;
    rc = open_reader(s, &rd, &st);
    if (rc != ZK_OK)
        return rc;
    zk__reader_free(s->rd);
    s->rd = rd;
    s->stub = st;
    zk__sr_drop_records(s);
    return refresh_stats(s);
}

/* Move to the latest commit: 1 if what is read changed, 0 if not, or an
 * error. A compaction removes the shards it replaced, so when reopening
 * them fails because the stub has switched, read the new shards. */
static int reopen_reader(zk_searcher *s)
{
    zk__reader *before = s->rd;
    int frc = follow_stub(s), rc;

    if (frc != ZK_OK)
        return frc;
    if (s->rd != before)
        return 1;
    rc = zk__reader_reopen(s->rd);
    /* a commit replaces the stub after its shards': if it did while we
     * reopened them, what they now hold may be later than the stub we
     * read, so read both again */
    frc = follow_stub(s);
    if (frc != ZK_OK)
        return frc;
    return s->rd != before ? 1 : rc;
}

int zk__sr_latest(zk_searcher *s)
{
    int rc = follow_stub(s);

    if (rc == ZK_OK) {
        rc = reopen_reader(s);
        if (rc > 0) {
            zk__sr_drop_records(s);
            rc = refresh_stats(s);
        }
    }
    return rc;
}

int zk__sr_reread(zk_searcher *s)
{
    int rc;

    zk__sr_drop_records(s);
    rc = reopen_reader(s);
    if (rc >= 0)
        rc = refresh_stats(s);
    return rc;
}

/* Bytes of the files in the shard directories the stub lists. A
 * compaction may switch the stub and remove the shards it listed while we
 * count them: then count the new ones. */
static int shards_size(const zk_searcher *s, uint64_t *out)
{
    char stub[PATH_MAX];
    zk__stub sb;
    int attempt, rc = ZK_OK;

    memset(&sb, 0, sizeof(sb));
    stub_path(stub, sizeof(stub), s->path);
    for (attempt = 0; attempt < ZK_SIZE_ATTEMPTS; attempt++) {
        struct stat was, now;
        unsigned i;
        *out = 0;
        if (stat(stub, &was) != 0)
            return zk__error(ZK_EIO, "%s: %s", stub, strerror(errno));
        rc = zk__stub_read(s->path, &sb);
        for (i = 0; rc == ZK_OK && i < sb.n; i++) {
            char dir[PATH_MAX];
            uint64_t n = 0;
            snprintf(dir, sizeof(dir), "%s/%s", s->path, sb.names[i]);
            rc = zk__store_size(dir, &n);
            *out += n;
        }
        if (rc == ZK_OK || stat(stub, &now) != 0 || same_stub(&now, &was))
            break; /* counted, or failed with the stub unchanged */
    }
    zk__stub_free(&sb);
    return rc;
}

int zk_searcher_info_get(zk_index_info *out, zk_searcher *s)
{
    size_t i;
    int rc, attempt;

    if (out == NULL || s == NULL)
        return zk__error(ZK_EINVAL, "zk_searcher_info_get: NULL argument");
    memset(out, 0, sizeof(*out));
    rc = follow_stub(s);
    for (attempt = 0; rc == ZK_OK || rc == ZK__EMODIFIED; attempt++) {
        /* the latest commit, read whole; retry if a writer replaces it */
        rc = zk__sr_reread(s);
        if (rc == ZK_OK)
            rc = zk__sr_load_all_reports(s);
        if (rc != ZK__EMODIFIED || attempt == ZK_READ_ATTEMPTS)
            break;
        zk__sr_pause_before_retry(attempt);
    }
    if (rc == ZK__EMODIFIED)
        rc = zk__sr_kept_changing();
    if (rc == ZK_OK)
        rc = shards_size(s, &out->disk_bytes);
    if (rc != ZK_OK)
        return rc;
    out->reports = s->n_reports;
    out->passages = s->n_passages;
    for (i = 0; i < s->n_reports; i++)
        out->text_bytes += s->reports[i].size;
    out->schema = ZK_SCHEMA_VERSION;
    snprintf(out->dict_hash, sizeof(out->dict_hash), "%s",
             zk_dict_hash(s->dict));
    return ZK_OK;
}

int zk_searcher_open(zk_searcher **out, const char *path, const char *dict_path)
{
    zk_searcher *s;
    char stub[PATH_MAX];
    struct stat st;
    int rc;

    if (out == NULL || path == NULL)
        return zk__error(ZK_EINVAL, "zk_searcher_open: NULL argument");
    *out = NULL;
    stub_path(stub, sizeof(stub), path);
    if (stat(path, &st) != 0)
        return zk__error(ZK_ENOTFOUND,
                         "no index at %s: create one with 'zhiku-index -i %s "
                         "FOLDER...'",
                         path, path);
    if (stat(stub, &st) != 0)
        return zk__error(ZK_ENOTFOUND,
                         "%s is not a zhiku index (no %s): create one with "
                         "'zhiku-index -i %s FOLDER...'",
                         path, ZK_STUB_NAME, path);
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return zk__error_oom();
    s->path = strdup(path);
    rc = s->path ? ZK_OK : zk__error_oom();
    if (rc == ZK_OK)
        rc = open_reader(s, &s->rd, &s->stub);
    if (rc == ZK_OK)
        rc = zk_dict_open(&s->dict, dict_path);
    if (rc == ZK_OK)
        rc = check_index(s);
    if (rc == ZK_OK)
        rc = zk_seg_new(&s->seg, s->dict);
    if (rc == ZK_OK)
        rc = refresh_stats(s);
    if (rc != ZK_OK) {
        char msg[1024];
        last_message(msg, sizeof(msg), zk_strerror(rc));
        zk_searcher_free(s);
        return zk__error(rc, "%s", msg);
    }
    *out = s;
    return ZK_OK;
}

void zk_searcher_free(zk_searcher *s)
{
    if (s == NULL)
        return;
    zk__sr_drop_records(s);
    zk_seg_free(s->seg);
    zk_dict_free(s->dict);
    zk__reader_free(s->rd);
    zk__norm_release(&s->nb);
    zk__norm_release(&s->nb2);
    free(s->path);
    free(s);
}
