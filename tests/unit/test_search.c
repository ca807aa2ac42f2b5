/* Unit tests of model/search.c: how a query splits into words, and how snippets are cut and
 * marked (pure functions); and the index itself on a real SQLite file (and on PostgreSQL under
 * KINDRED_TEST_PG_URL): the migration indexes what exists, the triggers follow inserts, edits
 * and deletes, and the query reads visibility from each row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "core/limits.h"
#include "model/search.h"
#include "tmpdb.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- parsing */

static void words_split_on_spaces_and_quotes_group(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        struct search_query q;
        assert_int_equal(search_parse(a, "  tea   ceremony  ", &q), SEARCH_OK);
        assert_int_equal(q.n, 2);
        assert_string_equal(q.terms[0], "tea");
        assert_string_equal(q.terms[1], "ceremony");
        assert_int_equal(search_parse(a, "\"tea ceremony\" kyoto", &q), SEARCH_OK);
        assert_int_equal(q.n, 2);
        assert_string_equal(q.terms[0], "tea ceremony");
        /* an unclosed quote runs to the end; inner spaces trimmed */
        assert_int_equal(search_parse(a, "\" open quote ", &q), SEARCH_OK);
        assert_int_equal(q.n, 1);
        assert_string_equal(q.terms[0], "open quote");
        /* the ideographic space separates Chinese words */
        assert_int_equal(search_parse(a, "十五分钟　效果很好", &q), SEARCH_OK);
        assert_int_equal(q.n, 2);
        assert_string_equal(q.terms[1], "效果很好");
        /* short words are left out and counted; past the fifth too */
        assert_int_equal(search_parse(a, "a cup of tea", &q), SEARCH_OK);
        assert_int_equal(q.n, 2);
        assert_int_equal(q.skipped, 2);
        assert_int_equal(search_parse(a, "one two three four five sixth", &q), SEARCH_OK);
        assert_int_equal(q.n, KD_SEARCH_TERMS_MAX);
        assert_int_equal(q.skipped, 1);
        arena_free(a);
}

static void bad_queries_are_refused_by_kind(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        struct search_query q;
        assert_int_equal(search_parse(a, "", &q), SEARCH_EMPTY);
        assert_int_equal(search_parse(a, NULL, &q), SEARCH_EMPTY);
        assert_int_equal(search_parse(a, " \t ", &q), SEARCH_EMPTY);
        assert_int_equal(search_parse(a, "\"\"", &q), SEARCH_EMPTY);
        assert_int_equal(search_parse(a, "ab cd", &q), SEARCH_TOO_SHORT);
        assert_int_equal(q.n, 0);
        assert_int_equal(search_parse(a, "复盘", &q), SEARCH_TOO_SHORT);
        assert_int_equal(search_parse(a, "\xff\xfe abc", &q), SEARCH_INVALID);
        assert_int_equal(search_parse(a, "abc\x01", &q), SEARCH_INVALID);
        char longq[KD_SEARCH_QUERY_MAX * 3 + 8];
        /* the bound counts code points, not bytes: 120 Chinese characters are allowed */
        longq[0] = '\0';
        for (int i = 0; i < KD_SEARCH_QUERY_MAX; i++)
                strcat(longq, "字");
        assert_int_equal(search_parse(a, longq, &q), SEARCH_OK);
        strcat(longq, "字");
        assert_int_equal(search_parse(a, longq, &q), SEARCH_TOO_LONG);
        arena_free(a);
}

static void kinds_round_trip_as_parameters(void **state)
{
        (void)state;
        for (int k = SEARCH_ANY; k <= SEARCH_MEMBER; k++)
                assert_int_equal(search_kind_from_param(search_kind_param((enum search_kind)k)), k);
        assert_int_equal(search_kind_from_param("nonsense"), SEARCH_ANY);
        assert_int_equal(search_kind_from_param(NULL), SEARCH_ANY);
}

/* ---------------------------------------------------------------- snippets */

