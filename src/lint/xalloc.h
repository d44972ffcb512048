/*
 * xalloc: allocation wrappers for the lint library's own sources (the .c
 * files in src/lint).  Private; each aborts the program when memory runs
 * out.
 */
#ifndef LEAKSCOPE_XALLOC_H
#define LEAKSCOPE_XALLOC_H

#include <stdlib.h>
#include <string.h>

/* malloc(n), at least one byte; never NULL. */
static inline void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

/* realloc(p, n), at least one byte; never NULL. */
static inline void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

/* strdup(s); s must not be NULL.  Never returns NULL. */
static inline char *xstrdup(const char *s) {
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

#endif
