/*
 * leakscope base: arenas, string views, interned names, diagnostics and
 * file reading.  Everything else in libleakscope is built on these.
 *
 * Ownership is by arena: objects live until the arena that made them is
 * freed, all at once.  Nothing here prints or exits; problems are reported
 * through an ls_diag_sink.
 */
#ifndef LEAKSCOPE_BASE_H
#define LEAKSCOPE_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LEAKSCOPE_VERSION "0.1.0"

/* ---- arena ------------------------------------------------------------ */

typedef struct ls_arena {
    char *cur, *limit; /* the free part of the current chunk */
    struct ls_arena_chunk *head;
    size_t chunk_size;
    size_t used;
} ls_arena;

ls_arena *ls_arena_new(size_t chunk_size); /* 0: a default size */
void ls_arena_free(ls_arena *a);
void *ls_arena_alloc_slow(ls_arena *a, size_t size);

/* Aligned to 8 bytes; never returns NULL (aborts when memory runs out).
 * Inline because syntax trees allocate once per node. */
static inline void *ls_arena_alloc(ls_arena *a, size_t size) {
    size_t rounded = (size + 7) & ~(size_t)7;
    if (__builtin_expect(rounded >= size && rounded != 0 && (size_t)(a->limit - a->cur) >= rounded, 1)) {
        void *p = a->cur;
        a->cur += rounded;
        a->used += rounded;
        return p;
    }
    return ls_arena_alloc_slow(a, size);
}
void *ls_arena_zalloc(ls_arena *a, size_t size);
char *ls_arena_strndup(ls_arena *a, const char *s, size_t n);
/* Bytes handed out so far (for statistics). */
size_t ls_arena_used(const ls_arena *a);

/* ---- string views ----------------------------------------------------- */

typedef struct ls_str {
    const char *ptr;
    size_t len;
} ls_str;

static inline ls_str ls_str_make(const char *p, size_t n) {
    ls_str s = {p, n};
    return s;
}
ls_str ls_str_cstr(const char *s);
bool ls_str_eq(ls_str a, ls_str b);
bool ls_str_eq_cstr(ls_str a, const char *s);
bool ls_str_has_prefix(ls_str s, const char *prefix);

/* ---- growable byte buffer ------------------------------------------- */

typedef struct ls_buf {
    char *data;
    size_t len, cap;
} ls_buf;

void ls_buf_free(ls_buf *b);
void ls_buf_reserve(ls_buf *b, size_t extra);
void ls_buf_append(ls_buf *b, const void *p, size_t n);
void ls_buf_puts(ls_buf *b, const char *s);
void ls_buf_putc(ls_buf *b, char c);
void ls_buf_put_u64(ls_buf *b, uint64_t v);
void ls_buf_printf(ls_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- hashing and interning -------------------------------------------- */

uint64_t ls_hash(const void *data, size_t len);

/*
 * An interned name: within one ls_intern table every distinct byte string
 * has exactly one ls_atom, so names compare by pointer.
 */
typedef struct ls_atom {
    const char *ptr; /* not NUL-terminated; points into the source */
    uint32_t len;
    uint32_t hash;
} ls_atom;

typedef struct ls_intern ls_intern;

ls_intern *ls_intern_new(ls_arena *a);
/* Sized for about `expected` names, so that filling it needs no regrowth. */
ls_intern *ls_intern_new_sized(ls_arena *a, size_t expected);
/* The bytes must outlive the table (they are not copied). */
const ls_atom *ls_intern_put(ls_intern *t, const char *s, size_t n);
/* NULL when the name was never interned: no identifier has it. */
const ls_atom *ls_intern_get(const ls_intern *t, const char *s, size_t n);
size_t ls_intern_count(const ls_intern *t);

/* ---- diagnostics ------------------------------------------------------ */

typedef enum ls_severity { LS_SEV_ERROR, LS_SEV_WARNING, LS_SEV_NOTE } ls_severity;

typedef struct ls_diag {
    const char *file;
    uint32_t line, col; /* 1-based; col in bytes; 0 when unknown */
    uint32_t offset;
    ls_severity severity;
    const char *message;
} ls_diag;

typedef struct ls_diag_sink {
    void (*emit)(void *ctx, const ls_diag *d);
    void *ctx;
} ls_diag_sink;

/* ---- files ------------------------------------------------------------ */

/*
 * A whole file in memory: mmap'd when the file is regular and non-empty,
 * otherwise read() into a heap buffer (pipes, /proc files, stdin).
 */
typedef struct ls_file_data {
    const char *data;
    size_t len;
    int mapped; /* internal: 0 heap, 1 mmap, 2 arena */
} ls_file_data;

/* 0 on success; otherwise an errno value (strerror() names it). */
int ls_file_read(const char *path, ls_file_data *out);
/* Like ls_file_read, but regular files of at most small_limit bytes are
 * read() into memory from arena (freed with it) instead of being mapped. */
int ls_file_read_in(const char *path, size_t small_limit, ls_arena *arena, ls_file_data *out);
void ls_file_release(ls_file_data *f);

/* ---- threads ---------------------------------------------------------- */

/*
 * Runs fn(ctx, i) for every i in [0, n) on `threads` threads (0: one per
 * core), each with a stack of stack_size bytes (0: 64 MiB, room for deep
 * recursion in parsers).  Items are handed out in increasing order.
 * Returns 0, or an errno value if threads could not be started.
 */
typedef void (*ls_pool_fn)(void *ctx, size_t i);
int ls_pool_run(size_t n, unsigned threads, size_t stack_size, ls_pool_fn fn, void *ctx);
unsigned ls_cpu_count(void);

#ifdef __cplusplus
}
#endif
#endif
