#!/bin/bash
# faults.sh - zhiku-index when the index cannot be written: the disk fills
# up in the middle of a large batch (RLIMIT_FSIZE with SIGXFSZ ignored, so
# writes fail with EFBIG; and, where a tmpfs can be mounted, a real full
# file system: ENOSPC), and the index made read-only (all of it, only its
# shard folders, only their files). Each time: a documented exit status
# (3), a message that says what happened and where, the index as it was
# at its last commit (same reports, passages and search results as before
# the run), and a normal rerun then finishes the job (the same index as a
# clean build of everything).
#
# usage: faults.sh ZHIKU_INDEX ZHIKU_QUERY SHARED_DIR WORK_DIR FAILCOMMIT_LIB
#
# FAILCOMMIT_LIB is tests/index/failcommit.c built as a shared library: a
# preloaded rename() that fails the end of one shard's commit with ENOSPC.
#
# ZK_FAULTS_ROOMS  the room (KB above the largest index file) of each
#                  further disk-full point (default: 8 points, 256 to 2560;
#                  CI's run under valgrind takes fewer)
# ZK_FAULTS_SETUP_INDEX  the zhiku-index that builds the base and reference
#                  indexes and reads statistics (default ZHIKU_INDEX): the
#                  run under valgrind passes the plain program, so that
#                  valgrind watches the runs that meet the faults and the
#                  reruns after them, not the setting up
#
# Run as root (as in CI containers), permissions do not stop writes: the
# tools then run as uid/gid 65534 (setpriv) in a work folder under
# ${TMPDIR:-/tmp} that user owns.
set -uo pipefail
zi=$1 zq=$2 shared=$3 work=$4 failcommit=$5
zsetup=${ZK_FAULTS_SETUP_INDEX:-$zi}
corpus=$shared/corpus

pass=0 failn=0
check() { # name expected actual
    if [ "$2" == "$3" ]; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}
has() { # name file extended-regex: the file must match
    if grep -aEq -- "$3" "$2"; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        printf 'FAIL %s: no /%s/ in:\n%s\n' "$1" "$3" "$(head -c 2000 "$2")"
    fi
}

asuser=()
rm -rf "$work"
mkdir -p "$work"
if [ "$(id -u)" = 0 ]; then
    command -v setpriv > /dev/null ||
        { echo "faults: running as root needs setpriv (util-linux)"; exit 1; }
    asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    work=$(mktemp -d "${TMPDIR:-/tmp}/zhiku-faults.XXXXXX") || exit 1
    chmod 755 "$work"
    chown 65534:65534 "$work"
