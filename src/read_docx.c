/* read_docx.c - the Word .docx reader (zk__read_docx, extract.h)
 *
 * Design. A .docx is a zip (libzip, opened from the caller's memory) of
 * XML parts. Each part we need is decompressed as a stream straight into
 * libxml2's pull parser (xmlReaderForIO): the zip read callback counts
 * the bytes and stops at ZK_X_MAX_ZIP_ENTRY or at ZK_X_MAX_ZIP_RATIO times
 * the entry's compressed size (plus a little slack), whatever the archive
 * declares, and it refuses any "<!DOCTYPE" (docx parts never have one)
 * before the parser has seen the bytes, so entities - external (XXE) or
 * nested (billion laughs) - are never declared, let alone expanded. The
 * parser runs with XML_PARSE_NONET and without NOENT, DTDLOAD, DTDATTR or
 * HUGE; its errors go to a handler of our own set on each reader (never
 * to stderr, never to the thread's global handler).
 *
 * word/styles.xml and word/numbering.xml are read first into sorted
 * tables (style id -> heading level from its name or outline level,
 * bold, numbering; numbering instances and their abstract levels). Then
 * word/document.xml is streamed: each child of w:body is expanded into a
 * small tree alone (and freed after), so memory follows the largest
 * paragraph or table rather than the document. Paragraphs are walked with
 * parent pointers (no recursion, depth capped at ZK_X_MAX_DEPTH); runs
 * give their text, tabs and breaks; a line break inside a paragraph joins
 * as in the PDF reader (nothing between two CJK characters, else one
 * space). Deleted text and field instructions are skipped, inserted text
 * and field results kept, text boxes follow their paragraph as
 * paragraphs of their own. Word's own numbering ("一、", "(1)") is
 * rendered in front of the text, so that numbered headings reach the
 * heading rules of report.c. Tables give one block, a row a line, cells
 * joined by " | ". Footnotes and endnotes follow the body under headings
 * "注释" and "尾注"; docProps/core.xml gives title, author and date.
 * Headers and footers are not read.
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include "extract.h"
#include "internal.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

#define MAX_STYLES 20000     /* styles, numbering instances, abstracts kept */
#define MAX_BASED_ON 8       /* w:basedOn links followed */
#define MAX_TXBX_NEST 8      /* text boxes in text boxes, as paragraphs */
#define ZIP_SLACK (1u << 20) /* bytes allowed beyond the ratio cap */

/* ------------------------------------------------------------------ */
/* Growing byte buffer                                                 */
/* ------------------------------------------------------------------ */

/* Append s[0..n); ZK_OK, ZK_ENOMEM or ZK_EFORMAT beyond ZK_X_MAX_TEXT. */
static int buf_add(zk__buf *b, const char *s, size_t n)
{
    if (n > ZK_X_MAX_TEXT || b->n + n > ZK_X_MAX_TEXT)
        return zk__error(ZK_EFORMAT, "more than %u MB of text",
                         (unsigned)(ZK_X_MAX_TEXT >> 20));
    return zk__buf_add(b, s, n);
}

