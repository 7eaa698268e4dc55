/* zhiku/segment.h - jieba-exact Chinese word segmentation with byte offsets */
#ifndef ZHIKU_SEGMENT_H
#define ZHIKU_SEGMENT_H

#include "zhiku/common.h"

ZK_BEGIN_DECLS

/**
 * A segmentation dictionary: the compiled jieba dictionary and HMM model,
 * memory-mapped read-only, plus any user words added on top.
 *
 * Modifying calls (zk_dict_load_userdict(), zk_dict_add_word(),
 * zk_dict_del_word()) must not run while another thread uses the dictionary;
 * once set up, one zk_dict may be shared by any number of zk_seg handles on
 * any number of threads.
 */
typedef struct zk_dict zk_dict;

/** A segmenter: scratch space for cutting text. One per thread. */
typedef struct zk_seg zk_seg;

/** Pass as `freq` to zk_dict_add_word() to use jieba's suggested frequency.*/
#define ZK_FREQ_SUGGEST (-1)

/**
 * Open a compiled dictionary (see zk_dict_compile()).
 *
 * @param[out] out  new dictionary, NULL on failure; free with zk_dict_free()
 * @param path      a compiled dictionary file, or NULL for the default: the
 *                  file named by the environment variable ZHIKU_DICT, else
 *                  the installed one, else the one in zhiku's build tree
 * @return ZK_OK; ZK_ENOTFOUND if no dictionary is there; ZK_EFORMAT or
 *         ZK_EVERSION if the file is not a dictionary this version reads;
 *         ZK_EIO; ZK_ENOMEM
 */
ZK_EXTERN int zk_dict_open(zk_dict **out, const char *path);

/** Free `dict`. NULL is allowed. Segmenters using it must be freed first. */
ZK_EXTERN void zk_dict_free(zk_dict *dict);

/** The file `dict` was opened from; borrowed, valid while `dict` lives. */
ZK_EXTERN const char *zk_dict_path(const zk_dict *dict);

/**
 * Add the words of a jieba-format user dictionary: UTF-8 (a BOM is allowed),
 * one `word [freq] [tag]` per line, fields separated by one space, words may
 * contain spaces; a missing frequency means jieba's suggested frequency.
 * Several files may be loaded one after another, as in jieba.
 *
 * @return ZK_OK; ZK_ENOTFOUND or ZK_EIO if the file cannot be read;
 *         ZK_EENCODING (message names the line) if it is not UTF-8; ZK_ENOMEM.
 *         On failure the words of lines before the bad one stay added.
 */
ZK_EXTERN int zk_dict_load_userdict(zk_dict *dict, const char *path);

/**
 * Add or change one word, exactly as jieba's add_word(): the frequency adds
 * to the dictionary's total; a frequency of 0 also makes the HMM split the
 * word into characters.
 *
 * @param word  UTF-8, `len` bytes, not empty
 * @param freq  a frequency >= 0, or ZK_FREQ_SUGGEST
 * @param tag   part-of-speech tag or NULL (kept for jieba compatibility)
 * @return ZK_OK; ZK_EINVAL for an empty word, a negative frequency other
 *         than ZK_FREQ_SUGGEST or invalid UTF-8; ZK_ENOMEM
 */
ZK_EXTERN int zk_dict_add_word(zk_dict *dict, const char *word, size_t len,
                               int64_t freq, const char *tag);

/** Delete a word: jieba's del_word(), the same as adding it with freq 0. */
ZK_EXTERN int zk_dict_del_word(zk_dict *dict, const char *word, size_t len);

/**
 * The frequency of `word`: ZK_OK and `*out` >= 1 for a word, ZK_OK and 0 for
 * a prefix of a word or a deleted word, ZK_ENOTFOUND if unknown.
 */
ZK_EXTERN int zk_dict_word_freq(int64_t *out, const zk_dict *dict,
                                const char *word, size_t len);

/**
 * jieba's suggest_freq(word, tune=False): the frequency that makes the
 * segmenter keep `word` as one token. The dictionary is not changed.
 */
ZK_EXTERN int zk_dict_suggest_freq(int64_t *out, const zk_dict *dict,
                                   const char *word, size_t len);

/** Sum of all word frequencies (jieba's `total`). */
ZK_EXTERN uint64_t zk_dict_total(const zk_dict *dict);

/**
 * A stable content hash of the effective dictionary (compiled base plus
 * every user change), 32 lowercase hex digits. Two dictionaries with the
 * same hash segment every text identically. Borrowed; valid until `dict` is
 * changed or freed.
 */
ZK_EXTERN const char *zk_dict_hash(const zk_dict *dict);

