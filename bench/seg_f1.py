#!/usr/bin/python3
"""Score a word segmentation against a SIGHAN 2005 gold file.

Usage:
    seg_f1.py GOLD TEST

GOLD and TEST are UTF-8 files with one sentence per line and words separated
by whitespace (any amount; U+3000 counts as whitespace, as in the bakeoff's
scorer). TEST is the segmenter's output for the raw test text, one output
line per input line; whitespace is never a word and is ignored on both sides.

A word is identified by its character span. Spans are counted over the
whole file's character stream (whitespace removed), not restarted on each
line: the MSR gold file moves an opening quote to the end of the previous
line in 8 places, and this keeps those lines comparable. Each word still lies
within its own line, so line breaks remain word boundaries on both sides.
A test word is correct when a gold word has exactly the same span:

    precision = correct / test words, recall = correct / gold words,
    F1 = 2PR / (P + R)

This equals the word-level P/R/F of the bakeoff's diff-based perl scorer.
Prints one tab-separated line:

    precision  recall  f1  gold_words  test_words  correct

and exits 1 (naming the first differing line) if the two files do not hold
the same non-whitespace text.

Standard library only.
"""

import sys


def read_lines(path):
    """The lines of `path`, without terminators (a final newline ends a line,
    it does not start an empty one)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def spans(lines):
    """The words of `lines` as a set of (start, end) character spans over the
    whole file, and the list of each line's non-whitespace text."""
    result = set()
    texts = []
    pos = 0
    for line in lines:
        words = line.split()
        for w in words:
            result.add((pos, pos + len(w)))
            pos += len(w)
        texts.append("".join(words))
    return result, texts


def first_difference(gold_texts, test_texts):
    """A message naming the first line where the texts part, for errors."""
    gold, test = "".join(gold_texts), "".join(test_texts)
    n = next((i for i, (a, b) in enumerate(zip(gold, test)) if a != b),
             min(len(gold), len(test)))
    # Map the character position back to a gold line number.
    pos = 0
    for lineno, t in enumerate(gold_texts, 1):
        if pos + len(t) > n:
            break
        pos += len(t)
    return "texts differ at character %d (gold line %d): gold %r, test %r" % (
        n, lineno, gold[n:n + 10], test[n:n + 10])


def score(gold_lines, test_lines):
    """(precision, recall, f1, gold_words, test_words, correct)."""
    gold, gold_texts = spans(gold_lines)
    test, test_texts = spans(test_lines)
    if "".join(gold_texts) != "".join(test_texts):
        raise ValueError(first_difference(gold_texts, test_texts))
    correct = len(gold & test)
    p = correct / len(test) if test else 0.0
    r = correct / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, len(gold), len(test), correct


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    gold_lines, test_lines = read_lines(argv[1]), read_lines(argv[2])
    if len(gold_lines) != len(test_lines):
        sys.exit("seg_f1.py: %s has %d lines, %s has %d" % (
            argv[1], len(gold_lines), argv[2], len(test_lines)))
    try:
        p, r, f, ng, nt, nc = score(gold_lines, test_lines)
    except ValueError as e:
        sys.exit("seg_f1.py: %s vs %s: %s" % (argv[1], argv[2], e))
    print("%.4f\t%.4f\t%.4f\t%d\t%d\t%d" % (p, r, f, ng, nt, nc))


if __name__ == "__main__":
    main(sys.argv)
