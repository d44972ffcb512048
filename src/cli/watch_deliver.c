/*
 * Alert delivery for `leakscope watch` on a thread of its own: running
 * --on-alert and POSTing to --webhook (with its retries) can take seconds,
 * and the scraping loop must not wait for them.  Alerts wait in a bounded
 * queue; when it is full an alert is dropped for these two outputs only (it
 * is already on stderr and in the history) and the drop is reported.
 */
#include "watch_deliver.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakscope/watch.h"

#define QUEUE_CAP 1024

struct watch_deliver {
    const char *command, *webhook;
    unsigned attempts;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t ready;
    char *queue[QUEUE_CAP]; /* JSON lines, newline included */
    size_t lens[QUEUE_CAP];
    size_t head, len;
    bool closing;
};

static void deliver_one(watch_deliver *d, const char *line, size_t len) {
    char err[1024];
    if (d->command) {
        int rc = watch_run_command(d->command, line, len, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "leakscope watch: %s\n", err);
        else if (rc != 0)
            fprintf(stderr, "leakscope watch: --on-alert '%s' exited with status %d\n", d->command, rc);
    }
    /* the webhook gets the JSON without the newline */
    if (d->webhook && watch_webhook_post(d->webhook, line, len - 1, d->attempts, err, sizeof err))
        fprintf(stderr, "leakscope watch: %s\n", err);
}

static void *run(void *arg) {
    watch_deliver *d = arg;
    pthread_mutex_lock(&d->lock);
    for (;;) {
        while (d->len == 0 && !d->closing)
            pthread_cond_wait(&d->ready, &d->lock);
        if (d->len == 0)
            break; /* closing and nothing left */
        char *line = d->queue[d->head];
        size_t len = d->lens[d->head];
        d->head = (d->head + 1) % QUEUE_CAP;
        d->len--;
        pthread_mutex_unlock(&d->lock);
        deliver_one(d, line, len);
        free(line);
        pthread_mutex_lock(&d->lock);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

watch_deliver *watch_deliver_start(const char *command, const char *webhook, unsigned webhook_attempts) {
    if (!command && !webhook)
        return NULL;
    watch_deliver *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->command = command;
    d->webhook = webhook;
    d->attempts = webhook_attempts;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->ready, NULL);
    if (pthread_create(&d->thread, NULL, run, d) != 0) {
        fprintf(stderr, "leakscope watch: cannot start the alert delivery thread\n");
        abort();
    }
    return d;
}

void watch_deliver_push(watch_deliver *d, const char *json, size_t len) {
    if (!d)
        return;
    char *line = malloc(len + 1);
    if (!line)
        abort();
    memcpy(line, json, len);
    line[len] = '\n'; /* a JSON line, so that `cat >> alerts.jsonl` works */
    pthread_mutex_lock(&d->lock);
    bool full = d->len == QUEUE_CAP;
    if (!full) {
        size_t tail = (d->head + d->len) % QUEUE_CAP;
        d->queue[tail] = line;
        d->lens[tail] = len + 1;
        d->len++;
        pthread_cond_signal(&d->ready);
    }
    pthread_mutex_unlock(&d->lock);
    if (full) {
        free(line);
        fprintf(stderr, "leakscope watch: %d alerts are waiting for --on-alert/--webhook; this one is dropped "
                        "there (it is on stderr and in the history)\n", QUEUE_CAP);
    }
}

void watch_deliver_finish(watch_deliver *d) {
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->closing = true;
    pthread_cond_signal(&d->ready);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->ready);
    free(d);
}
