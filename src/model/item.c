/* The kinds of member-written items (item.h): one row per kind. */
#include "model/item.h"
#include "model/ask.h"
#include "core/i18n.h"
#include "model/buildon.h"
#include "model/comment.h"
#include "model/lexicon.h"
#include "model/newsletter.h"
#include "model/problem.h"
#include "model/tried.h"
#include "model/space.h"

#include <string.h>

static const struct item_kind kinds[] = {
    {"comment", comment_item_load, comment_item_viewable, comment_set_hidden, true},
    {"ask", ask_item_load, ask_item_viewable, ask_set_hidden, false},
    {"term", term_item_load, term_item_viewable, term_set_hidden, false},
    {"tried", tried_item_load, tried_item_viewable, tried_set_hidden, false},
    {"post", space_item_load, space_item_viewable, space_post_set_hidden, true},
    {"buildon", buildon_item_load, buildon_item_viewable, buildon_set_hidden, true},
};

const struct item_kind *item_kind_find(const char *target)
{
        for (size_t i = 0; target && i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (strcmp(kinds[i].target, target) == 0)
                        return &kinds[i];
        return NULL;
}

int item_load(struct db *db, struct arena *a, const char *target, int64_t id, struct item *out)
{
        const struct item_kind *k = item_kind_find(target);
        if (!k)
                return PUB_NOT_FOUND;
        memset(out, 0, sizeof(*out));
        out->target = k->target;
        out->id = id;
        return k->load(db, a, id, out);
}

bool item_can_moderate(struct db *db, const struct item *it, int64_t member_id, enum role role)
{
        return item_moderation_refusal(db, it, member_id, role) == NULL;
}

const char *item_moderation_refusal(struct db *db, const struct item *it, int64_t member_id,
                                    enum role role)
{
        if (role == ROLE_MODERATOR || role == ROLE_ADMIN)
                return NULL;
        if (!it->newsletter_id || !newsletter_can_write(db, it->newsletter_id, member_id, role))
                return N_("Only moderators and the authors of its newsletter may hide or restore "
                          "this.");
        /* An author moderates others under their newsletters, not their own items (or a
         * moderator's decision about them). */
        if (it->author_id == member_id)
                return N_("What you wrote is moderated by someone else.");
        return NULL;
}

bool item_viewable(struct db *db, const struct item *it, int64_t member_id, enum role role,
                   int64_t now)
{
        const struct item_kind *k = item_kind_find(it->target);
        return k && k->viewable(db, it->id, member_id, role, now);
}
