/* test_read_html.c - the HTML reader (zk__read_html) on generated pages
 *
 * gen_all.py (the ctest fixture formats_generate) writes, in
 * $ZK_FORMATS_DIR, government-site pages made by tests/formats/gen_html.py
 * from real text: seed.html (UTF-8, <p> paragraphs), seed-gb2312.html (the
 * same page in GB2312 with an http-equiv declaration), seed-br.html (all
 * paragraphs in one <div>, ended by <br>) and c1.html (the 2024 government
 * work report), each with NAME.blocks.json (the source's blocks) and
 * NAME.html.json (the generator's record: boilerplate strings, meta). The
 * extraction must hold the source's text (block by block, in order, with
 * at least 99.5% of the characters and little else), none of the chrome,
 * script or style text, the headings with their levels, the leads, the
 * tables and the metadata. tests/formats/bad_html.py's hostile pages are
 * run too, then small hand-written pages pin down single rules.
 */
#define _POSIX_C_SOURCE 200809L

#include "testutil.h"

#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include "../../src/extract.h"
#include "../../src/internal.h"

#define PY "/usr/bin/python3"

/* ---- a small JSON reader (enough for the fixtures' files) ------------- */

enum { J_NULL, J_NUM, J_STR, J_ARR, J_OBJ, J_BOOL };

typedef struct jv {
    int t;
    double num;
    char *s; /* J_STR */
    size_t n;
    struct jv *v; /* J_ARR, J_OBJ values */
    char **k;     /* J_OBJ keys */
} jv;

static void j_ws(const char **p)
{
    while (**p == ' ' || **p == '\n' || **p == '\r' || **p == '\t')
        (*p)++;
}

static char *j_str(const char **p)
{
    size_t cap = 64, n = 0;
    char *s = malloc(cap);

    assert_non_null(s);
    assert_int_equal(**p, '"');
    (*p)++;
    while (**p != '"') {
        char tmp[8];
        size_t l = 1;

        assert_true(**p != '\0');
        if (**p == '\\') {
            (*p)++;
            switch (**p) {
            case 'n':
                tmp[0] = '\n';
                break;
            case 't':
                tmp[0] = '\t';
                break;
            case 'r':
                tmp[0] = '\r';
                break;
            case 'b':
                tmp[0] = '\b';
                break;
            case 'f':
                tmp[0] = '\f';
                break;
            case 'u': {
                unsigned cp = (unsigned)strtoul(
                    (char[]){(*p)[1], (*p)[2], (*p)[3], (*p)[4], 0}, NULL, 16);
                *p += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && (*p)[1] == '\\') {
                    unsigned lo = (unsigned)strtoul(
                        (char[]){(*p)[3], (*p)[4], (*p)[5], (*p)[6], 0}, NULL,
                        16);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    *p += 6;
                }
                l = zk__utf8_encode(cp, tmp);
                break;
            }
            default:
                tmp[0] = **p;
            }
        } else {
            tmp[0] = **p;
        }
        (*p)++;
        if (n + l + 1 > cap) {
            cap *= 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
        memcpy(s + n, tmp, l);
        n += l;
    }
    (*p)++;
    s[n] = '\0';
    return s;
}

static void j_parse(const char **p, jv *out)
{
    memset(out, 0, sizeof(*out));
    j_ws(p);
    if (**p == '"') {
        out->t = J_STR;
        out->s = j_str(p);
    } else if (**p == '[' || **p == '{') {
        int obj = **p == '{';
        size_t cap = 0;

        out->t = obj ? J_OBJ : J_ARR;
        (*p)++;
        j_ws(p);
        while (**p != (obj ? '}' : ']')) {
            if (out->n == cap) {
                cap = cap ? 2 * cap : 8;
                out->v = realloc(out->v, cap * sizeof(*out->v));
                out->k = realloc(out->k, cap * sizeof(*out->k));
                assert_non_null(out->v);
                assert_non_null(out->k);
            }
            out->k[out->n] = NULL;
            if (obj) {
                out->k[out->n] = j_str(p);
                j_ws(p);
                assert_int_equal(**p, ':');
                (*p)++;
            }
            j_parse(p, &out->v[out->n++]);
            j_ws(p);
            if (**p == ',') {
                (*p)++;
                j_ws(p);
            }
        }
        (*p)++;
    } else if (strncmp(*p, "null", 4) == 0) {
        *p += 4;
    } else if (strncmp(*p, "true", 4) == 0 || strncmp(*p, "false", 5) == 0) {
        out->t = J_BOOL;
        out->num = **p == 't';
        *p += **p == 't' ? 4 : 5;
    } else {
        char *e;
        out->t = J_NUM;
        out->num = strtod(*p, &e);
        assert_true(e != *p);
        *p = e;
    }
}