/* Append a NUL-terminated string. */
static int buf_str(zk__buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Tables from styles.xml and numbering.xml                            */
/* ------------------------------------------------------------------ */

typedef struct style {
    char *id, *based;
    int level;        /* heading 1..6, -1 outline "body text", 0 unset */
    int bold;         /* -1 unset, 0, 1 */
    int num_id, ilvl; /* numbering from the style; num_id -1 unset */
} style;

enum {
    NF_DECIMAL,
    NF_DECIMAL_ZERO,
    NF_UPPER_ROMAN,
    NF_LOWER_ROMAN,
    NF_UPPER_LETTER,
    NF_LOWER_LETTER,
    NF_CN_COUNT,
    NF_CN_THOUSAND,
    NF_CN_LEGAL,
    NF_IDEO_TRAD,
    NF_IDEO_ZODIAC,
    NF_CIRCLE,
    NF_PAREN,
    NF_FULLSTOP,
    NF_FULLWIDTH,
    NF_IDEO_DIGITAL,
    NF_BULLET,
    NF_NONE
};

typedef struct numlvl {
    int fmt, start, suff; /* suff: 0 tab, 1 space, 2 nothing */
    int legal;            /* w:isLgl: every level's number in decimal */
    char text[48];        /* lvlText, "%1、" */
    int set;
} numlvl;

typedef struct abstract {
    int id;
    numlvl lvl[9];
    int cnt[9];
    unsigned started; /* bit i: cnt[i] holds a value */
} abstract;

typedef struct num {
    int id, abstract_id;
    int override[9]; /* startOverride, or INT_MIN */
    unsigned applied;
} num;

/* ------------------------------------------------------------------ */
/* Reader state                                                        */
/* ------------------------------------------------------------------ */

typedef struct ctx {
    const char *name;
    zk__xdoc *d;
    zip_t *za;

    style *styles;
    size_t n_styles, cap_styles;
    abstract *abs;
    size_t n_abs, cap_abs;
    num *nums;
    size_t n_nums, cap_nums;

    /* the part being parsed */
    const char *part;
    zip_file_t *zf;
    zip_uint64_t got, limit;
    int io_err;        /* IO_* */
    char io_msg[160];  /* zip's message for IO_ZIP */
    unsigned dt_match; /* bytes of "<!DOCTYPE" matched so far */
    int xml_err;
    char xml_msg[200];
    int xml_line;

    /* scratch */
    zk__buf para, cell, row, table;
    int notes_heading; /* the "注释"/"尾注" heading was written */
    int rc;            /* first error of a callback */
} ctx;

enum { IO_NONE, IO_BOMB, IO_ZIP, IO_DOCTYPE };

/* ------------------------------------------------------------------ */
/* XML helpers                                                         */
/* ------------------------------------------------------------------ */

/* Is `n` an element of WordprocessingML (or of no namespace) named
 * `local`? */
static int is_w(const xmlNode *n, const char *local)
{
    const char *href;

    if (n == NULL || n->type != XML_ELEMENT_NODE ||
        strcmp((const char *)n->name, local) != 0)
        return 0;
    if (n->ns == NULL || n->ns->href == NULL)
        return 1;
    href = (const char *)n->ns->href;
    return strcmp(href, W_NS) == 0 || strcmp(href, W_NS_STRICT) == 0;
}

/* Is `n` a markup-compatibility element named `local`? */
static int is_mc(const xmlNode *n, const char *local)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           n->ns->href != NULL &&
           strcmp((const char *)n->ns->href, MC_NS) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

/* The value of attribute `local` (any namespace), or NULL. */
static const char *attr(const xmlNode *n, const char *local)
{
    const xmlAttr *a;

    if (n == NULL || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (a = n->properties; a != NULL; a = a->next)
        if (strcmp((const char *)a->name, local) == 0) {
            if (a->children != NULL && a->children->type == XML_TEXT_NODE &&
                a->children->next == NULL && a->children->content != NULL)
                return (const char *)a->children->content;
            return "";
        }
    return NULL;
}

/* The first child element of `n` named `local` in WordprocessingML. */
static const xmlNode *child(const xmlNode *n, const char *local)
{
    const xmlNode *c;

    if (n == NULL)
        return NULL;
    for (c = n->children; c != NULL; c = c->next)
        if (is_w(c, local))
            return c;
    return NULL;
}

/* The w:val of `n`'s child `local`, or NULL. */
static const char *child_val(const xmlNode *n, const char *local)
{
    return attr(child(n, local), "val");
}

/* A toggle property (w:b): on unless w:val says 0/false/off. */
static int onoff(const xmlNode *n)
{
    const char *v = attr(n, "val");

    if (v == NULL)
        return 1;
    return !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
             strcmp(v, "off") == 0 || strcmp(v, "none") == 0);
}

/* A decimal integer attribute value; `dflt` when absent or bad. */
static int to_int(const char *s, int dflt)
{
    char *end;
    long v;

    if (s == NULL)
        return dflt;
    v = strtol(s, &end, 10);
    if (end == s || v < -1000000 || v > 1000000)
        return dflt;
    return (int)v;
}

/* ------------------------------------------------------------------ */
/* Streaming a zip entry into libxml2's reader                         */
/* ------------------------------------------------------------------ */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 wants one initialisation per process, before threads use it. */
static void xml_init(void)
{
    xmlInitParser();
}

/* The reader's error handler: keeps the first error, prints nothing. */
static void xml_error(void *arg, xmlErrorPtr e)
{
    ctx *c = arg;

    if (e == NULL || e->level < XML_ERR_ERROR || c->xml_err)
        return;
    c->xml_err = 1;
    c->xml_line = e->line;
    snprintf(c->xml_msg, sizeof(c->xml_msg), "%s",
             e->message ? e->message : "malformed XML");
    /* libxml2's messages end with a newline */
    for (size_t k = strlen(c->xml_msg); k > 0; k--) {
        if (c->xml_msg[k - 1] != '\n' && c->xml_msg[k - 1] != ' ')
            break;
        c->xml_msg[k - 1] = '\0';
    }
}

/* libxml2's generic error channel, for what bypasses the reader's
 * handler: nothing is printed. */
static void xml_generic(void *arg, const char *msg, ...)
{
    (void)arg;
    (void)msg;
}

/* Read callback for xmlReaderForIO: decompress more of the entry,
 * enforcing the size cap and refusing a DOCTYPE. */
static int xml_read(void *arg, char *out, int len)
{
    static const char pat[] = "<!DOCTYPE";
    ctx *c = arg;
    zip_int64_t n;
    zip_int64_t i;

    if (c->io_err != IO_NONE)
        return -1;
    if (len <= 0)
        return 0;
    n = zip_fread(c->zf, out, (zip_uint64_t)len);
    if (n < 0) {
        zip_error_t *ze = zip_file_get_error(c->zf);
        c->io_err = IO_ZIP;
        snprintf(c->io_msg, sizeof(c->io_msg), "%s",
                 ze ? zip_error_strerror(ze) : "read error");
        return -1;
    }
    c->got += (zip_uint64_t)n;
    if (c->got > c->limit) {
        c->io_err = IO_BOMB;
        return -1;
    }
    /* "<!DOCTYPE" in ASCII/UTF-8, or UTF-16/32 (NUL bytes skipped) */
    for (i = 0; i < n; i++) {
        char ch = out[i];
        if (ch == '\0')
            continue;
        if (ch == pat[c->dt_match]) {
            if (++c->dt_match == sizeof(pat) - 1) {
                c->io_err = IO_DOCTYPE;
                return -1;
            }
        } else {
            c->dt_match = ch == '<' ? 1 : 0;
        }
    }
    return (int)n;
}

/* Close callback: the entry is closed by parse_part. */
static int xml_close(void *arg)
{
    (void)arg;
    return 0;
}

/* Handler of one element subtree of a part. */
typedef int (*elem_fn)(ctx *c, xmlNode *n);

/* The error for a failed part, from what the callbacks recorded. */
static int part_error(ctx *c)
{
    if (c->io_err == IO_BOMB)
        return zk__error(ZK_EFORMAT,
                         "%s: %s: decompresses to more than %llu MB (a zip "
                         "bomb?)",
                         c->name, c->part,
                         (unsigned long long)(c->limit >> 20) > 0
                             ? (unsigned long long)(c->limit >> 20)
                             : 1ull);
    if (c->io_err == IO_ZIP)
        return zk__error(ZK_EFORMAT,
                         "%s: not a Word document: corrupt zip archive (%s: "
                         "%s)",
                         c->name, c->part, c->io_msg);
    if (c->io_err == IO_DOCTYPE)
        return zk__error(ZK_EFORMAT,
                         "%s: %s: XML with a DOCTYPE (entities are not "
                         "allowed)",
                         c->name, c->part);
    if (c->xml_err)
        return zk__error(ZK_EFORMAT, "%s: %s: malformed XML at line %d: %s",
                         c->name, c->part, c->xml_line, c->xml_msg);
    return zk__error(ZK_EFORMAT, "%s: %s: malformed XML", c->name, c->part);
}

/*
 * Parse zip entry `part` and call `fn` on each element at depth 1 (below
 * the root), or with `in_body`, at depth 2 below a w:body. Each such
 * element is expanded alone and freed when the reader moves on.
 * *found tells whether the entry exists (a missing one is ZK_OK). With
 * `lenient`, malformed XML stops the part quietly (what was read stays);
 * caps, zip errors and DOCTYPEs always fail.
 */
static int parse_part(ctx *c, const char *part, int in_body, elem_fn fn,
                      int lenient, int *found)
{
    zip_int64_t idx;
    zip_stat_t st;
    xmlTextReaderPtr r;
    int ret, rc = ZK_OK, body = 0;
    zip_uint64_t limit;
    xmlStructuredErrorFunc old_s;
    xmlGenericErrorFunc old_g;
    void *old_sctx, *old_gctx;

    *found = 0;
    idx = zip_name_locate(c->za, part, ZIP_FL_NOCASE);
    if (idx < 0)
        return ZK_OK;
    *found = 1;
    c->part = part;
    c->io_err = IO_NONE;
    c->xml_err = 0;
    c->dt_match = 0;
    c->got = 0;
    c->rc = ZK_OK;
    limit = ZK_X_MAX_ZIP_ENTRY;
    zip_stat_init(&st);
    if (zip_stat_index(c->za, (zip_uint64_t)idx, 0, &st) == 0 &&
        (st.valid & ZIP_STAT_COMP_SIZE)) {
        zip_uint64_t r2 = st.comp_size * ZK_X_MAX_ZIP_RATIO + ZIP_SLACK;
        if (st.comp_size < ZK_X_MAX_ZIP_ENTRY && r2 < limit)
            limit = r2;
    }
    c->limit = limit;
    /* a declared size beyond the cap is believed at once */
    if ((st.valid & ZIP_STAT_SIZE) && st.size > limit) {
        c->io_err = IO_BOMB;
        return part_error(c);
    }
    c->zf = zip_fopen_index(c->za, (zip_uint64_t)idx, 0);
    if (c->zf == NULL) {
        c->io_err = IO_ZIP;
        snprintf(c->io_msg, sizeof(c->io_msg), "%s",
                 zip_error_strerror(zip_get_error(c->za)));
        return part_error(c);
    }
    /* Errors raised without a parser context (encoding conversion, I/O)
     * go to the thread's global channels: point them at our handler for
     * the parse and restore the caller's after (libxml2 keeps them per
     * thread). */
    old_s = xmlStructuredError;
    old_sctx = xmlStructuredErrorContext;
    old_g = xmlGenericError;
    old_gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(c, xml_error);
    xmlSetGenericErrorFunc(c, xml_generic);
    r = xmlReaderForIO(xml_read, xml_close, c, part, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR |
                           XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    if (r == NULL) {
        xmlSetStructuredErrorFunc(old_sctx, old_s);
        xmlSetGenericErrorFunc(old_gctx, old_g);
        zip_fclose(c->zf);
        c->zf = NULL;
        return zk__error_oom();
    }
    xmlTextReaderSetStructuredErrorHandler(r, xml_error, c);
    ret = xmlTextReaderRead(r);
    while (ret == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);

        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            c->io_err = IO_DOCTYPE;
            ret = -1;
            break;
        }
        if (type == XML_READER_TYPE_ELEMENT) {
            if (in_body && depth == 1) {
                const xmlChar *ln = xmlTextReaderConstLocalName(r);
                body = ln != NULL && strcmp((const char *)ln, "body") == 0;
            } else if (depth == (in_body ? 2 : 1) && (!in_body || body)) {
                xmlNode *n = xmlTextReaderExpand(r);
                if (n == NULL) {
                    ret = -1;
                    break;
                }
                rc = fn(c, n);
                if (rc != ZK_OK)
                    break;
                ret = xmlTextReaderNext(r);
                continue;
            }
        }
        ret = xmlTextReaderRead(r);
    }
    xmlFreeTextReader(r);
    xmlSetStructuredErrorFunc(old_sctx, old_s);
    xmlSetGenericErrorFunc(old_gctx, old_g);
    zip_fclose(c->zf);
    c->zf = NULL;
    if (rc != ZK_OK)
        return rc;
    if (c->io_err != IO_NONE)
        return part_error(c);
    if (ret < 0 || c->xml_err)
        return lenient ? ZK_OK : part_error(c);
    return ZK_OK;
}

