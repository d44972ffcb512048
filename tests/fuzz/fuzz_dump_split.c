/*
 * libFuzzer target for dump_read_buckets cutting one file into parts: the
 * input is written to a memfd (a regular file that can be mapped) and read
 * with one thread, then with 2, 3 or 4 (the last byte picks) and parts as
 * small as the stanza boundaries allow.  abort()s when the bucket sets or
 * the counters differ: however the input looks, reading in parts must give
 * what one parser gives.  Seeds: corpus/dump_text.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leakscope/dump.h"

static bool str_eq(ls_str a, ls_str b) { return a.len == b.len && (!a.len || memcmp(a.ptr, b.ptr, a.len) == 0); }

static bool frame_eq(const dump_frame *a, const dump_frame *b) {
    return str_eq(a->func, b->func) && str_eq(a->args, b->args) && str_eq(a->file, b->file) &&
           a->line == b->line && a->pc_offset == b->pc_offset;
}

static void same_bucket(const dump_bucket *a, const dump_bucket *b) {
    if (a->id != b->id || a->count != b->count || a->nframes != b->nframes || a->nstates != b->nstates ||
        a->wait_min != b->wait_min || a->wait_median != b->wait_median || a->wait_max != b->wait_max ||
        a->has_created_by != b->has_created_by || a->creator_bucket != b->creator_bucket ||
        a->nlabels != b->nlabels || a->example_id != b->example_id || a->locked_to_thread != b->locked_to_thread ||
        a->in_leak_profile != b->in_leak_profile)
        abort();
    for (size_t i = 0; i < a->nframes; i++)
        if (!frame_eq(&a->frames[i], &b->frames[i]))
            abort();
    for (size_t i = 0; i < a->nstates; i++)
        if (!str_eq(a->states[i].state, b->states[i].state) || a->states[i].count != b->states[i].count)
            abort();
    for (size_t i = 0; i < a->nlabels; i++)
        if (!str_eq(a->labels[i].key, b->labels[i].key) || !str_eq(a->labels[i].value, b->labels[i].value))
            abort();
    if (a->has_created_by && !frame_eq(&a->created_by, &b->created_by))
        abort();
}

static void same_stats(const dump_stats *a, const dump_stats *b) {
    if (a->bytes != b->bytes || a->lines != b->lines || a->goroutines != b->goroutines || a->stacks != b->stacks ||
        a->skipped_lines != b->skipped_lines || a->truncated_stanzas != b->truncated_stanzas ||
        a->first_problem_line != b->first_problem_line || a->format != b->format)
        abort();
}

/* Reads path; returns the finished buckets (NULL on a read error) and the
 * stats with the preamble copied into pre[512]. */
static dump_buckets *read_path(const char *path, const dump_read_options *opt, dump_stats *st, char *pre) {
    dump_buckets *b = dump_buckets_new(DUMP_GROUP_LINE);
    char *err = NULL;
    int rc = dump_read_buckets(path, DUMP_FORMAT_AUTO, b, opt, st, &err);
    free(err);
    if (rc != 0) {
        dump_buckets_free(b);
        return NULL;
    }
    size_t n = st->preamble.len < 511 ? st->preamble.len : 511;
    memcpy(pre, st->preamble.ptr ? st->preamble.ptr : "", n);
    pre[n] = '\0';
    st->preamble = ls_str_make(pre, n);
    dump_buckets_finish(b);
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int fd = memfd_create("fuzz_dump_split", 0);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], pre1[512], pre2[512];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    dump_read_options one = {.threads = 1}, many = {.threads = size ? 2u + data[size - 1] % 3u : 2u, .min_part = 1};
    dump_stats s1, s2;
    dump_buckets *a = read_path(path, &one, &s1, pre1);
    dump_buckets *b = read_path(path, &many, &s2, pre2);
    if (!a != !b)
        abort();
    if (a) {
        same_stats(&s1, &s2);
        if (!str_eq(s1.preamble, s2.preamble) || dump_buckets_len(a) != dump_buckets_len(b))
            abort();
        for (size_t i = 0; i < dump_buckets_len(a); i++)
            same_bucket(dump_buckets_at(a, i), dump_buckets_at(b, i));
    }
    dump_buckets_free(a);
    dump_buckets_free(b);
    close(fd);
    return 0;
}
