/*
 * The user-space side of leakscope probe: loads probe.bpf.c through its
 * bpftool-generated skeleton, sets the runtime.g field offsets of the
 * binary, attaches plain uprobes by file offset (libbpf uses
 * perf_event_open, so no tracefs is needed) and the process tracepoints
 * (fork, exec, exit) that let it follow a command's descendants, and reads
 * the events, the counters and the live-goroutine map.  Every link is kept
 * (with its process) so that a process's end or closing the session
 * detaches its probes.
 */
#define _GNU_SOURCE /* process_vm_readv */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "leakscope/base.h"
#include "leakscope/dump.h"
#include "gobin_internal.h"
#include "leakscope/probe.h"
#include "probe.skel.h"
#include "probe_events.h"
#include "probe_record.h"

#define MAX_RETS 64

typedef struct probe_stack_text {
    uint64_t id;
    const char *text;
} probe_stack_text;

typedef struct probe_link {
    struct bpf_link *link;
    uint32_t tgid; /* 0: the session's own (tracepoints) */
} probe_link;

struct probe_session {
    struct probe_bpf *skel;
    struct ring_buffer *rb;
    probe_link *links;
    size_t nlinks, caplinks;
    uint64_t events;
    probe_proc_event *procs; /* EXEC and PROC_EXIT events not yet taken */
    size_t nprocs, capprocs;
    probe_stack_text *stacks; /* read by probe_snapshot, by bucket ID */
    size_t nstacks, capstacks;
    ls_arena *arena;          /* stack texts */
    bool count_calls;         /* also probe newproc1's entry */
    size_t slow_attaches;     /* binaries whose creation probe fell back to newproc1's RETs */
};

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap) {
    (void)level, (void)fmt, (void)ap;
    return 0;
}

static int on_event(void *ctx, void *data, size_t size) {
    probe_session *s = ctx;
    const struct probe_event *e = data;
    if (size < sizeof *e)
        return 0;
    s->events++;
    if (e->kind != PROBE_EV_EXEC && e->kind != PROBE_EV_PROC_EXIT && e->kind != PROBE_EV_EXITING)
        return 0;
    if (s->nprocs == s->capprocs) {
        size_t cap = s->capprocs ? s->capprocs * 2 : 16;
        probe_proc_event *n = realloc(s->procs, cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        s->procs = n;
        s->capprocs = cap;
    }
    s->procs[s->nprocs++] = (probe_proc_event){e->kind == PROBE_EV_EXEC        ? PROBE_PROC_EXEC
                                               : e->kind == PROBE_EV_EXITING ? PROBE_PROC_EXITING
                                                                              : PROBE_PROC_EXIT,
                                               e->tgid};
    return 0;
}

static int keep_link(probe_session *s, struct bpf_link *l, uint32_t tgid) {
    if (s->nlinks == s->caplinks) {
        size_t cap = s->caplinks ? s->caplinks * 2 : 16;
        probe_link *n = realloc(s->links, cap * sizeof *n);
        if (!n) {
            bpf_link__destroy(l);
            return -1;
        }
        s->links = n;
        s->caplinks = cap;
    }
    s->links[s->nlinks++] = (probe_link){l, tgid};
    return 0;
}

static const char *perm_hint(int e) {
    return e == EPERM || e == EACCES ? " (run as root, or grant CAP_BPF and CAP_PERFMON)" : "";
}

/* Loads the program and attaches the process tracepoints (fork, exec, exit). */
static int load(probe_session *s, char *err, size_t errlen) {
    if (probe_bpf__load(s->skel) != 0) {
        int e = errno;
        snprintf(err, errlen, "cannot load the BPF program: %s%s", strerror(e), perm_hint(e));
        return -1;
    }
    s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_event, s, NULL);
    if (!s->rb) {
        snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
        return -1;
    }
    struct bpf_program *tps[] = {s->skel->progs.on_fork, s->skel->progs.on_exec, s->skel->progs.on_exit};
    for (size_t i = 0; i < sizeof tps / sizeof *tps; i++) {
        struct bpf_link *l = bpf_program__attach(tps[i]);
        if (!l || keep_link(s, l, 0) != 0) {
            int e = errno;
            snprintf(err, errlen, "cannot attach to the scheduler tracepoint of %s: %s%s", bpf_program__name(tps[i]),
                     strerror(e), perm_hint(e));
            return -1;
        }
    }
    return 0;
}

