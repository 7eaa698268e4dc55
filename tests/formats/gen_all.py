"""gen_all.py - generate the format fixtures at test time: the seed paper
and a sample of ../shared/corpus as PDF, Word .docx and HTML, each with a
record of what the generator put where, so the ground truth is known.

  gen_all.py REPO SHARED OUTDIR [--only pdf,docx,html]

Writes, in OUTDIR:
  NAME.blocks.json   the source's blocks (mdblocks.read_file)
  NAME.EXT           the generated file; NAME.EXT.json its record
  manifest.tsv       one line per generated file: name, format, source,
                     file, blocks json, record json
NAME is "seed" (corpus/bz25yb108-city-quality-ip.md) or c1..c5 (plain-text
reports of ../shared/corpus, cut to about their first 40 KB at a line end),
with variants: seed-gb2312.html, seed-br.html (paragraphs separated by
<br>), seed-cnstyles.docx (heading styles named 标题 N), seed-outline.docx
(outline levels on Normal paragraphs), seed-notes.docx (with footnotes).
Nothing is written into the repository.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import mdblocks  # noqa: E402

# the corpus sample: one file of each kind of text, fixed, so a failure
# can be reproduced
SAMPLE = [
    "gov-work-reports/2024-政府工作报告.txt",
    "gov-work-reports/1978-政府工作报告.txt",
    "cpc-congress-reports",
    "laws-regulations",
    "provincial-gov-work-reports-2026",
]
CUT = 40 * 1024


def first_txt(folder):
    """The first .txt report (by name) under folder, recursively."""
    found = []
    for root, _dirs, files in os.walk(folder):
        for f in files:
            if f.endswith((".txt", ".md")):
                found.append(os.path.join(root, f))
    found.sort()
    return found[0] if found else None


def sample_sources(shared):
    out = []
    for s in SAMPLE:
        p = os.path.join(shared, "corpus", s)
        if os.path.isdir(p):
            p = first_txt(p)
        if p is None or not os.path.isfile(p):
            raise SystemExit("gen_all: corpus sample missing: %s" % s)
        out.append(p)
    return out


def cut_source(path, outdir, name):
    """A copy of the report's first CUT bytes, cut at a line end."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    data = text.encode("utf-8")
    if len(data) > CUT:
        data = data[:CUT]
        data = data[: data.rfind(b"\n") + 1] if b"\n" in data else data
        text = data.decode("utf-8", errors="ignore")
    ext = os.path.splitext(path)[1]
    dst = os.path.join(outdir, name + ".src" + ext)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)
    return dst


def meta_for(blocks, name):
    title = ""
    for b in blocks:
        if b["kind"] != "table":
            title = b["text"]
            break
    return {
        "title": title[:60],
        "author": "胡明" if name == "seed" else "国务院",
        "date": "2025-06-13" if name == "seed" else "2024-03-05",
    }


def main():
    args = sys.argv[1:]
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = set(args[i + 1].split(","))
        del args[i : i + 2]
    if len(args) != 3:
        raise SystemExit(__doc__)
    repo, shared, outdir = args
    os.makedirs(outdir, exist_ok=True)
    want = only or {"pdf", "docx", "html"}
    gens = {}
    for fmt in sorted(want):
        gens[fmt] = __import__("gen_" + fmt)

    sources = [("seed", os.path.join(repo, "corpus", "bz25yb108-city-quality-ip.md"))]
    for k, p in enumerate(sample_sources(shared), 1):
        sources.append(("c%d" % k, cut_source(p, outdir, "c%d" % k)))

    jobs = []  # (name, fmt, ext, kwargs)
    for name, _src in sources:
        for fmt in ("pdf", "docx", "html"):
            jobs.append((name, fmt, fmt, {}))
    jobs += [
        ("seed-gb2312", "html", "html", {"encoding": "gb2312"}),
        ("seed-br", "html", "html", {"style": "br"}),
        ("seed-cnstyles", "docx", "docx", {"variant": "cnstyles"}),
        ("seed-outline", "docx", "docx", {"variant": "outline"}),
        ("seed-notes", "docx", "docx", {"footnotes": True}),
    ]
    src_of = dict(sources)
    lines = []
    for name, fmt, ext, kw in jobs:
        if fmt not in want:
            continue
        base = name.split("-")[0]
        src = src_of[base]
        blocks = mdblocks.read_file(src)
        bj = os.path.join(outdir, base + ".blocks.json")
        if not os.path.exists(bj):
            with open(bj, "w", encoding="utf-8") as f:
                json.dump(blocks, f, ensure_ascii=False, indent=1)
        out = os.path.join(outdir, "%s.%s" % (name, ext))
        rec = gens[fmt].generate(blocks, out, meta_for(blocks, base), **kw)
        rj = out + ".json"
        with open(rj, "w", encoding="utf-8") as f:
            json.dump(rec, f, ensure_ascii=False, indent=1)
        lines.append("\t".join([name, fmt, src, out, bj, rj]))
    with open(os.path.join(outdir, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("gen_all: %d files in %s" % (len(lines), outdir))


if __name__ == "__main__":
    main()
