/* decode.c - detect a report's text encoding and convert it to UTF-8
 *
 * Design. Reports reach us as UTF-8, as GBK/GB18030 (most files of
 * mainland government bodies), as Big5 (Taiwan, Hong Kong) or as UTF-16
 * from Windows tools. Detection looks for a known binary signature first,
 * then for a BOM, then makes one pass over the bytes that validates UTF-8
 * and counts NUL and control bytes. Valid UTF-8 without NUL bytes is
 * UTF-8. NUL bytes mean UTF-16 without BOM or binary data: both byte
 * orders are decoded and scored, and if neither reads as text the input
 * is refused as binary. Otherwise the bytes are broken UTF-8 or a legacy
 * double-byte encoding: GB18030 and Big5 are each decoded strictly with
 * iconv, skipping bad bytes, into a small scratch buffer, and scored like
 * the UTF-8 reading. The reading whose characters are more often among
 * the most frequent Chinese characters (and less often errors, control or
 * private-use characters) wins; ties go to UTF-8, then GB18030. Only then
 * is the input converted for real, in one more iconv pass, so memory
 * stays at the size of the output.
 *
 * Every error names the input, the encoding and the offset of the first
 * bad byte in the caller's bytes, taken from how far iconv's input pointer
 * got. Everything is linear in the input and reads only data[0..len).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "internal.h"

/* ------------------------------------------------------------------ */
/* Encodings                                                           */
/* ------------------------------------------------------------------ */

enum {
    ENC_UTF8,
    ENC_UTF16LE,
    ENC_UTF16BE,
    ENC_GB18030,
    ENC_BIG5,
    ENC_UTF16, /* forced "utf-16": the BOM picks LE or BE */
    ENC_AUTO
};

static const struct encoding {
    const char *name;  /* what *detected reports */
    const char *label; /* how messages spell it */
    const char *iconv; /* iconv's name; UTF-8 is validated and copied */
    size_t unit;       /* bytes per code unit */
} encodings[] = {
    {"utf-8", "UTF-8", NULL, 1},
    {"utf-16le", "UTF-16LE", "UTF-16LE", 2},
    {"utf-16be", "UTF-16BE", "UTF-16BE", 2},
    {"gb18030", "GB18030", "GB18030", 1},
    /* glibc's BIG5 decodes the same double-byte table as its CP950 */
    {"big5", "Big5", "BIG5", 1},
};

static const struct alias {
    const char *name;
    int enc;
} aliases[] = {
    {"auto", ENC_AUTO},        {"utf-8", ENC_UTF8},
    {"utf-16", ENC_UTF16},     {"utf-16le", ENC_UTF16LE},
    {"utf-16be", ENC_UTF16BE}, {"gb18030", ENC_GB18030},
    {"gbk", ENC_GB18030},      {"gb2312", ENC_GB18030},
    {"big5", ENC_BIG5},
};

/* ASCII case-insensitive equality, independent of the locale. */
static int name_equal(const char *a, const char *b)
{
    unsigned char x, y;

    do {
        x = (unsigned char)*a++;
        y = (unsigned char)*b++;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    } while (x != '\0');
    return 1;
}

static int parse_encoding(const char *encoding, int *enc)
{
    size_t i;

    if (encoding == NULL) {
        *enc = ENC_AUTO;
        return ZK_OK;
    }
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (name_equal(encoding, aliases[i].name)) {
            *enc = aliases[i].enc;
            return ZK_OK;
        }
    }
    return zk__error(ZK_EINVAL,
                     "unknown encoding \"%s\" (expected auto, utf-8, utf-16, "
                     "utf-16le, utf-16be, gb18030, gbk, gb2312 or big5)",
                     encoding);
}

/* ------------------------------------------------------------------ */
/* Binary data                                                         */
/* ------------------------------------------------------------------ */

/* Leading bytes of file formats that are never text (octal escapes where a
 * hex one would swallow the next character). */
static const struct signature {
    const char *bytes;
    size_t len;
    const char *what;
} signatures[] = {
    {"\x89PNG\r\n\x1a\n", 8, "PNG image"},
    {"\177ELF", 4, "ELF executable"},
    {"\xff\xd8\xff", 3, "JPEG image"},
    {"GIF87a", 6, "GIF image"},
    {"GIF89a", 6, "GIF image"},
    {"%PDF-", 5, "PDF document"},
    {"PK\x03\x04", 4, "ZIP archive (or DOCX, XLSX)"},
    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "OLE2 file (DOC, XLS)"},
    {"\x1f\x8b", 2, "gzip data"},
    {"\3757zXZ\0", 6, "xz data"},
    {"7z\xbc\xaf\x27\x1c", 6, "7-Zip archive"},
    {"Rar!\x1a\x07", 6, "RAR archive"},
    {"SQLite format 3\x00", 16, "SQLite database"},
};

