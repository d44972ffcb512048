/*
 * Lines changed since a git revision (lintgit.h).  git's own output is
 * the source of truth: the hunk headers of `git diff --unified=0`
 * (`@@ -a,b +c,d @@`: lines c..c+d-1 of the new file are added or
 * changed) and `git ls-files -z` for what is tracked.  Paths in both are
 * relative to the repository root; findings are matched by their real
 * path made relative to the same root.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leakscope/lintgit.h"
#include "xalloc.h"

extern char **environ;

typedef struct range {
    uint32_t first, last;
} range;

typedef struct changed_file {
    char *path; /* relative to the root */
    bool tracked;
    range *ranges;
    size_t nranges;
} changed_file;

struct lint_changes {
    char *root;
    changed_file *files;
    size_t len, cap;
    bool sorted;
};

static char *xstrndup(const char *s, size_t n) {
    char *p = strndup(s, n);
    if (!p)
        abort();
    return p;
}

static changed_file *add_file(lint_changes *c, const char *path, size_t n) {
    for (size_t i = c->len; i-- > 0;) /* the diff names each file once; ls-files after it */
        if (strlen(c->files[i].path) == n && memcmp(c->files[i].path, path, n) == 0)
            return &c->files[i];
    if (c->len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->files = xrealloc(c->files, c->cap * sizeof *c->files);
    }
    changed_file *f = &c->files[c->len++];
    memset(f, 0, sizeof *f);
    f->path = xstrndup(path, n);
    c->sorted = false;
    return f;
}

static int cmp_file(const void *a, const void *b) {
    return strcmp(((const changed_file *)a)->path, ((const changed_file *)b)->path);
}

/* A C-quoted path as git writes it ("a\tb\303\251"), unquoted in place;
 * returns its new length. */
static size_t unquote(char *s, size_t n) {
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return n;
    size_t o = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 2 < n) {
            char e = s[++i];
            if (e >= '0' && e <= '7') {
                int v = 0;
                for (int k = 0; k < 3 && i + 1 < n && s[i] >= '0' && s[i] <= '7'; k++)
                    v = v * 8 + (s[i++] - '0');
                i--;
                ch = (char)v;
            } else {
                ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'a' ? '\a' : e == 'b' ? '\b'
                   : e == 'f' ? '\f' : e == 'v' ? '\v' : e;
            }
        }
        s[o++] = ch;
    }
    return o;
}

static uint32_t parse_num(const char **p, const char *end) {
    uint32_t v = 0;
    while (*p < end && **p >= '0' && **p <= '9') {
        if (v < 100000000)
            v = v * 10 + (uint32_t)(**p - '0');
        (*p)++;
    }
    return v;
}

static void parse_diff(lint_changes *c, const char *text, size_t len, bool tracked) {
    const char *p = text, *end = text + len;
    changed_file *cur = NULL;
    uint32_t left_old = 0, left_new = 0; /* body lines still to come in the hunk */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t n = (size_t)(eol - p);
        if ((left_old || left_new) && n && (p[0] == '-' || p[0] == '+' || p[0] == ' ' || p[0] == '\\')) {
            if (p[0] == '-' && left_old)
                left_old--;
            else if (p[0] == '+' && left_new)
                left_new--;
        } else if (n > 4 && memcmp(p, "+++ ", 4) == 0) {
            char *path = xstrndup(p + 4, n - 4);
            size_t pl = unquote(path, strlen(path));
            if (pl >= 2 && memcmp(path, "b/", 2) == 0) {
                cur = add_file(c, path + 2, pl - 2);
                cur->tracked = tracked;
            } else {
                cur = NULL; /* /dev/null: deleted */
            }
            free(path);
            left_old = left_new = 0;
        } else if (n > 4 && memcmp(p, "@@ -", 4) == 0) {
            const char *q = p + 4;
            parse_num(&q, eol);
            left_old = 1;
            if (q < eol && *q == ',') {
                q++;
                left_old = parse_num(&q, eol);
            }
            while (q < eol && *q == ' ')
                q++;
            if (q < eol && *q == '+') {
                q++;
                uint32_t first = parse_num(&q, eol), count = 1;
                if (q < eol && *q == ',') {
                    q++;
                    count = parse_num(&q, eol);
                }
                left_new = count;
                if (cur && count) {
                    cur->ranges = xrealloc(cur->ranges, (cur->nranges + 1) * sizeof *cur->ranges);
                    cur->ranges[cur->nranges].first = first;
                    cur->ranges[cur->nranges].last = first + count - 1;
                    cur->nranges++;
                }
            }
        }
        p = nl ? nl + 1 : end;
    }
}

lint_changes *lint_changes_from_diff(const char *root, const char *diff, size_t len) {
    lint_changes *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->root = xstrndup(root, strlen(root));
    parse_diff(c, diff, len, true);
    return c;
}

/* Runs git with argv (argv[0] is "git"), stdout into out, stderr and
 * stdin to /dev/null.  Returns the exit status, or -1 with errno set when
 * git could not be started. */
