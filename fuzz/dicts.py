#!/usr/bin/env python3
"""fuzz/dicts.py OUT_DIR - write libFuzzer dictionaries (-dict=OUT_DIR/<x>.dict)
for the fuzz targets: the syntax each parser looks for, escaped as libFuzzer
wants (printable ASCII as is, every other byte as \\xNN)."""
import sys

QUERY = """title: section: year: path: author: org: keyword: keywords: docno:
标题: 章节: 年份: 路径: 作者: 单位: 关键词: 文号: 标题： 年份： ： : OR - " “ ” 「 」
『 』 .. 2024 2020..2025 ..2000 * ? 发展 城乡""".split() + ["\u3000", " OR "]

REPORT = """# ## ### #### ** * __ --- ``` ~~~ > - + 1. 1) | |---| :--: <br> <!--
--> &amp; &#20013; &nbsp; \\ [ ]( ) ![ 第 章 节 条 编 篇 部分 一、 二、 （一） (一)
1. 1、 1． （1） (1) ⑴ ① 。 ！ ？ ； ： ， 、 “ ” 》 【 】 作者 单位 关键词 摘要 项目负责人
项目名称 立项编号 文号 发布机关 〔2018〕 [2013] 号 令第 年 月 日 二〇二四年 2024-03-05
title: date: year: keywords: tags: abstract: docno: author: org:""".split() + [
    "\n", "\n\n", "\r\n", "\r", "\t", "---\n", " | ", "\u3000", "\u00a0",
    "\ufeff", "\u200b", "\x00"]

DECODE = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00",
          b"\x81\x30\x81\x30", b"\x84\x31\xa4\x39", b"\xa4\x40", b"\xb5\xc4",
          b"\xa1\xa1", b"\x1a", b"\x1b", b"\x7f", b"%PDF-",
          b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\xd8\x3d\xde\x00"]


PDF = [b"%PDF-1.4", b"%%EOF", b"obj", b"endobj", b"stream", b"endstream",
       b"xref", b"trailer", b"startxref", b"/Type", b"/Page", b"/Pages",
       b"/Catalog", b"/Font", b"/Contents", b"/Length", b"/Filter",
       b"/FlateDecode", b"/Encrypt", b"/Outlines", b"/Title", b"BT", b"ET",
       b"Tf", b"Td", b"TJ", b"Tj", b"<<", b">>", b"[", b"]", b" 0 R",
       b"/ToUnicode", b"beginbfchar", b"endbfchar", b"/Info", b"/Root"]

XML = """<?xml <!DOCTYPE <!ENTITY SYSTEM "file:///etc/passwd" ]> &x; <![CDATA[
]]> <!-- --> xmlns:w= <w:document <w:body> <w:p> </w:p> <w:r> <w:t> </w:t>
<w:pPr> <w:pStyle w:val= <w:outlineLvl <w:b/> <w:tab/> <w:br/> <w:tbl> <w:tr>
<w:tc> <w:numPr> <w:ilvl <w:numId <w:footnoteReference <w:delText>
<w:instrText> <w:ins> <w:txbxContent> Heading1 标题 1 word/document.xml
word/styles.xml word/numbering.xml word/footnotes.xml docProps/core.xml
[Content_Types].xml <dc:title> <dc:creator> <dcterms:created>""".split()

HTML = """<!DOCTYPE <html> <head> <meta charset="gb2312"> <meta http-equiv=
content="text/html; charset=gbk"> <title> </title> <body> <div class="
id=" <p> </p> <br> <h1> <h2> <h3> <strong> <b> <table> <tr> <td> <th>
<script> </script> <style> <nav> <footer> <header> <aside> <ul> <li> <a href=
TRS_Editor pages_content article content nav footer &nbsp; &#20013; &amp;
<meta name="ArticleTitle" <meta name="PubDate" <meta name="ContentSource"
发文字号 发布日期 来源 中国政府网""".split()


def esc(b):
    return "".join(chr(c) if 0x20 <= c < 0x7F and c not in b'"\\'
                   else "\\x%02x" % c for c in b)


def write(path, items):
    with open(path, "w", encoding="ascii") as f:
        for it in items:
            f.write('"%s"\n' % esc(it))


def main():
    out = sys.argv[1]
    write(out + "/query.dict", [q.encode() for q in QUERY])
    for t in ("report", "index", "seg"):
        write("%s/%s.dict" % (out, t), [r.encode() for r in REPORT])
    write(out + "/decode.dict", DECODE)
    write(out + "/pdf.dict", PDF)
    write(out + "/docx.dict", [x.encode() for x in XML])
    write(out + "/html.dict", [x.encode() for x in HTML])


if __name__ == "__main__":
    main()
