#!/usr/bin/python3
"""bench/query_report.py - turn the results of bench/run-query.sh into
docs/benchmarks-query.md.

    query_report.py RESULTS.json META.tsv DOC|-

RESULTS.json is what `query_peers.py run` wrote; META.tsv holds "key<TAB>
value" lines about the run (date, corpus, versions) written by
run-query.sh.  DOC is overwritten ("-" prints the page instead).

Percentiles are nearest-rank over all timed samples of a system (every
query, every round after the warm-up): pN is the smallest sample that at
least N % of the samples do not exceed.
"""
import json
import math
import os
import platform
import statistics
import sys

SYSTEMS = ["zhiku", "fts5", "xapian"]
PEERS = ["fts5", "xapian"]
LABEL = {
    "zhiku": "zhiku (libzhiku, C)",
    "fts5": "SQLite FTS5 trigram (Python sqlite3)",
    "xapian": "Xapian CJK n-grams (python3-xapian)",
}
SHORT = {"zhiku": "zhiku", "fts5": "FTS5", "xapian": "Xapian"}
KIND_NAMES = {
    "policy": "policy terms",
    "name": "names",
    "number": "numbers",
    "char": "single characters",
    "latin": "Latin",
    "multi": "several words",
}
# Measured earlier on this corpus, in-process, Python drivers (p50, p99 ms).
EARLIER = [
    ("Xapian CJK n-grams", 2.2, 21.0),
    ("jieba words in Xapian", 1.1, 33.0),
    ("SQLite FTS5 trigram", 5.5, 1800.0),
]
CLI_GOAL_MS = 5.0
SLOWEST = 8


def die(msg):
    sys.stderr.write("query_report.py: %s\n" % msg)
    sys.exit(1)


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


# ---------------------------------------------------------------- numbers

def pct(sorted_xs, q):
    """Nearest-rank percentile q (0..1) of a sorted list."""
    if not sorted_xs:
        return float("nan")
    k = max(1, math.ceil(q * len(sorted_xs)))
    return sorted_xs[k - 1]


def ms(x):
    """Seconds as milliseconds, with sensible precision."""
    if x is None or x != x:
        return "—"
    v = x * 1e3
    if v < 10:
        return "%.2f" % v
    if v < 100:
        return "%.1f" % v
    return "{:,.0f}".format(v)


def ratio(a, b):
    if not b or a != a or b != b:
        return "—"
    return "%.2f" % (a / b)


def num(x):
    return "{:,}".format(x) if isinstance(x, int) else str(x)


def met(ok):
    return "**met**" if ok else "**not met**"


def cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------- data

class Run:
    def __init__(self, res, meta):
        self.res = res
        self.meta = meta
        self.queries = res["queries"]
        self.nq = len(self.queries)
        self.samples = {}   # system -> sorted list of seconds
        self.medians = {}   # system -> [median seconds per query]
        self.failed = {}    # system -> [query numbers that failed]
        self.by_query = {}  # system -> [[seconds...] per query]
        for s in SYSTEMS:
            sysres = res["systems"][s]
            counted = sysres["rounds"][1:]  # the first is the warm-up
            per = [[] for _ in range(self.nq)]
            bad = set()
            for rnd in counted:
                for i, t in enumerate(rnd):
                    if t is None:
                        continue
                    if t < 0:
                        bad.add(i)
                        continue
                    per[i].append(t)
            self.by_query[s] = per
            self.samples[s] = sorted(t for ts in per for t in ts)
            self.medians[s] = [statistics.median(ts) if ts else float("nan")
                               for ts in per]
            self.failed[s] = sorted(bad)
        self.counted_rounds = len(res["systems"]["zhiku"]["rounds"]) - 1
        # Minor page faults per query: median over the counted rounds.
        self.faults = {}
        for s in SYSTEMS:
            per = [[] for _ in range(self.nq)]
            for rnd in (res["systems"][s].get("minflt") or [])[1:]:
                for i, f in enumerate(rnd or []):
                    if f is not None:
                        per[i].append(f)
            self.faults[s] = [statistics.median(x) if x else None
                              for x in per]

    def info(self, s, i):
        inf = self.res["systems"][s].get("info") or []
        return inf[i] if i < len(inf) else {}

    def stats(self, s, xs=None):
        xs = self.samples[s] if xs is None else xs
        return {
            "p50": pct(xs, 0.50), "p90": pct(xs, 0.90), "p99": pct(xs, 0.99),
            "max": xs[-1] if xs else float("nan"),
            "mean": statistics.fmean(xs) if xs else float("nan"),
            "n": len(xs),
        }


