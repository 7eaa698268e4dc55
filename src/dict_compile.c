/* dict_compile.c - compile jieba's dict.txt and HMM model into the
 * memory-mappable dictionary described in dict.h */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "dict.h"
#include "internal.h"

/* A trie under construction. */
typedef struct builder {
    uint32_t *freq;
    uint32_t n_nodes, cap_nodes;
    zk_dict_slot *slots;
    uint32_t n_slots, used;
    uint64_t total;
    uint32_t max_chars;
} builder;

static uint32_t b_get(const builder *b, uint32_t parent, uint32_t cp)
{
    uint32_t mask = b->n_slots - 1, i;

    for (i = zk__edge_hash(parent, cp) & mask; b->slots[i].child != 0;
         i = (i + 1) & mask)
        if (b->slots[i].parent == parent && b->slots[i].cp == cp)
            return b->slots[i].child;
    return 0;
}

static void b_put(zk_dict_slot *slots, uint32_t n_slots, uint32_t parent,
                  uint32_t cp, uint32_t child)
{
    uint32_t mask = n_slots - 1, i;

    for (i = zk__edge_hash(parent, cp) & mask; slots[i].child != 0;
         i = (i + 1) & mask)
        ;
    slots[i].parent = parent;
    slots[i].cp = cp;
    slots[i].child = child;
}

static int b_grow(builder *b)
{
    uint32_t n = b->n_slots * 2, i;
    zk_dict_slot *s = calloc(n, sizeof(*s));

    if (s == NULL)
        return zk__error_oom();
    for (i = 0; i < b->n_slots; i++)
        if (b->slots[i].child != 0)
            b_put(s, n, b->slots[i].parent, b->slots[i].cp, b->slots[i].child);
    free(b->slots);
    b->slots = s;
    b->n_slots = n;
    return ZK_OK;
}

/* jieba's gen_pfdict for one entry: FREQ[word] = freq, total += freq, and
 * every prefix gets a node (frequency 0 unless already present). */