/**
 * Compile jieba's `dict.txt` and HMM model (`prob_start.py`,
 * `prob_trans.py`, `prob_emit.py` in `hmm_dir`) into the binary dictionary
 * file `out_path`, which zk_dict_open() maps. The file is written under a
 * temporary name and renamed into place.
 *
 * @return ZK_OK; ZK_ENOTFOUND/ZK_EIO for unreadable inputs or an unwritable
 *         output; ZK_EFORMAT (message names file and line) for bad input
 */
ZK_EXTERN int zk_dict_compile(const char *out_path, const char *dict_txt,
                              const char *hmm_dir);

/** Segmentation modes (jieba's cut, cut_for_search and cut_all). */
enum {
    ZK_SEG_PRECISE = 0, /**< jieba.cut(s): each character in one token */
    ZK_SEG_SEARCH = 1,  /**< jieba.cut_for_search(s): sub-words, then word */
    ZK_SEG_FULL = 2     /**< jieba.cut(s, cut_all=True): every dict word */
};

/** Options for zk_seg_cut(). Initialise with ZK_SEG_OPTIONS_INIT. */
typedef struct zk_seg_options {
    unsigned int version; /**< ZK_SEG_OPTIONS_VERSION */
    int mode;             /**< ZK_SEG_PRECISE (default), _SEARCH or _FULL */
    int hmm;              /**< 1 (default): find unknown words with the HMM */
    int normalize;        /**< 1: NFKC + case folding first (zk_normalize());
                               tokens then carry the normalised form, offsets
                               still point into the caller's text */
} zk_seg_options;

#define ZK_SEG_OPTIONS_VERSION 1
#define ZK_SEG_OPTIONS_INIT                                                    \
    {                                                                          \
        ZK_SEG_OPTIONS_VERSION, ZK_SEG_PRECISE, 1, 0                           \
    }

/** Kinds of token. */
enum {
    ZK_TOKEN_WORD = 0,  /**< Chinese word, or run of Latin/digits/+#&._%- */
    ZK_TOKEN_SPACE = 1, /**< one whitespace character, or CR LF */
    ZK_TOKEN_OTHER = 2  /**< one other character (punctuation, symbol, other
                             script) or one byte of invalid UTF-8 */
};

/** Token flags. */
enum {
    /** A search-mode sub-word: it lies inside the word that follows it. */
    ZK_TOKEN_COLOCATED = 1
};

/** One token. Pointers are borrowed for the duration of the callback. */
typedef struct zk_token {
    const char *text; /**< the token's form, `len` bytes: a slice of the
                           caller's text, or of the normalised text */
    size_t len;
    size_t start, end;  /**< byte range in the caller's text */
    size_t cstart;      /**< character offsets in the caller's text (each */
    size_t cend;        /**< invalid byte counts as one character) */
    int kind;           /**< ZK_TOKEN_WORD, _SPACE or _OTHER */
    unsigned int flags; /**< ZK_TOKEN_COLOCATED */
} zk_token;

/** Receives each token in order; return 0 to go on, non-zero to stop. */
typedef int (*zk_token_cb)(const zk_token *token, void *payload);

/**
 * Create a segmenter over `dict`, which is borrowed and must outlive it.
 * @param[out] out  new segmenter; free with zk_seg_free()
 * @return ZK_OK; ZK_EINVAL; ZK_ENOMEM
 */
ZK_EXTERN int zk_seg_new(zk_seg **out, const zk_dict *dict);

/** Free `seg`. NULL is allowed. */
ZK_EXTERN void zk_seg_free(zk_seg *seg);

/**
 * Cut `len` bytes of UTF-8 text into tokens, exactly as jieba 0.42.1 does,
 * and hand each to `cb`. Without normalisation, the tokens of precise mode
 * cover the text in order with nothing dropped. Invalid UTF-8 is not an
 * error: each bad byte becomes a ZK_TOKEN_OTHER token of its own.
 *
 * A run of more than 65,536 Chinese/alphanumeric characters with no space or
 * punctuation is cut in pieces of that size (jieba has no such limit).
 *
 * @param opts  NULL for ZK_SEG_OPTIONS_INIT
 * @return ZK_OK; ZK_EINVAL; ZK_ENOMEM; ZK_EUSER if `cb` stopped the cut (the
 *         callback's value is in zk_error_last()->message)
 */
ZK_EXTERN int zk_seg_cut(zk_seg *seg, const char *text, size_t len,
                         const zk_seg_options *opts, zk_token_cb cb,
                         void *payload);

/**
 * The largest n <= len such that cutting text[0, n) and text[n, len)
 * separately gives the same tokens as cutting the whole, without looking past
 * `len`: the end of the last character that is neither in a word block nor a
 * CR. Lets a caller stream a large text through zk_seg_cut() in pieces.
 * Returns 0 if there is no such point.
 */
ZK_EXTERN size_t zk_seg_split_point(const char *text, size_t len);

ZK_END_DECLS

#endif
