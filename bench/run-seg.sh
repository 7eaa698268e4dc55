#!/usr/bin/env bash
# bench/run-seg.sh - the segmentation benchmark: zhiku against Python jieba,
# @node-rs/jieba and friso. Writes its section of docs/benchmarks.md.
#
# Usage: bench/run-seg.sh            (from anywhere; no arguments)
#
# Environment (all optional):
#   ROUNDS=5      timing rounds; the peers' order rotates every round
#   PASSES=3      timed passes over the text per mode, per peer and round
#   LOADS=11      fresh processes that time zhiku's zk_dict_open()
#   BUILD_DIR     build directory (default: build-bench/ in the repo)
#   SEG_EVAL      the SIGHAN 2005 files (default: ../shared/seg-eval/)
#
# What it does:
#   1. installs what is missing, with apt-get (through sudo if not root):
#      zhiku's build dependencies, the peers python3-jieba, libfriso-dev and
#      friso-dict, nodejs and npm only if there is no `node`; and npm's
#      @node-rs/jieba 2.x into $BUILD_DIR/node (never into the repo);
#   2. builds zhiku in Release into $BUILD_DIR, and bench/friso_bench.c;
#   3. writes the test text (pku_test + msr_test, twice) to a temp file;
#   4. times every segmenter on it in-process, ROUNDS rounds of PASSES
#      passes per mode;
#   5. times zk_dict_open() in fresh processes and takes the peak RSS of
#      the zhiku-seg CLI on the text;
#   6. scores zhiku-seg and the jiebas against the gold segmentation;
#   7. writes the section between <!-- seg-bench:begin/end --> of
#      docs/benchmarks.md (bench/seg_report.py), keeping the rest.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
BUILD=${BUILD_DIR:-$ROOT/build-bench}
SEG_EVAL=${SEG_EVAL:-$ROOT/../shared/seg-eval}
ROUNDS=${ROUNDS:-5}
PASSES=${PASSES:-3}
LOADS=${LOADS:-11}
REPORT=$ROOT/docs/benchmarks.md
# Debian's python, where python3-jieba lives (PATH may hold another one).
PY=/usr/bin/python3
NODERS_SPEC='@node-rs/jieba@^2'

