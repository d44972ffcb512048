/*
 * Tests of name interning (ls_intern_*) and hashing (ls_hash).
 *
 * The intern table promises one atom per distinct byte string, so equal
 * names compare by pointer.  Names here are chosen to differ in one byte
 * at every position and at every length from 1 to 40, because the table
 * compares names a word at a time and a wrong word boundary shows up only
 * for some lengths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "leakscope/base.h"

static void test_same_name_same_atom(void) {
    ls_arena *a = ls_arena_new(0);
    ls_intern *t = ls_intern_new(a);
    /* two different buffers holding the same bytes */
    char one[] = "context", two[] = "context";
    const ls_atom *x = ls_intern_put(t, one, 7);
    const ls_atom *y = ls_intern_put(t, two, 7);
    CHECK(x != NULL);
    CHECK_EQ_PTR(x, y);
    CHECK_EQ_PTR(x->ptr, one); /* the first occurrence is kept, not copied */
    CHECK_EQ_UINT(x->len, 7);
    CHECK_EQ_UINT(ls_intern_count(t), 1);
    CHECK_EQ_PTR(ls_intern_get(t, "context", 7), x);
    /* a prefix of a longer buffer is its own name */
    CHECK_EQ_PTR(ls_intern_put(t, "contexts", 7), x);
    ls_arena_free(a);
}

static void test_different_names_differ(void) {
    ls_arena *a = ls_arena_new(0);
    ls_intern *t = ls_intern_new(a);
    const ls_atom *ab = ls_intern_put(t, "ab", 2);
    const ls_atom *abc = ls_intern_put(t, "abc", 3);
    const ls_atom *ba = ls_intern_put(t, "ba", 2);
    const ls_atom *empty = ls_intern_put(t, "", 0);
    CHECK_NE_PTR(ab, abc);
    CHECK_NE_PTR(ab, ba);
    CHECK_NE_PTR(empty, ab);
    CHECK_EQ_UINT(empty->len, 0);
    CHECK_EQ_PTR(ls_intern_put(t, "", 0), empty);
    CHECK_EQ_UINT(ls_intern_count(t), 4);

    /* for each length, the name and every one-byte variant of it */
    char base[41], variant[41 * 40][41];
    memset(base, 'n', sizeof base);
    size_t nv = 0;
    for (size_t len = 1; len <= 40; len++)
        for (size_t at = 0; at < len; at++, nv++) {
            memset(variant[nv], 'n', 41);
            variant[nv][at] = 'v';
        }
    size_t wrong = 0;
    nv = 0;
    for (size_t len = 1; len <= 40; len++) {
        const ls_atom *b = ls_intern_put(t, base, len);
        for (size_t at = 0; at < len; at++, nv++) {
            const ls_atom *v = ls_intern_put(t, variant[nv], len);
            wrong += v == b || v->len != len || v->ptr != variant[nv];
            wrong += ls_intern_get(t, variant[nv], len) != v;
        }
        wrong += ls_intern_get(t, base, len) != b;
    }
    CHECK_EQ_UINT(wrong, 0);
    CHECK_EQ_UINT(ls_intern_count(t), 4 + 40 + 40 * 41 / 2);
    ls_arena_free(a);
}

static void test_missing_name(void) {
    ls_arena *a = ls_arena_new(0);
    ls_intern *t = ls_intern_new(a);
    CHECK(ls_intern_get(t, "x", 1) == NULL);
    CHECK(ls_intern_get(t, "", 0) == NULL);
    ls_intern_put(t, "x", 1);
    CHECK(ls_intern_get(t, "y", 1) == NULL);
    CHECK(ls_intern_get(t, "xx", 2) == NULL);
    CHECK(ls_intern_get(t, "x", 1) != NULL);
    CHECK_EQ_UINT(ls_intern_count(t), 1); /* get never adds */
    ls_arena_free(a);
}

/* Many times the initial capacity: the table must grow and keep every
 * atom where lookups find it. */