/* ------------------------------------------------------------------ */
/* styles.xml                                                          */
/* ------------------------------------------------------------------ */

/* Heading level named by a style: "heading N", "Heading N", "标题 N",
 * "Title", "标题"; 0 otherwise. */
static int name_level(const char *s)
{
    const char *p = NULL;
    int n;

    if (s == NULL)
        return 0;
    if (strncasecmp(s, "heading", 7) == 0)
        p = s + 7;
    else if (strncmp(s, "标题", 6) == 0)
        p = s + 6;
    else if (strcasecmp(s, "title") == 0)
        return 1;
    if (p == NULL)
        return 0;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return s[0] == 'h' || s[0] == 'H' ? 0 : 1; /* "标题" is Title */
    if (*p < '1' || *p > '9' || p[1] != '\0')
        return 0;
    n = *p - '0';
    return n > 6 ? 6 : n;
}

/* Level from a w:outlineLvl value: 0..5 -> 1..6, 9 -> -1 (body text). */
static int outline_level(const char *v)
{
    int n = to_int(v, -2);

    if (n >= 0 && n <= 5)
        return n + 1;
    if (n >= 6 && n <= 9)
        return -1;
    return 0;
}

/* Duplicate a C string (NULL stays NULL). */
static char *dup_str(const char *s)
{
    size_t n;
    char *p;

    if (s == NULL)
        return NULL;
    n = strlen(s);
    p = malloc(n + 1);
    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}

/* One w:style (or w:docDefaults, ignored) of styles.xml. */
static int on_style(ctx *c, xmlNode *n)
{
    const xmlNode *ppr, *rpr, *b, *numpr;
    const char *id;
    style *s;
    int lv;

    if (!is_w(n, "style"))
        return ZK_OK;
    id = attr(n, "styleId");
    if (id == NULL || c->n_styles >= MAX_STYLES)
        return ZK_OK;
    if (c->n_styles == c->cap_styles) {
        size_t cap = c->cap_styles ? 2 * c->cap_styles : 64;
        void *p = realloc(c->styles, cap * sizeof(*c->styles));
        if (p == NULL)
            return zk__error_oom();
        c->styles = p;
        c->cap_styles = cap;
    }
    s = &c->styles[c->n_styles];
    memset(s, 0, sizeof(*s));
    s->bold = -1;
    s->num_id = -1;
    s->id = dup_str(id);
    s->based = dup_str(child_val(n, "basedOn"));
    if (s->id == NULL || (s->based == NULL && child_val(n, "basedOn"))) {
        free(s->id);
        free(s->based);
        return zk__error_oom();
    }
    c->n_styles++;
    ppr = child(n, "pPr");
    lv = name_level(child_val(n, "name"));
    if (lv == 0 && ppr != NULL)
        lv = outline_level(child_val(ppr, "outlineLvl"));
    s->level = lv;
    numpr = child(ppr, "numPr");
    if (numpr != NULL) {
        s->num_id = to_int(child_val(numpr, "numId"), -1);
        s->ilvl = to_int(child_val(numpr, "ilvl"), 0);
    }
    rpr = child(n, "rPr");
    b = child(rpr, "b");
    if (b != NULL)
        s->bold = onoff(b);
    return ZK_OK;
}

/* qsort/bsearch order of styles by id. */
static int style_cmp(const void *a, const void *b)
{
    return strcmp(((const style *)a)->id, ((const style *)b)->id);
}

/* The style with id `id`, or NULL. */
static const style *find_style(const ctx *c, const char *id)
{
    style key;

    if (id == NULL || c->n_styles == 0)
        return NULL;
    key.id = (char *)id;
    return bsearch(&key, c->styles, c->n_styles, sizeof(*c->styles), style_cmp);
}

/* Heading level of style `id` following basedOn (0: none). */
static int style_level(const ctx *c, const char *id)
{
    const style *s = find_style(c, id);
    int k;

    for (k = 0; s != NULL && k < MAX_BASED_ON; k++) {
        if (s->level != 0)
            return s->level;
        s = find_style(c, s->based);
    }
    return 0;
}

/* Bold of style `id` following basedOn (-1: not said). */
static int style_bold(const ctx *c, const char *id)
{
    const style *s = find_style(c, id);
    int k;

    for (k = 0; s != NULL && k < MAX_BASED_ON; k++) {
        if (s->bold >= 0)
            return s->bold;
        s = find_style(c, s->based);
    }
    return -1;
}

