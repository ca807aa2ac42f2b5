/* Every size and rate limit in one place (STYLE.md habit 5); docs/configuration.md lists them. */
#ifndef KD_LIMITS_H
#define KD_LIMITS_H

/* HTTP request shape */
#define KD_MAX_URI_BYTES 2048 /* request path plus query string; longer: 414 */
#define KD_MAX_HEADER_BYTES                                                                        \
        (32 * 1024) /* all request headers together; libmicrohttpd answers 431 */
#define KD_MAX_BODY_BYTES       (1024 * 1024) /* request body of a form or JSON call; larger: 413 */
#define KD_MAX_DISCARD_BYTES    (16 * 1024 * 1024) /* over-large chunked body read before dropping */
#define KD_MAX_FIELDS           64                 /* form fields plus query arguments; more: 400 */
#define KD_MAX_FIELD_NAME_BYTES 64                 /* a field's name; longer: 400 */
#define KD_MAX_FIELD_BYTES      (64 * 1024) /* default bound of a declared text field; longer: 400 */
#define KD_MAX_ROUTE_PARAMS     4           /* :name segments in one route pattern */
#define KD_MAX_PATH_SEGMENTS    16          /* path segments matched by the router */

/* Connections */
#define KD_CONNECTION_TIMEOUT_S 30 /* idle keep-alive or slow client: closed after this */
#define KD_PER_IP_CONNECTIONS   64 /* concurrent connections from one address */
#define KD_CONNECTION_MEMORY                                                                       \
        (64 * 1024) /* libmicrohttpd pool per connection (headers live here)                       \
                     */
#define KD_MAX_CONNECTIONS                                                                         \
        4096                      /* default ceiling of open connections (KINDRED_MAX_CONNECTIONS) \
                                   */
#define KD_FD_RESERVE         256 /* file descriptors kept beside connections (database, files) */
#define KD_HEAD_DEADLINE_S    10  /* first byte of a request head to its last; slower: closed */
#define KD_BODY_DEADLINE_S    30  /* end of the head to the end of a body up to 1 MiB */
#define KD_UPLOAD_DEADLINE_S  300 /* the same for a larger body (an author's image upload) */
#define KD_SHED_IDLE_AFTER_MS 250 /* under pressure: idle keep-alives older than this are shed */
#define KD_SHED_HEAD_AFTER_MS 250 /* under pressure: unfinished heads older than this are shed */
#define KD_HEALTH_MIN_FREE_BYTES                                                                   \
        (64LL * 1024 * 1024) /* /healthz fails below this much free disk for the data folder */
#define KD_SHED_BODY_AFTER_MS 2000 /* under pressure: bodies still arriving after this are shed */
#define KD_SHED_FAIR_SHARE    8    /* under pressure: waiting connections one address keeps */
#define KD_SWEEP_INTERVAL_MS  100  /* how often deadlines and pressure are checked */

/* Accounts */
#define KD_HANDLE_MIN_CHARS     2
#define KD_HANDLE_MAX_CHARS     30
#define KD_DISPLAY_NAME_MAX     80   /* code points */
#define KD_HEADLINE_MAX         120  /* code points */
#define KD_BIO_MAX              2000 /* code points */
#define KD_EMAIL_MAX_BYTES      254
#define KD_PASSWORD_MIN_CHARS   10
#define KD_PASSWORD_MAX_BYTES   1024
#define KD_SESSION_DAYS_DEFAULT 30
/* How long the language switcher's cookie (kd_lang) lasts. */
#define KD_LANGUAGE_COOKIE_DAYS 365

/* Login throttling: failures before lockouts start, and the longest lockout */
#define KD_LOGIN_FREE_FAILS_PER_HANDLE 5
#define KD_LOGIN_FREE_FAILS_PER_IP     20
#define KD_LOGIN_MAX_LOCKOUT_S         (15 * 60)
#define KD_LOGIN_FAIL_WINDOW_S         (60 * 60) /* failures older than this are forgotten */
#define KD_THROTTLE_SLOTS              4096      /* tracked keys; the oldest are evicted */
/* Password hashes (argon2id, 19 MiB each while it runs: log-ins, sign-ups, password changes)
 * computed at once; more wait their turn. Without a bound, 16 log-ins at once on a server of 16
 * threads peaked at 262-300 MB (docs/performance.md); two keep two cores busy. */
