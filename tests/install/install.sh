#!/bin/bash
# install.sh - libzhiku as another program sees it: install a build tree
# into PREFIX with cmake --install --prefix (PREFIX is not the prefix the
# tree was configured with, so nothing may depend on that one), check what
# landed there, build the example against the *installed* package with
# pkg-config and with CMake (shared and static), run it on the seed paper,
# run the Python module's tests over the installed library, and move the
# installed tree elsewhere and use it again.
# usage: install.sh BUILD_DIR PREFIX SHARED_DIR
set -uo pipefail
build=$1 prefix=$2 shared=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description command...
    local what=$1
    shift
    if "$@" > "$work/out" 2>&1; then ok; else bad "$what"; cat "$work/out"; fi
}

rm -rf "$prefix"
work=$(mktemp -d /tmp/zhiku-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
# nothing may come from the build tree or the environment
unset ZHIKU_DICT ZHIKU_INDEX ZHIKU_LIBRARY
export HOME=$work/home XDG_DATA_HOME=$work/home/data
mkdir -p "$HOME"

configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
if [ "$configured" != "$prefix" ]; then ok; else
    bad "the build tree is configured for $prefix: configure it for another prefix"
fi
cmake --install "$build" --prefix "$prefix" > "$work/install.log" 2>&1 ||
    { cat "$work/install.log"; exit 1; }
prefix=$(cd "$prefix" && pwd -P)
if ! grep -q "Installing: $configured/" "$work/install.log"; then ok; else
    bad "cmake --install --prefix wrote into the configured prefix $configured"
fi
libdir=$(ls -d "$prefix"/lib/*/libzhiku.so.0 "$prefix"/lib/libzhiku.so.0 \
    2> /dev/null | head -1)
libdir=$(dirname "${libdir:-$prefix/lib/none}")
echo "installed into $prefix (libraries in ${libdir#"$prefix"/})"

# what a package holds
for f in "$libdir/libzhiku.so" "$libdir/libzhiku.so.0" "$libdir/libzhiku.a" \
    "$libdir/pkgconfig/zhiku.pc" "$libdir/cmake/zhiku/zhikuConfig.cmake" \
    "$libdir/cmake/zhiku/zhikuConfigVersion.cmake" \
    "$libdir/cmake/zhiku/zhikuTargets.cmake" \
    "$prefix/include/zhiku/zhiku.h" "$prefix/include/zhiku/version.h" \
    "$prefix/share/zhiku/jieba.zkd" "$prefix/bin/zhiku-index" \
    "$prefix/bin/zhiku-query" "$prefix/bin/zhiku-seg" \
    "$prefix/share/man/man1/zhiku-index.1" \
    "$prefix/share/man/man1/zhiku-query.1" \
    "$prefix/share/man/man1/zhiku-seg.1" "$prefix/share/man/man3/zhiku.3" \
    "$prefix/lib/python3/dist-packages/zhiku/__init__.py" \
    "$prefix/lib/python3/dist-packages/zhiku/_config.py"; do
    if [ -e "$f" ]; then ok; else bad "not installed: ${f#"$prefix"/}"; fi
done
soname=$(objdump -p "$libdir/libzhiku.so" | awk '/SONAME/ {print $2}')
if [ "$soname" = libzhiku.so.0 ]; then ok; else bad "SONAME '$soname'"; fi
# only zk_* symbols are exported
others=$(nm -D --defined-only "$libdir/libzhiku.so" | awk '{print $3}' |
    grep -v '^zk_' | grep -v '^_\(init\|fini\)$' || true)
if [ -z "$others" ]; then ok; else bad "exported non-zk_ symbols: $others"; fi
# every installed header compiles alone against the installed tree
for h in "$prefix"/include/zhiku/*.h; do
    check "header $(basename "$h") alone" \
        cc -std=c11 -pedantic-errors -Wall -Wextra -Werror -fsyntax-only \
        -I"$prefix/include" -x c "$h"
done

export PATH=$prefix/bin:$PATH
cp -r "$src/examples" "$work/examples"
corpus=$work/corpus
mkdir -p "$corpus"
cp "$shared"/corpus/seed/*.md "$corpus/"
run_example() { # name binary
    local name=$1 bin=$2
    rm -rf "$work/ix-$name"
    if "$bin" "$work/ix-$name" "$corpus" 城乡耦合 > "$work/$name.out" 2>&1 &&
        grep -q "dictionary $prefix/share/zhiku/jieba.zkd" "$work/$name.out" &&
        grep -q "【城乡耦合】" "$work/$name.out" &&
        grep -q "indexed 1 new" "$work/$name.out"; then
        ok
    else
        bad "example built with $name"
        cat "$work/$name.out"
    fi
}

# pkg-config, through the example's Makefile
export PKG_CONFIG_PATH=$libdir/pkgconfig
check "pkg-config --modversion" pkg-config --exact-version=0.1.0 zhiku
# the package's folders are where it was installed, not where configured
incdir=$(pkg-config --variable=includedir zhiku)
if [ -f "$incdir/zhiku/zhiku.h" ]; then ok; else
    bad "pkg-config includedir '$incdir' has no zhiku/zhiku.h"
fi
if pkg-config --cflags zhiku | grep -q -- "-I$incdir " &&
    [ -f "$(pkg-config --variable=dictdir zhiku)/jieba.zkd" ] &&
    [ -e "$(pkg-config --variable=libdir zhiku)/libzhiku.so" ]; then ok; else
    bad "pkg-config's folders: $(pkg-config --cflags --libs zhiku)"
fi
check "make with pkg-config" make -C "$work/examples" -s
run_example pkg-config "$work/examples/search_folder"

# CMake: find_package(zhiku), shared and static
for kind in shared static; do
    flag=OFF
    [ "$kind" = static ] && flag=ON
    check "cmake configure ($kind)" cmake -S "$work/examples" \
        -B "$work/build-$kind" -DCMAKE_PREFIX_PATH="$prefix" \
        -DZK_EXAMPLE_STATIC=$flag
    check "cmake build ($kind)" cmake --build "$work/build-$kind"
    # (a program linked with libzhiku.a cannot tell where the package was
    # installed: it is told, docs/api.md)
    if [ "$kind" = static ]; then
        ZHIKU_DICT=$prefix/share/zhiku/jieba.zkd \
            run_example "cmake-$kind" "$work/build-$kind/search_folder"
    else
        run_example "cmake-$kind" "$work/build-$kind/search_folder"
    fi
done
if objdump -p "$work/build-static/search_folder" | grep -q 'NEEDED.*libzhiku'
then bad "the static example needs libzhiku.so"; else ok; fi
# a version the package cannot satisfy is refused
mkdir -p "$work/v2"
cat > "$work/v2/CMakeLists.txt" << 'CM'
cmake_minimum_required(VERSION 3.18)
project(v2 LANGUAGES C)
find_package(zhiku 1.0 REQUIRED)
CM
if cmake -S "$work/v2" -B "$work/v2/b" -DCMAKE_PREFIX_PATH="$prefix" \
    > "$work/out" 2>&1; then
    bad "find_package(zhiku 1.0) accepted 0.1"
else
    grep -q "version" "$work/out" && ok || bad "no version message"
fi

# the installed CLIs find the installed dictionary and index
check "zhiku-index on the installed prefix" zhiku-index -q -i "$work/ix-cli" \
    "$corpus"
check "zhiku-query on the installed prefix" zhiku-query -i "$work/ix-cli" \
    --count 城乡耦合
cp "$work/out" "$work/count.out"
for m in "$prefix"/share/man/man*/zhiku*; do
    # groff exits 0 after warnings: any output is a failure
    if warnings=$(groff -man -Tutf8 -ww -z "$m" 2>&1) && [ -z "$warnings" ]
    then ok; else bad "man page $(basename "$m"): $warnings"; fi
done

# the Python module over the installed library
export PYTHONPATH=$prefix/lib/python3/dist-packages
check "python: import from the prefix" python3 -c "
import zhiku, sys
assert zhiku.__file__.startswith('$prefix'), zhiku.__file__
assert zhiku.version() == '0.1.0', zhiku.version()
"
if python3 -m unittest discover -s "$src/python/tests" > "$work/py.out" 2>&1
then
    ok
    tail -3 "$work/py.out"
else
    bad "python tests"
    cat "$work/py.out"
fi

# the installed tree moved elsewhere still works: the programs find the
# library, the library its dictionary and formats module, the Python
# module the library, pkg-config the headers
moved=$work/moved
mv "$prefix" "$moved"
export PATH=$moved/bin:$PATH PYTHONPATH=$moved/lib/python3/dist-packages
export PKG_CONFIG_PATH=$moved/${libdir#"$prefix"/}/pkgconfig
if out=$("$moved/bin/zhiku-query" -i "$work/ix-cli" --count 城乡耦合 2>&1) &&
    [ "$out" = "$(cat "$work/count.out")" ]; then ok; else
    bad "zhiku-query after the move: $out"
fi
check "zhiku-index after the move (reads a .docx: the formats module)" \
    "$moved/bin/zhiku-index" -q -i "$work/ix-moved" "$corpus"
if [ -f "$(pkg-config --variable=includedir zhiku)/zhiku/zhiku.h" ]; then ok
else bad "pkg-config after the move: $(pkg-config --cflags zhiku)"; fi
check "python after the move" python3 -c "
import zhiku
assert zhiku.__file__.startswith('$moved'), zhiku.__file__
with zhiku.open('$work/ix-cli') as ix:
    assert len(ix.search('城乡耦合').hits) > 0
"
mv "$moved" "$prefix"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
