/*
 * The dump parser API: the sink's stop request, format sniffing fed a byte
 * at a time, a hand-encoded pprof profile (inlined locations, numeric labels,
 * runtime frames hidden, goexit dropped, goroutineleak), malformed
 * protobufs, and memory that does not grow with the dump: 200,000 generated
 * goroutines through the text reader with peak RSS checked.
 */
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "../check.h"
#include "leakscope/dump.h"

/* ---- a sink that remembers a little of what it saw ------------------------ */

typedef struct seen {
    uint64_t records, goroutines, stop_after;
    char first_top[128];
    char last[2048]; /* the last record, as text */
} seen;

static void put(ls_buf *b, ls_str s) { ls_buf_append(b, s.ptr, s.len); }

static int remember(void *ctx, const dump_goroutine *g) {
    seen *s = ctx;
    s->records++;
    s->goroutines += g->count;
    ls_buf b = {0};
    ls_buf_printf(&b, "count=%llu leak=%d", (unsigned long long)g->count, g->from_leak_profile);
    for (size_t i = 0; i < g->nframes; i++) {
        ls_buf_puts(&b, "\n");
        put(&b, g->frames[i].func);
        ls_buf_puts(&b, " ");
        put(&b, g->frames[i].file);
        ls_buf_printf(&b, ":%u%s", g->frames[i].line, g->frames[i].inlined ? " inlined" : "");
    }
    for (size_t i = 0; i < g->nlabels; i++) {
        ls_buf_puts(&b, "\nlabel ");
        put(&b, g->labels[i].key);
        ls_buf_puts(&b, "=");
        put(&b, g->labels[i].value);
    }
    ls_buf_putc(&b, '\0');
    snprintf(s->last, sizeof s->last, "%s", b.data);
    if (s->records == 1 && g->nframes)
        snprintf(s->first_top, sizeof s->first_top, "%.*s", (int)g->frames[0].func.len,
                 g->frames[0].func.ptr);
    ls_buf_free(&b);
    return s->stop_after && s->records >= s->stop_after;
}

static const char two_stanzas[] = "goroutine 5 [chan send, 3 minutes]:\n"
                                  "main.f(0x1)\n"
                                  "\t/src/a.go:10 +0x1d\n"
                                  "\n"
                                  "goroutine 6 [select]:\n"
                                  "main.g()\n"
                                  "\t/src/a.go:20 +0x2\n";

static void test_sink_stops(void) {
    seen s = {.stop_after = 1};
    dump_parser *p = dump_parser_new(DUMP_FORMAT_TEXT, "two.txt", remember, &s);
    CHECK_EQ_INT(dump_parser_feed(p, two_stanzas, sizeof two_stanzas - 1), 0);
    CHECK_EQ_INT(dump_parser_finish(p), 0);
    CHECK_EQ_UINT(s.records, 1);
    CHECK_EQ_UINT(dump_parser_stats(p)->stacks, 1);
    CHECK_EQ_STR(s.first_top, "main.f");
    CHECK_EQ_PTR(dump_parser_error(p), NULL);
    dump_parser_free(p);
}

static void test_sniff_byte_at_a_time(void) {
    static const char d1[] = "goroutine profile: total 3\n"
                             "3 @ 0x1 0x2\n"
                             "# labels: {\"k\":\"v\"}\n"
                             "#\t0x46b4d0\tmain.worker+0x30\t\t/src/w.go:12\n"
                             "\n";
    seen s = {0};
    dump_parser *p = dump_parser_new(DUMP_FORMAT_AUTO, "d1", remember, &s);
    for (size_t i = 0; i + 1 < sizeof d1; i++)
        CHECK_EQ_INT(dump_parser_feed(p, d1 + i, 1), 0);
    CHECK_EQ_INT(dump_parser_finish(p), 0);
    CHECK_EQ_INT(dump_parser_stats(p)->format, DUMP_FORMAT_DEBUG1);
    CHECK_EQ_UINT(s.goroutines, 3);
    CHECK_EQ_STR(s.last, "count=3 leak=0\nmain.worker /src/w.go:12\nlabel k=v");
    dump_parser_free(p);

    seen t = {0};
    p = dump_parser_new(DUMP_FORMAT_AUTO, "two", remember, &t);
    for (size_t i = 0; i + 1 < sizeof two_stanzas; i++)
        CHECK_EQ_INT(dump_parser_feed(p, two_stanzas + i, 1), 0);
    CHECK_EQ_INT(dump_parser_finish(p), 0);
    CHECK_EQ_INT(dump_parser_stats(p)->format, DUMP_FORMAT_TEXT);
    CHECK_EQ_UINT(t.records, 2);
    dump_parser_free(p);
}

