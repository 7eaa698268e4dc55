/* read_html.c - read a web page into an extracted document (extract.h)
 *
 * Design. The bytes are first turned into UTF-8 by zk__decode: a charset
 * the caller forces wins, then a BOM, then the charset the page declares
 * in its first 4 KB (<meta charset>, the http-equiv Content-Type form or
 * an XML declaration), else detection as for text. A page declaring GBK
 * or Big5 that is valid UTF-8 made of 3- and 4-byte characters (common
 * after a site's move to UTF-8; real GBK text does not look like that)
 * is read as UTF-8. A declared charset
 * that zhiku does not know falls back to detection, and a declared one
 * that does not decode falls back to detection too, but if that also
 * fails the declared charset's error (naming the file and the byte) is
 * what the caller sees. libxml2's HTML parser then reads the UTF-8 with
 * the encoding forced and HTML_PARSE_IGNORE_ENC, so a <meta charset=gb2312>
 * in an already converted page cannot switch it back. libxml2 is set up
 * once per process (pthread_once + xmlInitParser) and never cleaned up;
 * its errors go to a structured handler of each parser context, so
 * nothing reaches stderr and worker threads do not share state.
 *
 * libxml2 halts a document nested deeper than 256 elements (without
 * XML_PARSE_HUGE, which we do not want). The tree-building SAX callbacks
 * are wrapped: an element that would lie deeper than DEPTH_CAP is not
 * made a node, its text goes to the element at the cap (the content of
 * script, style and the like deeper than that is dropped), so any depth
 * reads in linear time and bounded tree depth.
 *
 * The tree is walked without recursion (parent pointers), twice. The
 * first walk drops what is never content: script, style, head, nav,
 * header, footer, aside, form and their kin, and elements whose id, class
 * or role names chrome (nav, menu, breadcrumb, footer, sidebar, share,
 * search, ...; a token that also names content, as "article-header",
 * stays). It reads the <meta>s and <title>, looks for a 发文字号 cell or
 * line, and gives every element a readability-style score: the text of
 * each paragraph (CJK characters weighted double, link text excluded)
 * counts fully for the container holding it and half for the one above;
 * the score is scaled down by the element's link density and up for
 * class names that government sites use for articles (TRS_Editor,
 * content, article, zoom, xxgk...). The best element is the content; it
 * grows to its parent while the parent holds much more plain text, and
 * the whole body (less the chrome) is read when nothing stands out.
 *
 * The second walk turns the content into blocks: h1..h6 headings,
 * paragraphs ended by every block element and by <br>, data tables as
 * rows of cells joined by " | " (a table holding tables or one column is
 * layout and read as paragraphs), and a bold run at a paragraph's start
 * as its lead. Whitespace collapses; a line break between two CJK
 * characters disappears.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "decode.h"
#include "extract.h"
#include "internal.h"

/* elements deeper than this become text of the element at this depth
 * (libxml2 itself stops a parse at 256) */
#define DEPTH_CAP (ZK_X_MAX_DEPTH - 8)
/* bytes of the page searched for a charset declaration */
#define SNIFF_BYTES 4096
/* most h1 elements remembered as title candidates */
#define MAX_H1 64

/* ------------------------------------------------------------------ */
/* Small string helpers                                                */
/* ------------------------------------------------------------------ */

/* ASCII lower case, independent of the locale. */
static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ASCII case-insensitive equality of two NUL-terminated strings. */
static int ieq(const char *a, const char *b)
{
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

/* Does s[0..n) contain `w` (lower-case ASCII), ignoring ASCII case? */
static int icontains(const char *s, size_t n, const char *w)
{
    size_t m = strlen(w), i, k;

    for (i = 0; i + m <= n; i++) {
        for (k = 0; k < m; k++)
            if (lower((unsigned char)s[i + k]) != w[k])
                break;
        if (k == m)
            return 1;
    }
    return 0;
}

/* Whitespace as the reader collapses it (U+3000 included: it indents). */
static int is_ws(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v' || c == 0xA0 || c == 0x3000 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0xFEFF || c == 0x202F ||
           c == 0x205F;
}

/* ------------------------------------------------------------------ */
/* Charset                                                             */
/* ------------------------------------------------------------------ */

/* The charset name starting at p[0..n) after "charset" or "encoding":
 * optional blanks, '=', optional blanks and quote, then the name. Copies
 * it into out (lower case); 0 if there is none. */
static int charset_value(const char *p, size_t n, char *out, size_t outsz)
{
    size_t i = 0, k = 0;

    while (i < n &&
           (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
        i++;
    if (i >= n || p[i] != '=')
        return 0;
    i++;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '"' ||
                     p[i] == '\'' || p[i] == '\n' || p[i] == '\r'))
        i++;
    while (i < n && k + 1 < outsz &&
           (isalnum((unsigned char)p[i]) || p[i] == '-' || p[i] == '_' ||
            p[i] == '.' || p[i] == ':')) {
        out[k++] = (char)lower((unsigned char)p[i]);
        i++;
    }
    out[k] = '\0';
    return k > 0;
}

/* The charset the page declares in its first SNIFF_BYTES: an XML
 * declaration's encoding, else the first <meta> with a charset (either
 * form). Writes the lower-cased name into out; 0 when none. */
static int declared_charset(const char *data, size_t len, char *out,
                            size_t outsz)
{
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, i, end;

    i = 0;
    while (i < n && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
                     data[i] == '\r'))
        i++;
    if (n - i >= 5 && memcmp(data + i, "<?xml", 5) == 0) {
        for (end = i; end + 1 < n; end++)
            if (data[end] == '?' && data[end + 1] == '>')
                break;
        for (; i + 8 <= end; i++)
            if (icontains(data + i, 8, "encoding") &&
                charset_value(data + i + 8, end - i - 8, out, outsz))
                return 1;
    }
    for (i = 0; i + 5 <= n; i++) {
        if (data[i] != '<' || !icontains(data + i + 1, 4, "meta"))
            continue;
        for (end = i; end < n && data[end] != '>'; end++)
            ;
        for (size_t k = i + 5; k + 7 <= end; k++)
            if (icontains(data + k, 7, "charset") &&
                charset_value(data + k + 7, end - k - 7, out, outsz))
                return 1;
        i = end;
    }
    return 0;
}

/* The zk__decode name for a declared charset; NULL for one zhiku cannot
 * decode (detection then decides). A declared UTF-16 is read as UTF-8:
 * if the declaration could be read as ASCII, the page is not UTF-16. */
static const char *charset_name(const char *cs)
{
    static const char *const gb[] = {
        "gb2312",      "gbk",     "gb18030",   "x-gbk",           "cp936",
        "ms936",       "euc-cn",  "x-euc-cn",  "csgb2312",        "gb_2312-80",
        "windows-936", "chinese", "iso-ir-58", "csiso58gb231280", "hz-gb-2312"};
    static const char *const b5[] = {"big5",     "big5-hkscs", "cp950",
                                     "x-x-big5", "csbig5",     "cn-big5"};
    static const char *const u8[] = {
        "utf-8",    "utf8",    "utf-16",           "utf-16le",
        "utf-16be", "unicode", "unicode-1-1-utf-8"};
    size_t i;

    for (i = 0; i < sizeof(gb) / sizeof(gb[0]); i++)
        if (ieq(cs, gb[i]))
            return "gb18030";
    for (i = 0; i < sizeof(b5) / sizeof(b5[0]); i++)
        if (ieq(cs, b5[i]))
            return "big5";
    for (i = 0; i < sizeof(u8) / sizeof(u8[0]); i++)
        if (ieq(cs, u8[i]))
            return "utf-8";
    return NULL;
}

