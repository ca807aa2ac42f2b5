/* Episodes: the articles of a newsletter, numbered within a season.
 *
 * Readers see an episode when its status is not draft and its publish time has passed, so a
 * scheduled episode appears at its time with no restart and no job. Drafts and scheduled
 * episodes are shown only to those who may write in the newsletter and to admins; to everyone
 * else they do not exist (404). Markdown is rendered to HTML, plain text, an excerpt and a
 * reading time when the episode is saved, never on a view. */
#ifndef KD_EPISODE_H
#define KD_EPISODE_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum episode_status { EPISODE_DRAFT, EPISODE_SCHEDULED, EPISODE_PUBLISHED };
enum ai_disclosure { AI_NONE, AI_ASSISTED, AI_GENERATED };

struct episode {
        int64_t id;
        int64_t newsletter_id;
        const char *newsletter_slug, *newsletter_title;
        int64_t season_id;
        int season_number;
        const char *season_title;
        int number;
        int64_t author_id;
        const char *author_handle, *author_name, *author_headline;
        const char *slug, *title, *subtitle, *excerpt;
        int words, reading_minutes;
        int64_t cover_image_id; /* 0 when none */
        const char *cover_url;  /* "/media/<sha256>.<ext>", or NULL */
        const char *cover_mime; /* or NULL */
        int cover_width, cover_height;
        const char *cover_alt, *cover_credit;
        enum episode_status status; /* as stored: a scheduled episode past its time is live */
        int64_t publish_at;
        enum ai_disclosure ai;
        const char *teaser;
        int comment_count;
        int64_t created_at, updated_at;
        const char *language; /* the text's language tag, NULL: the site default */
        /* Loaded by episode_find/episode_get only (NULL in lists): */
        const char *body, *body_html, *body_text;
};

struct episode_input {
        int64_t newsletter_id;
        int season_number; /* must exist in the newsletter */
        int number;        /* 0: unchanged on an edit in the same season, else the next free one */
        int64_t author_id;
        const char *slug; /* "" or NULL: made from the title (new) or kept (edit); a live
                             episode's slug cannot change */
        const char *title, *subtitle, *body;
        int64_t cover_image_id; /* 0 for none */
        const char *cover_alt, *cover_credit;
        enum episode_status status;
        int64_t publish_at; /* 0: now (publish) or unchanged (edit) */
        bool publish_now;   /* "Publish now": live from now, whatever publish_at says (a live
                               episode keeps its original time) */
        enum ai_disclosure ai;
        const char *teaser;
        const char *language; /* a tag with a catalog; NULL or "": the author's language (new),
                                 unchanged (edit) */
        /* The "Questions for you" by position, KD_PROMPTS_PER_EPISODE of them ("" for none),
         * saved in the same transaction (model/prompt.h); NULL leaves them as they are. */
        const char *const *prompts;
};

const char *episode_status_name(enum episode_status s);             /* "draft", ... */
int episode_status_parse(const char *name, enum episode_status *s); /* 0 or -1 */
const char *ai_disclosure_name(enum ai_disclosure a);               /* "none", ... */
int ai_disclosure_parse(const char *name, enum ai_disclosure *a);

/* True when readers see e at time now. */
bool episode_is_live(const struct episode *e, int64_t now);
/* True when viewer (id, role) may see e at time now: live, or they may write in its newsletter. */
bool episode_viewable(struct db *db, const struct episode *e, int64_t viewer_id, enum role role,
                      int64_t now);

/* Checks, renders and saves: a new episode when id is 0, else an update of episode id (which
 * may move to another season or number). A future publish time makes a published episode
 * scheduled; a scheduled one whose time has passed is published. Status EPISODE_DRAFT takes a
 * scheduled or live episode back to the drafts (unpublish); publish_now makes a scheduled
 * episode live now, while a live one keeps its first time. Sets *out_id.
 * Returns PUB_OK, PUB_INVALID (p filled), PUB_TAKEN (slug or number in use; p says which),
 * PUB_NOT_FOUND or PUB_DB_ERROR. Nothing is written unless everything is valid. */
int episode_save(struct db *db, int64_t id, const struct episode_input *in, int64_t *out_id,
                 struct field_problem *p);