typedef struct deep_seen {
    size_t nframes;
    bool elided, created_by;
} deep_seen;

static int deep_sink(void *ctx, const dump_goroutine *g) {
    deep_seen *d = ctx;
    d->nframes = g->nframes;
    d->elided = g->frames_elided;
    d->created_by = g->has_created_by;
    return 0;
}

/* A stanza deeper than the reader keeps: cut, marked, nothing skipped. */
static void test_deep_stanza(void) {
    ls_buf b = {0};
    ls_buf_puts(&b, "goroutine 1 [running]:\n");
    for (int i = 0; i < 5000; i++)
        ls_buf_printf(&b, "main.f(...)\n\t/a.go:%d +0x1\n", i + 1);
    ls_buf_puts(&b, "created by main.main in goroutine 1\n\t/a.go:1 +0x1\n");
    deep_seen d = {0};
    dump_parser *p = dump_parser_new(DUMP_FORMAT_TEXT, "deep", deep_sink, &d);
    CHECK_EQ_INT(dump_parser_feed(p, b.data, b.len), 0);
    CHECK_EQ_INT(dump_parser_finish(p), 0);
    CHECK_EQ_UINT(d.nframes, 4096);
    CHECK(d.elided);
    CHECK(d.created_by);
    CHECK_EQ_UINT(dump_parser_stats(p)->skipped_lines, 0);
    CHECK_EQ_UINT(dump_parser_stats(p)->truncated_stanzas, 0);
    dump_parser_free(p);
    ls_buf_free(&b);
}

/* ---- a pprof profile encoded by hand ---------------------------------------- */

static void varint(ls_buf *b, uint64_t v) {
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        ls_buf_putc(b, (char)(v ? c | 0x80 : c));
    } while (v);
}
static void field_int(ls_buf *b, unsigned num, uint64_t v) {
    varint(b, (uint64_t)num << 3);
    varint(b, v);
}
static void field_bytes(ls_buf *b, unsigned num, const void *p, size_t n) {
    varint(b, (uint64_t)num << 3 | 2);
    varint(b, n);
    ls_buf_append(b, p, n);
}
static void field_msg(ls_buf *b, unsigned num, ls_buf *m) {
    field_bytes(b, num, m->data, m->len);
    m->len = 0;
}

/* strings: 0 "", 1 goroutine|goroutineleak, 2 count, 3 runtime.gopark,
 * 4 main.inner, 5 main.outer, 6 runtime.goexit, 7 /src/m.go, 8 proc.go,
 * 9 job, 10 export, 11 n */
