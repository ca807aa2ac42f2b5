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
#include "model/search_index.h"
#include "tmpdb.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* ---------------------------------------------------------------- the index's own file */

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

/* n comments in one statement, each `words` and its number. */
static void add_comments(struct db *db, int n, const char *words)
{
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                 "INSERT INTO comment (episode_id, author_id, body, body_html, created_at, "
                 "updated_at) SELECT 1, 1, '%s ' || i, '', 300, 300 FROM n",
                 n, words);
        exec(db, sql);
}

/* The index file's connection (the site attached to it as "site"). */
static struct db *index_file(struct db *db)
{
        struct db *idx = db_search_index(db);
        assert_non_null(idx);
        assert_ptr_not_equal(idx, db);
        return idx;
}

/* What the index itself holds for a word, without the pass a search runs first. */
static int64_t indexed(struct db *db, const char *word)
{
        char phrase[64];
        snprintf(phrase, sizeof(phrase), "\"%s\"", word);
        struct db_stmt *s = db_prepare(
            index_file(db), "SELECT count(*) FROM main.search_fts WHERE search_fts MATCH ?1");
        assert_non_null(s);
        db_bind_text(s, 1, phrase);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t n = db_col_int(s, 0);
        db_finish(s);
        return n;
}

/* Rows of search_doc above the index's mark. */
static int64_t waiting(struct db *db)
{
        return one_int(index_file(db), "SELECT (SELECT coalesce(max(id), 0) FROM search_doc) - "
                                       "upto FROM main.search_state");
}

static int pass(struct db *db, size_t rows)
{
        int more = -1;
        assert_int_equal(search_index_pass(db, rows, &more), 0);
        assert_true(more == 0 || more == 1);
        return more;
}

/* The index holds exactly search_doc's rows at or below its mark, each with its text now: every
 * (term, row, column, offset) FTS5 keeps equals that of an index built afresh from the rows
 * (fts5vocab's 'instance' tables, compared both ways), FTS5's own check passes, and no old text
 * is left on the site. */
static void index_is_exact(struct db *db)
{
        struct db *idx = index_file(db);
        exec(idx, "CREATE VIRTUAL TABLE temp.fresh USING fts5(title, body, content = '', "
                  "tokenize = 'trigram');"
                  "INSERT INTO temp.fresh (rowid, title, body) SELECT id, title, body FROM "
                  "search_doc WHERE id <= (SELECT upto FROM main.search_state);"
                  "CREATE VIRTUAL TABLE temp.kept_terms USING fts5vocab(main, search_fts, "
                  "instance);"
                  "CREATE VIRTUAL TABLE temp.fresh_terms USING fts5vocab(temp, fresh, instance);");
        int64_t kept = one_int(idx, "SELECT count(*) FROM temp.kept_terms");
        assert_int_equal(one_int(idx, "SELECT count(*) FROM temp.fresh_terms"), kept);
        assert_int_equal(one_int(idx, "SELECT count(*) FROM (SELECT * FROM temp.kept_terms EXCEPT "
                                      "SELECT * FROM temp.fresh_terms)"),
                         0);
        assert_int_equal(one_int(idx, "SELECT count(*) FROM (SELECT * FROM temp.fresh_terms EXCEPT "
                                      "SELECT * FROM temp.kept_terms)"),
                         0);
        exec(idx,
             "DROP TABLE temp.kept_terms; DROP TABLE temp.fresh_terms; DROP TABLE temp.fresh;");
        exec(idx, "INSERT INTO main.search_fts (search_fts) VALUES ('integrity-check')");
        assert_int_equal(one_int(db, "SELECT count(*) FROM search_old_text"), 0);
}

/* Writers only add rows to search_doc; a pass takes them into the index file, and follows
 * edits and deletions of indexed rows (one or several between passes) from the text the site
 * keeps for it, which it then deletes. */
