/* A member's participation as profiles show it: counts, lists by kind, recent activity. */
#include "model/profile.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "db/db.h"
#include "model/problem.h"
#include "model/visible_sql.h"

#include <string.h>

static const char *cut_text(struct arena *a, const char *text, size_t len, int max_chars);

/* Each kind's query parts. ?1 member, ?2 now; lists add ?3 before_at, ?4 before_id, ?5 limit;
 * counts add ?3 the cap. A list row: id, created_at, title, where, slug_a, slug_b, ref_id,
 * html, extra, language -- what item_url() and the excerpt need. */
struct kind_sql {
        const char *key;
        const char *list;
        const char *count;
};

#define COMMENTS_FROM                                                                              \
        " FROM comment c JOIN episode e ON e.id = c.episode_id JOIN newsletter n ON n.id = "       \
        "e.newsletter_id WHERE c.author_id = ?1 AND " VISIBLE_COMMENT " AND " LIVE_EPISODE
#define NOT_ANSWER " AND (c.prompt_id IS NULL OR c.parent_id IS NOT NULL)"
#define IS_ANSWER  " AND c.prompt_id IS NOT NULL AND c.parent_id IS NULL"
#define BUILDONS_FROM                                                                              \
        " FROM buildon x JOIN episode e ON e.id = x.episode_id JOIN newsletter n ON n.id = "       \
        "e.newsletter_id WHERE x.author_id = ?1 AND x.state = 'visible' AND " LIVE_EPISODE
#define TRIED_FROM                                                                                 \
        " FROM tried x JOIN episode e ON e.id = x.episode_id JOIN newsletter n ON n.id = "         \
        "e.newsletter_id WHERE x.member_id = ?1 AND x.state = 'visible' AND " LIVE_EPISODE
#define ASKS_FROM                                                                                  \
        " FROM ask x JOIN newsletter n ON n.id = x.newsletter_id WHERE x.author_id = ?1 AND "      \
        "x.state = 'visible' AND x.created_at <= ?2"
#define TERMS_FROM                                                                                 \
        " FROM term x JOIN newsletter n ON n.id = x.newsletter_id WHERE x.proposer_id = ?1 AND "   \
        "x.status = 'approved' AND x.state = 'visible' AND x.created_at <= ?2"
#define THREADS_FROM                                                                               \
        " FROM space_thread x JOIN space sp ON sp.id = x.space_id WHERE x.author_id = ?1 AND "     \
        "x.state = 'visible' AND x.created_at <= ?2"
#define POSTS_FROM                                                                                 \
        " FROM space_post x JOIN space_thread th ON th.id = x.thread_id JOIN space sp ON sp.id = " \
        "x.space_id WHERE x.author_id = ?1 AND x.state = 'visible' AND th.state = 'visible' AND "  \
        "x.created_at <= ?2 AND x.id <> (SELECT min(f.id) FROM space_post f WHERE f.thread_id = "  \
        "x.thread_id)"
#define PAGE(t)                                                                                    \
        " AND " t ".created_at <= ?3 AND (" t ".created_at < ?3 OR " t ".id < ?4) ORDER BY " t     \
        ".created_at DESC, " t ".id DESC LIMIT ?5"
#define COUNT(from) "SELECT count(*) FROM (SELECT 1" from " LIMIT ?3) AS x"