static void test_growth(void) {
    enum { N = 50000 };
    ls_arena *a = ls_arena_new(0);
    ls_intern *t = ls_intern_new(a);
    const ls_atom **atoms = ls_arena_alloc(a, N * sizeof *atoms);
    char **names = ls_arena_alloc(a, N * sizeof *names);
    for (int i = 0; i < N; i++) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "name_%d", i);
        names[i] = ls_arena_strndup(a, tmp, (size_t)n);
        atoms[i] = ls_intern_put(t, names[i], (size_t)n);
    }
    CHECK_EQ_UINT(ls_intern_count(t), N);
    size_t wrong = 0;
    for (int i = 0; i < N; i++) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "name_%d", i);
        wrong += ls_intern_get(t, tmp, (size_t)n) != atoms[i];
        wrong += ls_intern_put(t, tmp, (size_t)n) != atoms[i];
        wrong += atoms[i]->ptr != names[i] || atoms[i]->len != (uint32_t)n;
        wrong += i > 0 && atoms[i] == atoms[i - 1];
    }
    CHECK_EQ_UINT(wrong, 0);
    CHECK_EQ_UINT(ls_intern_count(t), N);
    CHECK(ls_intern_get(t, "name_50000", 10) == NULL);
    ls_arena_free(a);
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The number of values in h[0..n) equal to the one before them, once sorted. */
static size_t count_repeats(uint32_t *h, size_t n) {
    qsort(h, n, sizeof *h, compare_u32);
    size_t repeats = 0;
    for (size_t i = 1; i < n; i++)
        repeats += h[i] == h[i - 1];
    return repeats;
}

/*
 * The table compares bytes only when two names have the same 32-bit hash,
 * so distinct names that look alike must be told apart exactly then.  Among
 * 200,000 names some pairs share a hash (the birthday bound makes a few
 * per group all but certain); the names of a group differ only in a 4-byte
 * window, at the start, middle or end of names of lengths 6 to 40, so a
 * comparison that skips any part of a name returns the wrong atom.
 */
static void test_equal_hashes_compare_bytes(void) {
    enum { N = 200000 };
    static const size_t lengths[] = {6, 12, 16, 24, 40};
    size_t wrong = 0, same_hash = 0;
    uint32_t *hashes = malloc(N * sizeof *hashes);
    for (size_t k = 0; k < sizeof lengths / sizeof *lengths; k++) {
        size_t len = lengths[k];
        const size_t windows[] = {0, (len - 4) / 2, len - 4};
        for (size_t w = 0; w < 3; w++) {
            ls_arena *a = ls_arena_new(0);
            ls_intern *t = ls_intern_new(a);
            char *names = ls_arena_alloc(a, (size_t)N * len);
            for (uint32_t i = 0; i < N; i++) {
                char *name = names + (size_t)i * len;
                memset(name, 'k', len);
                memcpy(name + windows[w], &i, 4);
                const ls_atom *atom = ls_intern_put(t, name, len);
                wrong += atom->len != len || memcmp(atom->ptr, name, len) != 0;
                hashes[i] = atom->hash;
            }
            wrong += ls_intern_count(t) != N;
            same_hash += count_repeats(hashes, N);
            ls_arena_free(a);
        }
    }
    free(hashes);
    CHECK_EQ_UINT(wrong, 0);
    if (!CHECK_HERE(same_hash > 0)) /* or the test did not meet its case */
        fputs("no two names shared a hash: the byte comparison was not exercised\n", stderr);
}

static void test_hash(void) {
    const char *s = "leakscope";
    uint64_t h = ls_hash(s, 9);
    CHECK_EQ_UINT(ls_hash(s, 9), h);
    /* the same bytes at another (unaligned) address */
    char buf[16];
    memcpy(buf + 3, s, 9);
    CHECK_EQ_UINT(ls_hash(buf + 3, 9), h);
    CHECK(ls_hash(s, 8) != h);
    CHECK(ls_hash("leakscopf", 9) != h);
    /*
     * Pinned values: ls_hash is XXH3-64 with seed 0 (src/base/str.c); the
     * empty-input value is the one xxHash's own sanity tests list.  A
     * change here changes every hash anyone has stored, so it must be
     * deliberate.
     */
    CHECK_EQ_UINT(ls_hash("", 0), 0x2D06800538D394C2ull);
    CHECK_EQ_UINT(h, 0x557343B95C1E31E0ull);
    /* an atom's hash depends on its bytes only, not on the table or address */
    ls_arena *a = ls_arena_new(0);
    ls_intern *t1 = ls_intern_new(a), *t2 = ls_intern_new(a);
    ls_intern_put(t2, "other", 5);
    CHECK_EQ_UINT(ls_intern_put(t1, s, 9)->hash, ls_intern_put(t2, buf + 3, 9)->hash);
    ls_arena_free(a);
}

int main(void) {
    test_same_name_same_atom();
    test_different_names_differ();
    test_missing_name();
    test_growth();
    test_equal_hashes_compare_bytes();
    test_hash();
    return check_finish();
}
