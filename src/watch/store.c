/*
 * History of `leakscope watch` in SQLite (docs/watch.md, "History").
 *
 * One transaction per scrape, in WAL mode with synchronous=NORMAL: a crash
 * or SIGKILL loses at most the scrapes of the last moments, never the
 * database's consistency (a transaction is in the WAL whole or not at all).
 * A bucket's stack is text of some kilobytes, so it is written once per
 * target and bucket; each scrape adds only (bucket, count, state) rows.
 * A write that fails (disk full, I/O error) rolls its scrape back and says
 * so; the next scrape tries again.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/watch.h"

struct watch_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *target_get, *target_put, *scrape_put, *count_put, *stack_touch, *stack_put, *alert_put,
        *first_seen;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "INSERT OR IGNORE INTO meta VALUES('schema_version', '1');\n"
    "CREATE TABLE IF NOT EXISTS targets(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, url TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS scrapes(id INTEGER PRIMARY KEY,\n"
    "  target_id INTEGER NOT NULL REFERENCES targets(id), time REAL NOT NULL, duration REAL NOT NULL,\n"
    "  error TEXT, http_status INTEGER NOT NULL, bytes INTEGER NOT NULL,\n"
    "  goroutines INTEGER NOT NULL, buckets INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS scrapes_by_target ON scrapes(target_id, time);\n"
    "CREATE INDEX IF NOT EXISTS scrapes_by_time ON scrapes(time);\n"
    "CREATE TABLE IF NOT EXISTS stacks(target_id INTEGER NOT NULL REFERENCES targets(id),\n"
    "  bucket_id INTEGER NOT NULL, hex TEXT NOT NULL, top_func TEXT NOT NULL, created_by TEXT,\n"
    "  stack TEXT NOT NULL, first_seen REAL NOT NULL, last_seen REAL NOT NULL,\n"
    "  PRIMARY KEY(target_id, bucket_id)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS counts(scrape_id INTEGER NOT NULL REFERENCES scrapes(id) ON DELETE CASCADE,\n"
    "  bucket_id INTEGER NOT NULL, goroutines INTEGER NOT NULL, blocked INTEGER NOT NULL,\n"
    "  state TEXT NOT NULL, PRIMARY KEY(scrape_id, bucket_id)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS alerts(id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL REFERENCES targets(id),\n"
    "  time REAL NOT NULL, bucket_id INTEGER, kind TEXT NOT NULL, json TEXT NOT NULL);\n";

static int fail(watch_store *st, const char *doing, char *err, size_t errlen) {
    int code = sqlite3_errcode(st->db);
    const char *hint = code == SQLITE_FULL ? "; free disk space or lower --retain-size"
                       : code == SQLITE_IOERR ? "; check the disk"
                                               : "";
    snprintf(err, errlen, "%s: %s: %s%s", st->path, doing, sqlite3_errmsg(st->db), hint);
    return -1;
}

static int prepare(watch_store *st, sqlite3_stmt **out, const char *sql) {
    return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) == SQLITE_OK ? 0 : -1;
}

static int prepare_all(watch_store *st) {
    return prepare(st, &st->target_get, "SELECT id, url FROM targets WHERE name = ?1") ||
           prepare(st, &st->target_put, "INSERT INTO targets(name, url) VALUES(?1, ?2) "
                                        "ON CONFLICT(name) DO UPDATE SET url = excluded.url") ||
           prepare(st, &st->scrape_put,
                   "INSERT INTO scrapes(target_id, time, duration, error, http_status, bytes, goroutines, buckets) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)") ||
           prepare(st, &st->count_put,
                   "INSERT INTO counts(scrape_id, bucket_id, goroutines, blocked, state) VALUES(?1, ?2, ?3, ?4, ?5)") ||
           prepare(st, &st->stack_touch,
                   "UPDATE stacks SET last_seen = ?3 WHERE target_id = ?1 AND bucket_id = ?2") ||
           prepare(st, &st->stack_put,
                   "INSERT INTO stacks(target_id, bucket_id, hex, top_func, created_by, stack, first_seen, last_seen) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)") ||
           prepare(st, &st->alert_put,
                   "INSERT INTO alerts(target_id, time, bucket_id, kind, json) VALUES(?1, ?2, ?3, ?4, ?5)") ||
           prepare(st, &st->first_seen,
                   "SELECT s.first_seen FROM stacks s JOIN targets t ON t.id = s.target_id "
                   "WHERE t.name = ?1 AND s.bucket_id = ?2");
}

watch_store *watch_store_open(const char *path, char *err, size_t errlen) {
    watch_store *st = calloc(1, sizeof *st);
    if (!st)
        abort();
    st->path = strdup(path);
    if (!st->path)
        abort();
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK || !st->db) {
        snprintf(err, errlen, "%s: cannot open the history database: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        watch_store_close(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 5000);
    if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(st->db, schema, NULL, NULL, NULL) != SQLITE_OK || prepare_all(st)) {
        fail(st, "cannot set up the history database (is it a leakscope watch database?)", err, errlen);
        watch_store_close(st);
        return NULL;
    }
    return st;
}

static int step_done(sqlite3_stmt *s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static sqlite3_int64 target_id(watch_store *st, const watch_target *t) {
    sqlite3_bind_text(st->target_put, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st->target_put, 2, t->url, -1, SQLITE_STATIC);
    if (step_done(st->target_put))
        return -1;
    sqlite3_bind_text(st->target_get, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_int64 id = -1;
    if (sqlite3_step(st->target_get) == SQLITE_ROW)
        id = sqlite3_column_int64(st->target_get, 0);
    sqlite3_reset(st->target_get);
    return id;
}

static void put_frame(ls_buf *b, const dump_frame *f) {
    ls_buf_append(b, f->func.ptr, f->func.len);
    if (f->file.len) {
        ls_buf_putc(b, ' ');
        ls_buf_append(b, f->file.ptr, f->file.len);
        ls_buf_printf(b, ":%u", f->line);
    }
}

/* The first sighting of a bucket for a target: its stack, once. */
static int put_stack(watch_store *st, sqlite3_int64 tid, const dump_buckets *set, const dump_bucket *b, double time) {
    sqlite3_bind_int64(st->stack_touch, 1, tid);
    sqlite3_bind_int64(st->stack_touch, 2, (sqlite3_int64)b->id);
    sqlite3_bind_double(st->stack_touch, 3, time);
    if (step_done(st->stack_touch))
        return -1;
    if (sqlite3_changes(st->db) > 0)
        return 0;
    dump_goroutine g = {.count = 1, .frames = b->frames, .nframes = b->nframes,
                        .has_created_by = b->has_created_by, .created_by = b->created_by};
    ls_buf stack = {0}, top = {0}, created = {0};
    dump_stack_id(&g, dump_buckets_group(set), &stack);
    const dump_frame *tf = dump_bucket_top_user_frame(b);
    if (tf)
        ls_buf_append(&top, tf->func.ptr, tf->func.len);
    if (b->has_created_by)
        put_frame(&created, &b->created_by);
    char hex[17];
    sqlite3_stmt *s = st->stack_put;
    sqlite3_bind_int64(s, 1, tid);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)b->id);
    sqlite3_bind_text(s, 3, dump_id_hex(b->id, hex), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, top.data ? top.data : "", (int)top.len, SQLITE_TRANSIENT);
    if (created.len)
        sqlite3_bind_text(s, 5, created.data, (int)created.len, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 5);
    sqlite3_bind_text(s, 6, stack.data ? stack.data : "", (int)stack.len, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 7, time);
    int rc = step_done(s);
    ls_buf_free(&stack);
    ls_buf_free(&top);
    ls_buf_free(&created);
    return rc;
}

