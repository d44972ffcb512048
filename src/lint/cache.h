/*
 * The lint result cache (docs/lint.md, "Cache"): one file per directory of
 * a run, named by an XXH3-128 key over the leakscope version, the running
 * executable (size and mtime), the enabled rules with their severities, and
 * every file's path, Go version and content hash; it holds each file's
 * findings, input error and suppressed count.  Entries are written to a
 * temporary file and renamed; an unreadable, short or corrupt entry is a
 * miss; an unwritable directory means nothing is stored.
 */
#ifndef LEAKSCOPE_LINT_CACHE_H
#define LEAKSCOPE_LINT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "leakscope/lintrun.h"

typedef struct lint_cache lint_cache;

/* One file's results, as the engine keeps them. */
typedef struct lint_cache_file {
    const char *path;  /* load: the path the loaded strings point to */
    ls_arena *arena;   /* load: where the strings go */
    size_t suppressed;
    bool has_error;
    lint_error error;
    lint_finding *findings; /* load: malloc'ed, the caller frees it */
    size_t nfindings;
} lint_cache_file;

/* NULL when dir is NULL or empty, or cannot be created. */
lint_cache *lint_cache_open(const char *dir, const lint_rule *const *rules, size_t nrules);
void lint_cache_close(lint_cache *c);

/* Key of one directory's files: paths, their content hashes and Go versions. */
void lint_cache_key(const lint_cache *c, const char *const *paths, const uint8_t (*hashes)[16],
                    const int *minors, size_t n, uint8_t key[16]);
/* Content hash of a file; an errno value when it cannot be read. */
int lint_cache_hash_file(const char *path, uint8_t hash[16]);

/* Fills files[0..n) (path and arena set by the caller); false on a miss. */
bool lint_cache_load(const lint_cache *c, const uint8_t key[16], lint_cache_file *files, size_t n);
void lint_cache_store(const lint_cache *c, const uint8_t key[16], const lint_cache_file *files, size_t n);

#endif
