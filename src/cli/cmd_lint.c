/*
 * `leakscope lint`: expands go-tool patterns into Go files, runs the lint
 * engine (lintrun.h) and prints the findings as text or JSON (report.h).
 *
 * Patterns work as for the go tool: `dir/...` is dir and every directory
 * below it except vendor, testdata and names starting with `_` or `.`; a
 * directory is its own .go files only; a file is itself.  Paths are made
 * relative to the working directory before linting, so the findings carry
 * the paths that are printed.
 */
#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "leakscope/lintrun.h"
#include "leakscope/report.h"
#include "lint_adopt.h"
#include "lint_apply.h"

typedef struct pattern_errors {
    report_input_error *at;
    size_t len, cap;
} pattern_errors;

static void oom(void) {
    fprintf(stderr, "leakscope lint: out of memory\n");
    exit(EXIT_INTERNAL);
}

static char *xstrdup(const char *s) {
    char *p = strdup(s);
    if (!p)
        oom();
    return p;
}

static void add_error(pattern_errors *e, const char *path, const char *fmt, const char *arg) {
    if (e->len == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->at = realloc(e->at, e->cap * sizeof *e->at);
        if (!e->at)
            oom();
    }
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, arg);
    e->at[e->len].path = xstrdup(path);
    e->at[e->len].message = xstrdup(msg);
    e->len++;
    fprintf(stderr, "leakscope lint: %s: %s\n", path, msg);
}

static void free_errors(pattern_errors *e) {
    for (size_t i = 0; i < e->len; i++) {
        free((char *)e->at[i].path);
        free((char *)e->at[i].message);
    }
    free(e->at);
}

/* ---- paths ------------------------------------------------------------------ */

/* p made relative to cwd when it lies below it, without "./" prefixes,
 * repeated or trailing slashes, or "/./" (malloc'd). */
static char *clean_path(const char *p, const char *cwd) {
    size_t cl = cwd ? strlen(cwd) : 0;
    bool abs = p[0] == '/';
    if (abs && cl > 1 && strncmp(p, cwd, cl) == 0 && (p[cl] == '/' || p[cl] == 0)) {
        p += cl; /* below the working directory: relative */
        abs = false;
    }
    char *out = malloc(strlen(p) + 2);
    if (!out)
        oom();
    size_t o = 0;
    if (abs)
        out[o++] = '/';
    const char *s = p;
    while (*s) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - s);
        if (n == 0)
            break;
        if (!(n == 1 && s[0] == '.')) {
            if (o && out[o - 1] != '/')
                out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = 0;
    return out;
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p)
        oom();
    if (strcmp(dir, ".") == 0)
        snprintf(p, n, "%s", name);
    else if (dir[0] && dir[strlen(dir) - 1] == '/')
        snprintf(p, n, "%s%s", dir, name);
    else
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool is_go_file_name(const char *name, bool tests) {
    size_t n = strlen(name);
    if (n <= 3 || strcmp(name + n - 3, ".go") != 0)
        return false;
    if (name[0] == '_' || name[0] == '.') /* the go tool ignores these */
        return false;
    if (!tests && n > 8 && strcmp(name + n - 8, "_test.go") == 0)
        return false;
    return true;
}

static bool skip_dir_name(const char *name) {
    return name[0] == '.' || name[0] == '_' || strcmp(name, "vendor") == 0 || strcmp(name, "testdata") == 0;
}

/* Adds dir's Go files and, when recursive, those of the directories below
 * it; returns how many files were added. */
