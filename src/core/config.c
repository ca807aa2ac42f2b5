/* Run-time configuration from defaults and KINDRED_* environment variables. */
#include "core/config.h"
#include "core/i18n.h"
#include "core/alloc.h"
#include "core/limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void config_defaults(struct config *c)
{
        c->data_dir = "data";
        c->listen = "127.0.0.1:8080";
        c->static_dir = "static";
        c->site_name = "Kindred";
        c->language = "en";
        c->base_url = NULL;
        c->threads = 0;
        c->secure_cookies = false;
        c->guests_can_read = true;
        c->guests_read_comments = true;
        c->write_limits = true;
        c->fsync_writes = true;
        c->access_log = true;
        c->trust_proxy = false;
        c->session_days = KD_SESSION_DAYS_DEFAULT;
        c->signups_per_hour = KD_SIGNUPS_PER_IP_PER_HOUR;
        c->max_connections = KD_MAX_CONNECTIONS;
        c->guest_event_days = KD_GUEST_EVENT_DAYS;
        c->insights = true;
        c->smtp_timeout = KD_SMTP_TIMEOUT_S;
}

int config_parse_bool(const char *s, bool *out)
{
        static const char *yes[] = {"1", "true", "yes", "on"};
        static const char *no[] = {"0", "false", "no", "off"};
        for (size_t i = 0; i < 4; i++) {
                if (strcasecmp(s, yes[i]) == 0) {
                        *out = true;
                        return 0;
                }
                if (strcasecmp(s, no[i]) == 0) {
                        *out = false;
                        return 0;
                }
        }
        return -1;
}

int config_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
        if (!s || *s < '0' || *s > '9')
                return -1;
        errno = 0;
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

static int env_bool(const char *name, bool *out)
{
        const char *v = getenv(name);
        if (!v || !*v)
                return 0;
        if (config_parse_bool(v, out) < 0) {
                fprintf(stderr, "kindred: %s must be true or false, not \"%s\"\n", name, v);
                return -1;
        }
        return 0;
}

static int env_uint(const char *name, unsigned long min, unsigned long max, unsigned *out)
{
        const char *v = getenv(name);
        unsigned long n;
        if (!v || !*v)
                return 0;
        if (config_parse_uint(v, min, max, &n) < 0) {
                fprintf(stderr, "kindred: %s must be a whole number from %lu to %lu, not \"%s\"\n",
                        name, min, max, v);
                return -1;
        }
        *out = (unsigned)n;
        return 0;
}

static void env_str(const char *name, const char **out)
{
        const char *v = getenv(name);
        if (v && *v)
                *out = v;
}

static int smtp_from_env(struct config *c);

int config_from_env(struct config *c)
{
        env_str("KINDRED_DATA", &c->data_dir);
        env_str("KINDRED_DATABASE_URL", &c->database_url);
        if (c->database_url && strncmp(c->database_url, "postgresql://", 13) != 0 &&
            strncmp(c->database_url, "postgres://", 11) != 0) {
                fprintf(stderr, "kindred: KINDRED_DATABASE_URL wants a postgresql://... URL\n");
                return -1;
        }
        env_str("KINDRED_LISTEN", &c->listen);
        env_str("KINDRED_NODE", &c->node);
        env_str("KINDRED_STATIC", &c->static_dir);
        env_str("KINDRED_SITE_NAME", &c->site_name);
        env_str("KINDRED_BASE_URL", &c->base_url);
        env_str("KINDRED_LANGUAGE", &c->language);
        if (!i18n_find(c->language)) {
                fprintf(stderr, "kindred: KINDRED_LANGUAGE=%s has no catalog (try en or zh-CN)\n",
                        c->language);
                return -1;
        }
        if (env_uint("KINDRED_THREADS", 0, 256, &c->threads) < 0 ||
            env_uint("KINDRED_DB_POOL", 0, 1024, &c->db_pool) < 0 ||
            env_uint("KINDRED_SESSION_DAYS", 1, 365, &c->session_days) < 0 ||
            env_uint("KINDRED_SIGNUPS_PER_HOUR", 1, 100000, &c->signups_per_hour) < 0 ||
            env_uint("KINDRED_MAX_CONNECTIONS", 64, 1000000, &c->max_connections) < 0 ||
            env_bool("KINDRED_SECURE_COOKIES", &c->secure_cookies) < 0 ||
            env_bool("KINDRED_GUESTS_CAN_READ", &c->guests_can_read) < 0 ||
            env_bool("KINDRED_GUESTS_READ_COMMENTS", &c->guests_read_comments) < 0 ||
            env_bool("KINDRED_WRITE_LIMITS", &c->write_limits) < 0 ||
            env_bool("KINDRED_FSYNC_WRITES", &c->fsync_writes) < 0 ||
            env_bool("KINDRED_ACCESS_LOG", &c->access_log) < 0 ||
            env_bool("KINDRED_TRUST_PROXY", &c->trust_proxy) < 0 ||
            env_uint("KINDRED_GUEST_EVENT_DAYS", 1, KD_GUEST_EVENT_DAYS_MAX,
                     &c->guest_event_days) < 0 ||
            env_bool("KINDRED_INSIGHTS", &c->insights) < 0 || smtp_from_env(c) < 0)
                return -1;
        return 0;
}

