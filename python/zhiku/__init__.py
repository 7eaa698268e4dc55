"""zhiku: full-text search of Chinese policy documents (Python binding).

A thin ctypes layer over the C library libzhiku: every operation is done by
the library; this module converts arguments and results and manages the C
handles.  See ``python/README.md`` and ``docs/api.md``.

    >>> import zhiku
    >>> with zhiku.Writer("my.index") as w:          # commits on success
    ...     stats = w.update(["reports/"])
    >>> with zhiku.open("my.index") as ix:
    ...     for hit in ix.search("城乡耦合", limit=5):
    ...         print(hit.rank, hit.title, hit.section)
    ...         print(hit.snippet(80))
    >>> zhiku.segment("我来到北京清华大学")
    ['我', '来到', '北京', '清华大学']

Strings are ``str``; the library works in UTF-8.  Every match carries both
its byte range in the UTF-8 text (``start``/``end``) and its character
range in the Python string (``cstart``/``cend``).

Errors raise :class:`Error` (or a subclass chosen by the C error code) with
the library's message.  Handles are freed by ``close()``, by ``with``
blocks, or, as a fallback, when the object is garbage-collected.
"""

import collections
import contextlib
import ctypes
import os
import threading
from ctypes import byref, c_char_p, c_int64, c_size_t, c_uint64, c_void_p

from . import _lib
from ._lib import lib as _c

__all__ = [
    "Error", "NotFoundError", "LockedError", "QueryError", "EncodingError",
    "VersionError", "FormatError", "Index", "Results", "Hit", "Match", "Writer",
    "FileEvent", "Segmenter", "Token", "open", "segment", "tokenize",
    "normalize", "version", "version_number", "default_index_path",
    "library_path", "extract",
]

#: Full path (or name) of the loaded libzhiku.
library_path = _lib.path

# Return codes (include/zhiku/common.h).
OK = _lib.OK
ERROR = _lib.ERROR
ENOMEM = _lib.ENOMEM
EINVAL = _lib.EINVAL
EIO = _lib.EIO
ENOTFOUND = _lib.ENOTFOUND
EFORMAT = _lib.EFORMAT
EVERSION = _lib.EVERSION
EENCODING = _lib.EENCODING
ELOCKED = _lib.ELOCKED
ECORRUPT = _lib.ECORRUPT
EQUERY = _lib.EQUERY
EUSER = _lib.EUSER
ITEROVER = _lib.ITEROVER

# What happened to a file in Writer.update() (FileEvent.status).
FILE_NEW = _lib.FILE_NEW
FILE_UPDATED = _lib.FILE_UPDATED
FILE_UNCHANGED = _lib.FILE_UNCHANGED
FILE_REMOVED = _lib.FILE_REMOVED
FILE_FAILED = _lib.FILE_FAILED
FILE_SKIPPED = _lib.FILE_SKIPPED

# Token kinds (Token.kind).
TOKEN_WORD = _lib.TOKEN_WORD
TOKEN_SPACE = _lib.TOKEN_SPACE
TOKEN_OTHER = _lib.TOKEN_OTHER


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class Error(Exception):
    """A libzhiku failure.

    ``code`` is the negative ``ZK_E*`` code (also available as the module
    constants ``zhiku.EIO`` etc.), ``message`` the library's description
    (``zk_error_last()->message``, else ``zk_strerror(code)``).
    """

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class NotFoundError(Error):
    """ZK_ENOTFOUND: a file, index, dictionary or report does not exist."""


class LockedError(Error):
    """ZK_ELOCKED: the index is open in another writer."""


class QueryError(Error):
    """ZK_EQUERY: a query syntax error; the message names the character."""


class EncodingError(Error):
    """ZK_EENCODING: text cannot be decoded; the message names the byte."""


class VersionError(Error):
    """ZK_EVERSION: another schema, dictionary or user dictionaries."""


class FormatError(Error):
    """ZK_EFORMAT: a damaged file, one that is not of its format, or a
    format zhiku does not read; the message names the file and says which."""


_ERROR_CLASSES = {
    ENOTFOUND: NotFoundError,
    ELOCKED: LockedError,
    EQUERY: QueryError,
    EENCODING: EncodingError,
    EVERSION: VersionError,
    EFORMAT: FormatError,
}


def _error(rc):
    """The exception for return code `rc`, with the thread's last message.

    Must be called on the thread that made the failing call, before any
    other library call.
    """
    last = _c.zk_error_last()
    if last and last.contents.code == rc and last.contents.message:
        message = last.contents.message.decode("utf-8", "replace")
    else:
        message = _c.zk_strerror(rc).decode("utf-8", "replace")
    return _ERROR_CLASSES.get(rc, Error)(rc, message)


