/* zhiku/index.h - build and update a zhiku index of reports */
#ifndef ZHIKU_INDEX_H
#define ZHIKU_INDEX_H

#include "zhiku/common.h"

ZK_BEGIN_DECLS

/**
 * A writable index: one Xapian database directory holding one document per
 * passage and one record per report. Only one zk_index may be open on a
 * directory at a time (in any process); use it from one thread at a time
 * (zk_index_update() runs its own worker threads inside).
 *
 * Changes become visible and durable only at zk_index_commit() (or the
 * commits zk_index_update() makes between batches). A crash or kill at any
 * moment leaves the index as it was at its last commit, and every report in
 * a commit is either complete or absent.
 */
typedef struct zk_index zk_index;

/** Options for zk_index_open(). Initialise with ZK_INDEX_OPTIONS_INIT. */
typedef struct zk_index_options {
    unsigned int version;         /**< ZK_INDEX_OPTIONS_VERSION */
    const char *dict_path;        /**< compiled dictionary; NULL: default */
    const char *const *userdicts; /**< jieba user dictionaries, in order */
    size_t n_userdicts;
    int create;  /**< 1 (default): create if missing */
    int rebuild; /**< 1: start from an empty index */
} zk_index_options;

#define ZK_INDEX_OPTIONS_VERSION 1
#define ZK_INDEX_OPTIONS_INIT                                                  \
    {                                                                          \
        ZK_INDEX_OPTIONS_VERSION, NULL, NULL, 0, 1, 0                          \
    }

/** Input formats. ZK_FORMAT_AUTO decides by the content first ("%PDF-" is
 *  PDF, a zip archive Word .docx, markup opening with <!DOCTYPE html>,
 *  <html>, <head> or <body> HTML), then by the name's extension (.pdf,
 *  .docx, .html/.htm/.xhtml/.shtml, .md/.markdown); anything else is plain
 *  text. See docs/indexing.md for what each reader takes from a file. */
enum {
    ZK_FORMAT_AUTO = -1,
    ZK_FORMAT_PLAIN = 0, /**< plain text, in any encoding zhiku detects */
    ZK_FORMAT_MD = 1,    /**< Markdown (CommonMark, with YAML front matter) */
    ZK_FORMAT_PDF = 2,   /**< PDF with a text layer (poppler) */
    ZK_FORMAT_DOCX = 3,  /**< Word .docx (Office Open XML) */
    ZK_FORMAT_HTML = 4   /**< HTML, in its declared or detected charset */
};

/**
 * The default index directory: $ZHIKU_INDEX if set, else
 * $XDG_DATA_HOME/zhiku/index, else $HOME/.local/share/zhiku/index.
 * Writes it NUL-terminated into `buf`.
 * @return ZK_OK; ZK_EINVAL if it does not fit or no HOME is set
 */
ZK_EXTERN int zk_index_default_path(char *buf, size_t size);

/**
 * Open (and create) an index for writing.
 *
 * An existing index records the dictionary (zk_dict_hash()), user
 * dictionaries and normalisation it was built with; opening it with a
 * different effective dictionary fails with ZK_EVERSION (the message says
 * what differs and to rebuild), unless `rebuild` is set.
 *
 * @param[out] out  new handle, NULL on failure; free with zk_index_free()
 * @param path      index directory (created with its parents if missing)
 * @param opts      NULL for ZK_INDEX_OPTIONS_INIT
 * @return ZK_OK; ZK_ELOCKED if another writer has it open; ZK_EVERSION for
 *         an index of another schema or dictionary; ZK_ENOTFOUND (no index
 *         and `create` is 0, or no dictionary); ZK_ECORRUPT; ZK_EIO; ZK_ENOMEM
 */
ZK_EXTERN int zk_index_open(zk_index **out, const char *path,
                            const zk_index_options *opts);

/** Close `ix`, discarding changes not yet committed. NULL is allowed. */
ZK_EXTERN void zk_index_free(zk_index *ix);

/** Make every change so far durable and visible to searchers, atomically
 * across the index's shards: searchers see all of it or none of it.
 * @return ZK_OK; ZK_EIO if the index could not be written (a full disk, a
 *         read-only folder): the index then holds its last commit, and `ix`
 *         refuses further commits (free it and open the index again, which
 *         clears what the failed commit left in the shards) */
ZK_EXTERN int zk_index_commit(zk_index *ix);

