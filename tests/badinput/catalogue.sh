#!/bin/bash
# catalogue.sh - the bad-input catalogue: every case of cases.tsv (broken
# encodings, binaries, empty files, a 50 MB line, Markdown nested 10,000
# deep, a 20,000-row table, symlink loops, unreadable files, FIFOs, names
# that are not UTF-8, files rewritten or deleted while being indexed) is
# indexed in one batch with four good reports, on top of an index that
# already holds three others. Each must end as cases.tsv says (indexed and
# searchable, or skipped with a message naming the file and the reason),
# with the exit status it says, without a crash, hang or sanitizer report,
# and without losing anything else of the batch or of the index.
#
# usage: catalogue.sh ZHIKU_INDEX ZHIKU_QUERY PYTHON3 SHARED_DIR WORK_DIR [CASE...]
#
# Run as root (as in CI containers), permissions do not stop reads: the
# indexer and the searcher then run as uid/gid 65534 (setpriv), in a work
# folder under ${TMPDIR:-/tmp} that user owns. Environment:
#   ZK_BADINPUT_BIG_MB       size of the one-line file (default 50)
#   ZK_BADINPUT_CHURN_FILES  files rewritten/deleted while indexed (100)
#   ZK_BADINPUT_TIMEOUT      seconds one indexing run may take (600)
#   ZK_BADINPUT_SETUP_INDEX  the zhiku-index that builds the base and
#                            reference indexes and reads statistics
#                            (default ZHIKU_INDEX; the run under valgrind
#                            passes the plain program, so that valgrind
#                            watches the runs over the cases)
set -uo pipefail
zi=$1 zq=$2 py=$3 shared=$4 work=$5
zsetup=${ZK_BADINPUT_SETUP_INDEX:-$zi}
shift 5
only=("$@")
here=$(cd "$(dirname "$0")" && pwd)
big_mb=${ZK_BADINPUT_BIG_MB:-50}
churn_files=${ZK_BADINPUT_CHURN_FILES:-100}
limit=${ZK_BADINPUT_TIMEOUT:-600}
corpus=$shared/corpus/gov-work-reports

pass=0 failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); printf 'FAIL %s: %s\n' "$cname" "$*"; }
check() { # what expected actual
    if [ "$2" == "$3" ]; then ok; else
        bad "$1"$'\n'"  expected: $2"$'\n'"  actual:   $3"
    fi
}

# ---- who runs the tools -------------------------------------------------
asuser=()
if [ "$(id -u)" = 0 ]; then
    command -v setpriv > /dev/null ||
        { echo "catalogue: running as root needs setpriv (util-linux)"; exit 1; }
    asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    # the work folder must be reachable by that user: make our own
    rm -rf "$work"
    mkdir -p "$work"
    work=$(mktemp -d "${TMPDIR:-/tmp}/zhiku-badinput.XXXXXX") || exit 1
    chmod 755 "$work"
    chown 65534:65534 "$work"
else
    rm -rf "$work"
    mkdir -p "$work"
