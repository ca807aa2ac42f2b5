/* Comments: threaded replies on an episode, each optionally quoting a passage of it.
 *
 * Replies nest to any depth in storage. A member edits and deletes their own; a deleted comment
 * keeps its place (without its text) so replies keep their context. Moderators, admins and the
 * episode's authors hide and restore. The episode's comment_count is the exact number of
 * visible comments, kept in the same transaction as every change.
 *
 * A quote is a W3C Web Annotation TextQuoteSelector: the exact passage with a little text before
 * (prefix) and after (suffix), checked against the episode's plain text. Whitespace runs count
 * as one space, so a passage selected across lines or paragraphs in a browser still matches. */
#ifndef KD_COMMENT_H
#define KD_COMMENT_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

enum comment_state { COMMENT_VISIBLE, COMMENT_DELETED, COMMENT_HIDDEN };

struct comment {
        int64_t id, episode_id, parent_id, root_id; /* parent_id 0 for a top-level comment */
        int depth;                                  /* 0 for top-level */
        int64_t author_id;
        const char *author_handle, *author_name, *author_headline;
        const char *author_avatar;    /* their uploaded avatar's path, NULL: generated */
        const char *body, *body_html; /* "" unless visible (or loaded for moderation) */
        const char *quote_exact;      /* NULL when the comment quotes nothing */
        const char *quote_prefix, *quote_suffix;
        int64_t quote_start;
        enum comment_state state;
        int64_t created_at, updated_at, edited_at; /* edited_at 0 when never edited */
        const char *language; /* the body's language tag (its author's when written), NULL: the
                                 site default */
        int64_t prompt_id;    /* an answer to this prompt of the episode (and its replies), or 0 */
        int64_t buildon_id;   /* a comment on this build-on of the episode, or 0 */
};

struct comment_input {
        int64_t episode_id;
        int64_t parent_id; /* 0 for a new thread */
        int64_t author_id;
        const char *body;
        const char *quote_exact; /* NULL or "" for none */
        const char *quote_prefix, *quote_suffix;
        /* Where it goes (docs/participation.md): 0 and 0 for the episode's own conversation; a
         * prompt of the episode for an answer; a build-on of the episode for a comment on it.
         * A reply takes its parent's place whatever is given here. */
        int64_t prompt_id, buildon_id;
        /* When set, the new comment is read into *read (its strings in read_arena) as
         * comment_get reads it: what an API answer shows. On SQLite inside the transaction,
         * where its pages are warm (a failed read fails the comment); on PostgreSQL after the
         * commit, outside the write lock: when that read fails, the comment stands, PUB_OK, and
         * *read is zeroed (its id 0), for the caller to answer without it. */
        struct comment *read;
        struct arena *read_arena;
        /* When set, runs first and sets *episode_id, which then stands for episode_id above:
         * what the caller reads there (the episode its request names, and whether the member
         * may see it). On SQLite it runs in the comment's transaction, where the pages are warm,
         * as the comment's own reads are, rather than after another connection's commit emptied
         * its connection's page cache (docs/performance.md, "The episode read in the comment's
         * transaction"); on PostgreSQL just before the transaction, outside the write lock. It
         * runs even when the body is refused, so the caller's answer for a missing episode
         * comes first. A nonzero return ends the comment, nothing written: comment_create
         * returns it (the caller's own code, above PUB_OK). */
        int (*first)(void *arg, int64_t *episode_id);
        void *first_arg;
};

/* Which conversation under an episode a list reads: its own (prompt_id and buildon_id 0), the
 * answers to one of its prompts, or the comments on one of its build-ons. */
struct comment_scope {
        int64_t episode_id, prompt_id, buildon_id;
};

/* Finds a quote in an episode's plain text. exact, prefix and suffix are compared with
 * whitespace runs as single spaces and outer whitespace trimmed; when exact occurs several
 * times, prefix and suffix (when given) pick the occurrence, else the first is taken. Sets
 * *start to the byte offset in text where it begins, and writes the normalised exact text and a
 * context of up to KD_QUOTE_CONTEXT_CHARS on each side (arena strings, for storage and the
 * text-fragment link). Returns PUB_OK or PUB_INVALID with p naming "quote". */
int comment_quote_find(struct arena *a, const char *text, const char *exact, const char *prefix,
                       const char *suffix, int64_t *start, const char **norm_exact,
                       const char **norm_prefix, const char **norm_suffix, struct field_problem *p);

/* Checks and stores a new comment or reply (the episode must exist; the caller checks that the
 * author may see it), then tells whom it concerns (notify_comment). An answer needs an open
 * prompt of the episode; a comment on a build-on needs a visible build-on of the episode and
 * quotes nothing. The counts that include it (the episode's comment_count for all but comments
 * on build-ons, the prompt's answer_count for answers that are not replies, the build-on's
 * comment_count) change in the same transaction. Sets *id. Returns PUB_OK, PUB_INVALID (p:
 * "body", "quote", "parent", "prompt" or "buildon"), PUB_NOT_FOUND (no such episode) or
 * PUB_DB_ERROR. */
