/* dict.c - open, query and extend the segmentation dictionary
 *
 * The compiled dictionary (dict_compile.c) is mapped read-only, so opening it
 * costs a few system calls however large it is, and pages are read on first
 * touch. User words live in a small heap overlay: new trie edges in an
 * edge map, new nodes in growable arrays, and changed frequencies of
 * compiled words in an override table. jieba's semantics are kept exactly:
 * every prefix of a user word becomes a node (frequency 0 if new), the
 * user's frequency is added to the total, and a frequency of 0 puts the word
 * in the HMM's force-split set.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "dict.h"
#include "internal.h"

#ifndef ZK_DICT_INSTALL_PATH
#define ZK_DICT_INSTALL_PATH ""
#endif
#ifndef ZK_DICT_BUILD_PATH
#define ZK_DICT_BUILD_PATH ""
#endif
#ifndef ZK_DICT_FROM_LIBDIR
#define ZK_DICT_FROM_LIBDIR ""
#endif
#ifndef ZK_DICT_FROM_BINDIR
#define ZK_DICT_FROM_BINDIR ""
#endif

/* ---- overlay maps ------------------------------------------------------ */

uint32_t zk__edge_map_get(const zk_edge_map *m, uint32_t parent, uint32_t cp)
{
    uint32_t i, mask;

    if (m->n_slots == 0)
        return 0;
    mask = m->n_slots - 1;
    for (i = zk__edge_hash(parent, cp) & mask;; i = (i + 1) & mask) {
        const zk_dict_slot *s = &m->slots[i];
        if (s->child == 0)
            return 0;
        if (s->parent == parent && s->cp == cp)
            return s->child;
    }
}

static void edge_map_put_nogrow(zk_edge_map *m, uint32_t parent, uint32_t cp,
                                uint32_t child)
{
    uint32_t mask = m->n_slots - 1, i;

    for (i = zk__edge_hash(parent, cp) & mask; m->slots[i].child != 0;
         i = (i + 1) & mask)
        ;
    m->slots[i].parent = parent;
    m->slots[i].cp = cp;
    m->slots[i].child = child;
    m->used++;
}

static int edge_map_put(zk_edge_map *m, uint32_t parent, uint32_t cp,
                        uint32_t child)
{
    if ((m->used + 1) * 2 > m->n_slots) {
        zk_edge_map g;
        uint32_t i;

        g.n_slots = m->n_slots ? m->n_slots * 2 : 64;
        g.used = 0;
        g.slots = calloc(g.n_slots, sizeof(*g.slots));
        if (g.slots == NULL)
            return zk__error_oom();
        for (i = 0; i < m->n_slots; i++)
            if (m->slots[i].child != 0)
                edge_map_put_nogrow(&g, m->slots[i].parent, m->slots[i].cp,
                                    m->slots[i].child);
        free(m->slots);
        *m = g;
    }
    edge_map_put_nogrow(m, parent, cp, child);
    return ZK_OK;
}

const zk_freq_over *zk__dict_over(const zk_dict *d, uint32_t node)
{
    uint32_t mask = d->over_slots - 1, i;

    for (i = zk__edge_hash(node, 0) & mask; d->over[i].used; i = (i + 1) & mask)
        if (d->over[i].node == node)
            return &d->over[i];
    return NULL;
}

static int over_set(zk_dict *d, uint32_t node, int64_t freq, double logf)
{
    uint32_t mask, i;

    if ((d->over_used + 1) * 2 > d->over_slots) {
        uint32_t n = d->over_slots ? d->over_slots * 2 : 64, j;
        zk_freq_over *o = calloc(n, sizeof(*o)), *old = d->over;
        uint32_t old_n = d->over_slots;

        if (o == NULL)
            return zk__error_oom();
        d->over = o;
        d->over_slots = n;
        for (j = 0; j < old_n; j++) {
            if (!old[j].used)
                continue;
            for (i = zk__edge_hash(old[j].node, 0) & (n - 1); o[i].used;
                 i = (i + 1) & (n - 1))
                ;
            o[i] = old[j];
        }
        free(old);
    }
    mask = d->over_slots - 1;
    for (i = zk__edge_hash(node, 0) & mask; d->over[i].used;
         i = (i + 1) & mask) {
        if (d->over[i].node == node) {
            d->over[i].freq = freq;
            d->over[i].logf = logf;
            return ZK_OK;
        }
    }
    d->over[i].used = 1;
    d->over[i].node = node;
    d->over[i].freq = freq;
    d->over[i].logf = logf;
    d->over_used++;
    return ZK_OK;
}

