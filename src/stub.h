/* stub.h - the index's stub file (XAPIANDB): the shard folders, which any
 * Xapian reader opens as one database, and what the last commit of the
 * whole index holds, in comment lines that Xapian skips. */
#ifndef ZHIKU_STUB_H
#define ZHIKU_STUB_H

#include "store.h"

typedef struct zk__stub {
    unsigned n; /* shards */
    char names[ZK_MAX_SHARDS][32];
    zk__hidden hid;
} zk__stub;

/* Read the stub of the index at `path` into `st` (emptied first). ZK_OK
 * with st->n 0 if there is no stub; ZK_EIO if it cannot be read. A stub
 * without commit lines (an index from before them) hides nothing. */
int zk__stub_read(const char *path, zk__stub *st);
/* Replace the stub atomically (temporary file, fsync, rename): a reader
 * sees the old one or the new one, never a mix. */
int zk__stub_write(const char *path, const zk__stub *st);
void zk__stub_free(zk__stub *st);

#endif
