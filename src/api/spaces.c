/* JSON API for spaces, threads, posts and the member directory: the same model calls and rules
 * as the pages (model/space.h, model/directory.h). Hidden and deleted posts never carry their
 * text or author here. */
#include "api/spaces.h"
#include "actions/spaces.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "model/directory.h"
#include "model/space.h"
#include "web/render.h"

#include <jansson.h>
#include <string.h>

static json_t *iso_time(int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
}

static int unavailable(struct request *req)
{
        return req_fail(req, 503, N_("The database is not available."));
}

/* A 422 naming the field, its problem in the request's language. */
static int invalid(struct request *req, const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        return req_fail(req, 422,
                        arena_printf(req->arena, "%s: %s", p->field, render_problem(r, p)));
}

static json_t *space_json(struct request *req, const struct space *s)
{
        json_t *o = json_object();
        json_object_set_new(o, "slug", json_string(s->slug));
        json_object_set_new(o, "title", json_string(s->title));
        json_object_set_new(o, "description", json_string(s->description));
        json_object_set_new(o, "description_html", json_string(s->description_html));
        json_object_set_new(o, "url", json_string(arena_printf(req->arena, "/spaces/%s", s->slug)));
        json_object_set_new(o, "who_posts", json_string(space_who_name(s->who)));
        json_object_set_new(o, "newsletter",
                            s->newsletter_id ? json_string(s->newsletter_slug) : json_null());
        json_object_set_new(o, "thread_count", json_integer(s->thread_count));
        json_object_set_new(o, "post_count", json_integer(s->post_count));
        json_object_set_new(o, "last_post_at",
                            s->last_post_at ? iso_time(s->last_post_at) : json_null());
        json_object_set_new(
            o, "can_post",
            json_boolean(space_can_post(req->db, s, req->viewer.id, req->viewer.role)));
        return o;
}

static json_t *thread_json(struct request *req, const struct space *s, const struct space_thread *t)
{
        return json_pack("{s:I,s:s,s:s,s:{s:s,s:s},s:I,s:o,s:o}", "id", (json_int_t)t->id, "title",
                         t->title, "url",
                         arena_printf(req->arena, "/spaces/%s/%lld", s->slug, (long long)t->id),
                         "author", "handle", t->author_handle, "name", t->author_name, "post_count",
                         (json_int_t)t->post_count, "created_at", iso_time(t->created_at),
                         "last_post_at", iso_time(t->last_post_at));
}

static json_t *post_json(const struct space_post *p)
{
        static const char *const states[] = {"visible", "deleted", "hidden"};
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(p->id));
        json_object_set_new(o, "thread_id", json_integer(p->thread_id));
        json_object_set_new(o, "parent_id",
                            p->parent_id ? json_integer(p->parent_id) : json_null());
        json_object_set_new(o, "state", json_string(states[p->state]));
        json_object_set_new(o, "opening", json_boolean(p->opening));
        if (p->state == SPACE_VISIBLE) {
                json_object_set_new(o, "author",
                                    json_pack("{s:s,s:s,s:s}", "handle", p->author_handle, "name",
                                              p->author_name, "headline", p->author_headline));
                json_object_set_new(o, "body", json_string(p->body));
                json_object_set_new(o, "body_html", json_string(p->body_html));
                json_object_set_new(o, "created_at", iso_time(p->created_at));
                json_object_set_new(o, "edited_at",
                                    p->edited_at ? iso_time(p->edited_at) : json_null());
                json_t *counts = json_object();
                for (int k = 0; k < REACT_KINDS; k++)
                        json_object_set_new(counts, reaction_kind_name((enum reaction_kind)k),
                                            json_integer(p->reactions[k]));
                json_object_set_new(o, "reactions", counts);
        }
        return o;
}

static int path_space(struct request *req, struct space *s)
{
        int rc = space_find(req->db, req->arena, req_path_param(req, "space"), s);
        if (rc == PUB_DB_ERROR)
                return unavailable(req);
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no space at this address."));
        return 0;
}

/* The thread of the path (#id), visible to readers, and its space. */
static int path_thread(struct request *req, struct space_thread *t, struct space *s)
{
        int rc = space_thread_get(req->db, req->arena, req_path_id(req, "id"), t);
        if (rc == PUB_OK && t->state != SPACE_VISIBLE)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK)
                rc = space_get(req->db, req->arena, t->space_id, s);
        if (rc == PUB_DB_ERROR)
                return unavailable(req);
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no such thread."));
        return 0;
}

int api_spaces(struct request *req)
{
        struct space *spaces;
        int n = space_list(req->db, req->arena, &spaces);
        if (n < 0)
                return unavailable(req);
        json_t *list = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(list, space_json(req, &spaces[i]));
        return api_json(req, 200, json_pack("{s:o}", "spaces", list));
}

