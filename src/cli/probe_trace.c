/*
 * `leakscope probe -- CMD ARGS` and `leakscope probe -p PID`: attach the
 * probe, follow the goroutines until the program ends (or Ctrl-C, SIGTERM,
 * --duration), then report the goroutines still alive by creation site.
 *
 * A command is started behind a pipe gate: the child blocks reading the
 * pipe until the probe follows its pid, then execs.  The command and every
 * process it starts are followed: each exec stops the process (SIGSTOP
 * from the BPF program), and a Go binary that --follow selects gets its
 * uprobes before it resumes (SIGCONT).  No ptrace, and no goroutine is
 * created before the probes are in place.  Each traced program is reported
 * when it ends.
 */
#include <cJSON.h>
#include <errno.h>
#include <regex.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "leakscope/probe.h"
#include "probe_cli.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void install_stop_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The executable execvp would run for name. */
static bool resolve_command(const char *name, char *out, size_t outlen) {
    if (strchr(name, '/'))
        return (size_t)snprintf(out, outlen, "%s", name) < outlen && access(out, X_OK) == 0;
    const char *path = getenv("PATH");
    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((size_t)snprintf(out, outlen, "%.*s/%s", (int)len, len ? p : ".", name) < outlen &&
            access(out, X_OK) == 0)
            return true;
        p += len + (end != NULL);
    }
    return false;
}

/*
 * The load bias of pid's copy of the binary from /proc/PID/maps (PIE
 * binaries load at a random address; the pclntab knows link addresses).
 * False until the process has mapped the binary (right after exec).
 */
static bool read_load_bias(const gobin *b, pid_t pid, const char *path, uint64_t *bias) {
    if (!gobin_is_pie(b)) {
        *bias = 0;
        return true;
    }
    char maps[64], real[PATH_MAX], line[PATH_MAX + 128];
    snprintf(maps, sizeof maps, "/proc/%d/maps", (int)pid);
    if (!realpath(path, real))
        return false;
    FILE *f = fopen(maps, "r");
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f)) {
        unsigned long long start, end, off;
        int name_at = 0;
        if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &start, &end, &off, &name_at) < 3 || name_at == 0)
            continue;
        char *name = line + name_at;
        name[strcspn(name, "\n")] = 0;
        if (strcmp(name, real) == 0)
            found = gobin_load_bias(b, start, off, bias);
    }
    if (f)
        fclose(f);
    return found;
}

static void unbias(probe_goroutine *g, long n, uint64_t bias) {
    for (long i = 0; i < n; i++) {
        g[i].gopc -= g[i].gopc ? bias : 0;
        g[i].startpc -= g[i].startpc ? bias : 0;
    }
}

static double seconds(uint64_t ns) { return (double)ns / 1e9; }

/* --json FILE: one object per program reported (docs/probe.md, "JSON"). */
static cJSON *json_programs;

