/* zhiku/error.h - the last error of the calling thread */
#ifndef ZHIKU_ERROR_H
#define ZHIKU_ERROR_H

#include "zhiku/common.h"

ZK_BEGIN_DECLS

/** The last error raised on this thread. */
typedef struct zk_error {
    int code;            /**< one of the ZK_E* codes */
    const char *message; /**< human readable, UTF-8, never NULL */
} zk_error;

/**
 * The last error recorded on the calling thread, or NULL if no call on this
 * thread has failed since the last zk_error_clear(). The pointer is borrowed
 * and stays valid until the next zhiku call on this thread.
 */
ZK_EXTERN const zk_error *zk_error_last(void);

/** Forget the calling thread's last error. */
ZK_EXTERN void zk_error_clear(void);

/** Static English text for a ZK_* code; never NULL. */
ZK_EXTERN const char *zk_strerror(int code);

ZK_END_DECLS

#endif
