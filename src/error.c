/* error.c - thread-local last error, static code descriptions, and the
 * growable byte string (zk__buf) the modules share */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhiku/error.h"
#include "zhiku/version.h"
#include "internal.h"

static _Thread_local char last_message[1024];
static _Thread_local zk_error last_error;
static _Thread_local int have_error;

const zk_error *zk_error_last(void)
{
    return have_error ? &last_error : NULL;
}

void zk_error_clear(void)
{
    have_error = 0;
    last_message[0] = '\0';
}

int zk__error(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    last_error.code = code;
    last_error.message = last_message;
    have_error = 1;
    return code;
}

int zk__error_oom(void)
{
    return zk__error(ZK_ENOMEM, "out of memory");
}

const char *zk_strerror(int code)
{
    switch (code) {
    case ZK_OK:
        return "success";
    case ZK_ERROR:
        return "error";
    case ZK_ENOMEM:
        return "out of memory";
    case ZK_EINVAL:
        return "invalid argument";
    case ZK_EIO:
        return "input/output error";
    case ZK_ENOTFOUND:
        return "not found";
    case ZK_EFORMAT:
        return "malformed file";
    case ZK_EVERSION:
        return "incompatible version";
    case ZK_EENCODING:
        return "text cannot be decoded";
    case ZK_ELOCKED:
        return "index is locked by another writer";
    case ZK_ECORRUPT:
        return "index is corrupt";
    case ZK_EQUERY:
        return "query syntax error";
    case ZK_EUSER:
        return "stopped by a callback";
    case ZK_ITEROVER:
        return "no more items";
    default:
        return "unknown error code";
    }
}

const char *zk_version(void)
{
    return ZK_VERSION_STRING;
}

int zk_version_number(void)
{
    return ZK_VERSION_NUMBER;
}

int zk__buf_add(zk__buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;

        while (cap < b->n + n + 1)
            cap *= 2;
        p = realloc(b->p, cap);
        if (p == NULL)
            return zk__error_oom();
        b->p = p;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return ZK_OK;
}