static int strset_has(const zk_strset *s, const char *w, size_t len)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strlen(s->items[i]) == len && memcmp(s->items[i], w, len) == 0)
            return 1;
    return 0;
}

static int strset_add(zk_strset *s, const char *w, size_t len)
{
    char *copy;

    if (strset_has(s, w, len))
        return ZK_OK;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **items = realloc(s->items, cap * sizeof(*items));
        if (items == NULL)
            return zk__error_oom();
        s->items = items;
        s->cap = cap;
    }
    copy = malloc(len + 1);
    if (copy == NULL)
        return zk__error_oom();
    memcpy(copy, w, len);
    copy[len] = '\0';
    s->items[s->n++] = copy;
    return ZK_OK;
}

static void strset_free(zk_strset *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        free(s->items[i]);
    free(s->items);
    memset(s, 0, sizeof(*s));
}

int zk__dict_force_split(const zk_dict *d, const char *word, size_t len)
{
    return d->force_split.n != 0 && strset_has(&d->force_split, word, len);
}

/* ---- open and free ----------------------------------------------------- */

static int check_range(const zk_dict_header *h, uint64_t off, uint64_t size)
{
    return off % 8 == 0 && off <= h->file_size && size <= h->file_size - off;
}

static int map_file(zk_dict *d, const char *path)
{
    struct stat st;
    const zk_dict_header *h;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return zk__error(errno == ENOENT ? ZK_ENOTFOUND : ZK_EIO,
                         "%s: cannot open dictionary: %s", path,
                         strerror(errno));
    if (fstat(fd, &st) != 0) {
        close(fd);
        return zk__error(ZK_EIO, "%s: %s", path, strerror(errno));
    }
    if ((size_t)st.st_size < sizeof(zk_dict_header)) {
        close(fd);
        return zk__error(ZK_EFORMAT,
                         "%s: not a zhiku dictionary (%lld bytes, too short)",
                         path, (long long)st.st_size);
    }
    d->map_size = (size_t)st.st_size;
    d->map = mmap(NULL, d->map_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (d->map == MAP_FAILED) {
        d->map = NULL;
        return zk__error(ZK_EIO, "%s: cannot map dictionary: %s", path,
                         strerror(errno));
    }
    h = d->map;
    if (memcmp(h->magic, ZK_DICT_MAGIC, 8) != 0)
        return zk__error(ZK_EFORMAT,
                         "%s: not a zhiku dictionary (bad magic at byte 0)",
                         path);
    if (h->format != ZK_DICT_FORMAT || h->endian != 0x01020304u)
        return zk__error(ZK_EVERSION,
                         "%s: dictionary format %u, this zhiku reads format "
                         "%u; recompile it with zk_dict_compile()",
                         path, (unsigned)h->format, (unsigned)ZK_DICT_FORMAT);
    if (h->file_size != d->map_size || h->n_nodes == 0 || h->n_slots == 0 ||
        (h->n_slots & (h->n_slots - 1)) != 0 ||
        !check_range(h, h->off_freq, (uint64_t)h->n_nodes * 4) ||
        !check_range(h, h->off_logf, (uint64_t)h->n_nodes * 8) ||
        !check_range(h, h->off_slots,
                     (uint64_t)h->n_slots * sizeof(zk_dict_slot)) ||
        !check_range(h, h->off_root, 0x10000ull * 4) ||
        !check_range(h, h->off_emit, 4ull * ZK_HAN_N * 8) || h->total == 0)
        return zk__error(ZK_ECORRUPT,
                         "%s: dictionary is truncated or corrupt (header "
                         "does not match a file of %zu bytes)",
                         path, d->map_size);
    d->hdr = h;
    d->freq = (const uint32_t *)((const char *)d->map + h->off_freq);
    d->logf = (const double *)((const char *)d->map + h->off_logf);
    d->slots = (const zk_dict_slot *)((const char *)d->map + h->off_slots);
    d->slot_mask = h->n_slots - 1;
    d->root = (const uint32_t *)((const char *)d->map + h->off_root);
    d->emit = (const double *)((const char *)d->map + h->off_emit);
    d->n_base = h->n_nodes;
    d->total = h->total;
    d->logtotal = log((double)d->total);
    return ZK_OK;
}

static int readable(const char *path)
{
    return path != NULL && path[0] != '\0' && access(path, R_OK) == 0;
}

/* The dictionary of an installed tree, wherever it was installed or moved
 * to: `rel` from the folder of the file that holds this code (libzhiku.so,
 * or a program linked with libzhiku.a), canonical, in buf; 0 if there is
 * none there. In a build tree, build/src/../share/zhiku is where the
 * build writes it. */
static int dict_beside(char *buf, const char *rel)
{
    Dl_info info;
    char tmp[PATH_MAX];
    const char *slash;

    if (rel[0] == '\0' || !dladdr((void *)&zk_dict_open, &info) ||
        info.dli_fname == NULL ||
        (slash = strrchr(info.dli_fname, '/')) == NULL)
        return 0;
    if (snprintf(tmp, sizeof(tmp), "%.*s/%s", (int)(slash - info.dli_fname),
                 info.dli_fname, rel) >= (int)sizeof(tmp))
        return 0;
    return realpath(tmp, buf) != NULL && readable(buf);
}

int zk_dict_open(zk_dict **out, const char *path)
{
    char beside[PATH_MAX];
    zk_dict *d;
    int rc;

    if (out == NULL)
        return zk__error(ZK_EINVAL, "zk_dict_open: out is NULL");
    *out = NULL;
    if (path == NULL) {
        const char *env = getenv("ZHIKU_DICT");
        if (env != NULL && env[0] != '\0')
            path = env;
        else if (dict_beside(beside, ZK_DICT_FROM_LIBDIR) ||
                 dict_beside(beside, ZK_DICT_FROM_BINDIR))
            path = beside;
        else if (readable(ZK_DICT_INSTALL_PATH))
            path = ZK_DICT_INSTALL_PATH;
        else if (readable(ZK_DICT_BUILD_PATH))
            path = ZK_DICT_BUILD_PATH;
        else
            return zk__error(ZK_ENOTFOUND,
                             "no segmentation dictionary found: set ZHIKU_DICT "
                             "or install zhiku (looked for %s beside the "
                             "library, '%s' and '%s')",
                             ZK_DICT_FROM_LIBDIR, ZK_DICT_INSTALL_PATH,
                             ZK_DICT_BUILD_PATH);
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return zk__error_oom();
    d->path = strdup(path);
    if (d->path == NULL) {
        free(d);
        return zk__error_oom();
    }
    rc = map_file(d, path);
    if (rc != ZK_OK) {
        zk_dict_free(d);
        return rc;
    }
    *out = d;
    return ZK_OK;
}

void zk_dict_free(zk_dict *d)
{
    if (d == NULL)
        return;
    if (d->map != NULL)
        munmap(d->map, d->map_size);
    free(d->ov_edges.slots);
    free(d->ov_freq);
    free(d->ov_logf);
    free(d->over);
    strset_free(&d->force_split);
    strset_free(&d->touched);
    free(d->path);
    free(d);
}

const char *zk_dict_path(const zk_dict *d)
{
    return d ? d->path : NULL;
}

uint64_t zk_dict_total(const zk_dict *d)
{
    return d ? d->total : 0;
}

/* ---- words ------------------------------------------------------------- */

/* Decode a non-empty valid UTF-8 word into code points; returns the count,
 * -1 for an empty or invalid word, -2 when out of memory. */
static long word_cps(uint32_t **out, const char *w, size_t len)
{
    uint32_t *cps;
    size_t i = 0, n = 0, l;

    *out = NULL;
    cps = malloc((len + 1) * sizeof(*cps));
    if (cps == NULL)
        return -2;
    while (i < len) {
        uint32_t c = zk__utf8_decode((const unsigned char *)w + i, len - i, &l);
        if (c == ZK_CP_INVALID) {
            free(cps);
            return -1;
        }
        cps[n++] = c;
        i += l;
    }
    if (n == 0) {
        free(cps);
        return -1;
    }
    *out = cps;
    return (long)n;
}

int zk_dict_word_freq(int64_t *out, const zk_dict *d, const char *word,
                      size_t len)
{
    uint32_t *cps, node;
    long n;

    if (out == NULL || d == NULL || word == NULL)
        return zk__error(ZK_EINVAL, "zk_dict_word_freq: NULL argument");
    *out = 0;
    n = word_cps(&cps, word, len);
    if (n == -2)
        return zk__error_oom();
    if (n <= 0)
        return zk__error(ZK_EINVAL, "word is empty or not valid UTF-8");
    node = zk__dict_find(d, cps, (size_t)n);
    free(cps);
    if (node == 0)
        return ZK_ENOTFOUND; /* an answer, not an error */
    *out = zk__dict_freq(d, node);
    return ZK_OK;
}

static double freq_log(int64_t f)
{
    return f > 0 ? log((double)f) : 0.0;
}

/* Set the frequency of the word cps[0..n), creating its prefix nodes. */
static int set_word(zk_dict *d, const uint32_t *cps, size_t n, int64_t freq)
{
    uint32_t node = 0, next;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        next = zk__dict_child(d, node, cps[i]);
        if (next == 0) {
            if (d->ov_n == d->ov_cap) {
                uint32_t cap = d->ov_cap ? d->ov_cap * 2 : 64;
                int64_t *f = realloc(d->ov_freq, cap * sizeof(*f));
                double *l;
                if (f == NULL)
                    return zk__error_oom();
                d->ov_freq = f;
                l = realloc(d->ov_logf, cap * sizeof(*l));
                if (l == NULL)
                    return zk__error_oom();
                d->ov_logf = l;
                d->ov_cap = cap;
            }
            if (d->n_base + d->ov_n == UINT32_MAX)
                return zk__error(ZK_ENOMEM, "too many dictionary words");
            next = d->n_base + d->ov_n;
            d->ov_freq[d->ov_n] = 0;
            d->ov_logf[d->ov_n] = 0.0;
            d->ov_n++;
            rc = edge_map_put(&d->ov_edges, node, cps[i], next);
            if (rc != ZK_OK)
                return rc;
        }
        node = next;
    }
    if (node >= d->n_base) {
        d->ov_freq[node - d->n_base] = freq;
        d->ov_logf[node - d->n_base] = freq_log(freq);
        return ZK_OK;
    }
    return over_set(d, node, freq, freq_log(freq));
}

int zk_dict_add_word(zk_dict *d, const char *word, size_t len, int64_t freq,
                     const char *tag)
{
    uint32_t *cps;
    long n;
    int rc;

    (void)tag; /* jieba keeps tags for its POS tagger only */
    if (d == NULL || word == NULL)
        return zk__error(ZK_EINVAL, "zk_dict_add_word: NULL argument");
    if (freq < 0 && freq != ZK_FREQ_SUGGEST)
        return zk__error(ZK_EINVAL, "negative frequency %lld for '%.*s'",
                         (long long)freq, (int)len, word);
    n = word_cps(&cps, word, len);
    if (n == -2)
        return zk__error_oom();
    if (n <= 0)
        return zk__error(ZK_EINVAL, "word is empty or not valid UTF-8");
    if (freq == ZK_FREQ_SUGGEST) {
        rc = zk_dict_suggest_freq(&freq, d, word, len);
        if (rc != ZK_OK) {
            free(cps);
            return rc;
        }
    }
    if ((uint64_t)freq > UINT64_MAX - d->total) {
        free(cps);
        return zk__error(ZK_EINVAL, "frequency %lld overflows the total",
                         (long long)freq);
    }
    rc = set_word(d, cps, (size_t)n, freq);
    free(cps);
    if (rc != ZK_OK)
        return rc;
    d->total += (uint64_t)freq;
    d->logtotal = log((double)d->total);
    d->hash_valid = 0;
    rc = strset_add(&d->touched, word, len);
    if (rc == ZK_OK && freq == 0)
        rc = strset_add(&d->force_split, word, len);
    return rc;
}

int zk_dict_del_word(zk_dict *d, const char *word, size_t len)
{
    return zk_dict_add_word(d, word, len, 0, NULL);
}

/* Collects the words of a no-HMM cut for suggest_freq. */
typedef struct suggest_ctx {
    const zk_dict *d;
    double p;
    double ftotal;
} suggest_ctx;

static int suggest_cb(const zk_token *t, void *payload)
{
    suggest_ctx *c = payload;
    int64_t f;
    int rc = zk_dict_word_freq(&f, c->d, t->text, t->len);

    if (rc == ZK_ENOTFOUND)
        f = 1; /* FREQ.get(seg, 1) */
    else if (rc != ZK_OK)
        return rc;
    c->p *= (double)f / c->ftotal;
    return 0;
}

int zk_dict_suggest_freq(int64_t *out, const zk_dict *d, const char *word,
                         size_t len)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    suggest_ctx c;
    zk_seg *seg = NULL;
    int64_t fw;
    double prod;
    int rc;

    if (out == NULL || d == NULL || word == NULL)
        return zk__error(ZK_EINVAL, "zk_dict_suggest_freq: NULL argument");
    c.d = d;
    c.p = 1.0;
    c.ftotal = (double)d->total;
    o.hmm = 0;
    rc = zk_seg_new(&seg, d);
    if (rc == ZK_OK)
        rc = zk_seg_cut(seg, word, len, &o, suggest_cb, &c);
    zk_seg_free(seg);
    if (rc != ZK_OK)
        return rc;
    rc = zk_dict_word_freq(&fw, d, word, len);
    if (rc == ZK_ENOTFOUND)
        fw = 1;
    else if (rc != ZK_OK)
        return rc;
    /* max(int(freq * total) + 1, FREQ.get(word, 1)) */
    prod = c.p * (double)d->total;
    *out = (int64_t)prod + 1;
    if (fw > *out)
        *out = fw;
    zk_error_clear();
    return ZK_OK;
}