/* Numbering of style `id` following basedOn; 0 when none. */
static int style_num(const ctx *c, const char *id, int *num_id, int *ilvl)
{
    const style *s = find_style(c, id);
    int k;

    for (k = 0; s != NULL && k < MAX_BASED_ON; k++) {
        if (s->num_id >= 0) {
            *num_id = s->num_id;
            *ilvl = s->ilvl;
            return 1;
        }
        s = find_style(c, s->based);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* numbering.xml                                                       */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    int fmt;
} num_formats[] = {
    {"decimal", NF_DECIMAL},
    {"decimalZero", NF_DECIMAL_ZERO},
    {"upperRoman", NF_UPPER_ROMAN},
    {"lowerRoman", NF_LOWER_ROMAN},
    {"upperLetter", NF_UPPER_LETTER},
    {"lowerLetter", NF_LOWER_LETTER},
    {"chineseCounting", NF_CN_COUNT},
    {"japaneseCounting", NF_CN_COUNT},
    {"taiwaneseCounting", NF_CN_COUNT},
    {"chineseCountingThousand", NF_CN_THOUSAND},
    {"taiwaneseCountingThousand", NF_CN_THOUSAND},
    {"ideographLegalTraditional", NF_CN_LEGAL},
    {"chineseLegalSimplified", NF_CN_LEGAL},
    {"ideographTraditional", NF_IDEO_TRAD},
    {"ideographZodiac", NF_IDEO_ZODIAC},
    {"decimalEnclosedCircle", NF_CIRCLE},
    {"decimalEnclosedCircleChinese", NF_CIRCLE},
    {"decimalEnclosedParen", NF_PAREN},
    {"decimalEnclosedFullstop", NF_FULLSTOP},
    {"decimalFullWidth", NF_FULLWIDTH},
    {"decimalFullWidth2", NF_FULLWIDTH},
    {"ideographDigital", NF_IDEO_DIGITAL},
    {"taiwaneseDigital", NF_IDEO_DIGITAL},
    {"bullet", NF_BULLET},
    {"none", NF_NONE},
};

/* NF_* for a w:numFmt value (unknown ones count in decimal). */
static int num_format(const char *v)
{
    size_t i;

    if (v == NULL)
        return NF_DECIMAL;
    for (i = 0; i < sizeof(num_formats) / sizeof(num_formats[0]); i++)
        if (strcmp(v, num_formats[i].name) == 0)
            return num_formats[i].fmt;
    return NF_DECIMAL;
}

/* One w:abstractNum or w:num of numbering.xml. */
static int on_numbering(ctx *c, xmlNode *n)
{
    const xmlNode *k;

    if (is_w(n, "abstractNum")) {
        abstract *a;
        if (c->n_abs >= MAX_STYLES)
            return ZK_OK;
        if (c->n_abs == c->cap_abs) {
            size_t cap = c->cap_abs ? 2 * c->cap_abs : 16;
            void *p = realloc(c->abs, cap * sizeof(*c->abs));
            if (p == NULL)
                return zk__error_oom();
            c->abs = p;
            c->cap_abs = cap;
        }
        a = &c->abs[c->n_abs++];
        memset(a, 0, sizeof(*a));
        a->id = to_int(attr(n, "abstractNumId"), -1);
        for (k = n->children; k != NULL; k = k->next) {
            int il;
            numlvl *l;
            const char *t, *suff;
            if (!is_w(k, "lvl"))
                continue;
            il = to_int(attr(k, "ilvl"), -1);
            if (il < 0 || il > 8)
                continue;
            l = &a->lvl[il];
            l->set = 1;
            l->fmt = num_format(child_val(k, "numFmt"));
            l->start = to_int(child_val(k, "start"), 1);
            l->legal = child(k, "isLgl") != NULL && onoff(child(k, "isLgl"));
            suff = child_val(k, "suff");
            l->suff = suff == NULL                   ? 0
                      : strcmp(suff, "space") == 0   ? 1
                      : strcmp(suff, "nothing") == 0 ? 2
                                                     : 0;
            t = child_val(k, "lvlText");
            snprintf(l->text, sizeof(l->text), "%s", t ? t : "");
        }
        return ZK_OK;
    }
    if (is_w(n, "num")) {
        num *m;
        int i;
        if (c->n_nums >= MAX_STYLES)
            return ZK_OK;
        if (c->n_nums == c->cap_nums) {
            size_t cap = c->cap_nums ? 2 * c->cap_nums : 16;
            void *p = realloc(c->nums, cap * sizeof(*c->nums));
            if (p == NULL)
                return zk__error_oom();
            c->nums = p;
            c->cap_nums = cap;
        }
        m = &c->nums[c->n_nums++];
        memset(m, 0, sizeof(*m));
        m->id = to_int(attr(n, "numId"), -1);
        m->abstract_id = to_int(child_val(n, "abstractNumId"), -1);
        for (i = 0; i < 9; i++)
            m->override[i] = INT_MIN;
        for (k = n->children; k != NULL; k = k->next) {
            int il;
            if (!is_w(k, "lvlOverride"))
                continue;
            il = to_int(attr(k, "ilvl"), -1);
            if (il >= 0 && il <= 8 && child(k, "startOverride") != NULL)
                m->override[il] = to_int(child_val(k, "startOverride"), 1);
        }
    }
    return ZK_OK;
}

/* qsort/bsearch order of nums and abstracts by id (id first in both). */
static int num_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* Append `n` in format `fmt` to out (at least 64 bytes); its length. */
static size_t format_number(int fmt, int n, char *out)
{
    static const char *const cn_digit[] = {"〇", "一", "二", "三", "四",
                                           "五", "六", "七", "八", "九"};
    static const char *const legal_digit[] = {"零", "壹", "贰", "叁", "肆",
                                              "伍", "陆", "柒", "捌", "玖"};
    static const char *const cn_unit[] = {"千", "百", "十", ""};
    static const char *const legal_unit[] = {"仟", "佰", "拾", ""};
    static const char *const trad[] = {"甲", "乙", "丙", "丁", "戊",
                                       "己", "庚", "辛", "壬", "癸"};
    static const char *const zodiac[] = {"子", "丑", "寅", "卯", "辰", "巳",
                                         "午", "未", "申", "酉", "戌", "亥"};
    static const char *const roman[] = {"m",  "cm", "d",  "cd", "c",  "xc", "l",
                                        "xl", "x",  "ix", "v",  "iv", "i"};
    static const int roman_v[] = {1000, 900, 500, 400, 100, 90, 50,
                                  40,   10,  9,   5,   4,   1};
    size_t o = 0;
    int i;

    out[0] = '\0';
    switch (fmt) {
    case NF_NONE:
    case NF_BULLET:
        return 0;
    case NF_DECIMAL_ZERO:
        return (size_t)snprintf(out, 64, "%02d", n);
    case NF_UPPER_ROMAN:
    case NF_LOWER_ROMAN:
        if (n < 1 || n > 3999)
            break;
        for (i = 0; i < 13; i++)
            while (n >= roman_v[i]) {
                const char *r = roman[i];
                for (; *r; r++)
                    out[o++] = fmt == NF_UPPER_ROMAN ? (char)(*r - 32) : *r;
                n -= roman_v[i];
            }
        out[o] = '\0';
        return o;
    case NF_UPPER_LETTER:
    case NF_LOWER_LETTER:
        if (n < 1 || n > 26 * 20)
            break;
        for (i = 0; i <= (n - 1) / 26; i++)
            out[o++] =
                (char)((fmt == NF_UPPER_LETTER ? 'A' : 'a') + (n - 1) % 26);
        out[o] = '\0';
        return o;
    case NF_CN_COUNT:
    case NF_CN_THOUSAND:
    case NF_CN_LEGAL: {
        const char *const *dg = fmt == NF_CN_LEGAL ? legal_digit : cn_digit;
        const char *const *un = fmt == NF_CN_LEGAL ? legal_unit : cn_unit;
        int dv[4], zero = 0, lead = 1;
        if (n < 0 || n > 9999)
            break;
        if (n == 0) {
            strcpy(out, dg[0]);
            return strlen(out);
        }
        dv[0] = n / 1000;
        dv[1] = n / 100 % 10;
        dv[2] = n / 10 % 10;
        dv[3] = n % 10;
        for (i = 0; i < 4; i++) {
            if (dv[i] == 0) {
                if (!lead)
                    zero = 1;
                continue;
            }
            if (zero) {
                strcpy(out + o, fmt == NF_CN_LEGAL ? "零" : "零");
                o += strlen(out + o);
                zero = 0;
            }
            /* 十, 十一 .. 十九: no 一 in front of a leading ten */
            if (!(i == 2 && lead && dv[i] == 1 && fmt != NF_CN_LEGAL)) {
                strcpy(out + o, dg[dv[i]]);
                o += strlen(out + o);
            }
            strcpy(out + o, un[i]);
            o += strlen(out + o);
            lead = 0;
        }
        return o;
    }
    case NF_IDEO_TRAD:
        if (n < 1 || n > 10)
            break;
        strcpy(out, trad[n - 1]);
        return strlen(out);
    case NF_IDEO_ZODIAC:
        if (n < 1 || n > 12)
            break;
        strcpy(out, zodiac[n - 1]);
        return strlen(out);
    case NF_CIRCLE:
    case NF_PAREN:
    case NF_FULLSTOP: {
        uint32_t base = fmt == NF_CIRCLE  ? 0x2460
                        : fmt == NF_PAREN ? 0x2474
                                          : 0x2488;
        if (n < 1 || n > 20)
            break;
        return zk__utf8_encode(base + (uint32_t)(n - 1), out);
    }
    case NF_FULLWIDTH:
    case NF_IDEO_DIGITAL: {
        char tmp[16];
        int k, m = snprintf(tmp, sizeof(tmp), "%d", n < 0 ? 0 : n);
        for (k = 0; k < m; k++) {
            if (fmt == NF_FULLWIDTH)
                o += zk__utf8_encode(0xFF10u + (uint32_t)(tmp[k] - '0'),
                                     out + o);
            else {
                strcpy(out + o, cn_digit[tmp[k] - '0']);
                o += strlen(out + o);
            }
        }
        return o;
    }
    default:
        break;
    }
    return (size_t)snprintf(out, 64, "%d", n);
}

/* The last code point of s[0..n), or 0. */
static uint32_t last_cp(const char *s, size_t n)
{
    size_t k, l;
    uint32_t cp;

    if (n == 0)
        return 0;
    k = n - 1;
    while (k > 0 && n - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    cp = zk__utf8_decode((const unsigned char *)s + k, n - k, &l);
    return k + l == n ? cp : 0;
}

/* Render the number of a paragraph in list (num_id, ilvl) into b, counting
 * it; nothing for bullets and unknown lists. */
static int number_text(ctx *c, int num_id, int ilvl, zk__buf *b)
{
    num key, *m;
    abstract akey, *a;
    const numlvl *l;
    char tmp[64], out[160];
    size_t o = 0;
    const char *p;
    int i, rc;

    if (num_id <= 0 || ilvl < 0 || ilvl > 8 || c->n_nums == 0)
        return ZK_OK;
    key.id = num_id;
    m = bsearch(&key, c->nums, c->n_nums, sizeof(*m), num_cmp);
    if (m == NULL)
        return ZK_OK;
    akey.id = m->abstract_id;
    a = c->n_abs ? bsearch(&akey, c->abs, c->n_abs, sizeof(*a), num_cmp) : NULL;
    if (a == NULL || !a->lvl[ilvl].set)
        return ZK_OK;
    l = &a->lvl[ilvl];
    /* count */
    if (m->override[ilvl] != INT_MIN && !(m->applied & (1u << ilvl))) {
        m->applied |= 1u << ilvl;
        a->cnt[ilvl] = m->override[ilvl] - 1;
        a->started |= 1u << ilvl;
    }
    if (!(a->started & (1u << ilvl))) {
        a->cnt[ilvl] = l->start - 1;
        a->started |= 1u << ilvl;
    }
    if (a->cnt[ilvl] < 1000000)
        a->cnt[ilvl]++;
    for (i = ilvl + 1; i < 9; i++)
        a->started &= ~(1u << i);
    if (l->fmt == NF_BULLET || l->fmt == NF_NONE)
        return ZK_OK;
    /* lvlText with %1..%9 */
    for (p = l->text; *p && o + 64 < sizeof(out); p++) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            int k = p[1] - '1', v;
            size_t tl;
            v = a->started & (1u << k) ? a->cnt[k]
                                       : (a->lvl[k].set ? a->lvl[k].start : 1);
            tl = format_number(a->lvl[k].set && !l->legal ? a->lvl[k].fmt
                                                          : NF_DECIMAL,
                               v, tmp);
            memcpy(out + o, tmp, tl);
            o += tl;
            p++;
        } else {
            out[o++] = *p;
        }
    }
    if (o == 0)
        return ZK_OK;
    rc = buf_add(b, out, o);
    if (rc == ZK_OK && l->suff != 2 && !zk__rc_cjk(last_cp(out, o)))
        rc = buf_add(b, " ", 1);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Paragraph text                                                      */
/* ------------------------------------------------------------------ */

#define BRK '\n' /* a line break in the scratch text, joined at the end */

/* Where a paragraph's bold lead stands while its runs are read. */
typedef struct lead_state {
    int state; /* 0 nothing yet, 1 bold so far, 2 no lead, 3 lead found */
    size_t end;
    int para_bold; /* bold of the paragraph's style (-1 unsaid) */
    int cur;       /* bold of the current run */
} lead_state;

/* Is s[0..n) blank (spaces, tabs, breaks, NBSP, U+3000)? */
static int all_blank(const char *s, size_t n)
{
    size_t i = 0, l;

    while (i < n) {
        uint32_t cp = zk__utf8_decode((const unsigned char *)s + i, n - i, &l);
        if (!(cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
              cp == 0xA0 || cp == 0x3000))
            return 0;
        i += l;
    }
    return 1;
}

/* Text s[0..n) was added at b->n - n under the current run. */
static void lead_note(lead_state *ls, const zk__buf *b, const char *s, size_t n)
{
    if (ls == NULL || all_blank(s, n))
        return;
    switch (ls->state) {
    case 0:
        ls->state = ls->cur ? 1 : 2;
        ls->end = b->n;
        break;
    case 1:
        if (ls->cur)
            ls->end = b->n;
        else
            ls->state = 3;
        break;
    default:
        break;
    }
}

/* Add text, noting it for the lead. */
static int add_text(zk__buf *b, lead_state *ls, const char *s, size_t n)
{
    int rc = buf_add(b, s, n);
    if (rc == ZK_OK)
        lead_note(ls, b, s, n);
    return rc;
}

/* Bold of run `r` (w:rPr/w:b, else its character style, else the
 * paragraph's style). */
static int run_bold(const ctx *c, const xmlNode *r, int para_bold)
{
    const xmlNode *rpr = child(r, "rPr"), *b = child(rpr, "b");
    int v;

    if (b != NULL)
        return onoff(b);
    v = style_bold(c, child_val(rpr, "rStyle"));
    if (v >= 0)
        return v;
    return para_bold > 0;
}

/* Is `n` an element whose subtree holds no reading text? */
static int skip_elem(const xmlNode *n)
{
    static const char *const skip[] = {"pPr",
                                       "rPr",
                                       "sectPr",
                                       "tblPr",
                                       "trPr",
                                       "tcPr",
                                       "tblGrid",
                                       "delText",
                                       "instrText",
                                       "delInstrText",
                                       "footnoteReference",
                                       "endnoteReference",
                                       "footnoteRef",
                                       "endnoteRef",
                                       "commentReference",
                                       "annotationRef",
                                       "separator",
                                       "continuationSeparator",
                                       "fldData",
                                       "pict",
                                       "object"};
    size_t i;

    if (is_mc(n, "Fallback"))
        return 1;
    for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
        if (is_w(n, skip[i]))
            return 1;
    if (is_w(n, "del")) /* a deleted revision */
        return 1;
    return 0;
}

/* Append the text directly inside element `t` (w:t). */
static int text_of(zk__buf *b, lead_state *ls, const xmlNode *t)
{
    const xmlNode *k;
    int rc;

    for (k = t->children; k != NULL; k = k->next)
        if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) &&
            k->content != NULL) {
            rc = add_text(b, ls, (const char *)k->content,
                          strlen((const char *)k->content));
            if (rc != ZK_OK)
                return rc;
        }
    return ZK_OK;
}

