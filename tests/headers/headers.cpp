// headers.cpp - the public headers compiled as C++17 (-pedantic-errors
// -Wold-style-cast, see tests/CMakeLists.txt): C linkage, initialisers and
// the version check work from C++.
#include <cstdio>
#include <cstring>
#include <memory>

#include <zhiku/zhiku.h>

int main()
{
    zk_index_options io = ZK_INDEX_OPTIONS_INIT;
    zk_report_input ri = ZK_REPORT_INPUT_INIT;
    zk_update_options uo = ZK_UPDATE_OPTIONS_INIT;
    zk_search_options so = ZK_SEARCH_OPTIONS_INIT;
    zk_seg_options go = ZK_SEG_OPTIONS_INIT;

    if (io.version != ZK_INDEX_OPTIONS_VERSION ||
        ri.version != ZK_REPORT_INPUT_VERSION ||
        uo.version != ZK_UPDATE_OPTIONS_VERSION ||
        so.version != ZK_SEARCH_OPTIONS_VERSION ||
        go.version != ZK_SEG_OPTIONS_VERSION) {
        std::fputs("an _INIT macro does not set its version\n", stderr);
        return 1;
    }
    if (zk_version_number() != ZK_VERSION_NUMBER ||
        std::strcmp(zk_version(), ZK_VERSION_STRING) != 0)
        return 1;
    // handles fit RAII wrappers: their free functions take the handle
    std::unique_ptr<zk_dict, decltype(&zk_dict_free)> dict(nullptr,
                                                           zk_dict_free);
    zk_dict *d = nullptr;
    if (zk_dict_open(&d, nullptr) != ZK_OK) {
        std::fprintf(stderr, "%s\n", zk_error_last()->message);
        return 1;
    }
    dict.reset(d);
    std::printf("C++ headers of zhiku %s, dictionary %s\n", zk_version(),
                zk_dict_hash(dict.get()));
    return 0;
}