/** A report given in memory. Initialise with ZK_REPORT_INPUT_INIT. */
typedef struct zk_report_input {
    unsigned int version; /**< ZK_REPORT_INPUT_VERSION */
    const char *path;     /**< its identity and displayed source: a file
                               path or any unique name; required */
    const char *text;     /**< the raw bytes, `len` long */
    size_t len;
    const char *encoding; /**< NULL to detect (see docs/indexing.md); for
                               text formats and HTML */
    int format;           /**< ZK_FORMAT_AUTO or a ZK_FORMAT_* */
    const char *title;    /**< metadata overrides; NULL: from the text */
    const char *date;     /**< "YYYY", "YYYY-MM" or "YYYY-MM-DD" */
    const char *author;
} zk_report_input;

#define ZK_REPORT_INPUT_VERSION 1
#define ZK_REPORT_INPUT_INIT                                                   \
    {                                                                          \
        ZK_REPORT_INPUT_VERSION, NULL, NULL, 0, NULL, ZK_FORMAT_AUTO, NULL,    \
            NULL, NULL                                                         \
    }

/**
 * Index one report given in memory, replacing any report with the same
 * `path` (all of its passages at once). Uncommitted until zk_index_commit().
 * @param[out] n_passages  passages indexed (may be NULL)
 * @return ZK_OK; ZK_EENCODING (message names the byte); ZK_EINVAL; ZK_EIO;
 *         ZK_ENOMEM. On failure the index is unchanged.
 */
ZK_EXTERN int zk_index_add_report(zk_index *ix, const zk_report_input *in,
                                  size_t *n_passages);

/** The reading text of a report, as zhiku extracts it before cutting it
 *  into passages. Allocated by the library (fields may be added at the
 *  end); free with zk_extracted_free(). */
typedef struct zk_extracted {
    char *text; /**< UTF-8, NUL-terminated, `len` bytes: for PDF, .docx
                     and HTML one block (paragraph, heading, table row)
                     a line, a form feed before the first line of each
                     new page; a passage's zk_hit::line is its line here.
                     For text and Markdown the decoded text. */
    size_t len;
    int format;              /**< ZK_FORMAT_* read */
    const char *format_name; /**< "text", "markdown", "pdf", "docx", "html" */
    const char *encoding;    /**< "utf-8", "gb18030", ...; "binary" (PDF) */
    unsigned pages;          /**< PDF: pages; 0 for other formats */
} zk_extracted;

/**
 * Read a report as zk_index_add_report() would, without indexing it: its
 * format (in->format, or detected from the content, then the name), its
 * encoding and its reading text. With in->text NULL the file at in->path
 * is read.
 * @param[out] out  new zk_extracted, NULL on failure
 * @return ZK_OK; ZK_EFORMAT (not of its format, damaged, or a format zhiku
 *         does not read: the message says which and what to do);
 *         ZK_EINVAL (an encrypted PDF, a PDF without a text layer, bad
 *         arguments); ZK_EENCODING; ZK_ENOTFOUND (no such file, or the
 *         formats module that reads PDF, .docx and HTML cannot be
 *         loaded); ZK_EIO; ZK_ENOMEM
 */
ZK_EXTERN int zk_report_extract(zk_extracted **out, const zk_report_input *in);

/** Free what zk_report_extract() returned. NULL is allowed. */
ZK_EXTERN void zk_extracted_free(zk_extracted *x);

/** Index one file (see zk_index_add_report()); `encoding` NULL detects. */
ZK_EXTERN int zk_index_add_file(zk_index *ix, const char *path,
                                const char *encoding, size_t *n_passages);

/** Remove the report indexed from `path`: ZK_OK, or ZK_ENOTFOUND. */
ZK_EXTERN int zk_index_remove(zk_index *ix, const char *path);

/** What happened to one file in zk_index_update(). */
enum {
    ZK_FILE_NEW = 0,       /**< indexed for the first time */
    ZK_FILE_UPDATED = 1,   /**< changed since last time: reindexed */
    ZK_FILE_UNCHANGED = 2, /**< same size and time, or same content */
    ZK_FILE_REMOVED = 3,   /**< gone from disk: removed (prune) */
    ZK_FILE_FAILED = 4,    /**< could not be read or decoded: skipped */
    ZK_FILE_SKIPPED = 5    /**< found in a folder but of a format zhiku does
                                not read (an image, a legacy .doc...):
                                passed over, not an error; `message` says
                                what it is */
};