/* Add a separator between paragraphs collected into one text: a space
 * unless the text is empty or ends in one. */
static int add_sep(zk__buf *b, char sep)
{
    if (b->n == 0 || b->p[b->n - 1] == ' ' || b->p[b->n - 1] == BRK)
        return ZK_OK;
    return buf_add(b, &sep, 1);
}

/*
 * Collect the reading text under `root` into b. In paragraph mode
 * (`all` 0) text boxes are left for later (*txbx set when there are
 * some) and the lead is tracked in ls; otherwise everything below is
 * taken - text boxes, nested paragraphs (joined by a space) and tables.
 * Walks with parent pointers: no recursion.
 */
static int collect(const ctx *c, const xmlNode *root, zk__buf *b, int all,
                   lead_state *ls, int *txbx)
{
    const xmlNode *n = root->children;
    unsigned depth = 1;
    int rc = ZK_OK;
    char u[8];

    while (n != NULL) {
        int down = 0;
        if (n->type == XML_ELEMENT_NODE && !skip_elem(n)) {
            if (is_w(n, "t")) {
                rc = text_of(b, ls, n);
            } else if (is_w(n, "tab") || is_w(n, "ptab")) {
                rc = add_text(b, ls, " ", 1);
            } else if (is_w(n, "br") || is_w(n, "cr")) {
                rc = buf_add(b, "\n", 1);
            } else if (is_w(n, "noBreakHyphen")) {
                rc = add_text(b, ls, "-", 1);
            } else if (is_w(n, "sym")) {
                const char *ch = attr(n, "char");
                unsigned long cp = ch ? strtoul(ch, NULL, 16) : 0;
                /* symbol fonts map to private use: nothing to read */
                if (cp >= 0x20 && cp <= 0x10FFFF &&
                    !(cp >= 0xE000 && cp <= 0xF8FF) &&
                    !(cp >= 0xD800 && cp <= 0xDFFF))
                    rc = add_text(b, ls, u, zk__utf8_encode((uint32_t)cp, u));
            } else if (is_w(n, "txbxContent")) {
                if (all) {
                    rc = add_sep(b, ' ');
                    down = 1;
                } else if (txbx != NULL) {
                    *txbx = 1;
                }
            } else if (is_mc(n, "Choice")) {
                /* only the first choice of an mc:AlternateContent */
                const xmlNode *pv = n->prev;
                while (pv != NULL && pv->type != XML_ELEMENT_NODE)
                    pv = pv->prev;
                down = pv == NULL || !is_mc(pv, "Choice");
            } else if (is_w(n, "p") || is_w(n, "tc")) {
                rc = add_sep(b, ' ');
                down = 1;
            } else {
                if (is_w(n, "r") && ls != NULL)
                    ls->cur = run_bold(c, n, ls->para_bold);
                down = 1;
            }
            if (rc != ZK_OK)
                return rc;
        }
        if (down && n->children != NULL && depth < ZK_X_MAX_DEPTH) {
            n = n->children;
            depth++;
            continue;
        }
        while (n != root && n->next == NULL) {
            n = n->parent;
            depth--;
        }
        if (n == root)
            break;
        n = n->next;
    }
    return ZK_OK;
}

