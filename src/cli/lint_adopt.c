/*
 * The adoption features of `leakscope lint` (lint_adopt.h): glue between
 * the command's flags and the library's config (lintconfig.h), git
 * (lintgit.h) and baseline (lintbaseline.h) modules.  Findings are dropped
 * from a lint_result by compacting its array; the strings stay owned by
 * the result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lint_adopt.h"
#include "leakscope/lintbaseline.h"
#include "leakscope/lintgit.h"

bool lint_adopt_config(const lint_adopt_opts *o, lint_config *cfg, bool *have) {
    memset(cfg, 0, sizeof *cfg);
    cfg->tests = -1;
    *have = false;
    if (o->no_config)
        return true;
    char *path = o->config ? strdup(o->config) : lint_config_find(".");
    if (!path)
        return true; /* no configuration file */
    char *cwd = getcwd(NULL, 0);
    size_t cl = cwd ? strlen(cwd) : 0;
    if (!o->config && cl > 1 && strncmp(path, cwd, cl) == 0 && path[cl] == '/')
        memmove(path, path + cl + 1, strlen(path + cl + 1) + 1); /* name it as the user would */
    free(cwd);
    char err[1024];
    bool ok = lint_config_load(path, cfg, err, sizeof err);
    if (!ok)
        fprintf(stderr, "%s\n", err);
    *have = ok;
    free(path);
    return ok;
}

void lint_adopt_exclude(const lint_config *cfg, path_list *files) {
    if (!cfg->nexclude)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < files->len; i++) {
        if (lint_config_excludes(cfg, files->at[i]))
            free(files->at[i]);
        else
            files->at[kept++] = files->at[i];
    }
    files->len = kept;
}

/* The real path of the directory that holds file (malloc'd), NULL when it
 * does not exist. */
static char *dir_of_file(const char *file) {
    char *copy = strdup(file);
    if (!copy)
        return NULL;
    char *slash = strrchr(copy, '/');
    if (slash)
        slash == copy ? (void)(slash[1] = 0) : (void)(*slash = 0);
    char *dir = realpath(slash ? copy : ".", NULL);
    free(copy);
    return dir;
}

/* Writes the baseline of res's findings to path (through a temporary file
 * renamed over it).  Returns the exit status. */
static int write_baseline(const char *path, const char *dir, lint_result *res) {
    lint_baseline b;
    lint_baseline_from_findings(res->findings, res->nfindings, dir, &b);
    ls_buf out = {0};
    lint_baseline_write(&out, &b);
    size_t n = b.len;
    lint_baseline_free(&b);
    size_t tl = strlen(path) + 32;
    char *tmp = malloc(tl);
    if (!tmp) {
        ls_buf_free(&out);
        return EXIT_INTERNAL;
    }
    snprintf(tmp, tl, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    bool ok = f && fwrite(out.data, 1, out.len, f) == out.len;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    int e = errno;
    ls_buf_free(&out);
    if (!ok) {
        unlink(tmp);
        free(tmp);
        fprintf(stderr, "leakscope lint: %s: cannot write the baseline: %s; check that its directory is writable\n",
                path, strerror(e));
        return EXIT_INPUT;
    }
    free(tmp);
    fprintf(stderr, "leakscope lint: wrote %zu finding%s to the baseline %s\n", n, n == 1 ? "" : "s", path);
    res->nfindings = 0; /* they are in the baseline now */
    return EXIT_CLEAN;
}

int lint_adopt_filter(const lint_adopt_opts *o, const lint_config *cfg, lint_result *res) {
    for (size_t i = 0; i < res->nfindings; i++)
        lint_config_severity_of(cfg, res->findings[i].rule, &res->findings[i].severity);

    if (o->new_from_rev) {
        char err[1024];
        lint_changes *c = lint_changes_since(o->new_from_rev, err, sizeof err);
        if (!c) {
            fprintf(stderr, "leakscope lint: %s\n", err);
            return EXIT_INPUT;
        }
        size_t kept = 0;
        for (size_t i = 0; i < res->nfindings; i++)
            if (lint_changes_has_line(c, res->findings[i].path, res->findings[i].line))
                res->findings[kept++] = res->findings[i];
        res->nfindings = kept;
        lint_changes_free(c);
    }

    if (!o->baseline)
        return -1;
    char *dir = dir_of_file(o->baseline);
    if (!dir) {
        fprintf(stderr, "leakscope lint: %s: the baseline's directory does not exist (%s); create it first\n",
                o->baseline, strerror(errno));
        return EXIT_INPUT;
    }
    struct stat st;
    int status = -1;
    if (o->baseline_update || stat(o->baseline, &st) != 0) {
        if (write_baseline(o->baseline, dir, res) != EXIT_CLEAN)
            status = EXIT_INPUT;
    } else {
        char err[1024];
        lint_baseline old;
        if (!lint_baseline_read(o->baseline, &old, err, sizeof err)) {
            fprintf(stderr, "leakscope lint: %s\n", err);
            status = EXIT_INPUT;
        } else {
            lint_baseline now;
            lint_baseline_from_findings(res->findings, res->nfindings, dir, &now);
            size_t kept = 0;
            for (size_t i = 0; i < res->nfindings; i++)
                if (!lint_baseline_has(&old, &now.at[i]))
                    res->findings[kept++] = res->findings[i];
            res->nfindings = kept;
            lint_baseline_free(&now);
            lint_baseline_free(&old);
        }
    }
    free(dir);
    return status;
}
