/*
 * libFuzzer target for the Go binary reader (gobin.h, gopcln.h): the first
 * byte picks the layer, the rest is the input.
 *
 *   0: a bare pclntab: header, every function's name and range, PC lookups
 *      and file:line decoding (pcvalue tables) at and around each entry;
 *   1: a whole ELF through gobin_open_mem (without DWARF: libdw is not our
 *      parser): sections, build info, symbols or pclntab, relocations, wait
 *      reasons (symbol or scan), file offsets, lookups by name and PC,
 *      inline-expanded frames, stack unwinding over fake process memory
 *      (the input itself), and RET scanning.
 *
 * Checks on every input: nothing crashes or reads out of bounds (ASan), a
 * function found for a PC holds it, functions are sorted by entry.
 * Seeds are made by scripts/test.sh from a Go program it builds (they are
 * megabytes; not committed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gopcln.h"
#include "leakscope/gobin.h"

#define MAX_FUNCS 4096

static void must(int ok) {
    if (!ok)
        abort();
}

static void fuzz_pclntab(const uint8_t *data, size_t len) {
    gopcln t;
    char err[256];
    if (gopcln_init(&t, data, len, err, sizeof err) != 0)
        return;
    t.text_start = 0x401000;
    for (uint64_t i = 0; i < t.nfunc && i < MAX_FUNCS; i++) {
        gopcln_func f;
        if (!gopcln_func_at(&t, i, &f))
            continue;
        must(f.name != NULL);
        const uint64_t pcs[3] = {f.entry, f.entry + 1, f.end - 1};
        for (unsigned k = 0; k < 3; k++) {
            const char *file;
            uint32_t line;
            int64_t at = gopcln_find(&t, pcs[k]);
            if (at >= 0)
                (void)gopcln_pc_line(&t, &f, pcs[k], &file, &line);
        }
    }
}

/* Process memory for gobin_unwind: the input itself, at address 0. */
typedef struct fake_mem {
    const uint8_t *data;
    size_t len;
} fake_mem;

static bool read_fake(void *ctx, uint64_t addr, void *buf, size_t n) {
    const fake_mem *m = ctx;
    if (addr > m->len || m->len - addr < n)
        return false;
    memcpy(buf, m->data + addr, n);
    return true;
}

static void fuzz_elf(const uint8_t *data, size_t len) {
    void *copy = malloc(len ? len : 1); /* libelf wants a writable image */
    memcpy(copy, data, len);
    gobin *b;
    char err[512];
    if (gobin_open_mem(copy, len, GOBIN_NO_DWARF, &b, err, sizeof err) == 0) {
        size_t n = gobin_func_count(b);
        for (size_t i = 0; i < n && i < MAX_FUNCS; i++) {
            const gobin_func *f = gobin_func_at(b, i);
            must(i == 0 || gobin_func_at(b, i - 1)->entry <= f->entry);
            const gobin_func *g = gobin_func_for_pc(b, f->entry);
            must(!g || (g->entry <= f->entry && f->entry < g->end));
            must(gobin_func_by_name(b, f->name) != NULL);
            gobin_pos pos;
            (void)gobin_pc_pos(b, f->entry, &pos);
            uint64_t off;
            (void)gobin_file_offset(b, f->entry, &off);
            gobin_pos frames[16];
            must(gobin_pc_frames(b, f->entry, frames, 16) <= 16);
            if (i % 64 == 0) {
                fake_mem m = {data, len};
                must(gobin_unwind(b, read_fake, &m, 0, f->entry + 1, (uint64_t)i * 8 % (len + 1), frames, 16) <= 16);
            }
        }
        for (size_t i = 0; i < gobin_wait_reason_count(b); i++)
            must(gobin_wait_reason(b, i) != NULL);
        const gobin_func *np = gobin_func_by_name(b, "runtime.newproc1");
        uint64_t rets[16];
        if (np)
            (void)gobin_func_rets(b, np, rets, 16, err, sizeof err);
        gobin_close(b);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    if (data[0] == 0)
        fuzz_pclntab(data + 1, size - 1);
    else
        fuzz_elf(data + 1, size - 1);
    return 0;
}
