/*
 * Reader of the Go 1.20+ pclntab (see gopcln.h for the layout).  Nothing is
 * copied: names and file names are NUL-terminated strings inside the table,
 * and the pc-value tables are decoded on demand, one lookup at a time.
 */
#include "gopcln.h"

#include <stdio.h>
#include <string.h>

static bool read_u32(const gopcln *t, uint64_t off, uint32_t *v) {
    if (off > t->len || t->len - off < 4)
        return false;
    memcpy(v, t->data + off, 4); /* little-endian host, as the table */
    return true;
}

static bool read_word(const uint8_t *data, size_t len, uint64_t off, uint8_t ptrsize, uint64_t *v) {
    if (off > len || len - off < ptrsize)
        return false;
    if (ptrsize == 8) {
        memcpy(v, data + off, 8);
    } else {
        uint32_t w;
        memcpy(&w, data + off, 4);
        *v = w;
    }
    return true;
}

/* A NUL-terminated string at table offset off, or NULL. */
static const char *cstring_at(const gopcln *t, uint64_t off) {
    if (off >= t->len)
        return NULL;
    const void *nul = memchr(t->data + off, 0, t->len - off);
    return nul ? (const char *)t->data + off : NULL;
}

int gopcln_init(gopcln *t, const uint8_t *data, size_t len, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    t->data = data;
    t->len = len;
    uint32_t magic;
    if (len < 8) {
        snprintf(err, errlen, "pclntab too short (%zu bytes)", len);
        return -1;
    }
    memcpy(&magic, data, 4);
    if (magic == GOPCLN_MAGIC_GO118 || magic == GOPCLN_MAGIC_GO116 || magic == GOPCLN_MAGIC_GO12) {
        snprintf(err, errlen, "pclntab of Go %s, older than Go 1.20: rebuild with Go 1.20 or later",
                 magic == GOPCLN_MAGIC_GO118 ? "1.18/1.19" : magic == GOPCLN_MAGIC_GO116 ? "1.16/1.17" : "1.2-1.15");
        return -1;
    }
    if (magic != GOPCLN_MAGIC_GO120) {
        snprintf(err, errlen, "pclntab magic 0x%08x is not a known Go pclntab (want 0x%08x)", magic,
                 GOPCLN_MAGIC_GO120);
        return -1;
    }
    t->quantum = data[6];
    t->ptrsize = data[7];
    if (data[4] != 0 || data[5] != 0 || (t->ptrsize != 4 && t->ptrsize != 8) || t->quantum == 0) {
        snprintf(err, errlen, "pclntab header is damaged (pad %u %u, quantum %u, pointer size %u)", data[4],
                 data[5], t->quantum, t->ptrsize);
        return -1;
    }
    uint64_t w[8];
    for (unsigned i = 0; i < 8; i++) {
        if (!read_word(data, len, 8 + (uint64_t)i * t->ptrsize, t->ptrsize, &w[i])) {
            snprintf(err, errlen, "pclntab header is truncated");
            return -1;
        }
    }
    t->nfunc = w[0];
    t->nfiles = w[1];
    t->header_text_start = w[2];
    t->funcname_off = w[3];
    t->cu_off = w[4];
    t->filetab_off = w[5];
    t->pctab_off = w[6];
    t->pcln_off = w[7];
    uint64_t offs[5] = {w[3], w[4], w[5], w[6], w[7]};
    for (unsigned i = 0; i < 5; i++) {
        if (offs[i] > len) {
            snprintf(err, errlen, "pclntab table offset %llu is past its end (%zu bytes)",
                     (unsigned long long)offs[i], len);
            return -1;
        }
    }
    /* the function table: nfunc (entry, funcoff) pairs and the end entry */
    if (t->nfunc > (len - t->pcln_off) / 8) {
        snprintf(err, errlen, "pclntab claims %llu functions, more than it can hold",
                 (unsigned long long)t->nfunc);
        return -1;
    }
    uint32_t last;
    if (!read_u32(t, t->pcln_off + t->nfunc * 8, &last)) {
        snprintf(err, errlen, "pclntab function table is truncated");
        return -1;
    }
    return 0;
}

static bool functab_entry(const gopcln *t, uint64_t i, uint32_t *entryoff) {
    return read_u32(t, t->pcln_off + i * 8, entryoff);
}

bool gopcln_func_at(const gopcln *t, uint64_t i, gopcln_func *out) {
    uint32_t entry, next, funcoff;
    if (i >= t->nfunc || !functab_entry(t, i, &entry) || !functab_entry(t, i + 1, &next) ||
        !read_u32(t, t->pcln_off + i * 8 + 4, &funcoff))
        return false;
    out->entry = t->text_start + entry;
    out->end = t->text_start + next;
    out->func_off = t->pcln_off + (uint64_t)funcoff;
    uint32_t nameoff;
    const char *name = NULL;
    if (read_u32(t, out->func_off + 4, &nameoff))
        name = cstring_at(t, t->funcname_off + nameoff);
    out->name = name ? name : "?";
    out->funcid = out->func_off + 40 < t->len ? t->data[out->func_off + 40] : 0;
    return true;
}

