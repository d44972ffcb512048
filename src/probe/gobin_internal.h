/* Private parts of the Go binary reader shared by src/probe/gobin*.c. */
#ifndef LS_PROBE_GOBIN_INTERNAL_H
#define LS_PROBE_GOBIN_INTERNAL_H

#include <gelf.h>
#include <libelf.h>

#include "gopcln.h"
#include "leakscope/base.h"
#include "leakscope/gobin.h"

typedef struct gobin_section {
    uint64_t addr, offset, size;
    bool present;
} gobin_section;

typedef struct gobin_reloc {
    uint64_t where, value; /* R_X86_64_RELATIVE: *where = load base + value */
} gobin_reloc;

struct gobin {
    const uint8_t *img;
    size_t len;
    bool owns_map; /* opened from a path: img is our private mapping */
    Elf *elf;
    ls_arena *arena;
    bool pie, has_symtab;
    const char *version;
    GElf_Phdr *loads;
    size_t nloads;
    gobin_section text, pclntab, buildinfo, data, symtab, strtab, rela_dyn;
    gobin_reloc *relocs; /* sorted by where */
    size_t nrelocs;
    gopcln pcln;
    uint64_t gofunc; /* moduledata.gofunc: base of funcdata offsets; 0 if unknown */
    gobin_func *funcs; /* sorted by entry */
    size_t nfuncs;
    const gobin_func **by_name;
    gobin_funcs_source funcs_from;
    gobin_goffsets goff;
    const char **waitreasons;
    size_t nwaitreasons;
    gobin_waitreasons_source waitreasons_from;
};

/* The bytes at vaddr, at least n of them in the file; NULL if not mapped. */
const uint8_t *gobin_at(const gobin *b, uint64_t vaddr, size_t n);
/* A pointer-sized word at vaddr as the loader leaves it (relocations
 * applied relative to base 0); false if unmapped. */
bool gobin_read_ptr(const gobin *b, uint64_t vaddr, uint64_t *v);
/* Symbol value and size from .symtab; false when absent or stripped. */
bool gobin_symbol(const gobin *b, const char *name, uint64_t *value, uint64_t *size);

/* godwarf.c: runtime.g offsets from DWARF; false when there is none. */
bool gobin_dwarf_g_offsets(gobin *b);
/* The table row for the binary's Go version; false if none. */
bool gobin_table_g_offsets(gobin *b);
/* waitreasons.c */
void gobin_load_wait_reasons(gobin *b);

#endif