/* The pieces joined, matches in [brackets]. */
static const char *joined(struct arena *a, const struct search_piece *p, size_t n)
{
        struct buf b = BUF_INIT;
        for (size_t i = 0; i < n; i++) {
                if (p[i].match)
                        buf_putc(&b, '[');
                buf_append(&b, p[i].text, p[i].len);
                if (p[i].match)
                        buf_putc(&b, ']');
        }
        buf_putc(&b, '\0');
        const char *out = arena_strdup(a, b.data);
        buf_free(&b);
        return out;
}

static void snippets_mark_every_match_in_any_case(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        struct search_query q;
        search_parse(a, "retro team", &q);
        struct search_piece *p;
        size_t n = search_snippet(a, "Our Retro ran\n\nlong;   the TEAM liked retros.", &q, &p);
        assert_string_equal(joined(a, p, n), "Our [Retro] ran long; the [TEAM] liked [retro]s.");
        /* the longest word wins where two start at one place */
        search_parse(a, "tea teapot", &q);
        n = search_snippet(a, "A teapot of tea.", &q, &p);
        assert_string_equal(joined(a, p, n), "A [teapot] of [tea].");
        /* Chinese, and a match at the very start and end */
        search_parse(a, "三人行 我师焉", &q);
        n = search_snippet(a, "三人行，必有我师焉", &q, &p);
        assert_string_equal(joined(a, p, n), "[三人行]，必有[我师焉]");
        /* no match in the text (it was in the title): the start, unmarked */
        search_parse(a, "absent", &q);
        n = search_snippet(a, "Nothing here.", &q, &p);
        assert_string_equal(joined(a, p, n), "Nothing here.");
        n = search_snippet(a, "", &q, &p);
        assert_int_equal(n, 0);
        arena_free(a);
}

static void long_texts_are_cut_around_the_first_match(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        struct buf text = BUF_INIT;
        for (int i = 0; i < 60; i++)
                buf_puts(&text, "lorem ipsum ");
        buf_puts(&text, "the needle sits here ");
        for (int i = 0; i < 60; i++)
                buf_puts(&text, "dolor sit ");
        buf_putc(&text, '\0');
        struct search_query q;
        search_parse(a, "needle", &q);
        struct search_piece *p;
        size_t n = search_snippet(a, text.data, &q, &p);
        const char *s = joined(a, p, n);
        assert_true(strncmp(s, "…", strlen("…")) == 0);
        assert_true(strcmp(s + strlen(s) - strlen("…"), "…") == 0);
        assert_non_null(strstr(s, "the [needle] sits"));
        /* about the snippet's length in code points, opening on a whole word */
        size_t chars = utf8_count(s, strlen(s));
        assert_true(chars <= KD_SEARCH_SNIPPET_CHARS + 4);
        assert_true(chars >= KD_SEARCH_SNIPPET_CHARS - 30);
        assert_true(strncmp(s, "…lorem", strlen("…lorem")) == 0 ||
                    strncmp(s, "…ipsum", strlen("…ipsum")) == 0);
        /* a cut never splits a character */
        buf_reset(&text);
        for (int i = 0; i < 300; i++)
                buf_puts(&text, "字");
        buf_puts(&text, "针在这里");
        for (int i = 0; i < 300; i++)
                buf_puts(&text, "字");
        buf_putc(&text, '\0');
        search_parse(a, "针在这", &q);
        n = search_snippet(a, text.data, &q, &p);
        s = joined(a, p, n);
        assert_true(utf8_valid(s, strlen(s)));
        assert_non_null(strstr(s, "[针在这]里"));
        buf_free(&text);
        arena_free(a);
}

/* ---------------------------------------------------------------- the index */

static int setup(void **state)
{
        struct tmpdb *t = calloc(1, sizeof(*t));
        if (tmpdb_open(t) != 0 || db_migrate(t->db, NULL) != DB_OK)
                return -1;
        *state = t;
        return 0;
}

static int teardown(void **state)
{
        struct tmpdb *t = *state;
        tmpdb_remove(t);
        free(t);
        return 0;
}

static void exec(struct db *db, const char *sql)
{
        assert_int_equal(db_exec_script(db, sql), DB_OK);
}

