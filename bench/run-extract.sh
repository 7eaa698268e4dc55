#!/usr/bin/env bash
# bench/run-extract.sh - the extraction benchmark: what zhiku's PDF, Word
# .docx and HTML readers (`zhiku-index --extract`) read, against pdftotext
# (PDF) and pandoc (.docx, HTML), side by side in one run on this machine.
#
#   bench/run-extract.sh [--reps N] [--count N] [--build] [--no-doc] [--keep]
#                        [--work DIR] [BUILD_DIR]
#
# 1. Installs what is missing of poppler-utils, pandoc, python3-docx,
#    python3-cairo and fonts-noto-cjk (as root, or with sudo).
# 2. Generates, in a fresh folder under /tmp (or --work DIR), the test set of
#    tests/formats/gen_all.py ("small": the seed paper and five corpus
#    reports cut to 40 KB, with variants) and a "large" set: the N (--count,
#    default 10) longest whole reports of ../shared/corpus/gov-work-reports
#    as PDF, .docx and HTML.  If gen_all.py fails, its set is made job by job
#    (bench/extract_bench.py gen-small) and the jobs that failed are listed.
# 3. For every file: fidelity of each tool's text to the source text, spaces
#    inserted between CJK characters, lines broken inside Chinese sentences;
#    then the speed of each tool as a whole process, one warm-up and N pairs
#    (--reps, default 5) interleaved with the peer, medians
#    (bench/extract_bench.py run).  A tool failing on a file is recorded as
#    a failure.
# 4. Writes docs/benchmarks-extract.md (--no-doc prints it instead).
#
# BUILD_DIR (default build) must hold indexer/zhiku-index; --build runs
# `cmake --build BUILD_DIR -j2 --target zhiku-index` first.  Work files are
# removed at the end unless --keep.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

PY=/usr/bin/python3
cmdline="bench/run-extract.sh${*:+ $*}"
reps=5
count=10
build=0
write_doc=1
keep=0
work=
bdir=

while [ $# -gt 0 ]; do
    case $1 in
    --reps) reps=$2; shift ;;
    --count) count=$2; shift ;;
    --build) build=1 ;;
    --no-doc) write_doc=0 ;;
    --keep) keep=1 ;;
    --work) work=$2; shift ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-extract.sh: unknown option $1" >&2; exit 2 ;;
    *) bdir=$1 ;;
    esac
    shift
done
bdir=${bdir:-build}
shared=$root/../shared
[ -d "$shared/corpus" ] || { echo "run-extract.sh: no corpus at $shared/corpus" >&2; exit 1; }
shared=$(cd "$shared" && pwd)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --------------------------------------------------------------- packages
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in poppler-utils pandoc python3-docx python3-cairo fonts-noto-cjk; do
    have_pkg "$p" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "run-extract.sh: need root (or sudo) to install: ${need[*]}" >&2
        exit 1
    fi
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
fi
for t in pdftotext pdfinfo pandoc diff; do
    command -v "$t" >/dev/null || { echo "run-extract.sh: $t is missing" >&2; exit 1; }
done

# --------------------------------------------------------------- zhiku
if [ "$build" = 1 ]; then
    log "building zhiku-index in $bdir"
    cmake --build "$bdir" -j2 --target zhiku-index >&2
fi
zk=$bdir/indexer/zhiku-index
[ -x "$zk" ] || {
    echo "run-extract.sh: no $zk (build it: cmake --build $bdir -j2 --target zhiku-index)" >&2
    exit 1
}
zk=$(cd "$(dirname "$zk")" && pwd)/$(basename "$zk")

# --------------------------------------------------------------- work dir
if [ -z "$work" ]; then
    work=$(mktemp -d /tmp/zk-xbench.XXXXXX)
else
    mkdir -p "$work"
    work=$(cd "$work" && pwd)
fi
cleanup() {
    if [ "$keep" = 0 ]; then
        rm -rf "$work"
    else
        log "work files kept in $work"
    fi
}
trap cleanup EXIT
log "work folder: $work"

# --------------------------------------------------------------- files
small=$work/small
small_gen=
large=$work/large
rm -rf "$small" "$large"
log "generating the test set (tests/formats/gen_all.py)"
if ! "$PY" tests/formats/gen_all.py "$root" "$shared" "$small" >"$work/gen_all.log" 2>&1; then
    tail -3 "$work/gen_all.log" >&2
    log "gen_all.py failed (above); making its set job by job instead"
    small_gen="gen_all.py failed in this run ($(tail -1 "$work/gen_all.log" | cut -c1-160 | tr -d '|\`')); its set was made job by job (extract_bench.py gen-small)."
    rm -rf "$small"
    "$PY" "$here/extract_bench.py" gen-small "$root" "$shared" "$small"
fi
log "generating the large set ($count whole reports)"
"$PY" "$here/extract_bench.py" gen-large "$shared" "$large" --count "$count"

# --------------------------------------------------------------- meta
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
if ! git diff-index --quiet HEAD -- src include indexer 2>/dev/null; then
    commit="$commit (with uncommitted changes in src/, include/ or indexer/)"
fi
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$bdir/CMakeCache.txt" 2>/dev/null || true)
{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'commit\t%s\n' "$commit"
    printf 'command\t%s\n' "$cmdline"
    printf 'zhiku\t%s\n' "${zk#"$root"/}"
    printf 'zhiku_version\t%s\n' "$("$zk" --version 2>/dev/null | head -1 || echo '?')"
    printf 'build_type\t%s\n' "${btype:-?}"
    printf 'nproc\t%s\n' "$(nproc)"
    printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    printf 'pdftotext\t%s\n' "$(pdftotext -v 2>&1 | head -1)"
    printf 'pandoc\t%s\n' "$(pandoc --version | head -1)"
    printf 'loadavg_before\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    [ -z "$small_gen" ] || printf 'small_gen\t%s\n' "$small_gen"
} >"$work/meta.tsv"

# --------------------------------------------------------------- run
log "measuring ($reps pairs per file)"
"$PY" "$here/extract_bench.py" run --zhiku "$zk" --reps "$reps" --meta "$work/meta.tsv" \
    --out "$work/partial.json" small="$small" large="$large"
printf 'loadavg_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/meta.tsv"
# the load after the run goes into the results too
"$PY" - "$work/partial.json" "$work/meta.tsv" "$work/results.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
for ln in open(sys.argv[2], encoding="utf-8"):
    if "\t" in ln:
        k, v = ln.rstrip("\n").split("\t", 1)
        r["meta"][k] = v
json.dump(r, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
EOF

# --------------------------------------------------------------- report
if [ "$write_doc" = 1 ]; then
    "$PY" "$here/extract_bench.py" report "$work/results.json" docs/benchmarks-extract.md
    log "wrote docs/benchmarks-extract.md"
else
    "$PY" "$here/extract_bench.py" report "$work/results.json" -
fi
