/* Asks' write paths, shared by pages and the API (actions/asks.h). */
#include "actions/asks.h"
#include "core/i18n.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/ask.h"
#include "web/events.h"

int action_ask_create(struct request *req, int64_t newsletter_id, int64_t *id,
                      struct field_problem *p)
{
        if (!ask_can_propose(req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        struct ask_input in = {.newsletter_id = newsletter_id,
                               .author_id = req->viewer.id,
                               .title = req_param(req, "title"),
                               .body = req_param(req, "body")};
        if (ask_input_check(&in, p) != PUB_OK) /* a typo does not use up a proposal */
                return PUB_INVALID;
        struct rate_limit *const limits[] = {req->guards->ask_by_member_day, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        int rc = ask_create(req->db, &in, id, p);
        if (rc == PUB_OK)
                events_record(req, EVENT_ASK, newsletter_id, 0, 0, *id);
        return rc;
}

int action_ask_vote(struct request *req, const struct ask *k, bool on, bool *changed, int *votes)
{
        struct rate_limit *const limits[] = {req->guards->ask_vote_by_member, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        bool did = false;
        int rc = ask_vote_set(req->db, k->id, req->viewer.id, on, &did, votes);
        if (changed)
                *changed = did;
        if (rc == PUB_OK && on && did) /* a new vote, not one taken back or cast again */
                events_record(req, EVENT_VOTE, k->newsletter_id, 0,
                              k->author_id == req->viewer.id ? 0 : k->author_id, k->id);
        return rc;
}

int action_ask_decide(struct request *req, const struct ask *k, struct field_problem *p)
{
        if (!ask_can_decide(req->db, k, req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        struct rate_limit *const limits[] = {req->guards->ask_change_by_member, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        struct ask_decision d = {.note = req_param(req, "note"),
                                 .episode_id = req_param_int(req, "episode_id", 0)};
        return ask_status_parse(req_param(req, "status"), &d.status) == 0
                   ? ask_decide(req->db, k->id, req->viewer.id, &d, p)
                   : field_problem_set(p, "status", N_("Choose what becomes of this ask."));
}