static int found(struct db *db, const char *words, enum search_kind kind, bool members,
                 int64_t *first_id)
{
        struct arena *a = arena_new();
        struct search_query q;
        assert_int_equal(search_parse(a, words, &q), SEARCH_OK);
        struct search_scope scope = {
            .kind = kind, .comments = true, .members = members, .now = 2000000000, .page = 1};
        struct search_hit *hits;
        bool more, capped;
        int n = search_run(db, a, &q, &scope, &hits, &more, &capped);
        assert_false(capped);
        assert_true(n >= 0);
        if (first_id)
                *first_id = n > 0 ? hits[0].id : 0;
        arena_free(a);
        return n;
}

static void the_index_follows_every_write(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        exec(db, "INSERT INTO member (id, handle, handle_key, display_name, headline, email, "
                 "email_key, password_hash, created_at, updated_at) VALUES (1, 'mira', 'mira', "
                 "'Mira Okafor', 'Writes about small teams', 'm@x.test', 'm@x.test', 'x', 1, 1)");
        exec(db, "INSERT INTO newsletter (id, slug, title, owner_id, created_at, updated_at) "
                 "VALUES (1, 'lip', 'Learning in Public', 1, 1, 1)");
        exec(db, "INSERT INTO season (id, newsletter_id, number, title, cadence, created_at, "
                 "updated_at) VALUES (1, 1, 1, 'One', 'irregular', 1, 1)");
        exec(db, "INSERT INTO episode (id, newsletter_id, season_id, number, author_id, slug, "
                 "title, body, body_html, body_text, status, publish_at, created_at, updated_at) "
                 "VALUES (1, 1, 1, 1, 1, 'first', 'Quillwort Gardens', '', '', 'About "
                 "moss and stones.', 'published', 100, 1, 1)");
        exec(db, "INSERT INTO comment (id, episode_id, author_id, body, body_html, created_at, "
                 "updated_at) VALUES (1, 1, 1, 'The moss is quillwort too.', '', 200, 200)");
        int64_t id;
        assert_int_equal(found(db, "quillwort", SEARCH_ANY, true, &id), 2);
        assert_int_equal(id, 1);
        assert_int_equal(found(db, "quillwort", SEARCH_COMMENT, true, &id), 1);
        assert_int_equal(found(db, "small teams", SEARCH_ANY, true, &id), 1);
        assert_int_equal(found(db, "small teams", SEARCH_ANY, false, NULL), 0);
        /* edits */
        exec(db, "UPDATE episode SET body_text = 'About lichen now.' WHERE id = 1");
        assert_int_equal(found(db, "moss stones", SEARCH_EPISODE, true, NULL), 0);
        assert_int_equal(found(db, "lichen", SEARCH_EPISODE, true, NULL), 1);
        exec(db, "UPDATE member SET headline = 'Gardener' WHERE id = 1");
        assert_int_equal(found(db, "small teams", SEARCH_ANY, true, NULL), 0);
        assert_int_equal(found(db, "gardener", SEARCH_MEMBER, true, NULL), 1);
        /* states read from the rows */
        exec(db, "UPDATE comment SET state = 'hidden' WHERE id = 1");
        assert_int_equal(found(db, "quillwort", SEARCH_COMMENT, true, NULL), 0);
        exec(db, "UPDATE comment SET state = 'visible' WHERE id = 1");
        exec(db, "UPDATE episode SET publish_at = 2100000000, status = 'scheduled' WHERE id = 1");
        assert_int_equal(found(db, "quillwort", SEARCH_ANY, true, NULL), 0); /* nor its comment */
        exec(db, "UPDATE episode SET publish_at = 100, status = 'published' WHERE id = 1");
        exec(db, "UPDATE member SET disabled = 1 WHERE id = 1");
        assert_int_equal(found(db, "gardener", SEARCH_MEMBER, true, NULL), 0);
        /* deletes: the episode and, by cascade, its comment */
        exec(db, "DELETE FROM episode WHERE id = 1");
        assert_int_equal(found(db, "quillwort", SEARCH_ANY, true, NULL), 0);
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM search_doc WHERE kind <> 3");
        assert_int_equal(db_step(s), DB_ROW);
        assert_int_equal(db_col_int(s, 0), 0);
        db_finish(s);
}

