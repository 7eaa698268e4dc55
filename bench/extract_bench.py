"""extract_bench.py - the extraction benchmark's work, for bench/run-extract.sh:
zhiku's PDF, Word .docx and HTML readers (`zhiku-index --extract`) against
pdftotext (PDF) and pandoc (.docx, HTML), on generated files whose source
text is known.

  extract_bench.py gen-small REPO SHARED OUTDIR
      the test set of tests/formats/gen_all.py, job by job, keeping the jobs
      that work (the fallback when gen_all.py itself fails); failures go to
      OUTDIR/gen-failures.tsv
  extract_bench.py gen-large SHARED OUTDIR [--count N] [--only pdf,docx,html]
      the N (default 10) longest reports of SHARED/corpus/gov-work-reports,
      whole, as PDF, .docx and HTML (gen_pdf/gen_docx/gen_html.generate)
  extract_bench.py run --zhiku BIN --out RESULTS.json [--reps N] [--meta TSV]
                       SET=DIR ...
      fidelity and speed of every file in each DIR/manifest.tsv
  extract_bench.py report RESULTS.json OUT.md|-

Fidelity: the source text (mdblocks.block_text of the blocks, joined by
newlines) and a tool's output, both less all whitespace, table bars and form
feeds, are compared character by character with GNU diff (one character a
line); fidelity = matched characters / max(len).  Inserted spaces: runs of
blanks between two CJK characters in the tool's raw output, less the same
count in the source.  Broken lines: a newline (or form feed) between two CJK
characters of the output that the diff aligns with two adjacent characters of
one source block (no newline there in the source).

Speed: each tool is run as a whole process, output to /dev/null, one warm-up
run each and then REPS pairs per file, the two tools interleaved (the order
swapped every other pair) so that each pair's ratio compares runs made under
the same load; medians are reported, and a ratio per file is the median of
its pairs' ratios.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FORMATS = os.path.join(ROOT, "tests", "formats")
sys.path.insert(0, FORMATS)

import mdblocks  # noqa: E402

CJK = "\u3400-\u9fff\uf900-\ufaff\u3001-\u303f\uff00-\uffef"
CJK_RE = re.compile("[%s]" % CJK)
CJK_SPACES = re.compile("(?<=[%s])[ \t\u00a0\u3000]+(?=[%s])" % (CJK, CJK))
TIMEOUT = 300  # seconds for one extraction

PEERS = {
    "pdf": ("pdftotext", lambda f: ["pdftotext", "-enc", "UTF-8", f, "-"]),
    "docx": ("pandoc", lambda f: ["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", f]),
    "html": ("pandoc", lambda f: ["pandoc", "-f", "html", "-t", "plain", "--wrap=none", f]),
}


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S", time.gmtime()), msg))
    sys.stderr.flush()


def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def dump(obj, p):
    with open(p, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)


# ------------------------------------------------------------- generating

def write_manifest(outdir, lines, failures):
    with open(os.path.join(outdir, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("".join("\t".join(ln) + "\n" for ln in lines))
    with open(os.path.join(outdir, "gen-failures.tsv"), "a", encoding="utf-8") as f:
        for name, fmt, err in failures:
            f.write("%s\t%s\t%s\n" % (name, fmt, err.replace("\t", " ").replace("\n", " ")))


def gen_job(gens, fmt, blocks, out, meta, kw):
    """Run one generator; returns the record or raises."""
    rec = gens[fmt].generate(blocks, out, meta, **kw)
    dump(rec, out + ".json")
    return rec


def import_gens(want, failures, name="*"):
    gens = {}
    for fmt in want:
        try:
            gens[fmt] = __import__("gen_" + fmt)
        except Exception as e:  # a generator missing or mid-edit
            failures.append((name, fmt, "gen_%s: %s: %s" % (fmt, type(e).__name__, e)))
    return gens


def gen_small(repo, shared, outdir):
    """gen_all.py's set, job by job: what fails is recorded and skipped."""
    import gen_all

    os.makedirs(outdir, exist_ok=True)
    failures = []
    gens = import_gens(("pdf", "docx", "html"), failures)
    sources = [("seed", os.path.join(repo, "corpus", "bz25yb108-city-quality-ip.md"))]
    for k, p in enumerate(gen_all.sample_sources(shared), 1):
        sources.append(("c%d" % k, gen_all.cut_source(p, outdir, "c%d" % k)))
    jobs = [(name, fmt, {}) for name, _ in sources for fmt in ("pdf", "docx", "html")]
    # the variants gen_all.py makes; the docx ones under either spelling
    # of the generator's keyword
    jobs += [
        ("seed-gb2312", "html", [{"encoding": "gb2312"}]),
        ("seed-br", "html", [{"style": "br"}]),
        ("seed-cnstyles", "docx", [{"variant": "cnstyles"}, {"headings": "cn"}]),
        ("seed-outline", "docx", [{"variant": "outline"}, {"headings": "outline"}]),
        ("seed-notes", "docx", [{"footnotes": True}]),
    ]
    src_of = dict(sources)
    lines = []
    for name, fmt, kws in jobs:
        if fmt not in gens:
            continue
        if isinstance(kws, dict):
            kws = [kws]
        base = name.split("-")[0]
        src = src_of[base]
        blocks = mdblocks.read_file(src)
        bj = os.path.join(outdir, base + ".blocks.json")
        if not os.path.exists(bj):
            dump(blocks, bj)
        out = os.path.join(outdir, "%s.%s" % (name, fmt))
        err = None
        for kw in kws:
            try:
                gen_job(gens, fmt, blocks, out, gen_all.meta_for(blocks, base), kw)
                err = None
                break
            except Exception as e:
                err = "%s: %s" % (type(e).__name__, e)
        if err:
            failures.append((name, fmt, err))
            log("gen-small: %s.%s failed: %s" % (name, fmt, err))
            continue
        lines.append([name, fmt, src, out, bj, out + ".json"])
    write_manifest(outdir, lines, failures)
    log("gen-small: %d files in %s, %d failed" % (len(lines), outdir, len(failures)))


