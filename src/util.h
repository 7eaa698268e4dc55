/* util.h - small helpers used across the library: growing arrays, the
 * clock, file times. */
#ifndef ZHIKU_UTIL_H
#define ZHIKU_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Make room in array *v (of *cap elements of `elem` bytes) for `need`
 * elements, growing it to at least twice its size (and to at least
 * `first` elements when it is empty). On overflow or out of memory sets
 * the error and returns ZK_ENOMEM, leaving *v and *cap as they were. */
int zk__grow(void *v, size_t *cap, size_t need, size_t elem, size_t first);

/* Seconds on the monotonic clock. */
double zk__now_seconds(void);

/* A file's modification time in nanoseconds since the epoch. */
int64_t zk__mtime_ns(const struct stat *st);

#endif