/* One member, newsletter, season and published episode (id 1 each). */
static void the_site(struct db *db)
{
        exec(db, "INSERT INTO member (id, handle, handle_key, display_name, email, email_key, "
                 "password_hash, created_at, updated_at) VALUES (1, 'mira', 'mira', 'Mira', "
                 "'m@x.test', 'm@x.test', 'x', 1, 1)");
        exec(db, "INSERT INTO newsletter (id, slug, title, owner_id, created_at, updated_at) "
                 "VALUES (1, 'lip', 'Learning in Public', 1, 1, 1)");
        exec(db, "INSERT INTO season (id, newsletter_id, number, title, created_at, updated_at) "
                 "VALUES (1, 1, 1, 'One', 1, 1)");
        exec(db, "INSERT INTO episode (id, newsletter_id, season_id, number, author_id, slug, "
                 "title, body, body_html, body_text, status, publish_at, created_at, updated_at) "
                 "VALUES (1, 1, 1, 1, 1, 'first', 'First', '', '', 'Text.', 'published', 100, 1, "
                 "1)");
}

/* A word found in more than KD_SEARCH_CANDIDATES places: only the newest that many are ranked,
 * and the caller is told. */
static void common_words_rank_the_newest_matches(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                 "INSERT INTO comment (id, episode_id, author_id, body, body_html, created_at, "
                 "updated_at) SELECT i, 1, 1, 'Everywhere: ubiquitous.', '', 200 + i, 200 + i "
                 "FROM n",
                 KD_SEARCH_CANDIDATES + 5);
        exec(db, sql);
        struct arena *a = arena_new();
        struct search_query q;
        assert_int_equal(search_parse(a, "ubiquitous", &q), SEARCH_OK);
        struct search_scope scope = {.comments = true, .now = 2000000000, .page = 1};
        struct search_hit *hits;
        bool more, capped;
        assert_int_equal(search_run(db, a, &q, &scope, &hits, &more, &capped), KD_SEARCH_PER_PAGE);
        assert_true(capped);
        assert_true(more);
        assert_int_equal(hits[0].id, KD_SEARCH_CANDIDATES + 5); /* the newest first */
        /* the last page reachable, newest first all the way; no page after it */
        scope.page = KD_SEARCH_PAGES_MAX;
        assert_int_equal(search_run(db, a, &q, &scope, &hits, &more, &capped), KD_SEARCH_PER_PAGE);
        assert_int_equal(hits[KD_SEARCH_PER_PAGE - 1].id,
                         KD_SEARCH_CANDIDATES + 5 - KD_SEARCH_PAGES_MAX * KD_SEARCH_PER_PAGE + 1);
        assert_false(more);
        /* a rarer word is ranked among all its matches */
        exec(db, "UPDATE comment SET body = 'A rare marmoset.' WHERE id = 1");
        assert_int_equal(search_parse(a, "marmoset", &q), SEARCH_OK);
        scope.page = 1;
        assert_int_equal(search_run(db, a, &q, &scope, &hits, &more, &capped), 1);
        assert_false(capped);
        arena_free(a);
}

/* ---------------------------------------------------------------- the index in blocks */

/* As kindred serve: the batches' edges set once the schema is migrated. */
static int setup_batched(void **state)
{
        if (setup(state) != 0)
                return -1;
        db_batch_edges(search_batch_open, search_batch_close);
        return 0;
}

static int teardown_batched(void **state)
{
        db_batch_edges(NULL, NULL);
        return teardown(state);
}

static int64_t one_int(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t v = db_col_int(s, 0);
        db_finish(s);
        return v;
}

static void add_comment(struct db *db, const char *body)
{
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO comment (episode_id, author_id, body, body_html, created_at, "
                 "updated_at) VALUES (1, 1, '%s', '', 300, 300)",
                 body);
        exec(db, sql);
}