/*
 * Join the line breaks of s[0..n) in place: nothing between two CJK
 * characters, else one space (none next to a blank). *lead (a byte
 * offset of s) is moved with the text. Returns the new length.
 */
static size_t join_breaks(char *s, size_t n, size_t *lead)
{
    size_t i = 0, o = 0, l, nl = *lead;

    while (i < n) {
        if (i == *lead)
            nl = o;
        if (s[i] == BRK || s[i] == '\r') {
            size_t j = i;
            uint32_t prev, next;
            while (j < n && (s[j] == BRK || s[j] == '\r' || s[j] == ' '))
                j++;
            if (*lead > i && *lead <= j)
                nl = o;
            prev = last_cp(s, o);
            next =
                j < n ? zk__utf8_decode((const unsigned char *)s + j, n - j, &l)
                      : 0;
            if (o > 0 && j < n && s[o - 1] != ' ' &&
                !(zk__rc_cjk(prev) && zk__rc_cjk(next)))
                s[o++] = ' ';
            i = j;
            continue;
        }
        s[o++] = s[i++];
    }
    if (*lead >= n)
        nl = o;
    *lead = nl;
    return o;
}

static int do_body(ctx *c, const xmlNode *parent, int nest);

/* One w:p: its number, runs and heading level; then its text boxes. */
static int do_para(ctx *c, const xmlNode *p, int nest)
{
    const xmlNode *ppr = child(p, "pPr"), *numpr = child(ppr, "numPr");
    const char *sid = child_val(ppr, "pStyle");
    lead_state ls;
    int level, num_id = -1, ilvl = 0, txbx = 0, rc;
    size_t lead, len;
    zk__buf *b = &c->para;

    b->n = 0;
    memset(&ls, 0, sizeof(ls));
    ls.para_bold = style_bold(c, sid);
    /* heading level: the paragraph's outline level, else its style's */
    level = outline_level(child_val(ppr, "outlineLvl"));
    if (level == 0)
        level = style_level(c, sid);
    /* numbering: the paragraph's (numId 0 turns it off), else its
     * style's */
    if (child(numpr, "numId") != NULL) {
        num_id = to_int(child_val(numpr, "numId"), -1);
        ilvl = to_int(child_val(numpr, "ilvl"), 0);
    } else if (style_num(c, sid, &num_id, &ilvl) && numpr != NULL) {
        ilvl = to_int(child_val(numpr, "ilvl"), ilvl);
    }
    rc = number_text(c, num_id, ilvl, b);
    if (rc == ZK_OK)
        rc = collect(c, p, b, 0, &ls, &txbx);
    if (rc != ZK_OK)
        return rc;
    lead = ls.state == 3 ? ls.end : 0;
    len = join_breaks(b->p ? b->p : "", b->n, &lead);
    b->n = len;
    if (level > 0)
        rc = zk__xdoc_block(c->d, ZK_XB_HEADING, level, b->p, len, 0);
    else if (len > 0)
        rc = zk__xdoc_block(c->d, ZK_XB_PARA, 0, b->p, len, lead);
    if (rc != ZK_OK || !txbx)
        return rc;
    /* the text boxes of the paragraph, as paragraphs, in order */
    {
        const xmlNode *n = p->children;
        unsigned depth = 1;
        while (n != NULL) {
            int down = 0;
            if (n->type == XML_ELEMENT_NODE && !skip_elem(n)) {
                if (is_w(n, "txbxContent")) {
                    if (nest < MAX_TXBX_NEST)
                        rc = do_body(c, n, nest + 1);
                    else {
                        b->n = 0;
                        lead = 0;
                        rc = collect(c, n, b, 1, NULL, NULL);
                        if (rc == ZK_OK) {
                            len = join_breaks(b->p ? b->p : "", b->n, &lead);
                            rc = zk__xdoc_block(c->d, ZK_XB_PARA, 0, b->p, len,
                                                0);
                        }
                    }
                    if (rc != ZK_OK)
                        return rc;
                } else if (is_mc(n, "Choice")) {
                    const xmlNode *pv = n->prev;
                    while (pv != NULL && pv->type != XML_ELEMENT_NODE)
                        pv = pv->prev;
                    down = pv == NULL || !is_mc(pv, "Choice");
                } else {
                    down = 1;
                }
            }
            if (down && n->children != NULL && depth < ZK_X_MAX_DEPTH) {
                n = n->children;
                depth++;
                continue;
            }
            while (n != p && n->next == NULL) {
                n = n->parent;
                depth--;
            }
            if (n == p)
                break;
            n = n->next;
        }
    }
    return ZK_OK;
}

