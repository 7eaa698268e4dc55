/* read.c - which format a report is in, and the reader that reads it
 *
 * The content decides before the name: a PDF saved as "通知.txt" or a
 * .docx without its extension is read as what it is (HTML markup decides
 * only for names that are not .txt or .md, which may quote markup). Text
 * formats (plain text, Markdown) are decoded (decode.c) and parsed (report.c)
 * as they always were; PDF, Word .docx and HTML go through their reader
 * (read_pdf.c, read_docx.c, read_html.c: extract.h), whose blocks report.c then
 * cuts into passages the same way.
 */
#define _GNU_SOURCE /* memmem */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "extract.h"
#include "internal.h"
#include "read.h"
#include "util.h"

static int has_suffix(const char *s, const char *suf)
{
    size_t a, b = strlen(suf);

    if (s == NULL)
        return 0;
    a = strlen(s);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int starts(const char *d, size_t n, const char *magic, size_t m)
{
    return n >= m && memcmp(d, magic, m) == 0;
}

/* Does the start of d look like HTML markup? Skips a BOM, blanks and
 * comments; accepts UTF-16 by looking at every other byte. */
static int looks_html(const char *d, size_t n)
{
    char buf[512];
    size_t i = 0, k = 0;
    int step = 1;

    if (n >= 2 && ((unsigned char)d[0] == 0xFF && (unsigned char)d[1] == 0xFE))
        i = 2, step = 2;
    else if (n >= 2 &&
             ((unsigned char)d[0] == 0xFE && (unsigned char)d[1] == 0xFF))
        i = 3, step = 2;
    else if (starts(d, n, "\xEF\xBB\xBF", 3))
        i = 3;
    for (; i < n && k + 1 < sizeof(buf); i += (size_t)step)
        buf[k++] = d[i];
    buf[k] = '\0';
    i = 0;
    for (;;) {
        while (i < k && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
                         buf[i] == '\n'))
            i++;
        if (strncmp(buf + i, "<!--", 4) == 0) {
            char *e = strstr(buf + i + 4, "-->");
            if (e == NULL)
                return 0;
            i = (size_t)(e - buf) + 3;
            continue;
        }
        if (strncmp(buf + i, "<?xml", 5) == 0) {
            char *e = strstr(buf + i, "?>");
            if (e == NULL)
                return 0;
            i = (size_t)(e - buf) + 2;
            continue;
        }
        break;
    }
    return strncasecmp(buf + i, "<!doctype html", 14) == 0 ||
           strncasecmp(buf + i, "<html", 5) == 0 ||
           strncasecmp(buf + i, "<head", 5) == 0 ||
           strncasecmp(buf + i, "<body", 5) == 0 ||
           strncasecmp(buf + i, "<meta", 5) == 0;
}

/* A format zhiku does not read, known by its first bytes; NULL if none. */
static const char *unsupported_magic(const char *d, size_t n)
{
    if (starts(d, n, "\x89PNG", 4) || starts(d, n, "\xFF\xD8\xFF", 3) ||
        starts(d, n, "GIF8", 4) || starts(d, n, "II*\0", 4) ||
        starts(d, n, "MM\0*", 4) || starts(d, n, "BM", 2))
        return "an image: unsupported format (no text to index)";
    if (starts(d, n, "\x1F\x8B", 2) || starts(d, n, "7z\xBC\xAF", 4) ||
        starts(d, n, "Rar!", 4) || starts(d, n, "BZh", 3) ||
        starts(d, n,
               "\xFD"
               "7zXZ",
               5))
        return "a compressed archive: unsupported format (unpack it first)";
    if (starts(d, n,
               "\x7F"
               "ELF",
               4))
        return "a program: unsupported format";
    return NULL;
}

