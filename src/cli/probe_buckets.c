/*
 * `leakscope probe --buckets FILE`: the goroutines alive at each traced
 * program's end in the JSON document of `leakscope dump --format json`
 * (docs/dump-json.md), one document per program, one per line.  The
 * goroutines go through the dump library as a dump's would (buckets,
 * built-in ignores, default suspect rules, its JSON writer), so the file
 * is a dump report of the process and its bucket IDs join with dumps of it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "probe_cli.h"

/* The documents written so far: compact, each ends with a newline. */
static ls_buf documents;

void probe_buckets_add(const probe_session *s, const gobin *b, const char *path, int pid,
                       const probe_goroutine *live, size_t n) {
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    dump_ignore *ignore = dump_ignore_new(true);
    if (!set || !ignore) {
        dump_buckets_free(set);
        dump_ignore_free(ignore);
        return;
    }
    size_t given = probe_dump_goroutines(s, b, live, n, dump_buckets_sink, set);
    dump_buckets_finish(set);
    dump_suspect_options sopt;
    dump_suspect_options_default(&sopt);
    dump_suspects *suspects = dump_suspects_find(set, &sopt, ignore, NULL);
    dump_stats stats = {.goroutines = given, .stacks = given};
    dump_report_input in = {
        .name = path,
        .time = (double)time(NULL),
        .stats = &stats,
        .live_format = "probe",
        .pid = pid,
        .without_stack = n - given,
    };
    dump_report r = {
        .inputs = &in,
        .ninputs = 1,
        .buckets = set,
        .suspects = suspects,
        .ignore = ignore,
        .tool = "leakscope probe",
    };
    dump_report_json(&documents, &r);
    dump_suspects_free(suspects);
    dump_ignore_free(ignore);
    dump_buckets_free(set);
}

bool probe_buckets_write(const char *path) {
    FILE *f = fopen(path, "w");
    bool ok = f && fwrite(documents.data ? documents.data : "", 1, documents.len, f) == documents.len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "leakscope probe: cannot write %s: %s\n", path, strerror(errno));
    ls_buf_free(&documents);
    return ok;
}