# ---------------------------------------------------------------- page

def build(run):
    m = run.meta
    res = run.res
    out = []
    w = out.append
    st = {s: run.stats(s) for s in SYSTEMS}
    med_st = {s: run.stats(s, sorted(x for x in run.medians[s] if x == x))
              for s in SYSTEMS}
    zs = st["zhiku"]

    # ---- goals
    p50_ok = all(zs["p50"] < st[p]["p50"] for p in PEERS)
    p99_ok = all(zs["p99"] < st[p]["p99"] for p in PEERS)
    cli = cli_rows(run)
    cli_med = (statistics.median([r["overhead"] for r in cli])
               if cli else None)

    w("# Query latency benchmark\n")
    w("Generated by `bench/run-query.sh` on %s; rerun it to refresh this "
      "page. The machine is shared with other work and noisy, so the figures "
      "are medians and percentiles over %d timed rounds, and the ratios "
      "between systems measured in the same run say more than any single "
      "figure.\n" % (m.get("finished", m.get("started", "?")),
                     run.counted_rounds))
    w("## Result\n")
    w("Latency of one query, top 10 passages with a snippet each, in "
      "milliseconds over all %s timed samples per system (%d queries × %d "
      "rounds):\n" % (num(zs["n"]), run.nq, run.counted_rounds))
    w("| system | p50 | p90 | p99 | max | mean | zhiku ÷ this, p50 | "
      "zhiku ÷ this, p99 |")
    w("|---|--:|--:|--:|--:|--:|--:|--:|")
    for s in SYSTEMS:
        x = st[s]
        w("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            LABEL[s], ms(x["p50"]), ms(x["p90"]), ms(x["p99"]),
            ms(x["max"]), ms(x["mean"]),
            "—" if s == "zhiku" else ratio(zs["p50"], x["p50"]),
            "—" if s == "zhiku" else ratio(zs["p99"], x["p99"])))
    w("")
    fl = {s: [f for rnd in (res["systems"][s].get("minflt") or [])[1:]
              for f in (rnd or []) if f is not None] for s in SYSTEMS}
    if all(fl.values()):
        w("Minor page faults per timed query (`ru_minflt` before and after, "
          "outside the timed span), mean over all samples: %s. "
          "In a warm process the queries reuse memory, so their time is "
          "computation, not page faults (which cost about %s µs each on "
          "this virtual machine; a fresh process, below, is another "
          "matter).\n" % (", ".join(
              "%s %.2f" % (SHORT[s], statistics.fmean(fl[s]))
              for s in SYSTEMS),
              "%.0f" % statistics.median(res["page_fault_us"])
              if res.get("page_fault_us") else "?"))
    w("The same over the per-query medians (one figure per query, the "
      "median of its %d rounds; less sensitive to a stray slow sample):\n"
      % run.counted_rounds)
    w("| system | p50 | p90 | p99 (= slowest query) | zhiku ÷ this, p50 | "
      "zhiku ÷ this, p99 |")
    w("|---|--:|--:|--:|--:|--:|")
    zm = med_st["zhiku"]
    for s in SYSTEMS:
        x = med_st[s]
        w("| %s | %s | %s | %s | %s | %s |" % (
            SHORT[s], ms(x["p50"]), ms(x["p90"]), ms(x["p99"]),
            "—" if s == "zhiku" else ratio(zm["p50"], x["p50"]),
            "—" if s == "zhiku" else ratio(zm["p99"], x["p99"])))
    w("")
    w("Goals:\n")
    w("- zhiku's p50 below every peer's in the same run: %s (zhiku %s ms; "
      "FTS5 %s ms, Xapian %s ms)." % (met(p50_ok), ms(zs["p50"]),
                                      ms(st["fts5"]["p50"]),
                                      ms(st["xapian"]["p50"])))
    w("- zhiku's p99 below every peer's in the same run: %s (zhiku %s ms; "
      "FTS5 %s ms, Xapian %s ms)." % (met(p99_ok), ms(zs["p99"]),
                                      ms(st["fts5"]["p99"]),
                                      ms(st["xapian"]["p99"])))
    if cli_med is not None:
        w("- A one-shot `zhiku-query` process adds at most %g ms to the "
          "library's time (median over %d queries, warm page cache): %s "
          "(%s ms)." % (CLI_GOAL_MS, len(cli), met(cli_med * 1e3 <=
                                                     CLI_GOAL_MS),
                        "%.2f" % (cli_med * 1e3)))
    else:
        w("- One-shot `zhiku-query` overhead: not measured in this run.")
    fails = {s: run.failed[s] for s in SYSTEMS if run.failed[s]}
    if fails:
        w("- Queries that failed (left out of the figures): " + "; ".join(
            "%s: %s" % (SHORT[s], ", ".join(
                run.queries[i]["query"] for i in v))
            for s, v in fails.items()) + ".")
    w("")
    w("Measured earlier on this corpus (in-process, Python drivers), for "
      "comparison: " + "; ".join(
          "%s p50 %g ms / p99 %s ms" % (n, a, "{:,g}".format(b))
          for n, a, b in EARLIER) + ".\n")

    # ---- setup
    w("## Setup\n")
    busy = res.get("other_cores_busy")
    w("- Machine: %s cores (`nproc`), %s, %.0f GiB RAM; %s, kernel %s. "
      "Load average before the run %s, after %s%s." % (
          m.get("nproc", os.cpu_count()), cpu_model(), mem_gib(), os_name(),
          platform.release(), m.get("loadavg_before", "?"),
          m.get("loadavg_after", "?"),
          "; other processes kept %.2f cores busy on average during the "
          "timed rounds" % busy if busy is not None else ""))
    w("- zhiku: %s, git %s, Release build (`build-qbench/`), linked "
      "against the shared libzhiku." % (m.get("zhiku_version", "?"),
                                         m.get("git", "?")))
    fr = res["systems"]["fts5"]["ready"]
    xr = res["systems"]["xapian"]["ready"]
    w("- Peers: SQLite %s (Debian 12, Python `sqlite3` of `/usr/bin/python3`"
      " %s); Xapian %s (`python3-xapian`)." % (
          fr.get("version", "?"), m.get("python", platform.python_version()),
          xr.get("version", "?")))
    w("- Corpus: `%s`, %s files, %s bytes (%.0f MB); %s passages from %s "
      "reports as zhiku extracted them. Every system searches exactly these "
      "passages (text and heading trail): zhiku its own index, the peers "
      "databases built from `passages.jsonl` by `bench/index_peers.py`. "
      "Index sizes: zhiku %s MB, FTS5 %s MB, Xapian n-grams %s MB." % (
          m.get("corpus", "?"), num(int(m.get("corpus_files", 0))),
          num(int(m.get("corpus_bytes", 0))),
          int(m.get("corpus_bytes", 0)) / 1e6,
          num(int(m.get("passages", 0))), num(int(m.get("reports", 0))),
          mbs(m.get("zhiku_bytes")), mbs(m.get("fts5_bytes")),
          mbs(m.get("xapian_bytes"))))
    w("- Indexes, built before the run and not timed here: `zhiku-index` "
      "of every folder of the corpus; `bench/index_peers.py export` of its "
      "passages, then `index_peers.py fts5` and `index_peers.py xapian` on "
      "them (see `bench/run-query.sh --help`).")
    kinds = {}
    for q in run.queries:
        kinds.setdefault(q["kind"], []).append(q["query"])
    w("- Queries: %d from `bench/queries.txt`: %s." % (run.nq, "; ".join(
        "%d %s (%s)" % (len(v), KIND_NAMES.get(k, k),
                        "、".join("`%s`" % x for x in v[:6]) +
                        ("…" if len(v) > 6 else ""))
        for k, v in kinds.items())))
    w("")
    w("## Method\n")
    w("Each system runs in its own process, opens its index once and "
      "then times, per query, the whole work of a results page with the "
      "wall clock (`CLOCK_MONOTONIC`: `clock_gettime` in C, "
      "`time.perf_counter` in Python):\n")
    w("- **zhiku** (`bench/query_bench.c`): `zk_searcher_query()` with "
      "`ZK_SEARCH_OPTIONS_INIT` (10 hits, at most 3 passages per report), "
      "`zk_results_next()` over the hits and `zk_hit_snippet(hit, 160, …)` "
      "for each, then `zk_results_free()`. With these default options the "
      "hits are exact and the totals may be estimates (`exact_counts` 0); "
      "the untimed counts below ask for exact totals. Like any searcher "
      "kept open, the driver's keeps the lengths of the passages earlier "
      "queries ranked (for BM25, until the index changes), so from the "
      "warm-up round on a repeated query does not read them again; a "
      "fresh searcher reads them with the query, which the one-shot "
      "`zhiku-query` figures below include.")
    hows = {}
    for i in range(run.nq):
        h = run.info("fts5", i).get("how")
        if h:
            hows[h] = hows.get(h, 0) + 1
    w("- **SQLite FTS5** (`bench/query_peers.py`), table `p(trail, text)` "
      "with the trigram tokenizer. Words (split at spaces, all required, as "
      "in zhiku) of 3 or more characters go into one `MATCH` of quoted "
      "strings, `ORDER BY rank` (bm25) `LIMIT 10`, with `snippet(p, -1, "
      "…, 64)`; shorter words, which a trigram index cannot look up, are "
      "checked with `instr()` on the rows the `MATCH` found. When every "
      "word is under 3 characters (single characters, 2-character words "
      "and `5G`, most multi-word queries) no index can help, so the query "
      "is a full scan of FTS5's content table with `instr()` on text and "
      "trail (lower-cased first for Latin words, as the tokenizer folds "
      "case), ranked by BM25's term-frequency part (no idf, which would "
      "need a second scan) and shown with a 64-character window around "
      "the first match. `LIKE` is avoided: on a trigram table SQLite 3.40 "
      "returns no rows for patterns under 3 characters (`LIKE '%%乡村%%'`) "
      "and has crashed on two `LIKE`s. Scanning `p_content` directly is "
      "about twice as fast as scanning the virtual table, and the database "
      "is memory-mapped (`PRAGMA mmap_size`), both to give FTS5 its best "
      "showing. Plans in this run: %s." % ", ".join(
          "%s %d" % (k, v) for k, v in sorted(hows.items())))
    w("- **Xapian CJK n-grams** (`bench/query_peers.py`): `QueryParser` "
      "with `FLAG_DEFAULT | FLAG_CJK_NGRAM` and default operator AND (so "
      "that `城乡 融合` requires both words, as in zhiku), "
      "`Enquire.get_mset(0, 10)`, and for each hit the document data "
      "(trail + text) and `MSet.snippet(data, 200, Stem(\"none\"), "
      "SNIPPET_BACKGROUND_MODEL | SNIPPET_EXHAUSTIVE | SNIPPET_CJK_NGRAM)`.")
    w("")
    w("Before the timed rounds each system runs every query once untimed, "
      "for the result counts below. Then %d rounds, the first a warm-up "
      "that is not counted; in each round every system runs every query "
      "once, one system after the other (their order rotating from round "
      "to round), in a query order shuffled each round and the same for "
      "all systems. Everything is in the page cache: the run is warm."
      % (run.counted_rounds + 1))
    w("")

    # ---- by kind
    w("## By kind of query\n")
    w("p50 / p99 in ms over the samples of each kind:\n")
    w("| kind | queries | zhiku | FTS5 | Xapian |")
    w("|---|--:|--:|--:|--:|")
    for k in kinds:
        idx = [i for i, q in enumerate(run.queries) if q["kind"] == k]
        cells = []
        for s in SYSTEMS:
            xs = sorted(t for i in idx for t in run.by_query[s][i])
            cells.append("%s / %s" % (ms(pct(xs, .5)), ms(pct(xs, .99))))
        w("| %s | %d | %s |" % (KIND_NAMES.get(k, k), len(idx),
                                " | ".join(cells)))
    w("")

    # ---- slowest
    w("## Slowest queries of each system\n")
    w("Per-query medians in ms; counts are the matching passages "
      "(zhiku: `zk_results_info()` with `exact_counts`; FTS5: `count(*)` "
      "with the same conditions; Xapian: the exact match count).\n")
    for s in SYSTEMS:
        order = sorted(range(run.nq), key=lambda i: -nz(run.medians[s][i]))
        w("### %s\n" % SHORT[s])
        w("| query | kind | zhiku | FTS5 | Xapian | passages: zhiku | FTS5 "
          "| Xapian |")
        w("|---|---|--:|--:|--:|--:|--:|--:|")
        for i in order[:SLOWEST]:
            w(query_row(run, i, bold=s))
        w("")

    # ---- counts
    w("## Result counts\n")
    w(counts_text(run))
    w("")

    # ---- CLI
    w("## One-shot `zhiku-query`\n")
    if cli:
        c = res["cli"]
        reopen = sorted(res["systems"]["zhiku"].get("reopen", []))
        w("The whole process `zhiku-query -i INDEX --limit 10 --color=never "
          "QUERY > /dev/null`, started with `posix_spawn()` and reaped with "
          "`wait4()` by `zhiku-query-bench cli`: %d runs per query after "
          "one warm-up round, the queries taking turns. Right after each "
          "process the driver runs the same query itself, in-process with "
          "the index already open, so that both are measured under the "
          "same load. The overhead is the median process time minus the "
          "median in-process time: process start-up, loading the shared "
          "libraries, the dictionary map, opening the index, the work a "
          "fresh process does that a warm one does not (first touches of "
          "memory), and printing.\n" % c["runs"])
        w("| query | process median | in-process median | overhead | "
          "overhead, minima | overhead, CPU time | page faults |")
        w("|---|--:|--:|--:|--:|--:|--:|")
        for r in cli:
            w("| `%s` | %s | %s | **%s** | %s | %s | %s |" % (
                cell(r["query"]), ms(r["median"]), ms(r["lib"]),
                ms(r["overhead"]), ms(r["overhead_min"]),
                ms(r["overhead_cpu"]), num(r["minflt"])))
        w("")
        w("\"Overhead, minima\" is the fastest process minus the fastest "
          "in-process run, what a quiet machine would approach; \"overhead, "
          "CPU time\" the child's CPU time (`wait4()`) minus the in-process "
          "query's (`CLOCK_PROCESS_CPUTIME_ID`), medians, which waiting for "
          "a core does not inflate.\n")
        w("- Median overhead: **%.2f ms** (goal ≤ %g ms: %s); range %s–%s "
          "ms. By minima %s ms, by CPU time %s ms (medians over the "
          "queries)." % (
              cli_med * 1e3, CLI_GOAL_MS,
              met(cli_med * 1e3 <= CLI_GOAL_MS),
              ms(min(r["overhead"] for r in cli)),
              ms(max(r["overhead"] for r in cli)),
              ms(statistics.median(r["overhead_min"] for r in cli)),
              ms(statistics.median(r["overhead_cpu"] for r in cli))))
        parts = []
        for key, what in (("true", "`/bin/true`"),
                          ("floor-xapian", "`zhiku-floor-xapian` (does "
                                           "nothing; loads libxapian and "
                                           "what it needs)"),
                          ("floor-deps", "`zhiku-floor-deps` (does nothing; "
                                         "loads every library of "
                                         "zhiku-query but libzhiku)"),
                          ("version", "`zhiku-query --version` (libraries "
                                      "loaded, no dictionary, no index)")):
            e = c.get(key)
            if isinstance(e, dict) and e.get("times"):
                parts.append((what, statistics.median(e["times"]),
                              statistics.median(e["cpu"]),
                              int(statistics.median(e["minflt"]))))
        qcpu = statistics.median([r["cpu"] for r in cli])
        qflt = int(statistics.median([r["minflt"] for r in cli]))
        qwall = statistics.median([r["median"] for r in cli])
        if parts:
            w("- Where the time goes, medians of the same spawned runs:\n")
            w("  | process | wall ms | CPU ms | minor page faults |")
            w("  |---|--:|--:|--:|")
            for what, wall, cpu, flt in parts:
                w("  | %s | %s | %s | %s |" % (what, ms(wall), ms(cpu),
                                               num(flt)))
            w("  | `zhiku-query` with a query (median of the queries above) "
              "| %s | %s | %s |" % (ms(qwall), ms(qcpu), num(qflt)))
            w("")
            t_wall, t_cpu, t_flt = parts[0][1], parts[0][2], parts[0][3]
            floors = {k: statistics.median(c[k]["times"])
                      for k in ("floor-xapian", "floor-deps")
                      if isinstance(c.get(k), dict) and c[k].get("times")}
            if len(floors) == 2:
                w("  The floors are C programs with an empty `main()`, linked "
                  "with `--no-as-needed` (`bench/startup_floor.c`): what "
                  "starting a process with those libraries costs before any "
                  "code runs. Loading libxapian alone costs %s ms more than "
                  "`/bin/true`; all of zhiku-query's libraries but libzhiku "
                  "%s ms. Counted with the process start itself (`/bin/true`, "
                  "%s ms), that is %s ms of the %g ms budget spent before "
                  "zhiku's first instruction, on this machine; Debian 12 has "
                  "no static libxapian to link instead."
                  % (ms(floors["floor-xapian"] - t_wall),
                     ms(floors["floor-deps"] - t_wall), ms(t_wall),
                     ms(floors["floor-deps"]), CLI_GOAL_MS))
                w("")
            if "version" in c and c["version"].get("times"):
                v_wall = statistics.median(c["version"]["times"])
                w("  `zhiku-query --version` does nothing but start with its "
                  "shared libraries (libzhiku, libxapian, libstdc++, …): "
                  "%s ms more than `/bin/true`, before any dictionary or "
                  "index work. The dictionary map, the index open, the "
                  "query and the output then add %s ms (a query process "
                  "minus `--version`, library time included)."
                  % (ms(v_wall - t_wall), ms(qwall - v_wall)))
                w("")
            pf = res.get("page_fault_us")
            if pf:
                w("  For scale, a page fault (first write to a fresh "
                  "anonymous page) costs %.1f µs on this virtual machine "
                  "(median of %d runs of 1,024 pages), so the %s pages a query process touches "
                  "beyond `/bin/true`'s cost about %.1f ms by themselves."
                  % (statistics.median(pf), len(pf), num(qflt - t_flt),
                     (qflt - t_flt) * statistics.median(pf) / 1e3))
            w("")
        if reopen:
            w("- `zk_searcher_open()` of the index in a process that has "
              "opened it before (dictionary and index files cached): median "
              "%s ms over %d reopenings; the first open in the driver took "
              "%s ms." % (ms(statistics.median(reopen)), len(reopen),
                          ms(res["systems"]["zhiku"]["ready"].get(
                              "open_seconds"))))
        bad = [r for r in cli if r["status"] > 1]
        if bad:
            w("- zhiku-query failed (exit status > 1) for: %s." % ", ".join(
                "`%s` (%d)" % (r["query"], r["status"]) for r in bad))
    else:
        w("Not measured in this run.")
    w("")

    # ---- all queries
    w("## Every query\n")
    w("Per-query medians in ms and matching passages, in the order of "
      "`bench/queries.txt`.\n")
    w("| query | kind | zhiku | FTS5 | Xapian | passages: zhiku | FTS5 "
      "| Xapian |")
    w("|---|---|--:|--:|--:|--:|--:|--:|")
    for i in range(run.nq):
        w(query_row(run, i))
    w("")
    return "\n".join(out).rstrip("\n") + "\n"


