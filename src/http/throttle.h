/* Failure throttling with growing lockouts (login attempts, and later any abuse-prone action).
 *
 * Each key (such as "handle:ada" or "ip:127.0.0.1") counts failures inside a window. The first
 * `free_fails` failures cost nothing; each one after locks the key for a doubling time (2 s, 4 s,
 * 8 s ... up to max_lockout_s). While locked, throttle_check() says how long to wait. */
#ifndef KD_THROTTLE_H
#define KD_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct throttle;

/* Returns a new table; the caller owns it (throttle_free). name (a static string) tells its
 * keys from other limits' in a shared store. */
struct throttle *throttle_new(const char *name, unsigned free_fails, unsigned max_lockout_s,
                              unsigned window_s);
void throttle_free(struct throttle *t);
/* 0 when key may try now, else the seconds to wait (for Retry-After). Thread-safe. */
unsigned throttle_check(struct throttle *t, const char *key, int64_t now);
/* Records a failure for key at now. Thread-safe. */
void throttle_fail(struct throttle *t, const char *key, int64_t now);
/* Forgets key (after a success). Thread-safe. */
void throttle_reset(struct throttle *t, const char *key);

/* Fixed-window counter: at most `limit` events per key per window. */
struct rate_limit;
struct rate_limit *rate_limit_new(const char *name, unsigned limit, unsigned window_s);
void rate_limit_free(struct rate_limit *r);
/* Counts one event for key. Returns 0 when allowed, else seconds until the window reopens. */
unsigned rate_limit_hit(struct rate_limit *r, const char *key, int64_t now);

/* Where every throttle and rate limit of the process counts: in this process's memory (the
 * default), or in a store several nodes share (model/shared_limits.h: tables in PostgreSQL),
 * so a limit holds across nodes and survives a node's restart. Keys reach the store as
 * "<limit's name>|<key>". Each function answers as its in-memory counterpart does; one that
 * returns -1 (the store failed) makes that call count in memory instead, so a database hiccup
 * never turns limits off nor refuses everyone. */
struct limit_store {
        void *ctx;
        long (*rate_hit)(void *ctx, const char *key, unsigned limit, unsigned window_s,
                         int64_t now);
        long (*throttle_check)(void *ctx, const char *key, int64_t now);
        int (*throttle_fail)(void *ctx, const char *key, unsigned free_fails,
                             unsigned max_lockout_s, unsigned window_s, int64_t now);
        int (*throttle_reset)(void *ctx, const char *key);
};
/* Sets the store (NULL: memory). Call before serving; the store must outlive the limits. */
void limits_use_store(const struct limit_store *store);
/* The lockout after a key's fails-th failure, in seconds (0: none yet): 2 s, 4 s, 8 s ... after
 * the free ones, at most max_lockout_s. Shared so every store locks alike. */
unsigned throttle_lockout(unsigned fails, unsigned free_fails, unsigned max_lockout_s);

/* The site's shared limiters, owned by the application. */
struct guards {
        struct throttle *login_by_handle;
        struct throttle *login_by_ip;
        struct rate_limit *signup_by_ip;
        /* writes of the conversation (limits.h names each) */
        struct rate_limit *comment_by_member_minute;
        struct rate_limit *comment_by_member_hour;
        struct rate_limit *reaction_by_member;
        struct rate_limit *report_by_member;
        struct rate_limit *writes_by_ip;
        /* asks (limits.h) */
        struct rate_limit *ask_by_member_day;
        struct rate_limit *ask_vote_by_member;
        struct rate_limit *ask_change_by_member;
        /* the lexicon: proposals and their edits; approvals and declines */
        struct rate_limit *term_by_member;
        struct rate_limit *term_decision_by_member;
        /* participation: closing questions, "I tried this" records (limits.h) */
        struct rate_limit *prompt_by_member;
        struct rate_limit *tried_by_member;
        /* edits, deletions, hiding and restoring of member-written items */
        struct rate_limit *edit_by_member;
        /* spaces: threads opened, posts written (an opening post counts as a post too) */
        struct rate_limit *thread_by_member_hour;
        struct rate_limit *post_by_member_minute;
        struct rate_limit *post_by_member_hour;
        struct rate_limit *buildon_by_member_hour;        /* new build-ons */
        struct rate_limit *buildon_change_by_member_hour; /* edits, deletions, featuring */
        /* badges awarded or removed by hand (KD_BADGE_CHANGES_PER_ADMIN_PER_HOUR) */
        struct rate_limit *badge_by_admin;
        /* insights beacons (POST /e, the no-script images) per address */
        struct rate_limit *beacon_by_ip;
        /* account mail (limits.h): password resets asked per address, new emails per member */
        struct rate_limit *reset_by_ip;
        struct rate_limit *email_change_by_member;
};

#endif
