/* JSON export and import of a whole site. The export is deterministic (rows by id, keys in a
 * fixed order), so export → import into an empty site → export gives the same bytes. Derived
 * columns (rendered HTML, plain text, excerpts, counts) are not exported: the import renders
 * them again with this version's renderer. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/ask.h"
#include "model/buildon.h"
#include "model/episode.h"
#include "model/image.h"
#include "model/lexicon.h"
#include "model/media_store.h"
#include "model/transfer.h"
#include "model/space.h"

#include <assert.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXPORT_FORMAT = 1 };

/* A column: its name, and whether it is an integer ('i'), an integer that may be NULL ('n'),
 * text ('t') or text that may be NULL ('s'). An 's' or 'n' column left out of an imported row is
 * NULL, so exports made before a nullable column existed (the languages, a notification's target)
 * still load. */
struct column {
        const char *name;
        char type;
};

/* One exported table: the SELECT (columns in the order of cols, ordered by key) and the
 * INSERT that puts a row back (?1..?N in the same order). */
struct table {
        const char *name;
        const char *select;
        const char *insert;
        const struct column *cols;
};

static const struct column member_cols[] = {
    {"id", 'i'},       {"handle", 't'},     {"display_name", 't'},  {"headline", 't'},
    {"bio", 't'},      {"email", 't'},      {"password_hash", 't'}, {"role", 't'},
    {"disabled", 'i'}, {"created_at", 'i'}, {"updated_at", 'i'},    {"language", 's'},
    /* notification mail (migration 015): absent in older exports, then the defaults */
    {"notify_mail", 's'}, {"notify_digest_due", 'n'}, {"notify_mailed_id", 'n'},
    {"time_zone", 's'}, /* migration 016: absent in older exports, then UTC */
    {NULL, 0}};
static const struct column setting_cols[] = {{"key", 't'}, {"value", 't'}, {NULL, 0}};
static const struct column newsletter_cols[] = {
    {"id", 'i'},       {"slug", 't'},       {"title", 't'},      {"description", 't'},
    {"owner_id", 'i'}, {"created_at", 'i'}, {"updated_at", 'i'}, {NULL, 0}};
static const struct column member_avatar_cols[] = {
    {"member_id", 'i'}, {"image_id", 'i'}, {NULL, 0}};
static const struct column coauthor_cols[] = {
    {"newsletter_id", 'i'}, {"member_id", 'i'}, {NULL, 0}};
static const struct column season_cols[] = {
    {"id", 'i'},          {"newsletter_id", 'i'}, {"number", 'i'},     {"title", 't'},
    {"description", 't'}, {"cadence", 't'},       {"cadence_n", 'i'},  {"status", 't'},
    {"returns_at", 'n'},  {"created_at", 'i'},    {"updated_at", 'i'}, {NULL, 0}};
static const struct column episode_cols[] = {
    {"id", 'i'},         {"newsletter_id", 'i'},  {"season_id", 'i'},     {"number", 'i'},
    {"author_id", 'i'},  {"slug", 't'},           {"title", 't'},         {"subtitle", 't'},
    {"body", 't'},       {"cover_image_id", 'n'}, {"cover_alt", 't'},     {"cover_credit", 't'},
    {"status", 't'},     {"publish_at", 'i'},     {"ai_disclosure", 't'}, {"teaser", 't'},
    {"created_at", 'i'}, {"updated_at", 'i'},     {"language", 's'},      {NULL, 0}};
static const struct column comment_cols[] = {
    {"id", 'i'},           {"episode_id", 'i'},   {"parent_id", 'n'},   {"root_id", 'i'},
    {"depth", 'i'},        {"author_id", 'i'},    {"body", 't'},        {"quote_exact", 's'},
    {"quote_prefix", 't'}, {"quote_suffix", 't'}, {"quote_start", 'n'}, {"state", 't'},
    {"moderated_by", 'n'}, {"created_at", 'i'},   {"updated_at", 'i'},  {"edited_at", 'n'},
    {"language", 's'},     {"prompt_id", 'n'},    {"buildon_id", 'n'},  {NULL, 0}};
static const struct column buildon_cols[] = {
    {"id", 'i'},           {"episode_id", 'i'},   {"parent_id", 'n'},    {"author_id", 'i'},
    {"title", 't'},        {"body", 't'},         {"quote_exact", 's'},  {"quote_prefix", 't'},
    {"quote_suffix", 't'}, {"quote_start", 'n'},  {"state", 't'},        {"moderated_by", 'n'},
    {"featured_at", 'n'},  {"featured_by", 'n'},  {"created_at", 'i'},   {"updated_at", 'i'},
    {"edited_at", 'n'},    {"language", 's'},     {NULL, 0}};
static const struct column reaction_cols[] = {{"target", 't'},     {"target_id", 'i'},
                                              {"kind", 't'},       {"member_id", 'i'},
                                              {"created_at", 'i'}, {NULL, 0}};
static const struct column report_cols[] = {
    {"id", 'i'},          {"target", 't'},        {"target_id", 'i'}, {"author_id", 'i'},
    {"newsletter_id", 'n'}, {"item_gone", 'i'},   {"reporter_id", 'i'}, {"reason", 't'},
    {"note", 't'},        {"created_at", 'i'},    {"resolved_at", 'n'}, {"resolved_by", 'n'},
    {"outcome", 's'},     {NULL, 0}};
static const struct column notification_cols[] = {{"id", 'i'},         {"member_id", 'i'},
                                                  {"kind", 't'},       {"actor_id", 'n'},
                                                  {"episode_id", 'n'}, {"comment_id", 'n'},
                                                  {"count", 'i'},      {"created_at", 'i'},
                                                  {"read_at", 'n'},    {"target", 's'},
                                                  {"target_id", 'n'},  {NULL, 0}};
static const struct column prompt_cols[] = {
    {"id", 'i'},         {"episode_id", 'i'}, {"position", 'i'},   {"question", 't'},
    {"closed_at", 'n'},  {"created_at", 'i'}, {"updated_at", 'i'}, {NULL, 0}};
static const struct column tried_cols[] = {
    {"id", 'i'},           {"episode_id", 'i'},   {"member_id", 'i'},  {"note", 't'},
    {"outcome", 's'},      {"outcome_note", 't'}, {"state", 't'},      {"moderated_by", 'n'},
    {"created_at", 'i'},   {"updated_at", 'i'},   {"outcome_at", 'n'}, {NULL, 0}};
static const struct column follow_cols[] = {
    {"member_id", 'i'}, {"newsletter_id", 'i'}, {"created_at", 'i'}, {NULL, 0}};
/* Notification kinds a member turned off (migration 019, model/notify_pref.h). */
static const struct column mute_cols[] = {
    {"member_id", 'i'}, {"kind", 't'}, {"created_at", 'i'}, {NULL, 0}};
/* Email subscriptions keep their ids: the unsubscribe links already mailed sign them. Each
 * episode's mailing goes too, so no old episode is mailed again after a move. */
static const struct column subscription_cols[] = {
    {"id", 'i'},           {"newsletter_id", 'i'}, {"member_id", 'n'},    {"email", 't'},
    {"email_key", 't'},    {"language", 's'},      {"state", 't'},        {"created_at", 'i'},
    {"confirmed_at", 'n'}, {"unsubscribed_at", 'n'}, {NULL, 0}};
static const struct column mailing_cols[] = {
    {"episode_id", 'i'}, {"cursor", 'i'},     {"queued", 'i'},      {"skipped", 'i'},
    {"started_at", 'i'}, {"finished_at", 'n'}, {NULL, 0}};
