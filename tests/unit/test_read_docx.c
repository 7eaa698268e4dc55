/* test_read_docx.c - the Word .docx reader (zk__read_docx) on generated
 * documents whose ground truth is known
 *
 * $ZK_FORMATS_DIR (filled by tests/formats/gen_all.py) holds seed.docx and
 * c1..c5.docx made by tests/formats/gen_docx.py from the seed paper and a
 * sample of the corpus, each with NAME.blocks.json (the source blocks) and
 * NAME.docx.json (the generator's record), and the variants
 * seed-cnstyles.docx (heading styles named "标题 N"), seed-outline.docx
 * (outline levels on Normal paragraphs) and seed-notes.docx (footnotes).
 * Each is read back and compared block by block with its source: kinds,
 * heading levels, text (whitespace removed) and bold leads; then the core
 * properties. Small documents built here with libzip cover what
 * python-docx does not write (numbering, breaks, fields, revisions, text
 * boxes, content controls, nested tables). The bad inputs of
 * tests/formats/bad_docx.py must fail fast with a message naming the file
 * and the cause.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "extract.h"

#ifndef ZK_TEST_SRC
#error "ZK_TEST_SRC must point at tests/"
#endif

#define PY "/usr/bin/python3"

/* seconds a bad input may take to be refused (sanitizers slow it down,
 * and the machine may be shared) */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW 2.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW 2.0
#endif
#endif
#ifndef SLOW
#define SLOW 0.5
#endif

/* ---- a small JSON reader, for blocks.json and the records ------------- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
    int type;
    double num;
    char *str;        /* J_STR; also the key in an object's member */
    struct jv *items; /* J_ARR, J_OBJ (members carry `key`) */
    size_t n;
    char *key;
} jv;

typedef struct jp {
    const char *s;
    size_t i, n;
} jp;

static void j_ws(jp *p)
{
    while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) != NULL)
        p->i++;
}

static void j_put(char **o, size_t *on, uint32_t cp)
{
    char u[4];
    size_t l;

    if (cp < 0x80) {
        u[0] = (char)cp;
        l = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        l = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        l = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        l = 4;
    }
    memcpy(*o + *on, u, l);
    *on += l;
}

static char *j_string(jp *p)
{
    char *o = malloc(p->n - p->i + 8);
    size_t on = 0;

    assert_non_null(o);
    assert_true(p->s[p->i] == '"');
    p->i++;
    while (p->i < p->n && p->s[p->i] != '"') {
        char ch = p->s[p->i++];
        if (ch != '\\') {
            o[on++] = ch;
            continue;
        }
        ch = p->s[p->i++];
        switch (ch) {
        case 'n':
            o[on++] = '\n';
            break;
        case 't':
            o[on++] = '\t';
            break;
        case 'r':
            o[on++] = '\r';
            break;
        case 'b':
            o[on++] = '\b';
            break;
        case 'f':
            o[on++] = '\f';
            break;
        case 'u': {
            uint32_t cp =
                (uint32_t)strtoul((char[]){p->s[p->i], p->s[p->i + 1],
                                           p->s[p->i + 2], p->s[p->i + 3], 0},
                                  NULL, 16);
            p->i += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && p->s[p->i] == '\\') {
                uint32_t lo = (uint32_t)strtoul(
                    (char[]){p->s[p->i + 2], p->s[p->i + 3], p->s[p->i + 4],
                             p->s[p->i + 5], 0},
                    NULL, 16);
                p->i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            j_put(&o, &on, cp);
            break;
        }
        default:
            o[on++] = ch;
        }
    }
    p->i++;
    o[on] = '\0';
    return o;
}