static void encode_profile(ls_buf *out, const char *type) {
    const char *strings[] = {"", type, "count", "runtime.gopark", "main.inner", "main.outer",
                             "runtime.goexit", "/src/m.go", "proc.go", "job", "export", "n"};
    ls_buf m = {0}, sub = {0};
    field_int(&m, 1, 1), field_int(&m, 2, 2);
    field_msg(out, 1, &m); /* sample_type goroutine/count */
    /* sample: locations 1 (gopark), 2 (inner inlined into outer), 3 (goexit) */
    ls_buf packed = {0};
    varint(&packed, 1), varint(&packed, 2), varint(&packed, 3);
    field_bytes(&m, 1, packed.data, packed.len);
    field_int(&m, 2, 7); /* value, not packed */
    field_int(&sub, 1, 9), field_int(&sub, 2, 10);
    field_msg(&m, 3, &sub); /* job=export */
    field_int(&sub, 1, 11), field_int(&sub, 3, 42);
    field_msg(&m, 3, &sub); /* n=42 */
    field_msg(out, 2, &m);
    /* locations: id, line{function_id, line} */
    field_int(&m, 1, 2);
    field_int(&sub, 1, 2), field_int(&sub, 2, 5);
    field_msg(&m, 4, &sub);
    field_int(&sub, 1, 3), field_int(&sub, 2, 9);
    field_msg(&m, 4, &sub);
    field_msg(out, 4, &m);
    field_int(&m, 1, 1);
    field_int(&sub, 1, 1), field_int(&sub, 2, 400);
    field_msg(&m, 4, &sub);
    field_msg(out, 4, &m);
    field_int(&m, 1, 3);
    field_int(&sub, 1, 4), field_int(&sub, 2, 1700);
    field_msg(&m, 4, &sub);
    field_msg(out, 4, &m);
    /* functions: id, name, -, filename */
    unsigned fn[][3] = {{1, 3, 8}, {2, 4, 7}, {3, 5, 7}, {4, 6, 8}};
    for (size_t i = 0; i < 4; i++) {
        field_int(&m, 1, fn[i][0]), field_int(&m, 2, fn[i][1]), field_int(&m, 4, fn[i][2]);
        field_msg(out, 5, &m);
    }
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        field_bytes(out, 6, strings[i], strlen(strings[i]));
    field_int(&m, 1, 1), field_int(&m, 2, 2);
    field_msg(out, 11, &m);
    ls_buf_free(&m);
    ls_buf_free(&sub);
    ls_buf_free(&packed);
}

/* Reads text in one piece and in chunks of 5 bytes: the stats must agree. */
static const dump_stats *read_text(dump_parser **pp, seen *s, const char *text) {
    for (int chunked = 1; chunked >= 0; chunked--) {
        *s = (seen){0};
        *pp = dump_parser_new(DUMP_FORMAT_TEXT, "held", remember, s);
        size_t n = strlen(text), step = chunked ? 5 : n;
        for (size_t i = 0; i < n; i += step)
            CHECK_EQ_INT(dump_parser_feed(*pp, text + i, i + step < n ? step : n - i), 0);
        CHECK_EQ_INT(dump_parser_finish(*pp), 0);
        if (chunked)
            dump_parser_free(*pp);
    }
    return dump_parser_stats(*pp);
}

/* Lines before the first header are held until a log prefix may explain
 * them: a prefixed preamble is known output, other text is counted at its
 * own line, oldest first, however many lines there are. */
