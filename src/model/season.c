/* Seasons: cadence and status rules, storage, and when the next episode is due. */
#include "model/season.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const weekdays[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday"};
static const char *const statuses[] = {"planned", "airing", "on-break", "finished"};

static int weekday_parse(const char *w)
{
        for (int i = 0; i < 7; i++)
                if (strcasecmp(w, weekdays[i]) == 0)
                        return i;
        return -1;
}

int season_cadence_parse(const char *text, enum season_cadence *kind, int *n)
{
        char words[4][24];
        int count = 0;
        const char *p = text;
        while (*p && count < 5) {
                while (*p == ' ' || *p == '\t')
                        p++;
                size_t len = strcspn(p, " \t");
                if (len == 0)
                        break;
                if (count == 4 || len >= sizeof(words[0]))
                        return -1;
                memcpy(words[count], p, len);
                words[count][len] = '\0';
                count++;
                p += len;
        }
        if (count == 0 || (count == 1 && strcasecmp(words[0], "irregular") == 0)) {
                *kind = CADENCE_IRREGULAR;
                *n = 0;
                return 0;
        }
        int day = -1;
        if (count == 3 && strcasecmp(words[0], "weekly") == 0 && strcasecmp(words[1], "on") == 0)
                day = weekday_parse(words[2]);
        else if (count == 2 && strcasecmp(words[0], "weekly") == 0)
                day = weekday_parse(words[1]);
        else if (count == 2 && strcasecmp(words[0], "every") == 0)
                day = weekday_parse(words[1]);
        if (day >= 0) {
                *kind = CADENCE_WEEKLY;
                *n = day;
                return 0;
        }
        if (count == 2 && strcasecmp(words[0], "every") == 0 && strcasecmp(words[1], "day") == 0) {
                *kind = CADENCE_DAYS;
                *n = 1;
                return 0;
        }
        if (count == 3 && strcasecmp(words[0], "every") == 0 && strcasecmp(words[2], "days") == 0) {
                char *end;
                long v = strtol(words[1], &end, 10);
                if (*end || v < 1 || v > 365)
                        return -1;
                *kind = CADENCE_DAYS;
                *n = (int)v;
                return 0;
        }
        return -1;
}

const char *season_cadence_text(enum season_cadence kind, int n, char *out, size_t size)
{
        if (kind == CADENCE_WEEKLY && n >= 0 && n < 7) {
                snprintf(out, size, "weekly on %s", weekdays[n]);
                return out;
        }
        if (kind == CADENCE_DAYS && n >= 1) {
                snprintf(out, size, "every %d days", n);
                return out;
        }
        return "irregular";
}

const char *season_status_name(enum season_status s)
{
        return (unsigned)s < 4 ? statuses[s] : "planned";
}

int season_status_parse(const char *name, enum season_status *s)
{
        for (int i = 0; i < 4; i++) {
                if (strcmp(name, statuses[i]) == 0) {
                        *s = (enum season_status)i;
                        return 0;
                }
        }
        return -1;
}

static const char *cadence_name(enum season_cadence c)
{
        return c == CADENCE_WEEKLY ? "weekly" : c == CADENCE_DAYS ? "days" : "irregular";
}

static enum season_cadence cadence_from_name(const char *s)
{
        return strcmp(s, "weekly") == 0 ? CADENCE_WEEKLY
               : strcmp(s, "days") == 0 ? CADENCE_DAYS
                                        : CADENCE_IRREGULAR;
}