static void j_value(jp *p, jv *v)
{
    memset(v, 0, sizeof(*v));
    j_ws(p);
    assert_true(p->i < p->n);
    if (p->s[p->i] == '"') {
        v->type = J_STR;
        v->str = j_string(p);
    } else if (p->s[p->i] == '[' || p->s[p->i] == '{') {
        int obj = p->s[p->i] == '{';
        size_t cap = 0;
        v->type = obj ? J_OBJ : J_ARR;
        p->i++;
        for (;;) {
            j_ws(p);
            if (p->s[p->i] == (obj ? '}' : ']')) {
                p->i++;
                break;
            }
            if (p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (v->n == cap) {
                cap = cap ? 2 * cap : 8;
                v->items = realloc(v->items, cap * sizeof(jv));
                assert_non_null(v->items);
            }
            if (obj) {
                char *k = j_string(p);
                j_ws(p);
                assert_true(p->s[p->i] == ':');
                p->i++;
                j_value(p, &v->items[v->n]);
                v->items[v->n].key = k;
            } else {
                j_value(p, &v->items[v->n]);
            }
            v->n++;
        }
    } else if (strncmp(p->s + p->i, "true", 4) == 0) {
        v->type = J_BOOL;
        v->num = 1;
        p->i += 4;
    } else if (strncmp(p->s + p->i, "false", 5) == 0) {
        v->type = J_BOOL;
        p->i += 5;
    } else if (strncmp(p->s + p->i, "null", 4) == 0) {
        v->type = J_NULL;
        p->i += 4;
    } else {
        char *end;
        v->type = J_NUM;
        v->num = strtod(p->s + p->i, &end);
        assert_true(end > p->s + p->i);
        p->i = (size_t)(end - p->s);
    }
}

static void j_free(jv *v)
{
    size_t i;

    for (i = 0; i < v->n; i++)
        j_free(&v->items[i]);
    free(v->items);
    free(v->str);
    free(v->key);
}

static jv j_load(const char *path)
{
    size_t n;
    char *s = tu_slurp(path, &n);
    jp p = {s, 0, n};
    jv v;

    j_value(&p, &v);
    free(s);
    return v;
}

static const jv *j_get(const jv *o, const char *key)
{
    size_t i;

    if (o == NULL || o->type != J_OBJ)
        return NULL;
    for (i = 0; i < o->n; i++)
        if (strcmp(o->items[i].key, key) == 0)
            return &o->items[i];
    return NULL;
}

static const char *j_str(const jv *o, const char *key)
{
    const jv *v = j_get(o, key);
    return v != NULL && v->type == J_STR ? v->str : NULL;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *formats_dir(void)
{
    const char *d = getenv("ZK_FORMATS_DIR");
    if (d == NULL || d[0] == '\0')
        fail_msg("ZK_FORMATS_DIR is not set (run the formats_generate "
                 "fixture or tests/formats/gen_all.py)");
    return d;
}

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static int exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Read a .docx file into d, asserting success. */
static void read_ok(zk__xdoc *d, const char *path)
{
    size_t n;
    char *data = tu_slurp(path, &n);
    int rc;

    zk__xdoc_init(d);
    rc = zk__read_docx(d, data, n, path);
    if (rc != ZK_OK)
        fail_msg("%s: %d %s", path, rc, zk_error_last()->message);
    free(data);
}

/* s without blanks (ASCII whitespace, NBSP, U+3000), malloc'ed. */
static char *squeeze(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    size_t i = 0, k = 0;

    assert_non_null(o);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            i += 2;
        } else if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   (unsigned char)s[i + 2] == 0x80) {
            i += 3;
        } else {
            o[k++] = s[i++];
        }
    }
    o[k] = '\0';
    return o;
}

/* A source block's expected text: tables as " | " rows without empty
 * cells (what the builder keeps). malloc'ed. */
static char *block_text(const jv *b)
{
    const char *kind = j_str(b, "kind");
    size_t cap = 64, n = 0, r, c;
    char *o;

    if (strcmp(kind, "table") != 0) {
        const char *t = j_str(b, "text");
        o = malloc(strlen(t) + 1);
        assert_non_null(o);
        strcpy(o, t);
        return o;
    }
    {
        const jv *rows = j_get(b, "rows");
        for (r = 0; r < rows->n; r++)
            for (c = 0; c < rows->items[r].n; c++)
                cap += strlen(rows->items[r].items[c].str) + 4;
        o = malloc(cap);
        assert_non_null(o);
        for (r = 0; r < rows->n; r++) {
            int cells = 0;
            for (c = 0; c < rows->items[r].n; c++) {
                const char *t = rows->items[r].items[c].str;
                char *sq = squeeze(t, strlen(t));
                int empty = sq[0] == '\0';
                free(sq);
                if (empty)
                    continue;
                if (cells++ == 0 && n > 0)
                    o[n++] = '\n';
                else if (cells > 1)
                    n += (size_t)sprintf(o + n, " | ");
                n += (size_t)sprintf(o + n, "%s", t);
            }
        }
        o[n] = '\0';
    }
    return o;
}

