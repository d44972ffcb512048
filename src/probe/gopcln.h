/*
 * The Go 1.20+ pclntab ("runtime.pclntab", section .gopclntab): a header,
 * then the function-name table, the compilation-unit file table (cutab),
 * the file-name table, the pc-value tables and the function table.  Layout
 * as in runtime/symtab.go (pcHeader, _func, functab) and
 * debug/gosym/pclntab.go; every read is checked against the table's size,
 * so a damaged table gives errors, never out-of-bounds reads.
 */
#ifndef LS_PROBE_GOPCLN_H
#define LS_PROBE_GOPCLN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOPCLN_MAGIC_GO120 0xFFFFFFF1u
#define GOPCLN_MAGIC_GO118 0xFFFFFFF0u
#define GOPCLN_MAGIC_GO116 0xFFFFFFFAu
#define GOPCLN_MAGIC_GO12 0xFFFFFFFBu

typedef struct gopcln {
    const uint8_t *data;
    size_t len;
    uint8_t quantum, ptrsize;
    uint64_t nfunc, nfiles;
    uint64_t header_text_start; /* the old textStart word; 0 since Go 1.26 */
    uint64_t text_start;        /* what entry offsets are relative to */
    uint64_t funcname_off, cu_off, filetab_off, pctab_off, pcln_off;
} gopcln;

typedef struct gopcln_func {
    uint64_t entry, end;
    const char *name; /* NUL-terminated inside the table, or "?" */
    uint64_t func_off; /* offset of the _func record in data */
    uint8_t funcid;
} gopcln_func;

/* Reads the header; 0 on success, else -1 with a message in err. */
int gopcln_init(gopcln *t, const uint8_t *data, size_t len, char *err, size_t errlen);
/* Function i of [0, nfunc), with entries relative to t->text_start. */
bool gopcln_func_at(const gopcln *t, uint64_t i, gopcln_func *out);
/* Index of the function holding pc, or -1. */
int64_t gopcln_find(const gopcln *t, uint64_t pc);
/* File and line of pc inside function f. */
bool gopcln_pc_line(const gopcln *t, const gopcln_func *f, uint64_t pc, const char **file, uint32_t *line);

/* pcdata table i of f evaluated at pc (e.g. 2, PCDATA_InlTreeIndex). */
bool gopcln_pcdata(const gopcln *t, const gopcln_func *f, uint32_t i, uint64_t pc, int32_t *val);
/* funcdata offset i of f (relative to moduledata.gofunc); false if none. */
bool gopcln_funcdata(const gopcln *t, const gopcln_func *f, uint32_t i, uint32_t *off);
/* The SP delta of f at pc (pcsp table): bytes from SP to the return address. */
bool gopcln_spdelta(const gopcln *t, const gopcln_func *f, uint64_t pc, int32_t *delta);
/* The name at funcnametab offset off, or NULL. */
const char *gopcln_name(const gopcln *t, uint32_t off);

#endif
