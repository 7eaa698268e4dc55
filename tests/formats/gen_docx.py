"""gen_docx.py - lay out a report's blocks (mdblocks.py) as a Word .docx
with python-docx, for the tests of zhiku's .docx reader (src/read_docx.c).

generate(blocks, out_path, meta, variant="style", footnotes=False)
  variant    "style":   doc.add_heading(text, level), the built-in
                        "Heading N" styles (w:name "heading N")
             "cnstyles": the same, then the heading styles' w:name renamed
                        to "标题 N" (as a Chinese Word writes them)
             "outline": Normal paragraphs carrying only w:outlineLvl N-1
  footnotes  add FOOTNOTES (our own text) as footnotes referenced from the
             first paragraphs, written into word/footnotes.xml with its
             relationship and content type (python-docx has no footnote
             API), plus the separator notes Word writes
Paragraphs with a lead get it as a bold first run; tables are
doc.add_table(rows x max cells). meta {"title", "author", "date"} goes to
docProps/core.xml (created = date at 00:00 UTC).

Returns the record (JSON-able):
  {"format": "docx", "variant": "style" | "cnstyles" | "outline",
   "footnotes": [text, ...]   (in order; [] when none),
   "paragraphs": P, "headings": H, "tables": T, "leads": L,
   "meta": meta, "sanitized": N (characters XML cannot hold, written as
   spaces)}

Standalone: gen_docx.py [--variant style|cnstyles|outline] [--notes]
            [--blocks OUT.blocks.json] SRC OUT.docx
SRC is Markdown/text (read with mdblocks) or a .blocks.json; writes OUT and
OUT.json (the record).
"""
import copy
import datetime
import io
import json
import os
import re
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mdblocks  # noqa: E402
import docx  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

FOOTNOTES = [
    "本文数据来自作者对巴中市相关部门的实地调研。",
    "城市 IP 指城市独特的文化符号与品牌形象。",
    "参见《巴中市国民经济和社会发展统计公报》。",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FN_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/"
          "relationships/footnotes")
FN_CT = ("application/vnd.openxmlformats-officedocument."
         "wordprocessingml.footnotes+xml")

# characters XML 1.0 cannot hold
BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(t, count):
    n = len(BAD_XML.findall(t))
    count[0] += n
    return BAD_XML.sub(" ", t) if n else t


def set_outline(p, level):
    ppr = p._p.get_or_add_pPr()
    o = OxmlElement("w:outlineLvl")
    o.set(qn("w:val"), str(level - 1))
    ppr.append(o)


def add_footnote_ref(p, note_id):
    r = p.add_run()
    rpr = OxmlElement("w:rPr")
    va = OxmlElement("w:vertAlign")
    va.set(qn("w:val"), "superscript")
    rpr.append(va)
    r._r.append(rpr)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    r._r.append(ref)


def footnotes_xml(texts):
    def esc(s):
        return (s.replace("&", "&amp;").replace("<", "&lt;")
                .replace(">", "&gt;"))

    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<w:footnotes xmlns:w="%s">' % W_NS,
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
             '<w:separator/></w:r></w:p></w:footnote>',
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
             '<w:continuationSeparator/></w:r></w:p></w:footnote>']
    for i, t in enumerate(texts, 1):
        parts.append(
            '<w:footnote w:id="%d"><w:p><w:r><w:rPr><w:vertAlign '
            'w:val="superscript"/></w:rPr><w:footnoteRef/></w:r><w:r>'
            '<w:t xml:space="preserve"> %s</w:t></w:r></w:p></w:footnote>'
            % (i, esc(t)))
    parts.append("</w:footnotes>")
    return "".join(parts).encode("utf-8")


