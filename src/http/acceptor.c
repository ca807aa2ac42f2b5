/* The acceptor; see acceptor.h. */
#include "http/acceptor.h"
#include "core/alloc.h"
#include "core/log.h"
#include "http/conn_guard.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* How long accepting pauses when the process is out of file descriptors (or the kernel out of
 * memory for sockets), and how often it looks again at a full house: the waiting connections
 * stay in the listen queue meanwhile. The queue is as long as the system allows (SOMAXCONN, as
 * libmicrohttpd's was): when it is full the kernel drops new connections' first packet, and a
 * client only tries again a second later. */
enum { OUT_OF_FDS_PAUSE_MS = 100, FULL_RECHECK_MS = 5, LISTEN_BACKLOG = SOMAXCONN };

struct acceptor {
        int fd;   /* the listening socket */
        int stop; /* an eventfd: readable once acceptor_stop was called */
        struct MHD_Daemon *daemon;
        pthread_t thread;
};

int acceptor_listen(const struct sockaddr *addr, socklen_t len)
{
        int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -1;
        int on = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        if (addr->sa_family == AF_INET6) /* "[::1]:8080" means IPv6 only, as libmicrohttpd did */
                (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
        if (bind(fd, addr, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
                int e = errno;
                close(fd);
                errno = e;
                return -1;
        }
        return fd;
}

uint16_t acceptor_port(int fd)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
                return 0;
        if (ss.ss_family == AF_INET)
                return ntohs(((struct sockaddr_in *)&ss)->sin_port);
        if (ss.ss_family == AF_INET6)
                return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        return 0;
}

/* Whether accept's error is about the one connection (it went before it was taken), so the
 * next may be taken at once. */
static bool error_of_one(int e)
{
        return e == EINTR || e == ECONNABORTED || e == EPROTO || e == EPERM;
}

/* Takes every connection waiting while there is room. Returns how long to wait before looking
 * again without being woken by a new connection: -1 (only when one comes), or a pause. */
static int accept_waiting(struct acceptor *a)
{
        for (;;) {
                if (!conn_guard_admit())
                        return FULL_RECHECK_MS;
                struct sockaddr_storage ss;
                socklen_t len = sizeof(ss);
                int c = accept4(a->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (c >= 0) {
                        /* refused at once (the address's share, memory): closed by the
                         * daemon, which logs why */
                        if (MHD_add_connection(a->daemon, c, (struct sockaddr *)&ss, len) !=
                            MHD_YES)
                                conn_guard_admit_failed();
                        continue;
                }
                int e = errno;
                conn_guard_admit_failed(); /* nothing was accepted */
                if (e == EAGAIN || e == EWOULDBLOCK)
                        return -1;
                if (error_of_one(e))
                        continue;
                log_warn("server: cannot accept a connection: %s (pausing %d ms)", strerror(e),
                         OUT_OF_FDS_PAUSE_MS);
                return OUT_OF_FDS_PAUSE_MS;
        }
}

static void *accept_loop(void *arg)
{
        struct acceptor *a = arg;
        struct pollfd fds[2] = {{.fd = a->fd, .events = POLLIN}, {.fd = a->stop, .events = POLLIN}};
        int timeout = -1;
        for (;;) {
                int n = poll(fds, 2, timeout);
                if (n < 0 && errno != EINTR) {
                        log_error("server: cannot wait for connections: %s", strerror(errno));
                        break;
                }
                if (n > 0 && fds[1].revents)
                        break;
                /* during a pause the listening socket is not watched: it is tried again when
                 * the pause ends */
                timeout = accept_waiting(a);
                fds[0].events = timeout < 0 ? POLLIN : 0;
        }
        return NULL;
}

struct acceptor *acceptor_start(int fd, struct MHD_Daemon *daemon)
{
        struct acceptor *a = xcalloc(1, sizeof(*a));
        a->fd = fd;
        a->daemon = daemon;
        a->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (a->stop < 0 || pthread_create(&a->thread, NULL, accept_loop, a) != 0) {
                log_error("server: cannot start accepting connections: %s", strerror(errno));
                if (a->stop >= 0)
                        close(a->stop);
                close(fd);
                free(a);
                return NULL;
        }
        return a;
}

void acceptor_stop(struct acceptor *a)
{
        if (!a)
                return;
        uint64_t one = 1;
        if (write(a->stop, &one, sizeof(one)) != (ssize_t)sizeof(one))
                log_error("server: cannot tell the acceptor to stop: %s", strerror(errno));
        pthread_join(a->thread, NULL);
        close(a->stop);
        close(a->fd);
        free(a);
}