static void j_free(jv *j)
{
    size_t i;

    for (i = 0; i < j->n; i++) {
        j_free(&j->v[i]);
        free(j->k[i]);
    }
    free(j->v);
    free(j->k);
    free(j->s);
}

static const jv *j_get(const jv *o, const char *key)
{
    size_t i;

    if (o == NULL || o->t != J_OBJ)
        return NULL;
    for (i = 0; i < o->n; i++)
        if (strcmp(o->k[i], key) == 0)
            return &o->v[i];
    return NULL;
}

static const char *j_s(const jv *o, const char *key)
{
    const jv *v = j_get(o, key);
    return v && v->t == J_STR ? v->s : NULL;
}

static void j_load(const char *path, jv *out)
{
    size_t len;
    char *src = tu_slurp(path, &len);
    const char *p = src;

    j_parse(&p, out);
    free(src);
}

/* ---- helpers ------------------------------------------------------------ */

static const char *formats_dir(void)
{
    const char *d = getenv("ZK_FORMATS_DIR");

    if (d == NULL || *d == '\0')
        fail_msg("ZK_FORMATS_DIR is not set (run through ctest, or "
                 "generate with tests/formats/gen_all.py)");
    return d;
}

static char *path_of(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Read a file with zk__read_html; returns the code, d filled. */
static int read_path(zk__xdoc *d, const char *path, const char *enc)
{
    size_t len;
    char *data = tu_slurp(path, &len);
    int rc;

    zk__xdoc_init(d);
    zk_error_clear();
    rc = zk__read_html(d, data, len, path, enc);
    free(data);
    return rc;
}

static int read_mem(zk__xdoc *d, const char *s, const char *enc)
{
    zk__xdoc_init(d);
    zk_error_clear();
    return zk__read_html(d, s, strlen(s), "page.html", enc);
}

static int blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0 ||
           c == 0x3000 || (c >= 0x2000 && c <= 0x200B) || c == 0xFEFF ||
           c == 0x202F || c == 0x205F;
}

/* s[0..n) without whitespace (malloc'ed). */
static char *squash(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    size_t i = 0, k = 0, l;

    assert_non_null(o);
    while (i < n) {
        uint32_t c = zk__utf8_decode((const unsigned char *)s + i, n - i, &l);
        if (!blank(c)) {
            memcpy(o + k, s + i, l);
            k += l;
        }
        i += l;
    }
    o[k] = '\0';
    return o;
}

static size_t nchars(const char *s)
{
    size_t k = 0;

    for (; *s; s++)
        k += ((unsigned char)*s & 0xC0) != 0x80;
    return k;
}

/* A source block's reading text (mdblocks.block_text), malloc'ed. */
static char *block_text(const jv *b)
{
    const jv *rows = j_get(b, "rows");
    size_t cap = 256, n = 0, r, c;
    char *o;

    if (rows == NULL) {
        o = strdup(j_s(b, "text"));
        assert_non_null(o);
        return o;
    }
    o = malloc(cap);
    assert_non_null(o);
    o[0] = '\0';
    /* as the builder gives tables: empty cells and rows left out */
    for (r = 0; r < rows->n; r++) {
        size_t kept = 0;
        for (c = 0; c < rows->v[r].n; c++) {
            const char *cell = rows->v[r].v[c].s;
            size_t need = n + strlen(cell) + 8;
            char *q = squash(cell, strlen(cell));
            int empty = *q == '\0';

            free(q);
            if (empty)
                continue;
            if (need > cap) {
                cap = 2 * need;
                o = realloc(o, cap);
                assert_non_null(o);
            }
            n += (size_t)sprintf(o + n, "%s%s",
                                 kept++ ? " | " : (n ? "\n" : ""), cell);
        }
    }
    return o;
}

/* The fraction of the source's characters (whitespace aside) found in
 * the extraction: each block's text, squashed, searched in order in the
 * squashed extraction (a block out of order still counts; a block not
 * found as a whole counts nothing). *extra gets the extraction's
 * characters over the source's. */
