/* The conversation under an episode: passages readers quoted, threads of comments with their
 * reactions and actions, and the forms and handlers behind them. */
#include "web/moderation.h"
#include "web/action_form.h"
#include "web/avatar.h"
#include "web/comments.h"
#include "web/reactions.h"
#include "actions/conversation.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/item.h"
#include "model/report.h"
#include "model/reaction.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"
#include "http/write_guard.h"
#include "model/lexicon.h"
#include "model/badge.h"
#include "web/badge.h"
#include "web/page_parts.h"

#include <stdlib.h>
#include <string.h>

enum { PASSAGES_SHOWN = 5 };

static char *episode_url(struct arena *arena, const struct episode *e)
{
        struct buf b = BUF_INIT;
        episode_path(&b, e);
        char *s = arena_strndup(arena, b.data, b.len);
        buf_free(&b);
        return s;
}

/* "/login?next=<path>#comments" for guests who want to take part. */
static void login_prompt(struct render *r, const struct episode *e)
{
        struct buf *b = r->out;
        struct buf next = BUF_INIT;
        episode_path(&next, e);
        buf_puts(&next, "#comments");
        html_lit(b, "<p class=\"join-prompt\"><a class=\"button\" href=\"/login?next=");
        html_url_arg(b, next.data);
        html_lit(b, "\">");
        html_text(b, _("Log in to join the conversation"));
        html_lit(b, "</a></p>\n");
        buf_free(&next);
}

/* ------------------------------------------------------------------ reactions */

void episode_reactions(struct render *r, const struct episode *e,
                       const struct reaction_summary *sum)
{
        reactions_form(r, TARGET_EPISODE, e->id, sum);
}

/* ------------------------------------------------------------------ threads */

struct comment_thread {
        const struct episode *e;
        const char *ep_url;
        struct comment *cs;
        int n;
        int *first_child, *next_sibling, *last_child;
        bool *live; /* visible, or has a visible comment below it */
        struct reaction_summary *sums;
        int nsums;
        bool moderator;
        int64_t next_after; /* the next page of threads starts after this root; 0: none */
        const struct lexicon *lexicon; /* the newsletter's approved terms, linked in bodies */
        struct badge_set *badges;      /* the authors' badges (web/badge.h) */
};

static const struct reaction_summary *summary_for(const struct comment_thread *t, int64_t id)
{
        int lo = 0, hi = t->nsums - 1;
        while (lo <= hi) {
                int mid = (lo + hi) / 2;
                if (t->sums[mid].target_id == id)
                        return &t->sums[mid];
                if (t->sums[mid].target_id < id)
                        lo = mid + 1;
                else
                        hi = mid - 1;
        }
        return NULL;
}

/* Links each comment to its replies, and marks which ones readers see. */
static void thread_build(struct comment_thread *t, struct arena *a)
{
        int n = t->n, *parent;
        comment_thread_index(a, t->cs, n, t->moderator, &parent, &t->live);
        t->first_child = arena_alloc(a, (size_t)(n + 1) * sizeof(int));
        t->next_sibling = arena_alloc(a, (size_t)(n + 1) * sizeof(int));
        t->last_child = arena_alloc(a, (size_t)(n + 1) * sizeof(int));
        for (int i = 0; i < n; i++)
                t->first_child[i] = t->next_sibling[i] = t->last_child[i] = -1;
        for (int i = 0; i < n; i++) {
                int p = parent[i];
                if (p < 0)
                        continue;
                if (t->last_child[p] < 0)
                        t->first_child[p] = i;
                else
                        t->next_sibling[t->last_child[p]] = i;
                t->last_child[p] = i;
        }
}

/* The form a reply link opens in place with the script (static/kindred.js clones it under the
 * comment, with the page's token and the comment as parent): once per thread, so a thread's
 * replies post where its comments do (t->ep_url). Without the script the link opens the reply
 * page (web_comment_reply_form). */
static void reply_template(struct render *r, const struct comment_thread *t)
{
        if (!render_signed_in(r))
                return;
        struct buf *b = r->out;
        html_lit(b, "<template class=\"kd-reply\"><form method=\"post\" class=\"comment-form "
                    "reply-form\" action=\"");
        html_attr(b, t->ep_url);
        html_lit(b, "/comments\"><input type=\"hidden\" name=\"parent\" value=\"\"><label>");
        html_text(b, _("Your reply"));
        html_lit(b, "</label><textarea name=\"body\" rows=\"3\" required");
        html_maxlength(b, KD_COMMENT_MAX_CHARS);
        html_lit(b, "></textarea><button type=\"submit\">");
        html_text(b, _("Post reply"));
        html_lit(b, "</button></form></template>\n");
}

