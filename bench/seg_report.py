#!/usr/bin/python3
"""Turn the facts gathered by bench/run-seg.sh into the segmentation section
of docs/benchmarks.md.

Usage:
    seg_report.py FACTS MARKDOWN

FACTS holds one fact per line, fields separated by single spaces:

    META KEY VALUE...                         free text after the key
    RESULT PEER MODE BYTES TOKENS SECONDS CPU_SECONDS
                                              one timed pass over the text
    LOAD PEER MS                              dictionary load inside a driver
    COLDLOAD zhiku MS                         zk_dict_open() in a fresh process
    FIRSTCUT zhiku MS                         then zk_seg_new() and a first cut
    RSS MODE KIB                              peak RSS of zhiku-seg
    F1 PEER MODE CORPUS P R F GOLD TEST OK    output of seg_f1.py
    DIFF CORPUS MODE LINES TOTAL              lines where zhiku-seg's words
                                              differ from Python jieba's

The section between the lines `<!-- seg-bench:begin -->` and
`<!-- seg-bench:end -->` of MARKDOWN is replaced (or appended, or the file is
created with a `# Benchmarks` title); the rest of the file is kept.

Standard library only.
"""

import collections
import statistics
import sys

BEGIN = "<!-- seg-bench:begin -->"
END = "<!-- seg-bench:end -->"

# The goals the section checks.
GOAL_RATIO = 3.0  # zhiku >= 3x @node-rs/jieba, precise-HMM and search modes
GOAL_LOAD_MS = 10.0  # zk_dict_open() median, fresh process
GOAL_RSS_MB = 60.0  # peak RSS of zhiku-seg, MB (10^6 bytes)

# Cores kept busy by other processes from which a run is flagged.
BUSY_CORES = 0.2

PEER_NAMES = {
    "zhiku": "zhiku",
    "node-rs-jieba": "@node-rs/jieba",
    "python-jieba": "jieba (Python)",
    "friso": "friso",
}
PEER_ORDER = ["zhiku", "node-rs-jieba", "python-jieba", "friso"]

# Throughput tables: (title, [(peer, mode, call), ...]).
TABLES = [
    ("Precise mode, HMM on", [
        ("zhiku", "hmm", "`zk_seg_cut`, `hmm = 1`"),
        ("node-rs-jieba", "hmm", "`cut(s, true)`"),
        ("python-jieba", "hmm", "`jieba.cut(s)`"),
        ("friso", "complex", "complex (mmseg) mode ¹"),
    ]),
    ("Precise mode, HMM off", [
        ("zhiku", "nohmm", "`zk_seg_cut`, `hmm = 0`"),
        ("node-rs-jieba", "nohmm", "`cut(s, false)`"),
        ("python-jieba", "nohmm", "`jieba.cut(s, HMM=False)`"),
    ]),
    ("Search mode, HMM on", [
        ("zhiku", "search", "`ZK_SEG_SEARCH`, `hmm = 1`"),
        ("node-rs-jieba", "search", "`cutForSearch(s, true)`"),
        ("python-jieba", "search", "`jieba.cut_for_search(s)`"),
    ]),
]

F1_ROWS = [
    ("zhiku", "hmm", "zhiku-seg"),
    ("zhiku", "nohmm", "zhiku-seg -n"),
    ("python-jieba", "hmm", "jieba.cut"),
    ("python-jieba", "nohmm", "jieba.cut(HMM=False)"),
    ("node-rs-jieba", "hmm", "cut(s, true)"),
    ("node-rs-jieba", "nohmm", "cut(s, false)"),
]