static double fidelity(const jv *blocks, const zk__xdoc *d, double *extra)
{
    char *all = squash(d->text ? d->text : "", d->len), *cur = all;
    size_t i, total = 0, got = 0;

    for (i = 0; i < blocks->n; i++) {
        char *t = block_text(&blocks->v[i]), *q = squash(t, strlen(t));
        size_t c = nchars(q);
        char *hit = strstr(cur, q);

        total += c;
        if (hit != NULL) {
            got += c;
            cur = hit + strlen(q);
        } else if (strstr(all, q) != NULL) {
            got += c;
        } else {
            print_message("  missing block %zu: %.120s\n", i, q);
        }
        free(t);
        free(q);
    }
    *extra = total ? (double)nchars(all) / (double)total : 0;
    free(all);
    return total ? (double)got / (double)total : 0;
}

/* Does any source block hold s (then it is not boilerplate there)? */
static int in_source(const jv *blocks, const char *s)
{
    size_t i;
    int hit = 0;

    for (i = 0; i < blocks->n && !hit; i++) {
        char *t = block_text(&blocks->v[i]);
        hit = strstr(t, s) != NULL;
        free(t);
    }
    return hit;
}

/* A loaded fixture: source blocks, record, extraction. */
typedef struct fixture {
    jv blocks, rec;
    zk__xdoc d;
} fixture;

static void load(fixture *f, const char *page, const char *base)
{
    const char *dir = formats_dir();
    char name[256], *p;

    snprintf(name, sizeof(name), "%s.blocks.json", base);
    p = path_of(dir, name);
    j_load(p, &f->blocks);
    free(p);
    snprintf(name, sizeof(name), "%s.json", page);
    p = path_of(dir, name);
    j_load(p, &f->rec);
    free(p);
    p = path_of(dir, page);
    assert_int_equal(read_path(&f->d, p, NULL), ZK_OK);
    free(p);
    assert_true(f->blocks.t == J_ARR && f->blocks.n > 10);
}

static void unload(fixture *f)
{
    j_free(&f->blocks);
    j_free(&f->rec);
    zk__xdoc_clear(&f->d);
}

/* Text, boilerplate and block invariants every page must keep. */
static void check_page(fixture *f, const char *what)
{
    const jv *bp = j_get(&f->rec, "boilerplate");
    double extra, fid = fidelity(&f->blocks, &f->d, &extra);
    size_t i, prev = 0;

    print_message("%s: %zu blocks, fidelity %.4f, extra %.4f\n", what,
                  f->d.n_blocks, fid, extra);
    assert_true(fid >= 0.995);
    /* little else: the title heading at most, no chrome */
    assert_true(extra <= 1.01);
    assert_non_null(bp);
    assert_true(bp->n >= 10);
    for (i = 0; i < bp->n; i++) {
        if (in_source(&f->blocks, bp->v[i].s))
            continue;
        if (strstr(f->d.text, bp->v[i].s) != NULL)
            fail_msg("%s: boilerplate \"%s\" leaked", what, bp->v[i].s);
    }
    assert_null(strstr(f->d.text, "<script"));
    assert_null(strstr(f->d.text, "document.write"));
    for (i = 0; i < f->d.n_blocks; i++) {
        const zk__xblock *b = &f->d.blocks[i];
        assert_true(b->start >= prev && b->end > b->start);
        assert_true(b->end < f->d.len && f->d.text[b->end] == '\n');
        prev = b->end + 1;
    }
    assert_int_equal(prev, f->d.len);
    assert_true(zk__utf8_valid(f->d.text, f->d.len));
}

/* Every source heading, in order, as a heading of the same level. */
static void check_headings(fixture *f)
{
    size_t i, k = 0, found = 0, want = 0;

    for (i = 0; i < f->blocks.n; i++) {
        const jv *b = &f->blocks.v[i];
        char *q;

        if (strcmp(j_s(b, "kind"), "heading") != 0)
            continue;
        want++;
        q = squash(j_s(b, "text"), strlen(j_s(b, "text")));
        for (; k < f->d.n_blocks; k++) {
            const zk__xblock *x = &f->d.blocks[k];
            char *t;
            int same;

            if (x->kind != ZK_XB_HEADING)
                continue;
            t = squash(f->d.text + x->start, x->end - x->start);
            same = strcmp(t, q) == 0;
            free(t);
            if (same) {
                assert_int_equal(x->level, (int)j_get(b, "level")->num > 6
                                               ? 6
                                               : (int)j_get(b, "level")->num);
                found++;
                k++;
                break;
            }
        }
        free(q);
    }
    print_message("  headings %zu of %zu\n", found, want);
    assert_true(want > 0);
    assert_int_equal(found, want);
}

