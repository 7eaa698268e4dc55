#!/bin/bash
# crash.sh - kill -9 zhiku-index at random moments while it indexes a few
# hundred reports; after every kill the index must open and be consistent
# (every report complete or absent), and a final rerun must end with the
# same index as a clean build: same reports, passages and search results.
#
# usage: crash.sh ZHIKU_INDEX PYTHON3 SHARED_DIR WORK_DIR [KILLS]
#
# ZK_CRASH_KILLS   kills when KILLS is not given (default 25)
# ZK_CRASH_SAMPLE  "full" (default: 330 reports, 10 MB) or "small" (73
#                  reports, 2.5 MB: the 2026 provincial reports, 40 laws
#                  and the seed; for runs under valgrind in CI)
set -uo pipefail
zi=$1 py=$2 shared=$3 work=$4 kills=${5:-${ZK_CRASH_KILLS:-25}}
sample=${ZK_CRASH_SAMPLE:-full}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"

# real reports of every kind: a few hundred, ~10 MB (or the small sample)
corpus=$work/corpus
mkdir -p "$corpus"
case $sample in
full)
    dirs=(gov-work-reports provincial-gov-work-reports-2026
          govcn-state-council-docs-2018-2019 cpc-congress-reports)
    laws=150 ;;
small)
    dirs=(provincial-gov-work-reports-2026)
    laws=40 ;;
*) echo "crash: ZK_CRASH_SAMPLE must be full or small, not $sample"; exit 2 ;;
esac
for d in "${dirs[@]}"; do
    cp -r "$shared/corpus/$d" "$corpus/"
done
find "$shared/corpus/laws-regulations" -name '*.md' | sort | head -"$laws" |
    while IFS= read -r f; do cp "$f" "$corpus/"; done
cp "$shared/corpus/seed/"*.md "$corpus/"
files=$(find "$corpus" -name '*.txt' -o -name '*.md' | wc -l)
echo "crash: $files reports, $(du -sm "$corpus" | cut -f1) MB"

"$zi" -q -j 2 -i "$work/clean" "$corpus" > /dev/null || exit 1
"$py" "$here/inspect.py" check "$work/clean" || exit 1
want=$("$py" "$here/inspect.py" signature "$work/clean")

fail=0
RANDOM=4242 # reproducible kill times
for i in $(seq 1 "$kills"); do
    # an index that got complete starts over, so that every kill lands in
    # the middle of indexing
    if [ "${done_once:-0}" = 1 ]; then
        rm -rf "$work/crashed"
        done_once=0
    fi
    # small batches: many commits to be killed around
    "$zi" -q -j 2 --batch-mb=1 -i "$work/crashed" "$corpus" \
        > /dev/null 2>&1 &
    pid=$!
    sleep "$((RANDOM % 3)).$((RANDOM % 1000))"
    kill -9 "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    if ! out=$("$py" "$here/inspect.py" check "$work/crashed" 2>&1); then
        # killed before the index was created (its stub file is written
        # last): there is no index yet, and a rerun creates it
        if [ -e "$work/crashed/XAPIANDB" ]; then
            echo "FAIL after kill $i: $out"
            fail=1
        fi
    else
        echo "kill $i: $(tail -1 <<<"$out")"
        grep -q "^$files reports" <<<"$(tail -1 <<<"$out")" && done_once=1
    fi
done
"$zi" -q -j 2 -i "$work/crashed" "$corpus" > /dev/null || fail=1
"$py" "$here/inspect.py" check "$work/crashed" || fail=1
got=$("$py" "$here/inspect.py" signature "$work/crashed")
if [ "$got" != "$want" ]; then
    echo "FAIL: the rerun's index differs from a clean build"
    fail=1
fi
if [ "$fail" -eq 0 ]; then
    echo "1 passed, 0 failed"
    echo "crash: $kills kills, index consistent after each; rerun equals a clean build"
else
    echo "0 passed, 1 failed"
fi
rm -rf "$work"
exit "$fail"
