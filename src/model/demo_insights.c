/* Demo history for the insights: the demo's real activity (comments, replies, answers,
 * reactions, build-ons, tries, asks, votes, space posts, follows) as events at their real times,
 * and weeks of reading by a cohort of demo readers and by guests, so the insights pages, "members
 * also read" and the community sentences have something true to say. Deterministic: a fixed seed,
 * and times relative to the episodes' publish dates and now. Everything goes through event_apply,
 * so the rollups match the log exactly. */
#include "core/alloc.h"
#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/demo.h"
#include "model/event.h"
#include "model/newsletter.h"
#include "model/reaction.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int demo_seed_insights(struct db *db);

/* The demo's readers beyond its cast: plausible people who never log in (their password hash
 * is not a hash, so no password matches it). */
static const struct {
        const char *handle, *name;
} readers[] = {
    {"hana_sato", "Hana Sato"},
    {"omar_haddad", "Omar Haddad"},
    {"greta_lund", "Greta Lund"},
    {"diego_ramos", "Diego Ramos"},
    {"wangfang", "王芳"},
    {"kofi_mensah", "Kofi Mensah"},
    {"ines_moreau", "Inès Moreau"},
    {"raj_iyer", "Raj Iyer"},
    {"elena_petrova", "Elena Petrova"},
    {"chenjing", "陈静"},
    {"lucas_weber", "Lucas Weber"},
    {"chiamaka_obi", "Chiamaka Obi"},
    {"noah_berg", "Noah Berg"},
    {"sofia_russo", "Sofia Russo"},
    {"yuki_tanaka", "Yuki Tanaka"},
    {"leila_karimi", "Leila Karimi"},
    {"mateo_silva", "Mateo Silva"},
    {"zhanglei", "张磊"},
    {"freya_nilsen", "Freya Nilsen"},
    {"samir_khan", "Samir Khan"},
    {"ada_novak", "Ada Novak"},
    {"tariq_aziz", "Tariq Aziz"},
    {"clara_jensen", "Clara Jensen"},
    {"liuyang", "刘洋"},
    {"pablo_ortega", "Pablo Ortega"},
    {"nadia_bauer", "Nadia Bauer"},
    {"ikechukwu_eze", "Ikechukwu Eze"},
    {"marta_kowalska", "Marta Kowalska"},
    {"jonas_fischer", "Jonas Fischer"},
    {"aisha_bello", "Aisha Bello"},
    {"hugo_lefevre", "Hugo Lefèvre"},
    {"priya_nair", "Priya Nair"},
    {"emil_strand", "Emil Strand"},
    {"zhaomin", "赵敏"},
    {"rosa_medina", "Rosa Medina"},
    {"felix_hart", "Felix Hart"},
    {"mina_park", "Mina Park"},
    {"olu_adeyemi", "Olu Adeyemi"},
    {"vera_smirnova", "Vera Smirnova"},
    {"arjun_mehta", "Arjun Mehta"},
    {"lena_vogel", "Lena Vogel"},
    {"tomas_brandt", "Tomas Brandt"},
    {"nora_quinn", "Nora Quinn"},
    {"kenji_mori", "Kenji Mori"},
    {"luisa_ferreira", "Luisa Ferreira"},
    {"huangwei", "黄薇"},
    {"bram_de_vries", "Bram de Vries"},
    {"selin_aydin", "Selin Aydın"},
};
enum { NREADERS = sizeof(readers) / sizeof(readers[0]) };

/* How a demo reader reads. */
enum habit {
        CORE,     /* reads every episode of both letters within a day or two, often to the end */
        SEASON2,  /* came with season 2's first episode; each later one keeps ~72% of them */
        GARDENER, /* reads the garden letter, dips into the other now and then */
        CASUAL,   /* a third of anything, days late */
};

static enum habit habit_of(size_t i)
{
        return i < 10 ? CORE : i < 36 ? SEASON2 : i < 44 ? GARDENER : CASUAL;
}

/* xorshift64*: the same history on every run. */
static uint64_t rnd(uint64_t *s)
{
        uint64_t x = *s;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *s = x;
        return x * 2685821657736338717ULL;
}

