/* Synthetic data for benchmarks: bulk inserts in one transaction, text from a fixed vocabulary
 * with a fixed seed, so every run builds the same site. */
#include "model/bench_seed.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/event.h"
#include "model/member.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const vocabulary[] = {
    "team",     "habit",  "note",    "garden",   "season",   "review", "question", "answer",
    "small",    "weekly", "honest",  "shared",   "practice", "learn",  "write",    "read",
    "notebook", "pair",   "change",  "measure",  "balcony",  "tomato", "radish",   "friday",
    "map",      "doubt",  "certain", "together", "slowly",   "clear",  "first",    "draft",
    "loop",     "short",  "long",    "quiet",    "careful",  "bold",   "kind",     "useful",
};
enum { VOCAB = sizeof(vocabulary) / sizeof(vocabulary[0]) };

/* xorshift64*: deterministic and fast. */
static uint64_t next_random(uint64_t *s)
{
        uint64_t x = *s;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *s = x;
        return x * 2685821657736338717ULL;
}

/* Appends n words as sentences and paragraphs of Markdown. */
static void words(struct buf *b, uint64_t *rng, int n, bool headings)
{
        int in_sentence = 0, in_paragraph = 0;
        for (int i = 0; i < n; i++) {
                const char *w = vocabulary[next_random(rng) % VOCAB];
                if (in_sentence == 0) {
                        buf_putc(b, (char)(w[0] - 'a' + 'A'));
                        buf_puts(b, w + 1);
                } else {
                        buf_putc(b, ' ');
                        buf_puts(b, w);
                }
                if (++in_sentence >= 8 + (int)(next_random(rng) % 10)) {
                        buf_puts(b, ". ");
                        in_sentence = 0;
                        if (++in_paragraph >= 5) {
                                buf_puts(b, "\n\n");
                                in_paragraph = 0;
                                if (headings && next_random(rng) % 4 == 0)
                                        buf_printf(b, "## Part %d\n\n", i);
                        }
                }
        }
        buf_puts(b, ".\n");
}

static int exec(struct db_stmt *s)
{
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}

static int64_t insert_member(struct db *db, const char *handle, const char *name, const char *role,
                             const char *hash, int64_t now)
{
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO member (handle, handle_key, display_name, headline, bio, email, "
                "email_key, password_hash, role, created_at, updated_at) VALUES (?1, ?1, ?2, ?3, "
                "'', ?4, ?4, ?5, ?6, ?7, ?7) RETURNING id");
        if (!s)
                return -1;
        char email[96], headline[96];
        snprintf(email, sizeof(email), "%s@bench.test", handle);
        snprintf(headline, sizeof(headline), "Reads %s letters on Tuesdays", handle);
        db_bind_text(s, 1, handle);
        db_bind_text(s, 2, name);
        db_bind_text(s, 3, headline);
        db_bind_text(s, 4, email);
        db_bind_text(s, 5, hash);
        db_bind_text(s, 6, role);
        db_bind_int(s, 7, now);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return id;
}

/* Renders Markdown and stores an episode row directly (the editor's checks are for people). */
static int64_t insert_episode(struct db *db, int64_t newsletter, int64_t season, int number,
                              int64_t author, const char *slug, const char *title, const char *body,
                              int64_t publish_at)
{
        struct mdr_result r;
        if (mdr_render(body, strlen(body), MDR_ARTICLE, &r) != 0) {
                mdr_result_free(&r);
                return -1;
        }
        char excerpt[240];
        snprintf(excerpt, sizeof(excerpt), "%.200s…", r.text.data ? r.text.data : "");
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO episode (newsletter_id, season_id, number, author_id, slug, title, "
                "subtitle, body, body_html, body_text, excerpt, words, reading_minutes, status, "
                "publish_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'A letter "
                "from the benchmark', ?7, ?8, ?9, ?10, ?11, ?12, 'published', ?13, ?13, ?13) "
                "RETURNING id");
        int64_t id = -1;
        if (s) {
                db_bind_int(s, 1, newsletter);
                db_bind_int(s, 2, season);
                db_bind_int(s, 3, number);
                db_bind_int(s, 4, author);
                db_bind_text(s, 5, slug);
                db_bind_text(s, 6, title);
                db_bind_text(s, 7, body);
                db_bind_textn(s, 8, r.html.data ? r.html.data : "", r.html.len);
                db_bind_textn(s, 9, r.text.data ? r.text.data : "", r.text.len);
                db_bind_text(s, 10, excerpt);
                db_bind_int(s, 11, r.words);
                db_bind_int(s, 12, r.reading_minutes ? r.reading_minutes : 1);
                db_bind_int(s, 13, publish_at);
                id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
                db_finish(s);
        }
        mdr_result_free(&r);
        return id;
}