fi
work=$(cd "$work" && pwd -P)
cleanup() {
    [ -n "${churner:-}" ] && kill "$churner" 2> /dev/null
    chmod -R u+rwx "$work" 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT
for tool in "$zi" "$zq" "$zsetup"; do
    "${asuser[@]}" "$tool" --version > /dev/null 2>&1 || {
        echo "catalogue: $tool does not run as $(
            [ ${#asuser[@]} -gt 0 ] && echo "uid 65534" || id -un)" \
            "(is its folder, and \$ZHIKU_DICT, readable by that user?)"
        exit 1
    }
done
zindex() { "${asuser[@]}" "$zi" "$@"; }
zsetup() { "${asuser[@]}" "$zsetup" "$@"; }
zquery() { "${asuser[@]}" "$zq" "$@"; }

# ---- the good reports: a term found in each and in no other -------------
# three already in the index, four in every batch
base_files=(2023-政府工作报告.txt 2024-政府工作报告.txt 2025-政府工作报告.txt)
base_terms=(进出口额 量子技术 零基预算)
good_files=(bz25yb108-city-quality-ip.md 2019-政府工作报告.txt
            2021-政府工作报告.txt 2022-政府工作报告.txt)
good_terms=(城市品质 社保缴费 新冠肺炎 退税减税)
mkdir -p "$work/base" "$work/good"
for f in "${base_files[@]}"; do cp "$corpus/$f" "$work/base/"; done
cp "$shared/corpus/seed/${good_files[0]}" "$work/good/"
for f in "${good_files[@]:1}"; do cp "$corpus/$f" "$work/good/"; done
chmod -R a+rX "$work/base" "$work/good"
[ ${#asuser[@]} -gt 0 ] && chown 65534:65534 "$work"/*
zsetup -q -i "$work/base-ix" "$work/base" > /dev/null 2>&1 ||
    { echo "catalogue: cannot build the base index"; exit 1; }
n_before=$((${#base_files[@]} + ${#good_files[@]}))

# a term's matching files, one per line, exactly
files_of() { zquery -i "$1" --files -- "$2" 2> /dev/null; }

# ---- generators ---------------------------------------------------------
# text of a report with `bytes` inserted at byte `at` exactly (the text cut
# at a character boundary before it and padded with newlines)
insert_at() { # src at bytes-as-printf-escapes
    "$py" - "$1" "$2" "$3" << 'EOF'
import sys
src, at, ins = open(sys.argv[1], 'rb').read(), int(sys.argv[2]), sys.argv[3]
ins = ins.encode().decode('unicode_escape').encode('latin-1')
b = at
while b > 0 and (src[b] & 0xC0) == 0x80:
    b -= 1
sys.stdout.buffer.write(src[:b] + b'\n' * (at - b) + ins + src[b:])
EOF
}
make_png() { # a real PNG image: 200x200, noise, zlib-compressed
    "$py" - "$1" << 'EOF'
import random, struct, sys, zlib
random.seed(7)
w = h = 200
raw = b''.join(b'\0' + bytes(random.getrandbits(8) for _ in range(3 * w))
               for _ in range(h))
def chunk(t, d):
    c = t + d
    return struct.pack('>I', len(d)) + c + struct.pack('>I', zlib.crc32(c))
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
       + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
open(sys.argv[1], 'wb').write(png)
EOF
}
make_jpeg() { # a JPEG's header (SOI, JFIF APP0, a comment) and data
    {
        printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00'
        printf '\xff\xfe\x00\x10zhiku test jpg'
        "$py" -c 'import random,sys; random.seed(3); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(50000)))'
        printf '\xff\xd9'
    } > "$1"
}
pyw() { # write the Python expression $2 (a str) to file $1 as UTF-8
    "$py" -c "import sys; open(sys.argv[1], 'w', encoding='utf-8').write($2)" "$1"
}

# ---- the cases: setup_NAME DIR sets case_file (the path messages and
# --files must show), and may add case_args (more paths to index), or
# case_bg (a function to run in the background while indexing) ------------
rep() { echo "$corpus/$1-政府工作报告.txt"; }
setup_invalid-utf8() {
    case_file=$1/broken.txt
    insert_at "$(rep 2013)" 3000 '\xff' > "$case_file"
}
setup_truncated-utf8() {
    case_file=$1/cut-short.txt
    { cat "$(rep 2013)"; printf '\xe5\x9b'; } > "$case_file"
}
setup_gbk-no-marker() {
    case_file=$1/gbk.txt
    iconv -f UTF-8 -t GBK "$(rep 2018)" > "$case_file"
}
setup_utf16le-bom() {
    case_file=$1/u16le-bom.txt
    { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$(rep 2017)"; } > "$case_file"
}
setup_utf16be-bom() {
    case_file=$1/u16be-bom.txt
    { printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE "$(rep 2016)"; } > "$case_file"
}
setup_utf16le-no-bom() {
    case_file=$1/u16le.txt
    iconv -f UTF-8 -t UTF-16LE "$(rep 2015)" > "$case_file"
}
setup_utf16be-no-bom() {
    case_file=$1/u16be.txt
    iconv -f UTF-8 -t UTF-16BE "$(rep 2014)" > "$case_file"
}
setup_png-as-txt() { case_file=$1/scan.txt; make_png "$case_file"; }
setup_png-named() {
    mkdir -p "$1.named"
    case_file=$1.named/picture.png
    make_png "$case_file"
    case_args=("$case_file")
}
# PDF, .docx and HTML cases: made by the readers' bad-input generators
# (tests/formats/bad_*.py), once per run
badfmt() { # FORMAT FILE: the generated bad file's path
    [ -d "$work/badfmt/$1" ] ||
        "$py" "$here/../formats/bad_$1.py" "$work/badfmt/$1" > /dev/null
    printf '%s' "$work/badfmt/$1/$2"
}
setup_pdf-encrypted() { case_file=$1/加密.pdf; cp "$(badfmt pdf encrypted.pdf)" "$case_file"; }
setup_pdf-truncated() { case_file=$1/truncated.pdf; cp "$(badfmt pdf truncated.pdf)" "$case_file"; }
setup_pdf-scan() { case_file=$1/scan.pdf; cp "$(badfmt pdf scan.pdf)" "$case_file"; }
setup_pdf-not-pdf() { case_file=$1/notpdf.pdf; cp "$(badfmt pdf notpdf.pdf)" "$case_file"; }
setup_docx-corrupt-zip() { case_file=$1/corrupt.docx; cp "$(badfmt docx corrupt.docx)" "$case_file"; }
setup_docx-zip-bomb() { case_file=$1/bomb.docx; cp "$(badfmt docx bomb.docx)" "$case_file"; }
setup_docx-zip-entries() { case_file=$1/entries.docx; cp "$(badfmt docx many-entries.docx)" "$case_file"; }
setup_docx-xxe() { case_file=$1/xxe.docx; cp "$(badfmt docx xxe.docx)" "$case_file"; }
setup_docx-billion-laughs() { case_file=$1/laughs.docx; cp "$(badfmt docx laughs.docx)" "$case_file"; }
setup_docx-really-xlsx() { case_file=$1/表格.docx; cp "$(badfmt docx xlsx-as-docx.docx)" "$case_file"; }
setup_doc-legacy-in-folder() { case_file=$1/旧稿.doc; cp "$(badfmt docx legacy.doc)" "$case_file"; }
setup_doc-legacy-named() {
    mkdir -p "$1.named"
    case_file=$1.named/旧稿.doc
    cp "$(badfmt docx legacy.doc)" "$case_file"
    case_args=("$case_file")
}
setup_html-bad-charset() { case_file=$1/bad-charset.html; cp "$(badfmt html bad-charset.html)" "$case_file"; }
setup_html-deep() { case_file=$1/deep.html; cp "$(badfmt html deep.html)" "$case_file"; }
setup_png-in-folder() { case_file=$1/picture.png; make_png "$case_file"; }
setup_jpeg-as-md() { case_file=$1/photo.md; make_jpeg "$case_file"; }
setup_elf-as-txt() { case_file=$1/program.txt; cp /bin/true "$case_file"; }
setup_elf-named() {
    mkdir -p "$1.named"
    case_file=$1.named/true
    cp /bin/true "$case_file"
    case_args=("$case_file")
}
setup_empty() { case_file=$1/empty.txt; : > "$case_file"; }
setup_whitespace-only() {
    case_file=$1/blank.md
    printf '   \n\t\n\r\n\xe3\x80\x80\n  \n' > "$case_file" # U+3000 too
}
setup_nul-in-text() {
    case_file=$1/nul.txt
    insert_at "$(rep 2013)" 3000 '\x00' > "$case_file"
}
setup_one-line-50mb() {
    # one sentence over and over (a varied text would only make it slower:
    # the cost is in the terms of each passage), with markers at the start,
    # the middle and the end; no line break at all
    case_file=$1/one-line.txt
    "$py" - "$case_file" "$big_mb" << 'EOF'
import sys
s = '全面推进乡村振兴，加快建设农业强国，扎实推动共同富裕。'.encode()
size, n = int(sys.argv[2]) * 1000 * 1000, 0
with open(sys.argv[1], 'wb') as f:
    for mark, upto in (('单行开头标记', size // 2), ('单行中部标记', size)):
        f.write((mark + '。').encode())
        while n < upto:
            f.write(s * 1000)
            n += len(s) * 1000
    f.write('单行结尾标记。'.encode())
EOF
}
check_one-line-50mb() {
    # the title is the first line: it must be shown cut short, not whole
    local out len
    out=$(zquery -i "$ix" --json --limit 1 单行结尾标记 2> /dev/null)
    len=$("$py" -c 'import json,sys; print(len(json.load(sys.stdin)["hits"][0]["title"]))' <<<"$out")
    check "title length at most 257 characters" 1 "$([ "${len:-99999}" -le 257 ] && echo 1)"
}
setup_deep-quote() {
    case_file=$1/deep-quote.md
    pyw "$case_file" "'>' * 10000 + ' 深层引用标记在一万层引用之内。\n'"
}
setup_deep-quote-lines() {
    # 2,000 lines, each one level deeper: 2 MB of '>'
    case_file=$1/deep-quote-lines.md
    pyw "$case_file" "''.join('>' * i + ' 第%d层。\n' % i for i in range(1, 2001)) + '>' * 2000 + ' 逐行引用标记。\n'"
}
setup_deep-list() {
    case_file=$1/deep-list.md
    pyw "$case_file" "'- ' * 10000 + '深层列表标记在一万层列表之内。\n'"
}
setup_deep-ordered-list() {
    case_file=$1/deep-olist.md
    pyw "$case_file" "'1. ' * 10000 + '深层编号标记在一万层编号列表之内。\n'"
}
setup_deep-indented-list() {
    # 1,000 items, each indented under the one before (10,000 would be
    # 100 MB of indentation)
    case_file=$1/indented-list.md
    pyw "$case_file" "''.join('  ' * i + '- 第%d层\n' % i for i in range(1000)) + '  ' * 1000 + '- 缩进列表标记在一千层之内。\n'"
}
setup_deep-quote-list() {
    case_file=$1/quote-list.md
    pyw "$case_file" "'> - ' * 5000 + '引用列表标记在引用和列表交替的一万层之内。\n'"
}
setup_deep-emphasis() {
    case_file=$1/emphasis.md
    pyw "$case_file" "'*' * 10000 + '深层强调标记在强调之内' + '*' * 10000 + '\n'"
}
setup_deep-links() {
    case_file=$1/links.md
    pyw "$case_file" "'深层链接标记。' + '[' * 10000 + '链接' + ']' * 10000 + '(http://example.com)\n'"
}
setup_deep-html() {
    case_file=$1/html.md
    pyw "$case_file" "'<div>' * 10000 + '深层网页标记在一万层标签之内。' + '</div>' * 10000 + '\n'"
}
setup_huge-table() {
    case_file=$1/table.md
    pyw "$case_file" "'| 序号 | 名称 | 数值 |\n|---|---|---|\n| 0 | 巨表首行标记 | 0 |\n' + ''.join('| %d | 巨表行%d号 | %d |\n' % (i, i, 3 * i) for i in range(1, 20000)) + '| 20000 | 巨表末行标记 | 0 |\n'"
}
setup_huge-heading() {
    # a heading of 100,000 characters over 300 paragraphs: each passage
    # keeps its heading trail, which must not cost 300 copies of it
    case_file=$1/long-heading.md
    "$py" - "$(rep 2011)" "$case_file" << 'EOF'
import sys
t = open(sys.argv[1], encoding='utf-8').read().replace('\n', '')
h = (t * 10)[:100000]
paras = '\n\n'.join('第%d段：长标题下正文标记，关于城乡融合发展的具体措施。' % i
                    for i in range(300))
open(sys.argv[2], 'w', encoding='utf-8').write('# 文档\n\n## ' + h + '\n\n' + paras + '\n')
EOF
}
check_huge-heading() {
    # each hit shows its heading trail: cut short, not 100,000 characters
    local out len
    out=$(zquery -i "$ix" --json --limit 1 长标题下正文标记 2> /dev/null)
    len=$("$py" -c 'import json,sys; print(len(json.load(sys.stdin)["hits"][0]["section"]))' <<<"$out")
    check "section length at most 1025 characters" 1 "$([ "${len:-99999}" -le 1025 ] && echo 1)"
}
setup_unbroken-run() {
    # 2,400 characters without a sentence end: 400 distinct six-character
    # markers; wherever the paragraph is cut into passages, each must
    # still be found
    case_file=$1/no-stops.txt
    pyw "$case_file" "''.join('无句号%03d' % i for i in range(400)) + '\n'"
}
check_unbroken-run() {
    # 50 markers a query (OR); the matches' text says which were found
    local g q missing
    missing=$(comm -23 <(for i in $(seq 0 399); do printf '无句号%03d\n' "$i"; done) \
        <(for g in $(seq 0 50 399); do
            q=$(for i in $(seq "$g" $((g + 49))); do printf '无句号%03d OR ' "$i"; done)
            zquery -i "$ix" --json --per-report 0 --limit 1000 -- "${q% OR }" 2> /dev/null |
                "$py" -c '
import json, sys
for h in json.load(sys.stdin)["hits"]:
    t = h["text"].encode()
    for m in h["matches"]:
        print(t[m["start"]:m["end"]].decode())'
        done | sort -u) | tr '\n' ' ')
    check "all 400 markers of an unbroken run found (missing: ${missing:-none})" "" "$missing"
}

setup_dir-symlink-loop() {
    # a folder with a symlink to its parent, and one to itself: walked once
    mkdir -p "$1/sub"
    case_file=$1/sub/2010.txt
    cp "$(rep 2010)" "$case_file"
    ln -s .. "$1/sub/up"
    ln -s . "$1/sub/here"
}
setup_self-symlink() { case_file=$1/self.md; ln -s self.md "$case_file"; }
setup_symlink-pair-loop() {
    case_file=$1/loop-a.md
    ln -s loop-b.md "$1/loop-a.md"
    ln -s loop-a.md "$1/loop-b.md"
}
setup_dangling-symlink() { case_file=$1/gone.md; ln -s nowhere.md "$case_file"; }
setup_unreadable-file() {
    case_file=$1/secret.txt
    cp "$(rep 2013)" "$case_file"
    chmod 000 "$case_file"
}
setup_unreadable-folder() {
    mkdir -p "$1/locked"
    cp "$(rep 2013)" "$1/locked/inside.txt"
    case_file=$1/locked
    chmod 000 "$case_file"
}
setup_fifo() { case_file=$1/pipe.txt; mkfifo "$case_file"; }
setup_name-ff-fe() {
    case_file=$1/$'\xff\xfe'名.txt
    cp "$(rep 2013)" "$case_file"
}
setup_name-gbk() {
    case_file=$1/$(printf '报告2012.txt' | iconv -f UTF-8 -t GBK)
    cp "$(rep 2012)" "$case_file"
}
setup_name-newline() {
    case_file=$1/$'two\nlines.txt'
    cp "$(rep 2011)" "$case_file"
}
check_name-ff-fe() { check_json_path 风险之间; }
check_name-gbk() { check_json_path 领取养老; }
check_name-newline() { check_json_path 明显加快; }
check_json_path() { # the JSON output stays valid, the path readable
    local out
    out=$(zquery -i "$ix" --json --limit 1 "$1" 2> /dev/null)
    check "valid JSON for a path that is not UTF-8" ok \
        "$("$py" -c 'import json,sys; h=json.load(sys.stdin)["hits"]; print("ok" if h and h[0]["path"].endswith(".txt") else "no hit")' <<<"$out" 2>&1)"
}

# churn: files changed while they are being indexed. Each file has two
# versions, A and B, of different lengths, each passage of which holds its
# version's marker. The odd-numbered files are only ever replaced whole (a
# copy renamed over them), deleted and put back: whatever the timing, each
# must end indexed as A, as B or not at all. The even-numbered ones are
# rewritten in place (truncated, then written) and deleted: no reader can
# tell a file being written from a shorter one, so a part of a version
# (or an empty file) may be indexed too, but never passages of both.
setup_churn() {
    mkdir -p "$1/churn" "$work/versions"
    "$py" - "$(rep 2010)" "$work/versions" << 'EOF'
import sys
text = open(sys.argv[1], encoding='utf-8').read()
sents = [s + '。' for s in text.replace('\n', '').split('。') if len(s) > 20]
def version(mark, n):
    out, i = [], 0
    while len(''.join(out).encode()) < n:
        out.append(mark + '：' + sents[i % len(sents)] + '\n\n')
        i += 1
    return ''.join(out)
open(sys.argv[2] + '/A.txt', 'w', encoding='utf-8').write(version('甲版本标记', 60000))
open(sys.argv[2] + '/B.txt', 'w', encoding='utf-8').write(version('乙版本标记', 90000))
EOF
    local i
    for i in $(seq -w 1 "$churn_files"); do
        cp "$work/versions/A.txt" "$1/churn/f$i.txt"
    done
    case_file=$1/churn
    case_bg=churn_loop
}
churn_loop() { # DIR: until killed, change files at random
    local d=$1/churn f k i=0 v=$work/versions
    RANDOM=99
    while :; do
        k=$((RANDOM % churn_files + 1))
        f=$d/f$(printf "%0${#churn_files}d" "$k").txt
        if [ $((k % 2)) = 1 ]; then
            case $((i % 3)) in
                0) cp "$v/B.txt" "$f.new~" && mv "$f.new~" "$f" ;;
                1) rm -f "$f" ;;
                2) cp "$v/A.txt" "$f.new~" && mv "$f.new~" "$f" ;;
            esac
        else
            case $((i % 3)) in
                0) cat "$v/B.txt" > "$f" ;;
                1) rm -f "$f" ;;
                2) cat "$v/A.txt" > "$f" ;;
            esac
        fi
        i=$((i + 1))
    done
}
per_file() { # INDEX TERM: "NAME COUNT" for each churned file it matches
    zquery -i "$1" --json --per-report 0 --limit 100000 --snippet 1 \
        -- path:/churn/ "$2" 2> /dev/null |
        "$py" -c '
import collections, json, sys
c = collections.Counter(h["path"].rsplit("/", 1)[1] for h in json.load(sys.stdin)["hits"])
for k, v in sorted(c.items()):
    print(k, v)'
}
churn_states() { # INDEX: "NAME STATE" for every churned file: A, B,
    # none, part-A, part-B (some of a version's passages) or mix
    local i a b
    declare -A ca=() cb=()
    while read -r k v; do ca[$k]=$v; done < <(per_file "$1" 甲版本标记)
    while read -r k v; do cb[$k]=$v; done < <(per_file "$1" 乙版本标记)
    for i in $(seq -w 1 "$churn_files"); do
        a=${ca[f$i.txt]:-0} b=${cb[f$i.txt]:-0}
        if [ "$a" = "$n_a" ] && [ "$b" = 0 ]; then echo "f$i.txt A"
        elif [ "$a" = 0 ] && [ "$b" = "$n_b" ]; then echo "f$i.txt B"
        elif [ "$a" = 0 ] && [ "$b" = 0 ]; then echo "f$i.txt none"
        elif [ "$b" = 0 ] && [ "$a" -lt "$n_a" ]; then echo "f$i.txt part-A($a)"
        elif [ "$a" = 0 ] && [ "$b" -lt "$n_b" ]; then echo "f$i.txt part-B($b)"
        else echo "f$i.txt mix($a-of-$n_a-A,$b-of-$n_b-B)"; fi
    done
}
check_churn() {
    local f k st want mixed=""
    # the passages of a whole version, from an index of the two alone
    mkdir -p "$work/vref/churn"
    cp "$work/versions/A.txt" "$work/vref/churn/fA.txt"
    cp "$work/versions/B.txt" "$work/vref/churn/fB.txt"
    zsetup -q -i "$work/vref-ix" "$work/vref" > /dev/null 2>&1
    n_a=$(zquery -i "$work/vref-ix" --count 甲版本标记 | cut -d' ' -f1)
    n_b=$(zquery -i "$work/vref-ix" --count 乙版本标记 | cut -d' ' -f1)
    check "versions have passages" 1 "$([ "${n_a:-0}" -gt 10 ] && [ "${n_b:-0}" -gt 10 ] && echo 1)"
    declare -A count=()
    while read -r f st; do
        k=${st%%"("*}
        count[$k]=$((${count[$k]:-0} + 1))
        case $st in
            A | B | none) ;;
            part-*) # only for a file rewritten in place (even-numbered)
                [ $((10#${f//[^0-9]/} % 2)) = 0 ] || mixed+=" $f:$st" ;;
            *) mixed+=" $f:$st" ;;
        esac
    done < <(churn_states "$ix")
    check "every churned file indexed as one version (whole if replaced)" "" "$mixed"
    echo "  churn: after the run A ${count[A]:-0}, B ${count[B]:-0}," \
        "none ${count[none]:-0}, part of A ${count[part-A]:-0}, part of B" \
        "${count[part-B]:-0}; the indexer: $(grep -ac 'changed while being read' "$err")" \
        "changed while read, $(grep -ac 'churn.*No such file' "$err") gone"
    # with the files left alone, a rerun (with --prune) brings every file's
    # entry to what is on disk now
    zindex -q --prune -i "$ix" "$b" > /dev/null 2>&1
    check "rerun after churn exits 0" 0 $?
    while read -r f st; do
        if [ ! -e "$b/churn/$f" ]; then want=none
        elif cmp -s "$b/churn/$f" "$work/versions/A.txt"; then want=A
        else want=B; fi
        [ "$st" == "$want" ] || mixed+=" $f:$st(on disk $want)"
    done < <(churn_states "$ix")
    check "after a rerun every churned file is as on disk" "" "$mixed"
}

# ---- running a case -----------------------------------------------------
shown() { # a path as the tools' messages show it: control characters \xNN
    local s=$1 i c e
    for i in $(seq 1 31) 127; do
        printf -v e '\\x%02x' "$i"
        printf -v c "$e"
        s=${s//"$c"/"$e"}
    done
    printf '%s' "$s"
}
sanitizer_re='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|MemorySanitizer|ThreadSanitizer'
stats_reports() { zsetup -i "$1" --stats 2> /dev/null | sed -n 's/^reports: *//p'; }
du_kb() { du -sk "$1" 2> /dev/null | cut -f1; }

run_case() { # name exit new failed outcome detail terms
    local name=$1 want_exit=$2 want_new=$3 want_failed=$4 outcome=$5
    local detail=$6 terms=$7 b t0 t1 rc code i batch_kb grown
    cname=$name
    ix=$work/ix-$name
    b=$work/b-$name
    case_file="" case_bg="" case_args=()
    cp -a "$work/base-ix" "$ix"
    mkdir -p "$b"
    cp "$work/good/"* "$b/"
    "setup_$name" "$b"
    [ ${#asuser[@]} -gt 0 ] && chown -h 65534:65534 "$b" "$ix"
    batch_kb=$(du -skL "$b" 2> /dev/null | cut -f1)
    [ -n "$batch_kb" ] || batch_kb=$(du -sk "$b" 2> /dev/null | cut -f1)
    out=$work/out-$name err=$work/err-$name
    local before_kb
    before_kb=$(du_kb "$ix")
    if [ -n "$case_bg" ]; then
        "$case_bg" "$b" &
        churner=$!
    fi
    t0=$(date +%s.%N)
    timeout -k 10 "$limit" "${asuser[@]}" "$zi" -q -v -i "$ix" "$b" \
        "${case_args[@]}" > "$out" 2> "$err"
    rc=$?
    t1=$(date +%s.%N)
    if [ -n "$case_bg" ]; then
        kill "$churner" 2> /dev/null
        wait "$churner" 2> /dev/null
        churner=""
    fi
    # permissions back, so that checks and cleanup can read everything
    chmod -R u+rwX "$b" 2> /dev/null
    [ "$rc" -eq 124 ] && bad "timed out after $limit s"
    [ "$rc" -ge 125 ] && [ "$rc" -ne 124 ] && bad "crashed (exit $rc): $(tail -3 "$err")"
    if grep -aEq "$sanitizer_re" "$err"; then
        bad "sanitizer report: $(grep -aEm3 "$sanitizer_re" "$err")"
    else ok; fi
    if [ "$outcome" = consistent ]; then
        check "exit status 0 or 1" 1 "$([ "$rc" -le 1 ] && echo 1)"
    else
        check "exit status" "$want_exit" "$rc"
        check "summary" "$((${#good_files[@]} + want_new)) new, 0 updated, 0 unchanged, 0 removed, $want_failed failed" \
            "$(grep -o '[0-9]* new, [0-9]* updated, [0-9]* unchanged, [0-9]* removed, [0-9]* failed' "$out")"
        check "reports in the index" "$((n_before + want_new))" "$(stats_reports "$ix")"
    fi
    # nothing lost: the good reports of the batch, and those before it
    for i in "${!good_files[@]}"; do
        check "good report ${good_files[$i]} found" "$b/${good_files[$i]}" \
            "$(files_of "$ix" "${good_terms[$i]}")"
    done
    for i in "${!base_files[@]}"; do
        check "earlier report ${base_files[$i]} found" "$work/base/${base_files[$i]}" \
            "$(files_of "$ix" "${base_terms[$i]}")"
    done
    case $outcome in
        skipped)
            code=$(grep -acF "zhiku-index: skipped $(shown "$case_file"): " "$err")
            check "message names the file" 1 "$([ "$code" -ge 1 ] && echo 1)"
            code=$(grep -aF "zhiku-index: skipped $(shown "$case_file"): " "$err" |
                grep -acF -- "$detail")
            check "message gives the reason ($detail)" 1 \
                "$([ "$code" -ge 1 ] && echo 1)"
            ;;
        indexed)
            check "no file skipped" 0 "$(grep -ac 'skipped' "$err")"
            check "indexed as $detail" 1 \
                "$(grep -aF "$(shown "$case_file") (" "$err" | grep -acF ", $detail)")"
            if [ "$terms" != - ]; then
                IFS=, read -ra tl <<<"$terms"
                for t in "${tl[@]}"; do
                    check "'$t' found in the case's file alone" "$case_file" \
                        "$(files_of "$ix" "$t")"
                done
            fi
            ;;
        ignored)
            check "nothing said about it" 0 "$(grep -acF "$(shown "$case_file")" "$err")"
            ;;
        passedover)
            check "summary names it with the reason ($detail)" 1 \
                "$(cat "$out" "$err" | grep -aF "$(shown "$case_file"): " |
                    grep -acF -- "$detail")"
            check "summary counts it" 1 \
                "$(grep -acE 'passed over [0-9]+ files? of formats zhiku does not read' "$out")"
            ;;
    esac
    if declare -F "check_$name" > /dev/null; then "check_$name"; fi
    # a bounded index: at most 30 times the batch, plus 16 MB
    grown=$(($(du_kb "$ix") - before_kb))
    check "index growth bounded (${grown} KB for a ${batch_kb} KB batch)" 1 \
        "$([ "$grown" -le $((30 * batch_kb + 16384)) ] && echo 1)"
    awk -v n="$name" -v rc="$rc" -v t0="$t0" -v t1="$t1" \
        'BEGIN { printf "%-20s exit %-3s %6.1f s\n", n, rc, t1 - t0 }'
    chmod -R u+rwX "$b" "$b.named" 2> /dev/null
    rm -rf "$ix" "$b" "$b.named" "$work/vref" "$work/vref-ix"
}

while IFS=$'\t' read -r name want_exit want_new want_failed outcome detail terms; do
    case $name in '#'* | '') continue ;; esac
    if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qxF -- "$name"; then
        continue
    fi
    run_case "$name" "$want_exit" "$want_new" "$want_failed" "$outcome" \
        "$detail" "$terms"
done < "$here/cases.tsv"

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
