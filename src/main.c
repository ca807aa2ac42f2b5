/* The kindred command line: serve, init, migrate, member, render, help. */
#include "app.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/db.h"
#include "http/html.h"
#include "http/member_cache.h"
#include "markdown/markdown.h"
#include "model/badge.h"
#include "model/bench_seed.h"
#include "model/demo.h"
#include "model/event.h"
#include "mail/message.h"
#include "model/mail_outbox.h"
#include "web/notify_mail.h"
#include "core/timeutil.h"
#include "model/image_variants.h"
#include "model/media_store.h"
#include "model/member.h"
#include "model/search_index.h"
#include "model/transfer.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KINDRED_VERSION
#define KINDRED_VERSION "0.0.0"
#endif

static const char USAGE[] =
    "Usage: kindred [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "A community-first publishing server.\n"
    "\n"
    "Commands:\n"
    "  serve                 serve the site over HTTP (migrates the database first)\n"
    "  init [--demo]         create the data folder and database; --demo adds demo members\n"
    "  migrate               apply pending database migrations\n"
    "  member add HANDLE     create a member (--email, --name, --role, --headline)\n"
    "  member list           list members\n"
    "  member set-role HANDLE ROLE   make a member reader, author, moderator or admin\n"
    "  member disable HANDLE         block a member from logging in (ends their sessions)\n"
    "  member enable HANDLE          undo disable\n"
    "  render [--member] FILE        print the HTML of a Markdown file\n"
    "  import markdown DIR   import newsletters, seasons and episodes from Markdown files\n"
    "  import json FILE      load an export into an empty site\n"
    "  export FILE           write the whole site as JSON (\"-\": standard output)\n"
    "  bench seed            fill an empty site with a large synthetic one (see bench/)\n"
    "  badges refresh        work out every member's badges again by their rules\n"
    "  events load FILE      add insights history: tab-separated lines, see docs/insights.md\n"
    "  mail test ADDRESS     queue a test message to ADDRESS (sent by a running serve)\n"
    "  mail list [STATE]     the newest messages of the outbox (queued, sent or failed)\n"
    "  mail retry            try every queued message now (after the SMTP server is back)\n"
    "  mail notify [TIME]    run the immediate notification mail pass now (or as at TIME)\n"
    "  mail digests [TIME]   mail the digests due now (or at TIME, UTC: 2026-12-07T08:00Z)\n"
    "\n"
    "Options (each has an environment variable; flags win):\n"
    "  -d, --data DIR        data folder with kindred.db            KINDRED_DATA   [data]\n"
    "      --database-url URL  keep the site in PostgreSQL (postgresql://...) instead of\n"
    "                        DATA/kindred.db                        KINDRED_DATABASE_URL\n"
    "  -l, --listen ADDR     host:port to serve on (port 0: any)    KINDRED_LISTEN "
    "[127.0.0.1:8080]\n"
    "      --static DIR      folder of CSS/JS/icons                 KINDRED_STATIC [static]\n"
    "      --threads N       worker threads, 0 = one per core       KINDRED_THREADS [0]\n"
    "      --db-pool N       database connections for requests,     KINDRED_DB_POOL [0]\n"
    "                        0 = threads + 1\n"
    "      --node NAME       this node's name (several nodes)       KINDRED_NODE [host:pid]\n"
    "      --site-name TEXT  the site's name                        KINDRED_SITE_NAME [Kindred]\n"
    "      --secure-cookies  mark cookies Secure (serve behind TLS) KINDRED_SECURE_COOKIES\n"
    "      --no-access-log   do not log each request                KINDRED_ACCESS_LOG=false\n"
    "      --trust-proxy     client address from X-Forwarded-For    KINDRED_TRUST_PROXY\n"
    "      --max-connections N  open connections at once         KINDRED_MAX_CONNECTIONS [4096]\n"
    "      --language TAG    default interface language (en, zh-CN) KINDRED_LANGUAGE [en]\n"
    "      --guest-event-days N  days guests' raw events are kept KINDRED_GUEST_EVENT_DAYS [90]\n"
    "      --no-insights     record no insights events              KINDRED_INSIGHTS=false\n"
    "\n"
    "Mail (environment only; docs/mail.md). Without KINDRED_SMTP_URL mail is queued, not sent:\n"
    "  KINDRED_SMTP_URL        smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT] (TLS)\n"
    "  KINDRED_SMTP_STARTTLS   required, optional or off          [required; optional on "
    "loopback]\n"
    "  KINDRED_SMTP_USER, KINDRED_SMTP_PASSWORD (or KINDRED_SMTP_PASSWORD_FILE)  the login\n"
    "  KINDRED_SMTP_TIMEOUT    seconds for a connection or one answer              [30]\n"
    "  KINDRED_SMTP_CA_FILE    certificates to trust for the server   [the system's]\n"
    "  KINDRED_MAIL_FROM       \"Name <address>\" the site's mail is from\n"
    "\n"
    "  -h, --help            show help (also: kindred COMMAND --help)\n"
    "  -V, --version         print the version\n"
    "\n"
    "See docs/configuration.md for every setting and limit.\n";

static const char USAGE_SERVE[] =
    "Usage: kindred serve [--data DIR] [--listen HOST:PORT] [--threads N] [--static DIR]\n"
    "                     [--site-name TEXT] [--secure-cookies] [--no-access-log]\n"
    "                     [--trust-proxy] [--max-connections N] [--language TAG]\n"
    "                     [--guest-event-days N] [--no-insights] [--database-url URL]\n"
    "                     [--db-pool N] [--node NAME]\n"
    "\n"
    "Applies pending migrations, then serves the site until SIGINT or SIGTERM. Prints\n"
    "\"Kindred is serving at http://HOST:PORT/\" once it is listening.\n";