static void json_add_program(probe_session *s, const gobin *b, const char *path, pid_t pid, const char *when,
                             const probe_site *sites, size_t nsites, uint64_t shown, uint64_t hidden, uint64_t leaked) {
    if (!json_programs)
        return;
    cJSON *p = cJSON_CreateObject(), *list = cJSON_CreateArray();
    cJSON_AddStringToObject(p, "path", path);
    cJSON_AddNumberToObject(p, "pid", (double)pid);
    cJSON_AddStringToObject(p, "go_version", gobin_go_version(b));
    cJSON_AddStringToObject(p, "end", when);
    cJSON_AddNumberToObject(p, "alive", (double)shown);
    cJSON_AddNumberToObject(p, "runtime_hidden", (double)hidden);
    cJSON_AddNumberToObject(p, "leaked", (double)leaked);
    for (size_t i = 0; i < nsites; i++) {
        const probe_site *x = &sites[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "file", x->file);
        cJSON_AddNumberToObject(j, "line", x->line);
        cJSON_AddStringToObject(j, "function", x->start);
        cJSON_AddStringToObject(j, "creator", x->creator);
        cJSON_AddNumberToObject(j, "count", (double)x->count);
        cJSON_AddNumberToObject(j, "counted_as_leaked", x->runtime ? 0 : (double)x->aged);
        if (x->state)
            cJSON_AddStringToObject(j, "state", x->state);
        else
            cJSON_AddNullToObject(j, "state");
        cJSON_AddNumberToObject(j, "oldest_seconds", seconds(x->oldest_ns));
        cJSON_AddNumberToObject(j, "youngest_seconds", seconds(x->youngest_ns));
        cJSON_AddBoolToObject(j, "runtime", x->runtime);
        const char *text = x->stack_id ? probe_stack(s, x->stack_id) : NULL;
        if (text) {
            char id[17];
            snprintf(id, sizeof id, "%016" PRIx64, x->stack_id);
            cJSON_AddStringToObject(j, "bucket", id);
            cJSON *frames = cJSON_CreateArray();
            for (const char *line = text; *line;) {
                const char *end = strchr(line, '\n');
                size_t len = end ? (size_t)(end - line) : strlen(line);
                char *one = strndup(line, len);
                cJSON_AddItemToArray(frames, cJSON_CreateString(one ? one : ""));
                free(one);
                line += len + (end != NULL);
            }
            cJSON_AddItemToObject(j, "stack", frames);
        } else {
            cJSON_AddNullToObject(j, "bucket");
            cJSON_AddNullToObject(j, "stack");
        }
        cJSON_AddItemToArray(list, j);
    }
    cJSON_AddItemToObject(p, "sites", list);
    cJSON_AddItemToArray(json_programs, p);
}

/* Writes the --json document; false (with a message) on failure. */
static bool json_write(const probe_opts *o, probe_session *s, uint64_t leaked) {
    if (!json_programs)
        return true;
    probe_counters c;
    probe_read_counters(s, &c);
    cJSON *doc = cJSON_CreateObject(), *cnt = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "version", 1);
    cJSON_AddItemToObject(doc, "programs", json_programs);
    json_programs = NULL;
    cJSON_AddNumberToObject(doc, "leaked", (double)leaked);
    if (o->max_leaked >= 0)
        cJSON_AddNumberToObject(doc, "max_leaked", (double)o->max_leaked);
    else
        cJSON_AddNullToObject(doc, "max_leaked");
    if (o->count_calls)
        cJSON_AddNumberToObject(cnt, "newproc1_calls", (double)c.newproc_entries);
    else
        cJSON_AddNullToObject(cnt, "newproc1_calls");
    cJSON_AddNumberToObject(cnt, "created", (double)c.creates);
    cJSON_AddNumberToObject(cnt, "ended", (double)c.exits);
    cJSON_AddNumberToObject(cnt, "ended_created_before_attach", (double)c.exits_unknown);
    cJSON_AddNumberToObject(cnt, "events_lost", (double)c.ringbuf_drops);
    cJSON_AddNumberToObject(cnt, "records_lost", (double)c.map_full);
    cJSON_AddNumberToObject(cnt, "unreadable_g", (double)c.read_fails);
    cJSON_AddItemToObject(doc, "counters", cnt);
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    FILE *f = text ? fopen(o->json, "w") : NULL;
    bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "leakscope probe: cannot write %s: %s\n", o->json, strerror(errno));
    free(text);
    return ok;
}

/* The oldest goroutine's stack under its site line, as a dump bucket. */
static void print_stack(probe_session *s, uint64_t id) {
    const char *text = id ? probe_stack(s, id) : NULL;
    if (!text)
        return;
    fprintf(stderr, "          stack (bucket %016" PRIx64 "):\n", id);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        fprintf(stderr, "            %.*s\n", (int)len, line);
        line += len + (end != NULL);
    }
}

