/* The spaces' write paths, shared by pages and the API (actions/spaces.h). */
#include "actions/spaces.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/event_party.h"
#include "model/space.h"
#include "web/events.h"

int action_thread_create(struct request *req, const struct space *s, int64_t *thread_id,
                         int64_t *post_id, struct field_problem *p)
{
        if (!space_can_post(req->db, s, req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        struct rate_limit *const limits[] = {req->guards->thread_by_member_hour,
                                             req->guards->post_by_member_minute,
                                             req->guards->post_by_member_hour, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        struct space_thread_input in = {s->id, req->viewer.id, req->viewer.role,
                                        req_param(req, "title"), req_param(req, "body")};
        int rc = space_thread_create(req->db, &in, thread_id, post_id, p);
        if (rc == PUB_OK) /* an opening post answers nobody */
                events_record(req, EVENT_SPACE_POST, s->newsletter_id, 0, 0, *post_id);
        return rc;
}

int action_post_create(struct request *req, const struct space *s, const struct space_thread *t,
                       int64_t *id, struct field_problem *p)
{
        if (!space_can_post(req->db, s, req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        struct rate_limit *const limits[] = {req->guards->post_by_member_minute,
                                             req->guards->post_by_member_hour, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        struct space_post_input in = {t->id, req_param_int(req, "parent_id", 0), req->viewer.id,
                                      req->viewer.role, req_param(req, "body")};
        int rc = space_post_create(req->db, &in, id, p);
        if (rc == PUB_OK) {
                /* it answers the post named, else the thread's opener */
                struct event_party answered = {.author_id = t->author_id};
                if (in.parent_id && event_party_of(req->db, "post", in.parent_id, &answered) != 0)
                        answered.author_id = 0;
                events_record(req, EVENT_SPACE_POST, s->newsletter_id, 0,
                              answered.author_id == req->viewer.id ? 0 : answered.author_id, *id);
        }
        return rc;
}

int action_post_may_change(struct request *req, const struct space_post *p)
{
        if (p->state != SPACE_VISIBLE)
                return PUB_NOT_FOUND;
        return p->author_id == req->viewer.id ? PUB_OK : PUB_FORBIDDEN;
}

int action_post_edit(struct request *req, const struct space_post *p, struct field_problem *prob)
{
        int rc = action_post_may_change(req, p);
        if (rc != PUB_OK)
                return rc;
        const char *title = req_has_param(req, "title") ? req_param(req, "title") : NULL;
        return space_post_edit(req->db, p->id, req->viewer.id, title, req_param(req, "body"), prob);
}

int action_post_delete(struct request *req, const struct space_post *p)
{
        int rc = action_post_may_change(req, p);
        return rc == PUB_OK ? space_post_delete(req->db, p->id, req->viewer.id) : rc;
}