#define KD_PASSWORD_HASHES_AT_ONCE 2

/* Markdown source of one article or comment; longer: error */
#define KD_MAX_MARKDOWN_BYTES (1024 * 1024)

/* Sign-ups per address per hour by default (KINDRED_SIGNUPS_PER_HOUR), against account farming */
#define KD_SIGNUPS_PER_IP_PER_HOUR 10

/* Images (covers): bytes of one upload, pixels a side, total pixels */
#define KD_MAX_IMAGE_BYTES  (8 * 1024 * 1024)
#define KD_MAX_IMAGE_SIDE   10000
#define KD_MAX_IMAGE_PIXELS (40 * 1000 * 1000)
/* A request body carrying an image upload (the image plus the rest of the form) */
#define KD_MAX_UPLOAD_BODY_BYTES (KD_MAX_IMAGE_BYTES + 2 * 1024 * 1024)
/* On PostgreSQL a node copies an image it lacks out of the database this many bytes at a time
 * (model/media_store.c): libpq holds a slice about four times over while decoding it, so a
 * first request for an 8 MB image costs a few MB, not a few dozen. */
#define KD_MEDIA_DB_SLICE_BYTES (1024 * 1024)
/* SQLite: a commit that leaves this many pages (4 KiB each, 16 MB) in the -wal file
 * checkpoints them into the database file, the last of them holding the writer's turn, as
 * SQLite's own auto-checkpoint did (every 1,000) before group commit took its hook
 * (db/db_sqlite.c). Fewer checkpoints copy a page written many times once: +12% durable
 * comments a second against 1,000 (docs/performance.md, "Checkpoints that let the WAL start
 * again"). */
#define KD_SQLITE_CHECKPOINT_FRAMES 4000
/* SQLite: how long such a checkpoint waits, at most, for readers of older pages to finish, so
 * that the -wal file starts again from its beginning; past it the checkpoint copies what it
 * can and the file grows until the next one. Writers wait meanwhile, so it stays short. */
#define KD_SQLITE_CHECKPOINT_WAIT_MS 20
/* SQLite: write transactions of one process that meet at the writer's turn run as savepoints of
 * one transaction on one shared connection, committed (and synced) once for all of them
 * (db/db_sqlite.c, "Batched transactions"); at most this many share one commit */
#define KD_SQLITE_BATCH_MAX 64
/* SQLite: while a sync runs, a batch whose last writer finds nobody waiting stays open for
 * those who come, until the sync ends (a commit would wait for it anyway), but no longer than
 * this */
#define KD_SQLITE_BATCH_HOLD_MS 100
/* SQLite: a connection keeps up to this many bytes of a transaction's -wal frames and writes
 * them at once (db/wal_vfs.c): 29 frames of 4 KiB pages a write. Below 128 KiB, the most
 * SQLite's Unix VFS writes in one call (a longer write is cut short and fails as a full disk).
 * Only connections that write hold one, as large as their commits have needed. */
#define KD_WAL_WRITE_BUFFER (120 * 1024)

/* Publishing */
#define KD_SLUG_MAX_BYTES        60   /* newsletter and episode slugs: a-z, 0-9, hyphens */
#define KD_TITLE_MAX             140  /* code points: newsletter, season and episode titles */
#define KD_SUBTITLE_MAX          240  /* code points */
#define KD_DESCRIPTION_MAX       4000 /* code points: newsletter and season descriptions */
#define KD_ALT_MAX               400  /* code points: cover alt text */
#define KD_CREDIT_MAX            200  /* code points: cover credit line */
#define KD_TEASER_MAX            280  /* code points: "next episode" teaser */
#define KD_EXCERPT_CHARS         220  /* code points kept for an episode's excerpt */
#define KD_COAUTHORS_MAX         8    /* co-authors of one newsletter */
#define KD_LIST_EPISODES         20   /* episodes on the home page and in feeds */
#define KD_MAX_SEASONS           999
#define KD_MAX_EPISODE_NUMBER    9999
#define KD_MAX_IMPORT_FILE_BYTES (2 * 1024 * 1024) /* one Markdown file of an import */
#define KD_MAX_IMPORT_FILES      10000

