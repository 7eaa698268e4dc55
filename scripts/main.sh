#!/bin/bash
# main.sh - the main job on a fresh Debian 12 machine: install dependencies,
# build zhiku (Release, into build/), index the bundled corpus/ into the
# default index ($ZHIKU_INDEX, else ~/.local/share/zhiku/index) and run a
# sample query.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

echo
echo "== zhiku-index corpus/"
build/indexer/zhiku-index corpus/
build/indexer/zhiku-index --stats
echo
echo "== zhiku-query 城乡耦合"
build/query/zhiku-query 城乡耦合
echo
echo "== zhiku-query --per-report 0 --limit 3 共同富裕 高质量"
build/query/zhiku-query --per-report 0 --limit 3 共同富裕 高质量