/* Prints the report; returns the number of goroutines counted as leaked. */
static uint64_t report(probe_session *s, const gobin *b, const char *path, pid_t pid, uint64_t bias,
                       const probe_opts *o, const char *when) {
    probe_goroutine *live = NULL;
    long n = probe_live(s, (uint32_t)pid, &live);
    unbias(live, n, bias);
    probe_site *sites = NULL;
    size_t nsites = n > 0 ? probe_group_sites(b, live, (size_t)n, o->min_age_ns, &sites) : 0;
    uint64_t shown = 0, hidden = 0, leaked = 0;
    for (size_t i = 0; i < nsites; i++) {
        if (sites[i].runtime) {
            hidden += o->all ? 0 : sites[i].count;
            shown += o->all ? sites[i].count : 0;
        } else {
            shown += sites[i].count;
            leaked += sites[i].aged;
        }
    }
    json_add_program(s, b, path, pid, when, sites, nsites, shown, hidden, leaked);
    if (o->buckets)
        probe_buckets_add(s, b, path, pid, live, n > 0 ? (size_t)n : 0);
    probe_counters c;
    probe_read_counters(s, &c);
    fprintf(stderr, "leakscope probe: %s (pid %d, %s): %" PRIu64 " goroutines alive %s", path, (int)pid,
            gobin_go_version(b), shown, when);
    if (hidden)
        fprintf(stderr, " (%" PRIu64 " of the runtime not shown; --all shows them)", hidden);
    fprintf(stderr, "\n");
    if (shown)
        fprintf(stderr, "%8s  %-40s %-32s %-16s %s\n", "LIVE", "CREATED AT", "FUNCTION", "STATE (oldest)",
                "AGE (oldest)");
    for (size_t i = 0; i < nsites; i++) {
        const probe_site *p = &sites[i];
        if (p->runtime && !o->all)
            continue;
        char at[PATH_MAX + 16];
        snprintf(at, sizeof at, "%s:%u", p->file, p->line);
        fprintf(stderr, "%8" PRIu64 "  %-40s %-32s %-16s %.3fs  (go statement in %s)\n", p->count, at, p->start,
                p->state ? p->state : "-", seconds(p->oldest_ns), p->creator);
        print_stack(s, p->stack_id);
    }
    if (o->count_calls)
        fprintf(stderr, "counters (whole session so far): newproc1 calls %" PRIu64 ", ", c.newproc_entries);
    else
        fprintf(stderr, "counters (whole session so far): ");
    fprintf(stderr,
            "created %" PRIu64 ", ended %" PRIu64
            ", ended but created before attach %" PRIu64 ", events lost (ring buffer full) %" PRIu64
            ", records lost (map full) %" PRIu64 ", unreadable g %" PRIu64 "\n",
            c.creates, c.exits, c.exits_unknown, c.ringbuf_drops, c.map_full, c.read_fails);
    free(sites);
    free(live);
    return leaked;
}

static int verdict(uint64_t leaked, const probe_opts *o, int child_status) {
    if (o->max_leaked >= 0 && leaked > (uint64_t)o->max_leaked) {
        fprintf(stderr, "leakscope probe: %" PRIu64 " goroutines leaked, more than --max-leaked %ld\n", leaked,
                o->max_leaked);
        return EXIT_FINDINGS;
    }
    if (child_status != 0) {
        fprintf(stderr, "leakscope probe: the command failed (%s %d)\n",
                WIFSIGNALED(child_status) ? "signal" : "exit status",
                WIFSIGNALED(child_status) ? WTERMSIG(child_status) : WEXITSTATUS(child_status));
        return EXIT_FINDINGS;
    }
    return EXIT_CLEAN;
}

static int open_binary(const char *path, gobin **b) {
    char err[600];
    if (gobin_open(path, 0, b, err, sizeof err) != 0) {
        fprintf(stderr, "leakscope probe: %s\n", err);
        return EXIT_INPUT;
    }
    return 0;
}

static int open_session(probe_session **s, const probe_opts *o) {
    char err[600];
    if (probe_session_open(s, err, sizeof err) != 0) {
        fprintf(stderr, "leakscope probe: %s\n", err);
        return strstr(err, "CAP_BPF") ? EXIT_INPUT : EXIT_INTERNAL; /* no permission: the user's to fix */
    }
    probe_count_calls(*s, o->count_calls);
    return 0;
}

