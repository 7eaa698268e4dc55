/* index_shards.c - opening an index to write to it: its folder, the
 * writer lock, the shards, and the schema metadata they record.
 *
 * An index is a folder of shards (Xapian databases) and a stub that lists
 * them (index_internal.h). The writer takes zhiku's own lock first, so
 * that a second writer fails at once; then opens (or creates) every shard,
 * removes shard folders the stub does not list, and recovers from a
 * commit that did not finish (index_commit.c). check_meta refuses an index
 * built with another schema, dictionary or normaliser. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_impl.h"
#include "normalize_internal.h"

static int mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    size_t i, n = strlen(path);

    if (n == 0 || n >= sizeof(tmp))
        return zk__error(ZK_EINVAL, "bad index path '%s'", path);
    memcpy(tmp, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char c = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                return zk__error(ZK_EIO, "%s: cannot create: %s", tmp,
                                 strerror(errno));
            tmp[i] = c;
        }
    }
    return ZK_OK;
}

/* Take zhiku's own writer lock (held as long as `ix` lives), so that a
 * second writer fails at once, even while shards are being swapped. */
static int lock_index(zk_index *ix)
{
    char file[PATH_MAX];

    snprintf(file, sizeof(file), "%s/%s", ix->path, ZK_LOCK_NAME);
    ix->lock_fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (ix->lock_fd < 0)
        return zk__error(
            errno == EACCES || errno == EROFS ? ZK_EIO : ZK_ENOTFOUND,
            "%s: cannot open the lock file: %s", file, strerror(errno));
    if (flock(ix->lock_fd, LOCK_EX | LOCK_NB) != 0)
        return zk__error(ZK_ELOCKED,
                         "%s: index is locked by another writer (another "
                         "zhiku-index is running on it)",
                         ix->path);
    return ZK_OK;
}

/* ZK_OK if the shard folder `dir` and the files in it may be written
 * (or it does not exist yet), else ZK_EIO naming the first that may not
 * (read-only file system, permissions). */
static int check_writable(const char *dir)
{
    DIR *d;
    struct dirent *e;
    char f[PATH_MAX];
    int rc = ZK_OK;

    if (access(dir, W_OK) != 0)
        return errno == ENOENT
                   ? ZK_OK
                   : zk__error(ZK_EIO, "%s: cannot write to the index: %s", dir,
                               strerror(errno));
    d = opendir(dir);
    if (d == NULL)
        return ZK_OK; /* Xapian will say what is wrong */
    while (rc == ZK_OK && (e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.' || (size_t)snprintf(f, sizeof(f), "%s/%s", dir,
                                                    e->d_name) >= sizeof(f))
            continue;
        if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && access(f, W_OK) != 0)
            rc = zk__error(ZK_EIO, "%s: cannot write to the index: %s", f,
                           strerror(errno));
    }
    closedir(d);
    return rc;
}

/* Remove a folder and the files in it (a Xapian shard has no subfolders). */
void zk__ix_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char f[PATH_MAX];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(f, sizeof(f), "%s/%s", dir, e->d_name);
        unlink(f);
    }
    closedir(d);
    rmdir(dir);
}

/* Shard folders the stub does not list: left by a compaction that a crash
 * interrupted (its half-written copies, or the shards it had switched away
 * from but not yet removed). Only the writer, holding the lock, removes
 * them. */
void zk__ix_remove_stray_shards(zk_index *ix)
{
    DIR *d = opendir(ix->path);
    struct dirent *e;
    unsigned i;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        int listed = 0;
        char dir[PATH_MAX];
        if (strncmp(e->d_name, "shard", 5) != 0)
            continue;
        for (i = 0; i < ix->n_shards; i++)
            listed |= strcmp(ix->stub.names[i], e->d_name) == 0;
        if (listed)
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", ix->path, e->d_name);
        zk__ix_remove_dir(dir);
    }
    closedir(d);
}

