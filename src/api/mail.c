/* The outbox as JSON for admins; see api/mail.h. */
#include "api/mail.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "model/mail_outbox.h"

#include <jansson.h>
#include <string.h>

static json_t *iso_or_null(int64_t t)
{
        if (!t)
                return json_null();
        char at[32];
        time_iso8601(t, at, sizeof(at));
        return json_string(at);
}

static void mail_json(const struct mail_row *m, void *ctx)
{
        json_array_append_new(
            ctx,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:i,s:s?,s:o,s:o,s:o}", "id", (json_int_t)m->id,
                      "state", m->state, "purpose", m->purpose, "recipient", m->recipient,
                      "subject", m->subject, "message_id", m->message_id, "attempts", m->attempts,
                      "last_answer", *m->last_answer ? m->last_answer : NULL, "created_at",
                      iso_or_null(m->created_at), "finished_at", iso_or_null(m->finished_at),
                      "next_try", iso_or_null(m->next_try)));
}

int api_admin_mail(struct request *req)
{
        const char *state = req_param(req, "state");
        if (state && !*state)
                state = NULL;
        if (state && strcmp(state, "queued") != 0 && strcmp(state, "sent") != 0 &&
            strcmp(state, "failed") != 0)
                return req_fail(req, 400, N_("Show queued, sent or failed mail."));
        int64_t queued, sent, failed;
        if (mail_outbox_counts(req->db, &queued, &sent, &failed) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *list = json_array();
        if (mail_outbox_each(req->db, state, (int)req_param_int(req, "limit", KD_MAIL_ADMIN_ROWS),
                             mail_json, list) < 0) {
                json_decref(list);
                return req_fail(req, 503, N_("The database is not available."));
        }
        return api_json(req, 200,
                        json_pack("{s:b,s:{s:I,s:I,s:I},s:o}", "sending", mail_outbox_sending(),
                                  "counts", "queued", (json_int_t)queued, "sent", (json_int_t)sent,
                                  "failed", (json_int_t)failed, "messages", list));
}
