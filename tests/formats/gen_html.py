"""gen_html.py - lay a report's blocks (mdblocks.py) out as a web page of
the kind Chinese government sites publish, for zhiku's HTML reader tests.

  generate(blocks, out_path, meta, encoding="utf-8", style="gov") -> record
  gen_html.py SRC.md|SRC.txt OUT.html [--encoding gb2312] [--style br]

The page has what real pages have around an article: a <head> with a
"TITLE - XX市人民政府" <title>, a charset declaration (<meta charset> for
UTF-8, the http-equiv Content-Type form for GB2312), ArticleTitle, PubDate
and ContentSource <meta>s, a <style> and a <script> holding Chinese text;
a header with the site name, a search form and a menu (<nav> and
<ul class="nav">), a breadcrumb, a sidebar of related-article links, and a
footer with copyright, 网站标识码, ICP number and 主办单位. The article is
<div class="article"> with an <h1> title and an info line, then
<div class="TRS_Editor"> holding the blocks: h1..h6 for headings, <p> per
paragraph (some indented with text-indent and &nbsp; or U+3000), <strong>
leads and <table>s. style="br" puts all paragraphs into the TRS_Editor
<div> itself, each ended by <br> (or <br><br>), as many sites do.

encoding="gb2312" encodes with errors="xmlcharrefreplace", so characters
outside GB2312 become &#NNNN; references.

The record (JSON-able dict):
  {"format": "html", "encoding": "utf-8"|"gb2312",
   "declaration": "meta-charset"|"http-equiv", "style": "gov"|"br",
   "title": <page <title>>, "site_suffix": " - XX市人民政府",
   "meta": {"ArticleTitle":..., "PubDate":..., "ContentSource":...},
   "boilerplate": [strings of the chrome, script and style that must not
                   appear in the extracted text],
   "n_blocks": N, "blocks": [{"kind":..., "level"?:L, "lead"?:B}, ...]}
"""
import html
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import mdblocks  # noqa: E402

SITE = "巴山市人民政府"
SUFFIX = " - " + SITE
MENU = ["首页", "政务公开", "政务服务", "互动交流", "走进巴山", "数据开放"]
CRUMB = "当前位置"
RELATED = [
    "巴山市召开全市优化营商环境推进大会",
    "关于公布第三批市级非物质文化遗产代表性项目名录的通知",
    "市政府常务会议研究部署防汛减灾工作",
    "巴山市二〇二五年国民经济和社会发展统计公报",
]
SIDE_TITLE = "相关文章推荐"
SCRIPT_TEXT = "var 统计代码 = '访问量统计脚本内容';"
STYLE_TEXT = "/* 样式表注释文字 */ .nav li { float: left; }"
FOOTER = [
    "版权所有：巴山市人民政府办公室",
    "主办单位：巴山市人民政府办公室",
    "网站标识码：5119000001",
    "蜀ICP备05012345号-1",
    "川公网安备 51190202000123号",
]
SEARCH = "请输入搜索关键词"
SHARE = "分享到微信朋友圈"


def esc(t):
    return html.escape(t, quote=False)


def heading(b):
    lv = max(1, min(6, b["level"]))
    return "<h%d>%s</h%d>" % (lv, esc(b["text"]), lv)


def para_inner(b):
    t, lead = b["text"], b.get("lead") or ""
    if lead and t.startswith(lead) and len(lead) < len(t):
        return "<strong>%s</strong>%s" % (esc(lead), esc(t[len(lead):]))
    return esc(t)


def indent(k):
    """One of the indentation habits, by paragraph number."""
    return ["", "&nbsp;&nbsp;&nbsp;&nbsp;", "\u3000\u3000", ""][k % 4]


def table(b):
    out = ['<table border="1" cellspacing="0" class="MsoTableGrid">', "<tbody>"]
    for r, row in enumerate(b["rows"]):
        tag = "td"
        cells = "".join(
            "<%s>%s</%s>" % (tag, esc(c) if r % 2 else "<p>%s</p>" % esc(c), tag)
            for c in row
        )
        out.append("<tr>%s</tr>" % cells)
    out.append("</tbody></table>")
    return "\n".join(out)


def body_gov(blocks):
    out = []
    for k, b in enumerate(blocks):
        if b["kind"] == "heading":
            out.append(heading(b))
        elif b["kind"] == "table":
            out.append(table(b))
        elif k % 3 == 1:
            out.append('<p style="text-indent:2em">%s%s</p>' % (indent(k), para_inner(b)))
        elif k % 3 == 2:
            out.append("<p>%s<span>%s</span></p>" % (indent(k), para_inner(b)))
        else:
            out.append("<p>%s%s</p>" % (indent(k), para_inner(b)))
    return "\n".join(out)


def body_br(blocks):
    out = []
    for k, b in enumerate(blocks):
        if b["kind"] == "heading":
            out.append(heading(b))
        elif b["kind"] == "table":
            out.append(table(b))
        else:
            out.append("%s%s%s" % (indent(k), para_inner(b), "<br><br>" if k % 2 else "<br>"))
    return "\n".join(out)