fi
work=$(cd "$work" && pwd -P)
cleanup() {
    umount "$work/small-fs" 2> /dev/null
    chmod -R u+rwX "$work" 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT; [ -n "${ZK_KEEP:-}" ] && trap - EXIT
for tool in "$zi" "$zq" "$zsetup"; do
    "${asuser[@]}" "$tool" --version > /dev/null 2>&1 ||
        { echo "faults: $tool does not run as ${asuser[*]:-$(id -un)}"; exit 1; }
done
zindex() { "${asuser[@]}" "$zi" "$@"; }
zsetup() { "${asuser[@]}" "$zsetup" "$@"; }
# Under LeakSanitizer: when a write fails in the middle of add_document,
# libxapian (1.4.22) loses a node of its pending-postings map (~600 bytes,
# allocated and lost inside the library). The runs that make writes fail
# ignore leaks that happen inside libxapian, and only those.
printf 'leak:libxapian.so\n' > "$work/lsan.supp"
chmod a+r "$work/lsan.supp"
export LSAN_FAULTS="suppressions=$work/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
zquery() { "${asuser[@]}" "$zq" "$@"; }
re() { sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$1"; } # a path as a regex
summary() { grep -ao '[0-9]* new, [0-9]* updated, [0-9]* unchanged, [0-9]* removed, [0-9]* failed'; }

# the reports: a base already indexed, and batches to add
mkdir -p "$work/base" "$work/big" "$work/small" "$work/mid"
cp "$corpus/seed/"*.md "$work/base/"
for y in 2019 2021 2022; do cp "$corpus/gov-work-reports/$y-政府工作报告.txt" "$work/base/"; done
cp -r "$corpus/laws-regulations/行政法" "$work/big/"
for y in 2015 2016 2017 2018; do cp "$corpus/gov-work-reports/$y-政府工作报告.txt" "$work/small/"; done
find "$work/big" -name '*.md' -print0 | sort -z | head -z -n 50 | xargs -0 cp -t "$work/mid"
chmod -R a+rX "$work"
[ ${#asuser[@]} -gt 0 ] && chown -R 65534:65534 "$work"
big_files=$(find "$work/big" -name '*.md' -o -name '*.txt' | wc -l)
echo "faults: base $(ls "$work/base" | wc -l) reports, big batch $big_files reports ($(du -sm "$work/big" | cut -f1) MB), small batch 4"

zsetup -q -i "$work/base-ix" "$work/base" > /dev/null 2>&1 ||
    { echo "faults: cannot build the base index"; exit 1; }
# clean builds of base + batch: what a finished job must give
zsetup -q -i "$work/ref-big" "$work/base" "$work/big" > /dev/null 2>&1
zsetup -q -i "$work/ref-small" "$work/base" "$work/small" > /dev/null 2>&1
zsetup -q -i "$work/ref-mid" "$work/base" "$work/mid" > /dev/null 2>&1

# what an index holds: its statistics and the answers to some queries
state() { # INDEX
    zsetup -i "$1" --stats 2> /dev/null | grep -aE '^(reports|passages):'
    local q qa
    for q in 城市品质 社保缴费 新冠肺炎 退税减税 发展 "城乡 融合" "改革 OR 开放" \
        三分之二 行政 "path:行政法 许可"; do
        read -ra qa <<<"$q"
        echo "$q: $(zquery -i "$1" --count -- "${qa[@]}" 2>&1)"
        zquery -i "$1" --files -- "${qa[@]}" 2> /dev/null | sort
    done
}
state "$work/base-ix" > "$work/base.state"
state "$work/ref-big" > "$work/ref-big.state"
state "$work/ref-small" > "$work/ref-small.state"
state "$work/ref-mid" > "$work/ref-mid.state"
check "reference differs from base" 1 "$(cmp -s "$work/base.state" "$work/ref-big.state" || echo 1)"

fresh() { # NAME: a copy of the base index
    rm -rf "${work:?}/$1"
    cp -a "$work/base-ix" "$work/$1"
    echo "$work/$1"
}
finish() { # NAME INDEX BATCH REFSTATE: a normal rerun completes the job
    local out code
    out=$(zindex -q -i "$2" "$work/base" "$work/$3" 2>&1)
    code=$?
    check "$1: rerun exits 0" 0 "$code"
    [ "$code" = 0 ] || echo "$out" | tail -3
    check "$1: after the rerun, as a clean build" "$(cat "$4")" "$(state "$2")"
}

# ---- (a) the disk fills up: RLIMIT_FSIZE, writes fail with EFBIG ----------
# The limit is 1.5 MB above the largest file of the index, so that it hits
# after a few hundred of the batch's passages.
fsize_run() { # NAME INDEX ARGS...: zhiku-index ($tool, default the one
               # tested) under the limit
    local name=$1 ix=$2 kb
    shift 2
    kb=$(($(find "$ix" -type f -printf '%s\n' | sort -n | tail -1) / 1024 + ${room:-1536}))
    (
        trap '' XFSZ
        ulimit -f "$kb"
        LSAN_OPTIONS=$LSAN_FAULTS exec timeout -k 10 600 "${asuser[@]}" "${tool:-$zi}" -q -i "$ix" "$@"
    ) > "$work/$name.out" 2> "$work/$name.err"
}

# one commit at the end (--batch-mb large): the failed run must leave the
# index exactly as before it
ix=$(fresh efbig)
fsize_run efbig "$ix" --batch-mb=1000 "$work/big"
code=$?
check "efbig: exit status 3" 3 "$code"
has "efbig: says what happened" "$work/efbig.err" 'File too large'
has "efbig: says where" "$work/efbig.err" "zhiku-index: $(re "$ix")/shard[0-9][^:]*: "
has "efbig: says the index holds its last commit" "$work/efbig.err" 'last commit'
check "efbig: no file reported as skipped" 0 "$(grep -ac skipped "$work/efbig.err")"
check "efbig: index as before the run" "$(cat "$work/base.state")" "$(state "$ix")"
finish efbig "$ix" big "$work/ref-big.state"

# commits every 1 MB: the index keeps what was committed; the base must be
# intact, and a rerun finishes
ix=$(fresh efbig-batches)
fsize_run efbig-batches "$ix" --batch-mb=1 "$work/big"
code=$?
check "efbig-batches: exit status 3" 3 "$code"
has "efbig-batches: says what happened" "$work/efbig-batches.err" 'File too large'
st=$(state "$ix")
for q in 城市品质 社保缴费 新冠肺炎 退税减税; do
    check "efbig-batches: '$q' as before" "$(grep -aA1 "^$q:" "$work/base.state")" \
        "$(grep -aA1 "^$q:" <<<"$st")"
done
finish efbig-batches "$ix" big "$work/ref-big.state"

# the same with the disk full at other points: writes then fail in
# different places of the run, among them inside a commit (where
# Xapian 1.4.22 wrote value chunks from a destructor, so that a failed
# write there ended the process in std::terminate). Each time: exit 3,
# no abort, the base intact
for room in ${ZK_FAULTS_ROOMS:-256 512 768 1024 1280 1792 2048 2560}; do
    ix=$(fresh "efbig-$room")
    fsize_run "efbig-$room" "$ix" --batch-mb=1 "$work/big"
    code=$?
    check "efbig-$room: exit status 3" 3 "$code"
    [ "$code" = 3 ] || head -c 400 "$work/efbig-$room.err"
    st=$(state "$ix")
    for q in 城市品质 社保缴费; do
        check "efbig-$room: '$q' as before" "$(grep -aA1 "^$q:" "$work/base.state")" \
            "$(grep -aA1 "^$q:" <<<"$st")"
    done
done
unset room

# the disk fills up at the end of the second shard's commit, after the
# first shard has committed (failcommit.c fails the rename that ends the
# commit of shard 1 with ENOSPC). The index commits as a whole (the stub
# names what every shard holds at that commit, and readers hide the rest),
# so it must still be exactly as before the run, and the rerun must clear
# what the first shard wrote. Before the stub recorded commits, this left
# the batch's reports of shard 0 in the index.
ix=$(fresh commit-shard1)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
    LSAN_OPTIONS=$LSAN_FAULTS ZK_FAIL_COMMIT=shard1 LD_PRELOAD=$failcommit \
    timeout -k 10 600 "${asuser[@]}" "$zi" -q -i "$ix" --batch-mb=1000 \
    "$work/mid" > "$work/commit-shard1.out" 2> "$work/commit-shard1.err"
check "commit-shard1: exit status 3" 3 "$?"
has "commit-shard1: says what happened" "$work/commit-shard1.err" \
    "zhiku-index: $(re "$ix")/shard1[^:/]*: committing the index: .*No space left on device"
check "commit-shard1: index as before the run" "$(cat "$work/base.state")" "$(state "$ix")"
finish commit-shard1 "$ix" mid "$work/ref-mid.state"

# the compaction after a complete update fails (the folder where the copy
# of shard 0 goes cannot be written): the update stays, nothing half-made
# is left, the message says so
ix=$(fresh compact-fails)
next=$(awk '$1 == "glass" && $2 ~ /^shard0/ { g = $2; sub(/^shard0(\.g)?/, "", g); print "shard0.g" g + 1 }' "$ix/XAPIANDB")
mkdir -p "$ix/$next/kept"
chmod a-w "$ix/$next"
before=$(cd "$ix" && ls)
timeout -k 10 600 "${asuser[@]}" "$zi" -q -i "$ix" --compact "$work/base" \
    "$work/small" > "$work/compact-fails.out" 2> "$work/compact-fails.err"
code=$?
chmod u+w "$ix/$next"
check "compact-fails: exit status 3" 3 "$code"
has "compact-fails: says what happened" "$work/compact-fails.err" 'compact.*Permission denied'
check "compact-fails: nothing half-made left" "$before" "$(cd "$ix" && ls)"
check "compact-fails: the update stays" "$(cat "$work/ref-small.state")" "$(state "$ix")"

# ---- (a') a real full file system (ENOSPC), where a tmpfs can be mounted:
# as root, or in a user namespace (unshare -rm) where that is allowed. The
# indexer runs there; the index is then copied out to be checked.
enospc_script='
mnt=$1 kb=$2 base=$3 copy=$4 zi=$5 batch=$6 err=$7
mount -t tmpfs -o "size=${kb}k" tmpfs "$mnt" || exit 99
cp -a "$base" "$mnt/ix"
LSAN_OPTIONS=$LSAN_FAULTS timeout -k 10 600 "$zi" -q --batch-mb=1000 \
    -i "$mnt/ix" "$batch" > /dev/null 2> "$err"
code=$?
cp -a "$mnt/ix" "$copy"
umount "$mnt"
exit $code'
mnt=$work/small-fs
mkdir -p "$mnt"
chmod 777 "$mnt"
base_kb=$(du -sk "$work/base-ix" | cut -f1)
enospc_args=("$mnt" $((base_kb + 2048)) "$work/base-ix" "$work/enospc-ix" "$zi"
             "$work/big" "$work/enospc.err")
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$mnt" 2> /dev/null; then
    umount "$mnt"
    how=mount
    bash -c "$enospc_script" enospc "${enospc_args[@]}"
    code=$?
elif unshare -rm true 2> /dev/null; then
    how="unshare -rm"
    unshare -rm bash -c "$enospc_script" enospc "${enospc_args[@]}"
    code=$?
else
    how=""
fi
if [ -n "$how" ]; then
    echo "faults: ENOSPC on a tmpfs ($how)"
    ix=$mnt/ix
    [ ${#asuser[@]} -gt 0 ] && chown -R 65534:65534 "$work/enospc-ix"
    check "enospc: exit status 3" 3 "$code"
    has "enospc: says what happened" "$work/enospc.err" 'No space left on device'
    has "enospc: says where" "$work/enospc.err" "zhiku-index: $(re "$ix")/"
    check "enospc: index as before the run" "$(cat "$work/base.state")" \
        "$(state "$work/enospc-ix")"
    finish enospc "$work/enospc-ix" big "$work/ref-big.state"
else
    echo "faults: note: no tmpfs can be mounted here (neither as root nor" \
        "with unshare -rm): the ENOSPC variant did not run; the" \
        "RLIMIT_FSIZE ones did"
fi

# ---- (b) a read-only index ----------------------------------------------
ro_case() { # NAME all|shards|files: make that read-only, index, check
    local name=$1 ix
    ix=$(fresh "$name")
    case $2 in
        all) chmod -R a-w "$ix" ;;
        shards) chmod a-w "$ix"/shard* ;;
        files) find "$ix"/shard* -type f -exec chmod a-w {} + ;;
    esac
    timeout -k 10 600 "${asuser[@]}" "$zi" -q -i "$ix" "$work/small" \
        > "$work/$name.out" 2> "$work/$name.err"
    code=$?
    check "$name: exit status 3" 3 "$code"
    has "$name: says what happened" "$work/$name.err" 'Permission denied|Read-only'
    has "$name: says where" "$work/$name.err" "$(re "$ix")"
    check "$name: does not blame another writer" 0 "$(grep -ac 'locked by another' "$work/$name.err")"
    # searching (and --stats) works on the read-only index, as before
    check "$name: as before the run" "$(cat "$work/base.state")" "$(state "$ix")"
    chmod -R u+w "$ix"
    finish "$name" "$ix" small "$work/ref-small.state"
}
ro_case readonly-all all
ro_case readonly-shards shards
ro_case readonly-files files

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
