/* The insights event log: what readers and members did, written in batches with every rollup
 * the insights read (migration 008, docs/insights.md). Nothing here knows about HTTP: the
 * recorder (model/event_queue.c) collects events from requests and hands batches to
 * event_apply once a second; `kindred events load` and the demo hand it history directly. */
#ifndef KD_EVENT_H
#define KD_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

/* Stored numbers: never renumber. */
enum event_kind {
        EVENT_VIEW = 1,        /* a page of an episode served (not to a known bot) */
        EVENT_SEEN = 2,        /* the page's beacon: a person's browser showed it */
        EVENT_READ = 3,        /* the beacon at the end of the text: read to the end */
        EVENT_REACTION = 10,   /* other_id: the item's author (0 for an episode) */
        EVENT_COMMENT = 11,    /* a top-level comment on an episode */
        EVENT_REPLY = 12,      /* other_id: the author of the comment replied to */
        EVENT_QUOTE = 13,      /* a comment that quotes a passage */
        EVENT_FOLLOW = 14,     /* followed the newsletter */
        EVENT_ANSWER = 15,     /* answered one of the episode's questions */
        EVENT_BUILDON = 16,    /* other_id: the author of what it builds on */
        EVENT_TRIED = 17,      /* "I tried this" */
        EVENT_ASK = 18,        /* proposed a topic */
        EVENT_VOTE = 19,       /* voted for a topic; other_id: the ask's author */
        EVENT_SPACE_POST = 20, /* posted in a space; other_id: whom it answers, if anyone */
};

/* What a member did, as bits of insight_member_week.did and insight_reader.did. */
enum event_did {
        EVENT_DID_READ = 1 << 0,     /* view, seen */
        EVENT_DID_COMPLETE = 1 << 1, /* read to the end */
        EVENT_DID_REACT = 1 << 2,    /* reaction, vote */
        EVENT_DID_COMMENT = 1 << 3,  /* comment, reply, quote, answer, ask, space post */
        EVENT_DID_BUILD = 1 << 4,    /* build-on, tried it */
        EVENT_DID_FOLLOW = 1 << 5,
};

/* The participation ladder's steps. */
enum event_rung { RUNG_READER = 1, RUNG_REACTOR = 2, RUNG_COMMENTER = 3, RUNG_BUILDER = 4 };

struct event {
        int64_t at;
        enum event_kind kind;
        int64_t newsletter_id; /* 0: none (a space of no newsletter) */
        int64_t episode_id;    /* 0: none */
        int64_t member_id;     /* the actor when a member, else 0 */
        int64_t guest;         /* the actor's daily hash (> 0) when a guest, else 0 */
        int64_t other_id;      /* the member on the other side, or 0 */
        int64_t item_id;       /* the item made or touched, or 0 */
};

/* "view", "reply", ... (NULL for an unknown kind); 0 and the kind, or -1. */
const char *event_kind_name(enum event_kind k);
int event_kind_parse(const char *name, enum event_kind *k);
/* The bit a kind sets in did, and the rung a set of did bits reaches. */
unsigned event_kind_did(enum event_kind k);
enum event_rung event_rung_of(unsigned did);

/* Day and week numbers of a Unix time (UTC; weeks start on Monday). */
int64_t event_day(int64_t at);
int64_t event_week(int64_t at);
/* The Unix time a week starts. */
int64_t event_week_start(int64_t week);

/* Whether an event can be stored: a known kind, exactly one actor, no negative ids, and a
 * guest only viewing, confirming or finishing a read. */
bool event_valid(const struct event *e);

/* Appends n events to the log and updates every rollup, in one transaction. Events that are
 * not event_valid, or name an episode that no longer exists, are skipped and counted in
 * *skipped (may be NULL). An episode event's newsletter is always the episode's own. Returns 0,
 * or -1 on a storage error (logged; nothing written). */
int event_apply(struct db *db, const struct event *ev, size_t n, size_t *skipped);

/* Reads one line of history (no newline): tab-separated at (Unix seconds or ISO 8601 UTC),
 * kind name, then optionally member, guest, newsletter, episode, other, item ids (empty or
 * "-" for none). Returns 0 and a valid event, or -1. `kindred events load` reads these. */
int event_parse_line(const char *line, size_t len, struct event *out);

/* Deletes at most max_rows of the guests' raw events older than days (oldest first) and the
 * per-day bookkeeping no longer needed; rollups stay. Returns the number of events deleted
 * (fewer than max_rows: none of that age is left), or -1. */
int64_t event_expire(struct db *db, int64_t now, int days, int64_t max_rows);

#endif
