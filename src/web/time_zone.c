/* The time zone setting: a select of the system's zones on /settings (web/time_zone.h). */
#include "web/time_zone.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "core/tz.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/time_zone.h"
#include "web/layout.h"
#include "web/render.h"

#include <stdlib.h>
#include <string.h>

void time_zone_settings_section(struct render *r, const char *zone)
{
        struct buf *b = r->out;
        char **names = NULL;
        size_t n = tz_list(&names);
        struct form_option *opts = arena_alloc(r->arena, (n + 1) * sizeof(*opts));
        opts[0] = (struct form_option){"", _("UTC (Coordinated Universal Time)")};
        for (size_t i = 0; i < n; i++)
                opts[i + 1] = (struct form_option){arena_strdup(r->arena, names[i]),
                                                   arena_strdup(r->arena, names[i])};
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        html_lit(b, "<h2 id=\"time-zone\">");
        html_text(b, _("Time zone"));
        html_lit(b,
                 "</h2>\n<form method=\"post\" action=\"/settings/time-zone\" class=\"stack\">\n");
        form_csrf(r);
        form_select(r, _("Your time zone"), "zone", opts, (int)n + 1, zone, NULL);
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("The editor shows and takes publish times in this zone; readers everywhere "
                       "see the same moment."));
        html_lit(b, "</p>\n<button type=\"submit\">");
        html_text(b, _("Save time zone"));
        html_lit(b, "</button>\n</form>\n");
}

int web_settings_time_zone(struct request *req)
{
        /* settings are cheap single-row writes, but still counted like every other edit */
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (write_guard(req, limits))
                return 429;
        int rc = member_set_time_zone(req->db, req->viewer.id, req_param(req, "zone"));
        if (rc == -1)
                return req_fail(req, 422, N_("Choose a time zone from the list."));
        if (rc != 0)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, "/settings?saved=time-zone");
}