/* Characters (code points) of s. */
static size_t nchars(const char *s)
{
    size_t k = 0;
    for (; *s; s++)
        k += ((unsigned char)*s & 0xC0) != 0x80;
    return k;
}

/*
 * Compare the document with the source blocks `src` (then, when `notes`,
 * a heading 注释 and the record's footnotes): the whole text without
 * blanks (>= 99.5% of characters alike: common prefix plus suffix), and
 * block by block kind, level, text and lead.
 */
static void check_against(const zk__xdoc *d, const jv *src, const jv *notes,
                          const char *what)
{
    size_t i, want_n = src->n + (notes && notes->n ? notes->n + 1 : 0);
    size_t cap = 1, n = 0, pre = 0, suf = 0, la, lb;
    char *want, *got, *all;

    /* whole text */
    for (i = 0; i < src->n; i++) {
        char *t = block_text(&src->items[i]);
        cap += strlen(t) + 1;
        free(t);
    }
    for (i = 0; notes && i < notes->n; i++)
        cap += strlen(notes->items[i].str) + 16;
    all = malloc(cap + 16);
    assert_non_null(all);
    for (i = 0; i < src->n; i++) {
        char *t = block_text(&src->items[i]);
        n += (size_t)sprintf(all + n, "%s\n", t);
        free(t);
    }
    if (notes && notes->n) {
        n += (size_t)sprintf(all + n, "注释\n");
        for (i = 0; i < notes->n; i++)
            n += (size_t)sprintf(all + n, "%s\n", notes->items[i].str);
    }
    want = squeeze(all, n);
    got = squeeze(d->text ? d->text : "", d->len);
    la = strlen(want);
    lb = strlen(got);
    while (pre < la && pre < lb && want[pre] == got[pre])
        pre++;
    while (suf < la - pre && suf < lb - pre &&
           want[la - 1 - suf] == got[lb - 1 - suf])
        suf++;
    {
        char save = want[pre];
        size_t same,
            total = nchars(want) > nchars(got) ? nchars(want) : nchars(got);
        want[pre] = '\0';
        same = nchars(want);
        want[pre] = save;
        same += nchars(want + la - suf);
        if (total > 0 && (double)same / (double)total < 0.995)
            fail_msg("%s: text differs from %zu: want \"%.60s\" got "
                     "\"%.60s\"",
                     what, pre, want + pre, got + pre);
    }
    free(want);
    free(got);
    free(all);

    /* block by block */
    if (d->n_blocks != want_n)
        fail_msg("%s: %zu blocks, want %zu", what, d->n_blocks, want_n);
    for (i = 0; i < d->n_blocks; i++) {
        const zk__xblock *b = &d->blocks[i];
        char *g = squeeze(d->text + b->start, b->end - b->start);
        const char *kind;
        int level = 0;
        char *t, *w;
        const char *lead = "";

        if (i < src->n) {
            const jv *s = &src->items[i];
            kind = j_str(s, "kind");
            t = block_text(s);
            if (strcmp(kind, "heading") == 0)
                level = (int)j_get(s, "level")->num;
            if (j_str(s, "lead") != NULL)
                lead = j_str(s, "lead");
        } else if (i == src->n) {
            kind = "heading";
            level = 1;
            t = strdup("注释");
        } else {
            kind = "para";
            t = strdup(notes->items[i - src->n - 1].str);
        }
        w = squeeze(t, strlen(t));
        if (strcmp(g, w) != 0)
            fail_msg("%s: block %zu: got \"%.80s\" want \"%.80s\"", what, i, g,
                     w);
        if (strcmp(kind, "heading") == 0) {
            if (b->kind != ZK_XB_HEADING || b->level != level)
                fail_msg("%s: block %zu \"%.40s\": kind %d level %d, want "
                         "heading %d",
                         what, i, g, b->kind, b->level, level);
        } else if (strcmp(kind, "table") == 0) {
            assert_int_equal(b->kind, ZK_XB_TABLE);
            /* rows on lines, cells split by " | " exactly as written */
            assert_int_equal(b->end - b->start, strlen(t));
            assert_memory_equal(d->text + b->start, t, strlen(t));
        } else {
            assert_int_equal(b->kind, ZK_XB_PARA);
            if (lead[0] != '\0') {
                if (b->lead != strlen(lead) ||
                    memcmp(d->text + b->start, lead, b->lead) != 0)
                    fail_msg("%s: block %zu: lead %zu bytes \"%.*s\", want "
                             "\"%s\"",
                             what, i, b->lead, (int)b->lead, d->text + b->start,
                             lead);
            } else if (b->lead != 0) {
                fail_msg("%s: block %zu: lead %zu where none", what, i,
                         b->lead);
            }
        }
        free(g);
        free(w);
        free(t);
    }
    assert_int_equal(d->n_pages, 0);
}