int probe_session_open(probe_session **out, char *err, size_t errlen) {
    *out = NULL;
    libbpf_set_print(getenv("LEAKSCOPE_PROBE_DEBUG") ? NULL : silent_print);
    probe_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->skel = probe_bpf__open();
    if (!s->skel) {
        snprintf(err, errlen, "cannot open the BPF program: %s", strerror(errno));
        free(s);
        return -1;
    }
    s->arena = ls_arena_new(0);
    if (load(s, err, errlen) != 0) {
        probe_session_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* cookie: what the BPF program reads with bpf_get_attach_cookie (for
 * goroutine_created, the register that holds the new g). */
static int attach_with_cookie(probe_session *s, struct bpf_program *prog, const char *path, int pid, uint64_t off,
                              uint64_t cookie, const char *what, char *err, size_t errlen) {
    LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = false, .bpf_cookie = cookie);
    struct bpf_link *l = bpf_program__attach_uprobe_opts(prog, pid, path, (size_t)off, &opts);
    if (!l) {
        int e = errno;
        snprintf(err, errlen, "cannot attach a uprobe to %s at %s (file offset 0x%llx): %s%s", path, what,
                 (unsigned long long)off, strerror(e), perm_hint(e));
        return -1;
    }
    if (keep_link(s, l, (uint32_t)pid) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int attach_one(probe_session *s, struct bpf_program *prog, const char *path, int pid, uint64_t off,
                      const char *what, char *err, size_t errlen) {
    return attach_with_cookie(s, prog, path, pid, off, 0, what, err, errlen);
}

static int func_offset(const gobin *b, const char *name, const gobin_func **f, uint64_t *off, char *err,
                       size_t errlen) {
    *f = gobin_func_by_name(b, name);
    if (!*f || !gobin_file_offset(b, (*f)->entry, off)) {
        snprintf(err, errlen, "%s not found in the binary", name);
        return -1;
    }
    return 0;
}

void probe_count_calls(probe_session *s, bool on) { s->count_calls = on; }

size_t probe_slow_attaches(const probe_session *s) { return s->slow_attaches; }

int probe_follow(probe_session *s, uint32_t tgid) {
    __u8 one = 1;
    return bpf_map_update_elem(bpf_map__fd(s->skel->maps.followed), &tgid, &one, BPF_ANY) == 0 ? 0 : -1;
}

/* At f's entry, or at a later instruction that sees the same arguments
 * and that the kernel emulates instead of single-stepping (gobin.h). */
static int attach_entry(probe_session *s, struct bpf_program *prog, const gobin *b, const gobin_func *f,
                        const char *path, int pid, char *err, size_t errlen) {
    uint64_t at = f->entry, off;
    gobin_entry_probe_site(b, f, &at);
    if (!gobin_file_offset(b, at, &off)) {
        snprintf(err, errlen, "%s: %s is not in the file", path, f->name);
        return -1;
    }
    return attach_one(s, prog, path, pid, off, f->name, err, errlen);
}

/* Where the new g is complete: the first emulated instruction after
 * newproc1 sets its goid (gobin_newg_probe_site), else every RET of
 * newproc1, each single-stepped (about 20 µs a goroutine more on a VM). */
static int attach_creation(probe_session *s, const gobin *b, const gobin_func *np, int32_t goid_offset,
                           const char *path, int pid, char *err, size_t errlen) {
    uint64_t sites[MAX_RETS], off;
    gobin_reg newg = GOBIN_REG_RAX; /* at a RET: the result */
    long n = 1;
    if (!gobin_newg_probe_site(b, np, goid_offset, &sites[0], &newg)) {
        s->slow_attaches++;
        n = gobin_func_rets(b, np, sites, MAX_RETS, err, errlen);
        if (n <= 0 || n > MAX_RETS) {
            if (n >= 0)
                snprintf(err, errlen, "%s: runtime.newproc1 has %ld RET instructions", path, n);
            return -1;
        }
    }
    for (long i = 0; i < n; i++) {
        if (!gobin_file_offset(b, sites[i], &off)) { /* the caller prints err: never leave it unset */
            snprintf(err, errlen, "%s: runtime.newproc1's probe site 0x%llx is not in the file", path,
                     (unsigned long long)sites[i]);
            return -1;
        }
        if (attach_with_cookie(s, s->skel->progs.goroutine_created, path, pid, off, newg, "runtime.newproc1", err,
                               errlen) != 0)
            return -1;
    }
    return 0;
}

/* The span of g that holds the fields the creation probe reads. */
static void g_field_span(struct probe_goffsets *offs) {
    int32_t fields[] = {offs->goid, offs->gopc, offs->startpc, offs->parent_goid};
    int32_t lo = INT32_MAX, hi = 0;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (fields[i] < 0)
            continue;
        lo = fields[i] < lo ? fields[i] : lo;
        hi = fields[i] + 8 > hi ? fields[i] + 8 : hi;
    }
    if (hi > lo && hi - lo <= PROBE_G_SPAN) {
        offs->span_lo = lo;
        offs->span_len = (uint32_t)(hi - lo);
    }
}

int probe_attach(probe_session *s, const gobin *b, const char *path, int pid, char *err, size_t errlen) {
    const gobin_goffsets *o = gobin_g_offsets(b);
    if (o->goid < 0 || o->gopc < 0 || o->startpc < 0) {
        snprintf(err, errlen, "%s: the runtime.g field offsets of %s are unknown (no DWARF, and no table row for it): "
                 "rebuild without -ldflags=-s -w, or add the version with scripts/gen_goffsets.sh",
                 path, gobin_go_version(b));
        return -1;
    }
    __u32 tgid = (__u32)pid;
    struct probe_goffsets offs = {o->goid, o->gopc, o->startpc, o->parent_goid, 0, 0};
    g_field_span(&offs);
    if (pid <= 0 || bpf_map_update_elem(bpf_map__fd(s->skel->maps.offsets), &tgid, &offs, BPF_ANY) != 0) {
        snprintf(err, errlen, "%s: cannot record the offsets of process %d: %s", path, pid, strerror(errno));
        return -1;
    }
    const gobin_func *np, *ex;
    uint64_t off;
    if (func_offset(b, "runtime.newproc1", &np, &off, err, errlen) != 0 ||
        (s->count_calls && attach_entry(s, s->skel->progs.newproc1_entry, b, np, path, pid, err, errlen) != 0) ||
        attach_creation(s, b, np, o->goid, path, pid, err, errlen) != 0)
        return -1;
    const char *exit_fn = gobin_func_by_name(b, "runtime.gdestroy") ? "runtime.gdestroy" : "runtime.goexit0";
    if (func_offset(b, exit_fn, &ex, &off, err, errlen) != 0 ||
        attach_entry(s, s->skel->progs.goroutine_exit, b, ex, path, pid, err, errlen) != 0)
        return -1;
    /* optional: without it, states are read only at detach */
    const gobin_func *rx = gobin_func_by_name(b, "runtime.exit");
    if (rx && gobin_file_offset(b, rx->entry, &off) &&
        attach_one(s, s->skel->progs.runtime_exit, path, pid, off, "runtime.exit", err, errlen) != 0)
        return -1;
    return 0;
}

int probe_poll(probe_session *s, int timeout_ms) {
    uint64_t before = s->events;
    /* Events come without wakeups (probe.bpf.c): wait, then drain. */
    int r = ring_buffer__poll(s->rb, timeout_ms);
    if (r >= 0 || r == -EINTR)
        r = ring_buffer__consume(s->rb);
    if (r < 0 && r != -EINTR)
        return -1;
    return (int)(s->events - before);
}

void probe_detach(probe_session *s, uint32_t tgid) {
    size_t kept = 0;
    for (size_t i = 0; i < s->nlinks; i++) {
        if (tgid && s->links[i].tgid == tgid)
            bpf_link__destroy(s->links[i].link);
        else
            s->links[kept++] = s->links[i];
    }
    s->nlinks = kept;
    int fd = bpf_map__fd(s->skel->maps.live);
    struct probe_key key, next;
    bool more = bpf_map_get_next_key(fd, NULL, &next) == 0;
    while (more) { /* deleting while walking: fetch the next key first */
        key = next;
        more = bpf_map_get_next_key(fd, &key, &next) == 0;
        if (key.tgid == tgid)
            bpf_map_delete_elem(fd, &key);
    }
}

static bool grow_stacks(probe_session *s) {
    size_t cap = s->capstacks ? s->capstacks * 2 : 64;
    probe_stack_text *n = realloc(s->stacks, cap * sizeof *n);
    if (!n)
        return false;
    s->stacks = n;
    s->capstacks = cap;
    return true;
}

static uint64_t now_ns(void);

static bool read_mem(pid_t pid, uint64_t addr, void *buf, size_t n) {
    struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)addr, n};
    return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)n;
}

