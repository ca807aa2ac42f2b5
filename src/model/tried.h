/* "I tried this": a member records that they acted on an episode's idea, with a short note, and
 * later how it went (worked, mixed, didn't work) with a note of its own. One record per member
 * and episode (UNIQUE), changed or withdrawn by its member.
 *
 * The episode's tried_count, tried_worked, tried_mixed and tried_failed count people: they
 * change in the same transaction as every record, outcome and withdrawal, by the difference
 * the change makes (no recount). A record a moderator hides keeps counting (the person did try
 * it); only its notes vanish from lists, and its member sees that it was hidden. */
#ifndef KD_TRIED_H
#define KD_TRIED_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;
struct episode;
struct item;

enum tried_outcome { TRIED_NO_OUTCOME, TRIED_WORKED, TRIED_MIXED, TRIED_FAILED };

struct tried {
        int64_t id, episode_id, member_id;
        const char *member_handle, *member_name;
        const char *language; /* its member's language (the notes are likely in it), or NULL */
        const char *note;
        enum tried_outcome outcome;
        const char *outcome_note;
        bool hidden;
        int64_t created_at, updated_at, outcome_at; /* outcome_at 0 without an outcome */
};

struct tried_counts {
        int count, worked, mixed, failed;
};

/* A change to the viewer's own record; a NULL field stays as it is ("" on a new record). */
struct tried_input {
        int64_t episode_id, member_id;
        const char *note;
        const char *outcome; /* "worked", "mixed", "failed", or "" for none yet */
        const char *outcome_note;
};

/* "worked", "mixed", "failed" (as stored), or "" for none. */
const char *tried_outcome_name(enum tried_outcome o);
/* 0 and *o for a stored name or "" (none); -1 for anything else. */
int tried_outcome_parse(const char *name, enum tried_outcome *o);

/* True when member (id, role) may record trying episode e at now: a signed-in member, and the
 * episode is live (a draft's idea cannot have been tried by readers). */
bool tried_can_record(const struct episode *e, int64_t member_id, int64_t now);

/* Creates or changes in->member_id's record of in->episode_id and keeps the episode's counts,
 * in one transaction. Sets *id (may be NULL). Returns PUB_OK, PUB_INVALID (p: "note",
 * "outcome" or "outcome_note"), PUB_FORBIDDEN (the record is hidden: it cannot change, only be
 * withdrawn) or PUB_DB_ERROR. */
int tried_save(struct db *db, const struct tried_input *in, int64_t *id, struct field_problem *p);
/* The same, and sets *created (may be NULL) to whether the record is new rather than changed:
 * only a new one is an act of participation for the insights (actions/tried.c). */
int tried_save_new(struct db *db, const struct tried_input *in, int64_t *id, bool *created,
                   struct field_problem *p);

/* Withdraws member_id's record of episode_id (the counts follow). Returns PUB_OK,
 * PUB_NOT_FOUND (none) or PUB_DB_ERROR. */
int tried_withdraw(struct db *db, int64_t episode_id, int64_t member_id);

/* The episode's counts. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int tried_counts_get(struct db *db, int64_t episode_id, struct tried_counts *out);

/* member_id's record of episode_id (hidden or not). Returns PUB_OK, PUB_NOT_FOUND or
 * PUB_DB_ERROR. */
int tried_get_mine(struct db *db, struct arena *a, int64_t episode_id, int64_t member_id,
                   struct tried *out);

/* The episode's records readers see (not hidden; hidden ones too with_hidden, for moderators),
 * newest first, with an id below before (0: from the newest), at most limit. *next_before is
 * what to pass for the next page (0 at the end). Returns the count or a negative enum
 * pub_result. */
int tried_list_episode(struct db *db, struct arena *a, int64_t episode_id, int64_t before,
                       int limit, bool with_hidden, struct tried **out, int64_t *next_before);

/* The tried kind of item.h: the record's notes as the item's text (rendered as member
 * Markdown, so inert), its episode's newsletter moderating it. */
int tried_item_load(struct db *db, struct arena *a, int64_t id, struct item *out);
bool tried_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now);
int tried_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden);

#endif
