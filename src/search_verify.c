/* search_verify.c - checking candidate passages against their text: is
 * the term really there, not only its character pairs?
 *
 * Candidates (search_candidates.c) are exact for terms of one or two
 * characters; a longer term's candidates hold all its character pairs, and
 * each is checked here for the term itself in its normalised text and
 * heading trail. A query checks every candidate when asked for exact
 * counts or when there are few, else only as many as its page needs, best
 * first (search_query.c). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "search_impl.h"

/* Does the item's literal occur in the passage (text or trail; trail only
 * for section:)? `nt`/`ntr` hold the normalised text and trail. */
static int literal_in(const zk__qitem *it, const zk_norm *nt,
                      const zk_norm *ntr)
{
    if (it->field == ZK_QF_TEXT &&
        memmem(nt->text, nt->len, it->norm, it->norm_len) != NULL)
        return 1;
    return memmem(ntr->text, ntr->len, it->norm, it->norm_len) != NULL;
}

int zk__sr_need_verify(const zk__query *q, const item_state *st)
{
    size_t k;

    for (k = 0; k < q->n; k++)
        if (!st[k].exact)
            return 1;
    return 0;
}

/* Read passage `id` into *v (v->data to free, also on failure once read),
 * its text normalised into s->nb and its trail into s->nb2. */
static int read_normalised(zk_searcher *s, uint32_t id, passage_view *v)
{
    int rc = zk__sr_read_passage(s, id, v);

    if (rc == ZK_OK)
        rc = zk__normalize_into(&s->nb, &s->nb_cap, v->text, v->text_len);
    if (rc == ZK_OK)
        rc = zk__normalize_into(&s->nb2, &s->nb2_cap, v->trail, v->trail_len);
    return rc;
}

/* Is candidate `id` a match? Every group needs an item that holds, and no
 * excluded item may hold; items that need checking are checked against the
 * passage's normalised text and trail (read once). When `pv` is not NULL
 * and the passage had to be read, *pv gets it (pv->data to free), and
 * s->nb still holds its normalised text; otherwise pv->data is NULL. */
int zk__sr_doc_ok(zk_searcher *s, const zk__query *q, const item_state *st,
                  uint32_t id, int *ok, passage_view *pv)
{
    size_t k;
    unsigned g;
    char *data = NULL;
    passage_view v;
    int keep = 1, have_norm = 0, rc = ZK_OK;

    for (g = 1; g <= q->n_groups && keep && rc == ZK_OK; g++) {
        int any = 0, member_group = 0;
        for (k = 0; k < q->n && !any && rc == ZK_OK; k++) {
            const zk__qitem *it = &q->items[k];
            if (it->group != g || it->negated)
                continue;
            member_group = 1;
            if (!zk__idset_has(&st[k].cand, id))
                continue;
            if (st[k].exact) {
                any = 1;
                continue;
            }
            if (!have_norm) {
                rc = read_normalised(s, id, &v);
                data = v.data;
                have_norm = rc == ZK_OK;
            }
            if (rc == ZK_OK)
                any = literal_in(it, &s->nb, &s->nb2);
        }
        if (member_group && !any)
            keep = 0;
    }
    for (k = 0; keep && rc == ZK_OK && k < q->n; k++) {
        const zk__qitem *it = &q->items[k];
        if (!it->negated || st[k].exact || !zk__idset_has(&st[k].cand, id))
            continue;
        if (!have_norm) {
            rc = read_normalised(s, id, &v);
            data = v.data;
            have_norm = rc == ZK_OK;
        }
        if (rc == ZK_OK && literal_in(it, &s->nb, &s->nb2))
            keep = 0;
    }
    if (pv != NULL) {
        pv->data = NULL;
        if (rc == ZK_OK && have_norm) {
            *pv = v;
            data = NULL;
        }
    }
    free(data);
    if (rc == ZK_ENOTFOUND) {
        rc = ZK_OK; /* deleted under us: not a match */
        keep = 0;
    }
    *ok = keep;
    return rc;
}

/* Check every candidate (for exact counts). */
int zk__sr_verify(zk_searcher *s, const zk__query *q, item_state *st,
                  idset *final)
{
    size_t i, o = 0;
    int rc = ZK_OK, ok;

    if (!zk__sr_need_verify(q, st))
        return ZK_OK;
    for (i = 0; i < final->n && rc == ZK_OK; i++) {
        rc = zk__sr_doc_ok(s, q, st, final->v[i], &ok, NULL);
        if (ok)
            final->v[o++] = final->v[i];
    }
    final->n = o;
    return rc;
}