/* A moderator's Hide or Restore of a comment, a button of the page's action form. */
static void hide_button(struct render *r, const struct comment *c)
{
        struct buf *b = r->out;
        bool hidden = c->state == COMMENT_HIDDEN;
        html_lit(b, "<button");
        action_form_attr(b);
        html_lit(b, " formaction=\"/hide/comment/");
        html_int(b, c->id);
        if (hidden)
                html_lit(b, "\" name=\"hidden\" value=\"0\"");
        else
                html_lit(b, "\" name=\"hidden\" value=\"1\"");
        html_lit(b, " class=\"link-button\">");
        html_text(b, hidden ? _("Restore") : _("Hide"));
        html_lit(b, "</button>\n");
}

/* The actions that depend on who c's author is: Edit and Delete for the author, Report for
 * other members. A slot of a shared part (web/page_parts.h): the part has what a member who is
 * not the author sees, and the author's page gets theirs. */
static void own_actions(struct render *r, const struct comment *c)
{
        struct buf *b = r->out;
        if (!render_signed_in(r))
                return;
        if (comment_can_edit(c, r->viewer->id)) {
                reactions_page_parts(r); /* the action form, before the buttons naming it */
                html_lit(b, "<a class=\"edit\" href=\"/comments/");
                html_int(b, c->id);
                html_lit(b, "/edit\">");
                html_text(b, _("Edit"));
                html_lit(b, "</a>\n<button");
                action_form_attr(b);
                html_lit(b, " formaction=\"/comments/");
                html_int(b, c->id);
                html_lit(b, "/delete\" data-confirmed-field=\"confirmed\" class=\"link-button\" "
                            "data-confirm=\"");
                html_attr(b, _("Delete this comment?"));
                html_lit(b, "\">");
                html_text(b, _("Delete"));
                html_lit(b, "</button>\n");
        } else if (c->author_id != r->viewer->id && c->state == COMMENT_VISIBLE) {
                item_moderation_links(r, "comment", c->id, true, false, false);
        }
}

static void comment_actions(struct render *r, const struct comment_thread *t,
                            const struct comment *c)
{
        struct buf *b = r->out;
        bool member = render_signed_in(r);
        html_lit(b, "<div class=\"comment-actions\">\n");
        if (c->state == COMMENT_VISIBLE && member) {
                /* a link, not a form per comment: the form comes when asked */
                html_lit(b, "<a class=\"reply\" href=\"/comments/");
                html_int(b, c->id);
                html_lit(b, "/reply\">");
                html_text(b, _("Reply"));
                html_lit(b, "</a>\n");
        }
        if (r->parts) {
                struct parts_slot *slot = parts_slot_begin(r->parts, PARTS_OWN);
                slot->id = c->id;
                slot->author_id = c->author_id;
                slot->state = (int)c->state;
                own_actions(r, c);
                parts_slot_end(r->parts, slot);
        } else {
                own_actions(r, c);
        }
        if (member && t->moderator && c->state != COMMENT_DELETED) {
                reactions_page_parts(r); /* the action form, before the buttons naming it */
                hide_button(r, c);
        }
        html_lit(b, "</div>\n");
}

static void comment_quote(struct render *r, const struct comment_thread *t, const struct comment *c)
{
        struct buf *b = r->out;
        html_lit(b, "<blockquote class=\"quote\"><a href=\"");
        struct buf link = BUF_INIT;
        buf_puts(&link, t->ep_url);
        comment_text_fragment(&link, t->e, c->quote_start, c->quote_exact, c->quote_prefix,
                              c->quote_suffix);
        html_attr(b, link.data);
        buf_free(&link);
        html_lit(b, "\" data-start=\"");
        html_int(b, c->quote_start);
        html_lit(b, "\">");
        html_text(b, c->quote_exact);
        html_lit(b, "</a></blockquote>\n");
}

/* A comment's reactions; in a shared part, a slot a member who reacted gets their own version
 * of (their kinds pressed). */
static void comment_reactions(struct render *r, int64_t id, const struct reaction_summary *sum)
{
        if (!r->parts) {
                reactions_form(r, TARGET_COMMENT, id, sum);
                return;
        }
        struct parts_slot *slot = parts_slot_begin(r->parts, PARTS_REACTIONS);
        slot->id = id;
        if (sum)
                slot->sum = *sum;
        slot->sum.target_id = id;
        slot->sum.mine = 0;
        reactions_form(r, TARGET_COMMENT, id, sum);
        parts_slot_end(r->parts, slot);
}

