/* The time zone setting (docs/writing.md, "Time zone"): a section of /settings and its form. */
#ifndef KD_WEB_TIME_ZONE_H
#define KD_WEB_TIME_ZONE_H

struct render;
struct request;

/* The settings page's "Time zone" section, with zone ("" for UTC) chosen. */
void time_zone_settings_section(struct render *r, const char *zone);

/* POST /settings/time-zone (zone). */
int web_settings_time_zone(struct request *req);

#endif
