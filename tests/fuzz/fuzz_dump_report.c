/*
 * Fuzz target for everything after the readers: buckets (all three
 * groupings), ignores, suspects, a two-snapshot series, and the text, JSON
 * and HTML writers, on whatever the text and debug=1 readers make of the
 * input.  The input is read twice: its first half is the first snapshot,
 * all of it the second.  Invariants, abort()ing when broken: bucket counts
 * add up to the total, suspect goroutines never exceed it, every bucket is
 * found by its ID, the JSON starts with its version, the HTML ends its
 * document.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/dump.h"

static dump_buckets *read_into(const uint8_t *data, size_t size, dump_group group) {
    dump_buckets *b = dump_buckets_new(group);
    /* A parser given no bytes trips UBSan in its finish (pointer arithmetic
     * on a NULL buffer in split_lines); reported to the readers' owner. */
    if (size) {
        dump_parser *p = dump_parser_new(DUMP_FORMAT_AUTO, "fuzz", dump_buckets_sink, b);
        if (dump_parser_feed(p, data, size) == 0)
            dump_parser_finish(p);
        dump_parser_free(p);
    }
    dump_buckets_finish(b);
    return b;
}

static void check_buckets(const dump_buckets *b) {
    uint64_t sum = 0;
    for (size_t i = 0; i < dump_buckets_len(b); i++) {
        const dump_bucket *k = dump_buckets_at(b, i);
        sum += k->count;
        if (dump_buckets_find(b, k->id) != k || (i && k->count > dump_buckets_at(b, i - 1)->count))
            abort();
        if (k->wait_max >= 0 && (k->wait_min > k->wait_median || k->wait_median > k->wait_max))
            abort();
    }
    if (sum != dump_buckets_total(b))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    dump_group group = size ? (dump_group)(data[0] % 3) : DUMP_GROUP_LINE;
    dump_buckets *first = read_into(data, size / 2, group);
    dump_buckets *all = read_into(data, size, group);
    check_buckets(first);
    check_buckets(all);

    dump_ignore *ig = dump_ignore_new(true);
    dump_ignore_add_top(ig, "main.worker");
    char err[256];
    if (dump_ignore_add_stack(ig, "^main\\.[a-z]+ .*:1[0-9]$", err, sizeof err) != 0)
        abort();
    const dump_buckets *sets[2] = {first, all};
    double times[2] = {0, 120};
    dump_series *series = dump_series_analyze(NULL, times, sets, 2, ig);
    dump_suspect_options opt;
    dump_suspect_options_default(&opt);
    opt.deadlock = size && data[size - 1] & 1;
    dump_suspects *sus = dump_suspects_find(all, &opt, ig, series);
    if (sus->goroutines + sus->ignored_goroutines > dump_buckets_total(all))
        abort();

    dump_stats stats = {0};
    dump_report_input in[2] = {{.name = "first", .stats = &stats}, {.name = "all", .time = 120, .stats = &stats}};
    dump_report r = {.inputs = in, .ninputs = 2, .buckets = all, .suspects = sus, .series = series,
                     .ignore = ig, .top = 5, .color = size & 1, .width = 60, .stats = true};
    ls_buf out = {0};
    dump_report_text(&out, &r);
    out.len = 0;
    dump_report_json(&out, &r);
    if (out.len < 12 || memcmp(out.data, "{\"version\":1", 12) != 0)
        abort();
    out.len = 0;
    r.top = 0;
    dump_report_html(&out, &r);
    if (out.len < 15 || memcmp(out.data + out.len - 15, "</body></html>\n", 15) != 0)
        abort();
    ls_buf_free(&out);

    dump_suspects_free(sus);
    dump_series_free(series);
    dump_ignore_free(ig);
    dump_buckets_free(first);
    dump_buckets_free(all);
    return 0;
}
