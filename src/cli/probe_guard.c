/*
 * The probe stops traced processes (SIGSTOP at exec until the uprobes are
 * in, and in runtime.exit while their goroutines are read) and resumes
 * them itself.  If leakscope is killed in between (SIGKILL, the OOM
 * killer), nothing would resume them: a guard process, forked at the
 * start, waits for leakscope's end on a pipe and, unless told the end was
 * clean, sends SIGCONT to every stopped process of the traced tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "probe_cli.h"

typedef struct {
    pid_t pid, ppid;
    char state;
} proc_entry;

static bool read_proc_entry(const char *name, proc_entry *e) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", name);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *end = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
    int ppid;
    if (!end || sscanf(end + 1, " %c %d", &e->state, &ppid) != 2)
        return false;
    e->pid = (pid_t)atoi(name);
    e->ppid = (pid_t)ppid;
    return true;
}

static size_t list_processes(proc_entry **out) {
    DIR *d = opendir("/proc");
    size_t n = 0, cap = 0;
    proc_entry *all = NULL;
    for (struct dirent *de; d && (de = readdir(d));) {
        proc_entry e;
        if (de->d_name[0] < '0' || de->d_name[0] > '9' || !read_proc_entry(de->d_name, &e))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            proc_entry *grown = realloc(all, cap * sizeof *grown);
            if (!grown)
                break;
            all = grown;
        }
        all[n++] = e;
    }
    if (d)
        closedir(d);
    *out = all;
    return n;
}

/* SIGCONT to root and its descendants that are stopped ('T'; 't' is a
 * debugger's stop, not ours). */
static void resume_stopped_tree(pid_t root) {
    proc_entry *all;
    size_t n = list_processes(&all);
    pid_t *tree = malloc((n + 1) * sizeof *tree);
    size_t ntree = 0;
    if (!tree) {
        kill(root, SIGCONT);
        free(all);
        return;
    }
    tree[ntree++] = root;
    /* Breadth first: children join the queue.  /proc is not read at one
     * instant, so a reused pid can make the parent links loop: the queue
     * stops at its size, one slot per process read. */
    for (size_t i = 0; i < ntree; i++)
        for (size_t k = 0; k < n && ntree < n + 1; k++)
            if (all[k].ppid == tree[i] && all[k].pid != root)
                tree[ntree++] = all[k].pid;
    for (size_t i = 0; i < ntree; i++)
        for (size_t k = 0; k < n; k++)
            if (all[k].pid == tree[i] && all[k].state == 'T')
                kill(tree[i], SIGCONT);
    free(tree);
    free(all);
}

int probe_guard_start(pid_t root) {
    int p[2]; /* close-on-exec: a traced command holding the write end would hide leakscope's end */
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    pid_t guard = fork();
    if (guard < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (guard == 0) {
        /* Hold nothing of leakscope's: a BPF link kept open here would keep
         * the probes attached after leakscope is gone. */
        if (dup2(p[0], 3) != 3)
            _exit(1);
        close_range(4, ~0U, 0);
        if (p[1] < 3) /* leakscope started with stdio closed: a write end kept here would hide its end */
            close(p[1]);
        int quit[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
        for (size_t i = 0; i < sizeof quit / sizeof *quit; i++)
            signal(quit[i], SIG_IGN);
        char clean;
        if (read(3, &clean, 1) != 1)
            resume_stopped_tree(root);
        _exit(0);
    }
    close(p[0]);
    return p[1];
}

void probe_guard_release(int fd) {
    if (fd < 0)
        return;
    if (write(fd, "c", 1) != 1) {
        /* the guard is gone: nothing to tell it */
    }
    close(fd);
}