def gen_large(shared, outdir, count, only):
    os.makedirs(outdir, exist_ok=True)
    folder = os.path.join(shared, "corpus", "gov-work-reports")
    files = [os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".txt", ".md"))]
    files.sort(key=lambda p: (-os.path.getsize(p), p))
    files = files[:count]
    failures = []
    gens = import_gens(only, failures)
    lines = []
    used = set()
    for p in files:
        name = "gwr-" + os.path.basename(p).split("-")[0]
        while name in used:
            name += "b"
        used.add(name)
        blocks = mdblocks.read_file(p)
        bj = os.path.join(outdir, name + ".blocks.json")
        dump(blocks, bj)
        title = next((b["text"] for b in blocks if b["kind"] != "table"), "")
        meta = {"title": title[:60], "author": "国务院", "date": "2024-03-05"}
        for fmt in only:
            if fmt not in gens:
                continue
            out = os.path.join(outdir, "%s.%s" % (name, fmt))
            try:
                gen_job(gens, fmt, blocks, out, meta, {})
            except Exception as e:
                err = "%s: %s" % (type(e).__name__, e)
                failures.append((name, fmt, err))
                log("gen-large: %s.%s failed: %s" % (name, fmt, err))
                continue
            lines.append([name, fmt, p, out, bj, out + ".json"])
    write_manifest(outdir, lines, failures)
    log("gen-large: %d files in %s, %d failed" % (len(lines), outdir, len(failures)))


# ------------------------------------------------------------- fidelity

def squeeze(t):
    """t less whitespace, bars and form feeds, and for each character kept
    whether the gap before it held a line break (newline or form feed)."""
    out, brk = [], []
    gap_nl = False
    for ch in t:
        if ch.isspace() or ch == "|":
            if ch in "\n\r\f\v\u2028\u2029":
                gap_nl = True
            continue
        out.append(ch)
        brk.append(gap_nl)
        gap_nl = False
    return "".join(out), brk


HUNK = re.compile(rb"^(\d+)(?:,(\d+))?([acd])(\d+)(?:,(\d+))?$")