static int put_counts(watch_store *st, sqlite3_int64 tid, sqlite3_int64 sid, const watch_scrape *r) {
    const dump_buckets *set = r->buckets;
    for (size_t i = 0; set && i < dump_buckets_len(set); i++) {
        const dump_bucket *b = dump_buckets_at(set, i);
        if (put_stack(st, tid, set, b, r->start))
            return -1;
        ls_str state = dump_bucket_state_or_inferred(b);
        sqlite3_stmt *s = st->count_put;
        sqlite3_bind_int64(s, 1, sid);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)b->id);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)b->count);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)dump_bucket_blocked(b));
        sqlite3_bind_text(s, 5, state.ptr ? state.ptr : "", (int)state.len, SQLITE_STATIC);
        if (step_done(s))
            return -1;
    }
    return 0;
}

static int put_scrape_rows(watch_store *st, const watch_target *t, const watch_scrape *r) {
    sqlite3_int64 tid = target_id(st, t);
    if (tid < 0)
        return -1;
    sqlite3_stmt *s = st->scrape_put;
    sqlite3_bind_int64(s, 1, tid);
    sqlite3_bind_double(s, 2, r->start);
    sqlite3_bind_double(s, 3, r->duration);
    if (r->error[0])
        sqlite3_bind_text(s, 4, r->error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 4);
    sqlite3_bind_int64(s, 5, r->http_status);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)r->bytes);
    sqlite3_bind_int64(s, 7, r->buckets ? (sqlite3_int64)dump_buckets_total(r->buckets) : 0);
    sqlite3_bind_int64(s, 8, r->buckets ? (sqlite3_int64)dump_buckets_len(r->buckets) : 0);
    if (step_done(s))
        return -1;
    return put_counts(st, tid, sqlite3_last_insert_rowid(st->db), r);
}

