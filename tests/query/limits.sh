#!/bin/bash
# limits.sh - zhiku-query at the edges of its query language: unbalanced
# quotes, lone operators, empty and blank queries, control characters,
# invalid UTF-8, a 100,000-character query, 10,000 terms, filters repeated
# up to the limit, very long single terms, huge pages. Each must give the
# documented error (exit status 2 and a message saying what and where) or
# an answer (exit 0 or 1) in bounded time and output; never a crash, a
# hang or a sanitizer report.
#
# usage: limits.sh ZHIKU_INDEX ZHIKU_QUERY SHARED_DIR WORK_DIR
# ZK_LIMITS_TIMEOUT (default 60) seconds one query may take.
set -uo pipefail
zi=$1 zq=$2 shared=$3 work=$4
limit=${ZK_LIMITS_TIMEOUT:-60}
rm -rf "$work"
mkdir -p "$work/c"
trap 'rm -rf "$work"' EXIT
ix=$work/index
cp "$shared/corpus/seed/"*.md "$work/c/"
for y in 2019 2021 2022 2023 2024; do
    cp "$shared/corpus/gov-work-reports/$y-政府工作报告.txt" "$work/c/"
done
"$zi" -q -i "$ix" "$work/c" > /dev/null || { echo "limits: indexing failed"; exit 1; }

pass=0 failn=0
sanitizer_re='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'
fail() { failn=$((failn + 1)); printf 'FAIL %s: %s\n' "$name" "$*"; }
run() { # NAME ARGS...: run zhiku-query; sets code, and out/err files
    name=$1
    shift
    local t0=$SECONDS
    timeout -k 5 "$limit" "$zq" -i "$ix" "$@" > "$work/out" 2> "$work/err"
    code=$?
    [ $((SECONDS - t0)) -ge 5 ] && echo "  $name took $((SECONDS - t0)) s"
    if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
        fail "no answer within $limit s"
        return 1
    fi
    if [ "$code" -ge 125 ]; then
        fail "crashed (exit $code): $(tail -c 500 "$work/err")"
        return 1
    fi
    if grep -aEq "$sanitizer_re" "$work/err"; then
        fail "sanitizer report: $(grep -aEm3 "$sanitizer_re" "$work/err")"
        return 1
    fi
    # bounded output: the page asked for, not the query echoed in full
    if [ "$(stat -c %s "$work/err")" -gt 2000 ]; then
        fail "$(stat -c %s "$work/err") bytes of messages"
        return 1
    fi
    return 0
}
# the query is refused: exit status 2, and the one-line message matches
refused() { # NAME REGEX ARGS...
    local re=$2 n=$1
    shift 2
    run "$n" "$@" || return
    if [ "$code" -ne 2 ]; then
        fail "exit $code, want 2 ($(head -c 300 "$work/err"))"
    elif [ "$(wc -l < "$work/err")" -ne 1 ] || ! grep -aEq "^zhiku-query: ($re)" "$work/err"; then
        fail "message '$(head -c 300 "$work/err")' is not /$re/"
    elif [ -s "$work/out" ]; then
        fail "output on a refused query: $(head -c 200 "$work/out")"
    else
        pass=$((pass + 1))
    fi
}
# the query is answered: exit 0 (something matched) or 1 (nothing), as
# WANT says (0, 1, or 01 for either), within the output size
answered() { # NAME WANT MAX-OUTPUT-BYTES ARGS...
    local want=$2 max=$3 n=$1
    shift 3
    run "$n" "$@" || return
    if [[ $want != *$code* ]]; then
        fail "exit $code, want $want ($(head -c 300 "$work/err"))"
    elif [ "$(stat -c %s "$work/out")" -gt "$max" ]; then
        fail "$(stat -c %s "$work/out") bytes of output, more than $max"
    else
        pass=$((pass + 1))
    fi
}
rep() { # STRING N [SEP]: STRING N times, SEP between
    awk -v s="$1" -v n="$2" -v d="${3:-}" \
        'BEGIN { for (i = 0; i < n; i++) printf "%s%s", i ? d : "", s }'
}

