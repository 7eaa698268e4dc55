#!/usr/bin/python3
"""Reference segmentation with Python jieba (Debian python3-jieba), in the
exact line format of `zhiku-seg`: one output line per input line, tokens
joined by " / ", trailing CRs of a line stripped (as `python -m jieba`).

usage: jieba_ref.py MODE OUT [--userdict FILE]... INPUT...
       MODE: hmm | nohmm | search | full
"""
import sys

import jieba


def main():
    mode, out_path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    jieba.setLogLevel(60)
    jieba.initialize()
    inputs = []
    while args:
        if args[0] == "--userdict":
            jieba.load_userdict(args[1])
            args = args[2:]
        else:
            inputs.append(args.pop(0))
    if mode == "hmm":
        cut = lambda s: jieba.cut(s, HMM=True)
    elif mode == "nohmm":
        cut = lambda s: jieba.cut(s, HMM=False)
    elif mode == "search":
        cut = lambda s: jieba.cut_for_search(s, HMM=True)
    elif mode == "full":
        # jieba's full mode also yields empty strings; zhiku emits no empty
        # tokens (docs/segmentation.md), so they are dropped here
        cut = lambda s: (w for w in jieba.cut(s, cut_all=True) if w)
    else:
        sys.exit("unknown mode " + mode)
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for path in inputs:
            with open(path, "rb") as f:
                data = f.read().decode("utf-8")
            lines = data.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            for line in lines:
                out.write(" / ".join(cut(line.rstrip("\r"))) + "\n")


if __name__ == "__main__":
    main()