int zk__utf8_valid(const char *s, size_t n)
{
    size_t i = 0, l;

    while (i < n) {
        if (zk__utf8_decode((const unsigned char *)s + i, n - i, &l) ==
            ZK_CP_INVALID)
            return 0;
        i += l;
    }
    return 1;
}

/* ---- user dictionaries --------------------------------------------------- */

static int is_ascii_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

/*
 * Parse one stripped line as jieba's ^(.+?)( [0-9]+)?( [a-z]+)?$ : the
 * shortest word such that the rest is an optional " digits" and an optional
 * " lowercase-letters".
 */
static void parse_user_line(const char *s, size_t n, size_t *wlen,
                            const char **fstr, size_t *flen)
{
    size_t end = n, p;

    *fstr = NULL;
    *flen = 0;
    /* optional tag: " [a-z]+" at the end, leaving a non-empty word */
    p = end;
    while (p > 0 && s[p - 1] >= 'a' && s[p - 1] <= 'z')
        p--;
    if (p < end && p >= 2 && s[p - 1] == ' ')
        end = p - 1;
    /* optional freq: " [0-9]+" before that */
    p = end;
    while (p > 0 && s[p - 1] >= '0' && s[p - 1] <= '9')
        p--;
    if (p < end && p >= 2 && s[p - 1] == ' ') {
        *fstr = s + p;
        *flen = end - p;
        end = p - 1;
    }
    *wlen = end;
}

