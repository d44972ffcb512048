/* Tests of lineage_scan_line: the event members, escapes, skipped values
 * and what makes a line bad (docs/lineage-events.md). */
#include <string.h>

#include "../check.h"
#include "leakscope/lineage.h"

static ls_buf scratch;

static lineage_scan_status scan(const char *line, lineage_event *ev) {
    const char *why = NULL;
    lineage_scan_status st = lineage_scan_line(line, strlen(line), ev, &scratch, &why);
    if (st != LINEAGE_SCAN_OK && st != LINEAGE_SCAN_BLANK)
        CHECK(why != NULL && why[0] != 0);
    return st;
}

static void test_derive_members(void) {
    lineage_event ev;
    CHECK_EQ_INT(scan("{\"ev\":\"derive\",\"id\":\"ln-1-aa-g37\",\"parent\":\"root:background\",\"kind\":\"timeout\","
                      "\"t\":1795432800012345,\"g\":37,\"func\":\"main.(*S).f\",\"file\":\"/a/b.go\",\"line\":88,"
                      "\"deadline\":1795432805012345,\"parent_deadline\":-5,\"timeout_us\":5000000,"
                      "\"value_depth\":2,\"held\":\"ln-0-bb-g37\",\"key\":\"main.k\"}",
                      &ev),
                 LINEAGE_SCAN_OK);
    CHECK_EQ_INT(ev.ev, LINEAGE_EV_DERIVE);
    CHECK_EQ_MEM(ev.id.ptr, ev.id.len, "ln-1-aa-g37");
    CHECK_EQ_MEM(ev.parent.ptr, ev.parent.len, "root:background");
    CHECK_EQ_MEM(ev.kind.ptr, ev.kind.len, "timeout");
    CHECK_EQ_MEM(ev.func.ptr, ev.func.len, "main.(*S).f");
    CHECK_EQ_MEM(ev.file.ptr, ev.file.len, "/a/b.go");
    CHECK_EQ_MEM(ev.held.ptr, ev.held.len, "ln-0-bb-g37");
    CHECK_EQ_MEM(ev.key.ptr, ev.key.len, "main.k");
    CHECK_EQ_INT(ev.t, 1795432800012345);
    CHECK_EQ_INT(ev.g, 37);
    CHECK_EQ_INT(ev.line, 88);
    CHECK_EQ_INT(ev.deadline, 1795432805012345);
    CHECK_EQ_INT(ev.parent_deadline, -5);
    CHECK_EQ_INT(ev.timeout_us, 5000000);
    CHECK_EQ_INT(ev.value_depth, 2);
    uint32_t want = LINEAGE_HAS_T | LINEAGE_HAS_G | LINEAGE_HAS_LINE | LINEAGE_HAS_DEADLINE |
                    LINEAGE_HAS_PARENT_DEADLINE | LINEAGE_HAS_TIMEOUT | LINEAGE_HAS_VALUE_DEPTH;
    CHECK_EQ_UINT(ev.has, want);    /* a root's creating goroutine */
    CHECK_EQ_INT(scan("{\"ev\":\"derive\",\"id\":\"x\",\"parent\":\"root:background\",\"kind\":\"cancel\","
                      "\"t\":5,\"g\":37,\"cg\":1}",
                      &ev),
                 LINEAGE_SCAN_OK);
    CHECK_EQ_INT(ev.cg, 1);
    CHECK_EQ_UINT(ev.has, LINEAGE_HAS_T | LINEAGE_HAS_G | LINEAGE_HAS_CG);
    CHECK_EQ_INT(scan("{\"ev\":\"derive\",\"id\":\"x\",\"cg\":\"1\"}", &ev), LINEAGE_SCAN_BAD_TYPE);
}

static void test_kinds_of_event(void) {
    lineage_event ev;
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"x\",\"t\":5,\"how\":\"never\"}", &ev), LINEAGE_SCAN_OK);
    CHECK_EQ_INT(ev.ev, LINEAGE_EV_END);
    CHECK_EQ_MEM(ev.how.ptr, ev.how.len, "never");
    CHECK_EQ_INT(scan("{\"ev\":\"drops\",\"t\":5,\"n\":1200}", &ev), LINEAGE_SCAN_OK);
    CHECK_EQ_INT(ev.ev, LINEAGE_EV_DROPS);
    CHECK_EQ_INT(ev.n, 1200);
    CHECK_EQ_INT(scan("{\"ev\":\"header\",\"v\":1,\"pid\":4242,\"process\":\"checkout\",\"host\":\"web-3\","
                      "\"sample\":0.05,\"go\":\"go1.26.8\"}",
                      &ev),
                 LINEAGE_SCAN_OK);
    CHECK_EQ_INT(ev.ev, LINEAGE_EV_HEADER);
    CHECK_EQ_INT(ev.pid, 4242);
    CHECK_EQ_MEM(ev.host.ptr, ev.host.len, "web-3");
    /* a later version's event: well-formed, so not an error, and its
     * members (even ones named like ours, with other types) are not read */
    CHECK_EQ_INT(scan("{\"ev\":\"spawn\",\"t\":\"soon\",\"id\":{\"a\":[1,2]}}", &ev), LINEAGE_SCAN_OK);
    CHECK_EQ_INT(ev.ev, LINEAGE_EV_UNKNOWN);
    CHECK_EQ_INT(scan("   \r", &ev), LINEAGE_SCAN_BLANK);
}