def char_diff(a, b, tmp):
    """Align a and b with GNU diff, one character a line.  Returns (matched,
    lost, added, b2a) where b2a[k] is the index in a of b[k] or -1."""
    pa, pb = tmp + ".a", tmp + ".b"
    with open(pa, "w", encoding="utf-8") as f:
        f.write("\n".join(a) + "\n" if a else "")
    with open(pb, "w", encoding="utf-8") as f:
        f.write("\n".join(b) + "\n" if b else "")
    out = subprocess.run(["diff", pa, pb], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.unlink(pa)
    os.unlink(pb)
    if out.returncode > 1:
        raise RuntimeError("diff failed: " + out.stderr.decode(errors="replace"))
    b2a = [-1] * len(b)
    i = j = 0
    lost = added = 0
    n_lt = n_gt = 0
    for ln in out.stdout.splitlines():
        if ln.startswith(b"<"):
            n_lt += 1
            continue
        if ln.startswith(b">"):
            n_gt += 1
            continue
        m = HUNK.match(ln)
        if not m:
            continue
        l1 = int(m.group(1))
        l2 = int(m.group(2) or l1)
        op = m.group(3)
        r1 = int(m.group(4))
        r2 = int(m.group(5) or r1)
        if op == b"a":
            s1, n1, s2, n2 = l1, 0, r1 - 1, r2 - r1 + 1
        elif op == b"d":
            s1, n1, s2, n2 = l1 - 1, l2 - l1 + 1, r1, 0
        else:
            s1, n1, s2, n2 = l1 - 1, l2 - l1 + 1, r1 - 1, r2 - r1 + 1
        while i < s1:
            b2a[j] = i
            i += 1
            j += 1
        i += n1
        j += n2
        lost += n1
        added += n2
    while i < len(a) and j < len(b):
        b2a[j] = i
        i += 1
        j += 1
    # the '<' and '>' lines are the count; the hunk ranges must agree
    assert (n_lt, n_gt) == (lost, added), (n_lt, n_gt, lost, added)
    return len(a) - lost, lost, added, b2a


def cjk_spaces(t):
    return len(CJK_SPACES.findall(t))


def fidelity(src, ext, tmp):
    a, a_brk = squeeze(src)
    b, b_brk = squeeze(ext)
    if not a and not b:
        return {"fidelity": 1.0, "lost": 0, "added": 0, "broken": 0}
    same, lost, added, b2a = char_diff(a, b, tmp)
    broken = 0
    for k in range(1, len(b)):
        if not b_brk[k] or not (CJK_RE.match(b[k - 1]) and CJK_RE.match(b[k])):
            continue
        j = b2a[k]
        if j > 0 and b2a[k - 1] == j - 1 and not a_brk[j]:
            broken += 1
    return {"fidelity": same / max(len(a), len(b)), "lost": lost, "added": added,
            "broken": broken}


# ------------------------------------------------------------- running

def run_capture(cmd):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s" % TIMEOUT
    except OSError as e:
        return None, "cannot run: %s" % e
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", errors="replace").strip().splitlines()
        msg = err[-1] if err else ""
        return None, ("exit %d: %s" % (p.returncode, msg[:200])) if p.returncode > 0 \
            else "killed by signal %d" % -p.returncode
    return p.stdout, None


DEVNULL_ACTIONS = [
    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
]


def time_once(cmd):
    """Wall and CPU seconds of one whole run of cmd (None if it failed)."""
    t0 = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=DEVNULL_ACTIONS)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    return t1 - t0, ru.ru_utime + ru.ru_stime


def pdf_pages(path):
    out, _ = run_capture(["pdfinfo", path])
    if out:
        m = re.search(rb"^Pages:\s+(\d+)", out, re.M)
        if m:
            return int(m.group(1))
    return None


def read_manifest(d):
    rows = []
    p = os.path.join(d, "manifest.tsv")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            for ln in f:
                if ln.strip():
                    rows.append(ln.rstrip("\n").split("\t"))
    fails = []
    p = os.path.join(d, "gen-failures.tsv")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            for ln in f:
                if ln.strip():
                    fails.append(ln.rstrip("\n").split("\t", 2))
    return rows, fails