def add_footnotes_part(path, texts):
    """Rewrite the saved zip with word/footnotes.xml, its relationship and
    its content type."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    ('<Relationship Id="rIdZkNotes" Type="%s" '
                     'Target="footnotes.xml"/></Relationships>' % FN_REL)
                    .encode())
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    ('<Override PartName="/word/footnotes.xml" '
                     'ContentType="%s"/></Types>' % FN_CT).encode())
            z.writestr(copy.copy(info), data, zipfile.ZIP_DEFLATED)
        z.writestr("word/footnotes.xml", footnotes_xml(texts))
    with open(path, "wb") as f:
        f.write(out.getvalue())


def generate(blocks, out_path, meta, variant="style", footnotes=False):
    headings = "cnstyles" if variant == "cn" else variant
    if headings not in ("style", "cnstyles", "outline"):
        raise ValueError("variant: style, cnstyles or outline")
    doc = docx.Document()
    count = [0]
    n_para = n_head = n_table = n_lead = 0
    notes = list(FOOTNOTES) if footnotes else []
    note_paras = []

    for b in blocks:
        if b["kind"] == "heading":
            level = max(1, min(6, int(b["level"])))
            text = clean(b["text"], count)
            if headings == "outline":
                p = doc.add_paragraph()
                p.add_run(text)
                set_outline(p, level)
            else:
                doc.add_heading(text, level)
            n_head += 1
        elif b["kind"] == "para":
            text = clean(b["text"], count)
            lead = clean(b.get("lead") or "", count)
            p = doc.add_paragraph()
            if lead and text.startswith(lead) and len(lead) < len(text):
                p.add_run(lead).bold = True
                p.add_run(text[len(lead):])
                n_lead += 1
            else:
                p.add_run(text)
            n_para += 1
            if len(note_paras) < len(notes):
                note_paras.append(p)
        elif b["kind"] == "table":
            rows = b["rows"]
            ncols = max(len(r) for r in rows) if rows else 0
            if not rows or ncols == 0:
                continue
            t = doc.add_table(rows=len(rows), cols=ncols)
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = clean(c, count)
            n_table += 1
    notes = notes[: len(note_paras)]
    for i, p in enumerate(note_paras, 1):
        add_footnote_ref(p, i)

    if headings == "cnstyles":
        for level in range(1, 7):
            st = doc.styles["Heading %d" % level]
            st.element.name_val = "标题 %d" % level
            # drop the style's w:outlineLvl so that only the name tells
            ppr = st.element.pPr
            if ppr is not None:
                for o in ppr.findall(qn("w:outlineLvl")):
                    ppr.remove(o)

    cp = doc.core_properties
    cp.title = meta.get("title") or ""
    cp.author = meta.get("author") or ""
    date = meta.get("date") or ""
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", date)
    if m:
        cp.created = datetime.datetime(int(m.group(1)), int(m.group(2) or 1),
                                       int(m.group(3) or 1))
    doc.save(out_path)
    if notes:
        add_footnotes_part(out_path, notes)
    return {
        "format": "docx",
        "variant": headings,
        "footnotes": notes,
        "paragraphs": n_para,
        "headings": n_head,
        "tables": n_table,
        "leads": n_lead,
        "meta": meta,
        "sanitized": count[0],
    }


def main(argv):
    variant, notes, blocks_out = "style", False, None
    args = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--variant":
            variant = argv[i + 1]
            i += 2
            continue
        if a == "--notes":
            notes = True
        elif a == "--blocks":
            blocks_out = argv[i + 1]
            i += 1
        else:
            args.append(a)
        i += 1
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    src, out = args
    if src.endswith(".json"):
        with open(src, encoding="utf-8") as f:
            blocks = json.load(f)
    else:
        blocks = mdblocks.read_file(src)
    title = next((b["text"] for b in blocks if b["kind"] == "heading"),
                 os.path.basename(src))
    meta = {"title": title, "author": "zhiku tests", "date": "2025-06-13"}
    rec = generate(blocks, out, meta, variant=variant, footnotes=notes)
    with open(out + ".json", "w", encoding="utf-8") as f:
        json.dump(rec, f, ensure_ascii=False, indent=1)
    if blocks_out:
        with open(blocks_out, "w", encoding="utf-8") as f:
            json.dump(blocks, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
