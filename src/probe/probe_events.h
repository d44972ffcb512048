/*
 * What the BPF program (probe.bpf.c) and its loader (loader.c) share: the
 * ring-buffer event, the per-goroutine record, and the counter slots.  Plain
 * fixed-size integer types only, so both compilers lay them out the same.
 */
#ifndef LS_PROBE_EVENTS_H
#define LS_PROBE_EVENTS_H

enum probe_event_kind {
    PROBE_EV_EXEC = 3,      /* a followed process exec'd; it is stopped (SIGSTOP) until the loader attaches */
    PROBE_EV_PROC_EXIT = 4, /* a followed process ended (its leader thread exited) */
    PROBE_EV_EXITING = 5,   /* a traced process called runtime.exit; it is stopped (SIGSTOP) */
};

/* runtime.g field offsets of one traced process (its Go version). */
struct probe_goffsets {
    __s32 goid, gopc, startpc, parent_goid;
    /* The bytes of g holding all four (parent_goid when known): read in
     * one helper call at creation; span_len 0 when over PROBE_G_SPAN. */
    __s32 span_lo;
    __u32 span_len;
};

#define PROBE_G_SPAN 256

/* A goroutine is named by (process, goid): g structs are reused. */
struct probe_key {
    __u32 tgid;
    __u32 pad;
    __u64 goid;
};

struct probe_record {
    __u64 gopc;        /* PC after the `go` statement's call to newproc */
    __u64 startpc;     /* the goroutine's function */
    __u64 parent_goid; /* the creating goroutine */
    __u64 created_ns;  /* bpf_ktime_get_ns at creation */
    __u64 g;           /* address of the g struct */
    /* read by the loader from the process's memory when it is about to
     * exit (or at detach): g.atomicstatus and g.waitreason */
    __u32 status;
    __u8 waitreason;
    __u8 have_status;
    __u8 adopted;      /* running before the probe attached (created_ns: the attach) */
    __u8 pad;
    __u64 stack_id;    /* bucket ID of its stack (docs/dump-buckets.md), 0 if not read */
};

struct probe_event {
    __u32 kind; /* probe_event_kind */
    __u32 tgid;
    __u64 ts_ns;
};

/* Slots of the counters array (per CPU). */
enum probe_counter {
    PROBE_CNT_NEWPROC_ENTRY, /* newproc1 entered */
    PROBE_CNT_CREATE,        /* newproc1 returned a g */
    PROBE_CNT_EXIT,          /* a tracked goroutine ended */
    PROBE_CNT_EXIT_UNKNOWN,  /* a goroutine ended that was never seen created */
    PROBE_CNT_RINGBUF_DROP,  /* event lost: ring buffer full */
    PROBE_CNT_MAP_FULL,      /* record lost: live map full */
    PROBE_CNT_READ_FAIL,     /* the g struct could not be read */
    PROBE_CNT__COUNT
};

#define PROBE_MAX_LIVE (1u << 18) /* live-goroutine map entries */
#define PROBE_MAX_PROCS 4096      /* followed and traced processes */
#define PROBE_RINGBUF_BYTES (1u << 18) /* process events only: about 10,000 */

#endif