static int validate(const struct season_input *in, struct field_problem *p)
{
        const char *why;
        if (in->number < 1 || in->number > KD_MAX_SEASONS)
                return field_problem_set(p, "number", N_("A season number is from 1 to 999."));
        if ((why = text_problem(in->title, true, KD_TITLE_MAX)))
                return field_problem_set(p, "title", why);
        if (strchr(in->title, '\n'))
                return field_problem_set(p, "title", N_("A title is one line."));
        if ((why = text_problem(in->description, false, KD_DESCRIPTION_MAX)))
                return field_problem_set(p, "description", why);
        if (in->cadence == CADENCE_WEEKLY && (in->cadence_n < 0 || in->cadence_n > 6))
                return field_problem_set(p, "weekday", N_("Choose a day of the week."));
        if (in->cadence == CADENCE_DAYS && (in->cadence_n < 1 || in->cadence_n > 365))
                return field_problem_set(p, "every_days", N_("Choose between 1 and 365 days."));
        if ((unsigned)in->status > SEASON_FINISHED)
                return field_problem_set(p, "status", N_("Choose a status."));
        return PUB_OK;
}

int season_save(struct db *db, int64_t newsletter_id, int64_t id, const struct season_input *in,
                int64_t *out_id, struct field_problem *p)
{
        int rc = validate(in, p);
        if (rc != PUB_OK)
                return rc;
        struct mdr_result r;
        const char *desc = in->description ? in->description : "";
        mdr_render(desc, strlen(desc), MDR_ARTICLE, &r);
        const char *html = r.html.len ? r.html.data : "";
        int64_t now = time_now();
        struct db_stmt *s;
        if (id > 0)
                s = db_prepare(db, "UPDATE season SET number = ?2, title = ?3, description = ?4, "
                                   "description_html = ?5, cadence = ?6, cadence_n = ?7, status = "
                                   "?8, returns_at = ?9, updated_at = ?10 WHERE id = ?1 AND "
                                   "newsletter_id = ?11 RETURNING id");
        else
                s = db_prepare(db, "INSERT INTO season (newsletter_id, number, title, "
                                   "description, description_html, cadence, cadence_n, status, "
                                   "returns_at, created_at, updated_at) VALUES (?11, ?2, ?3, ?4, "
                                   "?5, ?6, ?7, ?8, ?9, ?10, ?10) RETURNING id");
        if (!s) {
                mdr_result_free(&r);
                return PUB_DB_ERROR;
        }
        if (id > 0)
                db_bind_int(s, 1, id);
        db_bind_int(s, 2, in->number);
        db_bind_text(s, 3, in->title);
        db_bind_text(s, 4, desc);
        db_bind_text(s, 5, html);
        db_bind_text(s, 6, cadence_name(in->cadence));
        db_bind_int(s, 7, in->cadence == CADENCE_IRREGULAR ? 0 : in->cadence_n);
        db_bind_text(s, 8, season_status_name(in->status));
        if (in->status == SEASON_ON_BREAK && in->returns_at > 0)
                db_bind_int(s, 9, in->returns_at);
        else
                db_bind_null(s, 9);
        db_bind_int(s, 10, now);
        db_bind_int(s, 11, newsletter_id);
        int step = db_step(s);
        if (step == DB_ROW) {
                *out_id = db_col_int(s, 0);
                step = db_step(s);
                rc = PUB_OK;
        } else if (step == DB_DONE) {
                rc = PUB_NOT_FOUND;
        }
        db_finish(s);
        mdr_result_free(&r);
        if (step == DB_CONSTRAINT) {
                field_problem_set(p, "number",
                                  N_("This newsletter already has a season with that "
                                     "number."));
                return PUB_TAKEN;
        }
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        return rc;
}

#define SEASON_COLUMNS                                                                             \
        "s.id, s.newsletter_id, s.number, s.title, s.description, s.description_html, "            \
        "s.cadence, s.cadence_n, s.status, coalesce(s.returns_at, 0), (SELECT count(*) FROM "      \
        "episode e WHERE e.season_id = s.id AND e.status <> 'draft' AND e.publish_at <= ?9) "      \
        "FROM season s "

