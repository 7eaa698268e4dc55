/* store_xapian.cc - the only C++ in zhiku: store.h over Xapian 1.4.
 *
 * Every extern "C" entry point catches everything: Xapian exceptions are
 * mapped to zhiku's codes (a lock to ZK_ELOCKED, corruption to ZK_ECORRUPT,
 * a version mismatch to ZK_EVERSION, allocation failure to ZK_ENOMEM) with
 * the exception's message, so nothing unwinds into C. The writable database
 * holds its changes in memory until zk__store_commit(); Xapian's commit
 * switches to a new revision atomically, so a crash at any moment leaves
 * the last committed revision intact, and closing without commit discards.
 */
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <vector>
#include <xapian.h>

extern "C" {
#include "internal.h"
#include "store.h"
}

struct zk__xdoc {
    Xapian::Document doc;
};

/* The writer always works inside a flushed transaction: commit ends it
 * (durably) and starts the next, and freeing cancels the open one, so
 * changes are never committed by accident (Xapian's close() and destructor
 * would commit them). */
struct zk__store {
    Xapian::WritableDatabase db;
    bool in_txn;
};

/* Map the exception being handled to a zhiku code and message. */
static int map_error(const char *what)
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return zk__error(ZK_ELOCKED,
                         "%s: index is locked by another writer (%s)", what,
                         e.get_msg().c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return zk__error(ZK_ENOTFOUND, "%s: no index there (%s)", what,
                         e.get_msg().c_str());
    } catch (const Xapian::DatabaseVersionError &e) {
        return zk__error(ZK_EVERSION, "%s: index format not supported (%s)",
                         what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseOpeningError &e) {
        return zk__error(ZK_ENOTFOUND, "%s: cannot open index (%s)", what,
                         e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return zk__error(ZK_ECORRUPT, "%s: index is corrupt (%s)", what,
                         e.get_msg().c_str());
    } catch (const Xapian::DatabaseModifiedError &e) {
        return zk__error(ZK__EMODIFIED, "%s: index changed while reading (%s)",
                         what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseError &e) {
        /* the system's reason (errno), e.g. "No space left on device" */
        const char *why = e.get_error_string();
        return zk__error(ZK_EIO, "%s: %s%s%s%s", what, e.get_msg().c_str(),
                         why ? " (" : "", why ? why : "", why ? ")" : "");
    } catch (const Xapian::Error &e) {
        const char *why = e.get_error_string();
        return zk__error(ZK_ERROR, "%s: %s: %s%s%s%s", what, e.get_type(),
                         e.get_msg().c_str(), why ? " (" : "", why ? why : "",
                         why ? ")" : "");
    } catch (const std::bad_alloc &) {
        return zk__error_oom();
    } catch (const std::exception &e) {
        return zk__error(ZK_ERROR, "%s: %s", what, e.what());
    } catch (...) {
        return zk__error(ZK_ERROR, "%s: unknown C++ exception", what);
    }
}

/* Copy `v` into a malloc'ed NUL-terminated string for C. */
static int copy_out(const std::string &v, char **out, size_t *len)
{
    *out = static_cast<char *>(malloc(v.size() + 1));
    if (*out == NULL)
        return zk__error_oom();
    memcpy(*out, v.data(), v.size());
    (*out)[v.size()] = '\0';
    if (len != NULL)
        *len = v.size();
    return ZK_OK;
}

/* The spans of `h` (NULL: none) of shards below `n`, sorted by shard and
 * start, the spans of a shard that overlap or touch joined into one. With
 * `one_shard`, every span counts as shard 0: a writer's store is a single
 * shard. */
namespace
{
std::vector<zk__span> joined_spans(const zk__hidden *h, unsigned n,
                                   bool one_shard)
{
    std::vector<zk__span> v;
    for (size_t i = 0; h != NULL && i < h->n; i++) {
        zk__span x = h->v[i];
        if (one_shard)
            x.shard = 0;
        else if (x.shard >= n)
            continue;
        v.push_back(x);
    }
    std::sort(v.begin(), v.end(), [](const zk__span &a, const zk__span &b) {
        return a.shard < b.shard || (a.shard == b.shard && a.from < b.from);
    });
    size_t k = 0;
    for (size_t i = 1; i < v.size(); i++) {
        if (v[i].shard == v[k].shard && v[i].from <= (uint64_t)v[k].to + 1)
            v[k].to = std::max(v[k].to, v[i].to);
        else
            v[++k] = v[i];
    }
    if (!v.empty())
        v.resize(k + 1);
    return v;
}

/* Whether document `d` of shard `s` lies in one of `v` (joined_spans). */
bool in_spans(const std::vector<zk__span> &v, unsigned s, uint32_t d)
{
    auto it = std::upper_bound(
        v.begin(), v.end(), std::make_pair(s, d),
        [](const std::pair<unsigned, uint32_t> &k, const zk__span &x) {
            return k.first < x.shard ||
                   (k.first == x.shard && k.second < x.from);
        });
    if (it == v.begin())
        return false;
    --it;
    return it->shard == s && d <= it->to;
}
} // namespace

extern "C" {

int zk__xdoc_new(zk__xdoc **out)
{
    try {
        *out = new zk__xdoc();
        return ZK_OK;
    } catch (...) {
        *out = NULL;
        return map_error("document");
    }
}

void zk__xdoc_free(zk__xdoc *d)
{
    delete d;
}

int zk__xdoc_posting(zk__xdoc *d, const char *term, size_t len, uint32_t pos)
{
    try {
        d->doc.add_posting(std::string(term, len), pos);
        return ZK_OK;
    } catch (...) {
        return map_error("document");
    }
}

int zk__xdoc_term(zk__xdoc *d, const char *term, size_t len, uint32_t wdf)
{
    try {
        d->doc.add_term(std::string(term, len), wdf);
        return ZK_OK;
    } catch (...) {
        return map_error("document");
    }
}

int zk__xdoc_boolean(zk__xdoc *d, const char *term, size_t len)
{
    try {
        d->doc.add_boolean_term(std::string(term, len));
        return ZK_OK;
    } catch (...) {
        return map_error("document");
    }
}

int zk__xdoc_data(zk__xdoc *d, const char *data, size_t len)
{
    try {
        d->doc.set_data(std::string(data, len));
        return ZK_OK;
    } catch (...) {
        return map_error("document");
    }
}

int zk__store_open(zk__store **out, const char *path, int create)
{
    *out = NULL;
    try {
        int flags = create == 2   ? Xapian::DB_CREATE_OR_OVERWRITE
                    : create == 1 ? Xapian::DB_CREATE_OR_OPEN
                                  : Xapian::DB_OPEN;
        *out = new zk__store{
            Xapian::WritableDatabase(path, flags | Xapian::DB_BACKEND_GLASS),
            false};
        (*out)->db.begin_transaction(true);
        (*out)->in_txn = true;
        return ZK_OK;
    } catch (...) {
        return map_error(path);
    }
}

void zk__store_free(zk__store *s)
{
    if (s == NULL)
        return;
    try {
        if (s->in_txn)
            s->db.cancel_transaction();
        s->db.close();
    } catch (...) {
        /* nothing to report to: the caller is discarding the handle */
    }
    delete s;
}

int zk__store_doccount(zk__store *s, uint64_t *out)
{
    try {
        *out = s->db.get_doccount();
        return ZK_OK;
    } catch (...) {
        return map_error("index");
    }
}

int zk__store_get_meta(zk__store *s, const char *key, char **out)
{
    *out = NULL;
    try {
        std::string v = s->db.get_metadata(key);
        if (v.empty())
            return ZK_OK;
        return copy_out(v, out, NULL);
    } catch (...) {
        return map_error("index metadata");
    }
}

int zk__store_set_meta(zk__store *s, const char *key, const char *value)
{
    try {
        s->db.set_metadata(key, value);
        return ZK_OK;
    } catch (...) {
        return map_error("index metadata");
    }
}

int zk__store_add(zk__store *s, zk__xdoc *d)
{
    int rc = ZK_OK;
    try {
        s->db.add_document(d->doc);
    } catch (...) {
        rc = map_error("adding a passage");
    }
    delete d;
    return rc;
}

int zk__store_replace(zk__store *s, const char *uniq, zk__xdoc *d)
{
    int rc = ZK_OK;
    try {
        /* the newest: older ones are replaced versions still to be hidden
         * by the next commit */
        Xapian::docid last = 0;
        for (Xapian::PostingIterator p = s->db.postlist_begin(uniq);
             p != s->db.postlist_end(uniq); ++p)
            last = *p;
        if (last != 0)
            s->db.replace_document(last, d->doc);
        else
            s->db.add_document(d->doc);
    } catch (...) {
        rc = map_error("replacing a report record");
    }
    delete d;
    return rc;
}

int zk__store_delete_span(zk__store *s, uint32_t from, uint32_t to)
{
    try {
        std::vector<Xapian::docid> ids;
        Xapian::PostingIterator p = s->db.postlist_begin(std::string());
        Xapian::PostingIterator end = s->db.postlist_end(std::string());
        for (p.skip_to(from); p != end && *p <= to; ++p)
            ids.push_back(*p);
        for (Xapian::docid id : ids)
            s->db.delete_document(id);
        return ZK_OK;
    } catch (...) {
        return map_error("deleting replaced documents");
    }
}

int zk__store_hide_term(zk__store *s, const char *term, zk__hidden *h,
                        unsigned shard)
{
    try {
        std::vector<Xapian::docid> ids;
        for (Xapian::PostingIterator p = s->db.postlist_begin(term);
             p != s->db.postlist_end(term); ++p)
            ids.push_back(*p);
        for (Xapian::docid id : ids) {
            int rc = zk__hidden_add(h, shard, id, id);
            if (rc != ZK_OK)
                return rc;
        }
        return ZK_OK;
    } catch (...) {
        return map_error("reading the index");
    }
}

int zk__store_lastdocid(zk__store *s, uint32_t *out)
{
    try {
        *out = s->db.get_lastdocid();
        return ZK_OK;
    } catch (...) {
        return map_error("reading the index");
    }
}

int zk__store_commit(zk__store *s)
{
    try {
        s->in_txn = false;
        s->db.commit_transaction();
        s->db.begin_transaction(true);
        s->in_txn = true;
        return ZK_OK;
    } catch (...) {
        return map_error("committing the index");
    }
}

int zk__store_compact(zk__store *s, const char *dir)
{
    try {
        s->db.compact(dir, Xapian::DBCOMPACT_NO_RENUMBER);
        return ZK_OK;
    } catch (...) {
        return map_error("compacting the index");
    }
}

int zk__store_each(zk__store *s, const char *term, const zk__hidden *skip,
                   int (*cb)(const char *data, size_t len, void *payload),
                   void *payload)
{
    try {
        std::vector<zk__span> sk = joined_spans(skip, 1, true);
        for (Xapian::PostingIterator p = s->db.postlist_begin(term);
             p != s->db.postlist_end(term); ++p) {
            if (in_spans(sk, 0, *p))
                continue;
            std::string data = s->db.get_document(*p).get_data();
            int r = cb(data.data(), data.size(), payload);
            if (r != 0)
                return r;
        }
        return ZK_OK;
    } catch (...) {
        return map_error("reading the index");
    }
}

int zk__store_termfreq(zk__store *s, const char *term, const zk__hidden *skip,
                       uint64_t *out)
{
    try {
        *out = s->db.get_termfreq(term);
        for (const zk__span &x : joined_spans(skip, 1, true)) {
            Xapian::PostingIterator p = s->db.postlist_begin(term);
            Xapian::PostingIterator end = s->db.postlist_end(term);
            for (p.skip_to(x.from); p != end && *p <= x.to && *out > 0; ++p)
                (*out)--;
        }
        return ZK_OK;
    } catch (...) {
        return map_error("reading the index");
    }
}

int zk__store_size(const char *path, uint64_t *out)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    std::string base(path);

    *out = 0;
    if (dir == NULL)
        return zk__error(ZK_ENOTFOUND, "%s: cannot list the index", path);
    while ((e = readdir(dir)) != NULL) {
        struct stat st;
        std::string p = base + "/" + e->d_name;
        if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            *out += (uint64_t)st.st_size;
    }
    closedir(dir);
    return ZK_OK;
}

/* ---- the read side ---------------------------------------------------- */

/* The documents hidden (zk__reader_hide): by shard, those above last[s]
 * and those in `spans` (sorted by shard, then docid). Docids of the
 * combined database interleave the shards': shard s's document d is
 * (d - 1) * n + s + 1. cut[s] is last[s] if the revision read has
 * documents above it in shard s, else ZK__NO_LAST, so that a reader with
 * nothing to hide (the usual case) pays nothing for it. */
struct zk__reader {
    Xapian::Database db;
    unsigned n;
    bool any;
    uint32_t last[ZK_MAX_SHARDS], cut[ZK_MAX_SHARDS];
    std::vector<zk__span> spans;

    /* Set cut[] and `any` for the revision read. A shard's documents
     * above last[s] come after the position of its document last[s] + 1
     * in the combined list; the others there belong to other shards,
     * about as many as the shards differ in size. */
    void find_tails()
    {
        any = !spans.empty();
        for (unsigned s = 0; s < ZK_MAX_SHARDS; s++) {
            cut[s] = ZK__NO_LAST;
            if (s >= n || last[s] == ZK__NO_LAST)
                continue;
            uint64_t a = (uint64_t)last[s] * n + s + 1;
            if (a > UINT32_MAX)
                continue;
            Xapian::PostingIterator p = db.postlist_begin(std::string());
            Xapian::PostingIterator end = db.postlist_end(std::string());
            for (p.skip_to((Xapian::docid)a); p != end; ++p)
                if ((*p - 1) % n == s) {
                    cut[s] = last[s];
                    any = true;
                    break;
                }
        }
    }

    bool hidden(Xapian::docid c) const
    {
        unsigned s = (unsigned)((c - 1) % n);
        uint32_t d = (uint32_t)((c - 1) / n + 1);
        return d > cut[s] || in_spans(spans, s, d);
    }

    /* Call f on each posting of `term` that is hidden. */
    void each_hidden(
        const std::string &term,
        const std::function<void(const Xapian::PostingIterator &)> &f) const
    {
        auto region = [&](unsigned s, uint64_t from, uint64_t to) {
            uint64_t a = (from - 1) * n + s + 1, b = (to - 1) * n + s + 1;
            if (a > UINT32_MAX)
                return;
            Xapian::PostingIterator p = db.postlist_begin(term);
            Xapian::PostingIterator end = db.postlist_end(term);
            for (p.skip_to((Xapian::docid)a); p != end && *p <= b; ++p)
                if ((*p - 1) % n == s)
                    f(p);
        };
        for (unsigned s = 0; s < n; s++)
            if (cut[s] != ZK__NO_LAST)
                region(s, (uint64_t)cut[s] + 1, UINT32_MAX);
        for (const zk__span &x : spans)
            if (x.from <= last[x.shard])
                region(x.shard, x.from, std::min(x.to, last[x.shard]));
    }
};

void zk__plist_free(zk__plist *p)
{
    free(p->ids);
    free(p->wdf);
    memset(p, 0, sizeof(*p));
}

/* Room for n postings. The old contents are not kept (every caller fills
 * the list from the start), so a larger list is allocated afresh rather
 * than copied. */
static int plist_reserve(zk__plist *p, size_t n, int want_wdf)
{
    if (n <= p->cap && (!want_wdf || p->wdf != NULL))
        return ZK_OK;
    size_t cap = p->cap ? p->cap : 64;
    while (cap < n)
        cap *= 2;
    zk__plist_free(p);
    p->ids = static_cast<uint32_t *>(malloc(cap * sizeof(uint32_t)));
    if (p->ids == NULL)
        return zk__error_oom();
    if (want_wdf) {
        p->wdf = static_cast<uint32_t *>(malloc(cap * sizeof(uint32_t)));
        if (p->wdf == NULL) {
            zk__plist_free(p);
            return zk__error_oom();
        }
    }
    p->cap = cap;
    return ZK_OK;
}

/* Room for one more posting, keeping those already read. */
static int plist_grow(zk__plist *p, int want_wdf)
{
    size_t cap = p->cap ? p->cap * 2 : 64;
    void *a = realloc(p->ids, cap * sizeof(uint32_t));
    if (a == NULL)
        return zk__error_oom();
    p->ids = static_cast<uint32_t *>(a);
    if (want_wdf) {
        a = realloc(p->wdf, cap * sizeof(uint32_t));
        if (a == NULL)
            return zk__error_oom();
        p->wdf = static_cast<uint32_t *>(a);
    }
    p->cap = cap;
    return ZK_OK;
}

int zk__reader_open(zk__reader **out, const char *path)
{
    *out = NULL;
    try {
        *out = new zk__reader{Xapian::Database(path), 1, false, {}, {}, {}};
        (*out)->n = (*out)->db.size() ? (unsigned)(*out)->db.size() : 1;
        for (unsigned s = 0; s < ZK_MAX_SHARDS; s++)
            (*out)->last[s] = (*out)->cut[s] = ZK__NO_LAST;
        return ZK_OK;
    } catch (...) {
        return map_error(path);
    }
}

void zk__reader_free(zk__reader *r)
{
    delete r;
}

int zk__reader_hide(zk__reader *r, const zk__hidden *h)
{
    try {
        for (unsigned s = 0; s < ZK_MAX_SHARDS; s++)
            r->last[s] = s < r->n ? h->last[s] : ZK__NO_LAST;
        r->spans = joined_spans(h, r->n, false);
        r->find_tails();
        return ZK_OK;
    } catch (...) {
        return map_error("index");
    }
}

int zk__reader_reopen(zk__reader *r)
{
    try {
        if (!r->db.reopen())
            return 0;
        r->find_tails(); /* a shard may have committed past the stub */
        return 1;
    } catch (...) {
        return map_error("index");
    }
}

int zk__reader_meta(zk__reader *r, const char *key, char **out)
{
    *out = NULL;
    try {
        std::string v = r->db.get_metadata(key);
        if (v.empty())
            return ZK_OK;
        return copy_out(v, out, NULL);
    } catch (...) {
        return map_error("index metadata");
    }
}

int zk__reader_stats(zk__reader *r, uint64_t *doccount, double *avlength,
                     unsigned *n_shards)
{
    try {
        *doccount = r->db.get_doccount();
        *avlength = r->db.get_avlength();
        *n_shards = (unsigned)r->db.size();
        if (r->any) {
            Xapian::doccount gone = 0;
            Xapian::totallength total = r->db.get_total_length(), glen = 0;
            r->each_hidden(std::string(),
                           [&](const Xapian::PostingIterator &p) {
                               gone++;
                               glen += p.get_doclength();
                           });
            *doccount -= std::min<uint64_t>(gone, *doccount);
            *avlength = *doccount ? (double)(total - glen) / *doccount : 0;
        }
        return ZK_OK;
    } catch (...) {
        return map_error("index");
    }
}

int zk__reader_termfreq(zk__reader *r, const char *term, size_t len,
                        uint64_t *out)
{
    try {
        std::string t(term, len);
        *out = r->db.get_termfreq(t);
        if (r->any) {
            uint64_t gone = 0;
            r->each_hidden(t, [&](const Xapian::PostingIterator &) { gone++; });
            *out -= std::min(gone, *out);
        }
        return ZK_OK;
    } catch (...) {
        return map_error("index");
    }
}

int zk__reader_postlist(zk__reader *r, const char *term, size_t len,
                        int want_wdf, zk__plist *out)
{
    out->n = 0;
    try {
        std::string t(term, len);
        Xapian::doccount tf = r->db.get_termfreq(t);
        if (tf == 0)
            return ZK_OK;
        int rc = plist_reserve(out, tf, want_wdf);
        if (rc != ZK_OK)
            return rc;
        Xapian::PostingIterator end = r->db.postlist_end(t);
        for (Xapian::PostingIterator p = r->db.postlist_begin(t); p != end;
             ++p) {
            if (out->n == out->cap) { /* the index moved on meanwhile */
                rc = plist_grow(out, want_wdf);
                if (rc != ZK_OK)
                    return rc;
            }
            if (r->any && r->hidden(*p))
                continue;
            out->ids[out->n] = *p;
            if (want_wdf)
                out->wdf[out->n] = p.get_wdf();
            out->n++;
        }
        return ZK_OK;
    } catch (...) {
        return map_error("reading the index");
    }
}

int zk__reader_doclens(zk__reader *r, const uint32_t *ids, size_t n,
                       uint32_t *len)
{
    try {
        /* the all-documents list carries each document's length */
        Xapian::PostingIterator p = r->db.postlist_begin(std::string());
        Xapian::PostingIterator end = r->db.postlist_end(std::string());
        for (size_t i = 0; i < n && p != end; i++) {
            if (len[i] != 0)
                continue;
            if (*p < ids[i])
                p.skip_to(ids[i]);
            if (p != end && *p == ids[i])
                len[i] = p.get_doclength();
        }
        return ZK_OK;
    } catch (...) {
        return map_error("reading the index");
    }
}

int zk__reader_has(zk__reader *r, const char *term, size_t len,
                   const uint32_t *ids, size_t n, unsigned char *has,
                   uint32_t *wdf)
{
    try {
        std::string t(term, len);
        Xapian::PostingIterator p = r->db.postlist_begin(t);
        Xapian::PostingIterator end = r->db.postlist_end(t);
        for (size_t i = 0; i < n; i++) {
            int here = 0;
            if (p != end && *p < ids[i])
                p.skip_to(ids[i]);
            here = p != end && *p == ids[i];
            if (has != NULL)
                has[i] = here;
            if (wdf != NULL)
                wdf[i] = here ? p.get_wdf() : 0;
        }
        return ZK_OK;
    } catch (...) {
        return map_error("reading the index");
    }
}

int zk__reader_data(zk__reader *r, uint32_t id, char **out, size_t *len)
{
    *out = NULL;
    try {
        std::string d = r->db.get_document(id).get_data();
        return copy_out(d, out, len);
    } catch (const Xapian::DocNotFoundError &) {
        return zk__error(ZK_ENOTFOUND, "document %u is gone", (unsigned)id);
    } catch (...) {
        return map_error("reading the index");
    }
}

} /* extern "C" */
