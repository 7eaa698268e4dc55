#!/bin/bash
# concurrent.sh - queries keep working while zhiku-index writes: several
# query processes in parallel (4 by default) run thousands of queries in
# all against an index that indexers keep updating (small batches, many
# commits; every round rewrites every report, so old passages are deleted
# and shards compacted and switched). Every query must succeed (exit 0 or
# 1), and the queries about reports no writer touches must always give the
# same answer. A second zhiku-index on the index while the first is at work
# (stopped in the middle of a batch) must fail at once with exit status 3
# and "locked", whatever it was asked (a plain run, --prune, --rebuild),
# and leave the first one's work and the index unharmed.
#
# usage: concurrent.sh ZHIKU_INDEX ZHIKU_QUERY SHARED_DIR WORK_DIR
# ZK_CONCURRENT_LOOPS (default 4) query processes run
# ZK_CONCURRENT_QUERIES (default 2000) queries in all.
set -uo pipefail
zi=$1 zq=$2 shared=$3 work=$4
loops=${ZK_CONCURRENT_LOOPS:-4}
total=${ZK_CONCURRENT_QUERIES:-2000}
rm -rf "$work"
mkdir -p "$work/stable" "$work/moving"
work=$(cd "$work" && pwd -P)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -CONT "$p" 2> /dev/null; kill "$p" 2> /dev/null; done
    wait 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT
pass=0 failn=0
check() { # name expected actual
    if [ "$2" == "$3" ]; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}

# reports that no writer touches, and the answers about them
ix=$work/index
cp "$shared/corpus/seed/"*.md "$work/stable/"
for y in 2019 2021; do cp "$shared/corpus/gov-work-reports/$y-政府工作报告.txt" "$work/stable/"; done
"$zi" -q -i "$ix" "$work/stable" > /dev/null || exit 1
stable_queries=("path:/stable/ 城市品质" "社保缴费 path:/stable/" "path:/stable/ 城乡 融合"
                "section:城乡耦合 path:/stable/" "title:独特 城市 path:/stable/")
for i in "${!stable_queries[@]}"; do
    read -ra qa <<<"${stable_queries[$i]}" # words, not globs
    "$zq" -i "$ix" --files -- "${qa[@]}" > "$work/stable.$i" 2>&1
done
# reports the writers keep rewriting
cp -r "$shared/corpus/gov-work-reports" "$shared/corpus/provincial-gov-work-reports-2026" \
    "$work/moving/"
chmod -R u+w "$work/moving"

# ---- the query processes --------------------------------------------------
queries=(城乡 发展 共同富裕 "乡村振兴 OR 高质量" 江 GDP 2024年 "改革 -开放"
         title:政府工作报告 year:2020..2025 '"城乡 融合"' section:改革 "path:*.txt 就业")
