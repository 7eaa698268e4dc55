#!/usr/bin/env bash
# memcheck.sh - run a shell test suite with the zhiku programs it starts
# under valgrind memcheck (docs/reliability.md)
#
#   memcheck.sh WORK SUPPRESSIONS SUITE.sh ARG...
#
# An ARG written @PATH names a program of ours: the suite gets instead a
# wrapper that runs PATH under valgrind, each process logging to its own
# file in WORK/logs. Other ARGs are passed as they are. The suite must
# pass, and every log must be empty: no invalid access, no use of
# uninitialised memory, no definite, indirect or possible leak. The
# suppressions file lists what is not ours to fix (see its comments).
# Without --track-origins, for speed: to see where an uninitialised value
# came from, rerun the wrapper's command with it.
set -uo pipefail
[ $# -ge 3 ] || {
    echo "usage: $0 WORK SUPPRESSIONS SUITE.sh ARG..." >&2
    exit 2
}
work=$1
supp=$2
suite=$3
shift 3
command -v valgrind > /dev/null || {
    echo "memcheck: valgrind is not installed (scripts/install-deps.sh)" >&2
    exit 1
}
rm -rf "$work"
mkdir -p "$work/bin" "$work/logs"
chmod a+rwx "$work/logs" # suites run some commands as another user

args=()
for a in "$@"; do
    if [ "${a:0:1}" = @ ]; then
        real=${a:1}
        w="$work/bin/${real##*/}"
        # --error-exitcode: a suite that checks exit statuses sees the
        # defect at once; the logs below say what it was
        cat > "$w" << EOF
#!/bin/sh
exec valgrind --quiet --error-exitcode=98 --leak-check=full \\
    --show-leak-kinds=definite,indirect,possible \\
    --errors-for-leak-kinds=definite,indirect,possible \\
    --num-callers=30 --suppressions='$supp' \\
    --log-file='$work/logs/${real##*/}.%p.log' '$real' "\$@"
EOF
        chmod a+rx "$w"
        args+=("$w")
    else
        args+=("$a")
    fi
done
chmod a+rx "$work" "$work/bin"

bash "$suite" "${args[@]}"
rc=$?

runs=$(find "$work/logs" -name '*.log' | wc -l)
bad=$(find "$work/logs" -name '*.log' -size +0 | sort)
if [ -n "$bad" ]; then
    echo "memcheck: valgrind reported defects in $(wc -l <<< "$bad") of $runs runs:"
    for f in $bad; do
        echo "--- $f"
        head -80 "$f"
    done
    exit 1
fi
if [ "$runs" -eq 0 ]; then
    echo "memcheck: no program ran under valgrind (no @PATH argument?)"
    exit 1
fi
echo "memcheck: $runs runs under valgrind, no defects"
exit "$rc"
