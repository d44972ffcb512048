/*
 * Tests of whole-file reading (ls_file_read, ls_file_read_in): regular
 * files (mapped, or read into an arena under the small-file limit), empty
 * files, /proc files that report size 0, and the errno values for a
 * directory and a missing path.  Reading stdin through "-" needs a pipe
 * on the test's stdin and is left to the CLI tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "leakscope/base.h"

static char dir[] = "/tmp/leakscope_test_file_XXXXXX";

/* Creates dir/name holding n bytes of data; returns the path (static). */
static const char *make_file(const char *name, const char *data, size_t n) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(2);
    }
    if (n && fwrite(data, 1, n, f) != n) {
        perror(path);
        exit(2);
    }
    fclose(f);
    return path;
}

static void test_regular_file(void) {
    const char text[] = "package p\n\nfunc F() {}\n";
    const char *path = make_file("regular.go", text, sizeof text - 1);
    ls_file_data d;
    CHECK_EQ_INT(ls_file_read(path, &d), 0);
    CHECK_EQ_UINT(d.len, sizeof text - 1);
    CHECK_EQ_MEM(d.data, d.len, text);
    ls_file_release(&d);
    CHECK(d.data == NULL);
    CHECK_EQ_UINT(d.len, 0);
}

static void test_file_with_nul_bytes(void) {
    const char bytes[] = {'a', 0, 'b', 0, (char)0xFF};
    const char *path = make_file("binary", bytes, sizeof bytes);
    ls_file_data d;
    CHECK_EQ_INT(ls_file_read(path, &d), 0);
    CHECK_EQ_UINT(d.len, 5);
    CHECK(d.data && memcmp(d.data, bytes, 5) == 0);
    ls_file_release(&d);
}

static void test_empty_file(void) {
    const char *path = make_file("empty.go", "", 0);
    ls_file_data d;
    CHECK_EQ_INT(ls_file_read(path, &d), 0);
    CHECK_EQ_UINT(d.len, 0);
    ls_file_release(&d);

    ls_arena *a = ls_arena_new(0);
    CHECK_EQ_INT(ls_file_read_in(path, 1024, a, &d), 0);
    CHECK_EQ_UINT(d.len, 0);
    ls_file_release(&d);
    ls_arena_free(a);
}

static void test_read_in_arena(void) {
    char text[3000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
    const char *path = make_file("small.txt", text, sizeof text);
    ls_arena *a = ls_arena_new(0);

    /* under the limit: the bytes live in the arena */
    ls_file_data d;
    size_t used_before = ls_arena_used(a);
    CHECK_EQ_INT(ls_file_read_in(path, sizeof text, a, &d), 0);
    CHECK_EQ_UINT(d.len, sizeof text);
    CHECK(d.data && memcmp(d.data, text, sizeof text) == 0);
    CHECK(ls_arena_used(a) >= used_before + sizeof text);
    ls_file_release(&d); /* must not free arena memory (ASan would say) */

    /* over the limit: read another way, same bytes, arena untouched */
    size_t used = ls_arena_used(a);
    CHECK_EQ_INT(ls_file_read_in(path, sizeof text - 1, a, &d), 0);
    CHECK_EQ_UINT(d.len, sizeof text);
    CHECK(d.data && memcmp(d.data, text, sizeof text) == 0);
    CHECK_EQ_UINT(ls_arena_used(a), used);
    ls_file_release(&d);
    ls_arena_free(a);
}

static void test_directory(void) {
    ls_file_data d;
    CHECK_EQ_INT(ls_file_read(dir, &d), EISDIR);
    CHECK(d.data == NULL);
    ls_arena *a = ls_arena_new(0);
    CHECK_EQ_INT(ls_file_read_in(dir, 1 << 20, a, &d), EISDIR);
    ls_arena_free(a);
}

static void test_missing(void) {
    char path[256];
    snprintf(path, sizeof path, "%s/no_such_file.go", dir);
    ls_file_data d;
    CHECK_EQ_INT(ls_file_read(path, &d), ENOENT);
    CHECK(d.data == NULL);
    snprintf(path, sizeof path, "%s/no_such_dir/x.go", dir);
    CHECK_EQ_INT(ls_file_read(path, &d), ENOENT);
    /* a path through a regular file */
    const char *file = make_file("plain", "x", 1);
    snprintf(path, sizeof path, "%s/child", file);
    CHECK_EQ_INT(ls_file_read(path, &d), ENOTDIR);
}

/* /proc files report size 0 but have contents: they must be read, not
 * taken as empty. */
static void test_proc_file(void) {
    ls_file_data d;
    CHECK_EQ_INT(ls_file_read("/proc/self/status", &d), 0);
    CHECK(d.len > 0);
    CHECK(d.len >= 5 && memcmp(d.data, "Name:", 5) == 0);
    ls_file_release(&d);
}

static void remove_dir(void) {
    static const char *const names[] = {"regular.go", "binary", "empty.go", "small.txt", "plain"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void) {
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    test_regular_file();
    test_file_with_nul_bytes();
    test_empty_file();
    test_read_in_arena();
    test_directory();
    test_missing();
    test_proc_file();
    remove_dir();
    return check_finish();
}
