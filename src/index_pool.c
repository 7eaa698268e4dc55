/* index_pool.c - the shard writer threads of an update, and how they
 * commit together.
 *
 * Jobs are split by shard; each writer thread owns one or more shards and
 * does everything for their reports: read, parse, segment, build the
 * documents and write them (zk__ix_process()). Xapian's cost is in the
 * writing, so writing shards in parallel is what uses the second core.
 * When a thread's batch is full it commits its shards and waits for the
 * others at a barrier, which the last to arrive passes for all by writing
 * the stub (zk__ix_publish(): a commit of the whole index is one stub
 * naming a state of every shard). Finished files are queued as events
 * for the caller's thread, which counts them and runs the progress
 * callback. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_impl.h"
#include "read.h"
#include "util.h"

/* Most writer threads started when zk_update_options.threads is 0, however
 * many processors there are (they are capped at the shard count too). */
#define MAX_THREADS 16

typedef struct event {
    result *r; /* NULL fields for a failed write; owns the result */
    struct event *next;
} event;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t have_event;
    pthread_cond_t turn; /* a commit all writers waited for is made */
    event *head, *tail;
    size_t running;      /* writer threads still at work */
    size_t waiting;      /* of them, those waiting for the commit */
    unsigned long round; /* commits made for waiting writers */
    int stop;            /* set by the caller's thread to cancel */
    int rc;              /* first index write error */
    char msg[1024];      /* its message (zk_error_last() is per thread) */
    zk_index *ix;
    const write_plan *plan;
} pool;

typedef struct worker {
    pthread_t thread;
    pool *p;
    builder b;
    unsigned first, step; /* shards first, first + step, ... */
    int started;
} worker;

static void post(pool *p, result *r)
{
    event *e = calloc(1, sizeof(*e));

    pthread_mutex_lock(&p->mu);
    if (e != NULL) {
        e->r = r;
        if (p->tail)
            p->tail->next = e;
        else
            p->head = e;
        p->tail = e;
    } else {
        zk__ix_result_free(r);
    }
    pthread_cond_signal(&p->have_event);
    pthread_mutex_unlock(&p->mu);
}

static int stopping(pool *p)
{
    int stop;

    pthread_mutex_lock(&p->mu);
    stop = p->stop || p->rc != ZK_OK;
    pthread_mutex_unlock(&p->mu);
    return stop;
}

static void fail_pool(pool *p, int rc)
{
    const zk_error *e = zk_error_last();

    pthread_mutex_lock(&p->mu);
    if (p->rc == ZK_OK) {
        p->rc = rc;
        snprintf(p->msg, sizeof(p->msg), "%s",
                 e ? e->message : zk_strerror(rc));
    }
    pthread_cond_broadcast(&p->turn);
    pthread_mutex_unlock(&p->mu);
}

/* With p->mu held, every writer thread still at work waiting for it, each
 * having committed its shards: write the stub for them all (unless the run
 * has failed: the last commit must then stand), and let them go on. */
static void pass_barrier(pool *p)
{
    p->waiting = 0;
    if (p->rc == ZK_OK) {
        int rc;
        pthread_mutex_unlock(&p->mu);
        rc = zk__ix_publish(p->ix);
        if (rc != ZK_OK)
            fail_pool(p, rc);
        pthread_mutex_lock(&p->mu);
    }
    p->round++;
    pthread_cond_broadcast(&p->turn);
}

/* A writer's batch is full: commit its shards (in parallel with the other
 * writers'), wait until every writer has (or has no more work), and the
 * stub is written. Not ZK_OK if the run has failed. */