class Facts:
    """The parsed FACTS file."""

    def __init__(self, path):
        self.meta = {}
        # (peer, mode) -> [(MB/s, MB/s by CPU time, tokens)], one per pass
        self.runs = collections.defaultdict(list)
        self.loads = collections.defaultdict(list)  # peer -> [ms]
        self.coldloads = []
        self.firstcuts = []
        self.rss = {}  # mode -> KiB
        self.f1 = {}  # (peer, mode, corpus) -> (p, r, f)
        self.diffs = {}  # (corpus, mode) -> (lines differing, lines)
        with open(path, encoding="utf-8") as f:
            for raw in f:
                self.add(raw.split())

    def add(self, w):
        if not w:
            return
        kind = w[0]
        if kind == "META":
            self.meta[w[1]] = " ".join(w[2:])
        elif kind == "RESULT":
            peer, mode, mb = w[1], w[2], int(w[3]) / 1e6
            secs, cpu = float(w[5]), float(w[6])
            self.runs[(peer, mode)].append((mb / secs, mb / cpu, int(w[4])))
        elif kind == "LOAD":
            self.loads[w[1]].append(float(w[2]))
        elif kind == "COLDLOAD":
            self.coldloads.append(float(w[2]))
        elif kind == "FIRSTCUT":
            self.firstcuts.append(float(w[2]))
        elif kind == "RSS":
            self.rss[w[1]] = int(w[2])
        elif kind == "F1":
            self.f1[(w[1], w[2], w[3])] = tuple(float(x) for x in w[4:7])
        elif kind == "DIFF":
            self.diffs[(w[1], w[2])] = (int(w[3]), int(w[4]))
        else:
            raise ValueError("unknown fact: %s" % " ".join(w))

    def speed(self, peer, mode, cpu=False):
        """(median, min, max) MB/s by wall (or CPU) time, or None if the
        peer did not run."""
        xs = [r[1 if cpu else 0] for r in self.runs.get((peer, mode), [])]
        if not xs:
            return None
        return statistics.median(xs), min(xs), max(xs)

    def tokens(self, peer, mode):
        """The token counts seen (one value unless a driver is unstable)."""
        return sorted({r[2] for r in self.runs.get((peer, mode), [])})

    def ratio(self, peer, mode, cpu=False):
        """zhiku's median MB/s over `peer`'s, or None."""
        zk, other = self.speed("zhiku", mode, cpu), self.speed(peer, mode, cpu)
        return zk[0] / other[0] if zk and other else None


def fmt_ms(xs):
    return "%.2f ms (%.2f–%.2f)" % (statistics.median(xs), min(xs), max(xs))


def verdict(ok):
    return "**met**" if ok else "**not met**"


def fmt_ratio(r):
    return "—" if r is None else "%.2f×" % r


def throughput_section(facts, out):
    """The three MB/s tables."""
    for title, rows in TABLES:
        out.append("### %s\n" % title)
        out.append("| segmenter | call | MB/s median | min–max | tokens "
                   "| zhiku ÷ this | MB/s by CPU time | zhiku ÷ this, "
                   "CPU time |")
        out.append("|---|---|--:|--:|--:|--:|--:|--:|")
        for peer, mode, call in rows:
            sp = facts.speed(peer, mode)
            if sp is None:
                out.append("| %s | %s | not run | | | | | |"
                           % (PEER_NAMES[peer], call))
                continue
            cpu = facts.speed(peer, mode, cpu=True)
            toks = "/".join("{:,}".format(t) for t in facts.tokens(peer, mode))
            if peer == "zhiku":
                ratio = ratio_cpu = "—"
            else:
                # friso has one mode, compared with zhiku's precise HMM mode.
                zmode = rows[0][1]
                zk, zk_cpu = (facts.speed("zhiku", zmode),
                              facts.speed("zhiku", zmode, cpu=True))
                ratio = fmt_ratio(zk and zk[0] / sp[0])
                ratio_cpu = fmt_ratio(zk_cpu and zk_cpu[0] / cpu[0])
            out.append("| %s | %s | %.2f | %.2f–%.2f | %s | %s | %.2f | %s |"
                       % (PEER_NAMES[peer], call, sp[0], sp[1], sp[2], toks,
                          ratio, cpu[0], ratio_cpu))
        out.append("")
    out.append("¹ friso has no HMM; it is listed here as its default mode. "
               "Synonym appending is turned off, and with its Debian "
               "configuration it drops characters it cannot place (for "
               "example `——` and `○`), so its token count is not "
               "comparable.")
    out.append("")
    out.append("MB/s by CPU time divides the same bytes by the CPU time the "
               "process used during the pass instead of the wall time; it is "
               "less sensitive to other work on the machine (for "
               "@node-rs/jieba it includes V8's garbage-collector threads).")
    out.append("")