struct comment_text {
        char body[160];
        struct buf html;
};

static int64_t insert_comment(struct db *db, int64_t episode, int64_t parent, int64_t root,
                              int depth, int64_t author, const struct comment_text *t,
                              const char *quote, int64_t quote_start, int64_t at)
{
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO comment (episode_id, parent_id, root_id, depth, author_id, body, "
                "body_html, quote_exact, quote_start, created_at, updated_at) VALUES (?1, ?2, ?3, "
                "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) RETURNING id");
        if (!s)
                return -1;
        db_bind_int(s, 1, episode);
        if (parent)
                db_bind_int(s, 2, parent);
        else
                db_bind_null(s, 2);
        db_bind_int(s, 3, root);
        db_bind_int(s, 4, depth);
        db_bind_int(s, 5, author);
        db_bind_text(s, 6, t->body);
        db_bind_textn(s, 7, t->html.data, t->html.len);
        db_bind_text(s, 8, quote);
        if (quote)
                db_bind_int(s, 9, quote_start);
        else
                db_bind_null(s, 9);
        db_bind_int(s, 10, at);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        if (id > 0 && !parent) {
                s = db_prepare(db, "UPDATE comment SET root_id = id WHERE id = ?1");
                if (!s)
                        return -1;
                db_bind_int(s, 1, id);
                if (exec(s) != 0)
                        return -1;
        }
        return id;
}