/* BEGIN, body, COMMIT; on any failure ROLLBACK and a message. */
static int in_transaction(watch_store *st, int (*body)(watch_store *, const void *), const void *arg,
                          const char *doing, char *err, size_t errlen) {
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, doing, err, errlen);
    if (body(st, arg) || sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(st, doing, err, errlen);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

typedef struct scrape_arg {
    const watch_target *t;
    const watch_scrape *r;
} scrape_arg;

static int scrape_body(watch_store *st, const void *arg) {
    const scrape_arg *a = arg;
    return put_scrape_rows(st, a->t, a->r);
}

int watch_store_put_scrape(watch_store *st, const watch_target *t, const watch_scrape *r, char *err, size_t errlen) {
    scrape_arg a = {t, r};
    char doing[300];
    snprintf(doing, sizeof doing, "the scrape of %s was not saved", t->name);
    return in_transaction(st, scrape_body, &a, doing, err, errlen);
}

typedef struct alert_arg {
    const watch_target *t;
    double time;
    uint64_t bucket;
    const char *kind, *json;
} alert_arg;

static int alert_body(watch_store *st, const void *arg) {
    const alert_arg *a = arg;
    sqlite3_int64 tid = target_id(st, a->t);
    if (tid < 0)
        return -1;
    sqlite3_stmt *s = st->alert_put;
    sqlite3_bind_int64(s, 1, tid);
    sqlite3_bind_double(s, 2, a->time);
    if (a->bucket)
        sqlite3_bind_int64(s, 3, (sqlite3_int64)a->bucket);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_text(s, 4, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, a->json, -1, SQLITE_STATIC);
    return step_done(s);
}

int watch_store_put_alert(watch_store *st, const watch_target *t, double time, uint64_t bucket, const char *kind,
                          const char *json, char *err, size_t errlen) {
    alert_arg a = {t, time, bucket, kind, json};
    return in_transaction(st, alert_body, &a, "an alert was not saved", err, errlen);
}

double watch_store_first_seen(watch_store *st, const watch_target *t, uint64_t bucket) {
    sqlite3_bind_text(st->first_seen, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st->first_seen, 2, (sqlite3_int64)bucket);
    double when = -1;
    if (sqlite3_step(st->first_seen) == SQLITE_ROW)
        when = sqlite3_column_double(st->first_seen, 0);
    sqlite3_reset(st->first_seen);
    return when;
}

static sqlite3_int64 query_int(watch_store *st, const char *sql) {
    sqlite3_stmt *s;
    sqlite3_int64 v = -1;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Bytes in use: pages not on the free list (WAL files do not shrink; freed
 * pages are reused, so this is what retention can bound). */
static uint64_t bytes_used(watch_store *st) {
    sqlite3_int64 pages = query_int(st, "PRAGMA page_count"), free_pages = query_int(st, "PRAGMA freelist_count"),
                  size = query_int(st, "PRAGMA page_size");
    return pages < 0 || free_pages < 0 || size < 0 ? 0 : (uint64_t)(pages - free_pages) * (uint64_t)size;
}

static int exec_bound(watch_store *st, const char *sql, double v) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_double(s, 1, v);
    int rc = sqlite3_step(s) == SQLITE_DONE ? sqlite3_changes(st->db) : -1;
    sqlite3_finalize(s);
    return rc;
}

typedef struct retain_arg {
    double now, max_age;
    uint64_t max_bytes;
    long deleted;
} retain_arg;

static int retain_body(watch_store *st, const void *arg) {
    retain_arg *a = (retain_arg *)arg;
    if (a->max_age > 0) {
        int n = exec_bound(st, "DELETE FROM scrapes WHERE time < ?1", a->now - a->max_age);
        if (n < 0 || exec_bound(st, "DELETE FROM alerts WHERE time < ?1", a->now - a->max_age) < 0)
            return -1;
        a->deleted += n;
    }
    /* the oldest tenth at a time, so one pass never empties a history that
     * is only a little over its limit */
    for (int round = 0; a->max_bytes && round < 50 && bytes_used(st) > a->max_bytes; round++) {
        sqlite3_int64 total = query_int(st, "SELECT count(*) FROM scrapes");
        if (total <= 0)
            break;
        int n = exec_bound(st, "DELETE FROM scrapes WHERE id IN (SELECT id FROM scrapes ORDER BY time LIMIT ?1)",
                           (double)(total / 10 + 1));
        if (n < 0)
            return -1;
        a->deleted += n;
    }
    return exec_bound(st,
                      "DELETE FROM stacks WHERE last_seen < coalesce((SELECT min(time) FROM scrapes "
                      "WHERE scrapes.target_id = stacks.target_id), ?1)",
                      a->now + 1) < 0
               ? -1
               : 0;
}

long watch_store_retain(watch_store *st, double now, double max_age, uint64_t max_bytes, char *err, size_t errlen) {
    retain_arg a = {now, max_age, max_bytes, 0};
    if (max_age <= 0 && max_bytes == 0)
        return 0;
    if (in_transaction(st, retain_body, &a, "retention failed", err, errlen))
        return -1;
    return a.deleted;
}

void watch_store_close(watch_store *st) {
    if (!st)
        return;
    sqlite3_stmt **all[] = {&st->target_get, &st->target_put, &st->scrape_put, &st->count_put,
                            &st->stack_touch, &st->stack_put, &st->alert_put, &st->first_seen};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        sqlite3_finalize(*all[i]);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

/* ---- reading the history back ------------------------------------------- */

/* The only target with scrapes, or a message naming them all. */
static char *only_target(watch_store *st, char *err, size_t errlen) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT name FROM targets WHERE id IN (SELECT target_id FROM scrapes) ORDER BY name",
                           -1, &s, NULL) != SQLITE_OK) {
        fail(st, "cannot read the targets", err, errlen);
        return NULL;
    }
    ls_buf names = {0};
    size_t n = 0;
    char *name = NULL;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        ls_buf_printf(&names, "%s%s", n++ ? ", " : "", t ? t : "");
        if (n == 1)
            name = strdup(t ? t : "");
    }
    sqlite3_finalize(s);
    if (n != 1) {
        free(name);
        name = NULL;
        ls_buf_putc(&names, '\0');
        if (n == 0)
            snprintf(err, errlen, "%s: the history holds no scrapes", st->path);
        else
            snprintf(err, errlen, "%s: the history holds %zu targets (%s); choose one with --target NAME", st->path, n,
                     names.data);
    }
    ls_buf_free(&names);
    return name;
}

