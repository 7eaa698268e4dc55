#!/bin/bash
# main.sh - the main job on a fresh Debian 12 machine: install dependencies,
# build zhiku (Release, into build/), and segment the bundled corpus/ with
# zhiku-seg in precise and search mode, showing the first lines.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

seg=build/seg/zhiku-seg
out=build/corpus-seg
mkdir -p "$out"
for f in corpus/*.md corpus/*.txt; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    "$seg" "$f" > "$out/$name.seg"
    "$seg" --search "$f" > "$out/$name.search.seg"
    echo "== $f: $(wc -l < "$f") lines, $(wc -c < "$f") bytes -> $out/$name.seg"
    grep -m 3 '城乡耦合\|城乡 / 耦合' "$out/$name.seg" | cut -c 1-300 || true
done
echo
echo "Sample: a sentence of the bundled paper, in precise and search mode:"
echo "全力推进城乡耦合发展，打造巴中独特IP" | "$seg"
echo "全力推进城乡耦合发展，打造巴中独特IP" | "$seg" --search
