/*
 * The dump writers (src/report/dump_*.c) on hand-built buckets whose names
 * carry everything that must be escaped: the JSON parses (cJSON) and holds
 * the same values, the HTML has no markup from the dump, the text is cut to
 * the width but keeps whole reasons.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "../dump/make_goroutine.h"

/* A function name as hostile as a dump can make it. */
#define EVIL_FUNC "main.(*T[</script><img src=x onerror=alert(1)>]).run\"\\"

static const dump_frame evil[] = {
    {.func = S("runtime.gopark"), .file = S("/usr/local/go/src/runtime/proc.go"), .line = 460},
    {.func = S("runtime.chansend1"), .file = S("/usr/local/go/src/runtime/chan.go"), .line = 161},
    {.func = S(EVIL_FUNC), .args = S("(0x1, \"x\")"), .file = S("/src/a&b/<x>.go"), .line = 7},
};

static dump_buckets *snapshot(uint64_t n) {
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    dump_label lab = {S("k\"</script>"), S("v\n")};
    for (uint64_t i = 0; i < n; i++) {
        dump_goroutine g = mk_goroutine(10 + i, "chan send", 50, evil, 3);
        g.labels = &lab;
        g.nlabels = 1;
        dump_buckets_sink(set, &g);
    }
    dump_buckets_finish(set);
    return set;
}

typedef struct fixture {
    dump_buckets *sets[3];
    double times[3];
    dump_series *series;
    dump_suspects *suspects;
    dump_ignore *ignore;
    dump_stats stats;
    dump_report_input inputs[3];
    dump_report report;
} fixture;

static void fixture_init(fixture *f) {
    memset(f, 0, sizeof *f);
    for (int i = 0; i < 3; i++) {
        f->sets[i] = snapshot(100 + 100 * (uint64_t)i);
        f->times[i] = 60.0 * i;
        f->inputs[i] = (dump_report_input){.name = i == 2 ? "a\"<b>.txt" : "x.txt", .time = f->times[i], .stats = &f->stats};
    }
    f->ignore = dump_ignore_new(true);
    f->series = dump_series_analyze(NULL, f->times, (const dump_buckets *const *)f->sets, 3, f->ignore);
    f->suspects = dump_suspects_find(f->sets[2], NULL, f->ignore, f->series);
    f->report = (dump_report){.inputs = f->inputs, .ninputs = 3, .buckets = f->sets[2], .suspects = f->suspects,
                              .series = f->series, .ignore = f->ignore, .top = 0, .width = 50};
}

static void fixture_free(fixture *f) {
    dump_suspects_free(f->suspects);
    dump_series_free(f->series);
    dump_ignore_free(f->ignore);
    for (int i = 0; i < 3; i++)
        dump_buckets_free(f->sets[i]);
}

static void test_json(fixture *f) {
    ls_buf out = {0};
    dump_report_json(&out, &f->report);
    ls_buf_putc(&out, '\0');
    cJSON *doc = cJSON_Parse(out.data);
    CHECK(doc != NULL);
    if (!doc) {
        ls_buf_free(&out);
        return;
    }
    CHECK_EQ_INT(cJSON_GetObjectItem(doc, "version")->valueint, 1);
    cJSON *b0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "buckets"), 0);
    cJSON *frame = cJSON_GetArrayItem(cJSON_GetObjectItem(b0, "frames"), 2);
    CHECK_EQ_STR(cJSON_GetObjectItem(frame, "func")->valuestring, EVIL_FUNC);
    CHECK_EQ_STR(cJSON_GetObjectItem(frame, "args")->valuestring, "(0x1, \"x\")");
    CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(b0, "labels"), "k\"</script>")->valuestring, "v\n");
    char hex[17];
    CHECK_EQ_STR(cJSON_GetObjectItem(b0, "id")->valuestring, dump_id_hex(dump_buckets_at(f->sets[2], 0)->id, hex));
    CHECK_EQ_INT(cJSON_GetObjectItem(b0, "count")->valueint, 300);
    cJSON *wait = cJSON_GetObjectItem(b0, "wait_minutes");
    CHECK_EQ_INT(cJSON_GetObjectItem(wait, "median")->valueint, 50);
    cJSON *series = cJSON_GetObjectItem(doc, "series");
    cJSON *sb = cJSON_GetArrayItem(cJSON_GetObjectItem(series, "buckets"), 0);
    CHECK_EQ_STR(cJSON_GetObjectItem(sb, "verdict")->valuestring, "grows");
    CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(sb, "counts")), 3);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(sb, "alert")));
    cJSON *sus = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "suspects"), 0);
    CHECK(strstr(cJSON_GetObjectItem(sus, "reason")->valuestring, "300 goroutines blocked in chan send for 50 minutes") != NULL);
    CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "inputs"), 2), "name")->valuestring,
                 "a\"<b>.txt");
    cJSON_Delete(doc);
    ls_buf_free(&out);
}

