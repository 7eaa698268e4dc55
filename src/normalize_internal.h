/* normalize_internal.h - normalisation into reusable buffers */
#ifndef ZHIKU_NORMALIZE_INTERNAL_H
#define ZHIKU_NORMALIZE_INTERNAL_H

#include "zhiku/normalize.h"

/* Normalise into `n`, whose arrays have room for `*cap` bytes and grow as
 * needed (start from a zeroed zk_norm and *cap = 0). */
int zk__normalize_into(zk_norm *n, size_t *cap, const char *text, size_t len);

/* Free the arrays of `n` (not `n` itself). */
void zk__norm_release(zk_norm *n);

/* The normaliser, as an index records it (ZK_META_NORMALIZE): the forms
 * and the utf8proc and Unicode versions, all of which decide the
 * normalised text, and so the literal terms. */
#define ZK_NORMALIZE_ID_MAX 96
void zk__normalize_id(char *buf, size_t size);

/* Whether an index whose normaliser was recorded as `recorded` can be
 * written and searched with this one: the same identity, or an index of
 * an earlier zhiku, which recorded only the utf8proc version, written with
 * this utf8proc. NULL (nothing recorded) is accepted. */
int zk__normalize_same(const char *recorded);

#endif
