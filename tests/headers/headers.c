/* headers.c - the public headers as strict C11 (-std=c11 -pedantic-errors,
 * see tests/CMakeLists.txt): every header included on its own (the h_*.c
 * files CMake writes) and all together through the umbrella header, every
 * options initialiser used, and the header's version checked against the
 * library's. */
#include <stdio.h>
#include <string.h>

#include <zhiku/zhiku.h>

int main(void)
{
    zk_index_options io = ZK_INDEX_OPTIONS_INIT;
    zk_report_input ri = ZK_REPORT_INPUT_INIT;
    zk_update_options uo = ZK_UPDATE_OPTIONS_INIT;
    zk_search_options so = ZK_SEARCH_OPTIONS_INIT;
    zk_seg_options go = ZK_SEG_OPTIONS_INIT;
    zk_index_info info;

    memset(&info, 0, sizeof(info));
    if (io.version != ZK_INDEX_OPTIONS_VERSION ||
        ri.version != ZK_REPORT_INPUT_VERSION ||
        uo.version != ZK_UPDATE_OPTIONS_VERSION ||
        so.version != ZK_SEARCH_OPTIONS_VERSION ||
        go.version != ZK_SEG_OPTIONS_VERSION) {
        fputs("an _INIT macro does not set its version\n", stderr);
        return 1;
    }
    if (zk_version_number() != ZK_VERSION_NUMBER ||
        strcmp(zk_version(), ZK_VERSION_STRING) != 0) {
        fprintf(stderr, "headers %s, library %s\n", ZK_VERSION_STRING,
                zk_version());
        return 1;
    }
    printf("C11 headers of zhiku %s\n", zk_version());
    return 0;
}