static int b_add(builder *b, const uint32_t *cps, size_t n, uint32_t freq)
{
    uint32_t node = 0, next;
    size_t i;

    for (i = 0; i < n; i++) {
        next = b_get(b, node, cps[i]);
        if (next == 0) {
            if ((b->used + 1) * 10 > b->n_slots * 6 && b_grow(b) != ZK_OK)
                return ZK_ENOMEM;
            if (b->n_nodes == b->cap_nodes) {
                uint32_t cap = b->cap_nodes * 2;
                uint32_t *f = realloc(b->freq, cap * sizeof(*f));
                if (f == NULL)
                    return zk__error_oom();
                b->freq = f;
                b->cap_nodes = cap;
            }
            next = b->n_nodes++;
            b->freq[next] = 0;
            b_put(b->slots, b->n_slots, node, cps[i], next);
            b->used++;
        }
        node = next;
    }
    b->freq[node] = freq;
    b->total += freq;
    if (n > b->max_chars)
        b->max_chars = (uint32_t)n;
    return ZK_OK;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (f == NULL) {
        zk__error(errno == ENOENT ? ZK_ENOTFOUND : ZK_EIO, "%s: %s", path,
                  strerror(errno));
        return NULL;
    }
    for (;;) {
        if (cap - n < 65536) {
            char *nb = realloc(buf, cap + (cap > 65536 ? cap : 65536) + 1);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                zk__error_oom();
                return NULL;
            }
            buf = nb;
            cap += cap > 65536 ? cap : 65536;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        zk__error(ZK_EIO, "%s: read error", path);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---- dict.txt ------------------------------------------------------------ */

static int parse_dict_txt(builder *b, const char *path, const char *text,
                          size_t len)
{
    uint32_t *cps = NULL;
    size_t cap = 0, pos = 0;
    long lineno = 0;
    int rc = ZK_OK;

    while (pos < len && rc == ZK_OK) {
        const char *line = text + pos, *sp, *end;
        size_t n, i, wl, ncp = 0, l;
        uint64_t freq = 0;
        const char *eol = memchr(line, '\n', len - pos);

        n = eol ? (size_t)(eol - line) : len - pos;
        pos += n + (eol != NULL);
        lineno++;
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
                         line[n - 1] == '\t'))
            n--;
        while (n > 0 && (line[0] == ' ' || line[0] == '\t')) {
            line++;
            n--;
        }
        if (n == 0)
            continue;
        end = line + n;
        sp = memchr(line, ' ', n);
        if (sp == NULL || sp == line)
            goto bad;
        wl = (size_t)(sp - line);
        for (i = 1; sp + i < end && sp[i] != ' '; i++) {
            if (sp[i] < '0' || sp[i] > '9' || freq > UINT32_MAX / 10)
                goto bad;
            freq = freq * 10 + (uint64_t)(sp[i] - '0');
        }
        if (i == 1 || freq > UINT32_MAX)
            goto bad;
        if (cap < wl + 1) {
            uint32_t *nc;
            cap = wl + 64;
            nc = realloc(cps, cap * sizeof(*cps));
            if (nc == NULL) {
                rc = zk__error_oom();
                break;
            }
            cps = nc;
        }
        for (i = 0; i < wl; i += l) {
            cps[ncp] =
                zk__utf8_decode((const unsigned char *)line + i, wl - i, &l);
            if (cps[ncp] == ZK_CP_INVALID) {
                rc = zk__error(ZK_EFORMAT,
                               "%s:%ld: invalid UTF-8 at byte %zu of the line",
                               path, lineno, i);
                break;
            }
            ncp++;
        }
        if (rc == ZK_OK)
            rc = b_add(b, cps, ncp, (uint32_t)freq);
        continue;
    bad:
        rc = zk__error(ZK_EFORMAT,
                       "%s:%ld: invalid dictionary entry (want 'word freq "
                       "[tag]'): %.*s",
                       path, lineno, (int)(n > 80 ? 80 : n), line);
    }
    free(cps);
    return rc;
}

/* ---- the HMM model's Python dict literals -------------------------------- */

typedef struct pyparse {
    const char *path;
    const char *s;
    size_t pos, len;
} pyparse;

static int py_fail(pyparse *p, const char *what)
{
    long line = 1;
    size_t i;

    for (i = 0; i < p->pos && i < p->len; i++)
        line += p->s[i] == '\n';
    return zk__error(ZK_EFORMAT, "%s:%ld: %s (byte %zu)", p->path, line, what,
                     p->pos);
}

static void py_ws(pyparse *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',')
            p->pos++;
        else
            break;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A one-character string literal ('\u4e00', 'B' or a literal character). */
static int py_char(pyparse *p, uint32_t *cp)
{
    char q;
    size_t l;

    py_ws(p);
    if (p->pos >= p->len || (p->s[p->pos] != '\'' && p->s[p->pos] != '"'))
        return py_fail(p, "expected a string");
    q = p->s[p->pos++];
    if (p->pos < p->len && p->s[p->pos] == '\\') {
        int digits, i, v;
        char e = p->pos + 1 < p->len ? p->s[p->pos + 1] : 0;
        digits = e == 'u' ? 4 : e == 'U' ? 8 : e == 'x' ? 2 : 0;
        if (digits == 0)
            return py_fail(p, "unsupported escape");
        p->pos += 2;
        *cp = 0;
        for (i = 0; i < digits; i++) {
            if (p->pos >= p->len || (v = hexval(p->s[p->pos])) < 0)
                return py_fail(p, "bad hex escape");
            *cp = *cp * 16 + (uint32_t)v;
            p->pos++;
        }
    } else {
        *cp = zk__utf8_decode((const unsigned char *)p->s + p->pos,
                              p->len - p->pos, &l);
        if (*cp == ZK_CP_INVALID)
            return py_fail(p, "invalid UTF-8");
        p->pos += l;
    }
    if (p->pos >= p->len || p->s[p->pos] != q)
        return py_fail(p, "expected a one-character string");
    p->pos++;
    py_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':')
        return py_fail(p, "expected ':'");
    p->pos++;
    return ZK_OK;
}

