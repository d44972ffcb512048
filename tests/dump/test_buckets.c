/*
 * Buckets (src/dump/buckets.c): the stack ID contract of
 * docs/dump-buckets.md with its literal test vector, grouping modes, counts
 * and states, wait-time medians, creator buckets, and scale.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "make_goroutine.h"

/* The example of docs/dump-buckets.md: XXH64 (seed 0) of its four lines. */
#define DOC_VECTOR_LINE 0x104fa727bbcdee18ull
#define DOC_VECTOR_FUNC 0xb39105644e097997ull
#define XXH64_EMPTY 0xef46db3751d8e999ull

static void test_stack_id_vectors(void) {
    size_t n;
    const dump_frame *f = chan_send_stack(&n, "()");
    dump_goroutine g = mk_goroutine(7, "chan send", -1, f, n);
    ls_buf out = {0};
    CHECK_EQ_UINT(dump_stack_id(&g, DUMP_GROUP_LINE, &out), DOC_VECTOR_LINE);
    CHECK_EQ_MEM(out.data, out.len,
                 "runtime.gopark /usr/local/go/src/runtime/proc.go:460\n"
                 "runtime.chansend /usr/local/go/src/runtime/chan.go:283\n"
                 "runtime.chansend1 /usr/local/go/src/runtime/chan.go:161\n"
                 "main.lookup.func1 /src/app/main.go:21\n");
    out.len = 0;
    CHECK_EQ_UINT(dump_stack_id(&g, DUMP_GROUP_FUNC, &out), DOC_VECTOR_FUNC);
    out.len = 0;
    dump_stack_id(&g, DUMP_GROUP_EXACT, &out);
    CHECK(out.len > 0 && strstr(out.data, "runtime.chansend1(...) /usr/local/go/src/runtime/chan.go:161\n"));
    CHECK(strstr(out.data, "main.lookup.func1() /src/app/main.go:21\n") != NULL);

    /* Aggregated formats end with runtime.goexit; it is not part of the ID. */
    dump_frame with_exit[5];
    memcpy(with_exit, f, 4 * sizeof *f);
    with_exit[4] = mk_frame("runtime.goexit", NULL, "/usr/local/go/src/runtime/asm_amd64.s", 1700);
    dump_goroutine agg = mk_goroutine(0, NULL, -1, with_exit, 5);
    agg.count = 40;
    out.len = 0;
    CHECK_EQ_UINT(dump_stack_id(&agg, DUMP_GROUP_LINE, &out), DOC_VECTOR_LINE);

    dump_goroutine empty = mk_goroutine(1, "running", -1, NULL, 0);
    out.len = 0;
    CHECK_EQ_UINT(dump_stack_id(&empty, DUMP_GROUP_LINE, &out), XXH64_EMPTY);

    /* A frame without a file writes "?:0". */
    dump_frame unknown = mk_frame("main.f", NULL, NULL, 12);
    dump_goroutine u = mk_goroutine(2, NULL, -1, &unknown, 1);
    out.len = 0;
    dump_stack_id(&u, DUMP_GROUP_LINE, &out);
    CHECK_EQ_MEM(out.data, out.len, "main.f ?:0\n");
    ls_buf_free(&out);

    char hex[17];
    CHECK_EQ_STR(dump_id_hex(DOC_VECTOR_LINE, hex), "104fa727bbcdee18");
}

static void test_grouping_modes(void) {
    size_t n;
    dump_frame a[4], b[4];
    memcpy(a, chan_send_stack(&n, "(0x1)"), sizeof a);
    memcpy(b, chan_send_stack(&n, "(0x2)"), sizeof b);
    dump_frame moved[4];
    memcpy(moved, a, sizeof moved);
    moved[3].line = 25; /* the same function, edited */
    const dump_frame *stacks[] = {a, b, moved};
    size_t want[] = {[DUMP_GROUP_LINE] = 2, [DUMP_GROUP_EXACT] = 3, [DUMP_GROUP_FUNC] = 1};
    dump_group groups[] = {DUMP_GROUP_LINE, DUMP_GROUP_EXACT, DUMP_GROUP_FUNC};
    for (size_t gi = 0; gi < 3; gi++) {
        dump_buckets *set = dump_buckets_new(groups[gi]);
        for (size_t i = 0; i < 3; i++) {
            dump_goroutine g = mk_goroutine(10 + i, "chan send", -1, stacks[i], 4);
            dump_buckets_sink(set, &g);
        }
        dump_buckets_finish(set);
        CHECK_EQ_UINT(dump_buckets_len(set), want[groups[gi]]);
        CHECK_EQ_UINT(dump_buckets_total(set), 3);
        dump_buckets_free(set);
    }
}