static int run_git(char *const argv[], ls_buf *out) {
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        errno = rc;
        return -1;
    }
    char buf[65536];
    for (;;) {
        ssize_t r = read(fds[0], buf, sizeof buf);
        if (r > 0)
            ls_buf_append(out, buf, (size_t)r);
        else if (r == 0 || errno != EINTR)
            break;
    }
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void trim_newline(ls_buf *b) {
    while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
        b->len--;
    ls_buf_putc(b, 0);
    b->len--;
}

lint_changes *lint_changes_since(const char *rev, char *err, size_t errlen) {
    if (!rev[0] || rev[0] == '-') {
        snprintf(err, errlen, "--new-from-rev: '%s' is not a revision; give a commit, branch or tag (HEAD, main, v1.2)",
                 rev);
        return NULL;
    }
    ls_buf top = {0};
    char *top_argv[] = {"git", "rev-parse", "--show-toplevel", NULL};
    int st = run_git(top_argv, &top);
    if (st < 0) {
        snprintf(err, errlen, "--new-from-rev: cannot run git: %s; install git or leave out --new-from-rev",
                 strerror(errno));
        ls_buf_free(&top);
        return NULL;
    }
    trim_newline(&top);
    if (st != 0 || !top.len) {
        snprintf(err, errlen,
                 "--new-from-rev: the working directory is not in a git repository; run leakscope in one, or leave "
                 "out --new-from-rev");
        ls_buf_free(&top);
        return NULL;
    }
    char *root = realpath(top.data, NULL);
    ls_buf_free(&top);
    if (!root) {
        snprintf(err, errlen, "--new-from-rev: cannot resolve the repository root: %s", strerror(errno));
        return NULL;
    }
    size_t rl = strlen(rev);
    char *spec = xrealloc(NULL, rl + sizeof "^{commit}");
    memcpy(spec, rev, rl);
    memcpy(spec + rl, "^{commit}", sizeof "^{commit}");
    ls_buf commit = {0};
    char *verify_argv[] = {"git", "rev-parse", "--verify", "--quiet", spec, NULL};
    st = run_git(verify_argv, &commit);
    free(spec);
    trim_newline(&commit);
    if (st != 0 || !commit.len) {
        snprintf(err, errlen,
                 "--new-from-rev: unknown revision '%s'; give a commit, branch or tag of this repository (git log "
                 "lists them)",
                 rev);
        ls_buf_free(&commit);
        free(root);
        return NULL;
    }
    lint_changes *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->root = root;
    ls_buf diff = {0}, files = {0};
    char *diff_argv[] = {"git", "-C", root, "-c", "core.quotePath=false", "diff", "--unified=0", "--no-color",
                         "--no-ext-diff", "--no-textconv", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/",
                         commit.data, "--", NULL};
    char *ls_argv[] = {"git", "-C", root, "ls-files", "-z", NULL};
    int st1 = run_git(diff_argv, &diff);
    int st2 = st1 == 0 ? run_git(ls_argv, &files) : 0;
    if (st1 != 0 || st2 != 0) {
        snprintf(err, errlen, "--new-from-rev: git %s failed (exit status %d); run it by hand to see why",
                 st1 != 0 ? "diff" : "ls-files", st1 != 0 ? st1 : st2);
        lint_changes_free(c);
        c = NULL;
    } else {
        parse_diff(c, diff.data ? diff.data : "", diff.len, true);
        for (size_t i = 0; i < files.len;) {
            size_t n = strnlen(files.data + i, files.len - i);
            if (n)
                add_file(c, files.data + i, n)->tracked = true;
            i += n + 1;
        }
    }
    ls_buf_free(&diff);
    ls_buf_free(&files);
    ls_buf_free(&commit);
    return c;
}

bool lint_changes_has_line(const lint_changes *cc, const char *file, uint32_t line) {
    lint_changes *c = (lint_changes *)cc;
    if (!c->sorted) {
        if (c->len)
            qsort(c->files, c->len, sizeof *c->files, cmp_file);
        c->sorted = true;
    }
    char *abs = realpath(file, NULL);
    if (!abs)
        return true;
    size_t n = strlen(c->root);
    const char *rel = NULL;
    if (n == 1 && c->root[0] == '/')
        rel = abs + 1;
    else if (strncmp(abs, c->root, n) == 0 && abs[n] == '/')
        rel = abs + n + 1;
    bool changed = true; /* outside the repository: all of it */
    if (rel) {
        changed_file key = {.path = (char *)rel};
        const changed_file *f = c->len ? bsearch(&key, c->files, c->len, sizeof *c->files, cmp_file) : NULL;
        if (f && f->tracked) {
            changed = false;
            for (size_t i = 0; i < f->nranges && !changed; i++)
                changed = line >= f->ranges[i].first && line <= f->ranges[i].last;
        }
    }
    free(abs);
    return changed;
}

void lint_changes_free(lint_changes *c) {
    if (!c)
        return;
    for (size_t i = 0; i < c->len; i++) {
        free(c->files[i].path);
        free(c->files[i].ranges);
    }
    free(c->files);
    free(c->root);
    free(c);
}
