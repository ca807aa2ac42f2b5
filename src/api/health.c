/* /healthz for load balancers and /api/v1/me for scripts and the browser's own JS. */
#include "api/health.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/request.h"
#include "model/cluster.h"
#include "model/mail_outbox.h"
#include "web/render.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

/* A real write, committed: the only proof that the disk takes writes (a full disk or a
 * read-only file system fails here while reads still work). Done at most once a second per
 * process, so polling /healthz cannot turn into a stream of fsyncs. */
static pthread_mutex_t write_check_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t write_checked_us;
static char write_problem[160]; /* "" when the last write worked */

static void check_writes(struct db *db, char *problem, size_t size)
{
        pthread_mutex_lock(&write_check_lock);
        uint64_t now = time_mono_us();
        if (write_checked_us == 0 || now - write_checked_us >= 1000000) {
                write_problem[0] = '\0';
                struct db_stmt *s = db_prepare(db, "INSERT INTO health_check(id, checked_at) "
                                                   "VALUES (1, ?1) ON CONFLICT(id) DO UPDATE "
                                                   "SET checked_at = excluded.checked_at");
                int rc = DB_ERROR;
                if (s) {
                        db_bind_int(s, 1, time_now());
                        rc = db_step(s);
                        db_finish(s);
                }
                if (rc != DB_DONE)
                        snprintf(write_problem, sizeof(write_problem), "%s", db_errmsg(db));
                write_checked_us = now;
        }
        snprintf(problem, size, "%s", write_problem);
        pthread_mutex_unlock(&write_check_lock);
}

int api_healthz(struct request *req)
{
        /* Never from the guest page cache, nor any other: the answer is about this moment. */
        resp_header(req, "Cache-Control", "no-store");
        int version = db_schema_version(req->db);
        if (version < 0)
                return req_fail(req, 503, N_("The database does not answer."));
        if (version > db_schema_latest()) {
                /* A sentence around two numbers, translated here: the error renderer looks up
                 * whole stored messages only, and leaves an already translated one as it is. */
                struct render *r = render_for_request(req);
                return req_fail(req, 503,
                                arena_printf(req->arena,
                                             _("The database schema (version %1$d) is newer than "
                                               "this Kindred knows (version %2$d): upgrade "
                                               "Kindred on this node."),
                                             version, db_schema_latest()));
        }
        if (version < db_schema_latest())
                return req_fail(req, 503,
                                N_("The database schema is not up to date; run "
                                   "kindred migrate."));
        char problem[160];
        check_writes(req->db, problem, sizeof(problem));
        json_int_t free_bytes = -1;
        struct statvfs vfs;
        if (statvfs(req->config->data_dir, &vfs) == 0)
                free_bytes = (json_int_t)vfs.f_bavail * (json_int_t)vfs.f_frsize;
        bool low_disk = free_bytes >= 0 && free_bytes < KD_HEALTH_MIN_FREE_BYTES;
        bool ok = !problem[0] && !low_disk;
        json_t *body = json_pack("{s:s,s:i,s:s,s:s,s:I}", "status", ok ? "ok" : "failing", "schema",
                                 version, "reads", "ok", "writes", problem[0] ? "failing" : "ok",
                                 "disk_free_bytes", free_bytes);
        if (problem[0])
                json_object_set_new(body, "write_error", json_string(problem));
        if (low_disk)
                json_object_set_new(body, "disk", json_string("nearly full"));
        /* several nodes: which one answered, and whether it hears the others' writes */
        json_object_set_new(body, "node", json_string(cluster_node()));
        if (cluster_listening())
                json_object_set_new(body, "notices",
                                    json_string(cluster_in_step() ? "listening" : "reconnecting"));
        /* Mail never fails a node (a dead SMTP server is no reason to stop serving pages), but
         * monitoring sees whether this node sends and how long the oldest message has waited. */
        json_object_set_new(body, "mail",
                            json_string(mail_outbox_sending() ? "sending" : "not configured"));
        int64_t oldest = mail_outbox_oldest_queued(req->db);
        if (oldest > 0)
                json_object_set_new(body, "mail_oldest_queued_s",
                                    json_integer((json_int_t)(time_now() - oldest)));
        return api_json(req, ok ? 200 : 503, body);
}

int api_me(struct request *req)
{
        if (!req_signed_in(req))
                return api_json(
                    req, 200, json_pack("{s:b,s:s}", "signed_in", 0, "csrf_token", req_csrf(req)));
        return api_json(req, 200,
                        json_pack("{s:b,s:I,s:s,s:s,s:s,s:s}", "signed_in", 1, "id",
                                  (json_int_t)req->viewer.id, "handle", req->viewer.handle,
                                  "display_name", req->viewer.display_name, "role",
                                  role_name(req->viewer.role), "csrf_token", req_csrf(req)));
}
