/* report_internal.h - pieces shared by the report parser's files
 * (report.c, report_text.c, report_md.c, report_meta.c; not public) */
#ifndef ZHIKU_REPORT_INTERNAL_H
#define ZHIKU_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "report.h"

/* Longest heading line, and longest run-in lead, in characters. */
#define ZK_HEADING_MAX 40

/*
 * Text the parser has built from its input, with a map back to source
 * bytes. The map is a list of runs: output byte `out + k` of a run comes
 * from source byte `src + k`, or, for bytes the parser made up (a line
 * separator, " | " between table cells), from `src` itself.
 */
typedef struct zk__rrun {
    size_t out;
    size_t src;
    int synth;
} zk__rrun;

typedef struct zk__rtext {
    char *s; /* NUL-terminated once anything was added */
    size_t len, cap;
    zk__rrun *runs;
    size_t n_runs, cap_runs;
} zk__rtext;

void zk__rtext_free(zk__rtext *t);
void zk__rtext_clear(zk__rtext *t);
/* Append n source bytes that start at source offset `src`. */
int zk__rtext_put(zk__rtext *t, const char *b, size_t n, size_t src);
/* Append n made-up bytes, mapped to source offset `src`. */
int zk__rtext_synth(zk__rtext *t, const char *b, size_t n, size_t src);
/* Append bytes [from, to) of `from_t`, keeping their map. */
int zk__rtext_append(zk__rtext *t, const zk__rtext *from_t, size_t from,
                     size_t to);
/* Source offset of output byte `off` (0 for an empty text). */
size_t zk__rtext_src(const zk__rtext *t, size_t off);
/* Source offset just past output bytes [.., end), end > 0. */
size_t zk__rtext_src_end(const zk__rtext *t, size_t end);
/* Is output byte `off` one the parser made up? */
int zk__rtext_is_synth(const zk__rtext *t, size_t off);

/* Character classes (zk__rc_space and zk__rc_cjk: internal.h). */
int zk__rc_stop(uint32_t c);   /* sentence end: 。！？； ! ? ; */
int zk__rc_closer(uint32_t c); /* closing quote or bracket after a stop */
int zk__rc_clause(uint32_t c); /* clause mark: ，、：, : */
int zk__rc_drop(uint32_t c);   /* never part of passage text */

static inline uint32_t zk__rdec(const char *s, size_t n, size_t i, size_t *l)
{
    return zk__utf8_decode((const unsigned char *)s + i, n - i, l);
}

/* Number of characters (UTF-8 lead bytes) in s[0..n). */
size_t zk__rchars(const char *s, size_t n);
/* Is s[0..n) at most `max` characters long? Stops counting early. */
int zk__rshort(const char *s, size_t n, size_t max);
/* Narrow [*a, *b) of s so it neither starts nor ends with a blank. */
void zk__rtrim(const char *s, size_t *a, size_t *b);
/* Grow an array to hold `need` items of `size` bytes. Returns the new
 * pointer, or NULL (leaving `p` and *cap alone) when out of memory. */
void *zk__rgrow(void *p, size_t *cap, size_t need, size_t size);

/*
 * Chinese numbering ranks, outermost first. ZK_RN_ARTICLE (第X条) is not a
 * heading: it opens a law article.
 */
enum {
    ZK_RN_NONE = -1,
    ZK_RN_PART = 0,    /* 第X编, 第X篇, 第X部分 */
    ZK_RN_CHAPTER = 1, /* 第X章 */
    ZK_RN_SECTION = 2, /* 第X节 */
    ZK_RN_CN = 3,      /* 一、 */
    ZK_RN_PCN = 4,     /* （一） (一) */
    ZK_RN_AR = 5,      /* 1. 1、 1． */
    ZK_RN_PAR = 6,     /* （1） (1) ⑴ */
    ZK_RN_CIRCLE = 7,  /* ① */
    ZK_RN_ARTICLE = 8  /* 第X条 */
};

