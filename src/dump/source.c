/*
 * dump_read_source: a file, "-" (stdin) or an http:// URL pushed through a
 * parser in fixed blocks, so memory does not depend on the input's size.
 * URLs go through libcurl, whose write callback feeds the parser directly.
 */
#define _GNU_SOURCE /* memmem, memrchr */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump_internal.h"

#define BLOCK_SIZE (1u << 20)

static char *message(const char *source, const char *what, const char *detail) {
    ls_buf b = {0};
    ls_buf_printf(&b, "%s: %s%s%s", source, what, detail ? ": " : "", detail ? detail : "");
    ls_buf_putc(&b, '\0');
    return b.data;
}

static char *parser_message(dump_parser *p) {
    const char *e = dump_parser_error(p);
    return strdup(e ? e : "input error");
}

static int read_fd(int fd, const char *source, dump_parser *p, char **err) {
    char *block = malloc(BLOCK_SIZE);
    if (!block) {
        *err = message(source, "out of memory", NULL);
        return -1;
    }
    int rc = 0;
    for (;;) {
        ssize_t got = read(fd, block, BLOCK_SIZE);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *err = message(source, "read error", strerror(errno));
            rc = -1;
            break;
        }
        if (got == 0)
            break;
        if (dump_parser_feed(p, block, (size_t)got)) {
            *err = parser_message(p);
            rc = -1;
            break;
        }
    }
    free(block);
    return rc;
}

typedef struct http_ctx {
    dump_parser *p;
    bool parse_failed;
} http_ctx;

static size_t http_body(char *data, size_t size, size_t nmemb, void *ctx) {
    http_ctx *h = ctx;
    size_t n = size * nmemb;
    if (dump_parser_feed(h->p, data, n)) {
        h->parse_failed = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    return n;
}

static int read_http(const char *url, dump_parser *p, char **err) {
    static bool curl_ready;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        *err = message(url, "cannot start libcurl", NULL);
        return -1;
    }
    http_ctx h = {p, false};
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &h);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (h.parse_failed) {
        *err = parser_message(p);
        return -1;
    }
    if (rc != CURLE_OK) {
        *err = message(url, "HTTP request failed", curl_err[0] ? curl_err : curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

int dump_read_source(const char *source, dump_format format, dump_sink_fn sink, void *sink_ctx,
                     dump_stats *stats, char **err) {
    /* stats->preamble must outlive the parser: it points here */
    static _Thread_local char preamble[512];
    *err = NULL;
    bool is_stdin = strcmp(source, "-") == 0;
    bool is_http = strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0;
    dump_parser *p = dump_parser_new(format, is_stdin ? "<stdin>" : source, sink, sink_ctx);
    if (!p) {
        *err = message(source, "out of memory", NULL);
        return -1;
    }
    int rc;
    if (is_http) {
        rc = read_http(source, p, err);
    } else {
        int fd = is_stdin ? 0 : open(source, O_RDONLY);
        if (fd < 0) {
            *err = message(source, "cannot open", strerror(errno));
            dump_parser_free(p);
            return -1;
        }
        rc = read_fd(fd, is_stdin ? "<stdin>" : source, p, err);
        if (!is_stdin)
            close(fd);
    }
    if (rc == 0 && dump_parser_finish(p)) {
        *err = parser_message(p);
        rc = -1;
    }
    if (stats) {
        *stats = *dump_parser_stats(p);
        size_t n = stats->preamble.len < sizeof preamble ? stats->preamble.len : sizeof preamble - 1;
        memcpy(preamble, stats->preamble.ptr ? stats->preamble.ptr : "", n);
        preamble[n] = '\0';
        stats->preamble = ls_str_make(preamble, n);
    }
    dump_parser_free(p);
    return rc;
}
