/* Member roles, shared by the route table (who may call) and the model (who someone is). */
#ifndef KD_ROLE_H
#define KD_ROLE_H

#include <stdbool.h>
#include <string.h>

enum role {
        ROLE_NONE = 0, /* a guest; in the route table: anyone may call */
        ROLE_READER,   /* any signed-in member; in the route table: members only */
        ROLE_AUTHOR,
        ROLE_MODERATOR,
        ROLE_ADMIN,
};

/* True when someone with role `have` may do what needs `need`. Admins may do everything;
 * authors and moderators have separate powers; every member can do what readers can. */
static inline bool role_allows(enum role have, enum role need)
{
        if (need == ROLE_NONE)
                return true;
        if (have == ROLE_NONE)
                return false;
        return have == ROLE_ADMIN || need == ROLE_READER || have == need;
}

static inline const char *role_name(enum role r)
{
        switch (r) {
        case ROLE_READER:
                return "reader";
        case ROLE_AUTHOR:
                return "author";
        case ROLE_MODERATOR:
                return "moderator";
        case ROLE_ADMIN:
                return "admin";
        default:
                return "guest";
        }
}

/* Returns the role named s, or ROLE_NONE when s names none of reader/author/moderator/admin. */
static inline enum role role_parse(const char *s)
{
        for (enum role r = ROLE_READER; r <= ROLE_ADMIN; r++)
                if (strcmp(s, role_name(r)) == 0)
                        return r;
        return ROLE_NONE;
}

#endif
