/* The HTTP server: libmicrohttpd with epoll and a thread pool, driving a dispatcher. */
#ifndef KD_SERVER_H
#define KD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct request;
struct http_server;

/* Called once per request after the body is read; fills req->resp. */
typedef void (*http_dispatch_fn)(void *ctx, struct request *req);
/* Called when the server ends a request (after the response is sent or the client left). */
typedef void (*http_finish_fn)(void *ctx, struct request *req);
/* Called when a request's head has arrived and a body is on its way, before any of the body is
 * read. Returns true to read the body; false when it has answered already (in req->resp), so the
 * body is never taken in. */
typedef bool (*http_admit_fn)(void *ctx, struct request *req);

struct http_server_options {
        const char *listen; /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free port */
        unsigned threads;   /* worker threads; 0 = one per core */
        size_t body_limit;  /* largest request body accepted, unless body_limit_for says more */
        /* The body limit for one request, from its method and path (routes that take uploads
         * allow more); may be NULL. Returns 0 for the default body_limit. */
        size_t (*body_limit_for)(void *ctx, struct request *req);
        /* Behind a reverse proxy: take the client's address from the last entry of
         * X-Forwarded-For (the one our proxy appended), so limits apply per real client. */
        bool trust_forwarded_for;
        unsigned max_connections; /* the connection ceiling asked for (see http/conn_guard.h) */
        http_admit_fn admit;      /* may be NULL */
        http_dispatch_fn dispatch;
        http_finish_fn finish; /* may be NULL */
        /* Renders req->resp.error_message for requests refused before dispatch (413, 414, bad
         * path); may be NULL for a plain page. */
        http_dispatch_fn render_error;
        void *ctx;
};

/* Starts listening and serving. Returns the server (stop it with http_server_stop) or NULL
 * after logging why. */
struct http_server *http_server_start(const struct http_server_options *opts);
/* The port actually bound (useful with port 0). */
uint16_t http_server_port(const struct http_server *s);
/* Stops accepting, finishes in-flight requests, frees the server. */
void http_server_stop(struct http_server *s);

#endif