static void render_comment(struct render *r, const struct comment_thread *t, int i, int level)
{
        struct buf *b = r->out;
        const struct comment *c = &t->cs[i];
        if (!t->live[i])
                return;
        html_lit(b, "<article class=\"comment");
        if (c->state != COMMENT_VISIBLE)
                html_lit(b, " gone");
        html_lit(b, "\" id=\"c-");
        html_int(b, c->id);
        html_lit(b, "\">\n");
        if (c->state == COMMENT_DELETED) {
                html_lit(b, "<p class=\"gone-note\">");
                html_text(b, _("This comment was deleted."));
                html_lit(b, "</p>\n");
        } else if (c->state == COMMENT_HIDDEN && !t->moderator) {
                html_lit(b, "<p class=\"gone-note\">");
                html_text(b, _("Hidden by a moderator."));
                html_lit(b, "</p>\n");
        } else {
                html_lit(b, "<header class=\"comment-head\"><a class=\"author\" href=\"/@");
                html_url_arg(b, c->author_handle);
                html_lit(b, "\">");
                web_avatar(r, c->author_id, c->author_name, c->author_avatar, 28);
                html_text(b, c->author_name);
                html_lit(b, "</a>");
                badge_inline(r, c->author_id, t->badges);
                if (*c->author_headline) {
                        html_lit(b, " <span class=\"headline\">");
                        html_text(b, c->author_headline);
                        html_lit(b, "</span>");
                }
                html_lit(b, " <a class=\"permalink meta\" href=\"#c-");
                html_int(b, c->id);
                html_lit(b, "\">");
                html_time(r, c->created_at);
                html_lit(b, "</a>");
                if (c->edited_at) {
                        html_lit(b, " <span class=\"meta edited\" title=\"");
                        char iso[32];
                        time_iso8601(c->edited_at, iso, sizeof(iso));
                        html_attr(b, iso);
                        html_lit(b, "\">");
                        html_text(b, _("edited"));
                        html_lit(b, "</span>");
                }
                if (c->state == COMMENT_HIDDEN) {
                        html_lit(b, " <span class=\"badge\">");
                        html_text(b, _("Hidden by a moderator"));
                        html_lit(b, "</span>");
                }
                html_lit(b, "</header>\n");
                if (c->quote_exact)
                        comment_quote(r, t, c);
                html_lit(b, "<div class=\"comment-body\"");
                html_lang_attr(r, c->language);
                html_lit(b, ">");
                lexicon_link(t->lexicon, c->body_html, b);
                html_lit(b, "</div>\n");
                if (c->state == COMMENT_VISIBLE)
                        comment_reactions(r, c->id, summary_for(t, c->id));
        }
        comment_actions(r, t, c);
        if (t->first_child[i] >= 0) {
                if (level + 1 >= KD_THREAD_SHOWN_DEPTH) {
                        html_lit(b, "<p class=\"continue\"><a href=\"");
                        html_attr(b, t->ep_url);
                        html_lit(b, "/comments/");
                        html_int(b, c->id);
                        html_lit(b, "\">");
                        html_text(b, _("Continue this thread"));
                        html_lit(b, " →</a></p>\n");
                } else {
                        html_lit(b, "<div class=\"replies\">\n");
                        for (int k = t->first_child[i]; k >= 0; k = t->next_sibling[k])
                                render_comment(r, t, k, level + 1);
                        html_lit(b, "</div>\n");
                }
        }
        html_lit(b, "</article>\n");
}

/* Loads everything a view needs: one page of threads (root 0, from after) of the conversation
 * scope names (NULL: the episode's own), or the one thread under root. Returns -1 after failing
 * the request. */
static int thread_load_as(struct request *req, const struct episode *e,
                          const struct comment_scope *scope, int64_t after, int64_t root,
                          int64_t viewer_id, bool moderator, struct comment_thread *t);

static int thread_load_in(struct request *req, const struct episode *e,
                          const struct comment_scope *scope, int64_t after, int64_t root,
                          struct comment_thread *t)
{
        return thread_load_as(
            req, e, scope, after, root, req->viewer.id,
            req_signed_in(req) &&
                comment_can_moderate(req->db, e->id, req->viewer.id, req->viewer.role),
            t);
}

/* As thread_load_in, with the reactions marked as viewer_id's (0: nobody's) and moderator's
 * view (hidden comments shown) as given: what a shared part is built from. */
static int thread_load_as(struct request *req, const struct episode *e,
                          const struct comment_scope *scope, int64_t after, int64_t root,
                          int64_t viewer_id, bool moderator, struct comment_thread *t)
{
        struct comment_scope own = {.episode_id = e->id};
        memset(t, 0, sizeof(*t));
        t->e = e;
        t->ep_url = episode_url(req->arena, e);
        t->n = root ? comment_list_thread(req->db, req->arena, e->id, root, &t->cs)
                    : comment_list_page_in(req->db, req->arena, scope ? scope : &own, after, &t->cs,
                                           &t->next_after);
        /* reactions of exactly the threads loaded */
        int64_t first_root = t->n > 0 ? t->cs[0].root_id : 0;
        int64_t last_root = t->n > 0 ? t->cs[t->n - 1].root_id : 0;
        t->nsums = reaction_comment_summaries(req->db, req->arena, e->id, first_root - 1, last_root,
                                              viewer_id, &t->sums);
        if (t->n < 0 || t->nsums < 0) {
                req_fail(req, 503, N_("The database is not available."));
                return -1;
        }
        t->moderator = moderator;
        t->lexicon = lexicon_for_newsletter(req->db, req->arena, e->newsletter_id);
        thread_build(t, req->arena);
        t->badges = badge_set_for_comments(req->db, req->arena, e->newsletter_id, t->cs, t->n);
        return 0;
}

