/* mkdict.c - zhiku-mkdict: compile jieba's dict.txt and HMM model into
 * zhiku's memory-mappable dictionary (a build step; see zk_dict_compile) */
#include <stdio.h>
#include <string.h>

#include <zhiku/zhiku.h>

int main(int argc, char **argv)
{
    zk_dict *d = NULL;
    int rc;

    if (argc != 4 || strcmp(argv[1], "--help") == 0) {
        fputs("usage: zhiku-mkdict OUT.zkd DICT.TXT HMM_DIR\n"
              "  HMM_DIR holds jieba's prob_start.py, prob_trans.py and "
              "prob_emit.py\n",
              argc == 2 ? stdout : stderr);
        return argc == 2 ? 0 : 2;
    }
    rc = zk_dict_compile(argv[1], argv[2], argv[3]);
    if (rc == ZK_OK)
        rc = zk_dict_open(&d, argv[1]); /* check that it reads back */
    if (rc != ZK_OK) {
        fprintf(stderr, "zhiku-mkdict: %s\n", zk_error_last()->message);
        return 1;
    }
    printf("zhiku-mkdict: %s: total frequency %llu, hash %s\n", argv[1],
           (unsigned long long)zk_dict_total(d), zk_dict_hash(d));
    zk_dict_free(d);
    return 0;
}