static const struct column ask_cols[] = {
    {"id", 'i'},          {"newsletter_id", 'i'}, {"author_id", 'i'},    {"title", 't'},
    {"body", 't'},        {"status", 't'},        {"status_note", 't'},  {"episode_id", 'n'},
    {"decided_by", 'n'},  {"decided_at", 'n'},    {"state", 't'},        {"moderated_by", 'n'},
    {"created_at", 'i'},  {"updated_at", 'i'},    {"language", 's'},     {NULL, 0}};
static const struct column ask_vote_cols[] = {
    {"ask_id", 'i'}, {"member_id", 'i'}, {"created_at", 'i'}, {NULL, 0}};
/* Lexicon terms; term_key and definition_html are rebuilt on import (term_rebuild_derived). */
static const struct column term_cols[] = {{"id", 'i'},
                                          {"newsletter_id", 'i'},
                                          {"term", 't'},
                                          {"slug", 't'},
                                          {"definition", 't'},
                                          {"origin_url", 't'},
                                          {"proposer_id", 'i'},
                                          {"status", 't'},
                                          {"status_note", 't'},
                                          {"decided_by", 'n'},
                                          {"decided_at", 'n'},
                                          {"state", 't'},
                                          {"moderated_by", 'n'},
                                          {"created_at", 'i'},
                                          {"updated_at", 'i'},
                                          {"language", 's'},
                                          {NULL, 0}};
static const struct column space_cols[] = {
    {"id", 'i'},         {"slug", 't'},       {"title", 't'},      {"description", 't'},
    {"newsletter_id", 'n'}, {"who_posts", 't'}, {"created_by", 'i'}, {"created_at", 'i'},
    {"updated_at", 'i'}, {NULL, 0}};
static const struct column space_thread_cols[] = {
    {"id", 'i'},         {"space_id", 'i'},   {"author_id", 'i'},    {"title", 't'},
    {"state", 't'},      {"moderated_by", 'n'}, {"created_at", 'i'}, {"updated_at", 'i'},
    {"language", 's'},   {NULL, 0}};
static const struct column space_post_cols[] = {
    {"id", 'i'},           {"thread_id", 'i'},  {"space_id", 'i'},   {"parent_id", 'n'},
    {"author_id", 'i'},    {"body", 't'},       {"state", 't'},      {"moderated_by", 'n'},
    {"created_at", 'i'},   {"updated_at", 'i'}, {"edited_at", 'n'},  {"language", 's'},
    {NULL, 0}};
static const struct column badge_cols[] = {
    {"member_id", 'i'},  {"badge", 't'}, {"newsletter_id", 'i'}, {"earned_at", 'i'},
    {"awarded_by", 'n'}, {"note", 't'},  {"revoked_by", 'n'},    {NULL, 0}};

/* In dependency order: a row only refers to rows of tables before it. Images come separately
 * (their bytes live in files). */
