#!/bin/bash
# cli.sh - zhiku-query and zhiku-index end to end on the bundled corpus:
# every output format and option against golden files (scores, times and
# the checkout's location masked), plus exit statuses and messages.
#
# usage: cli.sh ZHIKU_INDEX ZHIKU_QUERY SOURCE_DIR
# ZK_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
set -uo pipefail
zi=$1 zq=$2 src=$3
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ix=$tmp/index
root=$(cd "$src" && pwd -P)
"$zi" -q -i "$ix" "$src/corpus" > /dev/null || { echo "indexing failed"; exit 1; }

pass=0 failn=0
mask() {
    sed -e "s|$root|<ROOT>|g" \
        -e 's/  ([0-9.]*)$/  (SCORE)/' \
        -e 's/([0-9.]* ms)$/(TIME)/' \
        -e 's/"score":[0-9.e+-]*/"score":0/g' \
        -e 's/"seconds":[0-9.e+-]*/"seconds":0/g' \
        -e 's/^\(   score \)[0-9.]* = .*/\1(PARTS)/'
}
golden() { # name args...
    local name=$1
    shift
    local out
    out=$(NO_COLOR= "$zq" -i "$ix" --color=never "$@" 2>&1; echo "exit $?")
    out=$(mask <<<"$out")
    if [ "${ZK_UPDATE_GOLDEN:-0}" = 1 ]; then
        printf '%s\n' "$out" > "$golden/$name.out"
        return
    fi
    if [ "$out" == "$(cat "$golden/$name.out" 2>/dev/null)" ]; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        echo "FAIL $name (zhiku-query $*):"
        diff <(printf '%s\n' "$out") "$golden/$name.out" | head -20
    fi
}
check() { # name expected actual
    if [ "$2" == "$3" ]; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}

golden text 城乡耦合
golden json --json --limit 2 城乡耦合
golden jsonl --jsonl --limit 3 共同富裕
golden count --count 城乡
golden files --files 发展
golden limit-offset --limit 2 --offset 1 --per-report 0 城乡
golden per-report-0 --per-report 0 --limit 4 城乡耦合
golden context --context 1 --limit 1 1.激活要素
golden sort-date --sort date --limit 2 创新
golden explain --explain --limit 2 城乡 融合
golden snippet --snippet 30 --limit 2 高质量发展
golden whole --snippet 0 --limit 1 城市精神
golden or --per-report 0 --limit 3 光雾山 OR 米仓道
golden not --per-report 0 --count 城市 -品质
golden phrase --per-report 0 --limit 2 '"独特 IP"'
golden char --count 巴
golden fullwidth --count ２０２５
golden latin --count ip
golden section --per-report 0 --limit 2 section:城乡耦合 要素
golden title --count title:独特
golden year --count year:2024..2026 城市
golden year-none --count year:2000 城市
golden author --count author:胡明 城市
golden keyword --count keyword:共同富裕 城市
golden docno --count docno:BZ25YB108 城市
golden path --count "path:*.md" 城市
golden nomatch 耦合协调度
golden nomatch-and 光雾山 米仓道 城乡耦合
golden syntax '"城乡'
golden lone-minus 城乡 -
golden lone-or OR 城乡
golden empty '   '
golden only-not -- -城乡
golden not-first --count -- -品质 城市

[ "${ZK_UPDATE_GOLDEN:-0}" = 1 ] && { echo "golden files written"; exit 0; }

# colours: always, never, NO_COLOR, and auto on a pipe (off)
check color-always 1 "$("$zq" -i "$ix" --color=always --limit 1 城乡耦合 | grep -c $'\033\[1;31m城乡耦合')"
check color-auto-pipe 0 "$("$zq" -i "$ix" --limit 1 城乡耦合 | grep -c $'\033')"
check color-no-color 0 "$(NO_COLOR=1 "$zq" -i "$ix" --color=auto --limit 1 城乡耦合 | grep -c $'\033')"
check color-bad 2 "$("$zq" -i "$ix" --color=sometimes x >/dev/null 2>&1; echo $?)"
# the index: missing, not an index, default location from ZHIKU_INDEX
out=$("$zq" -i "$tmp/none" 城乡 2>&1)
check missing-exit 3 "$("$zq" -i "$tmp/none" 城乡 >/dev/null 2>&1; echo $?)"
check missing-msg 1 "$(grep -c "create one with 'zhiku-index -i $tmp/none" <<<"$out")"
mkdir "$tmp/empty"
check not-index-exit 3 "$("$zq" -i "$tmp/empty" 城乡 >/dev/null 2>&1; echo $?)"
check env-index "2 passages in 1 report" \
    "$(ZHIKU_INDEX=$ix "$zq" --count 光雾山)"
# a user dictionary changed after indexing: refused with what to do
printf '城乡耦合 50\n' > "$tmp/user.txt"
"$zi" -q -i "$tmp/ixu" -u "$tmp/user.txt" "$src/corpus" > /dev/null
check userdict-ok 0 "$("$zq" -i "$tmp/ixu" --count 城乡耦合 >/dev/null 2>&1; echo $?)"
printf '城乡耦合 60\n' > "$tmp/user.txt"
check userdict-changed-exit 3 "$("$zq" -i "$tmp/ixu" 城乡 >/dev/null 2>&1; echo $?)"
check userdict-changed-msg 1 "$("$zq" -i "$tmp/ixu" 城乡 2>&1 | grep -c 'rebuild')"
check index-other-dict 3 "$("$zi" -q -i "$tmp/ixu" "$src/corpus" >/dev/null 2>&1; echo $?)"
check rebuild 0 "$("$zi" -q --rebuild -i "$tmp/ixu" "$src/corpus" >/dev/null 2>&1; echo $?)"
# an index written with another normaliser (as after a utf8proc upgrade):
# its literal terms may not be this normaliser's, so the searcher and the
# writer refuse it and say to rebuild
cp -r "$tmp/ixu" "$tmp/ixn"
/usr/bin/python3 -c '
import os, sys, xapian
ix = sys.argv[1]
shard = open(os.path.join(ix, "XAPIANDB")).read().split()[1]
db = xapian.WritableDatabase(os.path.join(ix, shard), xapian.DB_OPEN)
db.set_metadata("zhiku.normalize", "nfkc+casefold utf8proc-1.0.0 unicode-9.0.0")
db.commit()' "$tmp/ixn"
check normalizer-query-exit 3 "$("$zq" -i "$tmp/ixn" 城乡 >/dev/null 2>&1; echo $?)"
check normalizer-query-msg 1 "$("$zq" -i "$tmp/ixn" 城乡 2>&1 | grep -c "normaliser 'nfkc+casefold utf8proc-1.0.0 unicode-9.0.0'.*rebuild")"
check normalizer-index-exit 3 "$("$zi" -q -i "$tmp/ixn" -u "$tmp/user.txt" "$src/corpus" >/dev/null 2>&1; echo $?)"
check normalizer-rebuild 0 "$("$zi" -q --rebuild -i "$tmp/ixn" "$src/corpus" >/dev/null 2>&1; echo $?)"
check normalizer-after "2 passages in 1 report" "$("$zq" -i "$tmp/ixn" --count 光雾山)"
check help 0 "$("$zq" --help >/dev/null; echo $?)"
check usage 2 "$("$zq" >/dev/null 2>&1; echo $?)"
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
