/*
 * Targets of `leakscope watch`: command-line arguments turned into scrape
 * URLs, and the YAML targets file (docs/watch.md, "Targets file").
 *
 * The file is loaded whole with libyaml's document API (it is small) so that
 * every error can name the line of the node at fault.  A file with an error
 * adds nothing: a half-applied reload would be worse than none.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "leakscope/watch.h"

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s) {
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

double watch_parse_duration(const char *s) {
    if (!s || !*s)
        return -1;
    char *whole;
    double secs = strtod(s, &whole);
    if (*whole == '\0') /* a bare number: seconds; bounded so that conversions to integers stay defined */
        return secs >= 0 && secs <= 1e9 ? secs : -1;
    double total = 0;
    const char *p = s;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0)
            return -1;
        p = end;
        double unit;
        if (strncmp(p, "ms", 2) == 0) {
            unit = 0.001;
            p += 2;
        } else if (*p == 's' || *p == 'm' || *p == 'h' || *p == 'd') {
            unit = *p == 's' ? 1 : *p == 'm' ? 60 : *p == 'h' ? 3600 : 86400;
            p++;
        } else {
            return -1;
        }
        total += v * unit;
    }
    return total >= 0 && total <= 1e9 ? total : -1;
}

static const char *format_debug(dump_format f) {
    return f == DUMP_FORMAT_DEBUG1 ? "1" : f == DUMP_FORMAT_TEXT ? "2" : "0";
}

char *watch_target_url(const char *arg, dump_format format) {
    ls_buf b = {0};
    const char *rest = arg;
    if (strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0) {
        rest = strstr(arg, "://") + 3;
        ls_buf_puts(&b, "");
    } else {
        ls_buf_puts(&b, "http://");
    }
    const char *slash = strchr(rest, '/');
    if (slash && strcmp(slash, "/") != 0) {
        ls_buf_puts(&b, arg);
    } else {
        ls_buf_append(&b, arg, slash ? (size_t)(slash - arg) : strlen(arg));
        ls_buf_printf(&b, "/debug/pprof/goroutine?debug=%s", format_debug(format));
    }
    ls_buf_putc(&b, '\0');
    return b.data;
}

/* host:port of a URL: the default name. */
static char *name_of_url(const char *url) {
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    char *name = xrealloc(NULL, n + 1);
    memcpy(name, p, n);
    name[n] = '\0';
    return name;
}

static watch_target *add_target(watch_targets *t) {
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->at = xrealloc(t->at, t->cap * sizeof *t->at);
    }
    watch_target *w = &t->at[t->len++];
    memset(w, 0, sizeof *w);
    return w;
}

void watch_targets_add_arg(watch_targets *t, const char *arg, dump_format format, double interval,
                           const dump_series_options *thresholds) {
    watch_target *w = add_target(t);
    w->url = watch_target_url(arg, format);
    w->name = name_of_url(w->url);
    w->interval = interval;
    w->thresholds = *thresholds;
}

void watch_target_clear(watch_target *w) {
    free(w->name);
    free(w->url);
    for (size_t i = 0; i < w->nlabels; i++) {
        free(w->labels[i].key);
        free(w->labels[i].value);
    }
    free(w->labels);
}

void watch_targets_free(watch_targets *t) {
    for (size_t i = 0; i < t->len; i++)
        watch_target_clear(&t->at[i]);
    free(t->at);
    memset(t, 0, sizeof *t);
}

/* ---- the targets file ---------------------------------------------------- */

typedef struct loader {
    yaml_document_t *doc;
    const char *path;
    char *err;
    size_t errlen;
    dump_format format;
} loader;

