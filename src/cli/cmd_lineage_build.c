/*
 * `leakscope lineage build -- go SUBCOMMAND ARGS...`: runs the go command
 * on the current module with its context.WithX calls traced by package
 * lineage, without touching the sources (docs/lineage.md, "Recording").
 *
 * The rewriting is the Go program go/lineage/cmd/lineage-overlay of the
 * companion module; it prints the path of an overlay file, which is handed
 * to the go command as -overlay.  The traced program finds its events
 * file in LEAKSCOPE_LINEAGE (read by package lineage at start).
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

#ifndef LEAKSCOPE_GO_DIR
#define LEAKSCOPE_GO_DIR "" /* set by CMake to the source tree's go/ */
#endif

static void build_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope lineage build [-o EVENTS] [--stacks] -- go SUBCOMMAND [ARGS...]\n\n"
            "Runs the go command (build, test, run, ...) on the module in the current\n"
            "directory, or on every module of the go.work in effect, with every\n"
            "context.WithX call recorded by the lineage package: rewritten copies of the\n"
            "files are passed with -overlay; the sources are not changed.  A build that\n"
            "would read vendor/ is refused: add -mod=mod to the go command.  The\n"
            "programs it runs write their events to EVENTS\n"
            "(default ./lineage-%%p.jsonl, %%p: the process ID); read them with\n"
            "'leakscope lineage EVENTS...'.\n\n"
            "flags:\n"
            "  -o, --events PATH   where the traced programs write events (%%p: pid)\n"
            "  --stacks            record full stacks too\n"
            "  -h, --help          show this help\n\n"
            "Needs leakscope's Go module (the lineage package and its overlay tool):\n"
            "LEAKSCOPE_GO_DIR, else %s.\n"
            "Exit status: the go command's, or 2 when it could not be started.\n",
            LEAKSCOPE_GO_DIR[0] ? LEAKSCOPE_GO_DIR : "(not set at build time)");
}

static bool is_go_command(const char *argv0) {
    const char *slash = strrchr(argv0, '/');
    return strcmp(slash ? slash + 1 : argv0, "go") == 0;
}

/* Runs argv with stdout into out (NUL-terminated, trailing newline cut);
 * stderr passes through.  The exit status, or -1 when it did not start. */