query_loop() { # ID COUNT: run COUNT queries; log every failure
    local id=$1 n=$2 k q qa code log=$work/loop.$1
    : > "$log"
    for k in $(seq 0 $((n - 1))); do
        if [ $((k % 4)) = 3 ]; then # a stable one: exactly the same answer
            i=$(((k / 4 + id) % ${#stable_queries[@]}))
            read -ra qa <<<"${stable_queries[$i]}"
            "$zq" -i "$ix" --files -- "${qa[@]}" > "$work/got.$id" 2>&1
            code=$?
            cmp -s "$work/got.$id" "$work/stable.$i" ||
                echo "'${stable_queries[$i]}' changed (exit $code): $(head -c 300 "$work/got.$id")" >> "$log"
        else
            q=${queries[$(((k + id) % ${#queries[@]}))]}
            read -ra qa <<<"$q"
            case $((k % 3)) in
                0) "$zq" -i "$ix" --limit 5 -- "${qa[@]}" > /dev/null 2> "$work/err.$id" ;;
                1) "$zq" -i "$ix" --json --limit 3 -- "${qa[@]}" > /dev/null 2> "$work/err.$id" ;;
                2) "$zq" -i "$ix" --count -- "${qa[@]}" > /dev/null 2> "$work/err.$id" ;;
            esac
            code=$?
            if [ "$code" -gt 1 ] || grep -q 'Sanitizer\|runtime error' "$work/err.$id"; then
                echo "'$q' failed ($code): $(head -c 300 "$work/err.$id")" >> "$log"
            fi
        fi
    done
}

# ---- the writers: rounds until the queries are done -------------------------
writer_loop() { # each round changes every moving report; each run must exit 0
    local round=0 code
    while [ ! -e "$work/queries.done" ]; do
        if [ "$round" -gt 0 ]; then
            find "$work/moving" -name '*.txt' -exec sh -c \
                'for f; do echo "第'"$round"'轮追加的一段文字。" >> "$f"; done' sh {} +
        fi
        "$zi" -q -v --batch-mb=1 -i "$ix" "$work/moving" > /dev/null 2> "$work/writer.err" &
        echo $! > "$work/writer.pid"
        wait $!
        code=$?
        echo "$round $code" >> "$work/rounds"
        [ "$code" = 0 ] || { cp "$work/writer.err" "$work/writer.err.$round"; }
        round=$((round + 1))
    done
}

t0=$(date +%s)
: > "$work/rounds"
writer_loop &
writer=$!
pids+=("$writer")
# wait for the first round to be at work before querying
for _ in $(seq 200); do grep -q '^new ' "$work/writer.err" 2> /dev/null && break; sleep 0.05; done
per=$(((total + loops - 1) / loops))
qpids=()
for l in $(seq 1 "$loops"); do
    query_loop "$l" "$per" &
    qpids+=($!)
    pids+=($!)
done

# ---- a second writer while the first is at work ----------------------------
# an indexer caught at work (it has reported files) and stopped there
lock_ok=0
for _ in $(seq 400); do
    first=$(cat "$work/writer.pid" 2> /dev/null)
    if [ -n "$first" ] && grep -q '^\(new\|updated\) ' "$work/writer.err" 2> /dev/null; then
        kill -STOP "$first" 2> /dev/null
        # still that indexer, now stopped (not ended meanwhile)?
        if [ "$(cat "$work/writer.pid")" = "$first" ] &&
            [ "$(awk '{ print $3 }' "/proc/$first/stat" 2> /dev/null)" = T ]; then
            lock_ok=1
            break
        fi
        kill -CONT "$first" 2> /dev/null
    fi
    sleep 0.05
done
check "an indexer stopped at work, to lock against" 1 "$lock_ok"
if [ "$lock_ok" = 1 ]; then
    pids+=("$first")
    for args in "" "--prune" "--rebuild" "--compact"; do
        out=$("$zi" -q $args -i "$ix" "$work/stable" 2>&1)
        code=$?
        check "second writer ${args:-(plain)}: exit 3" 3 "$code"
        check "second writer ${args:-(plain)}: says locked" 1 \
            "$(grep -cF "zhiku-index: $ix: index is locked by another writer" <<<"$out")"
    done
    # --stats reads without the lock
    out=$("$zi" -i "$ix" --stats 2>&1)
    check "--stats while locked: exit 0" 0 $?
    check "--stats while locked: the stable reports at least" 1 \
        "$(sed -n 's/^reports: *//p' <<<"$out" | awk '$1 >= 3 { print 1 }')"
    # nothing of the index was lost to them
    for i in "${!stable_queries[@]}"; do
        read -ra qa <<<"${stable_queries[$i]}"
        check "after the second writers: '${stable_queries[$i]}'" \
            "$(cat "$work/stable.$i")" \
            "$("$zq" -i "$ix" --files -- "${qa[@]}" 2>&1)"
    done
    kill -CONT "$first"
fi

for p in "${qpids[@]}"; do wait "$p"; done
touch "$work/queries.done"
wait "$writer"
t1=$(date +%s)

bad=$(cat "$work"/loop.* | wc -l)
check "queries failed or changed" 0 "$bad"
[ "$bad" -gt 0 ] && head -20 "$work"/loop.*
rounds=$(wc -l < "$work/rounds")
check "every indexer run exited 0" "" "$(awk '$2 != 0 { printf "round %s: exit %s; ", $1, $2 }' "$work/rounds")"
for f in "$work"/writer.err.*; do [ -e "$f" ] && tail -3 "$f"; done
check "at least one whole round of writes" 1 "$([ "$rounds" -ge 1 ] && echo 1)"
# the index at the end: the stable reports and the moving ones all there
"$zi" -q -i "$ix" "$work/stable" "$work/moving" > /dev/null 2>&1
check "final run: nothing left to do" 0 $?
n_moving=$(find "$work/moving" -name '*.txt' -o -name '*.md' | wc -l)
check "reports at the end" "$((n_moving + 3))" \
    "$("$zi" -i "$ix" --stats | sed -n 's/^reports: *//p')"
echo "concurrent: $((per * loops)) queries in $loops processes, $rounds indexer rounds, $((t1 - t0)) s"
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
