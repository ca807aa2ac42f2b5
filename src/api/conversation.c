/* JSON API for comments and reactions: the same model calls and rules as the pages. */
#include "api/conversation.h"
#include "api/avatar.h"
#include "api/errors.h"
#include "actions/conversation.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/json_write.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/reaction.h"
#include "web/render.h"
#include "http/write_guard.h"

#include <stdlib.h>
#include <string.h>

/* "counts" and "mine" of a reaction summary (zeros for NULL), inside an open object. */
static void write_reaction_fields(struct json_write *w, const struct reaction_summary *sum)
{
        json_write_key(w, "counts");
        json_write_object(w);
        for (int k = 0; k < REACT_KINDS; k++) {
                json_write_field_int(w, reaction_kind_name((enum reaction_kind)k),
                                     sum ? sum->counts[k] : 0);
        }
        json_write_object_end(w);
        json_write_key(w, "mine");
        json_write_array(w);
        for (int k = 0; k < REACT_KINDS; k++)
                if (sum && (sum->mine & (1u << k)))
                        json_write_string(w, reaction_kind_name((enum reaction_kind)k));
        json_write_array_end(w);
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

/* A comment's fields, inside its open object; its "replies" are the caller's. url is its
 * episode's (episode_url). */
static void write_comment_fields(struct json_write *w, struct request *req, const struct episode *e,
                                 const char *url, const struct comment *c,
                                 const struct reaction_summary *sum)
{
        static const char *const states[] = {"visible", "deleted", "hidden"};
        json_write_field_int(w, "id", c->id);
        json_write_key(w, "parent_id");
        if (c->parent_id)
                json_write_int(w, c->parent_id);
        else
                json_write_null(w);
        json_write_field_string(w, "state", states[c->state]);
        json_write_field_string(w, "url",
                                arena_printf(req->arena, "%s#c-%lld", url, (long long)c->id));
        if (c->state != COMMENT_VISIBLE)
                return;
        json_write_key(w, "author");
        json_write_object(w);
        json_write_field_string(w, "handle", c->author_handle);
        json_write_field_string(w, "name", c->author_name);
        json_write_field_string(w, "headline", c->author_headline);
        json_write_key(w, "avatar");
        avatar_json_write(w, c->author_id, c->author_name, c->author_avatar);
        json_write_object_end(w);
        json_write_field_string(w, "body", c->body);
        json_write_field_string(w, "body_html", c->body_html);
        json_write_field_time(w, "created_at", c->created_at);
        json_write_field_time(w, "edited_at", c->edited_at);
        json_write_key(w, "quote");
        if (c->quote_exact) {
                struct buf frag = BUF_INIT;
                buf_puts(&frag, url);
                comment_text_fragment(&frag, e, c->quote_start, c->quote_exact, c->quote_prefix,
                                      c->quote_suffix);
                json_write_object(w);
                json_write_field_string(w, "type", "TextQuoteSelector");
                json_write_field_string(w, "exact", c->quote_exact);
                json_write_field_string(w, "prefix", c->quote_prefix);
                json_write_field_string(w, "suffix", c->quote_suffix);
                json_write_field_string(w, "link", frag.data);
                json_write_object_end(w);
                buf_free(&frag);
        } else {
                json_write_null(w);
        }
        json_write_key(w, "reactions");
        json_write_object(w);
        write_reaction_fields(w, sum);
        json_write_object_end(w);
}

void api_comment_write(struct json_write *w, struct request *req, const struct episode *e,
                       const struct comment *c, const struct reaction_summary *sum)
{
        json_write_object(w);
        write_comment_fields(w, req, e, episode_url(req, e), c, sum);
        json_write_key(w, "replies");
        json_write_array(w);
        json_write_array_end(w);
        json_write_object_end(w);
}

/* One comment with no replies: the answer to posting, editing or deleting it. */
static int send_comment(struct request *req, int status, const struct episode *e,
                        const struct comment *c, const struct reaction_summary *sum)
{
        struct json_write w;
        api_json_begin(req, &w);
        api_comment_write(&w, req, e, c, sum);
        return api_json_send(req, status);
}

/* The episode in the path, if the viewer may see it and its conversation; with its text
 * (full) or without (quotes' links are made from it). */
static int path_episode_as(struct request *req, struct episode *e, bool full)
{
        int64_t id = req_path_id(req, "id");
        int rc = full ? episode_get(req->db, req->arena, id, e)
                      : episode_get_card(req->db, req->arena, id, e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such episode."));
        if (!comment_can_read(req->viewer.id, req->config->guests_read_comments))
                return req_fail(req, 401, N_("Log in to read the conversation."));
        return 0;
}

static int path_episode(struct request *req, struct episode *e)
{
        return path_episode_as(req, e, true);
}

/* For a new comment that quotes nothing: its answer holds no quote's link, so the episode's
 * text, read in the writers' turn on SQLite, is not read at all. */
static int path_episode_card(struct request *req, struct episode *e)
{
        return path_episode_as(req, e, false);
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

/* A thread's comments in order, written depth first: cs[i] and then, inside its "replies",
 * the comments whose parent it is (child[i], then their next[]). Iterative, with the open
 * comments on a stack, so a deep thread cannot exhaust the C stack. */
struct thread_walk {
        const int *child, *next;
        const struct reaction_summary *sums;
        int ns;
};

static void write_thread(struct json_write *w, struct request *req, const struct episode *e,
                         const char *url, struct comment *cs, const struct thread_walk *t, int root,
                         int *stack)
{
        int depth = 0;
        stack[depth++] = root;
        bool entering = true;
        while (depth > 0) {
                int i = stack[depth - 1];
                if (entering) {
                        struct comment shown = cs[i];
                        if (shown.state == COMMENT_HIDDEN) /* to the API, hidden reads as gone */
                                shown.body = shown.body_html = "";
                        json_write_object(w);
                        write_comment_fields(w, req, e, url, &shown,
                                             find_sum(t->sums, t->ns, cs[i].id));
                        json_write_key(w, "replies");
                        json_write_array(w);
                        if (t->child[i] >= 0) {
                                stack[depth++] = t->child[i];
                                continue;
                        }
                }
                json_write_array_end(w); /* cs[i]'s replies are written */
                json_write_object_end(w);
                depth--;
                entering = t->next[i] >= 0;
                if (entering && depth > 0)
                        stack[depth++] = t->next[i];
                else if (entering)
                        entering = false; /* the root's siblings are the caller's */
        }
}

int api_comment_threads_write(struct json_write *w, struct request *req, const struct episode *e,
                              struct comment *cs, int n)
{
        struct reaction_summary *sums = NULL;
        int ns = n <= 0 ? 0
                        : reaction_comment_summaries(req->db, req->arena, e->id, cs[0].root_id - 1,
                                                     cs[n - 1].root_id, req->viewer.id, &sums);
        if (ns < 0)
                return req_fail(req, 503, N_("The database is not available."));
        int *parent;
        bool *live;
        comment_thread_index(req->arena, cs, n, false, &parent, &live);
        /* each live comment's first live reply and next live sibling, in cs's order */
        size_t size = (size_t)(n > 0 ? n : 1) * sizeof(int);
        int *child = arena_alloc(req->arena, size), *next = arena_alloc(req->arena, size),
            *last = arena_alloc(req->arena, size), *stack = arena_alloc(req->arena, size);
        for (int i = 0; i < n; i++)
                child[i] = next[i] = last[i] = -1;
        for (int i = 0; i < n; i++) {
                int p = parent[i];
                if (!live[i] || p < 0 || !live[p])
                        continue;
                if (last[p] < 0)
                        child[p] = i;
                else
                        next[last[p]] = i;
                last[p] = i;
        }
        struct thread_walk t = {child, next, sums, ns};
        const char *url = episode_url(req, e);
        json_write_array(w);
        for (int i = 0; i < n; i++)
                if (live[i] && (parent[i] < 0 || !live[parent[i]]))
                        write_thread(w, req, e, url, cs, &t, i, stack);
        json_write_array_end(w);
        return 0;
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
        struct json_write w;
        api_json_begin(req, &w);
        json_write_object(&w);
        json_write_field_int(&w, "episode_id", e.id);
        json_write_field_int(&w, "count", e.comment_count);
        json_write_key(&w, "comments");
        if (api_comment_threads_write(&w, req, &e, cs, n))
                return req->resp.status;
        /* one page of whole threads; "next_after" asks for the next (absent at the end) */
        if (next_after) {
                json_write_field_int(&w, "next_after", next_after);
        }
        json_write_object_end(&w);
        return api_json_send(req, 200);
}

int api_comment_post(struct request *req)
{
        struct episode e;
        struct field_problem p = {0};
        int64_t id;
        struct comment c; /* read with the comment (comment_input.read) */
        const char *quote = req_param(req, "quote_exact");
        int rc = action_comment_post(req, quote && *quote ? path_episode : path_episode_card, &e,
                                     &id, &c, &p);
        if (rc != PUB_OK)
                return action_failed(req, rc, &p);
        if (!c.id) { /* stored, but not read back after the commit (PostgreSQL): its id */
                struct json_write w;
                api_json_begin(req, &w);
                json_write_object(&w);
                json_write_field_int(&w, "id", id);
                json_write_object_end(&w);
                return api_json_send(req, 201);
        }
        return send_comment(req, 201, &e, &c, NULL);
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
        return send_comment(req, 200, &e, &c, &sum);
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
        return send_comment(req, 200, &e, &c, NULL);
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
        struct json_write w;
        api_json_begin(req, &w);
        json_write_object(&w);
        write_reaction_fields(&w, &sum);
        json_write_field_string(&w, "target", target);
        json_write_field_int(&w, "id", id);
        json_write_field_bool(&w, "changed", changed);
        json_write_object_end(&w);
        return api_json_send(req, 200);
}

int api_reaction_add(struct request *req)
{
        return reaction_change(req, true);
}

int api_reaction_remove(struct request *req)
{
        return reaction_change(req, false);
}
