/*
 * leakscope gobin: what `leakscope probe` needs to know about an unmodified
 * Go executable, read from the file alone (docs/probe.md).
 *
 *   - the Go version, from the build info (.go.buildinfo);
 *   - its functions, from .symtab, or from the pclntab when stripped;
 *   - PC -> function, file and line, through the pclntab (stripped too);
 *   - the offsets of the runtime.g fields the probe reads, from DWARF, or
 *     from a per-version table (scripts/gen_goffsets.sh) when stripped;
 *   - the wait-reason names of the binary's runtime.waitReasonStrings;
 *   - file offsets of virtual addresses (uprobes take file offsets), and
 *     the offsets of the RET instructions of a function (capstone).
 *
 * Supported: little-endian amd64 ELF executables, PIE or not, built by Go
 * 1.20 or later (the pclntab format with magic 0xFFFFFFF1).  Anything else
 * is refused by gobin_open with a message saying why.
 *
 * All strings returned point into the gobin and live until gobin_close.
 */
#ifndef LEAKSCOPE_GOBIN_H
#define LEAKSCOPE_GOBIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gobin gobin;

/* gobin_open_mem flags */
enum {
    GOBIN_NO_DWARF = 1u << 0, /* do not read DWARF (the g offsets come from the table) */
};

typedef struct gobin_func {
    uint64_t entry; /* virtual address of the first instruction */
    uint64_t end;   /* one past the last byte (next function's entry when stripped) */
    const char *name;
    /* The pclntab's FuncID: 0 for ordinary functions; ABI wrappers, which
     * share their function's name in the pclntab, have the highest ID of
     * their Go version.  Always 0 from .symtab (wrappers there are named
     * NAME.abi0). */
    uint8_t funcid;
} gobin_func;

/* A position in the source: what the runtime prints for a PC. */
typedef struct gobin_pos {
    const char *func;    /* the function containing the PC (outermost, not inlined) */
    const char *inlined; /* the innermost function inlined at the PC, or NULL */
    const char *file; /* "?" when the table has none */
    uint32_t line;    /* 0 when unknown */
} gobin_pos;

/* Byte offsets of runtime.g fields; -1 when unknown. */
typedef struct gobin_goffsets {
    int32_t goid, gopc, startpc, parent_goid, atomicstatus, waitreason;
    int32_t sched_sp, sched_pc, sched_bp; /* g.sched.{sp,pc,bp}: where a parked goroutine stopped */
    const char *source; /* "dwarf", "table go1.25", or "none" */
} gobin_goffsets;

typedef enum gobin_funcs_source { GOBIN_FUNCS_SYMTAB, GOBIN_FUNCS_PCLNTAB } gobin_funcs_source;

typedef enum gobin_waitreasons_source {
    GOBIN_WAITREASONS_NONE,   /* not found */
    GOBIN_WAITREASONS_SYMBOL, /* the runtime.waitReasonStrings symbol */
    GOBIN_WAITREASONS_SCAN,   /* stripped: found by scanning the data for the table */
} gobin_waitreasons_source;

/*
 * Opens the executable at path.  0 on success; otherwise a nonzero status
 * and a message in err (naming the file and what is wrong).
 */
int gobin_open(const char *path, unsigned flags, gobin **out, char *err, size_t errlen);
/* The same on an ELF image in memory, which must outlive the gobin and be
 * writable: libelf decompresses compressed DWARF sections in place. */
int gobin_open_mem(void *data, size_t len, unsigned flags, gobin **out, char *err, size_t errlen);
void gobin_close(gobin *b);

const char *gobin_go_version(const gobin *b); /* "go1.26.8" */
bool gobin_is_pie(const gobin *b);
bool gobin_has_symtab(const gobin *b);
uint64_t gobin_text_start(const gobin *b);
/* moduledata.gofunc (base of funcdata: inline trees); 0 when not found. */
uint64_t gobin_gofunc(const gobin *b);

/* Functions sorted by entry. */
size_t gobin_func_count(const gobin *b);
const gobin_func *gobin_func_at(const gobin *b, size_t i);
gobin_funcs_source gobin_funcs_from(const gobin *b);
/* The function named name; of several (pclntab), the one with the lowest
 * FuncID, so not an ABI wrapper.  From .symtab, NAME also finds an
 * assembly function's NAME.abi0. */
const gobin_func *gobin_func_by_name(const gobin *b, const char *name);
const gobin_func *gobin_func_for_pc(const gobin *b, uint64_t pc);

/* Fills *pos for pc from the pclntab; false when no function holds pc. */
bool gobin_pc_pos(const gobin *b, uint64_t pc, gobin_pos *pos);

const gobin_goffsets *gobin_g_offsets(const gobin *b);