int bench_seed(struct db *db, const struct bench_seed_options *o)
{
        if (member_count(db) != 0) {
                fprintf(stderr, "kindred: bench seed wants an empty site (kindred init --data "
                                "NEW)\n");
                return -1;
        }
        char hash[crypto_pwhash_STRBYTES];
        if (member_hash_password(BENCH_PASSWORD, hash) != 0)
                return -1;
        uint64_t rng = 0x9E3779B97F4A7C15ULL;
        int64_t now = time_now();
        int rc = -1;
        struct buf b = BUF_INIT;
        enum { TEXTS = 64 };
        struct comment_text *texts = calloc(TEXTS, sizeof(*texts));
        /* No fsync and (SQLite) a large page cache: the events phase seeks rollup indexes at
         * random. */
        db_set_durability(db, DB_DURABLE_OFF);
        if (db_kind(db) == DB_SQLITE)
                db_exec_script(db, "PRAGMA cache_size=-262144;");
        if (db_begin(db) != DB_OK)
                goto done;

        /* members */
        int64_t author = insert_member(db, "bench_author", "Bench Author", "author", hash, now);
        int64_t reader = insert_member(db, "bench_reader", "Bench Reader", "reader", hash, now);
        if (author < 0 || reader < 0)
                goto done;
        int64_t first_member = reader + 1;
        for (int i = 0; i < o->members; i++) {
                char handle[32], name[48];
                snprintf(handle, sizeof(handle), "m%06d", i + 1);
                snprintf(name, sizeof(name), "Member %d", i + 1);
                if (insert_member(db, handle, name, "reader", hash, now - i) < 0)
                        goto done;
                /* Each insert adds one to the member count (a trigger updates one counter
                 * row). PostgreSQL cannot prune that row's old versions inside the transaction
                 * that made them, and every update walks them all: 100,000 members in one
                 * transaction did not finish in 5 minutes. Batches keep the walk short. */
                if ((i + 1) % 1000 == 0 && (db_commit(db) != DB_OK || db_begin(db) != DB_OK))
                        goto done;
        }
        printf("members: %d\n", o->members + 2);
        fflush(stdout);

        /* newsletters of 10 seasons x 100 episodes; the first also holds the long read */
        int per_newsletter = 1000,
            newsletters = (o->episodes + per_newsletter - 1) / per_newsletter;
        if (newsletters < 1)
                newsletters = 1;
        int64_t first_episode = 0, made = 0, hot = 0;
        for (int n = 0; n < newsletters; n++) {
                struct db_stmt *s = db_prepare(
                    db, "INSERT INTO newsletter (slug, title, description, description_html, "
                        "owner_id, created_at, updated_at) VALUES (?1, ?2, 'Synthetic letters.', "
                        "'<p>Synthetic letters.</p>\n', ?3, ?4, ?4) RETURNING id");
                if (!s)
                        goto done;
                char slug[64], title[64];
                snprintf(slug, sizeof(slug), n == 0 ? "bench-letters" : "bench-letters-%d", n);
                snprintf(title, sizeof(title), "Bench Letters %d", n + 1);
                db_bind_text(s, 1, slug);
                db_bind_text(s, 2, title);
                db_bind_int(s, 3, author);
                db_bind_int(s, 4, now);
                int64_t nl = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
                db_finish(s);
                if (nl < 0)
                        goto done;
                for (int season = 1; season <= 10 && made < o->episodes; season++) {
                        s = db_prepare(db, "INSERT INTO season (newsletter_id, number, title, "
                                           "cadence, cadence_n, status, created_at, updated_at) "
                                           "VALUES (?1, ?2, ?3, 'weekly', 2, ?4, ?5, ?5) "
                                           "RETURNING id");
                        if (!s)
                                goto done;
                        char st[32];
                        snprintf(st, sizeof(st), "Season %d", season);
                        db_bind_int(s, 1, nl);
                        db_bind_int(s, 2, season);
                        db_bind_text(s, 3, st);
                        db_bind_text(s, 4, season == 10 ? "airing" : "finished");
                        db_bind_int(s, 5, now);
                        int64_t sid = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
                        db_finish(s);
                        if (sid < 0)
                                goto done;
                        for (int e = 1; e <= 100 && made < o->episodes; e++, made++) {
                                char eslug[64], etitle[96];
                                bool long_read = n == 0 && season == 10 && e == 100;
                                if (long_read) {
                                        snprintf(eslug, sizeof(eslug), "the-long-read");
                                        snprintf(etitle, sizeof(etitle), "The Long Read");
                                } else {
                                        snprintf(eslug, sizeof(eslug), "letter-%lld",
                                                 (long long)made + 1);
                                        snprintf(etitle, sizeof(etitle),
                                                 "Letter %lld: on %s and %s", (long long)made + 1,
                                                 vocabulary[next_random(&rng) % VOCAB],
                                                 vocabulary[next_random(&rng) % VOCAB]);
                                }
                                buf_reset(&b);
                                words(&b, &rng, long_read ? o->long_read_words : 120, long_read);
                                /* older episodes first; the long read is the newest */
                                int64_t at = long_read ? now - 3600
                                                       : now - 7200 - (o->episodes - made) * 600;
                                int64_t id = insert_episode(db, nl, sid, e, author, eslug, etitle,
                                                            b.data, at);
                                if (id < 0)
                                        goto done;
                                if (!first_episode)
                                        first_episode = id;
                                if (long_read)
                                        hot = id;
                        }
                }
                if (made % 10000 == 0 || n == newsletters - 1) {
                        printf("episodes: %lld\n", (long long)made);
                        fflush(stdout);
                }
        }

        if (!hot) {
                fprintf(stderr, "kindred: bench seed needs at least 1,000 episodes for the long "
                                "read\n");
                goto done;
        }
        /* comment texts, rendered once each */
        for (int t = 0; t < TEXTS; t++) {
                buf_reset(&b);
                words(&b, &rng, 12 + t % 20, false);
                snprintf(texts[t].body, sizeof(texts[t].body), "%s", b.data);
                struct mdr_result r;
                mdr_render(texts[t].body, strlen(texts[t].body), MDR_MEMBER, &r);
                buf_append(&texts[t].html, r.html.data ? r.html.data : "", r.html.len);
                mdr_result_free(&r);
        }
        /* the long read: threads of replies, some quoting its text */
        const char *quote = NULL;
        struct db_stmt *q = db_prepare(db, "SELECT substr(body_text, 1, 60) FROM episode WHERE "
                                           "id = ?1");
        char quote_text[128] = "";
        if (q) {
                db_bind_int(q, 1, hot);
                if (db_step(q) == DB_ROW)
                        snprintf(quote_text, sizeof(quote_text), "%s", db_col_text(q, 0));
                db_finish(q);
        }
        if (*quote_text)
                quote = quote_text;
        int64_t root = 0, parent = 0;
        int depth = 0;
        for (int c = 0; c < o->hot_comments; c++) {
                int64_t who = first_member + (int64_t)(next_random(&rng) %
                                                       (uint64_t)(o->members ? o->members : 1));
                bool new_thread = c % 5 == 0;
                if (new_thread) {
                        root = parent = 0;
                        depth = 0;
                }
                int64_t id =
                    insert_comment(db, hot, parent, root, depth, who, &texts[c % TEXTS],
                                   new_thread && c % 10 == 0 ? quote : NULL, 0, now - 3000 + c);
                if (id < 0)
                        goto done;
                if (new_thread)
                        root = id;
                parent = id;
                depth++;
                static const char *const kinds[] = {"like", "insightful", "agree", "love"};
                for (int k = 0; k < 3; k++) {
                        struct db_stmt *s = db_prepare(
                            db, "INSERT INTO reaction (target, target_id, kind, member_id, "
                                "created_at) VALUES ('comment', ?1, ?2, ?3, ?4) ON CONFLICT DO "
                                "NOTHING");
                        if (!s)
                                goto done;
                        db_bind_int(s, 1, id);
                        db_bind_text(s, 2, kinds[(c + k) % 4]);
                        db_bind_int(s, 3, first_member + k);
                        db_bind_int(s, 4, now);
                        if (exec(s) != 0)
                                goto done;
                }
        }
        /* the rest, ten a thread, spread over the archive */
        int rest = o->comments - o->hot_comments;
        for (int c = 0; c < rest; c++) {
                int64_t episode = first_episode + (int64_t)(next_random(&rng) % (uint64_t)made);
                if (episode == hot)
                        episode = first_episode;
                int64_t who = first_member + (int64_t)(next_random(&rng) %
                                                       (uint64_t)(o->members ? o->members : 1));
                if (insert_comment(db, episode, 0, 0, 0, who, &texts[c % TEXTS], NULL, 0,
                                   now - 7200) < 0)
                        goto done;
                if (c % 100000 == 0) {
                        printf("comments: %d\n", c + o->hot_comments);
                        fflush(stdout);
                }
        }
        struct db_stmt *s = db_prepare(db, "UPDATE episode SET comment_count = (SELECT count(*) "
                                           "FROM comment c WHERE c.episode_id = episode.id)");
        if (!s || exec(s) != 0)
                goto done;
        if (db_commit(db) != DB_OK)
                goto done;
        printf("comments: %d\n", o->comments);
        rc = o->events > 0 ? bench_seed_events(db, o->events) : 0;
        if (rc == 0)
                printf("Done. Long read at %s; bench_author and bench_reader log in with \"%s\".\n",
                       BENCH_LONG_READ, BENCH_PASSWORD);
        else
                goto events_failed;
done:
        if (rc != 0) {
                fprintf(stderr, "kindred: bench seed failed: %s\n", db_errmsg(db));
                db_rollback(db);
        }
events_failed:
        db_set_durability(db, DB_DURABLE_FULL);
        for (int t = 0; t < TEXTS; t++)
                buf_free(&texts[t].html);
        free(texts);
        buf_free(&b);
        return rc;
}

