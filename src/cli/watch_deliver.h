/* Alert delivery for `leakscope watch`: --on-alert and --webhook, off the scraping thread. */
#ifndef LS_CLI_WATCH_DELIVER_H
#define LS_CLI_WATCH_DELIVER_H

#include <stddef.h>

typedef struct watch_deliver watch_deliver;

/* command and webhook may be NULL; returns NULL when both are. */
watch_deliver *watch_deliver_start(const char *command, const char *webhook, unsigned webhook_attempts);
/* Queues a copy of the alert; never blocks (a full queue drops it, saying so). */
void watch_deliver_push(watch_deliver *d, const char *json, size_t len);
/* Delivers what is queued, then stops the thread. */
void watch_deliver_finish(watch_deliver *d);

#endif