def nz(x):
    return x if x == x else -1.0


def mbs(b):
    try:
        return "{:,.0f}".format(int(b) / 1e6)
    except (TypeError, ValueError):
        return "?"


def count_of(run, s, i):
    inf = run.info(s, i)
    if not inf or not inf.get("ok"):
        return None
    return inf.get("passages")


def query_row(run, i, bold=None):
    q = run.queries[i]
    times = []
    for s in SYSTEMS:
        t = ms(run.medians[s][i])
        times.append("**%s**" % t if s == bold else t)
    counts = []
    for s in SYSTEMS:
        n = count_of(run, s, i)
        counts.append("—" if n is None else num(n))
    fh = run.info("fts5", i).get("how")
    if fh == "scan":
        counts[1] += " (scan)"
    return "| `%s` | %s | %s | %s |" % (cell(q["query"]), q["kind"],
                                       " | ".join(times), " | ".join(counts))


def counts_text(run):
    agree, differ, xsame, xdiff = [], [], 0, []
    for i in range(run.nq):
        z, f, x = (count_of(run, s, i) for s in SYSTEMS)
        q = run.queries[i]["query"]
        if z is None or f is None:
            continue
        if z == f:
            agree.append(i)
        else:
            differ.append((q, z, f))
        if x is not None:
            if x == z:
                xsame += 1
            else:
                xdiff.append((q, z, x))
    lines = []
    lines.append(
        "zhiku promises literal matches: a passage matches a word exactly "
        "when the word occurs, after NFKC and case folding, in its text or "
        "heading trail. FTS5 as driven here is also a substring search "
        "(trigram phrases, `instr()`), folding only case, so the two should "
        "agree except where normalisation matters. Xapian's n-gram query "
        "asks for the word's characters and character pairs anywhere in "
        "the passage, not for the word as a string, so it can find more "
        "(`3%`: `3` and `%` anywhere); and it indexes a run of digits or "
        "Latin letters as one term, so it can also find less (`870亿元` "
        "misses `2870亿元`).\n")
    lines.append("- zhiku and FTS5 give the same count for %d of %d "
                 "queries." % (len(agree), len(agree) + len(differ)))
    if differ:
        lines.append("- They differ on: " + "; ".join(
            "`%s` zhiku %s, FTS5 %s" % (q, num(z), num(f))
            for q, z, f in differ) + ".")
    lines.append("- Xapian's count equals zhiku's for %d queries; it "
                 "differs on %d%s." % (
                     xsame, len(xdiff), (": " + "; ".join(
                         "`%s` zhiku %s, Xapian %s" % (q, num(z), num(x))
                         for q, z, x in xdiff[:12]) +
                         ("; …" if len(xdiff) > 12 else ""))
                     if xdiff else ""))
    inexact = [run.queries[i]["query"] for i in range(run.nq)
               if run.info("zhiku", i).get("exact") is False]
    if inexact:
        lines.append("- zhiku's totals were estimates, although asked for "
                     "exact counts, for: %s." % ", ".join(
                         "`%s`" % q for q in inexact))
    z0 = [run.queries[i]["query"] for i in range(run.nq)
          if count_of(run, "zhiku", i) == 0]
    if z0:
        lines.append("- Queries with no match in zhiku: %s." % ", ".join(
            "`%s`" % q for q in z0))
    short = [i for i in range(run.nq)
             if (run.info("zhiku", i).get("hits") or 0) <
             min(10, count_of(run, "zhiku", i) or 0)]
    if short:
        lines.append("- Queries where zhiku returned fewer than 10 hits "
                     "although more passages match (the limit of 3 "
                     "passages per report): %s." % ", ".join(
                         "`%s`" % run.queries[i]["query"] for i in short))
    return "\n".join(lines)


