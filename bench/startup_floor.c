/*
 * startup_floor.c - the cheapest process that loads zhiku's dependencies
 * (bench/run-query.sh).
 *
 * It does nothing: built twice, linked with --no-as-needed so that the
 * dynamic loader maps and relocates the libraries although no symbol of
 * theirs is used:
 *   zhiku-floor-xapian  libxapian (with libstdc++, libm, libgcc_s, libuuid
 *                       and libz, which it needs)
 *   zhiku-floor-deps    every shared library zhiku-query loads except
 *                       libzhiku itself: libxapian, libcmark, libutf8proc,
 *                       libxxhash and theirs
 * `zhiku-query-bench cli` times them beside /bin/true and zhiku-query: the
 * start-up cost that no code of zhiku's can remove, on this machine.
 */
int main(void)
{
    return 0;
}