static const struct table tables[] = {
    {"members",
     "SELECT id, handle, display_name, headline, bio, email, password_hash, role, disabled, "
     "created_at, updated_at, language, notify_mail, notify_digest_due, notify_mailed_id, "
     "time_zone FROM member ORDER BY id",
     "INSERT INTO member (id, handle, handle_key, display_name, headline, bio, email, email_key, "
     "password_hash, role, disabled, created_at, updated_at, language, notify_mail, "
     "notify_digest_due, notify_mailed_id, time_zone) VALUES (?1, ?2, lower(?2), ?3, ?4, ?5, ?6, "
     "lower(?6), ?7, ?8, ?9, ?10, ?11, ?12, coalesce(?13, 'weekly'), CASE WHEN ?13 IS NULL THEN 0 "
     "ELSE ?14 END, coalesce(?15, 0), coalesce(?16, ''))",
     member_cols},
    {"settings", "SELECT key, value FROM setting ORDER BY key",
     "INSERT INTO setting (key, value) VALUES (?1, ?2)", setting_cols},
    {"newsletters",
     "SELECT id, slug, title, description, owner_id, created_at, updated_at FROM newsletter "
     "ORDER BY id",
     "INSERT INTO newsletter (id, slug, title, description, owner_id, created_at, updated_at) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
     newsletter_cols},
    {"coauthors",
     "SELECT newsletter_id, member_id FROM newsletter_author ORDER BY newsletter_id, member_id",
     "INSERT INTO newsletter_author (newsletter_id, member_id) VALUES (?1, ?2)", coauthor_cols},
    /* uploaded avatars (migration 017), after the images they name (docs/images.md) */
    {"member_avatars",
     "SELECT id, avatar_image_id FROM member WHERE avatar_image_id IS NOT NULL ORDER BY id",
     "UPDATE member SET avatar_image_id = ?2 WHERE id = ?1", member_avatar_cols},
    {"seasons",
     "SELECT id, newsletter_id, number, title, description, cadence, cadence_n, status, "
     "returns_at, created_at, updated_at FROM season ORDER BY id",
     "INSERT INTO season (id, newsletter_id, number, title, description, cadence, cadence_n, "
     "status, returns_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
     "?10, ?11)",
     season_cols},
    {"episodes",
     "SELECT id, newsletter_id, season_id, number, author_id, slug, title, subtitle, body, "
     "cover_image_id, cover_alt, cover_credit, status, publish_at, ai_disclosure, teaser, "
     "created_at, updated_at, language FROM episode ORDER BY id",
     "INSERT INTO episode (id, newsletter_id, season_id, number, author_id, slug, title, "
     "subtitle, body, cover_image_id, cover_alt, cover_credit, status, publish_at, "
     "ai_disclosure, teaser, created_at, updated_at, language, body_html, body_text) VALUES (?1, "
     "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, '', '')",
     episode_cols},
    /* before the comments: answers refer to their prompt (answer_count is rebuilt) */
    {"prompts",
     "SELECT id, episode_id, position, question, closed_at, created_at, updated_at FROM prompt "
     "ORDER BY id",
     "INSERT INTO prompt (id, episode_id, position, question, closed_at, created_at, updated_at) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
     prompt_cols},
    /* build-ons before the comments on them; a parent's id is below its children's */
    {"buildons",
     "SELECT id, episode_id, parent_id, author_id, title, body, quote_exact, quote_prefix, "
     "quote_suffix, quote_start, state, moderated_by, featured_at, featured_by, created_at, "
     "updated_at, edited_at, language FROM buildon ORDER BY id",
     "INSERT INTO buildon (id, episode_id, parent_id, author_id, title, body, quote_exact, "
     "quote_prefix, quote_suffix, quote_start, state, moderated_by, featured_at, featured_by, "
     "created_at, updated_at, edited_at, language, body_html) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
     "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, '')",
     buildon_cols},
    {"comments",
     "SELECT id, episode_id, parent_id, root_id, depth, author_id, body, quote_exact, "
     "quote_prefix, quote_suffix, quote_start, state, moderated_by, created_at, updated_at, "
     "edited_at, language, prompt_id, buildon_id FROM comment ORDER BY id",
     "INSERT INTO comment (id, episode_id, parent_id, root_id, depth, author_id, body, "
     "quote_exact, quote_prefix, quote_suffix, quote_start, state, moderated_by, created_at, "
     "updated_at, edited_at, language, prompt_id, buildon_id, body_html) VALUES (?1, ?2, ?3, "
     "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, '')",
     comment_cols},
    {"reactions",
     "SELECT target, target_id, kind, member_id, created_at FROM reaction ORDER BY target, "
     "target_id, kind, member_id",
     "INSERT INTO reaction (target, target_id, kind, member_id, created_at) VALUES (?1, ?2, ?3, "
     "?4, ?5)",
     reaction_cols},
    {"reports",
     "SELECT id, target, target_id, author_id, newsletter_id, item_gone, reporter_id, reason, "
     "note, created_at, resolved_at, resolved_by, outcome FROM report ORDER BY id",
     "INSERT INTO report (id, target, target_id, author_id, newsletter_id, item_gone, "
     "reporter_id, reason, note, created_at, resolved_at, resolved_by, outcome) VALUES (?1, ?2, "
     "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
     report_cols},
    {"notifications",
     "SELECT id, member_id, kind, actor_id, episode_id, comment_id, count, created_at, read_at, "
     "target, target_id FROM notification ORDER BY id",
     "INSERT INTO notification (id, member_id, kind, actor_id, episode_id, comment_id, count, "
     "created_at, read_at, target, target_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
     "?11)",
     notification_cols},
    {"follows",
     "SELECT member_id, newsletter_id, created_at FROM follow ORDER BY member_id, newsletter_id",
     "INSERT INTO follow (member_id, newsletter_id, created_at) VALUES (?1, ?2, ?3)", follow_cols},
    {"notification_mutes",
     "SELECT member_id, kind, created_at FROM notification_mute ORDER BY member_id, kind",
     "INSERT INTO notification_mute (member_id, kind, created_at) VALUES (?1, ?2, ?3)",
     mute_cols},
    {"mail_subscriptions",
     "SELECT id, newsletter_id, member_id, email, email_key, language, state, created_at, "
     "confirmed_at, unsubscribed_at FROM mail_subscription ORDER BY id",
     "INSERT INTO mail_subscription (id, newsletter_id, member_id, email, email_key, language, "
     "state, created_at, confirmed_at, unsubscribed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
     "?9, ?10)",
     subscription_cols},
    {"episode_mailings",
     "SELECT episode_id, cursor, queued, skipped, started_at, finished_at FROM episode_mailing "
     "ORDER BY episode_id",
     "INSERT INTO episode_mailing (episode_id, cursor, queued, skipped, started_at, finished_at) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
     mailing_cols},
    {"asks",
     "SELECT id, newsletter_id, author_id, title, body, status, status_note, episode_id, "
     "decided_by, decided_at, state, moderated_by, created_at, updated_at, language FROM ask "
     "ORDER BY id",
     "INSERT INTO ask (id, newsletter_id, author_id, title, body, status, status_note, "
     "episode_id, decided_by, decided_at, state, moderated_by, created_at, updated_at, language) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
     ask_cols},
    {"ask_votes", "SELECT ask_id, member_id, created_at FROM ask_vote ORDER BY ask_id, member_id",
     "INSERT INTO ask_vote (ask_id, member_id, created_at) VALUES (?1, ?2, ?3)", ask_vote_cols},
    {"terms",
     "SELECT id, newsletter_id, term, slug, definition, origin_url, proposer_id, status, "
     "status_note, decided_by, decided_at, state, moderated_by, created_at, updated_at, language "
     "FROM term ORDER BY id",
     /* term_key holds the term until term_rebuild_derived folds it */
     "INSERT INTO term (id, newsletter_id, term, slug, definition, origin_url, proposer_id, "
     "status, status_note, decided_by, decided_at, state, moderated_by, created_at, updated_at, "
     "language, term_key, definition_html) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
     "?12, ?13, ?14, ?15, ?16, ?3, '')",
     term_cols},
    /* the episodes' tried_* counts are rebuilt */
    {"tried",
     "SELECT id, episode_id, member_id, note, outcome, outcome_note, state, moderated_by, "
     "created_at, updated_at, outcome_at FROM tried ORDER BY id",
     "INSERT INTO tried (id, episode_id, member_id, note, outcome, outcome_note, state, "
     "moderated_by, created_at, updated_at, outcome_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
     "?9, ?10, ?11)",
     tried_cols},
    /* spaces (model/space.c): HTML, counts and space_member are rebuilt by space_rebuild */
    {"spaces",
     "SELECT id, slug, title, description, newsletter_id, who_posts, created_by, created_at, "
     "updated_at FROM space ORDER BY id",
     "INSERT INTO space (id, slug, title, description, newsletter_id, who_posts, created_by, "
     "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
     space_cols},
    {"space_threads",
     "SELECT id, space_id, author_id, title, state, moderated_by, created_at, updated_at, "
     "language FROM space_thread ORDER BY id",
     "INSERT INTO space_thread (id, space_id, author_id, title, state, moderated_by, created_at, "
     "updated_at, language, last_post_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?7)",
     space_thread_cols},
    {"space_posts",
     "SELECT id, thread_id, space_id, parent_id, author_id, body, state, moderated_by, "
     "created_at, updated_at, edited_at, language FROM space_post ORDER BY id",
     "INSERT INTO space_post (id, thread_id, space_id, parent_id, author_id, body, state, "
     "moderated_by, created_at, updated_at, edited_at, language, body_html) VALUES (?1, ?2, ?3, "
     "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, '')",
     space_post_cols},
    {"badges",
     "SELECT member_id, badge, newsletter_id, earned_at, awarded_by, note, revoked_by FROM badge "
     "ORDER BY member_id, badge, newsletter_id",
     "INSERT INTO badge (member_id, badge, newsletter_id, earned_at, awarded_by, note, "
     "revoked_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
     badge_cols},
};

/* ------------------------------------------------- the insights, verbatim */

/* The event log and the insights' rollups (migration 008) go out and come back exactly as they
 * are: the rollups are not derived again on import (event_apply is never called), so every
 * metric reads the same numbers after a move. insight_salt and insight_visit are left out: they
 * are the current day's bookkeeping (a salt that must not outlive its day, who was counted
 * today), and a move starting the day afresh loses nothing a metric reads.
 *
 * Every column is an integer, and these tables grow with the site (millions of events), so they
 * are written as a list of column names and one short array per row ("rows": [[...], ...]),
 * streamed by key order without building a JSON tree (export_insights), a tenth of the size of
 * objects per row. */
static const struct column event_log_cols[] = {
    {"id", 'i'},        {"at", 'i'},      {"kind", 'i'},  {"newsletter_id", 'i'},
    {"episode_id", 'i'}, {"member_id", 'n'}, {"guest", 'n'}, {"other_id", 'n'},
    {"item_id", 'i'},   {NULL, 0}};
static const struct column insight_day_cols[] = {
    {"newsletter_id", 'i'}, {"episode_id", 'i'},     {"day", 'i'},         {"views", 'i'},
    {"member_views", 'i'},  {"visitors", 'i'},       {"guest_readers", 'i'}, {"completions", 'i'},
    {"reactions", 'i'},     {"comments", 'i'},       {"replies", 'i'},     {"member_replies", 'i'},
    {"author_replies", 'i'}, {"quotes", 'i'},        {"answers", 'i'},     {"buildons", 'i'},
    {"tried", 'i'},         {"asks", 'i'},           {"votes", 'i'},       {"space_posts", 'i'},
    {"follows", 'i'},       {NULL, 0}};
static const struct column insight_member_week_cols[] = {
    {"newsletter_id", 'i'}, {"week", 'i'}, {"member_id", 'i'}, {"did", 'i'}, {"rung", 'i'},
    {NULL, 0}};