/* Conversation */
#define KD_COMMENT_MAX_CHARS   5000 /* code points of one comment's Markdown */
#define KD_QUOTE_MAX_CHARS     600  /* code points of a quoted passage */
#define KD_QUOTE_CONTEXT_CHARS 32   /* prefix/suffix kept around a quote, each side */
#define KD_THREAD_SHOWN_DEPTH  5 /* reply levels shown on a page; deeper: "continue this thread" */
#define KD_COMMENTS_PER_PAGE   500 /* comments on one page of a conversation (whole threads) */
#define KD_REPORT_NOTE_MAX     500 /* code points of a report's note */
/* Writes per member and per address (fixed windows); more: 429 with Retry-After */
#define KD_COMMENTS_PER_MEMBER_PER_MINUTE  6
#define KD_COMMENTS_PER_MEMBER_PER_HOUR    60
#define KD_REACTIONS_PER_MEMBER_PER_MINUTE 60
#define KD_REPORTS_PER_MEMBER_PER_HOUR     20
#define KD_WRITES_PER_IP_PER_MINUTE        120 /* comments, reactions, reports from one address */
/* Edits, deletions, hiding and restoring of member-written items, per member */
#define KD_EDITS_PER_MEMBER_PER_MINUTE 30
/* Items whose reaction summaries one query reads (reaction_summaries: a page asks for more in
 * several queries); keeps every statement's parameter count far below SQLite's limit */
#define KD_REACTION_IDS_PER_QUERY 100

/* Asks (docs/participation.md): a topic's title and its few lines, the authors' note, a page */
#define KD_ASK_TITLE_MAX                   120  /* code points of an ask's title (one line) */
#define KD_ASK_BODY_MAX                    1000 /* code points of an ask's Markdown */
#define KD_ASK_BODY_MAX_LINES              12   /* lines of an ask's Markdown */
#define KD_ASK_NOTE_MAX                    500  /* code points of a decision's note or reason */
#define KD_ASKS_PER_PAGE                   20   /* asks on one page of a list */
#define KD_ASK_VOTERS_SHOWN                12   /* voters named on an ask's page */
#define KD_ASK_EPISODE_CHOICES             200  /* episodes offered to link as covering an ask */
#define KD_ASKS_PER_MEMBER_PER_DAY         5    /* asks proposed per member */
#define KD_ASK_VOTES_PER_MEMBER_PER_MINUTE 30   /* votes cast or taken back per member */
#define KD_ASK_CHANGES_PER_MEMBER_PER_HOUR 60   /* edits, deletions, decisions, hiding per member */
/* Prompts ("Questions for you", docs/participation.md) */
#define KD_PROMPTS_PER_EPISODE                5   /* questions one episode asks */
#define KD_PROMPT_MAX_CHARS                   300 /* code points of one question */
#define KD_PROMPT_CHANGES_PER_MEMBER_PER_HOUR 60  /* closing and reopening questions */
/* "I tried this" */
#define KD_TRIED_NOTE_MAX                   500 /* code points of what was tried, and of the outcome note */
#define KD_TRIED_SHOWN                      5  /* recent notes on the episode page */
#define KD_TRIED_PER_PAGE                   30 /* notes on one page of the list and of the API */
#define KD_TRIED_WRITES_PER_MEMBER_PER_HOUR 30 /* records, outcomes and withdrawals */

