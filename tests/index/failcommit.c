/* failcommit.c - an LD_PRELOAD library for tests/index/faults.sh: a disk
 * that fills up at the end of one shard's commit, after the other shard
 * has committed.
 *
 * Xapian's glass backend ends a commit by renaming the new version file
 * (v.tmp) over the shard's iamglass. With ZK_FAIL_COMMIT=NAME in the
 * environment, that rename fails with ENOSPC in the shard folder named
 * NAME (or NAME.gN, after compactions); every other call goes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int in_failing_shard(const char *from)
{
    const char *want = getenv("ZK_FAIL_COMMIT"), *slash, *dir;
    size_t n, dl;

    if (want == NULL || *want == '\0')
        return 0;
    n = strlen(from);
    if (n < 6 || strcmp(from + n - 6, "/v.tmp") != 0)
        return 0;
    /* the folder holding v.tmp */
    slash = from + n - 6;
    dir = slash;
    while (dir > from && dir[-1] != '/')
        dir--;
    dl = (size_t)(slash - dir);
    n = strlen(want);
    return dl >= n && strncmp(dir, want, n) == 0 && (dl == n || dir[n] == '.');
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);

    if (in_failing_shard(from)) {
        errno = ENOSPC;
        return -1;
    }
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "rename");
    return real(from, to);
}