/* What the index itself holds for a word, without the catching up a search does first. */
static int64_t indexed(struct db *db, const char *word)
{
        char phrase[64];
        snprintf(phrase, sizeof(phrase), "\"%s\"", word);
        struct db_stmt *s =
            db_prepare(db, "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?1");
        assert_non_null(s);
        db_bind_text(s, 1, phrase);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t n = db_col_int(s, 0);
        db_finish(s);
        return n;
}

/* Rows of search_doc waiting for the index. */
static int64_t waiting(struct db *db)
{
        return one_int(db, "SELECT (SELECT coalesce(max(id), 0) FROM search_doc) - upto FROM "
                           "search_fts_state");
}

/* The index is whole once what waits is taken: FTS5's own check against search_doc, and no
 * batch left open. */
static void index_is_whole(struct db *db)
{
        assert_int_equal(search_catch_up(db), 0);
        assert_int_equal(waiting(db), 0);
        exec(db, "INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)");
        assert_int_equal(one_int(db, "SELECT deferring FROM search_fts_state"), 0);
}

/* Inside a batch (db_batch_edges set, as kindred serve sets it) new rows wait, past the
 * batch's commit: edits and deletes of a waiting row leave the index alone, a savepoint rolled
 * back leaves nothing; a search takes what waits first, and then the index holds exactly
 * search_doc. */
static void batched_rows_wait_and_a_search_takes_them(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        add_comment(db, "Committed alone: marmalade."); /* outside a batch: indexed at once */
        assert_int_equal(indexed(db, "marmalade"), 1);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(db_begin(db), DB_OK);
        add_comment(db, "Waiting: quinceward.");
        assert_int_equal(one_int(db, "SELECT deferring FROM search_fts_state"), 1);
        assert_int_equal(indexed(db, "quinceward"), 0);
        add_comment(db, "Edited while waiting: oldword.");
        exec(db, "UPDATE comment SET body = 'Edited while waiting: newword.' WHERE body LIKE "
                 "'%oldword%'");
        add_comment(db, "Deleted while waiting: goneword.");
        exec(db, "DELETE FROM comment WHERE body LIKE '%goneword%'");
        /* a nested savepoint rolled back */
        assert_int_equal(db_begin(db), DB_OK);
        add_comment(db, "Rolled back: neverword.");
        assert_int_equal(db_rollback(db), DB_OK);
        /* a row indexed before the batch, edited in it: the index follows at once */
        exec(db, "UPDATE comment SET body = 'Committed alone: apricotish.' WHERE body LIKE "
                 "'%marmalade%'");
        assert_int_equal(indexed(db, "apricotish"), 1);
        assert_int_equal(db_commit(db), DB_OK);
        /* committed, and still waiting: fewer than KD_SEARCH_WAITING_MAX rows */
        assert_int_equal(one_int(db, "SELECT deferring FROM search_fts_state"), 0);
        assert_int_equal(waiting(db), 2); /* quinceward, newword (goneword was the highest) */
        assert_int_equal(indexed(db, "quinceward"), 0);
        assert_int_equal(indexed(db, "marmalade"), 0);
        /* a search takes them first */
        assert_int_equal(found(db, "quinceward", SEARCH_COMMENT, true, NULL), 1);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(indexed(db, "quinceward"), 1);
        assert_int_equal(indexed(db, "newword"), 1);
        assert_int_equal(indexed(db, "oldword"), 0);
        assert_int_equal(indexed(db, "goneword"), 0);
        assert_int_equal(indexed(db, "neverword"), 0);
        assert_int_equal(found(db, "apricotish", SEARCH_COMMENT, true, NULL), 1);
        index_is_whole(db);
        /* a batch rolled back whole leaves nothing */
        assert_int_equal(db_begin(db), DB_OK);
        add_comment(db, "Rolled back whole: snowberry.");
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(found(db, "snowberry", SEARCH_COMMENT, true, NULL), 0);
        index_is_whole(db);
}

/* The edges of the mark: a write outside a batch takes every waiting row in with its own; an id
 * handed out again is indexed at once when the index had the row it replaces, and waits when
 * that row was waiting. */
