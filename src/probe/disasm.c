/*
 * What the probe needs to know of machine code, found with capstone: the
 * RET instructions of a function (a plain uprobe on each, never a
 * uretprobe, which rewrites the return address on a goroutine stack that
 * the Go runtime may move), the function a gowrap closure starts, and
 * uprobe sites the kernel emulates rather than single-steps.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "gobin_internal.h"

long gobin_func_rets(const gobin *b, const gobin_func *f, uint64_t *addrs, size_t max, char *err,
                     size_t errlen) {
    size_t size = (size_t)(f->end - f->entry);
    const uint8_t *code = f->end > f->entry ? gobin_at(b, f->entry, size) : NULL;
    if (!code) {
        snprintf(err, errlen, "the code of %s is not in the file", f->name);
        return -1;
    }
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        snprintf(err, errlen, "capstone: cannot open an x86-64 disassembler");
        return -1;
    }
    cs_insn *insn = cs_malloc(cs);
    uint64_t pc = f->entry;
    size_t left = size;
    long n = 0;
    while (left > 0 && cs_disasm_iter(cs, &code, &left, &pc, insn)) {
        if (insn->id == X86_INS_RET) {
            if ((size_t)n < max)
                addrs[n] = insn->address;
            n++;
        }
    }
    /* Go pads functions with INT3; anything else undecodable is an error. */
    bool bad = left > 0 && *code != 0xcc;
    cs_free(insn, 1);
    cs_close(&cs);
    if (bad) {
        snprintf(err, errlen, "cannot decode %s at 0x%llx", f->name, (unsigned long long)pc);
        return -1;
    }
    return n;
}

/*
 * Since Go 1.21 `go f(x)` starts a compiler-made closure, F.gowrapN, that
 * calls f(x).  When f is inlined into it, the first instruction in inlined
 * code names f (the inline tree); otherwise its first direct CALL to a
 * function outside the runtime (not morestack, not a write barrier) is f.
 */
