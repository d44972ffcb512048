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
#include "probe_cli.h"

#define MAX_RETS 64

static void probe_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope probe [OPTIONS] -- COMMAND [ARGS...]\n"
            "       leakscope probe [OPTIONS] -p PID\n"
            "       leakscope probe --inspect BINARY [--funcs] [--pc ADDR]...\n"
            "\n"
            "Follows every goroutine of an unmodified Go program with eBPF uprobes\n"
            "(creation in runtime.newproc1, exit in runtime.gdestroy) and reports the\n"
            "goroutines still alive when it ends, grouped by the go statement that\n"
            "created them (docs/probe.md).  Needs root, or CAP_BPF and CAP_PERFMON.\n"
            "The report goes to stderr; the program's own output is left alone.\n"
            "\n"
            "  -- COMMAND ARGS   run the command under the probe until it exits; every Go\n"
            "                    program it (or its children) runs is traced and reported\n"
            "                    when it ends\n"
            "  --follow REGEX    trace only Go binaries whose file name matches (extended\n"
            "                    regex); default: all, or '\\.test$' under `go` (go test)\n"
            "  -p PID            attach to a running Go process until it exits, Ctrl-C,\n"
            "                    or --duration; the goroutines it already runs are read\n"
            "                    from its memory (not when stripped), its children followed\n"
            "  --duration DUR    stop after DUR (10s, 500ms, 2m; with --, SIGTERM the command)\n"
            "  --max-leaked N    exit 1 when more than N goroutines created by the program\n"
            "                    (not the runtime's) are alive at the end\n"
            "  --min-age DUR     with --max-leaked: count only goroutines at least DUR old\n"
            "  --all             also show the runtime's own goroutines\n"
            "  --live            redraw the top creation sites of each traced program\n"
            "                    by live count once a second on stderr (a terminal)\n"
            "  --json FILE       also write the report as JSON (version 1) to FILE\n"
            "  --buckets FILE    also write the goroutines alive at each program's end as\n"
            "                    buckets, in the JSON of leakscope dump --format json (one\n"
            "                    document per program, one per line)\n"
            "  --count-calls     also probe runtime.newproc1's entry and count its calls, to\n"
            "                    check that every creation was seen (costs one more uprobe hit\n"
            "                    per goroutine)\n"
            "  --inspect BINARY  print what the probe reads from a binary: Go version,\n"
            "                    functions, runtime.g field offsets, wait reasons, and the\n"
            "                    addresses and file offsets where it attaches\n"
            "  --funcs           with --inspect: also list every function, ENTRY NAME\n"
            "  --pc ADDR         with --inspect: print FUNC FILE:LINE for the hex address\n"
            "\n"
            "Supported binaries: amd64 Linux ELF executables, PIE or not, stripped or\n"
            "not, built by Go 1.20 or later (stripped: Go 1.21-1.26, the offset table).\n"
            "Exit status: 0 ok, 1 more leaks than --max-leaked or the command failed,\n"
            "2 usage error, unreadable or unsupported binary, or no permission, 3 internal.\n");
}