static bool chance(uint64_t *s, int percent)
{
        return (int)(rnd(s) % 100) < percent;
}

/* ---------------------------------------------------------------- events in memory */

struct history {
        struct event *ev;
        size_t n, cap;
        int64_t now;
};

static void add(struct history *h, struct event e)
{
        if (e.at > h->now || e.at <= 0)
                return; /* nothing happens in the future */
        if (h->n == h->cap) {
                h->cap = h->cap ? 2 * h->cap : 4096;
                h->ev = xrealloc(h->ev, h->cap * sizeof(*h->ev));
        }
        h->ev[h->n++] = e;
}

static int by_time(const void *a, const void *b)
{
        const struct event *x = a, *y = b;
        return x->at < y->at ? -1 : x->at > y->at ? 1 : 0;
}

/* A member's visit to an episode: the view, the beacon, and often reading to the end. */
static void visit(struct history *h, int64_t at, int64_t member, int64_t episode, bool to_end,
                  uint64_t *rng)
{
        add(h, (struct event){
                   .at = at, .kind = EVENT_VIEW, .member_id = member, .episode_id = episode});
        add(h, (struct event){
                   .at = at + 2, .kind = EVENT_SEEN, .member_id = member, .episode_id = episode});
        if (to_end)
                add(h, (struct event){.at = at + 180 + (int64_t)(rnd(rng) % 900),
                                      .kind = EVENT_READ,
                                      .member_id = member,
                                      .episode_id = episode});
}

/* ---------------------------------------------------------------- the real activity */

/* Each row of a query as one event: columns at, member, newsletter, episode, other, item. The
 * member also read the episode a little before taking part in it. */
static int real_events(struct db *db, struct history *h, const char *sql, enum event_kind kind,
                       uint64_t *rng)
{
        struct db_stmt *st = db_prepare(db, sql);
        if (!st)
                return -1;
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
                struct event e = {
                    .at = db_col_int(st, 0),
                    .kind = kind,
                    .member_id = db_col_int(st, 1),
                    .newsletter_id = db_col_int(st, 2),
                    .episode_id = db_col_int(st, 3),
                    .other_id = db_col_int(st, 4),
                    .item_id = db_col_int(st, 5),
                };
                if (kind == EVENT_COMMENT && db_col_int(st, 6))
                        e.kind = EVENT_QUOTE;
                if (kind == EVENT_COMMENT && db_col_int(st, 7))
                        e.kind = db_col_int(st, 8) ? EVENT_REPLY : EVENT_ANSWER;
                else if (kind == EVENT_COMMENT && db_col_int(st, 8))
                        e.kind = EVENT_REPLY;
                if (e.kind != EVENT_REPLY && e.kind != EVENT_REACTION && e.kind != EVENT_BUILDON &&
                    e.kind != EVENT_VOTE && e.kind != EVENT_SPACE_POST)
                        e.other_id = 0;
                if (e.episode_id && e.kind != EVENT_REACTION)
                        visit(h, e.at - 600 - (int64_t)(rnd(rng) % 3000), e.member_id, e.episode_id,
                              true, rng);
                add(h, e);
        }
        db_finish(st);
        return rc == DB_DONE ? 0 : -1;
}

