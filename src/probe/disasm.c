/*
 * RET instructions of a function, found with capstone: the probe puts a
 * plain uprobe on each of them (never a uretprobe, which rewrites the return
 * address on a goroutine stack that the Go runtime may move).
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