/* leakscope probe's documents: its tool name, the input's format "probe",
 * pid and goroutines without a stack; a dump's input has neither field. */
static void test_json_probe(fixture *f) {
    dump_report_input in = {.name = "/bin/svc", .time = 1795428000, .stats = &f->stats, .live_format = "probe",
                            .pid = 4242, .without_stack = 3};
    dump_report r = {.inputs = &in, .ninputs = 1, .buckets = f->sets[0], .ignore = f->ignore,
                     .tool = "leakscope probe"};
    ls_buf out = {0};
    dump_report_json(&out, &r);
    ls_buf_putc(&out, '\0');
    cJSON *doc = cJSON_Parse(out.data);
    CHECK(doc != NULL);
    if (doc) {
        cJSON *i0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "inputs"), 0);
        CHECK_EQ_STR(cJSON_GetObjectItem(doc, "tool")->valuestring, "leakscope probe");
        CHECK_EQ_STR(cJSON_GetObjectItem(i0, "format")->valuestring, "probe");
        CHECK_EQ_INT(cJSON_GetObjectItem(i0, "pid")->valueint, 4242);
        CHECK_EQ_INT(cJSON_GetObjectItem(i0, "without_stack")->valueint, 3);
        CHECK_EQ_INT(cJSON_GetObjectItem(doc, "total")->valueint, 100);
    }
    cJSON_Delete(doc);
    ls_buf_free(&out);
    dump_report_json(&out, &f->report);
    ls_buf_putc(&out, '\0');
    CHECK(strstr(out.data, "\"tool\":\"leakscope dump\"") != NULL);
    CHECK(strstr(out.data, "\"pid\"") == NULL && strstr(out.data, "\"without_stack\"") == NULL);
    ls_buf_free(&out);
}

static void test_html(fixture *f) {
    ls_buf out = {0};
    dump_report_html(&out, &f->report);
    ls_buf_putc(&out, '\0');
    /* nothing the dump says becomes markup */
    CHECK(strstr(out.data, "<img") == NULL);
    CHECK(strstr(out.data, "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;") != NULL);
    CHECK(strstr(out.data, "a&quot;&lt;b&gt;.txt") != NULL);
    CHECK(strstr(out.data, "/src/a&amp;b/&lt;x&gt;.go") != NULL);
    /* exactly the page's own scripts: the error handler, the data, the chart */
    size_t scripts = 0;
    for (const char *p = out.data; (p = strstr(p, "<script")) != NULL; p++)
        scripts++;
    CHECK_EQ_UINT(scripts, 3);
    size_t ends = 0;
    for (const char *p = out.data; (p = strstr(p, "</script>")) != NULL; p++)
        ends++;
    CHECK_EQ_UINT(ends, 3);
    CHECK(strstr(out.data, "http://") == NULL || strstr(out.data, "http://www.w3.org/2000/svg") != NULL);
    CHECK(strstr(out.data, "src=\"http") == NULL && strstr(out.data, "href=\"http") == NULL);
    ls_buf_free(&out);
}

static void test_text(fixture *f) {
    ls_buf out = {0};
    dump_report_text(&out, &f->report);
    ls_buf_putc(&out, '\0');
    /* cut to 50 columns: 49 characters and … */
    CHECK(strncmp(out.data, "300 goroutines in 1 bucket in the last of 3 snaps…\n", 53) == 0);
    CHECK(strstr(out.data, " 1. 300 goroutines blocked in chan send for 50 minutes on one stack; grows linearly") != NULL);
    /* every line but the reasons fits in 50 columns (… counts as one) */
    for (char *line = out.data; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line), cols = 0;
        for (size_t i = 0; i < len; i++)
            cols += ((unsigned char)line[i] & 0xc0) != 0x80;
        bool reason = len > 4 && line[1] >= '0' && line[1] <= '9' && line[2] == '.';
        if (!reason && !CHECK_HERE(cols <= 50)) {
            fprintf(stderr, "line of %zu columns: ", cols);
            check_print_bytes(line, len);
            fputc('\n', stderr);
        }
        line = nl ? nl + 1 : line + len;
    }
    ls_buf_free(&out);
}

int main(void) {
    fixture f;
    fixture_init(&f);
    test_json(&f);
    test_json_probe(&f);
    test_html(&f);
    test_text(&f);
    fixture_free(&f);
    return check_finish();
}