static const struct column insight_week_cols[] = {
    {"newsletter_id", 'i'}, {"week", 'i'},       {"active", 'i'},    {"returned", 'i'},
    {"rung1", 'i'},         {"rung2", 'i'},      {"rung3", 'i'},     {"rung4", 'i'},
    {"new_members", 'i'},   {"new_pairs", 'i'},  {"new_connected", 'i'}, {NULL, 0}};
static const struct column insight_member_cols[] = {
    {"newsletter_id", 'i'}, {"member_id", 'i'}, {"first_week", 'i'},     {"last_week", 'i'},
    {"weeks", 'i'},         {"rung", 'i'},      {"connected_week", 'n'}, {NULL, 0}};
static const struct column insight_reader_cols[] = {
    {"episode_id", 'i'}, {"member_id", 'i'}, {"newsletter_id", 'i'}, {"season_id", 'i'},
    {"first_at", 'i'},   {"did", 'i'},       {NULL, 0}};
static const struct column insight_season_member_cols[] = {
    {"season_id", 'i'}, {"member_id", 'i'}, {NULL, 0}};
static const struct column insight_pair_cols[] = {
    {"newsletter_id", 'i'}, {"a", 'i'},            {"b", 'i'}, {"first_at", 'i'},
    {"last_at", 'i'},       {"interactions", 'i'}, {NULL, 0}};

/* By primary key: each ORDER BY walks the table's own key (rowid or primary key index). */
static const struct table insight_tables[] = {
    {"event",
     "SELECT id, at, kind, newsletter_id, episode_id, member_id, guest, other_id, item_id FROM "
     "event ORDER BY id",
     "INSERT INTO event (id, at, kind, newsletter_id, episode_id, member_id, guest, other_id, "
     "item_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
     event_log_cols},
    {"insight_day",
     "SELECT newsletter_id, episode_id, day, views, member_views, visitors, guest_readers, "
     "completions, reactions, comments, replies, member_replies, author_replies, quotes, answers, "
     "buildons, tried, asks, votes, space_posts, follows FROM insight_day ORDER BY newsletter_id, "
     "episode_id, day",
     "INSERT INTO insight_day (newsletter_id, episode_id, day, views, member_views, visitors, "
     "guest_readers, completions, reactions, comments, replies, member_replies, author_replies, "
     "quotes, answers, buildons, tried, asks, votes, space_posts, follows) VALUES (?1, ?2, ?3, "
     "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
     insight_day_cols},
    {"insight_member_week",
     "SELECT newsletter_id, week, member_id, did, rung FROM insight_member_week ORDER BY "
     "newsletter_id, week, member_id",
     "INSERT INTO insight_member_week (newsletter_id, week, member_id, did, rung) VALUES (?1, "
     "?2, ?3, ?4, ?5)",
     insight_member_week_cols},
    {"insight_week",
     "SELECT newsletter_id, week, active, returned, rung1, rung2, rung3, rung4, new_members, "
     "new_pairs, new_connected FROM insight_week ORDER BY newsletter_id, week",
     "INSERT INTO insight_week (newsletter_id, week, active, returned, rung1, rung2, rung3, "
     "rung4, new_members, new_pairs, new_connected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
     "?10, ?11)",
     insight_week_cols},
    {"insight_member",
     "SELECT newsletter_id, member_id, first_week, last_week, weeks, rung, connected_week FROM "
     "insight_member ORDER BY newsletter_id, member_id",
     "INSERT INTO insight_member (newsletter_id, member_id, first_week, last_week, weeks, rung, "
     "connected_week) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
     insight_member_cols},
    {"insight_reader",
     "SELECT episode_id, member_id, newsletter_id, season_id, first_at, did FROM insight_reader "
     "ORDER BY episode_id, member_id",
     "INSERT INTO insight_reader (episode_id, member_id, newsletter_id, season_id, first_at, did) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
     insight_reader_cols},
    {"insight_pair",
     "SELECT newsletter_id, a, b, first_at, last_at, interactions FROM insight_pair ORDER BY "
     "newsletter_id, a, b",
     "INSERT INTO insight_pair (newsletter_id, a, b, first_at, last_at, interactions) VALUES "
     "(?1, ?2, ?3, ?4, ?5, ?6)",
     insight_pair_cols},
    {"insight_season_member",
     "SELECT season_id, member_id FROM insight_season_member ORDER BY season_id, member_id",
     "INSERT INTO insight_season_member (season_id, member_id) VALUES (?1, ?2)",
     insight_season_member_cols},
};

/* Appends one insights table to out, as
 *   "name": {"columns": [...], "rows": [[...], ...]}
 * at the export's indentation. Returns 0 or -1. */
static int export_insight_table(struct db *db, const struct table *t, struct buf *out)
{
        buf_printf(out, "  \"%s\": {\n   \"columns\": [", t->name);
        for (int c = 0; t->cols[c].name; c++)
                buf_printf(out, "%s\"%s\"", c ? ", " : "", t->cols[c].name);
        buf_puts(out, "],\n   \"rows\": [");
        struct db_stmt *s = db_prepare(db, t->select);
        if (!s)
                return -1;
        int rc;
        bool first = true;
        while ((rc = db_step(s)) == DB_ROW) {
                buf_puts(out, first ? "\n    [" : ",\n    [");
                first = false;
                for (int c = 0; t->cols[c].name; c++) {
                        if (c)
                                buf_puts(out, ", ");
                        if (t->cols[c].type == 'n' && db_col_is_null(s, c))
                                buf_puts(out, "null");
                        else
                                buf_printf(out, "%lld", (long long)db_col_int(s, c));
                }
                buf_putc(out, ']');
        }
        db_finish(s);
        buf_puts(out, first ? "]\n  }" : "\n   ]\n  }");
        return rc == DB_DONE ? 0 : -1;
}

/* Appends the "insights" member (the last of the export's object, before its closing brace). */
static int export_insights(struct db *db, struct buf *out)
{
        buf_puts(out, " \"insights\": {\n");
        for (size_t i = 0; i < sizeof(insight_tables) / sizeof(insight_tables[0]); i++) {
                if (i)
                        buf_puts(out, ",\n");
                if (export_insight_table(db, &insight_tables[i], out) != 0)
                        return -1;
        }
        buf_puts(out, "\n }\n}\n");
        return 0;
}

static int say(char *error, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int say(char *error, size_t size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(error, size, fmt, ap);
        va_end(ap);
        return -1;
}

static json_t *export_rows(struct db *db, const struct table *t)
{
        struct db_stmt *s = db_prepare(db, t->select);
        if (!s)
                return NULL;
        json_t *rows = json_array();
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                json_t *row = json_object();
                for (int c = 0; t->cols[c].name; c++) {
                        json_t *v;
                        if ((t->cols[c].type == 'n' || t->cols[c].type == 's') &&
                            db_col_is_null(s, c))
                                v = json_null();
                        else if (t->cols[c].type == 't' || t->cols[c].type == 's')
                                v = json_string(db_col_text(s, c));
                        else if (t->cols[c].type == 'n' && db_col_is_null(s, c))
                                v = json_null();
                        else
                                v = json_integer(db_col_int(s, c));
                        json_object_set_new(row, t->cols[c].name, v);
                }
                json_array_append_new(rows, row);
        }
        db_finish(s);
        if (rc != DB_DONE) {
                json_decref(rows);
                return NULL;
        }
        return rows;
}