/* The binary's wait-reason names, indexed by runtime.waitReason. */
size_t gobin_wait_reason_count(const gobin *b);
const char *gobin_wait_reason(const gobin *b, size_t i); /* NULL when out of range */
gobin_waitreasons_source gobin_wait_reasons_from(const gobin *b);

/*
 * The load bias of a running copy of the binary (0 unless PIE): given one
 * mapping of the file, as /proc/PID/maps lists it (start address and file
 * offset), the amount to subtract from the process's PCs to get the
 * binary's own addresses.  False when no loadable segment holds the offset.
 */
bool gobin_load_bias(const gobin *b, uint64_t map_start, uint64_t map_offset, uint64_t *bias);

/* The file offset of a virtual address (what uprobes take); false if unmapped. */
bool gobin_file_offset(const gobin *b, uint64_t vaddr, uint64_t *off);

/*
 * The virtual addresses of every RET instruction of f, found by
 * disassembling it (capstone), into addrs (up to max; returns how many
 * there are, which may exceed max), or -1 with a message in err when the
 * code cannot be read or decoded.
 */
long gobin_func_rets(const gobin *b, const gobin_func *f, uint64_t *addrs, size_t max, char *err,
                     size_t errlen);

/*
 * Cheap uprobe sites (the kernel emulates a branch, call or push in place
 * and single-steps any other instruction, at many times the cost).
 * gobin_entry_probe_site: the first such instruction of f reached before
 * any argument register changes (the stack check's JBE in most Go
 * functions), so registers read there are f's arguments.
 * gobin_newg_probe_site: in runtime.newproc1, the first such instruction
 * after the store of the new g's goid (goid_offset in runtime.g), reached
 * while the store's base register still holds the new g: that register in
 * *reg.  Both false when not found.
 */
typedef enum gobin_reg {
    GOBIN_REG_RAX, GOBIN_REG_RBX, GOBIN_REG_RCX, GOBIN_REG_RDX, GOBIN_REG_RSI, GOBIN_REG_RDI, GOBIN_REG_R8,
    GOBIN_REG_R9,  GOBIN_REG_R10, GOBIN_REG_R11, GOBIN_REG_R12, GOBIN_REG_R13, GOBIN_REG_R14, GOBIN_REG_R15,
} gobin_reg;
bool gobin_entry_probe_site(const gobin *b, const gobin_func *f, uint64_t *addr);
bool gobin_newg_probe_site(const gobin *b, const gobin_func *newproc1, int32_t goid_offset, uint64_t *addr,
                           gobin_reg *reg);

/* The function inlined at pc that its containing function called itself
 * (the outermost of nested inlined calls), from the pclntab inline tree;
 * NULL when pc is not in inlined code. */
const char *gobin_outer_inlined(const gobin *b, uint64_t pc);

/* For a compiler-made F.gowrapN closure (`go f(x)` since Go 1.21): the
 * function it runs, f, whether inlined into the wrapper (the inline tree)
 * or called (its first call outside the runtime); NULL for other functions
 * or when not found. */
const char *gobin_gowrap_target(const gobin *b, const gobin_func *f);

/*
 * The source frames at pc, innermost first, inlined calls expanded (as the
 * runtime's tracebacks list them): up to max into out; returns how many.
 * pc is looked up as given (callers pass return addresses minus one).
 */
size_t gobin_pc_frames(const gobin *b, uint64_t pc, gobin_pos *out, size_t max);

/* Reads n bytes of the traced process at addr; false if unreadable. */
typedef bool (*gobin_read_fn)(void *ctx, uint64_t addr, void *buf, size_t n);

/*
 * Unwinds a goroutine stopped at (pc, sp) — a parked goroutine's g.sched —
 * the way the runtime's traceback does: each frame's size from the pclntab
 * SP-delta table gives the return address above it.  Addresses are the
 * process's; bias (gobin_load_bias) maps them to the binary's.  Writes the
 * source frames, innermost first, inlined calls expanded, without the final
 * runtime.goexit, up to max; returns how many.
 */
size_t gobin_unwind(const gobin *b, gobin_read_fn read, void *ctx, uint64_t bias, uint64_t pc, uint64_t sp,
                    gobin_pos *out, size_t max);

/* The built-in per-version runtime.g offsets (scripts/gen_goffsets.sh). */
typedef struct gobin_goffsets_row {
    const char *go; /* "go1.25": major.minor */
    int32_t goid, gopc, startpc, parent_goid, atomicstatus, waitreason;
    int32_t sched_sp, sched_pc, sched_bp;
} gobin_goffsets_row;
extern const gobin_goffsets_row gobin_goffsets_table[];
extern const size_t gobin_goffsets_table_len;

#ifdef __cplusplus
}
#endif

#endif
