/* Prompts ("Questions for you"): saving an episode's questions, closing them, reading them. */
#include "model/prompt.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/episode.h"
#include "model/newsletter.h"

#include <string.h>

const char *prompt_field(int position)
{
        static const char *const fields[KD_PROMPTS_PER_EPISODE] = {"prompt1", "prompt2", "prompt3",
                                                                   "prompt4", "prompt5"};
        return position >= 1 && position <= KD_PROMPTS_PER_EPISODE ? fields[position - 1]
                                                                   : "prompt";
}

/* s without the spaces around it (an arena copy); "" for NULL. */
static const char *trimmed(struct arena *a, const char *s)
{
        if (!s)
                return "";
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
                n--;
        return arena_strndup(a, s, n);
}

/* Checks one question; NULL when fine, else a msgid. */
static const char *question_problem(const char *q)
{
        if (!*q)
                return NULL;
        if (strchr(q, '\n') || strchr(q, '\r'))
                return N_("A question is one line.");
        const char *why = text_problem(q, false, KD_PROMPT_MAX_CHARS);
        if (why && strcmp(why, "This is too long.") == 0)
                return N_("A question can be up to 300 characters.");
        return why;
}

/* Runs one statement with ?1 = id and, when text is given, ?2 = text and ?3 = when. */
static int run(struct db *db, const char *sql, int64_t id, const char *text, int64_t when)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        if (text) {
                db_bind_text(s, 2, text);
                db_bind_int(s, 3, when);
        }
        int rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

int prompt_save_questions(struct db *db, int64_t episode_id, const char *const *questions,
                          struct field_problem *p)
{
        struct arena *a = arena_new();
        const char *want[KD_PROMPTS_PER_EPISODE];
        int rc = PUB_OK;
        for (int i = 0; i < KD_PROMPTS_PER_EPISODE && rc == PUB_OK; i++) {
                want[i] = trimmed(a, questions[i]);
                const char *why = question_problem(want[i]);
                if (why)
                        rc = field_problem_set(p, prompt_field(i + 1), why);
        }
        if (rc != PUB_OK) {
                arena_free(a);
                return rc;
        }
        if (db_begin(db) != DB_OK) {
                arena_free(a);
                return PUB_DB_ERROR;
        }
        /* What is there now: each position's prompt, and whether anything answers it (a deleted
         * or hidden answer too: its replies and its place still hang off the question). */
        int64_t have_id[KD_PROMPTS_PER_EPISODE] = {0};
        const char *have_q[KD_PROMPTS_PER_EPISODE] = {0};
        bool answered[KD_PROMPTS_PER_EPISODE] = {0};
        struct db_stmt *s = db_prepare(
            db, "SELECT p.position, p.id, p.question, EXISTS (SELECT 1 FROM comment c WHERE "
                "c.prompt_id = p.id) FROM prompt p WHERE p.episode_id = ?1");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        db_bind_int(s, 1, episode_id);
        int step;
        while ((step = db_step(s)) == DB_ROW) {
                int pos = (int)db_col_int(s, 0);
                if (pos < 1 || pos > KD_PROMPTS_PER_EPISODE)
                        continue; /* defensive: the CHECK constraint keeps positions in range */
                have_id[pos - 1] = db_col_int(s, 1);
                have_q[pos - 1] = arena_strdup(a, db_col_text(s, 2));
                answered[pos - 1] = db_col_int(s, 3) != 0;
        }
        db_finish(s);
        if (step != DB_DONE) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        int64_t now = time_now();
        for (int i = 0; i < KD_PROMPTS_PER_EPISODE && rc == PUB_OK; i++) {
                if (have_id[i] && !*want[i]) {
                        if (answered[i])
                                rc = field_problem_set(
                                    p, prompt_field(i + 1),
                                    N_("Members have answered this question, so it cannot be "
                                       "removed. Reword it, or close it on the episode's page."));
                        else
                                rc = run(db, "DELETE FROM prompt WHERE id = ?1", have_id[i], NULL,
                                         0);
                } else if (have_id[i] && strcmp(have_q[i], want[i]) != 0) {
                        rc = run(db,
                                 "UPDATE prompt SET question = ?2, updated_at = ?3 WHERE id = "
                                 "?1",
                                 have_id[i], want[i], now);
                } else if (!have_id[i] && *want[i]) {
                        s = db_prepare(db, "INSERT INTO prompt (episode_id, position, question, "
                                           "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)");
                        if (!s) {
                                rc = PUB_DB_ERROR;
                                break;
                        }
                        db_bind_int(s, 1, episode_id);
                        db_bind_int(s, 2, i + 1);
                        db_bind_text(s, 3, want[i]);
                        db_bind_int(s, 4, now);
                        step = db_step(s);
                        db_finish(s);
                        rc = step == DB_DONE         ? PUB_OK
                             : step == DB_CONSTRAINT ? PUB_NOT_FOUND /* no such episode */
                                                     : PUB_DB_ERROR;
                }
        }
cleanup:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        arena_free(a);
        return rc;
}

#define PROMPT_COLUMNS                                                                             \
        "SELECT id, episode_id, position, question, coalesce(closed_at, 0), answer_count, "        \
        "created_at, updated_at FROM prompt "

static void read_prompt(struct db_stmt *s, struct arena *a, struct prompt *p)
{
        p->id = db_col_int(s, 0);
        p->episode_id = db_col_int(s, 1);
        p->position = (int)db_col_int(s, 2);
        p->question = arena_strdup(a, db_col_text(s, 3));
        p->closed_at = db_col_int(s, 4);
        p->answer_count = (int)db_col_int(s, 5);
        p->created_at = db_col_int(s, 6);
        p->updated_at = db_col_int(s, 7);
}

int prompt_list_episode(struct db *db, struct arena *a, int64_t episode_id, struct prompt **out)
{
        /* the UNIQUE (episode_id, position) index reads them in order */
        struct db_stmt *s =
            db_prepare(db, PROMPT_COLUMNS "WHERE episode_id = ?1 ORDER BY position");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        size_t cap = 0, n = 0;
        struct prompt *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_prompt(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int prompt_get(struct db *db, struct arena *a, int64_t id, struct prompt *out)
{
        struct db_stmt *s = db_prepare(db, PROMPT_COLUMNS "WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_prompt(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int prompt_get_viewable(struct db *db, struct arena *a, int64_t id, int64_t viewer_id,
                        enum role role, int64_t now, struct prompt *out, struct episode *e)
{
        int rc = prompt_get(db, a, id, out);
        if (rc == PUB_OK)
                rc = episode_get(db, a, out->episode_id, e);
        if (rc == PUB_OK && !episode_viewable(db, e, viewer_id, role, now))
                rc = PUB_NOT_FOUND;
        return rc;
}

bool prompt_can_close(struct db *db, const struct episode *e, int64_t member_id, enum role role)
{
        return member_id && newsletter_can_write(db, e->newsletter_id, member_id, role);
}

int prompt_set_closed(struct db *db, int64_t id, bool closed)
{
        struct db_stmt *s =
            closed ? db_prepare(db, "UPDATE prompt SET closed_at = coalesce(closed_at, ?2), "
                                    "updated_at = ?2 WHERE id = ?1")
                   : db_prepare(db, "UPDATE prompt SET closed_at = NULL, updated_at = ?2 WHERE "
                                    "id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, time_now());
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        return db_changes(db) > 0 ? PUB_OK : PUB_NOT_FOUND;
}
