#!/bin/bash
# faithful.sh - zhiku-seg must give Python jieba's output line for line.
#
# Generates the reference with Debian's python3-jieba at test time and
# compares, for precise mode with and without HMM, search mode and full mode,
# on the SIGHAN 2005 PKU and MSR test texts, the seed paper and a >= 2 MB
# sample of ../shared/corpus (the first files, in name order, of every
# folder until each gives 300 KB); and precise mode with a user dictionary.
#
# usage: faithful.sh ZHIKU_SEG PYTHON3 SHARED_DIR WORK_DIR
set -euo pipefail
seg=$1 py=$2 shared=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C.UTF-8
rm -rf "$work"
mkdir -p "$work"

"$py" -c 'import jieba' 2>/dev/null || {
    echo "faithful: Python jieba is missing: install python3-jieba" >&2
    exit 1
}

# the corpus sample
sample=()
total=0
for dir in "$shared"/corpus/*/; do
    case "$dir" in */seed/) continue ;; esac
    got=0
    while IFS= read -r f; do
        sample+=("$f")
        sz=$(stat -c %s "$f")
        got=$((got + sz))
        total=$((total + sz))
        [ "$got" -ge 300000 ] && break
    done < <(find "$dir" -type f \( -name '*.txt' -o -name '*.md' \) | sort)
done
if [ "$total" -lt 2000000 ]; then
    echo "faithful: corpus sample is only $total bytes" >&2
    exit 1
fi
printf '%s\n' "${sample[@]}" > "$work/corpus-files.txt"

declare -A sets
sets[pku]="$shared/seg-eval/pku_test.utf8"
sets[msr]="$shared/seg-eval/msr_test.utf8"
sets[seed]="$shared/corpus/seed/bz25yb108-city-quality-ip.md"
sets[corpus]="${sample[*]}"
declare -A flags=([hmm]="" [nohmm]="-n" [search]="--search" [full]="--full")

# reference runs, two at a time (the machines have two cores)
jobs=()
for mode in hmm nohmm search full; do
    for set in pku msr seed corpus; do
        # shellcheck disable=SC2086
        "$py" "$here/jieba_ref.py" "$mode" "$work/$set.$mode.ref" \
            ${sets[$set]} &
        jobs+=($!)
        if [ ${#jobs[@]} -ge 2 ]; then
            wait "${jobs[0]}"
            jobs=("${jobs[@]:1}")
        fi
    done
done
# shellcheck disable=SC2086
"$py" "$here/jieba_ref.py" hmm "$work/user.hmm.ref" \
    --userdict "$here/../data/userdict.txt" \
    --userdict "$here/../data/userdict-bom.txt" \
    ${sets[seed]} ${sets[corpus]}
for j in "${jobs[@]}"; do wait "$j"; done

fail=0
compare() { # name ref out bytes
    local lines out_lines differ
    lines=$(wc -l < "$2")
    out_lines=$(wc -l < "$3")
    if [ "$out_lines" -ne "$lines" ]; then
        echo "FAIL $1: $out_lines lines from zhiku-seg, $lines from jieba"
        fail=1
        return
    fi
    differ=$(diff "$2" "$3" | grep -c '^<' || true)
    if [ "$differ" -ne 0 ]; then
        echo "FAIL $1: $((lines - differ)) of $lines lines identical; first differences:"
        diff "$2" "$3" | head -8 | cut -c 1-300
        fail=1
    else
        printf 'ok   %-14s %7d of %7d lines identical (%s bytes in)\n' \
            "$1" "$lines" "$lines" "$4"
    fi
}
for mode in hmm nohmm search full; do
    for set in pku msr seed corpus; do
        # shellcheck disable=SC2086
        "$seg" ${flags[$mode]} ${sets[$set]} > "$work/$set.$mode.out"
        # shellcheck disable=SC2086
        bytes=$(cat ${sets[$set]} | wc -c)
        compare "$set/$mode" "$work/$set.$mode.ref" "$work/$set.$mode.out" \
            "$bytes"
    done
done
# shellcheck disable=SC2086
"$seg" -u "$here/../data/userdict.txt" -u "$here/../data/userdict-bom.txt" \
    ${sets[seed]} ${sets[corpus]} > "$work/user.hmm.out"
compare "userdict/hmm" "$work/user.hmm.ref" "$work/user.hmm.out" "-"
if [ "$fail" -ne 0 ]; then
    echo "faithful: zhiku-seg differs from Python jieba"
    exit 1
fi
echo "faithful: all lines identical to Python jieba"