typedef struct mem_reader {
    pid_t pid;
} mem_reader;

static bool read_proc(void *ctx, uint64_t addr, void *buf, size_t n) {
    return read_mem(((mem_reader *)ctx)->pid, addr, buf, n);
}

const char *probe_stack(const probe_session *s, uint64_t id) {
    for (size_t i = 0; i < s->nstacks; i++)
        if (s->stacks[i].id == id)
            return s->stacks[i].text;
    return NULL;
}

/* The bucket ID of frames and their text kept in the session.  The ID is
 * the one leakscope dump gives the same stack (dump_stack_id, "line"
 * grouping, docs/dump-buckets.md: the runtime's frames left out), so the
 * two reports join; the text keeps every frame, as a traceback shows it. */
static uint64_t keep_stack(probe_session *s, const gobin_pos *f, size_t n) {
    ls_buf text = {0};
    dump_frame *frames = calloc(n ? n : 1, sizeof *frames);
    if (!frames)
        return 0;
    for (size_t i = 0; i < n; i++) {
        frames[i].func = ls_str_cstr(f[i].func ? f[i].func : "?");
        frames[i].file = ls_str_cstr(f[i].file ? f[i].file : "");
        frames[i].line = f[i].line;
    }
    dump_goroutine g = {.count = 1, .wait_minutes = -1, .frames = frames, .nframes = n};
    uint64_t id = dump_stack_id(&g, DUMP_GROUP_LINE, &text);
    free(frames);
    text.len = 0;
    for (size_t i = 0; i < n; i++)
        ls_buf_printf(&text, "%s %s:%u\n", f[i].func ? f[i].func : "?", f[i].file ? f[i].file : "?", f[i].line);
    if (!probe_stack(s, id) && (s->nstacks < s->capstacks || grow_stacks(s)))
        s->stacks[s->nstacks++] = (probe_stack_text){id, ls_arena_strndup(s->arena, text.data ? text.data : "", text.len)};
    ls_buf_free(&text);
    return id;
}

