"""gen_pdf.py - lay out a report's blocks (mdblocks.py) as a PDF with pycairo,
the way a word processor sets a Chinese report, and record where each block
went, so that the PDF reader (src/read_pdf.c) can be tested on real text.

Layout: A4 portrait, 72 pt margins left and right, Noto Sans CJK SC.
Body paragraphs are 12 pt Regular, 18 pt line pitch, no space between
paragraphs and a first-line indent of two ideographic spaces (24 pt), the
way Chinese reports set them; a paragraph's bold run-in lead is set in the
Bold face. Headings of levels 1..6 are Bold at 22/18/16/15/14/13 pt with
space above and below; a heading is kept with at least one line after it.
Lines are broken by the generator, character by character with cairo's
advance widths: CJK text breaks between any two characters (so line
breaks fall inside sentences), Latin words are kept whole except that a
purely alphabetic word of 6 or more letters that does not fit is
hyphenated ("inter-" / "national"). Tables are set at 9 pt (smaller if
needed to fit), each cell at its column's x position with 2.5 em between
columns, one row per line. Page breaks fall wherever the text runs out, so
paragraphs cross pages. Every page after the first has a running header
(the title, 9 pt, centred in the top band); every page has a footer page
number in the bottom band, "- N -" or "第 N 页". The PDF outline lists the
headings, nested by level, and the Info dictionary holds title, author and
creation date.

generate(blocks, out_path, meta) writes the PDF and returns the record:
  {"generator": "gen_pdf", "pages": N, "page_size": [595.276, 841.89],
   "header": TITLE, "header_from_page": 2,
   "footer": "- {n} -" or "第 {n} 页", "outline": true,
   "meta": {"title": .., "author": .., "date": "YYYY-MM-DD"},
   "body_size": 12, "heading_sizes": [22, 18, 16, 15, 14, 13],
   "blocks": [{"kind": "para"|"heading"|"table", "level": L (0 unless a
               heading), "page_start": P, "page_end": Q, "lines": K}, ...]}
where blocks[i] is source block i (1-based pages of its first and last
line). It also writes OUT.tsv beside, for the C test: a line
"pages<TAB>N", "header<TAB>TITLE", "footer<TAB>PATTERN", "title", "author",
"date" lines, then one line per block:
  "block<TAB>i<TAB>kind<TAB>level<TAB>page_start<TAB>page_end<TAB>text"
with the block's reading text (mdblocks.block_text) where "\\" "\n" "\t"
are written as "\\\\" "\\n" "\\t".

Run alone: gen_pdf.py SRC.md|SRC.txt OUT.pdf  (writes OUT.pdf, OUT.pdf.json,
OUT.pdf.tsv and OUT.blocks.json).
"""
import json
import os
import re
import sys

import cairo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mdblocks  # noqa: E402

PAGE_W, PAGE_H = 595.276, 841.89
MARGIN_X = 72.0
TOP = 72.0  # top of the body's first line box
BOTTOM = PAGE_H - 72.0  # no body line below this baseline
FONT = "Noto Sans CJK SC"
BODY = 12.0
PITCH = 1.5
HEADING_SIZES = [22.0, 18.0, 16.0, 15.0, 14.0, 13.0]
TABLE_SIZE = 9.0
TABLE_MIN = 5.0
BAND_SIZE = 9.0
INDENT_CHARS = 2


def is_cjk(ch):
    return mdblocks.is_cjk(ch)


class Measure:
    """Advance widths of single characters, cached per face and size."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.cache = {}

    def face(self, bold, size):
        self.ctx.select_font_face(
            FONT,
            cairo.FONT_SLANT_NORMAL,
            cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL,
        )
        self.ctx.set_font_size(size)

    def width(self, ch, bold, size):
        key = (ch, bold, size)
        w = self.cache.get(key)
        if w is None:
            self.face(bold, size)
            w = self.ctx.text_extents(ch).x_advance
            self.cache[key] = w
        return w

    def text(self, s, bold, size):
        return sum(self.width(c, bold, size) for c in s)


def units(text):
    """Split text into break units: one CJK character, a run of other
    non-blank characters (a Latin word, a number), or one blank."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            out.append(" ")
            while i < len(text) and text[i].isspace():
                i += 1
            continue
        if is_cjk(c):
            out.append(c)
            i += 1
            continue
        j = i
        while j < len(text) and not text[j].isspace() and not is_cjk(text[j]):
            j += 1
        out.append(text[i:j])
        i = j
    return out


