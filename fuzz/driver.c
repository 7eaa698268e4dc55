/* driver.c - run a fuzz harness without libFuzzer: LLVMFuzzerTestOneInput()
 * once on every file named on the command line and on every regular file
 * directly inside every directory named (in name order), each in a buffer of
 * exactly its size so that AddressSanitizer sees a read past its end.
 *
 *   fuzzregress_<x> PATH...
 *
 * A harness that finds a broken invariant aborts, so the exit status says
 * whether every input passed; each input's name is printed to stderr before
 * it runs, so a failure names it. Exit status 0: all passed; 1: a file or
 * directory could not be read; 2: usage. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, size_t *runs)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, got;
    uint8_t *exact;

    if (f == NULL) {
        fprintf(stderr, "fuzzregress: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (;;) {
        if (n == cap) {
            uint8_t *b = realloc(buf, cap ? cap * 2 : 65536);

            if (b == NULL) {
                fprintf(stderr, "fuzzregress: out of memory\n");
                abort();
            }
            buf = b;
            cap = cap ? cap * 2 : 65536;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "fuzzregress: %s: read error\n", path);
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    /* an exact-size copy (malloc(0) may return NULL: keep one byte) */
    exact = malloc(n > 0 ? n : 1);
    if (exact == NULL) {
        fprintf(stderr, "fuzzregress: out of memory\n");
        abort();
    }
    if (n > 0)
        memcpy(exact, buf, n);
    free(buf);
    fprintf(stderr, "running %s (%zu bytes)\n", path, n);
    fflush(stderr);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    (*runs)++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *runs)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, *path;
    size_t n = 0, cap = 0, i, len;
    struct stat st;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "fuzzregress: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ., .. and hidden files such as .gitignore */
        if (n == cap) {
            char **p = realloc(names, (cap ? cap * 2 : 64) * sizeof(*names));

            if (p == NULL)
                abort();
            names = p;
            cap = cap ? cap * 2 : 64;
        }
        len = strlen(dir) + strlen(e->d_name) + 2;
        path = malloc(len);
        if (path == NULL)
            abort();
        snprintf(path, len, "%s/%s", dir, e->d_name);
        names[n++] = path;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_names);
    for (i = 0; i < n; i++) {
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc |= run_file(names[i], runs);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    struct stat st;
    size_t runs = 0;
    int i, rc = 0, paths = 0;

    for (i = 1; i < argc; i++) {
        paths++;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzzregress: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            rc |= run_dir(argv[i], &runs);
        } else {
            rc |= run_file(argv[i], &runs);
        }
    }
    if (paths == 0) {
        fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
        return 2;
    }
    printf("%s: %zu inputs passed\n", argv[0], runs);
    return rc;
}