int api_space_threads(struct request *req)
{
        struct space s;
        if (path_space(req, &s))
                return req->resp.status;
        bool newest = strcmp(req_param(req, "view"), "new") == 0;
        struct space_thread *threads;
        bool more;
        int n = space_thread_page(req->db, req->arena, s.id, newest ? SPACE_NEW : SPACE_ACTIVE,
                                  req_param_int(req, "at", 0), req_param_int(req, "before", 0),
                                  &threads, &more);
        if (n < 0)
                return unavailable(req);
        json_t *list = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(list, thread_json(req, &s, &threads[i]));
        json_t *page = json_pack("{s:o,s:o}", "space", space_json(req, &s), "threads", list);
        /* the next page's keyset, absent at the end */
        if (more) {
                const struct space_thread *last = &threads[n - 1];
                json_object_set_new(
                    page, "next",
                    newest ? json_pack("{s:s,s:I}", "view", "new", "before", (json_int_t)last->id)
                           : json_pack("{s:I,s:I}", "at", (json_int_t)last->last_post_at, "before",
                                       (json_int_t)last->id));
        }
        return api_json(req, 200, page);
}

int api_thread_create(struct request *req)
{
        struct space s;
        if (path_space(req, &s))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t thread_id, post_id;
        int rc = action_thread_create(req, &s, &thread_id, &post_id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the newsletter's followers post in this space."));
        struct space_thread t;
        struct space_post first;
        if (rc != PUB_OK || space_thread_get(req->db, req->arena, thread_id, &t) != PUB_OK ||
            space_post_get(req->db, req->arena, post_id, &first) != PUB_OK)
                return unavailable(req);
        json_t *o = thread_json(req, &s, &t);
        json_object_set_new(o, "post", post_json(&first));
        return api_json(req, 201, o);
}

int api_thread_posts(struct request *req)
{
        struct space_thread t;
        struct space s;
        if (path_thread(req, &t, &s))
                return req->resp.status;
        struct space_post *posts;
        int64_t next_after = 0;
        int64_t post = req_param_int(req, "post", 0);
        /* the API shows no hidden text to anyone, moderators included: they use the pages */
        int n = space_post_page(req->db, req->arena, t.id,
                                post > 0 ? post - 1 : req_param_int(req, "after", 0), 0, false,
                                &posts, &next_after);
        if (n < 0)
                return unavailable(req);
        json_t *list = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(list, post_json(&posts[i]));
        json_t *page = json_pack("{s:o,s:o}", "thread", thread_json(req, &s, &t), "posts", list);
        if (next_after)
                json_object_set_new(page, "next_after", json_integer(next_after));
        return api_json(req, 200, page);
}

int api_post_create(struct request *req)
{
        struct space_thread t;
        struct space s;
        if (path_thread(req, &t, &s))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id;
        int rc = action_post_create(req, &s, &t, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the newsletter's followers post in this space."));
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such thread."));
        struct space_post created;
        if (rc != PUB_OK || space_post_get(req->db, req->arena, id, &created) != PUB_OK)
                return unavailable(req);
        return api_json(req, 201, post_json(&created));
}

/* The post of the path, for a change by its author. */
static int own_post(struct request *req, struct space_post *p)
{
        int rc = space_post_get(req->db, req->arena, req_path_id(req, "id"), p);
        if (rc == PUB_DB_ERROR)
                return unavailable(req);
        if (rc == PUB_OK)
                rc = action_post_may_change(req, p);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("You can only change your own posts."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("That post was deleted or hidden."));
        return 0;
}

int api_post_edit(struct request *req)
{
        struct space_post p;
        if (own_post(req, &p))
                return req->resp.status;
        struct field_problem prob = {0};
        int rc = action_post_edit(req, &p, &prob);
        if (rc == PUB_INVALID)
                return invalid(req, &prob);
        if (rc != PUB_OK || space_post_get(req->db, req->arena, p.id, &p) != PUB_OK)
                return unavailable(req);
        return api_json(req, 200, post_json(&p));
}

int api_post_delete(struct request *req)
{
        struct space_post p;
        if (own_post(req, &p))
                return req->resp.status;
        if (action_post_delete(req, &p) != PUB_OK)
                return unavailable(req);
        return api_json(req, 200,
                        json_pack("{s:I,s:s}", "id", (json_int_t)p.id, "state", "deleted"));
}

int api_members(struct request *req)
{
        struct directory_entry *found;
        int64_t next_after = 0;
        int n = directory_search(req->db, req->arena, req_param(req, "q"),
                                 req_param_int(req, "after", 0), &found, &next_after);
        if (n == PUB_INVALID)
                return req_fail(req, 422, N_("q: search for 80 characters at most."));
        if (n < 0)
                return unavailable(req);
        json_t *list = json_array();
        for (int i = 0; i < n; i++) {
                json_t *m = json_pack("{s:s,s:s,s:s,s:o}", "handle", found[i].handle, "name",
                                      found[i].name, "headline", found[i].headline, "member_since",
                                      iso_time(found[i].joined_at));
                json_object_set_new(m, "active_at",
                                    found[i].active_at ? iso_time(found[i].active_at)
                                                       : json_null());
                json_array_append_new(list, m);
        }
        json_t *page = json_pack("{s:o}", "members", list);
        if (next_after)
                json_object_set_new(page, "next_after", json_integer(next_after));
        return api_json(req, 200, page);
}