static void passes_take_new_rows_and_follow_edits_and_deletes(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        add_comment(db, "First: marmalade.");
        add_comment(db, "Second: quinceward.");
        assert_int_equal(search_index_prepare(db), 0);
        assert_int_equal(waiting(db), 4); /* the member, the episode and two comments */
        assert_int_equal(indexed(db, "marmalade"), 0);
        assert_int_equal(pass(db, 100), 0);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(indexed(db, "marmalade"), 1);
        index_is_exact(db);
        /* an indexed row edited twice, another deleted, between two passes */
        exec(db, "UPDATE comment SET body = 'First: oldword.' WHERE body LIKE '%marmalade%'");
        exec(db, "UPDATE comment SET body = 'First: newword.' WHERE body LIKE '%oldword%'");
        exec(db, "DELETE FROM comment WHERE body LIKE '%quinceward%'");
        assert_int_equal(one_int(db, "SELECT count(*) FROM search_old_text"), 3);
        assert_int_equal(indexed(db, "marmalade"), 1); /* until the pass */
        assert_int_equal(pass(db, 100), 0);
        assert_int_equal(indexed(db, "marmalade"), 0);
        assert_int_equal(indexed(db, "oldword"), 0);
        assert_int_equal(indexed(db, "newword"), 1);
        assert_int_equal(indexed(db, "quinceward"), 0);
        index_is_exact(db);
        /* a row not yet indexed, edited and another deleted: the pass takes what is there */
        add_comment(db, "Third: bramblewood.");
        add_comment(db, "Fourth: goneword.");
        add_comment(db, "Fifth: heronsbill.");
        exec(db, "UPDATE comment SET body = 'Third: teasel.' WHERE body LIKE '%bramblewood%'");
        exec(db, "DELETE FROM comment WHERE body LIKE '%goneword%'");
        assert_int_equal(pass(db, 100), 0);
        assert_int_equal(indexed(db, "bramblewood"), 0);
        assert_int_equal(indexed(db, "teasel"), 1);
        assert_int_equal(indexed(db, "goneword"), 0);
        assert_int_equal(indexed(db, "heronsbill"), 1);
        index_is_exact(db);
        /* a search runs a pass first: what was committed is found */
        add_comment(db, "Sixth: apricotish.");
        assert_int_equal(found(db, "apricotish", SEARCH_COMMENT, true, NULL), 1);
        assert_int_equal(waiting(db), 0);
        index_is_exact(db);
}

/* An id handed out again after the highest row was deleted: a pass that took the deletion has
 * lowered the mark, so the new row counts as new; a pass that finds both takes the old text out
 * and the new row in. */
static void reused_ids_keep_the_index_exact(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        add_comment(db, "Kept: lanternfish.");
        add_comment(db, "Highest: moorhenish.");
        pass(db, 100);
        int64_t top = one_int(db, "SELECT max(id) FROM search_doc");
        exec(db, "DELETE FROM comment WHERE body LIKE '%moorhenish%'");
        pass(db, 100);
        assert_int_equal(waiting(db), 0); /* the mark came down with the rows */
        add_comment(db, "Same id: sandpiper.");
        assert_int_equal(one_int(db, "SELECT max(id) FROM search_doc"), top);
        assert_int_equal(waiting(db), 1);
        pass(db, 100);
        assert_int_equal(indexed(db, "sandpiper"), 1);
        assert_int_equal(indexed(db, "moorhenish"), 0);
        index_is_exact(db);
        /* deleted and handed out again between two passes */
        exec(db, "DELETE FROM comment WHERE body LIKE '%sandpiper%'");
        add_comment(db, "Same id again: dunlinwood.");
        assert_int_equal(one_int(db, "SELECT max(id) FROM search_doc"), top);
        pass(db, 100);
        assert_int_equal(indexed(db, "sandpiper"), 0);
        assert_int_equal(indexed(db, "dunlinwood"), 1);
        assert_int_equal(indexed(db, "lanternfish"), 1);
        index_is_exact(db);
}

/* A pass takes at most the rows it is given and says more wait; search_index_all takes all. */
static void a_pass_takes_its_rows_and_says_when_more_wait(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        add_comments(db, 2500, "Many thistledown");
        assert_int_equal(pass(db, 1000), 1);
        assert_int_equal(indexed(db, "thistledown"), 998); /* and the member and episode */
        assert_int_equal(pass(db, 1000), 1);
        assert_int_equal(indexed(db, "thistledown"), 1998);
        assert_int_equal(pass(db, 1000), 0);
        assert_int_equal(indexed(db, "thistledown"), 2500);
        exec(db, "UPDATE comment SET body = 'Many cowparsley' WHERE id <= 100");
        add_comments(db, 1500, "More yarrowby");
        assert_int_equal(search_index_all(db), 0);
        assert_int_equal(waiting(db), 0);
        assert_int_equal(indexed(db, "cowparsley"), 100);
        assert_int_equal(indexed(db, "thistledown"), 2400);
        assert_int_equal(indexed(db, "yarrowby"), 1500);
        index_is_exact(db);
}

/* FTS5 merges the index's segments at KD_SEARCH_AUTOMERGE, a setting the index file keeps:
 * a new file gets it, and a file with another one (made before the setting) gets it back at the
 * next pass; the index stays exact across many small passes. */
