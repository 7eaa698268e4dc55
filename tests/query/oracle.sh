#!/bin/bash
# oracle.sh - index a sample of ../shared/corpus (every 政府工作报告, the 2026
# provincial reports, State Council documents, digital-policy texts, the
# seed paper) and check the literal guarantee against oracle.py.
# usage: oracle.sh ZHIKU_INDEX ZHIKU_QUERY ZHIKU_SEG PYTHON3 SHARED WORK
set -euo pipefail
zi=$1 zq=$2 zs=$3 py=$4 shared=$5 work=$6
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
"$zi" -q -i "$work/index" "$shared/corpus/gov-work-reports" \
    "$shared/corpus/provincial-gov-work-reports-2026" \
    "$shared/corpus/govcn-state-council-docs-2018-2019" \
    "$shared/corpus/seed" > /dev/null
"$py" "$here/oracle.py" "$work/index" "$zq" "$zs"
rm -rf "$work"