/* Spaces (docs/participation.md#spaces) and the member directory */
#define KD_SPACE_TITLE_MAX             80          /* code points of a space's title */
#define KD_SPACE_DESCRIPTION_MAX       2000        /* code points of a space's description */
#define KD_SPACES_LISTED               100         /* spaces on /spaces (admins create them) */
#define KD_THREAD_TITLE_MAX            140         /* code points of a thread's title */
#define KD_POST_MAX_CHARS              5000        /* code points of one post's Markdown */
#define KD_THREADS_PER_PAGE            20          /* threads on one page of a space */
#define KD_POSTS_PER_PAGE              50          /* posts on one page of a thread */
#define KD_SPACE_ACTIVE_MEMBERS        8           /* "most active members" of a space */
#define KD_PARENT_EXCERPT_CHARS        90          /* the quoted line of a post replied to */
#define KD_DIRECTORY_PER_PAGE          30          /* members on one page of /members */
#define KD_DIRECTORY_QUERY_MAX         80          /* code points of a directory search */
#define KD_ACTIVE_WEEK_S               (7 * 86400) /* "who is here": active this long ago */
#define KD_ACTIVE_SIGNIN_EVERY_S       3600        /* a session refreshes active_at this often */
#define KD_ACTIVE_POST_EVERY_S         60          /* a comment or a post refreshes it this often */
#define KD_THREADS_PER_MEMBER_PER_HOUR 6
#define KD_POSTS_PER_MEMBER_PER_MINUTE 6
#define KD_POSTS_PER_MEMBER_PER_HOUR   60

/* Site search (docs/search.md; model/search.h): episodes, comments and members */
#define KD_SEARCH_QUERY_MAX               120  /* code points of a search query */
#define KD_SEARCH_TERMS_MAX               5    /* words of a query that are matched */
#define KD_SEARCH_TERM_MIN_CHARS          3    /* shorter words are not matched (trigram index) */
#define KD_SEARCH_PER_PAGE                20   /* results on one page of /search */
#define KD_SEARCH_PAGES_MAX               25   /* pages reachable: the offset stays bounded */
#define KD_SEARCH_CANDIDATES              1000 /* newest matches ranked (common words) */
#define KD_SEARCH_SNIPPET_CHARS           180  /* code points of a result's snippet */
#define KD_SEARCH_SNIPPET_LEAD_CHARS      50   /* of them before the first match */
#define KD_SEARCHES_PER_CLIENT_PER_MINUTE 40   /* searches from one member or address */
/* SQLite: the search index's file is kept by a thread of its own (model/search_index.h): a
 * pass every KD_SEARCH_INDEX_MS takes at most KD_SEARCH_PASS_ROWS new rows (then another at
 * once); a search first takes at most KD_SEARCH_CATCH_UP_ROWS of those waiting, so what was
 * committed is found, while a search during a rebuild of the whole index stays short */
#define KD_SEARCH_INDEX_MS      200
#define KD_SEARCH_PASS_ROWS     20000
#define KD_SEARCH_CATCH_UP_ROWS 2000
/* SQLite: FTS5 merges a level's segments once it holds this many (its default is 4). A pass of
 * 1,500 new comments costs 6.5 us of CPU a row at 16 against 19.0 at 4 (docs/performance.md,
 * "The search index merges less often"), and the newest 1,000 matches of a word are found as
 * fast */
#define KD_SEARCH_AUTOMERGE 16
/* SQLite: the page cache of a connection to the search index's file, for the index and for the
 * site attached to it, each (SQLite's default is 2,048 KiB) */
#define KD_SQLITE_SEARCH_CACHE_KIB 512

/* Build-ons (docs/participation.md): a member's response that builds on an episode */
#define KD_BUILDON_TITLE_MAX                   140 /* code points of a build-on's title */
#define KD_BUILDON_MAX_CHARS                   20000 /* code points of its Markdown: an essay, not a comment */
#define KD_BUILDON_CHAIN_MAX                   12 /* build-ons in one chain (this one and those above it) */
#define KD_BUILDON_FEATURED_MAX                5  /* featured build-ons of one episode */
#define KD_BUILDONS_SHOWN                      5  /* under an episode, before "all N build-ons" */
#define KD_BUILDONS_PER_PAGE                   30 /* on an episode's list of build-ons */
#define KD_BUILDON_CHILDREN_SHOWN              30 /* "built on this" under one build-on */
#define KD_BUILDONS_PER_MEMBER_PER_HOUR        6  /* new build-ons */
#define KD_BUILDON_CHANGES_PER_MEMBER_PER_HOUR 60 /* edits, deletions, featuring */

