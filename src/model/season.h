/* Seasons: numbered runs of episodes in a newsletter, with a cadence ("every Tuesday", "every
 * 14 days") and a status (planned, airing, on a break until a date, finished). */
#ifndef KD_SEASON_H
#define KD_SEASON_H

#include "model/problem.h"

#include <stdint.h>

struct arena;
struct db;

enum season_cadence { CADENCE_IRREGULAR, CADENCE_WEEKLY, CADENCE_DAYS };
enum season_status { SEASON_PLANNED, SEASON_AIRING, SEASON_ON_BREAK, SEASON_FINISHED };

struct season {
        int64_t id;
        int64_t newsletter_id;
        int number;
        const char *title;
        const char *description;
        const char *description_html;
        enum season_cadence cadence;
        int cadence_n; /* weekday 0 (Sunday) .. 6 for WEEKLY; days for DAYS */
        enum season_status status;
        int64_t returns_at; /* announced return (00:00 UTC of the day), 0 when none */
        int episodes;       /* episodes readers can see now */
};

struct season_input {
        int number;
        const char *title;
        const char *description;
        enum season_cadence cadence;
        int cadence_n;
        enum season_status status;
        int64_t returns_at; /* 0 for none; kept only while on a break */
};

/* Parses "weekly on tuesday" (or "every tuesday"), "every 14 days", "every day", "irregular"
 * or "" (irregular). Returns 0, or -1 when the text is none of these. */
int season_cadence_parse(const char *text, enum season_cadence *kind, int *n);
/* The canonical text of a cadence ("weekly on tuesday", "every 14 days", "irregular"), the
 * form season_cadence_parse() reads back. Static or in out. */
const char *season_cadence_text(enum season_cadence kind, int n, char *out, size_t size);

/* Status names as stored and imported: "planned", "airing", "on-break", "finished". */
const char *season_status_name(enum season_status s);
/* Returns 0 and sets *s, or -1 for an unknown name. */
int season_status_parse(const char *name, enum season_status *s);

/* Creates a season in newsletter_id, or updates season id (id > 0; its number may change).
 * Sets *out_id. Returns PUB_OK, PUB_INVALID, PUB_TAKEN (number in use; p names "number"),
 * PUB_NOT_FOUND (id is not a season of newsletter_id) or PUB_DB_ERROR. */
int season_save(struct db *db, int64_t newsletter_id, int64_t id, const struct season_input *in,
                int64_t *out_id, struct field_problem *p);

/* Loads season number of newsletter_id (or by id). Returns PUB_OK, PUB_NOT_FOUND or
 * PUB_DB_ERROR. `now` decides which episodes count as visible. */
int season_find(struct db *db, struct arena *a, int64_t newsletter_id, int number, int64_t now,
                struct season *out);
int season_get(struct db *db, struct arena *a, int64_t id, int64_t now, struct season *out);

/* A newsletter's seasons in order, as an arena array. Returns the count or a negative
 * enum pub_result. */
int season_list(struct db *db, struct arena *a, int64_t newsletter_id, int64_t now,
                struct season **out);

/* When the next episode of an airing season is due: the earliest scheduled episode if one is
 * set, else the cadence's next day after the last published episode (at its time of day), not
 * before now. Returns 0 when nothing can be said (irregular, not airing, nothing published). */
int64_t season_next_episode_at(struct db *db, const struct season *s, int64_t now);

#endif
