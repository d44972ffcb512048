/*
 * The configuration file `.leakscope.yml` (lintconfig.h,
 * docs/lint-config.md): found by walking up from a directory, read with
 * libyaml's document loader, checked key by key.
 *
 * Every node of a libyaml document carries its start mark (0-based line
 * and column), so each message points at the key or value that is wrong:
 * "FILE:LINE:COL: unknown key 'rule'; the keys are ...".  The first
 * mistake ends the load.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "leakscope/lintconfig.h"
#include "xalloc.h"

/* ---- finding the file ------------------------------------------------------ */

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

char *lint_config_find(const char *dir) {
    char *abs = realpath(dir, NULL);
    if (!abs)
        return NULL;
    for (;;) {
        size_t n = strlen(abs);
        bool root = n == 1 && abs[0] == '/';
        char *cand = xrealloc(NULL, n + sizeof "/" LINT_CONFIG_NAME + 5);
        sprintf(cand, "%s/%s", root ? "" : abs, LINT_CONFIG_NAME);
        if (exists(cand)) {
            free(abs);
            return cand;
        }
        sprintf(cand, "%s/.git", root ? "" : abs);
        bool repo_root = exists(cand);
        free(cand);
        if (repo_root || root)
            break;
        char *slash = strrchr(abs, '/');
        if (slash == abs)
            slash[1] = 0;
        else
            *slash = 0;
    }
    free(abs);
    return NULL;
}

/* ---- globs ----------------------------------------------------------------- */

/* Matches the elements of pattern p against the elements of path s; both
 * point at the start of an element (or at their end). */
static bool match_elems(const char *p, const char *s) {
    if (!*p)
        return !*s;
    const char *pe = strchr(p, '/');
    if (!pe)
        pe = p + strlen(p);
    if (pe - p == 2 && p[0] == '*' && p[1] == '*') {
        if (!*pe)
            return true; /* trailing **: everything below */
        for (const char *t = s;;) {
            if (match_elems(pe + 1, t))
                return true;
            t = strchr(t, '/');
            if (!t)
                return false;
            t++;
        }
    }
    if (!*s)
        return false;
    const char *se = strchr(s, '/');
    if (!se)
        se = s + strlen(s);
    char *pat = strndup(p, (size_t)(pe - p)), *name = strndup(s, (size_t)(se - s));
    if (!pat || !name)
        abort();
    bool ok = fnmatch(pat, name, FNM_PERIOD) == 0;
    free(pat);
    free(name);
    if (!ok)
        return false;
    if (!*pe || !*se)
        return !*pe && !*se;
    return match_elems(pe + 1, se + 1);
}

bool lint_glob_match(const char *pattern, const char *path) { return match_elems(pattern, path); }

/* Whether glob (as written in the file) covers rel: the whole path or a
 * directory above it. */
static bool glob_covers(const char *glob, const char *rel) {
    while (glob[0] == '.' && glob[1] == '/')
        glob += 2;
    while (glob[0] == '/')
        glob++;
    char *pat;
    if (!strchr(glob, '/')) { /* a name at any depth */
        pat = xrealloc(NULL, strlen(glob) + 4);
        sprintf(pat, "**/%s", glob);
    } else {
        pat = xstrdup(glob);
        size_t n = strlen(pat);
        while (n > 1 && pat[n - 1] == '/')
            pat[--n] = 0;
    }
    char *prefix = xstrdup(rel);
    bool hit = false;
    for (;;) {
        if (match_elems(pat, prefix)) {
            hit = true;
            break;
        }
        char *slash = strrchr(prefix, '/');
        if (!slash)
            break;
        *slash = 0;
    }
    free(prefix);
    free(pat);
    return hit;
}

bool lint_config_excludes(const lint_config *cfg, const char *file) {
    if (!cfg || !cfg->nexclude)
        return false;
    char *abs = realpath(file, NULL);
    const char *rel = abs ? abs : file;
    if (abs && cfg->dir) {
        size_t n = strlen(cfg->dir);
        if (n == 1 && cfg->dir[0] == '/')
            rel = abs + 1;
        else if (strncmp(abs, cfg->dir, n) == 0 && abs[n] == '/')
            rel = abs + n + 1;
    }
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    bool hit = false;
    for (size_t i = 0; i < cfg->nexclude && !hit; i++)
        hit = glob_covers(cfg->exclude[i], rel);
    free(abs);
    return hit;
}

bool lint_config_severity_of(const lint_config *cfg, const lint_rule *rule, lint_severity *out) {
    if (!cfg)
        return false;
    for (size_t i = 0; i < cfg->nseverity; i++)
        if (cfg->severity[i].rule == rule) {
            *out = cfg->severity[i].severity;
            return true;
        }
    return false;
}

/* ---- loading ------------------------------------------------------------- */

typedef struct loader {
    const char *path;
    yaml_document_t doc;
    lint_config *cfg;
    char *err;
    size_t errlen;
} loader;

