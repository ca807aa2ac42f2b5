/* JSON API for build-ons: lists, one build-on with its chain, writing, editing, deleting,
 * featuring, and the comments on one. */
#include "api/buildons.h"
#include "actions/buildons.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/buildon.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/reaction.h"
#include "web/render.h"

#include <jansson.h>
#include <string.h>

static const char *const states[] = {"visible", "deleted", "hidden"};

static json_t *iso_time(int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
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

static const char *buildon_url(struct request *req, const struct episode *e, int64_t id)
{
        return arena_printf(req->arena, "%s/b/%lld", episode_url(req, e), (long long)id);
}

/* A build-on as the API shows it: without its text unless visible (a deleted one keeps its
 * place; a hidden one reads as gone except to those who may see it). parent: the build-on it
 * builds on when loaded (for the quote's link), else NULL. */
static json_t *buildon_json(struct request *req, const struct episode *e, const struct buildon *b,
                            const struct buildon *parent)
{
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(b->id));
        json_object_set_new(o, "episode_id", json_integer(b->episode_id));
        json_object_set_new(o, "parent_id",
                            b->parent_id ? json_integer(b->parent_id) : json_null());
        json_object_set_new(o, "state", json_string(states[b->state]));
        json_object_set_new(o, "url", json_string(buildon_url(req, e, b->id)));
        if (b->state == BUILDON_DELETED)
                return o;
        json_object_set_new(o, "title", json_string(b->title));
        json_object_set_new(o, "author",
                            json_pack("{s:s,s:s,s:s}", "handle", b->author_handle, "name",
                                      b->author_name, "headline", b->author_headline));
        json_object_set_new(o, "body", json_string(b->body));
        json_object_set_new(o, "body_html", json_string(b->body_html));
        if (b->quote_exact) {
                struct buf link = BUF_INIT;
                if (b->parent_id && parent) {
                        struct episode as_text = {.body_text = parent->body_text};
                        buf_puts(&link, buildon_url(req, e, parent->id));
                        comment_text_fragment(&link, &as_text, b->quote_start, b->quote_exact,
                                              b->quote_prefix, b->quote_suffix);
                } else if (!b->parent_id) {
                        buf_puts(&link, episode_url(req, e));
                        comment_text_fragment(&link, e, b->quote_start, b->quote_exact,
                                              b->quote_prefix, b->quote_suffix);
                }
                json_object_set_new(o, "quote",
                                    json_pack("{s:s,s:s,s:s,s:s,s:s?}", "type", "TextQuoteSelector",
                                              "exact", b->quote_exact, "prefix", b->quote_prefix,
                                              "suffix", b->quote_suffix, "link", link.data));
                buf_free(&link);
        } else {
                json_object_set_new(o, "quote", json_null());
        }
        json_object_set_new(o, "featured", json_boolean(b->featured_at != 0));
        json_object_set_new(o, "featured_at",
                            b->featured_at ? iso_time(b->featured_at) : json_null());
        json_object_set_new(o, "comment_count", json_integer(b->comment_count));
        json_object_set_new(o, "created_at", iso_time(b->created_at));
        json_object_set_new(o, "edited_at", b->edited_at ? iso_time(b->edited_at) : json_null());
        return o;
}

/* The episode in the path (id), if the viewer may see it. */
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