/* Copy the thread's last error message (for re-raising it). */
static void save_message(char *out, size_t n)
{
    const zk_error *e = zk_error_last();

    out[0] = '\0';
    if (e != NULL && e->message != NULL) {
        strncpy(out, e->message, n - 1);
        out[n - 1] = '\0';
    }
}

/* Re-raise the last error so that its message starts with "name: ". */
static int name_error(int rc, const char *name)
{
    char msg[900];
    size_t nl = strlen(name);

    if (rc == ZK_ENOMEM)
        return rc;
    save_message(msg, sizeof(msg));
    if (strncmp(msg, name, nl) == 0 && msg[nl] == ':')
        return rc;
    return zk__error(rc, "%s: %s", name, msg[0] ? msg : "cannot read page");
}

/* Is the page valid UTF-8 with enough multi-byte characters (at least
 * 8, all of them 3 or 4 bytes long, as Chinese text in UTF-8 is) that it
 * cannot be GBK or Big5 by chance? */
static int utf8_text(const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data;
    size_t i = 0, l, wide = 0;
    uint32_t c;

    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        c = zk__utf8_decode(u + i, len - i, &l);
        if (c == ZK_CP_INVALID || l < 3)
            return 0;
        wide++;
        i += l;
    }
    return wide >= 8;
}

/* Convert the page to UTF-8 as the design above says. */
static int page_utf8(char **out, size_t *out_len, const char *data, size_t len,
                     const char *name, const char *encoding)
{
    const char *detected = NULL, *decl = NULL;
    char cs[64], msg[900];
    const unsigned char *u = (const unsigned char *)data;
    int rc, bom;

    if (encoding != NULL) {
        rc = zk__decode(out, out_len, &detected, data, len, encoding, name);
        return rc == ZK_OK ? rc : name_error(rc, name);
    }
    bom = (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ||
          (len >= 2 &&
           ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)));
    if (!bom && declared_charset(data, len, cs, sizeof(cs)))
        decl = charset_name(cs);
    if (decl != NULL && strcmp(decl, "utf-8") != 0 && utf8_text(data, len))
        decl = "utf-8"; /* declared GBK or Big5, written in UTF-8 */
    if (decl != NULL) {
        rc = zk__decode(out, out_len, &detected, data, len, decl, name);
        if (rc != ZK_EENCODING)
            return rc == ZK_OK ? rc : name_error(rc, name);
        /* a page whose declaration lies: accept what detection reads,
         * else report the declared charset's first bad byte */
        save_message(msg, sizeof(msg));
        rc = zk__decode(out, out_len, &detected, data, len, NULL, name);
        if (rc == ZK_OK && strcmp(detected, decl) != 0)
            return ZK_OK;
        if (rc == ZK_OK) {
            free(*out);
            *out = NULL;
        }
        if (rc == ZK_ENOMEM)
            return rc;
        return zk__error(ZK_EENCODING, "%s", msg);
    }
    rc = zk__decode(out, out_len, &detected, data, len, NULL, name);
    return rc == ZK_OK ? rc : name_error(rc, name);
}

/* ------------------------------------------------------------------ */
/* libxml2                                                             */
/* ------------------------------------------------------------------ */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

/* Errors of a parse are of no interest (the parser recovers); this
 * handler keeps them off stderr. */
