/* Recording events without slowing a page: requests append to an in-memory queue and return;
 * one writer thread hands the queue to event_apply (event.h) every KD_EVENT_FLUSH_MS, so a
 * crash loses at most that much and never leaves a half-written batch. With several nodes on
 * one database, each node writes its own events. */
#ifndef KD_EVENT_QUEUE_H
#define KD_EVENT_QUEUE_H

#include <stdint.h>

struct event;

/* Starts the writer, which opens its own connection to db_path (what db_open_url opens: the
 * server's SQLite file or postgresql:// URL, migrated already). Returns 0 or -1 (logged). Until it is started, event_record keeps nothing and
 * counts nothing: events recorded by commands that do not serve are discarded. Every
 * KD_EVENT_FLUSH_MS the writer hands what is queued to event_apply; a batch that fails is
 * retried once the next period and then dropped with a log line. Hourly, and at the first
 * period of each day, it runs event_expire and deletes the salts of past days
 * (model/recording.h). */
int event_queue_start(const char *db_path);
/* Writes what is queued and stops the writer (at shutdown, after the server stopped). */
void event_queue_stop(void);
/* Days guests' raw events are kept (KINDRED_GUEST_EVENT_DAYS); call before starting.
 * days <= 0 keeps the default, KD_GUEST_EVENT_DAYS. */
void event_queue_set_guest_days(int days);
/* Queues one event; never waits for storage. When KD_EVENT_QUEUE_MAX are waiting the event is
 * dropped and counted. */
void event_record(const struct event *e);
/* Events dropped because the queue was full, since start. */
uint64_t event_queue_dropped(void);

#endif
