#!/usr/bin/env bash
# bench/run-relevance.sh - the relevance benchmark: nDCG@10 and MRR of zhiku,
# SQLite FTS5 (trigram + bm25) and Xapian's CJK n-grams on the judged topics
# of bench/relevance/: the development topics (topics.tsv, qrels.tsv) and the
# held-out topics (topics-heldout.tsv, qrels-heldout.tsv; later sets in
# topics-heldout2.tsv ... topics-heldout5.tsv and their qrels; the fifth
# set is the one that judges the goal).
#
#   bench/run-relevance.sh [--work DIR] [--pool [--set dev|heldout|heldout2|...|heldout5]] [--no-doc]
#                          [--zhiku BIN] [--corpus DIR]
#
# 1. Builds zhiku in Release (build-rbench/), unless --zhiku BIN.
# 2. Uses the work folder DIR (default /tmp/zkbench), which holds
#      zhiku-index/      zhiku's index of the corpus
#      passages.jsonl    its passages (bench/index_peers.py export)
#      fts5.db           FTS5 trigram table p(trail, text) of those passages
#      xapian-ngram/     Xapian CJK n-gram database of those passages
#    and builds whichever of them is missing (the index from the corpus,
#    default ../shared/corpus, which must be the one the index was built
#    from: grades are keyed by paths relative to it).
# 3. Runs every topic on every system (bench/relevance/relevance.py run),
#    then scores the runs against the grades and writes
#    docs/benchmarks-relevance.md (--no-doc prints it instead): the
#    development topics (DIR/relevance-runs.json) and, when
#    topics-heldout.tsv exists, the held-out topics in a section of their
#    own (DIR/relevance-runs-heldout.json), and the later held-out sets
#    whose topics-heldoutN.tsv exists (N = 2 to 5; DIR/relevance-runs-heldoutN.json),
#    each in its section, and all held-out sets together.
#
# --pool prints, instead of scoring, the pooled passages (top 10 of every
# run) that the set's grades do not cover yet, shuffled and without saying
# which system found them, and writes them one file per topic to DIR/pool/
# (DIR/pool-SET/ with --set SET) with the numbered keys that
# `relevance.py judge` takes (with the same --set).  --set picks the topic
# set to pool: dev (the default), heldout, heldout2, ..., heldout5.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

PY=/usr/bin/python3
REL=$here/relevance/relevance.py
work=/tmp/zkbench
corpus=
zk=
pool=0
write_doc=1
set=dev

while [ $# -gt 0 ]; do
    case $1 in
    --work) work=$2; shift ;;
    --corpus) corpus=$2; shift ;;
    --zhiku) zk=$2; shift ;;
    --pool) pool=1 ;;
    --set) set=$2; shift ;;
    --no-doc) write_doc=0 ;;
    -h | --help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-relevance.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
# the sets: dev, and heldout, heldout2, ... as bench/relevance/ holds them
case $set in
dev | heldout | heldout[0-9]*) ;;
*) echo "run-relevance.sh: --set takes dev, heldout, heldout2, heldout3, ..., not $set" >&2; exit 2 ;;
esac
corpus=${corpus:-$root/../shared/corpus}
[ -d "$corpus" ] || { echo "run-relevance.sh: no corpus at $corpus" >&2; exit 1; }
corpus=$(cd "$corpus" && pwd -P)
mkdir -p "$work"
work=$(cd "$work" && pwd)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --------------------------------------------------------------- packages
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in python3-xapian; do
    have_pkg "$p" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi
"$PY" -c 'import xapian, sqlite3' || { echo "run-relevance.sh: $PY lacks xapian or sqlite3" >&2; exit 1; }

# --------------------------------------------------------------- build
if [ -z "$zk" ]; then
    log "building zhiku (Release, build-rbench/)"
    if ! { cmake -S . -B build-rbench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
           cmake --build build-rbench -j2; } >"$work/rbench-build.log" 2>&1; then
        tail -30 "$work/rbench-build.log" >&2
        echo "run-relevance.sh: the build failed (log above)" >&2
        exit 1
    fi
    zk=$root/build-rbench/query/zhiku-query
    zki=$root/build-rbench/indexer/zhiku-index
else
    zk=$(cd "$(dirname "$zk")" && pwd)/$(basename "$zk")
    zki=$(dirname "$zk")/../indexer/zhiku-index
fi
[ -x "$zk" ] || { echo "run-relevance.sh: no $zk" >&2; exit 1; }

