/* Notifications: who is told what, grouping, unread counts. */
#include "model/notification.h"
#include "model/subscription.h"
#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/item.h"
#include "model/newsletter.h"
#include "model/notify_pref.h"

#include <string.h>

/* One notification; target NULL for the kinds about comments and episodes. */
static int insert_about(struct db *db, int64_t member, const char *kind, int64_t actor,
                        int64_t episode, int64_t comment, const char *target, int64_t target_id)
{
        if (!notify_pref_wants(db, member, kind))
                return PUB_OK; /* the member turned this kind off (model/notify_pref.h) */
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO notification (member_id, kind, actor_id, episode_id, comment_id, "
                "created_at, target, target_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member);
        db_bind_text(s, 2, kind);
        if (actor)
                db_bind_int(s, 3, actor);
        else
                db_bind_null(s, 3);
        if (episode)
                db_bind_int(s, 4, episode);
        else
                db_bind_null(s, 4);
        if (comment)
                db_bind_int(s, 5, comment);
        else
                db_bind_null(s, 5);
        db_bind_int(s, 6, time_now());
        db_bind_text(s, 7, target);
        if (target)
                db_bind_int(s, 8, target_id);
        else
                db_bind_null(s, 8);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

static int insert(struct db *db, int64_t member, const char *kind, int64_t actor, int64_t episode,
                  int64_t comment)
{
        return insert_about(db, member, kind, actor, episode, comment, NULL, 0);
}

/* True when the member may see the episode (live, or in a newsletter they write in). */
static bool member_sees_episode(struct db *db, int64_t member, enum role role, int64_t episode)
{
        struct db_stmt *s = db_prepare(db, "SELECT newsletter_id, status <> 'draft' AND "
                                           "publish_at <= ?2 FROM episode WHERE id = ?1");
        if (!s)
                return false;
        db_bind_int(s, 1, episode);
        db_bind_int(s, 2, time_now());
        int64_t nl = 0;
        bool live = false;
        if (db_step(s) == DB_ROW) {
                nl = db_col_int(s, 0);
                live = db_col_int(s, 1) != 0;
        }
        db_finish(s);
        return live || (nl && newsletter_can_write(db, nl, member, role));
}

/* Whether member was told anything about this comment or item already: the caller's `already`
 * may have turned that kind off (model/notify_pref.h), and then a mention still tells them. */
static bool told_about(struct db *db, int64_t member, int64_t comment, const char *target,
                       int64_t target_id)
{
        struct db_stmt *s =
            target ? db_prepare(db, "SELECT 1 FROM notification WHERE member_id = ?1 AND target "
                                    "= ?2 AND target_id = ?3")
                   : db_prepare(db, "SELECT 1 FROM notification WHERE member_id = ?1 AND "
                                    "comment_id = ?3 AND ?2 = ''");
        if (!s)
                return true; /* the insert that follows reports the error */
        db_bind_int(s, 1, member);
        db_bind_text(s, 2, target ? target : "");
        db_bind_int(s, 3, target ? target_id : comment);
        bool told = db_step(s) == DB_ROW;
        db_finish(s);
        return told;
}

/* Handles mentioned in Markdown: "@" after a non-word character, then a handle. Each member
 * mentioned who may see the item is told once with kind: about (target, target_id) when target
 * is set (its kind's viewable decides), else about the comment (the episode decides). */
static int mentions(struct db *db, const char *body, const char *kind, int64_t author,
                    int64_t episode, int64_t comment, const char *target, int64_t target_id,
                    int64_t already)
{
        const struct item_kind *k = target ? item_kind_find(target) : NULL;
        if (target && !k)
                return PUB_DB_ERROR;
        if (already && !told_about(db, already, comment, target, target_id))
                already = 0;
        int64_t told[16];
        int ntold = 0;
        for (const char *p = strchr(body, '@'); p && ntold < 16; p = strchr(p + 1, '@')) {
                if (p > body) {
                        char before = p[-1];
                        if ((before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') ||
                            (before >= '0' && before <= '9') || before == '_' || before == '.')
                                continue; /* an email address, not a mention */
                }
                char handle[32];
                size_t n = 0;
                for (const char *h = p + 1; n + 1 < sizeof(handle); h++) {
                        char c = *h;
                        if (c >= 'A' && c <= 'Z')
                                c = (char)(c - 'A' + 'a');
                        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                                break;
                        handle[n++] = c;
                }
                handle[n] = '\0';
                if (n < 2)
                        continue;
                struct db_stmt *s = db_prepare(db, "SELECT id, role FROM member WHERE handle_key = "
                                                   "?1 AND disabled = 0");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_text(s, 1, handle);
                int64_t id = 0;
                enum role role = ROLE_READER;
                if (db_step(s) == DB_ROW) {
                        id = db_col_int(s, 0);
                        role = role_parse(db_col_text(s, 1));
                }
                db_finish(s);
                /* a mention on a draft must not tell a reader its title */
                if (id && (k ? !k->viewable(db, target_id, id, role, time_now())
                             : !member_sees_episode(db, id, role, episode)))
                        continue;
                bool dup = id == 0 || id == author || id == already;
                for (int i = 0; i < ntold && !dup; i++)
                        dup = told[i] == id;
                if (dup)
                        continue;
                told[ntold++] = id;
                if (insert_about(db, id, kind, author, episode, comment, target, target_id) !=
                    PUB_OK)
                        return PUB_DB_ERROR;
        }
        return PUB_OK;
}

int notify_item(struct db *db, int64_t member_id, const char *kind, int64_t actor_id,
                const char *target, int64_t target_id, int64_t episode_id)
{
        if (!member_id || member_id == actor_id)
                return PUB_OK;
        return insert_about(db, member_id, kind, actor_id, episode_id, 0, target, target_id);
}

int notify_item_mentions(struct db *db, const char *body, const char *kind, int64_t actor_id,
                         const char *target, int64_t target_id, int64_t episode_id, int64_t already)
{
        return mentions(db, body, kind, actor_id, episode_id, 0, target, target_id, already);
}

int notify_comment(struct db *db, int64_t comment_id, int64_t author, int64_t episode,
                   const char *body, int64_t parent_author)
{
        bool replying = parent_author && parent_author != author;
        if (!replying && !strchr(body, '@'))
                return PUB_OK; /* nobody to tell: no transaction either */
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        int rc = PUB_OK;
        if (replying)
                rc = insert(db, parent_author, "reply", author, episode, comment_id);
        if (rc == PUB_OK)
                rc = mentions(db, body, "mention", author, episode, comment_id, NULL, 0,
                              parent_author != author ? parent_author : 0);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}

int notify_reaction(struct db *db, int64_t actor_id, const char *target, int64_t target_id)
{
        if (!target || strcmp(target, "episode") == 0)
                return PUB_OK;
        struct arena *a = arena_new();
        struct item it;
        int rc = item_load(db, a, target, target_id, &it);
        arena_free(a); /* it.target is the kind's static name; nothing else is kept */
        if (rc == PUB_NOT_FOUND)
                return PUB_OK;
        if (rc != PUB_OK)
                return rc;
        if (!it.author_id || it.author_id == actor_id)
                return PUB_OK;
        /* Comments' notifications name the comment (comment_id); every other kind's name the
         * item by (target, target_id). ?5 is the kind's name. */
        bool comment = strcmp(it.target, "comment") == 0;
#define ABOUT_ITEM                                                                                 \
        "(CASE WHEN ?5 = 'comment' THEN comment_id = ?2 ELSE target = ?5 AND target_id = ?2 END)"
        /* Grouped: one unread notification per item gathers its reactions, counting people
         * (not clicks) since the author last read about this item. One transaction, so
         * reactions arriving together make one notification. */
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        rc = PUB_DB_ERROR;
        struct db_stmt *s = db_prepare(db, "SELECT id FROM notification WHERE member_id = ?1 AND "
                                           "kind = 'reaction' AND read_at IS NULL AND " ABOUT_ITEM);
        if (!s)
                goto done;
        db_bind_int(s, 1, it.author_id);
        db_bind_int(s, 2, target_id);
        db_bind_text(s, 5, it.target);
        int64_t existing = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        if (!existing &&
            insert_about(db, it.author_id, "reaction", actor_id, it.episode_id,
                         comment ? target_id : 0, comment ? NULL : it.target, target_id) != PUB_OK)
                goto done;
        s = db_prepare(
            db, "UPDATE notification SET actor_id = ?3, created_at = ?4, count = coalesce(nullif(("
                "SELECT count(DISTINCT r.member_id) FROM reaction r WHERE r.target = ?5 AND "
                "r.target_id = ?2 AND r.member_id <> ?1 AND r.created_at > (SELECT "
                "coalesce(max(read_at), 0) FROM notification WHERE member_id = ?1 AND kind = "
                "'reaction' AND read_at IS NOT NULL AND " ABOUT_ITEM
                ")), 0), 1) WHERE member_id = ?1 AND kind = 'reaction' AND read_at "
                "IS NULL AND " ABOUT_ITEM);
#undef ABOUT_ITEM
        if (!s)
                goto done;
        db_bind_int(s, 1, it.author_id);
        db_bind_int(s, 2, target_id);
        db_bind_int(s, 3, actor_id);
        db_bind_int(s, 4, time_now());
        db_bind_text(s, 5, it.target);
        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
done:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}

int notify_episode_live(struct db *db, int64_t episode_id)
{
        /* Once per follower and episode, however often this runs. */
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO notification (member_id, kind, actor_id, episode_id, created_at) "
                "SELECT f.member_id, 'episode', e.author_id, e.id, ?2 FROM episode e JOIN follow f "
                "ON f.newsletter_id = e.newsletter_id WHERE e.id = ?1 AND e.status <> 'draft' AND "
                "e.publish_at <= ?2 AND f.member_id <> e.author_id AND NOT EXISTS (SELECT 1 FROM "
                "notification n WHERE n.member_id = f.member_id AND n.kind = 'episode' AND "
                "n.episode_id = e.id) AND NOT " NOTIFY_MUTED_SQL("f.member_id", "'episode'"));
        if (!s)
                return PUB_DB_ERROR;
        int64_t now = time_now();
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, now);
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        /* and the email subscribers: one job, queued once ever (web/subscription_mail.h) */
        return episode_mailing_begin(db, episode_id, now) == SUB_OK ? PUB_OK : PUB_DB_ERROR;
}

int64_t notification_unread_count(struct db *db, int64_t member_id)
{
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM notification WHERE member_id = ?1 "
                                           "AND read_at IS NULL");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : PUB_DB_ERROR;
        db_finish(s);
        return n;
}