/* Every lead of the source on the paragraph of the same text. */
static void check_leads(fixture *f)
{
    size_t i, k, want = 0, found = 0;

    for (i = 0; i < f->blocks.n; i++) {
        const jv *b = &f->blocks.v[i];
        const char *lead = j_s(b, "lead"), *text = j_s(b, "text");
        char *q, *ql;

        if (lead == NULL || *lead == '\0' || strlen(lead) >= strlen(text))
            continue;
        want++;
        q = squash(text, strlen(text));
        ql = squash(lead, strlen(lead));
        for (k = 0; k < f->d.n_blocks; k++) {
            const zk__xblock *x = &f->d.blocks[k];
            char *t, *tl;
            int ok;

            if (x->kind != ZK_XB_PARA)
                continue;
            t = squash(f->d.text + x->start, x->end - x->start);
            ok = strcmp(t, q) == 0;
            free(t);
            if (!ok)
                continue;
            assert_true(x->lead > 0);
            tl = squash(f->d.text + x->start, x->lead);
            assert_string_equal(tl, ql);
            free(tl);
            found++;
            break;
        }
        free(q);
        free(ql);
    }
    print_message("  leads %zu of %zu\n", found, want);
    assert_int_equal(found, want);
}

/* As many tables as the source, each with its rows. */
static void check_tables(fixture *f)
{
    size_t i, k = 0, want = 0;

    for (i = 0; i < f->blocks.n; i++) {
        const jv *rows = j_get(&f->blocks.v[i], "rows");
        const zk__xblock *x = NULL;
        size_t r, nl = 1;

        if (rows == NULL)
            continue;
        want++;
        for (; k < f->d.n_blocks; k++)
            if (f->d.blocks[k].kind == ZK_XB_TABLE) {
                x = &f->d.blocks[k++];
                break;
            }
        assert_non_null(x);
        for (r = x->start; r < x->end; r++)
            nl += f->d.text[r] == '\n';
        {
            /* rows with a non-empty cell */
            size_t want_rows = 0, c;
            for (r = 0; r < rows->n; r++)
                for (c = 0; c < rows->v[r].n; c++) {
                    char *q =
                        squash(rows->v[r].v[c].s, strlen(rows->v[r].v[c].s));
                    int full = *q != '\0';
                    free(q);
                    if (full) {
                        want_rows++;
                        break;
                    }
                }
            assert_int_equal(nl, want_rows);
        }
        assert_non_null(memchr(f->d.text + x->start, '|', x->end - x->start));
    }
    for (; k < f->d.n_blocks; k++)
        assert_true(f->d.blocks[k].kind != ZK_XB_TABLE);
    print_message("  tables %zu\n", want);
}

/* Title (no site suffix), date, org and author from the page. */
static void check_meta(fixture *f, const char *author)
{
    const jv *meta = j_get(&f->rec, "meta");
    const char *pub = j_s(meta, "PubDate");

    assert_non_null(f->d.title);
    assert_string_equal(f->d.title, j_s(meta, "ArticleTitle"));
    assert_null(strstr(f->d.title, j_s(&f->rec, "site_suffix")));
    assert_non_null(f->d.date);
    assert_int_equal(strlen(f->d.date), 10);
    assert_memory_equal(f->d.date, pub, 10);
    assert_non_null(f->d.org);
    assert_string_equal(f->d.org, j_s(meta, "ContentSource"));
    if (author != NULL) {
        assert_non_null(f->d.author);
        assert_string_equal(f->d.author, author);
    }
}

/* ---- the generated pages ------------------------------------------------ */

static void test_seed(void **state)
{
    fixture f;
    (void)state;

    load(&f, "seed.html", "seed");
    assert_string_equal(j_s(&f.rec, "encoding"), "utf-8");
    check_page(&f, "seed.html");
    check_headings(&f);
    check_leads(&f);
    check_tables(&f);
    check_meta(&f, "胡明");
    unload(&f);
}