int64_t gopcln_find(const gopcln *t, uint64_t pc) {
    if (t->nfunc == 0 || pc < t->text_start || pc - t->text_start > UINT32_MAX)
        return -1;
    uint32_t rel = (uint32_t)(pc - t->text_start), e;
    if (!functab_entry(t, t->nfunc, &e) || rel >= e)
        return -1;
    /* the last entry whose start is <= rel */
    uint64_t lo = 0, hi = t->nfunc;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (!functab_entry(t, mid, &e))
            return -1;
        if (e <= rel)
            lo = mid;
        else
            hi = mid;
    }
    if (!functab_entry(t, lo, &e) || e > rel)
        return -1;
    return (int64_t)lo;
}

static bool uvarint(const gopcln *t, uint64_t *off, uint32_t *v) {
    uint32_t result = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*off >= t->len)
            return false;
        uint8_t byte = t->data[(*off)++];
        result |= (uint32_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *v = result;
            return true;
        }
    }
    return false;
}

/*
 * The value of the pc-value table at pctab offset tab for targetpc: pairs
 * of (zig-zag value delta, pc delta in quanta) starting from value -1 at the
 * function entry, ended by a zero value delta after the first pair.
 */
static bool pcvalue(const gopcln *t, uint32_t tab, uint64_t entry, uint64_t targetpc, int32_t *val) {
    if (tab == 0)
        return false;
    uint64_t off = t->pctab_off + tab;
    uint64_t pc = entry;
    int32_t v = -1;
    for (bool first = true;; first = false) {
        uint32_t uvdelta, pcdelta;
        if (!uvarint(t, &off, &uvdelta) || (uvdelta == 0 && !first))
            return false;
        int32_t vdelta = (uvdelta & 1) ? (int32_t) ~(uvdelta >> 1) : (int32_t)(uvdelta >> 1);
        v = (int32_t)((uint32_t)v + (uint32_t)vdelta); /* wraps as the runtime's int32 does */
        if (!uvarint(t, &off, &pcdelta))
            return false;
        pc += (uint64_t)pcdelta * t->quantum;
        if (targetpc < pc) {
            *val = v;
            return true;
        }
    }
}

bool gopcln_pc_line(const gopcln *t, const gopcln_func *f, uint64_t pc, const char **file, uint32_t *line) {
    uint32_t pcfile, pcln, cuoff;
    *file = "?";
    *line = 0;
    if (pc < f->entry || pc >= f->end || !read_u32(t, f->func_off + 20, &pcfile) ||
        !read_u32(t, f->func_off + 24, &pcln) || !read_u32(t, f->func_off + 32, &cuoff))
        return false;
    int32_t fileno, lineno;
    if (pcvalue(t, pcfile, f->entry, pc, &fileno) && fileno >= 0) {
        uint32_t fileoff;
        uint64_t at = t->cu_off + ((uint64_t)cuoff + (uint32_t)fileno) * 4;
        if (at < t->filetab_off && read_u32(t, at, &fileoff) && fileoff != UINT32_MAX) {
            const char *name = cstring_at(t, t->filetab_off + fileoff);
            if (name)
                *file = name;
        }
    }
    if (pcvalue(t, pcln, f->entry, pc, &lineno) && lineno > 0)
        *line = (uint32_t)lineno;
    return true;
}

#define FUNC_HEADER_BYTES 44 /* the fixed part of _func, before pcdata[] */

bool gopcln_pcdata(const gopcln *t, const gopcln_func *f, uint32_t i, uint64_t pc, int32_t *val) {
    uint32_t npcdata, tab;
    if (pc < f->entry || pc >= f->end || !read_u32(t, f->func_off + 28, &npcdata) || i >= npcdata ||
        !read_u32(t, f->func_off + FUNC_HEADER_BYTES + (uint64_t)i * 4, &tab))
        return false;
    return pcvalue(t, tab, f->entry, pc, val);
}

bool gopcln_funcdata(const gopcln *t, const gopcln_func *f, uint32_t i, uint32_t *off) {
    uint32_t npcdata;
    if (!read_u32(t, f->func_off + 28, &npcdata) || f->func_off + 43 >= t->len || i >= t->data[f->func_off + 43])
        return false;
    uint64_t at = f->func_off + FUNC_HEADER_BYTES + (uint64_t)npcdata * 4 + (uint64_t)i * 4;
    return read_u32(t, at, off) && *off != UINT32_MAX;
}

const char *gopcln_name(const gopcln *t, uint32_t off) { return cstring_at(t, t->funcname_off + off); }

bool gopcln_spdelta(const gopcln *t, const gopcln_func *f, uint64_t pc, int32_t *delta) {
    uint32_t tab;
    if (pc < f->entry || pc >= f->end || !read_u32(t, f->func_off + 16, &tab))
        return false;
    if (tab == 0) { /* no table: a frameless function */
        *delta = 0;
        return true;
    }
    return pcvalue(t, tab, f->entry, pc, delta);
}
