#!/usr/bin/python3
"""bench/index_peers.py - the peer side of bench/run-index.sh.

Subcommands (each prints one JSON object on stdout):

  export ZHIKU_INDEX WORK.jsonl
      Read every passage back out of a zhiku index (the documents holding
      the boolean term XP; their data is the "zkp1" record) and write one
      JSON line per passage: {"id", "ord", "trail", "text"}.  Reports the
      passage count and the UTF-8 bytes of trail + text, the input size the
      three indexers are compared on.

  fts5 WORK.jsonl DB
      SQLite FTS5, trigram tokenizer: one table (trail, text), every
      passage inserted in one transaction, then a commit.

  xapian WORK.jsonl DIR
      Xapian's own CJK n-gram indexing: a TermGenerator with
      FLAG_CJK_NGRAM, index_text(trail), increase_termpos(),
      index_text(text), add_document; one commit at the end (Xapian's
      default auto-flush every 10,000 documents is left alone).

  fake FILE... DIR
      For testing without zhiku: a zhiku-like Xapian database in DIR, one
      XP document per blank-line-separated paragraph of the FILEs, with
      "zkp1" records as data (and a non-passage record per file).

  compact-fts5 DB
      Untimed: FTS5 'optimize' (merge all segments into one) then VACUUM;
      reports the file size afterwards.

The indexing subcommands read the work file as a stream, so their peak RSS
is the indexer's, not a copy of the corpus.  "seconds" is the whole run
from opening the database to the end of the commit; "parse_seconds" is the
part of it spent reading and decoding the work file, and "index_seconds"
the rest.
"""
import json
import os
import sys
import time


def die(msg):
    sys.stderr.write("index_peers.py: %s\n" % msg)
    sys.exit(1)