/* ------------------------------------------------------------ insights events */

struct bench_episode {
        int64_t id, newsletter_id, publish_at;
        int season, number;
};

struct event_buf {
        struct event *ev;
        size_t n, cap;
        int64_t now;
};

static void push_event(struct event_buf *b, struct event e)
{
        if (e.at > b->now)
                e.at = b->now - (e.at - b->now) % 3600; /* nothing happens after now */
        if (b->n == b->cap) {
                b->cap = b->cap ? 2 * b->cap : 65536;
                b->ev = realloc(b->ev, b->cap * sizeof(*b->ev));
                if (!b->ev)
                        abort();
        }
        b->ev[b->n++] = e;
}

static int event_by_time(const void *a, const void *b)
{
        const struct event *x = a, *y = b;
        return x->at < y->at ? -1 : x->at > y->at ? 1 : 0;
}

/* The shape of the synthetic community (docs/performance.md): a season's cohort is
 * BENCH_CORE_PERCENT regulars (the same members every season of a newsletter, each episode
 * with BENCH_CORE_READS percent) and others who start with episode 1 and stay for each next one
 * with BENCH_STAY percent. */
enum { BENCH_CORE_PERCENT = 20, BENCH_CORE_READS = 90, BENCH_STAY = 96 };

/* Reads one member of a cohort makes in a season of e episodes, on average. */
static double reads_per_cohort_member(int e)
{
        double other = 0, stay = 1;
        for (int k = 0; k < e; k++, stay *= BENCH_STAY / 100.0)
                other += stay;
        return BENCH_CORE_PERCENT / 100.0 * BENCH_CORE_READS / 100.0 * e +
               (100 - BENCH_CORE_PERCENT) / 100.0 * other;
}

