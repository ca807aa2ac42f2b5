/* Demo content for a new site (kindred init --demo). */
#ifndef KD_DEMO_H
#define KD_DEMO_H

struct db;

/* The password every demo account gets; printed by `kindred init --demo`. */
#define DEMO_PASSWORD "kindred-demo"

/* Adds the demo members when the site has no members yet. Returns the number added (0 when the
 * site already had members) or a negative error. Runs in one transaction: all or nothing. */
int demo_seed(struct db *db);

#endif
