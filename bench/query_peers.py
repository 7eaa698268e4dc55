#!/usr/bin/python3
"""bench/query_peers.py - the peers of the query latency benchmark, and the
loop that runs zhiku and the peers side by side (bench/run-query.sh).

  serve fts5 DB QUERIES
  serve xapian DIR QUERIES
      A peer worker.  It opens its database once and then obeys the same
      line protocol on stdin as `zhiku-query-bench serve` (see
      bench/query_bench.c): "round I0 I1 ...", "info", "quit".

  run --zhiku-bench BIN --zhiku-index DIR --fts5 DB --xapian DIR
      --queries FILE [--rounds N] [--seed S] [--cli ZHIKU_QUERY]
      [--cli-runs N] [--out FILE]
      Start the three workers (zhiku's C driver and the two peers above,
      each its own process), ask each for its untimed "info" (result
      counts), then run N rounds (the first one a warm-up).  In each round
      every system runs every query once, one system after the other, so
      that the machine's ups and downs fall on all of them alike; the query
      order is shuffled each round (the same order for every system) and the
      order of the systems rotates.  Then, with --cli, times whole
      zhiku-query processes through `zhiku-query-bench cli`.  Writes one
      JSON document (--out, else stdout).

What each system does for one timed query: the top 10 results with a
snippet for each, from the query string as a user typed it.

  zhiku   zk_searcher_query() (10 hits, at most 3 per report),
          zk_hit_snippet(hit, 160) for every hit.
  fts5    SQLite FTS5, trigram tokenizer.  Words are split at spaces and all
          must occur (as in zhiku).  Words of 3 characters or more go into
          one MATCH expression of quoted strings ("新质生产力" AND "GDP"),
          ranked by bm25() and shown with snippet(); shorter words, which a
          trigram index cannot look up, are checked with instr() on the
          MATCH's rows.  When every word is shorter than 3 characters no
          index can help: the rows are found by a full scan of the table's
          content (instr() on text and trail, lower() first when the word
          has Latin letters, as the trigram tokenizer folds case), ranked
          by the term-frequency part of BM25 (k1 1.2, b 0.75, no idf, which
          would need a second scan) and shown with a 64-character window
          around the first match.  LIKE is not used: SQLite 3.40's trigram
          LIKE misses rows for patterns under 3 characters and has been
          seen to crash on two LIKEs.  The full scan reads FTS5's content
          table p_content directly, about twice as fast as scanning the
          virtual table; the connection maps the file (PRAGMA mmap_size).
  xapian  Xapian's own CJK n-gram search: a QueryParser with FLAG_DEFAULT |
          FLAG_CJK_NGRAM and the default operator AND (so that "城乡 融合"
          asks for both, as in zhiku), Enquire.get_mset(0, 10), and
          MSet.snippet(data, 200, Stem("none"), SNIPPET_BACKGROUND_MODEL |
          SNIPPET_EXHAUSTIVE | SNIPPET_CJK_NGRAM) for every hit.

Timing: time.perf_counter() (CLOCK_MONOTONIC) around the whole query,
in-process, as the C driver does with clock_gettime(CLOCK_MONOTONIC).
The minor page faults of each query (getrusage) are recorded too, outside
the timed span: on a virtual machine where a fault is dear they explain
part of the time.
"""
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time

K1, B = 1.2, 0.75
FTS5_SNIPPET_TOKENS = 64
WINDOW_CHARS = 64
XAPIAN_SNIPPET_BYTES = 200

# Queries whose whole zhiku-query process is timed (--cli), if present in
# the query file: a few of every kind.
CLI_QUERIES = ["共同富裕", "高质量发展", "新质生产力", "习近平", "李强",
               "5.2%", "2024年", "江", "水", "5G", "GDP", "城乡 融合",
               "科技 创新 人才"]


def die(msg):
    sys.stderr.write("query_peers.py: %s\n" % msg)
    sys.exit(1)