static void quiet_error(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

/* Parse state kept beside libxml2's context (ctxt->_private). */
typedef struct sax_state {
    size_t excess; /* open elements not made nodes (deeper than the cap) */
    size_t mute;   /* excess depth of a script-like element, 0 if none */
    int oom;
} sax_state;

/* Elements whose content is never text (script and its kin). */
static int mute_tag(const char *n)
{
    return ieq(n, "script") || ieq(n, "style") || ieq(n, "noscript") ||
           ieq(n, "template") || ieq(n, "textarea") || ieq(n, "svg") ||
           ieq(n, "select") || ieq(n, "iframe");
}

static void sax_start(void *ctx, const xmlChar *nm, const xmlChar **atts)
{
    xmlParserCtxtPtr c = ctx;
    sax_state *st = c->_private;

    if (st->excess > 0 || c->nodeNr >= DEPTH_CAP) {
        st->excess++;
        if (st->mute == 0 && mute_tag((const char *)nm))
            st->mute = st->excess;
        return;
    }
    xmlSAX2StartElement(ctx, nm, atts);
}

static void sax_end(void *ctx, const xmlChar *nm)
{
    xmlParserCtxtPtr c = ctx;
    sax_state *st = c->_private;

    if (st->excess > 0) {
        if (st->mute == st->excess)
            st->mute = 0;
        st->excess--;
        return;
    }
    xmlSAX2EndElement(ctx, nm);
}

static void sax_chars(void *ctx, const xmlChar *s, int n)
{
    xmlParserCtxtPtr c = ctx;
    sax_state *st = c->_private;

    if (st->mute == 0)
        xmlSAX2Characters(ctx, s, n);
}

static void sax_cdata(void *ctx, const xmlChar *s, int n)
{
    xmlParserCtxtPtr c = ctx;
    sax_state *st = c->_private;

    if (st->mute == 0)
        xmlSAX2CDataBlock(ctx, s, n);
}

/* Blank out the internal subset of a leading <!DOCTYPE ... [ ... ]>:
 * libxml2's HTML parser does not read it (so no entity is ever loaded)
 * but would leave its declarations as text. */
static void blank_subset(char *s, size_t n)
{
    size_t i, lim = n < SNIFF_BYTES ? n : SNIFF_BYTES, a;

    for (i = 0; i + 9 <= lim; i++)
        if (s[i] == '<' && s[i + 1] == '!' &&
            icontains(s + i + 2, 7, "doctype"))
            break;
    if (i + 9 > lim)
        return;
    for (a = i + 9; a < n && s[a] != '>' && s[a] != '['; a++)
        ;
    if (a >= n || s[a] != '[')
        return;
    for (i = a; i + 1 < n; i++) {
        size_t k = i + 1;

        if (s[i] != ']')
            continue;
        while (k < n &&
               (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
            k++;
        if (k < n && s[k] == '>') {
            memset(s + a, ' ', i + 1 - a);
            return;
        }
    }
}

/* Parse UTF-8 HTML into a tree; *doc NULL for a page without elements. */
static int parse_tree(xmlDocPtr *doc, const char *s, size_t n, const char *name)
{
    htmlParserCtxtPtr c;
    sax_state st;
    int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
               HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC;

    *doc = NULL;
    if (n > (size_t)0x7FFFFFFF - 1)
        return zk__error(ZK_EFORMAT, "%s: page too large (%zu bytes)", name, n);
    pthread_once(&xml_once, xml_init);
    c = htmlNewParserCtxt();
    if (c == NULL)
        return zk__error_oom();
    memset(&st, 0, sizeof(st));
    c->_private = &st;
    c->sax->serror = quiet_error;
    c->sax->startElement = sax_start;
    c->sax->endElement = sax_end;
    c->sax->characters = sax_chars;
    c->sax->cdataBlock = sax_cdata;
    *doc = htmlCtxtReadMemory(c, s, (int)n, NULL, "UTF-8", opts);
    if (*doc == NULL && c->errNo == XML_ERR_NO_MEMORY) {
        htmlFreeParserCtxt(c);
        return zk__error_oom();
    }
    htmlFreeParserCtxt(c);
    return ZK_OK;
}

/* ------------------------------------------------------------------ */
/* Elements                                                            */
/* ------------------------------------------------------------------ */

enum {
    T_INLINE = 0,
    T_BLOCK = 1 << 0,   /* ends a paragraph */
    T_PARA = 1 << 1,    /* a paragraph element (scores its parent) */
    T_SKIP = 1 << 2,    /* never content */
    T_HEAD = 1 << 3,    /* h1..h6 */
    T_BR = 1 << 4,      /* line break */
    T_TABLE = 1 << 5,   /* table */
    T_ROW = 1 << 6,     /* tr */
    T_CELL = 1 << 7,    /* td, th */
    T_BOLD = 1 << 8,    /* b, strong */
    T_LINK = 1 << 9,    /* a */
    T_CHROME = 1 << 10, /* header/footer: chrome unless in an article */
    T_ARTICLE = 1 << 11 /* article, main */
};

static const struct tag {
    const char *name;
    int flags;
} tags[] = {
    /* sorted by name for bsearch */
    {"a", T_LINK},
    {"address", T_BLOCK | T_PARA},
    {"applet", T_SKIP},
    {"area", T_SKIP},
    {"article", T_BLOCK | T_ARTICLE},
    {"aside", T_SKIP},
    {"audio", T_SKIP},
    {"b", T_BOLD},
    {"blockquote", T_BLOCK | T_PARA},
    {"body", T_BLOCK},
    {"br", T_BR},
    {"button", T_SKIP},
    {"canvas", T_SKIP},
    {"caption", T_BLOCK | T_PARA},
    {"center", T_BLOCK},
    {"dd", T_BLOCK | T_PARA},
    {"details", T_BLOCK},
    {"dialog", T_SKIP},
    {"dir", T_BLOCK},
    {"div", T_BLOCK},
    {"dl", T_BLOCK},
    {"dt", T_BLOCK | T_PARA},
    {"embed", T_SKIP},
    {"fieldset", T_BLOCK},
    {"figcaption", T_BLOCK | T_PARA},
    {"figure", T_BLOCK},
    {"footer", T_BLOCK | T_CHROME},
    {"form", T_SKIP},
    {"frameset", T_SKIP},
    {"h1", T_BLOCK | T_PARA | T_HEAD},
    {"h2", T_BLOCK | T_PARA | T_HEAD},
    {"h3", T_BLOCK | T_PARA | T_HEAD},
    {"h4", T_BLOCK | T_PARA | T_HEAD},
    {"h5", T_BLOCK | T_PARA | T_HEAD},
    {"h6", T_BLOCK | T_PARA | T_HEAD},
    {"head", T_SKIP},
    {"header", T_BLOCK | T_CHROME},
    {"hgroup", T_BLOCK},
    {"hr", T_BLOCK},
    {"html", T_BLOCK},
    {"iframe", T_SKIP},
    {"input", T_SKIP},
    {"legend", T_BLOCK | T_PARA},
    {"li", T_BLOCK | T_PARA},
    {"main", T_BLOCK | T_ARTICLE},
    {"map", T_SKIP},
    {"menu", T_SKIP},
    {"nav", T_SKIP},
    {"noframes", T_SKIP},
    {"noscript", T_SKIP},
    {"object", T_SKIP},
    {"ol", T_BLOCK},
    {"option", T_SKIP},
    {"p", T_BLOCK | T_PARA},
    {"pre", T_BLOCK | T_PARA},
    {"script", T_SKIP},
    {"section", T_BLOCK},
    {"select", T_SKIP},
    {"strong", T_BOLD},
    {"style", T_SKIP},
    {"summary", T_BLOCK | T_PARA},
    {"svg", T_SKIP},
    {"table", T_BLOCK | T_TABLE},
    {"tbody", T_BLOCK},
    {"td", T_BLOCK | T_CELL},
    {"template", T_SKIP},
    {"textarea", T_SKIP},
    {"tfoot", T_BLOCK},
    {"th", T_BLOCK | T_CELL},
    {"thead", T_BLOCK},
    {"title", T_SKIP},
    {"tr", T_BLOCK | T_ROW},
    {"ul", T_BLOCK},
    {"video", T_SKIP},
};

static int tag_cmp(const void *key, const void *elt)
{
    return strcmp(key, ((const struct tag *)elt)->name);
}

/* The T_* flags of an element (libxml2 lower-cases HTML names). */
static int tag_flags(const xmlNode *n)
{
    const struct tag *t;

    if (n->name == NULL)
        return T_INLINE;
    t = bsearch(n->name, tags, sizeof(tags) / sizeof(tags[0]), sizeof(tags[0]),
                tag_cmp);
    return t ? t->flags : T_INLINE;
}

/* Heading level of an h1..h6 element. */
static int head_level(const xmlNode *n)
{
    return n->name[1] - '0';
}

/* An attribute's value as a NUL-terminated string (libxml2 keeps the
 * value of an HTML attribute as one text child), or NULL. */
static const char *attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a != NULL; a = a->next)
        if (a->name != NULL && ieq((const char *)a->name, name)) {
            if (a->children != NULL && a->children->type == XML_TEXT_NODE &&
                a->children->content != NULL)
                return (const char *)a->children->content;
            return "";
        }
    return NULL;
}

/* Words of ids and classes that mark chrome, matched against a whole
 * part of a token (split at '-', '_' and digits)... */
static const char *const chrome_parts[] = {
    "nav",    "menu",      "menus",     "crumb",    "crumbs",     "footer",
    "foot",   "header",    "head",      "top",      "topbar",     "sidebar",
    "side",   "copyright", "share",     "toolbar",  "tool",       "tools",
    "login",  "search",    "related",   "comment",  "comments",   "ad",
    "ads",    "advert",    "banner",    "position", "location",   "dqwz",
    "weizhi", "bottom",    "links",     "link",     "friendlink", "logo",
    "qrcode", "ewm",       "print",     "skip",     "hidden",     "popup",
    "modal",  "cookie",    "subscribe", "social",   "pager",      "pagination"};
/* ... and as part of a token anywhere (long, unambiguous words). */
static const char *const chrome_subs[] = {
    "breadcrumb", "navbar", "navigation", "copyright",  "sidebar",   "toolbar",
    "footer",     "header", "bdshare",    "friendlink", "topnav",    "mainnav",
    "subnav",     "menu",   "advert",     "banner",     "searchbox", "login"};
/* Words that mark content: a token holding one is never chrome. */
static const char *const content_words[] = {
    "article", "content", "title", "text", "body", "detail", "zoom",
    "editor",  "xxgk",    "main",  "news", "view", "info"};
/* Strong hints that an element holds the article. */
static const char *const article_hints[] = {
    "trs_editor", "pages_content", "ucap-content", "article",
    "content",    "zoom",          "xxgk",         "detail",
    "zw",         "text",          "main",         "view"};

/* Does one class/id token (s[0..n)) name chrome? */
static int chrome_token(const char *s, size_t n)
{
    size_t i, a, k;

    if (n == 0)
        return 0;
    for (k = 0; k < sizeof(content_words) / sizeof(content_words[0]); k++)
        if (icontains(s, n, content_words[k]))
            return 0;
    if (n >= 6 && memcmp(s, "\xe5\xaf\xbc\xe8\x88\xaa", 6) == 0) /* 导航 */
        return 1;
    for (k = 0; k < sizeof(chrome_subs) / sizeof(chrome_subs[0]); k++)
        if (icontains(s, n, chrome_subs[k]))
            return 1;
    for (i = 0; i < n;) {
        while (i < n && !isalpha((unsigned char)s[i]))
            i++;
        a = i;
        while (i < n && isalpha((unsigned char)s[i]))
            i++;
        if (i == a)
            continue;
        for (k = 0; k < sizeof(chrome_parts) / sizeof(chrome_parts[0]); k++)
            if (strlen(chrome_parts[k]) == i - a &&
                icontains(s + a, i - a, chrome_parts[k]))
                return 1;
    }
    return 0;
}

/* Does a space-separated attribute value hold a chrome token? */
static int chrome_value(const char *v)
{
    size_t i = 0, a;

    if (v == NULL)
        return 0;
    if (strstr(v, "\xe5\xaf\xbc\xe8\x88\xaa") != NULL) /* 导航 */
        return 1;
    while (v[i]) {
        while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
            i++;
        a = i;
        while (v[i] && v[i] != ' ' && v[i] != '\t' && v[i] != '\n' &&
               v[i] != '\r')
            i++;
        if (chrome_token(v + a, i - a))
            return 1;
    }
    return 0;
}

/* Is an element chrome by its id, class, role or inline style? */
static int chrome_attrs(const xmlNode *n)
{
    const char *role = attr(n, "role"), *style = attr(n, "style");

    if (attr(n, "hidden") != NULL)
        return 1;
    if (role != NULL && (ieq(role, "navigation") || ieq(role, "banner") ||
                         ieq(role, "contentinfo") || ieq(role, "search") ||
                         ieq(role, "complementary") || ieq(role, "menu")))
        return 1;
    if (style != NULL) {
        char sq[128];
        size_t i, k = 0;

        for (i = 0; style[i] && k + 1 < sizeof(sq); i++)
            if (style[i] != ' ' && style[i] != '\t')
                sq[k++] = (char)lower((unsigned char)style[i]);
        sq[k] = '\0';
        if (strstr(sq, "display:none") || strstr(sq, "visibility:hidden"))
            return 1;
    }
    return chrome_value(attr(n, "id")) || chrome_value(attr(n, "class"));
}

/* Does the element's id or class hint at an article container? */
static int article_hint(const xmlNode *n)
{
    const char *v[2] = {attr(n, "id"), attr(n, "class")};
    size_t i, k;

    for (i = 0; i < 2; i++) {
        if (v[i] == NULL)
            continue;
        for (k = 0; k < sizeof(article_hints) / sizeof(article_hints[0]); k++)
            if (icontains(v[i], strlen(v[i]), article_hints[k]))
                return 1;
    }
    return 0;
}

/* Is an inline element bold (b, strong, or font-weight bold/600+)? */
static int is_bold(const xmlNode *n, int flags)
{
    const char *st;
    const char *p;

    if (flags & T_BOLD)
        return 1;
    if ((flags & ~T_LINK) != T_INLINE)
        return 0;
    st = attr(n, "style");
    if (st == NULL || (p = strstr(st, "font-weight")) == NULL)
        return 0;
    p += 11;
    while (*p == ' ' || *p == ':')
        p++;
    return strncmp(p, "bold", 4) == 0 ||
           ((*p >= '6' && *p <= '9') && p[1] == '0' && p[2] == '0');
}

/* ------------------------------------------------------------------ */
/* The walker                                                          */
/* ------------------------------------------------------------------ */

/* enter: 1 to visit the node's children (then leave is called), 0 to
 * skip them, < 0 an error code (negated). leave: ZK_OK or an error. */
typedef int (*enter_fn)(void *st, xmlNode *n);
typedef int (*leave_fn)(void *st, xmlNode *n);

/* Visit root's subtree in document order, without recursion. */
static int walk(xmlNode *root, enter_fn enter, leave_fn leave, void *st)
{
    xmlNode *n = root;
    int d, rc;

    while (n != NULL) {
        d = enter(st, n);
        if (d < 0)
            return -d;
        if (d > 0 && n->children != NULL) {
            n = n->children;
            continue;
        }
        if (d > 0 && (rc = leave(st, n)) != ZK_OK)
            return rc;
        while (n != root && n->next == NULL) {
            n = n->parent;
            if ((rc = leave(st, n)) != ZK_OK)
                return rc;
        }
        if (n == root)
            break;
        n = n->next;
    }
    return ZK_OK;
}

/* ------------------------------------------------------------------ */
/* Collapsed text                                                      */
/* ------------------------------------------------------------------ */

/* A line of reading text being collected. */
typedef struct line {
    zk__buf b;
    int ws;        /* whitespace pending */
    int nl;        /* the pending whitespace held a line break */
    uint32_t last; /* last character added, 0 at the start */
} line;

/* Append UTF-8 text s[0..n), collapsing whitespace; a run of whitespace
 * holding a line break between two CJK characters is dropped. */
static int line_add(line *l, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, k, run;
    uint32_t c;
    int rc;

    while (i < n) {
        c = zk__utf8_decode(u + i, n - i, &k);
        if (is_ws(c)) {
            l->ws = 1;
            if (c == '\n' || c == '\r')
                l->nl = 1;
            i += k;
            continue;
        }
        if (l->ws && l->last != 0 &&
            !(l->nl && zk__rc_cjk(l->last) && zk__rc_cjk(c)))
            if ((rc = zk__buf_add(&l->b, " ", 1)) != ZK_OK)
                return rc;
        l->ws = l->nl = 0;
        /* copy the run up to the next whitespace at once */
        run = i + k;
        l->last = c;
        while (run < n) {
            uint32_t c2 = zk__utf8_decode(u + run, n - run, &k);
            if (is_ws(c2))
                break;
            l->last = c2;
            run += k;
        }
        if ((rc = zk__buf_add(&l->b, s + i, run - i)) != ZK_OK)
            return rc;
        i = run;
    }
    return ZK_OK;
}

/* Mark a word break (an element boundary inside a cell or heading). */
static void line_space(line *l)
{
    l->ws = 1;
}

static void line_reset(line *l)
{
    l->b.n = 0;
    if (l->b.p)
        l->b.p[0] = '\0';
    l->ws = l->nl = 0;
    l->last = 0;
}

/* State of collecting the whole text of a subtree. */
typedef struct gather {
    line *l;
} gather;

static int gather_enter(void *st, xmlNode *n)
{
    gather *g = st;
    int f, rc;

    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content != NULL) {
            rc = line_add(g->l, (const char *)n->content,
                          strlen((const char *)n->content));
            if (rc != ZK_OK)
                return -rc;
        }
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    f = tag_flags(n);
    if (f & T_SKIP)
        return 0;
    if (f & (T_BLOCK | T_BR))
        line_space(g->l);
    return 1;
}