/* More than one disallowed control character in 32 bytes (or code units)
 * is not text; a stray form feed or DOS end-of-file mark is. */
#define CONTROL_RATIO 32

/* A control character that ordinary text does not contain. Tab, line
 * feed, vertical tab, form feed, carriage return, SUB (a DOS end-of-file
 * mark) and ESC (terminal colours in logs) are allowed. */
static int is_binary_control(uint32_t c)
{
    return (c < 0x20 && (c < 0x09 || c > 0x0D) && c != 0x1A && c != 0x1B) ||
           c == 0x7F;
}

static const char *find_signature(const unsigned char *p, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
        if (len >= signatures[i].len &&
            memcmp(p, signatures[i].bytes, signatures[i].len) == 0)
            return signatures[i].what;
    }
    return NULL;
}

static int binary_error(const char *name, const char *what, size_t off)
{
    return zk__error(ZK_EENCODING,
                     "%s: looks like binary data, not text (%s at byte %zu)",
                     name, what, off);
}

/* What one pass over the bytes learns. */
typedef struct byte_scan {
    size_t first_nul; /* offset of the first NUL byte, or SIZE_MAX */
    size_t first_ctl; /* offset of the first binary control byte */
    size_t n_ctl;     /* binary control bytes, NUL included */
    size_t first_bad; /* offset of the first invalid UTF-8 byte */
    size_t n_bad;     /* invalid UTF-8 bytes */
} byte_scan;

static void scan_bytes(byte_scan *s, const unsigned char *p, size_t len)
{
    size_t i = 0, n;

    s->first_nul = s->first_ctl = s->first_bad = SIZE_MAX;
    s->n_ctl = s->n_bad = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            if (is_binary_control(p[i])) {
                if (s->n_ctl++ == 0)
                    s->first_ctl = i;
                if (p[i] == 0 && s->first_nul == SIZE_MAX)
                    s->first_nul = i;
            }
            i++;
            continue;
        }
        if (zk__utf8_decode(p + i, len - i, &n) == ZK_CP_INVALID &&
            s->n_bad++ == 0)
            s->first_bad = i;
        i += n;
    }
}

/* Refuse NUL and dense control characters in 8-bit text. */
static int check_bytes(const byte_scan *s, size_t len, const char *name)
{
    if (s->first_nul != SIZE_MAX)
        return binary_error(name, "NUL", s->first_nul);
    if (s->n_ctl > 0 && s->n_ctl * CONTROL_RATIO > len)
        return binary_error(name, "control characters", s->first_ctl);
    return ZK_OK;
}

/* The same for the code units of UTF-16 text in p[skip..len). */
static int check_units16(const unsigned char *p, size_t len, size_t skip,
                         int big_endian, const char *name)
{
    size_t i, n_ctl = 0, first_ctl = 0;
    uint32_t u;

    for (i = skip; i + 1 < len; i += 2) {
        u = big_endian ? ((uint32_t)p[i] << 8 | p[i + 1])
                       : ((uint32_t)p[i + 1] << 8 | p[i]);
        if (!is_binary_control(u))
            continue;
        if (u == 0)
            return binary_error(name, "NUL", i);
        if (n_ctl++ == 0)
            first_ctl = i;
    }
    if (n_ctl > 0 && n_ctl * CONTROL_RATIO > (len - skip) / 2)
        return binary_error(name, "control characters", first_ctl);
    return ZK_OK;
}

/* ------------------------------------------------------------------ */
/* Scoring                                                             */
/* ------------------------------------------------------------------ */

/*
 * The 500 most frequent characters of the shared corpus (32 million
 * characters of Chinese government reports, laws and news; together they
 * are 85% of it), then the traditional forms of those that differ
 * (OpenCC s2tw), so that Big5 text scores as well as GB text. Frequency
 * order within each part.
 */