int zk_dict_load_userdict(zk_dict *d, const char *path)
{
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long lineno = 0;
    int rc = ZK_OK;

    if (d == NULL || path == NULL)
        return zk__error(ZK_EINVAL, "zk_dict_load_userdict: NULL argument");
    f = fopen(path, "rb");
    if (f == NULL)
        return zk__error(errno == ENOENT ? ZK_ENOTFOUND : ZK_EIO,
                         "%s: cannot open user dictionary: %s", path,
                         strerror(errno));
    while (rc == ZK_OK && (got = getline(&line, &cap, f)) >= 0) {
        char *s = line;
        size_t n = (size_t)got, wlen, flen;
        const char *fstr;
        int64_t freq = ZK_FREQ_SUGGEST;

        lineno++;
        while (n > 0 && is_ascii_space((unsigned char)s[n - 1]))
            n--;
        while (n > 0 && is_ascii_space((unsigned char)s[0])) {
            s++;
            n--;
        }
        if (!zk__utf8_valid(s, n)) {
            rc =
                zk__error(ZK_EENCODING, "%s:%ld: user dictionary must be UTF-8",
                          path, lineno);
            break;
        }
        if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3; /* lstrip('\ufeff') after strip(), as jieba */
            n -= 3;
        }
        if (n == 0)
            continue;
        parse_user_line(s, n, &wlen, &fstr, &flen);
        if (fstr != NULL) {
            size_t i;
            freq = 0;
            for (i = 0; i < flen; i++) {
                if (freq > (INT64_MAX - 9) / 10) {
                    rc = zk__error(ZK_EFORMAT, "%s:%ld: frequency too large",
                                   path, lineno);
                    break;
                }
                freq = freq * 10 + (fstr[i] - '0');
            }
            if (rc != ZK_OK)
                break;
        }
        rc = zk_dict_add_word(d, s, wlen, freq, NULL);
        if (rc != ZK_OK && rc != ZK_ENOMEM) {
            const zk_error *e = zk_error_last();
            rc = zk__error(rc, "%s:%ld: %s", path, lineno,
                           e ? e->message : zk_strerror(rc));
        }
    }
    if (rc == ZK_OK && ferror(f))
        rc = zk__error(ZK_EIO, "%s: read error", path);
    free(line);
    fclose(f);
    return rc;
}

