/*
 * Tests of the growable byte buffer (ls_buf_*): every way of appending,
 * growth that keeps the contents, formatted output longer than the
 * formatter's on-stack fast path, and freeing back to the empty state.
 */
#include <stdint.h>
#include <string.h>

#include "../check.h"
#include "leakscope/base.h"

static void test_empty(void) {
    ls_buf b = {0};
    ls_buf_append(&b, NULL, 0); /* nothing to copy: no pointer needed */
    CHECK_EQ_UINT(b.len, 0);
    ls_buf_free(&b);
    CHECK(b.data == NULL);
    CHECK_EQ_UINT(b.cap, 0);
}

static void test_appends(void) {
    ls_buf b = {0};
    ls_buf_puts(&b, "abc");
    ls_buf_putc(&b, '-');
    ls_buf_append(&b, "xyz\0q", 5);
    CHECK_EQ_UINT(b.len, 9);
    CHECK_EQ_MEM(b.data, 4, "abc-");
    CHECK(memcmp(b.data + 4, "xyz\0q", 5) == 0);
    CHECK(b.cap >= b.len);
    ls_buf_free(&b);
    CHECK(b.data == NULL);
    CHECK_EQ_UINT(b.len, 0);
    CHECK_EQ_UINT(b.cap, 0);
}

static void test_put_u64(void) {
    ls_buf b = {0};
    ls_buf_put_u64(&b, 0);
    ls_buf_putc(&b, ' ');
    ls_buf_put_u64(&b, 7);
    ls_buf_putc(&b, ' ');
    ls_buf_put_u64(&b, 1234567890);
    ls_buf_putc(&b, ' ');
    ls_buf_put_u64(&b, UINT64_MAX);
    CHECK_EQ_MEM(b.data, b.len, "0 7 1234567890 18446744073709551615");
    ls_buf_free(&b);
}

static void test_printf(void) {
    ls_buf b = {0};
    ls_buf_printf(&b, "%s:%u:%u: %s", "a.go", 3u, 14u, "msg");
    CHECK_EQ_MEM(b.data, b.len, "a.go:3:14: msg");
    ls_buf_printf(&b, "%s", "");
    CHECK_EQ_UINT(b.len, 14);

    /* longer than any small on-stack buffer */
    char long_arg[1001];
    memset(long_arg, 'z', 1000);
    long_arg[1000] = 0;
    ls_buf_printf(&b, "<%s>", long_arg);
    CHECK_EQ_UINT(b.len, 14 + 1002);
    CHECK_EQ_INT(b.data[14], '<');
    CHECK_EQ_INT(b.data[15], 'z');
    CHECK_EQ_INT(b.data[14 + 1000], 'z');
    CHECK_EQ_INT(b.data[14 + 1001], '>');
    CHECK_EQ_MEM(b.data, 14, "a.go:3:14: msg");
    ls_buf_free(&b);
}

static void test_growth_keeps_contents(void) {
    ls_buf b = {0};
    for (int i = 0; i < 100000; i++)
        ls_buf_putc(&b, (char)('a' + i % 26));
    CHECK_EQ_UINT(b.len, 100000);
    bool ok = true;
    for (int i = 0; i < 100000; i++)
        ok &= b.data[i] == (char)('a' + i % 26);
    CHECK(ok);
    ls_buf_free(&b);

    /* reserve makes room without changing the length */
    ls_buf_puts(&b, "keep");
    ls_buf_reserve(&b, (size_t)1 << 20);
    CHECK(b.cap - b.len >= (size_t)1 << 20);
    CHECK_EQ_MEM(b.data, b.len, "keep");
    char *before = b.data;
    ls_buf_append(&b, "!", 1); /* fits: no reallocation */
    CHECK_EQ_PTR(b.data, before);
    ls_buf_free(&b);
}

int main(void) {
    test_empty();
    test_appends();
    test_put_u64();
    test_printf();
    test_growth_keeps_contents();
    return check_finish();
}