static void test_held_lines(void) {
    dump_parser *p;
    seen s;
    const dump_stats *st = read_text(&p, &s,
                                     "2026-11-23T10:00:00.5Z stderr F panic: boom\n"
                                     "2026-11-23T10:00:00.51Z stderr F [signal SIGSEGV: x]\n"
                                     "2026-11-23T10:00:00.123Z stderr F \n"
                                     "2026-11-23T10:00:00.123456789Z stderr F goroutine 1 [running]:\n"
                                     "2026-11-23T10:00:01.1Z stderr F main.main()\n"
                                     "2026-11-23T10:00:01.12Z stderr F \t/a.go:3 +0x1\n"
                                     "2026-11-23T10:00:01.123Z stderr F exit status 2\n"
                                     "2026-11-23T10:00:01.2Z stderr F Aborted (core dumped)\n");
    CHECK_EQ_UINT(s.records, 1);
    CHECK_EQ_UINT(st->skipped_lines, 0);
    CHECK_EQ_MEM(st->preamble.ptr, st->preamble.len, "panic: boom");
    CHECK_EQ_STR(s.last, "count=1 leak=0\nmain.main /a.go:3");
    dump_parser_free(p);

    /* not the prefix's shape: junk, at its line */
    st = read_text(&p, &s,
                   "app started\n"
                   "10:00:00 app: panic: boom\n"
                   "10:00:00 app: goroutine 1 [running]:\n"
                   "10:00:00 app: main.main()\n"
                   "10:00:00 app: \t/a.go:3 +0x1\n");
    CHECK_EQ_UINT(st->skipped_lines, 1);
    CHECK_EQ_UINT(st->first_problem_line, 1);
    CHECK_EQ_MEM(st->preamble.ptr, st->preamble.len, "panic: boom");
    dump_parser_free(p);

    ls_buf b = {0};
    for (int i = 0; i < 20; i++)
        ls_buf_printf(&b, "log line %d\n", i);
    ls_buf_puts(&b, "goroutine 1 [running]:\nmain.main()\n\t/a.go:3 +0x1\n\nlast words\n");
    ls_buf_putc(&b, '\0');
    st = read_text(&p, &s, b.data);
    CHECK_EQ_UINT(s.records, 1);
    CHECK_EQ_UINT(st->skipped_lines, 21);
    CHECK_EQ_UINT(st->first_problem_line, 1);
    CHECK_EQ_UINT(st->preamble.len, 0);
    dump_parser_free(p);

    /* a held line cut short is never read again */
    b.len = 0;
    ls_buf_puts(&b, "p: panic: ");
    for (int i = 0; i < 600; i++)
        ls_buf_putc(&b, 'x');
    ls_buf_puts(&b, "\np: goroutine 1 [running]:\np: main.main()\np: \t/a.go:3 +0x1\n");
    ls_buf_putc(&b, '\0');
    st = read_text(&p, &s, b.data);
    CHECK_EQ_UINT(s.records, 1);
    CHECK_EQ_UINT(st->skipped_lines, 1);
    CHECK_EQ_UINT(st->preamble.len, 0);
    dump_parser_free(p);
    ls_buf_free(&b);
}

/* A panic value spans lines up to the blank line (Go 1.21 and older print
 * its newlines raw, later versions indent them); go test's own lines
 * around a test binary's panic are known output too. */
static void test_panic_message_lines(void) {
    dump_parser *p;
    seen s;
    const dump_stats *st = read_text(&p, &s,
                                     "--- FAIL: TestX (0.00s)\n"
                                     "    --- FAIL: TestX/sub (0.00s)\n"
                                     "panic: test timed out after 1s\n"
                                     "running tests:\n"
                                     "\tTestX (1s)\n"
                                     "\n"
                                     "goroutine 1 [running]:\n"
                                     "main.main()\n"
                                     "\t/a.go:3 +0x1\n"
                                     "FAIL\tpkg\t1.005s\n"
                                     "FAIL\n"
                                     "*** Test killed with quit: ran too long (10m0s).\n"
                                     "\n"
                                     "after the blank line, text is junk again\n");
    CHECK_EQ_UINT(s.records, 1);
    CHECK_EQ_UINT(st->skipped_lines, 1);
    CHECK_EQ_UINT(st->first_problem_line, 14);
    CHECK_EQ_MEM(st->preamble.ptr, st->preamble.len, "panic: test timed out after 1s");
    dump_parser_free(p);
}

static void test_pprof_by_hand(void) {
    ls_buf pb = {0};
    encode_profile(&pb, "goroutineleak");
    seen s = {0};
    dump_parser *p = dump_parser_new(DUMP_FORMAT_AUTO, "hand.pb", remember, &s);
    /* in two pieces, split inside a field */
    CHECK_EQ_INT(dump_parser_feed(p, pb.data, 10), 0);
    CHECK_EQ_INT(dump_parser_feed(p, pb.data + 10, pb.len - 10), 0);
    CHECK_EQ_INT(dump_parser_finish(p), 0);
    CHECK_EQ_INT(dump_parser_stats(p)->format, DUMP_FORMAT_PPROF);
    CHECK_EQ_STR(s.last, "count=7 leak=1\nmain.inner /src/m.go:5 inlined\nmain.outer /src/m.go:9\n"
                         "label job=export\nlabel n=42");
    dump_parser_free(p);

    /* every truncation is an error naming the source and a byte, never a crash */
    for (size_t cut = 1; cut < pb.len; cut++) {
        seen t = {0};
        p = dump_parser_new(DUMP_FORMAT_PPROF, "cut.pb", remember, &t);
        int rc = dump_parser_feed(p, pb.data, cut);
        if (rc == 0)
            rc = dump_parser_finish(p);
        if (rc) {
            const char *e = dump_parser_error(p);
            CHECK(e && strncmp(e, "cut.pb: ", 8) == 0);
        }
        dump_parser_free(p);
    }
    ls_buf_free(&pb);
}