static int gather_leave(void *st, xmlNode *n)
{
    gather *g = st;

    if (n->type == XML_ELEMENT_NODE && (tag_flags(n) & T_BLOCK))
        line_space(g->l);
    return ZK_OK;
}

/* The collapsed text of n's subtree, appended to l (the subtree's own
 * element is entered too, so a skipped one gives nothing). */
static int gather_text(line *l, xmlNode *n)
{
    gather g;

    g.l = l;
    if (n->type == XML_ELEMENT_NODE && (tag_flags(n) & T_SKIP) &&
        n->children != NULL) {
        /* <title>: its text, though titles are otherwise skipped */
        xmlNode *c;
        int rc;

        for (c = n->children; c != NULL; c = c->next)
            if ((rc = walk(c, gather_enter, gather_leave, &g)) != ZK_OK)
                return rc;
        return ZK_OK;
    }
    return walk(n, gather_enter, gather_leave, &g);
}

/* ------------------------------------------------------------------ */
/* First walk: chrome, metadata, scores                                */
/* ------------------------------------------------------------------ */

enum { E_LINK = 1, E_ARTICLE = 2, E_HINT = 4 };

/* What the first walk learns of an element (node->_private). */
typedef struct einfo {
    xmlNode *node;
    xmlNode *blk;      /* nearest block ancestor-or-self */
    double score;      /* paragraph text credited to this container */
    uint64_t text;     /* weight of plain text in the subtree */
    uint64_t link;     /* weight of link text in the subtree */
    uint32_t idx, end; /* pre-order index; end of the subtree's range */
    unsigned flags;    /* E_* */
} einfo;

