/* The member's own insights events as JSON, paged by id (api/account_events.h). */
#include "api/account_events.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "model/event_mine.h"

#include <jansson.h>

int api_me_events(struct request *req)
{
        struct event_mine *rows;
        int64_t next = 0;
        int n = event_mine_page(req->db, req->arena, req->viewer.id, req_param_int(req, "after", 0),
                                (int)req_param_int(req, "limit", KD_MY_EVENTS_PAGE), &rows, &next);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *list = json_array();
        for (int i = 0; i < n; i++) {
                char at[32];
                time_iso8601(rows[i].at, at, sizeof(at));
                const char *kind = event_kind_name(rows[i].kind);
                json_array_append_new(
                    list, json_pack("{s:I,s:s,s:s,s:I,s:I,s:o,s:I}", "id", (json_int_t)rows[i].id,
                                    "at", at, "kind", kind ? kind : "", "newsletter_id",
                                    (json_int_t)rows[i].newsletter_id, "episode_id",
                                    (json_int_t)rows[i].episode_id, "other",
                                    rows[i].other_handle ? json_string(rows[i].other_handle)
                                                         : json_null(),
                                    "item_id", (json_int_t)rows[i].item_id));
        }
        json_t *page = json_pack("{s:o}", "events", list);
        if (next) /* absent on the last page */
                json_object_set_new(page, "next_after", json_integer(next));
        return api_json(req, 200, page);
}