/* The build-on in the path (id) and its episode, if the viewer may see them. */
static int path_buildon(struct request *req, struct episode *e, struct buildon *b)
{
        int rc = buildon_get(req->db, req->arena, req_path_id(req, "id"), b);
        if (rc == PUB_OK)
                rc = episode_get(req->db, req->arena, b->episode_id, e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !buildon_viewable(req->db, b, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such build-on."));
        return 0;
}

static int invalid(struct request *req, const struct field_problem *p)
{
        /* "title: <the problem>", as api/conversation.c words it */
        struct render *r = render_for_request(req);
        return req_fail(req, 422,
                        arena_printf(req->arena, "%s: %s", p->field, render_problem(r, p)));
}

/* ------------------------------------------------------------------ lists and one */

int api_buildons(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        struct buildon *list;
        int64_t next = 0;
        int n =
            episode_is_live(&e, time_now())
                ? buildon_list_episode(req->db, req->arena, e.id, req_param_int(req, "before", 0),
                                       KD_BUILDONS_PER_PAGE, &list, &next)
                : 0;
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *arr = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(arr, buildon_json(req, &e, &list[i], NULL));
        json_t *page = json_pack("{s:I,s:i,s:o}", "episode_id", (json_int_t)e.id, "count",
                                 buildon_episode_count(req->db, e.id), "buildons", arr);
        /* featured first, then newest; "next_before" asks for the next page (absent at the end) */
        if (next)
                json_object_set_new(page, "next_before", json_integer(next));
        return api_json(req, 200, page);
}

/* A short reference to a build-on in a chain or a list of what builds on it. */
static json_t *buildon_ref(struct request *req, const struct episode *e, const struct buildon *b)
{
        json_t *o = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)b->id, "state", states[b->state],
                              "url", buildon_url(req, e, b->id));
        if (b->state == BUILDON_VISIBLE) {
                json_object_set_new(o, "title", json_string(b->title));
                json_object_set_new(o, "author", json_string(b->author_handle));
        }
        return o;
}

static int one(struct request *req, const struct episode *e, const struct buildon *b, int status)
{
        struct buildon *chain, *children;
        int nchain = buildon_chain(req->db, req->arena, b->id, &chain);
        int nchildren =
            buildon_children(req->db, req->arena, b->id, KD_BUILDON_CHILDREN_SHOWN, &children);
        int counts[REACT_KINDS];
        unsigned mine;
        if (nchain < 0 || nchildren < 0 ||
            buildon_reaction_counts(req->db, b->id, req->viewer.id, counts, &mine) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        const struct buildon *parent = nchain > 0 ? &chain[nchain - 1] : NULL;
        json_t *o = buildon_json(req, e, b, parent);
        /* the chain of ideas from the episode down to this one's parent */
        json_t *up = json_array();
        json_array_append_new(up, json_pack("{s:s,s:I,s:s,s:s}", "kind", "episode", "id",
                                            (json_int_t)e->id, "title", e->title, "url",
                                            episode_url(req, e)));
        for (int i = 0; i < nchain; i++) {
                json_t *ref = buildon_ref(req, e, &chain[i]);
                json_object_set_new(ref, "kind", json_string("buildon"));
                json_array_append_new(up, ref);
        }
        json_object_set_new(o, "chain", up);
        json_t *down = json_array();
        for (int i = 0; i < nchildren; i++)
                json_array_append_new(down, buildon_ref(req, e, &children[i]));
        json_object_set_new(o, "built_on_by", down);
        if (b->state != BUILDON_DELETED) {
                json_t *c = json_object(), *m = json_array();
                for (int k = 0; k < REACT_KINDS; k++) {
                        json_object_set_new(c, reaction_kind_name((enum reaction_kind)k),
                                            json_integer(counts[k]));
                        if (mine & (1u << k))
                                json_array_append_new(
                                    m, json_string(reaction_kind_name((enum reaction_kind)k)));
                }
                json_object_set_new(o, "reactions", json_pack("{s:o,s:o}", "counts", c, "mine", m));
        }
        return api_json(req, status, o);
}

int api_buildon(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (path_buildon(req, &e, &b))
                return req->resp.status;
        return one(req, &e, &b, 200);
}

/* ------------------------------------------------------------------ writing */

int api_buildon_post(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id;
        int rc = action_buildon_post(req, &e, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such episode."));
        struct buildon b;
        if (rc != PUB_OK || buildon_get(req->db, req->arena, id, &b) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return one(req, &e, &b, 201);
}

/* The answer to an action on a build-on that did not succeed (rc is not PUB_OK). */
static int refused(struct request *req, int rc, const struct field_problem *p)
{
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID)
                return invalid(req, p);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("That build-on was deleted or hidden."));
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("You can only change your own build-ons."));
        return req_fail(req, 503, N_("The database is not available."));
}