static const char USAGE_INIT[] =
    "Usage: kindred init [--data DIR] [--demo]\n"
    "\n"
    "Creates the data folder and its database and applies migrations. With --demo, adds demo\n"
    "members (password \"" DEMO_PASSWORD "\") when the site has none. Safe to run again.\n";

static const char USAGE_MIGRATE[] = "Usage: kindred migrate [--data DIR]\n"
                                    "\n"
                                    "Applies the migrations this kindred knows and the database "
                                    "has not yet had.\nRunning it again does nothing.\n";

static const char USAGE_MEMBER[] =
    "Usage:\n"
    "  kindred member add HANDLE --email EMAIL [--name NAME] [--role ROLE] [--headline TEXT]\n"
    "  kindred member list\n"
    "  kindred member set-role HANDLE ROLE\n"
    "  kindred member disable HANDLE\n"
    "  kindred member enable HANDLE\n"
    "\n"
    "ROLE is reader, author, moderator or admin. The first admin is made with\n"
    "  kindred member add alice --email alice@example.org --role admin\n"
    "member add reads the password from KINDRED_PASSWORD, or else from the first line of\n"
    "standard input (it prompts when that is a terminal).\n";

static const char USAGE_RENDER[] =
    "Usage: kindred render [--member] FILE\n"
    "\n"
    "Renders the Markdown in FILE (\"-\": standard input) as an article would be and prints\n"
    "the HTML. --member renders it as a comment: no images, no headings, nofollow links.\n"
    "Exits 1 with the reason on standard error when the text is refused (over 1 MiB, not\n"
    "UTF-8, an image without alt text).\n";

static const char USAGE_IMPORT[] =
    "Usage:\n"
    "  kindred import markdown DIR\n"
    "  kindred import json FILE\n"
    "\n"
    "import markdown reads every *.md file of DIR in name order. Each starts with front matter\n"
    "between two \"---\" lines saying what it is (kind: newsletter, season or episode) and\n"
    "where it belongs; the rest is its description or text. Covers are read relative to DIR.\n"
    "See docs/import-export.md. import json loads the output of kindred export into a site\n"
    "with no members yet (kindred init without --demo). Either way the import is all or\n"
    "nothing: a bad file is reported with its name and line, and nothing is kept.\n";
static const char USAGE_BENCH[] =
    "Usage: kindred bench seed --data DIR [--members N] [--episodes N] [--comments N]\n"
    "                          [--events N]\n"
    "\n"
    "Fills an empty site (kindred init --data DIR, without --demo) with synthetic members,\n"
    "newsletters, episodes and comments for benchmarks: by default 100,000 members, 100,000\n"
    "episodes and 1,000,000 comments, with one 2,000-word episode (" BENCH_LONG_READ ")\n"
    "carrying 100 comments in threads with reactions. bench_author and bench_reader log in\n"
    "with the password \"" BENCH_PASSWORD "\". Used by bench/run.\n"
    "\n"
    "--events N adds N insights events (default 0) through the same code as live ones: seasons\n"
    "whose readers drop off episode by episode, a core of regulars across seasons, reactions,\n"
    "comments, replies between members, build-ons and guests' views (docs/performance.md).\n";
static const char USAGE_EXPORT[] =
    "Usage: kindred export FILE\n"
    "\n"
    "Writes the whole site as JSON to FILE (\"-\": standard output): members with their password\n"
    "hashes (keep the file private), newsletters, co-authors, seasons, episodes, cover images\n"
    "and follows. kindred import json FILE into an empty site gives the same site back.\n";

static const char USAGE_MAIL[] =
    "Usage:\n"
    "  kindred mail test ADDRESS\n"
    "  kindred mail list [queued|sent|failed]\n"
    "  kindred mail retry\n"
    "  kindred mail notify [TIME]\n"
    "  kindred mail digests [TIME]\n"
    "\n"
    "mail test queues a short message to ADDRESS through the outbox, as any mail of the site:\n"
    "a running kindred serve with KINDRED_SMTP_URL sends it within a second or two, and mail\n"
    "list shows what the server answered. mail retry makes every queued message due now\n"
    "instead of at its backoff's end. mail notify and mail digests run the notification mail\n"
    "passes a running serve runs every minute, now, or as if it were TIME (UTC, such as\n"
    "2026-12-07T08:00Z): a digest due by then is sent, a notification younger than five\n"
    "minutes before then waits. Running them beside a serve sends nothing twice. See\n"
    "docs/mail.md.\n";

struct cli {
        struct config config;
        bool demo;
        bool member_mode;
        const char *email, *name, *role, *headline;
        unsigned members, episodes, comments; /* bench seed */
        unsigned events;                      /* bench seed --events */
};

enum {
        OPT_STATIC = 256,
        OPT_THREADS,
        OPT_SITE,
        OPT_SECURE,
        OPT_NO_ACCESS,
        OPT_DEMO,
        OPT_EMAIL,
        OPT_NAME,
        OPT_ROLE,
        OPT_HEADLINE,
        OPT_MEMBER,
        OPT_TRUST_PROXY,
        OPT_MAX_CONNECTIONS,
        OPT_LANGUAGE,
        OPT_MEMBERS,
        OPT_EPISODES,
        OPT_COMMENTS,
        OPT_DATABASE_URL,
        OPT_GUEST_EVENT_DAYS,
        OPT_NO_INSIGHTS,
        OPT_EVENTS,
        OPT_DB_POOL,
        OPT_NODE,
};

/* Parses options anywhere on the command line. Returns the index of the first operand in the
 * permuted argv, -1 on a bad option (message printed), or -2 when help was shown. */