static int real_activity(struct db *db, struct history *h, uint64_t *rng)
{
        /* Comments: quote (col 6), answer to a prompt (col 7), reply (col 8, parent's author). */
        if (real_events(
                db, h,
                "SELECT c.created_at, c.author_id, 0, c.episode_id, coalesce(p.author_id, 0), "
                "c.id, c.quote_exact IS NOT NULL, c.prompt_id IS NOT NULL, c.parent_id IS NOT "
                "NULL FROM comment c LEFT JOIN comment p ON p.id = c.parent_id WHERE c.state "
                "<> 'deleted' ORDER BY c.id",
                EVENT_COMMENT, rng) != 0)
                return -1;
        /* Reactions to episodes (no other side), comments, build-ons and space posts. */
        if (real_events(
                db, h,
                "SELECT r.created_at, r.member_id, 0, r.target_id, 0, r.target_id, 0, 0, 0 "
                "FROM reaction r WHERE r.target = 'episode' UNION ALL "
                "SELECT r.created_at, r.member_id, 0, c.episode_id, c.author_id, c.id, 0, 0, 0 "
                "FROM reaction r JOIN comment c ON c.id = r.target_id WHERE r.target = "
                "'comment' UNION ALL "
                "SELECT r.created_at, r.member_id, 0, b.episode_id, b.author_id, b.id, 0, 0, 0 "
                "FROM reaction r JOIN buildon b ON b.id = r.target_id WHERE r.target = "
                "'buildon' UNION ALL "
                "SELECT r.created_at, r.member_id, coalesce(s.newsletter_id, 0), 0, "
                "p.author_id, p.id, 0, 0, 0 FROM reaction r JOIN space_post p ON p.id = "
                "r.target_id JOIN space s ON s.id = p.space_id WHERE r.target = 'post'",
                EVENT_REACTION, rng) != 0)
                return -1;
        /* Build-ons: the other side is the author of what it builds on. */
        if (real_events(db, h,
                        "SELECT b.created_at, b.author_id, 0, b.episode_id, coalesce(p.author_id, "
                        "e.author_id), b.id, 0, 0, 0 FROM buildon b JOIN episode e ON e.id = "
                        "b.episode_id LEFT JOIN buildon p ON p.id = b.parent_id WHERE b.state <> "
                        "'deleted'",
                        EVENT_BUILDON, rng) != 0)
                return -1;
        if (real_events(db, h,
                        "SELECT created_at, member_id, 0, episode_id, 0, id, 0, 0, 0 FROM tried",
                        EVENT_TRIED, rng) != 0)
                return -1;
        if (real_events(db, h,
                        "SELECT created_at, author_id, newsletter_id, 0, 0, id, 0, 0, 0 FROM ask",
                        EVENT_ASK, rng) != 0)
                return -1;
        if (real_events(
                db, h,
                "SELECT v.created_at, v.member_id, a.newsletter_id, 0, a.author_id, a.id, 0, "
                "0, 0 FROM ask_vote v JOIN ask a ON a.id = v.ask_id",
                EVENT_VOTE, rng) != 0)
                return -1;
        if (real_events(db, h,
                        "SELECT p.created_at, p.author_id, coalesce(s.newsletter_id, 0), 0, "
                        "coalesce(q.author_id, 0), p.id, 0, 0, 0 FROM space_post p JOIN space s ON "
                        "s.id = p.space_id LEFT JOIN space_post q ON q.id = p.parent_id WHERE "
                        "p.state <> 'deleted'",
                        EVENT_SPACE_POST, rng) != 0)
                return -1;
        return real_events(
            db, h, "SELECT created_at, member_id, newsletter_id, 0, 0, 0, 0, 0, 0 FROM follow",
            EVENT_FOLLOW, rng);
}

/* ---------------------------------------------------------------- the readers */

static int64_t add_reader(struct db *db, const char *handle, const char *name, int64_t at)
{
        struct db_stmt *s = db_prepare(
            db,
            "INSERT INTO member (handle, handle_key, display_name, headline, bio, email, "
            "email_key, password_hash, role, created_at, updated_at) VALUES (?1, ?1, ?2, '', '', "
            "?3, ?3, '!demo-reader: no password', 'reader', ?4, ?4) RETURNING id");
        if (!s)
                return -1;
        char email[96];
        snprintf(email, sizeof(email), "%s@readers.kindred.test", handle);
        db_bind_text(s, 1, handle);
        db_bind_text(s, 2, name);
        db_bind_text(s, 3, email);
        db_bind_int(s, 4, at);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return id;
}

/* Runs an UPDATE that dates a row just made (?1 member, ?2 its place, ?3 the time). */
static int set_time(struct db *db, const char *sql, int64_t member, int64_t place, int64_t at)
{
        struct db_stmt *st = db_prepare(db, sql);
        if (!st)
                return -1;
        db_bind_int(st, 1, member);
        db_bind_int(st, 2, place);
        db_bind_int(st, 3, at);
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? 0 : -1;
}

static int64_t cast_id(struct db *db, const char *handle)
{
        struct arena *a = arena_new();
        int64_t id = demo_member_id(db, a, handle);
        arena_free(a);
        return id;
}