log() { printf '== %s\n' "$*" >&2; }
die() {
    printf 'run-seg.sh: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------
# 1. Peers and tools
# ---------------------------------------------------------------------------

# Run a command as root: directly, or through sudo where there is one.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# True if the Debian package $1 is installed.
have_pkg() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# Install the Debian packages among "$@" that are missing (none: no apt).
apt_install() {
    local missing=() p
    for p in "$@"; do
        have_pkg "$p" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "apt-get install ${missing[*]}"
    as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
}

install_peers() {
    # zhiku's own build dependencies (see CMakeLists.txt; python3-jieba
    # also provides the dictionary zhiku compiles), /usr/bin/time, and the
    # Debian-packaged peers. friso-dict holds the lexicon that libfriso0's
    # /etc/friso/friso.ini points at.
    local pkgs=(gcc g++ make cmake pkg-config libutf8proc-dev libxxhash-dev
        time python3 python3-jieba libfriso-dev friso-dict)
    if ! command -v node >/dev/null; then
        pkgs+=(nodejs npm)
    elif ! command -v npm >/dev/null; then
        pkgs+=(npm)
    fi
    apt_install "${pkgs[@]}"

    # @node-rs/jieba 2.x, private to the build directory.
    local pj=$BUILD/node/node_modules/@node-rs/jieba/package.json
    if [ ! -f "$pj" ] || ! grep -q '"version": "2\.' "$pj"; then
        log "npm install $NODERS_SPEC into $BUILD/node"
        mkdir -p "$BUILD/node"
        npm install --prefix "$BUILD/node" --no-audit --no-fund \
            --loglevel=error "$NODERS_SPEC" >&2
    fi
    export NODE_PATH=$BUILD/node/node_modules
}

# ---------------------------------------------------------------------------
# 2. Builds
# ---------------------------------------------------------------------------

build() {
    log "building zhiku (Release) in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >&2
    # Only what is measured (the CLI pulls in the compiled dictionary).
    cmake --build "$BUILD" -j2 --target zhiku-seg zhiku-seg-bench >&2
    ZK_BENCH=$(find "$BUILD" -path "$BUILD/node" -prune -o \
        -type f -name zhiku-seg-bench -perm -u+x -print | head -n1)
    [ -n "$ZK_BENCH" ] || die "no zhiku-seg-bench built:" \
        "does CMakeLists.txt add_subdirectory(bench)?"
    ZK_SEG=$BUILD/seg/zhiku-seg
    [ -x "$ZK_SEG" ] || die "no $ZK_SEG after the build"
    # zk_dict_open(NULL) looks at $ZHIKU_DICT first: pin it to the
    # dictionary just built, so an installed one is never measured.
    if [ -f "$BUILD/share/zhiku/jieba.zkd" ]; then
        export ZHIKU_DICT=$BUILD/share/zhiku/jieba.zkd
    fi

    log "building friso-bench"
    FRISO_BENCH=$BUILD/friso-bench
    # shellcheck disable=SC2046 # pkg-config's flags are meant to split
    gcc -O2 -Wall -o "$FRISO_BENCH" "$BENCH/friso_bench.c" \
        $(pkg-config --cflags --libs friso)
}

# ---------------------------------------------------------------------------
# 3.-6. Measurements; every fact goes to $FACTS (format: seg_report.py)
# ---------------------------------------------------------------------------

make_text() {
    local f
    for f in pku_test.utf8 msr_test.utf8 pku_test_gold.utf8 \
        msr_test_gold.utf8; do
        [ -f "$SEG_EVAL/$f" ] || die "missing $SEG_EVAL/$f"
    done
    TEXT=$WORK/text.utf8
    cat "$SEG_EVAL/pku_test.utf8" "$SEG_EVAL/msr_test.utf8" \
        "$SEG_EVAL/pku_test.utf8" "$SEG_EVAL/msr_test.utf8" >"$TEXT"
}

# One driver's timed run over $TEXT; its LOAD/RESULT lines go to $FACTS.
# The jieba-likes run their three modes (see the drivers), friso its one.
run_peer() {
    local modes=(hmm nohmm search)
    case $1 in
    zhiku) "$ZK_BENCH" time "$PASSES" "$TEXT" "${modes[@]}" ;;
    python-jieba)
        "$PY" "$BENCH/jieba_bench.py" time "$PASSES" "$TEXT" "${modes[@]}"
        ;;
    node-rs-jieba)
        node "$BENCH/nodejieba_bench.js" time "$PASSES" "$TEXT" "${modes[@]}"
        ;;
    friso) "$FRISO_BENCH" time "$PASSES" "$TEXT" ;;
    esac | tee -a "$FACTS" | sed "s/^/   /" >&2
}

time_rounds() {
    local peers=(zhiku node-rs-jieba python-jieba friso) r i n=4
    for ((r = 0; r < ROUNDS; r++)); do
        log "round $((r + 1))/$ROUNDS"
        for ((i = 0; i < n; i++)); do
            run_peer "${peers[$(((r + i) % n))]}"
        done
    done
}

# zk_dict_open(), then a first cut, in fresh processes (the page cache is
# warm after a first, untimed, run).
time_loads() {
    local i
    log "zhiku dictionary load, $LOADS processes"
    "$ZK_BENCH" load >/dev/null
    for ((i = 0; i < LOADS; i++)); do
        "$ZK_BENCH" load | sed 's/^LOAD/COLDLOAD/' >>"$FACTS"
    done
}

# Peak RSS (KiB) of the zhiku-seg CLI cutting $TEXT in each mode.
measure_rss() {
    local mode opt
    log "peak RSS of zhiku-seg"
    for mode in hmm nohmm search; do
        case $mode in
        hmm) opt=() ;;
        nohmm) opt=(-n) ;;
        search) opt=(--search) ;;
        esac
        /usr/bin/time -f %M -o "$WORK/rss" \
            "$ZK_SEG" "${opt[@]}" "$TEXT" >"$WORK/seg.out"
        [ "$(wc -l <"$WORK/seg.out")" -eq "$(wc -l <"$TEXT")" ] ||
            die "zhiku-seg ${opt[*]}: output lines differ from input lines"
        echo "RSS $mode $(tail -n1 "$WORK/rss")" >>"$FACTS"
    done
}