def dir_bytes(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


# ---------------------------------------------------------------- export

def parse_passage(data):
    """Split a zhiku passage record; None if it is not one."""
    if data.startswith(b"zkp2\n"):  # with a pages line ("S-E")
        parts = data.split(b"\n", 8)
        if len(parts) != 9:
            return None
        del parts[6]
    else:
        parts = data.split(b"\n", 7)
    if len(parts) != 8 or parts[0] not in (b"zkp1", b"zkp2"):
        return None
    return {
        "id": parts[1].decode("utf-8"),
        "ord": int(parts[2]),
        "line": int(parts[3]),
        "start": int(parts[4]),
        "end": int(parts[5]),
        "trail": parts[6].decode("utf-8"),
        "text": parts[7].decode("utf-8"),
    }


def cmd_export(index_dir, out_path):
    import xapian

    t0 = time.perf_counter()
    db = xapian.Database(index_dir)
    n = bad = 0
    text_bytes = trail_bytes = 0
    reports = set()
    with open(out_path, "w", encoding="utf-8") as out:
        for post in db.postlist("XP"):
            data = db.get_document(post.docid).get_data()
            p = parse_passage(data)
            if p is None:
                bad += 1
                continue
            n += 1
            tb = len(p["text"].encode("utf-8"))
            rb = len(p["trail"].encode("utf-8"))
            text_bytes += tb
            trail_bytes += rb
            reports.add(p["id"])
            out.write(json.dumps({"id": p["id"], "ord": p["ord"],
                                  "trail": p["trail"], "text": p["text"]},
                                 ensure_ascii=False))
            out.write("\n")
    if n == 0:
        die("no passages (documents with term XP) in %s" % index_dir)
    return {
        "passages": n,
        "not_passages": bad,
        "reports": len(reports),
        "text_bytes": text_bytes,
        "trail_bytes": trail_bytes,
        "input_bytes": text_bytes + trail_bytes,
        "doccount": db.get_doccount(),
        "work_file_bytes": os.path.getsize(out_path),
        "seconds": time.perf_counter() - t0,
    }


# ---------------------------------------------------------------- reading

class Reader:
    """Stream the work file, timing the reading and decoding."""

    def __init__(self, path):
        self.path = path
        self.parse_seconds = 0.0
        self.n = 0
        self.input_bytes = 0

    def __iter__(self):
        clock = time.perf_counter
        loads = json.loads
        with open(self.path, "r", encoding="utf-8") as f:
            while True:
                t = clock()
                line = f.readline()
                if not line:
                    self.parse_seconds += clock() - t
                    return
                p = loads(line)
                trail, text = p["trail"], p["text"]
                self.input_bytes += (len(trail.encode("utf-8")) +
                                     len(text.encode("utf-8")))
                self.n += 1
                self.parse_seconds += clock() - t
                yield trail, text


def result(reader, seconds, **extra):
    r = {
        "passages": reader.n,
        "input_bytes": reader.input_bytes,
        "seconds": seconds,
        "parse_seconds": reader.parse_seconds,
        "index_seconds": seconds - reader.parse_seconds,
    }
    r.update(extra)
    return r


# ---------------------------------------------------------------- FTS5

def cmd_fts5(work, db_path):
    import sqlite3

    ver = tuple(int(x) for x in sqlite3.sqlite_version.split("."))
    if ver < (3, 34, 0):
        die("SQLite %s has no trigram tokenizer (needs 3.34)"
            % sqlite3.sqlite_version)
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.unlink(db_path + suffix)
    reader = Reader(work)
    t0 = time.perf_counter()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE p USING fts5(trail, text, "
                "tokenize='trigram')")
    con.execute("BEGIN")
    con.executemany("INSERT INTO p(trail, text) VALUES (?, ?)", reader)
    con.execute("COMMIT")
    con.close()
    seconds = time.perf_counter() - t0
    return result(reader, seconds,
                  sqlite_version=sqlite3.sqlite_version,
                  index_bytes=os.path.getsize(db_path))


def cmd_compact_fts5(db_path):
    import sqlite3

    t0 = time.perf_counter()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("INSERT INTO p(p) VALUES ('optimize')")
    con.execute("VACUUM")
    con.close()
    return {"compact_bytes": os.path.getsize(db_path),
            "compact_seconds": time.perf_counter() - t0}


# ---------------------------------------------------------------- Xapian

def cmd_xapian(work, db_dir):
    import xapian

    reader = Reader(work)
    t0 = time.perf_counter()
    db = xapian.WritableDatabase(db_dir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    for trail, text in reader:
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(trail)
        tg.increase_termpos()
        tg.index_text(text)
        # Keep the passage, as zhiku and FTS5 do, so that all three can
        # show what they found.
        doc.set_data(trail + "\n" + text)
        db.add_document(doc)
    db.commit()
    db.close()
    seconds = time.perf_counter() - t0
    return result(reader, seconds,
                  xapian_version=xapian.version_string(),
                  index_bytes=dir_bytes(db_dir))


# ---------------------------------------------------------------- fake

def cmd_fake(*args):
    import xapian

    files, db_dir = args[:-1], args[-1]
    db = xapian.WritableDatabase(db_dir, xapian.DB_CREATE_OR_OVERWRITE)
    n = 0
    for i, path in enumerate(files):
        with open(path, encoding="utf-8", errors="replace") as f:
            paras = [x for x in f.read().split("\n\n") if x.strip()]
        rid = "%016x" % (i + 1)
        rec = xapian.Document()
        rec.add_boolean_term("XR")
        rec.set_data("zkr1\nid %s\npath %s\n" % (rid, path))
        db.add_document(rec)
        trail = os.path.basename(path)
        for ordinal, para in enumerate(paras):
            doc = xapian.Document()
            doc.add_boolean_term("XP")
            doc.set_data("zkp1\n%s\n%u\n%u\n%u\n%u\n%s\n%s"
                         % (rid, ordinal, ordinal + 1, 0, len(para), trail,
                            para))
            db.add_document(doc)
            n += 1
    db.commit()
    return {"passages": n, "reports": len(files)}


def main(argv):
    if len(argv) < 2:
        die("usage: index_peers.py export|fts5|xapian|compact-fts5 ARGS")
    cmd, args = argv[1], argv[2:]
    table = {
        "export": (cmd_export, 2),
        "fts5": (cmd_fts5, 2),
        "xapian": (cmd_xapian, 2),
        "compact-fts5": (cmd_compact_fts5, 1),
    }
    if cmd == "fake" and len(args) >= 2:
        table["fake"] = (cmd_fake, len(args))
    if cmd not in table or len(args) != table[cmd][1]:
        die("bad command line: %s" % " ".join(argv[1:]))
    fn, _ = table[cmd]
    out = fn(*args)
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
