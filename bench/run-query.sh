#!/usr/bin/env bash
# bench/run-query.sh - the query latency benchmark: zhiku's library against
# SQLite FTS5 (trigram tokenizer) and Xapian's own CJK n-gram search, side
# by side in one run, on the same passages, plus the cost of a one-shot
# zhiku-query process.
#
#   bench/run-query.sh [--work DIR] [--rounds N] [--cli-runs N]
#                      [--queries FILE] [--corpus DIR] [--no-doc]
#
# The work folder (default /tmp/zkbench, which must hold a READY file; with
# --work DIR none is needed) holds the indexes of the whole corpus:
#   zhiku-index/    zhiku's index
#   fts5.db         FTS5 trigram table p(trail, text), rowid = line number
#                   in passages.jsonl
#   xapian-ngram/   Xapian CJK n-gram database, docid = line number
#   passages.jsonl  the passages zhiku extracted, which the peers index
#                   (bench/index_peers.py builds the last three)
#
# 1. Builds zhiku in Release (build-qbench/), with zhiku-query-bench.
# 2. Reads the indexes once so that the page cache is warm.
# 3. bench/query_peers.py runs zhiku (bench/query_bench.c), FTS5 and
#    Xapian, each in its own process, over bench/queries.txt: untimed result
#    counts, then N rounds (default 8, the first a warm-up) interleaved
#    round by round; then times whole zhiku-query processes (--cli-runs
#    runs of each of about a dozen queries, default 20).
# 4. bench/query_report.py writes docs/benchmarks-query.md (--no-doc prints
#    it instead).
#
# The raw results stay in a fresh folder /tmp/zhiku-query-bench.XXXXXX,
# named at the end.  Needs python3-xapian (installed if missing, as root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

PY=/usr/bin/python3
work=
rounds=8
cli_runs=20
queries=$here/queries.txt
corpus=$root/../shared/corpus
write_doc=1
doc=$root/docs/benchmarks-query.md

while [ $# -gt 0 ]; do
    case $1 in
    --work) work=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --cli-runs) cli_runs=$2; shift ;;
    --queries) queries=$2; shift ;;
    --corpus) corpus=$2; shift ;;
    --no-doc) write_doc=0 ;;
    -h | --help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-query.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { echo "run-query.sh: $*" >&2; exit 1; }

# --------------------------------------------------------------- inputs
if [ -z "$work" ]; then
    work=/tmp/zkbench
    [ -d "$work" ] || die "no $work (build the indexes first, or pass --work DIR)"
    [ -e "$work/READY" ] || die "$work is not ready (no READY file yet)"
fi
[ -d "$work" ] || die "no work folder $work"
work=$(cd "$work" && pwd)
for f in zhiku-index fts5.db xapian-ngram; do
    [ -e "$work/$f" ] || die "no $work/$f"
done
[ "$rounds" -ge 2 ] 2>/dev/null || die "--rounds must be 2 or more"
[ -f "$queries" ] || die "no query file $queries"
queries=$(cd "$(dirname "$queries")" && pwd)/$(basename "$queries")
[ "$rounds" -ge 6 ] || log "warning: only $rounds rounds; p99 will rest on few samples"

# --------------------------------------------------------------- packages
if ! "$PY" -c 'import xapian, sqlite3' 2>/dev/null; then
    log "installing python3-xapian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-xapian >/dev/null
    "$PY" -c 'import xapian, sqlite3' || die "$PY lacks xapian or sqlite3"
fi

res=$(mktemp -d /tmp/zhiku-query-bench.XXXXXX)
log "results folder: $res"

# --------------------------------------------------------------- build
log "building zhiku (Release, build-qbench/)"
if ! { cmake -S . -B build-qbench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
       cmake --build build-qbench -j2; } >"$res/build.log" 2>&1; then
    tail -30 "$res/build.log" >&2
    die "the build failed (log above)"
fi
bench=$root/build-qbench/bench/zhiku-query-bench
zq=$root/build-qbench/query/zhiku-query
[ -x "$bench" ] || die "no $bench after the build"
[ -x "$zq" ] || die "no $zq after the build"

# --------------------------------------------------------------- meta
corpus_files=0
corpus_bytes=0
if [ -d "$corpus" ]; then
    corpus=$(cd "$corpus" && pwd)
    # As bench/run-index.sh counts it: report files, SOURCES.md excepted.
    read -r corpus_files corpus_bytes < <(
        find "$corpus" -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.txt' \) \
            ! -path "$corpus/SOURCES.md" -printf '%s\n' |
            awk '{n++; s += $1} END {printf "%d %d\n", n, s}')
fi
passages=0
reports=0
if [ -f "$work/passages.jsonl" ]; then
    read -r passages reports < <("$PY" -c '
import json, sys
ids = set(); n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        n += 1
        ids.add(json.loads(line)["id"])
print(n, len(ids))' "$work/passages.jsonl")
fi
{
    printf 'started\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'nproc\t%s\n' "$(nproc)"
    printf 'loadavg_before\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'git\t%s\n' "$(git describe --always --dirty 2>/dev/null || echo '?')"
    printf 'zhiku_version\t%s\n' "$("$zq" --version 2>/dev/null | head -1 || echo '?')"
    printf 'python\t%s\n' "$("$PY" -c 'import platform; print(platform.python_version())')"
    printf 'work\t%s\n' "$work"
    printf 'corpus\t%s\n' "$corpus"
    printf 'corpus_files\t%s\n' "$corpus_files"
    printf 'corpus_bytes\t%s\n' "$corpus_bytes"
    printf 'passages\t%s\n' "$passages"
    printf 'reports\t%s\n' "$reports"
    printf 'zhiku_bytes\t%s\n' "$(du -sbL "$work/zhiku-index" | cut -f1)"
    printf 'fts5_bytes\t%s\n' "$(du -sbL "$work/fts5.db" | cut -f1)"
    printf 'xapian_bytes\t%s\n' "$(du -sbL "$work/xapian-ngram" | cut -f1)"
    printf 'rounds\t%s\n' "$rounds"
} >"$res/meta.tsv"
log "corpus: $corpus_files files, $corpus_bytes bytes; $passages passages, $reports reports"

# --------------------------------------------------------------- warm up
# Every system is measured on a warm page cache.
log "reading the indexes into the page cache"
find -L "$work/zhiku-index" "$work/xapian-ngram" "$work/fts5.db" -type f -exec cat {} + >/dev/null
# The dictionary zhiku-query maps.
timeout 120 "$zq" -i "$work/zhiku-index" --color=never 发展 >/dev/null 2>&1 || true

# --------------------------------------------------------------- run
log "running $rounds rounds (the first a warm-up), then $cli_runs runs of zhiku-query per query"
"$PY" "$here/query_peers.py" run \
    --zhiku-bench "$bench" --zhiku-index "$work/zhiku-index" \
    --fts5 "$work/fts5.db" --xapian "$work/xapian-ngram" \
    --queries "$queries" --rounds "$rounds" \
    --cli "$zq" --cli-runs "$cli_runs" --out "$res/results.json"
{
    printf 'loadavg_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'finished\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
} >>"$res/meta.tsv"

# --------------------------------------------------------------- report
if [ "$write_doc" = 1 ]; then
    "$PY" "$here/query_report.py" "$res/results.json" "$res/meta.tsv" "$doc"
    log "wrote ${doc#"$root"/}"
else
    "$PY" "$here/query_report.py" "$res/results.json" "$res/meta.tsv" -
fi
log "raw results in $res"
