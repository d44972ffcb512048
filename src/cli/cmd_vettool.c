/*
 * leakscope under `go vet -vettool=$(which leakscope)`: the vet tool
 * protocol of cmd/go (docs/lint.md, "Running under go vet").
 *
 * go vet runs the tool in three ways:
 *
 *   leakscope -V=full             one line, "leakscope version devel
 *                                 leakscope-0.1.0 buildID=HASH"; cmd/go keys
 *                                 its vet results cache on HASH, a hash of this
 *                                 executable, so a new build is a cache miss
 *   leakscope -flags              the flags go vet may pass on: a JSON array of
 *                                 {Name, Bool, Usage} (one bool per rule, -json)
 *   leakscope [FLAGS] DIR/vet.cfg once per package: a JSON file naming the
 *                                 package's files (GoFiles, absolute), its Go
 *                                 version, where to write facts (VetxOutput)
 *                                 and stdout (Stdout), and whether to only
 *                                 compute facts (VetxOnly, for dependencies)
 *
 * We keep no facts across packages, so the facts file is always written
 * empty and a VetxOnly run does nothing else.  Otherwise GoFiles are linted
 * as one package.  With -json (which go vet >= 1.26 always passes) the
 * findings go into the Stdout file as the JSON tree go vet reads (package
 * ID -> rule ID -> diagnostics) and the exit status is 0, so that go vet
 * caches them; without it they go to stderr, one `path:line:col: ID name:
 * message` per line, and the exit status is 1 when there are any.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "cli.h"
#include "leakscope/lintrun.h"
#include "leakscope/report.h"
#include "vettool.h"

#define PROG "leakscope"

static bool has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* "-x" or "--x" without its dashes; NULL when arg is not a flag. */
static const char *flag_name(const char *arg) {
    if (arg[0] != '-' || arg[1] == 0)
        return NULL;
    return arg[1] == '-' ? arg + 2 : arg + 1;
}

static bool is_version_flag(const char *arg) {
    const char *f = flag_name(arg);
    return f && (strcmp(f, "V") == 0 || strncmp(f, "V=", 2) == 0);
}

static bool is_flags_flag(const char *arg) {
    const char *f = flag_name(arg);
    return f && strcmp(f, "flags") == 0;
}

bool vettool_invoked(int argc, char **argv) {
    if (argc < 2 || !(argv[1][0] == '-' || has_suffix(argv[1], ".cfg")))
        return false;
    if (has_suffix(argv[argc - 1], ".cfg"))
        return true;
    for (int i = 1; i < argc; i++)
        if (is_version_flag(argv[i]) || is_flags_flag(argv[i]))
            return true;
    return false;
}

/* ---- -V=full and -flags --------------------------------------------------------- */

static int print_version(const char *arg) {
    const char *f = flag_name(arg);
    if (!f || strcmp(f, "V=full") != 0) {
        fprintf(stderr, PROG ": unsupported flag %s; go vet asks for -V=full\n", arg);
        return EXIT_INPUT;
    }
    /* The release form ("NAME version VERSION") would make cmd/go key its
     * cache on the version only, and keep results of an older build of the
     * same version; the devel form keys it on the buildID. */
    ls_file_data exe;
    int err = ls_file_read("/proc/self/exe", &exe);
    if (err != 0) {
        printf(PROG " version v%s\n", LEAKSCOPE_VERSION);
        return EXIT_CLEAN;
    }
    uint64_t h = ls_hash(exe.data, exe.len);
    ls_file_release(&exe);
    printf(PROG " version devel " PROG "-%s buildID=%016llx\n", LEAKSCOPE_VERSION, (unsigned long long)h);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_INTERNAL;
}

static void add_flag(cJSON *list, const char *name, bool is_bool, const char *usage) {
    cJSON *f = cJSON_CreateObject();
    if (!f || !cJSON_AddStringToObject(f, "Name", name) || !cJSON_AddBoolToObject(f, "Bool", is_bool) ||
        !cJSON_AddStringToObject(f, "Usage", usage) || !cJSON_AddItemToArray(list, f)) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
}

static int print_flags(void) {
    cJSON *list = cJSON_CreateArray();
    if (!list) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_INTERNAL;
    }
    size_t n;
    const lint_rule *const *rules = lint_rules(&n);
    for (size_t i = 0; i < n; i++) {
        char usage[512];
        snprintf(usage, sizeof usage, "enable %s %s: %s", rules[i]->id, rules[i]->name, rules[i]->summary);
        add_flag(list, rules[i]->id, true, usage);
    }
    add_flag(list, "json", true, "emit JSON output");
    char *text = cJSON_Print(list);
    cJSON_Delete(list);
    if (!text) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_INTERNAL;
    }
    fputs(text, stdout);
    fputc('\n', stdout);
    cJSON_free(text);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_INTERNAL;
}

