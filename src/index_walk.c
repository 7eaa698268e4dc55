/* index_walk.c - the folder walk: the files an update is to look at.
 *
 * The walk goes depth-first over the paths it is given, in sorted order,
 * skipping hidden entries and following symlinked folders once. A file
 * of a known name is listed; one of no known name is listed if its first
 * bytes are of a format zhiku reads, else it is passed over (a "skipped"
 * event); a path that cannot be read is a "failed" event. It only lists
 * and stats: reading the files is index_process.c's. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_impl.h"
#include "read.h"
#include "util.h"

/* First sizes of the walk's lists: files found, names in one folder,
 * folders entered; small, as they double when full. */
#define JOBS_FIRST 256
#define NAMES_FIRST 64
#define DIRS_FIRST 64
/* Bytes of a file of no known name read to tell its format: enough for
 * every signature zk__format_sniff() knows and a sample of text. */
#define SNIFF_BYTES 1024

static int walk_add(job_list *l, const char *path, const struct stat *st)
{
    job *j;
    int rc = zk__grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v), JOBS_FIRST);

    if (rc != ZK_OK)
        return rc;
    j = &l->v[l->n];
    memset(j, 0, sizeof(*j));
    j->path = zk__ix_strdup(path);
    if (j->path == NULL)
        return ZK_ENOMEM;
    zk__ix_report_id(path, j->id);
    j->size = (uint64_t)st->st_size;
    j->mtime_ns = zk__mtime_ns(st);
    l->n++;
    return ZK_OK;
}

/* The folders a walk has entered, by device and inode. */
typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct dir_seen {
    dir_id *v;
    size_t n, cap;
} dir_seen;

/* 1 if the folder of `st` was entered before, else 0 (noting it), or -1
 * when out of memory (the caller then passes over the folder). */
static int seen_dir(dir_seen *s, const struct stat *st)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (s->v[i].dev == st->st_dev && s->v[i].ino == st->st_ino)
            return 1;
    if (zk__grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v), DIRS_FIRST) != ZK_OK)
        return -1;
    s->v[s->n].dev = st->st_dev;
    s->v[s->n].ino = st->st_ino;
    s->n++;
    return 0;
}

typedef struct walker {
    job_list *jobs;
    dir_seen dirs;
    zk_update_stats *stats;
    const zk_update_options *opts;
    size_t failed_paths;
} walker;

static void walk_fail(walker *w, const char *path, int code, const char *msg)
{
    zk_file_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.path = path;
    ev.status = ZK_FILE_FAILED;
    ev.error = code;
    ev.message = msg;
    w->stats->n_failed++;
    w->failed_paths++;
    if (w->opts->progress)
        w->opts->progress(&ev, w->stats, w->opts->payload);
}

/* A file the walk found that is of no format zhiku reads: counted and
 * named through the callback, not an error. */
static void walk_pass(walker *w, const char *path, const char *why)
{
    zk_file_event ev;
    char msg[PATH_MAX + 160];

    snprintf(msg, sizeof(msg), "%s: %s", path, why);
    memset(&ev, 0, sizeof(ev));
    ev.path = path;
    ev.status = ZK_FILE_SKIPPED;
    ev.error = ZK_EFORMAT;
    ev.message = msg;
    w->stats->n_skipped++;
    if (w->opts->progress)
        w->opts->progress(&ev, w->stats, w->opts->payload);
}

/* The format of a file of no known name, from its first bytes. */
static int sniff_file(const char *path, const char **why)
{
    char head[SNIFF_BYTES];
    ssize_t got;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        *why = "cannot be opened to tell its format";
        return ZK_FORMAT_UNSUPPORTED;
    }
    do
        got = read(fd, head, sizeof(head));
    while (got < 0 && errno == EINTR);
    close(fd);
    if (got < 0) {
        *why = "cannot be read to tell its format";
        return ZK_FORMAT_UNSUPPORTED;
    }
    return zk__format_sniff(head, (size_t)got, path, 0, why);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the indexable files under `path` (depth-first, sorted names,
 * hidden entries skipped, symlinked folders followed once). */
static int walk(walker *w, const char *path, int named)
{
    struct stat st;
    char real[PATH_MAX];
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = ZK_OK;

    if (realpath(path, real) == NULL || stat(real, &st) != 0) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
        walk_fail(w, path, ZK_ENOTFOUND, msg);
        return ZK_OK;
    }
    if (!S_ISDIR(st.st_mode)) {
        int wanted = named || zk__format_known_name(real);
        if (!wanted && S_ISREG(st.st_mode)) {
            /* an unknown name: what is inside decides */
            const char *why = NULL;
            if (sniff_file(real, &why) >= 0)
                return walk_add(w->jobs, real, &st);
            walk_pass(w, real, why);
            return ZK_OK;
        }
        if (wanted && S_ISREG(st.st_mode))
            return walk_add(w->jobs, real, &st);
        if (wanted) { /* a FIFO, device or socket: never read it */
            char msg[PATH_MAX + 64];
            snprintf(msg, sizeof(msg), "%s: not a regular file", path);
            walk_fail(w, path, ZK_EINVAL, msg);
        }
        return ZK_OK;
    }
    if (seen_dir(&w->dirs, &st))
        return ZK_OK; /* a symlink loop, or a folder reached twice */
    d = opendir(real);
    if (d == NULL) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof(msg), "%s: cannot read folder: %s", real,
                 strerror(errno));
        walk_fail(w, real, ZK_EIO, msg);
        return ZK_OK;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        rc = zk__grow(&names, &cap, n + 1, sizeof(*names), NAMES_FIRST);
        if (rc != ZK_OK)
            break;
        names[n] = zk__ix_strdup(e->d_name);
        if (names[n] == NULL) {
            rc = ZK_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_name);
    for (i = 0; rc == ZK_OK && i < n; i++) {
        char child[PATH_MAX];
        if ((size_t)snprintf(child, sizeof(child), "%s/%s", real, names[i]) >=
            sizeof(child))
            continue;
        rc = walk(w, child, 0);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int zk__ix_find_files(job_list *jobs, const char *const *paths, size_t n_paths,
                      const zk_update_options *opts, zk_update_stats *stats,
                      size_t *failed_paths)
{
    walker w;
    size_t i;
    int rc = ZK_OK;

    memset(&w, 0, sizeof(w));
    w.jobs = jobs;
    w.stats = stats;
    w.opts = opts;
    for (i = 0; rc == ZK_OK && i < n_paths; i++)
        rc = walk(&w, paths[i], 1);
    *failed_paths = w.failed_paths;
    free(w.dirs.v);
    return rc;
}

void zk__ix_jobs_free(job_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
}
