/* index_internal.h - the index schema shared by the writer (index*.c) and
 * the searcher: term prefixes, value slots, record formats. See
 * docs/indexing.md. */
#ifndef ZHIKU_INDEX_INTERNAL_H
#define ZHIKU_INDEX_INTERNAL_H

#define ZK_SCHEMA_VERSION 1

/* Term prefixes (terms are normalised text, so lowercase; prefixes are
 * capitals and cannot clash with them). Unprefixed terms are words. */
#define ZK_P_LITERAL                                                           \
    "L"                  /* each character and character pair of the           \
                            normalised passage text and heading trail (wdf) */
#define ZK_P_SECTION "S" /* words of the heading trail (wdf) */
#define ZK_P_TITLE                                                             \
    "T"                   /* words of the report's title (wdf), on the         \
                             report record */
#define ZK_P_REPORT "R"   /* boolean: report id, on its passages */
#define ZK_P_YEAR "Y"     /* boolean: report year */
#define ZK_P_UNIQUE "Q"   /* boolean: report id, on the report record */
#define ZK_T_PASSAGE "XP" /* boolean: every passage */
#define ZK_T_RECORD "XR"  /* boolean: every report record */

/* No value slots: nothing reads them (report, date and ordinal are in the
 * document data), and Xapian 1.4.22 writes value chunks from a destructor
 * during commit, so a write that fails there (disk full) ends the process
 * in std::terminate instead of raising an error. */

/* Metadata keys. */
#define ZK_META_SCHEMA "zhiku.schema"
#define ZK_META_DICT "zhiku.dict_hash"
#define ZK_META_USERDICTS "zhiku.userdicts"
#define ZK_META_NORMALIZE "zhiku.normalize"

/* An index directory holds shards "shard0", "shard1", ... (Xapian glass
 * databases; after a compaction "shard0.g1" and so on)
 * written in parallel, one writer thread each; a report lives in
 * the shard its id picks) and a Xapian stub file XAPIANDB listing them, so
 * any Xapian reader opens the directory as one database. */
#define ZK_MAX_SHARDS 8
#define ZK_DEFAULT_SHARDS 2
#define ZK_STUB_NAME "XAPIANDB"
#define ZK_LOCK_NAME "zhiku.lock" /* flock()ed by the one writer */

/* Longest word term kept (bytes); Xapian's limit is 245 with prefixes. */
#define ZK_MAX_TERM 160

#endif
