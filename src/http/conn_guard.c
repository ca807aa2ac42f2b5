/* The connection guard (see conn_guard.h): a registry of open connections by file descriptor,
 * the recv() that feeds each one's raw request check, and a sweeper thread that enforces
 * deadlines and sheds idle connections under pressure. */
#include "http/conn_guard.h"
#include "core/alloc.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "http/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn_slot {
        int fd;
        struct wire_scan scan; /* touched only by the connection's own worker thread */
        /* Read by the sweeper; 0 means "not in that phase". */
        _Atomic uint64_t head_since_us; /* the first byte of an unfinished head arrived */
        _Atomic uint64_t body_since_us; /* an unfinished body began */
        _Atomic uint64_t idle_since_us; /* nothing to read or serve since then */
        atomic_bool upload;             /* the body is larger than a form's: a longer deadline */
        atomic_bool busy;               /* a request is with the application or being sent */
        bool cut;                       /* shut down by the sweeper; guarded by the lock */
        unsigned char addr[16];         /* the peer's address (IPv4 mapped into IPv6 form) */
        struct conn_slot *prev, *next;  /* the registry; guarded by the lock */
};

static struct {
        atomic_bool active;
        pthread_mutex_t lock;
        struct conn_slot *_Atomic *by_fd;
        size_t nfd;
        struct conn_slot *list;
        unsigned open, cut_pending;
        unsigned admitted; /* accepted and handed to libmicrohttpd, not yet opened here */
        unsigned ceiling;
        struct conn_guard_limits limits;
        pthread_t sweeper;
        atomic_bool stop;
        _Atomic uint64_t refused_framing, cut_slow_head, cut_slow_body, shed_idle, shed_slow;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* ---------------------------------------------------------------- refusing raw requests */

static const char *status_text(int status)
{
        switch (status) {
        case 414:
                return "URI Too Long";
        case 431:
                return "Request Header Fields Too Large";
        case 501:
                return "Not Implemented";
        case 505:
                return "HTTP Version Not Supported";
        default:
                return "Bad Request";
        }
}

static void peer_address(int fd, char *out, size_t size)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        snprintf(out, size, "unknown");
        if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
                return;
        if (ss.ss_family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)size);
        else if (ss.ss_family == AF_INET6)
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)size);
}

/* Answers a refused request straight on the socket (libmicrohttpd has not parsed it, and for
 * some shapes could not answer at all), then lets the client see the end of the stream. */
static void refuse_raw(struct conn_slot *s)
{
        char ip[64];
        peer_address(s->fd, ip, sizeof(ip));
        char head[512];
        const char *reason = s->scan.reason ? s->scan.reason : "The request is malformed.";
        int n = snprintf(head, sizeof(head),
                         "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n"
                         "X-Content-Type-Options: nosniff\r\n\r\n%s\n",
                         s->scan.status, status_text(s->scan.status), strlen(reason) + 1, reason);
        if (n > 0 && (size_t)n < sizeof(head))
                (void)send(s->fd, head, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
        shutdown(s->fd, SHUT_WR);
        /* Read what is already waiting: closing a socket with unread bytes sends a reset,
         * which could reach the client before it has read the answer. */
        char sink[4096];
        for (int i = 0; i < 64; i++)
                if (recvfrom(s->fd, sink, sizeof(sink), MSG_DONTWAIT, NULL, NULL) <= 0)
                        break;
        atomic_fetch_add(&g.refused_framing, 1);
        log_warn("refused a request from %s: %d %s", ip, s->scan.status, reason);
}

/* libmicrohttpd reads every socket with recv(); this definition in the executable takes its
 * calls (and any other library's), so each registered connection's bytes are checked before
 * they are parsed. Unregistered sockets pass straight through. */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
        ssize_t n = recvfrom(fd, buf, len, flags, NULL, NULL);
        if (n <= 0 || (flags & MSG_PEEK) || !atomic_load_explicit(&g.active, memory_order_acquire))
                return n;
        if (fd < 0 || (size_t)fd >= g.nfd)
                return n;
        struct conn_slot *s = atomic_load_explicit(&g.by_fd[fd], memory_order_acquire);
        if (!s)
                return n;
        if (s->scan.state == WIRE_FAILED) { /* answered already: nothing more is read */
                errno = ECONNRESET;
                return -1;
        }
        if (wire_scan_feed(&s->scan, buf, (size_t)n) != 0) {
                refuse_raw(s);
                errno = ECONNRESET;
                return -1;
        }
        uint64_t now = time_mono_us();
        if (!wire_scan_idle(&s->scan))
                atomic_store(&s->idle_since_us, 0);
        if (wire_scan_in_head(&s->scan)) {
                if (!atomic_load(&s->head_since_us))
                        atomic_store(&s->head_since_us, now);
                atomic_store(&s->body_since_us, 0);
        } else if (s->scan.state == WIRE_LINE_START) {
                atomic_store(&s->head_since_us, 0);
                atomic_store(&s->body_since_us, 0);
        } else { /* in a body */
                atomic_store(&s->head_since_us, 0);
                if (!atomic_load(&s->body_since_us)) {
                        atomic_store(&s->upload, s->scan.state == WIRE_BODY &&
                                                     s->scan.remaining > KD_MAX_BODY_BYTES);
                        atomic_store(&s->body_since_us, now);
                }
        }
        return n;
}