static void read_season(struct db_stmt *st, struct arena *a, struct season *s)
{
        s->id = db_col_int(st, 0);
        s->newsletter_id = db_col_int(st, 1);
        s->number = (int)db_col_int(st, 2);
        s->title = arena_strdup(a, db_col_text(st, 3));
        s->description = arena_strdup(a, db_col_text(st, 4));
        s->description_html = arena_strdup(a, db_col_text(st, 5));
        s->cadence = cadence_from_name(db_col_text(st, 6));
        s->cadence_n = (int)db_col_int(st, 7);
        enum season_status status = SEASON_PLANNED;
        season_status_parse(db_col_text(st, 8), &status);
        s->status = status;
        s->returns_at = db_col_int(st, 9);
        s->episodes = (int)db_col_int(st, 10);
}

static int find_one(struct db_stmt *st, struct arena *a, struct season *out)
{
        int rc = db_step(st);
        if (rc == DB_ROW)
                read_season(st, a, out);
        db_finish(st);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int season_find(struct db *db, struct arena *a, int64_t newsletter_id, int number, int64_t now,
                struct season *out)
{
        struct db_stmt *st =
            db_prepare(db, "SELECT " SEASON_COLUMNS "WHERE s.newsletter_id = ?1 AND s.number = ?2");
        if (!st)
                return PUB_DB_ERROR;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 2, number);
        db_bind_int(st, 9, now);
        return find_one(st, a, out);
}

int season_get(struct db *db, struct arena *a, int64_t id, int64_t now, struct season *out)
{
        struct db_stmt *st = db_prepare(db, "SELECT " SEASON_COLUMNS "WHERE s.id = ?1");
        if (!st)
                return PUB_DB_ERROR;
        db_bind_int(st, 1, id);
        db_bind_int(st, 9, now);
        return find_one(st, a, out);
}

int season_list(struct db *db, struct arena *a, int64_t newsletter_id, int64_t now,
                struct season **out)
{
        struct db_stmt *st =
            db_prepare(db, "SELECT " SEASON_COLUMNS "WHERE s.newsletter_id = ?1 ORDER BY s.number");
        if (!st)
                return PUB_DB_ERROR;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 9, now);
        size_t cap = 0, n = 0;
        struct season *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_season(st, a, &arr[n++]);
        }
        db_finish(st);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int64_t season_next_episode_at(struct db *db, const struct season *s, int64_t now)
{
        if (s->status != SEASON_AIRING)
                return 0;
        struct db_stmt *st = db_prepare(
            db, "SELECT (SELECT min(publish_at) FROM episode WHERE season_id = ?1 AND status = "
                "'scheduled' AND publish_at > ?2), (SELECT max(publish_at) FROM episode WHERE "
                "season_id = ?1 AND status <> 'draft' AND publish_at <= ?2)");
        if (!st)
                return 0;
        db_bind_int(st, 1, s->id);
        db_bind_int(st, 2, now);
        int64_t scheduled = 0, last = 0;
        if (db_step(st) == DB_ROW) {
                scheduled = db_col_int(st, 0);
                last = db_col_int(st, 1);
        }
        db_finish(st);
        if (scheduled)
                return scheduled;
        if (!last || s->cadence == CADENCE_IRREGULAR)
                return 0;
        int64_t next;
        if (s->cadence == CADENCE_DAYS) {
                int64_t step = (int64_t)s->cadence_n * 86400;
                next = last + step;
                if (next < now)
                        next += (now - next + step - 1) / step * step;
                return next;
        }
        /* Weekly: the next given weekday after the last episode, at its time of day. 1970-01-01
         * was a Thursday (weekday 4). */
        int64_t day = last / 86400, time_of_day = last % 86400;
        int64_t wd = (day + 4) % 7;
        int64_t ahead = ((s->cadence_n - wd) % 7 + 7) % 7;
        if (ahead == 0)
                ahead = 7;
        next = (day + ahead) * 86400 + time_of_day;
        while (next < now)
                next += 7 * 86400;
        return next;
}
