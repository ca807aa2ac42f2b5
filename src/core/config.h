/* Run-time configuration: defaults, then environment variables, then command-line flags. */
#ifndef KD_CONFIG_H
#define KD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

struct config {
        const char *data_dir;   /* KINDRED_DATA: folder with kindred.db and uploads */
        const char *database_url; /* KINDRED_DATABASE_URL: postgresql://... to keep the site in
                                     PostgreSQL; NULL: SQLite, DATA/kindred.db */
        const char *listen;     /* KINDRED_LISTEN: host:port, [v6]:port; port 0 picks a free one */
        const char *static_dir; /* KINDRED_STATIC: CSS, JS, icons */
        const char *site_name;  /* KINDRED_SITE_NAME */
        const char *base_url;   /* KINDRED_BASE_URL: public URL for links in feeds and mail */
        const char *language;   /* KINDRED_LANGUAGE: the interface language when nothing else
                                   says (a tag with a catalog: "en", "zh-CN") */
        unsigned threads;       /* KINDRED_THREADS: worker threads, 0 = one per core */
        unsigned db_pool;       /* KINDRED_DB_POOL: database connections for requests, 0 =
                                   one per worker thread and one for housekeeping */
        const char *node;       /* KINDRED_NODE: this node's name; NULL: host:process id */
        bool secure_cookies;    /* KINDRED_SECURE_COOKIES: mark cookies Secure (behind TLS) */
        bool guests_can_read;   /* KINDRED_GUESTS_CAN_READ */
        bool guests_read_comments; /* KINDRED_GUESTS_READ_COMMENTS: guests see the conversation */
        bool write_limits; /* KINDRED_WRITE_LIMITS: rate limits on comments, reactions, reports */
        bool fsync_writes; /* KINDRED_FSYNC_WRITES: synchronous=FULL (else NORMAL) */
        bool access_log;   /* KINDRED_ACCESS_LOG */
        bool trust_proxy;  /* KINDRED_TRUST_PROXY: client address from X-Forwarded-For */
        unsigned session_days;     /* KINDRED_SESSION_DAYS */
        unsigned signups_per_hour; /* KINDRED_SIGNUPS_PER_HOUR: new accounts per address */
        unsigned max_connections;  /* KINDRED_MAX_CONNECTIONS: open connections at once */
        unsigned guest_event_days; /* KINDRED_GUEST_EVENT_DAYS: guests' raw events kept */
        bool insights;             /* KINDRED_INSIGHTS: record views, beacons and actions */
        /* Mail (docs/mail.md). Without smtp_url mail is queued and not sent. */
        const char *smtp_url;      /* KINDRED_SMTP_URL: smtp://host[:port] or smtps://... */
        const char *smtp_user;     /* KINDRED_SMTP_USER: NULL: no login */
        const char *smtp_password; /* KINDRED_SMTP_PASSWORD, or the first line of the file
                                      KINDRED_SMTP_PASSWORD_FILE names */
        const char *smtp_starttls; /* KINDRED_SMTP_STARTTLS: "required", "optional" or "off";
                                      NULL: required, but optional for a loopback server */
        unsigned smtp_timeout;     /* KINDRED_SMTP_TIMEOUT: seconds for a connection or answer */
        const char *smtp_ca_file;  /* KINDRED_SMTP_CA_FILE: PEM certificates to trust for the
                                      SMTP server instead of the system's (a private CA) */
        const char *mail_from;     /* KINDRED_MAIL_FROM: "Name <address>" or an address */
};

/* Fills c with the built-in defaults. */
void config_defaults(struct config *c);
/* Overrides c from KINDRED_* environment variables. Returns 0, or -1 after printing which
 * variable is malformed. */
int config_from_env(struct config *c);
/* Parses a boolean word (1/0, true/false, yes/no, on/off). Returns 0 or -1. */
int config_parse_bool(const char *s, bool *out);
/* Parses a decimal unsigned integer in [min, max] with no trailing junk. Returns 0 or -1. */
int config_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* True when the host of an smtp:// URL is this machine (localhost, 127.x.x.x, [::1]). */
bool config_smtp_is_loopback(const char *url);
/* Resolves the database path inside the data folder; returns a heap string the caller frees. */
char *config_db_path(const struct config *c);
/* What db_open_url() opens: database_url when set, else config_db_path(). A heap string the
 * caller frees. */
char *config_db_target(const struct config *c);

#endif
