/*
 * String views and hashing.  A view never owns its bytes; hashing is
 * xxHash3 (inlined from the system header) because identifiers are hashed
 * once per token on the parser's hot path.
 */
#include "leakscope/base.h"

#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

ls_str ls_str_cstr(const char *s) { return ls_str_make(s, s ? strlen(s) : 0); }

bool ls_str_eq(ls_str a, ls_str b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool ls_str_eq_cstr(ls_str a, const char *s) { return ls_str_eq(a, ls_str_cstr(s)); }

bool ls_str_has_prefix(ls_str s, const char *prefix) {
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

uint64_t ls_hash(const void *data, size_t len) { return XXH3_64bits(data, len); }