static int py_number(pyparse *p, double *v)
{
    char *end;
    char buf[64];
    size_t n = 0;

    py_ws(p);
    while (p->pos + n < p->len && n < sizeof(buf) - 1 &&
           strchr("0123456789+-.eE", p->s[p->pos + n]) != NULL) {
        buf[n] = p->s[p->pos + n];
        n++;
    }
    buf[n] = '\0';
    errno = 0;
    *v = strtod(buf, &end);
    if (n == 0 || *end != '\0' || errno != 0)
        return py_fail(p, "expected a number");
    p->pos += n;
    return ZK_OK;
}

static int py_open(pyparse *p, char c)
{
    py_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != c)
        return py_fail(p, c == '{' ? "expected '{'" : "expected '}'");
    p->pos++;
    return ZK_OK;
}

static int py_at_close(pyparse *p)
{
    py_ws(p);
    return p->pos < p->len && p->s[p->pos] == '}';
}

static int state_index(pyparse *p, uint32_t cp, int *st)
{
    switch (cp) {
    case 'B':
        *st = ZK_HMM_B;
        return ZK_OK;
    case 'E':
        *st = ZK_HMM_E;
        return ZK_OK;
    case 'M':
        *st = ZK_HMM_M;
        return ZK_OK;
    case 'S':
        *st = ZK_HMM_S;
        return ZK_OK;
    }
    return py_fail(p, "expected a state B, E, M or S");
}

/* Open the file's `P={` (skipping `from __future__ ...`). */
static int py_begin(pyparse *p, const char *path, const char *text, size_t len)
{
    const char *brace = memchr(text, '{', len);

    p->path = path;
    p->s = text;
    p->len = len;
    p->pos = brace ? (size_t)(brace - text) : len;
    return py_open(p, '{');
}

/* prob_start.py: {'B': v, ...}; prob_trans.py: {'B': {'E': v, ..}, ..};
 * prob_emit.py: {'B': {'\u4e00': v, ...}, ...}. `depth` 1 or 2. */
static int parse_model(const char *path, const char *text, size_t len,
                       int depth, double *flat, double (*nested)[4],
                       double *emit)
{
    pyparse p;
    uint32_t cp;
    int rc = py_begin(&p, path, text, len), st = 0, st2 = 0;
    double v;

    while (rc == ZK_OK && !py_at_close(&p)) {
        rc = py_char(&p, &cp);
        if (rc == ZK_OK)
            rc = state_index(&p, cp, &st);
        if (rc != ZK_OK)
            break;
        if (depth == 1) {
            rc = py_number(&p, &v);
            flat[st] = v;
            continue;
        }
        rc = py_open(&p, '{');
        while (rc == ZK_OK && !py_at_close(&p)) {
            rc = py_char(&p, &cp);
            if (rc == ZK_OK)
                rc = py_number(&p, &v);
            if (rc != ZK_OK)
                break;
            if (nested != NULL) {
                rc = state_index(&p, cp, &st2);
                if (rc == ZK_OK)
                    nested[st][st2] = v;
            } else if (cp >= ZK_HAN_FIRST && cp <= ZK_HAN_LAST) {
                emit[(size_t)st * ZK_HAN_N + (cp - ZK_HAN_FIRST)] = v;
            } /* other characters never reach the HMM: jieba feeds it only
                 [\u4E00-\u9FD5] runs */
        }
        if (rc == ZK_OK)
            rc = py_open(&p, '}');
    }
    return rc;
}

/* ---- writing --------------------------------------------------------------*/

