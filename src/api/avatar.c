/* Avatars in the JSON API. */
#include "api/avatar.h"
#include "model/avatar.h"

json_t *avatar_json(int64_t member_id, const char *name, const char *url)
{
        char initials[16];
        avatar_initials(name ? name : "", initials, sizeof(initials));
        return json_pack("{s:o,s:s,s:s}", "url", url ? json_string(url) : json_null(), "initials",
                         initials, "colour", avatar_colour(member_id));
}