static int thread_load(struct request *req, const struct episode *e, int64_t after, int64_t root,
                       struct comment_thread *t)
{
        return thread_load_in(req, e, NULL, after, root, t);
}

static void new_comment_form(struct render *r, const struct episode *e, const char *body,
                             const char *quote, const char *error, const char *error_field)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" id=\"comment-form\" class=\"comment-form\" action=\"");
        episode_path(b, e);
        html_lit(b, "/comments\">\n");
        if (r->parts) { /* a shared part: each member's token goes in its slot */
                html_lit(b, "<input type=\"hidden\" name=\"_csrf\" value=\"");
                parts_slot_end(r->parts, parts_slot_begin(r->parts, PARTS_TOKEN));
                html_lit(b, "\">");
        } else {
                form_csrf(r);
        }
        if (error) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, error);
                html_lit(b, "</p>\n");
        }
        form_textarea(r, _("Quote a passage (optional)"), "quote_exact", quote, 2,
                      KD_QUOTE_MAX_CHARS,
                      _("Paste words from the episode, or select them in the text above."),
                      error_field && strcmp(error_field, "quote") == 0 ? error : NULL);
        html_lit(b, "<input type=\"hidden\" name=\"quote_prefix\" value=\"\">"
                    "<input type=\"hidden\" name=\"quote_suffix\" value=\"\">\n");
        form_textarea(r, _("Your comment"), "body", body, 4, KD_COMMENT_MAX_CHARS,
                      _("Markdown works: *italic*, **bold**, [links](https://…). Mention someone "
                        "with @handle."),
                      error_field && strcmp(error_field, "body") == 0 ? error : NULL);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Post comment"));
        html_lit(b, "</button></p>\n</form>\n");
}

static void passages(struct render *r, const struct episode *e, const char *ep_url,
                     const struct passage *ps, int n)
{
        if (n <= 0)
                return;
        struct buf *b = r->out;
        html_lit(b, "<section class=\"passages\" aria-labelledby=\"passages-h\"><h3 "
                    "id=\"passages-h\">");
        html_text(b, _("Lines readers carried away"));
        html_lit(b, "</h3>\n<ol class=\"passage-list\">\n");
        for (int i = 0; i < n; i++) {
                html_lit(b, "<li data-exact=\"");
                html_attr(b, ps[i].exact);
                html_lit(b, "\" data-prefix=\"");
                html_attr(b, ps[i].prefix);
                html_lit(b, "\" data-suffix=\"");
                html_attr(b, ps[i].suffix);
                html_lit(b, "\" data-count=\"");
                html_int(b, ps[i].comments);
                html_lit(b, "\" data-first=\"c-");
                html_int(b, ps[i].first_comment_id);
                html_lit(b, "\"><blockquote><a href=\"");
                struct buf link = BUF_INIT;
                buf_puts(&link, ep_url);
                comment_text_fragment(&link, e, ps[i].start, ps[i].exact, ps[i].prefix,
                                      ps[i].suffix);
                html_attr(b, link.data);
                buf_free(&link);
                html_lit(b, "\">");
                html_text(b, ps[i].exact);
                html_lit(b, "</a></blockquote> <a class=\"meta\" href=\"#c-");
                html_int(b, ps[i].first_comment_id);
                html_lit(b, "\">");
                html_textf(r, _n("%d comment", "%d comments", (unsigned long)ps[i].comments),
                           ps[i].comments);
                html_lit(b, "</a></li>\n");
        }
        html_lit(b, "</ol>\n</section>\n");
}

static void comments_section_whole(struct render *r, const struct conversation *cv);

/* The member every member's shared part is built for: signed in, the author of nothing, with
 * no reactions (page_parts.h). */
static const struct viewer shared_viewer = {
    .id = INT64_MAX, .handle = "", .display_name = "", .role = ROLE_READER};

/* Loads the conversation for a member from its shared part, building the part when it is not
 * kept (or stale), then reads the viewer's own reactions to its comments. Returns 0, or -1
 * after failing the request. */