/* One member's visit to an episode and what they do there. last_commenter: who commented last
 * on the episode (0: nobody yet), updated. */
static void bench_visit(struct event_buf *b, uint64_t *rng, const struct bench_episode *e,
                        int64_t member, int64_t author, int64_t at, int64_t *last_commenter)
{
        push_event(b, (struct event){.at = at, .kind = EVENT_VIEW, .member_id = member,
                                     .episode_id = e->id});
        if (next_random(rng) % 10 == 0)
                return; /* left before the page showed: no beacon */
        push_event(b, (struct event){.at = at + 3, .kind = EVENT_SEEN, .member_id = member,
                                     .episode_id = e->id});
        uint64_t r = next_random(rng) % 1000;
        if (r < 600)
                push_event(b, (struct event){.at = at + 240, .kind = EVENT_READ, .member_id = member,
                                             .episode_id = e->id});
        r = next_random(rng) % 1000;
        if (r < 110) {
                bool to_comment = r < 30 && *last_commenter && *last_commenter != member;
                push_event(b, (struct event){.at = at + 300, .kind = EVENT_REACTION,
                                             .member_id = member, .episode_id = e->id,
                                             .other_id = to_comment ? *last_commenter : 0});
        }
        r = next_random(rng) % 1000;
        if (r < 60) {
                bool reply = r < 35 && *last_commenter && *last_commenter != member;
                push_event(b, (struct event){.at = at + 400,
                                             .kind = reply ? EVENT_REPLY : EVENT_COMMENT,
                                             .member_id = member, .episode_id = e->id,
                                             .other_id = reply ? *last_commenter : 0});
                if (next_random(rng) % 5 == 0) /* the author answers one comment in five */
                        push_event(b, (struct event){.at = at + 4000, .kind = EVENT_REPLY,
                                                     .member_id = author, .episode_id = e->id,
                                                     .other_id = member});
                *last_commenter = member;
        }
        r = next_random(rng) % 1000;
        if (r < 4)
                push_event(b, (struct event){.at = at + 7200, .kind = EVENT_BUILDON,
                                             .member_id = member, .episode_id = e->id,
                                             .other_id = author});
        else if (r < 9)
                push_event(b, (struct event){.at = at + 7200, .kind = EVENT_TRIED,
                                             .member_id = member, .episode_id = e->id});
}

