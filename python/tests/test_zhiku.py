"""Tests of the zhiku Python module against the real libzhiku and real texts.

Run from the repository root:

    ZHIKU_LIBRARY=build/src/libzhiku.so \\
    ZHIKU_DICT=build/share/zhiku/jieba.zkd \\
    python3 -m unittest discover -s python/tests -v

The module is imported from PYTHONPATH when it is there, else from this
source tree.  The texts are read from $ZK_SHARED_DIR (default: the folder
``shared`` beside the repository): the seed paper in corpus/seed and a few
of corpus/gov-work-reports.  Every index is made in a temporary folder
that is removed at the end.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
if importlib.util.find_spec("zhiku") is None:
    sys.path.insert(0, os.path.join(REPO, "python"))

import zhiku  # noqa: E402  pylint: disable=wrong-import-position

SHARED = os.environ.get("ZK_SHARED_DIR") or os.path.join(REPO, "..",
                                                          "shared")
CORPUS = os.path.join(SHARED, "corpus")
SEED_DIR = os.path.join(CORPUS, "seed")
SEED = os.path.join(SEED_DIR, "bz25yb108-city-quality-ip.md")
GOV = [os.path.join(CORPUS, "gov-work-reports", "%d-政府工作报告.txt" % y)
       for y in (2023, 2024, 2025)]
HEADING = "三、不断提升城市品质，打造巴中独特 IP > （四）全力推进城乡耦合发展"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def setUpModule():  # pylint: disable=invalid-name
    """Fail early and clearly when the texts are not where expected."""
    for path in [SEED] + GOV:
        if not os.path.isfile(path):
            raise RuntimeError("missing test text %s (set ZK_SHARED_DIR)"
                               % path)


class TestVersion(unittest.TestCase):

    def test_version_matches_library_and_project(self):
        v = zhiku.version()
        self.assertEqual(v, zhiku.__version__)
        major, minor, patch = (int(x) for x in v.split("."))
        self.assertEqual(zhiku.version_number(),
                         (major << 16) | (minor << 8) | patch)
        with open(os.path.join(REPO, "CMakeLists.txt"),
                  encoding="utf-8") as f:
            m = re.search(r"project\(\s*zhiku\b[^)]*VERSION\s+([0-9.]+)",
                          f.read())
        self.assertIsNotNone(m)
        self.assertEqual(v, m.group(1))

    def test_library_path(self):
        self.assertTrue(zhiku.library_path)
        if os.environ.get("ZHIKU_LIBRARY"):
            self.assertEqual(zhiku.library_path,
                             os.environ["ZHIKU_LIBRARY"])


def run_python(code, pythonpath, **env):
    """Run `code` in a fresh interpreter; returns (exit status, output)."""
    full = dict(os.environ, PYTHONPATH=pythonpath,
                PYTHONDONTWRITEBYTECODE="1")
    full.pop("ZHIKU_LIBRARY", None)
    full.update(env)
    p = subprocess.run([sys.executable, "-c", code], env=full, check=False,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60)
    return p.returncode, p.stdout


class TestLoading(unittest.TestCase):
    PACKAGE = os.path.dirname(os.path.abspath(zhiku.__file__))

    def test_bad_zhiku_library_is_final(self):
        rc, out = run_python("import zhiku", os.path.dirname(self.PACKAGE),
                             ZHIKU_LIBRARY="/nonexistent/libzhiku.so")
        self.assertNotEqual(rc, 0)
        self.assertIn("ImportError", out)
        self.assertIn("$ZHIKU_LIBRARY = /nonexistent/libzhiku.so", out)

    def test_generated_config(self):
        # a copy of the package with the _config.py an install writes
        with tempfile.TemporaryDirectory() as tmp:
            pkg = os.path.join(tmp, "zhiku")
            os.mkdir(pkg)
            for name in ("__init__.py", "_lib.py"):
                shutil.copy(os.path.join(self.PACKAGE, name), pkg)
            with open(os.path.join(pkg, "_config.py"), "w",
                      encoding="utf-8") as f:
                f.write("LIBRARY = %r\n" % zhiku.library_path)
            rc, out = run_python(
                "import zhiku; print(zhiku.library_path, zhiku.version())",
                tmp)
            self.assertEqual(rc, 0, out)
            self.assertEqual(out.split(),
                             [zhiku.library_path, zhiku.version()])
            with open(os.path.join(pkg, "_config.py"), "w",
                      encoding="utf-8") as f:
                f.write("LIBRARY = '/nonexistent/libzhiku.so.0'\n")
            # (with no library on the system path to fall back to)
            rc, out = run_python("import ctypes.util\n"
                                 "ctypes.util.find_library = lambda n: None\n"
                                 "import zhiku", tmp)
            self.assertNotEqual(rc, 0)
            self.assertIn("zhiku/_config.py = /nonexistent/libzhiku.so.0",
                          out)


class TestErrors(unittest.TestCase):

    def test_classes_and_codes(self):
        for cls, code in [(zhiku.NotFoundError, zhiku.ENOTFOUND),
                          (zhiku.LockedError, zhiku.ELOCKED),
                          (zhiku.QueryError, zhiku.EQUERY),
                          (zhiku.EncodingError, zhiku.EENCODING),
                          (zhiku.VersionError, zhiku.EVERSION)]:
            self.assertTrue(issubclass(cls, zhiku.Error))
            self.assertIs(zhiku._ERROR_CLASSES[code], cls)
        self.assertEqual((zhiku.OK, zhiku.ENOTFOUND, zhiku.EQUERY,
                          zhiku.ITEROVER), (0, -5, -11, -31))


class TestSegment(unittest.TestCase):
    SENTENCE = "我来到北京清华大学"

    def test_precise(self):
        self.assertEqual(zhiku.segment(self.SENTENCE),
                         ["我", "来到", "北京", "清华大学"])

    def test_search_mode(self):
        words = zhiku.segment(self.SENTENCE, mode="search")
        for w in ("清华", "华大", "大学", "清华大学"):
            self.assertIn(w, words)
        # the sub-words come before the word that holds them
        self.assertLess(words.index("大学"), words.index("清华大学"))

    def test_full_mode(self):
        self.assertEqual(zhiku.segment(self.SENTENCE, mode="full"),
                         ["我", "来到", "北京", "清华", "清华大学", "华大",
                          "大学"])

    def test_hmm(self):
        # 杭研 is not a dictionary word: only the HMM joins it (jieba's
        # own README example)
        text = "他来到了网易杭研大厦"
        self.assertIn("杭研", zhiku.segment(text))
        self.assertNotIn("杭研", zhiku.segment(text, hmm=False))

    def test_tokens_cover_text_with_offsets(self):
        text = read(SEED)[:3000]
        tokens = zhiku.tokenize(text)
        self.assertEqual("".join(t.text for t in tokens), text)
        data = text.encode("utf-8")
        for t in tokens:
            self.assertEqual(text[t.cstart:t.cend], t.text)
            self.assertEqual(data[t.start:t.end].decode("utf-8"), t.text)
        kinds = {t.kind for t in tokens}
        self.assertLessEqual(kinds, {zhiku.TOKEN_WORD, zhiku.TOKEN_SPACE,
                                     zhiku.TOKEN_OTHER})
        self.assertIn(zhiku.TOKEN_SPACE, kinds)

    def test_search_mode_colocated(self):
        tokens = zhiku.tokenize(self.SENTENCE, mode="search")
        sub = [t for t in tokens if t.colocated]
        self.assertEqual({t.text for t in sub}, {"清华", "华大", "大学"})
        whole = [t for t in tokens if t.text == "清华大学"][0]
        self.assertFalse(whole.colocated)
        for t in sub:
            self.assertTrue(whole.cstart <= t.cstart < t.cend <= whole.cend)

    def test_normalize(self):
        self.assertEqual(zhiku.normalize("２０２４年ＧＤＰ"), "2024年gdp")
        tokens = zhiku.tokenize("２０２４年ＧＤＰ增长", normalize=True)
        self.assertEqual(tokens[-1].text, "增长")
        self.assertIn("gdp", [t.text for t in tokens])
        self.assertEqual(tokens[-1].cend, len("２０２４年ＧＤＰ增长"))

    def test_userdict_segmenter(self):
        text = "全力推进城乡耦合发展"
        self.assertNotIn("城乡耦合", zhiku.segment(text))
        with tempfile.TemporaryDirectory() as tmp:
            ud = os.path.join(tmp, "userdict.txt")
            with open(ud, "w", encoding="utf-8") as f:
                f.write("城乡耦合 20\n")
            with zhiku.Segmenter(userdicts=[ud]) as seg:
                self.assertEqual(seg.cut(text),
                                 ["全力", "推进", "城乡耦合", "发展"])
                self.assertEqual(seg.word_freq("城乡耦合"), 20)
                self.assertIsNone(seg.word_freq("城乡耦合发展不存在"))
                self.assertRegex(seg.dict_hash, "^[0-9a-f]{32}$")
                self.assertNotEqual(seg.dict_hash,
                                    zhiku.Segmenter().dict_hash)
            self.assertRaises(ValueError, seg.cut, text)
            seg.close()  # idempotent

    def test_segment_errors(self):
        self.assertRaises(ValueError, zhiku.segment, "城乡", mode="fast")
        self.assertRaises(TypeError, zhiku.segment, b"bytes")
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(zhiku.NotFoundError) as cm:
                zhiku.Segmenter(dict_path=os.path.join(tmp, "no.zkd"))
            self.assertEqual(cm.exception.code, zhiku.ENOTFOUND)
            self.assertIn("no.zkd", cm.exception.message)
            bad = os.path.join(tmp, "gbk.txt")
            with open(bad, "wb") as f:
                f.write("城乡耦合 20\n".encode("gb18030"))
            with self.assertRaises(zhiku.EncodingError) as cm:
                zhiku.Segmenter(userdicts=bad)
            self.assertIn("gbk.txt:1", str(cm.exception))

    def test_threads(self):
        text = read(GOV[0])[:20000]
        want = zhiku.segment(text)
        got = []

        def run():
            got.append(zhiku.segment(text))

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(got, [want] * 4)


class IndexTestCase(unittest.TestCase):
    """Builds one index of the seed and three government work reports."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "index")
        cls.events = []

        def progress(event, stats):
            cls.events.append((event, stats))

        with zhiku.Writer(cls.path) as w:
            cls.stats = w.update([SEED_DIR] + GOV, progress=progress,
                                 threads=2)
            cls.writer_info = w.info()
        cls.ix = zhiku.open(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.ix.close()
        cls.tmp.cleanup()


class TestUpdate(IndexTestCase):

    def test_stats(self):
        st = self.stats
        self.assertEqual(st["files"], 4)
        self.assertEqual(st["done"], 4)
        self.assertEqual(st["n_new"], 4)
        self.assertEqual(st["n_failed"], 0)
        self.assertGreater(st["passages"], 100)
        self.assertGreater(st["bytes_total"], 100000)
        self.assertEqual(st["bytes_done"], st["bytes_total"])
        self.assertFalse(st["stopped"])

    def test_progress_events(self):
        files = [e for e, _ in self.events if e is not None]
        self.assertEqual(sorted(os.path.realpath(e.path) for e in files),
                         sorted(os.path.realpath(p) for p in [SEED] + GOV))
        for e in files:
            self.assertEqual(e.status, zhiku.FILE_NEW)
            self.assertGreater(e.passages, 0)
            self.assertEqual(e.encoding, "utf-8")
            self.assertEqual(e.error, 0)
        self.assertEqual(self.events[-1][1]["done"], 4)
        # the initial count comes first, as event None
        self.assertIsNone(self.events[0][0])
        self.assertEqual(self.events[0][1]["files"], 4)
        self.assertEqual(sum(e is None for e, _ in self.events), 1)

    def test_info(self):
        wi = self.writer_info
        self.assertEqual(wi["reports"], 4)
        self.assertEqual(wi["passages"], self.stats["passages"])
        self.assertGreater(wi["text_bytes"], 100000)
        self.assertGreater(wi["disk_bytes"], 0)
        self.assertGreater(wi["schema"], 0)
        self.assertEqual(wi["dict_hash"], zhiku.Segmenter().dict_hash)

    def test_searcher_info(self):
        if not zhiku._lib.has("zk_searcher_info_get"):
            self.assertFalse(hasattr(self.ix, "info"))
            return
        si = self.ix.info()
        for key in ("reports", "passages", "text_bytes", "schema",
                    "dict_hash"):
            self.assertEqual(si[key], self.writer_info[key], key)
        self.assertGreater(si["disk_bytes"], 0)

    def test_rerun_is_unchanged(self):
        with zhiku.Writer(self.path) as w:
            st = w.update([SEED_DIR] + GOV)
        self.assertEqual((st["n_unchanged"], st["n_new"], st["n_updated"]),
                         (4, 0, 0))


class TestSearch(IndexTestCase):

    def check_matches(self, text, matches, term):
        data = text.encode("utf-8")
        for m in matches:
            self.assertEqual(zhiku.normalize(text[m.cstart:m.cend]), term)
            self.assertEqual(
                zhiku.normalize(data[m.start:m.end].decode("utf-8")), term)
            self.assertEqual(m.term, 0)

    def test_literal_term(self):
        r = self.ix.search("城乡耦合", limit=50, per_report=0)
        self.assertGreater(len(r), 3)
        self.assertEqual(r.terms, [("城乡耦合", r.passages)])
        self.assertTrue(r.exact)
        self.assertGreaterEqual(r.seconds, 0)
        self.assertEqual(r.passages, len(r))
        self.assertEqual([h.rank for h in r], list(range(1, len(r) + 1)))
        for h in r:
            self.assertTrue("城乡耦合" in zhiku.normalize(h.text) or
                            "城乡耦合" in zhiku.normalize(h.section))
            self.assertTrue(h.matches or h.section_matches)
            self.assertEqual(h.text_bytes, h.text.encode("utf-8"))
            self.check_matches(h.text, h.matches, "城乡耦合")
            self.check_matches(h.section, h.section_matches, "城乡耦合")
            self.assertEqual(len(h.matches), h.text.count("城乡耦合"))
            self.assertEqual(os.path.realpath(h.path), os.path.realpath(SEED))
            self.assertEqual(h.title, "提升城市品质打造巴中独特 IP 研究")
            self.assertRegex(h.report_id, "^[0-9a-f]{16}$")
            self.assertGreater(h.line, 0)
            self.assertIsNone(h.explain)
        scores = [h.score for h in r]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_passage_under_heading(self):
        r = self.ix.search("城乡耦合", limit=50, per_report=0)
        hits = [h for h in r if h.text.startswith("1.激活要素")]
        self.assertEqual(len(hits), 1)
        h = hits[0]
        self.assertEqual(h.section, HEADING)
        self.assertEqual(h.matches, [])  # only its heading holds the term
        self.assertEqual(len(h.section_matches), 1)
        m = h.section_matches[0]
        self.assertEqual(h.section[m.cstart:m.cend], "城乡耦合")
        src = read(SEED).encode("utf-8")
        self.assertIn(b"1.\xe6\xbf\x80\xe6\xb4\xbb",  # "1.激活"
                      src[h.src_start:h.src_end])
        self.assertEqual(src[:h.src_start].count(b"\n") + 1, h.line)

    def test_limit_offset_per_report(self):
        r = self.ix.search("发展", limit=5)
        self.assertEqual(len(r), 5)
        self.assertGreater(r.passages, 100)
        self.assertEqual(r.reports, 4)
        one = self.ix.search("发展", per_report=1)
        self.assertEqual(len(one), 4)
        self.assertEqual(len({h.report_id for h in one}), 4)
        two = self.ix.search("发展", per_report=2, limit=50)
        self.assertEqual(len(two), 8)
        for rid in {h.report_id for h in two}:
            self.assertEqual(sum(h.report_id == rid for h in two), 2)
        page1 = self.ix.search("发展", limit=3, per_report=0)
        page2 = self.ix.search("发展", limit=3, offset=3, per_report=0)
        self.assertEqual([h.rank for h in page2], [4, 5, 6])
        both = self.ix.search("发展", limit=6, per_report=0)
        self.assertEqual([(h.path, h.ordinal) for h in both],
                         [(h.path, h.ordinal) for h in list(page1) +
                          list(page2)])
        self.assertEqual(len(self.ix.search("发展", limit=0)), 10)
        self.assertRaises(ValueError, self.ix.search, "发展", limit=-1)

    def test_year_filter(self):
        all_years = {h.date[:4] for h in
                     self.ix.search("就业", limit=50, per_report=0)}
        self.assertGreater(len(all_years), 2)
        r = self.ix.search("year:2024 就业", limit=50, per_report=0)
        self.assertGreater(len(r), 0)
        for h in r:
            self.assertTrue(h.date.startswith("2024"), h.date)
            self.assertIn("就业", h.text + h.section)
        r = self.ix.search("year:2024..2025 就业", limit=50, per_report=0)
        self.assertEqual({h.date[:4] for h in r}, {"2024", "2025"})

    def test_sort_by_date(self):
        r = self.ix.search("就业", sort="date", limit=50)
        dates = [h.date for h in r]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertGreater(len(set(dates)), 2)
        self.assertRaises(ValueError, self.ix.search, "就业", sort="age")

    def test_explain_and_exact_counts(self):
        r = self.ix.search("城乡耦合", explain=True, limit=1)
        self.assertIn("words", r[0].explain)
        # "202" (years 2023-2025) has well over 64 candidates: by default
        # only those the page needs are checked and the totals estimated
        estimated = self.ix.search("202")
        self.assertFalse(estimated.exact)
        counted = self.ix.search("202", exact_counts=True)
        self.assertTrue(counted.exact)
        everything = self.ix.search("202", limit=10000, per_report=0)
        self.assertEqual(counted.passages, len(everything))
        self.assertEqual(counted.reports,
                         len({h.report_id for h in everything}))

    def test_two_terms_and_no_match(self):
        r = self.ix.search("城乡 耦合")
        self.assertEqual(len(r.terms), 2)
        for h in r:
            terms = {m.term for m in h.matches + h.section_matches}
            self.assertEqual(terms, {0, 1})
        r = self.ix.search("城乡耦合 火星基地")
        self.assertEqual((len(r), r.passages), (0, 0))
        self.assertEqual(dict(r.terms)["火星基地"], 0)
        self.assertGreater(dict(r.terms)["城乡耦合"], 0)

    def test_query_errors(self):
        for q in ('"城乡', "", "-城乡", "城乡 OR", "year:abc 城乡"):
            with self.assertRaises(zhiku.QueryError, msg=q) as cm:
                self.ix.search(q)
            self.assertEqual(cm.exception.code, zhiku.EQUERY)
        with self.assertRaises(zhiku.QueryError) as cm:
            self.ix.search('"城乡')
        self.assertIn("quote", cm.exception.message)
        self.assertRaises(ValueError, self.ix.search, "城乡\0耦合")
        # the searcher still works after errors
        self.assertGreater(len(self.ix.search("城乡耦合")), 0)

    def test_snippet_and_highlight(self):
        r = self.ix.search("城乡耦合", limit=50, per_report=0)
        long_hit = max((h for h in r if h.matches), key=lambda h: len(h.text))
        self.assertGreater(len(long_hit.text), 100)
        snip = long_hit.snippet(40)
        self.assertLessEqual(len(snip), 40)
        self.assertIn(snip, long_hit.text)
        self.assertIn("城乡耦合", snip)
        a, b = long_hit.snippet_span(40)
        self.assertEqual(long_hit.text[a:b], snip)
        self.assertIn("【城乡耦合】", long_hit.snippet(40, fmt="【{}】"))
        self.assertEqual(long_hit.snippet(len(long_hit.text)),
                         long_hit.text)
        marked = long_hit.highlighted("<{}>")
        self.assertEqual(marked.count("<城乡耦合>"), len(long_hit.matches))
        self.assertEqual(marked.replace("<", "").replace(">", ""),
                         long_hit.text)
        under = [h for h in r if h.section == HEADING][0]
        self.assertEqual(under.highlighted(section=True),
                         HEADING.replace("城乡耦合", "[城乡耦合]"))

    def test_context(self):
        r = self.ix.search("城乡耦合", limit=50, per_report=0)
        h = [h for h in r if h.text.startswith("1.激活要素")][0]
        ctx = self.ix.context(h, 1, 2)
        self.assertEqual([c.ordinal for c in ctx],
                         [h.ordinal - 1, h.ordinal, h.ordinal + 1,
                          h.ordinal + 2])
        self.assertEqual(ctx[1].text, h.text)
        self.assertTrue(ctx[2].text.startswith("2.激活市场"))
        self.assertTrue(ctx[3].text.startswith("3.激活产业"))
        for c in ctx:
            self.assertEqual((c.rank, c.matches), (0, []))
            self.assertEqual(c.report_id, h.report_id)
        self.assertEqual([c.ordinal for c in self.ix.context(h, 0, 0)],
                         [h.ordinal])
        first = self.ix.context(ctx[0], 1000, 0)
        self.assertEqual([c.ordinal for c in first],
                         list(range(0, h.ordinal)))
        self.assertLess(first[0].line, h.line)


class WriterTestCase(unittest.TestCase):
    """Each test has an empty index folder of its own."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.tmp = self._tmp.name
        self.path = os.path.join(self.tmp, "index")

    def search(self, query, **kw):
        with zhiku.open(self.path) as ix:
            return ix.search(query, **kw)


class TestWriter(WriterTestCase):
    # the opening of the 2025 report, as an in-memory Markdown report
    MEMO = "# 政府工作报告摘录\n\n" + "\n".join(read(GOV[2]).splitlines()[:12])

    def test_missing_index(self):
        missing = os.path.join(self.tmp, "nothing-here")
        with self.assertRaises(zhiku.NotFoundError) as cm:
            zhiku.open(missing)
        self.assertEqual(cm.exception.code, zhiku.ENOTFOUND)
        self.assertIn("nothing-here", cm.exception.message)
        with self.assertRaises(zhiku.NotFoundError):
            zhiku.Writer(missing, create=False)
        self.assertFalse(os.path.exists(missing))

    def test_locked(self):
        with zhiku.Writer(self.path):
            with self.assertRaises(zhiku.LockedError) as cm:
                zhiku.Writer(self.path)
            self.assertEqual(cm.exception.code, zhiku.ELOCKED)
        with zhiku.Writer(self.path) as w:  # free again once closed
            self.assertFalse(w.closed)
        self.assertTrue(w.closed)

    def test_add_report_and_remove(self):
        with zhiku.Writer(self.path) as w:
            n = w.add_report("memo/摘录.md", self.MEMO, title="摘录标题",
                             date="2025-03-05", author="国务院")
            self.assertGreater(n, 0)
            self.assertEqual(w.info()["passages"], n)
            self.assertEqual(len(self.search("政府工作报告")), 0)  # pending
        r = self.search("政府工作报告", per_report=0, limit=50)
        self.assertGreater(len(r), 0)
        h = r[0]
        self.assertEqual((h.path, h.title, h.date),
                         ("memo/摘录.md", "摘录标题", "2025-03-05"))
        self.assertEqual(len(self.search("author:国务院 政府")), len(
            self.search("政府")))
        with zhiku.Writer(self.path) as w:
            w.remove("memo/摘录.md")
            self.assertEqual(w.info()["reports"], 0)
            with self.assertRaises(zhiku.NotFoundError):
                w.remove("memo/摘录.md")
        self.assertEqual(len(self.search("政府工作报告")), 0)

    def test_add_report_bytes_detected(self):
        text = read(SEED)
        with zhiku.Writer(self.path) as w:
            w.add_report("seed-gb.md", text.encode("gb18030"))
            w.add_report("seed-plain", text.encode("utf-8"), format="plain",
                         encoding="utf-8")
        r = self.search("城乡耦合", limit=50, per_report=0)
        by_path = {}
        for h in r:
            by_path.setdefault(h.path, []).append(h)
        self.assertEqual(set(by_path), {"seed-gb.md", "seed-plain"})
        # Markdown keeps the heading trail; plain text has none
        self.assertIn(HEADING, {h.section for h in by_path["seed-gb.md"]})
        self.assertNotIn(HEADING, {h.section for h in by_path["seed-plain"]})

    def test_encoding_error(self):
        good = "城乡耦合发展".encode("utf-8")
        bad = good[:6] + b"\xff\xfe" + good[6:]
        with zhiku.Writer(self.path) as w:
            with self.assertRaises(zhiku.EncodingError) as cm:
                w.add_report("bad.txt", bad, encoding="utf-8")
            self.assertEqual(cm.exception.code, zhiku.EENCODING)
            self.assertIn("byte 6", cm.exception.message)
            self.assertEqual(w.info()["reports"], 0)  # unchanged
            with self.assertRaises(zhiku.Error) as cm:
                w.add_report("x.txt", good, encoding="klingon")
            self.assertEqual(cm.exception.code, zhiku.EINVAL)
            self.assertRaises(ValueError, w.add_report, "x.txt", "文本",
                              encoding="gb18030")
            self.assertRaises(ValueError, w.add_report, "x.txt", "文本",
                              format="odt")
            # a forced format that the bytes are not: a clear error
            with self.assertRaises(zhiku.FormatError) as cm:
                w.add_report("x.txt", "文本", format="pdf")
            self.assertIn("x.txt", cm.exception.message)
            with self.assertRaises(zhiku.FormatError) as cm:
                w.add_report("x.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" +
                             b"\0" * 504)
            self.assertIn("save it as .docx", cm.exception.message)

    def test_userdict_mismatch(self):
        with zhiku.Writer(self.path) as w:
            w.add_file(SEED)
        ud = os.path.join(self.tmp, "userdict.txt")
        with open(ud, "w", encoding="utf-8") as f:
            f.write("城乡耦合 20\n")
        with self.assertRaises(zhiku.VersionError) as cm:
            zhiku.Writer(self.path, userdicts=[ud])
        self.assertEqual(cm.exception.code, zhiku.EVERSION)
        self.assertIn("rebuild", cm.exception.message)
        # a rebuild with the user dictionary is accepted, and searchers
        # then use it
        with zhiku.Writer(self.path, userdicts=[ud], rebuild=True) as w:
            self.assertEqual(w.info()["reports"], 0)
            w.add_file(SEED)
            self.assertNotEqual(w.info()["dict_hash"],
                                zhiku.Segmenter().dict_hash)
        self.assertGreater(len(self.search("城乡耦合")), 0)

    def test_add_file_compact_and_context_manager(self):
        with zhiku.Writer(self.path) as w:
            n = w.add_file(GOV[1])
            self.assertGreater(n, 10)
            w.commit()
            w.compact()
            self.assertEqual(w.info()["passages"], n)
        self.assertGreater(len(self.search("新质生产力")), 0)
        with self.assertRaises(KeyError):
            with zhiku.Writer(self.path) as w:
                w.add_file(GOV[0])
                raise KeyError("abandon")
        self.assertTrue(w.closed)
        self.assertEqual(
            len(self.search("year:2023", limit=50)), 0)  # not committed
        with zhiku.Writer(self.path) as w:
            w.add_file(GOV[0])
        self.assertGreater(len(self.search("year:2023 发展")), 0)

    def test_closed_handles(self):
        w = zhiku.Writer(self.path)
        w.close()
        w.close()
        self.assertRaises(ValueError, w.commit)
        ix = zhiku.open(self.path)
        ix.close()
        self.assertTrue(ix.closed)
        self.assertRaises(ValueError, ix.search, "城乡")

    def test_progress_stop_and_raise(self):
        with zhiku.Writer(self.path) as w:
            seen = []

            def stop(event, stats):
                seen.append(event)
                return event is not None  # stop after the first file

            st = w.update(GOV, progress=stop, threads=1, batch_bytes=1)
            self.assertTrue(st["stopped"])
            self.assertEqual(st["files"], 3)
            self.assertLess(st["done"], 3)
            self.assertIsNotNone(seen[-1])
            self.assertEqual(w.info()["reports"], st["done"])

            class Boom(Exception):
                pass

            def boom(event, stats):
                raise Boom()

            self.assertRaises(Boom, w.update, GOV, progress=boom)

            def reenter(event, stats):
                w.commit()

            self.assertRaises(RuntimeError, w.update, GOV, progress=reenter)
            st = w.update(GOV)
            self.assertEqual(st["n_failed"], 0)
            self.assertEqual(w.info()["reports"], 3)

    def test_update_failed_file_and_prune(self):
        docs = os.path.join(self.tmp, "docs")
        os.mkdir(docs)
        keep = os.path.join(docs, "seed.md")
        with open(keep, "w", encoding="utf-8") as f:
            f.write(read(SEED))
        bad = os.path.join(docs, "bad.txt")
        with open(bad, "wb") as f:
            f.write("城乡".encode("utf-8") + b"\xff\xfe\xfd")
        events = []
        with zhiku.Writer(self.path) as w:
            st = w.update(docs, encoding="utf-8",
                          progress=lambda e, s: events.append(e))
            self.assertEqual((st["n_new"], st["n_failed"]), (1, 1))
            failed = [e for e in events if e and e.status == zhiku.FILE_FAILED]
            self.assertEqual(len(failed), 1)
            self.assertEqual(failed[0].error, zhiku.EENCODING)
            self.assertIn("bad.txt", failed[0].message)
            os.remove(bad)
            os.remove(keep)
            st = w.update(docs, prune=True)
            self.assertEqual(st["n_removed"], 1)
            self.assertEqual(w.info()["reports"], 0)


if __name__ == "__main__":
    unittest.main()
