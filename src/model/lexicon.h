/* The lexicon: a newsletter community's own terms, proposed by members, approved by the
 * newsletter's authors, moderators or admins, and linked where they appear in comments.
 *
 * Two halves. The term rows (propose, edit, withdraw, decide, read) follow the rules of every
 * member-written item: limits, one transaction per action, notifications. The linker is pure:
 * a compiled, immutable term set (struct lexicon) and lexicon_link(), which rewrites a
 * comment's stored HTML at render time so the first occurrence of each approved term becomes a
 * link to the term's page. Compiled sets are cached per newsletter and rebuilt only when the
 * newsletter's lexicon_version (bumped in the same transaction as every change to its approved
 * terms) moves, so a page pays one primary-key read and a copy, not a scan of its terms.
 *
 * What "a word" is (docs/participation.md): letters and digits of alphabetic scripts (Latin,
 * Greek, Cyrillic, Hangul and the rest) and "_" are word characters; a term that starts (ends)
 * with one matches only where the text has no word character just before (after) it, so "loop"
 * is not found in "loops" or "feedbackloop". Han, kana, Thai and similar scripts are written
 * without spaces, so their characters are never word characters: a Chinese term matches as a
 * substring, and "周五笔记" is found in "开始写周五笔记，". Latin, Greek and Cyrillic letters match
 * whatever their case; whitespace runs in the text match one space of a term. */
#ifndef KD_LEXICON_H
#define KD_LEXICON_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct db;
struct item;

/* ------------------------------------------------------------------ the linker */

struct lexicon; /* immutable; one contiguous block with no pointers inside */

/* One term to compile: its text as approved, and the page it links to. */
struct lexicon_entry {
        const char *term;
        const char *href; /* a local path; written attribute-escaped */
};

/* Compiles n entries into a term set the caller frees with lexicon_free. Entries whose key is
 * empty are skipped; of entries with the same key the first wins. Never NULL. */
struct lexicon *lexicon_build(const struct lexicon_entry *entries, size_t n);
void lexicon_free(struct lexicon *lx);
/* Bytes of the block, and a copy of it in arena (valid until the arena goes). */
size_t lexicon_bytes(const struct lexicon *lx);
const struct lexicon *lexicon_copy(struct arena *a, const struct lexicon *lx);
/* Number of distinct terms compiled. */
size_t lexicon_terms(const struct lexicon *lx);

/* Appends html (a fragment as the Markdown renderer writes it) to out, with the first
 * occurrence of each term of lx in its text wrapped in <a class="term" href="…">. Text inside
 * a, code, pre, kbd, samp, script, style and textarea elements, and everything inside tags
 * (names, attributes), is copied untouched. Where terms overlap, the longest starting first
 * wins; a term already linked in this html is not linked again. lx NULL: html as it is. */
void lexicon_link(const struct lexicon *lx, const char *html, struct buf *out);

/* Appends the matching key of a term: case folded (Latin, Greek, Cyrillic), whitespace runs as
 * one space, trimmed. s must be valid UTF-8. */
void lexicon_key(const char *s, struct buf *out);

/* ------------------------------------------------------------------ terms */

enum term_status { TERM_PROPOSED, TERM_APPROVED, TERM_DECLINED };
/* visible; deleted: withdrawn by its proposer; hidden: withdrawn by a moderator. */
enum term_state { TERM_VISIBLE, TERM_WITHDRAWN, TERM_HIDDEN };

struct term {
        int64_t id, newsletter_id;
        const char *newsletter_slug, *newsletter_title;
        const char *term, *slug;
        const char *definition, *definition_html;
        const char *origin_url; /* a local path, "" for none */
        int64_t proposer_id;
        const char *proposer_handle, *proposer_name;
        enum term_status status;
        const char *status_note;
        int64_t decided_by; /* 0 while proposed */
        const char *decider_handle, *decider_name;
        int64_t decided_at;
        enum term_state state;
        int64_t created_at, updated_at;
        const char *language;
};

