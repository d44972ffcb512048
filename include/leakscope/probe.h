/*
 * leakscope probe: follows the goroutines of unmodified Go programs with
 * eBPF uprobes (docs/probe.md).  A session loads the BPF program once;
 * each traced process is attached from its binary (gobin.h): a uprobe at
 * runtime.newproc1's entry and at each of its RET instructions, and one at
 * runtime.gdestroy (goexit0 when the binary has no gdestroy).
 *
 * Needs root, or CAP_BPF + CAP_PERFMON; probe_session_open says so when
 * the kernel refuses.
 */
#ifndef LEAKSCOPE_PROBE_H
#define LEAKSCOPE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakscope/dump.h"
#include "leakscope/gobin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct probe_session probe_session;

typedef struct probe_counters {
    uint64_t newproc_entries, creates, exits, exits_unknown; /* newproc_entries: with probe_count_calls */
    uint64_t ringbuf_drops, map_full, read_fails;
} probe_counters;

/* A goroutine alive now, as the kernel's map holds it. */
typedef struct probe_goroutine {
    uint32_t tgid;
    uint64_t goid, gopc, startpc, parent_goid;
    uint64_t age_ns; /* since creation (adopted: since the attach, a lower bound) */
    bool adopted;    /* already running when the probe attached (probe_adopt_existing) */
    uint64_t g;      /* address of its g struct */
    bool have_status; /* status and waitreason were read (probe_snapshot) */
    uint32_t status;  /* g.atomicstatus: 1 runnable, 2 running, 3 syscall, 4 waiting, ... */
    uint8_t waitreason; /* g.waitreason: an index of gobin_wait_reason */
    uint64_t stack_id;  /* bucket ID of its stack when read (probe_snapshot), else 0 */
} probe_goroutine;

/* Loads the BPF program and attaches the process tracepoints.  0, or -1
 * with a message in err. */
int probe_session_open(probe_session **out, char *err, size_t errlen);
void probe_session_close(probe_session *s); /* detaches every probe */

/*
 * Also probe runtime.newproc1's entry, to count the calls and so check that
 * every creation was seen at a RET.  Off by default: a uprobe hit costs
 * microseconds, more in a VM, and this one adds nothing to the report.
 * Applies to the binaries attached afterwards.
 */
void probe_count_calls(probe_session *s, bool on);

/*
 * Attaches the probes to the binary at path (already read into b) for
 * process pid (> 0), with the runtime.g offsets of b.  0, or -1 with err.
 */
int probe_attach(probe_session *s, const gobin *b, const char *path, int pid, char *err, size_t errlen);

/* How many probe_attach calls found no emulated creation site in
 * runtime.newproc1 (gobin_newg_probe_site) and probed its RETs instead:
 * correct, but each goroutine costs far more (docs/probe.md, "Cost"). */
size_t probe_slow_attaches(const probe_session *s);
/* Detaches the probes of process tgid and forgets its goroutines. */
void probe_detach(probe_session *s, uint32_t tgid);

/*
 * Follows process tgid and the processes it forks: each exec of one is
 * stopped (SIGSTOP) and reported as PROBE_PROC_EXEC; the caller attaches
 * (or not) and resumes it with SIGCONT.  Its end is PROBE_PROC_EXIT.
 */
int probe_follow(probe_session *s, uint32_t tgid);

typedef enum probe_proc_kind {
    PROBE_PROC_EXEC = 1,    /* exec'd; stopped until SIGCONT */
    PROBE_PROC_EXIT = 2,    /* ended */
    PROBE_PROC_EXITING = 3, /* traced and calling runtime.exit; stopped until SIGCONT */
} probe_proc_kind;
typedef struct probe_proc_event {
    probe_proc_kind kind;
    uint32_t tgid;
} probe_proc_event;
/* Takes up to max process events received by probe_poll, oldest first. */
size_t probe_take_proc_events(probe_session *s, probe_proc_event *out, size_t max);