static bool expired(const probe_opts *o, const struct timespec *start) {
    if (o->duration_ns == 0)
        return false;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t el = (uint64_t)(now.tv_sec - start->tv_sec) * 1000000000u + (uint64_t)now.tv_nsec - (uint64_t)start->tv_nsec;
    return el >= o->duration_ns;
}

/* A Go process the probe is attached to. */
typedef struct traced {
    uint32_t tgid;
    gobin *b;
    char path[PATH_MAX];
    uint64_t bias;
    bool have_bias;
} traced;

typedef struct tracer {
    const probe_opts *o;
    probe_session *s;
    regex_t follow;
    traced *procs;
    size_t nprocs, cap;
    uint64_t leaked;   /* summed over the processes reported */
    size_t reported, leaking;
} tracer;

/* probe_attach, saying so when the binary gets the slower creation probe. */
static int attach_noting(probe_session *s, const gobin *b, const char *path, int pid, char *err, size_t errlen) {
    size_t slow = probe_slow_attaches(s);
    int rc = probe_attach(s, b, path, pid, err, errlen);
    if (rc == 0 && probe_slow_attaches(s) > slow)
        fprintf(stderr, "leakscope probe: note: %s: no cheap probe site in runtime.newproc1; probing its RET "
                        "instructions, which costs more per goroutine\n", path);
    return rc;
}

/* Keeps a process the probes are attached to (the tracer owns b). */
static bool add_traced(tracer *t, uint32_t tgid, gobin *b, const char *path) {
    if (t->nprocs == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        traced *n = realloc(t->procs, cap * sizeof *n);
        if (!n)
            return false;
        t->procs = n;
        t->cap = cap;
    }
    traced *p = &t->procs[t->nprocs++];
    p->tgid = tgid;
    p->b = b;
    snprintf(p->path, sizeof p->path, "%s", path);
    p->have_bias = read_load_bias(b, (pid_t)tgid, path, &p->bias);
    return true;
}

static ssize_t traced_index(const tracer *t, uint32_t tgid) {
    for (size_t i = 0; i < t->nprocs; i++)
        if (t->procs[i].tgid == tgid)
            return (ssize_t)i;
    return -1;
}

static void finish_proc(tracer *t, size_t i, const char *when) {
    traced *p = &t->procs[i];
    while (probe_poll(t->s, 0) > 0) {
    }
    if (!p->have_bias)
        fprintf(stderr, "leakscope probe: note: the load address of %s was not read; its positions are unknown\n",
                p->path);
    uint64_t leaked = report(t->s, p->b, p->path, (pid_t)p->tgid, p->bias, t->o, when);
    t->leaked += leaked;
    t->leaking += leaked > 0;
    t->reported++;
    probe_detach(t->s, p->tgid);
    gobin_close(p->b);
    t->procs[i] = t->procs[--t->nprocs];
}

/* A followed process exec'd (and is stopped): attach if it is a Go
 * binary we follow, then let it run. */
static void on_exec(tracer *t, uint32_t tgid) {
    char link[64], path[PATH_MAX], err[600];
    snprintf(link, sizeof link, "/proc/%u/exe", tgid);
    ssize_t len = readlink(link, path, sizeof path - 1);
    const char *base;
    gobin *b = NULL;
    ssize_t old = traced_index(t, tgid);
    if (old >= 0) /* a traced program replaced itself: what it left running is its report */
        finish_proc(t, (size_t)old, "at its exec");
    if (len > 0) {
        path[len] = 0;
        base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        if (regexec(&t->follow, base, 0, NULL, 0) == 0 && gobin_open(path, 0, &b, err, sizeof err) != 0 &&
            !strstr(err, "not a Go binary") && !strstr(err, "not an ELF"))
            fprintf(stderr, "leakscope probe: not tracing pid %u: %s\n", tgid, err);
    }
    if (b && attach_noting(t->s, b, path, (int)tgid, err, sizeof err) != 0) {
        fprintf(stderr, "leakscope probe: not tracing pid %u: %s\n", tgid, err);
        probe_detach(t->s, tgid);
        gobin_close(b);
        b = NULL;
    }
    if (b && !add_traced(t, tgid, b, path)) {
        probe_detach(t->s, tgid);
        gobin_close(b);
    }
    kill((pid_t)tgid, SIGCONT);
}

