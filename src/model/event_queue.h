/* Recording events without slowing a page: requests append to an in-memory queue and return;
 * one writer thread hands the queue to event_apply (event.h) every KD_EVENT_FLUSH_MS, so a
 * crash loses at most that much and never leaves a half-written batch. With several nodes on
 * one database, each node writes its own events. */
#ifndef KD_EVENT_QUEUE_H
#define KD_EVENT_QUEUE_H

#include <stdint.h>

struct event;

/* Starts the writer, which opens its own connection to the database at db_path. Returns 0 or
 * -1 (logged). Until it is started, event_record drops nothing and keeps nothing: events
 * recorded by commands that do not serve are discarded. */
int event_queue_start(const char *db_path);
/* Writes what is queued and stops the writer (at shutdown). */
void event_queue_stop(void);
/* Queues one event; never waits for storage. When KD_EVENT_QUEUE_MAX are waiting the event is
 * dropped and counted. */
void event_record(const struct event *e);
/* Events dropped because the queue was full, since start. */
uint64_t event_queue_dropped(void);

#endif
