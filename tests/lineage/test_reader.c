/*
 * Tests of the lineage reader: each finding on a small graph written as
 * the Go package writes it, correct graphs without findings, memory that
 * follows live contexts, and input split at any byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "leakscope/lineage.h"

#define HDR "{\"ev\":\"header\",\"v\":1,\"pid\":1,\"process\":\"t\",\"host\":\"h\",\"t\":0,\"sample\":\"all\",\"go\":\"go1.26\"}\n"
/* derive ID PARENT KIND T G, at a fixed site; then extra members */
#define D(id, parent, kind, t, g, extra)                                                                  \
    "{\"ev\":\"derive\",\"id\":\"" id "\",\"parent\":\"" parent "\",\"kind\":\"" kind "\",\"t\":" #t        \
    ",\"g\":" #g ",\"func\":\"main.f\",\"file\":\"/a.go\",\"line\":" #g extra "}\n"
#define E(id, how, t) "{\"ev\":\"end\",\"id\":\"" id "\",\"t\":" #t ",\"how\":\"" how "\"}\n"

static uint64_t errors_seen;

static void count_diag(void *ctx, const ls_diag *d) {
    (void)ctx;
    if (d->severity == LS_SEV_ERROR)
        errors_seen++;
}

typedef struct run {
    lineage_reader *r;
    const lineage_result *res;
} run;

/* Reads text as one file fed `chunk` bytes at a time (0: all at once). */
static run read_text(const char *text, size_t chunk, const lineage_options *o) {
    ls_diag_sink sink = {count_diag, NULL};
    run x;
    x.r = lineage_reader_new(o, sink);
    lineage_reader_begin_file(x.r, "test.jsonl");
    size_t n = strlen(text);
    if (!chunk)
        chunk = n ? n : 1;
    for (size_t i = 0; i < n; i += chunk)
        lineage_reader_feed(x.r, text + i, n - i < chunk ? n - i : chunk);
    lineage_reader_end_file(x.r);
    x.res = lineage_reader_finish(x.r);
    return x;
}

static uint64_t total(const lineage_result *r) {
    uint64_t t = 0;
    for (int k = 0; k < LINEAGE_F_COUNT; k++)
        t += r->totals[k];
    return t;
}

/* Exactly `count` findings, all of kind k. */
static void expect_only(const char *text, lineage_finding_kind k, uint64_t count) {
    run x = read_text(text, 0, NULL);
    if (!CHECK_HERE(x.res->totals[k] == count && total(x.res) == count))
        fprintf(stderr, "want %llu %s, got %llu of it and %llu in all\n", (unsigned long long)count,
                lineage_finding_name(k), (unsigned long long)x.res->totals[k], (unsigned long long)total(x.res));
    lineage_reader_free(x.r);
}

static void test_correct_graph(void) {
    const char *text = HDR D("a", "root:untracked", "timeout", 10, 1, ",\"deadline\":5000010,\"timeout_us\":5000000")
        D("b", "a", "value", 11, 1, ",\"value_depth\":1,\"deadline\":5000010")
        D("c", "b", "timeout", 12, 2, ",\"deadline\":1000012,\"parent_deadline\":5000010,\"timeout_us\":1000000")
        D("w", "b", "without_cancel", 13, 2, "") D("d", "w", "cancel", 14, 2, "")
        E("c", "parent", 20) E("d", "cancel", 21) E("a", "cancel", 22);
    run x = read_text(text, 0, NULL);
    CHECK_EQ_UINT(total(x.res), 0);
    CHECK_EQ_UINT(x.res->derives, 5);
    CHECK_EQ_UINT(x.res->ends, 3);
    CHECK_EQ_UINT(errors_seen, 0);
    CHECK_EQ_UINT(x.res->nnodes, 0);
    lineage_reader_free(x.r);
}