static const char common_hanzi[] =
    /* written the same in both scripts */
    "的人和行第中法民定十以一政理有在部工新全管建作地大用主者生市等合展"
    "保不年制二方化要或公出本事三上同家日施成其加文提安重共通能代水物位"
    "查高平力及五可四表委持府下自院期由交利社推品分依任服技月量照改向是"
    "所息得他央程企原性信面立各治系度了防入活案情外件消道目明相多收前基"
    "近城播取正供元增造按境到天域育指源例科海金教路六告列次使款支好求式"
    "省美特今督我常律批示商受未接村布意之反集看七放更八予起申深投心效具"
    "解流需快口章名百九完色根核置障斯限席研局格形措修就北已步止智承害俄"
    "益超小被南最革健知升土助型比控整策果西引林料令河空排克促察非精除直"
    "善融界互航至究容房因志配江山居染易打落罪急首旅算必影包司符世停先救"
    "群登病京校做犯食子模器住"
    /* simplified forms */
    "国条会业应当发规关设务动机进产区门为对经员实体时开责资强议内处单护"
    "个构联级监并标权报项组现学准与总场运证据计长统划网过调于营质办审农"
    "电数决织军职万视习将济领记违县党检导专术书备协车续后来闻请际点环费"
    "确创间结范称义执举从采负坚节医罚台两况态预复气战乡广线险华验种装传"
    "达题优参见届问财卫无团价给约认围诉转维测风评污严养带游东变乌类亿众"
    "这输销积们稳许击绿则担别疗筑队选适损识镇励征补药论税"
    /* their traditional forms */
    "國條會業應當發規關設務動機進產區門為對經員實體時開責資強議內處單護"
    "個構聯級監並標權報項組現學準與總場運證據計長統劃網過調於營質辦審農"
    "電數決織軍職萬視習將濟領記違縣黨檢導專術書備協車續後來聞請際點環費"
    "確創間結範稱義執舉從採負堅節醫罰臺兩況態預復氣戰鄉廣線險華驗種裝傳"
    "達題優參見屆問財衛無團價給約認圍訴轉維測風評汙嚴養帶遊東變烏類億眾"
    "這輸銷積們穩許擊綠則擔別療築隊選適損識鎮勵徵補藥論稅";

/* Bitmap over the CJK Unified Ideographs block, U+4E00..U+9FFF. */
#define HAN_FIRST 0x4E00u
#define HAN_LAST 0x9FFFu
#define HAN_BYTES ((HAN_LAST - HAN_FIRST + 1 + 7) / 8)

static void build_common(unsigned char *bits)
{
    const unsigned char *s = (const unsigned char *)common_hanzi;
    size_t i = 0, n = sizeof(common_hanzi) - 1, l;
    uint32_t c;

    memset(bits, 0, HAN_BYTES);
    while (i < n) {
        c = zk__utf8_decode(s + i, n - i, &l);
        if (c >= HAN_FIRST && c <= HAN_LAST)
            bits[(c - HAN_FIRST) >> 3] |= (unsigned char)(1u << (c & 7));
        i += l;
    }
}

/*
 * Is `c` a character ordinary Chinese or English text is made of? Control
 * characters, private use, Hangul and rarer blocks are not. A code point
 * U+xx00 is what an ASCII character becomes when UTF-16 is read in the
 * wrong byte order, so those count as implausible, except the two common
 * ones: 一 and the ideographic space.
 */
static int is_plausible(uint32_t c)
{
    if (c < 0x80)
        return c >= 0x20 ? c != 0x7F : (c == '\t' || c == '\n' || c == '\r');
    if ((c & 0xFF) == 0 && c != 0x4E00 && c != 0x3000)
        return 0;
    return (c >= 0xA0 && c <= 0x24F) ||    /* Latin */
           (c >= 0x370 && c <= 0x4FF) ||   /* Greek, Cyrillic */
           (c >= 0x2000 && c <= 0x27BF) || /* punctuation, symbols, ① */
           (c >= 0x2E80 && c <= 0x2FDF) || /* radicals */
           (c >= 0x3000 && c <= 0x9FFF) || /* CJK symbols, kana, Han */
           (c >= 0xF900 && c <= 0xFAFF) || /* compatibility ideographs */
           (c >= 0xFE30 && c <= 0xFE4F) || /* vertical forms (Big5) */
           (c >= 0xFF00 && c <= 0xFFEF);   /* full-width forms */
}

