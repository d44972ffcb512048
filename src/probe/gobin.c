/*
 * The Go binary reader: opens an ELF with libelf, finds the Go sections
 * (.go.buildinfo, .gopclntab), the loadable segments (for file offsets) and
 * the dynamic relocations (PIE pointers), and builds the function list from
 * .symtab, or from the pclntab when the binary is stripped.  Section
 * contents are read straight from the image, bounds-checked, never copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gobin_internal.h"

#define BUILDINFO_MAGIC "\xff Go buildinf:"
#define BUILDINFO_HEADER 32

static void sect_set(gobin_section *s, const GElf_Shdr *sh) {
    s->present = true;
    s->addr = sh->sh_addr;
    s->offset = sh->sh_offset;
    s->size = sh->sh_type == SHT_NOBITS ? 0 : sh->sh_size;
}

static const uint8_t *sect_bytes(const gobin *b, const gobin_section *s) {
    if (!s->present || s->offset > b->len || b->len - s->offset < s->size)
        return NULL;
    return b->img + s->offset;
}

const uint8_t *gobin_at(const gobin *b, uint64_t vaddr, size_t n) {
    for (size_t i = 0; i < b->nloads; i++) {
        const GElf_Phdr *p = &b->loads[i];
        if (vaddr < p->p_vaddr || vaddr - p->p_vaddr >= p->p_filesz || p->p_filesz - (vaddr - p->p_vaddr) < n)
            continue;
        uint64_t off = p->p_offset + (vaddr - p->p_vaddr);
        if (off > b->len || b->len - off < n)
            return NULL;
        return b->img + off;
    }
    return NULL;
}

bool gobin_file_offset(const gobin *b, uint64_t vaddr, uint64_t *off) {
    const uint8_t *p = gobin_at(b, vaddr, 1);
    if (!p)
        return false;
    *off = (uint64_t)(p - b->img);
    return true;
}

bool gobin_load_bias(const gobin *b, uint64_t map_start, uint64_t map_offset, uint64_t *bias) {
    for (size_t i = 0; i < b->nloads; i++) {
        const GElf_Phdr *p = &b->loads[i];
        uint64_t page_off = p->p_offset & ~(uint64_t)0xfff, page_vaddr = p->p_vaddr & ~(uint64_t)0xfff;
        if (map_offset >= page_off && map_offset - page_off < p->p_filesz + (p->p_offset - page_off)) {
            *bias = map_start - (page_vaddr + (map_offset - page_off));
            return true;
        }
    }
    return false;
}

static int reloc_cmp(const void *a, const void *b) {
    uint64_t x = ((const gobin_reloc *)a)->where, y = ((const gobin_reloc *)b)->where;
    return x < y ? -1 : x > y;
}

bool gobin_read_ptr(const gobin *b, uint64_t vaddr, uint64_t *v) {
    if (b->nrelocs) {
        gobin_reloc key = {vaddr, 0};
        const gobin_reloc *r = bsearch(&key, b->relocs, b->nrelocs, sizeof key, reloc_cmp);
        if (r) {
            *v = r->value;
            return true;
        }
    }
    const uint8_t *p = gobin_at(b, vaddr, 8);
    if (!p)
        return false;
    memcpy(v, p, 8);
    return true;
}

/* R_X86_64_RELATIVE entries of .rela.dyn: in a PIE the file may hold 0
 * where the loader writes base + addend. */
static void load_relocs(gobin *b) {
    const uint8_t *p = sect_bytes(b, &b->rela_dyn);
    if (!p)
        return;
    size_t n = b->rela_dyn.size / sizeof(Elf64_Rela);
    b->relocs = ls_arena_alloc(b->arena, (n ? n : 1) * sizeof *b->relocs);
    for (size_t i = 0; i < n; i++) {
        Elf64_Rela r;
        memcpy(&r, p + i * sizeof r, sizeof r);
        if (ELF64_R_TYPE(r.r_info) == R_X86_64_RELATIVE)
            b->relocs[b->nrelocs++] = (gobin_reloc){r.r_offset, (uint64_t)r.r_addend};
    }
    qsort(b->relocs, b->nrelocs, sizeof *b->relocs, reloc_cmp);
}

