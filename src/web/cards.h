/* Pieces of publishing pages shared by several of them: episode cards and links, season labels,
 * cadence and dates in words. */
#ifndef KD_CARDS_H
#define KD_CARDS_H

#include "web/render.h"

#include <stdint.h>

struct buf;
struct episode;
struct render;
struct season;

/* Writes the path of an episode ("/n/<newsletter>/<episode>"), URL-escaped. */
void episode_path(struct buf *b, const struct episode *e);

enum card_flags {
        CARD_NEWSLETTER = 1 << 0, /* name the newsletter (lists across newsletters) */
        CARD_COVER = 1 << 1,      /* show the cover as a thumbnail */
        CARD_EXCERPT = 1 << 2,    /* show the excerpt */
        CARD_AUTHOR = 1 << 3,     /* show the author */
        CARD_EAGER = 1 << 4,      /* near the top: the cover is not lazy-loaded */
        CARD_PRIORITY = 1 << 5,   /* the page's first cover: fetched first (its LCP) */
};

/* An episode as a list item: label, title link, subtitle or excerpt, byline, time, reading time
 * and comment count. */
/* CARD_PRIORITY for the first card of eps with a cover, CARD_EAGER for the next one (both may
 * be in the first screen), else 0: what a list of cards passes for card i. */
unsigned card_cover_load(const struct episode *eps, int i);

void card_episode(struct render *r, const struct episode *e, unsigned flags);

/* "Season 2 · Episode 3" */
void season_episode_label(struct render *r, int season, int episode);

/* "every Tuesday", "every 14 days", "no fixed schedule": translated text, static or in r->arena. */
const char *cadence_text(struct render *r, const struct season *s);

/* Where a season stands: airing with its cadence and the next date (next_episode_at, 0 when
 * unknown; a loader gets it from season_next_episode_at), on a break until a date, finished, or
 * starting soon. */
void season_status_line(struct render *r, const struct season *s, int64_t next_episode_at);

/* A calendar date ("Tuesday, 1 December 2026") in <time>, with the exact UTC time as title. */
void html_date(struct render *r, int64_t t);
/* html_date and html_time (web/layout.h) as fragments for a sentence (html_sentence). */
struct html_frag html_date_frag(struct render *r, int64_t t);
struct html_frag html_time_frag(struct render *r, int64_t t);
/* A moment in a member's time zone (zone: an IANA name, "" for UTC), for the author's own
 * schedule: "Thursday, 3 December 2026, 08:00 (Europe/Lisbon)" in <time> with the exact UTC
 * time; as a fragment for a sentence. */
struct html_frag html_local_moment_frag(struct render *r, int64_t t, const char *zone);

#endif