static int commit_together(pool *p, const worker *w)
{
    unsigned long round;
    unsigned s;
    int rc = ZK_OK;

    for (s = w->first; rc == ZK_OK && s < p->ix->n_shards; s += w->step)
        rc = zk__ix_commit_shard(p->ix, s);
    if (rc != ZK_OK)
        fail_pool(p, rc);
    pthread_mutex_lock(&p->mu);
    round = p->round;
    if (++p->waiting == p->running)
        pass_barrier(p);
    else
        while (p->round == round && p->rc == ZK_OK)
            pthread_cond_wait(&p->turn, &p->mu);
    rc = p->rc;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Index job j of shard s, and post its result to the caller's thread,
 * adding the bytes it wrote to the shard's batch (*batch). Not ZK_OK when
 * the shard cannot be written: the run must end. */
static int write_job(worker *w, unsigned s, job *j, uint64_t *batch)
{
    pool *p = w->p;
    zk_index *ix = p->ix;
    result *r = zk__ix_process(&w->b, j, p->plan->encoding, ix);
    int rc = ZK_OK;

    if (r == NULL)
        return zk__error_oom();
    if (r->write_rc != ZK_OK) {
        /* not a file to skip: the shard holds part of it */
        rc = zk__ix_shard_error(ix, s, r->write_rc, r->message);
        zk__ix_result_free(r);
        return rc;
    }
    if (r->touch_only)
        rc = zk__ix_refresh_record(ix, r);
    if (rc != ZK_OK)
        rc = zk__ix_shard_error(ix, s, rc, NULL);
    if (rc == ZK_OK && r->status != ZK_FILE_FAILED && !r->touch_only)
        *batch += j->size;
    post(p, r);
    return rc;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    const write_plan *plan = p->plan;
    zk_index *ix = p->ix;
    size_t next[ZK_MAX_SHARDS] = {0};
    uint64_t batch[ZK_MAX_SHARDS] = {0};
    unsigned s;
    int more = 1, rc = ZK_OK, others = 0;

    /* round-robin over this thread's shards, one file at a time */
    while (more && rc == ZK_OK && !stopping(p)) {
        more = 0;
        for (s = w->first; s < ix->n_shards && rc == ZK_OK; s += w->step) {
            if (next[s] >= plan->n_todo[s])
                continue;
            more = 1;
            rc = write_job(w, s, plan->todo[s][next[s]++], &batch[s]);
            if (rc == ZK_OK && batch[s] >= plan->batch_max) {
                memset(batch, 0, sizeof(batch)); /* all shards committed */
                if (commit_together(p, w) != ZK_OK) {
                    others = 1; /* the run failed: fail_pool() was told */
                    break;
                }
            }
        }
        more = more && !others;
    }
    /* the last commit of the run is the caller's (zk_index_update) */
    if (rc != ZK_OK)
        fail_pool(p, rc);
    pthread_mutex_lock(&p->mu);
    p->running--;
    if (p->running > 0 && p->waiting == p->running)
        pass_barrier(p); /* the others waited for this thread's batch */
    pthread_cond_signal(&p->have_event);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int hardware_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static int emit_event(const zk_update_options *o, zk_update_stats *st,
                      const result *r, double t0)
{
    zk_file_event ev;

    st->seconds = zk__now_seconds() - t0;
    if (o->progress == NULL)
        return 0;
    memset(&ev, 0, sizeof(ev));
    ev.path = r->job->path;
    ev.status = r->status;
    ev.bytes = r->job->size;
    ev.passages = r->n_passages;
    ev.encoding = r->encoding;
    ev.format = r->encoding != NULL ? zk__format_name(r->format) : NULL;
    ev.error = r->error;
    ev.message = r->message;
    return o->progress(&ev, st, o->payload);
}

static void count(zk_update_stats *st, const result *r)
{
    st->done++;
    st->bytes_done += r->job->size;
    switch (r->status) {
    case ZK_FILE_NEW:
        st->n_new++;
        break;
    case ZK_FILE_UPDATED:
        st->n_updated++;
        break;
    case ZK_FILE_UNCHANGED:
        st->n_unchanged++;
        break;
    default:
        st->n_failed++;
    }
    if (r->status == ZK_FILE_NEW || r->status == ZK_FILE_UPDATED)
        st->passages += r->n_passages;
}

/* Start nthreads writers, each with its own segmenter. On failure those
 * started run on (told to stop if a thread could not start). */
static int start_writers(pool *p, worker *w, size_t nthreads)
{
    size_t i;
    int rc = ZK_OK;

    for (i = 0; i < nthreads && rc == ZK_OK; i++) {
        w[i].p = p;
        w[i].first = (unsigned)i;
        w[i].step = (unsigned)nthreads;
        rc = zk_seg_new(&w[i].b.seg, p->ix->dict);
        if (rc != ZK_OK)
            break;
        pthread_mutex_lock(&p->mu);
        p->running++;
        pthread_mutex_unlock(&p->mu);
        if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
            pthread_mutex_lock(&p->mu);
            p->running--;
            p->stop = 1;
            pthread_mutex_unlock(&p->mu);
            rc = zk__error(ZK_ENOMEM, "cannot start a writer thread");
            break;
        }
        w[i].started = 1;
    }
    return rc;
}

/* On the caller's thread: count and report each finished file until every
 * writer has ended; *stopped is set, and the writers told, when the
 * callback asks to stop. */
static void drain_events(pool *p, const zk_update_options *o,
                         zk_update_stats *st, double t0, int *stopped)
{
    for (;;) {
        event *e;
        int done;

        pthread_mutex_lock(&p->mu);
        while (p->head == NULL && p->running > 0)
            pthread_cond_wait(&p->have_event, &p->mu);
        e = p->head;
        if (e != NULL) {
            p->head = e->next;
            if (p->head == NULL)
                p->tail = NULL;
        }
        done = e == NULL && p->running == 0;
        pthread_mutex_unlock(&p->mu);
        if (done)
            break;
        if (e == NULL)
            continue;
        count(st, e->r);
        if (!*stopped && emit_event(o, st, e->r, t0)) {
            *stopped = 1;
            pthread_mutex_lock(&p->mu);
            p->stop = 1;
            pthread_mutex_unlock(&p->mu);
        }
        zk__ix_result_free(e->r);
        free(e);
    }
}

/* Join the writers and free what they held. */
static void end_writers(worker *w, size_t nthreads)
{
    size_t i;

    for (i = 0; i < nthreads; i++) {
        if (w[i].started)
            pthread_join(w[i].thread, NULL);
        zk_seg_free(w[i].b.seg);
        w[i].b.seg = NULL;
        zk__ix_builder_release(&w[i].b);
    }
}

int zk__ix_run_writers(zk_index *ix, const write_plan *plan,
                       const zk_update_options *o, zk_update_stats *st,
                       double t0, int *stopped)
{
    pool p;
    worker w[ZK_MAX_SHARDS];
    size_t nthreads;
    int rc;

    memset(&p, 0, sizeof(p));
    p.ix = ix;
    p.plan = plan;
    memset(w, 0, sizeof(w));
    nthreads = o->threads > 0 ? (size_t)o->threads : (size_t)hardware_threads();
    if (nthreads > ix->n_shards)
        nthreads = ix->n_shards;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.have_event, NULL);
    pthread_cond_init(&p.turn, NULL);
    rc = start_writers(&p, w, nthreads);
    drain_events(&p, o, st, t0, stopped);
    end_writers(w, nthreads);
    pthread_cond_destroy(&p.have_event);
    pthread_cond_destroy(&p.turn);
    pthread_mutex_destroy(&p.mu);
    /* a failed write or commit: the shards may hold part of a report, or
     * have committed past the stub; nothing more may be committed */
    if (p.rc != ZK_OK)
        ix->broken = 1;
    if (rc == ZK_OK && p.rc != ZK_OK)
        rc = zk__error(p.rc, "%s", p.msg);
    return rc;
}
