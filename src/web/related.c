/* "Members also read" and the community-insights panel on the episode page (web/related.h). */
#include "web/related.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/html.h"
#include "http/request.h"
#include "model/episode.h"
#include "model/related.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

struct related_view {
        struct episode cards[KD_RELATED_SHOWN];
        enum related_reason reasons[KD_RELATED_SHOWN];
        int ncards;
        bool any_coread;
        bool took_any; /* a pick was left out because the viewer read it */
        int episode_number;
        struct insight_sentence sentences[INSIGHT_SENTENCES_SHOWN];
        int nsentences;
};

struct related_view *related_load(struct request *req, const struct episode *e, bool live)
{
        if (!live)
                return NULL;
        int64_t now = time_now();
        struct related_extras x;
        if (related_extras_get(req->db, e, now, &x) != 0)
                return NULL;
        struct related_view *v = arena_alloc(req->arena, sizeof(*v));
        memset(v, 0, sizeof(*v));
        v->episode_number = e->number;
        /* Which picks the viewer took part in already, in one query; then the cards of the
         * next untaken picks, as many as are missing, in one query (usually the only one: a
         * pick that is no longer live, the list being up to a minute old, asks for another). */
        bool took[KD_RELATED_CANDIDATES] = {0};
        if (req->viewer.id && related_taken_part(req->db, req->viewer.id, x.picks, x.npicks, took))
                return NULL;
        _Static_assert(KD_RELATED_SHOWN <= EPISODE_CARDS_BATCH, "one batch of cards");
        int i = 0;
        for (; i < x.npicks && v->ncards < KD_RELATED_SHOWN;) {
                int64_t ids[KD_RELATED_SHOWN];
                int from[KD_RELATED_SHOWN], n = 0;
                for (; i < x.npicks && n < KD_RELATED_SHOWN - v->ncards; i++) {
                        if (!took[i]) {
                                from[n] = i;
                                ids[n++] = x.picks[i].episode_id;
                        }
                }
                struct episode cards[KD_RELATED_SHOWN];
                bool found[KD_RELATED_SHOWN];
                if (episode_live_cards(req->db, req->arena, ids, n, now, cards, found) != PUB_OK)
                        return NULL;
                for (int j = 0; j < n; j++) {
                        if (!found[j])
                                continue;
                        const struct related_pick *p = &x.picks[from[j]];
                        v->cards[v->ncards] = cards[j];
                        v->reasons[v->ncards++] = p->reason;
                        if (p->reason == RELATED_COREAD)
                                v->any_coread = true;
                }
        }
        for (int j = 0; j < i; j++) /* the picks weighed before the cards were full */
                v->took_any |= took[j];
        memcpy(v->sentences, x.sentences, sizeof(v->sentences));
        v->nsentences = x.nsentences;
        return v;
}

int related_shown(const struct related_view *v, int64_t *ids, bool *personal)
{
        *personal = !v || v->took_any;
        int n = v ? v->ncards : 0;
        for (int i = 0; i < n; i++)
                ids[i] = v->cards[i].id;
        return n;
}

static const char *reason_label(struct render *r, enum related_reason why)
{
        switch (why) {
        case RELATED_COREAD:
                return _("Members who read this also read");
        case RELATED_SEASON:
                return _("More from this season");
        case RELATED_NEWSLETTER:
                return _("More from this newsletter");
        default:
                return _("More from this author");
        }
}

void related_section(struct render *r, const struct related_view *v)
{
        if (!v || v->ncards == 0)
                return;
        struct buf *b = r->out;
        html_lit(
            b, "<section class=\"related\" aria-labelledby=\"related-h\">\n<h2 id=\"related-h\">");
        html_text(b, v->any_coread ? _("Members also read") : _("Keep reading"));
        html_lit(b, "</h2>\n<ul class=\"related-cards\">\n");
        for (int i = 0; i < v->ncards; i++) {
                const struct episode *e = &v->cards[i];
                html_lit(b, "<li class=\"related-card\" data-reason=\"");
                html_attr(b, v->reasons[i] == RELATED_COREAD ? "coread" : "more");
                html_lit(b, "\">\n<p class=\"related-reason\">");
                html_text(b, reason_label(r, v->reasons[i]));
                html_lit(b, "</p>\n<p class=\"related-title\"><a href=\"");
                episode_path(b, e);
                html_lit(b, "\"");
                html_lang_attr(r, e->language);
                html_lit(b, ">");
                html_text(b, e->title);
                html_lit(b, "</a></p>\n<p class=\"meta\">");
                html_text(b, e->newsletter_title);
                html_lit(b, " · ");
                season_episode_label(r, e->season_number, e->number);
                html_lit(b, "</p>\n</li>\n");
        }
        html_lit(b, "</ul>\n</section>\n");
}

/* One sentence, numbers in the reader's language. */
static void sentence(struct render *r, const struct related_view *v,
                     const struct insight_sentence *s)
{
        const char *n = l10n_number(r->arena, r->locale, s->n);
        switch (s->kind) {
        case SENTENCE_CAME_BACK:
                /* TRANSLATORS: "7 in 10 readers of episode 1 came back for this one." %1$d is
                 * between 1 and 9; the rest of the sentence is always about ten */
                html_textf(r, _("%1$d in 10 readers of episode 1 came back for this one."),
                           insight_tenths(s->n, s->of));
                break;
        case SENTENCE_MEMBER_REPLIES_WEEK:
                html_textf(r,
                           _n("Members replied to each other %s time this week.",
                              "Members replied to each other %s times this week.",
                              (unsigned long)s->n),
                           n);
                break;
        case SENTENCE_BUILT_ON:
                html_textf(r,
                           _n("%s member built on this episode or tried it.",
                              "%s members built on this episode or tried it.", (unsigned long)s->n),
                           n);
                break;
        case SENTENCE_READ_TO_END:
                html_textf(r,
                           _n("%s member read this episode to the end.",
                              "%s members read this episode to the end.", (unsigned long)s->n),
                           n);
                break;
        }
        (void)v;
}

void community_insights_section(struct render *r, const struct related_view *v)
{
        if (!v || v->nsentences == 0)
                return;
        struct buf *b = r->out;
        html_lit(b,
                 "<aside class=\"community-insights\" aria-labelledby=\"community-insights-h\">\n"
                 "<h2 id=\"community-insights-h\">");
        html_text(b, _("Community insights"));
        html_lit(b, "</h2>\n");
        for (int i = 0; i < v->nsentences; i++) {
                html_lit(b, "<p class=\"insight-sentence\">");
                sentence(r, v, &v->sentences[i]);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p class=\"insight-note\">");
        html_textf(r,
                   _n("Counted from members' reading and taking part; nothing about fewer than %d "
                      "member is shown.",
                      "Counted from members' reading and taking part; nothing about fewer than %d "
                      "members is shown.",
                      (unsigned long)KD_INSIGHT_MIN_GROUP),
                   KD_INSIGHT_MIN_GROUP);
        html_lit(b, "</p>\n</aside>\n");
}