static int write_all(FILE *f, const void *p, size_t n, const char *path)
{
    if (fwrite(p, 1, n, f) != n)
        return zk__error(ZK_EIO, "%s: write failed: %s", path, strerror(errno));
    return ZK_OK;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *s = malloc(a + b + 2);

    if (s == NULL)
        return NULL;
    memcpy(s, dir, a);
    s[a] = '/';
    memcpy(s + a + 1, name, b + 1);
    return s;
}

int zk_dict_compile(const char *out_path, const char *dict_txt,
                    const char *hmm_dir)
{
    static const char *const model_files[3] = {"prob_start.py", "prob_trans.py",
                                               "prob_emit.py"};
    builder b;
    zk_dict_header h;
    char *texts[4] = {NULL, NULL, NULL, NULL}, *paths[4] = {NULL};
    size_t lens[4] = {0}, i;
    double *emit = NULL;
    uint32_t *root = NULL;
    char *tmp = NULL;
    FILE *f = NULL;
    XXH3_state_t *xs = NULL;
    XXH128_hash_t hv;
    int rc = ZK_OK;

    if (out_path == NULL || dict_txt == NULL || hmm_dir == NULL)
        return zk__error(ZK_EINVAL, "zk_dict_compile: NULL argument");
    memset(&b, 0, sizeof(b));
    memset(&h, 0, sizeof(h));
    b.cap_nodes = 1 << 16;
    b.n_slots = 1 << 17;
    b.freq = calloc(b.cap_nodes, sizeof(*b.freq));
    b.slots = calloc(b.n_slots, sizeof(*b.slots));
    emit = malloc(4 * (size_t)ZK_HAN_N * sizeof(*emit));
    root = calloc(0x10000, sizeof(*root));
    xs = XXH3_createState();
    if (b.freq == NULL || b.slots == NULL || emit == NULL || root == NULL ||
        xs == NULL) {
        rc = zk__error_oom();
        goto done;
    }
    b.n_nodes = 1; /* the root */
    for (i = 0; i < 4 * (size_t)ZK_HAN_N; i++)
        emit[i] = ZK_HMM_MIN_FLOAT;
    for (i = 0; i < 4; i++) {
        size_t j;
        h.start[i] = ZK_HMM_MIN_FLOAT;
        for (j = 0; j < 4; j++)
            h.trans[i][j] = ZK_HMM_MIN_FLOAT;
    }

    paths[0] = strdup(dict_txt);
    for (i = 0; i < 3; i++)
        paths[i + 1] = join(hmm_dir, model_files[i]);
    XXH3_128bits_reset(xs);
    for (i = 0; i < 4; i++) {
        if (paths[i] == NULL) {
            rc = zk__error_oom();
            goto done;
        }
        texts[i] = slurp(paths[i], &lens[i]);
        if (texts[i] == NULL) {
            rc = zk_error_last()->code;
            goto done;
        }
        XXH3_128bits_update(xs, texts[i], lens[i]);
        XXH3_128bits_update(xs, "\0", 1);
    }
    rc = parse_dict_txt(&b, paths[0], texts[0], lens[0]);
    if (rc == ZK_OK)
        rc = parse_model(paths[1], texts[1], lens[1], 1, h.start, NULL, NULL);
    if (rc == ZK_OK)
        rc = parse_model(paths[2], texts[2], lens[2], 2, NULL, h.trans, NULL);
    if (rc == ZK_OK)
        rc = parse_model(paths[3], texts[3], lens[3], 2, NULL, NULL, emit);
    if (rc != ZK_OK)
        goto done;
    if (b.total == 0) {
        rc = zk__error(ZK_EFORMAT, "%s: no words", paths[0]);
        goto done;
    }
    for (i = 0; i < b.n_slots; i++)
        if (b.slots[i].child != 0 && b.slots[i].parent == 0 &&
            b.slots[i].cp < 0x10000)
            root[b.slots[i].cp] = b.slots[i].child;

    hv = XXH3_128bits_digest(xs);
    memcpy(h.magic, ZK_DICT_MAGIC, 8);
    h.format = ZK_DICT_FORMAT;
    h.endian = 0x01020304u;
    h.total = b.total;
    h.n_nodes = b.n_nodes;
    h.n_slots = b.n_slots;
    h.max_word_chars = b.max_chars;
    memcpy(h.source_hash, &hv.high64, 8);
    memcpy(h.source_hash + 8, &hv.low64, 8);
    h.off_freq = (sizeof(h) + 7) & ~(uint64_t)7;
    h.off_logf = (h.off_freq + (uint64_t)b.n_nodes * 4 + 7) & ~(uint64_t)7;
    h.off_slots = h.off_logf + (uint64_t)b.n_nodes * 8;
    h.off_root = h.off_slots + (uint64_t)b.n_slots * sizeof(zk_dict_slot);
    h.off_root = (h.off_root + 7) & ~(uint64_t)7;
    h.off_emit = h.off_root + 0x10000ull * 4;
    h.file_size = h.off_emit + 4ull * ZK_HAN_N * 8;

    tmp = malloc(strlen(out_path) + 32);
    if (tmp == NULL) {
        rc = zk__error_oom();
        goto done;
    }
    sprintf(tmp, "%s.tmp%ld", out_path, (long)getpid());
    f = fopen(tmp, "wb");
    if (f == NULL) {
        rc = zk__error(ZK_EIO, "%s: cannot create: %s", tmp, strerror(errno));
        goto done;
    }
    {
        static const char zeros[8] = {0};
        uint64_t pos = sizeof(h);
        uint32_t k;

        rc = write_all(f, &h, sizeof(h), tmp);
        if (rc == ZK_OK && h.off_freq > pos)
            rc = write_all(f, zeros, (size_t)(h.off_freq - pos), tmp);
        pos = h.off_freq + (uint64_t)b.n_nodes * 4;
        if (rc == ZK_OK)
            rc = write_all(f, b.freq, (size_t)b.n_nodes * 4, tmp);
        if (rc == ZK_OK && h.off_logf > pos)
            rc = write_all(f, zeros, (size_t)(h.off_logf - pos), tmp);
        for (k = 0; rc == ZK_OK && k < b.n_nodes; k++) {
            /* jieba: log(FREQ.get(w) or 1) */
            double lf = b.freq[k] > 0 ? log((double)b.freq[k]) : 0.0;
            rc = write_all(f, &lf, sizeof(lf), tmp);
        }
        if (rc == ZK_OK)
            rc = write_all(f, b.slots, (size_t)b.n_slots * sizeof(*b.slots),
                           tmp);
        pos = h.off_slots + (uint64_t)b.n_slots * sizeof(zk_dict_slot);
        if (rc == ZK_OK && h.off_root > pos)
            rc = write_all(f, zeros, (size_t)(h.off_root - pos), tmp);
        if (rc == ZK_OK)
            rc = write_all(f, root, 0x10000 * 4, tmp);
        if (rc == ZK_OK)
            rc = write_all(f, emit, 4 * (size_t)ZK_HAN_N * 8, tmp);
    }
    if (fclose(f) != 0 && rc == ZK_OK)
        rc = zk__error(ZK_EIO, "%s: %s", tmp, strerror(errno));
    f = NULL;
    if (rc == ZK_OK && rename(tmp, out_path) != 0)
        rc = zk__error(ZK_EIO, "%s: cannot rename to %s: %s", tmp, out_path,
                       strerror(errno));
    if (rc != ZK_OK)
        unlink(tmp);
done:
    for (i = 0; i < 4; i++) {
        free(texts[i]);
        free(paths[i]);
    }
    if (xs != NULL)
        XXH3_freeState(xs);
    free(tmp);
    free(emit);
    free(root);
    free(b.freq);
    free(b.slots);
    return rc;
}
