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

#endif
