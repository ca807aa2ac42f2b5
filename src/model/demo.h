/* Demo content for a new site (kindred init --demo). */
#ifndef KD_DEMO_H
#define KD_DEMO_H

struct db;

/* The password every demo account gets; printed by `kindred init --demo`. */
#define DEMO_PASSWORD "kindred-demo"

struct import_report;

/* Adds the demo members, then the demo newsletters (imported from the embedded demo/content
 * with dates moved by whole weeks so the newest episode is from the past week), when the site
 * has no members yet. Covers are stored under data_dir. Returns the number of members added (0
 * when the site already had members) or a negative error, with report->error saying why when
 * the content failed. Runs in one transaction: all or nothing. */
int demo_seed(struct db *db, const char *data_dir, struct import_report *report);

/* For the participation features' demo parts (src/model/demo_<feature>.c, each listed in
 * demo_seed's parts and run inside its transaction, after the demo conversation): a demo
 * member's id by handle and an episode's id by slug; 0 when there is none. */
#include <stdint.h>
struct arena;
int64_t demo_member_id(struct db *db, struct arena *a, const char *handle);
int64_t demo_episode_id(struct db *db, struct arena *a, const char *slug);
/* The parts (demo_<feature>.c). */
int demo_seed_spaces(struct db *db);

/* The demo parts (src/model/demo_<feature>.c): 0, or -1 to fail the whole demo. */
int demo_seed_lexicon(struct db *db);
/* The parts (each returns 0, or -1 to undo the demo). */
int demo_seed_prompts(struct db *db); /* questions, answers, "I tried this" (demo_prompts.c) */

int demo_seed_buildons(struct db *db); /* demo_buildons.c */
/* Members and guests who get newsletters by email (demo_subscriptions.c). */
int demo_seed_subscriptions(struct db *db);
int demo_seed_notify(struct db *db);   /* notification mail choices (demo_notify.c) */
/* A notification kind a demo member turned off (demo_notify.c); after the insights' members. */
int demo_seed_notify_kinds(struct db *db);

#endif