/* Read NAME.docx of the formats directory and check it against
 * BLOCKS.blocks.json and its record. */
static void check_fixture(const char *name, const char *blocks, int notes)
{
    const char *dir = formats_dir();
    char file[256], bj[256], rj[256];
    char *fp, *bp, *rp;
    jv src, rec;
    zk__xdoc d;
    const jv *meta;

    snprintf(file, sizeof(file), "%s.docx", name);
    snprintf(bj, sizeof(bj), "%s.blocks.json", blocks);
    snprintf(rj, sizeof(rj), "%s.docx.json", name);
    fp = path_in(dir, file);
    bp = path_in(dir, bj);
    rp = path_in(dir, rj);
    if (!exists(fp))
        fail_msg("%s is missing (gen_all.py writes it)", fp);
    src = j_load(bp);
    rec = j_load(rp);
    assert_int_equal(src.type, J_ARR);
    read_ok(&d, fp);
    check_against(&d, &src, notes ? j_get(&rec, "footnotes") : NULL, fp);
    if (notes)
        assert_true(j_get(&rec, "footnotes")->n >= 1);
    /* core properties */
    meta = j_get(&rec, "meta");
    assert_non_null(meta);
    if (j_str(meta, "title") && j_str(meta, "title")[0])
        assert_string_equal(d.title, j_str(meta, "title"));
    if (j_str(meta, "author") && j_str(meta, "author")[0])
        assert_string_equal(d.author, j_str(meta, "author"));
    if (j_str(meta, "date") && strlen(j_str(meta, "date")) == 10)
        assert_string_equal(d.date, j_str(meta, "date"));
    zk__xdoc_clear(&d);
    j_free(&src);
    j_free(&rec);
    free(fp);
    free(bp);
    free(rp);
}

/* ---- the generated fixtures -------------------------------------------- */

static void test_seed(void **state)
{
    (void)state;
    check_fixture("seed", "seed", 0);
}

static void test_cnstyles(void **state)
{
    (void)state;
    check_fixture("seed-cnstyles", "seed", 0);
}

static void test_outline(void **state)
{
    (void)state;
    check_fixture("seed-outline", "seed", 0);
}

static void test_notes(void **state)
{
    (void)state;
    check_fixture("seed-notes", "seed", 1);
}

static void test_corpus(void **state)
{
    const char *dir = formats_dir();
    int k, seen = 0;
    (void)state;

    for (k = 1; k <= 5; k++) {
        char name[8], file[16];
        char *fp;
        snprintf(name, sizeof(name), "c%d", k);
        snprintf(file, sizeof(file), "c%d.docx", k);
        fp = path_in(dir, file);
        if (exists(fp)) {
            check_fixture(name, name, 0);
            seen++;
        }
        free(fp);
    }
    assert_true(seen >= 1);
}

/* ---- small documents built here --------------------------------------- */

#define W_DECL                                                                 \
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"       \
    "main\" xmlns:mc=\"http://schemas.openxmlformats.org/"                     \
    "markup-compatibility/2006\""

