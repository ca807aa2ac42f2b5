/* The lexicon's write paths, shared by pages and the API (actions/lexicon.h). */
#include "actions/lexicon.h"
#include "core/i18n.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/lexicon.h"
#include "web/render.h"

#include <string.h>

int action_term_propose(struct request *req, int64_t newsletter_id, int64_t *id,
                        struct field_problem *p)
{
        if (!term_can_propose(req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        struct rate_limit *const limits[] = {req->guards->term_by_member, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        struct term_input in = {
            .newsletter_id = newsletter_id,
            .member_id = req->viewer.id,
            .role = req->viewer.role,
            .term = req_param(req, "term"),
            .definition = req_param(req, "definition"),
            .origin = req_param(req, "origin"),
            .site_url = render_for_request(req)->base_url,
        };
        return term_propose(req->db, &in, id, p);
}

int action_term_decide(struct request *req, const struct term *t, struct field_problem *p)
{
        if (!term_can_decide(req->db, t->newsletter_id, req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        const char *decision = req_param(req, "decision");
        bool approve = strcmp(decision, "approve") == 0;
        if (!approve && strcmp(decision, "decline") != 0)
                return field_problem_set(p, "decision", N_("Choose approve or decline."));
        struct rate_limit *const limits[] = {req->guards->term_decision_by_member, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        return term_decide(req->db, t->id, req->viewer.id, approve, req_param(req, "note"), p);
}
