/* The member's notification mail setting as JSON (api/mail_prefs.h). */
#include "api/mail_prefs.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "model/mail_notify.h"

#include <jansson.h>

static int answer(struct request *req)
{
        struct mail_notify_pref p;
        if (mail_notify_get(req->db, req->viewer.id, &p) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *due = json_null();
        if (p.digest_due > 0) {
                char at[32];
                time_iso8601(p.digest_due, at, sizeof(at));
                due = json_string(at);
        }
        return api_json(req, 200,
                        json_pack("{s:s,s:o,s:[ssss]}", "notification_mail",
                                  mail_notify_choice_name(p.choice), "next_digest_at", due,
                                  "choices", "none", "immediate", "daily", "weekly"));
}

int api_mail_prefs(struct request *req)
{
        return answer(req);
}

int api_mail_prefs_put(struct request *req)
{
        int c = mail_notify_choice_parse(req_param(req, "notification_mail"));
        if (c < 0)
                return req_fail(req, 422,
                                N_("notification_mail: one of none, immediate, daily or weekly."));
        if (mail_notify_set(req->db, req->viewer.id, (enum mail_notify_choice)c, time_now()) != 0)
                return req_fail(req, 503, N_("Could not save the setting. Try again shortly."));
        return answer(req);
}