struct demo_episode {
        int64_t id, newsletter_id, publish_at;
        int season, number;
        bool garden; /* the garden letter (by its slug), else learning in public */
};

static int live_episodes(struct db *db, int64_t now, struct demo_episode *out, int max)
{
        struct db_stmt *st = db_prepare(
            db, "SELECT e.id, e.newsletter_id, e.publish_at, s.number, e.number, n.slug = "
                "'fourth-floor-garden' FROM episode e JOIN season s ON s.id = e.season_id JOIN "
                "newsletter n ON n.id = e.newsletter_id WHERE e.status <> 'draft' AND e.publish_at "
                "<= ?1 ORDER BY e.publish_at, e.id");
        if (!st)
                return -1;
        db_bind_int(st, 1, now);
        int n = 0, rc;
        while (n < max && (rc = db_step(st)) == DB_ROW)
                out[n++] = (struct demo_episode){db_col_int(st, 0),      db_col_int(st, 1),
                                                 db_col_int(st, 2),      (int)db_col_int(st, 3),
                                                 (int)db_col_int(st, 4), db_col_int(st, 5) != 0};
        db_finish(st);
        return n;
}

/* When a reader of a habit comes to an episode, hours after it is published (0: they do not). */
static int64_t delay_for(enum habit hb, const struct demo_episode *e, bool *staying, uint64_t *rng)
{
        int64_t hour = 3600;
        switch (hb) {
        case CORE:
                if (e->garden && !chance(rng, 60))
                        return 0;
                return hour * (1 + (int64_t)(rnd(rng) % 40));
        case SEASON2:
                if (e->garden || e->season != 2)
                        return e->season == 1 && chance(rng, 8) ? hour * (24 * 200) : 0;
                if (e->number > 1 && !*staying)
                        return 0;
                if (e->number > 1 && !chance(rng, 72))
                        return *staying = false, 0;
                return hour * (2 + (int64_t)(rnd(rng) % 60));
        case GARDENER:
                if (!e->garden && !chance(rng, 20))
                        return 0;
                return hour * (4 + (int64_t)(rnd(rng) % 96));
        default:
                return chance(rng, 33) ? hour * (24 + (int64_t)(rnd(rng) % 200)) : 0;
        }
}

