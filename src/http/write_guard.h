/* Rate limits on members' writes (comments, reactions, reports): per member and per address. */
#ifndef KD_WRITE_GUARD_H
#define KD_WRITE_GUARD_H

struct rate_limit;
struct request;

/* Counts one write by the viewer against each of the member limits given (NULL-terminated) and
 * against the per-address limit. Returns 0 when allowed; else fails the request with 429 and
 * Retry-After and returns 429. */
int write_guard(struct request *req, struct rate_limit *const *member_limits);

#endif