static const struct kind_sql kinds[PROFILE_KINDS] = {
    [PROFILE_COMMENTS] = {"comments",
                          "SELECT c.id, c.created_at, '', e.title, n.slug, e.slug, "
                          "coalesce(c.buildon_id, 0), c.body_html, '', c.language" COMMENTS_FROM
                              NOT_ANSWER PAGE("c"),
                          COUNT(COMMENTS_FROM NOT_ANSWER)},
    [PROFILE_ANSWERS] = {"answers",
                         "SELECT c.id, c.created_at, coalesce((SELECT question FROM prompt WHERE "
                         "id = c.prompt_id), ''), e.title, n.slug, e.slug, c.prompt_id, "
                         "c.body_html, '', c.language" COMMENTS_FROM IS_ANSWER PAGE("c"),
                         COUNT(COMMENTS_FROM IS_ANSWER)},
    [PROFILE_BUILDONS] = {"build-ons",
                          "SELECT x.id, x.created_at, x.title, e.title, n.slug, e.slug, 0, "
                          "x.body_html, '', x.language" BUILDONS_FROM PAGE("x"),
                          COUNT(BUILDONS_FROM)},
    [PROFILE_TRIED] = {"tried",
                       "SELECT x.id, x.created_at, '', e.title, n.slug, e.slug, 0, '', "
                       "coalesce(x.outcome, ''), NULL, x.note, x.outcome_note" TRIED_FROM PAGE("x"),
                       COUNT(TRIED_FROM)},
    [PROFILE_ASKS] = {"asks",
                      "SELECT x.id, x.created_at, x.title, n.title, n.slug, '', 0, x.body_html, "
                      "x.status, x.language" ASKS_FROM PAGE("x"),
                      COUNT(ASKS_FROM)},
    [PROFILE_TERMS] = {"terms",
                       "SELECT x.id, x.created_at, x.term, n.title, n.slug, x.slug, 0, "
                       "x.definition_html, '', x.language" TERMS_FROM PAGE("x"),
                       COUNT(TERMS_FROM)},
    [PROFILE_THREADS] =
        {"threads",
         "SELECT x.id, x.created_at, x.title, sp.title, sp.slug, '', 0, "
         "coalesce((SELECT f.body_html FROM space_post f WHERE f.thread_id = x.id "
         "AND f.state = 'visible' ORDER BY f.id LIMIT 1), ''), '', x.language" THREADS_FROM PAGE(
             "x"),
         COUNT(THREADS_FROM)},
    [PROFILE_POSTS] = {"posts",
                       "SELECT x.id, x.created_at, th.title, sp.title, sp.slug, '', x.thread_id, "
                       "x.body_html, '', x.language" POSTS_FROM PAGE("x"),
                       COUNT(POSTS_FROM)},
};

const char *profile_kind_key(enum profile_kind k)
{
        return k >= 0 && k < PROFILE_KINDS ? kinds[k].key : "";
}

int profile_kind_parse(const char *key)
{
        for (int k = 0; key && k < PROFILE_KINDS; k++)
                if (strcmp(kinds[k].key, key) == 0)
                        return k;
        return -1;
}

int profile_counts(struct db *db, int64_t member_id, int64_t now, int64_t counts[PROFILE_KINDS])
{
        for (int k = 0; k < PROFILE_KINDS; k++) {
                struct db_stmt *s = db_prepare(db, kinds[k].count);
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, member_id);
                db_bind_int(s, 2, now);
                db_bind_int(s, 3, KD_PROFILE_COUNT_CAP);
                int step = db_step(s);
                counts[k] = step == DB_ROW ? db_col_int(s, 0) : 0;
                db_finish(s);
                if (step != DB_ROW)
                        return PUB_DB_ERROR;
        }
        return 0;
}

/* Where an item lives. The addresses of the participation pages: comments and answers by their
 * anchor on the episode (or the build-on), a build-on's own page, "I tried this" on its episode's
 * list, an ask and a term under their newsletter, a thread and its posts under their space. */
