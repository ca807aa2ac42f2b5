/* The kinds of member-written items (item.h): one row per kind. */
#include "model/item.h"
#include "model/buildon.h"
#include "model/comment.h"
#include "model/newsletter.h"
#include "model/problem.h"

#include <string.h>

static const struct item_kind kinds[] = {
    {"comment", comment_item_load, comment_item_viewable, comment_set_hidden, true},
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
        if (role == ROLE_MODERATOR || role == ROLE_ADMIN)
                return true;
        if (it->author_id == member_id || !it->newsletter_id)
                return false;
        return newsletter_can_write(db, it->newsletter_id, member_id, role);
}
