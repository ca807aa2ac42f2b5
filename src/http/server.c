/* libmicrohttpd glue: the three-phase handler (set up state, take the body, respond), the
 * response with security headers, the access log, and the per-request arena's lifetime. */
#include "http/server.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "http/acceptor.h"
#include "http/conn_guard.h"
#include "http/request.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct http_server {
        struct MHD_Daemon *daemon;
        struct acceptor *acceptor;
        struct http_server_options opts;
        uint16_t port;
};

/* Sent on every response. No inline script or style anywhere: the pages load /static files. */
static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
                          "data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
                          "base-uri 'none'; frame-ancestors 'none'";

static void client_address(struct MHD_Connection *conn, char *out, size_t size)
{
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        snprintf(out, size, "unknown");
        if (!ci || !ci->client_addr)
                return;
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                          (socklen_t)size);
        else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                          (socklen_t)size);
}

/* Replaces out with the last address in an X-Forwarded-For header when it is a valid IPv4 or
 * IPv6 address; otherwise out (the socket's peer) stays. */
static void forwarded_address(struct MHD_Connection *conn, char *out, size_t size)
{
        const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
        if (!h)
                return;
        const char *last = strrchr(h, ',');
        last = last ? last + 1 : h;
        while (*last == ' ' || *last == '\t')
                last++;
        char candidate[INET6_ADDRSTRLEN];
        size_t n = strcspn(last, " \t");
        if (n == 0 || n >= sizeof(candidate))
                return;
        memcpy(candidate, last, n);
        candidate[n] = '\0';
        unsigned char bin[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET, candidate, bin) == 1 || inet_pton(AF_INET6, candidate, bin) == 1)
                snprintf(out, size, "%s", candidate);
}

static void add_security_headers(struct MHD_Response *r)
{
        MHD_add_response_header(r, "Content-Security-Policy", CSP);
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(r, "Referrer-Policy", "strict-origin-when-cross-origin");
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
        MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
        MHD_add_response_header(r, "Permissions-Policy",
                                "camera=(), microphone=(), geolocation=(), interest-cohort=()");
}

static enum MHD_Result send_response(struct request *req)
{
        struct response *rs = &req->resp;
        if (rs->status == 0)
                rs->status = 500;
        size_t len = 0;
        char *body = buf_detach(&rs->body, &len);
        struct MHD_Response *r =
            MHD_create_response_from_buffer_with_free_callback(len, body, free);
        if (!r) {
                free(body);
                return MHD_NO;
        }
        add_security_headers(r);
        if (rs->content_type)
                MHD_add_response_header(r, "Content-Type", rs->content_type);
        for (int i = 0; i < rs->nheaders; i++)
                MHD_add_response_header(r, rs->header_names[i], rs->header_values[i]);
        enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)rs->status, r);
        MHD_destroy_response(r);
        /* The body's length is what the access log reports. */
        req->resp.body.len = len;
        return ok;
}

/* Answers a request the server refuses before the dispatcher sees it (too large, bad path). */
static enum MHD_Result refuse(struct http_server *s, struct request *req, int status,
                              const char *message)
{
        buf_reset(&req->resp.body);
        if (s->opts.render_error) {
                req_fail(req, status, message);
                s->opts.render_error(s->opts.ctx, req);
                return send_response(req);
        }
        buf_printf(&req->resp.body,
                   "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>%d</title>"
                   "<h1>%d</h1><p>%s</p></html>\n",
                   status, status, message);
        req->resp.status = status;
        req->resp.content_type = "text/html; charset=utf-8";
        const char *accept = req_header(req, "Accept");
        if ((accept && strstr(accept, "application/json")) || strncmp(req->path, "/api/", 5) == 0) {
                buf_reset(&req->resp.body);
                buf_printf(&req->resp.body, "{\"error\":{\"status\":%d,\"message\":\"%s\"}}\n",
                           status, message); /* message is one of our fixed literals */
                req->resp.content_type = "application/json";
        }
        return send_response(req);
}