bool config_smtp_is_loopback(const char *url)
{
        const char *host = strstr(url, "://");
        if (!host)
                return false;
        host += 3;
        size_t n = strcspn(host, ":/");
        if (host[0] == '[')
                return strncmp(host, "[::1]", 5) == 0;
        return (n == 9 && strncasecmp(host, "localhost", 9) == 0) || strncmp(host, "127.", 4) == 0;
}

/* Reads the first line of the file at path (a secret: KINDRED_SMTP_PASSWORD_FILE) into a
 * buffer kept for the process's life. NULL when it cannot be read. */
static const char *read_secret_file(const char *path)
{
        static char secret[1024];
        FILE *f = fopen(path, "r");
        if (!f)
                return NULL;
        char *got = fgets(secret, sizeof(secret), f);
        fclose(f);
        if (!got)
                return NULL;
        secret[strcspn(secret, "\r\n")] = '\0';
        return secret;
}

/* KINDRED_SMTP_* and KINDRED_MAIL_FROM: what is malformed or unsafe is refused at start, not
 * found out at the first message. */
static int smtp_from_env(struct config *c)
{
        env_str("KINDRED_SMTP_URL", &c->smtp_url);
        env_str("KINDRED_SMTP_USER", &c->smtp_user);
        env_str("KINDRED_SMTP_PASSWORD", &c->smtp_password);
        env_str("KINDRED_SMTP_STARTTLS", &c->smtp_starttls);
        env_str("KINDRED_MAIL_FROM", &c->mail_from);
        env_str("KINDRED_SMTP_CA_FILE", &c->smtp_ca_file);
        if (c->smtp_ca_file && access(c->smtp_ca_file, R_OK) != 0) {
                fprintf(stderr, "kindred: cannot read KINDRED_SMTP_CA_FILE %s: %s\n",
                        c->smtp_ca_file, strerror(errno));
                return -1;
        }
        const char *file = getenv("KINDRED_SMTP_PASSWORD_FILE");
        if (file && *file) {
                const char *secret = read_secret_file(file);
                if (!secret) {
                        fprintf(stderr, "kindred: cannot read KINDRED_SMTP_PASSWORD_FILE %s: %s\n",
                                file, strerror(errno));
                        return -1;
                }
                c->smtp_password = secret;
        }
        if (env_uint("KINDRED_SMTP_TIMEOUT", 1, 600, &c->smtp_timeout) < 0)
                return -1;
        if (c->smtp_starttls && strcmp(c->smtp_starttls, "required") != 0 &&
            strcmp(c->smtp_starttls, "optional") != 0 && strcmp(c->smtp_starttls, "off") != 0) {
                fprintf(stderr,
                        "kindred: KINDRED_SMTP_STARTTLS must be required, optional or off, "
                        "not \"%s\"\n",
                        c->smtp_starttls);
                return -1;
        }
        if (!c->smtp_url)
                return 0;
        bool implicit = strncasecmp(c->smtp_url, "smtps://", 8) == 0;
        if (!implicit && strncasecmp(c->smtp_url, "smtp://", 7) != 0) {
                fprintf(stderr, "kindred: KINDRED_SMTP_URL wants smtp://HOST[:PORT] (STARTTLS) "
                                "or smtps://HOST[:PORT] (TLS from the start)\n");
                return -1;
        }
        const char *host = strstr(c->smtp_url, "://") + 3;
        if (!*host || *host == '/' || *host == ':' ||
            memchr(host, '@', strcspn(host, "/")) != NULL) {
                fprintf(stderr, "kindred: KINDRED_SMTP_URL names the server only; give the login "
                                "in KINDRED_SMTP_USER and KINDRED_SMTP_PASSWORD\n");
                return -1;
        }
        if (!c->mail_from) {
                fprintf(stderr, "kindred: KINDRED_SMTP_URL is set but KINDRED_MAIL_FROM is not: "
                                "say who the site's mail is from (\"Name <address>\")\n");
                return -1;
        }
        if (c->smtp_user && !c->smtp_password) {
                fprintf(stderr, "kindred: KINDRED_SMTP_USER needs KINDRED_SMTP_PASSWORD or "
                                "KINDRED_SMTP_PASSWORD_FILE\n");
                return -1;
        }
        /* a password in clear text across a network is refused, not merely warned about */
        bool loopback = config_smtp_is_loopback(c->smtp_url);
        bool tls_sure = implicit || !c->smtp_starttls || strcmp(c->smtp_starttls, "required") == 0;
        if (c->smtp_user && !tls_sure && !loopback) {
                fprintf(stderr,
                        "kindred: KINDRED_SMTP_USER with KINDRED_SMTP_STARTTLS=%s would send "
                        "the password unencrypted; use required or smtps://\n",
                        c->smtp_starttls);
                return -1;
        }
        return 0;
}

char *config_db_path(const struct config *c)
{
        size_t n = strlen(c->data_dir) + sizeof("/kindred.db");
        char *p = xmalloc(n);
        snprintf(p, n, "%s/kindred.db", c->data_dir);
        return p;
}

char *config_db_target(const struct config *c)
{
        return c->database_url ? xstrdup(c->database_url) : config_db_path(c);
}