static json_t *export_images(struct db *db, const char *data_dir, char *error, size_t size)
{
        struct db_stmt *s = db_prepare(db, "SELECT id, sha256, mime, uploader_id, created_at FROM "
                                           "image ORDER BY id");
        if (!s)
                return NULL;
        json_t *rows = json_array();
        int rc;
        struct buf bytes = BUF_INIT;
        while ((rc = db_step(s)) == DB_ROW) {
                const char *sha = db_col_text(s, 1), *mime = db_col_text(s, 2);
                /* on PostgreSQL from the database, so any node exports the whole site */
                int got = media_load(db, data_dir, sha, mime, &bytes);
                if (got != MEDIA_OK) {
                        say(error, size, "image %s.%s %s", sha,
                            image_mime_ext(mime) ? image_mime_ext(mime) : mime,
                            got == MEDIA_NOT_FOUND ? "is missing (neither in the database nor in "
                                                     "the data folder's media/)"
                            : got == MEDIA_CORRUPT ? "is damaged: its bytes do not match its "
                                                     "SHA-256"
                                                   : "could not be read");
                        rc = DB_ERROR;
                        break;
                }
                size_t b64len =
                    sodium_base64_ENCODED_LEN(bytes.len, sodium_base64_VARIANT_ORIGINAL);
                char *b64 = malloc(b64len);
                sodium_bin2base64(b64, b64len,
                                  (const unsigned char *)(bytes.data ? bytes.data : ""), bytes.len,
                                  sodium_base64_VARIANT_ORIGINAL);
                json_t *row = json_object();
                json_object_set_new(row, "id", json_integer(db_col_int(s, 0)));
                json_object_set_new(row, "sha256", json_string(sha));
                json_object_set_new(row, "uploader_id",
                                    db_col_is_null(s, 3) ? json_null()
                                                         : json_integer(db_col_int(s, 3)));
                json_object_set_new(row, "created_at", json_integer(db_col_int(s, 4)));
                json_object_set_new(row, "data", json_string(b64));
                free(b64);
                json_array_append_new(rows, row);
        }
        buf_free(&bytes);
        db_finish(s);
        if (rc != DB_DONE) {
                json_decref(rows);
                return NULL;
        }
        return rows;
}

int export_json(struct db *db, const char *data_dir, struct buf *out, char *error, size_t size)
{
        *error = '\0';
        json_t *root = json_object();
        json_object_set_new(root, "kindred_export", json_integer(EXPORT_FORMAT));
        json_object_set_new(root, "schema", json_integer(db_schema_version(db)));
        int rc = 0;
        /* One read transaction, so the export is a consistent snapshot. */
        if (db_begin(db) != DB_OK) {
                json_decref(root);
                return say(error, size, "the database is busy");
        }
        for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]) && rc == 0; i++) {
                json_t *rows = export_rows(db, &tables[i]);
                if (!rows) {
                        rc = say(error, size, "cannot read %s", tables[i].name);
                        break;
                }
                json_object_set_new(root, tables[i].name, rows);
                if (strcmp(tables[i].name, "coauthors") == 0) {
                        /* images before the seasons and episodes that use them */
                        json_t *images = export_images(db, data_dir, error, size);
                        if (!images)
                                rc = *error ? -1 : say(error, size, "cannot read images");
                        else
                                json_object_set_new(root, "images", images);
                }
        }
        if (rc == 0) {
                char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
                size_t len = text ? strlen(text) : 0;
                /* the tree's closing brace makes way for the insights, streamed after it */
                if (!text || len < 2 || text[len - 1] != '}' || text[len - 2] != '\n') {
                        rc = say(error, size, "out of memory writing JSON");
                } else {
                        buf_append(out, text, len - 2);
                        buf_puts(out, ",\n");
                        if (export_insights(db, out) != 0)
                                rc = say(error, size, "cannot read the insights");
                }
                free(text);
        }
        db_rollback(db);
        json_decref(root);
        return rc;
}

/* ------------------------------------------------------------------ import */

static int fail(struct import_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(struct import_report *r, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->error, sizeof(r->error), fmt, ap);
        va_end(ap);
        return -1;
}

/* Reports exported before they reached every kind of item (migration 007) name a comment_id:
 * they become reports of target "comment", with the comment's author and newsletter and
 * whether it was deleted, read from the comments imported before them. Rows already in the
 * new shape pass unchanged. */
static int upgrade_comment_report(struct db *db, json_t *row)
{
        json_t *comment = json_object_get(row, "comment_id");
        if (json_object_get(row, "target") || !json_is_integer(comment))
                return 0;
        struct db_stmt *s = db_prepare(db, "SELECT c.author_id, e.newsletter_id, c.state = "
                                           "'deleted' FROM comment c JOIN episode e ON e.id = "
                                           "c.episode_id WHERE c.id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, json_integer_value(comment));
        int rc = db_step(s);
        if (rc == DB_ROW) {
                json_object_set_new(row, "target", json_string("comment"));
                json_object_set(row, "target_id", comment);
                json_object_set_new(row, "author_id", json_integer(db_col_int(s, 0)));
                json_object_set_new(row, "newsletter_id", json_integer(db_col_int(s, 1)));
                json_object_set_new(row, "item_gone", json_integer(db_col_int(s, 2)));
        }
        db_finish(s);
        return rc == DB_ROW ? 0 : -1; /* a report of a comment that is not there is refused */
}

/* The tables an export made before mail existed does not have: absent, they import as empty
 * (any other missing table refuses the import). */
static bool added_with_mail(const char *name)
{
        return strcmp(name, "mail_subscriptions") == 0 || strcmp(name, "episode_mailings") == 0 ||
               strcmp(name, "notification_mutes") == 0; /* and before notification kinds */
}

static int import_rows(struct db *db, const struct table *t, json_t *rows, struct import_report *r)
{
        if (!json_is_array(rows))
                return fail(r, "\"%s\" must be a list", t->name);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
                if (!json_is_object(row))
                        return fail(r, "%s[%zu] must be an object", t->name, i);
                if (strcmp(t->name, "reports") == 0 && upgrade_comment_report(db, row) != 0)
                        return fail(r, "%s[%zu] names a comment that is not there", t->name, i);
                struct db_stmt *s = db_prepare(db, t->insert);
                if (!s)
                        return fail(r, "cannot write %s", t->name);
                for (int c = 0; t->cols[c].name; c++) {
                        json_t *v = json_object_get(row, t->cols[c].name);
                        char type = t->cols[c].type;
                        bool text = type == 't' || type == 's';
                        if (text && json_is_string(v)) {
                                db_bind_textn(s, c + 1, json_string_value(v),
                                              json_string_length(v));
                        } else if (!text && json_is_integer(v)) {
                                db_bind_int(s, c + 1, json_integer_value(v));
                        } else if ((type == 'n' || type == 's') && json_is_null(v)) {
                                db_bind_null(s, c + 1);
                        } else if ((type == 's' || type == 'n') && !v) {
                                db_bind_null(s, c + 1);
                        } else {
                                db_finish(s);
                                return fail(r, "%s[%zu].%s is missing or of the wrong type",
                                            t->name, i, t->cols[c].name);
                        }
                }
                int rc = db_step(s);
                db_finish(s);
                if (rc != DB_DONE)
                        return fail(r, "%s[%zu] was refused by the database (%s)", t->name, i,
                                    rc == DB_CONSTRAINT ? "a duplicate or a broken reference"
                                                        : db_errmsg(db));
        }
        return 0;
}

/* Puts one insights table back as it was exported (export_insight_table): columns by name, so
 * a nullable column an older export lacks is NULL; a column this version does not know is
 * refused (it would be lost). Returns 0 or -1 (r says why). */