static void test_each_finding(void) {
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 1, "") E("a", "never", 500), LINEAGE_F_NEVER_CANCELLED, 1);
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 1, "") D("v", "root:untracked", "value", 2, 1, ""),
                LINEAGE_F_LIVE_AT_END, 1);
    /* new root by the reader's bookkeeping: g 1 holds a when it uses Background */
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 1, "") D("b", "root:background", "cancel", 2, 1, "")
                    E("b", "cancel", 3) E("a", "cancel", 4),
                LINEAGE_F_NEW_ROOT, 1);
    /* ... not once a has ended, nor on another goroutine */
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 1, "") E("a", "cancel", 2)
                    D("b", "root:background", "cancel", 3, 1, "") D("c", "root:todo", "cancel", 4, 2, "")
                    E("b", "cancel", 5) E("c", "cancel", 6),
                LINEAGE_F_NEW_ROOT, 0);
    /* by the writer's "held" */
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 1, "")
                    D("b", "root:todo", "cancel", 2, 9, ",\"held\":\"a\"") E("b", "cancel", 3) E("a", "cancel", 4),
                LINEAGE_F_NEW_ROOT, 1);
    /* a "held" naming the new context itself: still one finding, no edge */
    expect_only(HDR D("b", "root:todo", "cancel", 2, 9, ",\"held\":\"b\"") E("b", "cancel", 3), LINEAGE_F_NEW_ROOT, 1);
    /* a cancel that never reached c (through a value context) */
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 1, "") D("v", "a", "value", 2, 1, "")
                    D("c", "v", "cancel", 3, 2, "") E("a", "cancel", 4),
                LINEAGE_F_CANCEL_LOST, 1);
    /* ... but WithoutCancel is meant to stop it */
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 1, "") D("w", "a", "without_cancel", 2, 1, "")
                    D("c", "w", "cancel", 3, 2, "") E("a", "cancel", 4),
                LINEAGE_F_LIVE_AT_END, 1);
    expect_only(HDR D("a", "root:untracked", "timeout", 1, 1, ",\"deadline\":100001,\"timeout_us\":100000")
                    D("b", "a", "timeout", 2, 1, ",\"parent_deadline\":100001,\"timeout_us\":200000")
                    D("c", "a", "timeout", 3, 1, ",\"timeout_us\":100000") /* parent's deadline from a */
                    D("d", "a", "timeout", 4, 1, ",\"timeout_us\":1000") E("a", "cancel", 5) E("b", "parent", 5)
                        E("c", "parent", 5) E("d", "parent", 5),
                LINEAGE_F_TIMEOUT_NO_EFFECT, 2);
    expect_only(HDR D("a", "root:untracked", "deadline", 1, 1, ",\"deadline\":100") E("a", "deadline", 2000101),
                LINEAGE_F_LATE_END, 1);
    expect_only(HDR D("a", "root:untracked", "deadline", 1, 1, ",\"deadline\":100") E("a", "deadline", 1000100),
                LINEAGE_F_LATE_END, 0);
}

static void test_value_depth(void) {
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", HDR D("a", "root:untracked", "cancel", 1, 1, ""));
    /* a chain of 12, the writer's value_depth left out: the reader counts */
    for (int i = 1; i <= 12; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "{\"ev\":\"derive\",\"id\":\"v%d\",\"parent\":\"%s%d\",\"kind\":\"value\",\"t\":%d,"
                              "\"g\":1,\"func\":\"main.f\",\"file\":\"/a.go\",\"line\":3}\n",
                              i, i == 1 ? "a" : "v", i == 1 ? 0 : i - 1, i + 1);
    /* "a0" is not an ID: fix the first link's parent */
    char *p = strstr(text, "\"a0\"");
    REQUIRE(p != NULL);
    memcpy(p, "\"a\" ", 4);
    snprintf(text + n, sizeof text - n, "%s", E("a", "cancel", 50));
    lineage_options o;
    lineage_options_default(&o);
    run x = read_text(text, 0, &o);
    CHECK_EQ_UINT(x.res->totals[LINEAGE_F_VALUE_DEEP], 1); /* once per chain */
    CHECK_EQ_UINT(total(x.res), 1);
    REQUIRE(x.res->nsites == 1);
    CHECK_EQ_INT(x.res->sites[0]->agg[LINEAGE_F_VALUE_DEEP].age_max, 12); /* the chain's depth */
    lineage_reader_free(x.r);
    o.max_value_depth = 12;
    x = read_text(text, 0, &o);
    CHECK_EQ_UINT(total(x.res), 0);
    lineage_reader_free(x.r);
}

