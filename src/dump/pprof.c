/* placeholder: the protobuf reader lands in the next commit */
#define _GNU_SOURCE /* memmem, memrchr */
#include <stdlib.h>

#include "dump_internal.h"

struct dump_pprof {
    int unused;
};

dump_pprof *dump_pprof_new(void) { return calloc(1, sizeof(dump_pprof)); }
void dump_pprof_free(dump_pprof *pb) { free(pb); }
int dump_pprof_feed(dump_parser *p, const unsigned char *data, size_t len) {
    (void)data, (void)len;
    dump_fail(p, "pprof profiles are not supported yet");
    return -1;
}
int dump_pprof_finish(dump_parser *p) {
    dump_fail(p, "pprof profiles are not supported yet");
    return -1;
}