def run(args):
    zk = None
    out = None
    reps = 5
    meta = None
    sets = []
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--zhiku":
            zk = args[k + 1]
            k += 1
        elif a == "--out":
            out = args[k + 1]
            k += 1
        elif a == "--reps":
            reps = int(args[k + 1])
            k += 1
        elif a == "--meta":
            meta = args[k + 1]
            k += 1
        elif "=" in a:
            sets.append(a.split("=", 1))
        else:
            raise SystemExit("extract_bench.py run: unknown argument " + a)
        k += 1
    if not zk or not out or not sets:
        raise SystemExit(__doc__)
    res = {"meta": {}, "reps": reps, "sets": []}
    if meta:
        with open(meta, encoding="utf-8") as f:
            for ln in f:
                if "\t" in ln:
                    key, val = ln.rstrip("\n").split("\t", 1)
                    res["meta"][key] = val
    tmp = os.path.join(os.path.dirname(os.path.abspath(out)), "diff-tmp")
    for set_name, d in sets:
        rows, gen_fails = read_manifest(d)
        files = []
        log("set %s: %d files, fidelity" % (set_name, len(rows)))
        for name, fmt, _src, path, bj, _rj in rows:
            blocks = load(bj)
            src = "\n".join(mdblocks.block_text(b) for b in blocks)
            a, _ = squeeze(src)
            rec = {"name": os.path.basename(path), "format": fmt,
                   "bytes": os.path.getsize(path), "src_chars": len(a),
                   "src_spaces": cjk_spaces(src),
                   "pages": pdf_pages(path) if fmt == "pdf" else None, "tools": {}}
            peer, peer_cmd = PEERS[fmt]
            cmds = {"zhiku": [zk, "--extract", path], peer: peer_cmd(path)}
            rec["cmds"] = cmds
            for tool, cmd in cmds.items():
                data, err = run_capture(cmd)
                if err:
                    err = err.replace(path, rec["name"])
                t = {"error": err}
                if data is not None:
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError:
                        text = data.decode("utf-8", errors="replace")
                        t["note"] = "output not valid UTF-8"
                    try:
                        t.update(fidelity(src, text, tmp))
                    except Exception as e:
                        t["error"] = "fidelity: %s" % e
                        traceback.print_exc()
                    t["spaces"] = cjk_spaces(text) - rec["src_spaces"]
                    t["out_bytes"] = len(data)
                rec["tools"][tool] = t
            files.append(rec)
            log("  %-22s %s" % (rec["name"], "  ".join(
                "%s %s" % (tool, ("%.4f" % t["fidelity"]) if t.get("fidelity") is not None
                           else "ERROR")
                for tool, t in rec["tools"].items())))
        log("set %s: speed, %d pairs per file" % (set_name, reps))
        for rec in files:
            tools = [t for t in rec["cmds"] if rec["tools"][t].get("error") is None]
            for tool in tools:
                time_once(rec["cmds"][tool])  # warm-up
            runs = {t: [] for t in tools}
            for r in range(reps):
                order = tools if r % 2 == 0 else tools[::-1]
                for tool in order:
                    runs[tool].append(time_once(rec["cmds"][tool]))
            for tool in tools:
                ok = [x for x in runs[tool] if x is not None]
                t = rec["tools"][tool]
                if not ok:
                    t["time_error"] = "every timed run failed"
                    continue
                t["wall"] = statistics.median(x[0] for x in ok)
                t["cpu"] = statistics.median(x[1] for x in ok)
                t["wall_min"] = min(x[0] for x in ok)
                t["wall_max"] = max(x[0] for x in ok)
            if len(tools) == 2 and tools[0] == "zhiku":
                pairs = [x[0] / y[0] for x, y in zip(runs["zhiku"], runs[tools[1]])
                         if x is not None and y is not None and y[0] > 0]
                if pairs:
                    rec["ratio"] = statistics.median(pairs)
            del rec["cmds"]
            log("  %-22s %s%s" % (rec["name"], "  ".join(
                "%s %.3f s" % (tool, rec["tools"][tool]["wall"]) for tool in tools
                if "wall" in rec["tools"][tool]),
                ("  ratio %.2f" % rec["ratio"]) if "ratio" in rec else ""))
        res["sets"].append({"name": set_name, "files": files,
                            "gen_failures": gen_fails})
    dump(res, out)