# ---- syntax errors: what and where ---------------------------------------
refused unbalanced-quote 'unbalanced quote at character 1$' '"城乡'
refused unbalanced-quote-late 'unbalanced quote at character 4$' '城乡 "融合 发展'
refused unbalanced-cjk-quote 'unbalanced quote at character 1$' '“城乡'
refused unbalanced-corner-quote 'unbalanced quote at character 4$' '发展 「城乡'
refused unbalanced-in-field 'unbalanced quote at character 7$' 'title:"政府'
refused lone-or 'OR at character 1 needs a term before it$' OR
refused or-or 'OR at character 1 needs a term before it$' 'OR OR'
refused or-first 'OR at character 1 needs a term before it$' 'OR 城乡'
refused or-twice 'OR at character 7 needs a term before it$' '城乡 OR OR 发展'
refused trailing-or 'OR at the end needs a term after it$' '城乡 OR'
refused trailing-or-args 'OR at the end needs a term after it$' 城乡 OR
refused lone-minus "'-' at character 1 must be followed by a term$" -- -
refused minus-at-end "'-' at character 4 must be followed by a term$" '城乡 -'
refused minus-space "'-' at character 1 must be followed by a term$" -- '- 城乡'
refused only-excludes 'the query only excludes: add a term to search for$' -- -城乡
refused only-excludes-two 'the query only excludes' -- '-城乡 -发展'
refused excluded-in-or 'an excluded term cannot be part of OR \(character [0-9]+\)$' -- '城乡 OR -发展'
refused empty-query 'empty query$' ''
refused only-spaces 'empty query$' '     '
refused only-ideographic-spaces 'empty query$' '　　　'
refused only-blanks 'empty query$' $'\t\n\r\v\f '
refused only-controls 'empty query$' $'\x01\x02\x03\x1b\x7f'
refused many-empty-args 'empty query$' '' '' '' '' ''
refused empty-phrase 'empty term at character 1$' '""'
refused empty-field 'empty value after the field at character 1$' 'title:'
refused empty-field-cjk 'empty value after the field at character 1$' '标题：'
refused bad-year 'bad year' 'year:abc'
refused bad-year-range 'bad year' 'year:2025..2020'
refused bad-year-huge 'bad year' 'year:99999999999999999999'
refused bad-year-negative 'bad year' 'year:-5'

# ---- invalid UTF-8: refused, the byte named -------------------------------
refused invalid-byte 'the query is not valid UTF-8 \(byte 4\)' $'城\xff乡'
refused invalid-first 'the query is not valid UTF-8 \(byte 1\)' $'\xfe'
refused invalid-truncated 'the query is not valid UTF-8 \(byte 7\)' $'城乡\xe5\x9b'
refused invalid-overlong 'the query is not valid UTF-8 \(byte 1\)' $'\xc0\xaf'
refused invalid-surrogate 'the query is not valid UTF-8 \(byte 1\)' $'\xed\xa0\x80'
refused invalid-beyond 'the query is not valid UTF-8 \(byte 1\)' $'\xf4\x90\x80\x80'
refused invalid-gbk 'the query is not valid UTF-8' "$(printf '城乡融合' | iconv -f UTF-8 -t GBK)"
refused invalid-in-second-arg 'the query is not valid UTF-8 \(byte 8\)' 城乡 $'\xff'

# ---- control characters: separators, never part of a word -----------------
answered control-between 0 100000 --count $'城乡\x01融合'
answered control-escape 01 100000 --count $'\x1b[31m城乡\x1b[0m'
answered control-bell 0 100000 $'\a城乡\a'
answered control-in-phrase 1 100000 $'"城\x1b[1m乡"'
# a term echoed in a message shows control characters escaped
run control-echo $'"城\x1b[1m乡"'
if grep -aq $'\x1b' "$work/err"; then fail "raw escape in '$(cat -v "$work/err")'"
else pass=$((pass + 1)); fi

