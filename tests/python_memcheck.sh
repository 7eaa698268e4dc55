#!/usr/bin/env bash
# python_memcheck.sh - the Python module's tests with python3 under valgrind
# memcheck (docs/reliability.md)
#
#   python_memcheck.sh PYTHON3 TESTS_DIR LOG
#
# The environment must point the module at the library under test
# (ZHIKU_LIBRARY, PYTHONPATH, ZHIKU_DICT), as the python_module test does.
# python3 runs with PYTHONMALLOC=malloc, so that valgrind sees every
# allocation. Passes when the tests pass and valgrind reports no invalid
# access, no use of uninitialised memory, no definite or indirect leak, and
# no "possibly lost" block allocated through libzhiku. (The interpreter
# itself ends with blocks reachable only through interior pointers, which
# valgrind counts as possibly lost; they are python3's, not ours.)
set -uo pipefail
[ $# -eq 3 ] || {
    echo "usage: $0 PYTHON3 TESTS_DIR LOG" >&2
    exit 2
}
py=$1 tests=$2 log=$3
command -v valgrind > /dev/null || {
    echo "python_memcheck: valgrind is not installed (scripts/install-deps.sh)" >&2
    exit 1
}
mkdir -p "$(dirname "$log")"
PYTHONMALLOC=malloc valgrind --error-exitcode=98 --leak-check=full \
    --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect --num-callers=40 \
    --log-file="$log" "$py" -m unittest discover -s "$tests"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "python_memcheck: exit status $rc (98: valgrind found errors); from $log:"
    # valgrind's records, but the interpreter's possibly lost blocks
    awk '/^==[0-9]+== $/ { if (rec != "" && rec !~ /possibly lost in loss/) printf "%s", rec; rec = ""; next }
         { rec = rec $0 "\n" }' "$log" | head -120
    exit 1
fi
# "possibly lost" records whose allocation stack passes through our library
ours=$(awk '/possibly lost in loss record/ { rec = $0; keep = 0; next }
            rec != "" && /libzhiku|zk_/ { keep = 1 }
            rec != "" && /^==[0-9]+== $/ { if (keep) print rec; rec = "" }' "$log")
if [ -n "$ours" ]; then
    echo "python_memcheck: blocks allocated through libzhiku possibly lost:"
    echo "$ours"
    exit 1
fi
summary=$(grep -E "ERROR SUMMARY|definitely lost:|indirectly lost:|possibly lost:" "$log" |
    sed 's/^==[0-9]*== *//')
echo "python_memcheck: no errors, no leak of ours; valgrind's summary:"
echo "$summary"