/* The first walk's state. */
typedef struct scan {
    zk__xdoc *d;
    einfo *info;
    size_t n_info, cap_info;
    xmlNode *body;
    xmlNode *title; /* first <title> */
    xmlNode *h1[MAX_H1];
    size_t n_h1;
    line tmp; /* scratch */
    /* meta values, in order of preference, found so far */
    char *meta_title, *meta_date[8], *meta_author, *meta_org[3], *docno;
} scan;

/* Weight of a text for scoring: CJK characters count double, other
 * visible characters once, whitespace not. */
static uint64_t text_weight(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, k;
    uint64_t w = 0;
    uint32_t c;

    while (i < n) {
        if (u[i] < 0x80) {
            w += u[i] > ' ';
            i++;
            continue;
        }
        c = zk__utf8_decode(u + i, n - i, &k);
        w += is_ws(c) ? 0 : zk__rc_cjk(c) ? 2 : 1;
        i += k;
    }
    return w;
}

static einfo *info_of(const xmlNode *n)
{
    return n != NULL && n->type == XML_ELEMENT_NODE ? n->_private : NULL;
}

/* Keep a copy of a meta value in *slot (first one wins). */
static int keep(char **slot, const char *v)
{
    if (*slot != NULL || v == NULL || *v == '\0')
        return ZK_OK;
    *slot = strdup(v);
    return *slot ? ZK_OK : zk__error_oom();
}

/* Read a <meta name|property=... content=...>. */
static int scan_meta(scan *s, const xmlNode *n)
{
    static const char *const dates[8] = {"pubdate",
                                         "publishdate",
                                         "firstpublishedtime",
                                         "dc.date",
                                         "article:published_time",
                                         "dc.date.issued",
                                         "publish_date",
                                         "date"};
    const char *nm = attr(n, "name"), *v = attr(n, "content");
    size_t i;

    if (nm == NULL)
        nm = attr(n, "property");
    if (nm == NULL || v == NULL)
        return ZK_OK;
    if (ieq(nm, "ArticleTitle"))
        return keep(&s->meta_title, v);
    for (i = 0; i < 8; i++)
        if (ieq(nm, dates[i]))
            return keep(&s->meta_date[i], v);
    if (ieq(nm, "author"))
        return keep(&s->meta_author, v);
    if (ieq(nm, "ContentSource"))
        return keep(&s->meta_org[0], v);
    if (ieq(nm, "source"))
        return keep(&s->meta_org[1], v);
    if (ieq(nm, "SiteName"))
        return keep(&s->meta_org[2], v);
    if (ieq(nm,
            "\xe5\x8f\x91\xe6\x96\x87\xe5\xad\x97\xe5\x8f\xb7")) /* 发文字号 */
        return keep(&s->docno, v);
    return ZK_OK;
}

#define DOCNO_LABEL                                                            \
    "\xe5\x8f\x91\xe6\x96\x87\xe5\xad\x97\xe5\x8f\xb7" /* 发文字号 */
#define WENHAO "\xe6\x96\x87\xe5\x8f\xb7"              /* 文号 */

/* Is a docno value plausible (short, with a digit)? */
static int docno_ok(const char *v, size_t n)
{
    size_t i;

    if (n == 0 || n > 80)
        return 0;
    for (i = 0; i < n; i++)
        if (v[i] >= '0' && v[i] <= '9')
            return 1;
    return 0;
}

/* A text node mentioning 发文字号 or 文号: the value after the label
 * ("发文字号：国发〔2018〕1号"), or, for a label alone in a cell, the
 * next cell's text. */
static int scan_docno(scan *s, xmlNode *t)
{
    const char *c = (const char *)t->content, *p;
    size_t lab;
    line *l = &s->tmp;
    xmlNode *cell, *nx;
    int rc;

    if (s->docno != NULL)
        return ZK_OK;
    p = strstr(c, DOCNO_LABEL);
    lab = strlen(DOCNO_LABEL);
    if (p == NULL) {
        p = strstr(c, WENHAO);
        lab = strlen(WENHAO);
        if (p == NULL)
            return ZK_OK;
        /* "文号" alone, or "文　　号" spread out, is only trusted in a cell */
    }
    line_reset(l);
    if ((rc = line_add(l, p + lab, strlen(p + lab))) != ZK_OK)
        return rc;
    /* inline value: skip a colon */
    {
        const char *v = l->b.p ? l->b.p : "";
        size_t n = l->b.n, e;

        if (n >= 3 && memcmp(v, "\xef\xbc\x9a", 3) == 0) /* ： */
            v += 3, n -= 3;
        else if (n >= 1 && v[0] == ':')
            v++, n--;
        while (n > 0 && *v == ' ')
            v++, n--;
        for (e = 0; e < n && v[e] != ' '; e++)
            ;
        if (docno_ok(v, e))
            return zk__xdoc_prop(&s->docno, v, e);
    }
    /* a label cell: the value is in the next cell */
    for (cell = t->parent; cell != NULL && cell->type == XML_ELEMENT_NODE;
         cell = cell->parent)
        if (tag_flags(cell) & (T_CELL | T_ROW | T_TABLE))
            break;
    if (cell == NULL || cell->type != XML_ELEMENT_NODE ||
        !(tag_flags(cell) & T_CELL))
        return ZK_OK;
    for (nx = cell->next; nx != NULL && nx->type != XML_ELEMENT_NODE;
         nx = nx->next)
        ;
    if (nx == NULL || !(tag_flags(nx) & T_CELL))
        return ZK_OK;
    line_reset(l);
    if ((rc = gather_text(l, nx)) != ZK_OK)
        return rc;
    if (docno_ok(l->b.p, l->b.n))
        return zk__xdoc_prop(&s->docno, l->b.p, l->b.n);
    return ZK_OK;
}

