/* The connection guard: what keeps slow or hostile clients from taking the server's connection
 * slots, and ambiguous framing from reaching libmicrohttpd's parser.
 *
 * - Every byte a connection receives goes through the raw request check (http/wire.h) first;
 *   a refused shape is answered (400, 414, 431, 501, 505) and the connection closed.
 * - Deadlines for the whole request head and the whole body, not only for idle time: a client
 *   that trickles a line every few seconds is cut off all the same.
 * - A deliberate connection ceiling, with the file-descriptor limit raised to match. Past half
 *   of it, connections waiting on a client are shed (first those of addresses holding more than
 *   a fair share, then idle keep-alives and unfinished requests, oldest first), so that
 *   readers being served are never starved; the log says so.
 *
 * How it sees the bytes: libmicrohttpd reads sockets with recv(); this module defines recv()
 * in the executable, which the dynamic linker prefers for libmicrohttpd's calls, inspects what
 * a registered connection received, and passes everything else through untouched. */
#ifndef KD_CONN_GUARD_H
#define KD_CONN_GUARD_H

#include <stdbool.h>
#include <stdint.h>

struct conn_slot;

struct conn_guard_limits {
        unsigned max_connections;   /* the ceiling asked for; may be lowered to fit the fd limit */
        unsigned head_deadline_s;   /* first byte of a request head to its end */
        unsigned body_deadline_s;   /* end of the head to the end of a body up to 1 MiB */
        unsigned upload_deadline_s; /* the same for a larger (upload) body */
        /* Under pressure, shed first from addresses holding many connections. Off behind a
         * proxy, where every connection comes from the proxy's address. */
        bool fair_share_by_address;
};

/* Raises the file-descriptor limit, starts the sweeper thread, and returns the ceiling (logged
 * with the fd limit; kept by the acceptor through conn_guard_admit). Returns 0 when the guard
 * cannot start. */
unsigned conn_guard_start(const struct conn_guard_limits *limits);
void conn_guard_stop(void);

/* libmicrohttpd's connection notifications: a connection opened on fd, and closed. */
struct conn_slot *conn_guard_opened(int fd);
void conn_guard_closed(struct conn_slot *slot);
/* A request's head was handed to the application (busy until ended): a connection that is
 * busy is being served, and is never shed as idle. */
void conn_guard_request_begun(struct conn_slot *slot);
void conn_guard_request_ended(struct conn_slot *slot);

/* Admission, for the acceptor (http/acceptor.h): whether one more connection may be accepted
 * (those open and those handed to libmicrohttpd but not yet opened are fewer than the ceiling),
 * counting it as handed over if so. The acceptor leaves the others in the listen queue until
 * one closes or is shed. conn_guard_opened takes the count back; so does admit_failed, when
 * libmicrohttpd refused the connection at once (the address's share, memory). */
bool conn_guard_admit(void);
void conn_guard_admit_failed(void);

/* Counters for the log and tests. */
struct conn_guard_stats {
        unsigned open;
        unsigned ceiling;
        uint64_t refused_framing; /* requests refused by the raw check */
        uint64_t cut_slow_head, cut_slow_body, shed_idle, shed_slow;
};
void conn_guard_stats(struct conn_guard_stats *out);

#endif
