/*
 * libFuzzer target for the targets file of `leakscope watch`
 * (watch_targets_parse): arbitrary bytes must give either targets or an
 * error message of the form "NAME:LINE: ...", never a crash, a leak or
 * undefined behaviour; a rejected file adds no target; every target that
 * is accepted has a name, a URL and a positive interval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/watch.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
    dump_series_options d;
    dump_series_options_default(&d);
    watch_targets t = {0};
    char err[1024] = "";
    int rc = watch_targets_parse(&t, "fuzz.yml", (const char *)data, size, DUMP_FORMAT_PPROF, 30, &d, err, sizeof err);
    if (rc != 0 && (t.len != 0 || strncmp(err, "fuzz.yml:", 9) != 0)) {
        fprintf(stderr, "rejected input: %zu targets added, message '%s'\n", t.len, err);
        abort();
    }
    for (size_t i = 0; rc == 0 && i < t.len; i++) {
        if (!t.at[i].name || !t.at[i].url || !(t.at[i].interval > 0)) {
            fprintf(stderr, "target %zu is incomplete\n", i);
            abort();
        }
    }
    watch_targets_free(&t);
    return 0;
}