static int import_insight_table(struct db *db, const struct table *t, json_t *obj,
                                struct import_report *r)
{
        json_t *names = json_object_get(obj, "columns"), *rows = json_object_get(obj, "rows");
        if (!json_is_object(obj) || !json_is_array(names) || !json_is_array(rows))
                return fail(r, "insights.%s must have \"columns\" and \"rows\" lists", t->name);
        enum { MAX_COLS = 32 };
        int at[MAX_COLS]; /* where each of our columns is in a row, or -1 */
        int ncols = 0;
        for (; t->cols[ncols].name; ncols++) {
                assert(ncols < MAX_COLS);
                at[ncols] = -1;
        }
        size_t width = json_array_size(names);
        for (size_t k = 0; k < width; k++) {
                const char *name = json_string_value(json_array_get(names, k));
                int c = 0;
                while (name && t->cols[c].name && strcmp(t->cols[c].name, name) != 0)
                        c++;
                if (!name || !t->cols[c].name)
                        return fail(r, "insights.%s has a column this version does not know (%s)",
                                    t->name, name ? name : "not a name");
                at[c] = (int)k;
        }
        for (int c = 0; c < ncols; c++)
                if (at[c] < 0 && t->cols[c].type != 'n')
                        return fail(r, "insights.%s lacks the column %s", t->name,
                                    t->cols[c].name);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
                if (!json_is_array(row) || json_array_size(row) != width)
                        return fail(r, "insights.%s row %zu must be a list of %zu values", t->name,
                                    i, width);
                struct db_stmt *s = db_prepare(db, t->insert);
                if (!s)
                        return fail(r, "cannot write %s", t->name);
                for (int c = 0; c < ncols; c++) {
                        json_t *v = at[c] < 0 ? NULL : json_array_get(row, (size_t)at[c]);
                        if (json_is_integer(v)) {
                                db_bind_int(s, c + 1, json_integer_value(v));
                        } else if (t->cols[c].type == 'n' && (!v || json_is_null(v))) {
                                db_bind_null(s, c + 1);
                        } else {
                                db_finish(s);
                                return fail(r, "insights.%s row %zu: %s must be a whole number",
                                            t->name, i, t->cols[c].name);
                        }
                }
                int rc = db_step(s);
                db_finish(s);
                if (rc != DB_DONE)
                        return fail(r, "insights.%s row %zu was refused by the database (%s)",
                                    t->name, i,
                                    rc == DB_CONSTRAINT ? "a duplicate or a broken rule"
                                                        : db_errmsg(db));
        }
        return 0;
}

/* The "insights" member: absent in exports made before the insights existed (the site then
 * starts with none); each table that is absent is empty. */
static int import_insights(struct db *db, json_t *insights, struct import_report *r)
{
        if (!insights)
                return 0;
        if (!json_is_object(insights))
                return fail(r, "\"insights\" must be an object");
        for (size_t i = 0; i < sizeof(insight_tables) / sizeof(insight_tables[0]); i++) {
                json_t *obj = json_object_get(insights, insight_tables[i].name);
                if (obj && import_insight_table(db, &insight_tables[i], obj, r) != 0)
                        return -1;
        }
        return 0;
}

/* The insights as text, without a JSON tree: a site's event log runs to millions of rows, and
 * jansson's tree of them would take about ten times the file. import_json uses this reader when
 * the export ends with the "insights" member as export_insights writes it (any spacing; names
 * without escapes; "columns" before "rows"), after checking the whole part once without writing
 * (scan_insights with db NULL); anything else goes through the JSON tree (import_insights), which
 * reads any valid JSON and says what is wrong. */
struct scan {
        const char *p, *end;
};

static void scan_space(struct scan *s)
{
        while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\t' || *s->p == '\r'))
                s->p++;
}

static bool scan_char(struct scan *s, char c)
{
        scan_space(s);
        if (s->p < s->end && *s->p == c) {
                s->p++;
                return true;
        }
        return false;
}

/* A string with no escapes and no control characters: the names here. */
static bool scan_name(struct scan *s, const char **name, size_t *len)
{
        if (!scan_char(s, '"'))
                return false;
        const char *start = s->p;
        while (s->p < s->end && *s->p != '"') {
                if (*s->p == '\\' || (unsigned char)*s->p < 0x20)
                        return false;
                s->p++;
        }
        if (s->p >= s->end)
                return false;
        *name = start;
        *len = (size_t)(s->p - start);
        s->p++;
        return true;
}

static bool scan_is(struct scan *s, const char *want)
{
        const char *name;
        size_t len;
        return scan_name(s, &name, &len) && len == strlen(want) && memcmp(name, want, len) == 0 &&
               scan_char(s, ':');
}

/* A whole number that fits in 64 bits, or null (*is_null). */
static bool scan_value(struct scan *s, int64_t *v, bool *is_null)
{
        scan_space(s);
        *is_null = false;
        if (s->end - s->p >= 4 && memcmp(s->p, "null", 4) == 0) {
                s->p += 4;
                *is_null = true;
                return true;
        }
        bool minus = s->p < s->end && *s->p == '-';
        if (minus)
                s->p++;
        const char *digits = s->p;
        uint64_t n = 0;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
                if (n > (UINT64_MAX - 9) / 10)
                        return false;
                n = n * 10 + (uint64_t)(*s->p - '0');
                s->p++;
        }
        size_t count = (size_t)(s->p - digits);
        if (count == 0 || (count > 1 && *digits == '0') || n > (uint64_t)INT64_MAX + minus)
                return false;
        if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
                return false; /* not a whole number: the tree reader says so */
        *v = minus ? (int64_t)(0 - n) : (int64_t)n;
        return true;
}

/* One table's "columns" and "rows"; with db, each row is written. Returns 0, -1 when the text
 * is not in the expected shape, or -2 after fail() (the database refused a row). */
static int scan_insight_table(struct scan *s, const struct table *t, struct db *db,
                              struct import_report *r)
{
        enum { MAX_COLS = 32 };
        int at[MAX_COLS], of[MAX_COLS]; /* our column at each position; its place in a row */
        int ncols = 0;
        for (; t->cols[ncols].name; ncols++) {
                assert(ncols < MAX_COLS);
                of[ncols] = -1;
        }
        if (!scan_char(s, '{') || !scan_is(s, "columns") || !scan_char(s, '['))
                return -1;
        int width = 0;
        if (!scan_char(s, ']')) {
                do {
                        const char *name;
                        size_t len;
                        if (width == MAX_COLS || !scan_name(s, &name, &len))
                                return -1;
                        int c = 0;
                        while (t->cols[c].name &&
                               (strlen(t->cols[c].name) != len ||
                                memcmp(t->cols[c].name, name, len) != 0))
                                c++;
                        if (!t->cols[c].name || of[c] >= 0)
                                return -1; /* unknown or repeated: the tree reader says which */
                        of[c] = width;
                        at[width++] = c;
                } while (scan_char(s, ','));
                if (!scan_char(s, ']'))
                        return -1;
        }
        for (int c = 0; c < ncols; c++)
                if (of[c] < 0 && t->cols[c].type != 'n')
                        return -1;
        if (!scan_char(s, ',') || !scan_is(s, "rows") || !scan_char(s, '['))
                return -1;
        if (scan_char(s, ']'))
                return scan_char(s, '}') ? 0 : -1;
        size_t i = 0;
        do {
                if (!scan_char(s, '['))
                        return -1;
                int64_t v[MAX_COLS];
                bool null[MAX_COLS];
                for (int k = 0; k < width; k++) {
                        if ((k && !scan_char(s, ',')) || !scan_value(s, &v[k], &null[k]))
                                return -1;
                        if (null[k] && t->cols[at[k]].type != 'n')
                                return -1;
                }
                if (!scan_char(s, ']'))
                        return -1;
                if (db) {
                        struct db_stmt *st = db_prepare(db, t->insert);
                        if (!st)
                                return fail(r, "cannot write %s", t->name) - 1;
                        for (int c = 0; c < ncols; c++) {
                                if (of[c] < 0 || null[of[c]])
                                        db_bind_null(st, c + 1);
                                else
                                        db_bind_int(st, c + 1, v[of[c]]);
                        }
                        int rc = db_step(st);
                        db_finish(st);
                        if (rc != DB_DONE)
                                return fail(r,
                                            "insights.%s row %zu was refused by the database (%s)",
                                            t->name, i,
                                            rc == DB_CONSTRAINT ? "a duplicate or a broken rule"
                                                                : db_errmsg(db)) -
                                       1;
                }
                i++;
        } while (scan_char(s, ','));
        return scan_char(s, ']') && scan_char(s, '}') ? 0 : -1;
}

