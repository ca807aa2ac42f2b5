/* Time zones from TZif files (core/tz.h; RFC 8536). */
#include "core/tz.h"
#include "core/alloc.h"
#include "core/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ZONEINFO "/usr/share/zoneinfo"

enum { TZIF_MAX_BYTES = 256 * 1024 };

bool tz_valid(const char *zone)
{
        if (!zone)
                return false;
        if (!*zone)
                return true;
        size_t len = strlen(zone);
        if (len > KD_TIME_ZONE_MAX_BYTES || zone[0] == '/' || strstr(zone, ".."))
                return false;
        for (const char *p = zone; *p; p++)
                if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                      (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' || *p == '-' || *p == '+'))
                        return false;
        char path[sizeof(ZONEINFO) + KD_TIME_ZONE_MAX_BYTES + 2];
        snprintf(path, sizeof(path), "%s/%s", ZONEINFO, zone);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                return false;
        FILE *f = fopen(path, "rb");
        char magic[4] = {0};
        bool ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
        if (f)
                fclose(f);
        return ok;
}

static uint32_t be32(const unsigned char *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
        return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads the whole file (bounded) into a malloc'd buffer. */
static unsigned char *read_zone(const char *zone, size_t *len)
{
        char path[sizeof(ZONEINFO) + KD_TIME_ZONE_MAX_BYTES + 2];
        snprintf(path, sizeof(path), "%s/%s", ZONEINFO, zone);
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        unsigned char *data = xmalloc(TZIF_MAX_BYTES);
        *len = fread(data, 1, TZIF_MAX_BYTES, f);
        fclose(f);
        return data;
}

int tz_offset_at(const char *zone, int64_t utc)
{
        if (!zone || !*zone || !tz_valid(zone))
                return 0;
        size_t len = 0;
        unsigned char *d = read_zone(zone, &len);
        if (!d)
                return 0;
        int offset = 0;
        /* The header: "TZif", version, 15 reserved bytes, six counts. */
        if (len < 44 || memcmp(d, "TZif", 4) != 0)
                goto cleanup;
        uint32_t isutcnt = be32(d + 20), isstdcnt = be32(d + 24), leapcnt = be32(d + 28),
                 timecnt = be32(d + 32), typecnt = be32(d + 36), charcnt = be32(d + 40);
        size_t v1 = (size_t)timecnt * 5 + (size_t)typecnt * 6 + charcnt + (size_t)leapcnt * 8 +
                    isstdcnt + isutcnt;
        const unsigned char *h = d;
        int time_size = 4;
        /* Version 2 and later repeat the data with 64-bit times after the first block: use
         * that one (the 32-bit block ends in 2038). */
        if (d[4] >= '2' && 44 + v1 + 44 <= len && memcmp(d + 44 + v1, "TZif", 4) == 0) {
                h = d + 44 + v1;
                isutcnt = be32(h + 20), isstdcnt = be32(h + 24), leapcnt = be32(h + 28);
                timecnt = be32(h + 32), typecnt = be32(h + 36), charcnt = be32(h + 40);
                time_size = 8;
        }
        const unsigned char *times = h + 44;
        const unsigned char *idx = times + (size_t)timecnt * time_size;
        const unsigned char *types = idx + timecnt;
        if (typecnt == 0 || types + (size_t)typecnt * 6 > d + len)
                goto cleanup;
        /* Before the first transition: the first type (RFC 8536 section 3.2). */
        size_t type = 0;
        for (uint32_t i = 0; i < timecnt; i++) {
                int64_t at = time_size == 8 ? be64(times + (size_t)i * 8)
                                            : (int32_t)be32(times + (size_t)i * 4);
                if (at > utc)
                        break;
                type = idx[i];
        }
        if (type >= typecnt)
                goto cleanup;
        offset = (int32_t)be32(types + type * 6);
cleanup:
        free(d);
        return offset;
}

int64_t tz_local_to_utc(const char *zone, int64_t local)
{
        /* The offsets a day either side bracket the instant (no zone is more than a day off
         * UTC, and no zone changes twice in a day). A reading is right when the offset at the
         * instant it gives is the offset it assumed. */
        int before = tz_offset_at(zone, local - 86400), after = tz_offset_at(zone, local + 86400);
        int64_t a = local - before, b = local - after;
        bool a_ok = tz_offset_at(zone, a) == before, b_ok = tz_offset_at(zone, b) == after;
        if (a_ok && b_ok)
                return a < b ? a : b; /* an overlap: the earlier of the two */
        if (b_ok)
                return b;
        /* a valid, or a gap: the offset before the jump puts the time after it */
        return a;
}

static int by_name(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t tz_list(char ***out)
{
        *out = NULL;
        FILE *f = fopen(ZONEINFO "/zone1970.tab", "r");
        if (!f)
                return 0;
        size_t n = 0, cap = 0;
        char **names = NULL;
        char line[512];
        while (fgets(line, sizeof(line), f)) {
                if (line[0] == '#')
                        continue;
                /* countries, coordinates, TZ, comments: tab separated */
                char *tab1 = strchr(line, '\t');
                char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
                if (!tab2)
                        continue;
                char *name = tab2 + 1;
                name[strcspn(name, "\t\n")] = '\0';
                if (!*name || strlen(name) > KD_TIME_ZONE_MAX_BYTES)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 512;
                        names = xrealloc(names, cap * sizeof(*names));
                }
                names[n++] = xstrdup(name);
        }
        fclose(f);
        if (n)
                qsort(names, n, sizeof(*names), by_name);
        /* A zone may be listed on more than one line (one per group of countries): once. */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
                if (kept > 0 && strcmp(names[kept - 1], names[i]) == 0)
                        free(names[i]);
                else
                        names[kept++] = names[i];
        }
        *out = names;
        return kept;
}
