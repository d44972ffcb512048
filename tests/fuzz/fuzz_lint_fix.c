/*
 * libFuzzer target for applying fixes (lintfix.h): the input is a source
 * text and a list of edits from several findings (overlapping, out of
 * range, at the ends, CRLF or not).  Checks what the tests check on a few
 * cases, on everything the fuzzer finds:
 *  - the plan's edits are sorted and disjoint, each inside the file;
 *  - rendering keeps every byte outside the edits, in order;
 *  - the unified diff, applied by the small patcher below, gives exactly
 *    the rendered text (hunk numbers, context, "No newline" markers);
 *  - lint_fix_map_offset maps each kept byte to where it was rendered.
 * Any violation aborts.
 *
 * Input: [nsrc: 1 byte][source: nsrc*4 bytes, or what is left] then per
 * edit 4 bytes (finding index, start, length, text choice).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/lintfix.h"

#define MAX_FINDINGS 6
#define MAX_EDITS 4

static const char *const texts[] = {"", "x", "\n", "\tdefer cancel()\n", "errors.Is(err, context.Canceled)", "a\r\nb",
                                    "import \"errors\"\n", "\n\n"};

static void must(int ok) {
    if (!ok)
        abort();
}

/* Applies a unified diff made by lint_fix_diff to src; the result goes to out. */
static void patch(const char *src, size_t len, const char *d, size_t dn, ls_buf *out) {
    size_t at = 0, line = 1; /* at: offset of src line `line` */
    const char *p = d, *end = d + dn;
    for (int i = 0; i < 2 && p < end; i++) { /* --- and +++ */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        must(nl != NULL);
        p = nl + 1;
    }
    while (p < end) {
        unsigned long os, oc, ns, nc;
        const char *hl = memchr(p, '\n', (size_t)(end - p));
        must(hl != NULL && hl - p < 100);
        char header[100];
        memcpy(header, p, (size_t)(hl - p));
        header[hl - p] = 0;
        must(sscanf(header, "@@ -%lu,%lu +%lu,%lu @@", &os, &oc, &ns, &nc) == 4);
        p = hl + 1;
        size_t first = oc ? os : os + 1;
        while (line < first) { /* copy the untouched lines before the hunk */
            const char *nl = memchr(src + at, '\n', len - at);
            size_t e = nl ? (size_t)(nl - src) + 1 : len;
            ls_buf_append(out, src + at, e - at);
            at = e;
            line++;
        }
        while (p < end && *p != '@') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            must(nl != NULL);
            char mark = *p;
            const char *body = p + 1;
            size_t bn = (size_t)(nl - body) + 1;
            bool no_newline = nl + 1 < end && nl[1] == '\\';
            if (no_newline)
                bn--;
            if (mark == ' ' || mark == '-') {
                must(at + bn <= len && memcmp(src + at, body, bn) == 0);
                at += bn;
                line++;
            }
            if (mark == ' ' || mark == '+')
                ls_buf_append(out, body, bn);
            p = nl + 1;
            if (no_newline)
                p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
        }
    }
    ls_buf_append(out, src + at, len - at);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    size_t nsrc = (size_t)data[0] * 4;
    data++, size--;
    if (nsrc > size)
        nsrc = size;
    const char *src = (const char *)data;
    size_t len = nsrc;
    data += nsrc, size -= nsrc;

    lint_finding f[MAX_FINDINGS];
    lint_edit e[MAX_FINDINGS][MAX_EDITS];
    memset(f, 0, sizeof f);
    for (size_t i = 0; i < MAX_FINDINGS; i++)
        f[i].edits = e[i];
    for (; size >= 4; data += 4, size -= 4) {
        lint_finding *x = &f[data[0] % MAX_FINDINGS];
        if (x->nedits == MAX_EDITS)
            continue;
        size_t start = len ? data[1] % (len + 2) : data[1] % 2; /* sometimes past the end */
        size_t n = data[2] % 6;
        e[x - f][x->nedits++] = (lint_edit){(go_pos)start, (go_pos)(start + n), texts[data[3] % 8]};
    }
    const lint_finding *ptrs[MAX_FINDINGS];
    for (size_t i = 0; i < MAX_FINDINGS; i++)
        ptrs[i] = &f[i];
    lint_fix_plan plan;
    lint_fix_plan_make(ptrs, MAX_FINDINGS, len, &plan);
    for (size_t i = 0; i < plan.nedits; i++) {
        must(plan.edits[i].start <= plan.edits[i].end && plan.edits[i].end <= len);
        if (i)
            must(plan.edits[i - 1].end <= plan.edits[i].start);
    }
    ls_buf out = {0};
    lint_fix_render(src, len, plan.edits, plan.nedits, &out);
    /* bytes outside the edits are kept where map_offset says */
    for (size_t pos = 0; pos < len; pos++) {
        bool inside = false;
        for (size_t k = 0; k < plan.nedits && !inside; k++)
            inside = plan.edits[k].start <= pos && pos < plan.edits[k].end;
        if (!inside) {
            size_t to = lint_fix_map_offset(src, len, plan.edits, plan.nedits, pos);
            must(to < out.len && out.data[to] == src[pos]);
        }
    }
    ls_buf d = {0}, back = {0};
    lint_fix_diff(&d, "p/a.go", src, len, plan.edits, plan.nedits);
    if (d.len) {
        patch(src, len, d.data, d.len, &back);
        must(back.len == out.len && (out.len == 0 || memcmp(back.data, out.data, out.len) == 0));
    } else {
        must(out.len == len && (len == 0 || memcmp(out.data, src, len) == 0));
    }
    ls_buf_free(&back);
    ls_buf_free(&d);
    ls_buf_free(&out);
    lint_fix_plan_free(&plan);
    return 0;
}