/*
 * Reads g.atomicstatus and g.waitreason of every live goroutine of tgid
 * from its memory (the process must exist: stopped at runtime.exit, or
 * running) into the records, and the stack of each parked one (waiting or
 * runnable), unwound from g.sched through the pclntab of b (loaded at
 * bias): its bucket ID (docs/dump-buckets.md, `line` grouping) goes into
 * the record, its text into the session (probe_stack).  Returns how many
 * goroutines were read.  A record whose g now holds another goroutine
 * or a dead one (it ended unseen, e.g. between an adoption's read and its
 * record) is dropped, unless the creation probe made it moments ago: a g
 * being born still reads dead (probe_record.h); it is kept, unread.
 */
long probe_snapshot(probe_session *s, uint32_t tgid, const gobin *b, uint64_t bias);

/*
 * -p: records the goroutines of tgid that were running before the probes
 * were attached (call it after probe_attach), read from the runtime's
 * `allgs` slice in the process's memory; their age counts from now.
 * Returns how many were added, or -1 when the binary has no
 * `runtime.allgs` symbol (stripped) or the memory cannot be read.
 */
long probe_adopt_existing(probe_session *s, uint32_t tgid, const gobin *b, uint64_t bias);

/* The stack with bucket ID id as "FUNC FILE:LINE\n" lines, innermost
 * first (the bytes the ID hashes), or NULL when not read. */
const char *probe_stack(const probe_session *s, uint64_t id);

/* Consumes ring-buffer events for up to timeout_ms; returns the number
 * consumed or -1 on error. */
int probe_poll(probe_session *s, int timeout_ms);

void probe_read_counters(probe_session *s, probe_counters *c);

/* The goroutines of tgid still alive (0: all processes), into *out (the
 * caller frees); returns how many, or -1 on error. */
long probe_live(probe_session *s, uint32_t tgid, probe_goroutine **out);

/*
 * Live goroutines grouped by creation site: the `go` statement (file:line
 * of gopc, as the runtime's "created by" line gives it) and the function
 * the goroutine runs.  Sorted by count (most first), then file and line.
 */
typedef struct probe_site {
    const char *file; /* "?" when unknown */
    uint32_t line;
    const char *creator; /* the function holding the go statement */
    const char *start;   /* the goroutine's function */
    uint64_t count;
    uint64_t aged; /* of count, those at least min_age_ns old */
    uint64_t oldest_ns, youngest_ns;
    /* the state of the oldest goroutine, when read: "chan receive" (the
     * binary's wait-reason name), "waiting", "runnable", ...; NULL if not */
    const char *state;
    uint64_t stack_id; /* bucket ID of the oldest goroutine's stack; 0 if not read */
    bool runtime; /* started by or running the runtime (runtime.*): hidden by default */
} probe_site;

/* Groups n goroutines of binary b into *out (the caller frees); returns
 * the number of sites. */
size_t probe_group_sites(const gobin *b, const probe_goroutine *g, size_t n, uint64_t min_age_ns,
                         probe_site **out);

/* The state of g as a traceback names it: its wait reason in the binary's
 * words when waiting ("chan receive"), else "runnable", "running",
 * "syscall"...; NULL when not read (probe_snapshot). */
const char *probe_goroutine_state(const gobin *b, const probe_goroutine *g);

/*
 * Hands each of the n goroutines (of binary b, addresses unbiased) whose
 * stack was read to sink as the dump_goroutine a traceback stanza of it
 * would give: goid, state, frames (innermost first, runtime frames kept, no
 * arguments), `created by` (the go statement) and the parent goid, with no
 * wait time, labels or thread lock (the probe reads none).  With
 * dump_buckets_sink, the buckets and IDs are those of `leakscope dump`
 * (docs/dump-buckets.md).  Returns how many were handed over; the others
 * (running, in a system call, or not read) have no stack.
 */
size_t probe_dump_goroutines(const probe_session *s, const gobin *b, const probe_goroutine *g, size_t n,
                             dump_sink_fn sink, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