static void test_seed_br(void **state)
{
    fixture f;
    size_t i, paras = 0, src_paras = 0;
    (void)state;

    load(&f, "seed-br.html", "seed");
    assert_string_equal(j_s(&f.rec, "style"), "br");
    check_page(&f, "seed-br.html");
    check_headings(&f);
    check_leads(&f);
    check_tables(&f);
    check_meta(&f, "胡明");
    /* every <br> ended its paragraph */
    for (i = 0; i < f.blocks.n; i++)
        src_paras += strcmp(j_s(&f.blocks.v[i], "kind"), "para") == 0;
    for (i = 0; i < f.d.n_blocks; i++)
        paras += f.d.blocks[i].kind == ZK_XB_PARA;
    assert_int_equal(paras, src_paras);
    unload(&f);
}

static void test_gb2312(void **state)
{
    fixture f;
    zk__xdoc u;
    char *p;
    size_t i;
    (void)state;

    load(&f, "seed-gb2312.html", "seed");
    assert_string_equal(j_s(&f.rec, "encoding"), "gb2312");
    check_page(&f, "seed-gb2312.html");
    check_meta(&f, "胡明");
    /* the same extraction as the UTF-8 page, byte for byte */
    p = path_of(formats_dir(), "seed.html");
    assert_int_equal(read_path(&u, p, NULL), ZK_OK);
    free(p);
    assert_int_equal(u.len, f.d.len);
    assert_memory_equal(u.text, f.d.text, u.len);
    assert_int_equal(u.n_blocks, f.d.n_blocks);
    for (i = 0; i < u.n_blocks; i++) {
        assert_int_equal(u.blocks[i].kind, f.d.blocks[i].kind);
        assert_int_equal(u.blocks[i].level, f.d.blocks[i].level);
        assert_int_equal(u.blocks[i].lead, f.d.blocks[i].lead);
    }
    assert_string_equal(u.title, f.d.title);
    assert_string_equal(u.org, f.d.org);
    zk__xdoc_clear(&u);
    /* forcing the wrong charset on it: Big5 cannot read these bytes as
     * this text */
    p = path_of(formats_dir(), "seed-gb2312.html");
    i = (size_t)read_path(&u, p, "big5");
    if (i == ZK_OK)
        assert_true(u.len != f.d.len || memcmp(u.text, f.d.text, u.len) != 0);
    else
        assert_int_equal(i, ZK_EENCODING);
    zk__xdoc_clear(&u);
    free(p);
    unload(&f);
}

static void test_c1(void **state)
{
    fixture f;
    (void)state;

    load(&f, "c1.html", "c1");
    check_page(&f, "c1.html");
    check_meta(&f, NULL);
    assert_non_null(strstr(f.d.text, "政府工作报告"));
    unload(&f);
}

/* Worker threads reading at once get what one thread gets. */
typedef struct job {
    const char *data;
    size_t len;
    zk__xdoc d;
    int rc;
} job;

static void *run_job(void *arg)
{
    job *j = arg;

    zk__xdoc_init(&j->d);
    j->rc = zk__read_html(&j->d, j->data, j->len, "seed.html", NULL);
    return NULL;
}