__attribute__((format(printf, 3, 4))) static int fail_at(loader *l, yaml_node_t *n, const char *fmt, ...) {
    int len = snprintf(l->err, l->errlen, "%s:%lu: ", l->path, n ? (unsigned long)n->start_mark.line + 1 : 1ul);
    va_list ap;
    va_start(ap, fmt);
    if (len >= 0 && (size_t)len < l->errlen)
        vsnprintf(l->err + len, l->errlen - (size_t)len, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *scalar(yaml_node_t *n) {
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_duration(loader *l, yaml_node_t *v, const char *key, double *out) {
    double d = watch_parse_duration(scalar(v));
    if (d <= 0)
        return fail_at(l, v, "%s must be a duration such as 30s, 5m or 1h, not '%s'", key,
                       scalar(v) ? scalar(v) : "(not a scalar)");
    *out = d;
    return 0;
}

static int get_number(loader *l, yaml_node_t *v, const char *key, double *out) {
    const char *s = scalar(v);
    char *end = NULL;
    double d = s ? strtod(s, &end) : -1;
    /* the bound keeps the conversions to integers defined */
    if (!s || end == s || *end || !(d >= 0 && d <= 1e12))
        return fail_at(l, v, "%s must be a number from 0 to 10^12, not '%s'", key, s ? s : "(not a scalar)");
    *out = d;
    return 0;
}

static void set_threshold(dump_series_options *o, const char *key, double v) {
    if (strcmp(key, "growth_pct") == 0)
        o->growth_pct = v;
    else if (strcmp(key, "growth_min") == 0)
        o->growth_min = (uint64_t)v;
    else if (strcmp(key, "blocked_pct") == 0)
        o->blocked_pct = v;
    else
        o->blocked_snapshots = (unsigned)v;
}

static int load_thresholds(loader *l, yaml_node_t *map, dump_series_options *o) {
    if (map->type != YAML_MAPPING_NODE)
        return fail_at(l, map, "thresholds must be a mapping (growth_pct, growth_min, window, "
                               "blocked_pct, blocked_scrapes)");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key), *v = yaml_document_get_node(l->doc, p->value);
        const char *key = scalar(k) ? scalar(k) : "";
        double d = 0;
        int rc;
        if (strcmp(key, "window") == 0) {
            rc = get_duration(l, v, key, &o->window_seconds);
        } else if (strcmp(key, "growth_pct") == 0 || strcmp(key, "growth_min") == 0 ||
                   strcmp(key, "blocked_pct") == 0 || strcmp(key, "blocked_scrapes") == 0) {
            rc = get_number(l, v, key, &d);
            if (rc == 0 && strcmp(key, "blocked_scrapes") == 0 && d > 1e6)
                rc = fail_at(l, v, "blocked_scrapes must be at most 1000000, not '%s'", scalar(v));
            if (rc == 0)
                set_threshold(o, key, d);
        } else {
            return fail_at(l, k, "unknown threshold '%s'; known: growth_pct, growth_min, window, "
                                 "blocked_pct, blocked_scrapes", key);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int load_labels(loader *l, yaml_node_t *map, watch_target *w) {
    if (map->type != YAML_MAPPING_NODE)
        return fail_at(l, map, "labels must be a mapping of names to values");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(l->doc, p->key));
        yaml_node_t *vn = yaml_document_get_node(l->doc, p->value);
        if (!k || !scalar(vn))
            return fail_at(l, vn, "a label's name and value must be plain strings");
        w->labels = xrealloc(w->labels, (w->nlabels + 1) * sizeof *w->labels);
        w->labels[w->nlabels].key = xstrdup(k);
        w->labels[w->nlabels].value = xstrdup(scalar(vn));
        w->nlabels++;
    }
    return 0;
}

static int load_target(loader *l, yaml_node_t *map, watch_target *w) {
    if (map->type != YAML_MAPPING_NODE)
        return fail_at(l, map, "each target must be a mapping with at least url:");
    w->source_line = (unsigned)map->start_mark.line + 1;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(l->doc, p->key), *v = yaml_document_get_node(l->doc, p->value);
        const char *key = scalar(k) ? scalar(k) : "";
        int rc = 0;
        if (strcmp(key, "url") == 0 && scalar(v) && *scalar(v)) {
            free(w->url);
            w->url = watch_target_url(scalar(v), l->format);
        } else if (strcmp(key, "name") == 0 && scalar(v) && *scalar(v)) {
            free(w->name);
            w->name = xstrdup(scalar(v));
        } else if (strcmp(key, "interval") == 0) {
            rc = get_duration(l, v, key, &w->interval);
        } else if (strcmp(key, "labels") == 0) {
            rc = load_labels(l, v, w);
        } else if (strcmp(key, "thresholds") == 0) {
            rc = load_thresholds(l, v, &w->thresholds);
        } else if (strcmp(key, "url") == 0 || strcmp(key, "name") == 0) {
            rc = fail_at(l, v, "%s must be a non-empty string", key);
        } else {
            rc = fail_at(l, k, "unknown key '%s' in a target; known: name, url, interval, labels, thresholds", key);
        }
        if (rc)
            return rc;
    }
    if (!w->url)
        return fail_at(l, map, "this target has no url: (e.g. url: http://127.0.0.1:6060)");
    if (!w->name)
        w->name = name_of_url(w->url);
    return 0;
}

static int load_root(loader *l, yaml_node_t *root, watch_targets *out, const watch_target *defaults) {
    yaml_node_t *list = NULL;
    watch_target base = *defaults;
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(l->doc, p->key), *v = yaml_document_get_node(l->doc, p->value);
            const char *key = scalar(k) ? scalar(k) : "";
            int rc = 0;
            if (strcmp(key, "targets") == 0)
                list = v;
            else if (strcmp(key, "interval") == 0)
                rc = get_duration(l, v, key, &base.interval);
            else if (strcmp(key, "thresholds") == 0)
                rc = load_thresholds(l, v, &base.thresholds);
            else
                rc = fail_at(l, k, "unknown key '%s' at the top; known: targets, interval, thresholds", key);
            if (rc)
                return rc;
        }
    }
    if (!list || list->type != YAML_SEQUENCE_NODE)
        return fail_at(l, list ? list : root, "expected 'targets:' with a list of targets (see docs/watch.md)");
    for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
        watch_target *w = add_target(out);
        w->interval = base.interval;
        w->thresholds = base.thresholds;
        if (load_target(l, yaml_document_get_node(l->doc, *it), w))
            return -1;
        for (size_t i = 0; i + 1 < out->len; i++)
            if (strcmp(out->at[i].name, w->name) == 0)
                return fail_at(l, yaml_document_get_node(l->doc, *it),
                               "a second target named '%s'; names must be unique", w->name);
    }
    return 0;
}