/* ---- the per-package run --------------------------------------------------------- */

typedef struct vet_config {
    const char *id, *dir, *import_path, *vetx_output, *stdout_path, *go_version;
    cJSON *go_files; /* array of strings */
    bool vetx_only;
} vet_config;

/* A string member or NULL; false when the member is there but not a string. */
static bool get_string(const cJSON *obj, const char *key, const char **out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v))
        return false;
    *out = v->valuestring;
    return true;
}

static int read_config(const char *path, cJSON **root, vet_config *cfg) {
    ls_file_data data;
    int err = ls_file_read(path, &data);
    if (err != 0) {
        fprintf(stderr, PROG ": %s: cannot read the go vet config: %s\n", path, strerror(err));
        return EXIT_INPUT;
    }
    *root = cJSON_ParseWithLength(data.data, data.len);
    ls_file_release(&data);
    if (!*root || !cJSON_IsObject(*root)) {
        fprintf(stderr,
                PROG ": %s: not a go vet config (a JSON object); leakscope reads .cfg files only when go vet "
                "runs it as -vettool\n",
                path);
        return EXIT_INPUT;
    }
    memset(cfg, 0, sizeof *cfg);
    const char *bad = NULL;
    if (!get_string(*root, "ID", &cfg->id))
        bad = "ID";
    else if (!get_string(*root, "Dir", &cfg->dir))
        bad = "Dir";
    else if (!get_string(*root, "ImportPath", &cfg->import_path))
        bad = "ImportPath";
    else if (!get_string(*root, "VetxOutput", &cfg->vetx_output))
        bad = "VetxOutput";
    else if (!get_string(*root, "Stdout", &cfg->stdout_path))
        bad = "Stdout";
    else if (!get_string(*root, "GoVersion", &cfg->go_version))
        bad = "GoVersion";
    const cJSON *only = cJSON_GetObjectItemCaseSensitive(*root, "VetxOnly");
    if (!bad && only && !cJSON_IsBool(only) && !cJSON_IsNull(only))
        bad = "VetxOnly";
    cfg->vetx_only = cJSON_IsTrue(only);
    cfg->go_files = cJSON_GetObjectItemCaseSensitive(*root, "GoFiles");
    if (!bad && cfg->go_files && !cJSON_IsArray(cfg->go_files) && !cJSON_IsNull(cfg->go_files))
        bad = "GoFiles";
    for (const cJSON *f = cfg->go_files ? cfg->go_files->child : NULL; !bad && f; f = f->next)
        if (!cJSON_IsString(f))
            bad = "GoFiles";
    if (bad) {
        fprintf(stderr, PROG ": %s: bad go vet config: %s has the wrong type\n", path, bad);
        return EXIT_INPUT;
    }
    if (!cfg->id)
        cfg->id = cfg->import_path ? cfg->import_path : "";
    if (cJSON_GetArraySize(cfg->go_files) == 0) {
        fprintf(stderr, PROG ": %s: package has no Go files: %s\n", path, cfg->import_path ? cfg->import_path : "");
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

/* Creates (or empties) path; false with a message on stderr on failure. */
static bool write_empty(const char *path, const char *what) {
    FILE *f = fopen(path, "w");
    if (!f || fclose(f) != 0) {
        fprintf(stderr, PROG ": cannot write the %s file %s: %s\n", what, path, strerror(errno));
        return false;
    }
    return true;
}

/* 22 for "go1.22", "go1.22.3" or "go1.22rc1"; 0 when s is not like that. */
static int go_minor_of(const char *s) {
    if (!s || strncmp(s, "go1.", 4) != 0 || s[4] < '0' || s[4] > '9')
        return 0;
    int v = 0;
    for (s += 4; *s >= '0' && *s <= '9' && v < 10000; s++)
        v = v * 10 + (*s - '0');
    return v;
}

static char *join_path(const char *dir, const char *name, size_t name_len) {
    size_t n = strlen(dir) + name_len + 2;
    char *p = malloc(n);
    if (!p) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    snprintf(p, n, "%s/%.*s", dir, (int)name_len, name);
    return p;
}

static bool below(const char *path, const char *dir) {
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/*
 * The file to lint for one of GoFiles (malloc'd), or NULL to skip it.
 * Relative names are relative to Dir.  For a cgo package go vet lists the
 * files cgo generated in its work directory: x.cgo1.go stands for the
 * source x.go in Dir, which is linted instead (our parser takes `import
 * "C"` as it is), and _cgo_*.go are cgo's own code.
 */
static char *file_to_lint(const char *name, const char *dir) {
    if (name[0] != '/' && dir && dir[0])
        return join_path(dir, name, strlen(name));
    if (dir && dir[0] && !below(name, dir)) {
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (strncmp(base, "_cgo_", 5) == 0)
            return NULL;
        if (has_suffix(base, ".cgo1.go")) {
            char *p = join_path(dir, base, strlen(base) - strlen(".cgo1.go"));
            size_t n = strlen(p);
            char *q = realloc(p, n + 4);
            if (!q) {
                fprintf(stderr, PROG ": out of memory\n");
                exit(EXIT_INTERNAL);
            }
            memcpy(q + n, ".go", 4);
            return q;
        }
    }
    char *p = strdup(name);
    if (!p) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    return p;
}

/* "true", "false" or no value (true) after a bool flag's name. */
static bool bool_value(const char *arg, const char *value, bool *out) {
    if (!value || strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "t") == 0 ||
        strcmp(value, "T") == 0 || strcmp(value, "TRUE") == 0 || strcmp(value, "True") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 || strcmp(value, "f") == 0 ||
        strcmp(value, "F") == 0 || strcmp(value, "FALSE") == 0 || strcmp(value, "False") == 0) {
        *out = false;
        return true;
    }
    fprintf(stderr, PROG ": %s: a bool flag takes true or false\n", arg);
    return false;
}

static void put_posn(ls_buf *out, const char *key, const char *path, uint32_t line, uint32_t col) {
    ls_buf pos = {0};
    ls_buf_printf(&pos, "%s:%u:%u", path, line, col);
    ls_buf_printf(out, "\"%s\": ", key);
    report_json_string(out, pos.data, pos.len);
    ls_buf_free(&pos);
}

/* The findings as go vet's JSON tree: {ID: {RULE: [{posn, end, message, related}]}}. */
static void json_tree(ls_buf *out, const char *id, const lint_result *res) {
    ls_buf_puts(out, "{");
    if (res->nfindings) {
        ls_buf_puts(out, "\n\t");
        report_json_string(out, id, strlen(id));
        ls_buf_puts(out, ": {");
        /* findings are sorted by file, not rule: one pass per rule */
        size_t n;
        const lint_rule *const *rules = lint_rules(&n);
        bool first_rule = true;
        for (size_t r = 0; r < n; r++) {
            bool first = true;
            for (size_t i = 0; i < res->nfindings; i++) {
                const lint_finding *f = &res->findings[i];
                if (f->rule != rules[r])
                    continue;
                if (first) {
                    ls_buf_puts(out, first_rule ? "\n\t\t" : ",\n\t\t");
                    report_json_string(out, f->rule->id, strlen(f->rule->id));
                    ls_buf_puts(out, ": [");
                    first_rule = false;
                }
                ls_buf_puts(out, first ? "\n\t\t\t{" : ",\n\t\t\t{");
                first = false;
                put_posn(out, "posn", f->path, f->line, f->col);
                ls_buf_puts(out, ", ");
                put_posn(out, "end", f->path, f->line, f->col);
                ls_buf_puts(out, ", \"message\": ");
                ls_buf msg = {0};
                ls_buf_printf(&msg, "%s %s: %s", f->rule->id, f->rule->name, f->message);
                report_json_string(out, msg.data, msg.len);
                ls_buf_free(&msg);
                if (f->related_message) {
                    ls_buf_puts(out, ", \"related\": [{");
                    put_posn(out, "posn", f->path, f->related_line, f->related_col);
                    ls_buf_puts(out, ", ");
                    put_posn(out, "end", f->path, f->related_line, f->related_col);
                    ls_buf_puts(out, ", \"message\": ");
                    report_json_string(out, f->related_message, strlen(f->related_message));
                    ls_buf_puts(out, "}]");
                }
                ls_buf_puts(out, "}");
            }
            if (!first)
                ls_buf_puts(out, "\n\t\t]");
        }
        ls_buf_puts(out, "\n\t}\n");
    }
    ls_buf_puts(out, "}\n");
}

static bool write_file(const char *path, const ls_buf *b) {
    FILE *f = path ? fopen(path, "w") : stdout;
    bool ok = f && (b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len);
    if (f && f != stdout)
        ok = fclose(f) == 0 && ok;
    else if (f)
        ok = fflush(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, PROG ": cannot write %s: %s\n", path ? path : "stdout", strerror(errno));
    return ok;
}

static int run_package(int nflags, char **flags, const char *cfg_path) {
    size_t nrules;
    const lint_rule *const *all = lint_rules(&nrules);
    signed char *set = calloc(nrules + 1, 1); /* per rule: 0 not given, 1 true, -1 false */
    if (!set) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_INTERNAL;
    }
    bool json = false, fix = false, bad = false;
    for (int i = 0; i < nflags; i++) {
        const char *f = flag_name(flags[i]);
        if (!f) {
            fprintf(stderr, PROG ": unexpected argument %s before the go vet config\n", flags[i]);
            bad = true;
            continue;
        }
        const char *eq = strchr(f, '=');
        size_t len = eq ? (size_t)(eq - f) : strlen(f);
        const char *value = eq ? eq + 1 : NULL;
        bool v;
        if (len == 4 && strncmp(f, "json", 4) == 0) {
            bad |= !bool_value(flags[i], value, &json);
            continue;
        }
        if ((len == 3 && strncmp(f, "fix", 3) == 0) || (len == 4 && strncmp(f, "diff", 4) == 0)) {
            /* go vet -fix / go fix: leakscope has no fixes to offer */
            bool on;
            if (bool_value(flags[i], value, &on))
                fix |= on;
            else
                bad = true;
            continue;
        }
        size_t r = 0;
        while (r < nrules && !(strlen(all[r]->id) == len && strncasecmp(all[r]->id, f, len) == 0))
            r++;
        if (r == nrules) {
            fprintf(stderr, PROG ": unknown flag %s; '" PROG " -flags' lists the flags\n", flags[i]);
            bad = true;
            continue;
        }
        if (bool_value(flags[i], value, &v))
            set[r] = v ? 1 : -1;
        else
            bad = true;
    }
    if (bad) {
        free(set);
        return EXIT_INPUT;
    }

    cJSON *root = NULL;
    vet_config cfg;
    int status = read_config(cfg_path, &root, &cfg);
    if (status != EXIT_CLEAN) {
        cJSON_Delete(root);
        free(set);
        return status;
    }
    /* No facts: the facts file is empty, but go vet wants it there. */
    if ((cfg.vetx_output && !write_empty(cfg.vetx_output, "facts (VetxOutput)")) ||
        (cfg.stdout_path && !write_empty(cfg.stdout_path, "output (Stdout)"))) {
        cJSON_Delete(root);
        free(set);
        return EXIT_INPUT;
    }
    if (cfg.vetx_only || fix) {
        cJSON_Delete(root);
        free(set);
        return EXIT_CLEAN;
    }

    /* As go vet's analyzer flags: any -ID=true runs only those rules;
     * otherwise any -ID=false runs all but those. */
    bool any_true = false;
    for (size_t r = 0; r < nrules; r++)
        any_true |= set[r] > 0;
    const lint_rule **rules = calloc(nrules + 1, sizeof *rules);
    path_list files = {0};
    if (!rules) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    size_t n = 0;
    for (size_t r = 0; r < nrules; r++)
        if (any_true ? set[r] > 0 : set[r] >= 0)
            rules[n++] = all[r];
    free(set);
    for (const cJSON *f = cfg.go_files->child; f; f = f->next) {
        char *p = file_to_lint(f->valuestring, cfg.dir);
        if (p)
            path_list_add(&files, p);
        free(p);
    }

    /* go vet runs one tool per package on every core already: one thread. */
    lint_options opts = {.rules = rules, .nrules = n, .threads = 1, .go_minor = go_minor_of(cfg.go_version)};
    lint_result res;
    int rc = lint_run((const char *const *)files.at, files.len, &opts, &res);
    if (rc != 0) {
        fprintf(stderr, PROG ": cannot start threads: %s\n", strerror(rc));
        status = EXIT_INTERNAL;
    } else {
        for (size_t i = 0; i < res.nerrors; i++) {
            const lint_error *e = &res.errors[i];
            if (e->kind == LINT_ERR_READ)
                fprintf(stderr, PROG ": %s: cannot read: %s\n", e->path, e->message);
            else
                fprintf(stderr, "%s:%u:%u: syntax error: %s\n", e->path, e->line, e->col, e->message);
        }
        ls_buf out = {0};
        if (json) {
            json_tree(&out, cfg.id, &res);
            status = write_file(cfg.stdout_path, &out) ? EXIT_CLEAN : EXIT_INPUT;
        } else {
            report_lint_text(&out, &res);
            if (out.len)
                fwrite(out.data, 1, out.len, stderr);
            status = res.nfindings ? EXIT_FINDINGS : EXIT_CLEAN;
        }
        ls_buf_free(&out);
        if (res.nerrors && status != EXIT_INTERNAL)
            status = EXIT_INPUT;
    }
    lint_result_free(&res);
    path_list_free(&files);
    free(rules);
    cJSON_Delete(root);
    return status;
}

int cmd_vettool(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (is_version_flag(argv[i]))
            return print_version(argv[i]);
    for (int i = 1; i < argc; i++)
        if (is_flags_flag(argv[i]))
            return print_flags();
    return run_package(argc - 2, argv + 1, argv[argc - 1]);
}
