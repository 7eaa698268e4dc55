/* index_docs.c - a report's Xapian documents: one per passage, and its
 * record.
 *
 * A passage's document holds the literal layer and the word terms of its
 * text (terms.h: the rules the searcher shares), the section words and the
 * literals of its heading trail, the report's filter terms, and its
 * passage record as data (record.h). The report's record document holds
 * its title words and the report record. Terms have no positions: the
 * searcher scores proximity from the passage text. The term callbacks run
 * once per token or term, so they write straight into the document.
 *
 * A builder is per thread: its segmenter, normalisation buffer and
 * scratch are reused from one document to the next. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_impl.h"
#include "normalize_internal.h"
#include "read.h"
#include "record.h"
#include "terms.h"

/* Longest metadata kept in a report's record, in characters. */
#define ZK_MAX_TITLE_CHARS 256
#define ZK_MAX_FIELD_CHARS 512
#define ZK_MAX_ABSTRACT_CHARS 4096
/* Longest heading trail kept with a passage, in characters (real ones are
 * under 200). */
#define ZK_MAX_TRAIL_CHARS 1024

/* Word terms, counted (wdf) but without positions: Xapian's write cost and
 * half of an index's size are positions, and proximity is scored at query
 * time from the passage text instead. Words of one or two characters (most
 * Chinese words) are not stored again: the literal layer holds each
 * character and character pair, and the searcher ranks such words by those
 * terms (docs/indexing.md). */
static int word_cb(const zk_token *t, void *payload)
{
    builder *b = payload;

    if (!zk__term_is_word(t) || !zk__word_has_own_term(t->text, t->len))
        return 0;
    b->rc = zk__xdoc_term(b->doc, t->text, t->len, 1);
    return b->rc != ZK_OK;
}

/* Prefixed, unpositioned word terms (trail, title). */
static int prefixed_cb(const zk_token *t, void *payload)
{
    builder *b = payload;

    if (!zk__term_is_word(t))
        return 0;
    b->term.n = 0;
    b->rc = zk__ix_buf_str(&b->term, b->prefix);
    if (b->rc == ZK_OK)
        b->rc = zk__buf_add(&b->term, t->text, t->len);
    if (b->rc == ZK_OK)
        b->rc = zk__xdoc_term(b->doc, b->term.p, b->term.n, 1);
    return b->rc != ZK_OK;
}

static int literal_cb(const char *term, size_t len, void *payload)
{
    builder *b = payload;

    return zk__xdoc_term(b->doc, term, len, 1);
}

static int literal_filter_cb(const char *term, size_t len, void *payload)
{
    builder *b = payload;

    return zk__xdoc_boolean(b->doc, term, len);
}

/* The literal layer (terms.h), without positions; counted (wdf) when
 * `counted`, else as filter terms. It decides which passages match
 * (docs/indexing.md), and its counts give a ranking signal that does not
 * depend on segmentation. */
static int add_literals(builder *b, const char *s, size_t n, int counted)
{
    return zk__literal_terms(s, n, counted ? literal_cb : literal_filter_cb, b);
}

static int cut_into(builder *b, const char *s, size_t n, zk_token_cb cb)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    int rc;

    o.mode = ZK_SEG_SEARCH;
    b->rc = ZK_OK;
    rc = zk_seg_cut(b->seg, s, n, &o, cb, b);
    return b->rc != ZK_OK ? b->rc : rc;
}

/* The folder terms and values shared by a report's passages. */
static int add_common(builder *b, const job *j, const zk__report *rep)
{
    char buf[64];
    int rc;

    snprintf(buf, sizeof(buf), "%s%s", ZK_P_REPORT, j->id);
    rc = zk__xdoc_boolean(b->doc, buf, strlen(buf));
    if (rc == ZK_OK)
        rc = zk__xdoc_boolean(b->doc, ZK_T_PASSAGE, 2);
    if (rc == ZK_OK && rep->year > 0) {
        snprintf(buf, sizeof(buf), "%s%04d", ZK_P_YEAR, rep->year);
        rc = zk__xdoc_boolean(b->doc, buf, strlen(buf));
    }
    return rc;
}

