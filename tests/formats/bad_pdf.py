"""bad_pdf.py OUTDIR - write the bad PDFs of the bad-input catalogue.

  encrypted.pdf   a generated PDF encrypted with a user password (qpdf,
                  AES-256): the reader must refuse it as encrypted
  truncated.pdf   a generated PDF cut in half
  corrupt.pdf     a generated PDF with its middle and its xref overwritten
  scan.pdf        three pages of vector drawings only (no text layer)
  many-pages.pdf  3,000 short pages (memory must stay bounded)
  notpdf.pdf      a text file named .pdf

Prints one line per file written: "NAME<TAB>what it is".
"""
import os
import shutil
import subprocess
import sys

import cairo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_pdf  # noqa: E402

SAMPLE = [
    {"kind": "heading", "level": 1, "text": "测试报告"},
    {"kind": "para", "lead": "",
     "text": "这是一段用于生成损坏文件的正文。" * 30},
    {"kind": "heading", "level": 2, "text": "一、基本情况"},
    {"kind": "para", "lead": "",
     "text": "城市是区域经济发展的动力源和重要增长极。" * 40},
]
META = {"title": "测试报告", "author": "测试", "date": "2025-01-02"}


def good(path):
    gen_pdf.generate(SAMPLE, path, META)
    for extra in (path + ".tsv",):
        if os.path.exists(extra):
            os.remove(extra)
    with open(path, "rb") as f:
        return f.read()


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: bad_pdf.py OUTDIR\n")
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, "good-sample.pdf")
    data = good(base)

    qpdf = shutil.which("qpdf")
    if qpdf is None:
        sys.stderr.write("bad_pdf.py: qpdf not found (apt-get install qpdf): "
                         "encrypted.pdf not written\n")
    else:
        enc = os.path.join(out, "encrypted.pdf")
        subprocess.run([qpdf, "--encrypt", "userpw", "ownerpw", "256", "--",
                        base, enc], check=True)
        print("encrypted.pdf\tAES-256, user password 'userpw'")

    with open(os.path.join(out, "truncated.pdf"), "wb") as f:
        f.write(data[: len(data) // 2])
    print("truncated.pdf\tfirst %d of %d bytes" % (len(data) // 2, len(data)))

    bad = bytearray(data)
    mid = len(bad) // 2
    bad[mid:mid + 4096] = b"\x00garbage" * 512
    x = bad.rfind(b"xref")
    if x < 0:
        x = bad.rfind(b"startxref")
    if x >= 0:
        bad[x:x + 200] = b"Z" * min(200, len(bad) - x)
    with open(os.path.join(out, "corrupt.pdf"), "wb") as f:
        f.write(bytes(bad))
    print("corrupt.pdf\tmiddle and xref overwritten")

    scan = os.path.join(out, "scan.pdf")
    s = cairo.PDFSurface(scan, gen_pdf.PAGE_W, gen_pdf.PAGE_H)
    c = cairo.Context(s)
    for p in range(3):
        for k in range(40):
            c.rectangle(72, 72 + k * 17, 300 + (k * 37 + p * 11) % 150, 10)
        c.fill()
        s.show_page()
    s.finish()
    print("scan.pdf\t3 pages of rectangles, no text")

    many = os.path.join(out, "many-pages.pdf")
    s = cairo.PDFSurface(many, gen_pdf.PAGE_W, gen_pdf.PAGE_H)
    c = cairo.Context(s)
    c.select_font_face(gen_pdf.FONT)
    c.set_font_size(12)
    for p in range(3000):
        c.move_to(72, 100)
        c.show_text("第%d页的正文：城市品质提升研究。" % (p + 1))
        c.move_to(290, 806)
        c.show_text("- %d -" % (p + 1))
        s.show_page()
    s.finish()
    print("many-pages.pdf\t3000 pages of one line each")

    with open(os.path.join(out, "notpdf.pdf"), "w", encoding="utf-8") as f:
        f.write("这不是 PDF 文件，只是一个以 .pdf 结尾的文本文件。\n")
    print("notpdf.pdf\ta text file")
    os.remove(base)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
