/* Helpers shared by the dump writers: file base names, durations, and
 * which buckets a report shows. */
#include <stdio.h>

#include "dump_common.h"

ls_str dump_file_base(ls_str file) {
    const char *end = file.ptr + file.len, *p = end;
    while (p > file.ptr && p[-1] != '/')
        p--;
    return ls_str_make(p, (size_t)(end - p));
}

void dump_put_duration(ls_buf *out, double seconds) {
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        ls_buf_printf(out, "%ldh%ldm%lds", s / 3600, s / 60 % 60, s % 60);
    else if (s >= 60)
        ls_buf_printf(out, "%ldm%lds", s / 60, s % 60);
    else
        ls_buf_printf(out, "%lds", s);
}

const dump_suspect *dump_report_suspect_of(const dump_report *r, const dump_bucket *b) {
    if (!r->suspects)
        return NULL;
    for (size_t i = 0; i < r->suspects->len; i++)
        if (r->suspects->at[i].bucket == b)
            return &r->suspects->at[i];
    return NULL;
}

size_t dump_report_shown(const dump_report *r) {
    size_t n = dump_buckets_len(r->buckets);
    return r->top && r->top < n ? r->top : n;
}

size_t dump_report_series_shown(const dump_report *r) {
    if (!r->series)
        return 0;
    size_t n = r->series->nbuckets, top = r->top ? r->top : 10;
    return top < n ? top : n;
}
