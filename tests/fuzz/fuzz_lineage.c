/*
 * libFuzzer target for the lineage event reader: arbitrary bytes as an
 * event file, read twice (whole, and split at a point taken from the
 * input, which exercises the line carried between feeds), then every
 * report writer on the result, under ASan+UBSan.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks that the
 * split does not change what is read (events, bad lines, every finding
 * total) and that a graph node's parent and broken-chain indexes point to
 * earlier nodes; abort()s with a message when one breaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/lineage.h"

static void no_diag(void *ctx, const ls_diag *d) {
    (void)ctx;
    (void)d;
}

static void broken(const char *what) {
    fprintf(stderr, "fuzz_lineage: %s\n", what);
    abort();
}

static lineage_reader *read_split(const uint8_t *data, size_t size, size_t split, const lineage_options *o) {
    ls_diag_sink sink = {no_diag, NULL};
    lineage_reader *r = lineage_reader_new(o, sink);
    lineage_reader_begin_file(r, "fuzz.jsonl");
    lineage_reader_feed(r, (const char *)data, split);
    lineage_reader_feed(r, (const char *)data + split, size - split);
    lineage_reader_end_file(r);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lineage_options o;
    lineage_options_default(&o);
    o.max_value_depth = 3; /* small limits: reachable by short inputs */
    o.late_us = 10;
    o.max_nodes = 8;
    size_t split = size ? data[0] % (size + 1) : 0;
    lineage_reader *a = read_split(data, size, size, &o);
    lineage_reader *b = read_split(data, size, split, &o);
    const lineage_result *ra = lineage_reader_finish(a), *rb = lineage_reader_finish(b);
    if (ra->events != rb->events || ra->bad_lines != rb->bad_lines || ra->derives != rb->derives)
        broken("splitting the input changed what was read");
    if (memcmp(ra->totals, rb->totals, sizeof ra->totals) != 0)
        broken("splitting the input changed the findings");
    for (size_t i = 0; i < ra->nnodes; i++) {
        const lineage_gnode *n = &ra->nodes[i];
        if (n->parent_index >= (int32_t)i || n->broken_index >= (int32_t)i)
            broken("a graph node points to a later node");
    }
    if (ra->nnodes > o.max_nodes)
        broken("more graph nodes than max_nodes");
    ls_buf out = {0};
    lineage_report_text(&out, ra);
    lineage_report_json(&out, ra, &o);
    lineage_report_dot(&out, ra);
    lineage_report_html(&out, ra);
    ls_buf_free(&out);
    lineage_reader_free(a);
    lineage_reader_free(b);
    return 0;
}
