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

ls_intern *ls_intern_new(ls_arena *a) {
    ls_intern *t = ls_arena_alloc(a, sizeof *t);
    t->arena = a;
    t->cap = 256;
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

const ls_atom *ls_intern_put(ls_intern *t, const char *s, size_t n) {
    uint32_t h = (uint32_t)XXH3_64bits(s, n);
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
    uint32_t h = (uint32_t)XXH3_64bits(s, n);
    return t->slots[find_slot(t, s, n, h)];
}

size_t ls_intern_count(const ls_intern *t) { return t->count; }