/* Sequential requests: memory stays at one request's contexts. */
static void test_memory_follows_live(void) {
    ls_buf text = {0};
    ls_buf_puts(&text, HDR);
    for (int i = 0; i < 5000; i++) {
        ls_buf_printf(&text,
                      "{\"ev\":\"derive\",\"id\":\"r%d\",\"parent\":\"root:untracked\",\"kind\":\"cancel\",\"t\":%d,\"g\":7}\n"
                      "{\"ev\":\"derive\",\"id\":\"v%d\",\"parent\":\"r%d\",\"kind\":\"value\",\"t\":%d,\"g\":7}\n"
                      "{\"ev\":\"derive\",\"id\":\"c%d\",\"parent\":\"v%d\",\"kind\":\"cancel\",\"t\":%d,\"g\":7}\n"
                      "{\"ev\":\"end\",\"id\":\"r%d\",\"t\":%d,\"how\":\"cancel\"}\n"
                      "{\"ev\":\"end\",\"id\":\"c%d\",\"t\":%d,\"how\":\"parent\"}\n",
                      i, 5 * i, i, i, 5 * i + 1, i, i, 5 * i + 2, i, 5 * i + 3, i, 5 * i + 4);
    }
    ls_buf_putc(&text, 0);
    run x = read_text(text.data, 0, NULL);
    CHECK_EQ_UINT(total(x.res), 0);
    CHECK_EQ_UINT(x.res->derives, 15000);
    CHECK(x.res->peak_live <= 3);
    lineage_reader_free(x.r);
    ls_buf_free(&text);
}

/* Junk, unknown events and members, CRLF, a second process, a cut last
 * line: fed whole and one byte at a time, with the same result. */
static void test_edge_cases_any_split(void) {
    const char *text = HDR "not json at all\n"
                           "{\"id\":\"zz\",\"ev\":\"derive\"}\n"
                           "{\"ev\":\"spawn\",\"t\":1}\n"
                           "\n"
        D("a", "root:untracked", "cancel", 1, 1, ",\"future\":{\"x\":[1]}") "{\"ev\":\"derive\",\"id\":\"b\"}\r\n"
        "{\"ev\":\"end\",\"id\":\"a\",\"t\":2,\"how\":\"never\"}\r\n"
        "{\"ev\":\"header\",\"v\":1,\"pid\":2,\"host\":\"h\",\"t\":0}\n" D("a", "root:untracked", "cancel", 3, 1, "")
            E("a", "cancel", 4) "{\"ev\":\"drops\",\"t\":5,\"n\":7}\n"
                                "{\"ev\":\"end\",\"id\":\"gone\",\"t\":6,\"how\":\"cancel\"}\n"
                                "{\"ev\":\"end\",\"id\":\"a\",\"t\":7,\"how\"";
    size_t chunks[] = {0, 1, 3, 64};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        errors_seen = 0;
        run x = read_text(text, chunks[i], NULL);
        CHECK_EQ_UINT(errors_seen, 4); /* junk, not-ev, derive without members, the cut line */
        CHECK_EQ_UINT(lineage_reader_errors(x.r), 4);
        CHECK_EQ_UINT(x.res->unknown_ev, 1);
        CHECK_EQ_UINT(x.res->headers, 2);
        CHECK_EQ_UINT(x.res->derives, 2); /* "a" in each process: not a duplicate */
        CHECK_EQ_UINT(x.res->duplicates, 0);
        CHECK_EQ_UINT(x.res->drops, 7);
        CHECK_EQ_UINT(x.res->orphan_ends, 1);
        CHECK_EQ_UINT(x.res->totals[LINEAGE_F_NEVER_CANCELLED], 1);
        CHECK_EQ_UINT(total(x.res), 1);
        lineage_reader_free(x.r);
    }
    errors_seen = 0;
    run x = read_text(HDR D("a", "root:untracked", "cancel", 1, 1, "") D("a", "root:untracked", "cancel", 2, 1, "")
                          E("a", "cancel", 3),
                      0, NULL);
    CHECK_EQ_UINT(x.res->duplicates, 1);
    CHECK_EQ_UINT(errors_seen, 1);
    lineage_reader_free(x.r);
}

