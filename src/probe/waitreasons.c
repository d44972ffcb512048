/*
 * The names of the binary's wait reasons (runtime.waitReasonStrings, an
 * array of Go strings indexed by runtime.waitReason), so a goroutine's
 * waitreason byte reads as "chan receive" in that binary's own words.
 *
 * With .symtab the array is the symbol's contents.  Stripped binaries keep
 * no data symbols, so the array is found by its shape: entry 0 is the empty
 * string and entry 1 is "GC assist marking" (true since Go 1.20; checked by
 * tests on stripped builds) — find that text, then the pointer to it
 * followed by its length 17 in .data, then read entries while they are
 * short printable strings.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "gobin_internal.h"

#define WAITREASON_1 "GC assist marking"
#define WAITREASON_MAX_LEN 80
#define WAITREASON_MAX 256

/* Entry i of the array at table: a printable Go string, or NULL. */
static const char *entry(gobin *b, uint64_t table, size_t i) {
    uint64_t ptr, len;
    if (!gobin_read_ptr(b, table + i * 16, &ptr) || !gobin_read_ptr(b, table + i * 16 + 8, &len))
        return NULL;
    if (len == 0)
        return "";
    const uint8_t *s = len <= WAITREASON_MAX_LEN ? gobin_at(b, ptr, len) : NULL;
    if (!s)
        return NULL;
    for (uint64_t k = 0; k < len; k++)
        if (s[k] < 0x20 || s[k] >= 0x7f)
            return NULL;
    return ls_arena_strndup(b->arena, (const char *)s, len);
}

static void read_table(gobin *b, uint64_t table, size_t max, bool stop_at_empty) {
    b->waitreasons = ls_arena_alloc(b->arena, (max ? max : 1) * sizeof *b->waitreasons);
    for (size_t i = 0; i < max; i++) {
        const char *s = entry(b, table, i);
        if (!s || (stop_at_empty && i > 0 && !*s))
            break;
        b->waitreasons[b->nwaitreasons++] = s;
    }
}

/* The vaddr of the data word pair (ptr == text, len == 17) in .data. */
static bool find_entry_1(gobin *b, uint64_t text, uint64_t *at) {
    uint64_t start = (b->data.addr + 7) & ~(uint64_t)7, end = b->data.addr + b->data.size;
    for (uint64_t a = start + 16; a + 16 <= end; a += 8) {
        uint64_t p, n, len0;
        if (gobin_read_ptr(b, a, &p) && p == text && gobin_read_ptr(b, a + 8, &n) && n == strlen(WAITREASON_1) &&
            gobin_read_ptr(b, a - 8, &len0) && len0 == 0) {
            *at = a;
            return true;
        }
    }
    return false;
}

static bool scan_for_table(gobin *b) {
    if (!b->data.present)
        return false;
    const size_t nlen = strlen(WAITREASON_1);
    for (size_t i = 0; i < b->nloads; i++) {
        const GElf_Phdr *p = &b->loads[i];
        if (p->p_flags & PF_W)
            continue; /* string data is read-only */
        const uint8_t *seg = gobin_at(b, p->p_vaddr, p->p_filesz);
        if (!seg)
            continue;
        for (const uint8_t *hit = seg; (hit = memmem(hit, p->p_filesz - (size_t)(hit - seg), WAITREASON_1, nlen));
             hit++) {
            uint64_t at;
            if (find_entry_1(b, p->p_vaddr + (uint64_t)(hit - seg), &at)) {
                read_table(b, at - 16, WAITREASON_MAX, true);
                return true;
            }
            if ((size_t)(hit - seg) + nlen >= p->p_filesz)
                break;
        }
    }
    return false;
}

void gobin_load_wait_reasons(gobin *b) {
    uint64_t addr, size;
    if (gobin_symbol(b, "runtime.waitReasonStrings", &addr, &size) && size / 16 > 0) {
        read_table(b, addr, size / 16 < WAITREASON_MAX ? size / 16 : WAITREASON_MAX, false);
        b->waitreasons_from = GOBIN_WAITREASONS_SYMBOL;
    } else if (scan_for_table(b)) {
        b->waitreasons_from = GOBIN_WAITREASONS_SCAN;
    }
}

size_t gobin_wait_reason_count(const gobin *b) { return b->nwaitreasons; }
gobin_waitreasons_source gobin_wait_reasons_from(const gobin *b) { return b->waitreasons_from; }
const char *gobin_wait_reason(const gobin *b, size_t i) { return i < b->nwaitreasons ? b->waitreasons[i] : NULL; }