static bool fail_at(loader *l, yaml_mark_t m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail_at(loader *l, yaml_mark_t m, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "%s:%zu:%zu: %s", l->path, m.line + 1, m.column + 1, msg);
    return false;
}

static const char *kind_name(const yaml_node_t *n) {
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a single value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static yaml_node_t *node(loader *l, int id) { return yaml_document_get_node(&l->doc, id); }

static bool want(loader *l, const yaml_node_t *n, yaml_node_type_t type, const char *what) {
    if (n->type == type)
        return true;
    return fail_at(l, n->start_mark, "%s must be %s, not %s", what,
                   type == YAML_SEQUENCE_NODE  ? "a list ([A, B] or one '- A' per line)"
                   : type == YAML_MAPPING_NODE ? "a mapping (KEY: VALUE lines)"
                                               : "a single value",
                   kind_name(n));
}

/* A rule named by a scalar node, or an error at it. */
static const lint_rule *rule_at(loader *l, const yaml_node_t *n, const char *where) {
    if (n->type != YAML_SCALAR_NODE) {
        fail_at(l, n->start_mark, "%s wants rule IDs or names, not %s", where, kind_name(n));
        return NULL;
    }
    const lint_rule *r = lint_rule_find(scalar(n));
    if (!r)
        fail_at(l, n->start_mark, "unknown rule '%s' in %s; 'leakscope lint --list-rules' lists them", scalar(n),
                where);
    return r;
}

static bool rule_list(loader *l, const yaml_node_t *n, const char *where, const lint_rule ***out, size_t *nout) {
    if (!want(l, n, YAML_SEQUENCE_NODE, where))
        return false;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const lint_rule *r = rule_at(l, node(l, *it), where);
        if (!r)
            return false;
        *out = xrealloc(*out, (*nout + 1) * sizeof **out);
        (*out)[(*nout)++] = r;
    }
    return true;
}

/* Checks that mapping n has no key twice and only keys from names[]. */
static bool check_keys(loader *l, const yaml_node_t *n, const char *what, const char *const *names, size_t nnames,
                       const char *list) {
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = node(l, p->key);
        if (k->type != YAML_SCALAR_NODE)
            return fail_at(l, k->start_mark, "a key of %s must be a single value, not %s", what, kind_name(k));
        bool known = names == NULL;
        for (size_t i = 0; i < nnames && !known; i++)
            known = strcmp(scalar(k), names[i]) == 0;
        if (!known)
            return fail_at(l, k->start_mark, "unknown key '%s' in %s; the keys are %s (docs/lint-config.md)",
                           scalar(k), what, list);
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const yaml_node_t *k2 = node(l, q->key);
            if (k2->type == YAML_SCALAR_NODE && strcmp(scalar(k2), scalar(k)) == 0)
                return fail_at(l, k->start_mark, "key '%s' is given twice in %s (first at line %zu); keep one",
                               scalar(k), what, k2->start_mark.line + 1);
        }
    }
    return true;
}

static bool load_rules(loader *l, const yaml_node_t *n) {
    static const char *const keys[] = {"enable", "disable"};
    if (!want(l, n, YAML_MAPPING_NODE, "rules") || !check_keys(l, n, "rules", keys, 2, "enable and disable"))
        return false;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(node(l, p->key));
        const yaml_node_t *v = node(l, p->value);
        if (strcmp(k, "enable") == 0) {
            l->cfg->has_enable = true;
            if (!rule_list(l, v, "rules.enable", &l->cfg->enable, &l->cfg->nenable))
                return false;
        } else if (!rule_list(l, v, "rules.disable", &l->cfg->disable, &l->cfg->ndisable)) {
            return false;
        }
    }
    return true;
}

static bool load_severity(loader *l, const yaml_node_t *n) {
    if (!want(l, n, YAML_MAPPING_NODE, "severity") || !check_keys(l, n, "severity", NULL, 0, ""))
        return false;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const lint_rule *r = rule_at(l, node(l, p->key), "severity");
        if (!r)
            return false;
        const yaml_node_t *v = node(l, p->value);
        lint_severity sev;
        if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "error") == 0)
            sev = LINT_ERROR;
        else if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "warning") == 0)
            sev = LINT_WARNING;
        else
            return fail_at(l, v->start_mark, "the severity of %s must be error or warning, not %s", r->id,
                           v->type == YAML_SCALAR_NODE ? scalar(v) : kind_name(v));
        lint_config *c = l->cfg;
        c->severity = xrealloc(c->severity, (c->nseverity + 1) * sizeof *c->severity);
        c->severity[c->nseverity].rule = r;
        c->severity[c->nseverity].severity = sev;
        c->nseverity++;
    }
    return true;
}

