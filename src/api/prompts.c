/* JSON API for an episode's questions and their answers, and for "I tried this". */
#include "api/prompts.h"
#include "actions/prompts.h"
#include "actions/tried.h"
#include "api/conversation.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/json_write.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/prompt.h"
#include "model/tried.h"
#include "web/cards.h"
#include "web/render.h"

#include <jansson.h>
#include <string.h>

static json_t *iso_time(int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
}

static const char *ep_url_of(struct arena *a, const struct episode *e)
{
        struct buf b = BUF_INIT;
        episode_path(&b, e);
        char *s = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return s;
}

/* Guests read answers only where guests read comments. */
static bool may_read_answers(struct request *req)
{
        return req_signed_in(req) || req->config->guests_read_comments;
}

/* A model problem as the API's 422: "field: message", translated. */
static int invalid(struct request *req, const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        return req_fail(req, 422,
                        arena_printf(req->arena, "%s: %s", p->field, render_problem(r, p)));
}

/* The episode in the path, as the viewer may see it (a draft: 404). */
static int path_episode(struct request *req, struct episode *e)
{
        int rc = episode_get(req->db, req->arena, req_path_id(req, "id"), e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such episode."));
        return 0;
}

/* ------------------------------------------------------------------ prompts */

/* The prompt in the path and its episode, as the viewer may see them. */
static int path_prompt(struct request *req, struct prompt *p, struct episode *e)
{
        int rc = prompt_get_viewable(req->db, req->arena, req_path_id(req, "id"), req->viewer.id,
                                     req->viewer.role, time_now(), p, e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no such question."));
        return 0;
}

/* A prompt's fields, inside its open object. */
static void write_prompt_fields(struct json_write *w, struct request *req, const struct episode *e,
                                const struct prompt *p)
{
        json_write_field_int(w, "id", p->id);
        json_write_field_int(w, "position", p->position);
        json_write_field_string(w, "question", p->question);
        json_write_field_bool(w, "closed", p->closed_at != 0);
        json_write_field_time(w, "closed_at", p->closed_at);
        json_write_field_int(w, "answer_count", p->answer_count);
        json_write_field_string(
            w, "url",
            arena_printf(req->arena, "%s#q-%lld", ep_url_of(req->arena, e), (long long)p->id));
}

/* Writes one page of p's answers (after root `after`) as "answers" (and "next_after" when a
 * page follows), inside p's open object; "answers": null when the viewer may not read them.
 * Returns 0, or the status after failing the request. */
static int write_answers(struct json_write *w, struct request *req, const struct episode *e,
                         const struct prompt *p, int64_t after)
{
        json_write_key(w, "answers");
        if (!may_read_answers(req) || !episode_is_live(e, time_now())) {
                json_write_null(w);
                return 0;
        }
        struct comment_scope scope = {.episode_id = e->id, .prompt_id = p->id};
        struct comment *cs;
        int64_t next_after = 0;
        int n = comment_list_page_in(req->db, req->arena, &scope, after, &cs, &next_after);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        if (api_comment_threads_write(w, req, e, cs, n))
                return req->resp.status;
        if (next_after) {
                json_write_field_int(w, "next_after", next_after);
        }
        return 0;
}

int api_prompts(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        struct prompt *ps;
        int n = prompt_list_episode(req->db, req->arena, e.id, &ps);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct json_write w;
        api_json_begin(req, &w);
        json_write_object(&w);
        json_write_field_int(&w, "episode_id", e.id);
        json_write_field_int(&w, "comment_count", e.comment_count);
        json_write_key(&w, "prompts");
        json_write_array(&w);
        for (int i = 0; i < n; i++) {
                json_write_object(&w);
                write_prompt_fields(&w, req, &e, &ps[i]);
                if (write_answers(&w, req, &e, &ps[i], 0))
                        return req->resp.status;
                json_write_object_end(&w);
        }
        json_write_array_end(&w);
        json_write_object_end(&w);
        return api_json_send(req, 200);
}

int api_prompt_answers(struct request *req)
{
        struct prompt p;
        struct episode e;
        if (path_prompt(req, &p, &e))
                return req->resp.status;
        if (!may_read_answers(req))
                return req_fail(req, 401, N_("Log in to read the conversation."));
        struct json_write w;
        api_json_begin(req, &w);
        json_write_object(&w);
        write_prompt_fields(&w, req, &e, &p);
        if (write_answers(&w, req, &e, &p, req_param_int(req, "after", 0)))
                return req->resp.status;
        json_write_object_end(&w);
        return api_json_send(req, 200);
}

int api_prompt_answer_post(struct request *req)
{
        struct prompt p;
        struct episode e;
        if (path_prompt(req, &p, &e))
                return req->resp.status;
        struct field_problem fp = {0};
        int64_t id;
        int rc = action_prompt_answer(req, &e, &p, &id, &fp);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID && strcmp(fp.field, "parent_id") == 0)
                return req_fail(req, 422, fp.message);
        if (rc == PUB_INVALID)
                return invalid(req, &fp);
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct comment c;
        if (comment_get(req->db, req->arena, id, &c) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct json_write w;
        api_json_begin(req, &w);
        api_comment_write(&w, req, &e, &c, NULL); /* nobody has reacted to it yet */
        return api_json_send(req, 201);
}

int api_prompt_closed(struct request *req)
{
        struct prompt p;
        struct episode e;
        if (path_prompt(req, &p, &e))
                return req->resp.status;
        struct field_problem fp = {0};
        int rc = action_prompt_close(req, &e, &p, &fp);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only this episode's authors may close its questions."));
        if (rc == PUB_INVALID)
                return req_fail(req, 422, fp.message);
        if (rc == PUB_OK)
                rc = prompt_get(req->db, req->arena, p.id, &p);
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct json_write w;
        api_json_begin(req, &w);
        json_write_object(&w);
        write_prompt_fields(&w, req, &e, &p);
        json_write_object_end(&w);
        return api_json_send(req, 200);
}

/* ------------------------------------------------------------------ tried */

static json_t *tried_json(const struct tried *t, bool with_text)
{
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(t->id));
        json_object_set_new(
            o, "member",
            json_pack("{s:s,s:s}", "handle", t->member_handle, "name", t->member_name));
        json_object_set_new(o, "state", json_string(t->hidden ? "hidden" : "visible"));
        json_object_set_new(o, "note", json_string(with_text ? t->note : ""));
        json_object_set_new(o, "outcome",
                            t->outcome ? json_string(tried_outcome_name(t->outcome)) : json_null());
        json_object_set_new(o, "outcome_note", json_string(with_text ? t->outcome_note : ""));
        json_object_set_new(o, "created_at", iso_time(t->created_at));
        json_object_set_new(o, "updated_at", iso_time(t->updated_at));
        json_object_set_new(o, "outcome_at", t->outcome_at ? iso_time(t->outcome_at) : json_null());
        return o;
}

/* The episode's counts and the viewer's own record. NULL after failing the request. */
static json_t *tried_state(struct request *req, const struct episode *e)
{
        struct tried_counts c;
        struct tried mine;
        int rc = tried_counts_get(req->db, e->id, &c);
        int mine_rc = rc == PUB_OK && req_signed_in(req)
                          ? tried_get_mine(req->db, req->arena, e->id, req->viewer.id, &mine)
                          : PUB_NOT_FOUND;
        if (rc != PUB_OK || mine_rc == PUB_DB_ERROR) {
                req_fail(req, 503, N_("The database is not available."));
                return NULL;
        }
        /* the member sees their own notes, hidden or not */
        return json_pack("{s:I,s:i,s:i,s:i,s:i,s:o}", "episode_id", (json_int_t)e->id, "count",
                         c.count, "worked", c.worked, "mixed", c.mixed, "failed", c.failed, "mine",
                         mine_rc == PUB_OK ? tried_json(&mine, true) : json_null());
}

/* The episode in the path, live (a draft's idea has not been tried). */
static int path_live_episode(struct request *req, struct episode *e)
{
        if (path_episode(req, e))
                return req->resp.status;
        if (!episode_is_live(e, time_now()))
                return req_fail(req, 404, N_("There is no such episode."));
        return 0;
}

int api_tried(struct request *req)
{
        struct episode e;
        if (path_live_episode(req, &e))
                return req->resp.status;
        json_t *o = tried_state(req, &e);
        if (!o)
                return req->resp.status;
        struct tried *ts;
        int64_t next_before = 0;
        int n = tried_list_episode(req->db, req->arena, e.id, req_param_int(req, "before", 0),
                                   KD_TRIED_PER_PAGE, false, &ts, &next_before);
        if (n < 0) {
                json_decref(o);
                return req_fail(req, 503, N_("The database is not available."));
        }
        json_t *notes = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(notes, tried_json(&ts[i], true));
        json_object_set_new(o, "notes", notes);
        if (next_before)
                json_object_set_new(o, "next_before", json_integer(next_before));
        return api_json(req, 200, o);
}

int api_tried_post(struct request *req)
{
        struct episode e;
        if (path_live_episode(req, &e))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_tried_record(req, &e, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such episode."));
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("A moderator hid your note: it cannot be changed, "
                                   "only withdrawn."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *o = tried_state(req, &e);
        return o ? api_json(req, 200, o) : req->resp.status;
}

int api_tried_delete(struct request *req)
{
        struct episode e;
        if (path_live_episode(req, &e))
                return req->resp.status;
        int rc = action_tried_withdraw(req, &e);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("You have not said you tried this."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *o = tried_state(req, &e);
        return o ? api_json(req, 200, o) : req->resp.status;
}
