/* JSON API for comments and reactions: the same model calls and rules as the pages. */
#include "api/conversation.h"
#include "api/avatar.h"
#include "api/errors.h"
#include "actions/conversation.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/reaction.h"
#include "web/render.h"
#include "http/write_guard.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *iso_time(int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
}

static json_t *reactions_json(const struct reaction_summary *sum)
{
        json_t *counts = json_object(), *mine = json_array();
        for (int k = 0; k < REACT_KINDS; k++) {
                json_object_set_new(counts, reaction_kind_name((enum reaction_kind)k),
                                    json_integer(sum ? sum->counts[k] : 0));
                if (sum && (sum->mine & (1u << k)))
                        json_array_append_new(
                            mine, json_string(reaction_kind_name((enum reaction_kind)k)));
        }
        return json_pack("{s:o,s:o}", "counts", counts, "mine", mine);
}

static const char *episode_url(struct request *req, const struct episode *e)
{
        struct buf b = BUF_INIT;
        buf_puts(&b, "/n/");
        html_url_arg(&b, e->newsletter_slug);
        buf_puts(&b, "/");
        html_url_arg(&b, e->slug);
        char *s = arena_strndup(req->arena, b.data, b.len);
        buf_free(&b);
        return s;
}

static json_t *comment_json(struct request *req, const struct episode *e, const struct comment *c,
                            const struct reaction_summary *sum)
{
        static const char *const states[] = {"visible", "deleted", "hidden"};
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(c->id));
        json_object_set_new(o, "parent_id",
                            c->parent_id ? json_integer(c->parent_id) : json_null());
        json_object_set_new(o, "state", json_string(states[c->state]));
        json_object_set_new(o, "url",
                            json_string(arena_printf(req->arena, "%s#c-%lld", episode_url(req, e),
                                                     (long long)c->id)));
        if (c->state == COMMENT_VISIBLE) {
                json_object_set_new(
                    o, "author",
                    json_pack("{s:s,s:s,s:s,s:o}", "handle", c->author_handle, "name",
                              c->author_name, "headline", c->author_headline, "avatar",
                              avatar_json(c->author_id, c->author_name, c->author_avatar)));
                json_object_set_new(o, "body", json_string(c->body));
                json_object_set_new(o, "body_html", json_string(c->body_html));
                json_object_set_new(o, "created_at", iso_time(c->created_at));
                json_object_set_new(o, "edited_at",
                                    c->edited_at ? iso_time(c->edited_at) : json_null());
                if (c->quote_exact) {
                        struct buf frag = BUF_INIT;
                        buf_puts(&frag, episode_url(req, e));
                        comment_text_fragment(&frag, e, c->quote_start, c->quote_exact,
                                              c->quote_prefix, c->quote_suffix);
                        json_object_set_new(o, "quote",
                                            json_pack("{s:s,s:s,s:s,s:s,s:s}", "type",
                                                      "TextQuoteSelector", "exact", c->quote_exact,
                                                      "prefix", c->quote_prefix, "suffix",
                                                      c->quote_suffix, "link", frag.data));
                        buf_free(&frag);
                } else {
                        json_object_set_new(o, "quote", json_null());
                }
                json_object_set_new(o, "reactions", reactions_json(sum));
        }
        json_object_set_new(o, "replies", json_array());
        return o;
}