static bool read_segments(gobin *b) {
    size_t n;
    if (elf_getphdrnum(b->elf, &n) != 0)
        return false;
    b->loads = ls_arena_alloc(b->arena, (n ? n : 1) * sizeof *b->loads);
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(b->elf, (int)i, &ph) && ph.p_type == PT_LOAD)
            b->loads[b->nloads++] = ph;
    }
    return b->nloads > 0;
}

static void read_sections(gobin *b) {
    size_t shstrndx;
    if (elf_getshdrstrndx(b->elf, &shstrndx) != 0)
        return;
    for (Elf_Scn *scn = elf_nextscn(b->elf, NULL); scn; scn = elf_nextscn(b->elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = elf_strptr(b->elf, shstrndx, sh.sh_name);
        if (!name)
            continue;
        if (strcmp(name, ".text") == 0)
            sect_set(&b->text, &sh);
        else if (strcmp(name, ".gopclntab") == 0 || strcmp(name, ".data.rel.ro.gopclntab") == 0)
            sect_set(&b->pclntab, &sh);
        else if (strcmp(name, ".go.buildinfo") == 0)
            sect_set(&b->buildinfo, &sh);
        else if (strcmp(name, ".data") == 0)
            sect_set(&b->data, &sh);
        else if (strcmp(name, ".rela.dyn") == 0)
            sect_set(&b->rela_dyn, &sh);
        else if (sh.sh_type == SHT_SYMTAB && strcmp(name, ".symtab") == 0) {
            sect_set(&b->symtab, &sh);
            GElf_Shdr strsh;
            Elf_Scn *str = elf_getscn(b->elf, sh.sh_link);
            if (str && gelf_getshdr(str, &strsh))
                sect_set(&b->strtab, &strsh);
        }
    }
    b->has_symtab = b->symtab.present && b->strtab.present && sect_bytes(b, &b->symtab) &&
                    sect_bytes(b, &b->strtab);
}

static bool uvarint(const uint8_t *p, size_t len, size_t *at, uint64_t *v) {
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64 && *at < len; shift += 7) {
        uint8_t c = p[(*at)++];
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

/* The version string of the build info: inline (Go 1.18+, flag bit 1)
 * as a varint-prefixed string after the header, or else through a pointer
 * to a Go string header. */
static void read_version(gobin *b) {
    b->version = "unknown";
    const uint8_t *p = sect_bytes(b, &b->buildinfo);
    size_t len = b->buildinfo.size;
    if (!p || len < BUILDINFO_HEADER || memcmp(p, BUILDINFO_MAGIC, 14) != 0)
        return;
    uint8_t flags = p[15];
    const uint8_t *s = NULL;
    uint64_t n = 0;
    if (flags & 2) {
        size_t at = BUILDINFO_HEADER;
        if (!uvarint(p, len, &at, &n) || n > len - at || n > 128)
            return;
        s = p + at;
    } else {
        uint64_t hdr, ptr;
        if (p[14] != 8 || (memcpy(&hdr, p + 16, 8), !gobin_read_ptr(b, hdr, &ptr)) ||
            !gobin_read_ptr(b, hdr + 8, &n) || n > 128 || !(s = gobin_at(b, ptr, n)))
            return;
    }
    if (n > 0)
        b->version = ls_arena_strndup(b->arena, (const char *)s, n);
}

bool gobin_symbol(const gobin *b, const char *name, uint64_t *value, uint64_t *size) {
    if (!b->has_symtab)
        return false;
    const uint8_t *syms = sect_bytes(b, &b->symtab), *strs = sect_bytes(b, &b->strtab);
    size_t n = b->symtab.size / sizeof(Elf64_Sym), nlen = strlen(name);
    for (size_t i = 0; i < n; i++) {
        Elf64_Sym s;
        memcpy(&s, syms + i * sizeof s, sizeof s);
        if (s.st_name >= b->strtab.size || b->strtab.size - s.st_name <= nlen)
            continue;
        if (memcmp(strs + s.st_name, name, nlen + 1) == 0) {
            *value = s.st_value;
            *size = s.st_size;
            return true;
        }
    }
    return false;
}

static int func_entry_cmp(const void *a, const void *b) {
    const gobin_func *x = a, *y = b;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void funcs_from_symtab(gobin *b) {
    const uint8_t *syms = sect_bytes(b, &b->symtab);
    const char *strs = (const char *)sect_bytes(b, &b->strtab);
    size_t n = b->symtab.size / sizeof(Elf64_Sym);
    b->funcs = ls_arena_alloc(b->arena, (n ? n : 1) * sizeof *b->funcs);
    for (size_t i = 0; i < n; i++) {
        Elf64_Sym s;
        memcpy(&s, syms + i * sizeof s, sizeof s);
        if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF || s.st_value == 0 ||
            s.st_name >= b->strtab.size || !memchr(strs + s.st_name, 0, b->strtab.size - s.st_name))
            continue;
        b->funcs[b->nfuncs++] = (gobin_func){s.st_value, s.st_value + s.st_size, strs + s.st_name, 0};
    }
    b->funcs_from = GOBIN_FUNCS_SYMTAB;
}

static void funcs_from_pclntab(gobin *b) {
    uint64_t n = b->pcln.nfunc;
    b->funcs = ls_arena_alloc(b->arena, (n ? n : 1) * sizeof *b->funcs);
    for (uint64_t i = 0; i < n; i++) {
        gopcln_func f;
        if (gopcln_func_at(&b->pcln, i, &f))
            b->funcs[b->nfuncs++] = (gobin_func){f.entry, f.end, f.name, f.funcid};
    }
    b->funcs_from = GOBIN_FUNCS_PCLNTAB;
}

static int name_cmp(const void *a, const void *b) {
    const gobin_func *x = *(const gobin_func *const *)a, *y = *(const gobin_func *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : (int)x->funcid - (int)y->funcid;
}

static void index_funcs(gobin *b) {
    qsort(b->funcs, b->nfuncs, sizeof *b->funcs, func_entry_cmp);
    b->by_name = ls_arena_alloc(b->arena, (b->nfuncs ? b->nfuncs : 1) * sizeof *b->by_name);
    for (size_t i = 0; i < b->nfuncs; i++)
        b->by_name[i] = &b->funcs[i];
    qsort(b->by_name, b->nfuncs, sizeof *b->by_name, name_cmp);
}

static bool in_exec_segment(const gobin *b, uint64_t vaddr) {
    for (size_t i = 0; i < b->nloads; i++)
        if ((b->loads[i].p_flags & PF_X) && vaddr >= b->loads[i].p_vaddr &&
            vaddr - b->loads[i].p_vaddr < b->loads[i].p_memsz)
            return true;
    return false;
}

/* Entry offsets are relative to runtime.text.  Go 1.26 no longer stores it
 * in the header, so: the symbol, else the old header word, else .text. */
static void find_text_start(gobin *b) {
    uint64_t v, size;
    if (gobin_symbol(b, "runtime.text", &v, &size))
        b->pcln.text_start = v;
    else if (b->pcln.header_text_start && in_exec_segment(b, b->pcln.header_text_start))
        b->pcln.text_start = b->pcln.header_text_start;
    else
        b->pcln.text_start = b->text.addr;
}

/* runtime.moduledata word indexes (Go 1.20-1.26: runtime/symtab.go) */
enum { MD_FUNCNAMETAB = 1, MD_TEXT = 22, MD_GOFUNC = 40, MD_WORDS = 41 };

/*
 * moduledata.gofunc, the base of funcdata offsets (inline trees): the
 * go:func.* symbol, or, stripped, the moduledata found in the data by its
 * first words (the pclntab's address, then the function-name table's).
 */
static void find_gofunc(gobin *b) {
    uint64_t v, size;
    if (gobin_symbol(b, "go:func.*", &v, &size)) {
        b->gofunc = v;
        return;
    }
    for (size_t i = 0; i < b->nloads; i++) {
        const GElf_Phdr *p = &b->loads[i];
        if (!(p->p_flags & PF_W))
            continue;
        for (uint64_t a = (p->p_vaddr + 7) & ~(uint64_t)7; a + MD_WORDS * 8 <= p->p_vaddr + p->p_filesz; a += 8) {
            uint64_t w0, w1, text, gofunc;
            if (gobin_read_ptr(b, a, &w0) && w0 == b->pclntab.addr && gobin_read_ptr(b, a + MD_FUNCNAMETAB * 8, &w1) &&
                w1 == b->pclntab.addr + b->pcln.funcname_off && gobin_read_ptr(b, a + MD_TEXT * 8, &text) &&
                in_exec_segment(b, text) && gobin_read_ptr(b, a + MD_GOFUNC * 8, &gofunc)) {
                b->gofunc = gofunc;
                return;
            }
        }
    }
}

static int fail(char *err, size_t errlen, const char *fmt, const char *detail) {
    snprintf(err, errlen, fmt, detail);
    return -1;
}

static int open_elf(gobin *b, char *err, size_t errlen) {
    if (b->len < EI_NIDENT || memcmp(b->img, ELFMAG, SELFMAG) != 0)
        return fail(err, errlen, "not an ELF file%s; leakscope probe reads Linux Go executables", "");
    elf_version(EV_CURRENT);
    b->elf = elf_memory((char *)(uintptr_t)b->img, b->len);
    GElf_Ehdr eh;
    if (!b->elf || elf_kind(b->elf) != ELF_K_ELF || !gelf_getehdr(b->elf, &eh))
        return fail(err, errlen, "damaged ELF file: %s", elf_errmsg(-1));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
        return fail(err, errlen, "not an amd64 executable%s: only x86-64 Linux binaries are supported", "");
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return fail(err, errlen, "not an executable (an object file or core dump?)%s", "");
    b->pie = eh.e_type == ET_DYN;
    if (!read_segments(b))
        return fail(err, errlen, "ELF file without loadable segments%s", "");
    return 0;
}

static int open_go(gobin *b, unsigned flags, char *err, size_t errlen) {
    read_sections(b);
    if (!b->pclntab.present && !b->buildinfo.present)
        return fail(err, errlen, "not a Go binary (no .gopclntab or .go.buildinfo section)%s", "");
    const uint8_t *tab = sect_bytes(b, &b->pclntab);
    if (!tab)
        return fail(err, errlen, "Go binary without a readable .gopclntab section%s: cannot map PCs to functions",
                    "");
    load_relocs(b);
    read_version(b);
    char why[200];
    if (gopcln_init(&b->pcln, tab, b->pclntab.size, why, sizeof why) != 0)
        return fail(err, errlen, "%s", why);
    find_text_start(b);
    find_gofunc(b);
    if (b->has_symtab)
        funcs_from_symtab(b);
    if (b->nfuncs == 0)
        funcs_from_pclntab(b);
    index_funcs(b);
    b->goff = (gobin_goffsets){-1, -1, -1, -1, -1, -1, -1, -1, -1, "none"};
    if ((flags & GOBIN_NO_DWARF) || !gobin_dwarf_g_offsets(b))
        gobin_table_g_offsets(b);
    gobin_load_wait_reasons(b);
    return 0;
}

int gobin_open_mem(void *data, size_t len, unsigned flags, gobin **out, char *err, size_t errlen) {
    *out = NULL;
    gobin *b = calloc(1, sizeof *b);
    if (!b)
        return fail(err, errlen, "out of memory%s", "");
    b->img = data;
    b->len = len;
    b->arena = ls_arena_new(0);
    if (open_elf(b, err, errlen) != 0 || open_go(b, flags, err, errlen) != 0) {
        gobin_close(b);
        return -1;
    }
    *out = b;
    return 0;
}

/* A private writable mapping: libelf decompresses the (zlib) DWARF
 * sections in place when libdw reads them. */
static void *map_private(const char *path, size_t *len, int *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *p = MAP_FAILED;
    if (fd < 0 || fstat(fd, &st) != 0) {
        *err = errno;
    } else if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        *err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    } else {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        *err = p == MAP_FAILED ? errno : 0;
        *len = (size_t)st.st_size;
    }
    if (fd >= 0)
        close(fd);
    return p == MAP_FAILED ? NULL : p;
}

int gobin_open(const char *path, unsigned flags, gobin **out, char *err, size_t errlen) {
    size_t len = 0;
    int e;
    void *img = map_private(path, &len, &e);
    *out = NULL;
    if (!img) {
        snprintf(err, errlen, "%s: %s", path, e == EINVAL ? "not a regular, non-empty file" : strerror(e));
        return -1;
    }
    char why[400];
    if (gobin_open_mem(img, len, flags, out, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        munmap(img, len);
        return -1;
    }
    (*out)->owns_map = true;
    return 0;
}

void gobin_close(gobin *b) {
    if (!b)
        return;
    if (b->elf)
        elf_end(b->elf);
    if (b->owns_map)
        munmap((void *)(uintptr_t)b->img, b->len);
    ls_arena_free(b->arena);
    free(b);
}

const char *gobin_go_version(const gobin *b) { return b->version; }
bool gobin_is_pie(const gobin *b) { return b->pie; }
bool gobin_has_symtab(const gobin *b) { return b->has_symtab; }
uint64_t gobin_text_start(const gobin *b) { return b->pcln.text_start; }
size_t gobin_func_count(const gobin *b) { return b->nfuncs; }
gobin_funcs_source gobin_funcs_from(const gobin *b) { return b->funcs_from; }
const gobin_goffsets *gobin_g_offsets(const gobin *b) { return &b->goff; }

const gobin_func *gobin_func_at(const gobin *b, size_t i) { return i < b->nfuncs ? &b->funcs[i] : NULL; }

const gobin_func *gobin_func_by_name(const gobin *b, const char *name) {
    size_t lo = 0, hi = b->nfuncs; /* the first not below name */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(b->by_name[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < b->nfuncs && strcmp(b->by_name[lo]->name, name) == 0)
        return b->by_name[lo];
    /* .symtab names assembly (ABI0) functions NAME.abi0; the pclntab NAME */
    char abi0[256];
    size_t n = strlen(name);
    if (b->funcs_from != GOBIN_FUNCS_SYMTAB || n + 6 > sizeof abi0 || (n > 5 && strcmp(name + n - 5, ".abi0") == 0))
        return NULL;
    memcpy(abi0, name, n);
    memcpy(abi0 + n, ".abi0", 6);
    return gobin_func_by_name(b, abi0);
}

const gobin_func *gobin_func_for_pc(const gobin *b, uint64_t pc) {
    size_t lo = 0, hi = b->nfuncs; /* first entry > pc */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->funcs[mid].entry <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const gobin_func *f = &b->funcs[lo - 1];
    return pc < f->end ? f : NULL;
}

/* The inlinedCall that pc of f is in, via PCDATA_InlTreeIndex (2) and
 * FUNCDATA_InlTree (3): {funcID, pad[3], nameOff, parentPc, startLine}
 * (Go 1.21+); NULL when pc is not in inlined code. */
static const uint8_t *inlined_call(const gobin *b, const gopcln_func *f, uint64_t pc) {
    int32_t ix;
    uint32_t tree;
    if (!b->gofunc || !gopcln_pcdata(&b->pcln, f, 2, pc, &ix) || ix < 0 || !gopcln_funcdata(&b->pcln, f, 3, &tree))
        return NULL;
    return gobin_at(b, b->gofunc + tree + (uint64_t)ix * 16, 16);
}

static const char *call_name(const gobin *b, const uint8_t *call) {
    uint32_t nameoff;
    memcpy(&nameoff, call + 4, 4);
    return gopcln_name(&b->pcln, nameoff);
}

bool gobin_pc_pos(const gobin *b, uint64_t pc, gobin_pos *pos) {
    int64_t i = gopcln_find(&b->pcln, pc);
    gopcln_func f;
    if (i < 0 || !gopcln_func_at(&b->pcln, (uint64_t)i, &f))
        return false;
    pos->func = f.name;
    const uint8_t *call = inlined_call(b, &f, pc);
    pos->inlined = call ? call_name(b, call) : NULL;
    return gopcln_pc_line(&b->pcln, &f, pc, &pos->file, &pos->line);
}

const char *gobin_outer_inlined(const gobin *b, uint64_t pc) {
    int64_t i = gopcln_find(&b->pcln, pc);
    gopcln_func f;
    const uint8_t *call;
    if (i < 0 || !gopcln_func_at(&b->pcln, (uint64_t)i, &f) || !(call = inlined_call(b, &f, pc)))
        return NULL;
    /* climb to the call made by f itself: parentPc is the call site */
    for (unsigned depth = 0; depth < 64; depth++) {
        int32_t parent_pc;
        memcpy(&parent_pc, call + 8, 4);
        const uint8_t *up = parent_pc >= 0 ? inlined_call(b, &f, f.entry + (uint32_t)parent_pc) : NULL;
        if (!up || up == call)
            break;
        call = up;
    }
    return call_name(b, call);
}

size_t gobin_pc_frames(const gobin *b, uint64_t pc, gobin_pos *out, size_t max) {
    int64_t i = gopcln_find(&b->pcln, pc);
    gopcln_func f;
    size_t n = 0;
    if (i < 0 || !gopcln_func_at(&b->pcln, (uint64_t)i, &f))
        return 0;
    for (uint64_t at = pc; n < max;) {
        const uint8_t *call = inlined_call(b, &f, at);
        gobin_pos *p = &out[n++];
        p->func = call ? call_name(b, call) : f.name;
        p->inlined = NULL;
        gopcln_pc_line(&b->pcln, &f, at, &p->file, &p->line);
        if (!call || !p->func)
            break;
        int32_t parent;
        memcpy(&parent, call + 8, 4);
        if (parent < 0 || f.entry + (uint32_t)parent == at)
            break;
        at = f.entry + (uint32_t)parent;
    }
    return n;
}

size_t gobin_unwind(const gobin *b, gobin_read_fn read, void *ctx, uint64_t bias, uint64_t pc, uint64_t sp,
                    gobin_pos *out, size_t max) {
    size_t n = 0;
    for (unsigned depth = 0; depth < 256 && n < max; depth++) {
        uint64_t link = pc - bias;
        int64_t i = gopcln_find(&b->pcln, link);
        gopcln_func f;
        int32_t delta;
        if (i < 0 || !gopcln_func_at(&b->pcln, (uint64_t)i, &f) || strcmp(f.name, "runtime.goexit") == 0)
            break;
        /* the line of a return address is the call's: look up pc - 1 */
        n += gobin_pc_frames(b, link > f.entry ? link - 1 : link, out + n, max - n);
        uint64_t ret;
        if (!gopcln_spdelta(&b->pcln, &f, link, &delta) || delta < 0 || !read(ctx, sp + (uint32_t)delta, &ret, 8))
            break;
        sp += (uint32_t)delta + 8;
        pc = ret;
    }
    return n;
}

uint64_t gobin_gofunc(const gobin *b) { return b->gofunc; }