const char *gobin_gowrap_target(const gobin *b, const gobin_func *f) {
    size_t size = (size_t)(f->end - f->entry);
    const uint8_t *code = f->end > f->entry ? gobin_at(b, f->entry, size) : NULL;
    csh cs;
    if (!code || !strstr(f->name, ".gowrap") || cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
        return NULL;
    cs_insn *insn = cs_malloc(cs);
    uint64_t pc = f->entry;
    const char *target = NULL, *called = NULL;
    while (!target && size > 0 && cs_disasm_iter(cs, &code, &size, &pc, insn)) {
        target = gobin_outer_inlined(b, insn->address);
        if (called || insn->id != X86_INS_CALL || insn->size != 5 || insn->bytes[0] != 0xe8)
            continue;
        int32_t rel;
        memcpy(&rel, insn->bytes + 1, 4);
        const gobin_func *callee = gobin_func_for_pc(b, insn->address + 5 + (uint64_t)(int64_t)rel);
        if (callee && strncmp(callee->name, "runtime.", 8) != 0)
            called = callee->name;
    }
    cs_free(insn, 1);
    cs_close(&cs);
    return target ? target : called;
}

/*
 * Cheap probe sites.  When a uprobe hits, the x86 kernel emulates a
 * relative jump, conditional jump, call, one-byte nop or push in place (one trap); any
 * other instruction it single-steps out of line (a second trap).  On the
 * development VM that is 0.7 µs against 20 µs a hit (docs/probe.md,
 * "Cost"), so the probe puts its busy uprobes on emulated instructions.
 */
static bool kernel_emulates(const cs_insn *insn) {
    const uint8_t *c = insn->bytes;
    if (c[0] == 0xe8 || c[0] == 0xe9 || c[0] == 0xeb || (c[0] >= 0x70 && c[0] <= 0x7f) ||
        (insn->size == 1 && c[0] == 0x90))
        return true;
    if (insn->size == 6 && c[0] == 0x0f && c[1] >= 0x80 && c[1] <= 0x8f)
        return true;
    return (insn->size == 1 && c[0] >= 0x50 && c[0] <= 0x57) ||
           (insn->size == 2 && c[0] == 0x41 && c[1] >= 0x50 && c[1] <= 0x57);
}

/* Go's stack-check prologue (CMPQ SP, 16(R14) or LEAQ -n(SP), R12 first)
 * leaves every argument register as it was at the entry: R12 and R13 are
 * scratch registers in Go's internal ABI, not argument registers. */
static bool keeps_arguments(const cs_insn *insn) {
    if (insn->id == X86_INS_CMP || insn->id == X86_INS_TEST)
        return true;
    const cs_x86 *x = &insn->detail->x86;
    return (insn->id == X86_INS_LEA || insn->id == X86_INS_MOV || insn->id == X86_INS_SUB) && x->op_count == 2 &&
           x->operands[0].type == X86_OP_REG &&
           (x->operands[0].reg == X86_REG_R12 || x->operands[0].reg == X86_REG_R13);
}

typedef struct {
    csh cs;
    cs_insn *insn;
    const uint8_t *code;
    size_t left;
    uint64_t pc;
} code_walk;

static bool walk_open(const gobin *b, const gobin_func *f, code_walk *w) {
    w->left = (size_t)(f->end - f->entry);
    w->code = f->end > f->entry ? gobin_at(b, f->entry, w->left) : NULL;
    w->pc = f->entry;
    if (!w->code || cs_open(CS_ARCH_X86, CS_MODE_64, &w->cs) != CS_ERR_OK)
        return false;
    cs_option(w->cs, CS_OPT_DETAIL, CS_OPT_ON);
    w->insn = cs_malloc(w->cs);
    if (!w->insn) {
        cs_close(&w->cs);
        return false;
    }
    return true;
}

static bool walk_next(code_walk *w) { return w->left > 0 && cs_disasm_iter(w->cs, &w->code, &w->left, &w->pc, w->insn); }

static void walk_close(code_walk *w) {
    cs_free(w->insn, 1);
    cs_close(&w->cs);
}

bool gobin_entry_probe_site(const gobin *b, const gobin_func *f, uint64_t *addr) {
    code_walk w;
    if (!walk_open(b, f, &w))
        return false;
    bool found = false;
    for (int i = 0; i < 4 && !found && walk_next(&w); i++) {
        if (kernel_emulates(w.insn)) {
            *addr = w.insn->address;
            found = true;
        } else if (!keeps_arguments(w.insn)) {
            break;
        }
    }
    walk_close(&w);
    return found;
}

/* The 64-bit register an operand register is part of (EAX -> RAX, ...),
 * as a gobin_reg, or -1 for registers the probe does not read. */
static int full_reg(unsigned r) {
    static const unsigned alias[][5] = {
        {X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL, X86_REG_AH},
        {X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL, X86_REG_BH},
        {X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL, X86_REG_CH},
        {X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL, X86_REG_DH},
        {X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL, X86_REG_SIL},
        {X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL, X86_REG_DIL},
        {X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B, X86_REG_R8B},
        {X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B, X86_REG_R9B},
        {X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B, X86_REG_R10B},
        {X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B, X86_REG_R11B},
        {X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B, X86_REG_R12B},
        {X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B, X86_REG_R13B},
        {X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B, X86_REG_R14B},
        {X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B, X86_REG_R15B},
    };
    for (int i = 0; i < (int)(sizeof alias / sizeof *alias); i++)
        for (int k = 0; k < 5; k++)
            if (alias[i][k] == r)
                return i;
    return -1;
}

static bool writes_reg(csh cs, const cs_insn *insn, int reg) {
    cs_regs read, written;
    uint8_t nread, nwritten;
    if (cs_regs_access(cs, insn, read, &nread, written, &nwritten) != CS_ERR_OK)
        return true; /* unknown: assume the worst */
    for (int i = 0; i < nwritten; i++)
        if (full_reg(written[i]) == reg)
            return true;
    return false;
}

/* MOVQ reg, goid(newg): the store that gives the new goroutine its ID. */
static bool stores_goid(const cs_insn *insn, int32_t goid_offset) {
    const cs_x86 *x = &insn->detail->x86;
    return insn->id == X86_INS_MOV && x->op_count == 2 && x->operands[0].type == X86_OP_MEM &&
           x->operands[0].size == 8 && x->operands[0].mem.disp == goid_offset &&
           x->operands[0].mem.base != X86_REG_RSP && x->operands[0].mem.base != X86_REG_RIP &&
           x->operands[1].type == X86_OP_REG;
}

/*
 * newproc1 gives the new g its ID (`newg.goid = pp.goidcache`) once the g
 * is otherwise complete (gopc, startpc, parentGoid set), in every Go
 * version since 1.17: the store's base register holds the new g.  The
 * site is the first emulated instruction after that store (a call, a
 * jump, a one-byte nop) reached with the register unchanged: in Go
 * 1.24-1.26 the call to casgstatus, in 1.21-1.23 the branch on tracing.
 */
bool gobin_newg_probe_site(const gobin *b, const gobin_func *newproc1, int32_t goid_offset, uint64_t *addr,
                           gobin_reg *reg) {
    code_walk w;
    if (goid_offset < 0 || !walk_open(b, newproc1, &w))
        return false;
    int newg = -1;
    bool found = false;
    while (!found && walk_next(&w)) {
        if (newg < 0) {
            if (stores_goid(w.insn, goid_offset))
                newg = full_reg(w.insn->detail->x86.operands[0].mem.base);
            continue;
        }
        if (kernel_emulates(w.insn)) {
            *addr = w.insn->address;
            *reg = (gobin_reg)newg;
            found = true;
        } else if (writes_reg(w.cs, w.insn, newg)) {
            break;
        }
    }
    walk_close(&w);
    return found;
}