static const char *item_url(struct arena *a, enum profile_kind k, int64_t id, const char *slug_a,
                            const char *slug_b, int64_t ref)
{
        /* The same addresses as each kind's item load (comment.c, buildon.c, tried.c, ask.c,
         * lexicon.c, space.c), built from the columns the list already read instead of one load
         * per item; tests/http/test_identity.c follows every link of demo profiles. */
        switch (k) {
        case PROFILE_COMMENTS:
                if (ref)
                        return arena_printf(a, "/n/%s/%s/b/%lld#c-%lld", slug_a, slug_b,
                                            (long long)ref, (long long)id);
                return arena_printf(a, "/n/%s/%s#c-%lld", slug_a, slug_b, (long long)id);
        case PROFILE_ANSWERS:
                return arena_printf(a, "/n/%s/%s#c-%lld", slug_a, slug_b, (long long)id);
        case PROFILE_BUILDONS:
                return arena_printf(a, "/n/%s/%s/b/%lld", slug_a, slug_b, (long long)id);
        case PROFILE_TRIED:
                return arena_printf(a, "/n/%s/%s/tried#t-%lld", slug_a, slug_b, (long long)id);
        case PROFILE_ASKS:
                return arena_printf(a, "/n/%s/asks/%lld", slug_a, (long long)id);
        case PROFILE_TERMS:
                return arena_printf(a, "/n/%s/lexicon/%s", slug_a, slug_b);
        case PROFILE_THREADS:
                return arena_printf(a, "/spaces/%s/%lld", slug_a, (long long)id);
        case PROFILE_POSTS: /* ?post= opens the page of the thread that holds it */
                return arena_printf(a, "/spaces/%s/%lld?post=%lld#p-%lld", slug_a, (long long)ref,
                                    (long long)id, (long long)id);
        default:
                return "/";
        }
}

int profile_list(struct db *db, struct arena *a, int64_t member_id, enum profile_kind kind,
                 int64_t now, int64_t before_at, int64_t before_id, int limit,
                 struct profile_item **out, bool *more)
{
        *out = NULL;
        if (more)
                *more = false;
        if (kind < 0 || kind >= PROFILE_KINDS || limit <= 0)
                return 0;
        struct db_stmt *s = db_prepare(db, kinds[kind].list);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, before_at);
        db_bind_int(s, 4, before_id > 0 ? before_id : INT64_MAX);
        db_bind_int(s, 5, limit + 1); /* one more says whether a next page exists */
        struct profile_item *v = arena_zalloc(a, (size_t)(limit + 1) * sizeof(*v));
        int n = 0, step;
        while ((step = db_step(s)) == DB_ROW) {
                if (n == limit) {
                        if (more)
                                *more = true;
                        step = DB_DONE;
                        break;
                }
                struct profile_item *it = &v[n++];
                it->kind = kind;
                it->id = db_col_int(s, 0);
                it->created_at = db_col_int(s, 1);
                it->title = arena_strdup(a, db_col_text(s, 2));
                it->where = arena_strdup(a, db_col_text(s, 3));
                it->url = item_url(a, kind, it->id, db_col_text(s, 4), db_col_text(s, 5),
                                   db_col_int(s, 6));
                it->extra = arena_strdup(a, db_col_text(s, 8));
                it->language = db_col_is_null(s, 9) ? NULL : arena_strdup(a, db_col_text(s, 9));
                if (kind == PROFILE_TRIED) { /* the outcome's note says more than the first */
                        const char *note =
                            *db_col_text(s, 11) ? db_col_text(s, 11) : db_col_text(s, 10);
                        it->excerpt = cut_text(a, note, strlen(note), KD_PROFILE_EXCERPT_CHARS);
                } else {
                        it->excerpt =
                            profile_excerpt(a, db_col_text(s, 7), KD_PROFILE_EXCERPT_CHARS);
                }
        }
        db_finish(s);
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        *out = v;
        return n;
}

int profile_activity(struct db *db, struct arena *a, int64_t member_id, int64_t now, int limit,
                     struct profile_item **out)
{
        *out = NULL;
        struct profile_item *lists[PROFILE_KINDS];
        int counts[PROFILE_KINDS], at[PROFILE_KINDS];
        for (int k = 0; k < PROFILE_KINDS; k++) {
                counts[k] = profile_list(db, a, member_id, (enum profile_kind)k, now, INT64_MAX, 0,
                                         limit, &lists[k], NULL);
                if (counts[k] < 0)
                        return PUB_DB_ERROR;
                at[k] = 0;
        }
        struct profile_item *v = arena_zalloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*v));
        int n = 0;
        while (n < limit) { /* merge the newest-first lists */
                int best = -1;
                for (int k = 0; k < PROFILE_KINDS; k++) {
                        if (at[k] >= counts[k])
                                continue;
                        if (best < 0 ||
                            lists[k][at[k]].created_at > lists[best][at[best]].created_at)
                                best = k;
                }
                if (best < 0)
                        break;
                v[n++] = lists[best][at[best]++];
        }
        *out = v;
        return n;
}