# --------------------------------------------------------------- work folder
if [ ! -d "$work/zhiku-index" ]; then
    [ -x "$zki" ] || { echo "run-relevance.sh: no $work/zhiku-index and no indexer to build it" >&2; exit 1; }
    args=()
    for f in "$corpus"/*; do
        b=$(basename "$f")
        if [ -d "$f" ]; then
            args+=("$f")
        elif [ "$b" != SOURCES.md ] && [[ $b == *.md || $b == *.markdown || $b == *.txt ]]; then
            args+=("$f")
        fi
    done
    log "indexing $corpus with zhiku-index"
    rc=0
    "$zki" -q -i "$work/zhiku-index" "${args[@]}" || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "run-relevance.sh: zhiku-index failed ($rc)" >&2; exit 1; }
    rm -f "$work/passages.jsonl" "$work/fts5.db"
    rm -rf "$work/xapian-ngram"
fi
if [ ! -s "$work/passages.jsonl" ]; then
    log "exporting the passages"
    "$PY" "$here/index_peers.py" export "$work/zhiku-index" "$work/passages.jsonl.tmp" >&2
    mv "$work/passages.jsonl.tmp" "$work/passages.jsonl"
    rm -f "$work/fts5.db"
    rm -rf "$work/xapian-ngram"
fi
if [ ! -s "$work/fts5.db" ]; then
    log "building the FTS5 trigram table"
    "$PY" "$here/index_peers.py" fts5 "$work/passages.jsonl" "$work/fts5.db.tmp" >&2
    mv "$work/fts5.db.tmp" "$work/fts5.db"
fi
if [ ! -d "$work/xapian-ngram" ]; then
    log "building the Xapian n-gram database"
    "$PY" "$here/index_peers.py" xapian "$work/passages.jsonl" "$work/xapian-ngram.tmp" >&2
    mv "$work/xapian-ngram.tmp" "$work/xapian-ngram"
fi

# --------------------------------------------------------------- runs
runs=$work/relevance-runs.json
ho_runs=$work/relevance-runs-heldout.json
heldout=0
[ -s "$here/relevance/topics-heldout.tsv" ] && heldout=1

if [ "$pool" = 1 ]; then
    if [ "$set" != dev ]; then
        [ -s "$here/relevance/topics-$set.tsv" ] || { echo "run-relevance.sh: no bench/relevance/topics-$set.tsv" >&2; exit 1; }
        r=$work/relevance-runs-$set.json pdir=$work/pool-$set
    else
        r=$runs pdir=$work/pool
    fi
    log "running the $set topics"
    "$PY" "$REL" run --set "$set" --work "$work" --corpus "$corpus" --zhiku "$zk" --out "$r"
    rm -rf "$pdir"
    "$PY" "$REL" pool --set "$set" --work "$work" --corpus "$corpus" --runs "$r" --dir "$pdir"
    "$PY" "$REL" pool --set "$set" --work "$work" --corpus "$corpus" --runs "$r"
    log "also in $pdir/ (grade with: $PY $REL judge --set $set --keys $pdir/ID.keys.tsv GRADES)"
    exit 0
fi

log "running the development topics"
"$PY" "$REL" run --work "$work" --corpus "$corpus" --zhiku "$zk" --out "$runs"
ho_args=()
if [ "$heldout" = 1 ]; then
    log "running the held-out topics"
    "$PY" "$REL" run --set heldout --work "$work" --corpus "$corpus" --zhiku "$zk" --out "$ho_runs"
    ho_args=(--heldout-runs "$ho_runs")
    for t in "$here"/relevance/topics-heldout[0-9]*.tsv; do
        [ -s "$t" ] || continue
        x=${t##*/topics-}
        x=${x%.tsv}
        log "running the $x topics"
        "$PY" "$REL" run --set $x --work "$work" --corpus "$corpus" --zhiku "$zk" \
            --out "$work/relevance-runs-$x.json"
        ho_args+=(--$x-runs "$work/relevance-runs-$x.json")
    done
fi

meta=$work/relevance-meta.tsv
{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'git\t%s\n' "$(git describe --always --dirty 2>/dev/null || echo '?')"
} >"$meta"
if [ "$write_doc" = 1 ]; then
    "$PY" "$REL" report --work "$work" --corpus "$corpus" --runs "$runs" --meta "$meta" \
        "${ho_args[@]}" --json "$work/relevance-scores.json" --doc "$root/docs/benchmarks-relevance.md"
else
    "$PY" "$REL" report --work "$work" --corpus "$corpus" --runs "$runs" --meta "$meta" \
        "${ho_args[@]}" --json "$work/relevance-scores.json"
fi
