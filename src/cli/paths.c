/*
 * Turning command-line operands into the list of Go files to read.
 * Directory walks are sorted so output never depends on readdir order.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void path_list_add(path_list *l, const char *path) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        char **at = realloc(l->at, l->cap * sizeof *at);
        if (!at) {
            fprintf(stderr, "leakscope: out of memory\n");
            exit(EXIT_INTERNAL);
        }
        l->at = at;
    }
    char *copy = strdup(path);
    if (!copy) {
        fprintf(stderr, "leakscope: out of memory\n");
        exit(EXIT_INTERNAL);
    }
    l->at[l->len++] = copy;
}

void path_list_free(path_list *l) {
    for (size_t i = 0; i < l->len; i++)
        free(l->at[i]);
    free(l->at);
    memset(l, 0, sizeof *l);
}

static bool has_go_suffix(const char *name) {
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".go") == 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool read_dir_sorted(const char *dir, path_list *names) {
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            path_list_add(names, e->d_name);
    closedir(d);
    if (names->len)
        qsort(names->at, names->len, sizeof *names->at, cmp_str);
    return true;
}

static size_t walk_dir(const char *dir, path_list *out) {
    path_list names = {0};
    if (!read_dir_sorted(dir, &names)) {
        fprintf(stderr, "leakscope: %s: cannot read directory: %s\n", dir, strerror(errno));
        return 1;
    }

    size_t errors = 0;
    size_t dlen = strlen(dir);
    bool slash = dlen > 0 && dir[dlen - 1] == '/';
    for (size_t i = 0; i < names.len; i++) {
        size_t n = dlen + 1 + strlen(names.at[i]) + 1;
        char *path = malloc(n);
        if (!path) {
            fprintf(stderr, "leakscope: out of memory\n");
            exit(EXIT_INTERNAL);
        }
        snprintf(path, n, slash ? "%s%s" : "%s/%s", dir, names.at[i]);
        struct stat st;
        if (lstat(path, &st) != 0) {
            fprintf(stderr, "leakscope: %s: %s\n", path, strerror(errno));
            errors++;
        } else if (S_ISDIR(st.st_mode)) {
            errors += walk_dir(path, out);
        } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && has_go_suffix(names.at[i])) {
            path_list_add(out, path);
        }
        free(path);
    }
    path_list_free(&names);
    return errors;
}

size_t collect_go_files(const char *operand, path_list *out) {
    size_t n = strlen(operand);
    char *path = strdup(operand);
    if (!path) {
        fprintf(stderr, "leakscope: out of memory\n");
        exit(EXIT_INTERNAL);
    }
    if (n >= 3 && strcmp(operand + n - 3, "...") == 0) {
        path[n - 3] = 0; /* "dir/..." means the same as "dir" here */
        if (path[0] == 0)
            strcpy(path, ".");
    }
    struct stat st;
    size_t errors = 0;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "leakscope: %s: %s\n", operand, strerror(errno));
        errors = 1;
    } else if (S_ISDIR(st.st_mode)) {
        errors = walk_dir(path, out);
    } else {
        path_list_add(out, path);
    }
    free(path);
    return errors;
}

bool read_files_from(const char *file, path_list *out) {
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!f) {
        fprintf(stderr, "leakscope: --files-from %s: %s\n", file, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n > 0)
            path_list_add(out, line);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return true;
}