/* Writes the buffer in time order, in transactions of many events. */
static int bench_flush(struct db *db, struct event_buf *b, int64_t *written)
{
        qsort(b->ev, b->n, sizeof(*b->ev), event_by_time);
        enum { CHUNK = 100000 };
        for (size_t at = 0; at < b->n; at += CHUNK) {
                size_t n = b->n - at < CHUNK ? b->n - at : CHUNK;
                if (event_apply(db, b->ev + at, n, NULL) != 0)
                        return -1;
        }
        *written += (int64_t)b->n;
        b->n = 0;
        return 0;
}

int bench_seed_events(struct db *db, int64_t target)
{
        int64_t author = 0, first_member = 0, last_member = 0;
        struct db_stmt *s = db_prepare(db, "SELECT (SELECT id FROM member WHERE handle = "
                                           "'bench_author'), (SELECT id FROM member WHERE handle = "
                                           "'bench_reader'), (SELECT max(id) FROM member)");
        if (!s)
                return -1;
        if (db_step(s) == DB_ROW) {
                author = db_col_int(s, 0);
                first_member = db_col_int(s, 1) + 1;
                last_member = db_col_int(s, 2);
        }
        db_finish(s);
        if (!author || last_member < first_member) {
                fprintf(stderr, "kindred: bench seed --events wants the seeded members\n");
                return -1;
        }
        int64_t members = last_member - first_member + 1;

        /* Every live episode, newsletter by newsletter, season by season. */
        size_t neps = 0, cap = 0;
        struct bench_episode *eps = NULL;
        s = db_prepare(db, "SELECT e.id, e.newsletter_id, e.publish_at, s.number, e.number FROM "
                           "episode e JOIN season s ON s.id = e.season_id ORDER BY e.newsletter_id, "
                           "s.number, e.number");
        if (!s)
                return -1;
        while (db_step(s) == DB_ROW) {
                if (neps == cap) {
                        cap = cap ? 2 * cap : 4096;
                        eps = realloc(eps, cap * sizeof(*eps));
                        if (!eps)
                                abort();
                }
                eps[neps++] = (struct bench_episode){db_col_int(s, 0), db_col_int(s, 1),
                                                     db_col_int(s, 2), (int)db_col_int(s, 3),
                                                     (int)db_col_int(s, 4)};
        }
        db_finish(s);
        size_t seasons = 0, newsletters = 0;
        for (size_t i = 0; i < neps; i++) {
                seasons += i == 0 || eps[i].season != eps[i - 1].season ||
                           eps[i].newsletter_id != eps[i - 1].newsletter_id;
                newsletters += i == 0 || eps[i].newsletter_id != eps[i - 1].newsletter_id;
        }
        if (!neps) {
                free(eps);
                return 0;
        }

        /* Three quarters of the events are members', a quarter guests'. */
        int per_season = (int)(neps / seasons);
        double member_events = 0.75 * (double)target, guest_events = 0.25 * (double)target;
        /* 2.6 events a read on average (view, beacon, completed read, reactions, comments ...),
         * measured: 949,894 events were written for 1,000,000 asked with 2.75 here. */
        int cohort = (int)(member_events / (2.6 * reads_per_cohort_member(per_season) * seasons));
        if (cohort < 1)
                cohort = 1;
        int core = cohort * BENCH_CORE_PERCENT / 100;
        double guests_per_episode = guest_events / 2.3 / (double)neps;
        int64_t pool = members / 5 > cohort ? members / 5 : members;
        printf("events: %lld wanted; %zu newsletters, %zu seasons, cohorts of %d readers (%d "
               "regulars), %.1f guests an episode\n",
               (long long)target, newsletters, seasons, cohort, core, guests_per_episode);
        fflush(stdout);

        uint64_t rng = 0xC0FFEE1234567ULL;
        struct event_buf b = {.now = time_now()};
        int64_t written = 0;
        int64_t *in_season = calloc((size_t)cohort, sizeof(int64_t));
        bool *staying = calloc((size_t)cohort, sizeof(bool));
        uint64_t t0 = time_mono_us();
        int64_t nl_index = 0;
        int rc = 0;
        for (size_t i = 0; i < neps && rc == 0;) {
                /* One newsletter: its audience is a slice of the members. */
                int64_t nl = eps[i].newsletter_id;
                int64_t start = (nl_index * 7919) % members;
                nl_index++;
                while (i < neps && eps[i].newsletter_id == nl) {
                        /* One season: its cohort, regulars first. */
                        int season = eps[i].season;
                        for (int c = 0; c < cohort; c++) {
                                int64_t k = c < core ? c : core + (int64_t)(next_random(&rng) %
                                                                           (uint64_t)(pool - core));
                                in_season[c] = first_member + (start + k) % members;
                                staying[c] = true;
                        }
                        int64_t last_commenter = 0;
                        for (; i < neps && eps[i].newsletter_id == nl && eps[i].season == season;
                             i++) {
                                const struct bench_episode *e = &eps[i];
                                last_commenter = 0;
                                for (int c = 0; c < cohort; c++) {
                                        bool reads;
                                        if (c < core)
                                                reads = next_random(&rng) % 100 < BENCH_CORE_READS;
                                        else {
                                                if (e->number > 1 && staying[c] &&
                                                    next_random(&rng) % 100 >= BENCH_STAY)
                                                        staying[c] = false;
                                                reads = staying[c];
                                        }
                                        if (!reads)
                                                continue;
                                        int64_t delay = c < core ? (int64_t)(next_random(&rng) % 172800)
                                                                 : (int64_t)(next_random(&rng) % 604800);
                                        bench_visit(&b, &rng, e, in_season[c], author,
                                                    e->publish_at + 60 + delay, &last_commenter);
                                        if (e->number == 1 && c < core && season == 1)
                                                push_event(&b, (struct event){
                                                                   .at = e->publish_at + 600 + delay,
                                                                   .kind = EVENT_FOLLOW,
                                                                   .member_id = in_season[c],
                                                                   .newsletter_id = nl});
                                }
                                /* Guests: a new hash each, most in the first days. */
                                int g = (int)guests_per_episode;
                                if ((double)(next_random(&rng) % 1000) <
                                    (guests_per_episode - g) * 1000)
                                        g++;
                                for (int k = 0; k < g; k++) {
                                        int64_t at = e->publish_at + 60 +
                                                     (int64_t)(next_random(&rng) % 259200);
                                        int64_t hash = (int64_t)(next_random(&rng) >> 2) + 1;
                                        push_event(&b, (struct event){.at = at, .kind = EVENT_VIEW,
                                                                      .guest = hash,
                                                                      .episode_id = e->id});
                                        if (next_random(&rng) % 10 < 9)
                                                push_event(&b, (struct event){.at = at + 3,
                                                                              .kind = EVENT_SEEN,
                                                                              .guest = hash,
                                                                              .episode_id = e->id});
                                        if (next_random(&rng) % 10 < 4)
                                                push_event(&b, (struct event){.at = at + 300,
                                                                              .kind = EVENT_READ,
                                                                              .guest = hash,
                                                                              .episode_id = e->id});
                                }
                        }
                }
                rc = bench_flush(db, &b, &written);
                if (rc == 0 && (nl_index % 10 == 0 || i == neps)) {
                        double ms = (double)(time_mono_us() - t0) / 1000.0;
                        printf("events: %lld in %.1f s (%.0f a second)\n", (long long)written,
                               ms / 1000.0, ms > 0 ? (double)written * 1000.0 / ms : 0.0);
                        fflush(stdout);
                }
        }
        free(in_season);
        free(staying);
        free(eps);
        free(b.ev);
        if (rc != 0)
                fprintf(stderr, "kindred: bench seed --events failed: %s\n", db_errmsg(db));
        return rc;
}