/* "FUNC FILE:LINE" lines (the normalized stack) back into frames. */
static size_t parse_stack(const char *text, size_t len, dump_frame *frames, size_t cap) {
    size_t n = 0;
    const char *p = text, *end = text + len;
    while (p < end && n < cap) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        dump_frame *f = &frames[n++];
        memset(f, 0, sizeof *f);
        const char *sp = memchr(p, ' ', (size_t)(eol - p));
        f->func = ls_str_make(p, (size_t)((sp ? sp : eol) - p));
        if (sp) {
            const char *colon = sp + 1, *c;
            for (c = sp + 1; c < eol; c++)
                if (*c == ':')
                    colon = c;
            if (!(colon - sp - 1 == 1 && sp[1] == '?'))
                f->file = ls_str_make(sp + 1, (size_t)(colon - sp - 1));
            f->line = (uint32_t)strtoul(colon + 1, NULL, 10);
        }
        p = eol + 1;
    }
    return n;
}

static dump_buckets *read_snapshot(watch_store *st, sqlite3_stmt *q, sqlite3_int64 tid, sqlite3_int64 sid,
                                   dump_frame *frames, size_t cap) {
    dump_buckets *set = dump_buckets_new(DUMP_GROUP_LINE);
    sqlite3_bind_int64(q, 1, tid);
    sqlite3_bind_int64(q, 2, sid);
    while (sqlite3_step(q) == SQLITE_ROW) {
        dump_goroutine g = {0};
        g.count = (uint64_t)sqlite3_column_int64(q, 0);
        g.state = ls_str_make((const char *)sqlite3_column_text(q, 1), (size_t)sqlite3_column_bytes(q, 1));
        g.wait_minutes = -1;
        const char *stack = (const char *)sqlite3_column_text(q, 2);
        g.frames = frames;
        g.nframes = parse_stack(stack ? stack : "", (size_t)sqlite3_column_bytes(q, 2), frames, cap);
        const char *created = (const char *)sqlite3_column_text(q, 3);
        if (created) {
            g.has_created_by = parse_stack(created, strlen(created), &g.created_by, 1) == 1;
        }
        dump_buckets_sink(set, &g);
    }
    sqlite3_reset(q);
    (void)st;
    dump_buckets_finish(set);
    return set;
}