static uint64_t read_stack(probe_session *s, pid_t pid, const gobin *b, uint64_t bias, uint64_t g) {
    const gobin_goffsets *o = gobin_g_offsets(b);
    uint64_t pc, sp;
    gobin_pos frames[128];
    mem_reader r = {pid};
    if (o->sched_pc < 0 || o->sched_sp < 0 || !read_mem(pid, g + (uint64_t)o->sched_pc, &pc, 8) ||
        !read_mem(pid, g + (uint64_t)o->sched_sp, &sp, 8) || !pc)
        return 0;
    size_t n = gobin_unwind(b, read_proc, &r, bias, pc, sp, frames, sizeof frames / sizeof *frames);
    return n ? keep_stack(s, frames, n) : 0;
}

long probe_snapshot(probe_session *s, uint32_t tgid, const gobin *b, uint64_t bias) {
    const gobin_goffsets *o = gobin_g_offsets(b);
    if (o->atomicstatus < 0 || o->waitreason < 0)
        return 0;
    int fd = bpf_map__fd(s->skel->maps.live);
    struct probe_key key, next;
    long n = 0;
    for (int r = bpf_map_get_next_key(fd, NULL, &next); r == 0; r = bpf_map_get_next_key(fd, &key, &next)) {
        key = next;
        struct probe_record rec;
        if (key.tgid != tgid || bpf_map_lookup_elem(fd, &key, &rec) != 0 || !rec.g)
            continue;
        uint64_t goid_now = 0;
        if (!read_mem((pid_t)tgid, rec.g + (uint64_t)o->atomicstatus, &rec.status, sizeof rec.status) ||
            !read_mem((pid_t)tgid, rec.g + (uint64_t)o->waitreason, &rec.waitreason, sizeof rec.waitreason) ||
            !read_mem((pid_t)tgid, rec.g + (uint64_t)o->goid, &goid_now, sizeof goid_now))
            continue;
        probe_record_fate fate = probe_record_check(&rec, key.goid, goid_now, rec.status, now_ns());
        if (fate == PROBE_RECORD_ENDED)
            bpf_map_delete_elem(fd, &key);
        if (fate != PROBE_RECORD_LIVE)
            continue;
        uint32_t st = rec.status & ~(uint32_t)G_SCAN;
        rec.have_status = 1;
        if (st == 1 || st == 4) /* runnable or waiting: g.sched holds where it stopped */
            rec.stack_id = read_stack(s, (pid_t)tgid, b, bias, rec.g);
        if (bpf_map_update_elem(fd, &key, &rec, BPF_EXIST) == 0)
            n++;
    }
    return n;
}