/* The "insights" object from its opening brace to the end of the document (the root's closing
 * brace, then nothing but space). Returns 0, -1 (not the expected shape) or -2 (fail() said why).
 * A table named twice or unknown is "not the expected shape". */
static int scan_insights(const char *text, const char *end, struct db *db,
                         struct import_report *r)
{
        struct scan s = {text, end};
        enum { N = sizeof(insight_tables) / sizeof(insight_tables[0]) };
        bool seen[N] = {false};
        if (!scan_char(&s, '{'))
                return -1;
        if (!scan_char(&s, '}')) {
                do {
                        const char *name;
                        size_t len;
                        if (!scan_name(&s, &name, &len) || !scan_char(&s, ':'))
                                return -1;
                        size_t k = 0;
                        while (k < N && (strlen(insight_tables[k].name) != len ||
                                         memcmp(insight_tables[k].name, name, len) != 0))
                                k++;
                        if (k == N || seen[k])
                                return -1;
                        seen[k] = true;
                        int rc = scan_insight_table(&s, &insight_tables[k], db, r);
                        if (rc != 0)
                                return rc;
                } while (scan_char(&s, ','));
                if (!scan_char(&s, '}'))
                        return -1;
        }
        if (!scan_char(&s, '}'))
                return -1;
        scan_space(&s);
        return s.p == s.end ? 0 : -1;
}

/* Where the "insights" object of an export begins, when it is the document's last member as the
 * export writes it: sets *cut to the comma before it, so text[0..cut) + "}" is the rest of the
 * document. NULL when it is not so placed. A newline cannot be inside a JSON string, so the
 * marker is never part of a value. */
static const char *find_insights(const char *text, size_t len, size_t *cut)
{
        static const char marker[] = ",\n \"insights\":";
        size_t m = sizeof(marker) - 1;
        for (size_t i = len >= m ? len - m + 1 : 0; i-- > 0;)
                if (text[i] == ',' && memcmp(text + i, marker, m) == 0) {
                        *cut = i;
                        return text + i + m;
                }
        return NULL;
}

static int import_images(struct db *db, const char *data_dir, json_t *rows, struct import_report *r)
{
        if (!json_is_array(rows))
                return fail(r, "\"images\" must be a list");
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
                json_t *id = json_object_get(row, "id"), *data = json_object_get(row, "data");
                json_t *sha = json_object_get(row, "sha256"),
                       *up = json_object_get(row, "uploader_id");
                json_t *created = json_object_get(row, "created_at");
                if (!json_is_integer(id) || !json_is_string(data) || !json_is_string(sha) ||
                    !json_is_integer(created) || !(json_is_null(up) || json_is_integer(up)))
                        return fail(r, "images[%zu] is missing a field", i);
                size_t cap = json_string_length(data) / 4 * 3 + 3;
                unsigned char *bytes = malloc(cap ? cap : 1);
                size_t len = 0;
                if (sodium_base642bin(bytes, cap, json_string_value(data), json_string_length(data),
                                      NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
                        free(bytes);
                        return fail(r, "images[%zu].data is not base64", i);
                }
                struct image_info info;
                char hex[65];
                int rc = image_save_file(data_dir, bytes, len, &info, hex);
                if (rc == IMAGE_IO_ERROR && db_kind(db) == DB_POSTGRESQL)
                        rc = IMAGE_OK; /* the database keeps it: this folder is only a cache */
                if (rc != IMAGE_OK) {
                        free(bytes);
                        return fail(r, "images[%zu]: %s", i, image_problem(rc));
                }
                if (strcmp(hex, json_string_value(sha)) != 0) {
                        free(bytes);
                        return fail(r, "images[%zu]: the data does not match its sha256", i);
                }
                struct db_stmt *s = db_prepare(
                    db, "INSERT INTO image (id, sha256, mime, width, height, bytes, uploader_id, "
                        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
                if (!s) {
                        free(bytes);
                        return fail(r, "cannot write images");
                }
                db_bind_int(s, 1, json_integer_value(id));
                db_bind_text(s, 2, hex);
                db_bind_text(s, 3, info.mime);
                db_bind_int(s, 4, info.width);
                db_bind_int(s, 5, info.height);
                db_bind_int(s, 6, (int64_t)len);
                if (json_is_integer(up))
                        db_bind_int(s, 7, json_integer_value(up));
                else
                        db_bind_null(s, 7);
                db_bind_int(s, 8, json_integer_value(created));
                rc = db_step(s);
                db_finish(s);
                /* on PostgreSQL the bytes go in beside the row, in the import's transaction */
                if (rc == DB_DONE &&
                    media_record_bytes(db, json_integer_value(id), bytes, len) != MEDIA_OK)
                        rc = DB_ERROR;
                free(bytes);
                if (rc != DB_DONE)
                        return fail(r, "images[%zu] was refused by the database", i);
                r->images++;
        }
        return 0;
}

/* Counts again what the export left out of prompts and "I tried this": each prompt's visible
 * answers, each episode's people who tried it and their outcomes. */
static int count_prompts_and_tried(struct db *db, struct import_report *r)
{
        static const char *const sql[] = {
            "UPDATE prompt SET answer_count = (SELECT count(*) FROM comment c WHERE c.prompt_id = "
            "prompt.id AND c.parent_id IS NULL AND c.state = 'visible')",
            "UPDATE episode SET tried_count = (SELECT count(*) FROM tried t WHERE t.episode_id = "
            "episode.id), tried_worked = (SELECT count(*) FROM tried t WHERE t.episode_id = "
            "episode.id AND t.outcome = 'worked'), tried_mixed = (SELECT count(*) FROM tried t "
            "WHERE t.episode_id = episode.id AND t.outcome = 'mixed'), tried_failed = (SELECT "
            "count(*) FROM tried t WHERE t.episode_id = episode.id AND t.outcome = 'failed')",
        };
        for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
                struct db_stmt *s = db_prepare(db, sql[i]);
                if (!s || db_step(s) != DB_DONE) {
                        db_finish(s);
                        return fail(r, "cannot count prompts and tries");
                }
                db_finish(s);
        }
        return 0;
}

