/*
 * Growable byte buffer for building output (dumps, reports) before one
 * write().  Grows by doubling; out of memory aborts like the arena does.
 */
#include "leakscope/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ls_buf_free(ls_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void ls_buf_reserve(ls_buf *b, size_t extra) {
    if (b->cap - b->len >= extra)
        return;
    if (extra > SIZE_MAX / 4 - b->len) {
        fprintf(stderr, "leakscope: buffer of %zu bytes cannot grow by %zu\n", b->len, extra);
        abort();
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < extra)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        fprintf(stderr, "leakscope: out of memory growing a buffer to %zu bytes\n", cap);
        abort();
    }
    b->data = p;
    b->cap = cap;
}

void ls_buf_append(ls_buf *b, const void *p, size_t n) {
    ls_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void ls_buf_puts(ls_buf *b, const char *s) { ls_buf_append(b, s, strlen(s)); }

void ls_buf_putc(ls_buf *b, char c) {
    ls_buf_reserve(b, 1);
    b->data[b->len++] = c;
}

void ls_buf_put_u64(ls_buf *b, uint64_t v) {
    char tmp[24];
    int i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ls_buf_append(b, tmp + i, sizeof tmp - (size_t)i);
}

void ls_buf_printf(ls_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ls_buf_append(b, small, (size_t)n);
        return;
    }
    ls_buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
