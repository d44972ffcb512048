// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of leakscope probe: plain uprobes on a Go binary's
 * runtime (never uretprobes: they rewrite return addresses on goroutine
 * stacks, which the Go runtime moves, and crash the program).
 *
 *   newproc1 entry   counts creations begun (the creator g is in RBX, the
 *                    `go` statement's PC in RCX: Go's internal ABI passes
 *                    fn, callergp, callerpc in RAX, RBX, RCX);
 *   each newproc1 RET  RAX holds the new g: read goid, gopc, startpc and
 *                    parentGoid from it, remember it in `live`, emit CREATE;
 *   gdestroy entry   (or goexit0) RAX holds the dying g: forget it, emit EXIT.
 *
 * Field offsets are set by the loader per binary (DWARF or the version
 * table), as read-only globals.  CO-RE: vmlinux.h comes from the running
 * kernel's BTF at build time.
 */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "probe_events.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __s32 off_goid = -1;
const volatile __s32 off_gopc = -1;
const volatile __s32 off_startpc = -1;
const volatile __s32 off_parent_goid = -1;

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

static __always_inline void emit(__u32 kind, __u32 tgid, __u64 goid, __u64 now, const struct probe_record *rec) {
    struct probe_event *e = bpf_ringbuf_reserve(&events, sizeof *e, 0);
    if (!e) {
        count(PROBE_CNT_RINGBUF_DROP);
        return;
    }
    e->kind = kind;
    e->tgid = tgid;
    e->goid = goid;
    e->ts_ns = now;
    if (rec)
        e->rec = *rec;
    else
        __builtin_memset(&e->rec, 0, sizeof e->rec);
    /* Waking the reader per event costs a self-IPI (microseconds, more in
     * a VM); the reader drains on a timer and is woken only when the
     * buffer is a quarter full. */
    __u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    bpf_ringbuf_submit(e, queued > PROBE_RINGBUF_BYTES / 4 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

SEC("uprobe")
int newproc1_entry(struct pt_regs *ctx) {
    count(PROBE_CNT_NEWPROC_ENTRY);
    return 0;
}

SEC("uprobe")
int newproc1_ret(struct pt_regs *ctx) {
    __u64 g = ctx->ax;
    struct probe_key key = {.tgid = bpf_get_current_pid_tgid() >> 32};
    struct probe_record rec = {};
    if (!g || read_u64(g, off_goid, &key.goid) || read_u64(g, off_gopc, &rec.gopc) ||
        read_u64(g, off_startpc, &rec.startpc)) {
        count(PROBE_CNT_READ_FAIL);
        return 0;
    }
    read_u64(g, off_parent_goid, &rec.parent_goid); /* absent before Go 1.21 */
    rec.created_ns = bpf_ktime_get_ns();
    count(PROBE_CNT_CREATE);
    if (bpf_map_update_elem(&live, &key, &rec, BPF_ANY))
        count(PROBE_CNT_MAP_FULL);
    emit(PROBE_EV_CREATE, key.tgid, key.goid, rec.created_ns, &rec);
    return 0;
}

SEC("uprobe")
int goroutine_exit(struct pt_regs *ctx) {
    __u64 g = ctx->ax;
    struct probe_key key = {.tgid = bpf_get_current_pid_tgid() >> 32};
    if (!g || read_u64(g, off_goid, &key.goid)) {
        count(PROBE_CNT_READ_FAIL);
        return 0;
    }
    if (bpf_map_delete_elem(&live, &key) == 0)
        count(PROBE_CNT_EXIT);
    else
        count(PROBE_CNT_EXIT_UNKNOWN);
    emit(PROBE_EV_EXIT, key.tgid, key.goid, bpf_ktime_get_ns(), 0);
    return 0;
}