/* One g of allgs, adopted when it is a goroutine (not dead, not idle). */
static bool adopt_one(int fd, uint32_t tgid, const gobin_goffsets *o, uint64_t g, uint64_t now) {
    uint64_t goid, gopc, startpc, parent = 0;
    uint32_t status;
    if (!g || !read_mem((pid_t)tgid, g + (uint64_t)o->atomicstatus, &status, sizeof status) ||
        !read_mem((pid_t)tgid, g + (uint64_t)o->goid, &goid, 8) || !read_mem((pid_t)tgid, g + (uint64_t)o->gopc, &gopc, 8) ||
        !read_mem((pid_t)tgid, g + (uint64_t)o->startpc, &startpc, 8))
        return false;
    uint32_t st = status & ~(uint32_t)G_SCAN;
    if (st == G_IDLE || st == G_DEAD || st > G_MAX_STATUS || goid == 0)
        return false;
    if (o->parent_goid >= 0)
        read_mem((pid_t)tgid, g + (uint64_t)o->parent_goid, &parent, 8);
    struct probe_key key = {.tgid = tgid, .goid = goid};
    struct probe_record rec = {.gopc = gopc, .startpc = startpc, .parent_goid = parent, .created_ns = now, .g = g,
                               .adopted = 1};
    /* BPF_NOEXIST: the creation probe, already attached, knows better */
    return bpf_map_update_elem(fd, &key, &rec, BPF_NOEXIST) == 0;
}

