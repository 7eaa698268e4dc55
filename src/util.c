/* util.c - small helpers used across the library (util.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "util.h"

int zk__grow(void *v, size_t *cap, size_t need, size_t elem, size_t first)
{
    void **pv = v;
    size_t n = *cap ? *cap : first;
    void *p;

    if (need <= *cap)
        return ZK_OK;
    if (n == 0)
        n = 1;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return zk__error_oom();
        n *= 2;
    }
    if (elem != 0 && n > SIZE_MAX / elem)
        return zk__error_oom();
    p = realloc(*pv, n * elem);
    if (p == NULL)
        return zk__error_oom();
    *pv = p;
    *cap = n;
    return ZK_OK;
}

double zk__now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t zk__mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}
