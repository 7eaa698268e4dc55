/* zhiku/common.h - export macros, error codes and shared types */
#ifndef ZHIKU_COMMON_H
#define ZHIKU_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define ZK_BEGIN_DECLS extern "C" {
#define ZK_END_DECLS }
#else
#define ZK_BEGIN_DECLS
#define ZK_END_DECLS
#endif

#if defined(_WIN32)
#define ZK_EXTERN __declspec(dllexport)
#elif defined(__GNUC__)
#define ZK_EXTERN __attribute__((visibility("default")))
#else
#define ZK_EXTERN
#endif

ZK_BEGIN_DECLS

/**
 * Return codes. Every function that can fail returns `int`: ZK_OK (0) or one
 * of the negative codes below; zk_error_last() then holds a message that
 * names the file, line or byte and the cause.
 */
enum {
    ZK_OK = 0,         /**< success */
    ZK_ERROR = -1,     /**< generic failure; see zk_error_last() */
    ZK_ENOMEM = -2,    /**< out of memory */
    ZK_EINVAL = -3,    /**< invalid argument */
    ZK_EIO = -4,       /**< read, write or map failure of a file */
    ZK_ENOTFOUND = -5, /**< a file or index does not exist */
    ZK_EFORMAT = -6,   /**< malformed input file (dictionary, model) */
    ZK_EVERSION = -7,  /**< file written by an incompatible version */
    ZK_EENCODING = -8, /**< text cannot be decoded */
    ZK_ELOCKED = -9,   /**< index is locked by another writer */
    ZK_ECORRUPT = -10, /**< index or file is corrupt */
    ZK_EQUERY = -11,   /**< query syntax error */
    ZK_EUSER = -12,    /**< a callback asked to stop; its value is kept */
    ZK_ITEROVER = -31  /**< an iteration has no more items */
};

/** A byte range [start, end) in a caller's text. */
typedef struct zk_span {
    size_t start;
    size_t end;
} zk_span;

ZK_END_DECLS

#endif
