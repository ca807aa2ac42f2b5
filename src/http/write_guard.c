/* Rate limits on members' writes: the first limit hit answers 429 with Retry-After. */
#include "http/write_guard.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "http/throttle.h"

#include <stdio.h>

int write_guard(struct request *req, struct rate_limit *const *member_limits)
{
        if (!req->config->write_limits) /* benchmarks, or a proxy that limits instead */
                return 0;
        int64_t now = time_now();
        char key[96];
        unsigned wait = 0;
        snprintf(key, sizeof(key), "m:%lld", (long long)req->viewer.id);
        for (; *member_limits && !wait; member_limits++)
                wait = rate_limit_hit(*member_limits, key, now);
        if (!wait) {
                snprintf(key, sizeof(key), "ip:%s", req->client_ip);
                wait = rate_limit_hit(req->guards->writes_by_ip, key, now);
        }
        if (!wait)
                return 0;
        char secs[24];
        snprintf(secs, sizeof(secs), "%u", wait);
        resp_header(req, "Retry-After", secs);
        return req_fail(req, 429,
                        N_("You are writing faster than this site allows. Wait a moment "
                           "and try again."));
}