static void test_counts_states_labels(void) {
    size_t n;
    const dump_frame *f = chan_send_stack(&n, "()");
    dump_frame other[2] = {mk_frame("runtime.gopark", NULL, "/usr/local/go/src/runtime/proc.go", 460),
                           mk_frame("main.main", NULL, "/src/app/main.go", 40)};
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    dump_label lab = {S("handler"), S("/api/lookup")};
    for (uint64_t i = 0; i < 10; i++) {
        dump_goroutine g = mk_goroutine(100 - i, i < 7 ? "chan send" : "runnable", -1, f, n);
        if (i == 3) {
            g.labels = &lab;
            g.nlabels = 1;
        }
        g.locked_to_thread = i == 0;
        dump_buckets_sink(set, &g);
    }
    dump_goroutine m = mk_goroutine(1, "select", -1, other, 2);
    dump_buckets_sink(set, &m);
    /* debug=1: an aggregated record of 25 goroutines, no IDs or states */
    dump_goroutine agg = mk_goroutine(0, NULL, -1, other, 2);
    agg.count = 25;
    dump_buckets_sink(set, &agg);
    dump_buckets_finish(set);

    CHECK_EQ_UINT(dump_buckets_len(set), 2);
    CHECK_EQ_UINT(dump_buckets_total(set), 36);
    const dump_bucket *top = dump_buckets_at(set, 0); /* the larger one first */
    CHECK_EQ_UINT(top->count, 26);
    CHECK_EQ_UINT(top->example_id, 1);
    CHECK_EQ_UINT(top->nstates, 2);
    CHECK_EQ_MEM(top->states[0].state.ptr, top->states[0].state.len, ""); /* 25 without a state */
    CHECK_EQ_UINT(top->states[0].count, 25);
    const dump_bucket *send = dump_buckets_at(set, 1);
    CHECK_EQ_UINT(send->id, DOC_VECTOR_LINE);
    CHECK_EQ_UINT(send->count, 10);
    CHECK_EQ_UINT(send->example_id, 91);
    CHECK_EQ_MEM(send->states[0].state.ptr, send->states[0].state.len, "chan send");
    CHECK_EQ_UINT(send->states[0].count, 7);
    CHECK_EQ_UINT(send->states[1].count, 3);
    CHECK_EQ_UINT(send->nlabels, 1);
    CHECK_EQ_MEM(send->labels[0].value.ptr, send->labels[0].value.len, "/api/lookup");
    CHECK_EQ_UINT(send->locked_to_thread, 1);
    CHECK_EQ_PTR(dump_buckets_find(set, DOC_VECTOR_LINE), send);
    CHECK_EQ_PTR(dump_buckets_find(set, 42), NULL);
    /* frames were copied: they outlive the goroutine records */
    CHECK_EQ_MEM(send->frames[3].func.ptr, send->frames[3].func.len, "main.lookup.func1");
    dump_buckets_free(set);
}