/* Guest page cache: bytes of bodies kept (plus their gzip copies), and how long one lives */
#define KD_PAGE_CACHE_BYTES (16 * 1024 * 1024)
#define KD_PAGE_CACHE_TTL_S 30
/* Member pages' shared parts (web/page_parts.h): the conversation of an episode as every
 * member sees it, kept with the places where one member's bytes go. Bounded in bytes (a long
 * read with 100 comments is about 200 KB) and in entries; lives as long as a guest's page. */
#define KD_MEMBER_PARTS_BYTES (8 * 1024 * 1024)
#define KD_MEMBER_PARTS_SLOTS 64
#define KD_MEMBER_CLEAN_PAGES 4 /* kept pages known to show a session's member nothing of theirs   \
                                 */
/* Members' sessions kept in memory with their saved language and header counts
 * (http/member_cache.h): one fixed slot of 520 bytes each, 2.1 MB for all, touched
 * only as sessions arrive. More live sessions than slots share them and are read again. */
#define KD_MEMBER_CACHE_SLOTS 4096
/* Languages whose home page sections are kept for members (web/home.c), about 25 KB each */
#define KD_HOME_PART_SLOTS 8
/* Routes whose last response size is remembered to allocate the next one at once
 * (http/request.h), and the largest size remembered */
#define KD_RESPONSE_SIZE_SLOTS 512
#define KD_RESPONSE_SIZE_MAX   (1024 * 1024)
/* Responses smaller than this are sent uncompressed */
#define KD_GZIP_MIN_BYTES 1024

/* The lexicon (model/lexicon.h, docs/participation.md) */
#define KD_TERM_MAX_CHARS            60   /* code points of a term */
#define KD_TERM_DEFINITION_MAX       1000 /* code points of a definition's Markdown */
#define KD_TERM_NOTE_MAX             300  /* code points of a decision's note */
#define KD_TERM_ORIGIN_MAX_BYTES     512  /* an origin address */
#define KD_TERMS_PER_PAGE            200  /* terms on one page of a lexicon (A-Z) */
#define KD_TERMS_PENDING_SHOWN       50   /* proposals shown to those who decide */
#define KD_LEXICON_MAX_LINKED        2000 /* approved terms of a newsletter the linker knows */
#define KD_LEXICON_CACHE_SLOTS       64   /* newsletters whose compiled terms stay in memory */
#define KD_TERMS_PER_MEMBER_PER_HOUR 10   /* proposals and edits of proposals */
#define KD_TERM_DECISIONS_PER_MINUTE 30   /* approvals and declines, per member */
/* Member identity: profiles and badges (docs/participation.md) */
#define KD_PROFILE_COUNT_CAP                1000 /* a profile counts a kind's items up to this ("1,000+") */
#define KD_PROFILE_LIST_PAGE                20  /* items on one page of a member's list of a kind */
#define KD_PROFILE_ACTIVITY                 12  /* items in a profile's recent activity */
#define KD_PROFILE_FOLLOWS_SHOWN            50  /* newsletters followed, listed on a profile */
#define KD_PROFILE_SPACES_SHOWN             30  /* spaces taken part in, listed on a profile */
#define KD_PROFILE_EXCERPT_CHARS            200 /* code points of an item's text in those lists */
#define KD_WELCOME_NEWSLETTERS              12 /* newsletters offered to follow on the welcome page */
#define KD_BADGE_NOTE_MAX                   200  /* code points of an admin's note on a badge */
#define KD_BADGE_CHANGES_PER_ADMIN_PER_HOUR 60   /* badges awarded or removed by hand */
#define KD_BADGE_COMMENTS_READ              2000 /* a member's first comments the badge rules read */