long probe_adopt_existing(probe_session *s, uint32_t tgid, const gobin *b, uint64_t bias) {
    const gobin_goffsets *o = gobin_g_offsets(b);
    uint64_t allgs, size, slice[2];
    if (o->atomicstatus < 0 || !gobin_symbol(b, "runtime.allgs", &allgs, &size) ||
        !read_mem((pid_t)tgid, allgs + bias, slice, sizeof slice))
        return -1;
    int fd = bpf_map__fd(s->skel->maps.live);
    uint64_t now = now_ns(), chunk[512];
    uint64_t n = slice[1] < PROBE_MAX_LIVE ? slice[1] : PROBE_MAX_LIVE;
    long adopted = 0;
    for (uint64_t i = 0; i < n; i += 512) { /* the slice may grow meanwhile: its first n stay */
        size_t k = n - i < 512 ? (size_t)(n - i) : 512;
        if (!read_mem((pid_t)tgid, slice[0] + i * 8, chunk, k * 8))
            return adopted ? adopted : -1;
        for (size_t j = 0; j < k; j++)
            adopted += adopt_one(fd, tgid, o, chunk[j], now);
    }
    return adopted;
}

size_t probe_take_proc_events(probe_session *s, probe_proc_event *out, size_t max) {
    size_t n = s->nprocs < max ? s->nprocs : max;
    if (n == 0)
        return 0;
    memcpy(out, s->procs, n * sizeof *out);
    memmove(s->procs, s->procs + n, (s->nprocs - n) * sizeof *out);
    s->nprocs -= n;
    return n;
}

void probe_read_counters(probe_session *s, probe_counters *c) {
    uint64_t v[PROBE_CNT__COUNT] = {0};
    int ncpu = libbpf_num_possible_cpus();
    if (ncpu > 0) {
        uint64_t *percpu = calloc((size_t)ncpu, sizeof *percpu);
        for (__u32 slot = 0; percpu && slot < PROBE_CNT__COUNT; slot++)
            if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counters), &slot, percpu) == 0)
                for (int i = 0; i < ncpu; i++)
                    v[slot] += percpu[i];
        free(percpu);
    }
    *c = (probe_counters){v[PROBE_CNT_NEWPROC_ENTRY], v[PROBE_CNT_CREATE], v[PROBE_CNT_EXIT],
                          v[PROBE_CNT_EXIT_UNKNOWN], v[PROBE_CNT_RINGBUF_DROP], v[PROBE_CNT_MAP_FULL],
                          v[PROBE_CNT_READ_FAIL]};
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns's clock */
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

long probe_live(probe_session *s, uint32_t tgid, probe_goroutine **out) {
    *out = NULL;
    int fd = bpf_map__fd(s->skel->maps.live);
    size_t n = 0, cap = 0;
    probe_goroutine *list = NULL;
    struct probe_key key, next;
    uint64_t now = now_ns();
    for (int r = bpf_map_get_next_key(fd, NULL, &next); r == 0; r = bpf_map_get_next_key(fd, &key, &next)) {
        key = next;
        struct probe_record rec;
        if ((tgid && key.tgid != tgid) || bpf_map_lookup_elem(fd, &key, &rec) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            probe_goroutine *nl = realloc(list, cap * sizeof *nl);
            if (!nl) {
                free(list);
                return -1;
            }
            list = nl;
        }
        list[n++] = (probe_goroutine){key.tgid,
                                      key.goid,
                                      rec.gopc,
                                      rec.startpc,
                                      rec.parent_goid,
                                      now > rec.created_ns ? now - rec.created_ns : 0,
                                      rec.adopted != 0,
                                      rec.g,
                                      rec.have_status != 0,
                                      rec.status,
                                      rec.waitreason,
                                      rec.stack_id};
    }
    *out = list;
    return (long)n;
}

void probe_session_close(probe_session *s) {
    if (!s)
        return;
    for (size_t i = 0; i < s->nlinks; i++)
        bpf_link__destroy(s->links[i].link);
    free(s->links);
    free(s->procs);
    free(s->stacks);
    ls_arena_free(s->arena);
    ring_buffer__free(s->rb);
    probe_bpf__destroy(s->skel);
    free(s);
}
