/* Helpers shared by the dump writers (dump_text.c, dump_json.c, dump_html.c). */
#ifndef LS_REPORT_DUMP_COMMON_H
#define LS_REPORT_DUMP_COMMON_H

#include "leakscope/dump.h"

/* The last path element of file. */
ls_str dump_file_base(ls_str file);
/* Seconds as "5m0s", "1h2m3s", "40s". */
void dump_put_duration(ls_buf *out, double seconds);
/* The suspect entry of bucket b, or NULL. */
const dump_suspect *dump_report_suspect_of(const dump_report *r, const dump_bucket *b);
/* Buckets to show: --top, or all when it is 0. */
size_t dump_report_shown(const dump_report *r);
/* Series buckets to chart or tabulate: those with an alert or growth, then the largest. */
size_t dump_report_series_shown(const dump_report *r);

#endif