static int conversation_load_shared(struct request *req, const struct episode *e,
                                    struct conversation *cv)
{
        bool moderator = comment_can_moderate(req->db, e->id, req->viewer.id, req->viewer.role);
        struct render *r = render_for_request(req);
        const char *key = arena_printf(req->arena, "%lld:%lld:%s:%d", (long long)e->id,
                                       (long long)cv->after, i18n_tag(r->locale), moderator);
        int64_t now = time_now();
        cv->part = arena_zalloc(req->arena, sizeof(*cv->part));
        if (!page_parts_get(key, now, cv->part)) {
                unsigned generation = req->parts_generation;
                struct comment_thread *t = arena_alloc(req->arena, sizeof(*t));
                if (thread_load_as(req, e, NULL, cv->after, 0, 0, moderator, t) < 0) {
                        cv->part = NULL; /* the section stops after its heading */
                        return -1;
                }
                cv->thread = t;
                cv->npassages =
                    comment_passages(req->db, req->arena, e->id, PASSAGES_SHOWN, &cv->passages);
                /* rendered for the neutral member, noting where each member's bytes go */
                struct buf out = BUF_INIT;
                struct parts_recorder rec;
                parts_recorder_init(&rec, &out, req->arena);
                struct render shared = *r;
                shared.out = &out;
                shared.viewer = &shared_viewer;
                shared.action_form_written = true; /* the page's own, outside the part */
                shared.reaction_kinds_shown = true;
                shared.parts = &rec;
                comments_section_whole(&shared, cv);
                cv->part->bytes = arena_strndup(req->arena, out.data ? out.data : "", out.len);
                cv->part->len = out.len;
                cv->part->slots = rec.slots;
                cv->part->nslots = rec.n;
                cv->part->first_root = t->n > 0 ? t->cs[0].root_id : 0;
                cv->part->last_root = t->n > 0 ? t->cs[t->n - 1].root_id : 0;
                buf_free(&out);
                page_parts_put(key, now, generation, cv->part);
                cv->thread = NULL;
        }
        cv->nmine = reaction_comment_mine(req->db, req->arena, e->id, cv->part->first_root - 1,
                                          cv->part->last_root, req->viewer.id, &cv->mine);
        if (cv->nmine < 0) {
                page_parts_release(cv->part);
                cv->part = NULL;
                req_fail(req, 503, N_("The database is not available."));
                return -1;
        }
        return 0;
}

int conversation_load(struct request *req, const struct episode *e, bool live,
                      struct conversation *cv)
{
        memset(cv, 0, sizeof(*cv));
        cv->e = e;
        if (!live)
                return 0;
        cv->shown = true;
        cv->have_reactions = reaction_summary(req->db, TARGET_EPISODE, e->id, req->viewer.id,
                                              &cv->reactions) == PUB_OK;
        if (!comment_can_read(req->viewer.id, req->config->guests_read_comments)) {
                cv->login_only = true;
                return 0;
        }
        cv->after = req_param_int(req, "after", 0);
        /* Guests' whole pages are kept by the page cache; members share this part. */
        if (req_signed_in(req) && page_parts_enabled())
                return conversation_load_shared(req, e, cv);
        cv->thread = arena_alloc(req->arena, sizeof(*cv->thread));
        if (thread_load(req, e, cv->after, 0, cv->thread) < 0) {
                cv->thread = NULL;
                return -1;
        }
        cv->npassages = comment_passages(req->db, req->arena, e->id, PASSAGES_SHOWN, &cv->passages);
        return 0;
}

/* The shared part with the viewer's own bytes in its slots: their token, their reactions
 * pressed, Edit and Delete on their comments (and no Report there). Each slot's version is
 * drawn by the functions that drew the shared one, so the page is what a whole render gives. */
static void comments_section_spliced(struct render *r, const struct conversation *cv)
{
        const struct page_part *p = cv->part;
        struct buf *b = r->out;
        reactions_kinds_shown(r); /* the page's action form, which the part's buttons name */
        size_t pos = 0;
        for (size_t i = 0; i < p->nslots; i++) {
                const struct parts_slot *s = &p->slots[i];
                buf_append(b, p->bytes + pos, s->at - pos);
                pos = s->at + s->len;
                const struct reaction_summary *mine =
                    s->kind == PARTS_REACTIONS ? reaction_summary_find(cv->mine, cv->nmine, s->id)
                                               : NULL;
                if (s->kind == PARTS_TOKEN) {
                        html_attr(b, render_csrf(r));
                } else if (mine && mine->mine) {
                        struct reaction_summary sum = s->sum;
                        sum.mine = mine->mine;
                        reactions_form(r, TARGET_COMMENT, s->id, &sum);
                } else if (s->kind == PARTS_OWN && s->author_id == r->viewer->id) {
                        struct comment c = {.id = s->id,
                                            .author_id = s->author_id,
                                            .state = (enum comment_state)s->state};
                        own_actions(r, &c);
                } else {
                        buf_append(b, p->bytes + s->at, s->len);
                }
        }
        buf_append(b, p->bytes + pos, p->len - pos);
}

void comments_section(struct render *r, struct conversation *cv)
{
        if (cv->part) {
                comments_section_spliced(r, cv);
                page_parts_release(cv->part);
        } else {
                comments_section_whole(r, cv);
        }
}

