/*
 * Interning table: open addressing with linear probing, power-of-two
 * capacity, grown at 50% load.  Slots and atoms live in the caller's arena;
 * a grown table abandons its old slot array to the arena rather than
 * freeing it, which is cheap because tables are per file.
 */
#include "leakscope/base.h"

#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

struct ls_intern {
    ls_arena *arena;
    ls_atom **slots;
    size_t cap, count;
};

ls_intern *ls_intern_new(ls_arena *a) { return ls_intern_new_sized(a, 0); }

ls_intern *ls_intern_new_sized(ls_arena *a, size_t expected) {
    ls_intern *t = ls_arena_alloc(a, sizeof *t);
    t->arena = a;
    t->cap = 256;
    while (t->cap < expected * 2 && t->cap < ((size_t)1 << 30))
        t->cap *= 2;
    t->count = 0;
    t->slots = ls_arena_zalloc(a, t->cap * sizeof *t->slots);
    return t;
}

static void rehash(ls_intern *t) {
    size_t cap = t->cap * 2;
    ls_atom **slots = ls_arena_zalloc(t->arena, cap * sizeof *slots);
    for (size_t i = 0; i < t->cap; i++) {
        ls_atom *a = t->slots[i];
        if (!a)
            continue;
        size_t j = a->hash & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = a;
    }
    t->slots = slots;
    t->cap = cap;
}

static inline uint64_t load64(const char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Names are short: compare them with a few word loads that stay inside
 * both strings (overlapping at the ends) instead of calling memcmp. */
static inline bool same_bytes(const char *a, const char *b, size_t n) {
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            if (load64(a + i) != load64(b + i))
                return false;
        return load64(a + n - 8) == load64(b + n - 8);
    }
    if (n >= 4) {
        uint32_t x, y, u, v;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return x == y && u == v;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static inline size_t find_slot(const ls_intern *t, const char *s, size_t n, uint32_t h) {
    size_t i = h & (t->cap - 1);
    for (;;) {
        const ls_atom *a = t->slots[i];
        if (!a || (a->hash == h && a->len == n && same_bytes(a->ptr, s, n)))
            return i;
        i = (i + 1) & (t->cap - 1);
    }
}

static inline uint32_t load32(const char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Identifiers are mostly under 16 bytes: hash those with two overlapping
 * loads and one wide multiply; longer names go through XXH3. */
static inline uint32_t name_hash(const char *s, size_t n) {
    uint64_t a, b;
    if (n > 16)
        return (uint32_t)XXH3_64bits(s, n);
    if (n >= 8) {
        a = load64(s);
        b = load64(s + n - 8);
    } else if (n >= 4) {
        a = load32(s);
        b = load32(s + n - 4);
    } else if (n > 0) {
        a = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
            (uint64_t)(unsigned char)s[n - 1] << 16;
        b = 0;
    } else {
        a = b = 0;
    }
    __uint128_t m = (__uint128_t)(a ^ 0x9E3779B97F4A7C15ull) * (b ^ n ^ 0xD6E8FEB86659FD93ull);
    uint64_t h = (uint64_t)m ^ (uint64_t)(m >> 64);
    return (uint32_t)(h ^ (h >> 32));
}

const ls_atom *ls_intern_put(ls_intern *t, const char *s, size_t n) {
    uint32_t h = name_hash(s, n);
    size_t i = find_slot(t, s, n, h);
    if (t->slots[i])
        return t->slots[i];
    ls_atom *a = ls_arena_alloc(t->arena, sizeof *a);
    a->ptr = s;
    a->len = (uint32_t)n;
    a->hash = h;
    t->slots[i] = a;
    if (++t->count * 2 > t->cap)
        rehash(t);
    return a;
}

const ls_atom *ls_intern_get(const ls_intern *t, const char *s, size_t n) {
    uint32_t h = name_hash(s, n);
    return t->slots[find_slot(t, s, n, h)];
}

size_t ls_intern_count(const ls_intern *t) { return t->count; }
