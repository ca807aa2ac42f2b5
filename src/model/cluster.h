/* Several Kindred nodes on one database (docs/operations.md, "Several nodes").
 *
 * Change notices. A node keeps pages for guests in memory (http/page_cache.h); when another
 * node changes the site, those pages are stale. A node that served a write calls
 * cluster_changed(); its listener thread sends one PostgreSQL NOTIFY for every write of the last
 * CLUSTER_NOTICE_MS and hears the other nodes' notices, calling on_change for each, so guests of
 * every node see a write within about 0.1 s. On SQLite there is one node per data folder
 * (main.c locks it) and no listener runs.
 *
 * Leases. A periodic job that must not run on two nodes at once (publishing due episodes,
 * purging sessions, expiring guests' events) runs only while its node holds the job's lease in
 * the table job_lease; a node that stops holding it (stopped, crashed, cut off) loses it when it
 * expires and another node takes it. Background work added later (mail, federation) claims its
 * jobs the same way: by a conditional write that one node wins. */
#ifndef KD_CLUSTER_H
#define KD_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

struct db;

enum {
        CLUSTER_NOTICE_MS = 50, /* a node's writes are announced at most this often */
        CLUSTER_NODE_MAX = 64,  /* bytes of a node's name, with its NUL */
        CLUSTER_RETRY_S = 1,    /* a lost listening connection is opened again after this */
};

/* This node's name in leases, notices and logs: name when given (KINDRED_NODE), else
 * "host:process id". Call before cluster_start. */
void cluster_set_node(const char *name);
const char *cluster_node(void);

/* Starts the listener for target (what db_open_url opens). Does nothing and returns 0 for a
 * SQLite file. on_change(ctx) is called from the listener thread when another node announced
 * a change, and whenever the listening connection was (re)opened, since notices may have been
 * missed meanwhile. Returns 0, or -1 when the first connection cannot be opened (logged). */
int cluster_start(const char *target, void (*on_change)(void *ctx), void *ctx);
/* Sends what is pending and stops the listener. */
void cluster_stop(void);
/* Marks that this node changed the site: announced within CLUSTER_NOTICE_MS. Never waits. */
void cluster_changed(void);
/* True while a listener runs (several nodes are possible). */
bool cluster_listening(void);
/* False while the listener has lost its connection: other nodes' writes may go unheard, so
 * the node must not serve guests kept pages (it builds each one). True on SQLite. */
bool cluster_in_step(void);

/* Takes or renews the lease of job for this node until now + ttl_s: true when this node holds it
 * now (it was free, expired, or already this node's). Returns false on a database error. */
bool cluster_lease(struct db *db, const char *job, int64_t now, int ttl_s);
/* Gives the lease back (at shutdown), so another node need not wait for it to expire. */
void cluster_lease_release(struct db *db, const char *job);

#endif
