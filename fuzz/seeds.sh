#!/usr/bin/env bash
# fuzz/seeds.sh - make seed corpora for the fuzz targets (docs/fuzzing.md)
#
#   fuzz/seeds.sh SHARED_DIR OUT_DIR
#
# writes OUT_DIR/<target>/ for seg, decode, report, query, index and html:
# slices
# of real reports from SHARED_DIR/corpus (the start and the middle of a few
# files of every collection, cut at character boundaries), the same text in
# GB18030, Big5 and UTF-16 for the decoder, and the queries of the oracle
# test, the benchmarks and the syntax page for the query parser, each with
# the option bytes its harness reads first. The seeds are not kept in git;
# tests/data/fuzz/<target>/ holds the small regression set.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SHARED_DIR OUT_DIR" >&2; exit 2; }
shared=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
slice_bytes=3000
[ -d "$shared/corpus" ] || { echo "$0: no $shared/corpus" >&2; exit 1; }
for t in seg decode report query index pdf docx html; do
    mkdir -p "$out/$t"
done

# bytes as \x escapes for printf
hex() { printf '\\x%02x' "$@"; }

# valid UTF-8 only (a slice cut inside a character loses that character)
clean() { iconv -c -f UTF-8 -t UTF-8 2>/dev/null || true; }

# slice FILE OFFSET: slice_bytes bytes of FILE from OFFSET, as valid UTF-8
slice() {
    dd if="$1" bs=65536 iflag=skip_bytes,count_bytes skip="$2" \
        count="$slice_bytes" status=none | clean
}

files=()
while IFS= read -r -d '' f; do
    files+=("$f")
done < <(
    find "$shared/corpus/seed" -type f -name '*.md' -print0 | sort -z
    for d in gov-work-reports laws-regulations \
        govcn-state-council-docs-2018-2019 cctv-xinwenlianbo \
        provincial-gov-work-reports-2026 \
        policy-docs-digital-central-shandong cpc-congress-reports; do
        [ -d "$shared/corpus/$d" ] || continue
        find "$shared/corpus/$d" -type f \( -name '*.txt' -o -name '*.md' \) \
            -print0 | sort -z | head -z -n 3 || true # SIGPIPE
    done
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
for f in "${files[@]}"; do
    size=$(stat -c %s "$f")
    md=0
    case $f in *.md) md=1 ;; esac
    slice "$f" 0 > "$tmp/head"
    slice "$f" $((size / 2)) > "$tmp/mid"
    for part in head mid; do
        s=$tmp/$part
        [ -s "$s" ] || continue
        n=$i-$part
        # seg: cycle through the modes, HMM and normalisation
        { printf "$(hex $(((i * 5 + ${#part}) % 16)))"; cat "$s"; } \
            > "$out/seg/$n"
        # report: the file's own format, and a name with a date now and then
        { printf "$(hex $((md | (i % 4) << 1)))"; cat "$s"; } \
            > "$out/report/$n"
        # decode: detection of UTF-8, GB18030 and UTF-16 (with a BOM in one
        # byte order, without in the other), and GB18030 forced
        { printf '\0'; cat "$s"; } > "$out/decode/$n-utf8"
        { printf '\0'; iconv -c -f UTF-8 -t GB18030 < "$s" || true; } \
            > "$out/decode/$n-gb18030"
        { printf '\x0b'; iconv -c -f UTF-8 -t GB18030 < "$s" || true; } \
            > "$out/decode/$n-gb18030-forced"
        if [ "$part" = head ]; then
            { printf '\0\xff\xfe'; iconv -f UTF-8 -t UTF-16LE < "$s"; } \
                > "$out/decode/$n-utf16le-bom"
        else
            { printf '\0'; iconv -f UTF-8 -t UTF-16BE < "$s"; } \
                > "$out/decode/$n-utf16be"
        fi
        # html: the slice as a page's paragraphs (first byte: no forced
        # encoding), and once as GB18030 with its charset declared
        { printf '\0<html><head><title>t</title></head><body><div class="TRS_Editor"><p>'
            sed 's/$/<\/p><p>/' "$s"; printf '</p></div></body></html>'; } \
            > "$out/html/$n"
        if [ "$part" = mid ]; then
            { printf '\0<meta charset="gb2312"><h1>t</h1><p>'
                iconv -c -f UTF-8 -t GB18030 < "$s" || true; } \
                > "$out/html/$n-gb18030"
        fi
        # index: format, slot, commit and query from byte 0; the query is
        # a few bytes of the text itself
        { printf "$(hex $(((md + 1) | (i % 8) << 2 | 64 | 128)) 0 \
            $((32 | (3 + i % 10))) $((i * 7 % 256)))"
            cat "$s"; } > "$out/index/$n"
    done
    i=$((i + 1))
done

# Big5: the traditional-character fixture of the decoder tests
trad=$root/tests/data/encoding/1954-report-traditional.txt
if [ -f "$trad" ]; then
    slice "$trad" 0 > "$tmp/trad"
    { printf '\0'; iconv -c -f UTF-8 -t BIG5 < "$tmp/trad" || true; } \
        > "$out/decode/big5"
    { printf '\x0e'; iconv -c -f UTF-8 -t BIG5 < "$tmp/trad" || true; } \
        > "$out/decode/big5-forced"
    { printf '\0'; cat "$tmp/trad"; } > "$out/decode/trad-utf8"
fi

# queries: the oracle's, the benchmarks', and the syntax page's examples
{
    python3 - "$root/tests/query/oracle.py" <<'EOF'
import ast, sys
src = open(sys.argv[1], encoding="utf-8").read()
for node in ast.walk(ast.parse(src)):
    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "QUERIES":
        for q, _ in ast.literal_eval(node.value):
            print(q)
EOF
    [ -f "$root/bench/queries.txt" ] &&
        grep -v '^#' "$root/bench/queries.txt" | cut -f2 | grep .
    [ -f "$root/bench/relevance/topics.tsv" ] &&
        tail -n +2 "$root/bench/relevance/topics.tsv" | cut -f2
    cat <<'EOF'
title:政府工作报告
section:城乡 year:2020..2025
year:..2000 -疫情
year:2020.. 发展 OR 改革
path:corpus/laws
path:*决议*.txt
author:胡明 org:政协 keyword:共同富裕 docno:国发〔2018〕
标题：政府工作报告 章节:城乡 年份:2024 路径:laws 作者:胡明 单位:政协 关键词:共同富裕 文号:国发
“城乡 融合” 「乡村振兴」 『共同富裕』
5:3 http://www.gov.cn/
EOF
} | awk 'length > 0 && !seen[$0]++' | {
    q=0
    while IFS= read -r line; do
        printf '%s' "$line" > "$out/query/q$q"
        q=$((q + 1))
    done
}
# libFuzzer dictionaries: OUT_DIR/<target>.dict
python3 "$root/fuzz/dicts.py" "$out"
for t in seg decode report query index pdf docx html; do
    echo "$t: $(find "$out/$t" -type f | wc -l) seeds, $out/$t.dict"
done
