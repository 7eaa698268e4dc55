#!/usr/bin/python3
"""The literal guarantee, checked against a brute-force oracle.

For every query below, the passages zhiku-query returns must be exactly the
passages whose text or heading trail contains the query term (after the
search normalisation), found here by plain substring search over every
indexed passage, read back with python3-xapian. Normalisation is zhiku's
own (zhiku-seg -N), so the oracle checks matching, not Unicode tables.

usage: oracle.py INDEX ZHIKU_QUERY ZHIKU_SEG
"""
import json
import subprocess
import sys

import xapian

# (query, kind) - at least 60, of every kind the guarantee names
QUERIES = [
    # single characters
    ("江", "char"), ("省", "char"), ("钢", "char"), ("的", "char"),
    ("鄂", "char"), ("％", "char"), ("、", "char"),
    # pieces inside longer words
    ("质量", "piece"), ("展现", "piece"), ("振兴", "piece"),
    ("富裕", "piece"), ("现代化", "piece"), ("营商", "piece"),
    # strings crossing word boundaries
    ("合发展", "cross"), ("化建设", "cross"), ("民生活", "cross"),
    ("业发展", "cross"), ("村振兴战", "cross"), ("济社会发", "cross"),
    # numbers and units
    ("870亿元", "number"), ("5.2%", "number"), ("2024年", "number"),
    ("1.5万亿", "number"), ("3%", "number"), ("10%", "number"),
    ("2035年", "number"), ("100万", "number"), ("6.5%", "number"),
    # Latin
    ("GDP", "latin"), ("5G", "latin"), ("CPI", "latin"), ("PM2.5", "latin"),
    ("gdp", "latin"), ("App", "latin"), ("AI", "latin"),
    # full-width input
    ("２０２４年", "fullwidth"), ("ＧＤＰ", "fullwidth"), ("５Ｇ", "fullwidth"),
    ("１０％", "fullwidth"),
    # policy terms
    ("城乡耦合", "term"), ("共同富裕", "term"), ("乡村振兴", "term"),
    ("高质量发展", "term"), ("营商环境", "term"), ("新质生产力", "term"),
    ("碳达峰", "term"), ("一带一路", "term"), ("城乡融合", "term"),
    ("供给侧结构性改革", "term"), ("放管服", "term"), ("双循环", "term"),
    # names and quoted titles with punctuation
    ("李强", "name"), ("周恩来", "name"), ("“十四五”", "punct"),
    ("《政府工作报告》", "punct"), ("（一）", "punct"),
    # rare and absent
    ("耦合协调", "rare"), ("巴中", "rare"), ("光雾山", "rare"),
    ("不存在的词语组合甲乙丙", "absent"),
    # combinations (checked against the oracle's own set algebra)
    ("城乡 融合", "and"), ("乡村振兴 OR 共同富裕", "or"),
    ("发展 -改革", "not"), ("\"城乡 融合\"", "phrase"),
    ("\"城乡融合发展\"", "phrase"), ("\"AI PC\"", "phrase"),
    ("科技 创新 人才", "and"),
]


def normalise(strings, seg):
    """zhiku's search normalisation of each string (one per line)."""
    inp = "".join(s.replace("\n", " ") + "\n" for s in strings)
    out = subprocess.run([seg, "-N", "-d", ""], input=inp.encode(),
                         capture_output=True, check=True).stdout.decode()
    lines = out.split("\n")
    return lines[:len(strings)]


def passages(db):
    recs = {}
    for p in db.postlist("XR"):
        data = db.get_document(p.docid).get_data().decode()
        rec = dict(l.split("=", 1) for l in data.split("\n")[1:] if "=" in l)
        recs[rec["id"]] = rec["path"].replace("\\n", "\n").replace("\\\\", "\\")
    out = []
    for p in db.postlist("XP"):
        head = db.get_document(p.docid).get_data().decode().split("\n", 7)
        out.append((recs[head[1]], int(head[2]), head[6], head[7]))
    return out


def zhiku(query, index, zq):
    r = subprocess.run([zq, "-i", index, "--jsonl", "--per-report", "0",
                        "--limit", "100000", "--snippet", "0", "--color",
                        "never", query], capture_output=True)
    if r.returncode not in (0, 1):
        raise SystemExit("zhiku-query failed on %r: %s" %
                         (query, r.stderr.decode()))
    got = set()
    for line in r.stdout.decode().splitlines():
        h = json.loads(line)
        got.add((h["path"], h["ordinal"]))
    return got


def main():
    index, zq, seg = sys.argv[1:4]
    db = xapian.Database(index)
    ps = passages(db)
    keys = [(p[0], p[1]) for p in ps]

    def parse(q):
        """(terms that must match, terms any of which must, excluded)"""
        if q.startswith('"'):
            return [q.strip('"')], [], []
        if " OR " in q:
            return [], q.split(" OR "), []
        parts = q.split()
        return ([x for x in parts if not x.startswith("-")], [],
                [x[1:] for x in parts if x.startswith("-")])

    # the passages' texts and trails and every query term, normalised by
    # one zhiku-seg run (each run is a process under valgrind in
    # memcheck_query_oracle)
    terms = sorted({t for q, _k in QUERIES for ts in parse(q) for t in ts})
    n = len(ps)
    out = normalise([p[3] for p in ps] + [p[2] for p in ps] + terms, seg)
    texts, trails = out[:n], out[n:2 * n]
    norm = dict(zip(terms, out[2 * n:]))

    def oracle_term(t):
        nt = norm[t]
        return {k for k, x, y in zip(keys, texts, trails)
                if nt in x or nt in y}

    def oracle(q):
        pos, anyof, neg = parse(q)
        if anyof:
            s = set()
            for x in anyof:
                s |= oracle_term(x)
            return s
        s = oracle_term(pos[0])
        for x in pos[1:]:
            s &= oracle_term(x)
        for x in neg:
            s -= oracle_term(x)
        return s

    bad = 0
    kinds = {}
    for q, kind in QUERIES:
        want, got = oracle(q), zhiku(q, index, zq)
        kinds[kind] = kinds.get(kind, 0) + 1
        if want != got:
            bad += 1
            print("FAIL %-24s oracle %d, zhiku %d; missing %s; extra %s" %
                  (q, len(want), len(got), sorted(want - got)[:3],
                   sorted(got - want)[:3]))
        else:
            print("ok   %-24s %6d passages" % (q, len(got)))
    print("%d queries (%s) over %d passages" %
          (len(QUERIES), ", ".join("%s %d" % kv for kv in kinds.items()),
           len(ps)))
    print("%d passed, %d failed" % (len(QUERIES) - bad, bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