int watch_store_history(watch_store *st, const char *target, double since, size_t max_points, watch_history *out,
                        char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->target = target ? strdup(target) : only_target(st, err, errlen);
    if (!out->target)
        return -1;
    sqlite3_stmt *s = NULL, *q = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT s.id, s.time, t.id FROM scrapes s JOIN targets t ON t.id = s.target_id "
                           "WHERE t.name = ?1 AND s.error IS NULL AND s.time >= ?2 ORDER BY s.time",
                           -1, &s, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db,
                           "SELECT c.goroutines, c.state, k.stack, k.created_by FROM counts c JOIN stacks k "
                           "ON k.target_id = ?1 AND k.bucket_id = c.bucket_id WHERE c.scrape_id = ?2",
                           -1, &q, NULL) != SQLITE_OK) {
        fail(st, "cannot read the history", err, errlen);
        goto done;
    }
    sqlite3_bind_text(s, 1, out->target, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 2, since);
    sqlite3_int64 *ids = NULL, tid = -1;
    double *times = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            ids = realloc(ids, cap * sizeof *ids);
            times = realloc(times, cap * sizeof *times);
            if (!ids || !times)
                abort();
        }
        ids[n] = sqlite3_column_int64(s, 0);
        times[n] = sqlite3_column_double(s, 1);
        tid = sqlite3_column_int64(s, 2);
        n++;
    }
    if (n == 0) {
        snprintf(err, errlen, "%s: no good scrapes of '%s' in the time asked for (is the name right? see --since)",
                 st->path, out->target);
    } else {
        size_t keep = max_points && n > max_points ? max_points : n;
        out->times = malloc(keep * sizeof *out->times);
        out->snaps = calloc(keep, sizeof *out->snaps);
        dump_frame *frames = malloc(4096 * sizeof *frames);
        if (!out->times || !out->snaps || !frames)
            abort();
        for (size_t k = 0; k < keep; k++) {
            /* evenly spread, the last scrape always included */
            size_t i = keep == 1 ? n - 1 : (size_t)((double)k * (double)(n - 1) / (double)(keep - 1));
            out->times[k] = times[i];
            out->snaps[k] = read_snapshot(st, q, tid, ids[i], frames, 4096);
            out->n++;
        }
        free(frames);
        rc = 0;
    }
    free(ids);
    free(times);
done:
    sqlite3_finalize(s);
    sqlite3_finalize(q);
    return rc;
}

void watch_history_free(watch_history *h) {
    for (size_t i = 0; i < h->n; i++)
        dump_buckets_free(h->snaps[i]);
    free(h->snaps);
    free(h->times);
    free(h->target);
    memset(h, 0, sizeof *h);
}
