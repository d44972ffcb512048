/*
 * `leakscope probe`: follows the goroutines of unmodified Go binaries with
 * eBPF uprobes (docs/probe.md).  This file parses the command line and
 * prints; --inspect shows what the binary reader (gobin.h) finds, which is
 * what the uprobes are placed from.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "leakscope/gobin.h"

#define MAX_RETS 64

static void probe_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope probe --inspect BINARY [--funcs] [--pc ADDR]...\n"
            "\n"
            "Follows the goroutines of an unmodified Go program with eBPF uprobes\n"
            "(docs/probe.md).  Available now: --inspect, the binary reader behind it.\n"
            "\n"
            "  --inspect BINARY  print the Go version, function count, runtime.g field\n"
            "                    offsets, wait reasons, and the addresses and file\n"
            "                    offsets where the probe attaches (runtime.newproc1 and\n"
            "                    its RET instructions, runtime.gdestroy, goexit0, goexit1)\n"
            "  --funcs           with --inspect: also list every function, ENTRY NAME\n"
            "  --pc ADDR         with --inspect: print FUNC FILE:LINE for the address\n"
            "                    (hex, 0x optional), from the pclntab; repeatable\n"
            "\n"
            "Supported binaries: amd64 Linux ELF executables, PIE or not, stripped or\n"
            "not, built by Go 1.20 or later.\n"
            "Exit status: 0 ok, 2 usage error or unreadable/unsupported binary.\n");
}

static const char *waitreasons_source(const gobin *b) {
    switch (gobin_wait_reasons_from(b)) {
    case GOBIN_WAITREASONS_SYMBOL:
        return "runtime.waitReasonStrings symbol";
    case GOBIN_WAITREASONS_SCAN:
        return "found by scanning .data (stripped)";
    default:
        return "not found";
    }
}

static void print_attach_point(const gobin *b, const char *name, bool rets) {
    const gobin_func *f = gobin_func_by_name(b, name);
    if (!f) {
        printf("%s: absent\n", name);
        return;
    }
    uint64_t off = 0;
    bool mapped = gobin_file_offset(b, f->entry, &off);
    printf("%s: addr 0x%" PRIx64 " size %" PRIu64 " file offset ", name, f->entry, f->end - f->entry);
    if (mapped)
        printf("0x%" PRIx64 "\n", off);
    else
        printf("unmapped\n");
    if (!rets)
        return;
    uint64_t at[MAX_RETS];
    char err[256];
    long n = gobin_func_rets(b, f, at, MAX_RETS, err, sizeof err);
    if (n < 0) {
        printf("%s RET: error: %s\n", name, err);
        return;
    }
    printf("%s RETs: %ld\n", name, n);
    for (long i = 0; i < n && i < MAX_RETS; i++) {
        if (gobin_file_offset(b, at[i], &off))
            printf("%s RET: addr 0x%" PRIx64 " file offset 0x%" PRIx64 "\n", name, at[i], off);
        else
            printf("%s RET: addr 0x%" PRIx64 " unmapped\n", name, at[i]);
    }
}

static void print_inspect(const gobin *b) {
    const gobin_goffsets *o = gobin_g_offsets(b);
    printf("go version: %s\n", gobin_go_version(b));
    printf("type: %s\n", gobin_is_pie(b) ? "PIE" : "executable (not PIE)");
    printf("symtab: %s\n", gobin_has_symtab(b) ? "yes" : "no (stripped)");
    printf("functions: %zu (from %s)\n", gobin_func_count(b),
           gobin_funcs_from(b) == GOBIN_FUNCS_SYMTAB ? ".symtab" : ".gopclntab");
    printf("text start: 0x%" PRIx64 "\n", gobin_text_start(b));
    printf("runtime.g offsets (%s): goid %d gopc %d startpc %d parentGoid %d atomicstatus %d waitreason %d\n",
           o->source, o->goid, o->gopc, o->startpc, o->parent_goid, o->atomicstatus, o->waitreason);
    printf("wait reasons: %zu (%s)\n", gobin_wait_reason_count(b), waitreasons_source(b));
    for (size_t i = 0; i < gobin_wait_reason_count(b); i++)
        printf("wait reason %zu: %s\n", i, gobin_wait_reason(b, i));
    print_attach_point(b, "runtime.newproc1", true);
    print_attach_point(b, "runtime.gdestroy", false);
    print_attach_point(b, "runtime.goexit0", false);
    print_attach_point(b, "runtime.goexit1", false);
}

static void print_pc(const gobin *b, const char *arg) {
    char *end;
    uint64_t pc = strtoull(arg, &end, 16);
    gobin_pos pos;
    if (*arg == 0 || *end != 0)
        printf("pc %s: not a hex address\n", arg);
    else if (gobin_pc_pos(b, pc, &pos))
        printf("pc 0x%" PRIx64 ": %s %s:%u\n", pc, pos.func, pos.file, pos.line);
    else
        printf("pc 0x%" PRIx64 ": no function\n", pc);
}

static int inspect(const char *path, bool funcs, char **pcs, int npcs) {
    gobin *b;
    char err[512];
    if (gobin_open(path, 0, &b, err, sizeof err) != 0) {
        fprintf(stderr, "leakscope probe: %s\n", err);
        return EXIT_INPUT;
    }
    printf("binary: %s\n", path);
    print_inspect(b);
    for (size_t i = 0; funcs && i < gobin_func_count(b); i++) {
        const gobin_func *f = gobin_func_at(b, i);
        printf("func 0x%" PRIx64 " %s\n", f->entry, f->name);
    }
    for (int i = 0; i < npcs; i++)
        print_pc(b, pcs[i]);
    gobin_close(b);
    return EXIT_CLEAN;
}

int cmd_probe(int argc, char **argv) {
    const char *binary = NULL;
    bool funcs = false;
    char **pcs = calloc((size_t)argc, sizeof *pcs);
    int npcs = 0, status = EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            probe_usage(stdout);
            status = EXIT_CLEAN;
            goto out;
        } else if (strcmp(a, "--inspect") == 0 && i + 1 < argc) {
            binary = argv[++i];
        } else if (strcmp(a, "--funcs") == 0) {
            funcs = true;
        } else if (strcmp(a, "--pc") == 0 && i + 1 < argc) {
            pcs[npcs++] = argv[++i];
        } else {
            fprintf(stderr, "leakscope probe: unknown or incomplete option '%s'\n", a);
            probe_usage(stderr);
            goto out;
        }
    }
    if (!binary) {
        fprintf(stderr, "leakscope probe: nothing to do: give --inspect BINARY (tracing comes next; docs/probe.md)\n");
        probe_usage(stderr);
        goto out;
    }
    status = inspect(binary, funcs, pcs, npcs);
out:
    free(pcs);
    return status;
}