static void test_wait_medians(void) {
    size_t n;
    const dump_frame *f = chan_send_stack(&n, "()");
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    /* 1..9 minutes: median 5; plus waits of 47 and 312 minutes */
    int64_t waits[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (size_t i = 0; i < 9; i++) {
        dump_goroutine g = mk_goroutine(i + 1, "chan send", waits[i], f, n);
        dump_buckets_sink(set, &g);
    }
    dump_goroutine none = mk_goroutine(50, "chan send", -1, f, n); /* no wait printed */
    dump_buckets_sink(set, &none);
    dump_buckets_finish(set);
    const dump_bucket *b = dump_buckets_at(set, 0);
    CHECK_EQ_INT(b->wait_min, 1);
    CHECK_EQ_INT(b->wait_median, 5);
    CHECK_EQ_INT(b->wait_max, 9);
    dump_buckets_free(set);

    /* Long waits: the median is within 1/8 of the true value. */
    set = dump_buckets_new(DUMP_GROUP_LINE);
    for (uint64_t i = 0; i < 1001; i++) {
        dump_goroutine g = mk_goroutine(i + 1, "chan send", (int64_t)(47 + i * 265 / 1000), f, n);
        dump_buckets_sink(set, &g);
    }
    dump_buckets_finish(set);
    b = dump_buckets_at(set, 0);
    CHECK_EQ_INT(b->wait_min, 47);
    CHECK_EQ_INT(b->wait_max, 312);
    CHECK(b->wait_median >= 179 * 7 / 8 && b->wait_median <= 179);
    dump_buckets_free(set);

    /* Two distinct values (kept as exact pairs): 3 x 47 and 2 x 312 minutes. */
    set = dump_buckets_new(DUMP_GROUP_LINE);
    for (uint64_t i = 0; i < 5; i++) {
        dump_goroutine g = mk_goroutine(i + 1, "chan send", i % 2 ? 312 : 47, f, n);
        dump_buckets_sink(set, &g);
    }
    dump_buckets_finish(set);
    b = dump_buckets_at(set, 0);
    CHECK_EQ_INT(b->wait_min, 47);
    CHECK_EQ_INT(b->wait_median, 47);
    CHECK_EQ_INT(b->wait_max, 312);
    dump_buckets_free(set);

    set = dump_buckets_new(DUMP_GROUP_LINE);
    dump_buckets_sink(set, &none);
    dump_buckets_finish(set);
    b = dump_buckets_at(set, 0);
    CHECK_EQ_INT(b->wait_min, -1);
    CHECK_EQ_INT(b->wait_median, -1);
    CHECK_EQ_INT(b->wait_max, -1);
    dump_buckets_free(set);
}

static void test_creator_buckets(void) {
    dump_frame handler[2] = {mk_frame("main.handle", "(0xc0001)", "/src/app/main.go", 88),
                             mk_frame("net/http.(*conn).serve", NULL, "/usr/local/go/src/net/http/server.go", 2100)};
    size_t n;
    const dump_frame *leak = chan_send_stack(&n, "()");
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    /* Children first, creators later in the dump (IDs out of order). */
    for (uint64_t i = 0; i < 5; i++) {
        dump_goroutine g = mk_goroutine(1000 + i, "chan send", 3, leak, n);
        g.has_created_by = true;
        g.created_by = mk_frame("main.handle", NULL, "/src/app/main.go", 90);
        g.creator_id = i < 4 ? 20 + i : 999999; /* the last creator has exited */
        dump_buckets_sink(set, &g);
    }
    for (uint64_t i = 0; i < 4; i++) {
        dump_goroutine g = mk_goroutine(20 + i, "IO wait", -1, handler, 2);
        dump_buckets_sink(set, &g);
    }
    dump_buckets_finish(set);
    const dump_bucket *children = dump_buckets_find(set, DOC_VECTOR_LINE);
    CHECK(children != NULL);
    const dump_bucket *parents = dump_buckets_at(set, 1);
    CHECK_EQ_UINT(parents->count, 4);
    CHECK_EQ_UINT(children->creator_bucket, parents->id);
    CHECK(children->has_created_by);
    CHECK_EQ_UINT(children->created_by.line, 90);
    CHECK_EQ_UINT(parents->creator_bucket, 0);
    dump_buckets_free(set);
}

/* IDs do not depend on the order goroutines arrive in or on the run. */
static void test_stable_ids(void) {
    size_t n;
    const dump_frame *f = chan_send_stack(&n, "()");
    dump_frame g2[1] = {mk_frame("main.worker", NULL, "/src/app/w.go", 5)};
    uint64_t ids[2][2];
    for (int run = 0; run < 2; run++) {
        dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
        dump_goroutine a = mk_goroutine(1, "chan send", -1, f, n), b = mk_goroutine(2, "select", -1, g2, 1);
        dump_buckets_sink(set, run ? &b : &a);
        dump_buckets_sink(set, run ? &a : &b);
        dump_buckets_sink(set, &a);
        dump_buckets_finish(set);
        ids[run][0] = dump_buckets_at(set, 0)->id;
        ids[run][1] = dump_buckets_at(set, 1)->id;
        dump_buckets_free(set);
    }
    CHECK_EQ_UINT(ids[0][0], ids[1][0]);
    CHECK_EQ_UINT(ids[0][1], ids[1][1]);
    CHECK_EQ_UINT(ids[0][0], DOC_VECTOR_LINE);
}

/* 1.25 million goroutines over 1,000 stacks: memory stays small. */
static void test_scale(void) {
    enum { STACKS = 1000, GOROUTINES = 1250000 };
    dump_frame *frames = calloc(STACKS * 3, sizeof *frames);
    char(*names)[32] = calloc(STACKS, 32);
    for (size_t s = 0; s < STACKS; s++) {
        snprintf(names[s], 32, "main.worker%zu", s);
        frames[s * 3] = mk_frame("runtime.gopark", NULL, "/usr/local/go/src/runtime/proc.go", 460);
        frames[s * 3 + 1] = mk_frame("runtime.selectgo", NULL, "/usr/local/go/src/runtime/select.go", 351);
        frames[s * 3 + 2] = mk_frame(names[s], NULL, "/src/app/w.go", (uint32_t)s + 1);
    }
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    for (uint64_t i = 0; i < GOROUTINES; i++) {
        size_t s = (size_t)((i * 7919) % STACKS);
        dump_goroutine g = mk_goroutine(i + 1, "select", (int64_t)(i % 100), &frames[s * 3], 3);
        g.creator_id = i / 2 + 1;
        dump_buckets_sink(set, &g);
    }
    dump_buckets_finish(set);
    CHECK_EQ_UINT(dump_buckets_len(set), STACKS);
    CHECK_EQ_UINT(dump_buckets_total(set), GOROUTINES);
    CHECK(dump_buckets_memory(set) < 40u << 20);
    CHECK_EQ_UINT(dump_buckets_at(set, 0)->count, GOROUTINES / STACKS);
    /* "runtime.gopark" and its file are shared by every bucket: stored once */
    CHECK_EQ_PTR(dump_buckets_at(set, 0)->frames[0].func.ptr, dump_buckets_at(set, 1)->frames[0].func.ptr);
    CHECK_EQ_PTR(dump_buckets_at(set, 0)->frames[0].file.ptr, dump_buckets_at(set, 1)->frames[0].file.ptr);
    CHECK(dump_buckets_at(set, 0)->creator_bucket != 0);
    dump_buckets_free(set);
    free(frames);
    free(names);
}

int main(void) {
    test_stack_id_vectors();
    test_grouping_modes();
    test_counts_states_labels();
    test_wait_medians();
    test_creator_buckets();
    test_stable_ids();
    test_scale();
    return check_finish();
}
