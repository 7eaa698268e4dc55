#!/bin/bash
# oracle.sh - index a sample of ../shared/corpus (every 政府工作报告, the 2026
# provincial reports, the 2018-2019 State Council documents, the seed
# paper) and check the literal guarantee against oracle.py.
# usage: oracle.sh ZHIKU_INDEX ZHIKU_QUERY ZHIKU_SEG PYTHON3 SHARED WORK
#
# ZK_ORACLE_SAMPLE=small indexes 94 reports instead of 165 (2.4 MB of text
# instead of 5.6) for the run under valgrind, where every zhiku process is
# watched and the size costs minutes: of the 政府工作报告 only the two that
# name 周恩来 and 李强 (1957, and the 2024 resolution), the rest as above;
# 4,597 passages instead of 10,002, and every query that matches on the
# full sample still matches.
set -euo pipefail
zi=$1 zq=$2 zs=$3 py=$4 shared=$5 work=$6
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
gwr=$shared/corpus/gov-work-reports
case ${ZK_ORACLE_SAMPLE:-full} in
full) sample=("$gwr") ;;
small)
    sample=("$gwr/1957-政府工作报告.txt"
        "$gwr/2024-第十四届全国人民代表大会第二次会议关于政府工作报告的决议.txt")
    ;;
*)
    echo "oracle.sh: ZK_ORACLE_SAMPLE is full or small" >&2
    exit 2
    ;;
esac
sample+=("$shared/corpus/provincial-gov-work-reports-2026"
    "$shared/corpus/govcn-state-council-docs-2018-2019" "$shared/corpus/seed")
"$zi" -q -i "$work/index" "${sample[@]}" > /dev/null
"$py" "$here/oracle.py" "$work/index" "$zq" "$zs"
rm -rf "$work"
