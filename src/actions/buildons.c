/* Build-ons' write paths, shared by pages and the API (actions/buildons.h). */
#include "actions/buildons.h"
#include "core/i18n.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/buildon.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/event_party.h"
#include "web/events.h"

/* Counts one change of a build-on against the member's hourly limit. */
static bool refused_change(struct request *req)
{
        struct rate_limit *const limits[] = {req->guards->buildon_change_by_member_hour, NULL};
        return write_guard(req, limits);
}

/* The parent's id: the form says "parent", the API "parent_id". */
static int64_t param_parent(struct request *req)
{
        int64_t parent = req_param_int(req, "parent", 0);
        return parent ? parent : req_param_int(req, "parent_id", 0);
}

int action_buildon_post(struct request *req, const struct episode *e, int64_t *id,
                        struct field_problem *p)
{
        struct rate_limit *const limits[] = {req->guards->buildon_by_member_hour, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        struct buildon_input in = {
            .episode_id = e->id,
            .parent_id = param_parent(req),
            .author_id = req->viewer.id,
            .title = req_param(req, "title"),
            .body = req_param(req, "body"),
            .quote_exact = req_param(req, "quote_exact"),
            .quote_prefix = req_param(req, "quote_prefix"),
            .quote_suffix = req_param(req, "quote_suffix"),
        };
        int rc = buildon_create(req->db, &in, id, p);
        if (rc == PUB_OK) {
                /* it builds on the episode (its author) or on another build-on (that one's) */
                struct event_party source = {.author_id = e->author_id};
                if (in.parent_id && event_party_of(req->db, "buildon", in.parent_id, &source) != 0)
                        source.author_id = 0;
                events_record(req, EVENT_BUILDON, e->newsletter_id, e->id,
                              source.author_id == req->viewer.id ? 0 : source.author_id, *id);
        }
        return rc;
}

int action_buildon_may_change(struct request *req, const struct buildon *b)
{
        if (b->state != BUILDON_VISIBLE)
                return PUB_NOT_FOUND;
        return b->author_id == req->viewer.id ? PUB_OK : PUB_FORBIDDEN;
}

int action_buildon_edit(struct request *req, const struct buildon *b, struct field_problem *p)
{
        int rc = action_buildon_may_change(req, b);
        if (rc != PUB_OK)
                return rc;
        if (refused_change(req))
                return ACTION_ANSWERED;
        /* a field left out stays as it is (the form sends both) */
        const char *title = req_has_param(req, "title") ? req_param(req, "title") : b->title;
        const char *body = req_has_param(req, "body") ? req_param(req, "body") : b->body;
        return buildon_edit(req->db, b->id, req->viewer.id, title, body, p);
}

int action_buildon_delete(struct request *req, const struct buildon *b)
{
        int rc = action_buildon_may_change(req, b);
        if (rc != PUB_OK)
                return rc;
        if (refused_change(req))
                return ACTION_ANSWERED;
        return buildon_delete(req->db, b->id, req->viewer.id);
}

int action_buildon_feature(struct request *req, const struct episode *e, const struct buildon *b,
                           struct field_problem *p)
{
        if (!buildon_can_feature(req->db, e->id, req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        if (refused_change(req))
                return ACTION_ANSWERED;
        bool on = !req_has_param(req, "featured") || req_param_bool(req, "featured");
        return buildon_set_featured(req->db, b->id, req->viewer.id, on, p);
}

int action_buildon_comment_post(struct request *req, const struct episode *e,
                                const struct buildon *b, int64_t *id, struct field_problem *p)
{
        struct rate_limit *const limits[] = {req->guards->comment_by_member_minute,
                                             req->guards->comment_by_member_hour, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        struct comment_input in = {
            .episode_id = e->id,
            .parent_id = param_parent(req),
            .author_id = req->viewer.id,
            .body = req_param(req, "body"),
            .buildon_id = b->id,
        };
        int rc = *req_param(req, "quote_exact")
                     ? field_problem_set(p, "quote",
                                         N_("A comment on a build-on cannot quote the episode."))
                     : buildon_comment_parent_ok(req->db, b->id, in.parent_id, p);
        if (rc == PUB_OK)
                rc = comment_create(req->db, &in, id, p);
        /* talking to a build-on's author is a reply to them, as to a comment's */
        if (rc == PUB_OK)
                action_comment_recorded(req, e, *id, in.parent_id, EVENT_REPLY, b->author_id);
        return rc;
}