# Segment the PKU and MSR test texts with each segmenter and score them.
score_f1() {
    local corpus mode out
    log "accuracy against the SIGHAN 2005 gold files"
    for corpus in pku msr; do
        local raw=$SEG_EVAL/${corpus}_test.utf8
        local gold=$SEG_EVAL/${corpus}_test_gold.utf8
        for mode in hmm nohmm; do
            out=$WORK/$corpus
            # Tokens separated by spaces (its default delimiter is " / ").
            if [ $mode = hmm ]; then
                "$ZK_SEG" -d ' ' "$raw" >"$out.zhiku.$mode"
            else
                "$ZK_SEG" -d ' ' -n "$raw" >"$out.zhiku.$mode"
            fi
            "$PY" "$BENCH/jieba_bench.py" dump "$raw" $mode \
                >"$out.python-jieba.$mode"
            node "$BENCH/nodejieba_bench.js" dump "$raw" $mode \
                >"$out.node-rs-jieba.$mode"
            local peer score
            for peer in zhiku python-jieba node-rs-jieba; do
                score=$("$PY" "$BENCH/seg_f1.py" "$gold" "$out.$peer.$mode")
                echo "F1 $peer $mode $corpus $score" >>"$FACTS"
            done
            # Lines where zhiku's words differ from Python jieba's (awk
            # squeezes runs of spaces: zhiku-seg prints space tokens too).
            local ndiff
            ndiff=$(diff <(awk '{ $1 = $1 } 1' "$out.zhiku.$mode") \
                <(awk '{ $1 = $1 } 1' "$out.python-jieba.$mode") |
                grep -c '^<' || true)
            echo "DIFF $corpus $mode $ndiff $(wc -l <"$raw")" >>"$FACTS"
        done
    done
}

# CPU use, for telling whether other work ran beside the benchmark:
# "BUSY MINE UPTIME", where BUSY is the machine's busy clock ticks
# (/proc/stat), MINE the ticks used by this script and its waited-for
# children (/proc/$$/stat: utime, stime, cutime, cstime), UPTIME seconds.
cpu_snapshot() {
    echo "$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)" \
        "$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$$/stat")" \
        "$(cut -d' ' -f1 /proc/uptime)"
}

# From two snapshots: the cores that other processes kept busy on average.
other_cores() {
    echo "$1 $2 $(getconf CLK_TCK)" | awk '{
        other = (($4 - $1) - ($5 - $2)) / $7
        printf "%.2f\n", (other > 0 ? other : 0) / ($6 - $3) }'
}

# The machine and the versions of everything measured.
record_meta() {
    local cpu os ver
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
    # shellcheck disable=SC1091 # a system file
    os=$(. /etc/os-release && echo "$PRETTY_NAME")
    ver=$(git -C "$ROOT" describe --always --dirty 2>/dev/null ||
        echo "no commit")
    {
        echo "META date $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "META nproc $(nproc)"
        echo "META cpu ${cpu:-unknown CPU}"
        echo "META os $os, kernel $(uname -r)"
        echo "META zhiku git $ver"
        echo "META jieba $("$PY" -c 'import jieba; print(jieba.__version__)')"
        echo "META python $("$PY" -c 'import platform as p
print(p.python_version())')"
        echo "META noders $(node -p \
            "require('@node-rs/jieba/package.json').version")"
        echo "META node $(node --version)"
        echo "META friso $(dpkg-query -W -f='${Version}' libfriso-dev)"
        echo "META bytes $(wc -c <"$TEXT")"
        echo "META lines $(wc -l <"$TEXT")"
        echo "META rounds $ROUNDS"
        echo "META passes $PASSES"
    } >>"$FACTS"
}

# ---------------------------------------------------------------------------

main() {
    install_peers
    build
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/zhiku-seg-bench.XXXXXX")
    trap 'rm -rf "$WORK"' EXIT
    FACTS=$WORK/facts
    : >"$FACTS"
    make_text
    record_meta
    local before
    before=$(cpu_snapshot)
    time_rounds
    echo "META other_cores $(other_cores "$before" "$(cpu_snapshot)")" \
        >>"$FACTS"
    time_loads
    measure_rss
    score_f1
    mkdir -p "$(dirname "$REPORT")"
    "$PY" "$BENCH/seg_report.py" "$FACTS" "$REPORT"
    cp "$FACTS" "$BUILD/seg-bench.facts" # the raw figures, for a closer look
    log "wrote $REPORT (raw figures: $BUILD/seg-bench.facts)"
}

main "$@"