static void on_proc_events(tracer *t) {
    probe_proc_event ev[64];
    size_t n;
    while ((n = probe_take_proc_events(t->s, ev, 64)) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (ev[i].kind == PROBE_PROC_EXEC) {
                on_exec(t, ev[i].tgid);
                continue;
            }
            for (size_t k = 0; k < t->nprocs; k++) {
                if (t->procs[k].tgid != ev[i].tgid)
                    continue;
                if (ev[i].kind == PROBE_PROC_EXITING) {
                    probe_snapshot(t->s, ev[i].tgid, t->procs[k].b, t->procs[k].bias);
                    kill((pid_t)ev[i].tgid, SIGCONT);
                } else {
                    finish_proc(t, k, "at its exit");
                }
                break;
            }
        }
    }
}

/* The regular expression of binaries to trace: --follow, else test
 * binaries under `go` (go test runs the compiler and linker too, which are
 * Go programs), else every Go binary. */
static bool compile_follow(tracer *t, const char *root) {
    const char *base = strrchr(root, '/') ? strrchr(root, '/') + 1 : root;
    const char *re = t->o->follow ? t->o->follow : strcmp(base, "go") == 0 ? "\\.test$" : "";
    int e = regcomp(&t->follow, re, REG_EXTENDED | REG_NOSUB);
    if (e != 0) {
        char msg[200];
        regerror(e, &t->follow, msg, sizeof msg);
        fprintf(stderr, "leakscope probe: --follow '%s': %s\n", re, msg);
        return false;
    }
    return true;
}

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#define LIVE_ROWS 10

/* --live: redraws, once a second, the top creation sites of every traced
 * program by live count, below the program's own output (the cursor goes
 * back up over the previous drawing; ANSI terminals). */
static void draw_live(probe_session *s, const traced *procs, size_t nprocs, const probe_opts *o, unsigned *drawn) {
    if (*drawn)
        fprintf(stderr, "\033[%uA\033[J", *drawn);
    *drawn = 0;
    for (size_t i = 0; i < nprocs; i++) {
        probe_goroutine *live = NULL;
        long n = probe_live(s, procs[i].tgid, &live);
        unbias(live, n, procs[i].bias);
        probe_site *sites = NULL;
        size_t nsites = n > 0 ? probe_group_sites(procs[i].b, live, (size_t)n, o->min_age_ns, &sites) : 0;
        const char *base = strrchr(procs[i].path, '/') ? strrchr(procs[i].path, '/') + 1 : procs[i].path;
        fprintf(stderr, "[live] %s (pid %u): %ld goroutines\n", base, procs[i].tgid, n > 0 ? n : 0);
        (*drawn)++;
        for (size_t k = 0, rows = 0; k < nsites && rows < LIVE_ROWS; k++) {
            if (sites[k].runtime && !o->all)
                continue;
            fprintf(stderr, "[live] %8" PRIu64 "  %s:%u  %s  oldest %.1fs\n", sites[k].count, sites[k].file,
                    sites[k].line, sites[k].start, seconds(sites[k].oldest_ns));
            (*drawn)++;
            rows++;
        }
        free(sites);
        free(live);
    }
}

typedef struct live_view {
    bool on;
    unsigned drawn;     /* lines of the last drawing */
    uint64_t next_ms;   /* when to redraw */
} live_view;

static live_view live_view_start(const probe_opts *o) {
    live_view v = {o->live && isatty(STDERR_FILENO), 0, now_ms() + 1000};
    if (o->live && !v.on)
        fprintf(stderr, "leakscope probe: note: --live needs a terminal on stderr; no live view\n");
    return v;
}

