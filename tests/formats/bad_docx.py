"""bad_docx.py - write the bad .docx inputs that zhiku's .docx reader must
refuse quickly, with a message naming the file and the cause.

  bad_docx.py OUTDIR

Writes, printing one line per file ("NAME<TAB>what it is"):
  corrupt.docx        a generated .docx with its central directory
                      overwritten
  truncated.docx      the first half of a generated .docx
  bomb.docx           word/document.xml inflating to 2 GB of spaces from
                      about 2 MB, with its true size in the headers
  bomb-lying.docx     the same bytes, headers declaring 1000 bytes
  many-entries.docx   20,000 entries beside word/document.xml
  xxe.docx            document.xml with a DOCTYPE declaring an external
                      entity (file:///etc/passwd) and using it
  laughs.docx         document.xml with the billion laughs
  notdocx.docx        a small PDF named .docx
  xlsx-as-docx.docx   a zip with xl/workbook.xml and no word/document.xml
  legacy.doc          the OLE2 signature and junk (an old binary .doc)
The bomb is compressed in a stream: 2 GB is never held in memory.
"""
import io
import os
import struct
import sys
import zipfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_docx  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SMALL = [
    {"kind": "heading", "level": 1, "text": "一、总体要求"},
    {"kind": "para", "text": "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。",
     "lead": ""},
    {"kind": "table", "rows": [["指标", "目标"], ["增长", "5%左右"]]},
]
BOMB_SIZE = 2 << 30


def doc_xml(body, doctype=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n%s'
            '<w:document xmlns:w="%s"><w:body>%s</w:body></w:document>'
            % (doctype, W, body)).encode("utf-8")


def zip_bytes(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return out.getvalue()


def small_docx(path):
    gen_docx.generate(SMALL, path, {"title": "测试", "author": "zhiku",
                                    "date": "2025-01-01"})
    with open(path, "rb") as f:
        return f.read()


def corrupt(data):
    """Overwrite the first 64 bytes of the central directory."""
    eocd = data.rfind(b"PK\x05\x06")
    cd_off = struct.unpack("<I", data[eocd + 16: eocd + 20])[0]
    b = bytearray(data)
    for i in range(cd_off, min(cd_off + 64, eocd)):
        b[i] = 0xA5
    return bytes(b)


def bomb(declared=None):
    """A zip whose word/document.xml is an XML start, then spaces up to
    BOMB_SIZE bytes, deflated in a stream; `declared`: the uncompressed
    size written in the headers (the true one when None)."""
    head = doc_xml("<w:p><w:r><w:t>")[: -len(b"</w:body></w:document>")]
    head = head.replace(b"</w:t>", b"")
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc = zlib.crc32(head)
    parts = [co.compress(head)]
    chunk = b" " * (1 << 20)
    left = BOMB_SIZE - len(head)
    while left > 0:
        c = chunk if left >= len(chunk) else chunk[:left]
        crc = zlib.crc32(c, crc)
        parts.append(co.compress(c))
        left -= len(c)
    parts.append(co.flush())
    comp = b"".join(parts)
    usize = BOMB_SIZE if declared is None else declared
    name = b"word/document.xml"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0,
                        crc & 0xFFFFFFFF, len(comp), usize, len(name), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0,
                          0, crc & 0xFFFFFFFF, len(comp), usize, len(name),
                          0, 0, 0, 0, 0, 0) + name
    body = local + name + comp
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                       len(body), 0)
    return body + central + eocd


def many_entries(n=20000):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", doc_xml("<w:p><w:r><w:t>x</w:t>"
                                                "</w:r></w:p>"))
        for i in range(n):
            z.writestr("word/media/e%05d.txt" % i, b"")
    return out.getvalue()


def xxe():
    dt = ('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
          '<!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>\n')
    return zip_bytes([("word/document.xml",
                       doc_xml("<w:p><w:r><w:t>&xxe;&net;</w:t></w:r></w:p>",
                               dt))])


def laughs():
    ents = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = "lol" if i == 1 else "lol%d" % (i - 1)
        ents.append('<!ENTITY lol%d "%s">' % (i, ("&%s;" % prev) * 10))
    dt = "<!DOCTYPE w:document [%s]>\n" % "".join(ents)
    return zip_bytes([("word/document.xml",
                       doc_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>",
                               dt))])


def pdf():
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def xlsx():
    return zip_bytes([
        ("[Content_Types].xml",
         b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
         b'.org/package/2006/content-types"/>'),
        ("xl/workbook.xml",
         b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats'
         b'.org/spreadsheetml/2006/main"><sheets/></workbook>'),
    ])


def legacy():
    junk = bytes((i * 37 + 11) & 0xFF for i in range(4096))
    return b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + junk


def main(argv):
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    tmp = os.path.join(out, "small.tmp.docx")
    good = small_docx(tmp)
    os.remove(tmp)
    for f in ("small.tmp.docx.json",):
        if os.path.exists(os.path.join(out, f)):
            os.remove(os.path.join(out, f))
    b = bomb()
    files = [
        ("corrupt.docx", corrupt(good), "central directory overwritten"),
        ("truncated.docx", good[: len(good) // 2], "first half of a .docx"),
        ("bomb.docx", b, "2 GB document.xml, true sizes"),
        ("bomb-lying.docx",
         b.replace(struct.pack("<I", BOMB_SIZE), struct.pack("<I", 1000)),
         "2 GB document.xml declared as 1000 bytes"),
        ("many-entries.docx", many_entries(), "20000 entries"),
        ("xxe.docx", xxe(), "external entity to file:///etc/passwd"),
        ("laughs.docx", laughs(), "billion laughs"),
        ("notdocx.docx", pdf(), "a PDF named .docx"),
        ("xlsx-as-docx.docx", xlsx(), "xl/workbook.xml, no word/document.xml"),
        ("legacy.doc", legacy(), "OLE2 signature and junk"),
    ]
    for name, data, what in files:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print("%s\t%s (%d bytes)" % (name, what, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