static int reading(struct db *db, struct history *h, uint64_t *rng)
{
        struct demo_episode eps[64];
        int neps = live_episodes(db, h->now, eps, 64);
        if (neps < 0)
                return -1;
        static const char *const kinds[] = {"like", "insightful", "agree", "love", "curious"};
        /* The cast's readers read too; what they wrote and reacted to is theirs
         * (real_activity), so only the generated readers react and follow here. */
        static const char *const cast_readers[] = {"sam", "june", "liwei", "ana"};
        enum { NCAST = sizeof(cast_readers) / sizeof(cast_readers[0]) };
        for (size_t i = 0; i < NREADERS + NCAST; i++) {
                bool generated = i < NREADERS;
                /* liwei and ana are regulars; sam and june read now and then, so signed in as
                 * them there is still something new to recommend */
                enum habit hb = generated ? habit_of(i) : i - NREADERS < 2 ? CASUAL : CORE;
                int64_t id = generated ? add_reader(db, readers[i].handle, readers[i].name,
                                                    h->now - 300 * 86400)
                                       : cast_id(db, cast_readers[i - NREADERS]);
                if (id <= 0)
                        return -1;
                bool staying = true, followed = false;
                for (int k = 0; k < neps; k++) {
                        const struct demo_episode *e = &eps[k];
                        int64_t delay = delay_for(hb, e, &staying, rng);
                        if (!delay)
                                continue;
                        int64_t at = e->publish_at + delay + (int64_t)(rnd(rng) % 3600);
                        if (at > h->now) /* today's episode: they read it by now, or not yet */
                                at = e->publish_at +
                                     (h->now - e->publish_at) * (int64_t)(rnd(rng) % 100) / 100;
                        visit(h, at, id, e->id, chance(rng, hb == CORE ? 85 : 55), rng);
                        /* They follow the letter they came for; the garden keeps no followers
                         * (tests/http/test_publishing.c follows it from zero). */
                        if (generated && !followed && !e->garden && hb != CASUAL &&
                            chance(rng, 50) && at + 1200 <= h->now) {
                                if (newsletter_set_following(db, id, e->newsletter_id, true) !=
                                        PUB_OK ||
                                    set_time(db,
                                             "UPDATE follow SET created_at = ?3 WHERE member_id = "
                                             "?1 AND newsletter_id = ?2",
                                             id, e->newsletter_id, at + 1200) != 0)
                                        return -1;
                                add(h, (struct event){.at = at + 1200,
                                                      .kind = EVENT_FOLLOW,
                                                      .member_id = id,
                                                      .newsletter_id = e->newsletter_id});
                                followed = true;
                        }
                        /* Some react to what they read: real reactions, at the time they read. */
                        if (generated && chance(rng, hb == CORE ? 35 : 12) && at + 1500 <= h->now) {
                                enum reaction_kind rk;
                                reaction_kind_parse(kinds[rnd(rng) % 5], &rk);
                                if (reaction_set(db, id, TARGET_EPISODE, e->id, rk, true, NULL) !=
                                        PUB_OK ||
                                    set_time(db,
                                             "UPDATE reaction SET created_at = ?3 WHERE target = "
                                             "'episode' AND target_id = ?2 AND member_id = ?1",
                                             id, e->id, at + 1500) != 0)
                                        return -1;
                                add(h, (struct event){.at = at + 1500,
                                                      .kind = EVENT_REACTION,
                                                      .member_id = id,
                                                      .episode_id = e->id,
                                                      .item_id = e->id});
                        }
                        /* Regulars come back to older episodes now and then. */
                        if (hb == CORE && chance(rng, 15))
                                visit(h, at + 86400 * (7 + (int64_t)(rnd(rng) % 30)), id, e->id,
                                      false, rng);
                }
        }
        /* Guests: a hash per guest and day; many views on the first days, fewer later, over the
         * last ten weeks (older guest events would have expired anyway). */
        int64_t from = h->now - 70 * 86400;
        for (int k = 0; k < neps; k++) {
                const struct demo_episode *e = &eps[k];
                int64_t start = e->publish_at > from ? e->publish_at : from;
                for (int64_t day = event_day(start); day <= event_day(h->now); day++) {
                        int64_t age = day - event_day(e->publish_at);
                        int guests = age < 1 ? 24 : age < 3 ? 12 : age < 14 ? 4 : 1;
                        guests = (int)(rnd(rng) % (uint64_t)(guests + 1)) + guests / 2;
                        for (int g = 0; g < guests; g++) {
                                int64_t at = day * 86400 + (int64_t)(rnd(rng) % 86400);
                                if (at < e->publish_at)
                                        at = e->publish_at + (int64_t)(rnd(rng) % 7200);
                                int64_t hash = (int64_t)(rnd(rng) >> 2) + 1;
                                add(h, (struct event){.at = at,
                                                      .kind = EVENT_VIEW,
                                                      .guest = hash,
                                                      .episode_id = e->id});
                                if (chance(rng, 80)) /* a person, not a crawler */
                                        add(h, (struct event){.at = at + 3,
                                                              .kind = EVENT_SEEN,
                                                              .guest = hash,
                                                              .episode_id = e->id});
                                if (chance(rng, 30))
                                        add(h, (struct event){.at = at + 400,
                                                              .kind = EVENT_READ,
                                                              .guest = hash,
                                                              .episode_id = e->id});
                        }
                }
        }
        return 0;
}

int demo_seed_insights(struct db *db)
{
        struct history h = {.now = time_now()};
        uint64_t rng = 0x6b696e6472656421ULL;
        int rc = -1;
        if (real_activity(db, &h, &rng) != 0 || reading(db, &h, &rng) != 0)
                goto cleanup;
        qsort(h.ev, h.n, sizeof(*h.ev), by_time);
        rc = 0;
        for (size_t at = 0; at < h.n && rc == 0; at += 4096) {
                size_t chunk = h.n - at < 4096 ? h.n - at : 4096;
                rc = event_apply(db, h.ev + at, chunk, NULL);
        }
cleanup:
        free(h.ev);
        return rc;
}
