/*
 * A parallel for-loop over independent work items (files, dump chunks).
 * Workers take the next index from one atomic counter, so the order in
 * which items start is fixed even though the order they finish is not;
 * callers that print merge results by index.
 */
#include "leakscope/base.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct pool {
    size_t n;
    _Atomic size_t next;
    ls_pool_fn fn;
    void *ctx;
} pool;

static void *worker(void *arg) {
    pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            return NULL;
        p->fn(p->ctx, i);
    }
}

unsigned ls_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

int ls_pool_run(size_t n, unsigned threads, size_t stack_size, ls_pool_fn fn, void *ctx) {
    if (threads == 0)
        threads = ls_cpu_count();
    if (threads > n)
        threads = n ? (unsigned)n : 1;
    pool p = {n, 0, fn, ctx};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack_size ? stack_size : (size_t)64 << 20);
    pthread_t *tids = calloc(threads, sizeof *tids);
    if (!tids) {
        pthread_attr_destroy(&attr);
        return ENOMEM;
    }
    unsigned started = 0;
    int rc = 0;
    for (; started < threads; started++) {
        rc = pthread_create(&tids[started], &attr, worker, &p);
        if (rc != 0)
            break;
    }
    if (started == 0) {
        worker(&p); /* no threads at all: do the work here */
        rc = 0;
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    pthread_attr_destroy(&attr);
    return started ? 0 : rc;
}