static int parse_options(int argc, char **argv, struct cli *cli, const char *help)
{
        static const struct option opts[] = {
            {"data", required_argument, NULL, 'd'},
            {"database-url", required_argument, NULL, OPT_DATABASE_URL},
            {"listen", required_argument, NULL, 'l'},
            {"static", required_argument, NULL, OPT_STATIC},
            {"threads", required_argument, NULL, OPT_THREADS},
            {"db-pool", required_argument, NULL, OPT_DB_POOL},
            {"node", required_argument, NULL, OPT_NODE},
            {"site-name", required_argument, NULL, OPT_SITE},
            {"secure-cookies", no_argument, NULL, OPT_SECURE},
            {"no-access-log", no_argument, NULL, OPT_NO_ACCESS},
            {"trust-proxy", no_argument, NULL, OPT_TRUST_PROXY},
            {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
            {"language", required_argument, NULL, OPT_LANGUAGE},
            {"members", required_argument, NULL, OPT_MEMBERS},
            {"episodes", required_argument, NULL, OPT_EPISODES},
            {"comments", required_argument, NULL, OPT_COMMENTS},
            {"events", required_argument, NULL, OPT_EVENTS},
            {"demo", no_argument, NULL, OPT_DEMO},
            {"guest-event-days", required_argument, NULL, OPT_GUEST_EVENT_DAYS},
            {"no-insights", no_argument, NULL, OPT_NO_INSIGHTS},
            {"email", required_argument, NULL, OPT_EMAIL},
            {"name", required_argument, NULL, OPT_NAME},
            {"role", required_argument, NULL, OPT_ROLE},
            {"headline", required_argument, NULL, OPT_HEADLINE},
            {"member", no_argument, NULL, OPT_MEMBER},
            {"help", no_argument, NULL, 'h'},
            {"version", no_argument, NULL, 'V'},
            {NULL, 0, NULL, 0},
        };
        optind = 1;
        int c;
        unsigned long n;
        while ((c = getopt_long(argc, argv, "d:l:hV", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        cli->config.data_dir = optarg;
                        break;
                case 'l':
                        cli->config.listen = optarg;
                        break;
                case OPT_DATABASE_URL:
                        if (!db_target_is_postgresql(optarg)) {
                                fprintf(stderr, "kindred: --database-url wants a "
                                                "postgresql://... URL\n");
                                return -1;
                        }
                        cli->config.database_url = optarg;
                        break;
                case OPT_STATIC:
                        cli->config.static_dir = optarg;
                        break;
                case OPT_DB_POOL:
                        if (config_parse_uint(optarg, 0, 1024, &n) < 0) {
                                fprintf(stderr, "kindred: --db-pool wants 0 to 1024\n");
                                return -1;
                        }
                        cli->config.db_pool = (unsigned)n;
                        break;
                case OPT_NODE:
                        cli->config.node = optarg;
                        break;
                case OPT_THREADS:
                        if (config_parse_uint(optarg, 0, 256, &n) < 0) {
                                fprintf(stderr, "kindred: --threads wants 0 to 256\n");
                                return -1;
                        }
                        cli->config.threads = (unsigned)n;
                        break;
                case OPT_SITE:
                        cli->config.site_name = optarg;
                        break;
                case OPT_SECURE:
                        cli->config.secure_cookies = true;
                        break;
                case OPT_NO_ACCESS:
                        cli->config.access_log = false;
                        break;
                case OPT_TRUST_PROXY:
                        cli->config.trust_proxy = true;
                        break;
                case OPT_MAX_CONNECTIONS:
                        if (config_parse_uint(optarg, 64, 1000000, &n) < 0) {
                                fprintf(stderr, "kindred: --max-connections wants 64 to 1000000\n");
                                return -1;
                        }
                        cli->config.max_connections = (unsigned)n;
                        break;
                case OPT_LANGUAGE: {
                        const struct locale *l = i18n_find(optarg);
                        if (!l) {
                                fprintf(stderr,
                                        "kindred: --language %s has no catalog (try en or zh-CN)\n",
                                        optarg);
                                return -1;
                        }
                        cli->config.language = i18n_tag(l);
                        break;
                }
                case OPT_DEMO:
                        cli->demo = true;
                        break;
                case OPT_GUEST_EVENT_DAYS:
                        if (config_parse_uint(optarg, 1, KD_GUEST_EVENT_DAYS_MAX, &n) < 0) {
                                fprintf(stderr, "kindred: --guest-event-days wants 1 to %d\n",
                                        KD_GUEST_EVENT_DAYS_MAX);
                                return -1;
                        }
                        cli->config.guest_event_days = (unsigned)n;
                        break;
                case OPT_NO_INSIGHTS:
                        cli->config.insights = false;
                        break;
                case OPT_EMAIL:
                        cli->email = optarg;
                        break;
                case OPT_NAME:
                        cli->name = optarg;
                        break;
                case OPT_ROLE:
                        cli->role = optarg;
                        break;
                case OPT_MEMBERS:
                case OPT_EPISODES:
                case OPT_COMMENTS:
                        if (config_parse_uint(optarg, c == OPT_COMMENTS ? 200 : 1, 10000000, &n) <
                            0) {
                                fprintf(stderr, "kindred: --members, --episodes want 1 to "
                                                "10000000, --comments 200 to 10000000\n");
                                return -1;
                        }
                        if (c == OPT_MEMBERS)
                                cli->members = (unsigned)n;
                        else if (c == OPT_EPISODES)
                                cli->episodes = (unsigned)n;
                        else
                                cli->comments = (unsigned)n;
                        break;
                case OPT_EVENTS:
                        if (config_parse_uint(optarg, 0, 100000000, &n) < 0) {
                                fprintf(stderr, "kindred: --events wants 0 to 100000000\n");
                                return -1;
                        }
                        cli->events = (unsigned)n;
                        break;
                case OPT_HEADLINE:
                        cli->headline = optarg;
                        break;
                case OPT_MEMBER:
                        cli->member_mode = true;
                        break;
                case 'h':
                        fputs(help, stdout);
                        return -2;
                case 'V':
                        printf("kindred %s\n", KINDRED_VERSION);
                        return -2;
                default:
                        fprintf(stderr, "Try 'kindred --help'.\n");
                        return -1;
                }
        }
        return optind;
}

/* True when the data folder holds a site: a kindred.db that is not empty. Otherwise says so
 * (naming the path) and how to make one. Only `kindred init` creates a site, so a mistyped
 * --data never silently serves, or writes into, a new empty one. */
static bool site_exists(const struct config *c)
{
        struct stat st;
        char *path = config_db_path(c);
        bool ok = true;
        if (stat(c->data_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
                fprintf(stderr, "kindred: there is no site at %s: the folder does not exist.\n",
                        c->data_dir);
                ok = false;
        } else if (!c->database_url && (stat(path, &st) != 0 || st.st_size == 0)) {
                fprintf(stderr, "kindred: there is no site at %s: %s is %s.\n", c->data_dir, path,
                        stat(path, &st) != 0 ? "missing" : "empty (0 bytes)");
                ok = false;
        }
        if (!ok)
                fprintf(stderr, "Create a site with: kindred init --data %s\n", c->data_dir);
        free(path);
        return ok;
}

/* Opens the site's database and applies migrations; `create` (only for init) makes the data
 * folder and the database when they are missing. */
static struct db *open_migrated_site(const struct config *c, bool create)
{
        if (!create && !site_exists(c))
                return NULL;
        if (create && mkdir(c->data_dir, 0750) != 0 && errno != EEXIST) {
                fprintf(stderr, "kindred: cannot create data folder %s: %s\n", c->data_dir,
                        strerror(errno));
                return NULL;
        }
        char *target = config_db_target(c);
        struct db *db = NULL;
        if (db_open_url(target, &db) != DB_OK) {
                /* a URL may hold a password: name only the data folder's file */
                fprintf(stderr, "kindred: cannot open database %s\n",
                        c->database_url ? "KINDRED_DATABASE_URL (see the log above)" : target);
                free(target);
                return NULL;
        }
        free(target);
        int applied = 0;
        int version = db_schema_version(db);
        if (version > db_schema_latest()) {
                fprintf(stderr,
                        "kindred: the database's schema (version %d) is newer than this kindred "
                        "%s knows (version %d): upgrade kindred, do not migrate.\n",
                        version, KINDRED_VERSION, db_schema_latest());
                db_close(db);
                return NULL;
        }
        if (db_migrate(db, &applied) != DB_OK) {
                fprintf(stderr, "kindred: migration failed\n");
                db_close(db);
                return NULL;
        }
        /* On PostgreSQL every image's bytes belong in the database (migration 010), so any
         * node can serve it; images stored before that are copied in from this folder. A
         * failure leaves them served as before by the node that has the files. */
        if (media_backfill(db, c->data_dir, NULL, NULL) != MEDIA_OK)
                log_warn("media: could not copy every image from %s/media into the database",
                         c->data_dir);
        return db;
}

/* One `kindred serve` per data folder: a second would keep its own page cache and throttles
 * and serve stale pages. An exclusive lock on DATA/kindred.lock, held while serving (the
 * kernel drops it when the process ends, however it ends). Returns the descriptor or -1. */
static int lock_data_folder(const struct config *c)
{
        char path[4096];
        if ((size_t)snprintf(path, sizeof(path), "%s/kindred.lock", c->data_dir) >= sizeof(path)) {
                fprintf(stderr, "kindred: the data folder's path is too long\n");
                return -1;
        }
        if (!site_exists(c))
                return -1;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0) {
                fprintf(stderr, "kindred: cannot open %s: %s\n", path, strerror(errno));
                return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
                char pid[32] = "";
                ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
                pid[n > 0 ? n : 0] = '\0';
                pid[strcspn(pid, "\n")] = '\0';
                fprintf(stderr,
                        "kindred: another kindred serve (process %s) is already serving the "
                        "data folder %s; stop it first. Several nodes share one site through "
                        "PostgreSQL, not one data folder.\n",
                        *pid ? pid : "unknown", c->data_dir);
                close(fd);
                return -1;
        }
        char pid[32];
        int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
                log_warn("could not write the process id into %s", path);
        return fd; /* kept open, so locked, until the process ends */
}

/* After a command wrote many rows: SQLite's search index takes them now rather than the
 * server's indexer at its next start (model/search_index.h). Should it fail, the server's
 * indexer takes them later. */
static void index_for_search(struct db *db)
{
        if (search_index_all(db) != 0)
                fprintf(stderr, "kindred: the search index did not take the new rows yet; the "
                                "server will index them\n");
}

static int cmd_serve(struct cli *cli)
{
        /* glibc gives each thread an arena of its own and keeps what it frees; two are plenty
         * for a few workers and keep the resident size down (measured in bench/run). */
        mallopt(M_ARENA_MAX, 2);
        /* SQLite: one serve per data folder. PostgreSQL: several nodes may share a folder (it
         * then holds only media/), and the database keeps them in step (model/cluster.h). */
        if (!cli->config.database_url && lock_data_folder(&cli->config) < 0)
                return 1;
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        /* Resized copies for images stored before migration 017 or brought in by an import
         * (model/image_variants.h); once made they are recorded, so later starts skip them. */
        if (image_variants_backfill(db, cli->config.data_dir) < 0)
                log_warn("images: could not make every resized copy; they are made on request");
        db_close(db);
        /* an hour is far longer than any image takes to write */
        media_sweep_partials(cli->config.data_dir, 3600);
        struct app app;
        if (app_init(&app, &cli->config) < 0)
                return 1;
        int rc = app_serve(&app);
        app_cleanup(&app);
        return rc;
}

static int cmd_init(struct cli *cli)
{
        struct db *db = open_migrated_site(&cli->config, true);
        if (!db)
                return 1;
        int rc = 0;
        if (cli->config.database_url)
                printf("Database ready in PostgreSQL (schema %d)\n", db_schema_version(db));
        else
                printf("Database ready at %s/kindred.db (schema %d)\n", cli->config.data_dir,
                       db_schema_version(db));
        if (cli->demo) {
                struct import_report report = {0};
                int added = demo_seed(db, cli->config.data_dir, &report);
                if (added < 0) {
                        fprintf(stderr, "kindred: could not add demo content%s%s\n",
                                *report.error ? ": " : "", report.error);
                        rc = 1;
                } else if (added > 0) {
                        index_for_search(db);
                        printf("Added %d demo members, %d newsletters, %d seasons and %d "
                               "episodes.\n",
                               added, report.newsletters, report.seasons, report.episodes);
                        printf("Each demo member logs in with password \"%s\"\n"
                               "(admin: admin, authors: mira, tomas, moderator: june, readers: "
                               "sam, liwei, ana)\n",
                               DEMO_PASSWORD);
                } else {
                        printf("The site already has members; no demo content added.\n");
                }
        }
        db_close(db);
        return rc;
}

static int cmd_migrate(struct cli *cli)
{
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        printf("Schema is at version %d\n", db_schema_version(db));
        /* the first time after migration 023, the search index moves into its own file */
        if (search_index_prepare(db) != 0)
                fprintf(stderr, "kindred: the search index's file is not ready; the server will "
                                "try again\n");
        db_close(db);
        return 0;
}

/* Reads the new member's password from KINDRED_PASSWORD or standard input. */
static char *read_password(void)
{
        const char *env = getenv("KINDRED_PASSWORD");
        if (env && *env)
                return strdup(env);
        if (isatty(STDIN_FILENO)) {
                fprintf(stderr, "Password (at least 10 characters): ");
                fflush(stderr);
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t n = getline(&line, &cap, stdin);
        if (n <= 0) {
                free(line);
                return NULL;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                line[--n] = '\0';
        return line;
}

static const char *member_error(int rc)
{
        switch (rc) {
        case MEMBER_HANDLE_TAKEN:
                return "that handle is taken";
        case MEMBER_EMAIL_TAKEN:
                return "that email is in use";
        case MEMBER_NOT_FOUND:
                return "no member has that handle";
        default:
                return "the database failed";
        }
}

static void print_member(const struct member *m, void *ctx)
{
        (void)ctx;
        printf("%-20s %-10s %-9s %s\n", m->handle, role_name(m->role),
               m->disabled ? "disabled" : "active", m->display_name);
}

static int cmd_member(struct cli *cli, int argc, char **argv)
{
        if (argc < 1) {
                fputs(USAGE_MEMBER, stderr);
                return 2;
        }
        const char *sub = argv[0];
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        int rc = 1;
        struct arena *a = arena_new();
        if (strcmp(sub, "add") == 0 && argc == 2) {
                enum role role = cli->role ? role_parse(cli->role) : ROLE_READER;
                if (role == ROLE_NONE) {
                        fprintf(stderr, "kindred: unknown role \"%s\"\n", cli->role);
                        goto cleanup;
                }
                if (!cli->email) {
                        fprintf(stderr, "kindred: member add needs --email\n");
                        goto cleanup;
                }
                char *password = read_password();
                if (!password) {
                        fprintf(stderr, "kindred: no password given\n");
                        goto cleanup;
                }
                struct member_input in = {argv[1],
                                          cli->name ? cli->name : argv[1],
                                          cli->headline ? cli->headline : "",
                                          "",
                                          cli->email,
                                          password};
                struct member_problem p = {0};
                int64_t id;
                int mrc = member_create(db, &in, role, &id, &p);
                sodium_memzero(password, strlen(password));
                free(password);
                if (mrc == MEMBER_INVALID)
                        fprintf(stderr, "kindred: %s: %s\n", p.field, p.message);
                else if (mrc != MEMBER_OK)
                        fprintf(stderr, "kindred: %s\n", member_error(mrc));
                else {
                        printf("Added @%s as %s\n", argv[1], role_name(role));
                        rc = 0;
                }
        } else if (strcmp(sub, "list") == 0 && argc == 1) {
                rc = member_each(db, a, print_member, NULL) == MEMBER_OK ? 0 : 1;
        } else if (strcmp(sub, "set-role") == 0 && argc == 3) {
                enum role role = role_parse(argv[2]);
                if (role == ROLE_NONE) {
                        fprintf(stderr, "kindred: unknown role \"%s\"\n", argv[2]);
                        goto cleanup;
                }
                int mrc = member_set_role(db, argv[1], role);
                if (mrc != MEMBER_OK)
                        fprintf(stderr, "kindred: %s\n", member_error(mrc));
                else {
                        printf("@%s is now %s\n", argv[1], role_name(role));
                        rc = 0;
                }
        } else if ((strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) && argc == 2) {
                bool disable = strcmp(sub, "disable") == 0;
                int mrc = member_set_disabled(db, argv[1], disable);
                if (mrc != MEMBER_OK)
                        fprintf(stderr, "kindred: %s\n", member_error(mrc));
                else {
                        printf("@%s is %s\n", argv[1], disable ? "disabled" : "enabled");
                        rc = 0;
                }
        } else {
                fputs(USAGE_MEMBER, stderr);
                rc = 2;
        }
cleanup:
        arena_free(a);
        db_close(db);
        /* A server serving this SQLite site keeps sessions and roles in memory: tell it (with
         * PostgreSQL, nodes read the session row per request; http/member_cache.h). */
        if (rc == 0 && !cli->config.database_url &&
            member_cache_announce(cli->config.data_dir) != 0)
                fprintf(stderr, "kindred: a running server may keep the old role for its "
                                "sessions until it restarts\n");
        return rc;
}

/* Prints the HTML of the Markdown file at path ("-": standard input). Returns the exit status. */
static int cmd_render(struct cli *cli, const char *path)
{
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (!f) {
                fprintf(stderr, "kindred: cannot open %s: %s\n", path, strerror(errno));
                return 1;
        }
        /* One byte past the limit is enough for mdr_render to refuse the text. */
        size_t cap = KD_MAX_MARKDOWN_BYTES + 1;
        char *text = xmalloc(cap);
        size_t len = fread(text, 1, cap, f);
        bool read_failed = ferror(f);
        if (f != stdin)
                fclose(f);
        int rc = 1;
        struct mdr_result r = {0};
        if (read_failed) {
                fprintf(stderr, "kindred: cannot read %s\n", path);
                goto cleanup;
        }
        if (mdr_render(text, len, cli->member_mode ? MDR_MEMBER : MDR_ARTICLE, &r) < 0) {
                fprintf(stderr, "kindred: %s\n", r.error_message);
                goto cleanup;
        }
        if (r.html.len)
                fwrite(r.html.data, 1, r.html.len, stdout);
        rc = fflush(stdout) == 0 ? 0 : 1;
cleanup:
        mdr_result_free(&r);
        free(text);
        return rc;
}

static int cmd_import(struct cli *cli, const char *kind, const char *path)
{
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        struct import_report r = {0};
        int rc;
        if (strcmp(kind, "markdown") == 0) {
                rc = import_markdown_dir(db, cli->config.data_dir, path, &r);
        } else {
                struct buf text = BUF_INIT;
                FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
                if (!f) {
                        fprintf(stderr, "kindred: cannot open %s: %s\n", path, strerror(errno));
                        db_close(db);
                        return 1;
                }
                char chunk[65536];
                size_t n;
                while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                        buf_append(&text, chunk, n);
                if (f != stdin)
                        fclose(f);
                rc =
                    import_json(db, cli->config.data_dir, text.data ? text.data : "", text.len, &r);
                buf_free(&text);
        }
        if (rc == 0)
                index_for_search(db);
        db_close(db);
        if (rc != 0) {
                fprintf(stderr, "kindred: nothing was imported: %s\n", r.error);
                return 1;
        }
        printf("Imported %d members, %d newsletters, %d seasons, %d episodes and %d images.\n",
               r.members, r.newsletters, r.seasons, r.episodes, r.images);
        return 0;
}

static int cmd_bench_seed(struct cli *cli)
{
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        struct bench_seed_options o = {
            .members = cli->members ? (int)cli->members : 100000,
            .episodes = cli->episodes ? (int)cli->episodes : 100000,
            .comments = cli->comments ? (int)cli->comments : 1000000,
            .hot_comments = 100,
            .long_read_words = 2000,
            .events = cli->events,
        };
        int rc = bench_seed(db, &o);
        if (rc == 0)
                index_for_search(db);
        db_close(db);
        return rc == 0 ? 0 : 1;
}

static int cmd_export(struct cli *cli, const char *path)
{
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        struct buf out = BUF_INIT;
        char error[256];
        int rc = export_json(db, cli->config.data_dir, &out, error, sizeof(error));
        db_close(db);
        if (rc != 0) {
                fprintf(stderr, "kindred: export failed: %s\n", error);
                buf_free(&out);
                return 1;
        }
        bool to_stdout = strcmp(path, "-") == 0;
        /* Write next to the target and rename, so a failed export never leaves half a file. */
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s.partial", path);
        FILE *f = to_stdout ? stdout : fopen(tmp, "wb");
        if (!f) {
                fprintf(stderr, "kindred: cannot write %s: %s\n", tmp, strerror(errno));
                buf_free(&out);
                return 1;
        }
        bool ok = fwrite(out.data, 1, out.len, f) == out.len;
        ok = (to_stdout ? fflush(f) : fclose(f)) == 0 && ok;
        if (!to_stdout && ok && rename(tmp, path) != 0)
                ok = false;
        if (!ok) {
                fprintf(stderr, "kindred: cannot write %s\n", path);
                if (!to_stdout)
                        unlink(tmp);
        }
        buf_free(&out);
        return ok ? 0 : 1;
}

/* Works every member's rule badges out again (after an upgrade that changed a rule, or data
 * written outside the site). Awarded and revoked badges stay as they are. */
static int cmd_badges_refresh(struct cli *cli)
{
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        int added = badges_refresh_all(db);
        db_close(db);
        if (added < 0) {
                fprintf(stderr, "kindred: the badges could not be refreshed\n");
                return 1;
        }
        printf("Badges refreshed: %d newly earned\n", added);
        return 0;
}

/* Loads insights history (docs/insights.md, "Loading history"): every line is checked before
 * anything is written, then the events go in batches through the same code as live ones. */
static int cmd_events_load(struct cli *cli, const char *path)
{
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (!f) {
                fprintf(stderr, "kindred: cannot open %s: %s\n", path, strerror(errno));
                return 1;
        }
        size_t cap = 4096, n = 0, lineno = 0;
        struct event *ev = malloc(cap * sizeof(*ev));
        char *line = NULL;
        size_t linecap = 0;
        ssize_t len;
        int rc = 0;
        while (ev && (len = getline(&line, &linecap, f)) >= 0) {
                lineno++;
                while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                        len--;
                if (len == 0 || line[0] == '#')
                        continue;
                if (n == cap) {
                        struct event *grown = realloc(ev, cap * 2 * sizeof(*ev));
                        if (!grown)
                                break;
                        ev = grown;
                        cap *= 2;
                }
                if (event_parse_line(line, (size_t)len, &ev[n]) != 0) {
                        fprintf(stderr, "kindred: %s:%zu: not an event line (nothing was loaded)\n",
                                path, lineno);
                        rc = 1;
                        break;
                }
                n++;
        }
        free(line);
        if (f != stdin)
                fclose(f);
        if (!ev) {
                fprintf(stderr, "kindred: out of memory\n");
                return 1;
        }
        struct db *db = rc == 0 ? open_migrated_site(&cli->config, false) : NULL;
        size_t skipped = 0;
        if (rc == 0 && !db)
                rc = 1;
        for (size_t at = 0; rc == 0 && at < n; at += 10000) {
                size_t chunk = n - at < 10000 ? n - at : 10000, s = 0;
                if (event_apply(db, ev + at, chunk, &s) != 0) {
                        fprintf(stderr, "kindred: events from line %zu on were not loaded\n",
                                at + 1);
                        rc = 1;
                }
                skipped += s;
        }
        db_close(db);
        free(ev);
        if (rc == 0)
                printf("Loaded %zu events (%zu skipped: their episode is gone).\n", n - skipped,
                       skipped);
        return rc;
}

/* kindred mail ...: the outbox from the command line (docs/mail.md). */
static void print_mail_row(const struct mail_row *r, void *ctx)
{
        (void)ctx;
        char when[32];
        time_t t = (time_t)(r->finished_at ? r->finished_at : r->created_at);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        printf("%-6lld %-7s %s  %d  %-10s %s  <%s>  %s\n", (long long)r->id, r->state, when,
               r->attempts, r->purpose, r->recipient, r->message_id,
               *r->last_answer ? r->last_answer : "-");
}

/* kindred mail notify|digests [TIME]: one pass now, as the serve runs it every minute. */
static int cmd_mail_notify(struct cli *cli, bool digests, int64_t at)
{
        if (mail_outbox_setup(&cli->config) != 0)
                return 1;
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        /* links in the mail need the site's address even without KINDRED_BASE_URL */
        if (!cli->config.base_url || !*cli->config.base_url)
                fprintf(stderr, "kindred: no KINDRED_BASE_URL: links in the mail will not work "
                                "outside this machine\n");
        int n = digests ? notify_mail_digests(db, &cli->config, at)
                        : notify_mail_immediate(db, &cli->config, at);
        db_close(db);
        if (n < 0) {
                fprintf(stderr, "kindred: the pass failed (the log says why)\n");
                return 1;
        }
        printf("%d %s queued\n", n,
               digests ? (n == 1 ? "digest" : "digests") : (n == 1 ? "mail" : "mails"));
        return 0;
}

static int cmd_mail(struct cli *cli, int argc, char **argv)
{
        bool test = argc == 2 && strcmp(argv[0], "test") == 0;
        bool list = (argc == 1 || argc == 2) && strcmp(argv[0], "list") == 0;
        bool retry = argc == 1 && strcmp(argv[0], "retry") == 0;
        bool notify = (argc == 1 || argc == 2) &&
                      (strcmp(argv[0], "notify") == 0 || strcmp(argv[0], "digests") == 0);
        int64_t at = time(NULL);
        if (notify && argc == 2 && time_parse_iso8601(argv[1], &at) != 0) {
                fprintf(stderr, "kindred: %s is not a time such as 2026-12-07T08:00Z\n", argv[1]);
                return 2;
        }
        if (notify)
                return cmd_mail_notify(cli, strcmp(argv[0], "digests") == 0, at);
        if (!test && !list && !retry) {
                fputs(USAGE_MAIL, stderr);
                return 2;
        }
        if (list && argc == 2 && strcmp(argv[1], "queued") != 0 && strcmp(argv[1], "sent") != 0 &&
            strcmp(argv[1], "failed") != 0) {
                fputs(USAGE_MAIL, stderr);
                return 2;
        }
        if (mail_outbox_setup(&cli->config) != 0)
                return 1;
        struct db *db = open_migrated_site(&cli->config, false);
        if (!db)
                return 1;
        int rc = 1;
        if (test) {
                const char *to = argv[1];
                char text[1024];
                snprintf(text, sizeof(text),
                         "This is a test message from %s.\n\nIt went through the outbox like "
                         "any mail of the site: if you read it, mail works.\n",
                         cli->config.site_name);
                struct buf html = BUF_INIT;
                buf_puts(&html,
                         "<!DOCTYPE html><html><body><p>This is a test message from <strong>");
                html_text(&html, cli->config.site_name);
                buf_puts(&html, "</strong>.</p><p>It went through the outbox like any mail of the "
                                "site: if you read it, mail works.</p></body></html>");
                char subject[256];
                snprintf(subject, sizeof(subject), "Test message from %s", cli->config.site_name);
                struct mail_message m = {.to_address = to,
                                         .subject = subject,
                                         .text = text,
                                         .html = html.data,
                                         .auto_generated = true};
                int64_t id = 0;
                enum mail_queue_result q = MAIL_DB_ERROR;
                if (db_begin(db) == DB_OK) {
                        q = mail_queue(db, "test", &m, time(NULL), &id);
                        if (q == MAIL_QUEUED ? db_commit(db) != DB_OK : db_rollback(db) != DB_OK)
                                q = MAIL_DB_ERROR;
                }
                if (q == MAIL_QUEUED) {
                        printf("Queued message %lld to %s\n", (long long)id, to);
                        rc = 0;
                } else if (q == MAIL_REFUSED) {
                        fprintf(stderr,
                                "kindred: the message was refused (the log says why): is %s an "
                                "address mail can be sent to?\n",
                                to);
                } else if (q == MAIL_SUPPRESSED) {
                        fprintf(stderr,
                                "kindred: %s refused mail for good before; nothing is sent to "
                                "it (docs/mail.md, \"Refused addresses\")\n",
                                to);
                } else {
                        fprintf(stderr, "kindred: the message could not be queued\n");
                }
                buf_free(&html);
        } else if (list) {
                rc = mail_outbox_each(db, argc == 2 ? argv[1] : NULL, 50, print_mail_row, NULL) < 0;
        } else {
                long n = mail_outbox_retry_now(db, time(NULL));
                if (n >= 0) {
                        printf("%ld queued message%s due now\n", n, n == 1 ? "" : "s");
                        rc = 0;
                }
        }
        db_close(db);
        return rc;
}

int main(int argc, char **argv)
{
        if (sodium_init() < 0) {
                fprintf(stderr, "kindred: libsodium failed to start\n");
                return 1;
        }
        /* before any thread: libcurl's global state (its TLS library's) is set up once */
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                fprintf(stderr, "kindred: libcurl failed to start\n");
                return 1;
        }
        struct cli cli = {0};
        config_defaults(&cli.config);
        if (config_from_env(&cli.config) < 0)
                return 2;

        /* The command is the first word that is not an option. */
        int cmd_at = 1;
        while (cmd_at < argc && argv[cmd_at][0] == '-')
                cmd_at++;
        const char *cmd = cmd_at < argc ? argv[cmd_at] : NULL;
        const char *help = USAGE;
        if (cmd && strcmp(cmd, "serve") == 0)
                help = USAGE_SERVE;
        else if (cmd && strcmp(cmd, "init") == 0)
                help = USAGE_INIT;
        else if (cmd && strcmp(cmd, "migrate") == 0)
                help = USAGE_MIGRATE;
        else if (cmd && strcmp(cmd, "member") == 0)
                help = USAGE_MEMBER;
        else if (cmd && strcmp(cmd, "render") == 0)
                help = USAGE_RENDER;
        else if (cmd && strcmp(cmd, "import") == 0)
                help = USAGE_IMPORT;
        else if (cmd && strcmp(cmd, "export") == 0)
                help = USAGE_EXPORT;
        else if (cmd && strcmp(cmd, "bench") == 0)
                help = USAGE_BENCH;
        else if (cmd && strcmp(cmd, "mail") == 0)
                help = USAGE_MAIL;

        int first = parse_options(argc, argv, &cli, help);
        if (first == -2)
                return 0;
        if (first < 0)
                return 2;
        /* getopt_long has moved the operands to the end, command first */
        int nargs = argc - first;
        char **args = argv + first;
        if (nargs == 0) {
                fputs(USAGE, stderr);
                return 2;
        }
        if (strcmp(args[0], "help") == 0) {
                fputs(USAGE, stdout);
                return 0;
        }
        if (strcmp(args[0], "version") == 0) {
                printf("kindred %s\n", KINDRED_VERSION);
                return 0;
        }
        if (strcmp(args[0], "serve") == 0 && nargs == 1)
                return cmd_serve(&cli);
        if (strcmp(args[0], "init") == 0 && nargs == 1)
                return cmd_init(&cli);
        if (strcmp(args[0], "migrate") == 0 && nargs == 1)
                return cmd_migrate(&cli);
        if (strcmp(args[0], "member") == 0)
                return cmd_member(&cli, nargs - 1, args + 1);
        if (strcmp(args[0], "mail") == 0)
                return cmd_mail(&cli, nargs - 1, args + 1);
        if (strcmp(args[0], "badges") == 0 && nargs == 2 && strcmp(args[1], "refresh") == 0)
                return cmd_badges_refresh(&cli);
        if (strcmp(args[0], "events") == 0 && nargs == 3 && strcmp(args[1], "load") == 0)
                return cmd_events_load(&cli, args[2]);
        if (strcmp(args[0], "render") == 0) {
                if (nargs != 2) {
                        fputs(USAGE_RENDER, stderr);
                        return 2;
                }
                return cmd_render(&cli, args[1]);
        }
        if (strcmp(args[0], "import") == 0) {
                if (nargs != 3 ||
                    (strcmp(args[1], "markdown") != 0 && strcmp(args[1], "json") != 0)) {
                        fputs(USAGE_IMPORT, stderr);
                        return 2;
                }
                return cmd_import(&cli, args[1], args[2]);
        }
        if (strcmp(args[0], "bench") == 0) {
                if (nargs != 2 || strcmp(args[1], "seed") != 0) {
                        fputs(USAGE_BENCH, stderr);
                        return 2;
                }
                return cmd_bench_seed(&cli);
        }
        if (strcmp(args[0], "export") == 0) {
                if (nargs != 2) {
                        fputs(USAGE_EXPORT, stderr);
                        return 2;
                }
                return cmd_export(&cli, args[1]);
        }
        fprintf(stderr, "kindred: unknown command or arguments: %s\nTry 'kindred --help'.\n",
                args[0]);
        return 2;
}