/* A callee's root names its caller's context (remote_parent): one graph,
 * and a cancel that never crossed the wire is a cancel-lost. */
static void test_remote_parent(void) {
#define HDR_PID(pid) "{\"ev\":\"header\",\"v\":1,\"pid\":" #pid ",\"host\":\"h\",\"t\":0}\n"
    const char *lost = HDR_PID(1) D("c", "root:untracked", "cancel", 1, 1, "")
        HDR_PID(2) D("s", "root:remote", "cancel", 2, 5, ",\"remote_parent\":\"c\"")
        HDR_PID(1) E("c", "cancel", 3);
    run x = read_text(lost, 0, NULL);
    CHECK_EQ_UINT(x.res->totals[LINEAGE_F_CANCEL_LOST], 1);
    CHECK_EQ_UINT(total(x.res), 1);
    REQUIRE(x.res->nnodes == 2);
    CHECK(x.res->nodes[1].remote_edge);
    CHECK_EQ_INT(x.res->nodes[1].parent_index, 0);
    lineage_reader_free(x.r);
    const char *ok = HDR_PID(1) D("c", "root:untracked", "cancel", 1, 1, "")
        HDR_PID(2) D("s", "root:remote", "cancel", 2, 5, ",\"remote_parent\":\"c\"") E("s", "parent", 4)
        HDR_PID(1) E("c", "cancel", 3);
    x = read_text(ok, 0, NULL);
    CHECK_EQ_UINT(total(x.res), 0);
    CHECK(x.res->peak_live <= 2);
    lineage_reader_free(x.r);
}

/* A line longer than the reader keeps (64 MiB) is skipped and reported,
 * whether it arrives in pieces or whole; the lines around it are read. */
static void test_endless_line(void) {
    size_t big = (64u << 20) + 100;
    char *junk = malloc(big);
    REQUIRE(junk != NULL);
    memset(junk, 'x', big);
    const char *before = HDR D("a", "root:untracked", "cancel", 1, 1, "");
    const char *after = "\n" E("a", "never", 5);
    for (int whole = 0; whole < 2; whole++) {
        errors_seen = 0;
        ls_diag_sink sink = {count_diag, NULL};
        lineage_reader *r = lineage_reader_new(NULL, sink);
        lineage_reader_begin_file(r, "long.jsonl");
        lineage_reader_feed(r, before, strlen(before));
        if (whole) {
            ls_buf b = {0};
            ls_buf_append(&b, junk, big);
            ls_buf_puts(&b, after);
            lineage_reader_feed(r, b.data, b.len);
            ls_buf_free(&b);
        } else {
            for (size_t i = 0; i < big; i += 1 << 20)
                lineage_reader_feed(r, junk + i, big - i < (1u << 20) ? big - i : 1u << 20);
            lineage_reader_feed(r, after, strlen(after));
        }
        lineage_reader_end_file(r);
        const lineage_result *res = lineage_reader_finish(r);
        CHECK_EQ_UINT(errors_seen, 1);
        CHECK_EQ_UINT(res->totals[LINEAGE_F_NEVER_CANCELLED], 1);
        lineage_reader_free(r);
    }
    free(junk);
}

