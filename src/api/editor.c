/* The editor's JSON endpoints (api/editor.h). */
#include "api/editor.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "http/throttle.h"
#include "markdown/markdown.h"
#include "model/autosave.h"
#include "model/episode.h"
#include "model/image.h"
#include "model/newsletter.h"
#include "model/problem.h"
#include "web/editor_images.h"
#include "web/render.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct rate_limit *previews, *autosaves;
static pthread_once_t limits_once = PTHREAD_ONCE_INIT;

static void make_limits(void)
{
        previews =
            rate_limit_new("editor_preview_by_member", KD_PREVIEWS_PER_MEMBER_PER_MINUTE, 60);
        autosaves =
            rate_limit_new("editor_autosave_by_member", KD_AUTOSAVES_PER_MEMBER_PER_MINUTE, 60);
}

/* Counts one call against limit; answers 429 (with Retry-After) and returns true when over. */
static bool over_limit(struct request *req, struct rate_limit **limit)
{
        pthread_once(&limits_once, make_limits);
        char key[48];
        snprintf(key, sizeof(key), "member:%lld", (long long)req->viewer.id);
        unsigned wait = rate_limit_hit(*limit, key, time_now());
        if (!wait)
                return false;
        char secs[16];
        snprintf(secs, sizeof(secs), "%u", wait);
        resp_header(req, "Retry-After", secs);
        req_fail(req, 429, N_("Too many requests. Wait a moment and try again."));
        return true;
}

/* A field problem as the API reports it: {"field", "message", "line"} in the viewer's
 * language. */
static json_t *problem_json(struct request *req, const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        return json_pack("{s:s,s:s,s:i}", "field", p->field, "message", render_problem(r, p),
                         "line", (int)p->line);
}

/* The API's error shape ({"error": {"status", "message"}}, api/errors.h) with the field and
 * line the problem names, so the script can point at them. */
static int problem_error(struct request *req, int status, const struct field_problem *p)
{
        json_t *error = problem_json(req, p);
        json_object_set_new(error, "status", json_integer(status));
        return api_json(req, status, json_pack("{s:o}", "error", error));
}

int api_editor_preview(struct request *req)
{
        if (over_limit(req, &previews))
                return req->resp.status;
        const char *body = req_param(req, "body");
        struct mdr_result r;
        if (mdr_render(body, strlen(body), MDR_ARTICLE, &r) != 0) {
                struct field_problem p = {
                    .field = "body", .message = r.error_msgid, .line = r.error_line};
                int status = problem_error(req, 422, &p);
                mdr_result_free(&r);
                return status;
        }
        struct field_problem p = {0};
        json_t *image =
            editor_check_images(req, body, &p) == 0 ? json_null() : problem_json(req, &p);
        json_t *out = json_pack("{s:s%,s:i,s:i,s:o}", "html", r.html.data ? r.html.data : "",
                                r.html.len, "words", (int)r.words, "reading_minutes",
                                (int)r.reading_minutes, "image_problem", image);
        mdr_result_free(&r);
        return api_json(req, 200, out);
}

int api_editor_image(struct request *req)
{
        /* the images' hourly limit is counted in editor_store_inline_image (the form's too) */
        struct field_problem p = {0};
        const char *markdown;
        int status = editor_store_inline_image(req, req_param_file(req, "image"),
                                               req_param(req, "alt"), &markdown, &p);
        if (status) {
                if (p.field && strcmp(p.field, "inline_alt") == 0)
                        p.field = "alt";
                else if (p.field && strcmp(p.field, "inline_image") == 0)
                        p.field = "image";
                return problem_error(req, status, &p);
        }
        /* "![alt](/media/<sha256>.<ext>)": the address is what follows the last "](". */
        const char *open = strrchr(markdown, '(');
        json_t *out =
            json_pack("{s:s,s:s%}", "markdown", markdown, "url", open + 1, strlen(open + 1) - 1);
        return api_json(req, 201, out);
}

int api_editor_autosave(struct request *req)
{
        if (over_limit(req, &autosaves))
                return req->resp.status;
        int64_t newsletter_id = req_param_int(req, "newsletter", 0);
        int64_t episode_id = req_param_int(req, "episode", 0);
        if (!newsletter_can_write(req->db, newsletter_id, req->viewer.id, req->viewer.role))
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (episode_id > 0) {
                struct episode e;
                if (episode_get(req->db, req->arena, episode_id, &e) != PUB_OK ||
                    e.newsletter_id != newsletter_id)
                        return req_fail(req, 404, N_("There is no episode at this address."));
        }
        struct autosave a = {
            .title = req_param(req, "title"),
            .subtitle = req_param(req, "subtitle"),
            .body = req_param(req, "body"),
        };
        int64_t now = time_now();
        if (autosave_put(req->db, req->viewer.id, newsletter_id, episode_id, &a, now) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        char at[32];
        time_iso8601(now, at, sizeof(at));
        return api_json(req, 200, json_pack("{s:s}", "saved_at", at));
}