/* Loads one episode with its body, whatever its status. Returns PUB_OK, PUB_NOT_FOUND or
 * PUB_DB_ERROR. */
int episode_find(struct db *db, struct arena *a, const char *newsletter_slug, const char *slug,
                 struct episode *out);
int episode_get(struct db *db, struct arena *a, int64_t id, struct episode *out);
/* The same without its body (body, body_html and body_text NULL): for what needs the episode's
 * place and state but not its text, such as an API comment post that quotes nothing, which
 * reads it in the writers' turn (a long episode's text is tens of kilobytes, read three times).
 * What links to quoted passages needs the text (comment_text_fragment). */
int episode_get_card(struct db *db, struct arena *a, int64_t id, struct episode *out);

/* Lists (arena arrays, without bodies) of live episodes at `now`. Each returns the count or a
 * negative enum pub_result. */
/* Newest first across the site; before > 0 lists only those published before it. */
int episode_list_latest(struct db *db, struct arena *a, int64_t now, int64_t before, int limit,
                        struct episode **out);
/* Newest first in one newsletter. */
int episode_list_newsletter(struct db *db, struct arena *a, int64_t newsletter_id, int64_t now,
                            int limit, struct episode **out);
/* A season's episodes by number. */
int episode_list_season(struct db *db, struct arena *a, int64_t season_id, int64_t now,
                        struct episode **out);
/* The first limit episodes of a season by number. */
int episode_list_season_first(struct db *db, struct arena *a, int64_t season_id, int64_t now,
                              int limit, struct episode **out);
/* An author's newest, leaving out except_id (0 for none). */
int episode_list_author(struct db *db, struct arena *a, int64_t author_id, int64_t except_id,
                        int64_t now, int limit, struct episode **out);
/* Every episode, any status, in the newsletters member_id may write in, last edited first. */
int episode_list_writable(struct db *db, struct arena *a, int64_t member_id, enum role role,
                          int limit, struct episode **out);

/* The live ones among n episode ids (n <= EPISODE_CARDS_BATCH) as cards, in one query:
 * out[i] is set and found[i] true for each id that is live at now. PUB_OK or PUB_DB_ERROR. */
enum { EPISODE_CARDS_BATCH = 16 };
int episode_live_cards(struct db *db, struct arena *a, const int64_t *ids, int n, int64_t now,
                       struct episode *out, bool *found);

/* The live episodes just before and after e in its newsletter (by publish time). Each is set
 * to NULL when there is none. Returns PUB_OK or PUB_DB_ERROR. */
int episode_neighbours(struct db *db, struct arena *a, const struct episode *e, int64_t now,
                       struct episode **prev, struct episode **next);

/* The rendered body of episode id (arena string), or NULL when unknown. */
const char *episode_body_html(struct db *db, struct arena *a, int64_t id);

/* Calls fn for every live episode at now, newest first, at most limit of them, with its
 * newsletter slug, its slug and its last change. Returns the count or a negative
 * enum pub_result. */
int episode_each_live(struct db *db, int64_t now, int limit,
                      void (*fn)(const char *newsletter_slug, const char *slug, int64_t updated_at,
                                 void *ctx),
                      void *ctx);

/* Sets an episode's creation and last-edit times (imports keep the originals). Returns PUB_OK or
 * PUB_DB_ERROR. */
int episode_set_times(struct db *db, int64_t id, int64_t created_at, int64_t updated_at);

/* Renders episode id's Markdown again and stores the HTML, plain text, excerpt, word count and
 * reading time (after an import, or when the renderer changed). Returns PUB_OK, PUB_NOT_FOUND,
 * PUB_INVALID (the Markdown no longer renders) or PUB_DB_ERROR. */
int episode_refresh_rendering(struct db *db, int64_t id);

/* The earliest publish time after now of a scheduled episode, or INT64_MAX when none: until
 * then, what readers see does not change by itself. */
int64_t episode_next_due(struct db *db, int64_t now);

/* Marks scheduled episodes whose time has come as published and tells their newsletters'
 * followers (visibility itself never waits for this). Returns the number changed or a negative
 * enum pub_result. */
int episode_publish_due(struct db *db, int64_t now);

#endif
