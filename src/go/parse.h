/* The Go parser (private to src/go; the public API is in goast.h). */
#ifndef LS_GO_PARSE_H
#define LS_GO_PARSE_H

#include "leakscope/goast.h"

/* go_parse with the arena the file will live in (go_file_free frees it). */
go_file *go_parse_in(ls_arena *arena, const char *path, const char *src, size_t len,
                     const go_parse_options *opts, const ls_diag_sink *sink);

#endif
