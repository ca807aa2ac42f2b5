/* Forms kept through a log-in (web/kept_form.h). */
#include "web/kept_form.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "core/token.h"
#include "http/html.h"
#include "http/params.h"
#include "http/request.h"
#include "http/throttle.h"
#include "model/kept_form.h"
#include "web/layout.h"
#include "web/render.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rate_limit *by_ip;
static pthread_once_t by_ip_once = PTHREAD_ONCE_INIT;

static void make_by_ip(void)
{
        by_ip = rate_limit_new("kept_form_by_ip", KD_KEPT_FORMS_PER_IP_PER_HOUR, 3600);
}

/* The log-in page, then next (a local path). */
static int to_login(struct request *req, const char *next)
{
        struct buf to = BUF_INIT;
        buf_puts(&to, "/login?next=");
        html_url_arg(&to, next);
        int status = resp_redirect(req, arena_strndup(req->arena, to.data, to.len));
        buf_free(&to);
        return status;
}

static const struct param_spec *spec_of(const struct param_spec *specs, const char *name)
{
        for (const struct param_spec *s = specs; s && s->name; s++)
                if (strcmp(s->name, name) == 0)
                        return s;
        return NULL;
}

/* Where the form came from, to log in and come back to when nothing is kept. */
static const char *back_path(struct request *req)
{
        const char *r = req_header(req, "Referer");
        const char *scheme = r ? strstr(r, "://") : NULL;
        const char *path = scheme ? strchr(scheme + 3, '/') : NULL;
        return path && http_local_path(path) ? arena_strdup(req->arena, path) : "/";
}

bool web_kept_form_wanted(struct request *req)
{
        const char *length = req_header(req, "Content-Length");
        if (!length || !*length || strspn(length, "0123456789") != strlen(length) ||
            strlen(length) > 12)
                return false; /* a chunked body's length is unknown: not read */
        unsigned long long declared = strtoull(length, NULL, 10);
        if (declared == 0 || declared > KD_KEPT_FORM_MAX_BYTES)
                return false;
        pthread_once(&by_ip_once, make_by_ip);
        char key[80];
        snprintf(key, sizeof(key), "ip:%s", req->client_ip);
        if (rate_limit_hit(by_ip, key, time_now()) != 0)
                return false;
        if (req->body_limit > KD_KEPT_FORM_MAX_BYTES)
                req->body_limit = KD_KEPT_FORM_MAX_BYTES;
        return true;
}

int web_kept_form_stash(struct request *req)
{
        const struct route *route = req->match.route;
        struct form valid = {0};
        const char *problem = NULL;
        /* Only what the route declares, checked as the route would check it: nothing else is
         * worth keeping, and nothing unchecked is shown back. */
        if (params_validate(req->arena, req->locale, route->params, &req->raw, &valid, &problem) <
            0)
                return to_login(req, back_path(req));
        struct kept_form kf = {.path = req->path};
        kf.fields = arena_alloc(req->arena, (valid.count ? valid.count : 1) * sizeof(*kf.fields));
        size_t bytes = 0;
        for (size_t i = 0; i < valid.count; i++) {
                const struct form_field *f = &valid.fields[i];
                const struct param_spec *s = spec_of(route->params, f->name);
                if (!s || s->type == PARAM_SECRET)
                        continue; /* a password is typed again, never stored */
                if (s->type == PARAM_FILE || f->filename) {
                        kf.dropped_files = kf.dropped_files || f->len > 0;
                        continue;
                }
                bytes += strlen(f->name) + f->len;
                kf.fields[kf.count++] = (struct kept_field){f->name, f->value};
        }
        if (kf.count == 0 || bytes > KD_KEPT_FORM_MAX_BYTES)
                return to_login(req, back_path(req));
        char token[TOKEN_CHARS + 1];
        token_new(token);
        if (kept_form_put(req->db, token, &kf, time_now()) != 0)
                return to_login(req, back_path(req));
        resp_cookie(req, KEPT_FORM_COOKIE, token, KD_KEPT_FORM_TTL_S, req->config->secure_cookies);
        return to_login(req, arena_printf(req->arena, "/kept/%s", token));
}

/* A field shown to read and edit: text someone wrote, not the form's plumbing. */
static bool shown(const struct kept_field *f)
{
        return *f->value && strcmp(f->name, "action") != 0 && strcmp(f->name, "next") != 0 &&
               strcmp(f->name, "_csrf") != 0;
}

int web_kept_form(struct request *req)
{
        const char *token = req_path_param(req, "token");
        const char *mine = req_cookie(req, KEPT_FORM_COOKIE);
        struct kept_form kf;
        int rc = 0;
        /* The token in the address is not enough: only the browser that sent the form holds it
         * in its cookie, so an address that leaked (logs, history) shows nothing. */
        if (token_well_formed(token) && mine && token_equal(token, mine))
                rc = kept_form_get(req->db, req->arena, token, time_now(), &kf);
        if (rc < 0)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc == 0 || !http_local_path(kf.path))
                return req_fail(req, 404,
                                N_("This kept form has expired or belongs to another browser."));
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Your text was kept"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Your text was kept"));
        html_lit(b, "</h1>\n<p>");
        html_text(b, _("You were logged out before this form was sent, so nothing was saved. "
                       "You are logged in again: check the text below and send it."));
        html_lit(b, "</p>\n");
        if (kf.dropped_files)
                page_notice(r, true,
                            _("Files attached to the form were not kept: choose them again "
                              "on the page itself."));
        html_lit(b, "<form method=\"post\" class=\"stack kept-form\" action=\"");
        html_attr(b, kf.path);
        html_lit(b, "\">\n");
        form_csrf(r);
        for (size_t i = 0; i < kf.count; i++) {
                const struct kept_field *f = &kf.fields[i];
                if (!shown(f)) {
                        html_lit(b, "<input type=\"hidden\" name=\"");
                        html_attr(b, f->name);
                        html_lit(b, "\" value=\"");
                        html_attr(b, f->value);
                        html_lit(b, "\">\n");
                        continue;
                }
                /* The usual names read as words; any other as the form's own name. */
                const char *label;
                if (strcmp(f->name, "body") == 0 || strcmp(f->name, "note") == 0)
                        label = _("Your text");
                else if (strcmp(f->name, "title") == 0)
                        label = _("Title");
                else
                        /* TRANSLATORS: %s is the name of a form field, such as "subtitle" */
                        label = arena_printf(r->arena, _("Field “%s”"), f->name);
                bool long_text = strchr(f->value, '\n') || strlen(f->value) > 80;
                if (long_text)
                        form_textarea(r, label, f->name, f->value, 8, 0, NULL, NULL);
                else
                        form_input(r, label, f->name, "text", f->value, "off", 0, NULL);
        }
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Send it now"));
        html_lit(b, "</button></p>\n</form>\n");
        return page_end(r, 200);
}