static void live_view_tick(live_view *v, tracer *t) {
    if (!v->on || now_ms() < v->next_ms)
        return;
    draw_live(t->s, t->procs, t->nprocs, t->o, &v->drawn);
    v->next_ms = now_ms() + 1000;
}

static int trace_verdict(tracer *t, int child_status) {
    if (t->reported == 0)
        fprintf(stderr, "leakscope probe: no Go program%s ran under the probe\n",
                t->o->follow ? " matching --follow" : "");
    else if (t->reported > 1)
        fprintf(stderr, "leakscope probe: %zu Go programs traced, %zu with goroutines alive at the end\n",
                t->reported, t->leaking);
    return verdict(t->leaked, t->o, child_status);
}

/* Gives back what a trace that could not start holds; returns status. */
static int tracer_abort(tracer *t, int status) {
    if (t->s)
        probe_session_close(t->s);
    regfree(&t->follow);
    free(t->procs);
    cJSON_Delete(json_programs);
    json_programs = NULL;
    return status;
}

int probe_run_command(const probe_opts *o, char **argv) {
    char path[PATH_MAX];
    if (!resolve_command(argv[0], path, sizeof path)) {
        fprintf(stderr, "leakscope probe: %s: command not found\n", argv[0]);
        return EXIT_INPUT;
    }
    tracer t = {.o = o};
    if (!compile_follow(&t, path))
        return EXIT_INPUT;
    json_programs = o->json ? cJSON_CreateArray() : NULL;
    int st = open_session(&t.s, o), gate[2];
    if (st)
        return tracer_abort(&t, st);
    if (pipe(gate) != 0) {
        perror("leakscope probe: pipe");
        return tracer_abort(&t, EXIT_INTERNAL);
    }
    pid_t child = fork();
    if (child < 0) { /* never go on with -1: kill(-1, ...) would signal every process */
        perror("leakscope probe: fork");
        close(gate[0]);
        close(gate[1]);
        return tracer_abort(&t, EXIT_INTERNAL);
    }
    if (child == 0) {
        char go;
        close(gate[1]);
        if (read(gate[0], &go, 1) != 1)
            _exit(127); /* the probe could not start: never run unobserved */
        close(gate[0]);
        execv(path, argv);
        fprintf(stderr, "leakscope probe: cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(gate[0]);
    int guard = probe_guard_start(child);
    if (probe_follow(t.s, (uint32_t)child) != 0) {
        fprintf(stderr, "leakscope probe: cannot follow process %d: %s\n", (int)child, strerror(errno));
        close(gate[1]);
        probe_guard_release(guard);
        waitpid(child, NULL, 0);
        return tracer_abort(&t, EXIT_INTERNAL);
    }
    install_stop_handlers();
    if (write(gate[1], "g", 1) != 1)
        perror("leakscope probe: opening the gate");
    close(gate[1]);
    int status = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    live_view live = live_view_start(o);
    for (;;) {
        probe_poll(t.s, 50);
        on_proc_events(&t);
        if (waitpid(child, &status, WNOHANG) == child)
            break;
        live_view_tick(&live, &t);
        if (stop_requested || expired(o, &start)) {
            kill(child, SIGTERM); /* Ctrl-C reached it too when it shares our terminal */
            stop_requested = 0;
        }
    }
    probe_poll(t.s, 0);
    on_proc_events(&t);
    while (t.nprocs > 0) /* descendants still running after the command */
        finish_proc(&t, t.nprocs - 1, "when the command ended");
    probe_guard_release(guard);
    int rc = trace_verdict(&t, status);
    if (!json_write(o, t.s, t.leaked) || (o->buckets && !probe_buckets_write(o->buckets)))
        rc = EXIT_INPUT;
    free(t.procs);
    regfree(&t.follow);
    probe_session_close(t.s);
    return rc;
}

static bool proc_is_zombie(int pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    const char *end = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
    return !f || (end && end[1] == ' ' && (end[2] == 'Z' || end[2] == 'X'));
}

/* -p: whether the process has ended (gone, or a zombie its parent has not
 * reaped yet: it is not our child). */
static bool proc_ended(int pid) { return (kill(pid, 0) != 0 && errno == ESRCH) || proc_is_zombie(pid); }

/* Attaches to the running process pid, reads the goroutines it already
 * has, and follows its children. */
static int attach_running(tracer *t, int pid) {
    char link[64], path[PATH_MAX], err[600];
    snprintf(link, sizeof link, "/proc/%d/exe", pid);
    ssize_t len = readlink(link, path, sizeof path - 1);
    if (len < 0) {
        fprintf(stderr, "leakscope probe: process %d: %s\n", pid, strerror(errno));
        return EXIT_INPUT;
    }
    path[len] = 0;
    gobin *b;
    int st = open_binary(link, &b);
    if (st)
        return st;
    if (attach_noting(t->s, b, link, pid, err, sizeof err) != 0) {
        fprintf(stderr, "leakscope probe: %s\n", err);
        gobin_close(b);
        return strstr(err, "CAP_BPF") ? EXIT_INPUT : EXIT_INTERNAL;
    }
    if (!add_traced(t, (uint32_t)pid, b, path)) {
        gobin_close(b);
        return EXIT_INTERNAL;
    }
    traced *p = &t->procs[t->nprocs - 1];
    if (!p->have_bias)
        fprintf(stderr, "leakscope probe: note: cannot read the load address of %s from /proc/%d/maps\n", path, pid);
    long adopted = probe_adopt_existing(t->s, (uint32_t)pid, b, p->bias);
    if (adopted < 0)
        fprintf(stderr, "leakscope probe: note: the goroutines already running in %s are not seen (no runtime.allgs "
                        "symbol: stripped?); only those created from now on\n", path);
    if (probe_follow(t->s, (uint32_t)pid) != 0)
        fprintf(stderr, "leakscope probe: note: cannot follow the children of process %d: %s\n", pid, strerror(errno));
    fprintf(stderr, "leakscope probe: attached to %s (pid %d, %ld goroutines already running, ages counted from now); "
                    "Ctrl-C to stop\n", path, pid, adopted > 0 ? adopted : 0);
    return 0;
}

int probe_run_pid(const probe_opts *o, int pid) {
    tracer t = {.o = o};
    if (!compile_follow(&t, ""))
        return EXIT_INPUT;
    json_programs = o->json ? cJSON_CreateArray() : NULL;
    int st = open_session(&t.s, o);
    if (st || (st = attach_running(&t, pid)))
        return tracer_abort(&t, st);
    install_stop_handlers();
    int guard = probe_guard_start(pid);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    live_view live = live_view_start(o);
    while (!stop_requested && !expired(o, &start) && traced_index(&t, (uint32_t)pid) >= 0) {
        probe_poll(t.s, 100);
        on_proc_events(&t); /* children's execs, runtime.exit pauses, ends */
        live_view_tick(&live, &t);
        ssize_t root = traced_index(&t, (uint32_t)pid);
        if (root >= 0 && proc_ended(pid))
            finish_proc(&t, (size_t)root, "at its exit");
    }
    probe_poll(t.s, 0);
    on_proc_events(&t);
    while (t.nprocs > 0) { /* still running: read their goroutines now */
        traced *p = &t.procs[t.nprocs - 1];
        probe_snapshot(t.s, p->tgid, p->b, p->bias);
        finish_proc(&t, t.nprocs - 1, "at detach");
    }
    probe_guard_release(guard);
    int rc = trace_verdict(&t, 0);
    if (!json_write(o, t.s, t.leaked) || (o->buckets && !probe_buckets_write(o->buckets)))
        rc = EXIT_INPUT;
    free(t.procs);
    regfree(&t.follow);
    probe_session_close(t.s);
    return rc;
}