static void writes_outside_a_batch_and_reused_ids_keep_the_index_exact(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        assert_int_equal(db_begin(db), DB_OK);
        add_comment(db, "Waiting: bramblewood.");
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(waiting(db), 1);
        add_comment(db, "Alone: heronsbill."); /* a lone write: not batched */
        assert_int_equal(waiting(db), 0);
        assert_int_equal(indexed(db, "bramblewood"), 1);
        assert_int_equal(indexed(db, "heronsbill"), 1);
        /* the highest row, indexed, deleted and its id handed out again in one batch: the new
         * row is at the mark, so it is indexed at once where the old one was removed */
        int64_t top = one_int(db, "SELECT max(id) FROM search_doc");
        assert_int_equal(db_begin(db), DB_OK);
        exec(db, "DELETE FROM comment WHERE id = (SELECT ref_id FROM search_doc WHERE id = "
                 "(SELECT max(id) FROM search_doc))");
        add_comment(db, "Same id again: lanternfish.");
        assert_int_equal(one_int(db, "SELECT max(id) FROM search_doc"), top);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(indexed(db, "lanternfish"), 1);
        assert_int_equal(indexed(db, "heronsbill"), 0);
        /* a waiting row deleted and its id handed out again: the new row waits in its place */
        assert_int_equal(db_begin(db), DB_OK);
        add_comment(db, "Waiting, then gone: moorhenish.");
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(db_begin(db), DB_OK);
        exec(db, "DELETE FROM comment WHERE body LIKE '%moorhenish%'");
        add_comment(db, "Waiting in its place: teasel.");
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(waiting(db), 1);
        assert_int_equal(found(db, "teasel", SEARCH_COMMENT, true, NULL), 1);
        assert_int_equal(found(db, "moorhenish", SEARCH_COMMENT, true, NULL), 0);
        index_is_whole(db);
}

/* Once KD_SEARCH_WAITING_MAX rows wait, the batch's end indexes them without a search; one
 * fewer, and they still wait. */
static void a_batch_indexes_the_waiting_rows_at_the_limit(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        char sql[512];
        const char *many = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                           "i < %d) INSERT INTO comment (episode_id, author_id, body, body_html, "
                           "created_at, updated_at) SELECT 1, 1, 'Many %s ' || i, '', 300, 300 "
                           "FROM n";
        assert_int_equal(db_begin(db), DB_OK);
        snprintf(sql, sizeof(sql), many, KD_SEARCH_WAITING_MAX - 1, "thistledown");
        exec(db, sql);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(waiting(db), KD_SEARCH_WAITING_MAX - 1);
        assert_int_equal(indexed(db, "thistledown"), 0);
        assert_int_equal(db_begin(db), DB_OK);
        add_comment(db, "The one more: yarrowby.");
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(indexed(db, "thistledown"), KD_SEARCH_WAITING_MAX - 1);
        assert_int_equal(indexed(db, "yarrowby"), 1);
        /* more than the limit in one batch: all of them at its end */
        assert_int_equal(db_begin(db), DB_OK);
        snprintf(sql, sizeof(sql), many, KD_SEARCH_WAITING_MAX + 7, "cowparsley");
        exec(db, sql);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(indexed(db, "cowparsley"), KD_SEARCH_WAITING_MAX + 7);
        index_is_whole(db);
}

enum { INDEX_WRITERS = 6, INDEX_COMMENTS_EACH = 30 };

struct index_writer {
        const char *path;
        int id, committed;
        bool failed;
};

/* Each transaction adds a comment with a word of its own; every fourth rolls back, every fifth
 * edits its comment before committing. */
static void *write_comments(void *arg)
{
        struct index_writer *w = arg;
        struct db *db = NULL;
        if (db_open_url(w->path, &db) != DB_OK) {
                w->failed = true;
                return NULL;
        }
        for (int i = 0; i < INDEX_COMMENTS_EACH && !w->failed; i++) {
                char sql[256];
                if (db_begin(db) != DB_OK) {
                        w->failed = true;
                        break;
                }
                snprintf(sql, sizeof(sql),
                         "INSERT INTO comment (episode_id, author_id, body, body_html, "
                         "created_at, updated_at) VALUES (1, 1, 'Word wr%dn%dq here.', '', 300, "
                         "300)",
                         w->id, i);
                w->failed = db_exec_script(db, sql) != DB_OK;
                if (!w->failed && i % 5 == 0) {
                        snprintf(sql, sizeof(sql),
                                 "UPDATE comment SET body = 'Word wr%dn%dz here.' WHERE body = "
                                 "'Word wr%dn%dq here.'",
                                 w->id, i, w->id, i);
                        w->failed = db_exec_script(db, sql) != DB_OK;
                }
                if (w->failed)
                        break;
                if (i % 4 == 0) {
                        w->failed = db_rollback(db) != DB_OK;
                } else {
                        w->failed = db_commit(db) != DB_OK;
                        w->committed++;
                }
        }
        db_close(db);
        return NULL;
}

