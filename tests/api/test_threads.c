/* test_threads.c - the thread-safety promise of the headers: one writer and
 * many searchers, each thread with its own handle. Four threads search
 * (each with its own zk_searcher) while the main thread indexes a folder of
 * real reports in small batches; no query may fail, every hit must contain
 * its term, and the totals a searcher sees never go down between commits.
 * Also two zk_dict handles and segmenters used from several threads. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zhiku/zhiku.h>

#ifndef ZK_SHARED_DIR
#error "ZK_SHARED_DIR must point at ../shared"
#endif

#define N_SEARCHERS 4

static char workdir[] = "/tmp/zhiku-threads-XXXXXX";
static char index_path[600];
static atomic_int writing = 1;
static atomic_int failures;

static const char *queries[] = {
    "发展",
    "城乡耦合",
    "人民",
    "经济 建设",
    "工业 OR 农业",
    "改革 -开放",
    "\"社会主义\"",
    "江",
    "year:2017..2019 国务院",
    "title:报告 国家",
};
#define N_QUERIES (sizeof(queries) / sizeof(*queries))

typedef struct worker {
    pthread_t thread;
    unsigned id;
    unsigned long queries, hits;
} worker;

#define FAIL(...)                                                              \
    do {                                                                       \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        atomic_fetch_add(&failures, 1);                                        \
    } while (0)

static void *search_loop(void *arg)
{
    worker *w = arg;
    zk_searcher *s = NULL;
    uint64_t last_reports = 0;
    unsigned i = w->id;
    int rounds_after = 0;

    if (zk_searcher_open(&s, index_path, NULL) != ZK_OK) {
        FAIL("searcher %u: open: %s", w->id, zk_error_last()->message);
        return NULL;
    }
    /* keep going while the writer writes, and a few rounds after */
    while (atomic_load(&writing) || rounds_after++ < (int)N_QUERIES) {
        zk_results *r = NULL;
        const zk_hit *h;
        zk_index_info info;
        const char *q = queries[i++ % N_QUERIES];
        int rc = zk_searcher_query(&r, s, q, NULL);
        if (rc != ZK_OK) {
            FAIL("searcher %u: query '%s': %d %s", w->id, q, rc,
                 zk_error_last()->message);
            continue;
        }
        while (zk_results_next(&h, r) == ZK_OK) {
            if (h->n_matches + h->n_section_matches == 0 &&
                strncmp(q, "title:", 6) != 0)
                FAIL("searcher %u: '%s': a hit without a match", w->id, q);
            w->hits++;
        }
        zk_results_free(r);
        w->queries++;
        if (w->queries % 8 == 0) {
            if (zk_searcher_info_get(&info, s) != ZK_OK)
                FAIL("searcher %u: info: %s", w->id, zk_error_last()->message);
            else if (info.reports < last_reports)
                FAIL("searcher %u: reports went from %llu down to %llu", w->id,
                     (unsigned long long)last_reports,
                     (unsigned long long)info.reports);
            else
                last_reports = info.reports;
        }
    }
    zk_searcher_free(s);
    return NULL;
}

static int count_token(const zk_token *t, void *payload)
{
    (void)t;
    (*(size_t *)payload)++;
    return 0;
}

static void *segment_loop(void *arg)
{
    const zk_dict *dict = arg;
    zk_seg *seg = NULL;
    static const char text[] =
        "提升城市品质打造巴中独特IP，全力推进城乡耦合发展";
    int k;

    if (zk_seg_new(&seg, dict) != ZK_OK) {
        FAIL("zk_seg_new: %s", zk_error_last()->message);
        return NULL;
    }
    for (k = 0; k < 2000; k++) {
        size_t n = 0;
        if (zk_seg_cut(seg, text, sizeof(text) - 1, NULL, count_token, &n) !=
                ZK_OK ||
            n < 10)
            FAIL("zk_seg_cut failed: %zu tokens", n);
    }
    zk_seg_free(seg);
    return NULL;
}

int main(void)
{
    worker w[N_SEARCHERS];
    pthread_t segs[2];
    zk_index *ix = NULL;
    zk_dict *dict = NULL;
    zk_update_options uo = ZK_UPDATE_OPTIONS_INIT;
    zk_update_stats st;
    zk_index_info info;
    const char *seed[] = {ZK_SHARED_DIR "/corpus/seed"};
    const char *batch[] = {ZK_SHARED_DIR
                           "/corpus/govcn-state-council-docs-2018-2019",
                           ZK_SHARED_DIR "/corpus/cpc-congress-reports"};
    /* ZK_THREADS_SAMPLE=small (the run under valgrind, which runs one
     * thread at a time): the State Council documents alone (0.7 MB of the
     * 1.8), in batches half as big so that it still commits several times */
    const char *sample = getenv("ZK_THREADS_SAMPLE");
    int small = sample != NULL && strcmp(sample, "small") == 0;
    unsigned long total_q = 0;
    unsigned i;
    int rc;
    char cmd[700];

    if (mkdtemp(workdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(index_path, sizeof(index_path), "%s/index", workdir);
    /* a first commit, so that searchers have something to open */
    if (zk_index_open(&ix, index_path, NULL) != ZK_OK ||
        zk_index_update(ix, seed, 1, NULL, NULL) != ZK_OK) {
        fprintf(stderr, "setup: %s\n", zk_error_last()->message);
        return 1;
    }
    if (zk_dict_open(&dict, NULL) != ZK_OK) {
        fprintf(stderr, "dict: %s\n", zk_error_last()->message);
        return 1;
    }
    for (i = 0; i < N_SEARCHERS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].id = i;
        pthread_create(&w[i].thread, NULL, search_loop, &w[i]);
    }
    for (i = 0; i < 2; i++)
        pthread_create(&segs[i], NULL, segment_loop, dict);

    /* the writer: many small commits, one compaction at the end */
    uo.batch_bytes = small ? 128 * 1024 : 256 * 1024;
    uo.threads = 2;
    uo.compact = 1;
    rc = zk_index_update(ix, batch, small ? 1 : 2, &uo, &st);
    if (rc != ZK_OK)
        FAIL("writer: %d %s", rc, zk_error_last()->message);
    atomic_store(&writing, 0);
    for (i = 0; i < N_SEARCHERS; i++) {
        pthread_join(w[i].thread, NULL);
        total_q += w[i].queries;
        if (w[i].hits == 0)
            FAIL("searcher %u found nothing", i);
    }
    for (i = 0; i < 2; i++)
        pthread_join(segs[i], NULL);
    if (zk_index_info_get(&info, ix) != ZK_OK)
        FAIL("info: %s", zk_error_last()->message);
    else if (info.reports != st.n_new + 1 || st.n_failed != 0)
        FAIL("index holds %llu reports, expected %zu + 1 (%zu failed)",
             (unsigned long long)info.reports, st.n_new, st.n_failed);
    zk_index_free(ix);
    zk_dict_free(dict);
    printf("%lu queries in %d threads while %zu reports were indexed; "
           "%d failures\n",
           total_q, N_SEARCHERS, st.n_new, atomic_load(&failures));
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
    if (system(cmd) != 0)
        return 1;
    return atomic_load(&failures) == 0 && total_q >= N_SEARCHERS ? 0 : 1;
}
