#!/usr/bin/env bash
# bench/run-index.sh - the indexing benchmark: zhiku-index against SQLite
# FTS5 (trigram tokenizer) and Xapian's own CJK n-gram indexing, in one run
# on this machine, on the same text.
#
#   bench/run-index.sh [--no-doc] [--no-j1] [--pairs N] [--keep] [--work DIR] [--zhiku BIN] [CORPUS]
#
# 1. Builds zhiku in Release (build-bench/) and indexes the whole corpus
#    (default ../shared/corpus) into a fresh index, timed with
#    /usr/bin/time; then an incremental rerun with nothing changed, and
#    xapian-compact of the index into a temporary folder.  A second fresh
#    index with one worker thread (-j 1) gives the single-threaded figure
#    (--no-j1 skips it).
# 2. Exports the passages zhiku extracted (untimed) and has each peer index
#    exactly those, each in its own process: bench/index_peers.py.
# 3. Then N rounds (--pairs, default 3; 0 skips them): zhiku-index into a
#    fresh index, the Xapian peer and the FTS5 peer, one after the other,
#    N times, so
#    that each pair's ratio compares runs made under the same load (the
#    machine's speed drifts over the minutes a single run of each takes).
# 4. Writes the results between the index-bench markers of
#    docs/benchmarks.md (bench/index_report.py); --no-doc prints them
#    instead.
#
# Work files go to a fresh folder under /tmp (or --work DIR), removed at the
# end unless --keep.  --zhiku BIN skips the build and times BIN instead
# (for trying the script out).  Needs root or the packages time, xapian-tools,
# python3-xapian and sqlite3 already installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

PY=/usr/bin/python3
TIME=/usr/bin/time
write_doc=1
j1=1
pairs=3
keep=0
work=
corpus=
zk=

while [ $# -gt 0 ]; do
    case $1 in
    --no-doc) write_doc=0 ;;
    --keep) keep=1 ;;
    --no-j1) j1=0 ;;
    --pairs) pairs=$2; shift ;;
    --work) work=$2; shift ;;
    --zhiku) zk=$2; shift ;;
    -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-index.sh: unknown option $1" >&2; exit 2 ;;
    *) corpus=$1 ;;
    esac
    shift
done
corpus=${corpus:-$root/../shared/corpus}
[ -d "$corpus" ] || { echo "run-index.sh: no corpus at $corpus" >&2; exit 1; }
corpus=$(cd "$corpus" && pwd)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --------------------------------------------------------------- packages
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in time xapian-tools python3-xapian sqlite3; do
    have_pkg "$p" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi
"$PY" -c 'import xapian, sqlite3' || { echo "run-index.sh: $PY lacks xapian or sqlite3" >&2; exit 1; }

# --------------------------------------------------------------- work dir
if [ -z "$work" ]; then
    work=$(mktemp -d /tmp/zk-ibench.XXXXXX)
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
res=$work/results
mkdir -p "$res"

# --------------------------------------------------------------- build
if [ -z "$zk" ]; then
    log "building zhiku (Release, build-bench/)"
    if ! { cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
           cmake --build build-bench -j2; } >"$work/build.log" 2>&1; then
        tail -30 "$work/build.log" >&2
        echo "run-index.sh: the build failed (log above)" >&2
        exit 1
    fi
    zk=$root/build-bench/indexer/zhiku-index
else
    zk=$(cd "$(dirname "$zk")" && pwd)/$(basename "$zk")
fi
[ -x "$zk" ] || { echo "run-index.sh: no $zk after the build" >&2; exit 1; }