/* Open every shard for writing, creating the index if asked. */
int zk__ix_open_shards(zk_index *ix, int create, int rebuild)
{
    unsigned n, i;
    int fresh, rc = create ? mkdirs(ix->path) : ZK_OK;

    if (rc == ZK_OK)
        rc = zk__stub_read(ix->path, &ix->stub);
    if (rc != ZK_OK)
        return rc;
    n = ix->stub.n;
    fresh = n == 0;
    if (fresh && !create) {
        struct stat st;
        if (stat(ix->path, &st) != 0)
            return zk__error(ZK_ENOTFOUND,
                             "%s: no index there: create it with "
                             "'zhiku-index -i %s FOLDER...'",
                             ix->path, ix->path);
        return zk__error(ZK_ENOTFOUND, "%s: not a zhiku index (no %s file)",
                         ix->path, ZK_STUB_NAME);
    }
    rc = lock_index(ix);
    if (rc != ZK_OK)
        return rc;
    if (fresh) {
        n = ix->stub.n = ZK_DEFAULT_SHARDS;
        for (i = 0; i < n; i++)
            snprintf(ix->stub.names[i], sizeof(ix->stub.names[i]), "shard%u",
                     i);
    }
    if (fresh || rebuild) {
        /* nothing committed yet: readers see no documents until the
         * first commit */
        zk__hidden_clear(&ix->stub.hid);
        for (i = 0; i < n; i++)
            ix->stub.hid.last[i] = 0;
    }
    pthread_mutex_init(&ix->rec_mu, NULL);
    ix->rec_mu_init = 1;
    /* a rebuild empties the shards: the stub first, so that no reader
     * takes their new documents for the last commit's */
    if (rebuild && !fresh)
        rc = zk__stub_write(ix->path, &ix->stub);
    for (i = 0; rc == ZK_OK && i < n; i++) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof(dir), "%s/%s", ix->path, ix->stub.names[i]);
        /* a shard we may not write to: say so (Xapian reports it as a
         * lock it could not take, as if another writer held it) */
        if (!fresh) {
            rc = check_writable(dir);
            if (rc != ZK_OK)
                break;
        }
        rc = zk__store_open(&ix->shards[i], dir, rebuild ? 2 : fresh ? 1 : 0);
        if (rc == ZK_OK)
            ix->n_shards = i + 1;
    }
    if (rc == ZK_OK && ix->n_shards == 0)
        rc = zk__error(ZK_ECORRUPT, "%s: index has no shards", ix->path);
    /* the stub last: a reader never finds it before its shards */
    if (rc == ZK_OK && fresh)
        rc = zk__stub_write(ix->path, &ix->stub);
    if (rc == ZK_OK)
        zk__ix_remove_stray_shards(ix);
    if (rc == ZK_OK && !fresh && !rebuild)
        rc = zk__ix_recover(ix);
    return rc;
}

int zk__ix_check_meta(zk_index *ix, int fresh)
{
    char *schema = NULL, *dict = NULL, *user = NULL, *was = NULL;
    const char *want = zk_dict_hash(ix->dict);
    char norm[ZK_NORMALIZE_ID_MAX], num[16];
    int rc;

    zk__normalize_id(norm, sizeof(norm));
    rc = zk__store_get_meta(ix->shards[0], ZK_META_SCHEMA, &schema);
    if (rc == ZK_OK)
        rc = zk__store_get_meta(ix->shards[0], ZK_META_DICT, &dict);
    if (rc == ZK_OK)
        rc = zk__store_get_meta(ix->shards[0], ZK_META_USERDICTS, &user);
    if (rc == ZK_OK)
        rc = zk__store_get_meta(ix->shards[0], ZK_META_NORMALIZE, &was);
    if (rc != ZK_OK)
        goto done;
    if (!fresh && schema != NULL && atoi(schema) != ZK_SCHEMA_VERSION) {
        rc = zk__error(ZK_EVERSION,
                       "%s: index schema %s, this zhiku writes schema %d: "
                       "rebuild it (zhiku-index --rebuild)",
                       ix->path, schema, ZK_SCHEMA_VERSION);
        goto done;
    }
    if (!fresh && dict != NULL && strcmp(dict, want) != 0) {
        rc = zk__error(ZK_EVERSION,
                       "%s: index was built with dictionary %s (user "
                       "dictionaries: %s), this run's is %s: use the same "
                       "--userdict files, or rebuild (zhiku-index --rebuild)",
                       ix->path, dict, user && user[0] ? user : "none", want);
        goto done;
    }
    /* the literal terms are of normalised text: another normaliser would
     * give other terms for the same text */
    if (!fresh && !zk__normalize_same(was)) {
        rc = zk__error(ZK_EVERSION,
                       "%s: index was built with the normaliser '%s', this "
                       "zhiku's is '%s': rebuild it (zhiku-index --rebuild)",
                       ix->path, was, norm);
        goto done;
    }
    snprintf(num, sizeof(num), "%d", ZK_SCHEMA_VERSION);
    rc = zk__store_set_meta(ix->shards[0], ZK_META_SCHEMA, num);
    if (rc == ZK_OK)
        rc = zk__store_set_meta(ix->shards[0], ZK_META_DICT, want);
    if (rc == ZK_OK)
        rc = zk__store_set_meta(ix->shards[0], ZK_META_USERDICTS,
                                ix->userdicts ? ix->userdicts : "");
    if (rc == ZK_OK)
        rc = zk__store_set_meta(ix->shards[0], ZK_META_NORMALIZE, norm);
done:
    free(schema);
    free(dict);
    free(user);
    free(was);
    return rc;
}