/* ---- content hash -------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *zk_dict_hash(const zk_dict *dc)
{
    zk_dict *d = (zk_dict *)dc; /* the hash is cached: logically const */
    XXH3_state_t *st;
    XXH128_hash_t h;
    uint64_t total;
    size_t i;

    if (d == NULL)
        return NULL;
    if (d->hash_valid)
        return d->hash_hex;
    st = XXH3_createState();
    if (st == NULL)
        return NULL;
    XXH3_128bits_reset(st);
    XXH3_128bits_update(st, d->hdr->source_hash, 16);
    total = d->total;
    XXH3_128bits_update(st, &total, sizeof(total));
    if (d->touched.n > 1)
        qsort(d->touched.items, d->touched.n, sizeof(char *), cmp_str);
    for (i = 0; i < d->touched.n; i++) {
        const char *w = d->touched.items[i];
        int64_t f = 0;
        zk_dict_word_freq(&f, d, w, strlen(w));
        XXH3_128bits_update(st, w, strlen(w) + 1);
        XXH3_128bits_update(st, &f, sizeof(f));
    }
    if (d->force_split.n > 1)
        qsort(d->force_split.items, d->force_split.n, sizeof(char *), cmp_str);
    XXH3_128bits_update(st, "\0force-split", 12);
    for (i = 0; i < d->force_split.n; i++)
        XXH3_128bits_update(st, d->force_split.items[i],
                            strlen(d->force_split.items[i]) + 1);
    h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    snprintf(d->hash_hex, sizeof(d->hash_hex), "%016llx%016llx",
             (unsigned long long)h.high64, (unsigned long long)h.low64);
    d->hash_valid = 1;
    zk_error_clear();
    return d->hash_hex;
}
