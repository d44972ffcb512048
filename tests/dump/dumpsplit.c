/*
 * Test driver for dump_read_buckets: reads each file with one thread, then
 * with 2, 3 and 4 threads and parts as small as the stanza boundaries allow
 * (min_part 1), and compares every field of every bucket and the reader's
 * counters.  Prints "FILE parts=N,N,N" (the parts each multi-threaded read
 * used) and exits 1 on the first difference, naming it.
 *
 *   dumpsplit [--group=line|func|exact] FILE...
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/dump.h"

static const char *where; /* the file and thread count being compared */

static bool differ(const char *what, size_t bucket) {
    fprintf(stderr, "dumpsplit: %s: bucket %zu: %s differs\n", where, bucket, what);
    return true;
}

static bool str_ne(ls_str a, ls_str b) { return a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len)); }

static bool frame_ne(const dump_frame *a, const dump_frame *b) {
    return str_ne(a->func, b->func) || str_ne(a->args, b->args) || str_ne(a->file, b->file) ||
           a->line != b->line || a->pc_offset != b->pc_offset || a->inlined != b->inlined;
}

static bool bucket_differs(const dump_buckets *sa, const dump_bucket *a, const dump_buckets *sb,
                           const dump_bucket *b, size_t i) {
    if (a->id != b->id || a->count != b->count)
        return differ("id or count", i);
    if (a->nframes != b->nframes)
        return differ("frame count", i);
    for (size_t f = 0; f < a->nframes; f++)
        if (frame_ne(&a->frames[f], &b->frames[f]))
            return differ("a frame", i);
    if (a->nstates != b->nstates)
        return differ("state count", i);
    for (size_t s = 0; s < a->nstates; s++)
        if (str_ne(a->states[s].state, b->states[s].state) || a->states[s].count != b->states[s].count)
            return differ("a state", i);
    if (a->wait_min != b->wait_min || a->wait_median != b->wait_median || a->wait_max != b->wait_max)
        return differ("wait times", i);
    if (a->has_created_by != b->has_created_by || (a->has_created_by && frame_ne(&a->created_by, &b->created_by)))
        return differ("created by", i);
    if (a->creator_bucket != b->creator_bucket)
        return differ("creator bucket", i);
    if (a->nlabels != b->nlabels)
        return differ("label count", i);
    for (size_t l = 0; l < a->nlabels; l++)
        if (str_ne(a->labels[l].key, b->labels[l].key) || str_ne(a->labels[l].value, b->labels[l].value))
            return differ("a label", i);
    if (a->example_id != b->example_id || a->in_leak_profile != b->in_leak_profile ||
        a->locked_to_thread != b->locked_to_thread)
        return differ("example ID, leak profile or locked count", i);
    if (dump_bucket_only_in_leak_profile(sa, a) != dump_bucket_only_in_leak_profile(sb, b))
        return differ("only in leak profile", i);
    return false;
}

static bool stats_differ(const dump_stats *a, const dump_stats *b) {
    bool same = a->bytes == b->bytes && a->lines == b->lines && a->goroutines == b->goroutines &&
                a->stacks == b->stacks && a->skipped_lines == b->skipped_lines &&
                a->truncated_stanzas == b->truncated_stanzas && a->first_problem_line == b->first_problem_line &&
                (a->first_problem == b->first_problem ||
                 (a->first_problem && b->first_problem && strcmp(a->first_problem, b->first_problem) == 0)) &&
                !str_ne(a->preamble, b->preamble) && a->format == b->format;
    if (!same)
        fprintf(stderr,
                "dumpsplit: %s: counters differ: lines %" PRIu64 "/%" PRIu64 ", goroutines %" PRIu64 "/%" PRIu64
                ", skipped %" PRIu64 "/%" PRIu64 ", first problem line %" PRIu64 "/%" PRIu64 "\n",
                where, a->lines, b->lines, a->goroutines, b->goroutines, a->skipped_lines, b->skipped_lines,
                a->first_problem_line, b->first_problem_line);
    return !same;
}

/* Reads path with opt into finished buckets, or NULL with the message in
 * *err; the stats' preamble is copied into pre (the reader's buffer is
 * reused by the next read). */
static dump_buckets *read_with(const char *path, dump_group group, const dump_read_options *opt, dump_stats *st,
                               char *pre, size_t pre_size, char **err) {
    dump_buckets *b = dump_buckets_new(group);
    memset(st, 0, sizeof *st);
    if (dump_read_buckets(path, DUMP_FORMAT_AUTO, b, opt, st, err) != 0) {
        dump_buckets_free(b);
        return NULL;
    }
    size_t n = st->preamble.len < pre_size ? st->preamble.len : pre_size - 1;
    memcpy(pre, st->preamble.ptr ? st->preamble.ptr : "", n);
    pre[n] = '\0';
    st->preamble = ls_str_make(pre, n);
    dump_buckets_finish(b);
    return b;
}

/* Both reads failed with the same message, or both succeeded. */
static bool errors_differ(const char *e1, const char *e2) {
    if (!e1 != !e2 || (e1 && strcmp(e1, e2) != 0)) {
        fprintf(stderr, "dumpsplit: %s: errors differ: '%s', '%s'\n", where, e1 ? e1 : "", e2 ? e2 : "");
        return true;
    }
    return false;
}

static bool buckets_differ(const dump_buckets *a, const dump_buckets *b) {
    if (dump_buckets_len(a) != dump_buckets_len(b)) {
        fprintf(stderr, "dumpsplit: %s: %zu buckets, not %zu\n", where, dump_buckets_len(b), dump_buckets_len(a));
        return true;
    }
    for (size_t i = 0; i < dump_buckets_len(a); i++)
        if (bucket_differs(a, dump_buckets_at(a, i), b, dump_buckets_at(b, i), i))
            return true;
    return false;
}

static bool compare_file(const char *path, dump_group group) {
    char pre1[512], pre2[512], label[1024];
    char *err1 = NULL, *err2 = NULL;
    dump_stats one, many;
    dump_read_options single = {.threads = 1};
    dump_buckets *a = read_with(path, group, &single, &one, pre1, sizeof pre1, &err1);
    bool bad = false;
    printf("%s parts=", path);
    for (unsigned t = 2; t <= 4 && !bad; t++) {
        dump_read_options opt = {.threads = t, .min_part = 1};
        dump_buckets *b = read_with(path, group, &opt, &many, pre2, sizeof pre2, &err2);
        printf("%s%u", t > 2 ? "," : "", many.parts);
        snprintf(label, sizeof label, "%s, %u threads", path, t);
        where = label;
        bad = errors_differ(err1, err2) || (a && (stats_differ(&one, &many) || buckets_differ(a, b)));
        dump_buckets_free(b);
        free(err2);
        err2 = NULL;
    }
    printf("\n");
    dump_buckets_free(a);
    free(err1);
    return !bad;
}

int main(int argc, char **argv) {
    dump_group group = DUMP_GROUP_LINE;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--group=func") == 0)
            group = DUMP_GROUP_FUNC;
        else if (strcmp(argv[i], "--group=exact") == 0)
            group = DUMP_GROUP_EXACT;
        else if (strcmp(argv[i], "--group=line") == 0)
            group = DUMP_GROUP_LINE;
        else if (!compare_file(argv[i], group))
            status = 1;
    }
    return status;
}