static void test_pprof_errors(void) {
    static const unsigned char bad[] = {0x0a, 0x05, 0x08, 0x01}; /* length runs past the end */
    dump_parser *p = dump_parser_new(DUMP_FORMAT_PPROF, "bad.pb", remember, &(seen){0});
    CHECK_EQ_INT(dump_parser_feed(p, bad, sizeof bad), 0);
    CHECK_EQ_INT(dump_parser_finish(p), -1);
    CHECK_EQ_STR(dump_parser_error(p),
                 "bad.pb: malformed pprof profile at byte 2: length-delimited field runs past its end");
    dump_parser_free(p);
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff, 0xff};
    p = dump_parser_new(DUMP_FORMAT_AUTO, "bad.gz", remember, &(seen){0});
    int rc = dump_parser_feed(p, gz, sizeof gz);
    if (rc == 0)
        rc = dump_parser_finish(p);
    CHECK_EQ_INT(rc, -1);
    CHECK(dump_parser_error(p) && strncmp(dump_parser_error(p), "bad.gz: ", 8) == 0);
    dump_parser_free(p);
}

/* ---- memory stays flat ----------------------------------------------------- */

static long peak_rss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void test_memory_bounded(void) {
    enum { GOROUTINES = 200000 };
    seen s = {0};
    dump_parser *p = dump_parser_new(DUMP_FORMAT_TEXT, "generated", remember, &s);
    ls_buf chunk = {0};
    long before = peak_rss_kb();
    uint64_t bytes = 0;
    clock_t t0 = clock();
    for (unsigned id = 1; id <= GOROUTINES; id++) {
        ls_buf_printf(&chunk,
                      "goroutine %u [chan receive, %u minutes]:\n"
                      "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
                      "\t/usr/local/go/src/runtime/proc.go:462 +0xce\n"
                      "runtime.chanrecv(0xc000%06x, 0x0, 0x1)\n"
                      "\t/usr/local/go/src/runtime/chan.go:667 +0x4ae\n"
                      "main.worker(...)\n"
                      "\t/src/app/worker.go:%u\n"
                      "main.main.gowrap1()\n"
                      "\t/src/app/main.go:20 +0x19\n"
                      "created by main.main in goroutine 1\n"
                      "\t/src/app/main.go:20 +0x37\n\n",
                      id, id % 90, id, 10 + id % 7);
        if (chunk.len > 60000 || id == GOROUTINES) {
            bytes += chunk.len;
            CHECK_EQ_INT(dump_parser_feed(p, chunk.data, chunk.len), 0);
            chunk.len = 0;
        }
    }
    CHECK_EQ_INT(dump_parser_finish(p), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    long grown = peak_rss_kb() - before;
    CHECK_EQ_UINT(s.goroutines, GOROUTINES);
    CHECK_EQ_UINT(dump_parser_stats(p)->skipped_lines, 0);
    /* a parser that kept anything per goroutine would grow by tens of MB
     * (ASan's quarantine of freed blocks makes RSS meaningless there) */
#if !defined(__SANITIZE_ADDRESS__)
    CHECK(grown < 4096);
#endif
    printf("memory: %u goroutines, %.1f MB of text, peak RSS grew by %ld kB; %.0f MB/s (with "
           "generation)\n",
           GOROUTINES, bytes / 1e6, grown, secs > 0 ? bytes / 1e6 / secs : 0.0);
    dump_parser_free(p);
    ls_buf_free(&chunk);
}

int main(void) {
    test_sink_stops();
    test_sniff_byte_at_a_time();
    test_deep_stanza();
    test_held_lines();
    test_panic_message_lines();
    test_pprof_by_hand();
    test_pprof_errors();
    test_memory_bounded();
    return check_finish();
}
