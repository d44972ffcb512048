/*
 * Tests of the thread pool (ls_pool_run): every index runs exactly once
 * whatever the number of threads, nothing runs for n = 0, one thread sees
 * the items in increasing order, and workers get the stack size asked for.
 */
#define _GNU_SOURCE /* pthread_getattr_np */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "leakscope/base.h"

typedef struct count_ctx {
    _Atomic unsigned *runs; /* times each index was run */
    _Atomic unsigned calls;
    size_t *order;          /* indices in call order (single-threaded runs) */
    _Atomic size_t norder;
} count_ctx;

static void count_item(void *ctx, size_t i) {
    count_ctx *c = ctx;
    atomic_fetch_add(&c->runs[i], 1);
    atomic_fetch_add(&c->calls, 1);
    if (c->order)
        c->order[atomic_fetch_add(&c->norder, 1)] = i;
}

/* Runs n items on the given threads; returns how many indices did not run
 * exactly once (0 is right). */
static size_t run_and_count(size_t n, unsigned threads, int *rc, unsigned *calls) {
    count_ctx c = {0};
    c.runs = calloc(n ? n : 1, sizeof *c.runs);
    *rc = ls_pool_run(n, threads, 0, count_item, &c);
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++)
        wrong += c.runs[i] != 1;
    *calls = c.calls;
    free(c.runs);
    return wrong;
}

static void test_every_index_once(void) {
    static const unsigned thread_counts[] = {1, 4, 0 /* one per core */, 64};
    for (size_t k = 0; k < sizeof thread_counts / sizeof *thread_counts; k++) {
        int rc;
        unsigned calls;
        CHECK_EQ_UINT(run_and_count(10000, thread_counts[k], &rc, &calls), 0);
        CHECK_EQ_INT(rc, 0);
        CHECK_EQ_UINT(calls, 10000);
        /* fewer items than threads */
        CHECK_EQ_UINT(run_and_count(3, thread_counts[k], &rc, &calls), 0);
        CHECK_EQ_UINT(calls, 3);
    }
}

static void test_no_items(void) {
    static const unsigned thread_counts[] = {1, 4, 0};
    for (size_t k = 0; k < sizeof thread_counts / sizeof *thread_counts; k++) {
        int rc;
        unsigned calls;
        run_and_count(0, thread_counts[k], &rc, &calls);
        CHECK_EQ_INT(rc, 0);
        CHECK_EQ_UINT(calls, 0);
    }
}

static void test_one_thread_in_order(void) {
    enum { N = 1000 };
    count_ctx c = {0};
    c.runs = calloc(N, sizeof *c.runs);
    c.order = calloc(N, sizeof *c.order);
    CHECK_EQ_INT(ls_pool_run(N, 1, 0, count_item, &c), 0);
    CHECK_EQ_UINT(c.norder, N);
    size_t out_of_order = 0;
    for (size_t i = 0; i < N; i++)
        out_of_order += c.order[i] != i;
    CHECK_EQ_UINT(out_of_order, 0);
    free(c.runs);
    free(c.order);
}

typedef struct stack_ctx {
    size_t smallest;
    pthread_mutex_t mu;
    bool on_caller;
    pthread_t caller;
} stack_ctx;

static void record_stack(void *ctx, size_t i) {
    (void)i;
    stack_ctx *s = ctx;
    pthread_attr_t attr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstacksize(&attr, &size);
        pthread_attr_destroy(&attr);
    }
    pthread_mutex_lock(&s->mu);
    if (size < s->smallest)
        s->smallest = size;
    s->on_caller |= pthread_equal(pthread_self(), s->caller);
    pthread_mutex_unlock(&s->mu);
}

static void test_stack_size(void) {
    static const size_t sizes[] = {0 /* default: 64 MiB */, (size_t)16 << 20};
    static const size_t want[] = {(size_t)64 << 20, (size_t)16 << 20};
    for (size_t k = 0; k < 2; k++) {
        stack_ctx s = {SIZE_MAX, PTHREAD_MUTEX_INITIALIZER, false, pthread_self()};
        CHECK_EQ_INT(ls_pool_run(8, 2, sizes[k], record_stack, &s), 0);
        CHECK(!s.on_caller); /* the work ran on the pool's threads */
        CHECK(s.smallest >= want[k]);
    }
}

int main(void) {
    test_every_index_once();
    test_no_items();
    test_one_thread_in_order();
    test_stack_size();
    return check_finish();
}
