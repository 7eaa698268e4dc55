/* fuzz_seg.c - fuzz target: the segmenter in every mode must accept any
 * bytes, and in precise and search mode its tokens must tile the input.
 *
 * Input: one byte of options (its value modulo 3 the mode, bit 2 HMM, bit 3
 * normalisation), then the text. */
#include "fuzz_util.h"

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

    FZ_CHECK(t->end <= c->len && t->start < t->end && t->len > 0);
    if (c->mode == ZK_SEG_FULL || (t->flags & ZK_TOKEN_COLOCATED))
        return 0;
    if (c->normalize) {
        /* several tokens may come from the expansion of one character (NFKC
         * maps ½ to 1⁄2): they share its range, so starts only never go
         * back */
        FZ_CHECK(t->start >= c->pos);
        c->pos = t->start;
        c->end = t->end > c->end ? t->end : c->end;
        return 0;
    }
    FZ_CHECK(t->start == c->pos &&
             memcmp(c->data + t->start, t->text, t->len) == 0);
    c->pos = t->end;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zk_seg_options o = ZK_SEG_OPTIONS_INIT;
    check c;

    if (dict == NULL) {
        FZ_CHECK(zk_dict_open(&dict, NULL) == ZK_OK);
        FZ_CHECK(zk_seg_new(&seg, dict) == ZK_OK);
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
    FZ_CHECK(zk_seg_cut(seg, (const char *)data + 1, size - 1, &o, on_token,
                        &c) == ZK_OK);
    if (o.mode != ZK_SEG_FULL && !o.normalize)
        FZ_CHECK(c.pos == size - 1);
    if (o.mode != ZK_SEG_FULL && o.normalize && size > 1)
        FZ_CHECK(c.end == size - 1);
    (void)zk_seg_split_point((const char *)data + 1, size - 1);
    return 0;
}
