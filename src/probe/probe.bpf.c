// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of leakscope probe: plain uprobes on a Go binary's
 * runtime (never uretprobes: they rewrite return addresses on goroutine
 * stacks, which the Go runtime moves, and crash the program).
 *
 *   newproc1 entry   counts creations begun (the creator g is in RBX, the
 *                    `go` statement's PC in RCX: Go's internal ABI passes
 *                    fn, callergp, callerpc in RAX, RBX, RCX);
 *   newproc1, the first emulated instruction after the goid is set
 *                    (else each RET): the register the loader names in the
 *                    cookie (RAX at a RET) holds the new g: read goid, gopc,
 *                    startpc and parentGoid from it, remember it in
 *                    `live` (no event: the
 *                    loader reads `live`; a ring buffer record per
 *                    goroutine would double the program's cost);
 *   gdestroy entry   (or goexit0) RAX holds the dying g: forget it.
 *
 * The loader puts the busy probes on instructions the kernel emulates (a
 * call, the prologue's conditional jump) rather than single-steps: see
 * gobin_entry_probe_site in gobin.h.
 *   runtime.exit     stop the process (SIGSTOP) and emit EXITING, so the
 *                    loader reads the goroutines' states before they vanish.
 *
 * Field offsets are set by the loader per process (its binary's DWARF or
 * the version table) in `offsets`.  Processes to follow are in `followed`:
 * their forks are added, and when one execs it is stopped with SIGSTOP
 * and reported (EXEC), so the loader can attach to the new binary before
 * it runs a single instruction, then resume it.  CO-RE: vmlinux.h comes
 * from the running kernel's BTF at build time.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "probe_events.h"

char LICENSE[] SEC("license") = "GPL";

#define SIGSTOP 19

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, PROBE_MAX_PROCS);
    __type(key, __u32); /* tgid */
    __type(value, struct probe_goffsets);
} offsets SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, PROBE_MAX_PROCS);
    __type(key, __u32); /* tgid */
    __type(value, __u8);
} followed SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, PROBE_RINGBUF_BYTES);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, PROBE_MAX_LIVE);
    __type(key, struct probe_key);
    __type(value, struct probe_record);
} live SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, PROBE_CNT__COUNT);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 slot) {
    __u64 *c = bpf_map_lookup_elem(&counters, &slot);
    if (c)
        (*c)++;
}

static __always_inline int read_u64(__u64 g, __s32 off, __u64 *v) {
    if (off < 0)
        return -1;
    return bpf_probe_read_user(v, sizeof *v, (const void *)(g + (__u64)off));
}

/* Process events only (exec, exit, runtime.exit): rare, and the loader
 * must act on each at once, so every one wakes it.  Goroutines produce no
 * event: the loader reads the `live` map. */
static __always_inline void emit(__u32 kind, __u32 tgid) {
    struct probe_event *e = bpf_ringbuf_reserve(&events, sizeof *e, 0);
    if (!e) {
        count(PROBE_CNT_RINGBUF_DROP);
        return;
    }
    e->kind = kind;
    e->tgid = tgid;
    e->ts_ns = bpf_ktime_get_ns();
    bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
}

struct g_span {
    __u8 b[PROBE_G_SPAN];
};

/* One span of g per CPU: too big for the BPF stack. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct g_span);
} g_bytes SEC(".maps");

static __always_inline int span_u64(const struct g_span *sp, __s32 off, __s32 lo, __u64 *v) {
    __u32 i = (__u32)(off - lo);
    if (off < 0 || i > PROBE_G_SPAN - 8)
        return -1;
    __builtin_memcpy(v, sp->b + i, sizeof *v);
    return 0;
}

/* goid, gopc, startpc and parentGoid of the new g: one read of the span of
 * g that holds them (each helper call costs), else one read each. */
static __always_inline int read_new_g(__u64 g, const struct probe_goffsets *o, __u64 *goid,
                                      struct probe_record *rec) {
    __u32 zero = 0, len = o->span_len;
    struct g_span *sp = bpf_map_lookup_elem(&g_bytes, &zero);
    if (sp && len > 0 && len <= PROBE_G_SPAN && o->span_lo >= 0 &&
        bpf_probe_read_user(sp->b, len, (const void *)(g + (__u64)o->span_lo)) == 0) {
        if (span_u64(sp, o->goid, o->span_lo, goid) || span_u64(sp, o->gopc, o->span_lo, &rec->gopc) ||
            span_u64(sp, o->startpc, o->span_lo, &rec->startpc))
            return -1;
        span_u64(sp, o->parent_goid, o->span_lo, &rec->parent_goid); /* absent before Go 1.21 */
        return 0;
    }
    if (read_u64(g, o->goid, goid) || read_u64(g, o->gopc, &rec->gopc) || read_u64(g, o->startpc, &rec->startpc))
        return -1;
    read_u64(g, o->parent_goid, &rec->parent_goid);
    return 0;
}

