/* Change notices between nodes (PostgreSQL LISTEN/NOTIFY) and job leases; see cluster.h. */
#include "model/cluster.h"
#include "core/log.h"
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One channel for the whole site: a notice says "something changed"; its payload is the node
 * that sent it, so a node does not drop its pages for its own notice. */
#define CHANNEL "kindred_change"

static char node[CLUSTER_NODE_MAX];

static struct {
        pthread_t thread;
        bool running;
        atomic_bool stopping;
        atomic_bool pending; /* this node wrote since its last notice */
        atomic_bool hearing; /* the listening connection is up */
        char *target;
        void (*on_change)(void *ctx);
        void *ctx;
} listener;

void cluster_set_node(const char *name)
{
        if (name && *name) {
                snprintf(node, sizeof(node), "%s", name);
                return;
        }
        char host[48] = "";
        if (gethostname(host, sizeof(host) - 1) != 0 || !*host)
                snprintf(host, sizeof(host), "node");
        snprintf(node, sizeof(node), "%s:%ld", host, (long)getpid());
}

const char *cluster_node(void)
{
        if (!*node)
                cluster_set_node(NULL);
        return node;
}

static void pause_ms(int ms)
{
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
}

/* Opens the listening connection; NULL when it cannot (logged). */
static struct db *listen_open(void)
{
        struct db *db = NULL;
        if (db_open_url(listener.target, &db) != DB_OK)
                return NULL;
        if (db_exec_script(db, "LISTEN " CHANNEL) != DB_OK) {
                db_close(db);
                return NULL;
        }
        return db;
}

static bool notify(struct db *db)
{
        struct db_stmt *st = db_prepare(db, "SELECT pg_notify('" CHANNEL "', ?1)");
        if (!st)
                return false;
        db_bind_text(st, 1, cluster_node());
        bool ok = db_step(st) == DB_ROW;
        db_finish(st);
        return ok;
}

static void *listener_main(void *arg)
{
        struct db *db = arg;
        char payload[CLUSTER_NODE_MAX];
        while (!atomic_load(&listener.stopping)) {
                if (!db) {
                        pause_ms(CLUSTER_RETRY_S * 1000);
                        if (!(db = listen_open()))
                                continue;
                        atomic_store(&listener.hearing, true);
                        log_info("cluster: listening again");
                        listener.on_change(listener.ctx); /* notices may have been missed */
                }
                /* every notice waiting now, then at most one call: a burst of writes on other
                 * nodes drops the pages once */
                bool heard = false;
                int rc = db_wait_notice(db, CLUSTER_NOTICE_MS, payload, sizeof(payload));
                while (rc == DB_ROW) {
                        if (strcmp(payload, cluster_node()) != 0)
                                heard = true;
                        rc = db_wait_notice(db, 0, payload, sizeof(payload));
                }
                if (heard)
                        listener.on_change(listener.ctx);
                if (rc == DB_ERROR) {
                        atomic_store(&listener.hearing, false);
                        db_close(db);
                        db = NULL;
                        continue;
                }
                if (atomic_exchange(&listener.pending, false) && !notify(db)) {
                        atomic_store(&listener.pending, true); /* sent after reconnecting */
                        atomic_store(&listener.hearing, false);
                        db_close(db);
                        db = NULL;
                }
        }
        if (db && atomic_exchange(&listener.pending, false))
                notify(db);
        db_close(db);
        return NULL;
}

int cluster_start(const char *target, void (*on_change)(void *ctx), void *ctx)
{
        if (listener.running || !db_target_is_postgresql(target))
                return 0;
        listener.target = strdup(target);
        listener.on_change = on_change;
        listener.ctx = ctx;
        atomic_store(&listener.stopping, false);
        atomic_store(&listener.pending, false);
        struct db *db = listen_open();
        if (!db || pthread_create(&listener.thread, NULL, listener_main, db) != 0) {
                log_error("cluster: cannot listen for other nodes' changes");
                db_close(db);
                free(listener.target);
                listener.target = NULL;
                return -1;
        }
        listener.running = true;
        atomic_store(&listener.hearing, true);
        log_info("cluster: node %s listening for other nodes' changes", cluster_node());
        return 0;
}

void cluster_stop(void)
{
        if (!listener.running)
                return;
        atomic_store(&listener.stopping, true);
        pthread_join(listener.thread, NULL);
        listener.running = false;
        free(listener.target);
        listener.target = NULL;
}

void cluster_changed(void)
{
        if (listener.running)
                atomic_store(&listener.pending, true);
}

bool cluster_listening(void)
{
        return listener.running;
}

bool cluster_in_step(void)
{
        return !listener.running || atomic_load(&listener.hearing);
}

bool cluster_lease(struct db *db, const char *job, int64_t now, int ttl_s)
{
        /* the row is written only when the lease is free, expired or ours: a node racing
         * another waits for its row lock and then finds it taken */
        struct db_stmt *st = db_prepare(
            db, "INSERT INTO job_lease (name, holder, until) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until "
                "WHERE job_lease.until <= ?4 OR job_lease.holder = excluded.holder");
        if (!st)
                return false;
        db_bind_text(st, 1, job);
        db_bind_text(st, 2, cluster_node());
        db_bind_int(st, 3, now + ttl_s);
        db_bind_int(st, 4, now);
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE && db_changes(db) == 1;
}

void cluster_lease_release(struct db *db, const char *job)
{
        struct db_stmt *st =
            db_prepare(db, "DELETE FROM job_lease WHERE name = ?1 AND holder = ?2");
        if (!st)
                return;
        db_bind_text(st, 1, job);
        db_bind_text(st, 2, cluster_node());
        db_step(st);
        db_finish(st);
}