static bool load_exclude(loader *l, const yaml_node_t *n) {
    if (!want(l, n, YAML_SEQUENCE_NODE, "exclude"))
        return false;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const yaml_node_t *v = node(l, *it);
        if (v->type != YAML_SCALAR_NODE || !scalar(v)[0])
            return fail_at(l, v->start_mark, "exclude wants path globs (\"**/*_gen.go\", internal/legacy/**), not %s",
                           v->type == YAML_SCALAR_NODE ? "an empty value" : kind_name(v));
        lint_config *c = l->cfg;
        c->exclude = xrealloc(c->exclude, (c->nexclude + 1) * sizeof *c->exclude);
        c->exclude[c->nexclude++] = xstrdup(scalar(v));
    }
    return true;
}

static bool load_root(loader *l, const yaml_node_t *root) {
    static const char *const keys[] = {"version", "rules", "severity", "exclude", "tests"};
    static const char list[] = "version, rules, severity, exclude and tests";
    if (root->type != YAML_MAPPING_NODE)
        return fail_at(l, root->start_mark, "the file must be a mapping with the keys %s, not %s", list,
                       kind_name(root));
    if (!check_keys(l, root, "the file", keys, 5, list))
        return false;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const char *k = scalar(node(l, p->key));
        const yaml_node_t *v = node(l, p->value);
        bool ok = true;
        if (strcmp(k, "version") == 0) {
            if (v->type != YAML_SCALAR_NODE || strcmp(scalar(v), "1") != 0)
                ok = fail_at(l, v->start_mark, "version must be 1 (the only version of this format), not %s",
                             v->type == YAML_SCALAR_NODE ? scalar(v) : kind_name(v));
        } else if (strcmp(k, "rules") == 0) {
            ok = load_rules(l, v);
        } else if (strcmp(k, "severity") == 0) {
            ok = load_severity(l, v);
        } else if (strcmp(k, "exclude") == 0) {
            ok = load_exclude(l, v);
        } else { /* tests */
            if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "true") == 0)
                l->cfg->tests = 1;
            else if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "false") == 0)
                l->cfg->tests = 0;
            else
                ok = fail_at(l, v->start_mark, "tests must be true or false, not %s",
                             v->type == YAML_SCALAR_NODE ? scalar(v) : kind_name(v));
        }
        if (!ok)
            return false;
    }
    return true;
}

bool lint_config_parse(const char *path, const char *dir, const char *text, size_t len, lint_config *cfg, char *err,
                       size_t errlen) {
    memset(cfg, 0, sizeof *cfg);
    cfg->tests = -1;
    cfg->path = xstrdup(path);
    cfg->dir = dir ? xstrdup(dir) : NULL;
    loader l = {.path = path, .cfg = cfg, .err = err, .errlen = errlen};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        abort();
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), text ? len : 0);
    bool ok;
    if (!yaml_parser_load(&parser, &l.doc)) {
        yaml_mark_t m = parser.problem_mark;
        if (parser.context)
            fail_at(&l, m, "YAML syntax error %s: %s; fix the YAML (docs/lint-config.md shows the format)",
                    parser.context, parser.problem ? parser.problem : "cannot parse");
        else
            fail_at(&l, m, "YAML syntax error: %s; fix the YAML (docs/lint-config.md shows the format)",
                    parser.problem ? parser.problem : "cannot parse");
        yaml_parser_delete(&parser);
        lint_config_free(cfg);
        cfg->tests = -1;
        return false;
    }
    yaml_node_t *root = yaml_document_get_root_node(&l.doc);
    ok = root ? load_root(&l, root) : true; /* an empty file is an empty configuration */
    yaml_document_delete(&l.doc);
    yaml_parser_delete(&parser);
    if (!ok) {
        lint_config_free(cfg);
        cfg->tests = -1;
    }
    return ok;
}

bool lint_config_load(const char *path, lint_config *cfg, char *err, size_t errlen) {
    memset(cfg, 0, sizeof *cfg);
    cfg->tests = -1;
    ls_file_data fd;
    int rc = ls_file_read(path, &fd);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot read the configuration file: %s; check the path given to --config", path,
                 strerror(rc));
        return false;
    }
    char *copy = xstrdup(path), *slash = strrchr(copy, '/');
    if (slash)
        slash == copy ? (void)(slash[1] = 0) : (void)(*slash = 0);
    char *dir = realpath(slash ? copy : ".", NULL);
    bool ok = lint_config_parse(path, dir, fd.data, fd.len, cfg, err, errlen);
    free(dir);
    free(copy);
    ls_file_release(&fd);
    return ok;
}

void lint_config_free(lint_config *cfg) {
    if (!cfg)
        return;
    free(cfg->path);
    free(cfg->dir);
    free(cfg->enable);
    free(cfg->disable);
    free(cfg->severity);
    for (size_t i = 0; i < cfg->nexclude; i++)
        free(cfg->exclude[i]);
    free(cfg->exclude);
    memset(cfg, 0, sizeof *cfg);
}
