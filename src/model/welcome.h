/* What the welcome page offers a new member (web/welcome.c): the newsletters to follow, with
 * their descriptions, and whether the member follows each already. Reads at most a bounded
 * number of newsletters (KD_WELCOME_NEWSLETTERS): nothing grows with the size of the site. */
#ifndef KD_WELCOME_H
#define KD_WELCOME_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

struct welcome_newsletter {
        int64_t id;
        const char *slug, *title;
        const char *description_html; /* rendered when saved; "" for none */
        const char *owner_name;
        bool following;
};

/* The first newsletters of the site (oldest first, at most limit) with member_id's follow of
 * each. Strings in a. Returns the count or a negative enum pub_result. */
int welcome_newsletters(struct db *db, struct arena *a, int64_t member_id, int limit,
                        struct welcome_newsletter **out);

/* Sets member_id's headline, keeping the rest of the profile. Returns MEMBER_OK,
 * MEMBER_INVALID (p says why: too long, control characters) or another enum member_result. */
struct member_problem;
int welcome_set_headline(struct db *db, struct arena *a, int64_t member_id, const char *headline,
                         struct member_problem *p);

#endif
