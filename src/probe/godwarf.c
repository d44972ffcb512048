/*
 * runtime.g field offsets: from the binary's DWARF (libdw) when it has
 * some, else from the built-in per-version table (goffsets_table.c, made by
 * scripts/gen_goffsets.sh from each toolchain's own DWARF).  The probe reads
 * these fields from the g struct with bpf_probe_read_user.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <string.h>

#include "gobin_internal.h"

/* gobuf member offsets, added to g.sched's once both are known */
typedef struct gobuf_offsets {
    int32_t sched, sp, pc, bp;
} gobuf_offsets;

static void set_field(gobin_goffsets *o, gobuf_offsets *gb, const char *name, int32_t off) {
    if (strcmp(name, "sched") == 0)
        gb->sched = off;
    else if (strcmp(name, "goid") == 0)
        o->goid = off;
    else if (strcmp(name, "gopc") == 0)
        o->gopc = off;
    else if (strcmp(name, "startpc") == 0)
        o->startpc = off;
    else if (strcmp(name, "parentGoid") == 0)
        o->parent_goid = off;
    else if (strcmp(name, "atomicstatus") == 0)
        o->atomicstatus = off;
    else if (strcmp(name, "waitreason") == 0)
        o->waitreason = off;
}

static void set_gobuf_field(gobuf_offsets *gb, const char *name, int32_t off) {
    if (strcmp(name, "sp") == 0)
        gb->sp = off;
    else if (strcmp(name, "pc") == 0)
        gb->pc = off;
    else if (strcmp(name, "bp") == 0)
        gb->bp = off;
}

/* Calls set(name, offset) for each member of a struct DIE. */
static void read_members(Dwarf_Die *st, gobin_goffsets *o, gobuf_offsets *gb, bool gobuf) {
    Dwarf_Die m;
    if (dwarf_child(st, &m) != 0)
        return;
    do {
        Dwarf_Attribute attr;
        Dwarf_Word loc;
        const char *name = dwarf_diename(&m);
        if (dwarf_tag(&m) == DW_TAG_member && name &&
            dwarf_attr(&m, DW_AT_data_member_location, &attr) && dwarf_formudata(&attr, &loc) == 0 &&
            loc < INT32_MAX) {
            if (gobuf)
                set_gobuf_field(gb, name, (int32_t)loc);
            else
                set_field(o, gb, name, (int32_t)loc);
        }
    } while (dwarf_siblingof(&m, &m) == 0);
}

/* Go puts its types at the top level of the compilation units. */
static bool find_g_struct(Dwarf *dw, gobin_goffsets *o) {
    Dwarf_Off off = 0, next;
    size_t hsize;
    gobuf_offsets gb = {-1, -1, -1, -1};
    bool have_g = false, have_gobuf = false;
    while (!(have_g && have_gobuf) && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu, d;
        if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &d) == 0) {
            do {
                const char *name;
                if (dwarf_tag(&d) != DW_TAG_structure_type || !(name = dwarf_diename(&d)))
                    continue;
                if (!have_g && strcmp(name, "runtime.g") == 0) {
                    read_members(&d, o, &gb, false);
                    have_g = o->goid >= 0;
                } else if (!have_gobuf && strcmp(name, "runtime.gobuf") == 0) {
                    read_members(&d, o, &gb, true);
                    have_gobuf = gb.pc >= 0;
                }
            } while (!(have_g && have_gobuf) && dwarf_siblingof(&d, &d) == 0);
        }
        off = next;
    }
    if (have_g && have_gobuf && gb.sched >= 0) {
        o->sched_sp = gb.sp >= 0 ? gb.sched + gb.sp : -1;
        o->sched_pc = gb.sched + gb.pc;
        o->sched_bp = gb.bp >= 0 ? gb.sched + gb.bp : -1;
    }
    return have_g;
}

bool gobin_dwarf_g_offsets(gobin *b) {
    Dwarf *dw = dwarf_begin_elf(b->elf, DWARF_C_READ, NULL);
    if (!dw)
        return false;
    gobin_goffsets o = {-1, -1, -1, -1, -1, -1, -1, -1, -1, "dwarf"};
    bool ok = find_g_struct(dw, &o);
    dwarf_end(dw);
    if (ok)
        b->goff = o;
    return ok;
}

/* "go1.25.14", "go1.26rc1" -> major 1, minor 25 */
static bool major_minor(const char *v, unsigned *major, unsigned *minor) {
    return sscanf(v, "go%u.%u", major, minor) == 2;
}

bool gobin_table_g_offsets(gobin *b) {
    unsigned maj, min, tmaj, tmin;
    if (!major_minor(b->version, &maj, &min))
        return false;
    for (size_t i = 0; i < gobin_goffsets_table_len; i++) {
        const gobin_goffsets_row *r = &gobin_goffsets_table[i];
        if (major_minor(r->go, &tmaj, &tmin) && tmaj == maj && tmin == min) {
            char *src = ls_arena_alloc(b->arena, 32);
            snprintf(src, 32, "table %s", r->go);
            b->goff = (gobin_goffsets){r->goid,       r->gopc,       r->startpc,  r->parent_goid, r->atomicstatus,
                                       r->waitreason, r->sched_sp,   r->sched_pc, r->sched_bp,    src};
            return true;
        }
    }
    return false;
}
