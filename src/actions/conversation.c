/* The conversation's write paths, shared by pages and the API (actions/conversation.h). */
#include "actions/conversation.h"
#include "core/config.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/event_party.h"
#include "model/report.h"
#include "web/events.h"

#include <string.h>

/* Counts one write against the member limits given; ACTION_ANSWERED when refused (429). */
static int guard(struct request *req, struct rate_limit *const *limits)
{
        return write_guard(req, limits) ? ACTION_ANSWERED : PUB_OK;
}

/* comment_input.first: the handler's load (on SQLite in the comment's transaction, on
 * PostgreSQL just before it), then the rate limits (a missing episode is answered as such, as
 * it was when the handler loaded it first). */
struct episode_load {
        struct request *req;
        struct episode *e;
        int (*load)(struct request *req, struct episode *e);
};

static int load_first(void *arg, int64_t *episode_id)
{
        struct episode_load *l = arg;
        struct rate_limit *const limits[] = {l->req->guards->comment_by_member_minute,
                                             l->req->guards->comment_by_member_hour, NULL};
        if (l->load(l->req, l->e) != 0 || guard(l->req, limits))
                return ACTION_ANSWERED;
        *episode_id = l->e->id;
        return 0;
}

int action_comment_post(struct request *req, int (*load)(struct request *, struct episode *),
                        struct episode *e, int64_t *id, struct comment *read,
                        struct field_problem *p)
{
        /* The form says "parent", the API "parent_id"; each route declares its own. */
        int64_t parent = req_param_int(req, "parent", 0);
        if (!parent)
                parent = req_param_int(req, "parent_id", 0);
        struct episode_load l = {req, e, load};
        struct comment_input in = {
            .parent_id = parent,
            .author_id = req->viewer.id,
            .body = req_param(req, "body"),
            .quote_exact = req_param(req, "quote_exact"),
            .quote_prefix = req_param(req, "quote_prefix"),
            .quote_suffix = req_param(req, "quote_suffix"),
            .read = read,
            .read_arena = req->arena,
            .first = load_first,
            .first_arg = &l,
        };
        int rc = comment_create(req->db, &in, id, p);
        if (rc == PUB_OK)
                action_comment_recorded(
                    req, e, *id, parent,
                    in.quote_exact && *in.quote_exact ? EVENT_QUOTE : EVENT_COMMENT, 0);
        return rc;
}

void action_comment_recorded(struct request *req, const struct episode *e, int64_t id,
                             int64_t parent_id, int kind, int64_t other_id)
{
        if (parent_id) {
                struct event_party parent;
                kind = EVENT_REPLY;
                /* the parent was read a moment ago by comment_create: it is there */
                other_id = event_party_of(req->db, "comment", parent_id, &parent) == 0
                               ? parent.author_id
                               : 0;
        }
        if (other_id == req->viewer.id)
                other_id = 0;
        events_record(req, (enum event_kind)kind, e->newsletter_id, e->id, other_id, id);
}

int action_comment_load(struct request *req, struct comment *c, struct episode *e)
{
        int rc = comment_get(req->db, req->arena, req_path_id(req, "id"), c);
        if (rc == PUB_OK)
                rc = episode_get(req->db, req->arena, c->episode_id, e);
        if (rc == PUB_OK &&
            (!episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()) ||
             !comment_can_read(req->viewer.id, req->config->guests_read_comments)))
                rc = PUB_NOT_FOUND;
        return rc == PUB_OK || rc == PUB_DB_ERROR ? rc : PUB_NOT_FOUND;
}

int action_comment_may_change(struct request *req, const struct comment *c)
{
        if (comment_can_edit(c, req->viewer.id))
                return PUB_OK;
        return c->state != COMMENT_VISIBLE ? PUB_NOT_FOUND : PUB_FORBIDDEN;
}

int action_comment_edit(struct request *req, const struct comment *c, struct field_problem *p)
{
        int rc = action_comment_may_change(req, c);
        if (rc != PUB_OK)
                return rc;
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (guard(req, limits))
                return ACTION_ANSWERED;
        return comment_edit(req->db, c->id, req->viewer.id, req_param(req, "body"), p);
}

int action_comment_delete(struct request *req, const struct comment *c)
{
        int rc = action_comment_may_change(req, c);
        if (rc != PUB_OK)
                return rc;
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (guard(req, limits))
                return ACTION_ANSWERED;
        return comment_delete(req->db, c->id, req->viewer.id);
}

int action_item_load(struct request *req, const char *target, int64_t id, struct item *it)
{
        int rc = item_load(req->db, req->arena, target, id, it);
        if (rc == PUB_OK &&
            !item_viewable(req->db, it, req->viewer.id, req->viewer.role, time_now()))
                rc = PUB_NOT_FOUND;
        return rc == PUB_OK || rc == PUB_DB_ERROR ? rc : PUB_NOT_FOUND;
}

int action_item_hide(struct request *req, const struct item *it, bool hidden, const char **why)
{
        *why = item_moderation_refusal(req->db, it, req->viewer.id, req->viewer.role);
        if (*why)
                return PUB_FORBIDDEN;
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (guard(req, limits))
                return ACTION_ANSWERED;
        const struct item_kind *k = item_kind_find(it->target);
        if (!k)
                return PUB_NOT_FOUND;
        return k->set_hidden(req->db, it->id, req->viewer.id, hidden);
}

int action_react(struct request *req, const char *target, int64_t id, enum reaction_kind kind,
                 bool on, bool *changed)
{
        const char *t = reaction_target_find(target);
        if (!t)
                return PUB_NOT_FOUND;
        int rc =
            reaction_target_visible(req->db, t, id, req->viewer.id, req->viewer.role, time_now());
        if (rc != PUB_OK)
                return rc;
        struct rate_limit *const limits[] = {req->guards->reaction_by_member, NULL};
        if (guard(req, limits))
                return ACTION_ANSWERED;
        bool did = false;
        rc = reaction_set(req->db, req->viewer.id, t, id, kind, on, &did);
        if (changed)
                *changed = did;
        /* only a reaction newly given is an act: taking it back or giving it again is not */
        if (rc == PUB_OK && on && did) {
                struct event_party it;
                if (event_party_of(req->db, t, id, &it) != 0)
                        memset(&it, 0, sizeof(it)); /* a kind event_party_of does not know */
                int64_t other = it.author_id == req->viewer.id ? 0 : it.author_id;
                bool episode = strcmp(t, TARGET_EPISODE) == 0;
                events_record(req, EVENT_REACTION, it.newsletter_id, episode ? id : it.episode_id,
                              other, episode ? 0 : id);
        }
        return rc;
}

int action_report(struct request *req, const struct item *it, bool *created,
                  struct field_problem *p)
{
        *created = false;
        if (!report_can_file(it, req->viewer.id))
                return it->state != ITEM_VISIBLE ? PUB_NOT_FOUND : PUB_FORBIDDEN;
        struct rate_limit *const limits[] = {req->guards->report_by_member, NULL};
        if (guard(req, limits))
                return ACTION_ANSWERED;
        return report_create(req->db, it->target, it->id, req->viewer.id, req_param(req, "reason"),
                             req_param(req, "note"), created, p);
}