/* The episode in the path, if the viewer may see it and its conversation. */
static int path_episode(struct request *req, struct episode *e)
{
        int64_t id = req_path_id(req, "id");
        int rc = episode_get(req->db, req->arena, id, e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such episode."));
        if (!comment_can_read(req->viewer.id, req->config->guests_read_comments))
                return req_fail(req, 401, N_("Log in to read the conversation."));
        return 0;
}

/* The JSON answer to an action that did not succeed. */
static int action_failed(struct request *req, int rc, const struct field_problem *p)
{
        switch (rc) {
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_INVALID: {
                /* "body: <the problem>": the field is the API's parameter name, a token that
                 * stays as it is; the problem is translated here because the error renderer
                 * looks up whole stored messages only. */
                struct render *r = render_for_request(req);
                return req_fail(req, 422,
                                arena_printf(req->arena, "%s: %s", p->field, render_problem(r, p)));
        }
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("That comment was deleted or hidden."));
        case PUB_FORBIDDEN:
                return req_fail(req, 403, N_("You can only change your own comments."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
}

static const struct reaction_summary *find_sum(const struct reaction_summary *s, int n, int64_t id)
{
        for (int i = 0; i < n; i++) /* sorted by id; the lists are short */
                if (s[i].target_id == id)
                        return &s[i];
        return NULL;
}

json_t *api_comment_threads(struct request *req, const struct episode *e, struct comment *cs,
                            int n)
{
        struct reaction_summary *sums = NULL;
        int ns = n <= 0 ? 0
                        : reaction_comment_summaries(req->db, req->arena, e->id, cs[0].root_id - 1,
                                                     cs[n - 1].root_id, req->viewer.id, &sums);
        if (ns < 0) {
                req_fail(req, 503, N_("The database is not available."));
                return NULL;
        }
        int *parent;
        bool *live;
        comment_thread_index(req->arena, cs, n, false, &parent, &live);
        json_t **nodes = arena_zalloc(req->arena, (size_t)(n + 1) * sizeof(*nodes));
        json_t *top = json_array();
        for (int i = 0; i < n; i++) {
                if (!live[i])
                        continue;
                struct comment shown = cs[i];
                if (shown.state == COMMENT_HIDDEN) /* to the API, hidden reads as gone */
                        shown.body = shown.body_html = "";
                nodes[i] = comment_json(req, e, &shown, find_sum(sums, ns, cs[i].id));
                json_t *into = parent[i] >= 0 && nodes[parent[i]]
                                   ? json_object_get(nodes[parent[i]], "replies")
                                   : top;
                json_array_append_new(into, nodes[i]);
        }
        return top;
}

int api_comments(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        struct comment *cs;
        int64_t next_after = 0;
        int n = comment_list_page(req->db, req->arena, e.id, req_param_int(req, "after", 0), &cs,
                                  &next_after);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *top = api_comment_threads(req, &e, cs, n);
        if (!top)
                return req->resp.status;
        json_t *page = json_pack("{s:I,s:i,s:o}", "episode_id", (json_int_t)e.id, "count",
                                 e.comment_count, "comments", top);
        /* one page of whole threads; "next_after" asks for the next (absent at the end) */
        if (next_after)
                json_object_set_new(page, "next_after", json_integer(next_after));
        return api_json(req, 200, page);
}

int api_comment_post(struct request *req)
{
        struct episode e;
        struct field_problem p = {0};
        int64_t id;
        struct comment c; /* read in the comment's transaction (comment_input.read) */
        int rc = action_comment_post(req, path_episode, &e, &id, &c, &p);
        if (rc != PUB_OK)
                return action_failed(req, rc, &p);
        return api_json(req, 201, comment_json(req, &e, &c, NULL));
}

/* The comment in the path, when the viewer may see it; 0, or the status after failing. */
static int path_comment(struct request *req, struct comment *c, struct episode *e)
{
        int rc = action_comment_load(req, c, e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no such comment."));
        return 0;
}

int api_comment_edit(struct request *req)
{
        struct comment c;
        struct episode e;
        if (path_comment(req, &c, &e))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_comment_edit(req, &c, &p);
        if (rc != PUB_OK)
                return action_failed(req, rc, &p);
        struct reaction_summary sum;
        if (comment_get(req->db, req->arena, c.id, &c) != PUB_OK ||
            reaction_summary(req->db, TARGET_COMMENT, c.id, req->viewer.id, &sum) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200, comment_json(req, &e, &c, &sum));
}

int api_comment_delete(struct request *req)
{
        struct comment c;
        struct episode e;
        if (path_comment(req, &c, &e))
                return req->resp.status;
        int rc = action_comment_delete(req, &c);
        if (rc != PUB_OK)
                return action_failed(req, rc, NULL);
        if (comment_get(req->db, req->arena, c.id, &c) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200, comment_json(req, &e, &c, NULL));
}

static int reaction_change(struct request *req, bool on)
{
        enum reaction_kind kind;
        const char *target = reaction_target_find(req_param(req, "target"));
        if (!target)
                return req_fail(req, 422,
                                N_("target: use \"episode\" or the kind of item (\"comment\", "
                                   "\"buildon\", \"post\" ...)."));
        if (reaction_kind_parse(req_param(req, "kind"), &kind) != 0)
                return req_fail(req, 422,
                                N_("kind: use like, insightful, agree, love, celebrate or "
                                   "curious."));
        int64_t id = req_param_int(req, "id", 0);
        bool changed = false;
        int rc = action_react(req, target, id, kind, on, &changed);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such item to react to."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct reaction_summary sum;
        if (reaction_summary(req->db, target, id, req->viewer.id, &sum) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *body = reactions_json(&sum);
        json_object_set_new(body, "target", json_string(target));
        json_object_set_new(body, "id", json_integer(id));
        json_object_set_new(body, "changed", json_boolean(changed));
        return api_json(req, 200, body);
}

int api_reaction_add(struct request *req)
{
        return reaction_change(req, true);
}

int api_reaction_remove(struct request *req)
{
        return reaction_change(req, false);
}