static int run_capture(char *const argv[], char *out, size_t cap) {
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err) {
        close(fds[0]);
        errno = err;
        return -1;
    }
    size_t len = 0;
    for (;;) {
        ssize_t got = read(fds[0], out + len, cap - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
        if (len == cap - 1)
            break;
    }
    close(fds[0]);
    out[len] = 0;
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = 0;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_passthrough(char *const argv[]) {
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (err) {
        fprintf(stderr, "leakscope lineage build: cannot run %s: %s\n", argv[0], strerror(err));
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The overlay file for the go command cmd (go SUBCOMMAND ARGS..., ncmd
 * words) run in cwd, made by lineage-overlay, which reads cmd's -mod flag
 * and the user's GOWORK and GOFLAGS; false (after saying why) when it
 * failed.  The tool itself is built with GOWORK=off and -mod=mod: the
 * user's workspace or vendoring is not leakscope's module's. */
static bool make_overlay(char **cmd, int ncmd, const char *go_dir, const char *cwd, char *overlay, size_t cap) {
    char tool[PATH_MAX];
    struct stat st;
    snprintf(tool, sizeof tool, "%s/lineage/cmd/lineage-overlay", go_dir);
    if (stat(tool, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr,
                "leakscope lineage build: %s: no lineage overlay tool there; set LEAKSCOPE_GO_DIR to the go/ "
                "directory of leakscope's sources\n",
                tool);
        return false;
    }
    const char *gowork = getenv("GOWORK");
    char dir_flag[PATH_MAX + 16], module_flag[PATH_MAX + 16], gowork_flag[PATH_MAX + 16];
    snprintf(dir_flag, sizeof dir_flag, "-lineage-dir=%s", go_dir);
    snprintf(module_flag, sizeof module_flag, "-module=%s", cwd);
    snprintf(gowork_flag, sizeof gowork_flag, "-gowork=%s", gowork ? gowork : "");
    char *head[] = {cmd[0],   "-C",        (char *)go_dir, "run", "-mod=mod", "./lineage/cmd/lineage-overlay",
                    dir_flag, module_flag, gowork_flag,    "-prepare-only", "--"};
    size_t nhead = sizeof head / sizeof head[0];
    char **argv = calloc(nhead + (size_t)ncmd + 1, sizeof *argv);
    if (!argv)
        return false;
    memcpy(argv, head, sizeof head);
    memcpy(argv + nhead, cmd, (size_t)ncmd * sizeof *argv);
    setenv("GOWORK", "off", 1);
    int status = run_capture(argv, overlay, cap);
    free(argv);
    if (gowork) /* from the flag's copy: setenv may have freed the old string */
        setenv("GOWORK", gowork_flag + strlen("-gowork="), 1);
    else
        unsetenv("GOWORK");
    if (status != 0 || !overlay[0]) {
        fprintf(stderr, "leakscope lineage build: the overlay tool failed (status %d); see above\n", status);
        return false;
    }
    return true;
}

int cmd_lineage_build(int argc, char **argv) {
    const char *events = NULL;
    bool stacks = false;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            build_usage(stdout);
            return EXIT_CLEAN;
        } else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--events") == 0) && i + 1 < argc) {
            events = argv[++i];
        } else if (strcmp(argv[i], "--stacks") == 0) {
            stacks = true;
        } else {
            fprintf(stderr, "leakscope lineage build: unknown flag %s; run 'leakscope lineage build --help'\n", argv[i]);
            return EXIT_INPUT;
        }
    }
    if (i + 2 >= argc || !is_go_command(argv[i + 1])) {
        fprintf(stderr, "leakscope lineage build: give the go command after --, e.g. leakscope lineage build -- go test ./...\n");
        return EXIT_INPUT;
    }
    char **cmd = argv + i + 1;
    int ncmd = argc - i - 1;
    const char *go_dir = getenv("LEAKSCOPE_GO_DIR");
    if (!go_dir || !*go_dir)
        go_dir = LEAKSCOPE_GO_DIR;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "leakscope lineage build: cannot tell the current directory: %s\n", strerror(errno));
        return EXIT_INPUT;
    }
    char overlay[PATH_MAX];
    if (!*go_dir || !make_overlay(cmd, ncmd, go_dir, cwd, overlay, sizeof overlay))
        return EXIT_INPUT;

    char events_path[PATH_MAX + 32];
    if (!events)
        snprintf(events_path, sizeof events_path, "%s/lineage-%%p.jsonl", cwd);
    else if (events[0] != '/')
        snprintf(events_path, sizeof events_path, "%s/%s", cwd, events); /* tests run in their package's directory */
    else
        snprintf(events_path, sizeof events_path, "%s", events);
    setenv("LEAKSCOPE_LINEAGE", events_path, 1);
    if (stacks)
        setenv("LEAKSCOPE_LINEAGE_STACKS", "1", 1);

    /* go SUBCOMMAND -overlay=FILE ARGS... */
    char overlay_flag[PATH_MAX + 16];
    snprintf(overlay_flag, sizeof overlay_flag, "-overlay=%s", overlay);
    char **run = calloc((size_t)ncmd + 2, sizeof *run);
    if (!run)
        return EXIT_INTERNAL;
    run[0] = cmd[0];
    run[1] = cmd[1];
    run[2] = overlay_flag;
    for (int k = 2; k < ncmd; k++)
        run[k + 1] = cmd[k];
    fprintf(stderr, "leakscope lineage build: events go to %s\n", events_path);
    int status = run_passthrough(run);
    free(run);
    if (status < 0)
        return EXIT_INPUT;
    char hint[sizeof events_path];
    size_t h = 0;
    for (const char *p = events_path; *p && h + 1 < sizeof hint; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            hint[h++] = '*';
            p++;
        } else {
            hint[h++] = *p;
        }
    }
    hint[h] = 0;
    fprintf(stderr, "leakscope lineage build: read the events with: leakscope lineage %s\n", hint);
    return status;
}
