#!/usr/bin/python3
"""Inspect a zhiku index with Xapian's Python bindings (python3-xapian), as
an independent reader for the tests: the writer is C, the checker is not.

  inspect.py check INDEX        every report complete or absent; exit 1 if not
  inspect.py signature INDEX    one line: hash of reports, passages, results
  inspect.py passages INDEX     trail<TAB>text of every passage, in order
                                (--path SUBSTRING to pick reports)
  inspect.py records INDEX      path<TAB>passages<TAB>title<TAB>year<TAB>...

Only what the index's last commit holds is read: the stub (XAPIANDB) names,
in comment lines, each shard's last document at that commit and the
documents that commit replaced; a writer stopped after one shard's commit
and before the stub's leaves others, which readers must not see.
"""
import hashlib
import sys

import xapian


class Visible:
    """Which docids of the combined database the last commit holds."""

    def __init__(self, path):
        self.n, self.last, self.spans = 0, {}, []
        with open(path + "/XAPIANDB", encoding="utf-8") as f:
            for line in f:
                w = line.split()
                if w[:1] == ["glass"]:
                    self.n += 1
                elif w[:2] == ["#zhiku", "last"]:
                    self.last[int(w[2])] = int(w[3])
                elif w[:2] == ["#zhiku", "hide"]:
                    self.spans.append((int(w[2]), int(w[3]), int(w[4])))

    def __call__(self, docid):
        s, d = (docid - 1) % self.n, (docid - 1) // self.n + 1
        if d > self.last.get(s, d):
            return False
        return not any(x == s and a <= d <= b for x, a, b in self.spans)


VISIBLE = None


def records(db):
    out = {}
    for p in db.postlist("XR"):
        if not VISIBLE(p.docid):
            continue
        data = db.get_document(p.docid).get_data().decode("utf-8")
        lines = data.split("\n")
        assert lines[0] == "zkr1", lines[0]
        rec = {}
        for line in lines[1:]:
            if "=" in line:
                k, v = line.split("=", 1)
                rec[k] = v.replace("\\n", "\n").replace("\\\\", "\\")
        out[rec["id"]] = rec
    return out


def passages(db):
    out = {}
    for p in db.postlist("XP"):
        if not VISIBLE(p.docid):
            continue
        data = db.get_document(p.docid).get_data().decode("utf-8")
        if data.startswith("zkp2\n"):  # with a pages line ("S-E")
            head = data.split("\n", 8)
            del head[6]
        else:
            head = data.split("\n", 7)
        assert head[0] in ("zkp1", "zkp2"), head[0]
        rid, ordinal, line, start, end, trail, text = head[1:8]
        out.setdefault(rid, []).append(
            (int(ordinal), int(line), int(start), int(end), trail, text))
    for v in out.values():
        v.sort()
    return out


def check(db):
    recs, pas = records(db), passages(db)
    bad = 0
    for rid, rec in recs.items():
        n = len(pas.get(rid, []))
        want = int(rec["passages"])
        ords = [p[0] for p in pas.get(rid, [])]
        if n != want or ords != list(range(n)):
            print("incomplete report %s: %d of %d passages" %
                  (rec["path"], n, want))
            bad += 1
    for rid in pas:
        if rid not in recs:
            print("passages without a report record: %s (%d)" %
                  (rid, len(pas[rid])))
            bad += 1
    print("%d reports, %d passages, %d problems" %
          (len(recs), sum(len(v) for v in pas.values()), bad))
    return bad == 0


QUERIES = ["城乡", "发展", "共同富裕", "高质量", "gdp", "改革", "乡村振兴",
           "科技创新", "生态", "就业"]


def signature(db):
    """Weights count hidden documents too: compare indexes without any."""
    recs, pas = records(db), passages(db)
    h = hashlib.sha256()
    for rid in sorted(recs, key=lambda r: recs[r]["path"]):
        rec = recs[rid]
        h.update(("%s|%s|%s|%s\n" % (rec["path"], rec["hash"],
                                     rec["passages"], rec.get("title", "")))
                 .encode())
        for p in pas.get(rid, []):
            h.update(repr(p).encode())
    enq = xapian.Enquire(db)
    for q in QUERIES:
        enq.set_query(xapian.Query(q))
        ms = enq.get_mset(0, db.get_doccount())
        hits = []
        for m in ms:
            if not VISIBLE(m.docid):
                continue
            head = m.document.get_data().decode("utf-8").split("\n", 3)
            hits.append((-round(m.weight, 9), recs[head[1]]["path"],
                         int(head[2])))
        hits.sort()  # docids differ between builds: compare canonically
        h.update(repr((q, hits)).encode())
    return h.hexdigest()


def main():
    global VISIBLE
    cmd, path = sys.argv[1], sys.argv[2]
    db = xapian.Database(path)
    VISIBLE = Visible(path)
    if cmd == "check":
        sys.exit(0 if check(db) else 1)
    elif cmd == "signature":
        print(signature(db))
    elif cmd == "passages":
        sub = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--path" \
            else ""
        recs, pas = records(db), passages(db)
        for rid in sorted(recs, key=lambda r: recs[r]["path"]):
            if sub not in recs[rid]["path"]:
                continue
            for p in pas.get(rid, []):
                print("%s\t%s" % (p[4], p[5].replace("\n", "\\n")))
    elif cmd == "records":
        recs = records(db)
        for rid in sorted(recs, key=lambda r: recs[r]["path"]):
            r = recs[rid]
            print("\t".join([r["path"], r["passages"], r.get("title", ""),
                             r.get("year", ""), r.get("author", ""),
                             r.get("keywords", ""), r.get("docno", ""),
                             r.get("encoding", "")]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
