/* JSON API for members: the profile with counts and badges, their activity, badges by hand. The
 * same model calls and rules as the pages. */
#include "api/members.h"
#include "api/avatar.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/avatar.h"
#include "model/badge.h"
#include "model/member.h"
#include "model/profile.h"
#include "web/profile.h"
#include "web/render.h"

#include <jansson.h>
#include <string.h>

static json_t *iso_time(int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
}

/* The member named in the path, not disabled. Returns 0, or the failed request's status. */
static int path_member(struct request *req, struct member *m)
{
        int rc = member_find_handle(req->db, req->arena, req_path_param(req, "handle"), m);
        if (rc == MEMBER_NOT_FOUND || (rc == MEMBER_OK && m->disabled))
                return req_fail(req, 404, N_("There is no member with that handle."));
        if (rc != MEMBER_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

/* A badge, its name and rule in the request's language (r). */
static json_t *badge_json(struct render *r, const struct badge *b, bool admin)
{
        const struct badge_def *d = badge_def(b->kind);
        json_t *o = json_pack("{s:s,s:s,s:s,s:o}", "badge", d->key, "name", _(d->name), "rule",
                              _(d->rule), "earned_at", iso_time(b->earned_at));
        json_object_set_new(o, "newsletter",
                            b->newsletter_id ? json_string(b->newsletter_slug) : json_null());
        json_object_set_new(o, "awarded_by",
                            b->awarded_by ? json_string(b->awarded_by_handle) : json_null());
        json_object_set_new(o, "note", json_string(b->note));
        if (admin)
                json_object_set_new(o, "revoked", json_boolean(b->revoked));
        return o;
}

static json_t *place_json(const struct profile_place *p, bool space)
{
        json_t *o = json_pack("{s:s,s:s}", "slug", p->slug, "title", p->title);
        if (space)
                json_object_set_new(o, "posts", json_integer(p->count));
        return o;
}

int api_member(struct request *req)
{
        struct member m;
        if (path_member(req, &m))
                return req->resp.status;
        int64_t now = time_now();
        bool admin = req_signed_in(req) && badge_can_award(req->viewer.role);
        struct badge *bs;
        int64_t counts[PROFILE_KINDS];
        struct profile_place *follows, *spaces;
        int nb = badge_list_member(req->db, req->arena, m.id, admin, &bs);
        int nf = profile_follows(req->db, req->arena, m.id, KD_PROFILE_FOLLOWS_SHOWN, &follows);
        int ns = profile_spaces(req->db, req->arena, m.id, KD_PROFILE_SPACES_SHOWN, &spaces);
        if (nb < 0 || nf < 0 || ns < 0 || profile_counts(req->db, m.id, now, counts) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct render *r = render_for_request(req);
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "handle", m.handle, "name",
                              m.display_name, "headline", m.headline, "bio", m.bio, "role",
                              role_name(m.role), "member_since", iso_time(m.created_at));
        json_object_set_new(
            o, "avatar", avatar_json(m.id, m.display_name, avatar_url(req->db, req->arena, m.id)));
        json_t *c = json_object();
        for (int k = 0; k < PROFILE_KINDS; k++)
                json_object_set_new(c, profile_kind_key((enum profile_kind)k),
                                    json_integer(counts[k]));
        json_object_set_new(o, "counts", c);
        json_object_set_new(o, "counts_cap", json_integer(KD_PROFILE_COUNT_CAP));
        json_t *arr = json_array();
        for (int i = 0; i < nb; i++)
                json_array_append_new(arr, badge_json(r, &bs[i], admin));
        json_object_set_new(o, "badges", arr);
        arr = json_array();
        for (int i = 0; i < nf; i++)
                json_array_append_new(arr, place_json(&follows[i], false));
        json_object_set_new(o, "newsletters_followed", arr);
        arr = json_array();
        for (int i = 0; i < ns; i++)
                json_array_append_new(arr, place_json(&spaces[i], true));
        json_object_set_new(o, "spaces", arr);
        return api_json(req, 200, o);
}

static json_t *item_json(const struct profile_item *it)
{
        json_t *o =
            json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:o}", "kind", profile_kind_key(it->kind), "id",
                      (json_int_t)it->id, "title", it->title, "where", it->where, "url", it->url,
                      "excerpt", it->excerpt, "created_at", iso_time(it->created_at));
        if (it->kind == PROFILE_TRIED)
                json_object_set_new(o, "outcome",
                                    *it->extra ? json_string(it->extra) : json_null());
        if (it->kind == PROFILE_ASKS)
                json_object_set_new(o, "status", json_string(it->extra));
        return o;
}

/* Without ?kind: the latest items across kinds (as the profile's recent activity). With
 * ?kind=comments (or another kind): one page of that kind, newest first; "next" carries the
 * before and before_id of the following page. */
int api_member_activity(struct request *req)
{
        struct member m;
        if (path_member(req, &m))
                return req->resp.status;
        int64_t now = time_now();
        struct profile_item *items;
        bool more = false;
        int n;
        const char *kind_key = req_param(req, "kind");
        int kind = -1;
        if (kind_key && *kind_key) {
                kind = profile_kind_parse(kind_key);
                if (kind < 0)
                        return req_fail(req, 422,
                                        N_("kind: use comments, answers, build-ons, tried, asks, "
                                           "terms, threads or posts."));
                n = profile_list(req->db, req->arena, m.id, (enum profile_kind)kind, now,
                                 req_param_int(req, "before", INT64_MAX),
                                 req_param_int(req, "before_id", 0), KD_PROFILE_LIST_PAGE, &items,
                                 &more);
        } else {
                n = profile_activity(req->db, req->arena, m.id, now, KD_PROFILE_ACTIVITY, &items);
        }
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *arr = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(arr, item_json(&items[i]));
        json_t *o = json_pack("{s:s,s:o}", "handle", m.handle, "items", arr);
        if (more)
                json_object_set_new(o, "next",
                                    json_pack("{s:I,s:I}", "before",
                                              (json_int_t)items[n - 1].created_at, "before_id",
                                              (json_int_t)items[n - 1].id));
        return api_json(req, 200, o);
}

static int badge_change(struct request *req, bool award)
{
        struct member m;
        if (path_member(req, &m))
                return req->resp.status;
        if (!badge_can_award(req->viewer.role))
                return req_fail(req, 403, N_("Only admins may award or remove badges."));
        struct rate_limit *const limits[] = {req->guards->badge_by_admin, NULL};
        if (write_guard(req, limits))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = profile_badge_change(req, &m, award, &p);
        if (rc == PUB_INVALID) {
                struct render *r = render_for_request(req);
                return req_fail(req, 422,
                                arena_printf(req->arena, "%s: %s", p.field, render_problem(r, &p)));
        }
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("This member does not hold that badge."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct render *r = render_for_request(req);
        struct badge *bs;
        int nb = badge_list_member(req->db, req->arena, m.id, true, &bs);
        if (nb < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *arr = json_array();
        for (int i = 0; i < nb; i++)
                json_array_append_new(arr, badge_json(r, &bs[i], true));
        return api_json(req, award ? 201 : 200,
                        json_pack("{s:s,s:o}", "handle", m.handle, "badges", arr));
}

int api_member_badge_add(struct request *req)
{
        return badge_change(req, true);
}

int api_member_badge_remove(struct request *req)
{
        return badge_change(req, false);
}