def read_queries(path):
    """[(kind, query)] from a query file (see bench/queries.txt)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            if "\t" in line:
                kind, q = line.split("\t", 1)
            else:
                kind, q = "other", line
            out.append((kind, q))
    if not out:
        die("no queries in %s" % path)
    return out


# ---------------------------------------------------------------- FTS5

def has_latin(s):
    return any("A" <= c <= "Z" or "a" <= c <= "z" for c in s)


def fts5_string(term):
    return '"' + term.replace('"', '""') + '"'


class Fts5:
    name = "fts5"

    def __init__(self, db):
        import sqlite3

        if not os.path.exists(db):
            die("no database %s" % db)
        self.con = sqlite3.connect("file:%s?mode=ro" % db, uri=True,
                                   check_same_thread=False)
        self.con.execute("PRAGMA mmap_size = %d" % (1 << 34))
        # Untimed: the average passage length, for the full-scan ranking.
        row = self.con.execute(
            "SELECT avg(length(c0) + length(c1)) FROM p_content").fetchone()
        self.avgdl = float(row[0] or 1.0)
        self.version = sqlite3.sqlite_version

    def plan(self, query):
        """How to find the top 10 of `query`: a dict with the table, the
        WHERE clause and its arguments, the select list and its arguments,
        the ORDER BY, and "how": "match", "match+instr" or "scan"."""
        terms = query.split()
        longs = [t for t in terms if len(t) >= 3]
        shorts = [t for t in terms if len(t) < 3]
        if longs:
            where = ["p MATCH ?"]
            args = [" AND ".join(fts5_string(t) for t in longs)]
            for t in shorts:
                if has_latin(t):
                    where.append("(instr(lower(text), ?) > 0 OR "
                                 "instr(lower(trail), ?) > 0)")
                    args += [t.lower(), t.lower()]
                else:
                    where.append("(instr(text, ?) > 0 OR "
                                 "instr(trail, ?) > 0)")
                    args += [t, t]
            return {"table": "p", "where": " AND ".join(where),
                    "args": args,
                    "select": "rowid, snippet(p, -1, '[', ']', '…', %d)"
                              % FTS5_SNIPPET_TOKENS,
                    "select_args": [], "order": "rank",
                    "how": "match+instr" if shorts else "match"}
        # Full scan of the content table: c0 is the trail, c1 the text.
        where, args, parts, sargs = [], [], [], []
        dl = "(length(c0) + length(c1))"
        norm = "%g * (1 - %g + %g * %s / %r)" % (K1, B, B, dl, self.avgdl)
        for t in terms:
            if has_latin(t):
                a, b = "lower(c1)", "lower(c0)"
                t = t.lower()
            else:
                a, b = "c1", "c0"
            where.append("(instr(%s, ?) > 0 OR instr(%s, ?) > 0)" % (a, b))
            args += [t, t]
            tf = ("((length(%s) - length(replace(%s, ?, ''))) + "
                  "(length(%s) - length(replace(%s, ?, '')))) / %d.0"
                  % (a, a, b, b, len(t)))
            parts.append("(%s * %g / (%s + %s))" % (tf, K1 + 1, tf, norm))
            sargs += [t, t, t, t]
        return {"table": "p_content", "where": " AND ".join(where),
                "args": args, "select": "id, c1, %s AS score"
                % " + ".join(parts), "select_args": sargs,
                "order": "score DESC", "how": "scan"}

    def window(self, text, terms):
        """A WINDOW_CHARS window of `text` around the first match."""
        low = text.lower()
        pos = -1
        for t in terms:
            pos = low.find(t.lower())
            if pos >= 0:
                break
        if pos < 0:
            return text[:WINDOW_CHARS]
        start = max(0, pos - WINDOW_CHARS // 2)
        return text[start:start + WINDOW_CHARS]

    def top10(self, query):
        pl = self.plan(query)
        sql = "SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT 10" % (
            pl["select"], pl["table"], pl["where"], pl["order"])
        rows = self.con.execute(sql, pl["select_args"] + pl["args"]
                                ).fetchall()
        if pl["how"] == "scan":
            terms = query.split()
            return [(r[0], self.window(r[1], terms)) for r in rows]
        return rows

    def count(self, query):
        pl = self.plan(query)
        sql = "SELECT count(*) FROM %s WHERE %s" % (pl["table"], pl["where"])
        return self.con.execute(sql, pl["args"]).fetchone()[0], pl["how"]

    def info(self, query):
        rows = self.top10(query)
        n, how = self.count(query)
        return {"ok": True, "hits": len(rows), "passages": n, "how": how,
                "snippet": rows[0][1] if rows else None}


# ---------------------------------------------------------------- Xapian

class Xap:
    name = "xapian"

    def __init__(self, path):
        import xapian

        self.x = xapian
        self.db = xapian.Database(path)
        self.qp = xapian.QueryParser()
        self.qp.set_database(self.db)
        self.qp.set_default_op(xapian.Query.OP_AND)
        self.flags = (xapian.QueryParser.FLAG_DEFAULT |
                      xapian.QueryParser.FLAG_CJK_NGRAM)
        self.sflags = (xapian.MSet.SNIPPET_BACKGROUND_MODEL |
                       xapian.MSet.SNIPPET_EXHAUSTIVE |
                       xapian.MSet.SNIPPET_CJK_NGRAM)
        self.stem = xapian.Stem("none")
        self.version = xapian.version_string()

    def mset(self, query, check_at_least=0):
        q = self.qp.parse_query(query, self.flags)
        enq = self.x.Enquire(self.db)
        enq.set_query(q)
        return enq.get_mset(0, 10, check_at_least)

    def top10(self, query):
        mset = self.mset(query)
        out = []
        for m in mset:
            data = m.document.get_data().decode("utf-8", "replace")
            out.append((m.docid, mset.snippet(
                data, XAPIAN_SNIPPET_BYTES, self.stem, self.sflags,
                "[", "]", "…")))
        return out

    def info(self, query):
        rows = self.top10(query)
        mset = self.mset(query, self.db.get_doccount())
        return {"ok": True, "hits": len(rows),
                "passages": mset.get_matches_estimated(),
                "snippet": rows[0][1].decode("utf-8", "replace")
                if rows else None}


# ---------------------------------------------------------------- serve

def cmd_serve(kind, path, qfile):
    queries = [q for _k, q in read_queries(qfile)]
    t0 = time.perf_counter()
    if kind == "fts5":
        eng = Fts5(path)
    elif kind == "xapian":
        eng = Xap(path)
    else:
        die("unknown peer %s" % kind)
    open_s = time.perf_counter() - t0
    out = sys.stdout
    out.write(json.dumps({"ready": True, "system": eng.name,
                          "queries": len(queries), "open_seconds": open_s,
                          "version": eng.version}) + "\n")
    out.flush()
    clock = time.perf_counter

    def minflt():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "round":
            times = [None] * len(queries)
            faults = [None] * len(queries)
            for w in words[1:]:
                i = int(w)
                q = queries[i]
                f = minflt()
                t = clock()
                try:
                    rows = eng.top10(q)
                    for _id, snip in rows:
                        len(snip)
                    t = clock() - t
                except Exception as e:  # a failed query: -1
                    sys.stderr.write("%s: %s: %s\n" % (eng.name, q, e))
                    t = -1.0
                times[i] = t
                faults[i] = minflt() - f
            out.write(json.dumps({"times": times, "minflt": faults}) + "\n")
        elif words[0] == "info":
            info = []
            for q in queries:
                try:
                    info.append(eng.info(q))
                except Exception as e:
                    info.append({"ok": False, "error": str(e)})
            out.write(json.dumps({"info": info}, ensure_ascii=False) + "\n")
        elif words[0] == "quit":
            break
        else:
            die("unknown command %s" % words[0])
        out.flush()
    return 0


# ---------------------------------------------------------------- run

class Worker:
    def __init__(self, name, argv):
        self.name = name
        self.argv = argv
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True,
                                  encoding="utf-8", bufsize=1)
        self.ready = self.read()
        if not self.ready.get("ready"):
            die("%s did not start" % name)

    def read(self):
        line = self.p.stdout.readline()
        if not line:
            die("%s stopped (%s)" % (self.name, " ".join(self.argv)))
        return json.loads(line)

    def ask(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.read()

    def close(self):
        try:
            self.p.stdin.write("quit\n")
            self.p.stdin.close()
        except OSError:
            pass
        self.p.wait()


def cpu_busy():
    """Seconds of CPU time the whole machine has spent busy (all cores),
    from /proc/stat; None where there is no /proc."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """CPU seconds used so far by process `pid` (user + system)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def own_cpu(workers):
    t = os.times()
    return (t.user + t.system +
            sum(proc_cpu(w.p.pid) for w in workers))


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def cmd_run(opts):
    queries = read_queries(opts["queries"])
    nq = len(queries)
    rounds = int(opts.get("rounds", 6))
    seed = int(opts.get("seed", 1))
    me = os.path.abspath(__file__)
    py = sys.executable or "/usr/bin/python3"
    workers = []
    # Stop the workers however this ends (SIGTERM included).
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(143))
    try:
        log("starting the workers")
        workers.append(Worker("zhiku", [opts["zhiku-bench"], "serve",
                                        opts["zhiku-index"],
                                        opts["queries"]]))
        workers.append(Worker("fts5", [py, me, "serve", "fts5", opts["fts5"],
                                       opts["queries"]]))
        workers.append(Worker("xapian", [py, me, "serve", "xapian",
                                         opts["xapian"], opts["queries"]]))
        res = {"queries": [{"kind": k, "query": q} for k, q in queries],
               "rounds": rounds, "seed": seed, "systems": {}, "order": []}
        for w in workers:
            res["systems"][w.name] = {"ready": w.ready, "rounds": []}
        for w in workers:
            log("%s: result counts (untimed)" % w.name)
            t = time.perf_counter()
            res["systems"][w.name]["info"] = w.ask("info")["info"]
            res["systems"][w.name]["info_seconds"] = time.perf_counter() - t
        rng = random.Random(seed)
        busy0, own0, wall0 = cpu_busy(), own_cpu(workers), time.perf_counter()
        for r in range(rounds):
            order = list(range(nq))
            rng.shuffle(order)
            rot = r % len(workers)
            sysorder = workers[rot:] + workers[:rot]
            res["order"].append([w.name for w in sysorder])
            for w in sysorder:
                t = time.perf_counter()
                ans = w.ask("round " + " ".join(map(str, order)))
                res["systems"][w.name]["rounds"].append(ans["times"])
                res["systems"][w.name].setdefault("minflt", []).append(
                    ans.get("minflt"))
                log("round %d/%d%s: %s %.2f s" % (
                    r + 1, rounds, " (warm-up)" if r == 0 else "", w.name,
                    time.perf_counter() - t))
        wall = time.perf_counter() - wall0
        busy1, own1 = cpu_busy(), own_cpu(workers)
        res["rounds_seconds"] = wall
        if busy0 is not None and busy1 is not None and wall > 0:
            # Cores kept busy by other processes while the rounds ran.
            res["other_cores_busy"] = max(
                0.0, (busy1 - busy0 - (own1 - own0)) / wall)
        res["systems"]["zhiku"]["reopen"] = workers[0].ask("open 20")["open"]
        for w in workers:
            w.close()
    finally:
        for w in workers:
            if w.p.poll() is None:
                w.p.kill()
                w.p.wait()
    if opts.get("cli"):
        idx = [i for i, (_k, q) in enumerate(queries) if q in CLI_QUERIES]
        if not idx:
            idx = list(range(min(10, nq)))
        runs = int(opts.get("cli-runs", 20))
        log("timing %d zhiku-query processes x %d runs" % (len(idx), runs))
        out = subprocess.run(
            [opts["zhiku-bench"], "cli", str(runs), opts["cli"],
             opts["zhiku-index"], opts["queries"]] + [str(i) for i in idx],
            check=True, stdout=subprocess.PIPE, text=True,
            encoding="utf-8").stdout
        res["cli"] = json.loads(out)
        out = subprocess.run([opts["zhiku-bench"], "faults"], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        res["page_fault_us"] = json.loads(out)["page_fault_us"]
    text = json.dumps(res, ensure_ascii=False, indent=1)
    if opts.get("out"):
        with open(opts["out"], "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


def parse_opts(args):
    opts = {}
    i = 0
    while i < len(args):
        a = args[i]
        if not a.startswith("--") or i + 1 >= len(args):
            die("bad argument %s" % a)
        opts[a[2:]] = args[i + 1]
        i += 2
    for k in ("zhiku-bench", "zhiku-index", "fts5", "xapian", "queries"):
        if k not in opts:
            die("run needs --%s" % k)
    return opts


def main(argv):
    if len(argv) == 5 and argv[1] == "serve":
        return cmd_serve(argv[2], argv[3], argv[4])
    if len(argv) >= 2 and argv[1] == "run":
        return cmd_run(parse_opts(argv[2:]))
    die("usage: query_peers.py serve fts5|xapian PATH QUERIES | run ...")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