int api_buildon_patch(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (path_buildon(req, &e, &b))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_buildon_edit(req, &b, &p);
        if (rc != PUB_OK)
                return refused(req, rc, &p);
        if (buildon_get(req->db, req->arena, b.id, &b) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return one(req, &e, &b, 200);
}

int api_buildon_delete(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (path_buildon(req, &e, &b))
                return req->resp.status;
        int rc = action_buildon_delete(req, &b);
        if (rc != PUB_OK)
                return refused(req, rc, NULL);
        if (buildon_get(req->db, req->arena, b.id, &b) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200, buildon_json(req, &e, &b, NULL));
}

int api_buildon_featured(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (path_buildon(req, &e, &b))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_buildon_feature(req, &e, &b, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the authors of this newsletter may feature build-ons."));
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        if (rc != PUB_OK || buildon_get(req->db, req->arena, b.id, &b) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200, buildon_json(req, &e, &b, NULL));
}

/* ------------------------------------------------------------------ comments on one */

static json_t *comment_json(struct request *req, const char *place, const struct comment *c)
{
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(c->id));
        json_object_set_new(o, "parent_id",
                            c->parent_id ? json_integer(c->parent_id) : json_null());
        json_object_set_new(o, "state", json_string(states[c->state]));
        json_object_set_new(
            o, "url", json_string(arena_printf(req->arena, "%s#c-%lld", place, (long long)c->id)));
        if (c->state == COMMENT_VISIBLE) {
                json_object_set_new(o, "author",
                                    json_pack("{s:s,s:s,s:s}", "handle", c->author_handle, "name",
                                              c->author_name, "headline", c->author_headline));
                json_object_set_new(o, "body", json_string(c->body));
                json_object_set_new(o, "body_html", json_string(c->body_html));
                json_object_set_new(o, "created_at", iso_time(c->created_at));
                json_object_set_new(o, "edited_at",
                                    c->edited_at ? iso_time(c->edited_at) : json_null());
        }
        json_object_set_new(o, "replies", json_array());
        return o;
}

int api_buildon_comments(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (path_buildon(req, &e, &b))
                return req->resp.status;
        if (!req_signed_in(req) && !req->config->guests_read_comments)
                return req_fail(req, 401, N_("Log in to read the conversation."));
        struct comment_scope scope = {.episode_id = e.id, .buildon_id = b.id};
        struct comment *cs;
        int64_t next_after = 0;
        int n = comment_list_page_in(req->db, req->arena, &scope, req_param_int(req, "after", 0),
                                     &cs, &next_after);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        int *parent;
        bool *live;
        comment_thread_index(req->arena, cs, n, false, &parent, &live);
        const char *place = buildon_url(req, &e, b.id);
        json_t **nodes = arena_zalloc(req->arena, (size_t)(n + 1) * sizeof(*nodes));
        json_t *top = json_array();
        for (int i = 0; i < n; i++) {
                if (!live[i])
                        continue;
                /* hidden and deleted ones show without author or text (comment_json) */
                nodes[i] = comment_json(req, place, &cs[i]);
                json_t *into = parent[i] >= 0 && nodes[parent[i]]
                                   ? json_object_get(nodes[parent[i]], "replies")
                                   : top;
                json_array_append_new(into, nodes[i]);
        }
        json_t *page = json_pack("{s:I,s:i,s:o}", "buildon_id", (json_int_t)b.id, "count",
                                 b.comment_count, "comments", top);
        if (next_after)
                json_object_set_new(page, "next_after", json_integer(next_after));
        return api_json(req, 200, page);
}

int api_buildon_comment_post(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (path_buildon(req, &e, &b))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id;
        int rc = action_buildon_comment_post(req, &e, &b, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        struct comment c;
        if (rc != PUB_OK || comment_get(req->db, req->arena, id, &c) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 201, comment_json(req, buildon_url(req, &e, b.id), &c));
}