/* How well a candidate encoding reads the input. */
typedef struct score {
    size_t chars;     /* characters decoded */
    size_t ascii;     /* below U+0080 */
    size_t common;    /* among common_hanzi */
    size_t plausible; /* see is_plausible() */
    size_t errors;    /* undecodable sequences, each skipped */
    int stopped;      /* gave up after MAX_SCORE_ERRORS */
} score;

/* A candidate with this many errors is hopeless; stop scoring it so that
 * binary-looking input costs no more than text. */
#define MAX_SCORE_ERRORS 4096

/* Count the characters of UTF-8 u[0..n) into `s`; an invalid byte is an
 * error (iconv's output has none). */
static void tally(score *s, const unsigned char *u, size_t n,
                  const unsigned char *bits)
{
    size_t i = 0, l;
    uint32_t c;

    while (i < n) {
        c = zk__utf8_decode(u + i, n - i, &l);
        i += l;
        if (c == ZK_CP_INVALID) {
            s->errors++;
            continue;
        }
        s->chars++;
        if (c < 0x80)
            s->ascii++;
        if (is_plausible(c))
            s->plausible++;
        if (c >= HAN_FIRST && c <= HAN_LAST &&
            (bits[(c - HAN_FIRST) >> 3] & (1u << (c & 7))))
            s->common++;
    }
}

/* Decode p[0..len) as `enc` into a scratch buffer and score it. Returns
 * ZK_OK, or an error if iconv cannot be opened. */
static int score_encoding(score *s, int enc, const unsigned char *p, size_t len,
                          const unsigned char *bits, const char *name)
{
    char buf[8192];
    char *in = (char *)p, *op;
    size_t inleft = len, oleft, r, unit = encodings[enc].unit;
    int err;
    iconv_t cd;

    memset(s, 0, sizeof(*s));
    cd = iconv_open("UTF-8", encodings[enc].iconv);
    if (cd == (iconv_t)-1) {
        if (errno == ENOMEM)
            return zk__error_oom();
        return zk__error(ZK_EENCODING, "%s: this system cannot decode %s", name,
                         encodings[enc].label);
    }
    while (inleft > 0) {
        op = buf;
        oleft = sizeof(buf);
        r = iconv(cd, &in, &inleft, &op, &oleft);
        err = r == (size_t)-1 ? errno : 0;
        tally(s, (const unsigned char *)buf, (size_t)(op - buf), bits);
        if (err == 0 || err == E2BIG)
            continue;
        s->errors++;
        if (err != EILSEQ || inleft <= unit || s->errors >= MAX_SCORE_ERRORS) {
            s->stopped = err == EILSEQ && inleft > unit;
            break; /* truncated at the end, or hopeless */
        }
        in += unit; /* skip one code unit and resynchronise */
        inleft -= unit;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    return ZK_OK;
}

/* Is `a` a better reading than `b`? Each common character counts +1,
 * each plausible one +1 and each other one -1, each error -8; this is
 * compared without signed arithmetic. */
static int score_better(const score *a, const score *b)
{
    size_t pa = a->common + 2 * a->plausible, na = a->chars + 8 * a->errors;
    size_t pb = b->common + 2 * b->plausible, nb = b->chars + 8 * b->errors;

    return pa + nb > pb + na;
}

/* ------------------------------------------------------------------ */
/* Detection                                                           */
/* ------------------------------------------------------------------ */

/* Choose the encoding of p[0..len), len > 0, without a caller's hint.
 * Sets *enc, *skip (BOM bytes to drop) and, if it scanned the bytes,
 * *scan with *have_scan = 1. */
static int detect(int *enc, size_t *skip, byte_scan *scan, int *have_scan,
                  const unsigned char *p, size_t len, const char *name)
{
    unsigned char bits[HAN_BYTES];
    score le, be, u8, gb, big5, *best;
    int rc;

    *skip = 0;
    *have_scan = 0;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *enc = ENC_UTF8;
        *skip = 3;
        return ZK_OK;
    }
    if (len >= 2 &&
        ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        *enc = p[0] == 0xFF ? ENC_UTF16LE : ENC_UTF16BE;
        *skip = 2;
        return ZK_OK;
    }
    scan_bytes(scan, p, len);
    *have_scan = 1;
    if (scan->first_nul == SIZE_MAX && scan->n_bad == 0) {
        *enc = ENC_UTF8;
        return ZK_OK;
    }
    build_common(bits);
    if (scan->first_nul != SIZE_MAX) {
        /* NUL bytes: UTF-16 without BOM if one byte order reads as text,
         * otherwise binary. Text means three characters in four are
         * plausible and one in four is ASCII (the NUL-byte pattern) or a
         * common Han character: ASCII bytes read as UTF-16 give plausible
         * but rare Han characters, so a UTF-8 file with a stray NUL is
         * not taken for UTF-16. */
        rc = score_encoding(&le, ENC_UTF16LE, p, len, bits, name);
        if (rc == ZK_OK)
            rc = score_encoding(&be, ENC_UTF16BE, p, len, bits, name);
        if (rc != ZK_OK)
            return rc;
        best = score_better(&be, &le) ? &be : &le;
        *enc = best == &be ? ENC_UTF16BE : ENC_UTF16LE;
        if (best->stopped || best->plausible * 4 < best->chars * 3 ||
            (best->ascii + best->common) * 4 < best->chars)
            return binary_error(name, "NUL", scan->first_nul);
        return ZK_OK;
    }
    /* broken UTF-8 or a legacy encoding: UTF-8 with its bad bytes as
     * errors competes with GB18030 and Big5 */
    memset(&u8, 0, sizeof(u8));
    tally(&u8, p, len, bits);
    rc = score_encoding(&gb, ENC_GB18030, p, len, bits, name);
    if (rc == ZK_OK)
        rc = score_encoding(&big5, ENC_BIG5, p, len, bits, name);
    if (rc != ZK_OK)
        return rc;
    best = score_better(&big5, &gb) ? &big5 : &gb;
    *enc = best == &big5 ? ENC_BIG5 : ENC_GB18030;
    /* UTF-8 wins if it reads better, and also when even the better legacy
     * encoding has errors and finds no more than four common characters
     * per error: then nothing fits, and the input is reported as broken
     * UTF-8, the encoding assumed when nothing else fits. */
    if (!score_better(best, &u8) ||
        (best->errors > 0 && best->common <= 4 * best->errors))
        *enc = ENC_UTF8;
    return ZK_OK;
}

