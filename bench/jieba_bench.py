#!/usr/bin/python3
"""Python jieba driver for the segmentation benchmark (bench/run-seg.sh).

Usage:
    jieba_bench.py time PASSES FILE MODE...   time each mode over FILE
    jieba_bench.py dump FILE MODE             print FILE segmented

MODE is one of:
    hmm     jieba.cut(line)                 precise mode, HMM on
    nohmm   jieba.cut(line, HMM=False)      precise mode, HMM off
    search  jieba.cut_for_search(line)      search mode, HMM on

FILE is cut line by line; the line terminator (LF or CR LF) is not part of
the line. `time` prints the time jieba.initialize() took, then for each
mode PASSES lines, one per timed pass over the whole of FILE:

    LOAD python-jieba MILLISECONDS
    RESULT python-jieba MODE BYTES TOKENS SECONDS CPU_SECONDS

where BYTES is the size of FILE, TOKENS the number of tokens produced (every
token, whitespace ones included), SECONDS the wall time of the cutting only
(the dictionary is loaded and a short warm-up is run before the clock
starts) and CPU_SECONDS the CPU time the process used meanwhile. `dump` prints the tokens of each line separated by one space, with
whitespace tokens left out (the form bench/seg_f1.py reads).

Must run under Debian's /usr/bin/python3, where python3-jieba is installed.
"""

import logging
import sys
import time

import jieba

# Lines cut, untimed, before each timed pass (loads lazily built state).
WARMUP_LINES = 500


def cutter(mode):
    """Return a function str -> list of tokens for `mode`."""
    if mode == "hmm":
        return jieba.lcut
    if mode == "nohmm":
        return lambda s: jieba.lcut(s, HMM=False)
    if mode == "search":
        return jieba.lcut_for_search
    sys.exit("jieba_bench.py: unknown mode %r" % mode)


def read_lines(path):
    """The lines of `path` (UTF-8) without their terminators, and its size."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file ends with a newline
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines], len(data)


def time_mode(mode, passes, lines, nbytes):
    """Cut every line with `mode`, `passes` times; print a RESULT line for
    each pass."""
    cut = cutter(mode)
    for line in lines[:WARMUP_LINES]:
        cut(line)
    for _ in range(passes):
        ntokens = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for line in lines:
            # lcut materialises each token as a str in a list.
            ntokens += len(cut(line))
        secs = time.perf_counter() - t0
        cpu = time.process_time() - c0
        print("RESULT python-jieba %s %d %d %.6f %.6f" % (
            mode, nbytes, ntokens, secs, cpu), flush=True)


def main(argv):
    timing = len(argv) >= 5 and argv[1] == "time" and argv[2].isdigit()
    if not timing and (len(argv) != 4 or argv[1] != "dump"):
        sys.exit(__doc__)
    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter
    t0 = time.perf_counter()
    jieba.initialize()
    load_ms = (time.perf_counter() - t0) * 1e3
    if timing:
        lines, nbytes = read_lines(argv[3])
        print("LOAD python-jieba %.3f" % load_ms)
        for mode in argv[4:]:
            time_mode(mode, int(argv[2]), lines, nbytes)
    else:
        lines, _ = read_lines(argv[2])
        cut = cutter(argv[3])
        out = sys.stdout
        for line in lines:
            out.write(" ".join(t for t in cut(line) if not t.isspace()))
            out.write("\n")


if __name__ == "__main__":
    main(sys.argv)
