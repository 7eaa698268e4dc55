"""mdblocks.py - read a report's Markdown or plain text into the blocks that
the format generators (gen_pdf.py, gen_docx.py, gen_html.py) lay out.

A block is a dict:
  {"kind": "heading", "level": L, "text": T}
  {"kind": "para", "text": T, "lead": B}  B: the bold run-in lead that starts
                                           T ("" when none)
  {"kind": "table", "rows": [[cell, ...], ...]}

Markdown is read the way zhiku's Markdown reader sees it, for the kinds of
Markdown the seed paper and the corpus use: ATX headings (# .. ######) with
their ** removed, blank-line separated paragraphs whose lines are joined
(no space between two CJK characters, one space otherwise), a leading
**bold** run as the lead, other ** and __ removed, and tab-separated lines
(two or more cells) as table rows. Plain text (.txt): one paragraph per
non-blank line, tab-separated lines as table rows.
"""
import re
import sys
import unicodedata

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def is_cjk(ch):
    if not ch:
        return False
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
        or 0x3000 <= o <= 0x303F
    )


def join_lines(lines):
    """Join a paragraph's source lines as a reader does."""
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not ln:
            continue
        if out and not (is_cjk(out[-1]) and is_cjk(ln[0])):
            out += " "
        out += ln
    return out


INLINE_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")


def strip_marks(t):
    """Emphasis marks and inline HTML tags removed, as the Markdown
    reader's text has them (cmark gives raw HTML its own nodes)."""
    return INLINE_HTML.sub("", t.replace("**", "").replace("__", ""))


def para_block(text):
    lead = ""
    m = re.match(r"^\*\*(.+?)\*\*", text)
    if m and len(m.group(0)) < len(text):
        lead = strip_marks(m.group(1)).strip()
    t = strip_marks(text).strip()
    if not lead or not t.startswith(lead):
        lead = ""
    return {"kind": "para", "text": t, "lead": lead}


def table_rows(lines):
    rows = []
    for ln in lines:
        cells = [strip_marks(c).strip() for c in ln.rstrip("\n").split("\t")]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def is_table_line(ln):
    return "\t" in ln.strip("\n") and len([c for c in ln.split("\t") if c.strip()]) >= 2


def read_markdown(src):
    blocks = []
    para = []
    table = []

    def flush():
        nonlocal para, table
        if table:
            blocks.append({"kind": "table", "rows": table_rows(table)})
            table = []
        if para:
            t = join_lines(para)
            if t:
                blocks.append(para_block(t))
            para = []

    for ln in src.splitlines():
        if not ln.strip():
            flush()
            continue
        m = HEADING.match(ln)
        if m:
            flush()
            t = strip_marks(m.group(2)).strip()
            if t:
                blocks.append({"kind": "heading", "level": len(m.group(1)), "text": t})
            continue
        if is_table_line(ln):
            if para:
                t = join_lines(para)
                if t:
                    blocks.append(para_block(t))
                para = []
            table.append(ln)
            continue
        if table:
            blocks.append({"kind": "table", "rows": table_rows(table)})
            table = []
        para.append(ln)
    flush()
    return blocks


def read_text(src):
    blocks = []
    table = []
    for ln in src.splitlines():
        if is_table_line(ln):
            table.append(ln)
            continue
        if table:
            blocks.append({"kind": "table", "rows": table_rows(table)})
            table = []
        t = ln.strip()
        if t:
            blocks.append({"kind": "para", "text": t, "lead": ""})
    if table:
        blocks.append({"kind": "table", "rows": table_rows(table)})
    return blocks


def read_file(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    src = unicodedata.normalize("NFC", src).replace("\ufeff", "")
    if path.endswith((".md", ".markdown")):
        return read_markdown(src)
    return read_text(src)


def read_markdown_text(src):
    return read_markdown(unicodedata.normalize("NFC", src))


def block_text(b):
    """The block's reading text, as a reader should extract it."""
    if b["kind"] == "table":
        return "\n".join(" | ".join(r) for r in b["rows"])
    return b["text"]


if __name__ == "__main__":
    import json

    json.dump(read_file(sys.argv[1]), sys.stdout, ensure_ascii=False, indent=1)