/* ------------------------------------------------------------------ */
/* Conversion                                                          */
/* ------------------------------------------------------------------ */

/* Is the invalid sequence at p[0..n) the start of a valid one that the
 * end of the input cut short? */
static int utf8_truncated(const unsigned char *p, size_t n)
{
    size_t need, i;

    if (p[0] < 0xC2 || p[0] > 0xF4)
        return 0;
    need = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
    if (n >= need)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    }
    return 1;
}

/* Copy p[skip..len) after checking it is UTF-8; `scan` covers p[0..len),
 * and as a BOM is valid UTF-8 its first bad byte is the first after it. */
static int copy_utf8(char **out, size_t *out_len, const unsigned char *p,
                     size_t len, size_t skip, const byte_scan *scan,
                     const char *name)
{
    size_t bad = scan->first_bad;
    char *buf;

    if (scan->n_bad > 0)
        return zk__error(ZK_EENCODING, "%s: invalid UTF-8 at byte %zu%s", name,
                         bad,
                         utf8_truncated(p + bad, len - bad)
                             ? " (truncated sequence at end of input)"
                             : "");
    buf = malloc(len - skip + 1);
    if (buf == NULL)
        return zk__error_oom();
    memcpy(buf, p + skip, len - skip);
    buf[len - skip] = '\0';
    *out = buf;
    *out_len = len - skip;
    return ZK_OK;
}

/* Make room for at least `more` bytes after `used` (plus the NUL). */
static int grow(char **buf, size_t *cap, size_t used, size_t more)
{
    size_t want = *cap + *cap / 2 + 64;
    char *b;

    if (want < *cap || want - 1 - used < more) {
        if (used > SIZE_MAX - 1 - more - 64)
            return zk__error_oom();
        want = used + more + 64;
    }
    b = realloc(*buf, want);
    if (b == NULL)
        return zk__error_oom();
    *buf = b;
    *cap = want;
    return ZK_OK;
}

