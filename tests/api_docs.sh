#!/bin/bash
# api_docs.sh - every public function (ZK_EXTERN in include/zhiku/*.h) must
# be documented in docs/api.md, and the library must export nothing else.
# usage: api_docs.sh SOURCE_DIR LIBZHIKU
set -uo pipefail
src=$1 lib=$2
names=$(grep -ho 'ZK_EXTERN[^(]*(' "$src"/include/zhiku/*.h "$src"/include/zhiku/*.h.in |
    grep -o 'zk_[a-z0-9_]*($' | tr -d '(' | sort -u)
missing=0 count=0
for n in $names; do
    count=$((count + 1))
    if ! grep -q "\`[^\`]*\\b$n(" "$src/docs/api.md"; then
        echo "not documented in docs/api.md: $n"
        missing=$((missing + 1))
    fi
done
echo "$count public functions, $missing undocumented"
[ "$count" -gt 10 ] || { echo "found too few functions: parse error"; exit 1; }
bad=0
if [[ "$lib" == *.so* ]]; then
    exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRW]$/ {print $3}')
    for s in $exported; do
        case "$s" in
        zk_*) ;;
        _init | _fini | _edata | _end | __bss_start) ;;
        *) echo "exported symbol without the zk_ prefix: $s"; bad=$((bad + 1)) ;;
        esac
    done
    for n in $names; do
        grep -qx "$n" <<<"$exported" || { echo "declared but not exported: $n"; bad=$((bad + 1)); }
    done
fi
[ "$missing" -eq 0 ] && [ "$bad" -eq 0 ]