/*
 * The numbering that s[0..n) starts with, or ZK_RN_NONE. *mlen is the
 * marker's length in bytes ("第一章", "（一）"), *tstart where the title
 * starts after the blanks that follow the marker.
 */
int zk__rnum(const char *s, size_t n, size_t *mlen, size_t *tstart);

/*
 * Clean s[0..n) for a heading trail or a metadata value: trim, drop the
 * blanks of letter-spaced CJK ("声 明", "胡 明"), drop trailing 。：，；、
 * and, for 第X章-style numbering (rank <= ZK_RN_SECTION or ARTICLE), put
 * exactly one space after the marker. rank may be ZK_RN_NONE. Returns a
 * malloc'ed string, or NULL when out of memory.
 */
char *zk__rclean(const char *s, size_t n, int rank, size_t mlen, size_t tstart);

/*
 * Turn a raw paragraph `raw` (lines separated by '\n') into reading text
 * in `out`: table rows (tab-separated, or pipe tables with their
 * separator rows dropped) become lines of cells joined by " | ", other
 * lines are joined, with no space between two CJK characters. *table
 * says whether the paragraph was a table. If `mark` is not NULL it holds
 * an offset in `raw` and is translated to the matching offset in `out`.
 */
int zk__rpara(zk__rtext *out, const zk__rtext *raw, int *table, size_t *mark);

/* Blocks handed from the readers (plain text, Markdown) to the parser. */
enum {
    ZK_RB_PARA,    /* a paragraph of reading text */
    ZK_RB_HEADING, /* a Markdown heading */
    ZK_RB_LINES    /* a list, quote or code block: kept as lines */
};

typedef struct zk__rblock {
    int kind;
    int level;   /* Markdown heading level */
    int table;   /* a paragraph that is a table */
    int title;   /* the document's only H1: its title, not a trail entry */
    size_t lead; /* bytes of a bold lead-in at the start of text; 0: none */
    const zk__rtext *text;
    size_t start, end; /* source bytes of the whole block */
} zk__rblock;

/* The input, with a table of line starts. */
typedef struct zk__rsrc {
    const char *s;
    size_t len;
    size_t *line; /* line[i] is the offset of line i + 1 */
    size_t n_lines;
} zk__rsrc;

/* 1-based line of byte `off`. */
uint32_t zk__rsrc_line(const zk__rsrc *src, size_t off);

typedef struct zk__rctx zk__rctx;

/* Hand one block to the parser. */
int zk__rfeed(zk__rctx *c, const zk__rblock *b);

/* Read the Markdown body src->s[body..len), which starts on line
 * `body_line`, and feed its blocks to `c`. */
int zk__rmd_read(zk__rctx *c, const zk__rsrc *src, size_t body,
                 size_t body_line);

/* Metadata found while reading. */
typedef struct zk__rmeta {
    char *text_date;    /* first date in the opening lines */
    int text_date_prec; /* 1 year, 2 month, 3 day */
    int want_abstract;  /* a bare "摘要" label: the next block is it */
    char *prev;         /* previous short block, for "…令" + "第N号" */
    char *named_title; /* a 项目名称/课题名称/成果名称 line's value */
    int front_title;   /* the front matter gave the title */
} zk__rmeta;

/* Parse YAML front matter at the very start of s; *body is set to the
 * offset after it (0 when there is none). */
int zk__rmeta_front(zk__report *r, const char *s, size_t n, size_t *body);
/* Look at one block's text; `line` counts from the start of the body. */
int zk__rmeta_block(zk__rmeta *m, zk__report *r, const char *s, size_t n,
                    uint32_t line);
/* Settle the date and year once the whole input was read. */
int zk__rmeta_finish(zk__rmeta *m, zk__report *r, const char *filename);
void zk__rmeta_free(zk__rmeta *m);

#endif