/* The register the loader found holding the new g at this probe's site
 * (the cookie: a gobin_reg, gobin.h; RAX at a RET). */
static __always_inline __u64 newg_register(const struct pt_regs *ctx, __u64 reg) {
    /* Loaded one by one: a switch compiles to a computed context offset,
     * which the verifier refuses. */
    __u64 regs[16] = {ctx->ax, ctx->bx, ctx->cx,  ctx->dx,  ctx->si,  ctx->di,  ctx->r8,
                      ctx->r9, ctx->r10, ctx->r11, ctx->r12, ctx->r13, ctx->r14, ctx->r15};
    return regs[reg & 15];
}

SEC("uprobe")
int newproc1_entry(struct pt_regs *ctx) {
    count(PROBE_CNT_NEWPROC_ENTRY);
    return 0;
}

SEC("uprobe")
int goroutine_created(struct pt_regs *ctx) {
    __u64 g = newg_register(ctx, bpf_get_attach_cookie(ctx));
    struct probe_key key = {.tgid = bpf_get_current_pid_tgid() >> 32};
    struct probe_record rec = {};
    struct probe_goffsets *o = bpf_map_lookup_elem(&offsets, &key.tgid);
    if (!o || !g || read_new_g(g, o, &key.goid, &rec)) {
        count(PROBE_CNT_READ_FAIL);
        return 0;
    }
    rec.g = g;
    rec.created_ns = bpf_ktime_get_ns();
    count(PROBE_CNT_CREATE);
    if (bpf_map_update_elem(&live, &key, &rec, BPF_ANY))
        count(PROBE_CNT_MAP_FULL);
    return 0;
}

SEC("uprobe")
int goroutine_exit(struct pt_regs *ctx) {
    __u64 g = ctx->ax;
    struct probe_key key = {.tgid = bpf_get_current_pid_tgid() >> 32};
    struct probe_goffsets *o = bpf_map_lookup_elem(&offsets, &key.tgid);
    if (!o || !g || read_u64(g, o->goid, &key.goid)) {
        count(PROBE_CNT_READ_FAIL);
        return 0;
    }
    if (bpf_map_delete_elem(&live, &key) == 0)
        count(PROBE_CNT_EXIT);
    else
        count(PROBE_CNT_EXIT_UNKNOWN);
    return 0;
}

/* runtime.exit (main returned, os.Exit, a fatal error): stop the process
 * so that the loader can read the status and wait reason of the goroutines
 * still alive from its memory, then resume it. */
SEC("uprobe")
int runtime_exit(struct pt_regs *ctx) {
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (!bpf_map_lookup_elem(&offsets, &tgid))
        return 0;
    bpf_send_signal(SIGSTOP);
    emit(PROBE_EV_EXITING, tgid);
    return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child) {
    __u32 ptgid = parent->tgid, ctgid = child->tgid;
    __u8 one = 1;
    if (ptgid != ctgid && bpf_map_lookup_elem(&followed, &ptgid)) /* a process, not a thread */
        bpf_map_update_elem(&followed, &ctgid, &one, BPF_NOEXIST);
    return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (!bpf_map_lookup_elem(&followed, &tgid))
        return 0;
    bpf_map_delete_elem(&offsets, &tgid); /* a new image: unknown until attached */
    bpf_send_signal(SIGSTOP);             /* stops before the new image's first instruction */
    emit(PROBE_EV_EXEC, tgid);
    return 0;
}

/* A thread other than the leader that execs has the kernel end the leader
 * first (de_thread, with signal->group_exec_task set): that exit is not
 * the process's end, and the exec that follows must still find the
 * process followed.  (Kernels before 5.17 lack the field: there such an
 * exec ends the trace of the process.) */
static __always_inline bool leader_ends_for_exec(struct task_struct *p) {
    if (!bpf_core_field_exists(p->signal->group_exec_task))
        return false;
    return BPF_CORE_READ(p, signal, group_exec_task) != NULL;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p) {
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    if ((__u32)id != tgid || !bpf_map_lookup_elem(&followed, &tgid) || leader_ends_for_exec(p))
        return 0; /* a thread, not followed, or the leader giving way to an exec */
    bpf_map_delete_elem(&followed, &tgid);
    bpf_map_delete_elem(&offsets, &tgid);
    emit(PROBE_EV_PROC_EXIT, tgid);
    return 0;
}