static void test_threads(void **state)
{
    pthread_t th[4];
    job jobs[4];
    size_t len, i;
    char *p = path_of(formats_dir(), "seed-gb2312.html");
    char *data = tu_slurp(p, &len);
    (void)state;

    for (i = 0; i < 4; i++) {
        jobs[i].data = data;
        jobs[i].len = len;
        assert_int_equal(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(jobs[i].rc, ZK_OK);
        assert_int_equal(jobs[i].d.len, jobs[0].d.len);
        assert_memory_equal(jobs[i].d.text, jobs[0].d.text, jobs[0].d.len);
    }
    for (i = 0; i < 4; i++)
        zk__xdoc_clear(&jobs[i].d);
    free(data);
    free(p);
}

/* ---- bad_html.py -------------------------------------------------------- */

static char *bad_dir(void)
{
    static int done;
    char *dir = path_of(formats_dir(), "bad-html"), cmd[2048];

    if (!done) {
        snprintf(cmd, sizeof(cmd), PY " %s/formats/bad_html.py '%s' >/dev/null",
                 ZK_TEST_SRC, dir);
        assert_int_equal(system(cmd), 0);
        done = 1;
    }
    return dir;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_bad_huge(void **state)
{
    char *dir = bad_dir(), *p = path_of(dir, "huge.html"), *js;
    zk__xdoc d;
    size_t i, paras = 0, len, want = 0;
    double t0 = now(), dt;
    struct rusage ru;
    (void)state;

    assert_int_equal(read_path(&d, p, NULL), ZK_OK);
    dt = now() - t0;
    getrusage(RUSAGE_SELF, &ru);
    print_message("huge.html: %zu blocks, %zu bytes of text in %.2f s, "
                  "peak %ld MB\n",
                  d.n_blocks, d.len, dt, ru.ru_maxrss / 1024);
    assert_true(dt < 60);
    assert_true(ru.ru_maxrss < 1536L * 1024); /* KB */
    for (i = 0; i < d.n_blocks; i++)
        paras += d.blocks[i].kind == ZK_XB_PARA;
    free(p);
    p = path_of(dir, "huge.json");
    js = tu_slurp(p, &len);
    assert_int_equal(sscanf(js, "{\"paragraphs\": %zu}", &want), 1);
    assert_int_equal(paras, want);
    assert_true(d.len > 40u * 1000 * 1000);
    assert_null(strstr(d.text, "版权所有"));
    zk__xdoc_clear(&d);
    free(js);
    free(p);
    free(dir);
}

static void test_bad_deep(void **state)
{
    char *dir = bad_dir(), *p = path_of(dir, "deep.html");
    zk__xdoc d;
    double t0 = now(), dt;
    const char *a, *b, *c;
    (void)state;

    assert_int_equal(read_path(&d, p, NULL), ZK_OK);
    dt = now() - t0;
    print_message("deep.html: %.3f s\n", dt);
    assert_true(dt < 5);
    a = strstr(d.text, "嵌套之前的文字");
    b = strstr(d.text, "最深处的文字");
    c = strstr(d.text, "嵌套之后的文字");
    assert_true(a != NULL && b != NULL && c != NULL && a < b && b < c);
    zk__xdoc_clear(&d);
    free(p);
    free(dir);
}

static void test_bad_charsets(void **state)
{
    char *dir = bad_dir(), *p;
    zk__xdoc d;
    const zk_error *e;
    (void)state;

    p = path_of(dir, "bad-charset.html");
    assert_int_equal(read_path(&d, p, NULL), ZK_EENCODING);
    e = zk_error_last();
    assert_non_null(e);
    assert_true(strncmp(e->message, p, strlen(p)) == 0);
    assert_non_null(strstr(e->message, "byte 300"));
    assert_non_null(strstr(e->message, "GB18030"));
    assert_null(d.text);
    assert_int_equal(d.n_blocks, 0);
    free(p);

    p = path_of(dir, "unknown-charset.html");
    assert_int_equal(read_path(&d, p, NULL), ZK_OK);
    assert_non_null(strstr(d.text, "这是一个声明了未知字符集的页面"));
    assert_string_equal(d.title, "未知字符集");
    zk__xdoc_clear(&d);
    free(p);

    p = path_of(dir, "binary.html");
    {
        int rc = read_path(&d, p, NULL);
        if (rc == ZK_OK) {
            assert_true(zk__utf8_valid(d.text ? d.text : "", d.len));
        } else {
            assert_true(rc == ZK_EENCODING || rc == ZK_EFORMAT);
            e = zk_error_last();
            assert_true(strncmp(e->message, p, strlen(p)) == 0);
            assert_null(d.text);
        }
        zk__xdoc_clear(&d);
    }
    free(p);

    p = path_of(dir, "xxe.html");
    assert_int_equal(read_path(&d, p, NULL), ZK_OK);
    assert_non_null(strstr(d.text, "实体之前"));
    assert_non_null(strstr(d.text, "实体之后"));
    assert_null(strstr(d.text, "root:"));
    assert_null(strstr(d.text, "ENTITY"));
    zk__xdoc_clear(&d);
    free(p);
    free(dir);
}

/* ---- small pages ----------------------------------------------------------
 */

/* The text of block i, NUL-terminated in a static buffer. */
static const char *blk(const zk__xdoc *d, size_t i)
{
    static char out[4096];
    size_t n;

    assert_true(i < d->n_blocks);
    n = d->blocks[i].end - d->blocks[i].start;
    assert_true(n < sizeof(out));
    memcpy(out, d->text + d->blocks[i].start, n);
    out[n] = '\0';
    return out;
}

static void test_charset_declared(void **state)
{
    /* 中文标题 / 中华人民共和国 in GB2312 */
    static const char gb[] =
        "<html><head><meta charset=\"gb2312\"><title>\xd6\xd0\xce\xc4\xb1\xea"
        "\xcc\xe2</title></head><body><p>\xd6\xd0\xbb\xaa\xc8\xcb\xc3\xf1\xb9"
        "\xb2\xba\xcd\xb9\xfa</p></body></html>";
    static const char xml[] =
        "<?xml version=\"1.0\" encoding=\"GBK\"?><html><body><p>\xd6\xd0\xce"
        "\xc4</p></body></html>";
    static const char lie[] = /* declares gb2312, is UTF-8 */
        "<html><head><meta charset=\"gb2312\"></head><body><p>中华人民共和国"
        "国务院</p></body></html>";
    zk__xdoc d;
    const zk_error *e;
    (void)state;

    assert_int_equal(read_mem(&d, gb, NULL), ZK_OK);
    assert_string_equal(blk(&d, 0), "中华人民共和国");
    assert_string_equal(d.title, "中文标题");
    zk__xdoc_clear(&d);
    assert_int_equal(read_mem(&d, xml, NULL), ZK_OK);
    assert_string_equal(blk(&d, 0), "中文");
    zk__xdoc_clear(&d);
    assert_int_equal(read_mem(&d, lie, NULL), ZK_OK);
    assert_string_equal(blk(&d, 0), "中华人民共和国国务院");
    zk__xdoc_clear(&d);
    /* forcing GB18030 reads the GB2312 page too; an unknown name fails */
    assert_int_equal(read_mem(&d, gb, "gb18030"), ZK_OK);
    assert_string_equal(blk(&d, 0), "中华人民共和国");
    zk__xdoc_clear(&d);
    assert_int_equal(read_mem(&d, gb, "x-klingon"), ZK_EINVAL);
    e = zk_error_last();
    assert_true(strncmp(e->message, "page.html: ", 11) == 0);
    assert_null(d.text);
    /* UTF-8 forced on GB bytes: an encoding error naming file and byte */
    assert_int_equal(read_mem(&d, gb, "utf-8"), ZK_EENCODING);
    e = zk_error_last();
    assert_true(strncmp(e->message, "page.html: ", 11) == 0);
    assert_non_null(strstr(e->message, "byte"));
}

static void test_title_meta(void **state)
{
    static const char p1[] =
        "<html><head><title>国务院关于印发XX规划的通知_国务院文件_中国政府网"
        "</title><meta name=\"dc.date\" content=\"2018年1月2日\">"
        "<meta name=\"source\" content=\"国务院办公厅\"></head><body>"
        "<table><tr><td>发文字号：</td><td>国发〔2018〕1号</td></tr>"
        "<tr><td>成文日期：</td><td>2018年01月02日</td></tr></table>"
        "<div id=\"UCAP-CONTENT\"><p>各省、自治区、直辖市人民政府，国务院"
        "各部委、各直属机构：现将规划印发给你们，请认真贯彻执行。</p>"
        "<p>国务院</p></div></body></html>";
    static const char p2[] =
        "<html><head><title>2021-2025年发展规划 - 测试市人民政府</title>"
        "<meta property=\"article:published_time\" "
        "content=\"2019-03-05T08:00:00+08:00\"></head><body>"
        "<p>发文字号：川府发〔2019〕7号</p><p>正文。</p></body></html>";
    static const char p3[] =
        "<html><head><title>没有后缀的标题</title>"
        "<meta name=\"PubDate\" content=\"20190305\"></head>"
        "<body><p>正文。</p></body></html>";
    zk__xdoc d;
    (void)state;

    assert_int_equal(read_mem(&d, p1, NULL), ZK_OK);
    assert_string_equal(d.title, "国务院关于印发XX规划的通知");
    assert_string_equal(d.date, "2018-01-02");
    assert_string_equal(d.org, "国务院办公厅");
    assert_string_equal(d.docno, "国发〔2018〕1号");
    /* the info table is not content */
    assert_int_equal(d.n_blocks, 2);
    assert_null(strstr(d.text, "成文日期"));
    zk__xdoc_clear(&d);
    assert_int_equal(read_mem(&d, p2, NULL), ZK_OK);
    assert_string_equal(d.title, "2021-2025年发展规划");
    assert_string_equal(d.date, "2019-03-05");
    assert_string_equal(d.docno, "川府发〔2019〕7号");
    zk__xdoc_clear(&d);
    assert_int_equal(read_mem(&d, p3, NULL), ZK_OK);
    assert_string_equal(d.title, "没有后缀的标题");
    assert_string_equal(d.date, "2019-03-05");
    assert_null(d.org);
    assert_null(d.docno);
    zk__xdoc_clear(&d);
}

static void test_blocks(void **state)
{
    static const char page[] =
        "<html><body><div class=\"top-nav\"><a href=\"/\">首页菜单</a></div>"
        "<div class=\"article-header\"><h1>文章的标题</h1></div>"
        "<div class=\"main-content\">"
        "<p>第一段中华\n人民共和国，hello\nworld。</p>"
        "<p>&nbsp;&nbsp;\xe3\x80\x80<strong>（一）加强组织领导。</strong>"
        "各地区要把这项工作摆上重要位置。</p>"
        "<p><b>全部加粗的一段。</b></p>"
        "<div>第二行<br>第三行<br><br>第四行<span>接着</span></div>"
        "<h3>三级标题</h3>"
        "<table><tr><th>指标</th><th>数值</th></tr>"
        "<tr><td><p>增长</p></td><td>5%</td><td></td></tr></table>"
        "<script>var 脚本 = 1;</script><style>.x{}</style>"
        "<div class=\"share\">分享到微博</div>"
        "</div><div id=\"footer\">版权所有测试</div></body></html>";
    zk__xdoc d;
    (void)state;

    assert_int_equal(read_mem(&d, page, NULL), ZK_OK);
    assert_null(strstr(d.text, "首页菜单"));
    assert_null(strstr(d.text, "脚本"));
    assert_null(strstr(d.text, "分享到微博"));
    assert_null(strstr(d.text, "版权所有测试"));
    assert_string_equal(d.title, "文章的标题");
    assert_string_equal(blk(&d, 0), "第一段中华人民共和国，hello world。");
    assert_string_equal(blk(&d, 1),
                        "（一）加强组织领导。各地区要把这项工作摆上重要位置。");
    assert_int_equal(d.blocks[1].lead, strlen("（一）加强组织领导。"));
    assert_string_equal(blk(&d, 2), "全部加粗的一段。");
    assert_int_equal(d.blocks[2].lead, 0);
    assert_string_equal(blk(&d, 3), "第二行");
    assert_string_equal(blk(&d, 4), "第三行");
    assert_string_equal(blk(&d, 5), "第四行接着");
    assert_int_equal(d.blocks[6].kind, ZK_XB_HEADING);
    assert_int_equal(d.blocks[6].level, 3);
    assert_string_equal(blk(&d, 6), "三级标题");
    assert_int_equal(d.blocks[7].kind, ZK_XB_TABLE);
    assert_string_equal(blk(&d, 7), "指标 | 数值\n增长 | 5%");
    assert_int_equal(d.n_blocks, 8);
    zk__xdoc_clear(&d);
}

static void test_no_content(void **state)
{
    static const char links[] =
        "<html><body><ul><li><a href=\"/1\">链接一</a></li>"
        "<li><a href=\"/2\">链接二</a></li></ul><p>唯一的一句话。</p>"
        "<footer>页脚</footer></body></html>";
    zk__xdoc d;
    (void)state;

    assert_int_equal(read_mem(&d, links, NULL), ZK_OK);
    assert_non_null(strstr(d.text, "唯一的一句话。"));
    assert_null(strstr(d.text, "页脚"));
    zk__xdoc_clear(&d);
    assert_int_equal(read_mem(&d, "", NULL), ZK_OK);
    assert_int_equal(d.n_blocks, 0);
    assert_int_equal(read_mem(&d, "   \n", NULL), ZK_OK);
    assert_int_equal(d.n_blocks, 0);
    zk__xdoc_clear(&d);
    assert_int_equal(read_mem(&d, "纯文本，没有标签。", NULL), ZK_OK);
    assert_string_equal(blk(&d, 0), "纯文本，没有标签。");
    zk__xdoc_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_seed_br),
        cmocka_unit_test(test_gb2312),
        cmocka_unit_test(test_c1),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_bad_huge),
        cmocka_unit_test(test_bad_deep),
        cmocka_unit_test(test_bad_charsets),
        cmocka_unit_test(test_charset_declared),
        cmocka_unit_test(test_title_meta),
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_no_content),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