/* Loads the document parser reads; name is the file in messages. */
static int load_document(yaml_parser_t *parser, watch_targets *t, const char *name, dump_format format,
                         double interval, const dump_series_options *thresholds, char *err, size_t errlen) {
    yaml_document_t doc;
    if (!yaml_parser_load(parser, &doc)) {
        snprintf(err, errlen, "%s:%lu: not valid YAML: %s", name, (unsigned long)parser->problem_mark.line + 1,
                 parser->problem ? parser->problem : "syntax error");
        return -1;
    }
    watch_targets fresh = {0};
    watch_target defaults = {.interval = interval, .thresholds = *thresholds};
    loader l = {&doc, name, err, errlen, format};
    int rc = load_root(&l, yaml_document_get_root_node(&doc), &fresh, &defaults);
    if (rc == 0) {
        for (size_t i = 0; i < fresh.len; i++)
            *add_target(t) = fresh.at[i];
        free(fresh.at);
    } else {
        watch_targets_free(&fresh);
    }
    yaml_document_delete(&doc);
    return rc;
}

int watch_targets_parse(watch_targets *t, const char *name, const char *data, size_t len, dump_format format,
                        double interval, const dump_series_options *thresholds, char *err, size_t errlen) {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int rc = load_document(&parser, t, name, format, interval, thresholds, err, errlen);
    yaml_parser_delete(&parser);
    return rc;
}

int watch_targets_load(watch_targets *t, const char *path, dump_format format, double interval,
                       const dump_series_options *thresholds, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the targets file: %m", path);
        return -1;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = load_document(&parser, t, path, format, interval, thresholds, err, errlen);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}