static size_t add_dir(const char *dir, bool recursive, bool tests, path_list *out, pattern_errors *errs) {
    path_list names = {0};
    if (!read_dir_sorted(dir, &names)) {
        add_error(errs, dir, "cannot read directory: %s; check that it exists and is readable", strerror(errno));
        return 0;
    }
    size_t added = 0;
    path_list subdirs = {0};
    for (size_t i = 0; i < names.len; i++) {
        char *path = join(dir, names.at[i]);
        struct stat st;
        if (lstat(path, &st) != 0) {
            add_error(errs, path, "%s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            if (recursive && !skip_dir_name(names.at[i]))
                path_list_add(&subdirs, path);
        } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && is_go_file_name(names.at[i], tests)) {
            path_list_add(out, path);
            added++;
        }
        free(path);
    }
    for (size_t i = 0; i < subdirs.len; i++)
        added += add_dir(subdirs.at[i], true, tests, out, errs);
    path_list_free(&subdirs);
    path_list_free(&names);
    return added;
}

static void expand_pattern(const char *pattern, const char *cwd, bool tests, path_list *out, pattern_errors *errs) {
    size_t n = strlen(pattern);
    bool recursive = false;
    char *root;
    if (n >= 3 && strcmp(pattern + n - 3, "...") == 0) {
        if (n > 3 && pattern[n - 4] != '/') {
            add_error(errs, pattern, "%s",
                      "'...' is only supported as a whole last element (DIR/...); wildcards in names are not");
            return;
        }
        recursive = true;
        char *base = xstrdup(pattern);
        base[n - 3] = 0;
        root = clean_path(base[0] ? base : ".", cwd);
        free(base);
    } else {
        root = clean_path(pattern, cwd);
    }
    struct stat st;
    if (stat(root, &st) != 0) {
        add_error(errs, pattern, "%s; give a Go file, a directory or DIR/...", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        size_t added = add_dir(root, recursive, tests, out, errs);
        if (added == 0 && !recursive)
            add_error(errs, pattern, "%s", "no Go files in this directory (DIR/... includes the directories below it)");
        else if (added == 0)
            fprintf(stderr, "leakscope lint: warning: %s matched no Go files\n", pattern);
    } else if (recursive) {
        add_error(errs, pattern, "%s", "not a directory; DIR/... wants a directory");
    } else {
        size_t rl = strlen(root);
        if (rl <= 3 || strcmp(root + rl - 3, ".go") != 0)
            add_error(errs, pattern, "%s", "not a .go file; give Go files, directories or DIR/...");
        else if (tests || rl < 8 || strcmp(root + rl - 8, "_test.go") != 0)
            path_list_add(out, root);
    }
    free(root);
}

/* ---- rules ------------------------------------------------------------------------ */

/* Parses a comma-separated list of rule IDs or names into picked[]. */
static bool pick_rules(const char *flag, const char *list, const lint_rule *const *rules, size_t n, bool *picked) {
    char *copy = xstrdup(list), *save = NULL;
    bool ok = true;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        size_t len = strlen(item);
        while (len && item[len - 1] == ' ')
            item[--len] = 0;
        if (!*item)
            continue;
        const lint_rule *r = lint_rule_find(item);
        if (!r) {
            fprintf(stderr, "leakscope lint: %s: unknown rule '%s'; 'leakscope lint --list-rules' lists them\n", flag,
                    item);
            ok = false;
            continue;
        }
        for (size_t i = 0; i < n; i++)
            if (rules[i] == r)
                picked[i] = true;
    }
    free(copy);
    return ok;
}

static void list_rules(void) {
    size_t n;
    const lint_rule *const *rules = lint_rules(&n);
    printf("%-8s %-26s %-8s %s\n", "ID", "NAME", "SEVERITY", "SUMMARY");
    for (size_t i = 0; i < n; i++)
        printf("%-8s %-26s %-8s %s\n", rules[i]->id, rules[i]->name, lint_severity_name(rules[i]->severity),
               rules[i]->summary);
}

/* ---- the command ---------------------------------------------------------------- */

