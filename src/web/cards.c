/* Episode cards, labels and dates shared by the publishing pages. */
#include "web/cards.h"
#include "web/images.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "core/tz.h"
#include "http/html.h"
#include "model/episode.h"
#include "model/season.h"
#include "web/layout.h"
#include "web/render.h"

#include <time.h>

void episode_path(struct buf *b, const struct episode *e)
{
        html_lit(b, "/n/");
        html_url_arg(b, e->newsletter_slug);
        html_lit(b, "/");
        html_url_arg(b, e->slug);
}

void season_episode_label(struct render *r, int season, int episode)
{
        html_textf(r, _("Season %d · Episode %d"), season, episode);
}

unsigned card_cover_load(const struct episode *eps, int i)
{
        int covers_before = 0;
        for (int k = 0; k < i && covers_before < 2; k++)
                covers_before += eps[k].cover_url != NULL;
        if (!eps[i].cover_url || covers_before >= 2)
                return 0;
        return covers_before == 0 ? CARD_PRIORITY : CARD_EAGER;
}

void card_episode(struct render *r, const struct episode *e, unsigned flags)
{
        struct buf *b = r->out;
        html_lit(b, "<article class=\"card\">\n");
        if ((flags & CARD_COVER) && e->cover_url) {
                html_lit(b, "<a class=\"card-cover\" tabindex=\"-1\" aria-hidden=\"true\" href=\"");
                episode_path(b, e);
                html_lit(b, "\">");
                /* Small copies: a 9rem thumbnail, or the column's width on a phone. */
                struct image_tag t = {
                    .url = e->cover_url,
                    .mime = e->cover_mime,
                    .width = e->cover_width,
                    .height = e->cover_height,
                    .alt = "",
                    .sizes = "(max-width: 30rem) calc(100vw - 2.5rem), 9rem",
                    .load = (flags & CARD_PRIORITY) ? IMAGE_PRIORITY
                            : (flags & CARD_EAGER)  ? IMAGE_EAGER
                                                    : IMAGE_LAZY,
                };
                image_tag_write(b, r->arena, &t);
                html_lit(b, "</a>\n");
        }
        html_lit(b, "<div class=\"card-body\">\n<p class=\"label\">");
        if (flags & CARD_NEWSLETTER) {
                html_lit(b, "<a href=\"/n/");
                html_url_arg(b, e->newsletter_slug);
                html_lit(b, "\">");
                html_text(b, e->newsletter_title);
                html_lit(b, "</a> · ");
        }
        season_episode_label(r, e->season_number, e->number);
        /* The title, subtitle and excerpt are the episode's words, in its language. */
        html_lit(b, "</p>\n<h3");
        html_lang_attr(r, e->language);
        html_lit(b, "><a href=\"");
        episode_path(b, e);
        html_lit(b, "\">");
        html_text(b, e->title);
        html_lit(b, "</a></h3>\n");
        if (*e->subtitle) {
                html_lit(b, "<p class=\"subtitle\"");
                html_lang_attr(r, e->language);
                html_lit(b, ">");
                html_text(b, e->subtitle);
                html_lit(b, "</p>\n");
        }
        if ((flags & CARD_EXCERPT) && *e->excerpt) {
                html_lit(b, "<p class=\"excerpt\"");
                html_lang_attr(r, e->language);
                html_lit(b, ">");
                html_text(b, e->excerpt);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p class=\"meta\">");
        if (flags & CARD_AUTHOR) {
                html_lit(b, "<a href=\"/@");
                html_url_arg(b, e->author_handle);
                html_lit(b, "\">");
                html_text(b, e->author_name);
                html_lit(b, "</a> · ");
        }
        if (e->status == EPISODE_DRAFT) {
                html_lit(b, "<span class=\"badge\">");
                html_text(b, _("Draft"));
                html_lit(b, "</span>");
        } else if (e->publish_at > r->now) {
                html_lit(b, "<span class=\"badge\">");
                html_text(b, _("Scheduled"));
                html_lit(b, "</span> ");
                html_date(r, e->publish_at);
        } else {
                html_time(r, e->publish_at);
        }
        html_lit(b, " · ");
        html_textf(r, _n("%d min read", "%d min read", (unsigned long)e->reading_minutes),
                   e->reading_minutes);
        html_lit(b, " · <a href=\"");
        episode_path(b, e);
        html_lit(b, "#comments\">");
        html_textf(r, _n("%d comment", "%d comments", (unsigned long)e->comment_count),
                   e->comment_count);
        html_lit(b, "</a></p>\n</div>\n</article>\n");
}

const char *cadence_text(struct render *r, const struct season *s)
{
        static const char *const every_day_of_week[7] = {
            N_("every Sunday"),   N_("every Monday"), N_("every Tuesday"),  N_("every Wednesday"),
            N_("every Thursday"), N_("every Friday"), N_("every Saturday"),
        };
        if (s->cadence == CADENCE_WEEKLY && s->cadence_n >= 0 && s->cadence_n < 7)
                return _(every_day_of_week[s->cadence_n]);
        /* "Every day" is its own sentence: a language with one plural form would otherwise say
         * "every 1 day". Larger counts still take the plural forms other languages have. */
        if (s->cadence == CADENCE_DAYS && s->cadence_n == 1)
                return _("every day");
        if (s->cadence == CADENCE_DAYS && s->cadence_n > 1)
                return arena_printf(
                    r->arena, _n("every %d day", "every %d days", (unsigned long)s->cadence_n),
                    s->cadence_n);
        return _("no fixed schedule");
}