static int scan_enter(void *st, xmlNode *n)
{
    scan *s = st;
    einfo *pi, *e, *b, *bp;
    int f;

    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        uint64_t w;
        size_t len;
        int rc;

        pi = info_of(n->parent);
        if (pi == NULL || n->content == NULL)
            return 0;
        len = strlen((const char *)n->content);
        w = text_weight((const char *)n->content, len);
        if (w == 0)
            return 0;
        if (len >= 6 &&
            (strstr((const char *)n->content, WENHAO) != NULL ||
             strstr((const char *)n->content, DOCNO_LABEL) != NULL) &&
            (rc = scan_docno(s, n)) != ZK_OK)
            return -rc;
        if (pi->flags & E_LINK) {
            pi->link += w;
            return 0;
        }
        pi->text += w;
        /* credit the paragraph's container fully, the next one half */
        b = info_of(pi->blk);
        if (b == NULL)
            return 0;
        if (tag_flags(b->node) & T_PARA) {
            b = info_of(b->node->parent);
            if (b == NULL)
                return 0;
        }
        b->score += (double)w;
        bp = info_of(b->node->parent);
        if (bp != NULL)
            bp->score += (double)w / 2;
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    n->_private = NULL;
    f = tag_flags(n);
    pi = info_of(n->parent);
    if (n->name != NULL && ieq((const char *)n->name, "meta")) {
        int rc = scan_meta(s, n);
        return rc == ZK_OK ? 0 : -rc;
    }
    if (n->name != NULL && ieq((const char *)n->name, "title")) {
        if (s->title == NULL)
            s->title = n;
        return 0;
    }
    if (n->name != NULL && ieq((const char *)n->name, "head"))
        return 1; /* only for <meta> and <title> */
    if (pi == NULL && n->parent != NULL && n->parent->type == XML_ELEMENT_NODE)
        return 0; /* inside <head> */
    if (f & T_SKIP)
        return 0;
    if ((f & T_CHROME) && !(pi && (pi->flags & E_ARTICLE)))
        return 0;
    if (pi != NULL && chrome_attrs(n))
        return 0;
    if (s->n_info == s->cap_info)
        return 0; /* counted beforehand: cannot happen */
    e = &s->info[s->n_info];
    memset(e, 0, sizeof(*e));
    e->node = n;
    e->idx = (uint32_t)s->n_info++;
    e->flags = pi ? pi->flags & (E_LINK | E_ARTICLE) : 0;
    if (f & T_LINK)
        e->flags |= E_LINK;
    if (f & T_ARTICLE)
        e->flags |= E_ARTICLE;
    if (article_hint(n))
        e->flags |= E_HINT;
    e->blk = (f & (T_BLOCK | T_BR)) || pi == NULL ? n : pi->blk;
    n->_private = e;
    if (s->body == NULL && ieq((const char *)n->name, "body"))
        s->body = n;
    if ((f & T_HEAD) && head_level(n) == 1 && s->n_h1 < MAX_H1)
        s->h1[s->n_h1++] = n;
    return 1;
}

static int scan_leave(void *st, xmlNode *n)
{
    scan *s = st;
    einfo *e = info_of(n), *p;

    if (e == NULL)
        return ZK_OK;
    e->end = (uint32_t)s->n_info;
    p = info_of(n->parent);
    if (p != NULL) {
        p->text += e->text;
        p->link += e->link;
    }
    return ZK_OK;
}

/* Count the elements of the tree (the size of the einfo array). */
static size_t count_elements(xmlNode *root)
{
    xmlNode *n = root;
    size_t k = 0;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE)
            k++;
        if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
    return k;
}

/* Is element a inside the subtree of b (both with info)? */
static int inside(const einfo *a, const einfo *b)
{
    return a->idx >= b->idx && a->idx < b->end;
}

/* Choose the content element: the best score, grown to its parent while
 * the parent holds much more plain text at a low link density; the body
 * when nothing stands out. */
static xmlNode *choose_content(scan *s)
{
    einfo *best = NULL, *bi, *p;
    double bs = 0, sc, ld;
    size_t i;

    for (i = 0; i < s->n_info; i++) {
        einfo *e = &s->info[i];

        if (e->score <= 0)
            continue;
        ld = (double)e->link / (double)(e->text + e->link + 1);
        sc = e->score * (1 - ld);
        if (e->flags & E_HINT)
            sc *= 1.25;
        if (sc > bs) {
            bs = sc;
            best = e;
        }
    }
    bi = info_of(s->body);
    if (best == NULL)
        return s->body;
    for (;;) {
        p = info_of(best->node->parent);
        if (p == NULL || p == bi)
            break;
        ld = (double)p->link / (double)(p->text + p->link + 1);
        if ((double)p->text < 1.5 * (double)best->text || ld > 0.3)
            break;
        best = p;
    }
    if (bi != NULL && (double)best->text < 0.25 * (double)bi->text)
        return s->body;
    return best->node;
}

/* ------------------------------------------------------------------ */
/* Second walk: blocks                                                 */
/* ------------------------------------------------------------------ */

typedef struct emit {
    zk__xdoc *d;
    line para;
    xmlNode *heading; /* the h1..h6 being read, or NULL */
    int bold;         /* open bold elements */
    int lead_open;    /* a bold run started the paragraph and is open */
    size_t lead;      /* bytes of the finished lead, 0 if none */
    int pre;          /* open <pre> elements */
    line cell;        /* scratch for table cells */
    zk__buf rows;     /* scratch for a table's rows */
} emit;

/* End the paragraph (or heading) being collected. */
static int flush(emit *m)
{
    line *l = &m->para;
    int rc = ZK_OK;

    if (l->b.n > 0) {
        if (m->heading != NULL)
            rc = zk__xdoc_block(m->d, ZK_XB_HEADING, head_level(m->heading),
                                l->b.p, l->b.n, 0);
        else
            rc = zk__xdoc_block(m->d, ZK_XB_PARA, 0, l->b.p, l->b.n,
                                m->lead < l->b.n ? m->lead : 0);
    }
    line_reset(l);
    m->lead = 0;
    m->lead_open = m->bold > 0;
    return rc;
}

/* Does a table hold layout rather than data: a nested table or a single
 * column? */
static int layout_table(xmlNode *t)
{
    xmlNode *n = t;
    size_t cells = 0, max_cells = 0;

    while (n != NULL) {
        int f = n->type == XML_ELEMENT_NODE ? tag_flags(n) : 0;

        if (n != t && (f & T_TABLE))
            return 1;
        if (f & T_ROW)
            cells = 0;
        if (f & T_CELL) {
            cells++;
            if (cells > max_cells)
                max_cells = cells;
        }
        if (n->type == XML_ELEMENT_NODE && !(f & (T_SKIP | T_CELL)) &&
            n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != t && n->next == NULL)
            n = n->parent;
        if (n == t)
            break;
        n = n->next;
    }
    return max_cells <= 1;
}

/* Read a data table into one ZK_XB_TABLE block: a line per row, its
 * cells' text joined by " | ", trailing empty cells and empty rows
 * dropped. */
