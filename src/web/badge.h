/* Badges on pages: small marks next to a member's name, and the profile's list with what each
 * means (and, for admins, the forms that award and remove them by hand). */
#ifndef KD_WEB_BADGE_H
#define KD_WEB_BADGE_H

#include <stdbool.h>
#include <stdint.h>

struct badge;
struct badge_set;
struct render;

/* Renderer: member_id's badges in set (loaded with badge_set_load for the page's authors) as
 * small marks after a name, each titled with its rule; nothing when they hold none or set is
 * NULL. */
void badge_inline(struct render *r, int64_t member_id, const struct badge_set *set);

/* One newsletter an admin may pick for a per-newsletter badge. */
struct badge_newsletter {
        const char *slug, *title;
};

/* What a refused award form keeps: the message, the field it names, and what was chosen and
 * written. All NULL for a fresh form. */
struct badge_form_state {
        const char *error, *error_field;
        const char *badge, *newsletter, *note;
};

/* Renderer: a profile's badges section for bs[0..n) (badge_list_member): each with its name, its
 * newsletter, what earns it and when it was earned or who awarded it. With admin set (the
 * viewer may award), also taken-back badges and the forms to remove, give back and award,
 * posting to /@handle/badges; newsletters[0..nn) fill the award form's choice; form (may be
 * NULL) is a refused award's state, shown open with its message beside the field. */
void badge_section(struct render *r, const char *handle, const struct badge *bs, int n, bool admin,
                   const struct badge_newsletter *newsletters, int nn,
                   const struct badge_form_state *form);

/* Renderer: for a member's own profile, the badges they do not hold yet (bs[0..n) are those
 * they hold) with what earns each, as a nudge to take part; nothing when they hold them all. */
void badge_within_reach(struct render *r, const struct badge *bs, int n);

#endif
