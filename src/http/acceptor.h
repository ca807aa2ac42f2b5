/* The acceptor: Kindred's own listening socket and the thread that accepts on it, handing each
 * connection to libmicrohttpd (MHD_add_connection), which gives it to the worker its socket
 * number points to. Connections so go round the workers one after another.
 *
 * Why not libmicrohttpd's own accept: there every worker watches the listening socket, and the
 * first to wake takes up to ten connections in a row. A worker answers its connections one at a
 * time, and a durable write holds it while the disk syncs, so connections that landed on the
 * same worker wait for each other while other workers have none: in the comments benchmark 64
 * connections ended up on 39 of 64 workers (docs/performance.md, "One connection a worker"). */
#ifndef KD_ACCEPTOR_H
#define KD_ACCEPTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct MHD_Daemon;
struct acceptor;

/* A socket bound to addr and listening (non-blocking, close-on-exec, SO_REUSEADDR), or -1
 * with errno set. */
int acceptor_listen(const struct sockaddr *addr, socklen_t len);
/* The port the socket is bound to (useful when port 0 asked for a free one); 0 when unknown. */
uint16_t acceptor_port(int fd);
/* Starts accepting on fd for daemon (started with MHD_USE_NO_LISTEN_SOCKET and MHD_USE_ITC).
 * While the connection guard admits no more (conn_guard_admit: the ceiling), connections wait
 * in the listen queue, as they did with libmicrohttpd's own accept, and it is asked again every
 * few milliseconds. Takes
 * fd: it is closed by acceptor_stop, or here on failure (NULL, logged). */
struct acceptor *acceptor_start(int fd, struct MHD_Daemon *daemon);
/* Stops accepting and closes the listening socket; connections already handed over stay the
 * daemon's. NULL is allowed. */
void acceptor_stop(struct acceptor *a);

#endif
