/*
 * The HTTP side of `watch --listen`: libmicrohttpd on its own thread serves
 * /metrics, /api/targets and the page at /.
 *
 * The loop renders the documents and publishes copies here; a request only
 * copies the current document under a mutex.  So the server thread never
 * touches the loop's targets, and a slow client never slows scraping.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch_internal.h"

struct watch_http {
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock;
    ls_buf metrics, json;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, const char *body,
                             size_t len) {
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_copy(watch_http *h, struct MHD_Connection *c, const ls_buf *doc, const char *type) {
    pthread_mutex_lock(&h->lock);
    enum MHD_Result ok = reply(c, MHD_HTTP_OK, type, doc->data ? doc->data : "", doc->len);
    pthread_mutex_unlock(&h->lock);
    return ok;
}

static enum MHD_Result on_request(void *ctx, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state) {
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)state;
    watch_http *h = ctx;
    static const char not_allowed[] = "only GET\n", not_found[] = "not found: try /metrics, /api/targets or /\n";
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed, sizeof not_allowed - 1);
    if (strcmp(url, "/metrics") == 0)
        return reply_copy(h, c, &h->metrics, "text/plain; version=0.0.4; charset=utf-8");
    if (strcmp(url, "/api/targets") == 0)
        return reply_copy(h, c, &h->json, "application/json");
    if (strcmp(url, "/") == 0)
        return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", watch_page_html, strlen(watch_page_html));
    return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found, sizeof not_found - 1);
}

static int parse_addr(const char *addr, struct sockaddr_in *sa) {
    const char *colon = strrchr(addr, ':');
    if (!colon)
        return -1;
    char host[64];
    size_t n = (size_t)(colon - addr);
    if (n >= sizeof host)
        return -1;
    memcpy(host, addr, n);
    host[n] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (n == 0 || strcmp(host, "0.0.0.0") == 0)
        sa->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (strcmp(host, "localhost") == 0)
        sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return -1;
    return 0;
}

watch_http *watch_http_start(const char *addr, char **url, char *err, size_t errlen) {
    struct sockaddr_in sa;
    if (parse_addr(addr, &sa)) {
        snprintf(err, errlen, "--listen %s: want HOST:PORT or :PORT with an IPv4 address (127.0.0.1:9464)", addr);
        return NULL;
    }
    watch_http *h = calloc(1, sizeof *h);
    if (!h)
        abort();
    pthread_mutex_init(&h->lock, NULL);
    h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, h,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_END);
    if (!h->daemon) {
        snprintf(err, errlen, "--listen %s: cannot listen there (in use, or not an address of this host)", addr);
        pthread_mutex_destroy(&h->lock);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET_ADDRSTRLEN] = "127.0.0.1";
    if (sa.sin_addr.s_addr != htonl(INADDR_ANY))
        inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    ls_buf u = {0};
    ls_buf_printf(&u, "http://%s:%u", host, info ? (unsigned)info->port : (unsigned)ntohs(sa.sin_port));
    ls_buf_putc(&u, '\0');
    *url = u.data;
    return h;
}

static void replace(ls_buf *dst, const ls_buf *src) {
    dst->len = 0;
    ls_buf_append(dst, src->data ? src->data : "", src->len);
}

void watch_http_publish(watch_http *h, const ls_buf *metrics, const ls_buf *json) {
    pthread_mutex_lock(&h->lock);
    replace(&h->metrics, metrics);
    replace(&h->json, json);
    pthread_mutex_unlock(&h->lock);
}

void watch_http_stop(watch_http *h) {
    if (!h)
        return;
    MHD_stop_daemon(h->daemon);
    pthread_mutex_destroy(&h->lock);
    ls_buf_free(&h->metrics);
    ls_buf_free(&h->json);
    free(h);
}