static int emit_table(emit *m, xmlNode *t)
{
    xmlNode *n = t;
    zk__buf *r = &m->rows;
    size_t row_keep = 0, ncell = 0;
    int in_row = 0, rc;

    r->n = 0;
    while (n != NULL) {
        int f = n->type == XML_ELEMENT_NODE ? tag_flags(n) : 0;

        if (n->type == XML_ELEMENT_NODE && n != t && info_of(n) == NULL)
            f = T_SKIP; /* chrome inside the table */
        if ((f & T_ROW) || ((f & T_CELL) && !in_row)) {
            /* a new row: drop the last one's trailing empty cells */
            if (in_row)
                r->n = row_keep;
            if (r->n > 0 && r->p[r->n - 1] != '\n' &&
                (rc = zk__buf_add(r, "\n", 1)) != ZK_OK)
                return rc;
            row_keep = r->n;
            ncell = 0;
            in_row = 1;
        }
        if (f & T_CELL) {
            line_reset(&m->cell);
            if ((rc = gather_text(&m->cell, n)) != ZK_OK)
                return rc;
            if (ncell++ > 0 && (rc = zk__buf_add(r, " | ", 3)) != ZK_OK)
                return rc;
            if (m->cell.b.n > 0) {
                if ((rc = zk__buf_add(r, m->cell.b.p, m->cell.b.n)) != ZK_OK)
                    return rc;
                row_keep = r->n;
            }
        }
        if (n->type == XML_ELEMENT_NODE && !(f & (T_SKIP | T_CELL)) &&
            n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != t && n->next == NULL)
            n = n->parent;
        if (n == t)
            break;
        n = n->next;
    }
    if (in_row)
        r->n = row_keep;
    while (r->n > 0 && r->p[r->n - 1] == '\n')
        r->n--;
    if (r->n == 0)
        return ZK_OK;
    return zk__xdoc_block(m->d, ZK_XB_TABLE, 0, r->p, r->n, 0);
}

static int emit_enter(void *st, xmlNode *n)
{
    emit *m = st;
    int f, rc;

    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const char *c = (const char *)n->content;
        size_t len;

        if (c == NULL || info_of(n->parent) == NULL)
            return 0;
        len = strlen(c);
        if (m->pre > 0 && m->heading == NULL) {
            /* in <pre> a line break ends a paragraph */
            const char *nl;
            while ((nl = memchr(c, '\n', len)) != NULL) {
                if ((rc = line_add(&m->para, c, (size_t)(nl - c))) != ZK_OK ||
                    (rc = flush(m)) != ZK_OK)
                    return -rc;
                len -= (size_t)(nl - c) + 1;
                c = nl + 1;
            }
        }
        if ((rc = line_add(&m->para, c, len)) != ZK_OK)
            return -rc;
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE || info_of(n) == NULL)
        return 0; /* dropped by the first walk */
    f = tag_flags(n);
    if (m->heading != NULL) {
        /* inside a heading everything is its text */
        if (f & (T_BLOCK | T_BR))
            line_space(&m->para);
        return 1;
    }
    if (f & T_TABLE) {
        if ((rc = flush(m)) != ZK_OK)
            return -rc;
        if (!layout_table(n)) {
            rc = emit_table(m, n);
            return rc == ZK_OK ? 0 : -rc;
        }
        return 1;
    }
    if (f & T_BR) {
        rc = flush(m);
        return rc == ZK_OK ? 1 : -rc;
    }
    if (f & T_BLOCK) {
        if ((rc = flush(m)) != ZK_OK)
            return -rc;
        if (f & T_HEAD)
            m->heading = n;
        if (n->name[0] == 'p' && n->name[1] == 'r')
            m->pre++;
        return 1;
    }
    if (is_bold(n, f)) {
        if (m->bold == 0 && m->para.b.n == 0 && m->lead == 0)
            m->lead_open = 1;
        m->bold++;
    }
    return 1;
}

static int emit_leave(void *st, xmlNode *n)
{
    emit *m = st;
    int f;

    if (n->type != XML_ELEMENT_NODE || info_of(n) == NULL)
        return ZK_OK;
    f = tag_flags(n);
    if (m->heading != NULL) {
        if (n != m->heading) {
            if (f & T_BLOCK)
                line_space(&m->para);
            return ZK_OK;
        }
        {
            int rc = flush(m);
            m->heading = NULL;
            return rc;
        }
    }
    if (f & T_BLOCK) {
        if (n->name[0] == 'p' && n->name[1] == 'r' && m->pre > 0)
            m->pre--;
        return flush(m);
    }
    if (is_bold(n, f) && m->bold > 0) {
        m->bold--;
        if (m->bold == 0 && m->lead_open) {
            m->lead = m->para.b.n;
            m->lead_open = 0;
        }
    }
    return ZK_OK;
}

/* ------------------------------------------------------------------ */
/* Metadata                                                            */
/* ------------------------------------------------------------------ */

/* Does s[0..n) look like a site name (the tail of a <title>)? */
static int site_name(const char *s, size_t n)
{
    static const char *const words[] = {"\xe7\xbd\x91",             /* 网 */
                                        "\xe6\x94\xbf\xe5\xba\x9c", /* 政府 */
                                        "\xe9\x97\xa8\xe6\x88\xb7", /* 门户 */
                                        "\xe4\xb8\x93\xe6\xa0\x8f", /* 专栏 */
                                        "\xe6\x96\x87\xe4\xbb\xb6", /* 文件 */
                                        "\xe9\xa6\x96\xe9\xa1\xb5", /* 首页 */
                                        "\xe5\xa7\x94",             /* 委 */
                                        "\xe5\xb1\x80",             /* 局 */
                                        "\xe5\x8e\x85",             /* 厅 */
                                        "\xe5\x8a\x9e",             /* 办 */
                                        "\xe9\x83\xa8",             /* 部 */
                                        "\xe9\x99\xa2",             /* 院 */
                                        "\xe4\xb8\xad\xe5\xbf\x83", /* 中心 */
                                        "\xe5\xb9\xb3\xe5\x8f\xb0", /* 平台 */
                                        "\xe5\x85\xac\xe5\xbc\x80", /* 公开 */
                                        "www",
                                        ".cn",
                                        ".com",
                                        ".gov"};
    char tmp[200];
    size_t i;

    if (n == 0 || n >= sizeof(tmp) || n > 90)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strstr(tmp, words[i]) != NULL)
            return 1;
    return 0;
}

/* Length of s[0..n) with site-name tails (" - 中国政府网",
 * "_XX市人民政府", " | ...") removed. */
static size_t strip_site(const char *s, size_t n)
{
    static const char *const seps[] = {" - ",
                                       " | ",
                                       "_",
                                       "|",
                                       " -",
                                       "- ",
                                       "\xef\xbc\x8d",             /* － */
                                       "\xe2\x80\x94\xe2\x80\x94", /* —— */
                                       " \xe2\x80\x94 ",
                                       "\xef\xbd\x9c"}; /* ｜ */
    for (;;) {
        size_t best = 0, bl = 0, i, k;

        /* the last separator */
        for (k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
            size_t sl = strlen(seps[k]);
            for (i = n; i-- > 0;)
                if (i + sl <= n && memcmp(s + i, seps[k], sl) == 0) {
                    if (i > best) {
                        best = i;
                        bl = sl;
                    }
                    break;
                }
        }
        if (best == 0 || !site_name(s + best + bl, n - best - bl))
            return n;
        n = best;
        while (n > 0 && s[n - 1] == ' ')
            n--;
    }
}

/* Normalise a date ("2025-06-13 09:30", "2025/6/13", "2025年6月13日",
 * "20250613", ISO 8601) to "YYYY-MM-DD" (or "YYYY-MM", "YYYY") in out;
 * 0 if it holds no year. */
