/*
 * Arena allocator: bump allocation in large chunks, freed all at once.
 * Syntax trees and dump buckets live in arenas so that building them costs
 * a pointer increment per object and tearing them down costs one free per
 * chunk.  Freed chunks of the default size go to a small shared cache and
 * are handed to the next arena: returning them to the system and faulting
 * them back in would serialise threads on the page tables.
 */
#include "leakscope/base.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CHUNK (256u * 1024u)
#define ALIGN 8u

typedef struct ls_arena_chunk {
    struct ls_arena_chunk *prev;
    size_t size;
    /* payload follows, ALIGN-aligned */
} chunk;

#define CACHE_MAX 64

static struct {
    pthread_mutex_t mu;
    chunk *free;
    unsigned count;
} cache = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

static chunk *cache_take(void) {
    pthread_mutex_lock(&cache.mu);
    chunk *c = cache.free;
    if (c) {
        cache.free = c->prev;
        cache.count--;
    }
    pthread_mutex_unlock(&cache.mu);
    return c;
}

static bool cache_give(chunk *c) {
    pthread_mutex_lock(&cache.mu);
    bool kept = cache.count < CACHE_MAX;
    if (kept) {
        c->prev = cache.free;
        cache.free = c;
        cache.count++;
    }
    pthread_mutex_unlock(&cache.mu);
    return kept;
}

static void out_of_memory(size_t n) {
    fprintf(stderr, "leakscope: out of memory allocating %zu bytes\n", n);
    abort();
}

ls_arena *ls_arena_new(size_t chunk_size) {
    ls_arena *a = calloc(1, sizeof *a);
    if (!a)
        out_of_memory(sizeof *a);
    a->chunk_size = chunk_size ? chunk_size : DEFAULT_CHUNK;
    return a;
}

void ls_arena_free(ls_arena *a) {
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *prev = c->prev;
        if (c->size != DEFAULT_CHUNK || !cache_give(c))
            free(c);
        c = prev;
    }
    free(a);
}

static void grow(ls_arena *a, size_t need) {
    size_t size = a->chunk_size;
    if (need > size / 4)
        size = need + sizeof(chunk) + ALIGN; /* big objects get their own chunk */
    chunk *c = size == DEFAULT_CHUNK ? cache_take() : NULL;
    if (!c)
        c = malloc(size);
    if (!c)
        out_of_memory(size);
    c->size = size;
    c->prev = a->head;
    a->head = c;
    char *start = (char *)c + ((sizeof(chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1));
    a->cur = start;
    a->limit = (char *)c + size;
}

void *ls_arena_alloc_slow(ls_arena *a, size_t size) {
    if (size > SIZE_MAX / 2)
        out_of_memory(size); /* also keeps the rounding below from wrapping */
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (size == 0)
        size = ALIGN;
    if ((size_t)(a->limit - a->cur) < size)
        grow(a, size);
    void *p = a->cur;
    a->cur += size;
    a->used += size;
    return p;
}

void *ls_arena_zalloc(ls_arena *a, size_t size) {
    void *p = ls_arena_alloc(a, size);
    memset(p, 0, size);
    return p;
}

char *ls_arena_strndup(ls_arena *a, const char *s, size_t n) {
    char *p = ls_arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

size_t ls_arena_used(const ls_arena *a) { return a->used; }