static void lint_usage(FILE *to) {
    fprintf(to,
            "usage: leakscope lint [flags] [PATTERN...]\n"
            "\n"
            "Finds context and goroutine leaks in Go source (docs/lint.md). A PATTERN\n"
            "is a Go file, a directory (its .go files only) or DIR/... (DIR and every\n"
            "directory below it but vendor, testdata and names starting with _ or .).\n"
            "Default: ./...\n"
            "\n"
            "flags:\n"
            "  --tests=false        leave out _test.go files (default true)\n"
            "  -j, --jobs N         lint on N threads (default: all cores)\n"
            "  --format text|json|sarif\n"
            "                       output format (default text; json: docs/lint-json.md,\n"
            "                       sarif: SARIF 2.1.0, docs/lint-sarif.md)\n"
            "  --enable ID,...      run only these rules (IDs or names; repeatable)\n"
            "  --disable ID,...     do not run these rules (IDs or names; repeatable)\n"
            "  --list-rules         print every rule: ID, name, severity, summary\n"
            "  --config FILE        read this configuration file (default: .leakscope.yml\n"
            "                       here or in the nearest directory above, up to the\n"
            "                       repository root; docs/lint-config.md)\n"
            "  --no-config          read no configuration file\n"
            "  --baseline FILE      report only findings not in FILE; write FILE with\n"
            "                       every finding when it does not exist\n"
            "  --baseline-update    rewrite the baseline FILE with every finding\n"
            "  --new-from-rev REV   report only findings on lines changed since git REV\n"
            "  --no-cache           neither read nor write the result cache\n"
            "                       ($LEAKSCOPE_CACHE; docs/lint.md, \"Cache\")\n"
            "  --fix                apply the fixes of the findings that have one (CTX001,\n"
            "                       CTX008, RES002, ...; docs/lint.md, \"Fixes\"), each file\n"
            "                       rewritten atomically; print the findings left\n"
            "  --diff               print the fixes as a unified diff (for patch -p1 or\n"
            "                       git apply) instead of the findings; write nothing\n"
            "  -h, --help           show this help\n"
            "\n"
            "Findings are printed as PATH:LINE:COL: ID NAME: MESSAGE. Suppress one with\n"
            "//leakscope:ignore ID reason or //nolint:leakscope on its line or the line\n"
            "before.\n"
            "\n"
            "exit status: 0 no findings, 1 findings, 2 usage or input error (bad\n"
            "pattern, unreadable file, syntax error; the rest is still linted),\n"
            "3 internal error. With --fix, findings that were fixed do not count:\n"
            "0 when every finding was fixed, 1 when some are left, 2 when a file\n"
            "could not be written (the other files are still fixed). With --diff,\n"
            "every finding counts, as without it.\n");
}