/** Running totals of zk_index_update(). */
typedef struct zk_update_stats {
    size_t files; /**< files found under the paths */
    size_t done;  /**< files handled so far */
    size_t n_new, n_updated, n_unchanged, n_removed, n_failed;
    uint64_t bytes_total; /**< bytes of the files to (re)index */
    uint64_t bytes_done;  /**< of which handled so far */
    uint64_t passages;    /**< passages written */
    double seconds;       /**< wall time so far */
    size_t n_skipped;     /**< files in the folders of a format zhiku does
                               not read (ZK_FILE_SKIPPED), passed over */
} zk_update_stats;

/** One file's outcome, for the progress callback. Borrowed. */
typedef struct zk_file_event {
    const char *path;
    int status; /**< ZK_FILE_* */
    uint64_t bytes;
    size_t passages;
    const char *encoding; /**< detected or forced; NULL if not decoded */
    int error;            /**< ZK_E* code when ZK_FILE_FAILED */
    const char *message;  /**< the reason when ZK_FILE_FAILED or _SKIPPED */
    const char *format;   /**< "text", "markdown", "pdf", "docx", "html"
                               when read; NULL otherwise */
} zk_file_event;

/** Called after each file; return non-zero to stop (the work done so far
 *  is committed). `ev` is NULL for a plain progress tick. */
typedef int (*zk_progress_cb)(const zk_file_event *ev,
                              const zk_update_stats *stats, void *payload);

/** Options for zk_index_update(). Initialise with ZK_UPDATE_OPTIONS_INIT. */
typedef struct zk_update_options {
    unsigned int version; /**< ZK_UPDATE_OPTIONS_VERSION */
    const char *encoding; /**< force an encoding; NULL detects per file */
    int prune;            /**< 1: remove reports whose files are gone */
    int threads;          /**< worker threads; 0: one per core */
    uint64_t batch_bytes; /**< commit after this much input (0: 2 MiB) */
    int compact;          /**< 1: compact at the end; -1: never; 0 (the
                               default): when the run wrote at least a
                               fifth of the index's passages */
    zk_progress_cb progress;
    void *payload;
} zk_update_options;

#define ZK_UPDATE_OPTIONS_VERSION 1
#define ZK_UPDATE_OPTIONS_INIT                                                 \
    {                                                                          \
        ZK_UPDATE_OPTIONS_VERSION, NULL, 0, 0, 0, 0, NULL, NULL                \
    }

/**
 * Bring the index up to date with the files and folders in `paths`
 * (folders recursively: .txt, .md, .markdown, .pdf, .docx, .html, .htm,
 * .xhtml and .shtml files, and files of other names whose content is PDF,
 * .docx or HTML; other files are passed over and reported as
 * ZK_FILE_SKIPPED; any file named directly is read, as text unless its
 * content says otherwise). Only new or changed files are read (size and
 * modification time, confirmed by a content hash); a changed report is replaced
 * with all its passages at once; with `prune`, reports whose files are gone are
 * removed. Files are parsed and segmented on worker threads; one writer
 * commits every `batch_bytes`. A file that fails is reported through the
 * callback and skipped; its previously indexed version is kept. Each
 * commit is atomic for the whole index (see zk_index_commit()).
 *
 * @param[out] stats  totals (may be NULL)
 * @return ZK_OK even if some files failed (see stats->n_failed); ZK_EUSER
 *         if the callback stopped it; ZK_EIO, ZK_ENOMEM or another code if
 *         the index itself could not be written (the last commit stands,
 *         and `ix` refuses further commits and updates: open it again)
 */
ZK_EXTERN int zk_index_update(zk_index *ix, const char *const *paths,
                              size_t n_paths, const zk_update_options *opts,
                              zk_update_stats *stats);

/**
 * Rewrite every shard compactly (Xapian's compaction: full B-tree blocks,
 * about 40% smaller and faster to search), after committing. The switch to
 * the compacted shards is atomic; searchers pick them up at their next
 * query. zk_index_update() does this by itself after a run that wrote a
 * large part of the index.
 * @return ZK_OK; ZK_EIO (e.g. no room on the disk; the index is unchanged)
 */
ZK_EXTERN int zk_index_compact(zk_index *ix);

/** Facts about an index. */
typedef struct zk_index_info {
    uint64_t reports;    /**< reports indexed */
    uint64_t passages;   /**< passages indexed */
    uint64_t text_bytes; /**< bytes of source text indexed */
    uint64_t disk_bytes; /**< size of the index on disk */
    int schema;          /**< index schema version */
    char dict_hash[33];  /**< zk_dict_hash() of the dictionary used */
} zk_index_info;

/** Fill `out` with facts about `ix` (committed and pending changes). */
ZK_EXTERN int zk_index_info_get(zk_index_info *out, zk_index *ix);

ZK_END_DECLS

#endif