/* "10s", "500ms", "2m", "1h", or seconds; false when malformed. */
static bool parse_duration(const char *s, uint64_t *ns) {
    char *end;
    double v = strtod(s, &end);
    double unit = 1e9;
    if (end == s || v < 0)
        return false;
    if (strcmp(end, "ms") == 0)
        unit = 1e6;
    else if (strcmp(end, "m") == 0)
        unit = 60e9;
    else if (strcmp(end, "h") == 0)
        unit = 3600e9;
    else if (*end && strcmp(end, "s") != 0)
        return false;
    *ns = (uint64_t)(v * unit);
    return true;
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

/* Where `probe` puts its busy uprobes (gobin.h: instructions the kernel
 * emulates); goid_offset >= 0 asks for newproc1's creation site. */
static void print_probe_site(const gobin *b, const char *what, const gobin_func *f, int32_t goid_offset) {
    static const char *const reg_names[] = {"AX", "BX", "CX", "DX", "SI", "DI", "R8",
                                            "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
    uint64_t at, off;
    gobin_reg reg = GOBIN_REG_RAX;
    if (!f)
        return;
    bool found = goid_offset >= 0 ? gobin_newg_probe_site(b, f, goid_offset, &at, &reg) : gobin_entry_probe_site(b, f, &at);
    if (found && gobin_file_offset(b, at, &off))
        printf("%s probe site: addr 0x%" PRIx64 " file offset 0x%" PRIx64 "%s%s\n", what, at, off,
               goid_offset >= 0 ? " new g in " : "", goid_offset >= 0 ? reg_names[reg] : "");
    else
        printf("%s probe site: none (the slower fallback is used)\n", what);
}

static void print_inspect(const gobin *b) {
    const gobin_goffsets *o = gobin_g_offsets(b);
    printf("go version: %s\n", gobin_go_version(b));
    printf("type: %s\n", gobin_is_pie(b) ? "PIE" : "executable (not PIE)");
    printf("symtab: %s\n", gobin_has_symtab(b) ? "yes" : "no (stripped)");
    printf("functions: %zu (from %s)\n", gobin_func_count(b),
           gobin_funcs_from(b) == GOBIN_FUNCS_SYMTAB ? ".symtab" : ".gopclntab");
    printf("text start: 0x%" PRIx64 "\n", gobin_text_start(b));
    printf("gofunc: 0x%" PRIx64 "\n", gobin_gofunc(b));
    printf("runtime.g offsets (%s): goid %d gopc %d startpc %d parentGoid %d atomicstatus %d waitreason %d"
           " sched.sp %d sched.pc %d sched.bp %d\n",
           o->source, o->goid, o->gopc, o->startpc, o->parent_goid, o->atomicstatus, o->waitreason, o->sched_sp,
           o->sched_pc, o->sched_bp);
    printf("wait reasons: %zu (%s)\n", gobin_wait_reason_count(b), waitreasons_source(b));
    for (size_t i = 0; i < gobin_wait_reason_count(b); i++)
        printf("wait reason %zu: %s\n", i, gobin_wait_reason(b, i));
    print_attach_point(b, "runtime.newproc1", true);
    if (o->goid >= 0)
        print_probe_site(b, "runtime.newproc1 creation", gobin_func_by_name(b, "runtime.newproc1"), o->goid);
    print_attach_point(b, "runtime.gdestroy", false);
    print_attach_point(b, "runtime.goexit0", false);
    print_attach_point(b, "runtime.goexit1", false);
    print_attach_point(b, "runtime.exit", false);
    print_probe_site(b, "runtime.gdestroy entry", gobin_func_by_name(b, "runtime.gdestroy"), -1);
    print_probe_site(b, "runtime.goexit0 entry", gobin_func_by_name(b, "runtime.goexit0"), -1);
}

static void print_pc(const gobin *b, const char *arg) {
    char *end;
    uint64_t pc = strtoull(arg, &end, 16);
    gobin_pos pos;
    if (*arg == 0 || *end != 0)
        printf("pc %s: not a hex address\n", arg);
    else if (gobin_pc_pos(b, pc, &pos) && pos.inlined)
        printf("pc 0x%" PRIx64 ": %s %s:%u inlined %s\n", pc, pos.func, pos.file, pos.line, pos.inlined);
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

static int usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "leakscope probe: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "; run 'leakscope probe --help'\n");
    return EXIT_INPUT;
}

int cmd_probe(int argc, char **argv) {
    const char *binary = NULL;
    bool funcs = false;
    probe_opts o = {.max_leaked = -1};
    long pid = -1;
    char **pcs = calloc((size_t)argc, sizeof *pcs);
    int npcs = 0, status = EXIT_INPUT, i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            probe_usage(stdout);
            status = EXIT_CLEAN;
            goto out;
        } else if (strcmp(a, "--funcs") == 0) {
            funcs = true;
        } else if (strcmp(a, "--all") == 0) {
            o.all = true;
        } else if (strcmp(a, "--live") == 0) {
            o.live = true;
        } else if (strcmp(a, "--count-calls") == 0) {
            o.count_calls = true;
        } else if (!v) {
            status = usage_error("unknown option or missing value: '%s'", a);
            goto out;
        } else if (strcmp(a, "--inspect") == 0) {
            binary = argv[++i];
        } else if (strcmp(a, "--json") == 0) {
            o.json = argv[++i];
        } else if (strcmp(a, "--buckets") == 0) {
            o.buckets = argv[++i];
        } else if (strcmp(a, "--follow") == 0) {
            o.follow = argv[++i];
        } else if (strcmp(a, "--pc") == 0) {
            pcs[npcs++] = argv[++i];
        } else if (strcmp(a, "-p") == 0) {
            pid = strtol(v, &end, 10);
            if (*end || pid <= 0) {
                status = usage_error("-p wants a process id, not '%s'", v);
                goto out;
            }
            i++;
        } else if (strcmp(a, "--max-leaked") == 0) {
            o.max_leaked = strtol(v, &end, 10);
            if (*end || o.max_leaked < 0) {
                status = usage_error("--max-leaked wants a count, not '%s'", v);
                goto out;
            }
            i++;
        } else if (strcmp(a, "--duration") == 0 || strcmp(a, "--min-age") == 0) {
            if (!parse_duration(v, a[2] == 'd' ? &o.duration_ns : &o.min_age_ns)) {
                status = usage_error("not a duration (10s, 500ms, 2m): '%s'", v);
                goto out;
            }
            i++;
        } else {
            status = usage_error("unknown option '%s'", a);
            goto out;
        }
    }
    if (binary)
        status = inspect(binary, funcs, pcs, npcs);
    else if (pid > 0 && i >= argc)
        status = probe_run_pid(&o, (int)pid);
    else if (pid < 0 && i < argc && i > 1 && strcmp(argv[i - 1], "--") == 0)
        status = probe_run_command(&o, argv + i);
    else
        status = usage_error("give -- COMMAND [ARGS...], -p PID or --inspect BINARY%s", "");
out:
    free(pcs);
    return status;
}