int comment_create(struct db *db, const struct comment_input *in, int64_t *id,
                   struct field_problem *p);

/* Replaces the text of comment id, written by editor_id. Returns PUB_OK, PUB_INVALID,
 * PUB_NOT_FOUND (also for a deleted or hidden comment), PUB_FORBIDDEN (someone else's) or
 * PUB_DB_ERROR. */
int comment_edit(struct db *db, int64_t id, int64_t editor_id, const char *body,
                 struct field_problem *p);

/* Deletes comment id for its author: its text goes; the row stays while replies need it.
 * Returns PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN or PUB_DB_ERROR. */
int comment_delete(struct db *db, int64_t id, int64_t member_id);

/* Whether viewer_id (0: a guest) may read the conversations under an episode they can see
 * (episode_viewable): members always, guests when the site lets them (guests_read_comments). */
bool comment_can_read(int64_t viewer_id, bool guests_read_comments);

/* Whether member_id may edit or delete comment c: their own, while it is visible. */
bool comment_can_edit(const struct comment *c, int64_t member_id);

/* True when member (id, role) may hide or restore comments on episode_id: moderators, admins,
 * and the episode newsletter's owner and co-authors. */
bool comment_can_moderate(struct db *db, int64_t episode_id, int64_t member_id, enum role role);

/* Hides (hidden=true) or restores comment id on behalf of moderator_id. Returns PUB_OK,
 * PUB_NOT_FOUND (or deleted) or PUB_DB_ERROR. The caller checks comment_can_moderate. */
int comment_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden);

/* The comment kind of item.h: loads comment id as an item (its episode's newsletter moderates
 * it), and whether a viewer may see it (its episode is viewable). */
struct item;
int comment_item_load(struct db *db, struct arena *a, int64_t id, struct item *out);
bool comment_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role,
                           int64_t now);

/* Loads one comment. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int comment_get(struct db *db, struct arena *a, int64_t id, struct comment *out);

/* Every comment of an episode, threads in order of their first comment and replies in the
 * order written (parents always before their replies). Returns the count or a negative
 * enum pub_result. */
int comment_list_episode(struct db *db, struct arena *a, int64_t episode_id, struct comment **out);

/* One page of an episode's conversation: whole threads whose first comment's id is greater
 * than after (0 for the start), at most KD_COMMENTS_PER_PAGE comments (a single thread longer
 * than that is cut). Sets *next_after to pass for the next page, 0 when nothing follows.
 * Returns the count or a negative enum pub_result. */
int comment_list_page(struct db *db, struct arena *a, int64_t episode_id, int64_t after,
                      struct comment **out, int64_t *next_after);
/* The same for any conversation under an episode (the episode's own is what comment_list_page
 * reads). */
int comment_list_page_in(struct db *db, struct arena *a, const struct comment_scope *scope,
                         int64_t after, struct comment **out, int64_t *next_after);

/* One thread of an episode (root_id and every reply under it), at most 4 x
 * KD_COMMENTS_PER_PAGE comments. */
int comment_list_thread(struct db *db, struct arena *a, int64_t episode_id, int64_t root_id,
                        struct comment **out);

/* For comments in the order comment_list_episode gives: parent[i] is the index of comment i's
 * parent (-1 for a top-level comment) and live[i] says whether readers see it: visible (or
 * hidden, when show_hidden is set for a moderator) or with a reply below it that they see.
 * Arrays in a. */
void comment_thread_index(struct arena *a, const struct comment *cs, int n, bool show_hidden,
                          int **parent, bool **live);

/* Quoted passages of an episode with how many visible comments discuss each, most discussed
 * first. Returns the count or a negative enum pub_result. */
struct passage {
        int64_t start;
        const char *exact, *prefix, *suffix;
        int comments;
        int64_t first_comment_id;
};
int comment_passages(struct db *db, struct arena *a, int64_t episode_id, int limit,
                     struct passage **out);

/* Writes the URL text fragment ("#:~:text=…", percent-encoded as the Text Fragments
 * specification wants) that leads a browser to a quote of episode e (loaded with its body_text)
 * starting at byte start of the plain text: whole words, never across a block, with the
 * passage's prefix and suffix words only when the passage alone would first match elsewhere on
 * the page. exact, prefix and suffix are the stored selector, used to find the passage again
 * when the episode was edited since. */
struct buf;
struct episode;
void comment_text_fragment(struct buf *out, const struct episode *e, int64_t start,
                           const char *exact, const char *prefix, const char *suffix);

#endif