/* ---------------------------------------------------------------- registry */

struct conn_slot *conn_guard_opened(int fd)
{
        if (!atomic_load(&g.active) || fd < 0 || (size_t)fd >= g.nfd)
                return NULL;
        struct conn_slot *s = xcalloc(1, sizeof(*s));
        s->fd = fd;
        wire_scan_init(&s->scan);
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
                if (ss.ss_family == AF_INET) {
                        s->addr[10] = s->addr[11] = 0xff;
                        memcpy(s->addr + 12, &((struct sockaddr_in *)&ss)->sin_addr, 4);
                } else if (ss.ss_family == AF_INET6) {
                        memcpy(s->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
                }
        }
        atomic_init(&s->idle_since_us, time_mono_us());
        pthread_mutex_lock(&g.lock);
        s->next = g.list;
        if (g.list)
                g.list->prev = s;
        g.list = s;
        g.open++;
        if (g.admitted)
                g.admitted--;
        atomic_store_explicit(&g.by_fd[fd], s, memory_order_release);
        pthread_mutex_unlock(&g.lock);
        return s;
}

/* Called before libmicrohttpd closes the socket: under the lock, so the sweeper never shuts
 * down a descriptor number that has been closed and handed to someone else. */
void conn_guard_closed(struct conn_slot *s)
{
        if (!s)
                return;
        pthread_mutex_lock(&g.lock);
        atomic_store_explicit(&g.by_fd[s->fd], NULL, memory_order_release);
        if (s->prev)
                s->prev->next = s->next;
        else
                g.list = s->next;
        if (s->next)
                s->next->prev = s->prev;
        g.open--;
        if (s->cut)
                g.cut_pending--;
        pthread_mutex_unlock(&g.lock);
        free(s);
}

void conn_guard_request_begun(struct conn_slot *s)
{
        if (!s)
                return;
        atomic_store(&s->busy, true);
        atomic_store(&s->idle_since_us, 0);
}

void conn_guard_request_ended(struct conn_slot *s)
{
        if (!s)
                return;
        atomic_store(&s->busy, false);
        if (wire_scan_idle(&s->scan))
                atomic_store(&s->idle_since_us, time_mono_us());
}

/* ---------------------------------------------------------------- sweeper */

/* Shuts a connection down; libmicrohttpd sees the end of the stream and closes it. */
static void cut(struct conn_slot *s)
{
        if (s->cut)
                return;
        s->cut = true;
        g.cut_pending++;
        shutdown(s->fd, SHUT_RDWR);
}

struct candidate {
        struct conn_slot *slot;
        uint64_t since;
        bool idle;    /* an idle keep-alive (else an unfinished head or body) */
        bool crowded; /* its address holds more than a fair share of connections */
        bool old;     /* waiting longer than the shedding thresholds */
};

