"""bad_html.py - write the hostile and broken pages zhiku's HTML reader
must survive (tests/unit/test_read_html.c), one line printed per file.

  bad_html.py OUTDIR

huge.html           about 50 MB of real-looking markup: report-like
                    paragraphs (taken from the seed paper when it is found
                    beside this script, else built-in), headings, tables
huge.json           {"paragraphs": N}: how many <p> huge.html holds
deep.html           elements nested 100,000 deep, text at the bottom
                    ("最深处的文字") and after the nest ("嵌套之后的文字")
bad-charset.html    declares gb2312 but holds 0xFF runs (invalid in GB18030)
                    from byte BAD_AT on
unknown-charset.html  charset=x-klingon, UTF-8 content
binary.html         random bytes (fixed seed) named .html
xxe.html            a DOCTYPE with an external entity pointing at
                    /etc/passwd, used in the body: it must not be loaded
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BAD_AT = 300  # where bad-charset.html's invalid bytes start (printed too)

FALLBACK = [
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，"
    "统筹推进经济社会高质量发展。",
    "一是持续优化营商环境，深化“放管服”改革，全面推行证明事项告知承诺制，"
    "企业开办时间压缩至1个工作日以内。",
    "二是加快建设现代化产业体系，推动传统产业转型升级，培育壮大战略性新兴产业，"
    "规模以上工业增加值增长6.5%。",
    "三是扎实推进乡村振兴，粮食总产量稳定在120万吨以上，农村居民人均可支配收入增长7%。",
]


def paragraphs():
    seed = os.path.join(HERE, "..", "..", "corpus", "bz25yb108-city-quality-ip.md")
    out = []
    try:
        with open(seed, encoding="utf-8") as f:
            for ln in f:
                ln = ln.strip()
                if len(ln) > 40 and not ln.startswith(("#", "|")) and "\t" not in ln:
                    out.append(ln.replace("**", ""))
    except OSError:
        pass
    return out or FALLBACK


def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def huge(path, target=50 * 1000 * 1000):
    paras = paragraphs()
    n_p = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
                "<title>大文件测试 - 测试市人民政府</title></head><body>\n"
                '<div class="header"><ul class="nav"><li><a href="/">首页</a></li></ul></div>\n'
                '<div class="article"><div class="TRS_Editor">\n')
        size = 0
        k = 0
        while size < target:
            if k % 40 == 0:
                s = "<h2>第%d部分 发展情况</h2>\n" % (k // 40 + 1)
            elif k % 97 == 0:
                s = ("<table><tr><td>指标</td><td>数值</td></tr>"
                     "<tr><td>增长率</td><td>%d.%d%%</td></tr></table>\n" % (k % 9, k % 7))
            else:
                s = '<p style="text-indent:2em">%s</p>\n' % esc(paras[k % len(paras)])
                n_p += 1
            f.write(s)
            size += len(s.encode("utf-8"))
            k += 1
        f.write("</div></div>\n<div class=\"footer\">版权所有</div></body></html>\n")
    with open(os.path.splitext(path)[0] + ".json", "w") as f:
        json.dump({"paragraphs": n_p}, f)
    return "%d bytes, %d paragraphs" % (os.path.getsize(path), n_p)


def deep(path, depth=100000):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<html><head><meta charset="utf-8"></head><body><p>嵌套之前的文字</p>')
        for i in range(depth):
            f.write("<div>" if i % 3 else "<span>")
        f.write("最深处的文字")
        for i in reversed(range(depth)):
            f.write("</div>" if i % 3 else "</span>")
        f.write("<p>嵌套之后的文字</p></body></html>\n")
    return "%d elements deep" % depth


def bad_charset(path):
    head = ('<html><head><meta http-equiv="Content-Type" '
            'content="text/html; charset=gb2312"><title>t</title></head><body><p>')
    data = head.encode("ascii")
    data += "正文".encode("gb2312")
    data += b" " * (BAD_AT - len(data))
    data += b"\xff\xff\xff\xff" + "乱码".encode("gb2312") + b"</p></body></html>\n"
    with open(path, "wb") as f:
        f.write(data)
    return "invalid GB18030 at byte %d" % BAD_AT


def unknown_charset(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<html><head><meta charset="x-klingon"><title>未知字符集</title></head>'
                "<body><p>这是一个声明了未知字符集的页面，内容是UTF-8。</p></body></html>\n")
    return "charset=x-klingon, UTF-8 content"


def binary(path, n=64 * 1024):
    rnd = random.Random(20250613)
    with open(path, "wb") as f:
        f.write(bytes(rnd.randrange(256) for _ in range(n)))
    return "%d random bytes" % n


def xxe(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n'
                '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
                '<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>\n'
                "<html><head><title>外部实体</title></head><body>"
                "<p>实体之前&xxe;实体之后</p></body></html>\n")
    return "external entity file:///etc/passwd"


def main(argv):
    if len(argv) != 1:
        raise SystemExit(__doc__)
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    for name, fn in [("huge.html", huge), ("deep.html", deep),
                     ("bad-charset.html", bad_charset),
                     ("unknown-charset.html", unknown_charset),
                     ("binary.html", binary), ("xxe.html", xxe)]:
        path = os.path.join(out, name)
        print("%s: %s" % (path, fn(path)))


if __name__ == "__main__":
    main(sys.argv[1:])