/* The graph keeps findings with their ancestors, within max_nodes. */
static void test_graph_nodes(void) {
    run x = read_text(HDR D("a", "root:untracked", "cancel", 1, 1, "") D("v", "a", "value", 2, 1, "")
                          D("c", "v", "cancel", 3, 2, "") D("ok", "a", "cancel", 4, 3, "") E("ok", "cancel", 5)
                              E("a", "cancel", 6),
                      0, NULL);
    REQUIRE(x.res->nnodes == 3);
    CHECK_EQ_STR(x.res->nodes[0].id, "a");
    CHECK_EQ_STR(x.res->nodes[0].parent, "root:untracked");
    CHECK_EQ_STR(x.res->nodes[2].id, "c");
    CHECK_EQ_INT(x.res->nodes[2].parent_index, 1);
    CHECK(x.res->nodes[2].cancel_lost_edge);
    CHECK_EQ_UINT(x.res->nodes[2].findings, 1u << LINEAGE_F_CANCEL_LOST);
    lineage_reader_free(x.r);
    lineage_options o;
    lineage_options_default(&o);
    o.max_nodes = 2;
    x = read_text(HDR D("a", "root:untracked", "cancel", 1, 1, "") D("b", "a", "cancel", 2, 1, "")
                      D("c", "b", "cancel", 3, 1, "") E("c", "never", 4) D("d", "root:untracked", "cancel", 5, 2, "")
                          E("d", "never", 6),
                  0, &o);
    CHECK_EQ_UINT(x.res->totals[LINEAGE_F_NEVER_CANCELLED], 2);
    CHECK(x.res->nodes_truncated);
    CHECK(x.res->nnodes <= 2);
    lineage_reader_free(x.r);
}

/* new-root through the creating goroutine (the writer's "cg"): g 7 was
 * started by g 1 and makes a root from Background while g 1 holds a live
 * context that carries a cancellation. */