# ------------------------------------------------------------- report

FMT_NAME = {"pdf": "PDF", "docx": "Word .docx", "html": "HTML"}


def fmt_f(x, d=4):
    return "–" if x is None else ("%.*f" % (d, x))


def report(res_path, out_path):
    res = load(res_path)
    m = res["meta"]
    L = []
    w = L.append
    w("# Extraction benchmark")
    w("")
    w("<!-- Written by bench/run-extract.sh (bench/extract_bench.py report); "
      "rerun it rather than editing. -->")
    w("")
    w("What `zhiku-index --extract` reads from PDF, Word .docx and HTML files, "
      "against pdftotext (PDF) and pandoc (.docx and HTML), in one run on this "
      "machine, on files generated from reports whose text is known "
      "(tests/formats/gen_*.py).")
    w("")
    # which zhiku readers failed
    placeholder = []
    for fmt in ("pdf", "docx", "html"):
        recs = [f for s in res["sets"] for f in s["files"] if f["format"] == fmt]
        errs = [f["tools"]["zhiku"]["error"] for f in recs if f["tools"]["zhiku"].get("error")]
        if recs and len(errs) == len(recs):
            placeholder.append((fmt, errs[0], "every"))
        elif errs:
            placeholder.append((fmt, errs[0], "%d of %d" % (len(errs), len(recs))))
    if placeholder:
        w("**In this run zhiku's reader failed:**")
        w("")
        for fmt, err, how in placeholder:
            w("- %s: on %s file (e.g. `%s`)%s" % (
                FMT_NAME[fmt], how, err,
                " — the reader was still a placeholder; its figures below are "
                "errors, not results" if how == "every" else ""))
        w("")
    w("## Machine, tools, commands")
    w("")
    w("| | |")
    w("| --- | --- |")
    for key, label in [("date", "date"), ("commit", "zhiku commit"),
                       ("zhiku_version", "zhiku-index --version"),
                       ("build_type", "build type"), ("nproc", "nproc"),
                       ("cpu", "CPU"), ("loadavg_before", "load average before"),
                       ("loadavg_after", "load average after"),
                       ("pdftotext", "pdftotext -v"), ("pandoc", "pandoc --version")]:
        if m.get(key):
            w("| %s | %s |" % (label, m[key].replace("|", "\\|")))
    w("")
    w("Run as `%s` (zhiku: `%s`). Per file:" % (m.get("command", "bench/run-extract.sh"),
                                               m.get("zhiku", "zhiku-index")))
    w("")
    w("```")
    w("zhiku-index --extract FILE")
    w("pdftotext -enc UTF-8 FILE.pdf -")
    w("pandoc -f docx -t plain --wrap=none FILE.docx")
    w("pandoc -f html -t plain --wrap=none FILE.html")
    w("```")
    w("")
    w("- **Fidelity**: source text (the blocks' reading text, joined) vs a "
      "tool's output, both less whitespace, `|` and form feeds; matched "
      "characters / max(length) of a character-level GNU diff.")
    w("- **Spaces**: runs of blanks between two CJK characters in the raw "
      "output, less those in the source (negative: the tool dropped spaces "
      "the source has).")
    w("- **Breaks**: newlines (or form feeds) in the output between two CJK "
      "characters that are adjacent in one source block.")
    w("- **Speed**: each tool as a whole process, output to /dev/null; one "
      "warm-up, then %d pairs per file with the two tools interleaved; median "
      "wall time. A file's ratio is the median of its pairs' ratios zhiku/peer; "
      "a set's ratio is Σ zhiku medians / Σ peer medians. Pages/s counts PDF "
      "pages (pdfinfo); MB/s is MB of the tool's own output per second." % res["reps"])
    w("")
    w("Where the peers' differences come from (seen in their outputs on these "
      "files): pdftotext keeps the running headers and page numbers (added "
      "characters) and ends every printed line, so a paragraph's lines are "
      "broken inside sentences; pandoc keeps an HTML page's menus, sidebar and "
      "footer, reads a GB2312 page as if it were UTF-8 (mojibake: fidelity near "
      "0), and sets tables as space-aligned columns ruled with dashes (spaces "
      "between CJK cells, added `-`).")
    w("")

    for s in res["sets"]:
        files = s["files"]
        w("## Set `%s`: %d files" % (s["name"], len(files)))
        w("")
        if s["name"] == "small":
            if m.get("small_gen"):
                w("**%s**" % m["small_gen"])
                w("")
            w("tests/formats/gen_all.py: the seed paper and five corpus reports "
              "cut to about 40 KB, with variants (GB2312 and `<br>` HTML; "
              "Chinese heading styles, outline levels and footnotes in .docx — "
              "the footnotes are text that is not in the source).")
        elif s["name"] == "large":
            w("The longest whole reports of corpus/gov-work-reports, generated "
              "with gen_pdf/gen_docx/gen_html.generate.")
        w("")
        if s.get("gen_failures"):
            w("Not generated (generator failed):")
            w("")
            for name, fmt, err in s["gen_failures"]:
                w("- %s.%s: `%s`" % (name, fmt, err[:200]))
            w("")
        # fidelity summary per format
        w("### Fidelity")
        w("")
        w("| format | tool | files read | failed | mean fidelity | min fidelity "
          "| spaces (total) | breaks (total) |")
        w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for fmt in ("pdf", "docx", "html"):
            recs = [f for f in files if f["format"] == fmt]
            if not recs:
                continue
            for tool in ("zhiku", PEERS[fmt][0]):
                ts = [f["tools"][tool] for f in recs if tool in f["tools"]]
                ok = [t for t in ts if t.get("fidelity") is not None]
                bad = len(ts) - len(ok)
                fid = [t["fidelity"] for t in ok]
                w("| %s | %s | %d | %d | %s | %s | %s | %s |" % (
                    FMT_NAME[fmt], tool, len(ok), bad,
                    fmt_f(statistics.mean(fid)) if fid else "–",
                    fmt_f(min(fid)) if fid else "–",
                    sum(t["spaces"] for t in ok) if ok else "–",
                    sum(t["broken"] for t in ok) if ok else "–"))
        w("")
        w("Per file (fidelity / spaces / breaks; *error* = the tool failed):")
        w("")
        w("| file | pages | KB | source chars | zhiku | peer | peer's result |")
        w("| --- | ---: | ---: | ---: | --- | --- | --- |")
        for f in files:
            peer = PEERS[f["format"]][0]

            def cell(t):
                if t.get("fidelity") is None:
                    return "*error*"
                return "%.4f / %d / %d" % (t["fidelity"], t["spaces"], t["broken"])
            w("| %s | %s | %.0f | %d | %s | %s | %s |" % (
                f["name"], f["pages"] if f["pages"] else "–", f["bytes"] / 1024.0,
                f["src_chars"], cell(f["tools"]["zhiku"]), peer, cell(f["tools"][peer])))
        groups = {}
        for f in files:
            for tool, t in f["tools"].items():
                if t.get("error"):
                    key = (tool, t["error"].replace(f["name"], "FILE").replace("`", "'"))
                    groups.setdefault(key, []).append(f["name"])
        if groups:
            w("")
            w("Failures:")
            w("")
            for (tool, err), names in groups.items():
                w("- %s on %s: `%s`" % (tool, ", ".join(names), err))
        w("")
        # speed
        w("### Speed")
        w("")
        w("| format | tool | files | Σ median s | pages/s | MB/s | ratio zhiku/peer (set) "
          "| median of file ratios | CPU-time ratio (set) |")
        w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for fmt in ("pdf", "docx", "html"):
            recs = [f for f in files if f["format"] == fmt]
            if not recs:
                continue
            peer = PEERS[fmt][0]
            both = [f for f in recs if "wall" in f["tools"]["zhiku"] and
                    "wall" in f["tools"][peer]]
            for tool in ("zhiku", peer):
                ts = [f for f in recs if "wall" in f["tools"][tool]]
                if not ts:
                    w("| %s | %s | 0 | – | – | – | – | – | – |" % (FMT_NAME[fmt], tool))
                    continue
                tsum = sum(f["tools"][tool]["wall"] for f in ts)
                pages = sum(f["pages"] or 0 for f in ts)
                mb = sum(f["tools"][tool]["out_bytes"] for f in ts) / 1e6
                ratio = fr = cr = "–"
                if tool == "zhiku" and both:
                    zs = sum(f["tools"]["zhiku"]["wall"] for f in both)
                    ps = sum(f["tools"][peer]["wall"] for f in both)
                    ratio = "%.2f" % (zs / ps)
                    zc = sum(f["tools"]["zhiku"]["cpu"] for f in both)
                    pc = sum(f["tools"][peer]["cpu"] for f in both)
                    cr = ("%.2f" % (zc / pc)) if pc > 0 else "–"
                    rs = [f["ratio"] for f in both if "ratio" in f]
                    if rs:
                        fr = "%.2f" % statistics.median(rs)
                w("| %s | %s | %d | %.3f | %s | %.2f | %s | %s | %s |" % (
                    FMT_NAME[fmt], tool, len(ts), tsum,
                    ("%.0f" % (pages / tsum)) if fmt == "pdf" and pages else "–",
                    mb / tsum, ratio, fr, cr))
        w("")
        pdf_both = [f for f in files if f["format"] == "pdf" and "wall" in f["tools"]["zhiku"]
                    and "wall" in f["tools"]["pdftotext"]]
        if pdf_both:
            zs = sum(f["tools"]["zhiku"]["wall"] for f in pdf_both)
            ps = sum(f["tools"]["pdftotext"]["wall"] for f in pdf_both)
            w("PDF goal (zhiku no slower than 1.2 × pdftotext): %.2f × — %s." % (
                zs / ps, "met" if zs / ps <= 1.2 else "**not met**"))
            w("")
        if s["name"] != "small":
            w("Per file (median wall seconds, min–max):")
            w("")
            w("| file | pages | zhiku s | peer s | ratio |")
            w("| --- | ---: | --- | --- | ---: |")
            for f in files:
                peer = PEERS[f["format"]][0]

                def tcell(t, tool):
                    if "wall" not in t:
                        return "*error*"
                    return "%.3f (%.3f–%.3f)" % (t["wall"], t["wall_min"], t["wall_max"])
                w("| %s | %s | %s | %s: %s | %s |" % (
                    f["name"], f["pages"] or "–", tcell(f["tools"]["zhiku"], "zhiku"),
                    peer, tcell(f["tools"][peer], peer),
                    ("%.2f" % f["ratio"]) if "ratio" in f else "–"))
            w("")
    text = "\n".join(L).rstrip("\n") + "\n"
    if out_path == "-":
        sys.stdout.write(text)
    else:
        with open(out_path, "w", encoding="utf-8") as f:
            f.write(text)
        # the summary rows on the terminal
        for ln in L:
            if ln.startswith(("## Set", "**In this run", "- PDF:", "- Word", "- HTML:",
                              "| PDF |", "| Word .docx |", "| HTML |", "PDF goal",
                              "| format |")):
                sys.stderr.write(ln + "\n")


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "gen-small" and len(args) == 3:
        gen_small(*args)
    elif cmd == "gen-large" and len(args) >= 2:
        count, only = 10, ["pdf", "docx", "html"]
        rest = args[2:]
        while rest:
            if rest[0] == "--count":
                count = int(rest[1])
            elif rest[0] == "--only":
                only = rest[1].split(",")
            else:
                raise SystemExit(__doc__)
            rest = rest[2:]
        gen_large(args[0], args[1], count, only)
    elif cmd == "run":
        run(args)
    elif cmd == "report" and len(args) == 2:
        report(*args)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