static void comments_section_whole(struct render *r, const struct conversation *cv)
{
        const struct episode *e = cv->e;
        struct buf *b = r->out;
        html_lit(b, "<section id=\"comments\" class=\"comments\" aria-labelledby=\"comments-h\">\n"
                    "<h2 id=\"comments-h\">");
        html_textf(r, _n("%d comment", "%d comments", (unsigned long)e->comment_count),
                   e->comment_count);
        html_lit(b, "</h2>\n");
        if (cv->login_only) {
                login_prompt(r, e);
                html_lit(b, "</section>\n");
                return;
        }
        const struct comment_thread *t = cv->thread;
        if (!t) { /* the loader failed the request */
                html_lit(b, "</section>\n");
                return;
        }
        passages(r, e, t->ep_url, cv->passages, cv->npassages);
        if (render_signed_in(r))
                new_comment_form(r, e, "", "", NULL, NULL);
        else
                login_prompt(r, e);
        if (cv->after > 0) {
                html_lit(b, "<p class=\"pages\"><a href=\"");
                html_attr(b, t->ep_url);
                html_lit(b, "#comments\">← ");
                html_text(b, _("First comments"));
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "<div class=\"thread\">\n");
        reply_template(r, t);
        for (int i = 0; i < t->n; i++)
                if (!t->cs[i].parent_id)
                        render_comment(r, t, i, 0);
        html_lit(b, "</div>\n");
        if (t->next_after) {
                html_lit(b, "<p class=\"pages\"><a rel=\"next\" href=\"");
                html_attr(b, t->ep_url);
                html_lit(b, "?after=");
                html_int(b, t->next_after);
                html_lit(b, "#comments\">");
                html_text(b, _("More comments"));
                html_lit(b, " →</a></p>\n");
        }
        html_lit(b, "</section>\n");
}

/* For other conversations under an episode (the answers to a prompt): the same threads. */
struct comment_thread *comment_thread_load(struct request *req, const struct episode *e,
                                           const struct comment_scope *scope, int64_t after)
{
        struct comment_thread *t = arena_alloc(req->arena, sizeof(*t));
        return thread_load_in(req, e, scope, after, 0, t) < 0 ? NULL : t;
}

void comment_thread_render(struct render *r, const struct comment_thread *t)
{
        reply_template(r, t);
        for (int i = 0; i < t->n; i++)
                if (!t->cs[i].parent_id)
                        render_comment(r, t, i, 0);
}

int64_t comment_thread_next(const struct comment_thread *t)
{
        return t->next_after;
}

int comments_in_place(struct request *req, struct render *r, const struct episode *e,
                      const struct comment_scope *scope, const char *place_url, int64_t from)
{
        struct comment_thread t;
        struct comment start;
        int64_t root = 0;
        if (from) {
                if (comment_get(req->db, req->arena, from, &start) != PUB_OK ||
                    start.buildon_id != scope->buildon_id || start.prompt_id != scope->prompt_id)
                        return req_fail(req, 404, N_("There is no such comment.")), -1;
                root = start.root_id;
        }
        if (root) {
                if (thread_load(req, e, 0, root, &t) < 0)
                        return -1;
        } else { /* as thread_load, for this conversation rather than the episode's own */
                memset(&t, 0, sizeof(t));
                t.e = e;
                t.n = comment_list_page_in(req->db, req->arena, scope,
                                           req_param_int(req, "after", 0), &t.cs, &t.next_after);
                int64_t first = t.n > 0 ? t.cs[0].root_id : 0;
                int64_t last = t.n > 0 ? t.cs[t.n - 1].root_id : 0;
                t.nsums = reaction_comment_summaries(req->db, req->arena, e->id, first - 1, last,
                                                     req->viewer.id, &t.sums);
                if (t.n < 0 || t.nsums < 0)
                        return req_fail(req, 503, N_("The database is not available.")), -1;
                t.moderator =
                    req_signed_in(req) &&
                    comment_can_moderate(req->db, e->id, req->viewer.id, req->viewer.role);
                thread_build(&t, req->arena);
        }
        t.ep_url = place_url;
        struct buf *b = r->out;
        html_lit(b, "<div class=\"thread\">\n");
        reply_template(r, &t);
        for (int i = 0; i < t.n; i++)
                if (from ? t.cs[i].id == from && t.live[i] : !t.cs[i].parent_id)
                        render_comment(r, &t, i, 0);
        html_lit(b, "</div>\n");
        if (t.next_after) {
                html_lit(b, "<p class=\"pages\"><a rel=\"next\" href=\"");
                html_attr(b, place_url);
                html_lit(b, "?after=");
                html_int(b, t.next_after);
                html_lit(b, "#comments\">");
                html_text(b, _("More comments"));
                html_lit(b, " →</a></p>\n");
        }
        return 0;
}

/* ------------------------------------------------------------------ handlers */

