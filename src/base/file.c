/*
 * Whole-file reading: mmap for regular files (no copy, the page cache is
 * the buffer), read() into a growing heap buffer for everything else
 * (pipes, character devices, /proc files that report size 0).
 */
#include "leakscope/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_all(int fd, ls_file_data *out) {
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return ENOMEM;
    for (;;) {
        if (len == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return ENOMEM;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return e;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    out->data = buf;
    out->len = len;
    out->mapped = 0;
    return 0;
}

static int read_exact(int fd, size_t size, ls_arena *arena, ls_file_data *out) {
    char *buf = arena ? ls_arena_alloc(arena, size + 1) : malloc(size + 1);
    if (!buf)
        return ENOMEM;
    size_t len = 0;
    while (len < size) {
        ssize_t n = read(fd, buf + len, size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            if (!arena)
                free(buf);
            return e;
        }
        if (n == 0)
            break; /* the file shrank while we read it */
        len += (size_t)n;
    }
    out->data = buf;
    out->len = len;
    out->mapped = arena ? 2 : 0;
    return 0;
}

int ls_file_read(const char *path, ls_file_data *out) { return ls_file_read_in(path, 0, NULL, out); }

int ls_file_read_in(const char *path, size_t small_limit, ls_arena *arena, ls_file_data *out) {
    memset(out, 0, sizeof *out);
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return EISDIR;
    }
    int rc = 0;
    if (S_ISREG(st.st_mode) && st.st_size > 0 && (size_t)st.st_size <= small_limit) {
        rc = read_exact(fd, (size_t)st.st_size, arena, out);
    } else if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            out->data = p;
            out->len = (size_t)st.st_size;
            out->mapped = 1;
        } else {
            rc = read_all(fd, out);
        }
    } else {
        rc = read_all(fd, out);
    }
    close(fd);
    return rc;
}

void ls_file_release(ls_file_data *f) {
    if (!f->data) {
        f->len = 0;
        return;
    }
    if (f->mapped == 1)
        munmap((void *)f->data, f->len);
    else if (f->mapped == 0)
        free((void *)f->data);
    memset(f, 0, sizeof *f);
}