/* Trim ASCII and common Unicode blanks at both ends of b in place. */
static void trim(zk__buf *b)
{
    size_t a = 0, e = b->n;

    while (a < e && (b->p[a] == ' ' || b->p[a] == '\t'))
        a++;
    while (e > a && (b->p[e - 1] == ' ' || b->p[e - 1] == '\t'))
        e--;
    if (a > 0)
        memmove(b->p, b->p + a, e - a);
    b->n = e - a;
    if (b->p != NULL)
        b->p[b->n] = '\0';
}

/* Append the cells of row `tr` (and of rows inside w:sdt) to c->table as
 * one line. */
static int do_row(ctx *c, const xmlNode *tr)
{
    const xmlNode *k;
    size_t keep; /* row length up to its last non-empty cell */
    int rc = ZK_OK, cells = 0;

    c->row.n = 0;
    keep = 0;
    for (k = tr->children; k != NULL; k = k->next) {
        const xmlNode *tc = k;
        size_t lead = 0;
        if (is_w(k, "sdt")) { /* a content control around a cell */
            const xmlNode *sc = child(k, "sdtContent");
            tc = child(sc, "tc");
        }
        if (!is_w(tc, "tc"))
            continue;
        c->cell.n = 0;
        rc = collect(c, tc, &c->cell, 1, NULL, NULL);
        if (rc != ZK_OK)
            return rc;
        c->cell.n = join_breaks(c->cell.p ? c->cell.p : "", c->cell.n, &lead);
        trim(&c->cell);
        if (cells++ > 0)
            rc = buf_add(&c->row, " | ", 3);
        if (rc == ZK_OK)
            rc = buf_add(&c->row, c->cell.p ? c->cell.p : "", c->cell.n);
        if (rc != ZK_OK)
            return rc;
        if (c->cell.n > 0)
            keep = c->row.n;
    }
    if (keep == 0)
        return ZK_OK;
    if (c->table.n > 0)
        rc = buf_add(&c->table, "\n", 1);
    if (rc == ZK_OK)
        rc = buf_add(&c->table, c->row.p, keep);
    return rc;
}

/* One w:tbl: a ZK_XB_TABLE block, one line per row. */
static int do_table(ctx *c, const xmlNode *tbl)
{
    const xmlNode *k;
    int rc = ZK_OK;

    c->table.n = 0;
    for (k = tbl->children; k != NULL && rc == ZK_OK; k = k->next) {
        if (is_w(k, "tr")) {
            rc = do_row(c, k);
        } else if (is_w(k, "sdt") || is_w(k, "customXml")) {
            const xmlNode *sc = is_w(k, "sdt") ? child(k, "sdtContent") : k;
            const xmlNode *r;
            for (r = sc ? sc->children : NULL; r != NULL && rc == ZK_OK;
                 r = r->next)
                if (is_w(r, "tr"))
                    rc = do_row(c, r);
        }
    }
    if (rc != ZK_OK || c->table.n == 0)
        return rc;
    return zk__xdoc_block(c->d, ZK_XB_TABLE, 0, c->table.p, c->table.n, 0);
}

/* One block-level element: paragraph, table, or a container of them. */
static int do_block(ctx *c, const xmlNode *n, int nest)
{
    if (is_w(n, "p"))
        return do_para(c, n, nest);
    if (is_w(n, "tbl"))
        return do_table(c, n);
    if (nest >= ZK_X_MAX_DEPTH / 4)
        return ZK_OK;
    if (is_w(n, "sdt"))
        return do_body(c, child(n, "sdtContent"), nest + 1);
    if (is_w(n, "customXml") || is_w(n, "ins") || is_w(n, "smartTag"))
        return do_body(c, n, nest + 1);
    if (is_mc(n, "AlternateContent")) {
        const xmlNode *k;
        for (k = n->children; k != NULL; k = k->next)
            if (is_mc(k, "Choice"))
                return do_body(c, k, nest + 1);
    }
    return ZK_OK;
}

/* The block-level children of `parent` (a text box, w:sdtContent, ...).
 * The nesting is bounded by `nest`. */
static int do_body(ctx *c, const xmlNode *parent, int nest)
{
    const xmlNode *k;
    int rc;

    if (parent == NULL)
        return ZK_OK;
    for (k = parent->children; k != NULL; k = k->next)
        if (k->type == XML_ELEMENT_NODE) {
            rc = do_block(c, k, nest);
            if (rc != ZK_OK)
                return rc;
        }
    return ZK_OK;
}

/* A child of w:body. */
static int on_body(ctx *c, xmlNode *n)
{
    return do_block(c, n, 0);
}

/* One footnote or endnote; `heading` comes first when the first one with
 * text is written. */
static int on_note(ctx *c, xmlNode *n, const char *heading)
{
    const char *type = attr(n, "type");
    size_t lead = 0, len;
    int rc;

    if (!is_w(n, "footnote") && !is_w(n, "endnote"))
        return ZK_OK;
    if (type != NULL && (strcmp(type, "separator") == 0 ||
                         strcmp(type, "continuationSeparator") == 0 ||
                         strcmp(type, "continuationNotice") == 0))
        return ZK_OK;
    c->para.n = 0;
    rc = collect(c, n, &c->para, 1, NULL, NULL);
    if (rc != ZK_OK)
        return rc;
    len = join_breaks(c->para.p ? c->para.p : "", c->para.n, &lead);
    c->para.n = len;
    if (all_blank(c->para.p, len))
        return ZK_OK;
    if (!c->notes_heading) {
        c->notes_heading = 1;
        rc =
            zk__xdoc_block(c->d, ZK_XB_HEADING, 1, heading, strlen(heading), 0);
        if (rc != ZK_OK)
            return rc;
    }
    return zk__xdoc_block(c->d, ZK_XB_PARA, 0, c->para.p, len, 0);
}

/* A footnote. */
static int on_footnote(ctx *c, xmlNode *n)
{
    return on_note(c, n, "注释");
}

/* An endnote. */
static int on_endnote(ctx *c, xmlNode *n)
{
    return on_note(c, n, "尾注");
}

/* ------------------------------------------------------------------ */
/* docProps/core.xml                                                   */
/* ------------------------------------------------------------------ */