/* Renders the Markdown descriptions and episode bodies the export left out. */
static int render_derived(struct db *db, struct import_report *r)
{
        static const char *const selects[] = {"SELECT id, description FROM newsletter",
                                              "SELECT id, description FROM season"};
        static const char *const updates[] = {
            "UPDATE newsletter SET description_html = ?2 WHERE id = ?1",
            "UPDATE season SET description_html = ?2 WHERE id = ?1"};
        for (int k = 0; k < 2; k++) {
                struct db_stmt *s = db_prepare(db, selects[k]);
                if (!s)
                        return fail(r, "cannot read descriptions");
                while (db_step(s) == DB_ROW) {
                        const char *md = db_col_text(s, 1);
                        struct mdr_result out;
                        mdr_render(md, strlen(md), MDR_ARTICLE, &out);
                        struct db_stmt *u = db_prepare(db, updates[k]);
                        int rc = DB_ERROR;
                        if (u) {
                                db_bind_int(u, 1, db_col_int(s, 0));
                                db_bind_textn(u, 2, out.html.data ? out.html.data : "",
                                              out.html.len);
                                rc = db_step(u);
                                db_finish(u);
                        }
                        mdr_result_free(&out);
                        if (rc != DB_DONE) {
                                db_finish(s);
                                return fail(r, "cannot store a rendered description");
                        }
                }
                db_finish(s);
        }
        struct db_stmt *s = db_prepare(db, "SELECT id, body FROM comment WHERE state <> 'deleted'");
        if (!s)
                return fail(r, "cannot read comments");
        while (db_step(s) == DB_ROW) {
                const char *md = db_col_text(s, 1);
                struct mdr_result out;
                mdr_render(md, strlen(md), MDR_MEMBER, &out);
                struct db_stmt *u =
                    db_prepare(db, "UPDATE comment SET body_html = ?2 WHERE id = ?1");
                int rc = DB_ERROR;
                if (u) {
                        db_bind_int(u, 1, db_col_int(s, 0));
                        db_bind_textn(u, 2, out.html.data ? out.html.data : "", out.html.len);
                        rc = db_step(u);
                        db_finish(u);
                }
                mdr_result_free(&out);
                if (rc != DB_DONE) {
                        db_finish(s);
                        return fail(r, "cannot store a rendered comment");
                }
        }
        db_finish(s);
        s = db_prepare(db, "UPDATE episode SET comment_count = (SELECT count(*) FROM comment c "
                           "WHERE c.episode_id = episode.id AND c.buildon_id IS NULL AND c.state = "
                           "'visible')");
        if (!s || db_step(s) != DB_DONE) {
                db_finish(s);
                return fail(r, "cannot count comments");
        }
        db_finish(s);
        if (ask_rebuild_derived(db) != PUB_OK) /* asks' HTML, votes and open counts */
                return fail(r, "cannot rebuild the asks");
        if (buildon_refresh_all(db) != PUB_OK)
                return fail(r, "cannot render build-ons");
        s = db_prepare(db, "SELECT id FROM episode ORDER BY id");
        if (!s)
                return fail(r, "cannot read episodes");
        struct buf ids = BUF_INIT;
        while (db_step(s) == DB_ROW) {
                int64_t id = db_col_int(s, 0);
                buf_append(&ids, &id, sizeof(id));
        }
        db_finish(s);
        int rc = 0;
        for (size_t i = 0; i + sizeof(int64_t) <= ids.len && rc == 0; i += sizeof(int64_t)) {
                int64_t id;
                memcpy(&id, ids.data + i, sizeof(id));
                if (episode_refresh_rendering(db, id) != PUB_OK)
                        rc = fail(r, "episode %lld does not render", (long long)id);
                else
                        r->episodes++;
        }
        buf_free(&ids);
        return rc;
}

static int64_t count_rows(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return n;
}

int import_json(struct db *db, const char *data_dir, const char *text, size_t len,
                struct import_report *r)
{
        memset(r, 0, sizeof(*r));
        json_error_t jerr;
        json_t *root = NULL;
        /* The insights read as text when they are where the export puts them (scan_insights):
         * the tree is built for the rest only. */
        size_t cut = 0;
        const char *insights = find_insights(text, len, &cut);
        if (insights && scan_insights(insights, text + len, NULL, r) == 0) {
                char *rest = malloc(cut + 3);
                memcpy(rest, text, cut);
                memcpy(rest + cut, "\n}", 3);
                root = json_loadb(rest, cut + 2, JSON_REJECT_DUPLICATES, &jerr);
                free(rest);
                if (!root || json_object_get(root, "insights")) {
                        json_decref(root);
                        root = NULL;
                }
        }
        if (!root) {
                insights = NULL; /* any other shape: the whole document as one tree */
                root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
        }
        if (!root)
                return fail(r, "line %d: %s", jerr.line, jerr.text);
        int rc = 0;
        json_t *format = json_object_get(root, "kindred_export");
        if (!json_is_integer(format) || json_integer_value(format) != EXPORT_FORMAT) {
                rc = fail(r, "this is not a Kindred export (format %d)", EXPORT_FORMAT);
                goto done;
        }
        json_t *schema = json_object_get(root, "schema");
        if (!json_is_integer(schema) || json_integer_value(schema) > db_schema_latest()) {
                rc = fail(r, "the export comes from a newer Kindred (schema %lld)",
                          (long long)json_integer_value(schema));
                goto done;
        }
        if (db_begin(db) != DB_OK) {
                rc = fail(r, "the database is busy");
                goto done;
        }
        if (count_rows(db, "SELECT (SELECT count(*) FROM member) + (SELECT count(*) FROM "
                           "newsletter)") != 0) {
                rc = fail(r, "the site is not empty: import into a new data folder "
                             "(kindred init without --demo)");
                goto rollback;
        }
        for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]) && rc == 0; i++) {
                json_t *rows = json_object_get(root, tables[i].name);
                if (rows == NULL && added_with_mail(tables[i].name))
                        continue; /* an export from before mail: no subscriptions to bring */
                if (rows == NULL && strcmp(tables[i].name, "member_avatars") == 0)
                        continue; /* from before avatars: everyone shows initials */
                rc = rows ? import_rows(db, &tables[i], rows, r)
                          : fail(r, "\"%s\" is missing", tables[i].name);
                if (rc == 0 && strcmp(tables[i].name, "coauthors") == 0) {
                        json_t *images = json_object_get(root, "images");
                        rc = images ? import_images(db, data_dir, images, r)
                                    : fail(r, "\"images\" is missing");
                }
        }
        if (rc == 0)
                rc = render_derived(db, r);
        if (rc == 0 && term_rebuild_derived(db) != 0)
                rc = fail(r, "cannot rebuild the lexicon's terms");
        if (rc == 0)
                rc = count_prompts_and_tried(db, r);
        if (rc == 0 && space_rebuild(db) != PUB_OK)
                rc = fail(r, "cannot rebuild the spaces");
        if (rc == 0 && insights) /* verbatim, after everything they name */
                rc = scan_insights(insights, text + len, db, r) == 0 ? 0
                     : *r->error ? -1
                                 : fail(r, "the insights could not be read");
        else if (rc == 0)
                rc = import_insights(db, json_object_get(root, "insights"), r);
        if (rc == 0 && db_ids_follow_rows(db) != DB_OK)
                rc = fail(r, "cannot move the id sequences past the imported rows");
        if (rc == 0) {
                r->members = (int)count_rows(db, "SELECT count(*) FROM member");
                r->newsletters = (int)count_rows(db, "SELECT count(*) FROM newsletter");
                r->seasons = (int)count_rows(db, "SELECT count(*) FROM season");
                if (db_commit(db) != DB_OK)
                        rc = fail(r, "the database could not save the import");
        }
rollback:
        if (rc != 0) {
                db_rollback(db);
                r->members = r->newsletters = r->seasons = r->episodes = r->images = 0;
        }
done:
        json_decref(root);
        return rc;
}
