/*
 * Test driver for the dump readers: prints every record the sink receives,
 * one line per field, so shell tests can grep for what a real dump must
 * yield.  `--chunk=N` feeds the parser N bytes at a time through the push
 * API (chunk boundaries anywhere) instead of dump_read_source.
 *
 *   dumpread [--format=auto|text|debug1|pprof] [--chunk=N] [--quiet] SOURCE
 *
 * Exit status 0, or 2 with the reader's message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/dump.h"

static bool quiet;

static void put_str(ls_str s) { fwrite(s.ptr, 1, s.len, stdout); }

static void put_frame(const char *indent, const char *tag, const dump_frame *f) {
    printf("%s%s ", indent, tag);
    put_str(f->func);
    if (f->args.len) {
        putchar(' ');
        put_str(f->args);
    }
    putchar(' ');
    if (f->file.len) {
        put_str(f->file);
        printf(":%u", f->line);
    } else {
        fputs("?:0", stdout);
    }
    if (f->pc_offset)
        printf(" +0x%llx", (unsigned long long)f->pc_offset);
    if (f->inlined)
        fputs(" inlined", stdout);
    putchar('\n');
}

static void put_goroutine(const char *indent, const dump_goroutine *g) {
    printf("%sg id=%llu count=%llu state=\"", indent, (unsigned long long)g->id,
           (unsigned long long)g->count);
    put_str(g->state);
    printf("\" wait=%lld locked=%d elided=%d leak=%d line=%llu\n", (long long)g->wait_minutes,
           g->locked_to_thread, g->frames_elided, g->from_leak_profile,
           (unsigned long long)g->input_line);
    char sub[16];
    snprintf(sub, sizeof sub, "%s  ", indent);
    for (size_t i = 0; i < g->nframes; i++)
        put_frame(sub, "f", &g->frames[i]);
    if (g->has_created_by) {
        put_frame(sub, "created_by", &g->created_by);
        printf("%screator=%llu\n", sub, (unsigned long long)g->creator_id);
    }
    for (size_t i = 0; i < g->nlabels; i++) {
        printf("%slabel ", sub);
        put_str(g->labels[i].key);
        putchar('=');
        put_str(g->labels[i].value);
        putchar('\n');
    }
    for (size_t i = 0; i < g->nancestors; i++) {
        printf("%sancestor\n", sub);
        put_goroutine(sub, &g->ancestors[i]);
    }
}

static int sink(void *ctx, const dump_goroutine *g) {
    (void)ctx;
    if (!quiet)
        put_goroutine("", g);
    return 0;
}

static void put_stats(const dump_stats *s) {
    printf("stats format=%s bytes=%llu lines=%llu goroutines=%llu stacks=%llu skipped=%llu "
           "truncated=%llu first_problem_line=%llu first_problem=\"%s\" preamble=\"",
           dump_format_name(s->format), (unsigned long long)s->bytes,
           (unsigned long long)s->lines, (unsigned long long)s->goroutines,
           (unsigned long long)s->stacks, (unsigned long long)s->skipped_lines,
           (unsigned long long)s->truncated_stanzas, (unsigned long long)s->first_problem_line,
           s->first_problem ? s->first_problem : "");
    if (s->preamble.len)
        put_str(s->preamble);
    puts("\"");
}

static int read_chunked(const char *path, dump_format fmt, size_t chunk) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    dump_parser *p = dump_parser_new(fmt, path, sink, NULL);
    char *buf = malloc(chunk);
    size_t got;
    int rc = 0;
    while (rc == 0 && (got = fread(buf, 1, chunk, f)) > 0)
        rc = dump_parser_feed(p, buf, got);
    if (rc == 0)
        rc = dump_parser_finish(p);
    put_stats(dump_parser_stats(p));
    if (rc)
        fprintf(stderr, "%s\n", dump_parser_error(p));
    dump_parser_free(p);
    free(buf);
    if (f != stdin)
        fclose(f);
    return rc ? 2 : 0;
}

int main(int argc, char **argv) {
    dump_format fmt = DUMP_FORMAT_AUTO;
    size_t chunk = 0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--quiet") == 0)
            quiet = true;
        else if (strncmp(a, "--chunk=", 8) == 0)
            chunk = strtoull(a + 8, NULL, 10);
        else if (strcmp(a, "--format=text") == 0)
            fmt = DUMP_FORMAT_TEXT;
        else if (strcmp(a, "--format=debug1") == 0)
            fmt = DUMP_FORMAT_DEBUG1;
        else if (strcmp(a, "--format=pprof") == 0)
            fmt = DUMP_FORMAT_PPROF;
        else if (strcmp(a, "--format=auto") != 0) {
            fprintf(stderr, "dumpread: unknown option %s\n", a);
            return 2;
        }
    }
    if (i + 1 != argc) {
        fprintf(stderr, "usage: dumpread [--format=F] [--chunk=N] [--quiet] SOURCE\n");
        return 2;
    }
    if (chunk)
        return read_chunked(argv[i], fmt, chunk);
    dump_stats st;
    char *err = NULL;
    int rc = dump_read_source(argv[i], fmt, sink, NULL, &st, &err);
    put_stats(&st);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 2;
    }
    return 0;
}