def token_notes(facts):
    """Sentences about token counts that differ between the jieba-likes."""
    notes = []
    for title, rows in TABLES:
        counts = {p: facts.tokens(p, m) for p, m, _ in rows if p != "friso"}
        counts = {p: c for p, c in counts.items() if c}
        for p, c in counts.items():
            if len(c) > 1:
                notes.append("%s gave different token counts across passes "
                             "in %s: %s." % (PEER_NAMES[p], title.lower(),
                                             ", ".join(map(str, c))))
        distinct = {tuple(c) for c in counts.values()}
        if len(distinct) > 1:
            notes.append("%s: token counts differ between segmenters (%s)."
                         % (title, "; ".join(
                             "%s %s" % (PEER_NAMES[p], "/".join(
                                 "{:,}".format(x) for x in c))
                             for p, c in counts.items())))
    if not notes:
        notes.append("zhiku, @node-rs/jieba and Python jieba produce the same "
                     "number of tokens in every mode, in every pass.")
    return notes


def f1_section(facts, out):
    out.append("### Accuracy (SIGHAN 2005 test sets)\n")
    out.append("Word precision, recall and F1 against the gold segmentation "
               "(`bench/seg_f1.py`; whitespace is never a word).\n")
    out.append("| segmenter | call | PKU P | PKU R | PKU F1 | MSR P | MSR R "
               "| MSR F1 |")
    out.append("|---|---|--:|--:|--:|--:|--:|--:|")
    for peer, mode, call in F1_ROWS:
        cells = []
        for corpus in ("pku", "msr"):
            v = facts.f1.get((peer, mode, corpus))
            cells += ["%.4f" % x for x in v] if v else ["—"] * 3
        if all(c == "—" for c in cells):
            continue
        out.append("| %s | `%s` | %s |" % (PEER_NAMES[peer], call,
                                          " | ".join(cells)))
    out.append("")
    if facts.diffs and not any(n for n, _ in facts.diffs.values()):
        out.append("zhiku-seg's words are identical to Python jieba's on "
                   "every line of both test sets, with and without the HMM.")
        out.append("")
    elif facts.diffs:
        parts = ["%s %s: %d of %d" % (c.upper(), "HMM on" if m == "hmm"
                                      else "HMM off", n, total)
                 for (c, m), (n, total) in sorted(facts.diffs.items())]
        out.append("Lines where zhiku-seg's words differ from Python "
                   "jieba's: %s." % "; ".join(parts))
        out.append("")