/* A zip of the given (name, XML) pairs, NULL-terminated; *len set. */
static char *make_zip(size_t *len, const char *const *parts)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_stat_t st;
    char *out;
    int i;

    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    for (i = 0; parts[i] != NULL; i += 2) {
        zip_source_t *s =
            zip_source_buffer(za, parts[i + 1], strlen(parts[i + 1]), 0);
        assert_non_null(s);
        assert_true(zip_file_add(za, parts[i], s, 0) >= 0);
    }
    assert_int_equal(zip_close(za), 0);
    zip_stat_init(&st);
    assert_int_equal(zip_source_stat(src, &st), 0);
    assert_int_equal(zip_source_open(src), 0);
    out = malloc(st.size);
    assert_non_null(out);
    assert_int_equal(zip_source_read(src, out, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = st.size;
    return out;
}

/* Read the zip of `parts` into d, asserting success. */
static void read_parts(zk__xdoc *d, const char *const *parts)
{
    size_t n;
    char *z = make_zip(&n, parts);
    int rc;

    zk__xdoc_init(d);
    rc = zk__read_docx(d, z, n, "small.docx");
    if (rc != ZK_OK)
        fail_msg("small.docx: %s", zk_error_last()->message);
    free(z);
}

/* Block i's text as a NUL-terminated copy in buf. */
static const char *blk(const zk__xdoc *d, size_t i, char *buf, size_t cap)
{
    size_t n;

    assert_true(i < d->n_blocks);
    n = d->blocks[i].end - d->blocks[i].start;
    assert_true(n < cap);
    memcpy(buf, d->text + d->blocks[i].start, n);
    buf[n] = '\0';
    return buf;
}

static const char styles_xml[] =
    "<w:styles " W_DECL ">"
    "<w:style w:type=\"paragraph\" w:styleId=\"a1\"><w:name w:val=\"标题 "
    "1\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"a2\"><w:name w:val=\"My "
    "Head\"/><w:basedOn w:val=\"a3\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"a3\"><w:name w:val=\"Base\"/>"
    "<w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name "
    "w:val=\"Title\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"H2\"><w:name w:val=\"heading "
    "2\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr>"
    "</w:style>"
    "<w:style w:type=\"character\" w:styleId=\"Strong\"><w:name "
    "w:val=\"Strong\"/><w:rPr><w:b/></w:rPr></w:style>"
    "</w:styles>";

static const char numbering_xml[] =
    "<w:numbering " W_DECL ">"
    "<w:abstractNum w:abstractNumId=\"5\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt "
    "w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/></w:lvl>"
    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt "
    "w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%2）\"/></w:lvl>"
    "<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt "
    "w:val=\"decimal\"/><w:lvlText w:val=\"%1.%3\"/><w:isLgl/></w:lvl>"
    "</w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"6\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"9\"/><w:numFmt "
    "w:val=\"decimalEnclosedCircle\"/><w:lvlText w:val=\"%1\"/>"
    "<w:suff w:val=\"nothing\"/></w:lvl></w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"7\">"
    "<w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText "
    "w:val=\"\xef\x82\xb7\"/></w:lvl></w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"8\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt "
    "w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
    "</w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"5\"/></w:num>"
    "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"6\"/></w:num>"
    "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"7\"/></w:num>"
    "<w:num w:numId=\"4\"><w:abstractNumId w:val=\"8\"/></w:num>"
    "<w:num w:numId=\"9\"><w:abstractNumId w:val=\"5\"/><w:lvlOverride "
    "w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>"
    "</w:numbering>";

#define P(ppr, runs) "<w:p><w:pPr>" ppr "</w:pPr>" runs "</w:p>"
#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define NUM(id, lvl)                                                           \
    "<w:numPr><w:ilvl w:val=\"" #lvl "\"/><w:numId w:val=\"" #id               \
    "\"/></w:numPr>"

static void test_numbering_styles(void **state)
{
    static const char doc[] =
        "<w:document " W_DECL
        "><w:body>" P("<w:pStyle w:val=\"H2\"/>", R("总体要求")) /* 0 */
        P(NUM(1, 1), R("稳中求进"))                              /* 1 */
        P(NUM(1, 1), R("先立后破"))                              /* 2 */
        P(NUM(1, 2), R("数字"))                                  /* 3 */
        P("<w:pStyle w:val=\"H2\"/>", R("主要任务"))             /* 4 */
        P(NUM(1, 1), R("扩大内需"))                              /* 5 */
        P(NUM(2, 0), R("圈码"))                                  /* 6 */
        P(NUM(3, 0), R("项目符号"))                              /* 7 */
        P(NUM(4, 0), R("Roman"))                                 /* 8 */
        P(NUM(4, 0), R("Again"))                                 /* 9 */
        P(NUM(9, 0), R("重新开始"))                              /* 10 */
        P("<w:pStyle w:val=\"a1\"/>", R("标题一"))               /* 11 */
        P("<w:pStyle w:val=\"a2\"/>", R("基于大纲"))             /* 12 */
        P("<w:pStyle w:val=\"Title\"/>", R("题目"))              /* 13 */
        P("<w:outlineLvl w:val=\"4\"/>", R("五级"))              /* 14 */
        P("<w:pStyle w:val=\"a1\"/><w:outlineLvl w:val=\"9\"/>",
          R("正文级别")) /* 15 */
        "</w:body></w:document>";
    static const char *const parts[] = {"word/document.xml",
                                        doc,
                                        "word/styles.xml",
                                        styles_xml,
                                        "word/numbering.xml",
                                        numbering_xml,
                                        NULL};
    static const struct {
        int kind, level;
        const char *text;
    } want[] = {
        {ZK_XB_HEADING, 2, "一、总体要求"}, {ZK_XB_PARA, 0, "（一）稳中求进"},
        {ZK_XB_PARA, 0, "（二）先立后破"},  {ZK_XB_PARA, 0, "1.1 数字"},
        {ZK_XB_HEADING, 2, "二、主要任务"}, {ZK_XB_PARA, 0, "（一）扩大内需"},
        {ZK_XB_PARA, 0, "⑨圈码"},           {ZK_XB_PARA, 0, "项目符号"},
        {ZK_XB_PARA, 0, "I. Roman"},        {ZK_XB_PARA, 0, "II. Again"},
        {ZK_XB_PARA, 0, "一、重新开始"},    {ZK_XB_HEADING, 1, "标题一"},
        {ZK_XB_HEADING, 3, "基于大纲"},     {ZK_XB_HEADING, 1, "题目"},
        {ZK_XB_HEADING, 5, "五级"},         {ZK_XB_PARA, 0, "正文级别"},
    };
    zk__xdoc d;
    char b[256];
    size_t i;
    (void)state;

    read_parts(&d, parts);
    assert_int_equal(d.n_blocks, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < d.n_blocks; i++) {
        if (strcmp(blk(&d, i, b, sizeof(b)), want[i].text) != 0)
            fail_msg("block %zu: \"%s\", want \"%s\"", i, b, want[i].text);
        assert_int_equal(d.blocks[i].kind, want[i].kind);
        assert_int_equal(d.blocks[i].level, want[i].level);
    }
    zk__xdoc_clear(&d);
}

static void test_runs(void **state)
{
    static const char doc[] =
        "<w:document " W_DECL "><w:body>"
        /* 0: breaks: CJK joined, Latin spaced; tab a space */
        "<w:p><w:r><w:t>中文</w:t><w:br/><w:t>续行</w:t><w:cr/>"
        "<w:t>end</w:t><w:br/><w:t>next</w:t><w:tab/><w:t>x</w:t>"
        "<w:noBreakHyphen/><w:t>y</w:t><w:sym w:font=\"Symbol\" "
        "w:char=\"F0B7\"/><w:sym w:char=\"00B1\"/></w:r></w:p>"
        /* 1: revisions and fields */
        "<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除"
        "</w:delText></w:r></w:del><w:ins><w:r><w:t>插入</w:t></w:r></w:ins>"
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>"
        " PAGE \\* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar "
        "w:fldCharType=\"separate\"/></w:r><w:r><w:t>结果</w:t></w:r><w:r>"
        "<w:fldChar w:fldCharType=\"end\"/></w:r><w:fldSimple "
        "w:instr=\" DATE \"><w:r><w:t>二〇二四</w:t></w:r></w:fldSimple>"
        "<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink></w:p>"
        /* 2: bold lead by run, then 3: by character style, 4: all bold,
         * 5: bold off, 6: a text box after its paragraph */
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>（一）产业能级还需聚力提升。</w:t>"
        "</w:r><w:r><w:t>正文内容。</w:t></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:rStyle w:val=\"Strong\"/></w:rPr><w:t>一是</w:t>"
        "</w:r><w:r><w:t xml:space=\"preserve\"> </w:t></w:r><w:r><w:rPr>"
        "<w:b w:val=\"1\"/></w:rPr><w:t>加快</w:t></w:r><w:r><w:t>其他。</w:t>"
        "</w:r></w:p>"
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>全部加粗</w:t></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:b w:val=\"false\"/></w:rPr><w:t>不粗</w:t>"
        "</w:r><w:r><w:t>正文</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>图前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice "
        "Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框"
        "</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t>"
        "</w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
        /* 8: a content control; 9: a nested table */
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件</w:t></w:r>"
        "</w:p></w:sdtContent></w:sdt>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p><w:p><w:r>"
        "<w:t>乙</w:t></w:r></w:p></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r>"
        "<w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p/>"
        "</w:tc></w:tr><w:tr><w:tc><w:p/></w:tc></w:tr><w:tr><w:tc><w:p>"
        "<w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t>"
        "</w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:sectPr/></w:body></w:document>";
    static const char core[] =
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
        "package/2006/metadata/core-properties\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\">"
        "<dc:title>Microsoft Word - 报告.docx</dc:title><dc:creator>"
        "国务院</dc:creator><dcterms:created>2024-03-05T08:00:00Z"
        "</dcterms:created></cp:coreProperties>";
    static const char notes[] =
        "<w:endnotes " W_DECL "><w:endnote w:type=\"separator\" w:id=\"-1\">"
        "<w:p><w:r><w:separator/></w:r></w:p></w:endnote><w:endnote "
        "w:id=\"1\"><w:p><w:r><w:t>尾注文字</w:t></w:r></w:p><w:p><w:r>"
        "<w:t>第二段</w:t></w:r></w:p></w:endnote></w:endnotes>";
    static const char *const parts[] = {"word/document.xml",
                                        doc,
                                        "word/styles.xml",
                                        styles_xml,
                                        "docProps/core.xml",
                                        core,
                                        "word/endnotes.xml",
                                        notes,
                                        NULL};
    static const char *const want[] = {
        "中文续行 end next x-y±",
        "保留插入结果二〇二四链接",
        "（一）产业能级还需聚力提升。正文内容。",
        "一是 加快其他。",
        "全部加粗",
        "不粗正文",
        "图前",
        "文本框",
        "控件",
        "甲 乙 | 内\na | b",
        "尾注",
        "尾注文字 第二段",
    };
    zk__xdoc d;
    char b[256];
    size_t i;
    (void)state;

    read_parts(&d, parts);
    for (i = 0; i < d.n_blocks && i < sizeof(want) / sizeof(want[0]); i++)
        if (strcmp(blk(&d, i, b, sizeof(b)), want[i]) != 0)
            fail_msg("block %zu: \"%s\", want \"%s\"", i, b, want[i]);
    assert_int_equal(d.n_blocks, sizeof(want) / sizeof(want[0]));
    assert_int_equal(d.blocks[2].lead, strlen("（一）产业能级还需聚力提升。"));
    assert_int_equal(d.blocks[3].lead, strlen("一是 加快"));
    assert_int_equal(d.blocks[4].lead, 0);
    assert_int_equal(d.blocks[5].lead, 0);
    assert_int_equal(d.blocks[9].kind, ZK_XB_TABLE);
    assert_int_equal(d.blocks[10].kind, ZK_XB_HEADING);
    assert_int_equal(d.blocks[10].level, 1);
    assert_string_equal(d.title, "报告");
    assert_string_equal(d.author, "国务院");
    assert_string_equal(d.date, "2024-03-05");
    zk__xdoc_clear(&d);
}

/* Malformed XML, an empty body, a missing part are told apart. */
static void test_odd(void **state)
{
    static const char bad[] = "<w:document " W_DECL "><w:body><w:p><w:r>"
                              "<w:t>断</w:t></w:r></w:body>";
    static const char *const p1[] = {"word/document.xml", bad, NULL};
    static const char *const p2[] = {
        "word/document.xml", "<w:document " W_DECL "><w:body/></w:document>",
        "word/styles.xml", "<w:styles><w:style", NULL};
    static const char *const p3[] = {"mimetype",
                                     "application/vnd.oasis.opendocument.text",
                                     "content.xml", "<office/>", NULL};
    size_t n;
    char *z;
    zk__xdoc d;
    int rc;
    (void)state;

    z = make_zip(&n, p1);
    zk__xdoc_init(&d);
    rc = zk__read_docx(&d, z, n, "broken.docx");
    assert_int_equal(rc, ZK_EFORMAT);
    assert_non_null(strstr(zk_error_last()->message,
                           "broken.docx: word/document.xml: malformed XML"));
    assert_null(d.text);
    assert_int_equal(d.n_blocks, 0);
    free(z);

    /* a broken optional part is passed over */
    read_parts(&d, p2);
    assert_int_equal(d.n_blocks, 0);
    zk__xdoc_clear(&d);

    z = make_zip(&n, p3);
    rc = zk__read_docx(&d, z, n, "x.odt.docx");
    assert_int_equal(rc, ZK_EFORMAT);
    assert_non_null(strstr(zk_error_last()->message, "OpenDocument"));
    free(z);

    rc = zk__read_docx(&d, "", 0, "empty.docx");
    assert_int_equal(rc, ZK_EFORMAT);
    assert_non_null(strstr(zk_error_last()->message, "empty.docx: "));
}

/* ---- bad inputs ---------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_bad(void **state)
{
    static const struct {
        const char *file, *cause;
    } cases[] = {
        {"corrupt.docx", "corrupt zip archive"},
        {"truncated.docx", "corrupt zip archive"},
        {"bomb.docx", "word/document.xml: decompresses to more than"},
        {"bomb-lying.docx", "word/document.xml: "},
        {"many-entries.docx", "entries (more than 10000"},
        {"xxe.docx", "word/document.xml: XML with a DOCTYPE"},
        {"laughs.docx", "word/document.xml: XML with a DOCTYPE"},
        {"notdocx.docx", "not a Word document: a PDF file"},
        {"xlsx-as-docx.docx", "not a Word document (an Excel workbook"},
        {"legacy.doc", "not a Word document: an old binary Word file"},
    };
    char tmpl[] = "/tmp/zk-bad-docx-XXXXXX", cmd[1024];
    const char *dir = mkdtemp(tmpl);
    struct rusage ru;
    size_t i;
    /* well under a second; valgrind (which preloads its vgpreload
     * library) runs some 50 times slower */
    const char *pre = getenv("LD_PRELOAD");
    double limit = pre != NULL && strstr(pre, "vgpreload") ? 30.0 : SLOW;
    (void)state;

    assert_non_null(dir);
    snprintf(cmd, sizeof(cmd), PY " %s/formats/bad_docx.py %s >/dev/null",
             ZK_TEST_SRC, dir);
    assert_int_equal(system(cmd), 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *fp = path_in(dir, cases[i].file);
        size_t n;
        char *data = tu_slurp(fp, &n);
        zk__xdoc d;
        double t0 = now(), dt;
        int rc;
        const char *msg;

        zk__xdoc_init(&d);
        rc = zk__read_docx(&d, data, n, fp);
        dt = now() - t0;
        msg = zk_error_last()->message;
        if (rc != ZK_EFORMAT || strncmp(msg, fp, strlen(fp)) != 0 ||
            strstr(msg, cases[i].cause) == NULL)
            fail_msg("%s: %d \"%s\", want \"%s\"", cases[i].file, rc, msg,
                     cases[i].cause);
        if (dt > limit)
            fail_msg("%s: %.2f s to refuse", cases[i].file, dt);
        assert_null(d.text);
        /* nothing of /etc/passwd ever reaches a message */
        assert_null(strstr(msg, "root:"));
        remove(fp);
        free(fp);
        free(data);
    }
    /* the bombs stayed small: peak resident memory of the whole test */
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    if (ru.ru_maxrss > 300 * 1024)
        fail_msg("peak memory %ld KB", ru.ru_maxrss);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),    cmocka_unit_test(test_cnstyles),
        cmocka_unit_test(test_outline), cmocka_unit_test(test_notes),
        cmocka_unit_test(test_corpus),  cmocka_unit_test(test_numbering_styles),
        cmocka_unit_test(test_runs),    cmocka_unit_test(test_odd),
        cmocka_unit_test(test_bad),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
