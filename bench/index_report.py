#!/usr/bin/python3
"""bench/index_report.py - turn the results of bench/run-index.sh into the
index-bench section of docs/benchmarks.md.

    index_report.py RESULTS_DIR DOC|-

Replaces what lies between the lines <!-- index-bench:begin --> and
<!-- index-bench:end --> of DOC (adding the two lines at its end if they
are missing) and leaves the rest of the file as it was; "-" prints the
section instead.
"""
import json
import os
import platform
import re
import statistics
import sys

BEGIN = "<!-- index-bench:begin -->"
END = "<!-- index-bench:end -->"

# Figures measured earlier on this corpus (passage text + trails), quoted
# for comparison only.
EARLIER = {
    "fts5": (2.05, 3.9, None),
    "xapian": (0.42, 9.3, 6.8),
}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RSS_GOAL_MB = 300.0
SPEED_GOAL = 2.0


def die(msg):
    sys.stderr.write("index_report.py: %s\n" % msg)
    sys.exit(1)


class Results:
    def __init__(self, d):
        self.d = d

    def path(self, name):
        return os.path.join(self.d, name)

    def exists(self, name):
        return os.path.exists(self.path(name))

    def text(self, name):
        with open(self.path(name), encoding="utf-8", errors="replace") as f:
            return f.read()

    def json(self, name):
        for line in reversed(self.text(name).splitlines()):
            if line.strip().startswith("{"):
                return json.loads(line)
        die("no JSON in %s" % name)

    def number(self, name):
        return int(self.text(name).split()[0])

    def time(self, name):
        """(wall seconds, peak RSS in KiB, CPU seconds) from a /usr/bin/time
        -f '%e %M %U %S' file; its last line (an earlier one may say the
        exit status)."""
        lines = [x for x in self.text(name + ".time").splitlines()
                 if x.strip()]
        wall, rss, user, sys_ = lines[-1].split()
        return float(wall), int(rss), float(user) + float(sys_)

    def meta(self):
        m = {}
        for line in self.text("meta.tsv").splitlines():
            if "\t" in line:
                k, v = line.split("\t", 1)
                m[k] = v
        return m


SUMMARY = re.compile(
    r"(\d+) new, (\d+) updated, (\d+) unchanged, (\d+) removed, (\d+) "
    r"failed; (\d+) passages; ([\d.]+) MB in ([\d.]+) s \(([\d.]+) MB/s\)")


def zhiku_summary(r, name):
    m = None
    for line in r.text(name + ".out").splitlines():
        m = SUMMARY.search(line) or m
    if m is None:
        die("no zhiku-index summary line in %s.out" % name)
    g = m.groups()
    return {
        "line": m.group(0),
        "new": int(g[0]), "updated": int(g[1]), "unchanged": int(g[2]),
        "removed": int(g[3]), "failed": int(g[4]), "passages": int(g[5]),
        "mb": float(g[6]), "seconds": float(g[7]), "rate": float(g[8]),
    }


# ---------------------------------------------------------------- machine

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def mem_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


# ---------------------------------------------------------------- format

def mb(b):
    return b / 1e6


def f2(x):
    return "%.2f" % x


def kib_mb(k):
    return k * 1024 / 1e6


def times(x):
    return "%.2f×" % x


def ratio_text(a, b):
    """a over b as 'N× faster' style factor, always ≥ 1 in the words."""
    if a >= b:
        return "%.2f×" % (a / b)
    return "1/%.2f" % (b / a)


def met(ok):
    return "**met**" if ok else "**not met**"


def n(x):
    return "{:,}".format(x)


# ---------------------------------------------------------------- section