static void the_index_merges_at_its_setting(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        assert_int_equal(search_index_prepare(db), 0);
        struct db *idx = db_search_index(db);
        const char *setting = "SELECT v FROM main.search_fts_config WHERE k = 'automerge'";
        assert_int_equal(one_int(idx, setting), KD_SEARCH_AUTOMERGE);
        exec(idx, "INSERT INTO main.search_fts (search_fts, rank) VALUES ('automerge', 4)");
        assert_int_equal(one_int(idx, setting), 4);
        char body[64];
        for (int i = 0; i < 40; i++) { /* a segment a pass: more than one level's worth */
                snprintf(body, sizeof(body), "Pass %d: bramblewick %d.", i, i * 7);
                add_comment(db, body);
                assert_int_equal(pass(db, 100), 0);
                assert_int_equal(one_int(idx, setting), KD_SEARCH_AUTOMERGE);
        }
        assert_int_equal(indexed(db, "bramblewick"), 40);
        index_is_exact(db);
}

/* The site's index before migration 023 (in its own database file, over search_doc, with its
 * mark) is copied into the index file the first time, as it is, and dropped from the site; what
 * changed since 023 follows at the first pass. */
static void the_old_index_moves_into_its_file(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        the_site(db);
        add_comment(db, "Before: quillwort.");
        add_comment(db, "Before, edited since: oldword.");
        /* what migrations 018-022 kept: the rows at or below the mark indexed in the site */
        exec(db, "INSERT INTO search_fts (rowid, title, body) SELECT id, title, body FROM "
                 "search_doc; UPDATE search_fts_state SET upto = (SELECT max(id) FROM search_doc)");
        exec(db, "UPDATE comment SET body = 'Before, edited since: newword.' WHERE body LIKE "
                 "'%oldword%'");
        add_comment(db, "After: sandwort.");
        assert_int_equal(search_index_prepare(db), 0);
        assert_int_equal(
            one_int(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'search_fts%'"), 0);
        assert_int_equal(indexed(db, "quillwort"), 1); /* copied */
        assert_int_equal(indexed(db, "oldword"), 1);
        assert_int_equal(waiting(db), 1);
        assert_int_equal(pass(db, 100), 0);
        assert_int_equal(indexed(db, "oldword"), 0);
        assert_int_equal(indexed(db, "newword"), 1);
        assert_int_equal(indexed(db, "sandwort"), 1);
        index_is_exact(db);
        assert_int_equal(found(db, "quillwort", SEARCH_COMMENT, true, NULL), 1);
        /* the copied index merges as a new one does (KD_SEARCH_AUTOMERGE) */
        assert_int_equal(one_int(db_search_index(db), "SELECT v FROM main.search_fts_config "
                                                      "WHERE k = 'automerge'"),
                         KD_SEARCH_AUTOMERGE);
        /* a lost index file is built again from the site */
        struct tmpdb *t = *state;
        db_close(t->db);
        char path[600];
        snprintf(path, sizeof(path), "%s-search", t->path);
        assert_int_equal(unlink(path), 0);
        snprintf(path, sizeof(path), "%s-search-wal", t->path);
        unlink(path);
        snprintf(path, sizeof(path), "%s-search-shm", t->path);
        unlink(path);
        assert_int_equal(db_open_url(t->path, &t->db), DB_OK);
        db = t->db;
        assert_int_equal(found(db, "quillwort", SEARCH_COMMENT, true, NULL), 1);
        assert_int_equal(found(db, "newword", SEARCH_COMMENT, true, NULL), 1);
        assert_int_equal(waiting(db), 0);
        index_is_exact(db);
}

/* Puts the database back as a backup made with VACUUM INTO left it, beside the index file
 * as it is (the mistake docs/operations.md warns of), and opens it again. */
static struct db *restore(struct tmpdb *t, const char *backup)
{
        db_close(t->db);
        assert_int_equal(rename(backup, t->path), 0);
        char path[600];
        snprintf(path, sizeof(path), "%s-wal", t->path);
        unlink(path);
        snprintf(path, sizeof(path), "%s-shm", t->path);
        unlink(path);
        assert_int_equal(db_open_url(t->path, &t->db), DB_OK);
        return t->db;
}

/* A database restored beside a newer index file: the first pass sees the index is ahead of it
 * (rows gone from under the mark unannounced; old text numbered below what was taken), empties
 * the index and takes every row again, rather than taking rows out by text they never had. */
static void a_restored_database_gets_its_index_built_again(void **state)
{
        struct tmpdb *t = *state;
        struct db *db = t->db;
        char backup[600], sql[700];
        snprintf(backup, sizeof(backup), "%s/backup.db", t->dir);
        snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", backup);
        the_site(db);
        add_comment(db, "Kept: quillwort.");
        pass(db, 100);
        exec(db, sql);
        add_comment(db, "Later: sandwort.");
        pass(db, 100);
        db = restore(t, backup);
        assert_int_equal(found(db, "sandwort", SEARCH_COMMENT, true, NULL), 0);
        assert_int_equal(found(db, "quillwort", SEARCH_COMMENT, true, NULL), 1);
        index_is_exact(db);
        /* old text taken after the backup was made */
        add_comment(db, "Later again: sandpiper.");
        pass(db, 100);
        exec(db, sql);
        exec(db, "UPDATE comment SET body = 'Kept: newword.' WHERE body LIKE '%quillwort%'");
        pass(db, 100);
        assert_int_equal(indexed(db, "newword"), 1);
        db = restore(t, backup);
        assert_int_equal(found(db, "newword", SEARCH_COMMENT, true, NULL), 0);
        assert_int_equal(found(db, "quillwort", SEARCH_COMMENT, true, NULL), 1);
        assert_int_equal(found(db, "sandpiper", SEARCH_COMMENT, true, NULL), 1);
        index_is_exact(db);
        /* and the index goes on from there */
        exec(db, "UPDATE comment SET body = 'Kept: lichenous.' WHERE body LIKE '%quillwort%'");
        assert_int_equal(found(db, "lichenous", SEARCH_COMMENT, true, NULL), 1);
        assert_int_equal(found(db, "quillwort", SEARCH_COMMENT, true, NULL), 0);
        index_is_exact(db);
}

enum { INDEX_WRITERS = 6, INDEX_COMMENTS_EACH = 30 };

struct index_writer {
        const char *path;
        int id, committed;
        bool failed;
};

/* Each transaction adds a comment with a word of its own; every fourth rolls back, every fifth
 * edits its comment before committing; every sixth (from the second) is edited again by a
 * transaction of its own once committed, perhaps after the indexer took it. */
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
                if (!w->failed && i % 4 != 0 && i % 6 == 1) {
                        snprintf(sql, sizeof(sql),
                                 "UPDATE comment SET body = 'Word wr%dn%dy here.' WHERE body "
                                 "LIKE 'Word wr%dn%d_ here.'",
                                 w->id, i, w->id, i);
                        w->failed = db_exec_script(db, sql) != DB_OK;
                }
        }
        db_close(db);
        return NULL;
}