/* Loads the episode named in the path, as the viewer may see it. */
static int path_episode(struct request *req, struct episode *e)
{
        int rc = episode_find(req->db, req->arena, req_path_param(req, "newsletter"),
                              req_path_param(req, "episode"), e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no episode at this address."));
        return 0;
}

/* Loads a comment from the path and its episode, as the viewer may see them. */
static int path_comment(struct request *req, struct comment *c, struct episode *e)
{
        int rc = action_comment_load(req, c, e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no such comment."));
        return 0;
}

/* The answer to an action on comment c that did not succeed. */
static int comment_action_failed(struct request *req, int rc)
{
        switch (rc) {
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("That comment was deleted or hidden."));
        case PUB_FORBIDDEN:
                return req_fail(req, 403, N_("You can only change your own comments."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
}

/* Where comment id is read: its episode at #c-ID, or the build-on's page it is under. */
static const char *comment_address(struct request *req, const struct episode *e, int64_t id)
{
        struct item it; /* a comment on a build-on is on the build-on's page */
        struct comment c;
        if (comment_get(req->db, req->arena, id, &c) == PUB_OK && c.buildon_id &&
            comment_item_load(req->db, req->arena, id, &it) == PUB_OK)
                return it.url;
        return arena_printf(req->arena, "%s#c-%lld", episode_url(req->arena, e), (long long)id);
}

static int redirect_to_comment(struct request *req, const struct episode *e, int64_t id)
{
        return resp_redirect(req, comment_address(req, e, id));
}

/* The comment form on a page of its own, for a rejected comment: the text is kept. */
static int comment_problem_page(struct request *req, const struct episode *e,
                                const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Your comment"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        episode_path(b, e);
        html_lit(b, "#comments\">← ");
        html_text(b, e->title);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, _("Your comment"));
        html_lit(b, "</h1>\n");
        const char *parent = req_param(req, "parent");
        if (*parent && strcmp(p->field, "parent") != 0) {
                /* a reply keeps its place */
                html_lit(b, "<form method=\"post\" class=\"comment-form\" action=\"");
                episode_path(b, e);
                html_lit(b, "/comments\">");
                form_csrf(r);
                html_lit(b, "<input type=\"hidden\" name=\"parent\" value=\"");
                html_attr(b, parent);
                html_lit(b, "\">");
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, render_problem(r, p));
                html_lit(b, "</p>");
                form_textarea(r, _("Your reply"), "body", req_param(req, "body"), 4,
                              KD_COMMENT_MAX_CHARS, NULL, render_problem(r, p));
                html_lit(b, "<p><button type=\"submit\">");
                html_text(b, _("Post reply"));
                html_lit(b, "</button></p></form>\n");
        } else {
                new_comment_form(r, e, req_param(req, "body"), req_param(req, "quote_exact"),
                                 render_problem(r, p), p->field);
        }
        return page_end(r, 422);
}

int web_comment_post(struct request *req)
{
        struct episode e;
        struct field_problem p = {0};
        int64_t id;
        int rc = action_comment_post(req, path_episode, &e, &id, NULL, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID)
                return comment_problem_page(req, &e, &p);
        if (rc != PUB_OK)
                return req_fail(req, rc == PUB_NOT_FOUND ? 404 : 503,
                                rc == PUB_NOT_FOUND ? N_("There is no episode at this address.")
                                                    : N_("The database is not available."));
        return redirect_to_comment(req, &e, id);
}

int web_comment_thread(struct request *req)
{
        struct render *r = render_for_request(req);
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        if (!comment_can_read(req->viewer.id, req->config->guests_read_comments))
                return resp_redirect(req, "/login");
        int64_t from = req_path_id(req, "id");
        struct comment_thread t;
        struct comment from_comment;
        if (comment_get(req->db, req->arena, from, &from_comment) != PUB_OK ||
            from_comment.episode_id != e.id)
                return req_fail(req, 404, N_("There is no such comment."));
        if (thread_load(req, &e, 0, from_comment.root_id, &t) < 0)
                return req->resp.status;
        int at = -1;
        for (int i = 0; i < t.n; i++)
                if (t.cs[i].id == from)
                        at = i;
        if (at < 0 || !t.live[at])
                return req_fail(req, 404, N_("There is no such comment."));
        struct buf *b = r->out;
        struct page_meta meta = {.title = e.title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(b, t.ep_url);
        html_lit(b, "#c-");
        html_int(b, t.cs[at].parent_id ? t.cs[at].parent_id : t.cs[at].id);
        html_lit(b, "\">← ");
        html_text(b, e.title);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, _("A thread"));
        html_lit(b, "</h1>\n<section class=\"comments\"><div class=\"thread\">\n");
        reply_template(r, &t);
        render_comment(r, &t, at, 0);
        html_lit(b, "</div></section>\n");
        return page_end(r, 200);
}

/* Where a reply to c is posted: its conversation's comments, the episode's or a build-on's. */
static const char *reply_action(struct request *req, const struct episode *e,
                                const struct comment *c)
{
        const char *ep = episode_url(req->arena, e);
        return c->buildon_id
                   ? arena_printf(req->arena, "%s/b/%lld/comments", ep, (long long)c->buildon_id)
                   : arena_printf(req->arena, "%s/comments", ep);
}

int web_comment_reply_form(struct request *req)
{
        struct render *r = render_for_request(req);
        struct comment c;
        struct episode e;
        if (path_comment(req, &c, &e))
                return req->resp.status;
        if (c.state != COMMENT_VISIBLE)
                return req_fail(req, 404, N_("That comment was deleted or hidden."));
        struct buf *b = r->out;
        const char *title = arena_printf(r->arena, _("Reply to %s"), c.author_name);
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(b, comment_address(req, &e, c.id));
        html_lit(b, "\">← ");
        html_text(b, e.title);
        html_lit(b, "</a></p>\n<section class=\"form-page reply-page\">\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<blockquote class=\"comment-body\"");
        html_lang_attr(r, c.language);
        html_lit(b, ">");
        html_rendered(b, c.body_html);
        html_lit(b, "</blockquote>\n<form method=\"post\" class=\"comment-form\" action=\"");
        html_attr(b, reply_action(req, &e, &c));
        html_lit(b, "\">");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"parent\" value=\"");
        html_int(b, c.id);
        html_lit(b, "\">");
        form_textarea(r, _("Your reply"), "body", "", 4, KD_COMMENT_MAX_CHARS, NULL, NULL);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Post reply"));
        html_lit(b, "</button></p></form>\n</section>\n");
        return page_end(r, 200);
}

static int edit_page(struct render *r, const struct comment *c, const struct episode *e,
                     const char *body, const char *error, int status)
{
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Edit your comment"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        episode_path(b, e);
        html_lit(b, "#c-");
        html_int(b, c->id);
        html_lit(b, "\">← ");
        html_text(b, e->title);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, _("Edit your comment"));
        html_lit(b, "</h1>\n<form method=\"post\" class=\"comment-form\" action=\"/comments/");
        html_int(b, c->id);
        html_lit(b, "/edit\">");
        form_csrf(r);
        form_textarea(r, _("Your comment"), "body", body, 6, KD_COMMENT_MAX_CHARS, NULL, error);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Save"));
        html_lit(b, "</button></p></form>\n");
        return page_end(r, status);
}