static int norm_date(const char *s, char *out)
{
    unsigned v[3] = {0, 0, 0};
    int k = 0;
    const char *p = s;

    while (*p && !(*p >= '0' && *p <= '9'))
        p++;
    if (strlen(p) >= 8 && strspn(p, "0123456789") == 8) {
        v[0] = (unsigned)((p[0] - '0') * 1000 + (p[1] - '0') * 100 +
                          (p[2] - '0') * 10 + (p[3] - '0'));
        v[1] = (unsigned)((p[4] - '0') * 10 + (p[5] - '0'));
        v[2] = (unsigned)((p[6] - '0') * 10 + (p[7] - '0'));
        k = 3;
    } else {
        while (k < 3 && *p >= '0' && *p <= '9') {
            unsigned x = 0;
            int digits = 0;

            while (*p >= '0' && *p <= '9' && digits < 5) {
                x = x * 10 + (unsigned)(*p++ - '0');
                digits++;
            }
            v[k++] = x;
            /* a separator: - / . or 年 月 */
            if (*p == '-' || *p == '/' || *p == '.')
                p++;
            else if (strncmp(p, "\xe5\xb9\xb4", 3) == 0 ||
                     strncmp(p, "\xe6\x9c\x88", 3) == 0)
                p += 3;
            else
                break;
        }
    }
    if (k == 0 || v[0] < 1900 || v[0] > 2199)
        return 0;
    if (k >= 2 && (v[1] < 1 || v[1] > 12))
        k = 1;
    if (k == 3 && (v[2] < 1 || v[2] > 31))
        k = 2;
    if (k == 1)
        snprintf(out, 16, "%04u", v[0]);
    else if (k == 2)
        snprintf(out, 16, "%04u-%02u", v[0], v[1]);
    else
        snprintf(out, 16, "%04u-%02u-%02u", v[0], v[1], v[2]);
    return 1;
}

/* Set d's title from the h1 just above the content, else ArticleTitle,
 * else the content's first h1, else <title> less the site's name. */
static int set_title(scan *s, xmlNode *content)
{
    einfo *ci = info_of(content), *gp = NULL;
    line *l = &s->tmp;
    xmlNode *above = NULL, *in = NULL;
    size_t i;
    int rc;

    if (ci != NULL) {
        gp = info_of(content->parent);
        if (gp != NULL && info_of(gp->node->parent) != NULL &&
            gp->node != s->body)
            gp = info_of(gp->node->parent);
        for (i = 0; i < s->n_h1; i++) {
            einfo *h = info_of(s->h1[i]);
            if (h == NULL)
                continue;
            if (h->idx < ci->idx && gp != NULL && inside(h, gp))
                above = s->h1[i];
            if (in == NULL && inside(h, ci))
                in = s->h1[i];
        }
    }
    if (above != NULL) {
        line_reset(l);
        if ((rc = gather_text(l, above)) != ZK_OK)
            return rc;
        if (l->b.n > 0 && l->b.n < 600)
            return zk__xdoc_prop(&s->d->title, l->b.p, l->b.n);
    }
    if (s->meta_title != NULL) {
        line_reset(l);
        if ((rc = line_add(l, s->meta_title, strlen(s->meta_title))) != ZK_OK)
            return rc;
        if (l->b.n > 0)
            return zk__xdoc_prop(&s->d->title, l->b.p, l->b.n);
    }
    if (in != NULL) {
        line_reset(l);
        if ((rc = gather_text(l, in)) != ZK_OK)
            return rc;
        if (l->b.n > 0 && l->b.n < 600)
            return zk__xdoc_prop(&s->d->title, l->b.p, l->b.n);
    }
    if (s->title != NULL) {
        line_reset(l);
        if ((rc = gather_text(l, s->title)) != ZK_OK)
            return rc;
        if (l->b.n > 0)
            return zk__xdoc_prop(&s->d->title, l->b.p,
                                 strip_site(l->b.p, l->b.n));
    }
    return ZK_OK;
}

/* The other properties from the <meta>s. */
static int set_meta(scan *s)
{
    char date[16];
    size_t i;
    int rc;

    for (i = 0; i < 8 && s->d->date == NULL; i++)
        if (s->meta_date[i] != NULL && norm_date(s->meta_date[i], date) &&
            (rc = zk__xdoc_prop(&s->d->date, date, strlen(date))) != ZK_OK)
            return rc;
    if (s->meta_author != NULL &&
        (rc = zk__xdoc_prop(&s->d->author, s->meta_author,
                            strlen(s->meta_author))) != ZK_OK)
        return rc;
    for (i = 0; i < 3 && s->d->org == NULL; i++)
        if (s->meta_org[i] != NULL &&
            (rc = zk__xdoc_prop(&s->d->org, s->meta_org[i],
                                strlen(s->meta_org[i]))) != ZK_OK)
            return rc;
    if (s->docno != NULL &&
        (rc = zk__xdoc_prop(&s->d->docno, s->docno, strlen(s->docno))) != ZK_OK)
        return rc;
    return ZK_OK;
}

static void scan_free(scan *s)
{
    size_t i;

    free(s->info);
    free(s->tmp.b.p);
    free(s->meta_title);
    free(s->meta_author);
    free(s->docno);
    for (i = 0; i < 8; i++)
        free(s->meta_date[i]);
    for (i = 0; i < 3; i++)
        free(s->meta_org[i]);
}

/* ------------------------------------------------------------------ */
/* The reader                                                          */
/* ------------------------------------------------------------------ */

/* Read the parsed tree into d. */
static int read_tree(zk__xdoc *d, xmlDocPtr doc)
{
    xmlNode *root = xmlDocGetRootElement(doc), *content;
    scan s;
    emit m;
    size_t n;
    int rc;

    if (root == NULL)
        return ZK_OK;
    memset(&s, 0, sizeof(s));
    s.d = d;
    n = count_elements(root);
    s.info = calloc(n ? n : 1, sizeof(*s.info));
    if (s.info == NULL)
        return zk__error_oom();
    s.cap_info = n;
    rc = walk(root, scan_enter, scan_leave, &s);
    if (rc != ZK_OK)
        goto out;
    if (s.body == NULL)
        s.body = root;
    if (info_of(s.body) == NULL) /* the root itself was dropped */
        goto out;
    content = choose_content(&s);
    memset(&m, 0, sizeof(m));
    m.d = d;
    rc = walk(content, emit_enter, emit_leave, &m);
    if (rc == ZK_OK)
        rc = flush(&m);
    free(m.para.b.p);
    free(m.cell.b.p);
    free(m.rows.p);
    if (rc == ZK_OK)
        rc = set_title(&s, content);
    if (rc == ZK_OK)
        rc = set_meta(&s);
out:
    scan_free(&s);
    return rc;
}

int zk__read_html(zk__xdoc *d, const char *data, size_t len, const char *name,
                  const char *encoding)
{
    char *u8 = NULL;
    size_t u8_len = 0;
    xmlDocPtr doc = NULL;
    int rc;

    if (name == NULL)
        name = "(page)";
    if (d == NULL || (data == NULL && len > 0))
        return zk__error(ZK_EINVAL, "%s: zk__read_html: NULL argument", name);
    zk__xdoc_clear(d);
    if (len == 0)
        return ZK_OK;
    rc = page_utf8(&u8, &u8_len, data, len, name, encoding);
    if (rc != ZK_OK)
        return rc;
    blank_subset(u8, u8_len);
    rc = parse_tree(&doc, u8, u8_len, name);
    free(u8);
    if (rc == ZK_OK && doc != NULL)
        rc = read_tree(d, doc);
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (rc != ZK_OK) {
        rc = name_error(rc, name);
        zk__xdoc_clear(d);
    }
    return rc;
}
