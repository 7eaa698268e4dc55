/* report.h - parse a report (Markdown or plain text, already UTF-8) into
 * metadata and structured passages (internal to libzhiku; report.c) */
#ifndef ZHIKU_REPORT_H
#define ZHIKU_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "zhiku/index.h" /* ZK_FORMAT_* */

struct zk__xdoc;

/* One passage: the unit of search. All strings are malloc'ed UTF-8. */
typedef struct zk__passage {
    char *trail; /* heading trail, headings joined by " > ", e.g.
                    "三、对策建议 > （四）全力推进城乡耦合发展";
                    "" for text before the first heading */
    char *text;  /* the passage text as a reader sees it: markup
                    removed, table cells separated by " | ", list
                    items and quote lines kept as lines */
    size_t text_len;
    uint32_t ordinal;  /* 0, 1, 2 ... in reading order */
    uint32_t line;     /* 1-based line in the source where it starts */
    size_t start, end; /* byte range [start, end) in the UTF-8 source
                          that the passage was taken from */
    uint32_t depth;    /* number of headings in the trail */
    uint32_t page_start, page_end; /* 1-based pages it lies on (PDF);
                                      0 for formats without pages */
} zk__passage;

/* A parsed report. Strings are malloc'ed UTF-8, NULL when absent. */
typedef struct zk__report {
    char *title;    /* first H1, else the first non-empty line */
    char *date;     /* "YYYY", "YYYY-MM" or "YYYY-MM-DD" */
    int year;       /* 0 if unknown */
    char *author;   /* 作者 / 课题负责人 / 项目负责人 ... lines */
    char *org;      /* 单位 / 所在单位 / 发布机关 ... lines */
    char *keywords; /* 关键词, items joined by "、" */
    char *abstract; /* 摘要 */
    char *docno; /* 文号 or 立项编号, e.g. "BZ25YB108", "国发〔2018〕1号" */
    zk__passage *passages;
    size_t n_passages;
} zk__report;

/*
 * Parse `len` bytes of UTF-8 text. `format` is ZK_FORMAT_MD (parsed
 * with cmark's AST) or ZK_FORMAT_PLAIN. `filename` (may be NULL) is the
 * file's base name, used for a date prefix such as "2024-政府工作报告.txt".
 * The input need not be NUL-terminated and may contain invalid UTF-8 or
 * NUL bytes (they are kept out of the passage text).
 *
 * Returns ZK_OK with *out set (free with zk__report_free()), or ZK_ENOMEM.
 * Never fails on odd input: a report with no text has no passages.
 */
int zk__report_parse(zk__report **out, const char *text, size_t len, int format,
                     const char *filename);

/*
 * Parse a document that a reader of a laid-out format extracted
 * (extract.h: PDF, .docx, HTML): its blocks go through the same heading
 * rules and passage cutting, passages' byte ranges refer to d->text, each
 * passage gets its page range from d's page table, and d's properties
 * fill the title, date, author, organisation and document number where
 * the text gives none. Returns ZK_OK or ZK_ENOMEM.
 */
int zk__report_parse_xdoc(zk__report **out, const struct zk__xdoc *d,
                          const char *filename);

void zk__report_free(zk__report *r);

/* Passage sizes (characters), documented in docs/indexing.md. */
#define ZK_PASSAGE_TARGET 300 /* long paragraphs are windowed near this */
#define ZK_PASSAGE_MAX                                                         \
    500                   /* no passage is longer, except an                   \
                             unbreakable sentence */
#define ZK_PASSAGE_MIN 30 /* shorter fragments join a neighbour */
/* characters a window cut inside a run without any break repeats */
#define ZK_PASSAGE_OVERLAP 16

#endif