# ---- size limits: 64 KiB, 64 terms ----------------------------------------
ascii100k=$(rep a 100000)
refused long-ascii-100k 'query too long \(100000 bytes; at most 65536\)$' "$ascii100k"
cjk25k=$(rep 城 25000)
refused long-cjk-100k-chars 'query too long \(300003 bytes; at most 65536\)$' \
    "$cjk25k" "$cjk25k" "$cjk25k" "$cjk25k"
refused terms-10000 'too many terms \(at most 64\)$' "$(rep 城 10000 ' ')"
# shellcheck disable=SC2046 # 10,000 arguments, on purpose
refused terms-10000-args 'too many terms \(at most 64\)$' $(rep x 10000 ' ')
refused terms-65 'too many terms \(at most 64\)$' "$(rep 城 65 ' ')"
answered terms-64 0 100000 --count "$(rep 城 64 ' ')"
answered or-64 0 100000 --count "$(rep 城 32 ' OR ') OR $(rep 发展 32 ' OR ')"
refused filters-5000 'too many terms \(at most 64\)$' "$(rep year:2020 5000 ' ')"
# shellcheck disable=SC2046
refused filters-10000-args 'query too long \(159999 bytes; at most 65536\)$' $(rep year:2020..2025 10000 ' ')
answered year-filters-63 0 100000 --count "$(rep year:2019..2024 63 ' ') 发展"
answered path-filters-63 0 100000 --count "$(rep 'path:*.txt' 63 ' ') 发展"
answered glob-filters-63 01 100000 --count "$(rep 'path:*a*a*a*a*a*a*a*a*a*a*b' 63 ' ') 发展"
answered title-filters-63 0 100000 --count "$(rep title:政府工作报告 63 ' ') 发展"
answered section-filters-63 01 100000 --count "$(rep section:城乡 63 ' ') 城"
answered excluded-63 0 100000 --count "发展 $(for i in $(seq 63); do printf -- '-无此词%d ' "$i"; done)"
answered mixed-filters-64 01 100000 --count \
    "$(for f in year:2019..2025 'path:*.txt' title:报告 section:发展 author:某 org:政府 keyword:改革 docno:国发; do rep "$f" 8 ' '; printf ' '; done)"
# one term as long as a query may be
answered token-64k-ascii 1 100000 --count "$(rep a 65536)"
answered token-64k-cjk 1 100000 --count "$(rep 发展 10922)"
answered token-64k-cjk-text 1 100000 "$(rep 发展 10922)"
answered token-64k-phrase 1 100000 --json "\"$(rep '城乡 融合 ' 4600)\""
answered token-64k-title 1 100000 --count "title:$(rep 政府 10920)"
answered token-64k-path 0 100000 --count "path:$(rep '*' 65000) 发展"
# a year with 65,000 leading zeros is still a year
answered token-64k-year 0 100000 --count "year:$(rep 0 65000)1..2030 发展"
# the message about a term that matched nothing stays short
run long-term-message --count "$(rep 无 20000)"
if [ "$(stat -c %s "$work/err")" -le 300 ]; then pass=$((pass + 1))
else fail "$(stat -c %s "$work/err") bytes to say a long term matched nothing"; fi

# ---- huge pages and odd options ----------------------------------------------
answered page-100000 0 50000000 --limit 100000 --per-report 0 发展
answered page-json-100000 0 50000000 --json --limit 100000 --per-report 0 --snippet 0 发
answered offset-100000 01 100000 --offset 100000 发展
answered context-100000 0 50000000 --context 100000 --limit 2 发展
answered files-all 0 100000 --files 的
answered count-all 0 100000 --count 的
answered explain-64 0 5000000 --explain --limit 3 "$(rep 发 32 ' ') $(rep 展 32 ' ')"
refused limit-too-big "bad number '100001'" --limit 100001 发展
refused limit-negative "bad number '-1'" --limit -1 发展
refused limit-junk "bad number '5x'" --limit 5x 发展
# options after the query are part of it (the query language's own -)
refused option-as-query "the query only excludes" -- --help

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