static int places(struct db *db, struct arena *a, const char *sql, int64_t member_id, int limit,
                  struct profile_place **out)
{
        *out = NULL;
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, limit);
        struct profile_place *v = arena_zalloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*v));
        int n = 0, step;
        while ((step = db_step(s)) == DB_ROW && n < limit)
                v[n++] = (struct profile_place){arena_strdup(a, db_col_text(s, 0)),
                                                arena_strdup(a, db_col_text(s, 1)),
                                                db_col_int(s, 2), db_col_int(s, 3)};
        db_finish(s);
        if (step != DB_DONE && step != DB_ROW)
                return PUB_DB_ERROR;
        *out = v;
        return n;
}

int profile_follows(struct db *db, struct arena *a, int64_t member_id, int limit,
                    struct profile_place **out)
{
        return places(db, a,
                      "SELECT n.slug, n.title, 0, f.created_at FROM follow f JOIN newsletter n ON "
                      "n.id = f.newsletter_id WHERE f.member_id = ?1 ORDER BY f.created_at DESC, "
                      "n.id LIMIT ?2",
                      member_id, limit, out);
}

int profile_spaces(struct db *db, struct arena *a, int64_t member_id, int limit,
                   struct profile_place **out)
{
        return places(db, a,
                      "SELECT s.slug, s.title, m.post_count, m.last_post_at FROM space_member m "
                      "JOIN space s ON s.id = m.space_id WHERE m.member_id = ?1 AND m.post_count "
                      "> 0 ORDER BY m.last_post_at DESC, s.id LIMIT ?2",
                      member_id, limit, out);
}

/* ------------------------------------------------------------------ excerpts */

/* The character an entity at s stands for, written into out; returns the entity's length, or 0
 * when s starts none of those the Markdown renderer writes. */
static size_t entity(const char *s, struct buf *out)
{
        static const struct {
                const char *name;
                char c;
        } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
        for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
                size_t len = strlen(ents[i].name);
                if (strncmp(s, ents[i].name, len) == 0) {
                        buf_putc(out, ents[i].c);
                        return len;
                }
        }
        return 0;
}

/* The first max_chars code points of text[0..len), back to the last space when cut, with "…". */
static const char *cut_text(struct arena *a, const char *text, size_t len, int max_chars)
{
        size_t i = 0, chars = 0, last_space = 0;
        while (i < len && chars < (size_t)max_chars) {
                unsigned char c = (unsigned char)text[i];
                size_t step = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                if (c == ' ')
                        last_space = i;
                i += step;
                chars++;
        }
        if (i >= len)
                return arena_strndup(a, text, len);
        size_t cut = last_space > 0 ? last_space : i;
        return arena_printf(a, "%.*s…", (int)cut, text);
}

const char *profile_excerpt(struct arena *a, const char *html, int max_chars)
{
        struct buf b = BUF_INIT;
        bool space = false;
        for (const char *p = html; p && *p;) {
                if (*p == '<') { /* a tag: block tags part words as a space would */
                        const char *end = strchr(p, '>');
                        if (!end)
                                break;
                        space = b.len > 0;
                        p = end + 1;
                        continue;
                }
                if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
                        space = b.len > 0;
                        p++;
                        continue;
                }
                if (space) {
                        buf_putc(&b, ' ');
                        space = false;
                }
                size_t used = *p == '&' ? entity(p, &b) : 0;
                if (used) {
                        p += used;
                        continue;
                }
                buf_putc(&b, *p++);
        }
        const char *out = cut_text(a, b.data ? b.data : "", b.len, max_chars);
        buf_free(&b);
        return out;
}
