/* fuzz_seg.c - libFuzzer target: the segmenter in every mode must accept any
 * bytes, and in precise and search mode its tokens must tile the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zhiku/zhiku.h>

static zk_dict *dict;
static zk_seg *seg;

typedef struct check {
    const uint8_t *data;
    size_t pos, len, end;
    int mode, normalize;
} check;

static int on_token(const zk_token *t, void *payload)
{
    check *c = payload;

    if (t->end > c->len || t->start >= t->end || t->len == 0)
        __builtin_trap();
    if (c->mode == ZK_SEG_FULL || (t->flags & ZK_TOKEN_COLOCATED))
        return 0;
    if (c->normalize) {
        /* several tokens may come from the expansion of one character (NFKC
         * maps ½ to 1⁄2): they share its range, so starts only never go
         * back */
        if (t->start < c->pos)
            __builtin_trap();
        c->pos = t->start;
        c->end = t->end > c->end ? t->end : c->end;
        return 0;
    }
    if (t->start != c->pos || memcmp(c->data + t->start, t->text, t->len))
        __builtin_trap();
    c->pos = t->end;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    check c;

    if (dict == NULL) {
        if (zk_dict_open(&dict, NULL) != ZK_OK || zk_seg_new(&seg, dict))
            abort();
    }
    if (size == 0)
        return 0;
    o.mode = data[0] % 3;
    o.hmm = (data[0] >> 2) & 1;
    o.normalize = (data[0] >> 3) & 1;
    memset(&c, 0, sizeof(c));
    c.data = data + 1;
    c.len = size - 1;
    c.mode = o.mode;
    c.normalize = o.normalize;
    if (zk_seg_cut(seg, (const char *)data + 1, size - 1, &o, on_token, &c) !=
        ZK_OK)
        __builtin_trap();
    if (o.mode != ZK_SEG_FULL && !o.normalize && c.pos != size - 1)
        __builtin_trap();
    if (o.mode != ZK_SEG_FULL && o.normalize && size > 1 && c.end != size - 1)
        __builtin_trap();
    (void)zk_seg_split_point((const char *)data + 1, size - 1);
    return 0;
}
