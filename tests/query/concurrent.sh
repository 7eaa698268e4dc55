#!/bin/bash
# concurrent.sh - queries keep working while zhiku-index writes: hundreds of
# queries run against an index that a batch is updating (small batches,
# many commits); every query must succeed (exit 0 or 1), never fail.
# usage: concurrent.sh ZHIKU_INDEX ZHIKU_QUERY SHARED_DIR WORK_DIR
set -uo pipefail
zi=$1 zq=$2 shared=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
ix=$work/index
"$zi" -q -i "$ix" "$shared/corpus/seed" > /dev/null || exit 1
"$zi" -q --batch-mb=1 -i "$ix" "$shared/corpus/gov-work-reports" \
    "$shared/corpus/provincial-gov-work-reports-2026" > /dev/null 2>&1 &
writer=$!
queries=(城乡 发展 共同富裕 "乡村振兴 OR 高质量" 江 GDP 2024年 "改革 -开放"
         title:政府工作报告 year:2020..2025)
n=0 bad=0
while kill -0 "$writer" 2> /dev/null || [ "$n" -lt 100 ]; do
    q=${queries[$((n % ${#queries[@]}))]}
    "$zq" -i "$ix" --limit 5 -- $q > /dev/null 2> "$work/err"
    code=$?
    if [ "$code" -gt 1 ]; then
        bad=$((bad + 1))
        echo "query '$q' failed ($code): $(cat "$work/err")"
    fi
    n=$((n + 1))
    [ "$n" -ge 2000 ] && break
done
wait "$writer"
wcode=$?
echo "concurrent: $n queries while indexing, $bad failed; indexer exit $wcode"
rm -rf "$work"
if [ "$bad" -eq 0 ] && [ "$wcode" -eq 0 ]; then
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
    exit 1
fi