def render(facts):
    m = facts.meta
    out = [BEGIN, "## Chinese word segmentation", ""]
    out.append("Generated by `bench/run-seg.sh` on %s; rerun it to refresh "
               "this section (it installs the other segmenters itself)."
               % m.get("date", "?"))
    out.append("")
    out.append("- Machine: %s cores (`nproc`), %s; %s." % (
        m.get("nproc", "?"), m.get("cpu", "?"), m.get("os", "?")))
    out.append("- zhiku: %s, Release build (`build-bench/`)." %
               m.get("zhiku", "?"))
    out.append("- Peers: jieba %s (Debian `python3-jieba`, `/usr/bin/python3` "
               "%s); @node-rs/jieba %s on Node.js %s; friso %s (Debian "
               "`libfriso-dev`, `friso-dict`)." % (
                   m.get("jieba", "?"), m.get("python", "?"),
                   m.get("noders", "?"), m.get("node", "?"),
                   m.get("friso", "?")))
    out.append("- Text: %s bytes (%.2f MB), %s lines: the SIGHAN 2005 PKU "
               "and MSR test texts (`pku_test.utf8` + `msr_test.utf8`), "
               "concatenated and repeated twice. Every segmenter cuts the "
               "same file line by line, line terminators excluded." % (
                   "{:,}".format(int(m.get("bytes", 0))),
                   int(m.get("bytes", 0)) / 1e6, m.get("lines", "?")))
    out.append(
        "- Method: each segmenter runs in its own process and times only the "
        "cutting, after loading its dictionary and cutting 500 lines to warm "
        "up. Every token is materialised: a string for the jiebas and friso, "
        "a span whose bytes are read for zhiku. %s rounds, the order of the "
        "segmenters rotating each round; in each round a segmenter makes %s "
        "timed passes over the text per mode. MB/s = file bytes / 10⁶ / "
        "seconds, median and min–max over all passes. Other processes kept "
        "%s cores busy on average during the rounds." % (
            m.get("rounds", "?"), m.get("passes", "?"),
            m.get("other_cores", "?")))
    out.append("")

    other = float(m.get("other_cores", 0))
    if other >= BUSY_CORES:
        out.append("**Caution:** other work kept %.2f of the %s cores busy "
                   "during the timing rounds, so the figures are lower and "
                   "noisier than on an idle machine; the ratios are the more "
                   "telling.\n" % (other, m.get("nproc", "?")))
    throughput_section(facts, out)

    out.append("### Dictionary load and memory\n")
    if facts.coldloads:
        out.append("- zhiku `zk_dict_open()` in a fresh process: median %s "
                   "over %d processes." % (fmt_ms(facts.coldloads),
                                           len(facts.coldloads)))
    if facts.firstcuts:
        out.append("- zhiku after that, `zk_seg_new()` and a first cut of a "
                   "28-character title (the mapped dictionary's pages are "
                   "read as they are used): median %s." %
                   fmt_ms(facts.firstcuts))
    for peer in PEER_ORDER:
        if facts.loads.get(peer):
            what = {
                "zhiku": "`zk_dict_open()` inside the timing driver",
                "node-rs-jieba": "`Jieba.withDict(dict)`",
                "python-jieba": "`jieba.initialize()` (from its cache file)",
                "friso": "`friso_init_from_ifile()`",
            }[peer]
            out.append("- %s %s: %s." % (PEER_NAMES[peer], what,
                                         fmt_ms(facts.loads[peer])))
    for mode, label in (("hmm", "`zhiku-seg FILE`"),
                        ("nohmm", "`zhiku-seg -n FILE`"),
                        ("search", "`zhiku-seg --search FILE`")):
        if mode in facts.rss:
            kib = facts.rss[mode]
            out.append("- Peak RSS of %s on the text (`/usr/bin/time -f %%M`)"
                       ": %.1f MB (%.1f MiB)." % (label, kib * 1024 / 1e6,
                                                  kib / 1024.0))
    out.append("")

    f1_section(facts, out)

    out.append("### Goals\n")
    out.append("Judged on the wall-time medians. The machine is shared, and "
               "its speed varies from pass to pass (see the min–max "
               "columns): the ratios of the CPU-time medians and of the best "
               "passes are given as checks.\n")
    out.append("| goal | measured | |")
    out.append("|---|---|---|")
    for mode, label in (("hmm", "precise mode, HMM on"),
                        ("search", "search mode")):
        r = facts.ratio("node-rs-jieba", mode)
        zk, nr = facts.speed("zhiku", mode), facts.speed("node-rs-jieba", mode)
        checks = ""
        if r is not None:
            checks = " (CPU time: %s; best passes: %.2f×)" % (
                fmt_ratio(facts.ratio("node-rs-jieba", mode, cpu=True)),
                zk[2] / nr[2])
        out.append("| zhiku ≥ %g× @node-rs/jieba, %s | %s%s | %s |" % (
            GOAL_RATIO, label, fmt_ratio(r) if r else "not run", checks,
            verdict(r is not None and r >= GOAL_RATIO)))
    load = statistics.median(facts.coldloads) if facts.coldloads else None
    out.append("| dictionary load ≤ %g ms | %s | %s |" % (
        GOAL_LOAD_MS, "%.2f ms" % load if load is not None else "not run",
        verdict(load is not None and load <= GOAL_LOAD_MS)))
    rss = max(facts.rss.values()) * 1024 / 1e6 if facts.rss else None
    out.append("| peak RSS of zhiku-seg ≤ %g MB | %s | %s |" % (
        GOAL_RSS_MB, "%.1f MB (largest of its modes)" % rss
        if rss is not None else "not run",
        verdict(rss is not None and rss <= GOAL_RSS_MB)))
    out.append("")

    notes = token_notes(facts)
    if notes:
        out.append("### Notes\n")
        out.extend("- " + n for n in notes)
        out.append("")
    out.append(END)
    return "\n".join(out) + "\n"


def splice(path, section):
    """Put `section` into the markdown file at `path`."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    b, e = text.find(BEGIN), text.find(END)
    if b >= 0 and e > b:
        end = e + len(END)
        if text[end:end + 1] == "\n":
            end += 1
        text = text[:b] + section + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    splice(argv[2], render(Facts(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