/* Insights (docs/insights.md, docs/privacy.md). */
#define KD_INSIGHT_MIN_GROUP  10    /* people behind any number shown to readers */
#define KD_GUEST_EVENT_DAYS   90    /* days guests' raw events are kept (rollups stay) */
#define KD_EVENT_QUEUE_MAX    65536 /* events waiting for the writer; more are dropped, counted */
#define KD_EVENT_FLUSH_MS     1000  /* the writer's period: a crash loses at most this */
#define KD_EVENT_EXPIRE_CHUNK 5000  /* guests' old events deleted by one statement */
#define KD_INSIGHT_WEEKS_MAX  520   /* weeks one insights answer covers */
#define KD_RELATED_SHOWN      3     /* "members also read" on an episode page */
/* The recorder (docs/privacy.md, "Recording" in docs/insights.md) */
#define KD_BEACON_MAX_BODY           256  /* bytes of a POST /e body (episode=ID&kind=read) */
#define KD_BEACONS_PER_IP_PER_MINUTE 300  /* beacons per address; more get 429, not recorded */
#define KD_GUEST_EVENT_DAYS_MAX      3650 /* the longest KINDRED_GUEST_EVENT_DAYS accepted */
/* A member's own events (/api/v1/me/events, /account/events.csv): rows per page. */
#define KD_MY_EVENTS_PAGE     100  /* when the request names no limit */
#define KD_MY_EVENTS_PAGE_MAX 1000 /* the most one page holds */
/* "Members also read" and the community sentence (docs/insights.md, "On the episode page"). */
#define KD_RELATED_SAMPLE        200 /* an episode's most recent readers co-reading is read from */
#define KD_RELATED_PER_READER    100 /* of each, the newest episodes they took part in */
#define KD_RELATED_MIN_COREADERS 3   /* co-readers an episode needs to be recommended as co-read */
#define KD_RELATED_CANDIDATES    16 /* kept per episode, before the viewer's own reads are left out \
                                     */
#define KD_RELATED_CACHE_SECONDS 60   /* a computed list and its sentences are reused this long */
#define KD_RELATED_CACHE_SLOTS   1024 /* episodes whose lists are kept in memory */

/* Background jobs (model/job.h): finished ones are kept this many days for admins to see. */
#define KD_JOB_KEEP_DAYS 30

/* Notification mail (docs/mail.md, "Notification mail"; model/mail_notify.h). */
#define KD_NOTIFY_MAIL_PERIOD_S 60          /* the passes run this often (under one lease) */
#define KD_NOTIFY_MAIL_GRACE_S  300         /* a notification this young is not mailed yet: */
                                            /* someone reading live sees it first */
#define KD_NOTIFY_IMMEDIATE_MAX_AGE_S 86400 /* older unmailed ones are not "immediate" any more */
#define KD_NOTIFY_IMMEDIATE_BATCH     500   /* notifications the immediate pass reads at a time */
#define KD_NOTIFY_DIGEST_BATCH        100   /* members with a digest due read at a time */
#define KD_NOTIFY_MAIL_ITEMS          10    /* notifications one mail lists; "and K more" */
#define KD_NOTIFY_MAIL_COUNT_CAP      1000  /* unread counted for one mail at most */
#define KD_NOTIFY_MAIL_BUDGET_MS      5000  /* one run's batches stop after this long */
#define KD_NOTIFY_MAIL_TX_MEMBERS     25    /* members' mail queued per transaction */
#define KD_NOTIFY_EXCERPT_CHARS       280   /* a quoted excerpt, in characters */
#define KD_NOTIFY_DIGEST_HOUR_UTC     8     /* daily and weekly digests are due at this hour */