/* Bytes of the first `max` characters of UTF-8 string s (all of it when it
 * is shorter). */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t i = 0, chars = 0;

    while (s[i] != '\0' && chars < max) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return i;
}

/* The bytes of `s` kept as a passage's trail: at most ZK_MAX_TRAIL_CHARS
 * characters. Every passage under a heading stores its trail, so a
 * "heading" that is really a whole document (a line of 400,000 characters
 * after "## ") would be stored, normalised and segmented again for each of
 * them; *cut is set when the trail is longer (shown with "…"). */
static size_t trail_bytes(const char *s, int *cut)
{
    size_t i = utf8_prefix(s, ZK_MAX_TRAIL_CHARS);

    *cut = s[i] != '\0';
    return i;
}

int zk__ix_build_passage(builder *b, const job *j, const zk__report *rep,
                         const zk__passage *p, zk__buf *data)
{
    int cut, rc = zk__xdoc_new(&b->doc);
    size_t tlen = trail_bytes(p->trail, &cut);

    if (rc != ZK_OK)
        return rc;
    rc = add_common(b, j, rep);
    /* the heading trail first: its section words, and its literals as
     * filter terms (wdf 0), so that literal counts are the text's alone */
    if (rc == ZK_OK && p->trail[0] != '\0') {
        rc = zk__normalize_into(&b->norm, &b->norm_cap, p->trail, tlen);
        b->prefix = ZK_P_SECTION;
        if (rc == ZK_OK)
            rc = cut_into(b, b->norm.text, b->norm.len, prefixed_cb);
        if (rc == ZK_OK)
            rc = add_literals(b, b->norm.text, b->norm.len, 0);
    }
    /* the text: words and counted literals */
    if (rc == ZK_OK)
        rc = zk__normalize_into(&b->norm, &b->norm_cap, p->text, p->text_len);
    if (rc == ZK_OK)
        rc = cut_into(b, b->norm.text, b->norm.len, word_cb);
    if (rc == ZK_OK)
        rc = add_literals(b, b->norm.text, b->norm.len, 1);
    /* data: the passage record */
    if (rc == ZK_OK) {
        zk__passage_rec pr = {0};
        snprintf(pr.rid, sizeof(pr.rid), "%s", j->id);
        pr.ordinal = (unsigned)p->ordinal;
        pr.line = (unsigned)p->line;
        pr.start = p->start;
        pr.end = p->end;
        pr.page_start = (unsigned)p->page_start;
        pr.page_end = (unsigned)p->page_end;
        pr.trail = p->trail;
        pr.trail_len = tlen;
        pr.text = p->text;
        pr.text_len = p->text_len;
        data->n = 0;
        rc = zk__passage_encode(data, &pr, cut);
        if (rc == ZK_OK)
            rc = zk__xdoc_data(b->doc, data->p, data->n);
    }
    if (rc != ZK_OK) {
        zk__xdoc_free(b->doc);
        b->doc = NULL;
    }
    return rc;
}