/* One property of core.xml: dc:title, dc:creator, dcterms:created. */
static int on_core(ctx *c, xmlNode *n)
{
    const char *ln = (const char *)n->name;
    const xmlNode *k;
    zk__buf *b = &c->cell;
    int rc = ZK_OK;

    if (n->type != XML_ELEMENT_NODE)
        return ZK_OK;
    if (strcmp(ln, "title") != 0 && strcmp(ln, "creator") != 0 &&
        strcmp(ln, "created") != 0)
        return ZK_OK;
    b->n = 0;
    for (k = n->children; k != NULL && rc == ZK_OK; k = k->next)
        if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) &&
            k->content != NULL && b->n < 4096)
            rc = buf_str(b, (const char *)k->content);
    if (rc != ZK_OK || b->n == 0)
        return rc;
    if (strcmp(ln, "title") == 0) {
        static const char *const pfx[] = {"Microsoft Word - ",
                                          "Microsoft Word-"};
        const char *s = b->p;
        size_t len = b->n, i;
        for (i = 0; i < 2; i++)
            if (strncmp(s, pfx[i], strlen(pfx[i])) == 0) {
                s += strlen(pfx[i]);
                len -= strlen(pfx[i]);
                if (len > 5 && strcasecmp(s + len - 5, ".docx") == 0)
                    len -= 5;
                else if (len > 4 && strcasecmp(s + len - 4, ".doc") == 0)
                    len -= 4;
                break;
            }
        return zk__xdoc_prop(&c->d->title, s, len);
    }
    if (strcmp(ln, "creator") == 0)
        return zk__xdoc_prop(&c->d->author, b->p, b->n);
    /* ISO 8601: "2025-06-13T08:00:00Z" -> "2025-06-13" */
    {
        const char *s = b->p;
        size_t i = 0, n2;
        while (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')
            i++;
        s += i;
        for (n2 = 0; n2 < 4; n2++)
            if (s[n2] < '0' || s[n2] > '9')
                return ZK_OK;
        if (s[4] == '-' && s[5] >= '0' && s[5] <= '1' && s[6] >= '0' &&
            s[6] <= '9') {
            if (s[7] == '-' && s[8] >= '0' && s[8] <= '3' && s[9] >= '0' &&
                s[9] <= '9')
                return zk__xdoc_prop(&c->d->date, s, 10);
            return zk__xdoc_prop(&c->d->date, s, 7);
        }
        return zk__xdoc_prop(&c->d->date, s, 4);
    }
}

/* ------------------------------------------------------------------ */
/* The reader                                                          */
/* ------------------------------------------------------------------ */

/* What kind of file a zip without word/document.xml is, for the
 * message. */
static const char *other_kind(zip_t *za)
{
    if (zip_name_locate(za, "xl/workbook.xml", ZIP_FL_NOCASE) >= 0)
        return " (an Excel workbook, .xlsx)";
    if (zip_name_locate(za, "ppt/presentation.xml", ZIP_FL_NOCASE) >= 0)
        return " (a PowerPoint presentation, .pptx)";
    if (zip_name_locate(za, "content.xml", 0) >= 0 &&
        zip_name_locate(za, "mimetype", 0) >= 0)
        return " (an OpenDocument file, .odt/.ods/.odp)";
    return " (no word/document.xml)";
}

/* Free the tables and scratch buffers of c. */
static void ctx_free(ctx *c)
{
    size_t i;

    for (i = 0; i < c->n_styles; i++) {
        free(c->styles[i].id);
        free(c->styles[i].based);
    }
    free(c->styles);
    free(c->abs);
    free(c->nums);
    free(c->para.p);
    free(c->cell.p);
    free(c->row.p);
    free(c->table.p);
}

/* Open the zip and read every part into d. */
static int read_all(ctx *c, const char *data, size_t len)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_int64_t entries;
    int found, rc;

    zip_error_init(&ze);
    src = zip_source_buffer_create(len ? data : NULL, len, 0, &ze);
    if (src == NULL) {
        zip_error_fini(&ze);
        return zk__error_oom();
    }
    c->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (c->za == NULL) {
        int code = zip_error_code_zip(&ze);
        zip_source_free(src);
        if (len >= 8 &&
            memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
            rc = zk__error(ZK_EFORMAT,
                           "%s: not a Word document: an old binary Word file "
                           "(.doc, OLE2); save it as .docx",
                           c->name);
        else if (code == ZIP_ER_NOZIP && len >= 5 &&
                 memcmp(data, "%PDF-", 5) == 0)
            rc = zk__error(ZK_EFORMAT, "%s: not a Word document: a PDF file",
                           c->name);
        else if (code == ZIP_ER_NOZIP && len >= 2 && memcmp(data, "PK", 2) == 0)
            rc = zk__error(ZK_EFORMAT,
                           "%s: not a Word document: corrupt zip archive (no "
                           "central directory: damaged or truncated)",
                           c->name);
        else if (code == ZIP_ER_NOZIP)
            rc = zk__error(ZK_EFORMAT,
                           "%s: not a Word document: not a zip archive",
                           c->name);
        else if (code == ZIP_ER_MEMORY)
            rc = zk__error_oom();
        else
            rc = zk__error(ZK_EFORMAT,
                           "%s: not a Word document: corrupt zip archive (%s)",
                           c->name, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    entries = zip_get_num_entries(c->za, 0);
    if (entries > ZK_X_MAX_ZIP_ENTRIES)
        return zk__error(ZK_EFORMAT,
                         "%s: not a Word document: zip archive with %lld "
                         "entries (more than %u: a zip bomb?)",
                         c->name, (long long)entries,
                         (unsigned)ZK_X_MAX_ZIP_ENTRIES);
    if (zip_name_locate(c->za, "word/document.xml", ZIP_FL_NOCASE) < 0)
        return zk__error(ZK_EFORMAT, "%s: not a Word document%s", c->name,
                         other_kind(c->za));

    rc = parse_part(c, "word/styles.xml", 0, on_style, 1, &found);
    if (rc != ZK_OK)
        return rc;
    if (c->n_styles > 1) {
        /* sorted by id; the first of equal ids is kept by bsearch's
         * luck only, which is fine for a broken file */
        qsort(c->styles, c->n_styles, sizeof(*c->styles), style_cmp);
    }
    rc = parse_part(c, "word/numbering.xml", 0, on_numbering, 1, &found);
    if (rc != ZK_OK)
        return rc;
    if (c->n_nums > 1)
        qsort(c->nums, c->n_nums, sizeof(*c->nums), num_cmp);
    if (c->n_abs > 1)
        qsort(c->abs, c->n_abs, sizeof(*c->abs), num_cmp);
    rc = parse_part(c, "word/document.xml", 1, on_body, 0, &found);
    if (rc != ZK_OK)
        return rc;
    c->notes_heading = 0;
    rc = parse_part(c, "word/footnotes.xml", 0, on_footnote, 1, &found);
    if (rc != ZK_OK)
        return rc;
    c->notes_heading = 0;
    rc = parse_part(c, "word/endnotes.xml", 0, on_endnote, 1, &found);
    if (rc != ZK_OK)
        return rc;
    return parse_part(c, "docProps/core.xml", 0, on_core, 1, &found);
}

int zk__read_docx(zk__xdoc *d, const char *data, size_t len, const char *name)
{
    ctx c;
    int rc;

    if (name == NULL)
        name = "(docx)";
    pthread_once(&xml_once, xml_init);
    memset(&c, 0, sizeof(c));
    c.name = name;
    c.d = d;
    rc = read_all(&c, data, len);
    if (c.za != NULL)
        zip_discard(c.za);
    ctx_free(&c);
    if (rc != ZK_OK) {
        /* messages raised without the file name (the text cap) */
        const zk_error *e = zk_error_last();
        if (e != NULL && e->message != NULL &&
            strncmp(e->message, name, strlen(name)) != 0 && rc != ZK_ENOMEM) {
            char msg[256];
            snprintf(msg, sizeof(msg), "%s", e->message);
            rc = zk__error(rc, "%s: %s", name, msg);
        }
        zk__xdoc_clear(d);
    }
    return rc;
}