/* Writers on several connections meet in batches: their rows wait, and the first search takes
 * them; every committed comment is then found by its word, no other. */
static void batches_from_many_writers_index_exactly_the_committed(void **state)
{
        struct tmpdb *t = *state;
        the_site(t->db);
        struct index_writer w[INDEX_WRITERS];
        pthread_t th[INDEX_WRITERS];
        for (int i = 0; i < INDEX_WRITERS; i++) {
                w[i] = (struct index_writer){.path = t->path, .id = i};
                assert_int_equal(pthread_create(&th[i], NULL, write_comments, &w[i]), 0);
        }
        int committed = 0;
        for (int i = 0; i < INDEX_WRITERS; i++) {
                pthread_join(th[i], NULL);
                assert_false(w[i].failed);
                committed += w[i].committed;
        }
        for (int i = 0; i < INDEX_WRITERS; i++) {
                for (int n = 0; n < INDEX_COMMENTS_EACH; n++) {
                        char q[32], z[32];
                        snprintf(q, sizeof(q), "wr%dn%dq", i, n);
                        snprintf(z, sizeof(z), "wr%dn%dz", i, n);
                        bool kept = n % 4 != 0, edited = n % 5 == 0;
                        assert_int_equal(found(t->db, q, SEARCH_COMMENT, true, NULL),
                                         kept && !edited ? 1 : 0);
                        assert_int_equal(found(t->db, z, SEARCH_COMMENT, true, NULL),
                                         kept && edited ? 1 : 0);
                }
        }
        assert_int_equal(one_int(t->db, "SELECT count(*) FROM comment"), committed);
        index_is_whole(t->db);
}

int main(void)
{
        const struct CMUnitTest pure[] = {
            cmocka_unit_test(words_split_on_spaces_and_quotes_group),
            cmocka_unit_test(bad_queries_are_refused_by_kind),
            cmocka_unit_test(kinds_round_trip_as_parameters),
            cmocka_unit_test(snippets_mark_every_match_in_any_case),
            cmocka_unit_test(long_texts_are_cut_around_the_first_match),
        };
        const struct CMUnitTest index[] = {
            cmocka_unit_test_setup_teardown(the_index_follows_every_write, setup, teardown),
            cmocka_unit_test_setup_teardown(common_words_rank_the_newest_matches, setup, teardown),
        };
        /* SQLite's batches only (PostgreSQL has none) */
        const struct CMUnitTest batched[] = {
            cmocka_unit_test_setup_teardown(batched_rows_wait_and_a_search_takes_them,
                                            setup_batched, teardown_batched),
            cmocka_unit_test_setup_teardown(
                writes_outside_a_batch_and_reused_ids_keep_the_index_exact, setup_batched,
                teardown_batched),
            cmocka_unit_test_setup_teardown(a_batch_indexes_the_waiting_rows_at_the_limit,
                                            setup_batched, teardown_batched),
            cmocka_unit_test_setup_teardown(batches_from_many_writers_index_exactly_the_committed,
                                            setup_batched, teardown_batched),
        };
        int failed = cmocka_run_group_tests_name("search", pure, NULL, NULL);
        failed += cmocka_run_group_tests_name("search index on SQLite", index, NULL, NULL);
        failed += cmocka_run_group_tests_name("search index in batches", batched, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed +=
                    cmocka_run_group_tests_name("search index on PostgreSQL", index, NULL, NULL);
        return failed;
}
