/* test_terms.c - the literal layer and word terms (src/terms.c): what the
 * literal guarantee rests on, that every term a query asks for is one the
 * indexer wrote for each passage holding the query's text */
#include "testutil.h"

#include "internal.h"
#include "terms.h"

/* A list of terms, in order. */
typedef struct termlist {
    char **v;
    size_t n, cap;
} termlist;

static int add_cb(const char *term, size_t len, void *payload)
{
    termlist *l = payload;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        assert_non_null(l->v);
    }
    l->v[l->n] = malloc(len + 1);
    assert_non_null(l->v[l->n]);
    memcpy(l->v[l->n], term, len);
    l->v[l->n][len] = '\0';
    l->n++;
    return 0;
}

static void list_free(termlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static char *joined(const termlist *l)
{
    size_t i, n = 1;
    char *s;

    for (i = 0; i < l->n; i++)
        n += strlen(l->v[i]) + 1;
    s = calloc(n, 1);
    assert_non_null(s);
    for (i = 0; i < l->n; i++) {
        if (i)
            strcat(s, "|");
        strcat(s, l->v[i]);
    }
    return s;
}

static void expect(int grams, const char *text, const char *want)
{
    termlist l = {0};
    char *got;

    assert_int_equal(grams ? zk__literal_grams(text, strlen(text), add_cb, &l)
                           : zk__literal_terms(text, strlen(text), add_cb, &l),
                     0);
    got = joined(&l);
    assert_string_equal(got, want);
    free(got);
    list_free(&l);
}

static void test_index_terms(void **state)
{
    (void)state;
    expect(0, "城乡耦合", "L城|L乡|L城乡|L耦|L乡耦|L合|L耦合");
    /* white space (an ideographic space too) separates pairs */
    expect(0, "城乡 耦\xe3\x80\x80合", "L城|L乡|L城乡|L耦|L合");
    expect(0, "5g", "L5|Lg|L5g");
    expect(0, "", "");
    expect(0, " \t\n", "");
}

static void test_query_grams(void **state)
{
    (void)state;
    expect(1, "城乡耦合", "L城乡|L乡耦|L耦合");
    expect(1, "城乡 耦合", "L城乡|L耦合");
    expect(1, "城", "L城");
    expect(1, "a 城乡 b", "La|L城乡|Lb");
    expect(1, "城乡 合", "L城乡|L合");
    expect(1, "", "");
}

static void test_exact(void **state)
{
    (void)state;
    assert_true(zk__literal_exact("城", strlen("城")));
    assert_true(zk__literal_exact("城乡", strlen("城乡")));
    assert_false(zk__literal_exact("城乡耦", strlen("城乡耦")));
    assert_false(zk__literal_exact("城 乡", strlen("城 乡")));
    assert_false(zk__literal_exact(" 城", strlen(" 城")));
    assert_false(zk__literal_exact("", 0));
}

static void test_word_terms(void **state)
{
    char buf[16];
    zk_token t = {0};
    (void)state;

    assert_int_equal(zk__word_term(buf, sizeof(buf), "城乡", 6), 7);
    assert_memory_equal(buf, "L城乡", 7);
    assert_int_equal(zk__word_term(buf, sizeof(buf), "共同富裕", 12), 12);
    assert_memory_equal(buf, "共同富裕", 12);
    assert_int_equal(zk__word_term(buf, 6, "城乡", 6), 0); /* no room */
    assert_false(zk__word_has_own_term("城乡", 6));
    assert_true(zk__word_has_own_term("城乡耦", 9));
    assert_true(zk__word_has_own_term("gdp", 3));

    t.kind = ZK_TOKEN_WORD;
    t.text = ".";
    t.len = 1;
    assert_false(zk__term_is_word(&t));
    t.text = "2035";
    t.len = 4;
    assert_true(zk__term_is_word(&t));
    t.kind = ZK_TOKEN_OTHER;
    t.text = "，";
    t.len = 3;
    assert_false(zk__term_is_word(&t));
    t.text = "①"; /* a number (No) */
    assert_true(zk__term_is_word(&t));
    t.kind = ZK_TOKEN_SPACE;
    t.text = " ";
    t.len = 1;
    assert_false(zk__term_is_word(&t));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The guarantee on real text: for substrings of the seed paper, normalised,
 * every gram a query of that substring needs is among the terms of the
 * whole text, and a one- or two-character substring's gram is the
 * substring's own term. */
static void test_grams_are_indexed(void **state)
{
    size_t len, i, k, checked = 0;
    char *raw = tu_slurp(
        ZK_SHARED_DIR "/corpus/seed/bz25yb108-city-quality-ip.md", &len);
    zk_norm *nt = NULL;
    termlist all = {0};
    unsigned seed = 12345;
    (void)state;

    assert_int_equal(zk_normalize(&nt, raw, len), ZK_OK);
    assert_int_equal(zk__literal_terms(nt->text, nt->len, add_cb, &all), 0);
    qsort(all.v, all.n, sizeof(*all.v), cmp_str);
    for (k = 0; k < 20000; k++) {
        size_t a, b, chars;
        termlist q = {0};
        seed = seed * 1103515245u + 12345u;
        a = (seed >> 8) % nt->len;
        while (a > 0 && ((unsigned char)nt->text[a] & 0xC0) == 0x80)
            a--;
        seed = seed * 1103515245u + 12345u;
        chars = 1 + (seed >> 8) % 12;
        for (b = a; b < nt->len && chars > 0; chars--) {
            b++;
            while (b < nt->len && ((unsigned char)nt->text[b] & 0xC0) == 0x80)
                b++;
        }
        assert_int_equal(zk__literal_grams(nt->text + a, b - a, add_cb, &q), 0);
        for (i = 0; i < q.n; i++) {
            char *key = q.v[i];
            if (bsearch(&key, all.v, all.n, sizeof(*all.v), cmp_str) == NULL)
                fail_msg("gram '%s' of '%.*s' is not indexed", key,
                         (int)(b - a), nt->text + a);
            checked++;
        }
        if (zk__literal_exact(nt->text + a, b - a)) {
            assert_int_equal(q.n, 1);
            assert_memory_equal(q.v[0] + 1, nt->text + a, b - a);
        }
        list_free(&q);
    }
    assert_true(checked > 20000);
    list_free(&all);
    zk_norm_free(nt);
    free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_terms),
        cmocka_unit_test(test_query_grams),
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_word_terms),
        cmocka_unit_test(test_grams_are_indexed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
