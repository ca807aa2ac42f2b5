/* What every member request needs besides its page, kept in memory: the session (who, role,
 * CSRF token, expiry), the member's saved language and the header's counts (unread
 * notifications, reports to review). Without it a member's page paid four or five queries
 * before its own; docs/performance.md, "Member requests: sessions and counts from memory".
 *
 * Invalidation is by stamp, the way the guest page cache does it: an entry remembers the stamp
 * taken before its rows were read, and is used only while the stamp has not moved. There are
 * two stamps, as a session changes far more rarely than the counts:
 *   - the counts (and the clean pages below) are kept under member_cache_stamp, which moves
 *     when this process served any write (member_cache_forget_counts, after the write
 *     committed: any state-changing request, a notification opened, due episodes published);
 *   - the session is kept under member_cache_session_stamp, which moves after every commit that
 *     updated or deleted a row of the session or member tables (member_cache_forget_all, called
 *     by the database layer's table watch, db/db.h's db_watch_tables: a sign-out, a password,
 *     role, suspension, name or language change, however the write came about; a new row, a
 *     sign-in, cannot make an entry stale). On an engine that cannot tell which tables a
 *     commit changed, every write moves it too. A comment, a reaction, a post leave everyone's
 *     session in memory (before, every write dropped every session, and under a stream of
 *     comments each request read its session again).
 * Both move (member_cache_forget_all) when, besides,
 *   - another node announced a write (model/cluster.h's notices call member_cache_forget_all),
 *   - a command of the CLI changed members on this data folder while it is served
 *     (member_cache_announce: a counter in DATA/kindred.members, mapped by the server, so the
 *     change is seen by the very next request without a signal or a query).
 * A stamp taken before the database is read and checked when the result is stored means a
 * write that commits meanwhile can never leave an older result behind.
 *
 * With several nodes, a notice arrives a little after the write (cluster.h). What guards access
 * must not lag: in "strict" mode (set while a cluster listener runs) the caller reads the
 * session row per request and takes only the language and counts from here.
 *
 * Memory is bounded: KD_MEMBER_CACHE_SLOTS entries of fixed size, one per session, allocated
 * once; a session whose slot another takes is read again next time. Thread-safe. */
#ifndef KD_MEMBER_CACHE_H
#define KD_MEMBER_CACHE_H

#include "core/limits.h"
#include "core/role.h"

#include <stdbool.h>
#include <stdint.h>

/* Handles are ASCII; display names are code points (up to 4 bytes each). */
enum {
        MEMBER_CACHE_HANDLE_BYTES = KD_HANDLE_MAX_CHARS + 1,
        MEMBER_CACHE_NAME_BYTES = KD_DISPLAY_NAME_MAX * 4 + 1,
        MEMBER_CACHE_TOKEN_BYTES = 44, /* core/token.h's TOKEN_CHARS + NUL */
        MEMBER_CACHE_LANGUAGE_BYTES = 16,
};

/* A live session, as session_lookup found it, with the member's saved language. */
struct member_cached {
        int64_t member_id;
        enum role role;
        int64_t expires_at;
        int64_t last_seen_at;
        char handle[MEMBER_CACHE_HANDLE_BYTES];
        char display_name[MEMBER_CACHE_NAME_BYTES];
        char csrf_token[MEMBER_CACHE_TOKEN_BYTES];
        char language[MEMBER_CACHE_LANGUAGE_BYTES]; /* "" when none is saved */
};

/* The header's counts (web/layout.h's page chrome). */
struct member_counts {
        int64_t unread;
        bool can_review;
        int64_t reported;
};

/* Allocates the slots and, when data_dir is given (SQLite: one server per data folder), maps
 * DATA/kindred.members so the CLI's changes reach this process. strict: see above. Returns 0,
 * or -1 when the counter file cannot be made (logged; the cache then stays off: every request
 * reads the database, as before). */
int member_cache_start(const char *data_dir, bool strict);
/* Logs how many lookups were answered from memory, frees the slots. */
void member_cache_stop(void);
/* True when started and on. */
bool member_cache_on(void);
/* True in strict mode: the session must be read from the database per request. */
bool member_cache_strict(void);

/* The stamps to take before reading what will be stored: the counts' and the session's. */
uint64_t member_cache_stamp(void);
uint64_t member_cache_session_stamp(void);
/* Copies the live entry of the session with this cookie token into out: found, its session
 * stamp current, not expired at now. counts (may be NULL) receives the counts and *has_counts
 * whether they were stored under the current stamp. Returns false otherwise. */
bool member_cache_get(const char *token, int64_t now, struct member_cached *out,
                      struct member_counts *counts, bool *has_counts);
/* Stores what was read for token after both stamps were taken; nothing when the session's
 * moved since (when only the counts' moved, the entry is kept without counts). */
void member_cache_put(const char *token, uint64_t stamp, uint64_t session_stamp,
                      const struct member_cached *in);
/* Adds the header's counts, read after stamp was taken, to token's entry while its session is
 * live and stamp current (counts and clean pages of an older stamp are dropped). */
void member_cache_put_counts(const char *token, uint64_t stamp, const struct member_counts *c);
/* Records that the session's last_seen_at was written at now. */
void member_cache_seen(const char *token, int64_t now);
/* Kept whole pages (web/member_page.h) that showed a member nothing of their own, so that a
 * reader reloading a page skips the query that says so. A kept page is named by its serial
 * (web/page_parts.h: a new one for every page kept). What could give the member something of
 * their own on it is a write (which moves the stamp: nothing noted before it counts) or their
 * reading another episode, which "Members also read" then leaves out: a view forgets the pages
 * of other episodes. KD_MEMBER_CLEAN_PAGES per session. */
/* Token's member views episode_id: forgets their clean pages of other episodes, and returns true
 * when the kept page serial (0: none) was noted clean at stamp and the stamp has not moved. */
bool member_cache_view(const char *token, uint64_t stamp, int64_t episode_id, uint64_t serial);
/* Notes that the kept page serial of episode_id shows token's member nothing of their own, as
 * read after stamp was taken; nothing when the stamp moved since. */
void member_cache_note_clean(const char *token, uint64_t stamp, uint64_t serial,
                             int64_t episode_id);
/* Makes every entry stale. Call after the write committed. Async-signal-safe, and touches no
 * database: the table watch runs it inside a commit that changed a session or member row. */
void member_cache_forget_all(void);
/* Makes every entry's counts and clean pages stale, keeping the sessions: after a write that
 * changed no session or member (the table watch tells which did). */
void member_cache_forget_counts(void);

/* For the CLI: after a change to members in the site at data_dir, makes a server serving that
 * folder drop its entries before its next request. Does nothing when no server ever served the
 * folder (no counter file). Returns 0 or -1 (logged). */
int member_cache_announce(const char *data_dir);

#endif