/* The kinds a notification row may have, as stored, in enum notification_kind order. */
static const char *const note_kinds[] = {"reply",   "mention", "reaction",    "episode",
                                         "buildon", "answer",  "space_reply", "space_mention",
                                         "ask",     "term"};

/* The address of an older notification: the episode, at the comment when there is one. */
static const char *episode_url(struct arena *a, const struct notification *x)
{
        if (!*x->episode_slug)
                return "/";
        /* slugs are URL-safe as they are (core/slug.h) */
        if (x->comment_id)
                return arena_printf(a, "/n/%s/%s#c-%lld", x->newsletter_slug, x->episode_slug,
                                    (long long)x->comment_id);
        return arena_printf(a, "/n/%s/%s", x->newsletter_slug, x->episode_slug);
}

/* member_id's newest notifications (at most limit), or only the one with id only (0: all). */
static int load_notifications(struct db *db, struct arena *a, int64_t member_id, int64_t only,
                              int limit, struct notification **out)
{
        /* Items of the new kinds may have no episode (posts, asks, terms): LEFT JOINs. The
         * subject and status of asks, terms and build-ons come from their tables here, one
         * query for the page; each item's address and place from its kind below. */
        struct db_stmt *s = db_prepare(
            db, "SELECT n.id, n.kind, coalesce(m.handle, ''), coalesce(m.display_name, ''), "
                "coalesce(n.episode_id, 0), coalesce(nl.slug, ''), coalesce(e.slug, ''), "
                "coalesce(e.title, ''), coalesce(n.comment_id, 0), n.count, n.created_at, "
                "n.read_at IS NOT NULL, n.target, coalesce(n.target_id, 0), coalesce(ak.title, "
                "tm.term, bp.title, ''), coalesce(ak.status, tm.status, '') FROM notification n "
                "LEFT JOIN member m ON m.id = n.actor_id LEFT JOIN episode e ON e.id = "
                "n.episode_id LEFT JOIN newsletter nl ON nl.id = e.newsletter_id LEFT JOIN ask ak "
                "ON n.target = 'ask' AND ak.id = n.target_id LEFT JOIN term tm ON n.target = "
                "'term' AND tm.id = n.target_id LEFT JOIN buildon b ON n.target = 'buildon' AND "
                "b.id = n.target_id LEFT JOIN buildon bp ON bp.id = b.parent_id WHERE "
                "n.member_id = ?1 AND (?3 = 0 OR n.id = ?3) ORDER BY n.created_at DESC, n.id DESC "
                "LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, limit);
        db_bind_int(s, 3, only);
        size_t cap = 0, n = 0;
        struct notification *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                int kind = -1;
                for (size_t k = 0; k < sizeof(note_kinds) / sizeof(note_kinds[0]); k++)
                        if (strcmp(db_col_text(s, 1), note_kinds[k]) == 0)
                                kind = (int)k;
                if (kind < 0)
                        continue; /* a kind this build cannot word ("badge" ...) */
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                struct notification *x = &arr[n++];
                memset(x, 0, sizeof(*x));
                x->id = db_col_int(s, 0);
                x->kind = (enum notification_kind)kind;
                x->actor_handle = arena_strdup(a, db_col_text(s, 2));
                x->actor_name = arena_strdup(a, db_col_text(s, 3));
                x->episode_id = db_col_int(s, 4);
                x->newsletter_slug = arena_strdup(a, db_col_text(s, 5));
                x->episode_slug = arena_strdup(a, db_col_text(s, 6));
                x->episode_title = arena_strdup(a, db_col_text(s, 7));
                x->comment_id = db_col_int(s, 8);
                x->count = (int)db_col_int(s, 9);
                x->created_at = db_col_int(s, 10);
                x->read = db_col_int(s, 11) != 0;
                x->target = db_col_is_null(s, 12) ? NULL : arena_strdup(a, db_col_text(s, 12));
                x->target_id = db_col_int(s, 13);
                x->subject = arena_strdup(a, db_col_text(s, 14));
                x->status = arena_strdup(a, db_col_text(s, 15));
                x->url = episode_url(a, x);
                x->where = x->episode_title;
        }
        db_finish(s);
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        /* Items through their kinds; whatever cannot be loaded is left out. */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
                struct notification *x = &arr[i];
                if (x->target) {
                        struct item it;
                        int lrc = item_load(db, a, x->target, x->target_id, &it);
                        if (lrc == PUB_DB_ERROR)
                                return PUB_DB_ERROR;
                        if (lrc != PUB_OK)
                                continue;
                        x->url = it.url;
                        x->where = it.where;
                } else if (x->kind >= NOTE_BUILDON || !x->episode_id) {
                        continue; /* the new kinds name an item; the older ones an episode */
                }
                arr[kept++] = *x;
        }
        *out = arr;
        return (int)kept;
}

int notification_list(struct db *db, struct arena *a, int64_t member_id, int limit,
                      struct notification **out)
{
        return load_notifications(db, a, member_id, 0, limit, out);
}

int notification_find(struct db *db, struct arena *a, int64_t member_id, int64_t id,
                      struct notification *out)
{
        if (id <= 0)
                return PUB_NOT_FOUND;
        struct notification *found;
        int n = load_notifications(db, a, member_id, id, 1, &found);
        if (n < 0)
                return n;
        if (n == 0)
                return PUB_NOT_FOUND;
        *out = found[0];
        return PUB_OK;
}

int notification_mark_read(struct db *db, int64_t member_id, int64_t id)
{
        struct db_stmt *s =
            id > 0 ? db_prepare(db, "UPDATE notification SET read_at = ?3 WHERE member_id = ?1 "
                                    "AND id = ?2 AND read_at IS NULL")
                   : db_prepare(db, "UPDATE notification SET read_at = ?3 WHERE member_id = ?1 "
                                    "AND read_at IS NULL AND ?2 = 0");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, id);
        db_bind_int(s, 3, time_now());
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}