/* Mail (docs/mail.md, model/mail_outbox.h). */
#define KD_SMTP_TIMEOUT_S         30 /* KINDRED_SMTP_TIMEOUT's default: a connection, an answer */
#define KD_MAIL_MAX_ATTEMPTS      10 /* 30 s doubling: the last try about 4 h after the first */
#define KD_MAIL_PAUSE_FIRST_S     30 /* no mail tried this long after the server was unreachable, */
#define KD_MAIL_PAUSE_MAX_S       300   /* doubling while it stays so, up to this */
#define KD_MAIL_ADMIN_ROWS        100   /* messages /admin/mail shows, newest first */
#define KD_MAIL_ADMIN_ROWS_MAX    1000  /* the most ?limit= asks of /api/v1/admin/mail */
#define KD_MAIL_KEEP_DAYS         30    /* sent and failed messages kept for admins this long */
#define KD_MAIL_TOKEN_PAYLOAD_MAX 4096  /* bytes a mailed link's stored payload may hold */
#define KD_MAIL_TOKEN_KEEP_S      86400 /* used or expired mailed links are purged after this */

/* Email subscriptions to newsletters (docs/mail.md, "Subscriptions"; model/subscription.h). */
#define KD_SUBSCRIBE_TOKEN_TTL_S       (48 * 3600) /* a guest's confirmation link works this long */
#define KD_SUBSCRIBE_MAILS_PER_ADDRESS 3           /* confirmation mails to one address per day, */
#define KD_SUBSCRIBE_PER_IP_PER_HOUR   10  /* and guest subscriptions from one address per hour */
#define KD_SUBSCRIPTIONS_PAGE_MAX      500 /* newsletters a member's settings page lists */
#define KD_EPISODE_MAIL_MAX_AGE_S      (7 * 86400) /* an episode live longer is not mailed */
#define KD_EPISODE_MAIL_BATCH          500 /* subscribers queued per fan-out run (one transaction) */
#define KD_MAIL_QUEUE_MAX              20000 /* queued messages past which a fan-out waits, */
#define KD_MAIL_QUEUE_WAIT_S           15    /* this long, before its next batch */
/* Account mail (docs/mail.md, "Account mail"; web/account_mail.c). Each mail-causing action has
 * a rate limit per client address; sign-up and reset mail also a cap per recipient, so no one
 * can bury an inbox from many addresses: past it the page answers the same and nothing is sent. */
#define KD_SIGNUP_LINK_TTL_S              (24 * 3600) /* a sign-up's confirmation link works this long */
#define KD_RESET_LINK_TTL_S               3600        /* a password reset link */
#define KD_EMAIL_CHANGE_LINK_TTL_S        (24 * 3600) /* a new address's confirmation link */
#define KD_ACCOUNT_MAILS_PER_ADDRESS_HOUR 3  /* sign-up and reset mails to one address per hour */
#define KD_EMAIL_CHANGES_PER_ADDRESS_HOUR 3  /* confirmation links to one new address per hour */
#define KD_RESETS_PER_IP_PER_HOUR         10 /* "Forgot your password?" forms sent per client */
#define KD_EMAIL_CHANGES_PER_MEMBER_HOUR  5  /* new addresses asked for per member */

/* Writing (docs/writing.md; web/editor_*.c, api/editor.c). */
#define KD_KEPT_FORM_TTL_S                   (24 * 3600) /* a form kept through a log-in, this long */
#define KD_KEPT_FORM_MAX_BYTES               (KD_MAX_MARKDOWN_BYTES + 256 * 1024) /* its text fields */
#define KD_KEPT_FORMS_PER_IP_PER_HOUR        30  /* forms kept for one client address */
#define KD_PREVIEWS_PER_MEMBER_PER_MINUTE    120 /* live previews (one per pause in typing) */
#define KD_AUTOSAVES_PER_MEMBER_PER_MINUTE   60  /* autosaves (one per pause in typing) */
#define KD_INLINE_IMAGES_PER_MEMBER_PER_HOUR 120 /* images uploaded into the text */
#define KD_TIME_ZONE_MAX_BYTES               64 /* an IANA zone name such as "America/Argentina/Ushuaia" */

#endif