static void test_creator_held(void) {
    errors_seen = 0;
    /* positive: the request's context in g 1 is live when g 7 makes its root */
    const char *bad = HDR D("req", "root:untracked", "timeout", 1, 1, ",\"deadline\":5000001,\"timeout_us\":5000000")
        D("job", "root:background", "cancel", 2, 7, ",\"cg\":1") E("job", "cancel", 3) E("req", "cancel", 4);
    run x = read_text(bad, 0, NULL);
    CHECK_EQ_UINT(x.res->totals[LINEAGE_F_NEW_ROOT], 1);
    CHECK_EQ_UINT(total(x.res), 1);
    REQUIRE(x.res->nsites == 1);
    CHECK_EQ_INT(x.res->sites[0]->line, 7); /* the root's site (line = g in D) */
    REQUIRE(x.res->nnodes == 2);
    CHECK_EQ_STR(x.res->nodes[0].id, "req");
    CHECK_EQ_STR(x.res->nodes[1].id, "job");
    CHECK_EQ_STR(x.res->nodes[1].broken_from, "req"); /* the edge starts at the context it could have had */
    CHECK_EQ_INT(x.res->nodes[1].broken_index, 0);
    CHECK_EQ_INT(x.res->nodes[1].cg, 1);
    CHECK_EQ_INT(x.res->nodes[1].g, 7);
    lineage_reader_free(x.r);
    /* ... in any split, and with todo */
    for (size_t chunk = 1; chunk < 40; chunk += 7) {
        x = read_text(HDR D("req", "root:untracked", "cancel", 1, 1, "") D("job", "root:todo", "cancel", 2, 7,
                                                                             ",\"cg\":1") E("req", "cancel", 4),
                      chunk, NULL);
        CHECK_EQ_UINT(x.res->totals[LINEAGE_F_NEW_ROOT], 1);
        lineage_reader_free(x.r);
    }
    /* a WithValue over a cancellable context, in the creator, counts too */
    expect_only(HDR D("a", "root:untracked", "cancel", 1, 2, "") D("v", "a", "value", 2, 1, "")
                    D("job", "root:background", "cancel", 3, 7, ",\"cg\":1") E("job", "cancel", 4) E("a", "cancel", 5),
                LINEAGE_F_NEW_ROOT, 1);
    /* the newest live one is named */
    x = read_text(HDR D("old", "root:untracked", "cancel", 1, 1, "") D("new", "old", "cancel", 2, 1, "")
                      D("job", "root:background", "cancel", 3, 7, ",\"cg\":1") E("job", "cancel", 4)
                          E("old", "cancel", 5),
                  0, NULL);
    REQUIRE(x.res->nnodes >= 1);
    CHECK_EQ_STR(x.res->nodes[x.res->nnodes - 1].broken_from, "new");
    lineage_reader_free(x.r);

    /* negative: the creator's context ended before the root was made */
    expect_only(HDR D("req", "root:untracked", "cancel", 1, 1, "") E("req", "cancel", 2)
                    D("job", "root:background", "cancel", 3, 7, ",\"cg\":1") E("job", "cancel", 4),
                LINEAGE_F_NEW_ROOT, 0);
    /* ... made after the root (events out of time order) */
    expect_only(HDR D("req", "root:untracked", "cancel", 9, 1, "")
                    D("job", "root:background", "cancel", 3, 7, ",\"cg\":1") E("job", "cancel", 10)
                        E("req", "cancel", 11),
                LINEAGE_F_NEW_ROOT, 0);
    /* ... only a value root, which carries no cancellation to hand over */
    expect_only(HDR D("v", "root:background", "value", 1, 1, "")
                    D("job", "root:background", "cancel", 2, 7, ",\"cg\":1") E("job", "cancel", 3),
                LINEAGE_F_NEW_ROOT, 0);
    /* ... another goroutine (not the creator) holds one */
    expect_only(HDR D("req", "root:untracked", "cancel", 1, 2, "")
                    D("job", "root:background", "cancel", 2, 7, ",\"cg\":1") E("job", "cancel", 3)
                        E("req", "cancel", 4),
                LINEAGE_F_NEW_ROOT, 0);
    /* ... a root that is not Background/TODO (a server's context) */
    expect_only(HDR D("req", "root:untracked", "cancel", 1, 1, "")
                    D("job", "root:untracked", "cancel", 2, 7, ",\"cg\":1") E("job", "cancel", 3)
                        E("req", "cancel", 4),
                LINEAGE_F_NEW_ROOT, 0);
    /* ... a file without cg (written before it existed): as before */
    expect_only(HDR D("req", "root:untracked", "cancel", 1, 1, "") D("job", "root:background", "cancel", 2, 7, "")
                    E("job", "cancel", 3) E("req", "cancel", 4),
                LINEAGE_F_NEW_ROOT, 0);
    /* ... the same host and pid after a restart (a new header): goroutine 1
     * of the old process is not the creator */
    x = read_text(HDR D("req", "root:untracked", "cancel", 1, 1, "")
                      "{\"ev\":\"header\",\"v\":1,\"pid\":1,\"process\":\"t\",\"host\":\"h\",\"t\":100}\n"
                      D("job", "root:background", "cancel", 200, 7, ",\"cg\":1") E("job", "cancel", 201),
                  0, NULL);
    CHECK_EQ_UINT(x.res->totals[LINEAGE_F_NEW_ROOT], 0);
    CHECK_EQ_UINT(x.res->totals[LINEAGE_F_LIVE_AT_END], 1); /* the old process's req */
    lineage_reader_free(x.r);
    CHECK_EQ_UINT(errors_seen, 0);
}

int main(void) {
    test_correct_graph();
    test_each_finding();
    test_value_depth();
    test_memory_follows_live();
    test_edge_cases_any_split();
    test_remote_parent();
    test_endless_line();
    test_graph_nodes();
    test_creator_held();
    return check_finish();
}
