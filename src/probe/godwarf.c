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

static void set_field(gobin_goffsets *o, const char *name, int32_t off) {
    if (strcmp(name, "goid") == 0)
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

static bool read_g_struct(Dwarf_Die *st, gobin_goffsets *o) {
    Dwarf_Die m;
    if (dwarf_child(st, &m) != 0)
        return false;
    do {
        Dwarf_Attribute attr;
        Dwarf_Word loc;
        const char *name = dwarf_diename(&m);
        if (dwarf_tag(&m) == DW_TAG_member && name &&
            dwarf_attr(&m, DW_AT_data_member_location, &attr) && dwarf_formudata(&attr, &loc) == 0 &&
            loc < INT32_MAX)
            set_field(o, name, (int32_t)loc);
    } while (dwarf_siblingof(&m, &m) == 0);
    return o->goid >= 0;
}

/* Go puts its types at the top level of the compilation units. */
static bool find_g_struct(Dwarf *dw, gobin_goffsets *o) {
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu, d;
        if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &d) == 0) {
            do {
                const char *name;
                if (dwarf_tag(&d) == DW_TAG_structure_type && (name = dwarf_diename(&d)) &&
                    strcmp(name, "runtime.g") == 0 && read_g_struct(&d, o))
                    return true;
            } while (dwarf_siblingof(&d, &d) == 0);
        }
        off = next;
    }
    return false;
}

bool gobin_dwarf_g_offsets(gobin *b) {
    Dwarf *dw = dwarf_begin_elf(b->elf, DWARF_C_READ, NULL);
    if (!dw)
        return false;
    gobin_goffsets o = {-1, -1, -1, -1, -1, -1, "dwarf"};
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
            b->goff = (gobin_goffsets){r->goid, r->gopc, r->startpc, r->parent_goid, r->atomicstatus, r->waitreason,
                                       src};
            return true;
        }
    }
    return false;
}