static void test_escapes(void) {
    lineage_event ev;
    CHECK_EQ_INT(scan("{\"ev\":\"derive\",\"func\":\"a\\\"b\\\\c\\/d\\n\\t\",\"file\":\"\\u00e9\\u20ac\\ud83d\\ude00\","
                      "\"key\":\"lone \\ud800 x\",\"id\":\"plain\"}",
                      &ev),
                 LINEAGE_SCAN_OK);
    CHECK_EQ_MEM(ev.func.ptr, ev.func.len, "a\"b\\c/d\n\t");
    CHECK_EQ_MEM(ev.file.ptr, ev.file.len, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    CHECK_EQ_MEM(ev.key.ptr, ev.key.len, "lone \xef\xbf\xbd x");
    CHECK_EQ_MEM(ev.id.ptr, ev.id.len, "plain"); /* decoded values did not move the earlier ones */
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"a\\qb\"}", &ev), LINEAGE_SCAN_SYNTAX);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"a\\u12\"}", &ev), LINEAGE_SCAN_SYNTAX);
}

static void test_skipped_values(void) {
    lineage_event ev;
    const char *line = "{\"ev\":\"derive\",\"extra\":{\"deep\":[[1,{\"x\":null}],true,false,-1.5e3]},"
                       "\"stack\":[\"main.f /a.go:1\",\"main.g /b.go:2\"],\"id\":\"after\",\"err\":\"context canceled\"}";
    CHECK_EQ_INT(scan(line, &ev), LINEAGE_SCAN_OK);
    CHECK_EQ_MEM(ev.stack.ptr, ev.stack.len, "[\"main.f /a.go:1\",\"main.g /b.go:2\"]");
    CHECK_EQ_MEM(ev.id.ptr, ev.id.len, "after");
    /* CRLF line ends */
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"x\",\"t\":1,\"how\":\"cancel\"}\r", &ev), LINEAGE_SCAN_OK);
    CHECK_EQ_MEM(ev.how.ptr, ev.how.len, "cancel");
}

static void test_bad_lines(void) {
    lineage_event ev;
    CHECK_EQ_INT(scan("hello", &ev), LINEAGE_SCAN_SYNTAX);
    CHECK_EQ_INT(scan("[1,2]", &ev), LINEAGE_SCAN_SYNTAX);
    CHECK_EQ_INT(scan("{\"id\":\"x\",\"ev\":\"end\"}", &ev), LINEAGE_SCAN_NOT_EV);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"x\"", &ev), LINEAGE_SCAN_SYNTAX);     /* truncated */
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"x", &ev), LINEAGE_SCAN_SYNTAX);       /* mid-string */
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"x\"} {}", &ev), LINEAGE_SCAN_SYNTAX); /* two objects */
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"t\":12x}", &ev), LINEAGE_SCAN_SYNTAX);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"t\":-}", &ev), LINEAGE_SCAN_SYNTAX);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":\"a\tb\"}", &ev), LINEAGE_SCAN_SYNTAX); /* raw control byte */
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"x\":[1,2}", &ev), LINEAGE_SCAN_SYNTAX);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"x\":nul}", &ev), LINEAGE_SCAN_SYNTAX);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"t\":\"5\"}", &ev), LINEAGE_SCAN_BAD_TYPE);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"id\":5}", &ev), LINEAGE_SCAN_BAD_TYPE);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"t\":1.5}", &ev), LINEAGE_SCAN_BAD_TYPE);
    CHECK_EQ_INT(scan("{\"ev\":\"end\",\"t\":99999999999999999999}", &ev), LINEAGE_SCAN_BAD_TYPE);
    CHECK_EQ_INT(scan("{\"ev\":7}", &ev), LINEAGE_SCAN_BAD_TYPE);
    /* nesting deeper than the skipper's stack: refused, not overflowed */
    char deep[200];
    strcpy(deep, "{\"ev\":\"end\",\"x\":");
    size_t n = strlen(deep);
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    deep[n] = 0;
    CHECK_EQ_INT(scan(deep, &ev), LINEAGE_SCAN_SYNTAX);
}

int main(void) {
    test_derive_members();
    test_kinds_of_event();
    test_escapes();
    test_skipped_values();
    test_bad_lines();
    ls_buf_free(&scratch);
    return check_finish();
}
