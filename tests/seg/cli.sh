#!/bin/bash
# cli.sh - zhiku-seg end to end: formats, options, exit codes, streaming.
# usage: cli.sh ZHIKU_SEG TEST_DATA_DIR
set -uo pipefail
seg=$1 data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 failn=0
check() { # name expected actual
    if [ "$2" == "$3" ]; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"
    fi
}

check default "我 / 来到 / 北京 / 清华大学" "$(printf '我来到北京清华大学\n' | "$seg")"
check delimiter "我|来到|北京|清华大学" "$(printf '我来到北京清华大学' | "$seg" -d '|')"
check search "高质 / 质量 / 高质量 / 发展" "$(echo 高质量发展 | "$seg" --search)"
check nohmm "5 / . / 2 / %" "$(echo 5.2% | "$seg" -n)"
check lines $'a\n\nb' "$(printf 'a\n\nb\n' | "$seg")"
check crlf $'城乡 / 耦合\n发展' "$(printf '城乡耦合\r\n发展\r\n' | "$seg")"
check offsets "城乡[0,6) / 耦合[6,12)"$'\n'"发展[13,19)" \
    "$(printf '城乡耦合\n发展' | "$seg" --offsets)"
check json '{"line":1,"tokens":[{"text":"高质","start":0,"end":6,"cstart":0,"cend":2,"kind":"word","colocated":true},{"text":"质量","start":3,"end":9,"cstart":1,"cend":3,"kind":"word","colocated":true},{"text":"高质量","start":0,"end":9,"cstart":0,"cend":3,"kind":"word"},{"text":"\"","start":9,"end":10,"cstart":3,"cend":4,"kind":"other"},{"text":"\ufffd","start":10,"end":11,"cstart":4,"cend":5,"kind":"other"}]}' \
    "$(printf '高质量"\xff' | "$seg" --search --json)"
check normalize "2024 / 年 / gdp" "$(echo '２０２４年ＧＤＰ' | "$seg" -N)"
check userdict "光雾山 / 和 / 米仓道" \
    "$(echo 光雾山和米仓道 | "$seg" -u "$data/userdict.txt")"
check usage 2 "$("$seg" --bogus >/dev/null 2>&1; echo $?)"
check help 0 "$("$seg" --help >/dev/null; echo $?)"
check missing-file 1 "$("$seg" /nonexistent 2>/dev/null; echo $?)"
check missing-file-msg "zhiku-seg: /nonexistent: No such file or directory" \
    "$("$seg" /nonexistent 2>&1)"
check bad-dict 1 "$("$seg" --dict /nonexistent </dev/null 2>/dev/null; echo $?)"
check bad-userdict-msg "zhiku-seg: $data/userdict-bad.txt:2: user dictionary must be UTF-8" \
    "$(echo x | "$seg" -u "$data/userdict-bad.txt" 2>&1 >/dev/null)"

# A 12 MB line with no newline streams through in pieces and loses nothing:
# the offsets of the last token reach the end of the input.
yes '城乡耦合发展，共同富裕。' | head -c 12000000 | tr -d '\n' > "$tmp/long.txt"
size=$(stat -c %s "$tmp/long.txt")
"$seg" --offsets "$tmp/long.txt" > "$tmp/long.out"
check long-line-lines 1 "$(wc -l < "$tmp/long.out" | tr -d ' ')"
check long-line-end ",$size)" "$(tail -c 20 "$tmp/long.out" | grep -o ',[0-9]*)$')"
# cutting after each 。 (never inside a block) must give the same tokens
whole=$("$seg" "$tmp/long.txt" | md5sum)
parts=$(sed 's/。/。\n/g' "$tmp/long.txt" | "$seg" | sed '/^$/d' |
    paste -sd '\n' | sed ':a;N;$!ba;s/\n/ \/ /g' | md5sum)
check long-line-same "$whole" "$parts"

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
