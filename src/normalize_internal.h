/* normalize_internal.h - normalisation into reusable buffers */
#ifndef ZHIKU_NORMALIZE_INTERNAL_H
#define ZHIKU_NORMALIZE_INTERNAL_H

#include "zhiku/normalize.h"

/* Normalise into `n`, whose arrays have room for `*cap` bytes and grow as
 * needed (start from a zeroed zk_norm and *cap = 0). */
int zk__normalize_into(zk_norm *n, size_t *cap, const char *text, size_t len);

/* Free the arrays of `n` (not `n` itself). */
void zk__norm_release(zk_norm *n);

#endif
