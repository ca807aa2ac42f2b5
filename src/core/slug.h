/* Slugs: the readable, stable names in newsletter and episode URLs. */
#ifndef KD_SLUG_H
#define KD_SLUG_H

#include <stdbool.h>
#include <stddef.h>

/* True when s is 1..KD_SLUG_MAX_BYTES of a-z, 0-9 and single hyphens, neither first nor last. */
bool slug_valid(const char *s);

/* Writes a slug made from title into out (size >= 2): ASCII letters lower-cased, digits kept,
 * apostrophes dropped ("Year's" gives "years"), every other run of characters one hyphen. When
 * the slug would pass KD_SLUG_MAX_BYTES (or size - 1), it ends at the last whole word (a single
 * over-long word is cut). A title with no ASCII letters or digits gives "untitled" (cut to
 * fit size). */
void slug_from_title(const char *title, char *out, size_t size);

/* True when s is a word a route puts right after /n/NEWSLETTER/ ("asks", "lexicon", "follow",
 * "subscribe"): those routes come before the episode's, so an episode with that slug could never be
 * reached. Episode saves refuse such a slug (keep the list in step with src/routes/ and
 * src/routes.c). */
bool slug_reserved_for_episode(const char *s);

/* slug_from_title for an episode: a reserved word gets "-2" ("Asks" gives "asks-2"). */
void slug_episode_from_title(const char *title, char *out, size_t size);

#endif
