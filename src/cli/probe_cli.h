/* `leakscope probe`: options shared by the command's files. */
#ifndef LS_CLI_PROBE_CLI_H
#define LS_CLI_PROBE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "leakscope/probe.h"

typedef struct probe_opts {
    long max_leaked;      /* -1: no limit */
    uint64_t min_age_ns;  /* only goroutines this old count as leaked */
    uint64_t duration_ns; /* 0: until the program ends or Ctrl-C */
    bool all;             /* show runtime goroutines too */
    bool live;            /* --live: redraw the top sites once a second */
    bool count_calls;     /* --count-calls: also probe newproc1's entry */
    const char *follow;   /* regex of binary names to trace; NULL: the default */
    const char *json;     /* --json FILE, or NULL */
    const char *buckets;  /* --buckets FILE, or NULL */
} probe_opts;

int probe_run_command(const probe_opts *o, char **argv);
int probe_run_pid(const probe_opts *o, int pid);

/* A guard process that resumes the stopped processes of root's tree if
 * leakscope dies without releasing it (probe_guard.c).  Returns the fd to
 * release, or -1 (no guard: the trace goes on without one). */
int probe_guard_start(pid_t root);
void probe_guard_release(int fd);

/* --buckets (probe_buckets.c): adds the dump document of one program's n
 * live goroutines (addresses unbiased); writes them all to path at the end
 * (false, with a message, when it cannot). */
void probe_buckets_add(const probe_session *s, const gobin *b, const char *path, int pid,
                       const probe_goroutine *live, size_t n);
bool probe_buckets_write(const char *path);

#endif