def build(r):
    meta = r.meta()
    ex = r.json("export.json")
    inp = ex["input_bytes"]
    raw = int(meta["corpus_bytes"])
    ncpu = os.cpu_count() or 0

    z = zhiku_summary(r, "zhiku")
    has_j1 = r.exists("zhiku-j1.out")
    z1 = zhiku_summary(r, "zhiku-j1") if has_j1 else None
    zr = zhiku_summary(r, "zhiku-rerun")
    zw, zrss, zcpu = r.time("zhiku")
    if has_j1:
        z1w, z1rss, z1cpu = r.time("zhiku-j1")
        z1size = r.number("zhiku-j1.size")
    zrw, zrrss, _ = r.time("zhiku-rerun")
    zsize = r.number("zhiku.size")
    zrsize = r.number("zhiku-rerun.size")
    zcsize = r.number("zhiku-compact.size")

    fts = r.json("fts5.out")
    ftsc = r.json("fts5-compact.json")
    fw, frss, fcpu = r.time("fts5")
    xap = r.json("xapian.out")
    xw, xrss, xcpu = r.time("xapian")
    xsize = r.number("xapian.size")
    xcsize = r.number("xapian-compact.size")

    # zhiku's own timer covers the raw bytes it read; the same seconds
    # over the passage input.
    def own_rate(s):
        secs = s["mb"] / s["rate"] if s["rate"] > 0 else s["seconds"]
        return mb(inp) / secs if secs > 0 else 0.0, secs

    z_own, _ = own_rate(z)
    if has_j1:
        z1_own, _ = own_rate(z1)

    rows = [
        # label, wall, CPU s, rss KiB, own-timer MB/s, size, compacted
        ("zhiku, %d threads (default)" % ncpu, zw, zcpu, zrss, z_own,
         zsize, zcsize),
        ("SQLite FTS5, trigram", fw, fcpu, frss,
         mb(inp) / fts["index_seconds"], fts["index_bytes"],
         ftsc["compact_bytes"]),
        ("Xapian, CJK n-grams", xw, xcpu, xrss,
         mb(inp) / xap["index_seconds"], xsize, xcsize),
    ]
    if has_j1:
        rows.insert(1, ("zhiku, `-j 1`", z1w, z1cpu, z1rss, z1_own, z1size,
                        None))
    z_rate = mb(inp) / zw
    f_rate = mb(inp) / fw
    x_rate = mb(inp) / xw
    f_own = mb(inp) / fts["index_seconds"]
    x_own = mb(inp) / xap["index_seconds"]

    out = []
    w = out.append
    w(BEGIN)
    w("## Indexing")
    w("")
    w("Generated by `bench/run-index.sh` on %s; rerun it to refresh this "
      "section (it builds zhiku and installs the Debian packages it needs)."
      % meta.get("started", "?"))
    w("")
    w("- Machine: %d cores (`nproc`), %s, %.0f GiB RAM; %s, kernel %s."
      % (ncpu, cpu_model(), mem_gib(), os_name(), platform.release()))
    w("- zhiku: %s, git %s, Release build (`build-bench/`): "
      "`zhiku-index -q -i DIR` on the corpus folders into a fresh index, "
      "with its default worker threads (one per core)%s."
      % (meta.get("zhiku_version", "?"), meta.get("git", "?"),
         ", then again into another fresh index with `-j 1`"
         if has_j1 else ""))
    w("- Peers, single-threaded, each in its own process "
      "(`bench/index_peers.py`, `/usr/bin/python3` %s): SQLite %s FTS5 "
      "through Python's `sqlite3`, `fts5(trail, text, tokenize='trigram')`, "
      "every passage inserted in one transaction; Xapian %s "
      "(`python3-xapian`), a `TermGenerator` with `FLAG_CJK_NGRAM`: "
      "`index_text(trail)`, `increase_termpos()`, `index_text(text)`, "
      "`add_document`, one commit at the end (Xapian's default flush every "
      "10,000 documents). Like zhiku and FTS5, the Xapian peer keeps the "
      "passage (trail and text) as the document data."
      % (platform.python_version(), fts.get("sqlite_version", "?"),
         xap.get("xapian_version", "?")))
    w("- Corpus: `%s`, %s files (`.md`, `.txt`; `SOURCES.md` and the "
      "`index.tsv` lists left out), %s bytes (%.1f MB) as read from disk. "
      "zhiku cut them into %s passages of %s reports; their text and "
      "heading trails are %s bytes (**%.1f MB**) of UTF-8. Both peers index "
      "exactly these passages, exported from zhiku's index (untimed), and "
      "every MB/s below is these %.1f MB over the seconds."
      % (os.path.relpath(meta.get("corpus", "?"), ROOT),
         n(int(meta["corpus_files"])), n(raw), mb(raw), n(ex["passages"]),
         n(ex["reports"]), n(inp), mb(inp), mb(inp)))
    w("- Method: the corpus files are read once before the runs, so that "
      "nobody reads them from disk. Wall seconds and peak RSS come from "
      "`/usr/bin/time -f '%%e %%M %%U %%S'` around each process (start-up, "
      "dictionary or module loading and, for the peers, reading the "
      "exported passages included). \"Own timer\": zhiku's summary line "
      "(reading, parsing, indexing, commits); for the peers, from opening "
      "the database to the end of the commit, less the time spent reading "
      "and decoding the exported passages. Index size: `du -sb` of the "
      "index folder, the database file for FTS5; × text = index size over "
      "the %.1f MB. Compacted: `xapian-compact` into a new folder; for "
      "FTS5, its `'optimize'` command then `VACUUM`. Load average (1, 5, "
      "15 min) before the runs: %s; after: %s."
      % (mb(inp), meta.get("loadavg_before", "?"),
         meta.get("loadavg_after", "?")))
    w("")
    w("### Results")
    w("")
    w("| indexer | wall s | MB/s | zhiku ÷ this | MB/s, own timer | "
      "CPU s | MB/s by CPU time | peak RSS MB | index MB | × text | "
      "compacted MB | × text |")
    w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for i, (label, wall, cpu, rss, own, size, csize) in enumerate(rows):
        rate = mb(inp) / wall
        w("| %s | %.1f | **%s** | %s | %s | %.1f | %s | %.1f | %.1f | %s "
          "| %s | %s |"
          % (label, wall, f2(rate),
             "—" if i == 0 else times(z_rate / rate), f2(own), cpu,
             f2(mb(inp) / cpu) if cpu > 0 else "—",
             kib_mb(rss), mb(size), times(size / inp),
             "—" if csize is None else "%.1f" % mb(csize),
             "—" if csize is None else times(csize / inp)))
    w("")
    w("MB/s: the %.1f MB of passages over the wall seconds. \"zhiku ÷ "
      "this\" divides zhiku's MB/s (default threads) by the row's. CPU s: "
      "user + system time of the process, all its threads; on a shared "
      "machine it is steadier than the wall time, but it does not show "
      "what zhiku's threads gain." % mb(inp))
    w("")
    w("- zhiku over the raw bytes it reads (%.1f MB of files): %.2f MB/s "
      "by wall time, %.2f MB/s by its own summary line (`%s`)%s."
      % (mb(raw), mb(raw) / zw, z["rate"], z["line"],
         "; with `-j 1`: %.2f and %.2f MB/s" % (mb(raw) / z1w, z1["rate"])
         if has_j1 else ""))
    w("- Incremental rerun of `zhiku-index -i DIR` on the same folders, "
      "nothing changed: **%.2f s** wall, peak RSS %.1f MB (`%s`); the "
      "index is %s afterwards."
      % (zrw, kib_mb(zrrss), zr["line"],
         "the same size" if zrsize == zsize else
         "%s bytes (was %s)" % (n(zrsize), n(zsize))))
    w("- `xapian-compact` shrinks zhiku's index from %.1f MB to %.1f MB "
      "(%s of it)." % (mb(zsize), mb(zcsize), "%.0f%%" % (100.0 * zcsize /
                                                         zsize)))
    w("")

    # goals
    speed = z_rate / x_rate
    speed_own = z_own / x_own
    # the pairs: zhiku, then the Xapian peer, N times; each pair's ratio
    # of wall times (the peer's over zhiku's: zhiku's speed over its)
    npairs = int(meta.get("pairs", "0") or 0)
    pair_ratios = []
    for k in range(1, npairs + 1):
        pzw = r.time("pair%d-zhiku" % k)[0]
        pxw = r.time("pair%d-xapian" % k)[0]
        if pzw > 0:
            pair_ratios.append(pxw / pzw)
    paired = statistics.median(pair_ratios) if pair_ratios else None
    # and zhiku's speed over FTS5's in the same rounds (runs before the
    # FTS5 pairs were added have none)
    fts_ratios = []
    for k in range(1, npairs + 1):
        if not r.exists("pair%d-fts5.time" % k):
            continue
        pzw = r.time("pair%d-zhiku" % k)[0]
        pfw = r.time("pair%d-fts5" % k)[0]
        if pzw > 0:
            fts_ratios.append(pfw / pzw)
    fts_paired = statistics.median(fts_ratios) if fts_ratios else None
    rss_mb = kib_mb(zrss)
    w("### Goals")
    w("")
    w("| goal | measured | |")
    w("|---|---|---|")
    decisive = paired if paired is not None else speed
    w("| zhiku MB/s ≥ %.0f× the Xapian CJK n-gram peer's, same run | "
      "%s%.2f× (%s vs %s MB/s by wall time; own timers: %.2f×; zhiku `-j 1`: "
      "%s; by CPU time: %.2f×) | %s |"
      % (SPEED_GOAL,
         "**%.2f×**, the median of %d pairs run in turn (%s); the runs "
         "above: " % (paired, len(pair_ratios),
                      ", ".join("%.2f×" % x for x in pair_ratios))
         if paired is not None else "",
         speed, f2(z_rate), f2(x_rate), speed_own,
         "%.2f×" % (x_rate and (mb(inp) / z1w) / x_rate) if has_j1
         else "not run", xcpu / zcpu if zcpu > 0 else 0.0,
         met(decisive >= SPEED_GOAL)))
    w("| zhiku index size ≤ the Xapian peer's compacted size | %.1f MB vs "
      "%.1f MB (%s vs %s the text) | %s |"
      % (mb(zsize), mb(xcsize), times(zsize / inp), times(xcsize / inp),
         met(zsize <= xcsize)))
    w("| zhiku-index peak RSS ≤ %.0f MB | %.1f MB (%.1f MiB)%s | %s |"
      % (RSS_GOAL_MB, rss_mb, zrss / 1024.0,
         "; `-j 1`: %.1f MB" % kib_mb(z1rss) if has_j1 else "",
         met(rss_mb <= RSS_GOAL_MB)))
    fsize = fts["index_bytes"]
    fdecisive = fts_paired if fts_paired is not None else z_rate / f_rate
    w("| zhiku MB/s ≥ SQLite FTS5 trigram's, same run (issue 24) | %s%.2f× "
      "(%s vs %s MB/s by wall time; by CPU time %.2f×) | %s |"
      % ("**%.2f×**, the median of %d rounds (%s); the runs above: "
         % (fts_paired, len(fts_ratios),
            ", ".join("%.2f×" % x for x in fts_ratios))
         if fts_paired is not None else "", z_rate / f_rate, f2(z_rate),
         f2(f_rate), fcpu / zcpu if zcpu > 0 else 0.0,
         met(fdecisive >= 1.0)))
    w("| zhiku index size ≤ SQLite FTS5 trigram's (issue 24) | %.1f MB vs "
      "%.1f MB (%.2f×; %s vs %s the text) | %s |"
      % (mb(zsize), mb(fsize), zsize / fsize, times(zsize / inp),
         times(fsize / inp), met(zsize <= fsize)))
    w("")
    w("Against SQLite FTS5 with trigrams:")
    w("")
    if z_rate >= f_rate:
        w("- speed: zhiku is %.2f× as fast (%s vs %s MB/s; own timers "
          "%.2f×)." % (z_rate / f_rate, f2(z_rate), f2(f_rate),
                       z_own / f_own))
    else:
        w("- speed: FTS5 is %.2f× as fast as zhiku (%s vs %s MB/s; own "
          "timers %.2f×; by CPU time %.2f×): zhiku has %.0f%% of its speed."
          % (f_rate / z_rate, f2(f_rate), f2(z_rate), f_own / z_own,
             zcpu / fcpu if fcpu > 0 else 0.0, 100.0 * z_rate / f_rate))
    if zsize <= fsize:
        w("- size: zhiku's index is %.2f× FTS5's (%.1f vs %.1f MB; %s vs %s "
          "the text)." % (zsize / fsize, mb(zsize), mb(fsize),
                          times(zsize / inp), times(fsize / inp)))
    else:
        w("- size: zhiku's index is %.2f× FTS5's (%.1f vs %.1f MB; %s vs %s "
          "the text): %.1f MB (%.0f%%) larger; compacted, %.1f vs %.1f MB."
          % (zsize / fsize, mb(zsize), mb(fsize), times(zsize / inp),
             times(fsize / inp), mb(zsize - fsize),
             100.0 * (zsize / fsize - 1), mb(zcsize),
             mb(ftsc["compact_bytes"])))
    w("")

    # earlier figures
    w("Earlier reference figures on this corpus, for comparison only:")
    w("")
    w("| peer | earlier MB/s | this run | earlier × text | this run | "
      "earlier compacted × text | this run |")
    w("|---|--:|--:|--:|--:|--:|--:|")
    for key, label, rate, size, csize in (
            ("fts5", "SQLite FTS5, trigram", f_rate, fsize,
             ftsc["compact_bytes"]),
            ("xapian", "Xapian, CJK n-grams", x_rate, xsize, xcsize)):
        er, es, ec = EARLIER[key]
        w("| %s | %s | %s | %.1f× | %.1f× | %s | %.1f× |"
          % (label, f2(er), f2(rate), es, size / inp,
             "—" if ec is None else "%.1f×" % ec, csize / inp))
    w("")

    # notes
    notes = []
    if z["failed"]:
        notes.append("zhiku-index skipped %d files it could not read (see "
                     "its messages in the run's `zhiku.err`)." % z["failed"])
    if z["new"] != int(meta["corpus_files"]):
        notes.append("zhiku-index took %s files as new, of %s in the "
                     "corpus." % (n(z["new"]), meta["corpus_files"]))
    if z["passages"] != ex["passages"]:
        notes.append("zhiku-index's summary counts %s passages, the "
                     "export %s." % (n(z["passages"]), n(ex["passages"])))
    if ex.get("not_passages"):
        notes.append("%d XP documents had no `zkp1` record and were "
                     "left out of the export." % ex["not_passages"])
    if zr["new"] or zr["updated"] or zr["removed"] or zr["failed"]:
        notes.append("The incremental rerun did not find everything "
                     "unchanged: `%s`." % zr["line"])
    if has_j1 and z1["passages"] != z["passages"]:
        notes.append("The `-j 1` run made %s passages, the default run %s."
                     % (n(z1["passages"]), n(z["passages"])))
    if has_j1 and abs(z1size - zsize) > 0.05 * zsize:
        notes.append("The `-j 1` index is %.1f MB, the default one %.1f MB."
                     % (mb(z1size), mb(zsize)))
    if fts["passages"] != ex["passages"] or xap["passages"] != ex["passages"]:
        notes.append("A peer indexed a different number of passages "
                     "(FTS5 %s, Xapian %s, exported %s)."
                     % (fts["passages"], xap["passages"], ex["passages"]))
    notes.append("zhiku indexes with %d worker threads by default; both "
                 "peers use one.%s" % (ncpu, " The `-j 1` row compares one "
                                       "thread with one." if has_j1 else ""))
    if zw > 0:
        notes.append("zhiku-index kept %.2f cores busy on average with its "
                     "%d threads (CPU seconds over wall seconds)%s."
                     % (zcpu / zw, ncpu,
                        "; with `-j 1`, %.2f" % (z1cpu / z1w)
                        if has_j1 and z1w > 0 else ""))
    if has_j1 and z1w < zw:
        notes.append("zhiku-index was faster with one thread than with its "
                     "default %d: %.1f s against %.1f s wall, %.1f against "
                     "%.1f CPU seconds." % (ncpu, z1w, zw, z1cpu, zcpu))
    busy = [(label, wall / cpu) for label, wall, cpu in
            (("FTS5", fw, fcpu), ("Xapian", xw, xcpu)) if cpu > 0]
    if any(x > 1.2 for _, x in busy):
        notes.append("The machine was busy with other work during the run: "
                     "the single-threaded peers took %s wall time per CPU "
                     "second (1.0 on an idle machine), so the wall-time "
                     "MB/s are all low; the ratios between indexers, and "
                     "the MB/s by CPU time, are the steadier figures."
                     % " and ".join("%.2f s (%s)" % (x, label)
                                    for label, x in busy))
    if pair_ratios:
        notes.append("Pairs: after the runs in the table, zhiku-index into "
                     "a fresh index and then the Xapian peer, %d times one "
                     "after the other; a pair's ratio is the peer's wall "
                     "seconds over zhiku's (%s s against %s s). The table's "
                     "runs are minutes apart, and this machine's speed "
                     "drifts over minutes; the runs of a pair share its "
                     "load, so their median ratio is the figure the goal "
                     "is judged on."
                     % (len(pair_ratios),
                        ", ".join("%.1f" % r.time("pair%d-xapian" % k)[0]
                                  for k in range(1, len(pair_ratios) + 1)),
                        ", ".join("%.1f" % r.time("pair%d-zhiku" % k)[0]
                                  for k in range(1, len(pair_ratios) + 1))))
    notes.append("The peers' wall time includes reading and decoding the "
                 "exported passages: %.1f s for FTS5 and %.1f s for Xapian "
                 "(their \"own timer\" leaves it out)."
                 % (fts["parse_seconds"], xap["parse_seconds"]))
    if r.exists("zhiku.stats"):
        st = [x.strip() for x in r.text("zhiku.stats").splitlines()
              if x.startswith(("passages:", "text:", "on disk:"))]
        if st:
            notes.append("`zhiku-index --stats` on the index: %s."
                         % "; ".join("`%s`" % re.sub(r"\s+", " ", x)
                                     for x in st))
    w("Notes:")
    w("")
    for x in notes:
        w("- " + x)
    w("")
    w(END)
    return "\n".join(out) + "\n"


def splice(doc_path, section):
    if os.path.exists(doc_path):
        with open(doc_path, encoding="utf-8") as f:
            doc = f.read()
    else:
        doc = "# Benchmarks\n"
    b = doc.find(BEGIN + "\n")
    e = doc.find(END, b + 1) if b >= 0 else -1
    if b >= 0 and e >= 0:
        e += len(END)
        if doc[e:e + 1] == "\n":
            e += 1
        doc = doc[:b] + section + doc[e:]
    else:
        if not doc.endswith("\n"):
            doc += "\n"
        if not doc.endswith("\n\n"):
            doc += "\n"
        doc += section
    with open(doc_path, "w", encoding="utf-8") as f:
        f.write(doc)


def main(argv):
    if len(argv) != 3:
        die("usage: index_report.py RESULTS_DIR DOC|-")
    section = build(Results(argv[1]))
    if argv[2] == "-":
        sys.stdout.write(section)
    else:
        splice(argv[2], section)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
