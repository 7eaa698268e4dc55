/* search_folder.c - index a folder of reports with libzhiku, then print the
 * best passages for a query, each with its report, section and highlighted
 * matches. A complete program using only the installed library:
 *
 *   cc search_folder.c $(pkg-config --cflags --libs zhiku) -o search_folder
 *   ./search_folder /tmp/my-index ~/reports 城乡耦合 发展
 *
 * The index is created if missing and brought up to date with the folder
 * (only new or changed files are read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zhiku/zhiku.h>

/* Print `text[start, end)` with every match in it between 【 and 】. */
static void print_highlighted(const zk_hit *hit, size_t start, size_t end)
{
    size_t pos = start, i;

    for (i = 0; i < hit->n_matches; i++) {
        const zk_match *m = &hit->matches[i];
        if (m->start < pos || m->end > end)
            continue; /* outside the snippet, or overlapping the last */
        printf("%.*s【%.*s】", (int)(m->start - pos), hit->text + pos,
               (int)(m->end - m->start), hit->text + m->start);
        pos = m->end;
    }
    printf("%.*s\n", (int)(end - pos), hit->text + pos);
}

static int fail(const char *what)
{
    const zk_error *e = zk_error_last();

    fprintf(stderr, "search_folder: %s: %s\n", what,
            e ? e->message : "unknown error");
    return 1;
}

int main(int argc, char **argv)
{
    zk_index *ix = NULL;
    zk_searcher *s = NULL;
    zk_results *r = NULL;
    zk_dict *dict = NULL;
    zk_update_stats st;
    zk_search_options so = ZK_SEARCH_OPTIONS_INIT;
    const zk_result_info *info;
    const zk_hit *hit;
    const char *folder[1];
    char query[4096] = "";
    int i, rc;

    if (argc < 4) {
        fprintf(stderr, "usage: %s INDEX FOLDER QUERY...\n", argv[0]);
        return 2;
    }
    /* the headers must match the library they run with */
    if (zk_version_number() != ZK_VERSION_NUMBER) {
        fprintf(stderr, "built with zhiku %s, running with %s\n",
                ZK_VERSION_STRING, zk_version());
        return 1;
    }
    if (zk_dict_open(&dict, NULL) != ZK_OK)
        return fail("dictionary");
    printf("zhiku %s, dictionary %s\n", zk_version(), zk_dict_path(dict));
    zk_dict_free(dict);

    /* 1. bring the index up to date with the folder */
    folder[0] = argv[2];
    if (zk_index_open(&ix, argv[1], NULL) != ZK_OK)
        return fail(argv[1]);
    rc = zk_index_update(ix, folder, 1, NULL, &st);
    zk_index_free(ix);
    if (rc != ZK_OK)
        return fail("indexing");
    printf("indexed %zu new, %zu updated, %zu unchanged, %zu failed\n",
           st.n_new, st.n_updated, st.n_unchanged, st.n_failed);

    /* 2. search: the arguments after the folder make one query */
    for (i = 3; i < argc; i++) {
        if (i > 3)
            strncat(query, " ", sizeof(query) - strlen(query) - 1);
        strncat(query, argv[i], sizeof(query) - strlen(query) - 1);
    }
    if (zk_searcher_open(&s, argv[1], NULL) != ZK_OK)
        return fail(argv[1]);
    so.limit = 5;
    if (zk_searcher_query(&r, s, query, &so) != ZK_OK) {
        zk_searcher_free(s);
        return fail(query);
    }
    while (zk_results_next(&hit, r) == ZK_OK) {
        size_t start, end;
        zk_hit_snippet(hit, 100, &start, &end);
        printf("%zu. %s  [%s]\n   %s:%u\n   ", hit->rank,
               hit->title[0] ? hit->title : hit->path, hit->section, hit->path,
               hit->line);
        print_highlighted(hit, start, end);
    }
    info = zk_results_info(r);
    printf("%s%llu passages in %llu reports\n", info->exact ? "" : "about ",
           (unsigned long long)info->passages,
           (unsigned long long)info->reports);
    rc = info->passages > 0 ? 0 : 1;
    zk_results_free(r);
    zk_searcher_free(s);
    return rc;
}
