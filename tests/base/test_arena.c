/*
 * Tests of the arena allocator (ls_arena_*): alignment, objects bigger
 * than a chunk, many small objects that must not overlap, strndup, and
 * arenas whose chunks come back from the shared chunk cache.  Every byte
 * handed out is written, so ASan catches an allocation that is too short.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "leakscope/base.h"

static bool aligned8(const void *p) { return ((uintptr_t)p & 7u) == 0; }

static void test_alignment(void) {
    ls_arena *a = ls_arena_new(0);
    bool all_aligned = true;
    for (size_t size = 1; size <= 100; size++) {
        char *p = ls_arena_alloc(a, size);
        memset(p, 0xAB, size);
        all_aligned &= aligned8(p);
    }
    CHECK(all_aligned);
    /* a zero-byte request still gives a usable, aligned, distinct pointer */
    void *z1 = ls_arena_alloc(a, 0), *z2 = ls_arena_alloc(a, 0);
    CHECK(z1 != NULL);
    CHECK(aligned8(z1) && aligned8(z2));
    CHECK_NE_PTR(z1, z2);
    ls_arena_free(a);
}

static void test_zalloc_is_zeroed(void) {
    ls_arena *a = ls_arena_new(128);
    /* dirty the chunk first so zeroes cannot come from fresh memory */
    for (int i = 0; i < 50; i++)
        memset(ls_arena_alloc(a, 24), 0xFF, 24);
    unsigned char *p = ls_arena_zalloc(a, 300);
    bool zero = true;
    for (int i = 0; i < 300; i++)
        zero &= p[i] == 0;
    CHECK(zero);
    CHECK(aligned8(p));
    ls_arena_free(a);
}

static void test_big_allocations(void) {
    ls_arena *a = ls_arena_new(0);
    char *small = ls_arena_alloc(a, 16);
    memcpy(small, "before the big one", 16);
    size_t big = (size_t)3 << 20; /* far bigger than the default chunk */
    char *p = ls_arena_alloc(a, big);
    CHECK(aligned8(p));
    memset(p, 'x', big);
    char *after = ls_arena_alloc(a, 16);
    memcpy(after, "after the big on", 16);
    CHECK(aligned8(after));
    CHECK_EQ_MEM(small, 16, "before the big o");
    CHECK_EQ_INT(p[0], 'x');
    CHECK_EQ_INT(p[big - 1], 'x');
    CHECK_EQ_MEM(after, 16, "after the big on");
    CHECK(ls_arena_used(a) >= big + 32);
    ls_arena_free(a);

    /* a tiny chunk size: most objects are "big" for it */
    a = ls_arena_new(64);
    char *q[10];
    for (int i = 0; i < 10; i++) {
        q[i] = ls_arena_alloc(a, 1000);
        memset(q[i], 'a' + i, 1000);
    }
    bool intact = true;
    for (int i = 0; i < 10; i++)
        intact &= q[i][0] == 'a' + i && q[i][999] == 'a' + i && aligned8(q[i]);
    CHECK(intact);
    ls_arena_free(a);
}

static void test_many_allocations(void) {
    enum { N = 200000 };
    ls_arena *a = ls_arena_new(0);
    uint64_t **at = malloc(N * sizeof *at);
    size_t expect_used = 0;
    for (size_t i = 0; i < N; i++) {
        size_t size = 8 + (i % 5) * 8; /* 8..40 bytes */
        at[i] = ls_arena_alloc(a, size);
        for (size_t k = 0; k < size / 8; k++)
            at[i][k] = i;
        expect_used += size;
    }
    /* no object overwrote another */
    size_t bad = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < (8 + (i % 5) * 8) / 8; k++)
            bad += at[i][k] != i;
    CHECK_EQ_UINT(bad, 0);
    CHECK_EQ_UINT(ls_arena_used(a), expect_used);
    free(at);
    ls_arena_free(a);
}

static void test_used_rounds_up(void) {
    ls_arena *a = ls_arena_new(0);
    CHECK_EQ_UINT(ls_arena_used(a), 0);
    ls_arena_alloc(a, 1);
    CHECK_EQ_UINT(ls_arena_used(a), 8);
    ls_arena_alloc(a, 9);
    CHECK_EQ_UINT(ls_arena_used(a), 24);
    ls_arena_free(a);
}

static void test_strndup(void) {
    ls_arena *a = ls_arena_new(0);
    const char *src = "hello, world";
    char *s = ls_arena_strndup(a, src, 5);
    CHECK_EQ_STR(s, "hello");
    CHECK(s != src);
    char *empty = ls_arena_strndup(a, src, 0);
    CHECK_EQ_STR(empty, "");
    char *whole = ls_arena_strndup(a, src, strlen(src));
    CHECK_EQ_STR(whole, "hello, world");
    /* bytes are copied, not referenced */
    char buf[4] = "abc";
    char *copy = ls_arena_strndup(a, buf, 3);
    buf[0] = 'X';
    CHECK_EQ_STR(copy, "abc");
    /* an embedded NUL is copied as a byte */
    char *nul = ls_arena_strndup(a, "a\0b", 3);
    CHECK(memcmp(nul, "a\0b\0", 4) == 0);
    ls_arena_free(a);
}

/* Freed default-size chunks are cached and handed to later arenas; memory
 * from a recycled chunk must behave like fresh memory. */
static void test_recycled_chunks(void) {
    bool ok = true;
    for (int round = 0; round < 100; round++) {
        ls_arena *a = ls_arena_new(0);
        char *p[64];
        for (int i = 0; i < 64; i++) {
            p[i] = ls_arena_alloc(a, 8192); /* 512 KiB: several chunks */
            memset(p[i], round & 0x7F, 8192);
        }
        char *z = ls_arena_zalloc(a, 64);
        for (int i = 0; i < 64; i++)
            ok &= z[i] == 0;
        for (int i = 0; i < 64; i++)
            ok &= p[i][0] == (round & 0x7F) && p[i][8191] == (round & 0x7F);
        ls_arena_free(a);
    }
    CHECK(ok);
    ls_arena_free(NULL); /* allowed, like free(NULL) */
}

int main(void) {
    test_alignment();
    test_zalloc_is_zeroed();
    test_big_allocations();
    test_many_allocations();
    test_used_rounds_up();
    test_strndup();
    test_recycled_chunks();
    return check_finish();
}