static int by_address(const void *a, const void *b)
{
        const struct conn_slot *x = ((const struct candidate *)a)->slot;
        const struct conn_slot *y = ((const struct candidate *)b)->slot;
        return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* Crowded addresses first, then the longest waiting. */
static int shed_order(const void *a, const void *b)
{
        const struct candidate *x = a, *y = b;
        if (x->crowded != y->crowded)
                return x->crowded ? -1 : 1;
        return x->since < y->since ? -1 : x->since > y->since;
}

/* Under pressure (over half the ceiling open): shed, down to a quarter of the ceiling,
 * - every waiting connection of an address that holds more than a fair share (a flood from a
 *   few addresses goes first, however young its connections), then
 * - idle keep-alives, unfinished heads and bodies still arriving after a moment, oldest first.
 * The headroom matters: at the ceiling itself new connections wait in the kernel's accept queue
 * behind the attacker's, so the aim is never to reach it. A connection whose request has all
 * arrived (it is being answered) is never a candidate: readers are served first. */
static void shed(uint64_t now, unsigned *idle, unsigned *slow)
{
        struct candidate *c = malloc(sizeof(*c) * (g.open ? g.open : 1));
        if (!c)
                return;
        size_t n = 0;
        for (struct conn_slot *s = g.list; s; s = s->next) {
                if (s->cut)
                        continue;
                uint64_t i = atomic_load(&s->idle_since_us), h = atomic_load(&s->head_since_us);
                uint64_t b = atomic_load(&s->body_since_us);
                struct candidate k = {s, 0, false, false, false};
                if (i && !atomic_load(&s->busy)) {
                        k.since = i;
                        k.idle = true;
                        k.old = now - i >= (uint64_t)KD_SHED_IDLE_AFTER_MS * 1000;
                } else if (h) {
                        k.since = h;
                        k.old = now - h >= (uint64_t)KD_SHED_HEAD_AFTER_MS * 1000;
                } else if (b) {
                        k.since = b;
                        k.old = now - b >= (uint64_t)KD_SHED_BODY_AFTER_MS * 1000;
                } else {
                        continue; /* being answered */
                }
                c[n++] = k;
        }
        if (g.limits.fair_share_by_address) {
                qsort(c, n, sizeof(*c), by_address);
                for (size_t run = 0; run < n;) {
                        size_t end = run + 1;
                        while (end < n && by_address(&c[run], &c[end]) == 0)
                                end++;
                        if (end - run > KD_SHED_FAIR_SHARE)
                                for (size_t k = run; k < end; k++)
                                        c[k].crowded = true;
                        run = end;
                }
        }
        qsort(c, n, sizeof(*c), shed_order);
        for (size_t k = 0; k < n && g.open - g.cut_pending > g.ceiling / 4; k++) {
                if (!c[k].crowded && !c[k].old)
                        continue;
                cut(c[k].slot);
                ++*(c[k].idle ? idle : slow);
        }
        free(c);
}

static void *sweeper_main(void *arg)
{
        (void)arg;
        uint64_t last_log = 0;
        unsigned heads = 0, bodies = 0, idle = 0, slow = 0, peak = 0;
        while (!atomic_load(&g.stop)) {
                usleep(KD_SWEEP_INTERVAL_MS * 1000);
                uint64_t now = time_mono_us();
                uint64_t head_us = (uint64_t)g.limits.head_deadline_s * 1000000;
                uint64_t body_us = (uint64_t)g.limits.body_deadline_s * 1000000;
                uint64_t upload_us = (uint64_t)g.limits.upload_deadline_s * 1000000;
                pthread_mutex_lock(&g.lock);
                for (struct conn_slot *s = g.list; s; s = s->next) {
                        uint64_t h = atomic_load(&s->head_since_us);
                        uint64_t b = atomic_load(&s->body_since_us);
                        if (h && now - h > head_us && !s->cut) {
                                cut(s);
                                heads++;
                        } else if (b && now - b > (atomic_load(&s->upload) ? upload_us : body_us) &&
                                   !s->cut) {
                                cut(s);
                                bodies++;
                        }
                }
                if (g.open > peak)
                        peak = g.open;
                if (g.open - g.cut_pending > g.ceiling / 2)
                        shed(now, &idle, &slow);
                unsigned open = g.open;
                pthread_mutex_unlock(&g.lock);
                if ((heads || bodies || idle || slow) && now - last_log >= 1000000) {
                        if (heads || bodies)
                                log_warn("connections: cut %u whose request head took over %u s "
                                         "and %u whose body took too long",
                                         heads, g.limits.head_deadline_s, bodies);
                        if (idle || slow)
                                log_warn("connections: under pressure (%u open at the peak, "
                                         "ceiling %u): shed %u idle and %u with an unfinished "
                                         "head or body",
                                         peak, g.ceiling, idle, slow);
                        atomic_fetch_add(&g.cut_slow_head, heads);
                        atomic_fetch_add(&g.cut_slow_body, bodies);
                        atomic_fetch_add(&g.shed_idle, idle);
                        atomic_fetch_add(&g.shed_slow, slow);
                        heads = bodies = idle = slow = 0;
                        peak = open;
                        last_log = now;
                }
        }
        return NULL;
}

unsigned conn_guard_start(const struct conn_guard_limits *limits)
{
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
                return 0;
        rlim_t want = (rlim_t)limits->max_connections + KD_FD_RESERVE;
        if (rl.rlim_cur < want) {
                rl.rlim_cur =
                    rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
                if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
                        getrlimit(RLIMIT_NOFILE, &rl);
        }
        unsigned ceiling = limits->max_connections;
        if (rl.rlim_cur < (rlim_t)ceiling + KD_FD_RESERVE) {
                ceiling =
                    rl.rlim_cur > KD_FD_RESERVE + 16 ? (unsigned)(rl.rlim_cur - KD_FD_RESERVE) : 16;
                log_warn("connections: the file-descriptor limit (%llu) allows only %u "
                         "connections, not the %u asked for",
                         (unsigned long long)rl.rlim_cur, ceiling, limits->max_connections);
        }
        g.limits = *limits;
        g.ceiling = ceiling;
        g.nfd = (size_t)rl.rlim_cur;
        g.by_fd = xcalloc(g.nfd, sizeof(*g.by_fd));
        atomic_store(&g.stop, false);
        atomic_store(&g.active, true);
        if (pthread_create(&g.sweeper, NULL, sweeper_main, NULL) != 0) {
                atomic_store(&g.active, false);
                free((void *)g.by_fd);
                g.by_fd = NULL;
                g.nfd = 0;
                return 0;
        }
        log_info("connections: at most %u at once (file descriptors: %llu); request heads within "
                 "%u s, bodies within %u s (uploads %u s)",
                 ceiling, (unsigned long long)rl.rlim_cur, limits->head_deadline_s,
                 limits->body_deadline_s, limits->upload_deadline_s);
        return ceiling;
}

void conn_guard_stop(void)
{
        if (!atomic_load(&g.active))
                return;
        atomic_store(&g.stop, true);
        pthread_join(g.sweeper, NULL);
        pthread_mutex_lock(&g.lock);
        atomic_store(&g.active, false);
        g.nfd = 0;
        free((void *)g.by_fd);
        g.by_fd = NULL;
        pthread_mutex_unlock(&g.lock);
}

bool conn_guard_admit(void)
{
        pthread_mutex_lock(&g.lock);
        bool room = !atomic_load(&g.active) || g.open + g.admitted < g.ceiling;
        if (room && atomic_load(&g.active))
                g.admitted++;
        pthread_mutex_unlock(&g.lock);
        return room;
}

void conn_guard_admit_failed(void)
{
        pthread_mutex_lock(&g.lock);
        if (g.admitted)
                g.admitted--;
        pthread_mutex_unlock(&g.lock);
}

void conn_guard_stats(struct conn_guard_stats *out)
{
        pthread_mutex_lock(&g.lock);
        out->open = g.open;
        out->ceiling = g.ceiling;
        pthread_mutex_unlock(&g.lock);
        out->refused_framing = atomic_load(&g.refused_framing);
        out->cut_slow_head = atomic_load(&g.cut_slow_head);
        out->cut_slow_body = atomic_load(&g.cut_slow_body);
        out->shed_idle = atomic_load(&g.shed_idle);
        out->shed_slow = atomic_load(&g.shed_slow);
}