/* A comment its viewer may change: theirs and still visible. 403 for someone else's. */
static int own_comment(struct request *req, struct comment *c, struct episode *e)
{
        if (path_comment(req, c, e))
                return req->resp.status;
        int rc = action_comment_may_change(req, c);
        return rc == PUB_OK ? 0 : comment_action_failed(req, rc);
}

int web_comment_edit_form(struct request *req)
{
        struct render *r = render_for_request(req);
        struct comment c;
        struct episode e;
        if (own_comment(req, &c, &e))
                return req->resp.status;
        return edit_page(r, &c, &e, c.body, NULL, 200);
}

int web_comment_edit(struct request *req)
{
        struct render *r = render_for_request(req);
        struct comment c;
        struct episode e;
        if (own_comment(req, &c, &e))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_comment_edit(req, &c, &p);
        if (rc == PUB_INVALID)
                return edit_page(r, &c, &e, req_param(req, "body"), render_problem(r, &p), 422);
        if (rc != PUB_OK)
                return comment_action_failed(req, rc);
        return redirect_to_comment(req, &e, c.id);
}

/* "Delete this comment?" as a page, for a delete sent without the script's confirmation (the
 * form's "confirmed" field is added by static/kindred.js once the member said yes): the comment
 * is shown, and only this page's button deletes it. */
static int delete_confirm_page(struct request *req, const struct comment *c,
                               const struct episode *e)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        struct page_meta meta = {.title = _("Delete this comment?"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"form-page delete-confirm\">\n<h1>");
        html_text(b, _("Delete this comment?"));
        html_lit(b, "</h1>\n<p>");
        html_text(b, _("It is replaced by “This comment was deleted.”; replies to it stay. "
                       "This cannot be undone."));
        html_lit(b, "</p>\n<blockquote class=\"comment-body\"");
        html_lang_attr(r, c->language);
        html_lit(b, ">");
        html_rendered(b, c->body_html);
        html_lit(b, "</blockquote>\n<form method=\"post\" action=\"/comments/");
        html_int(b, c->id);
        html_lit(b, "/delete\" class=\"actions-row\">");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"confirmed\" value=\"1\"><button "
                    "type=\"submit\" class=\"danger\">");
        html_text(b, _("Delete"));
        html_lit(b, "</button> <a href=\"");
        html_attr(b, comment_address(req, e, c->id));
        html_lit(b, "\">");
        html_text(b, _("Cancel, keep it"));
        html_lit(b, "</a></form>\n</section>\n");
        return page_end(r, 200);
}

int web_comment_delete(struct request *req)
{
        struct comment c;
        struct episode e;
        if (own_comment(req, &c, &e))
                return req->resp.status;
        if (!req_param_bool(req, "confirmed"))
                return delete_confirm_page(req, &c, &e);
        int rc = action_comment_delete(req, &c);
        if (rc != PUB_OK)
                return comment_action_failed(req, rc);
        if (c.buildon_id)
                return redirect_to_comment(req, &e, c.id);
        return resp_redirect(req,
                             arena_printf(req->arena, "%s#comments", episode_url(req->arena, &e)));
}

int web_comment_hide(struct request *req)
{
        struct comment c;
        struct episode e;
        if (path_comment(req, &c, &e))
                return req->resp.status;
        struct item it;
        if (item_load(req->db, req->arena, "comment", c.id, &it) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        const char *refusal;
        int rc = action_item_hide(req, &it, req_param_bool(req, "hidden"), &refusal);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, refusal);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("That comment was deleted."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return redirect_to_comment(req, &e, c.id);
}