# --------------------------------------------------------------- corpus
# Every folder of the corpus, and any report file at its top except
# SOURCES.md (the corpus's own description, not a report).  zhiku-index
# takes only .md/.markdown/.txt, so index.tsv files are skipped by it.
args=()
for f in "$corpus"/*; do
    b=$(basename "$f")
    if [ -d "$f" ]; then
        args+=("$f")
    elif [ "$b" != SOURCES.md ] && [[ $b == *.md || $b == *.markdown || $b == *.txt ]]; then
        args+=("$f")
    fi
done
[ ${#args[@]} -gt 0 ] || { echo "run-index.sh: nothing to index in $corpus" >&2; exit 1; }
find "${args[@]}" -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.txt' \) \
    -printf '%s\n' >"$work/sizes"
corpus_files=$(wc -l <"$work/sizes")
corpus_bytes=$(awk '{s += $1} END {printf "%d", s}' "$work/sizes")
log "corpus: $corpus_files files, $corpus_bytes bytes"
# Read it once so that no indexer pays for the first read from disk.
find "${args[@]}" -type f -exec cat {} + >/dev/null

{
    printf 'started\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'corpus\t%s\n' "$corpus"
    printf 'corpus_files\t%s\n' "$corpus_files"
    printf 'corpus_bytes\t%s\n' "$corpus_bytes"
    printf 'corpus_args\t%s\n' "${#args[@]}"
    printf 'loadavg_before\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'zhiku_version\t%s\n' "$("$zk" --version 2>/dev/null || echo '?')"
    printf 'git\t%s\n' "$(git describe --always --dirty 2>/dev/null || echo '?')"
} >"$res/meta.tsv"

# timed NAME CMD...: run CMD under /usr/bin/time, stdout to NAME.out,
# stderr to NAME.err, "%e %M %U %S" to NAME.time; returns CMD's status.
timed() {
    local name=$1; shift
    local rc=0
    "$TIME" -f '%e %M %U %S' -o "$res/$name.time" "$@" >"$res/$name.out" 2>"$res/$name.err" || rc=$?
    printf '%s\n' "$rc" >"$res/$name.rc"
    return "$rc"
}

# zhiku's exit status 1 means "indexed, but some files failed": the run
# still counts, and the failures are reported.
zhiku_ok() {
    local rc
    rc=$(cat "$res/$1.rc")
    if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
        cat "$res/$1.err" >&2
        if [ "$rc" = 4 ]; then
            echo "run-index.sh: zhiku-index was interrupted (by a signal from outside)" >&2
        else
            echo "run-index.sh: zhiku-index failed (status $rc)" >&2
        fi
        exit 1
    fi
}

# --------------------------------------------------------------- zhiku
# (No "zhiku-index" in these paths, so that a `pkill -f zhiku-index` meant
# for another indexer does not stop this script.)
ix=$work/zk
rm -rf "$ix" "$work/zk-j1" "$work/zk-compact"
log "zhiku-index: full index (default threads)"
timed zhiku "$zk" -q -i "$ix" "${args[@]}" || true
zhiku_ok zhiku
cat "$res/zhiku.out" >&2
du -sb "$ix" | cut -f1 >"$res/zhiku.size"
"$zk" -i "$ix" --stats >"$res/zhiku.stats" 2>&1 || true

log "zhiku-index: incremental rerun, nothing changed"
timed zhiku-rerun "$zk" -i "$ix" "${args[@]}" || true
zhiku_ok zhiku-rerun
cat "$res/zhiku-rerun.out" >&2
du -sb "$ix" | cut -f1 >"$res/zhiku-rerun.size"

log "xapian-compact on zhiku's index"
"$TIME" -f '%e %M %U %S' -o "$res/zhiku-compact.time" \
    xapian-compact "$ix" "$work/zk-compact" >"$res/zhiku-compact.out" 2>&1
du -sb "$work/zk-compact" | cut -f1 >"$res/zhiku-compact.size"
rm -rf "$work/zk-compact"

if [ "$j1" = 1 ]; then
    log "zhiku-index: full index, one thread (-j 1)"
    timed zhiku-j1 "$zk" -q -j 1 -i "$work/zk-j1" "${args[@]}" || true
    zhiku_ok zhiku-j1
    cat "$res/zhiku-j1.out" >&2
    du -sb "$work/zk-j1" | cut -f1 >"$res/zhiku-j1.size"
    rm -rf "$work/zk-j1"
fi

# --------------------------------------------------------------- peers
log "exporting zhiku's passages (untimed)"
"$PY" "$here/index_peers.py" export "$ix" "$work/passages.jsonl" >"$res/export.json"
cat "$res/export.json" >&2

log "SQLite FTS5, trigram tokenizer"
timed fts5 "$PY" "$here/index_peers.py" fts5 "$work/passages.jsonl" "$work/fts5.db" ||
    { cat "$res/fts5.err" >&2; exit 1; }
cat "$res/fts5.out" >&2
"$PY" "$here/index_peers.py" compact-fts5 "$work/fts5.db" >"$res/fts5-compact.json"
rm -f "$work/fts5.db"

log "Xapian CJK n-grams"
timed xapian "$PY" "$here/index_peers.py" xapian "$work/passages.jsonl" "$work/xapian-ngram" ||
    { cat "$res/xapian.err" >&2; exit 1; }
cat "$res/xapian.out" >&2
du -sb "$work/xapian-ngram" | cut -f1 >"$res/xapian.size"
"$TIME" -f '%e %M %U %S' -o "$res/xapian-compact.time" \
    xapian-compact "$work/xapian-ngram" "$work/xapian-ngram-compact" >"$res/xapian-compact.out" 2>&1
du -sb "$work/xapian-ngram-compact" | cut -f1 >"$res/xapian-compact.size"
rm -rf "$work/xapian-ngram" "$work/xapian-ngram-compact"

# --------------------------------------------------------------- pairs
for k in $(seq 1 "$pairs"); do
    log "pair $k of $pairs: zhiku-index, then the Xapian peer, then FTS5"
    rm -rf "$work/zk-pair"
    timed "pair$k-zhiku" "$zk" -q -i "$work/zk-pair" "${args[@]}" || true
    zhiku_ok "pair$k-zhiku"
    rm -rf "$work/zk-pair"
    timed "pair$k-xapian" "$PY" "$here/index_peers.py" xapian "$work/passages.jsonl" \
        "$work/xapian-pair" || { cat "$res/pair$k-xapian.err" >&2; exit 1; }
    rm -rf "$work/xapian-pair"
    timed "pair$k-fts5" "$PY" "$here/index_peers.py" fts5 "$work/passages.jsonl" \
        "$work/fts5-pair.db" || { cat "$res/pair$k-fts5.err" >&2; exit 1; }
    rm -f "$work/fts5-pair.db"
done
printf 'pairs\t%s\n' "$pairs" >>"$res/meta.tsv"

printf 'loadavg_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$res/meta.tsv"
printf 'finished\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" >>"$res/meta.tsv"

# --------------------------------------------------------------- report
if [ "$write_doc" = 1 ]; then
    "$PY" "$here/index_report.py" "$res" docs/benchmarks.md
    log "wrote the index-bench section of docs/benchmarks.md"
else
    "$PY" "$here/index_report.py" "$res" -
fi
