#!/bin/bash
# incremental.sh - reruns index only what changed; --prune removes what is
# gone; GB18030 and UTF-16 copies give the UTF-8 original's passages; a
# second writer is refused as locked; exit codes are as documented.
# usage: incremental.sh ZHIKU_INDEX PYTHON3 SHARED_DIR WORK_DIR
set -uo pipefail
zi=$1 py=$2 shared=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work/c"
pass=0 failn=0
check() { # name expected actual
    if [ "$2" == "$3" ]; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}
summary() { grep -o '[0-9]* new, [0-9]* updated, [0-9]* unchanged, [0-9]* removed, [0-9]* failed'; }

for y in 2021 2022 2023 2024 2025; do
    cp "$shared/corpus/gov-work-reports/$y-政府工作报告.txt" "$work/c/"
done
cp "$shared/corpus/seed/"*.md "$work/c/"
ix=$work/ix
check first "6 new, 0 updated, 0 unchanged, 0 removed, 0 failed" \
    "$("$zi" -q -i "$ix" "$work/c" | summary)"
check rerun "0 new, 0 updated, 6 unchanged, 0 removed, 0 failed" \
    "$("$zi" -q -i "$ix" "$work/c" | summary)"
# same content, new time: not reindexed, and the next run is quick again
touch "$work/c/2023-政府工作报告.txt"
check touched "0 new, 0 updated, 6 unchanged, 0 removed, 0 failed" \
    "$("$zi" -q -v -i "$ix" "$work/c" 2>/dev/null | summary)"
echo "追加一段关于城乡耦合发展的文字。" >> "$work/c/2022-政府工作报告.txt"
out=$("$zi" -v -i "$ix" "$work/c" 2>&1)
check edited "0 new, 1 updated, 5 unchanged, 0 removed, 0 failed" \
    "$(summary <<<"$out")"
check edited-which 1 "$(grep -c '^updated .*2022-政府工作报告.txt' <<<"$out")"
rm "$work/c/2021-政府工作报告.txt"
check no-prune "0 new, 0 updated, 5 unchanged, 0 removed, 0 failed" \
    "$("$zi" -q -i "$ix" "$work/c" | summary)"
check prune "0 new, 0 updated, 5 unchanged, 1 removed, 0 failed" \
    "$("$zi" -q --prune -i "$ix" "$work/c" | summary)"
check records 5 "$("$py" "$here/inspect.py" records "$ix" | wc -l)"
"$py" "$here/inspect.py" check "$ix" > /dev/null
check consistent 0 $?

# encodings: the same report as GB18030, UTF-16LE with BOM and UTF-16BE
mkdir -p "$work/enc"
src="$shared/corpus/gov-work-reports/2024-政府工作报告.txt"
cp "$src" "$work/enc/utf8.txt"
iconv -f UTF-8 -t GB18030 "$src" > "$work/enc/gb18030.txt"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$src"; } > "$work/enc/utf16le.txt"
{ printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE "$src"; } > "$work/enc/utf16be.txt"
check encodings "4 new, 0 updated, 0 unchanged, 0 removed, 0 failed" \
    "$("$zi" -q -i "$work/ixenc" "$work/enc" | summary)"
ref=$("$py" "$here/inspect.py" passages "$work/ixenc" --path utf8.txt | md5sum)
for e in gb18030 utf16le utf16be; do
    check "passages-$e" "$ref" \
        "$("$py" "$here/inspect.py" passages "$work/ixenc" --path "$e.txt" | md5sum)"
done
check encoding-names "gb18030 utf-16be utf-16le utf-8" \
    "$("$py" "$here/inspect.py" records "$work/ixenc" | cut -f8 | sort | tr '\n' ' ' | sed 's/ $//')"

# a file that cannot be decoded is skipped with its byte offset; the rest
# is indexed and exit status is 1
mkdir -p "$work/bad"
cp "$shared/corpus/seed/"*.md "$work/bad/good.md"
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00' > "$work/bad/image.txt"
out=$("$zi" -q -i "$work/ixbad" "$work/bad" 2>&1)
check bad-exit 1 "$("$zi" -q -i "$work/ixbad2" "$work/bad" >/dev/null 2>&1; echo $?)"
check bad-summary "1 new, 0 updated, 0 unchanged, 0 removed, 1 failed" \
    "$(summary <<<"$out")"
check bad-message 1 "$(grep -c 'image.txt.*byte' <<<"$out")"

# a second writer is refused as locked (exit 3), the first is unharmed
"$zi" -q -j 1 --batch-mb=1 -i "$work/ixlock" "$shared/corpus/laws-regulations" > /dev/null 2>&1 &
first=$!
for _ in $(seq 50); do [ -e "$work/ixlock/flintlock" ] && break; sleep 0.1; done
sleep 0.5
out=$("$zi" -q -i "$work/ixlock" "$work/c" 2>&1)
code=$?
check locked-exit 3 "$code"
check locked-message 1 "$(grep -c 'locked' <<<"$out")"
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
check interrupted-exit-ok 1 "$("$py" "$here/inspect.py" check "$work/ixlock" >/dev/null && echo 1)"

check usage-exit 2 "$("$zi" >/dev/null 2>&1; echo $?)"
check stats 1 "$("$zi" -i "$ix" --stats | grep -c '^reports: *5$')"

rm -rf "$work"
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