def cli_rows(run):
    c = run.res.get("cli")
    if not c:
        return []
    rows = []
    for e in c["queries"]:
        ts = sorted(e["times"])
        if e.get("library"):
            lib = statistics.median(e["library"])
            lib_min = min(e["library"])
        else:
            lib = lib_min = run.medians["zhiku"][e["index"]]
        cpu = statistics.median(e.get("cpu") or [0.0])
        lib_cpu = statistics.median(e.get("library_cpu") or [float("nan")])
        med = statistics.median(ts)
        rows.append({"query": e["query"], "median": med, "min": ts[0],
                     "lib": lib, "overhead": med - lib,
                     "overhead_min": ts[0] - lib_min,
                     "overhead_cpu": cpu - lib_cpu,
                     "cpu": cpu,
                     "minflt": int(statistics.median(e.get("minflt") or
                                                     [0])),
                     "status": e.get("status", 0)})
    return rows


def read_meta(path):
    m = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if "\t" in line:
                    k, v = line.split("\t", 1)
                    m[k] = v
    return m


def main(argv):
    if len(argv) != 4:
        die("usage: query_report.py RESULTS.json META.tsv DOC|-")
    with open(argv[1], encoding="utf-8") as f:
        res = json.load(f)
    page = build(Run(res, read_meta(argv[2])))
    if argv[3] == "-":
        sys.stdout.write(page)
    else:
        with open(argv[3], "w", encoding="utf-8") as f:
            f.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