static struct request *request_new(struct http_server *s, struct MHD_Connection *conn,
                                   const char *url, const char *method)
{
        struct arena *a = arena_new();
        struct request *req = arena_zalloc(a, sizeof(*req));
        req->arena = a;
        req->conn = conn;
        req->app = s->opts.ctx;
        req->start_us = time_mono_us();
        req->method_name = arena_strdup(a, method);
        req->method = http_method_parse(method);
        req->path = arena_strdup(a, url);
        req->body_limit = s->opts.body_limit;
        if (s->opts.body_limit_for) {
                size_t limit = s->opts.body_limit_for(s->opts.ctx, req);
                if (limit)
                        req->body_limit = limit;
        }
        req->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        client_address(conn, req->client_ip, sizeof(req->client_ip));
        if (s->opts.trust_forwarded_for)
                forwarded_address(conn, req->client_ip, sizeof(req->client_ip));
        return req;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
        (void)version;
        struct http_server *s = cls;
        struct request *req = *con_cls;

        /* Phase 1: set up state only. Answering now would make libmicrohttpd close the
         * connection (DESIGN.md's measured pitfall), so ordinary requests answer later. */
        if (!req) {
                req = request_new(s, conn, url, method);
                *con_cls = req;
                const char *cl =
                    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
                const union MHD_ConnectionInfo *ci =
                    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
                req->conn_slot = ci ? ci->socket_context : NULL;
                conn_guard_request_begun(req->conn_slot);
                unsigned long long declared = 0;
                if (cl) {
                        char *end;
                        errno = 0;
                        declared = strtoull(cl, &end, 10);
                        if (errno || *end || declared > req->body_limit) {
                                /* Declared too large: answer before the body is sent. */
                                req->body_too_large = true;
                                return refuse(s, req, 413, "The request body is too large.");
                        }
                }
                /* A body is coming: settle who may send it before reading a byte of it. An
                 * answer now also closes the connection, which is what a refused upload
                 * deserves. */
                bool body_follows =
                    declared > 0 ||
                    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding") != NULL;
                if (body_follows && s->opts.admit && !s->opts.admit(s->opts.ctx, req)) {
                        req->body_too_large = true; /* answered: drop whatever arrives */
                        return send_response(req);
                }
                return MHD_YES;
        }

        /* Phase 2: collect the body, bounded. libmicrohttpd cannot answer in the middle of an
         * upload, so a chunked body that grows too large is read and thrown away, then refused;
         * past KD_MAX_DISCARD_BYTES the connection is dropped. */
        if (*upload_data_size) {
                if (!req->body_too_large && req->body.len + *upload_data_size > req->body_limit) {
                        req->body_too_large = true;
                        req->discarded = req->body.len;
                        buf_free(&req->body);
                }
                if (req->body_too_large) {
                        req->discarded += *upload_data_size;
                        if (req->discarded > KD_MAX_DISCARD_BYTES)
                                return MHD_NO;
                } else {
                        buf_append(&req->body, upload_data, *upload_data_size);
                }
                *upload_data_size = 0;
                return MHD_YES;
        }
        if (req->body_too_large && req->resp.status)
                return MHD_YES; /* answered in phase 1 */
        if (req->body_too_large)
                return refuse(s, req, 413, "The request body is too large.");

        /* Phase 3: respond. */
        if (strlen(req->path) > KD_MAX_URI_BYTES)
                return refuse(s, req, 414, "The address is too long.");
        if (!utf8_valid(req->path, strlen(req->path)) ||
            utf8_has_controls(req->path, strlen(req->path)))
                return refuse(s, req, 400, "The address is not valid UTF-8.");
        if (!req->method)
                return refuse(s, req, 501, "This method is not supported.");
        s->opts.dispatch(s->opts.ctx, req);
        return send_response(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        (void)conn;
        (void)toe;
        struct http_server *s = cls;
        struct request *req = *con_cls;
        if (!req)
                return;
        if (req->resp.status && log_access_enabled()) {
                uint64_t us = time_mono_us() - req->start_us;
                log_info("access %s %s %s %d %zuB %lluus%s", req->client_ip, req->method_name,
                         req->path, req->resp.status, req->resp.body.len, (unsigned long long)us,
                         toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
        }
        if (s->opts.finish)
                s->opts.finish(s->opts.ctx, req);
        conn_guard_request_ended(req->conn_slot);
        buf_free(&req->body);
        buf_free(&req->resp.body);
        arena_free(req->arena);
        *con_cls = NULL;
}

/* libmicrohttpd's own messages, through our log, at most a few a second: under a flood of cut
 * connections it would otherwise write one line for each. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
        (void)cls;
        static _Atomic int64_t second;
        static atomic_uint in_second, dropped;
        int64_t now = time_now();
        if (atomic_exchange(&second, now) != now) {
                unsigned n = atomic_exchange(&dropped, 0);
                atomic_store(&in_second, 0);
                if (n)
                        log_warn("libmicrohttpd: %u more messages not shown", n);
        }
        if (atomic_fetch_add(&in_second, 1) >= 5) {
                atomic_fetch_add(&dropped, 1);
                return;
        }
        char line[512];
        vsnprintf(line, sizeof(line), fmt, ap);
        line[strcspn(line, "\n")] = '\0';
        log_warn("libmicrohttpd: %s", line);
}

/* libmicrohttpd's connection notifications go to the connection guard. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
        (void)cls;
        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
                const union MHD_ConnectionInfo *ci =
                    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
                *socket_context = ci ? conn_guard_opened(ci->connect_fd) : NULL;
        } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
                conn_guard_closed(*socket_context);
                *socket_context = NULL;
        }
}

/* Parses "host:port" or "[v6]:port" into a socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
        char host[128];
        const char *colon;
        memset(ss, 0, sizeof(*ss));
        if (spec[0] == '[') {
                const char *close = strchr(spec, ']');
                if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof(host))
                        return -1;
                memcpy(host, spec + 1, (size_t)(close - spec - 1));
                host[close - spec - 1] = '\0';
                colon = close + 1;
        } else {
                colon = strrchr(spec, ':');
                if (!colon || (size_t)(colon - spec) >= sizeof(host))
                        return -1;
                memcpy(host, spec, (size_t)(colon - spec));
                host[colon - spec] = '\0';
        }
        char *end;
        errno = 0;
        long port = strtol(colon + 1, &end, 10);
        if (errno || *end || colon[1] == '\0' || port < 0 || port > 65535)
                return -1;
        struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
        if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
                v4->sin_family = AF_INET;
                v4->sin_port = htons((uint16_t)port);
                *len = sizeof(*v4);
                return 0;
        }
        if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
                v6->sin6_family = AF_INET6;
                v6->sin6_port = htons((uint16_t)port);
                *len = sizeof(*v6);
                return 0;
        }
        return -1;
}

struct http_server *http_server_start(const struct http_server_options *opts)
{
        struct sockaddr_storage ss;
        socklen_t sslen;
        if (parse_listen(opts->listen, &ss, &sslen) < 0) {
                log_error("server: cannot understand listen address \"%s\" (want host:port)",
                          opts->listen);
                return NULL;
        }
        struct http_server *s = xcalloc(1, sizeof(*s));
        s->opts = *opts;
        unsigned threads = opts->threads;
        if (threads == 0) {
                long n = sysconf(_SC_NPROCESSORS_ONLN);
                threads = n > 0 ? (unsigned)n : 2;
        }
        struct conn_guard_limits limits = {
            .max_connections = opts->max_connections ? opts->max_connections : KD_MAX_CONNECTIONS,
            .head_deadline_s = KD_HEAD_DEADLINE_S,
            .body_deadline_s = KD_BODY_DEADLINE_S,
            .upload_deadline_s = KD_UPLOAD_DEADLINE_S,
            .fair_share_by_address = !opts->trust_forwarded_for,
        };
        unsigned ceiling = conn_guard_start(&limits);
        if (!ceiling) {
                log_error("server: cannot start the connection guard");
                free(s);
                return NULL;
        }
        /* Behind a trusted proxy every connection comes from the proxy's address: the proxy
         * limits connections per client (limit_conn), and a per-address limit here would
         * starve everyone behind it. */
        unsigned per_ip = opts->trust_forwarded_for ? 0 : (unsigned)KD_PER_IP_CONNECTIONS;
        int fd = acceptor_listen((struct sockaddr *)&ss, sslen);
        if (fd < 0) {
                conn_guard_stop();
                log_error("server: cannot listen on %s: %s", opts->listen, strerror(errno));
                free(s);
                return NULL;
        }
        /* Connections come from the acceptor (http/acceptor.h); the inter-thread channel wakes
         * the worker each is handed to. The ceiling is kept by the acceptor (conn_guard_admit),
         * not by libmicrohttpd: it divides its limit among the workers, and the acceptor's
         * round may give one worker more than its part. A worker refusing a connection handed
         * to it is also a path to avoid: with libmicrohttpd 0.9.75 it left both workers waiting
         * on a lock for good (test_slow_clients). So each worker's limit is the whole ceiling. */
        unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC |
                         MHD_USE_ERROR_LOG;
        if (ss.ss_family == AF_INET6)
                flags |= MHD_USE_IPv6;
        s->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, s,
            /* the logger first, so that libmicrohttpd's messages about later options use it */
            MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)KD_CONNECTION_TIMEOUT_S,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, MHD_OPTION_CONNECTION_LIMIT,
            ceiling * threads, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)KD_CONNECTION_MEMORY,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
            on_connection, s, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
        if (!s->daemon) {
                close(fd);
                conn_guard_stop();
                log_error("server: cannot start serving on %s", opts->listen);
                free(s);
                return NULL;
        }
        s->port = acceptor_port(fd);
        s->acceptor = acceptor_start(fd, s->daemon);
        if (!s->acceptor) {
                MHD_stop_daemon(s->daemon);
                conn_guard_stop();
                free(s);
                return NULL;
        }
        return s;
}

uint16_t http_server_port(const struct http_server *s)
{
        return s->port;
}

void http_server_stop(struct http_server *s)
{
        if (!s)
                return;
        acceptor_stop(s->acceptor); /* no new connections while the daemon finishes */
        MHD_stop_daemon(s->daemon);
        conn_guard_stop();
        free(s);
}