def break_lines(text, bold_upto, size, first_indent, width, m):
    """Break `text` into lines of at most `width` points. Characters before
    index bold_upto are Bold. Returns a list of (x_offset, [(chunk, bold)])
    with chunks of same-face text."""
    lines = []
    cur = []  # list of (char, bold)
    cur_w = first_indent
    pos = 0  # character index into text of the next unit
    indent = first_indent

    def flush():
        nonlocal cur, cur_w, indent
        while cur and cur[-1][0] == " ":
            cur.pop()
        lines.append((indent, cur))
        cur = []
        cur_w = 0.0
        indent = 0.0

    for u in units(text):
        start = pos
        # the source's blank run is one unit but spans several characters
        if u == " ":
            while pos < len(text) and text[pos].isspace():
                pos += 1
        else:
            pos += len(u)
        chars = [(c, start + k < bold_upto) for k, c in enumerate(u)]
        if u == " ":
            if not cur:
                continue
            w = m.width(" ", chars[0][1], size)
            cur.append((" ", chars[0][1]))
            cur_w += w
            continue
        w = sum(m.width(c, b, size) for c, b in chars)
        if cur_w + w <= width + 0.01:
            cur.extend(chars)
            cur_w += w
            continue
        # does not fit: hyphenate a long alphabetic word, else break before
        if re.fullmatch(r"[A-Za-z]{6,}", u):
            hy = m.width("-", chars[0][1], size)
            k = 0
            acc = cur_w
            while k < len(chars) and acc + m.width(chars[k][0], chars[k][1], size) + hy <= width:
                acc += m.width(chars[k][0], chars[k][1], size)
                k += 1
            if k >= 3 and len(chars) - k >= 3 and chars[k][0].islower():
                cur.extend(chars[:k])
                cur.append(("-", chars[k - 1][1]))
                flush()
                chars = chars[k:]
                w = sum(m.width(c, b, size) for c, b in chars)
        if cur and any(c != " " for c, _ in cur):
            flush()
        # a unit longer than a whole line: break it by characters
        while cur_w + w > width + 0.01 and len(chars) > 1:
            k = 0
            acc = cur_w
            while k < len(chars) and acc + m.width(chars[k][0], chars[k][1], size) <= width:
                acc += m.width(chars[k][0], chars[k][1], size)
                k += 1
            k = max(k, 1)
            cur.extend(chars[:k])
            flush()
            chars = chars[k:]
            w = sum(m.width(c, b, size) for c, b in chars)
        cur.extend(chars)
        cur_w += w
    if cur:
        flush()
    return [ln for ln in lines if ln[1]]


class Writer:
    def __init__(self, out_path, meta, footer):
        self.surface = cairo.PDFSurface(out_path, PAGE_W, PAGE_H)
        self.ctx = cairo.Context(self.surface)
        self.m = Measure(self.ctx)
        self.meta = meta
        self.footer = footer
        self.page = 1
        self.y = TOP  # top of the next line box
        self.started = False  # anything drawn on this page
        self.outline_stack = []  # (level, id)

    def bands(self):
        """Draw this page's header and footer."""
        title = self.meta.get("title") or ""
        if self.page >= 2 and title:
            self.centred(title, 40.0)
        self.centred(self.footer.format(n=self.page), PAGE_H - 36.0)

    def centred(self, s, baseline):
        w = self.m.text(s, False, BAND_SIZE)
        self.m.face(False, BAND_SIZE)
        self.ctx.move_to((PAGE_W - w) / 2, baseline)
        self.ctx.show_text(s)

    def new_page(self):
        self.bands()
        self.surface.show_page()
        self.page += 1
        self.y = TOP
        self.started = False

    def room(self, height):
        """Start a new page unless `height` more points fit."""
        if self.started and self.y + height > BOTTOM + 4:
            self.new_page()

    def draw_line(self, x, chunks, size, pitch):
        """Draw one line at the current y; returns nothing."""
        baseline = self.y + size
        cx = x
        run = ""
        run_bold = None
        for c, b in chunks + [(None, None)]:
            if c is not None and b == run_bold:
                run += c
                continue
            if run:
                self.m.face(run_bold, size)
                self.ctx.move_to(cx, baseline)
                self.ctx.show_text(run)
                cx += self.m.text(run, run_bold, size)
            run = c or ""
            run_bold = b
        self.y += pitch
        self.started = True

    def text_block(self, text, bold_upto, size, indent, gap_before, gap_after,
                   keep_lines=1):
        width = PAGE_W - 2 * MARGIN_X
        lines = break_lines(text, bold_upto, size, indent, width, self.m)
        pitch = size * PITCH
        if self.started:
            self.y += gap_before
        self.room(pitch * (len(lines) if keep_lines > 1 else 1) + gap_after)
        first = self.page
        for i, (dx, chunks) in enumerate(lines):
            self.room(pitch)
            if i == 0:
                first = self.page
            self.draw_line(MARGIN_X + dx, chunks, size, pitch)
        self.y += gap_after
        return first, self.page, len(lines)

    def heading(self, level, text):
        size = HEADING_SIZES[min(level, 6) - 1]
        # keep the heading with one body line after it
        width = PAGE_W - 2 * MARGIN_X
        n = len(break_lines(text, len(text), size, 0.0, width, self.m))
        before = size * 0.8
        if self.started:
            self.y += before
        self.room(n * size * PITCH + size * 0.4 + BODY * PITCH)
        first, last, k = self.text_block(text, len(text), size, 0.0, 0.0, size * 0.4)
        while self.outline_stack and self.outline_stack[-1][0] >= level:
            self.outline_stack.pop()
        parent = self.outline_stack[-1][1] if self.outline_stack else cairo.PDF_OUTLINE_ROOT
        oid = self.surface.add_outline(parent, text, "page=%d" % first, 0)
        self.outline_stack.append((level, oid))
        return first, last, k

    def table(self, rows):
        ncol = max(len(r) for r in rows)
        size = TABLE_SIZE
        width = PAGE_W - 2 * MARGIN_X
        while True:
            gap = 2.5 * size
            colw = [0.0] * ncol
            for r in rows:
                for j, c in enumerate(r):
                    colw[j] = max(colw[j], self.m.text(" ".join(c.split()), False, size))
            used = [j for j in range(ncol) if colw[j] > 0]
            total = sum(colw[j] for j in used) + gap * max(len(used) - 1, 0)
            if total <= width or size <= TABLE_MIN:
                break
            size -= 0.5
        xs = {}
        x = MARGIN_X
        for j in used:
            xs[j] = x
            x += colw[j] + gap
        pitch = size * 1.6
        if self.started:
            self.y += 6.0
        first = None
        for r in rows:
            self.room(pitch)
            if first is None:
                first = self.page
            baseline = self.y + size
            self.m.face(False, size)
            for j, c in enumerate(r):
                c = " ".join(c.split())
                if c:
                    self.ctx.move_to(xs[j], baseline)
                    self.ctx.show_text(c)
            self.y += pitch
            self.started = True
        self.y += 6.0
        return first, self.page, len(rows)

    def finish(self):
        self.bands()
        self.surface.finish()


