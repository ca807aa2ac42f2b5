/* Shared text checks for the publishing model's validation. */
#include "model/problem.h"
#include "core/i18n.h"
#include "core/utf8.h"

#include <string.h>

const char *text_problem(const char *s, bool required, size_t max_chars)
{
        size_t len = s ? strlen(s) : 0;
        bool blank = true;
        for (size_t i = 0; i < len && blank; i++)
                blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        if (blank)
                return required ? N_("Please fill this in.") : NULL;
        if (!utf8_valid(s, len) || utf8_has_controls(s, len))
                return N_("This contains characters that are not allowed.");
        if (utf8_count(s, len) > max_chars)
                return N_("This is too long.");
        return NULL;
}