static bool parse_uint(const char *s, unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool parse_bool(const char *s, bool *out) {
    if (!s || strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
        *out = false;
        return true;
    }
    return false;
}

static void write_all(const ls_buf *b) {
    if (b->len)
        fwrite(b->data, 1, b->len, stdout);
}

/* The engine frees each batch's trees (a few hundred 256 KiB arena chunks)
 * and the next batch allocates as many again.  With glibc's defaults the
 * chunks are mapped and unmapped, or the heap is trimmed, batch after batch,
 * and every page is faulted in afresh: on GOROOT/src that was up to a sixth
 * of the CPU time, and more the more the rules allocated.  Freed memory is
 * kept for the next batch instead; the peak stays that of one batch. */
static void keep_freed_memory(void) {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

int cmd_lint(int argc, char **argv) {
    enum { OPT_TESTS = 1000, OPT_FORMAT, OPT_ENABLE, OPT_DISABLE, OPT_LIST };
    enum { OPT_CONFIG = 1100, OPT_NO_CONFIG, OPT_BASELINE, OPT_BASELINE_UPDATE, OPT_NEW_FROM_REV };
    enum { OPT_NO_CACHE = 1200, OPT_FIX, OPT_DIFF };
    static const struct option longopts[] = {
        {"tests", optional_argument, NULL, OPT_TESTS},
        {"jobs", required_argument, NULL, 'j'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"enable", required_argument, NULL, OPT_ENABLE},
        {"disable", required_argument, NULL, OPT_DISABLE},
        {"list-rules", no_argument, NULL, OPT_LIST},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"no-config", no_argument, NULL, OPT_NO_CONFIG},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"baseline-update", no_argument, NULL, OPT_BASELINE_UPDATE},
        {"new-from-rev", required_argument, NULL, OPT_NEW_FROM_REV},
        {"no-cache", no_argument, NULL, OPT_NO_CACHE},
        {"fix", no_argument, NULL, OPT_FIX},
        {"diff", no_argument, NULL, OPT_DIFF},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    size_t nrules;
    const lint_rule *const *all = lint_rules(&nrules);
    bool *enabled = calloc(nrules + 1, sizeof *enabled);
    bool *disabled = calloc(nrules + 1, sizeof *disabled);
    if (!enabled || !disabled)
        oom();
    bool tests = true, json = false, any_enable = false, bad = false, list = false;
    bool sarif = false;
    unsigned long jobs = 0;
    lint_adopt_opts adopt = {0};
    bool tests_given = false;
    bool no_cache = false, fix = false, diff = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
        unsigned long v = 0;
        switch (c) {
        case OPT_TESTS:
            tests_given = true;
            if (!parse_bool(optarg, &tests)) {
                fprintf(stderr, "leakscope lint: --tests wants true or false, not %s\n", optarg);
                bad = true;
            }
            break;
        case 'j':
            if (!parse_uint(optarg, &v) || v == 0 || v > 1024) {
                fprintf(stderr, "leakscope lint: -j wants a number of threads from 1 to 1024, not %s\n", optarg);
                bad = true;
            }
            jobs = v;
            break;
        case OPT_FORMAT:
            sarif = strcmp(optarg, "sarif") == 0;
            if (strcmp(optarg, "text") == 0 || sarif) {
                json = false;
            } else if (strcmp(optarg, "json") == 0) {
                json = true;
            } else {
                fprintf(stderr, "leakscope lint: --format wants text, json or sarif, not %s\n", optarg);
                bad = true;
            }
            break;
        case OPT_ENABLE:
            any_enable = true;
            bad |= !pick_rules("--enable", optarg, all, nrules, enabled);
            break;
        case OPT_DISABLE:
            bad |= !pick_rules("--disable", optarg, all, nrules, disabled);
            break;
        case OPT_LIST: list = true; break;
        case OPT_CONFIG: adopt.config = optarg; break;
        case OPT_NO_CONFIG: adopt.no_config = true; break;
        case OPT_BASELINE: adopt.baseline = optarg; break;
        case OPT_BASELINE_UPDATE: adopt.baseline_update = true; break;
        case OPT_NEW_FROM_REV: adopt.new_from_rev = optarg; break;
        case OPT_NO_CACHE: no_cache = true; break;
        case OPT_FIX: fix = true; break;
        case OPT_DIFF: diff = true; break;
        case 'h':
            lint_usage(stdout);
            free(enabled);
            free(disabled);
            return EXIT_CLEAN;
        default:
            bad = true;
            break;
        }
    }
    if (bad) {
        fprintf(stderr, "run 'leakscope lint --help' for the flags\n");
        free(enabled);
        free(disabled);
        return EXIT_INPUT;
    }
    if (fix && diff) {
        fprintf(stderr, "leakscope lint: --fix and --diff exclude each other: --diff shows what --fix would write\n");
        bad = true;
    }
    if (diff && (json || sarif)) {
        fprintf(stderr, "leakscope lint: --diff prints a diff, not findings; leave out --format\n");
        bad = true;
    }
    if (adopt.baseline_update && !adopt.baseline) {
        fprintf(stderr, "leakscope lint: --baseline-update needs --baseline FILE\n");
        bad = true;
    }
    if (list) {
        list_rules();
        free(enabled);
        free(disabled);
        return EXIT_CLEAN;
    }
    /* the configuration file: the command line overrides it */
    lint_config cfg;
    bool have_cfg;
    if (bad || !lint_adopt_config(&adopt, &cfg, &have_cfg)) {
        if (bad)
            fprintf(stderr, "run 'leakscope lint --help' for the flags\n");
        free(enabled);
        free(disabled);
        return EXIT_INPUT;
    }
    if (!any_enable) { /* --enable replaces the file's rules section */
        any_enable = cfg.has_enable;
        for (size_t k = 0; k < cfg.nenable; k++)
            for (size_t i = 0; i < nrules; i++)
                enabled[i] |= all[i] == cfg.enable[k];
        for (size_t k = 0; k < cfg.ndisable; k++)
            for (size_t i = 0; i < nrules; i++)
                disabled[i] |= all[i] == cfg.disable[k];
    }
    if (!tests_given && cfg.tests >= 0)
        tests = cfg.tests;

    const lint_rule **rules = calloc(nrules + 1, sizeof *rules);
    if (!rules)
        oom();
    size_t n = 0;
    for (size_t i = 0; i < nrules; i++)
        if ((!any_enable || enabled[i]) && !disabled[i])
            rules[n++] = all[i];
    free(enabled);
    free(disabled);

    char *cwd = getcwd(NULL, 0);
    path_list files = {0};
    pattern_errors errs = {0};
    if (optind == argc)
        expand_pattern("./...", cwd, tests, &files, &errs);
    for (int i = optind; i < argc; i++)
        expand_pattern(argv[i], cwd, tests, &files, &errs);
    free(cwd);
    lint_adopt_exclude(&cfg, &files);

    char *cache_dir = no_cache ? NULL : lint_cache_dir_default();
    lint_options opts = {.rules = rules, .nrules = n, .threads = (unsigned)jobs, .cache_dir = cache_dir};
    lint_result res;
    keep_freed_memory();
    int rc = lint_run((const char *const *)files.at, files.len, &opts, &res);
    free(cache_dir);
    int status;
    if (rc != 0) {
        fprintf(stderr, "leakscope lint: cannot start threads: %s\n", strerror(rc));
        status = EXIT_INTERNAL;
    } else if (lint_adopt_filter(&adopt, &cfg, &res) == EXIT_INPUT) {
        status = EXIT_INPUT; /* bad configuration of the filters, printed */
    } else {
        for (size_t i = 0; i < res.nerrors; i++) {
            const lint_error *e = &res.errors[i];
            if (e->kind == LINT_ERR_READ)
                fprintf(stderr, "leakscope lint: %s: cannot read: %s; check that it exists and is readable\n",
                        e->path, e->message);
            else
                fprintf(stderr, "%s:%u:%u: syntax error: %s\n", e->path, e->line, e->col, e->message);
        }
        ls_buf out = {0};
        lint_apply_stats fixes = {0};
        if (fix || diff) {
            lint_apply_fixes(&res, fix, &out, &fixes);
            if (fixes.fixed)
                fprintf(stderr, "leakscope lint: %s %zu finding%s in %zu file%s\n", fix ? "fixed" : "the diff fixes",
                        fixes.fixed, fixes.fixed == 1 ? "" : "s", fixes.files, fixes.files == 1 ? "" : "s");
        }
        if (diff)
            ; /* the diff is the output */
        else if (json)
            report_lint_json(&out, &res, errs.at, errs.len);
        else if (sarif)
            report_lint_sarif(&out, &res, errs.at, errs.len);
        else
            report_lint_text(&out, &res);
        write_all(&out);
        ls_buf_free(&out);
        if (fflush(stdout) != 0)
            status = EXIT_INTERNAL;
        else if (res.nerrors || errs.len || fixes.failed)
            status = EXIT_INPUT;
        else
            status = res.nfindings ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    lint_result_free(&res);
    lint_config_free(&cfg);
    free_errors(&errs);
    path_list_free(&files);
    free(rules);
    return status;
}
