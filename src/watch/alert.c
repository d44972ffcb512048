/*
 * Alerts of `leakscope watch`: the JSON line (docs/watch.md, "Alerts"), and
 * the two ways out besides stderr: a command with the alert on its stdin and
 * an HTTP POST to a webhook, retried with backoff.
 */
#define _GNU_SOURCE /* gmtime_r */
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leakscope/report.h"
#include "leakscope/watch.h"

static void put_str(ls_buf *o, ls_str s) {
    report_json_string(o, s.ptr ? s.ptr : "", s.len);
}

static void put_cstr(ls_buf *o, const char *s) {
    report_json_string(o, s, strlen(s));
}

static void put_time(ls_buf *o, double t) {
    time_t secs = (time_t)t;
    struct tm tm;
    gmtime_r(&secs, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ls_buf_printf(o, "\"%s\"", buf);
}

static void put_frame(ls_buf *o, const dump_frame *f) {
    ls_buf_puts(o, "{\"func\":");
    put_str(o, f->func);
    ls_buf_puts(o, ",\"file\":");
    put_str(o, f->file);
    ls_buf_printf(o, ",\"line\":%u}", f->line);
}

static void put_target(ls_buf *o, const watch_target *t) {
    ls_buf_puts(o, "\"target\":");
    put_cstr(o, t->name);
    ls_buf_puts(o, ",\"url\":");
    put_cstr(o, t->url);
    ls_buf_puts(o, ",\"labels\":{");
    for (size_t i = 0; i < t->nlabels; i++) {
        if (i)
            ls_buf_putc(o, ',');
        put_cstr(o, t->labels[i].key);
        ls_buf_putc(o, ':');
        put_cstr(o, t->labels[i].value);
    }
    ls_buf_putc(o, '}');
}

/* The frames of the program's own code from the top: what a reader needs to
 * recognise the stack; at most five. */
static void put_top_frames(ls_buf *o, const dump_bucket *b) {
    const dump_frame *top = dump_bucket_top_user_frame(b);
    size_t from = top ? (size_t)(top - b->frames) : 0;
    if (from >= b->nframes)
        from = 0;
    ls_buf_puts(o, "\"top_frames\":[");
    for (size_t i = from, n = 0; i < b->nframes && n < 5; i++, n++) {
        if (n)
            ls_buf_putc(o, ',');
        put_frame(o, &b->frames[i]);
    }
    ls_buf_putc(o, ']');
}

static void put_growth(ls_buf *o, const watch_alert *a) {
    const dump_bucket *b = a->bucket;
    char hex[17];
    ls_buf_printf(o, ",\"bucket\":\"%s\",\"goroutines\":%llu,\"state\":", dump_id_hex(b->id, hex),
                  (unsigned long long)b->count);
    put_str(o, dump_bucket_state_or_inferred(b));
    ls_buf_putc(o, ',');
    put_top_frames(o, b);
    /* debug=2 prints the go statement; the aggregated formats do not, and
     * then the goroutine's entry function (the bottom frame) stands in */
    ls_buf_puts(o, ",\"created_by\":");
    if (b->has_created_by)
        put_frame(o, &b->created_by);
    else
        ls_buf_puts(o, "null");
    ls_buf_puts(o, ",\"entry\":");
    if (b->nframes)
        put_frame(o, &b->frames[b->nframes - 1]);
    else
        ls_buf_puts(o, "null");
    ls_buf_printf(o, ",\"growth_per_minute\":%.2f,\"first_seen\":", a->series->slope_per_minute);
    put_time(o, a->first_seen >= 0 ? a->first_seen : a->time);
}

void watch_alert_json(ls_buf *o, const watch_target *t, const watch_alert *a) {
    ls_buf_printf(o, "{\"version\":%d,\"kind\":\"%s\",\"time\":", WATCH_ALERT_VERSION,
                  a->kind == WATCH_ALERT_GROWTH ? "growth" : "blocked");
    put_time(o, a->time);
    ls_buf_putc(o, ',');
    put_target(o, t);
    if (a->kind == WATCH_ALERT_GROWTH)
        put_growth(o, a);
    ls_buf_puts(o, ",\"message\":");
    put_cstr(o, a->text ? a->text : "");
    ls_buf_putc(o, '}');
}

static size_t discard(char *data, size_t size, size_t nmemb, void *ctx) {
    (void)data;
    (void)ctx;
    return size * nmemb;
}

int watch_webhook_post(const char *url, const char *body, size_t len, unsigned attempts, char *err, size_t errlen) {
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "%s: cannot start libcurl", url);
        return -1;
    }
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = CURLE_OK;
    unsigned delay_ms = 500;
    for (unsigned i = 0; i < (attempts ? attempts : 1); i++) {
        if (i) {
            usleep(delay_ms * 1000u);
            delay_ms *= 2;
        }
        curl_err[0] = '\0';
        rc = curl_easy_perform(c);
        if (rc == CURLE_OK)
            break;
    }
    if (rc != CURLE_OK)
        snprintf(err, errlen, "webhook %s: %s (gave up after %u attempts)", url,
                 curl_err[0] ? curl_err : curl_easy_strerror(rc), attempts ? attempts : 1);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return rc == CURLE_OK ? 0 : -1;
}

int watch_run_command(const char *cmd, const char *body, size_t len, char *err, size_t errlen) {
    int fds[2];
    if (pipe(fds)) {
        snprintf(err, errlen, "--on-alert: cannot make a pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "--on-alert: cannot start '%s': %s", cmd, strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fds[1], body + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    close(fds[1]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(err, errlen, "--on-alert: waiting for '%s': %s", cmd, strerror(errno));
            return -1;
        }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    snprintf(err, errlen, "--on-alert: '%s' was killed by signal %d", cmd, WTERMSIG(status));
    return -1;
}