static void hash_hex(const unsigned char h[16], char out[33])
{
    static const char hex[] = "0123456789abcdef";
    int i;

    for (i = 0; i < 16; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[32] = '\0';
}

int zk__ix_build_record(builder *b, const job *j, const zk__report *rep,
                        const result *res, zk__buf *data)
{
    const unsigned char *hash = res->hash;
    const char *encoding = res->encoding;
    size_t n_passages = rep != NULL ? rep->n_passages : 0;

    char num[64], hex[33], *folder;
    int rc = zk__xdoc_new(&b->doc);

    if (rc != ZK_OK)
        return rc;
    snprintf(num, sizeof(num), "%s%s", ZK_P_UNIQUE, j->id);
    rc = zk__xdoc_boolean(b->doc, num, strlen(num));
    if (rc == ZK_OK)
        rc = zk__xdoc_boolean(b->doc, ZK_T_RECORD, 2);
    data->n = 0;
    /* title words, for ranking passages of reports whose title matches */
    if (rc == ZK_OK && rep != NULL && rep->title != NULL) {
        rc = zk__normalize_into(&b->norm, &b->norm_cap, rep->title,
                                strlen(rep->title));
        b->prefix = ZK_P_TITLE;
        if (rc == ZK_OK)
            rc = cut_into(b, b->norm.text, b->norm.len, prefixed_cb);
    }
    if (rc == ZK_OK)
        rc = zk__ix_buf_str(data, ZK_RECORD_MAGIC);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "id", j->id);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "path", j->path);
    folder = zk__ix_strdup(j->path);
    if (folder != NULL && strrchr(folder, '/') != NULL)
        *strrchr(folder, '/') = '\0';
    if (rc == ZK_OK)
        rc = zk__record_add(data, "folder", folder);
    free(folder);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)j->size);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "size", num);
    snprintf(num, sizeof(num), "%lld", (long long)j->mtime_ns);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "mtime_ns", num);
    hash_hex(hash, hex);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "hash", hex);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "encoding", encoding);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "format", zk__format_name(res->format));
    snprintf(num, sizeof(num), "%zu", n_passages);
    if (rc == ZK_OK)
        rc = zk__record_add(data, "passages", num);
    if (rc == ZK_OK && rep != NULL) {
        rc = zk__record_add(data, "title", rep->title);
        if (rc == ZK_OK)
            rc = zk__record_add(data, "date", rep->date);
        if (rc == ZK_OK && rep->year > 0) {
            snprintf(num, sizeof(num), "%d", rep->year);
            rc = zk__record_add(data, "year", num);
        }
        if (rc == ZK_OK)
            rc = zk__record_add(data, "author", rep->author);
        if (rc == ZK_OK)
            rc = zk__record_add(data, "org", rep->org);
        if (rc == ZK_OK)
            rc = zk__record_add(data, "keywords", rep->keywords);
        if (rc == ZK_OK)
            rc = zk__record_add(data, "abstract", rep->abstract);
        if (rc == ZK_OK)
            rc = zk__record_add(data, "docno", rep->docno);
    }
    if (rc == ZK_OK)
        rc = zk__xdoc_data(b->doc, data->p, data->n);
    if (rc != ZK_OK) {
        zk__xdoc_free(b->doc);
        b->doc = NULL;
    }
    return rc;
}

static void apply_overrides(zk__report *rep, const zk_report_input *in)
{
    if (in == NULL)
        return;
    if (in->title != NULL) {
        free(rep->title);
        rep->title = zk__ix_strdup(in->title);
    }
    if (in->author != NULL) {
        free(rep->author);
        rep->author = zk__ix_strdup(in->author);
    }
    if (in->date != NULL) {
        free(rep->date);
        rep->date = zk__ix_strdup(in->date);
        rep->year = atoi(in->date);
    }
}

/* Cut a metadata field to at most `max` characters (at a character
 * boundary, marked with "…"). A plain text file's title is its first line,
 * which may be the whole file: the record, the title terms and every hit
 * that shows the title would otherwise carry all of it. */
static void clamp_field(char *s, size_t max)
{
    size_t i;

    if (s == NULL)
        return;
    i = utf8_prefix(s, max);
    if (strlen(s + i) > 3) /* else the ellipsis would be no shorter */
        memcpy(s + i, "\xe2\x80\xa6", 4);
}

static void clamp_metadata(zk__report *rep)
{
    clamp_field(rep->title, ZK_MAX_TITLE_CHARS);
    clamp_field(rep->author, ZK_MAX_FIELD_CHARS);
    clamp_field(rep->org, ZK_MAX_FIELD_CHARS);
    clamp_field(rep->keywords, ZK_MAX_FIELD_CHARS);
    clamp_field(rep->docno, ZK_MAX_FIELD_CHARS);
    clamp_field(rep->abstract, ZK_MAX_ABSTRACT_CHARS);
}

void zk__ix_prepare_metadata(zk__report *rep, const zk_report_input *in)
{
    apply_overrides(rep, in);
    clamp_metadata(rep);
}

void zk__ix_builder_release(builder *b)
{
    zk__norm_release(&b->norm);
    free(b->term.p);
    zk__xdoc_free(b->doc);
}
