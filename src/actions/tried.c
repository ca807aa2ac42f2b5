/* "I tried this": write paths shared by pages and the API (actions/tried.h). */
#include "actions/tried.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/episode.h"
#include "model/tried.h"
#include "web/events.h"

/* Whether the viewer may record trying e; then the rate limit. */
static int writable(struct request *req, const struct episode *e)
{
        if (!tried_can_record(e, req->viewer.id, time_now()))
                return PUB_NOT_FOUND;
        struct rate_limit *const limits[] = {req->guards->tried_by_member, NULL};
        return write_guard(req, limits) ? ACTION_ANSWERED : PUB_OK;
}

/* The parameter name, or NULL when it was not sent. */
static const char *sent(struct request *req, const char *name)
{
        return req_has_param(req, name) ? req_param(req, name) : NULL;
}

int action_tried_record(struct request *req, const struct episode *e, struct field_problem *p)
{
        int rc = writable(req, e);
        if (rc != PUB_OK)
                return rc;
        struct tried_input in = {
            .episode_id = e->id,
            .member_id = req->viewer.id,
            .note = sent(req, "note"),
            .outcome = sent(req, "outcome"),
            .outcome_note = sent(req, "outcome_note"),
        };
        int64_t id = 0;
        bool created = false;
        rc = tried_save_new(req->db, &in, &id, &created, p);
        if (rc == PUB_OK && created) /* a changed note or outcome is not another try */
                events_record(req, EVENT_TRIED, e->newsletter_id, e->id, 0, id);
        return rc;
}

int action_tried_withdraw(struct request *req, const struct episode *e)
{
        int rc = writable(req, e);
        return rc == PUB_OK ? tried_withdraw(req->db, e->id, req->viewer.id) : rc;
}