/* Writers on several connections while the server's indexer runs its passes beside them:
 * every committed comment is then found by its last word, no other, and the index is exact. */
static void many_writers_beside_the_indexer_index_exactly_the_committed(void **state)
{
        struct tmpdb *t = *state;
        the_site(t->db);
        assert_int_equal(search_index_prepare(t->db), 0);
        assert_int_equal(search_indexer_start(t->path), 0);
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
        /* the indexer alone catches up within a few of its periods */
        for (int tries = 0; tries < 100 && waiting(t->db) > 0; tries++)
                usleep(KD_SEARCH_INDEX_MS * 1000 / 4);
        assert_int_equal(waiting(t->db), 0);
        search_indexer_stop();
        for (int i = 0; i < INDEX_WRITERS; i++) {
                for (int n = 0; n < INDEX_COMMENTS_EACH; n++) {
                        bool kept = n % 4 != 0;
                        char last = !kept ? 0 : n % 6 == 1 ? 'y' : n % 5 == 0 ? 'z' : 'q';
                        for (const char *v = "qzy"; *v; v++) {
                                char word[32];
                                snprintf(word, sizeof(word), "wr%dn%d%c", i, n, *v);
                                assert_int_equal(found(t->db, word, SEARCH_COMMENT, true, NULL),
                                                 *v == last ? 1 : 0);
                        }
                }
        }
        assert_int_equal(one_int(t->db, "SELECT count(*) FROM comment"), committed);
        index_is_exact(t->db);
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
        /* SQLite's index in its own file (PostgreSQL's follows its table) */
        const struct CMUnitTest in_its_file[] = {
            cmocka_unit_test_setup_teardown(passes_take_new_rows_and_follow_edits_and_deletes,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(reused_ids_keep_the_index_exact, setup, teardown),
            cmocka_unit_test_setup_teardown(a_pass_takes_its_rows_and_says_when_more_wait, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(the_old_index_moves_into_its_file, setup, teardown),
            cmocka_unit_test_setup_teardown(the_index_merges_at_its_setting, setup, teardown),
            cmocka_unit_test_setup_teardown(a_restored_database_gets_its_index_built_again, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(
                many_writers_beside_the_indexer_index_exactly_the_committed, setup, teardown),
        };
        int failed = cmocka_run_group_tests_name("search", pure, NULL, NULL);
        failed += cmocka_run_group_tests_name("search index on SQLite", index, NULL, NULL);
        failed +=
            cmocka_run_group_tests_name("search index in its own file", in_its_file, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed +=
                    cmocka_run_group_tests_name("search index on PostgreSQL", index, NULL, NULL);
        return failed;
}
