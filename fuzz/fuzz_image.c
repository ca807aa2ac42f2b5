/* Fuzz target: image sniffing (image_sniff) and stored-name checks (image_stored_name_type).
 * A recognised image must report one of the four formats with a size inside the limits; a
 * stored name is accepted only in the exact "<64 hex>.<ext>" shape. */
#include "fuzz.h"

#include "core/limits.h"
#include "model/image.h"

#include <stdbool.h>
#include <string.h>

static const char *const kinds[][2] = {
    {"image/png", "png"}, {"image/jpeg", "jpg"}, {"image/webp", "webp"}, {"image/gif", "gif"}};

static bool kind_known(const char *mime, const char *ext)
{
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (strcmp(mime, kinds[i][0]) == 0)
                        return strcmp(ext, kinds[i][1]) == 0;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* A copy of exactly size bytes, so ASan catches any read past the end. */
        unsigned char *copy = malloc(size ? size : 1);
        FUZZ_CHECK(copy != NULL);
        if (size)
                memcpy(copy, data, size);
        struct image_info info;
        memset(&info, 0, sizeof(info));
        int rc = image_sniff(copy, size, &info);
        FUZZ_CHECK(rc == IMAGE_OK || rc == IMAGE_NOT_IMAGE || rc == IMAGE_TOO_LARGE ||
                   rc == IMAGE_TOO_MANY_PIXELS);
        FUZZ_CHECK(image_problem(rc) != NULL || rc == IMAGE_OK);
        if (rc == IMAGE_OK) {
                FUZZ_CHECK(info.mime && info.ext && kind_known(info.mime, info.ext));
                FUZZ_CHECK(info.width >= 1 && info.width <= KD_MAX_IMAGE_SIDE);
                FUZZ_CHECK(info.height >= 1 && info.height <= KD_MAX_IMAGE_SIDE);
                FUZZ_CHECK((uint64_t)info.width * info.height <= KD_MAX_IMAGE_PIXELS);
        }
        free(copy);

        char *name = malloc(size + 1);
        FUZZ_CHECK(name != NULL);
        memcpy(name, data, size);
        name[size] = '\0';
        const char *type = image_stored_name_type(name);
        if (type) {
                size_t len = strlen(name);
                FUZZ_CHECK(len > 65 && name[64] == '.');
                FUZZ_CHECK(strspn(name, "0123456789abcdef") == 64);
                FUZZ_CHECK(kind_known(type, name + 65));
        }
        free(name);
        return 0;
}