/* The format a file's name gives, or ZK_FORMAT_UNSUPPORTED. */
static int format_of_name(const char *path)
{
    static const struct {
        const char *ext;
        int format;
    } names[] = {{".txt", ZK_FORMAT_PLAIN},   {".md", ZK_FORMAT_MD},
                 {".markdown", ZK_FORMAT_MD}, {".pdf", ZK_FORMAT_PDF},
                 {".docx", ZK_FORMAT_DOCX},   {".html", ZK_FORMAT_HTML},
                 {".htm", ZK_FORMAT_HTML},    {".xhtml", ZK_FORMAT_HTML},
                 {".shtml", ZK_FORMAT_HTML}};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (has_suffix(path, names[i].ext))
            return names[i].format;
    return ZK_FORMAT_UNSUPPORTED;
}

int zk__format_known_name(const char *path)
{
    return format_of_name(path) != ZK_FORMAT_UNSUPPORTED;
}

int zk__format_sniff(const char *data, size_t len, const char *path, int named,
                     const char **why)
{
    const char *u;
    size_t n = len < 1024 ? len : 1024;
    int by_name;

    *why = NULL;
    if (data == NULL)
        len = n = 0;
    /* the content first: these are never text */
    if (n >= 5 && memmem(data, n, "%PDF-", 5) != NULL)
        return ZK_FORMAT_PDF;
    if (starts(data, len, "PK\x03\x04", 4))
        return ZK_FORMAT_DOCX;
    if (starts(data, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
        *why = "legacy Word, WPS or Excel file (OLE2: .doc, .wps, .xls): "
               "unsupported format: save it as .docx";
        return ZK_FORMAT_UNSUPPORTED;
    }
    if (starts(data, len, "{\\rtf", 5)) {
        *why = "RTF document: unsupported format: save it as .docx";
        return ZK_FORMAT_UNSUPPORTED;
    }
    /* a page saved under another name; a .txt or .md stays text */
    by_name = format_of_name(path);
    if (by_name != ZK_FORMAT_PLAIN && by_name != ZK_FORMAT_MD &&
        looks_html(data, n))
        return ZK_FORMAT_HTML;
    if (by_name != ZK_FORMAT_UNSUPPORTED)
        return by_name;
    if (has_suffix(path, ".doc") || has_suffix(path, ".wps")) {
        *why = "legacy Word or WPS document (.doc, .wps): unsupported "
               "format: save it as .docx";
        return ZK_FORMAT_UNSUPPORTED;
    }
    /* a file the user named is text unless the decoder finds it is not
     * (its message says what the bytes look like) */
    if (named)
        return ZK_FORMAT_PLAIN;
    if ((u = unsupported_magic(data, len)) != NULL)
        *why = u;
    else if (has_suffix(path, ".xlsx") || has_suffix(path, ".xls") ||
             has_suffix(path, ".et") || has_suffix(path, ".csv"))
        *why = "a spreadsheet: unsupported format";
    else if (has_suffix(path, ".pptx") || has_suffix(path, ".ppt") ||
             has_suffix(path, ".dps"))
        *why = "a presentation: unsupported format";
    else if (has_suffix(path, ".odt") || has_suffix(path, ".rtf") ||
             has_suffix(path, ".epub") || has_suffix(path, ".ofd") ||
             has_suffix(path, ".caj"))
        *why = "unsupported format: save it as .docx or PDF";
    else
        *why = "not a format zhiku reads (.txt, .md, .pdf, .docx, .html)";
    return ZK_FORMAT_UNSUPPORTED;
}

const char *zk__format_name(int format)
{
    switch (format) {
    case ZK_FORMAT_PLAIN:
        return "text";
    case ZK_FORMAT_MD:
        return "markdown";
    case ZK_FORMAT_PDF:
        return "pdf";
    case ZK_FORMAT_DOCX:
        return "docx";
    case ZK_FORMAT_HTML:
        return "html";
    default:
        return "?";
    }
}

static const char *base_name(const char *path)
{
    const char *b = path != NULL ? strrchr(path, '/') : NULL;

    return b != NULL ? b + 1 : path;
}

/* Pick the format, and for an unsupported one say so. */
static int settle_format(int format, const char *data, size_t len,
                         const char *path)
{
    const char *why;

    if (format != ZK_FORMAT_AUTO) {
        if (format < ZK_FORMAT_PLAIN || format > ZK_FORMAT_HTML)
            return zk__error(ZK_EINVAL, "%s: unknown format %d",
                             path ? path : "report", format);
        return format;
    }
    format = zk__format_sniff(data, len, path, 1, &why);
    if (format == ZK_FORMAT_UNSUPPORTED)
        return zk__error(ZK_EFORMAT, "%s: %s", path ? path : "report", why);
    return format;
}

/* ---- the readers: built in, or the formats module ----------------------- */

typedef struct readers {
    int (*pdf)(zk__xdoc *, const char *, size_t, const char *);
    int (*docx)(zk__xdoc *, const char *, size_t, const char *);
    int (*html)(zk__xdoc *, const char *, size_t, const char *, const char *);
} readers;

#ifdef ZK_FORMATS_BUILTIN

static const readers *get_readers(const char *name)
{
    static const readers builtin = {zk__read_pdf, zk__read_docx, zk__read_html};

    (void)name;
    return &builtin;
}

#else

/*
 * libzhiku.so loads the readers (and poppler, libzip and libxml2 with
 * them) the first time a file needs one: from zhiku/zhiku-formats.so
 * beside the libzhiku that is running (found with dladdr, so a build tree
 * or an installed tree moved elsewhere works), else from where it was
 * installed; $ZHIKU_FORMATS_MODULE names another. Once per process, under
 * pthread_once; the module stays loaded.
 */
static pthread_once_t module_once = PTHREAD_ONCE_INIT;
static readers module;
static char module_error[PATH_MAX + 256];

static void *open_module(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    const char *why;

    if (h == NULL) {
        why = dlerror(); /* (a second call would give NULL) */
        snprintf(module_error, sizeof(module_error), "%s",
                 why != NULL ? why : path);
    }
    return h;
}

static void load_module(void)
{
    const char *env = getenv("ZHIKU_FORMATS_MODULE");
    char path[PATH_MAX];
    Dl_info info;
    void *h = NULL;

    if (env != NULL && env[0] != '\0') {
        h = open_module(env);
    } else {
        if (dladdr((void *)&zk__format_name, &info) && info.dli_fname) {
            const char *slash = strrchr(info.dli_fname, '/');
            int dir = slash ? (int)(slash - info.dli_fname) : 1;
            snprintf(path, sizeof(path), "%.*s/zhiku/zhiku-formats.so", dir,
                     slash ? info.dli_fname : ".");
            h = open_module(path);
        }
        if (h == NULL)
            h = open_module(ZK_FORMATS_INSTALL_PATH);
    }
    if (h == NULL)
        return;
    /* POSIX: a function pointer through the object pointer dlsym gives */
    *(void **)&module.pdf = dlsym(h, "zk__read_pdf");
    *(void **)&module.docx = dlsym(h, "zk__read_docx");
    *(void **)&module.html = dlsym(h, "zk__read_html");
    if (module.pdf == NULL || module.docx == NULL || module.html == NULL) {
        snprintf(module_error, sizeof(module_error), "%s lacks the readers",
                 env ? env : path);
        module.pdf = NULL;
    }
}

static const readers *get_readers(const char *name)
{
    pthread_once(&module_once, load_module);
    if (module.pdf == NULL) {
        zk__error(ZK_ENOTFOUND,
                  "%s: cannot load zhiku's PDF, .docx and HTML readers: %s",
                  name, module_error);
        return NULL;
    }
    return &module;
}

#endif

/* Run the reader of a laid-out format into d. */
static int extract(zk__xdoc *d, int format, const char *data, size_t len,
                   const char *encoding, const char *name)
{
    const readers *r = get_readers(name);

    zk__xdoc_init(d);
    if (r == NULL)
        return ZK_ENOTFOUND;
    switch (format) {
    case ZK_FORMAT_PDF:
        return r->pdf(d, data, len, name);
    case ZK_FORMAT_DOCX:
        return r->docx(d, data, len, name);
    default:
        return r->html(d, data, len, name, encoding);
    }
}

static const char *extracted_encoding(const zk__xdoc *d, int format)
{
    if (d->encoding != NULL)
        return d->encoding;
    return format == ZK_FORMAT_PDF ? "binary" : "utf-8";
}

int zk__read_report(zk__report **out, int *format_out,
                    const char **encoding_out, const char *data, size_t len,
                    int format, const char *encoding, const char *path)
{
    const char *name = path != NULL ? path : "report";
    char *utf8 = NULL;
    size_t utf8_len = 0;
    zk__xdoc d;
    int rc;

    *out = NULL;
    *encoding_out = NULL;
    format = settle_format(format, data, len, path);
    if (format < 0)
        return format;
    *format_out = format;
    if (format == ZK_FORMAT_PLAIN || format == ZK_FORMAT_MD) {
        rc = zk__decode(&utf8, &utf8_len, encoding_out, data, len, encoding,
                        name);
        if (rc == ZK_OK)
            rc = zk__report_parse(out, utf8, utf8_len, format, base_name(path));
        free(utf8);
        return rc;
    }
    rc = extract(&d, format, data, len, encoding, name);
    if (rc == ZK_OK) {
        *encoding_out = extracted_encoding(&d, format);
        rc = zk__report_parse_xdoc(out, &d, base_name(path));
    }
    zk__xdoc_clear(&d);
    return rc;
}

int zk__read_text(char **out, size_t *out_len, int *format_out,
                  const char **encoding_out, const char *data, size_t len,
                  int format, const char *encoding, const char *path)
{
    const char *name = path != NULL ? path : "report";
    zk__xdoc d;
    size_t i, n = 0, o = 0;
    uint32_t page = 1;
    char *t;
    int rc;

    *out = NULL;
    *out_len = 0;
    *encoding_out = NULL;
    format = settle_format(format, data, len, path);
    if (format < 0)
        return format;
    *format_out = format;
    if (format == ZK_FORMAT_PLAIN || format == ZK_FORMAT_MD)
        return zk__decode(out, out_len, encoding_out, data, len, encoding,
                          name);
    rc = extract(&d, format, data, len, encoding, name);
    if (rc != ZK_OK)
        return rc;
    *encoding_out = extracted_encoding(&d, format);
    /* the text as it is, one block a line (so that a passage's line is the
     * line here), with a form feed before the first line of each page */
    n = d.len + d.n_pages + 1;
    t = malloc(n);
    if (t == NULL) {
        zk__xdoc_clear(&d);
        return zk__error_oom();
    }
    for (i = 0; i < d.n_blocks; i++) {
        const zk__xblock *b = &d.blocks[i];
        uint32_t p = zk__xdoc_page_of(&d, b->start);

        for (; page < p; page++)
            t[o++] = '\f';
        memcpy(t + o, d.text + b->start, b->end - b->start);
        o += b->end - b->start;
        t[o++] = '\n';
    }
    for (; page < d.n_pages; page++)
        t[o++] = '\f';
    t[o] = '\0';
    *out = t;
    *out_len = o;
    zk__xdoc_clear(&d);
    return ZK_OK;
}

/* ---- reading a file -------------------------------------------------- */

#define READ_TRIES 5 /* reads of a file that keeps changing under us */

/* Does the file at `fd` still hold exactly buf[0, n)? Reading it a second
 * time catches a rewrite in place during the first read, which the
 * modification time may not show (it ticks in jiffies, and a rewrite of
 * the same length keeps the size): cheap next to indexing the text. */
static int same_again(int fd, const char *buf, size_t n)
{
    char chunk[65536];
    size_t off = 0;
    ssize_t got;

    for (;;) {
        got = pread(fd, chunk, sizeof(chunk), (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got == 0 && off == n;
        if ((size_t)got > n - off || memcmp(chunk, buf + off, (size_t)got))
            return 0;
        off += (size_t)got;
    }
}

/* Read one snapshot of the file at `fd`: 1 if it is consistent (the size
 * and modification time did not change while reading, and the read ended
 * at that size), 0 if the file changed under us, or an error code. */
static int read_once(int fd, const char *path, char **out, size_t *len,
                     int64_t *mtime_ns)
{
    struct stat a, b;
    char *buf;
    size_t n = 0;
    ssize_t got;

    if (fstat(fd, &a) != 0)
        return zk__error(ZK_EIO, "%s: cannot stat: %s", path, strerror(errno));
    if (!S_ISREG(a.st_mode))
        return zk__error(ZK_EINVAL, "%s: not a regular file", path);
    buf = malloc((size_t)a.st_size + 1);
    if (buf == NULL)
        return zk__error_oom();
    for (;;) {
        /* one byte more than the size: a file that grew is noticed */
        got = pread(fd, buf + n, (size_t)a.st_size + 1 - n, (off_t)n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return zk__error(ZK_EIO, "%s: read error at byte %zu: %s", path, n,
                             strerror(e));
        }
        if (got == 0 || (n += (size_t)got) > (size_t)a.st_size)
            break;
    }
    if (n != (size_t)a.st_size || !same_again(fd, buf, n) ||
        fstat(fd, &b) != 0 || b.st_size != a.st_size ||
        zk__mtime_ns(&b) != zk__mtime_ns(&a) ||
        b.st_ctim.tv_sec != a.st_ctim.tv_sec ||
        b.st_ctim.tv_nsec != a.st_ctim.tv_nsec) {
        free(buf);
        return 0;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    *mtime_ns = zk__mtime_ns(&a);
    return 1;
}

/* Read a whole file as it is at one moment. A file rewritten in place
 * while it is read (the size or time changed, or a second reading differs)
 * is read again, so what gets indexed is the file as it was at one moment,
 * never a mix of two versions; one replaced by a rename or deleted is read
 * whole through the open descriptor. `mtime_ns` is the time of the version
 * read. */
int zk__read_file(const char *path, char **out, size_t *len, int64_t *mtime_ns)
{
    int fd, rc = 0, tries;

    *out = NULL;
    /* O_NONBLOCK: a FIFO put in the file's place must not hang the run */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return zk__error(errno == ENOENT ? ZK_ENOTFOUND : ZK_EIO,
                         "%s: cannot open: %s", path, strerror(errno));
    for (tries = 0; tries < READ_TRIES && rc == 0; tries++) {
        if (tries > 0) {
            struct timespec ts = {0, 20000000L * tries};
            nanosleep(&ts, NULL); /* let the writer finish */
        }
        rc = read_once(fd, path, out, len, mtime_ns);
    }
    close(fd);
    if (rc == 0)
        return zk__error(ZK_EIO,
                         "%s: changed while being read (%d tries): left as "
                         "it was for the next run",
                         path, READ_TRIES);
    return rc == 1 ? ZK_OK : rc;
}

/* ---- public API ---------------------------------------------------------- */

int zk_report_extract(zk_extracted **out, const zk_report_input *in)
{
    zk_extracted *x;
    char *file = NULL, *text = NULL;
    const char *data, *encoding = NULL;
    size_t len, text_len = 0, i;
    int rc, format = ZK_FORMAT_AUTO;

    if (out != NULL)
        *out = NULL;
    if (out == NULL || in == NULL || in->version != ZK_REPORT_INPUT_VERSION ||
        (in->text == NULL && in->path == NULL))
        return zk__error(ZK_EINVAL, "zk_report_extract: bad arguments");
    data = in->text;
    len = in->len;
    if (data == NULL) {
        int64_t mtime_ns;

        rc = zk__read_file(in->path, &file, &len, &mtime_ns);
        if (rc != ZK_OK)
            return rc;
        data = file;
    }
    rc = zk__read_text(&text, &text_len, &format, &encoding, data, len,
                       in->format, in->encoding, in->path);
    free(file);
    if (rc != ZK_OK)
        return rc;
    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        free(text);
        return zk__error_oom();
    }
    x->text = text;
    x->len = text_len;
    x->format = format;
    x->format_name = zk__format_name(format);
    x->encoding = encoding;
    x->pages = 0;
    if (format == ZK_FORMAT_PDF) {
        x->pages = 1;
        for (i = 0; i < text_len; i++)
            x->pages += text[i] == '\f';
    }
    *out = x;
    return ZK_OK;
}

void zk_extracted_free(zk_extracted *x)
{
    if (x == NULL)
        return;
    free(x->text);
    free(x);
}
