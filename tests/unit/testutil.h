/* testutil.h - shared helpers for zhiku's cmocka tests */
#ifndef ZK_TESTUTIL_H
#define ZK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zhiku/zhiku.h>

#ifndef ZK_SHARED_DIR
#error "ZK_SHARED_DIR must point at ../shared"
#endif
#ifndef ZK_TEST_DATA
#error "ZK_TEST_DATA must point at tests/data"
#endif

/* Read a whole file; fails the test if it cannot. */
static inline char *tu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* A token list collected from zk_seg_cut(). */
typedef struct tu_tok {
    char *text;
    size_t start, end, cstart, cend;
    int kind;
    unsigned flags;
} tu_tok;

typedef struct tu_toks {
    tu_tok *v;
    size_t n, cap;
} tu_toks;

static inline int tu_collect(const zk_token *t, void *payload)
{
    tu_toks *l = payload;
    tu_tok *k;

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        assert_non_null(l->v);
    }
    k = &l->v[l->n++];
    k->text = malloc(t->len + 1);
    assert_non_null(k->text);
    memcpy(k->text, t->text, t->len);
    k->text[t->len] = '\0';
    k->start = t->start;
    k->end = t->end;
    k->cstart = t->cstart;
    k->cend = t->cend;
    k->kind = t->kind;
    k->flags = t->flags;
    return 0;
}

static inline void tu_toks_free(tu_toks *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Cut `text` and return the tokens joined by " / " (caller frees). */
static inline char *tu_cut(zk_seg *seg, const char *text, int mode, int hmm)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    tu_toks l = {0};
    size_t i, size = 1;
    char *out;

    o.mode = mode;
    o.hmm = hmm;
    assert_int_equal(zk_seg_cut(seg, text, strlen(text), &o, tu_collect, &l),
                     ZK_OK);
    for (i = 0; i < l.n; i++)
        size += strlen(l.v[i].text) + 3;
    out = malloc(size);
    assert_non_null(out);
    out[0] = '\0';
    for (i = 0; i < l.n; i++) {
        if (i > 0)
            strcat(out, " / ");
        strcat(out, l.v[i].text);
    }
    tu_toks_free(&l);
    return out;
}

#define tu_assert_cut(seg, text, mode, hmm, expected)                          \
    do {                                                                       \
        char *got_ = tu_cut(seg, text, mode, hmm);                             \
        assert_string_equal(got_, expected);                                   \
        free(got_);                                                            \
    } while (0)

#endif