struct term_input {
        int64_t newsletter_id;
        int64_t member_id; /* the proposer (or, for an edit, who edits) */
        enum role role;
        const char *term;
        const char *definition; /* Markdown, member mode */
        const char *origin;     /* "" or NULL: none; else a local address (path, or site_url +
                                   path) of an episode or comment the member may see */
        const char *site_url;   /* the site's public address without a trailing slash */
};

const char *term_status_name(enum term_status s); /* "proposed", "approved", "declined" */
int term_status_parse(const char *name, enum term_status *s); /* 0 or -1 */

/* Rules (one function each, used by pages and the API alike). */
/* Any signed-in member may propose a term for a newsletter. */
bool term_can_propose(int64_t member_id, enum role role);
/* Moderators, admins and the newsletter's authors approve and decline. */
bool term_can_decide(struct db *db, int64_t newsletter_id, int64_t member_id, enum role role);
/* The proposer edits and withdraws while the term is proposed and visible. */
bool term_can_edit(const struct term *t, int64_t member_id);
/* Whether member (id, role) may see t: approved and visible terms everyone; proposals and
 * declined terms their proposer and those who decide; hidden ones their proposer and those
 * who decide; withdrawn ones nobody. */
bool term_can_view(struct db *db, const struct term *t, int64_t member_id, enum role role);

/* Checks and stores a proposal. Sets *id. Returns PUB_OK, PUB_INVALID (p: "term",
 * "definition" or "origin"), PUB_TAKEN (p: "term"; the same key is approved or proposed in the
 * newsletter), PUB_NOT_FOUND (no such newsletter) or PUB_DB_ERROR. */
int term_propose(struct db *db, const struct term_input *in, int64_t *id, struct field_problem *p);
/* The proposer's edit of a pending proposal (in->member_id must be the proposer). Returns as
 * term_propose, and PUB_FORBIDDEN when the term is not theirs or no longer pending. */
int term_edit(struct db *db, int64_t id, const struct term_input *in, struct field_problem *p);
/* The proposer withdraws a pending proposal. PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN, PUB_DB_ERROR. */
int term_withdraw(struct db *db, int64_t id, int64_t member_id);
/* Approves or declines a pending proposal for decider_id (the caller checks term_can_decide),
 * with an optional note (at most KD_TERM_NOTE_MAX code points), and tells the proposer.
 * Returns PUB_OK, PUB_INVALID (p: "note", or "term" when it was already decided), PUB_TAKEN
 * (p: "term": an approved term has the same key), PUB_NOT_FOUND or PUB_DB_ERROR. */
int term_decide(struct db *db, int64_t id, int64_t decider_id, bool approve, const char *note,
                struct field_problem *p);

/* Loading. Each returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR; strings in a. */
int term_get(struct db *db, struct arena *a, int64_t id, struct term *out);
int term_find_slug(struct db *db, struct arena *a, int64_t newsletter_id, const char *slug,
                   struct term *out);
/* Visible terms of a newsletter with status, in key order after after_key ("" for the start),
 * at most limit. Returns the count or a negative enum pub_result. */
int term_list(struct db *db, struct arena *a, int64_t newsletter_id, enum term_status status,
              const char *after_key, int limit, struct term **out);
/* The key of a term as stored (for paging): arena string. */
const char *term_key_of(struct arena *a, const struct term *t);

/* The term kind of item.h: hidden means withdrawn from the lexicon by a moderator. */
int term_item_load(struct db *db, struct arena *a, int64_t id, struct item *out);
bool term_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now);
int term_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden);

/* The compiled approved terms of a newsletter, copied into a (NULL when it has none or the
 * database fails: pages then show comments unlinked). Cached per newsletter and version. */
const struct lexicon *lexicon_for_newsletter(struct db *db, struct arena *a, int64_t newsletter_id);

/* Rebuilds term_key and definition_html of every term (after an import). 0 or -1. */
int term_rebuild_derived(struct db *db);

#endif