static const char *const weekday_names[7] = {N_("Sunday"),    N_("Monday"),   N_("Tuesday"),
                                             N_("Wednesday"), N_("Thursday"), N_("Friday"),
                                             N_("Saturday")};
static const char *const month_names[12] = {
    N_("January"), N_("February"), N_("March"),     N_("April"),   N_("May"),      N_("June"),
    N_("July"),    N_("August"),   N_("September"), N_("October"), N_("November"), N_("December")};

/* A calendar date in <time>, and with the hour and zone when zone is given (NULL: the date
 * alone, in UTC), the exact UTC instant as its datetime and title. */
static void html_moment(struct render *r, int64_t t, const char *zone)
{
        struct buf *b = r->out;
        time_t local = (time_t)(t + (zone ? tz_offset_at(zone, t) : 0));
        struct tm tm;
        gmtime_r(&local, &tm);
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        html_lit(b, "<time datetime=\"");
        html_attr(b, iso);
        html_lit(b, "\" title=\"");
        html_attr(b, iso);
        html_lit(b, "\">");
        if (zone)
                /* TRANSLATORS: weekday, day of month, month name, year, hour, minute, time zone */
                html_textf(r, _("%1$s, %2$d %3$s %4$d, %5$02d:%6$02d (%7$s)"),
                           _(weekday_names[tm.tm_wday]), tm.tm_mday, _(month_names[tm.tm_mon]),
                           tm.tm_year + 1900, tm.tm_hour, tm.tm_min, *zone ? zone : "UTC");
        else
                /* TRANSLATORS: weekday, day of month, month name, year */
                html_textf(r, _("%1$s, %2$d %3$s %4$d"), _(weekday_names[tm.tm_wday]), tm.tm_mday,
                           _(month_names[tm.tm_mon]), tm.tm_year + 1900);
        html_lit(b, "</time>");
}

struct html_frag html_local_moment_frag(struct render *r, int64_t t, const char *zone)
{
        struct buf scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        html_moment(r, t, zone ? zone : "");
        return html_frag_end(r, &scratch, saved);
}

void html_date(struct render *r, int64_t t)
{
        html_moment(r, t, NULL);
}

struct html_frag html_date_frag(struct render *r, int64_t t)
{
        struct buf scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        html_date(r, t);
        return html_frag_end(r, &scratch, saved);
}

struct html_frag html_time_frag(struct render *r, int64_t t)
{
        struct buf scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        html_time(r, t);
        return html_frag_end(r, &scratch, saved);
}

void season_status_line(struct render *r, const struct season *s, int64_t next_episode_at)
{
        struct buf *b = r->out;
        html_lit(b, "<p class=\"season-status\">");
        switch (s->status) {
        case SEASON_AIRING:
                html_lit(b, "<span class=\"badge live\">");
                html_text(b, _("Airing"));
                html_lit(b, "</span> ");
                /* TRANSLATORS: %s is a cadence such as "every Tuesday" or "every 14 days" */
                html_textf(r, _("New episodes %s."), cadence_text(r, s));
                if (next_episode_at > 0) {
                        struct html_frag date = html_date_frag(r, next_episode_at);
                        html_lit(b, " ");
                        /* TRANSLATORS: %s is a date */
                        html_sentence(r, _("Next episode: %s."), 1, &date);
                }
                break;
        case SEASON_ON_BREAK:
                html_lit(b, "<span class=\"badge\">");
                html_text(b, _("On a break"));
                html_lit(b, "</span> ");
                if (s->returns_at > 0) {
                        struct html_frag date = html_date_frag(r, s->returns_at);
                        /* TRANSLATORS: %s is a date */
                        html_sentence(r, _("Back on %s."), 1, &date);
                } else {
                        html_text(b, _("The author will announce the return here."));
                }
                break;
        case SEASON_FINISHED:
                html_lit(b, "<span class=\"badge\">");
                html_text(b, _("Finished"));
                html_lit(b, "</span> ");
                /* TRANSLATORS: %1$d is a number of episodes, %2$s a cadence such as "every
                 * Tuesday" */
                html_textf(r,
                           _n("%1$d episode, published %2$s.", "%1$d episodes, published %2$s.",
                              (unsigned long)s->episodes),
                           s->episodes, cadence_text(r, s));
                break;
        default:
                html_lit(b, "<span class=\"badge\">");
                html_text(b, _("Coming soon"));
                html_lit(b, "</span> ");
                /* TRANSLATORS: %s is a cadence such as "every Tuesday" */
                html_textf(r, _("Planned to air %s."), cadence_text(r, s));
                break;
        }
        html_lit(b, "</p>\n");
}