def generate(blocks, out_path, meta):
    meta = dict(meta or {})
    footer = "第 {n} 页" if len(blocks) % 2 else "- {n} -"
    w = Writer(out_path, meta, footer)
    s = w.surface
    if meta.get("title"):
        s.set_metadata(cairo.PDF_METADATA_TITLE, meta["title"])
    if meta.get("author"):
        s.set_metadata(cairo.PDF_METADATA_AUTHOR, meta["author"])
    if meta.get("date"):
        s.set_metadata(cairo.PDF_METADATA_CREATE_DATE, meta["date"] + "T10:00:00Z")
    indent = INDENT_CHARS * w.m.width("\u3000", False, BODY)
    rec_blocks = []
    for b in blocks:
        if b["kind"] == "heading":
            first, last, k = w.heading(b["level"], " ".join(b["text"].split()))
            rec_blocks.append({"kind": "heading", "level": b["level"],
                               "page_start": first, "page_end": last, "lines": k})
        elif b["kind"] == "table":
            rows = [r for r in b["rows"] if any(c.strip() for c in r)]
            if not rows:
                rec_blocks.append({"kind": "table", "level": 0, "page_start": 0,
                                   "page_end": 0, "lines": 0})
                continue
            first, last, k = w.table(rows)
            rec_blocks.append({"kind": "table", "level": 0,
                               "page_start": first, "page_end": last, "lines": k})
        else:
            text = b["text"]
            lead = b.get("lead") or ""
            bold_upto = len(lead) if lead and text.startswith(lead) else 0
            first, last, k = w.text_block(text, bold_upto, BODY, indent, 0.0, 0.0)
            rec_blocks.append({"kind": "para", "level": 0,
                               "page_start": first, "page_end": last, "lines": k})
    w.finish()
    rec = {
        "generator": "gen_pdf",
        "pages": w.page,
        "page_size": [PAGE_W, PAGE_H],
        "header": meta.get("title") or "",
        "header_from_page": 2,
        "footer": footer,
        "outline": True,
        "meta": {k: meta.get(k, "") for k in ("title", "author", "date")},
        "body_size": BODY,
        "heading_sizes": HEADING_SIZES,
        "blocks": rec_blocks,
    }
    write_tsv(out_path + ".tsv", rec, blocks)
    return rec


def esc(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def write_tsv(path, rec, blocks):
    with open(path, "w", encoding="utf-8") as f:
        f.write("pages\t%d\n" % rec["pages"])
        f.write("header\t%s\n" % esc(rec["header"]))
        f.write("footer\t%s\n" % esc(rec["footer"]))
        for k in ("title", "author", "date"):
            f.write("%s\t%s\n" % (k, esc(rec["meta"].get(k) or "")))
        for i, (b, r) in enumerate(zip(blocks, rec["blocks"])):
            f.write("block\t%d\t%s\t%d\t%d\t%d\t%s\n" % (
                i, r["kind"], r["level"], r["page_start"], r["page_end"],
                esc(mdblocks.block_text(b))))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: gen_pdf.py SRC.md|SRC.txt OUT.pdf\n")
        return 2
    src, out = argv[1], argv[2]
    blocks = mdblocks.read_file(src)
    title = ""
    for b in blocks:
        if b["kind"] != "table" and b["text"].strip():
            title = b["text"].strip()[:40]
            break
    meta = {"title": title, "author": "测试作者", "date": "2025-06-13"}
    rec = generate(blocks, out, meta)
    with open(out + ".json", "w", encoding="utf-8") as f:
        json.dump(rec, f, ensure_ascii=False, indent=1)
    base = out[:-4] if out.endswith(".pdf") else out
    with open(base + ".blocks.json", "w", encoding="utf-8") as f:
        json.dump(blocks, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
