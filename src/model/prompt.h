/* Prompts ("Questions for you"): up to KD_PROMPTS_PER_EPISODE questions an episode asks its
 * readers, in positions 1 to 5. An answer is a comment with prompt_id set (model/comment.h):
 * answers thread, react, report and moderate exactly as comments do, and the episode's own
 * conversation lists comments without a prompt.
 *
 * The questions are saved with their episode (episode_input.prompts, in episode_save's
 * transaction). Saving keeps the row, and so the answers, of every question that stays at its
 * position, reworded or not. A question that has answers (any, even deleted or hidden ones) is
 * never removed: clearing it is refused with a field problem, so answers never lose their
 * question; the author closes it instead. A closed question keeps its answers and takes no new
 * ones (comment_create refuses with field "prompt"). */
#ifndef KD_PROMPT_H
#define KD_PROMPT_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;
struct episode;

struct prompt {
        int64_t id, episode_id;
        int position; /* 1 to KD_PROMPTS_PER_EPISODE */
        const char *question;
        int64_t closed_at; /* 0 while open */
        int answer_count;  /* visible answers, replies not included */
        int64_t created_at, updated_at;
};

/* The form field of the question at position (1-based): "prompt1" ... "prompt5" (static). */
const char *prompt_field(int position);

/* Checks and stores an episode's questions: questions[i] ("" or blank for none) is the one at
 * position i + 1, KD_PROMPTS_PER_EPISODE of them. Questions at an unchanged position keep their
 * id; a changed text is updated in place. In one transaction (db_begin nests, so inside
 * episode_save's). Returns PUB_OK, PUB_INVALID (p: "promptN", for a question too long, with
 * control characters, or cleared while it has answers), PUB_NOT_FOUND or PUB_DB_ERROR. */
int prompt_save_questions(struct db *db, int64_t episode_id, const char *const *questions,
                          struct field_problem *p);

/* The episode's questions by position (arena array). Returns the count or a negative enum
 * pub_result. */
int prompt_list_episode(struct db *db, struct arena *a, int64_t episode_id, struct prompt **out);

/* Loads one prompt. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int prompt_get(struct db *db, struct arena *a, int64_t id, struct prompt *out);

/* Loads prompt id and its episode when viewer (id, role) may see the episode at now (a draft's
 * prompts do not exist for readers). Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int prompt_get_viewable(struct db *db, struct arena *a, int64_t id, int64_t viewer_id,
                        enum role role, int64_t now, struct prompt *out, struct episode *e);

/* True when member (id, role) may close and reopen the prompts of episode e: the authors of its
 * newsletter and admins (newsletter_can_write). */
bool prompt_can_close(struct db *db, const struct episode *e, int64_t member_id, enum role role);

/* Closes (closed=true) or reopens prompt id. Closing a closed prompt keeps its first closing
 * time. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. The caller checks prompt_can_close. */
int prompt_set_closed(struct db *db, int64_t id, bool closed);

#endif