def _call(fn, *args):
    """Call a libzhiku function returning a ZK_* code; raise on failure.

    The thread's error state is cleared first so that a function failing
    without setting a message is not described by an older error.
    """
    _c.zk_error_clear()
    rc = fn(*args)
    if rc != OK:
        raise _error(rc)
    return rc


# ---------------------------------------------------------------------------
# Argument conversion
# ---------------------------------------------------------------------------

def _cstr(value, what):
    """A str (UTF-8) or bytes value as a NUL-free C string; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.encode("utf-8")
    elif not isinstance(value, bytes):
        raise TypeError("%s must be str or bytes, not %s"
                        % (what, type(value).__name__))
    if b"\0" in value:
        raise ValueError("%s contains a NUL character" % what)
    return value


def _cpath(value, what="path"):
    """A file system path (str, bytes or os.PathLike) as a C string."""
    if value is None:
        return None
    return _cstr(os.fsencode(value), what)


def _text(ptr):
    """A borrowed NUL-terminated C string (bytes or None) as str."""
    if ptr is None:
        return ""
    return ptr.decode("utf-8", "surrogateescape")


def _count(value, what, bits=None):
    """A non-negative int for a size_t/unsigned parameter."""
    value = int(value)
    if value < 0:
        raise ValueError("%s must be >= 0, not %d" % (what, value))
    if bits is not None and value >= 1 << bits:
        raise ValueError("%s is too large: %d" % (what, value))
    return value


class _Handle:
    """Base of the classes owning a C handle: one call at a time.

    The C handles may be used by one thread at a time, so every call takes
    the object's lock.  A call made from inside a callback of another call
    on the same object (e.g. ``Writer.commit()`` from an update's progress
    function) would deadlock; it raises RuntimeError instead.
    """

    _kind = "handle"

    def __init__(self):
        self._lock = threading.Lock()
        self._owner = None

    def _handle(self):
        """The C handle, or None once closed (subclasses)."""
        raise NotImplementedError

    @contextlib.contextmanager
    def _using(self):
        """Hold the lock around a call; yields the (open) C handle."""
        if self._owner == threading.get_ident():
            raise RuntimeError("zhiku.%s: call from inside a callback of "
                               "another call on the same object" % self._kind)
        with self._lock:
            self._owner = threading.get_ident()
            try:
                handle = self._handle()
                if handle is None:
                    raise ValueError("the zhiku.%s is closed" % self._kind)
                yield handle
            finally:
                self._owner = None

    def _release(self):
        """Free the C handle (subclasses); called once, under the lock."""
        raise NotImplementedError

    def close(self):
        """Free the C handle (idempotent)."""
        if self._owner == threading.get_ident():
            raise RuntimeError("zhiku.%s: close() from inside a callback"
                               % self._kind)
        with self._lock:
            self._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            # no other reference exists, so nothing else holds the lock
            self._release()
        except Exception:  # pylint: disable=broad-except
            pass


# ---------------------------------------------------------------------------
# Version, normalisation, default paths
# ---------------------------------------------------------------------------

def version():
    """The version string of the loaded library (``zk_version()``)."""
    return _c.zk_version().decode("ascii")


def version_number():
    """``(major << 16) | (minor << 8) | patch`` of the loaded library."""
    return _c.zk_version_number()


__version__ = version()


def normalize(text):
    """Search normalisation of `text` (NFKC + case folding, ``zk_normalize``).

    Queries and indexed text are compared in this form: ``２０２４年ＧＤＰ``
    becomes ``2024年gdp``.
    """
    if not isinstance(text, str):
        raise TypeError("text must be str, not %s" % type(text).__name__)
    data = text.encode("utf-8")
    out = ctypes.POINTER(_lib.zk_norm)()
    _call(_c.zk_normalize, byref(out), data, len(data))
    try:
        norm = out.contents
        return ctypes.string_at(norm.text, norm.len).decode("utf-8")
    finally:
        _c.zk_norm_free(out)


def default_index_path():
    """The default index directory (``$ZHIKU_INDEX``, XDG data dir...)."""
    size = 4096
    buf = ctypes.create_string_buffer(size)
    _call(_c.zk_index_default_path, buf, size)
    return os.fsdecode(buf.value)


# ---------------------------------------------------------------------------
# Segmentation
# ---------------------------------------------------------------------------

_MODES = {"precise": _lib.SEG_PRECISE, "search": _lib.SEG_SEARCH,
          "full": _lib.SEG_FULL}


class Token(collections.namedtuple(
        "Token", "text start end cstart cend kind colocated")):
    """One token of :func:`tokenize`.

    ``text`` is the token's form (normalised when asked), ``start``/``end``
    its byte range in the UTF-8 encoding of the input, ``cstart``/``cend``
    its character range in the input ``str``, ``kind`` one of
    ``TOKEN_WORD``, ``TOKEN_SPACE``, ``TOKEN_OTHER``, and ``colocated`` is
    True for a search-mode sub-word lying inside the word that follows.
    """
    __slots__ = ()


class Segmenter(_Handle):
    """A jieba-exact segmenter over one dictionary (``zk_dict`` + ``zk_seg``).

    `dict_path` is a compiled dictionary (None: the library's default,
    which honours ``$ZHIKU_DICT``); `userdicts` are jieba-format user
    dictionaries loaded in order.  Calls are serialised by a lock, so a
    Segmenter may be shared by threads; create one per thread to cut in
    parallel.  Free it with :meth:`close` or a ``with`` block.
    """

    _kind = "Segmenter"

    def __init__(self, dict_path=None, userdicts=()):
        super().__init__()
        self._dict = None
        self._seg = None
        if isinstance(userdicts, (str, bytes, os.PathLike)):
            userdicts = [userdicts]
        uds = [_cpath(u, "userdict") for u in userdicts]
        d = c_void_p()
        _call(_c.zk_dict_open, byref(d), _cpath(dict_path, "dict_path"))
        self._dict = d
        try:
            for ud in uds:
                _call(_c.zk_dict_load_userdict, d, ud)
            s = c_void_p()
            _call(_c.zk_seg_new, byref(s), d)
            self._seg = s
        except BaseException:
            self._release()
            raise

    def _handle(self):
        return self._seg

    def _release(self):
        seg, d = self._seg, self._dict
        self._seg = self._dict = None
        if seg is not None:
            _c.zk_seg_free(seg)
        if d is not None:
            _c.zk_dict_free(d)

    @property
    def dict_path(self):
        """The dictionary file in use."""
        with self._using():
            return os.fsdecode(_c.zk_dict_path(self._dict))

    @property
    def dict_hash(self):
        """32 hex digits identifying the effective dictionary."""
        with self._using():
            return _c.zk_dict_hash(self._dict).decode("ascii")

    def word_freq(self, word):
        """The dictionary frequency of `word`: >= 1 for a word, 0 for a
        prefix or deleted word, None if unknown."""
        data = _cstr(word, "word")
        out = c_int64()
        with self._using():
            _c.zk_error_clear()
            rc = _c.zk_dict_word_freq(byref(out), self._dict, data,
                                      len(data))
            if rc == ENOTFOUND:
                return None
            if rc != OK:
                raise _error(rc)
        return out.value

    def tokenize(self, text, mode="precise", hmm=True, normalize=False):
        """Cut `text` (str) and return its :class:`Token` list.

        `mode` is ``"precise"`` (jieba.cut), ``"search"``
        (jieba.cut_for_search) or ``"full"`` (cut_all=True); `hmm` finds
        unknown words with the HMM; `normalize` applies NFKC + case folding
        first (token texts are then normalised, offsets still refer to
        `text`).
        """
        if not isinstance(text, str):
            raise TypeError("text must be str, not %s" % type(text).__name__)
        try:
            cmode = _MODES[mode]
        except KeyError:
            raise ValueError("mode must be one of %s, not %r"
                             % (", ".join(_MODES), mode)) from None
        opts = _lib.zk_seg_options(_lib.SEG_OPTIONS_VERSION, cmode,
                                   1 if hmm else 0, 1 if normalize else 0)
        data = text.encode("utf-8")
        tokens = []
        failure = []

        def on_token(tp, _payload):
            try:
                t = tp.contents
                tokens.append(Token(
                    ctypes.string_at(t.text, t.len).decode("utf-8"),
                    t.start, t.end, t.cstart, t.cend, t.kind,
                    bool(t.flags & _lib.TOKEN_COLOCATED)))
                return 0
            except BaseException as exc:  # stop the cut, re-raise below
                failure.append(exc)
                return 1

        cb = _lib.zk_token_cb(on_token)
        with self._using() as seg:
            _c.zk_error_clear()
            rc = _c.zk_seg_cut(seg, data, len(data), byref(opts), cb, None)
            if failure:
                raise failure[0]
            if rc != OK:
                raise _error(rc)
        return tokens

    def cut(self, text, mode="precise", hmm=True, normalize=False):
        """Cut `text` and return the token texts, as jieba does."""
        return [t.text for t in self.tokenize(text, mode, hmm, normalize)]


# The segmenters of segment()/tokenize(), one per dictionary path, made on
# first use and shared (each serialises its own calls).
_segmenters = {}
_segmenters_lock = threading.Lock()


def _segmenter(dict_path):
    key = None if dict_path is None else os.fsdecode(dict_path)
    with _segmenters_lock:
        seg = _segmenters.get(key)
        if seg is None:
            seg = _segmenters[key] = Segmenter(key)
        return seg


def tokenize(text, mode="precise", hmm=True, normalize=False,
             dict_path=None):
    """:meth:`Segmenter.tokenize` with a cached segmenter of `dict_path`."""
    return _segmenter(dict_path).tokenize(text, mode, hmm, normalize)


def segment(text, mode="precise", hmm=True, dict_path=None):
    """Cut `text` into words exactly as jieba 0.42.1 does.

    `mode` is ``"precise"`` (``jieba.cut``), ``"search"``
    (``jieba.cut_for_search``) or ``"full"`` (``cut_all=True``).  Uses a
    cached segmenter of `dict_path` (None: the default dictionary).
    """
    return [t.text for t in tokenize(text, mode, hmm, False, dict_path)]


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------

class Match(collections.namedtuple("Match", "start end cstart cend term")):
    """One occurrence of a query term in a hit's text (or section).

    ``start``/``end``: byte range in the UTF-8 text (``hit.text_bytes``);
    ``cstart``/``cend``: the same range in characters, i.e. a slice of the
    ``str`` (``hit.text[m.cstart:m.cend]``); ``term``: index of the query
    term (see :attr:`Results.terms`).
    """
    __slots__ = ()


def _matches(array, n):
    return [Match(m.start, m.end, m.cstart, m.cend, m.term)
            for m in (array[i] for i in range(n))]


def _highlight(text, matches, fmt, lo=0, hi=None):
    """`text` with each match range (characters) formatted with `fmt`;
    overlapping or touching ranges are merged.  Only [lo, hi) is shown."""
    if hi is None:
        hi = len(text)
    spans = []
    for m in sorted(matches, key=lambda m: (m.cstart, m.cend)):
        a, b = max(m.cstart, lo), min(m.cend, hi)
        if a >= b:
            continue
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    out, pos = [], lo
    for a, b in spans:
        out.append(text[pos:a])
        out.append(fmt.format(text[a:b]))
        pos = b
    out.append(text[pos:hi])
    return "".join(out)


class Hit:
    """One passage found by :meth:`Index.search` (a copy of a ``zk_hit``).

    Attributes: ``rank`` (1-based; 0 for context passages), ``score``,
    ``path``, ``title``, ``date`` ("YYYY[-MM[-DD]]" or ""), ``report_id``,
    ``section`` (heading trail), ``text``, ``line`` (1-based),
    ``ordinal`` (passage number in the report, from 0), ``src_start`` and
    ``src_end`` (byte range in the decoded source; for PDF, .docx and HTML
    in the extracted text, see :func:`extract`), ``matches`` and
    ``section_matches`` (lists of :class:`Match`), ``explain`` (str, or
    None unless asked for), ``page_start`` and ``page_end`` (1-based
    pages of a PDF passage; 0 for formats without pages).

    Everything is copied out of the C results when the search returns, so
    a Hit stays valid forever; :meth:`snippet` and :meth:`Index.context`
    hand the library a ``zk_hit`` rebuilt from these copies.
    """

    __slots__ = ("rank", "score", "path", "title", "date", "report_id",
                 "section", "text", "line", "ordinal", "src_start",
                 "src_end", "matches", "section_matches", "explain",
                 "page_start", "page_end", "_raw")

    def __init__(self, h):
        self.rank = h.rank
        self.score = h.score
        self.path = _text(h.path)
        self.title = _text(h.title)
        self.date = _text(h.date)
        self.report_id = _text(h.report_id)
        self.section = _text(h.section)
        self._raw = {
            "path": h.path or b"", "title": h.title or b"",
            "date": h.date or b"", "report_id": h.report_id or b"",
            "section": h.section or b"",
            "text": ctypes.string_at(h.text, h.len) if h.len else b"",
        }
        # surrogateescape keeps one code point per undecodable byte, as the
        # library counts characters, and round-trips to the same bytes
        self.text = self._raw["text"].decode("utf-8", "surrogateescape")
        self.line = h.line
        self.ordinal = h.ordinal
        self.src_start = h.src_start
        self.src_end = h.src_end
        self.matches = _matches(h.matches, h.n_matches)
        self.section_matches = _matches(h.section_matches,
                                        h.n_section_matches)
        self.explain = None if h.explain is None else _text(h.explain)
        self.page_start = h.page_start
        self.page_end = h.page_end

    @property
    def text_bytes(self):
        """The passage as the library holds it (UTF-8 bytes); the byte
        offsets of :attr:`matches` index this."""
        return self._raw["text"]

    def _as_c(self):
        """A ``zk_hit`` with this hit's fields, and the buffers that must
        stay alive while the library reads it."""
        raw = self._raw
        text = ctypes.create_string_buffer(raw["text"], len(raw["text"]) + 1)

        def marr(ms):
            arr = (_lib.zk_match * max(len(ms), 1))()
            for i, m in enumerate(ms):
                arr[i] = _lib.zk_match(m.start, m.end, m.cstart, m.cend,
                                       m.term)
            return arr

        mt, sm = marr(self.matches), marr(self.section_matches)
        h = _lib.zk_hit()
        h.rank, h.score = self.rank, self.score
        h.path, h.title, h.date = raw["path"], raw["title"], raw["date"]
        h.report_id, h.section = raw["report_id"], raw["section"]
        h.text = ctypes.cast(text, c_void_p)
        h.len = len(raw["text"])
        h.line, h.ordinal = self.line, self.ordinal
        h.src_start, h.src_end = self.src_start, self.src_end
        h.page_start, h.page_end = self.page_start, self.page_end
        h.matches = ctypes.cast(mt, ctypes.POINTER(_lib.zk_match))
        h.n_matches = len(self.matches)
        h.section_matches = ctypes.cast(sm, ctypes.POINTER(_lib.zk_match))
        h.n_section_matches = len(self.section_matches)
        h.explain = None if self.explain is None else \
            self.explain.encode("utf-8", "surrogateescape")
        return h, (text, mt, sm)

    def snippet_span(self, max_chars=120):
        """(cstart, cend): the character range of :meth:`snippet`."""
        max_chars = _count(max_chars, "max_chars", 63)
        h, keep = self._as_c()
        start, end = c_size_t(), c_size_t()
        _c.zk_hit_snippet(byref(h), max_chars, byref(start), byref(end))
        del keep  # the buffers h points to were needed until here
        raw = self._raw["text"]
        return (len(raw[:start.value].decode("utf-8", "surrogateescape")),
                len(raw[:end.value].decode("utf-8", "surrogateescape")))

    def snippet(self, max_chars=120, fmt=None):
        """A window of at most `max_chars` characters of the text holding
        the most matches (``zk_hit_snippet``), with the matches formatted
        by `fmt` (e.g. ``"[{}]"``) when it is given."""
        a, b = self.snippet_span(max_chars)
        if fmt is None:
            return self.text[a:b]
        return _highlight(self.text, self.matches, fmt, a, b)

    def highlighted(self, fmt="[{}]", section=False):
        """The whole text (or with `section`, the heading trail) with every
        match formatted by `fmt`; overlapping matches are merged."""
        if section:
            return _highlight(self.section, self.section_matches, fmt)
        return _highlight(self.text, self.matches, fmt)

    def __repr__(self):
        return "<zhiku.Hit %d %s:%d %r>" % (self.rank, self.path, self.line,
                                           self.text[:20])


class Results:
    """One page of search results: iterable (and indexable) :class:`Hit`\\ s.

    ``passages``, ``reports``: totals over all matches (estimates unless
    ``exact``); ``seconds``: query time; ``terms``: list of (term as
    normalised, passages it matches on its own: possibly an upper bound,
    but 0 only when it matches nothing, as ``zk_results_term()`` says);
    ``query``: the query.
    """

    def __init__(self, query, hits, info, terms):
        self.query = query
        self.hits = hits
        self.passages = info.passages
        self.reports = info.reports
        self.exact = bool(info.exact)
        self.seconds = info.seconds
        self.terms = terms

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)

    def __getitem__(self, i):
        return self.hits[i]

    def __repr__(self):
        return "<zhiku.Results %r: %d hits of %s%d passages>" % (
            self.query, len(self.hits), "" if self.exact else "about ",
            self.passages)


def _collect(res):
    """Copy every hit of a zk_results (which the caller frees)."""
    hits = []
    hp = ctypes.POINTER(_lib.zk_hit)()
    while True:
        _c.zk_error_clear()
        rc = _c.zk_results_next(byref(hp), res)
        if rc == ITEROVER:
            return hits
        if rc != OK:
            raise _error(rc)
        hits.append(Hit(hp.contents))


_SORTS = {"relevance": _lib.SORT_RELEVANCE, "date": _lib.SORT_DATE}


def _info_dict(info):
    return {"reports": info.reports, "passages": info.passages,
            "text_bytes": info.text_bytes, "disk_bytes": info.disk_bytes,
            "schema": info.schema,
            "dict_hash": info.dict_hash.decode("ascii")}


class Index(_Handle):
    """A read-only searcher of one index directory (``zk_searcher``).

    Open it with :func:`open`.  Each query reads the index's latest commit,
    also while a :class:`Writer` is adding to it.  Calls are serialised by
    a lock; open one Index per thread to search in parallel.  Free it with
    :meth:`close` or a ``with`` block.
    """

    _kind = "Index"

    def __init__(self, path, dict_path=None):
        super().__init__()
        self._s = None
        self.path = os.fsdecode(path)
        s = c_void_p()
        _call(_c.zk_searcher_open, byref(s), _cpath(path),
              _cpath(dict_path, "dict_path"))
        self._s = s

    def search(self, query, limit=10, offset=0, per_report=3,
               sort="relevance", explain=False, exact_counts=False):
        """Find and rank passages (query syntax: docs/query-syntax.md).

        `limit` hits (0 means 10) after skipping `offset`; at most
        `per_report` passages of one report (0: no limit); `sort` is
        ``"relevance"`` or ``"date"`` (newest first); `explain` fills
        ``Hit.explain``; `exact_counts` makes the totals exact.  Raises
        :class:`QueryError` for a syntax error.
        """
        try:
            csort = _SORTS[sort]
        except KeyError:
            raise ValueError("sort must be 'relevance' or 'date', not %r"
                             % (sort,)) from None
        opts = _lib.zk_search_options(
            _lib.SEARCH_OPTIONS_VERSION, _count(offset, "offset", 63),
            _count(limit, "limit", 63), _count(per_report, "per_report", 32),
            csort, 1 if explain else 0, 1 if exact_counts else 0)
        q = _cstr(query, "query")
        res = c_void_p()
        with self._using() as s:
            _call(_c.zk_searcher_query, byref(res), s, q, byref(opts))
            try:
                hits = _collect(res)
                info = _c.zk_results_info(res).contents
                terms = []
                for i in range(info.n_terms):
                    n = c_uint64()
                    t = _c.zk_results_term(res, i, byref(n))
                    terms.append((_text(t), n.value))
                return Results(query, hits, info, terms)
            finally:
                # copied, then freed before any other call on the searcher:
                # C hits borrow report fields from the searcher, which its
                # next call may free (see python/README.md)
                _c.zk_results_free(res)

    def context(self, hit, before=1, after=1):
        """The passages of `hit`'s report from `before` passages before it
        to `after` after it, the hit included, in order, as a list of
        :class:`Hit` with rank 0 and no matches (``zk_searcher_context``).

        `hit` may come from any earlier search of this index: it is handed
        to the library as a ``zk_hit`` rebuilt from the Hit's copies.
        """
        h, keep = hit._as_c()
        before = _count(before, "before", 32)
        after = _count(after, "after", 32)
        res = c_void_p()
        with self._using() as s:
            _call(_c.zk_searcher_context, byref(res), s, byref(h), before,
                  after)
            try:
                return _collect(res)
            finally:
                _c.zk_results_free(res)
                del keep

    if _lib.has("zk_searcher_info_get"):
        def info(self):
            """Facts about the index as of its latest commit
            (``zk_searcher_info_get``): a dict with ``reports``,
            ``passages``, ``text_bytes``, ``disk_bytes``, ``schema`` and
            ``dict_hash``.  Absent when the library predates it."""
            out = _lib.zk_index_info()
            with self._using() as s:
                _call(_c.zk_searcher_info_get, byref(out), s)
            return _info_dict(out)

    def _handle(self):
        return self._s

    def _release(self):
        s, self._s = self._s, None
        if s is not None:
            _c.zk_searcher_free(s)

    @property
    def closed(self):
        """True once :meth:`close` has run."""
        return self._s is None

    def __repr__(self):
        return "<zhiku.Index %r%s>" % (self.path,
                                       " closed" if self.closed else "")


def open(path, dict_path=None):  # pylint: disable=redefined-builtin
    """Open the index in directory `path` for searching (an :class:`Index`).

    `dict_path`: the compiled dictionary the index was built with (None:
    the default).  Raises :class:`NotFoundError` if there is no index,
    :class:`VersionError` if another schema or dictionary built it.
    """
    return Index(path, dict_path)


def extract(path, data=None, format="auto", encoding=None):
    """The text zhiku reads from a report, without indexing it
    (``zk_report_extract``): the file at `path`, or the bytes `data` named
    `path`.  Returns a dict with ``text`` (str; for PDF, .docx and HTML one
    block a line, a form feed before each new page), ``format``
    ("text", "markdown", "pdf", "docx", "html"), ``encoding`` and
    ``pages`` (PDF; else 0).  Raises :class:`FormatError` for a damaged
    file or one of a format zhiku does not read.
    """
    # pylint: disable=redefined-builtin
    try:
        cformat = _FORMATS[format]
    except KeyError:
        raise ValueError("format must be one of %s, not %r"
                         % (", ".join(sorted(_FORMATS)), format)) from None
    if data is not None:
        data = bytes(data)
    rin = _lib.zk_report_input(
        _lib.REPORT_INPUT_VERSION, _cpath(path), data,
        len(data) if data is not None else 0, _cstr(encoding, "encoding"),
        cformat, None, None, None)
    x = ctypes.POINTER(_lib.zk_extracted)()
    _call(_c.zk_report_extract, byref(x), byref(rin))
    try:
        e = x.contents
        text = ctypes.string_at(e.text, e.len).decode("utf-8",
                                                      "surrogateescape")
        return {"text": text, "format": _text(e.format_name),
                "encoding": _text(e.encoding), "pages": e.pages}
    finally:
        _c.zk_extracted_free(x)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

class FileEvent(collections.namedtuple(
        "FileEvent",
        "path status bytes passages encoding error message format")):
    """What happened to one file in :meth:`Writer.update`.

    ``status`` is one of ``FILE_NEW``, ``FILE_UPDATED``, ``FILE_UNCHANGED``,
    ``FILE_REMOVED``, ``FILE_FAILED``, ``FILE_SKIPPED`` (a file in a folder
    of a format zhiku does not read: passed over, not an error);
    ``encoding`` the detected or forced encoding (None if not decoded);
    ``error`` (a ``ZK_E*`` code) and ``message`` say why a file failed or
    was passed over (0 and None otherwise); ``format`` the format read
    ("text", "markdown", "pdf", "docx", "html"; None if not read).
    """
    __slots__ = ()


_FORMATS = {"auto": _lib.FORMAT_AUTO, "plain": _lib.FORMAT_PLAIN,
            "md": _lib.FORMAT_MD, "pdf": _lib.FORMAT_PDF,
            "docx": _lib.FORMAT_DOCX, "html": _lib.FORMAT_HTML}
_COMPACT = {None: 0, True: 1, False: -1}
_STATS = ("files", "done", "n_new", "n_updated", "n_unchanged", "n_removed",
          "n_failed", "bytes_total", "bytes_done", "passages", "seconds",
          "n_skipped")


def _stats_dict(st):
    return {name: getattr(st, name) for name in _STATS}


def _opt_text(p):
    return None if p is None else p.decode("utf-8", "surrogateescape")


class Writer(_Handle):
    """A writable index (``zk_index``), created if missing.

    `create`: create the index if it does not exist (else
    :class:`NotFoundError`); `rebuild`: start from an empty index;
    `dict_path`: compiled dictionary (None: the default); `userdicts`:
    jieba user dictionaries, in order -- an existing index must be opened
    with the same effective dictionary, else :class:`VersionError`.
    Only one Writer may have an index open at a time (in any process):
    a second gets :class:`LockedError`.

    Changes are visible and durable only after :meth:`commit` (or the
    commits :meth:`update` makes).  Used as a context manager, the Writer
    commits and closes when the block ends normally, and closes *without*
    committing (discarding uncommitted changes) when it ends with an
    exception.  :meth:`close` (and garbage collection) never commits.
    """

    _kind = "Writer"

    def __init__(self, path, create=True, rebuild=False, dict_path=None,
                 userdicts=()):
        super().__init__()
        self._ix = None
        self.path = os.fsdecode(path)
        if isinstance(userdicts, (str, bytes, os.PathLike)):
            userdicts = [userdicts]
        uds = [_cpath(u, "userdict") for u in userdicts]
        arr = (c_char_p * max(len(uds), 1))(*uds)
        opts = _lib.zk_index_options(
            _lib.INDEX_OPTIONS_VERSION, _cpath(dict_path, "dict_path"),
            ctypes.cast(arr, ctypes.POINTER(c_char_p)) if uds else None,
            len(uds), 1 if create else 0, 1 if rebuild else 0)
        ix = c_void_p()
        _call(_c.zk_index_open, byref(ix), _cpath(path), byref(opts))
        self._ix = ix

    def add_file(self, path, encoding=None):
        """Index one file (replacing its earlier version); uncommitted.
        `encoding` forces one (utf-8, gb18030, big5, utf-16...; None
        detects).  Returns the number of passages."""
        n = c_size_t()
        with self._using() as ix:
            _call(_c.zk_index_add_file, ix, _cpath(path),
                  _cstr(encoding, "encoding"), byref(n))
        return n.value

    def add_report(self, path, text, format="auto", encoding=None,
                   title=None, date=None, author=None):
        """Index one report given in memory; uncommitted.

        `path` is its identity (any unique name), `text` str (passed as
        UTF-8) or bytes (raw, decoded by the library: `encoding` forces an
        encoding, None detects).  `format`: ``"auto"`` (by the content,
        then the name's extension), ``"plain"``, ``"md"``, ``"pdf"``,
        ``"docx"`` or ``"html"``.  `title`, `date`
        ("YYYY[-MM[-DD]]") and `author` override the metadata found in the
        text.  Replaces a report of the same `path`.  Returns the number of
        passages; raises :class:`EncodingError` if the bytes cannot be
        decoded (the index is then unchanged).
        """
        # pylint: disable=redefined-builtin,too-many-arguments
        try:
            cformat = _FORMATS[format]
        except KeyError:
            raise ValueError("format must be one of %s, not %r"
                             % (", ".join(sorted(_FORMATS)), format)) \
                from None
        if isinstance(text, str):
            if encoding is not None:
                raise ValueError("encoding applies to bytes, not str text")
            data, encoding = text.encode("utf-8"), "utf-8"
        elif isinstance(text, (bytes, bytearray, memoryview)):
            data = bytes(text)
        else:
            raise TypeError("text must be str or bytes, not %s"
                            % type(text).__name__)
        rin = _lib.zk_report_input(
            _lib.REPORT_INPUT_VERSION, _cpath(path), data, len(data),
            _cstr(encoding, "encoding"), cformat, _cstr(title, "title"),
            _cstr(date, "date"), _cstr(author, "author"))
        n = c_size_t()
        with self._using() as ix:
            _call(_c.zk_index_add_report, ix, byref(rin), byref(n))
        return n.value

    def remove(self, path):
        """Remove a report (a file's path or an in-memory report's name)
        and its passages; uncommitted.  :class:`NotFoundError` if absent."""
        with self._using() as ix:
            _call(_c.zk_index_remove, ix, _cpath(path))

    def update(self, paths, prune=False, threads=0, progress=None,
               encoding=None, batch_bytes=0, compact=None):
        """Bring the index up to date with files and folders
        (``zk_index_update``), committing as it goes.

        `paths`: one path or a list of them (folders recursively: .txt,
        .md, .pdf, .docx, .html and files whose content is one of these;
        other files are passed over and reported as ``FILE_SKIPPED``).  `prune`: remove reports whose files are gone;
        `threads`: worker threads (0: one per core); `encoding`: force one;
        `batch_bytes`: commit after this much input (0: 2 MiB); `compact`:
        None (when the run wrote much), True (always) or False (never).

        `progress(event, stats)` is called on this thread after each file
        with a :class:`FileEvent` (None for the initial count) and the
        running totals (a dict); a true return value stops the update (the
        work done is committed) and an exception stops it and is re-raised.

        Returns the totals: a dict with ``files``, ``done``, ``n_new``,
        ``n_updated``, ``n_unchanged``, ``n_removed``, ``n_failed``,
        ``bytes_total``, ``bytes_done``, ``passages``, ``seconds``, and
        ``stopped`` (True if `progress` stopped it).  Files that fail are
        counted in ``n_failed`` and reported to `progress`, not raised.
        """
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        cpaths = [_cpath(p) for p in paths]
        arr = (c_char_p * max(len(cpaths), 1))(*cpaths)
        try:
            ccompact = _COMPACT[compact]
        except KeyError:
            raise ValueError("compact must be None, True or False") from None
        failure = []

        def on_progress(ev, stats, _payload):
            try:
                event = None
                if ev:
                    e = ev.contents
                    event = FileEvent(_opt_text(e.path), e.status, e.bytes,
                                      e.passages, _opt_text(e.encoding),
                                      e.error, _opt_text(e.message),
                                      _opt_text(e.format))
                return 1 if progress(event, _stats_dict(stats.contents)) \
                    else 0
            except BaseException as exc:  # stop the update, re-raise below
                failure.append(exc)
                return 1

        cb = _lib.zk_progress_cb(on_progress) if progress is not None \
            else _lib.zk_progress_cb()
        opts = _lib.zk_update_options(
            _lib.UPDATE_OPTIONS_VERSION, _cstr(encoding, "encoding"),
            1 if prune else 0, _count(threads, "threads", 31),
            _count(batch_bytes, "batch_bytes", 64), ccompact, cb, None)
        st = _lib.zk_update_stats()
        with self._using() as ix:
            _c.zk_error_clear()
            rc = _c.zk_index_update(ix, arr, len(cpaths), byref(opts),
                                    byref(st))
            if failure:
                raise failure[0]
            if rc not in (OK, EUSER):
                raise _error(rc)
        out = _stats_dict(st)
        out["stopped"] = rc == EUSER
        return out

    def commit(self):
        """Make every change so far durable and visible to searchers."""
        with self._using() as ix:
            _call(_c.zk_index_commit, ix)

    def compact(self):
        """Commit, then rewrite the index compactly (``zk_index_compact``)."""
        with self._using() as ix:
            _call(_c.zk_index_compact, ix)

    def info(self):
        """Facts about the index, pending changes included: a dict with
        ``reports``, ``passages``, ``text_bytes``, ``disk_bytes``,
        ``schema`` and ``dict_hash``."""
        out = _lib.zk_index_info()
        with self._using() as ix:
            _call(_c.zk_index_info_get, byref(out), ix)
        return _info_dict(out)

    def _handle(self):
        return self._ix

    def _release(self):
        ix, self._ix = self._ix, None
        if ix is not None:
            _c.zk_index_free(ix)

    @property
    def closed(self):
        """True once :meth:`close` (which never commits) has run."""
        return self._ix is None

    def close(self):
        """Close the index, discarding uncommitted changes (idempotent)."""
        super().close()

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None and self._ix is not None:
                self.commit()
        finally:
            self.close()

    def __repr__(self):
        return "<zhiku.Writer %r%s>" % (self.path,
                                        " closed" if self.closed else "")