/* Convert p[skip..len) from `enc` with iconv; see the file comment. */
static int convert(char **out, size_t *out_len, const unsigned char *p,
                   size_t len, size_t skip, int enc, const char *name)
{
    const struct encoding *e = &encodings[enc];
    char *buf = NULL, *in = (char *)(p + skip), *op;
    size_t cap, used = 0, inleft = len - skip, oleft, r;
    int rc = ZK_OK, flushing = 0;
    iconv_t cd;

    /* 1.5 bytes out per byte in fits GB18030, Big5 and UTF-16 text of the
     * Basic Multilingual Plane; the rare wider ones grow the buffer */
    if (inleft > (SIZE_MAX - 64) / 3 * 2)
        return zk__error_oom();
    cap = inleft + inleft / 2 + 64;
    cd = iconv_open("UTF-8", e->iconv);
    if (cd == (iconv_t)-1) {
        if (errno == ENOMEM)
            return zk__error_oom();
        return zk__error(ZK_EENCODING, "%s: this system cannot decode %s", name,
                         e->label);
    }
    buf = malloc(cap);
    if (buf == NULL) {
        rc = zk__error_oom();
        goto done;
    }
    for (;;) {
        op = buf + used;
        oleft = cap - 1 - used;
        /* after the input, one call with NULL input flushes any state */
        if (flushing)
            r = iconv(cd, NULL, NULL, &op, &oleft);
        else
            r = iconv(cd, &in, &inleft, &op, &oleft);
        used = (size_t)(op - buf);
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = inleft == 0;
            continue;
        }
        if (errno == E2BIG) {
            rc = grow(&buf, &cap, used, 16);
            if (rc != ZK_OK)
                goto done;
            continue;
        }
        rc = zk__error(ZK_EENCODING, "%s: invalid %s at byte %zu%s", name,
                       e->label, (size_t)((const unsigned char *)in - p),
                       errno == EINVAL ? " (truncated sequence at end of input)"
                                       : "");
        goto done;
    }
    /* iconv keeps a BOM that was not skipped as U+FEFF: drop it */
    if (skip == 0 && used >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(buf, buf + 3, used - 3);
        used -= 3;
    }
    buf[used] = '\0';
    if (cap - used > 4096 && cap - used > used / 8) {
        char *b = realloc(buf, used + 1); /* give back the slack */

        if (b != NULL)
            buf = b;
    }
    *out = buf;
    *out_len = used;
    buf = NULL;
done:
    free(buf);
    iconv_close(cd);
    return rc;
}

int zk__decode(char **out, size_t *out_len, const char **detected,
               const char *data, size_t len, const char *encoding,
               const char *name)
{
    const unsigned char *p = (const unsigned char *)data;
    const char *what;
    byte_scan scan;
    size_t skip = 0;
    int enc, rc, have_scan = 0;

    if (out == NULL || out_len == NULL || (data == NULL && len > 0))
        return zk__error(ZK_EINVAL, "zk__decode: NULL argument");
    *out = NULL;
    *out_len = 0;
    if (detected != NULL)
        *detected = NULL;
    if (name == NULL)
        name = "(input)";
    rc = parse_encoding(encoding, &enc);
    if (rc != ZK_OK)
        return rc;
    if (len == 0) {
        *out = malloc(1);
        if (*out == NULL)
            return zk__error_oom();
        (*out)[0] = '\0';
        if (detected != NULL)
            *detected = encodings[enc == ENC_AUTO    ? ENC_UTF8
                                  : enc == ENC_UTF16 ? ENC_UTF16LE
                                                     : enc]
                            .name;
        return ZK_OK;
    }
    what = find_signature(p, len);
    if (what != NULL)
        return binary_error(name, what, 0);

    if (enc == ENC_AUTO) {
        rc = detect(&enc, &skip, &scan, &have_scan, p, len, name);
        if (rc != ZK_OK)
            return rc;
    } else if (enc == ENC_UTF16) {
        enc = len >= 2 && p[0] == 0xFE && p[1] == 0xFF ? ENC_UTF16BE
                                                       : ENC_UTF16LE;
        skip = len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
                            (p[0] == 0xFE && p[1] == 0xFF))
                   ? 2
                   : 0;
    } else if (enc == ENC_UTF8 && len >= 3 && p[0] == 0xEF && p[1] == 0xBB &&
               p[2] == 0xBF) {
        skip = 3;
    }
    if (encodings[enc].unit == 2) {
        rc = check_units16(p, len, skip, enc == ENC_UTF16BE, name);
    } else {
        if (!have_scan)
            scan_bytes(&scan, p, len);
        rc = check_bytes(&scan, len, name);
    }
    if (rc != ZK_OK)
        return rc;
    if (enc == ENC_UTF8)
        rc = copy_utf8(out, out_len, p, len, skip, &scan, name);
    else
        rc = convert(out, out_len, p, len, skip, enc, name);
    if (rc == ZK_OK && detected != NULL)
        *detected = encodings[enc].name;
    return rc;
}
