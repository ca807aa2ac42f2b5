/* Questions' write paths, shared by pages and the API (actions/prompts.h). */
#include "actions/prompts.h"
#include "core/i18n.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/prompt.h"
#include "web/events.h"

int action_prompt_answer(struct request *req, const struct episode *e, const struct prompt *p,
                         int64_t *id, struct field_problem *fp)
{
        struct rate_limit *const limits[] = {req->guards->comment_by_member_minute,
                                             req->guards->comment_by_member_hour, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        int64_t parent = req_param_int(req, "parent_id", 0);
        if (parent) { /* a reply must be in this question's answers */
                struct comment c;
                int rc = comment_get(req->db, req->arena, parent, &c);
                if (rc == PUB_DB_ERROR)
                        return rc;
                if (rc != PUB_OK || c.prompt_id != p->id)
                        return field_problem_set(
                            fp, "parent_id", N_("parent_id: there is no such answer to reply to."));
        }
        struct comment_input in = {
            .episode_id = e->id,
            .parent_id = parent,
            .author_id = req->viewer.id,
            .body = req_param(req, "body"),
            .prompt_id = p->id,
        };
        int rc = comment_create(req->db, &in, id, fp);
        if (rc == PUB_OK) /* a reply to an answer is a reply (action_comment_recorded) */
                action_comment_recorded(req, e, *id, parent, EVENT_ANSWER, 0);
        return rc;
}

int action_prompt_close(struct request *req, const struct episode *e, const struct prompt *p,
                        struct field_problem *fp)
{
        if (!prompt_can_close(req->db, e, req->viewer.id, req->viewer.role))
                return PUB_FORBIDDEN;
        if (!req_has_param(req, "closed"))
                return field_problem_set(fp, "closed", N_("closed: send true or false."));
        struct rate_limit *const limits[] = {req->guards->prompt_by_member, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        return prompt_set_closed(req->db, p->id, req_param_bool(req, "closed"));
}
