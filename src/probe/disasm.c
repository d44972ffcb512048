/*
 * RET instructions of a function, found with capstone: the probe puts a
 * plain uprobe on each of them (never a uretprobe, which rewrites the return
 * address on a goroutine stack that the Go runtime may move).
 */
#include <capstone/capstone.h>
#include <stdio.h>

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