def page(blocks, meta, encoding, style):
    title = meta.get("title") or "无标题"
    date = meta.get("date") or ""
    org = SITE + "办公室"
    if encoding == "utf-8":
        decl = '<meta charset="utf-8">'
    else:
        decl = '<meta http-equiv="Content-Type" content="text/html; charset=%s">' % encoding
    menu = "".join('<li><a href="/m%d/">%s</a></li>' % (i, m) for i, m in enumerate(MENU))
    related = "".join('<li><a href="/a%d.html">%s</a></li>' % (i, r) for i, r in enumerate(RELATED))
    footer = "".join("<p>%s</p>" % esc(f) for f in FOOTER)
    body = body_br(blocks) if style == "br" else body_gov(blocks)
    parts = [
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">",
        '<html xmlns="http://www.w3.org/1999/xhtml">',
        "<head>",
        decl,
        "<title>%s%s</title>" % (esc(title), esc(SUFFIX)),
        '<meta name="SiteName" content="%s">' % SITE,
        '<meta name="ArticleTitle" content="%s">' % html.escape(title),
        '<meta name="PubDate" content="%s 09:30">' % date,
        '<meta name="ContentSource" content="%s">' % org,
        '<meta name="author" content="%s">' % html.escape(meta.get("author") or ""),
        '<meta name="keywords" content="巴山,政府,政务公开">',
        '<style type="text/css">%s</style>' % STYLE_TEXT,
        '<script type="text/javascript">%s</script>' % SCRIPT_TEXT,
        "</head>",
        "<body>",
        '<div class="header"><div class="logo">%s</div>' % SITE,
        '<form action="/search"><input type="text" placeholder="%s">'
        '<button>搜索</button></form>' % SEARCH,
        '<nav><ul class="nav">%s</ul></nav></div>' % menu,
        '<div class="wrap">',
        '<div class="crumb">%s：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
        " &gt; 政策文件</div>" % CRUMB,
        '<div class="side"><h3>%s</h3><ul>%s</ul></div>' % (SIDE_TITLE, related),
        '<div class="article">',
        '<h1 class="title">%s</h1>' % esc(title),
        '<div class="info">发布时间：%s　来源：%s</div>' % (date, org),
        '<div class="TRS_Editor">',
        body,
        "</div>",
        '<div class="share">%s</div>' % SHARE,
        "</div>",
        "</div>",
        '<div class="footer">%s</div>' % footer,
        "<script>document.write('页脚脚本文字');</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n", title


def generate(blocks, out_path, meta, encoding="utf-8", style="gov"):
    """Write the page for `blocks` to out_path; return the record."""
    encoding = encoding.lower()
    if encoding not in ("utf-8", "gb2312"):
        raise ValueError("gen_html: encoding must be utf-8 or gb2312")
    if style not in ("gov", "br"):
        raise ValueError("gen_html: style must be gov or br")
    text, title = page(blocks, meta, encoding, style)
    data = text.encode(encoding, errors="xmlcharrefreplace")
    with open(out_path, "wb") as f:
        f.write(data)
    rec_blocks = []
    for b in blocks:
        r = {"kind": b["kind"]}
        if b["kind"] == "heading":
            r["level"] = max(1, min(6, b["level"]))
        if b["kind"] == "para" and b.get("lead") and len(b["lead"]) < len(b["text"]):
            r["lead"] = b["lead"]
        rec_blocks.append(r)
    return {
        "format": "html",
        "encoding": encoding,
        "declaration": "meta-charset" if encoding == "utf-8" else "http-equiv",
        "style": style,
        "title": title + SUFFIX,
        "site_suffix": SUFFIX,
        "meta": {
            "ArticleTitle": title,
            "PubDate": (meta.get("date") or "") + " 09:30",
            "ContentSource": SITE + "办公室",
        },
        "boilerplate": MENU[1:] + [CRUMB, SIDE_TITLE, SEARCH, SHARE, "页脚脚本文字",
                                   "统计代码", "访问量统计脚本内容", "样式表注释文字"]
        + RELATED + FOOTER,
        "n_blocks": len(blocks),
        "blocks": rec_blocks,
    }


def main(argv):
    args = list(argv)
    kw = {}
    for opt in ("--encoding", "--style"):
        if opt in args:
            i = args.index(opt)
            kw[opt[2:]] = args[i + 1]
            del args[i : i + 2]
    if len(args) != 2:
        raise SystemExit(__doc__)
    import json

    src, out = args
    blocks = mdblocks.read_file(src)
    title = next((b["text"] for b in blocks if b["kind"] != "table"), "")
    meta = {"title": title[:60], "author": "胡明", "date": "2025-06-13"}
    rec = generate(blocks, out, meta, **kw)
    with open(out + ".json", "w", encoding="utf-8") as f:
        json.dump(rec, f, ensure_ascii=False, indent=1)
    base = os.path.splitext(out)[0]
    with open(base + ".blocks.json", "w", encoding="utf-8") as f:
        json.dump(blocks, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
