/* The member's notification kinds as JSON (api/notify_prefs.h). */
#include "api/notify_prefs.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/form.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/notify_pref.h"

#include <jansson.h>

/* {"kinds": {"replies": true, ...}, "mailed": ["replies", ...]} */
static int answer(struct request *req)
{
        bool on[NOTIFY_GROUPS];
        if (notify_pref_get(req->db, req->viewer.id, on) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *kinds = json_object(), *mailed = json_array();
        for (int g = 0; g < NOTIFY_GROUPS; g++) {
                json_object_set_new(kinds, notify_group_key((enum notify_group)g),
                                    json_boolean(on[g]));
                if (notify_group_mailed((enum notify_group)g))
                        json_array_append_new(mailed,
                                              json_string(notify_group_key((enum notify_group)g)));
        }
        return api_json(req, 200, json_pack("{s:o,s:o}", "kinds", kinds, "mailed", mailed));
}

int api_notify_prefs(struct request *req)
{
        return answer(req);
}

int api_notify_prefs_put(struct request *req)
{
        /* settings are cheap single-row writes, but still counted like every other edit */
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (write_guard(req, limits))
                return 429;
        bool on[NOTIFY_GROUPS];
        if (notify_pref_get(req->db, req->viewer.id, on) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        for (int g = 0; g < NOTIFY_GROUPS; g++) {
                const char *key = notify_group_key((enum notify_group)g);
                if (form_find(&req->params, key))
                        on[g] = req_param_bool(req, key);
        }
        if (notify_pref_set(req->db, req->viewer.id, on, time_now()) != 0)
                return req_fail(req, 503, N_("Could not save the setting. Try again shortly."));
        return answer(req);
}
