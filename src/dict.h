/* dict.h - the segmentation dictionary: a memory-mapped hashed trie of
 * jieba's words and HMM model, with a heap overlay for user words */
#ifndef ZHIKU_DICT_H
#define ZHIKU_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "zhiku/segment.h"

/*
 * File layout (all integers little-endian as on the host; the header's
 * `endian` field rejects a file from a machine of the other byte order):
 *
 *   header                 struct zk_dict_header
 *   uint32 freq[n_nodes]   jieba frequency of the word ending at the node,
 *                          0 for a node that is only a prefix of words
 *   double logf[n_nodes]   log(freq), or 0 (= log 1) when freq is 0, as
 *                          jieba's `log(FREQ.get(w) or 1)`
 *   slot slots[n_slots]    open-addressing table of trie edges
 *                          (parent, code point) -> child; child 0 = empty
 *   uint32 root[65536]     children of the root for BMP characters
 *   double emit[4][N_HAN]  HMM emission log-probabilities for U+4E00..U+9FD5
 *
 * Node 0 is the root. Every prefix of every word is a node, which is exactly
 * the key set of jieba's FREQ table, so "frag in FREQ" is "node exists".
 */
#define ZK_DICT_MAGIC "ZKDICT\r\n"
#define ZK_DICT_FORMAT 1
#define ZK_HAN_FIRST 0x4E00u
#define ZK_HAN_LAST 0x9FD5u /* jieba's [\u4E00-\u9FD5] */
#define ZK_HAN_N (ZK_HAN_LAST - ZK_HAN_FIRST + 1)

/* HMM states, in jieba's letter order so that "larger letter wins ties"
 * is "larger index wins". */
enum { ZK_HMM_B = 0, ZK_HMM_E = 1, ZK_HMM_M = 2, ZK_HMM_S = 3 };
#define ZK_HMM_MIN_FLOAT (-3.14e100) /* jieba's MIN_FLOAT */

typedef struct zk_dict_slot {
    uint32_t parent;
    uint32_t cp;
    uint32_t child;
} zk_dict_slot;

typedef struct zk_dict_header {
    char magic[8];
    uint32_t format;
    uint32_t endian; /* 0x01020304 as written */
    uint64_t file_size;
    uint64_t total;
    uint32_t n_nodes;
    uint32_t n_slots; /* a power of two */
    uint64_t off_freq, off_logf, off_slots, off_root, off_emit;
    double start[4];
    double trans[4][4]; /* ZK_HMM_MIN_FLOAT where jieba has no entry */
    unsigned char source_hash[16]; /* XXH3-128 of the source files */
    uint32_t max_word_chars;
    uint32_t reserved;
} zk_dict_header;

/* A growable open-addressing map from (parent, cp) to child. */
typedef struct zk_edge_map {
    zk_dict_slot *slots;
    uint32_t n_slots, used;
} zk_edge_map;

/* A growable map from a base node to its overriding frequency. */
typedef struct zk_freq_over {
    uint32_t node;
    uint32_t used;
    int64_t freq;
    double logf;
} zk_freq_over;

typedef struct zk_strset {
    char **items;
    size_t n, cap;
} zk_strset;

struct zk_dict {
    char *path;
    void *map;
    size_t map_size;
    const zk_dict_header *hdr;
    const uint32_t *freq;
    const double *logf;
    const zk_dict_slot *slots;
    uint32_t slot_mask;
    const uint32_t *root;
    const double *emit; /* [4][ZK_HAN_N] */
    uint32_t n_base;
    uint64_t total;
    double logtotal;

    /* overlay: user words */
    zk_edge_map ov_edges;
    int64_t *ov_freq; /* nodes n_base.. */
    double *ov_logf;
    uint32_t ov_n, ov_cap;
    zk_freq_over *over; /* open addressing over base nodes */
    uint32_t over_slots, over_used;
    zk_strset force_split; /* jieba's finalseg Force_Split_Words */
    zk_strset touched;     /* words changed by the user, for the hash */
    char hash_hex[33];
    int hash_valid;
};

static inline uint32_t zk__edge_hash(uint32_t parent, uint32_t cp)
{
    uint64_t k = ((uint64_t)parent << 21) ^ cp;
    k *= 0x9E3779B97F4A7C15ull;
    return (uint32_t)(k >> 32);
}

uint32_t zk__edge_map_get(const zk_edge_map *m, uint32_t parent, uint32_t cp);

/* The child of `node` by character `cp`, or 0. */
static inline uint32_t zk__dict_child(const zk_dict *d, uint32_t node,
                                      uint32_t cp)
{
    uint32_t c = 0;

    if (node < d->n_base) {
        if (node == 0 && cp < 0x10000) {
            c = d->root[cp];
        } else {
            uint32_t i = zk__edge_hash(node, cp) & d->slot_mask;
            for (;;) {
                const zk_dict_slot *s = &d->slots[i];
                if (s->child == 0)
                    break;
                if (s->parent == node && s->cp == cp) {
                    c = s->child;
                    break;
                }
                i = (i + 1) & d->slot_mask;
            }
        }
        if (c != 0 || d->ov_edges.used == 0)
            return c;
    }
    return zk__edge_map_get(&d->ov_edges, node, cp);
}

const zk_freq_over *zk__dict_over(const zk_dict *d, uint32_t node);

/* Frequency and log weight of the word ending at `node`. */
static inline int64_t zk__dict_freq(const zk_dict *d, uint32_t node)
{
    if (node < d->n_base) {
        if (d->over_used != 0) {
            const zk_freq_over *o = zk__dict_over(d, node);
            if (o != NULL)
                return o->freq;
        }
        return d->freq[node];
    }
    return d->ov_freq[node - d->n_base];
}

static inline double zk__dict_logf(const zk_dict *d, uint32_t node)
{
    if (node < d->n_base) {
        if (d->over_used != 0) {
            const zk_freq_over *o = zk__dict_over(d, node);
            if (o != NULL)
                return o->logf;
        }
        return d->logf[node];
    }
    return d->ov_logf[node - d->n_base];
}

/* Node of the word cps[0..n), or 0 if it is not in the dictionary. */
static inline uint32_t zk__dict_find(const zk_dict *d, const uint32_t *cps,
                                     size_t n)
{
    uint32_t node = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        node = zk__dict_child(d, node, cps[i]);
        if (node == 0)
            return 0;
    }
    return node;
}

/* Is the UTF-8 word in the force-split set? */
int zk__dict_force_split(const zk_dict *d, const char *word, size_t len);

#endif
