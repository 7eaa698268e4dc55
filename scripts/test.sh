#!/bin/bash
# test.sh - the test command: install dependencies, then build and test
# zhiku the ways CI does:
#   1. gcc, -Werror, full ctest suite (unit, CLI, faithfulness to jieba,
#      the PDF, .docx and HTML readers on files generated from real text)
#   2. clang, -Werror, unit, API and CLI tests; then installed with
#      cmake --install --prefix into another prefix than the configured
#      one, with the example built against the installed package
#      (pkg-config and CMake), the Python module tested on it, and the
#      tree moved and used again
#   3. ASan + UBSan (clang), full ctest suite
#   4. valgrind memcheck over the unit tests and api_threads, the Python
#      module's tests (python3 under valgrind), and over the
#      CLI, query-limit, oracle, faithfulness and incremental-indexing
#      suites, scaled-down fault, crash and concurrency suites and one case
#      of each kind of the bad-input catalogue, with every zhiku process
#      they test under valgrind (no leaks, no errors)
#   5. the libFuzzer targets, briefly (ZK_FUZZ_SECONDS, default 30 each;
#      docs/fuzzing.md)
# Build trees go to build-test-*/ (ignored by git). Run from anywhere.
#
# usage: scripts/test.sh [--quick | --full]
#   --full (the default, and what CI runs): all five stages above
#   --quick: a developer's loop: stage 1's build, then its unit, API, CLI
#            and fuzz-replay tests only (a minute or so after the build);
#            the end-to-end, hardening and sanitizer suites are left to
#            --full
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tier=full
case ${1:-} in
--quick) tier=quick ;;
--full | "") ;;
-h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "usage: scripts/test.sh [--quick | --full]" >&2
    exit 2
    ;;
esac
scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${ZK_FUZZ_SECONDS:-30}

start=$SECONDS
step() { printf '\n==== %s  (at %d s)\n' "$*" $((SECONDS - start)); }

build() { # dir cc cxx extra-cmake-args...
    local dir=$1 cc=$2 cxx=$3
    shift 3
    mkdir -p "$dir"
    CC=$cc CXX=$cxx cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DZK_WERROR=ON "$@" > "$dir/configure.log" 2>&1 ||
        { cat "$dir/configure.log"; exit 1; }
    cmake --build "$dir" -j "$jobs"
}

step "gcc build and tests"
mkdir -p build-test-gcc
build build-test-gcc gcc g++ -DZK_MEMCHECK_TESTS=ON
if [ "$tier" = quick ]; then
    (cd build-test-gcc &&
        ctest --output-on-failure -j "$jobs" -L '^(unit|api|cli|fuzz)$')
    echo
    echo "test.sh --quick: passed in $((SECONDS - start)) s" \
        "(the full tier is scripts/test.sh)"
    exit 0
fi
# the memcheck_* tests (label memcheck) are the valgrind stage's
(cd build-test-gcc && ctest --output-on-failure -j "$jobs" -LE '^memcheck')

step "clang build and tests"
mkdir -p build-test-clang
# (configured for one prefix, installed into another: the package must
# not depend on the configured one)
build build-test-clang clang clang++ -DCMAKE_INSTALL_PREFIX=/opt/zhiku-unused
# the slow end-to-end suites (faithfulness, indexing, the oracle) run in the
# gcc and sanitizer stages; here the unit, API and CLI tests
(cd build-test-clang && ctest --output-on-failure -j "$jobs" -L "unit|api|cli")

step "install, and use the installed package"
tests/install/install.sh build-test-clang "$root/build-test-clang/prefix" \
    "$root/../shared"

step "ASan + UBSan build and tests"
mkdir -p build-test-asan
build build-test-asan clang clang++ -DZK_SANITIZE=address,undefined \
    -DZK_FUZZ=ON
# the end-to-end suites smaller than in the gcc stage, which runs them at
# full size (25 kills, 2,000 queries, 100 files churned, 8 disk-full
# points, a 50 MB line): under ASan they check memory, and the smaller
# sizes take the same code paths (a disk-full point in the first shard
# commit and one in a later one; a 10 MB line is still thousands of
# passages with no line break, as the valgrind stage's 2 MB one is)
(cd build-test-asan &&
    ZK_CRASH_KILLS=4 ZK_CONCURRENT_QUERIES=300 ZK_BADINPUT_CHURN_FILES=20 \
    ZK_FAULTS_ROOMS="768 2048" ZK_BADINPUT_BIG_MB=10 \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j "$jobs")

step "valgrind memcheck (unit tests, then the shell suites)"
# (api_threads on its small sample: valgrind runs one thread at a time)
(cd build-test-gcc &&
    ZK_THREADS_SAMPLE=small \
    ctest -L '^(unit|valgrind)$' -FS zk_formats -j "$jobs" -T memcheck \
        --output-on-failure \
        --overwrite MemoryCheckCommandOptions="--leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 --track-origins=yes" \
        > memcheck.log 2>&1) || { cat build-test-gcc/memcheck.log; exit 1; }
grep -E "tests passed|Memory checking results|Defects" build-test-gcc/memcheck.log || true
if grep -q "Defects:" build-test-gcc/memcheck.log; then
    echo "valgrind found defects:"
    cat build-test-gcc/Testing/Temporary/MemoryChecker.*.log | head -60
    exit 1
fi
# the shell suites (CLIs, query limits, the oracle, incremental indexing, and
# the disk-full, kill and concurrency suites scaled down) with the zhiku
# processes they test under valgrind (tests/memcheck.sh)
(cd build-test-gcc && ctest --output-on-failure -j "$jobs" -L '^memcheck$')

step "fuzzing, ${fuzz_seconds}s per target"
# seeds: slices of real text from the shared corpus, made fresh (not kept in
# git); the committed regression inputs of tests/data/fuzz are read too
seeds=build-test-asan/fuzz-seeds
rm -rf "$seeds"
fuzz/seeds.sh ../shared "$seeds"
# the targets run $jobs at a time, each for the full fuzz_seconds
fuzz_one() { # target
    local target=$1 name=${1##*/fuzz_} rc=0
    mkdir -p "$seeds/corpus-$name"
    ZHIKU_DICT=$root/build-test-asan/share/zhiku/jieba.zkd \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$target" -max_total_time="$fuzz_seconds" -max_len=4096 \
        -dict="$seeds/$name.dict" -artifact_prefix=build-test-asan/ \
        -print_final_stats=1 \
        "$seeds/corpus-$name" "$seeds/$name" "tests/data/fuzz/$name" \
        > "$seeds/$name.log" 2>&1 || rc=$?
    echo "$rc" > "$seeds/$name.rc"
}
fuzz_names=()
for target in build-test-asan/fuzz/fuzz_*; do
    [ -x "$target" ] || continue
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
    fuzz_one "$target" &
    fuzz_names+=("${target##*/fuzz_}")
done
wait
fuzz_failed=0
for name in "${fuzz_names[@]}"; do
    rc=$(cat "$seeds/$name.rc" 2>/dev/null || echo "none")
    echo "fuzzing $name: exit $rc"
    tail -4 "$seeds/$name.log"
    [ "$rc" = 0 ] || { fuzz_failed=1; tail -60 "$seeds/$name.log"; }
done
[ "$fuzz_failed" -eq 0 ] || { echo "a fuzz target failed"; exit 1; }

echo
echo "test.sh: all test stages passed in $((SECONDS - start)) s"
