/* Unit tests for the lexicon's linker (model/lexicon.h): whole words, first occurrence, what is
 * never touched (code, links, tags and attributes), entities, CJK, overlapping terms, hostile
 * terms, and a timing of a large term set on a long comment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "model/item.h"
#include "model/lexicon.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "tmpdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Links html with the given terms (each term's href is "/t/<index>"); returns a malloc'd
 * string. */
static char *link_with(const char *const *terms, size_t n, const char *html)
{
        struct lexicon_entry *e = calloc(n ? n : 1, sizeof(*e));
        char(*hrefs)[32] = calloc(n ? n : 1, sizeof(*hrefs));
        for (size_t i = 0; i < n; i++) {
                snprintf(hrefs[i], sizeof(hrefs[i]), "/t/%zu", i);
                e[i].term = terms[i];
                e[i].href = hrefs[i];
        }
        struct lexicon *lx = lexicon_build(e, n);
        struct buf out = BUF_INIT;
        lexicon_link(lx, html, &out);
        char *s = strdup(out.data ? out.data : "");
        buf_free(&out);
        lexicon_free(lx);
        free(e);
        free(hrefs);
        return s;
}

#define EXPECT_LINKED(terms, html, want)                                                           \
        do {                                                                                       \
                char *got = link_with(terms, sizeof(terms) / sizeof(terms[0]), html);              \
                if (strcmp(got, want) != 0)                                                        \
                        fail_msg("linked:\n  %s\nwanted:\n  %s", got, want);                       \
                free(got);                                                                         \
        } while (0)

static void test_whole_words(void **state)
{
        (void)state;
        static const char *const t[] = {"loop"};
        EXPECT_LINKED(t, "<p>a loop.</p>", "<p>a <a class=\"term\" href=\"/t/0\">loop</a>.</p>");
        EXPECT_LINKED(t, "<p>loops and feedbackloop and loop_x</p>",
                      "<p>loops and feedbackloop and loop_x</p>");
        EXPECT_LINKED(t, "<p>(Loop)</p>", "<p>(<a class=\"term\" href=\"/t/0\">Loop</a>)</p>");
        EXPECT_LINKED(t, "loop", "<a class=\"term\" href=\"/t/0\">loop</a>");
        /* a digit is part of a word too */
        EXPECT_LINKED(t, "<p>loop2 2loop</p>", "<p>loop2 2loop</p>");
}

static void test_first_occurrence_only(void **state)
{
        (void)state;
        static const char *const t[] = {"batch four", "tomato"};
        EXPECT_LINKED(t, "<p>Batch four, then batch four again; a tomato, a TOMATO.</p>",
                      "<p><a class=\"term\" href=\"/t/0\">Batch four</a>, then batch four again; a "
                      "<a class=\"term\" href=\"/t/1\">tomato</a>, a TOMATO.</p>");
        /* the first occurrence may be in a later paragraph than a skipped one */
        EXPECT_LINKED(t, "<pre><code>tomato</code></pre>\n<p>tomato</p>",
                      "<pre><code>tomato</code></pre>\n<p><a class=\"term\" "
                      "href=\"/t/1\">tomato</a></p>");
}

static void test_never_inside_code_links_or_tags(void **state)
{
        (void)state;
        static const char *const t[] = {"loop", "href", "class", "p"};
        EXPECT_LINKED(t, "<p><code>loop</code> <a href=\"/x?loop\">a loop</a></p>",
                      "<p><code>loop</code> <a href=\"/x?loop\">a loop</a></p>");
        EXPECT_LINKED(t, "<pre><code>loop\n</code></pre>", "<pre><code>loop\n</code></pre>");
        /* attributes and tag names are never text, even holding a '>' in quotes */
        EXPECT_LINKED(t, "<p title=\"a > loop\">x</p>", "<p title=\"a > loop\">x</p>");
        EXPECT_LINKED(t, "<p class=\"loop\">loop</p>",
                      "<p class=\"loop\"><a class=\"term\" href=\"/t/0\">loop</a></p>");
        /* after the code closes, text is linked again */
        EXPECT_LINKED(t, "<p><code>loop</code> loop</p>",
                      "<p><code>loop</code> <a class=\"term\" href=\"/t/0\">loop</a></p>");
        EXPECT_LINKED(t, "<!-- loop --><em>loop</em>",
                      "<!-- loop --><em><a class=\"term\" href=\"/t/0\">loop</a></em>");
}

static void test_entities(void **state)
{
        (void)state;
        static const char *const t[] = {"AT&T", "<b>", "\"onload=", "it's"};
        EXPECT_LINKED(t, "<p>AT&amp;T and &lt;b&gt; and &quot;onload=x and it&#39;s</p>",
                      "<p><a class=\"term\" href=\"/t/0\">AT&amp;T</a> and <a class=\"term\" "
                      "href=\"/t/1\">&lt;b&gt;</a> and <a class=\"term\" "
                      "href=\"/t/2\">&quot;onload=</a>x and <a class=\"term\" "
                      "href=\"/t/3\">it&#39;s</a></p>");
        /* an entity is one character: "&amp;" does not hide a word boundary */
        static const char *const amp[] = {"amp"};
        EXPECT_LINKED(amp, "<p>&amp; amp;</p>",
                      "<p>&amp; <a class=\"term\" href=\"/t/0\">amp</a>;</p>");
}

static void test_cjk_substring(void **state)
{
        (void)state;
        static const char *const t[] = {"周五笔记", "batch four"};
        EXPECT_LINKED(t, "<p>开始写周五笔记，第一周。别忘了 batch four。</p>",
                      "<p>开始写<a class=\"term\" href=\"/t/0\">周五笔记</a>，第一周。别忘了 <a "
                      "class=\"term\" href=\"/t/1\">batch four</a>。</p>");
        /* a Latin term right against Han characters still has its boundaries */
        EXPECT_LINKED(t, "<p>写batch four吧</p>",
                      "<p>写<a class=\"term\" href=\"/t/1\">batch four</a>吧</p>");
}

static void test_longest_wins(void **state)
{
        (void)state;
        static const char *const t[] = {"first", "first language", "language"};
        EXPECT_LINKED(t, "<p>their first language, first, language</p>",
                      "<p>their <a class=\"term\" href=\"/t/1\">first language</a>, <a "
                      "class=\"term\" href=\"/t/0\">first</a>, <a class=\"term\" "
                      "href=\"/t/2\">language</a></p>");
        /* an already linked longer term is skipped whole: nothing shorter inside it */
        static const char *const s[] = {"slow", "slow reading"};
        EXPECT_LINKED(s, "<p>slow reading; slow reading; slow</p>",
                      "<p><a class=\"term\" href=\"/t/1\">slow reading</a>; slow reading; <a "
                      "class=\"term\" href=\"/t/0\">slow</a></p>");
}

static void test_whitespace_and_case(void **state)
{
        (void)state;
        static const char *const t[] = {"brave  first note", "CAFÉ", "Ægir"};
        EXPECT_LINKED(t, "<p>one brave\nfirst   note; café; ægir</p>",
                      "<p>one <a class=\"term\" href=\"/t/0\">brave\nfirst   note</a>; <a "
                      "class=\"term\" href=\"/t/1\">café</a>; <a class=\"term\" "
                      "href=\"/t/2\">ægir</a></p>");
        /* across an inline tag a term is not found (documented) */
        EXPECT_LINKED(t, "<p>brave <em>first</em> note</p>", "<p>brave <em>first</em> note</p>");
}

static void test_hostile_terms_and_hrefs(void **state)
{
        (void)state;
        struct lexicon_entry e[] = {{"x\"><script>", "/t/\"><script>alert(1)</script>"},
                                    {"   ", "/t/empty"}};
        struct lexicon *lx = lexicon_build(e, 2);
        assert_int_equal(lexicon_terms(lx), 1); /* the blank one is skipped */
        struct buf out = BUF_INIT;
        lexicon_link(lx, "<p>x&quot;&gt;&lt;script&gt; here</p>", &out);
        assert_string_equal(out.data, "<p><a class=\"term\" "
                                      "href=\"/t/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">"
                                      "x&quot;&gt;&lt;script&gt;</a> here</p>");
        buf_reset(&out);
        /* unterminated tags and stray ampersands pass through unchanged */
        lexicon_link(lx, "<p>a & b &#xZZ; &#99999999; <em", &out);
        assert_string_equal(out.data, "<p>a & b &#xZZ; &#99999999; <em");
        buf_free(&out);
        lexicon_free(lx);
        /* no lexicon: the HTML as it is */
        struct buf same = BUF_INIT;
        lexicon_link(NULL, "<p>anything</p>", &same);
        assert_string_equal(same.data, "<p>anything</p>");
        buf_free(&same);
}

static void test_copy_into_arena(void **state)
{
        (void)state;
        struct lexicon_entry e[] = {{"loop", "/t/0"}};
        struct lexicon *lx = lexicon_build(e, 1);
        struct arena *a = arena_new();
        const struct lexicon *copy = lexicon_copy(a, lx);
        lexicon_free(lx); /* the copy stands alone */
        struct buf out = BUF_INIT;
        lexicon_link(copy, "<p>loop</p>", &out);
        assert_string_equal(out.data, "<p><a class=\"term\" href=\"/t/0\">loop</a></p>");
        buf_free(&out);
        arena_free(a);
}

static void test_key(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        lexicon_key("  Brave \t First\nNOTE  ", &b);
        buf_putc(&b, '\0');
        assert_string_equal(b.data, "brave first note");
        buf_reset(&b);
        lexicon_key("ŁÓDŹ Ελλάδα МОСКВА 周五笔记", &b);
        buf_putc(&b, '\0');
        assert_string_equal(b.data, "łódź ελλάδα москва 周五笔记");
        buf_free(&b);
}

/* CPU microseconds per lexicon_link of html with lx (the median of 7 runs of 100). */
static double time_links(const struct lexicon *lx, const char *html, struct buf *out)
{
        double runs[7];
        for (int k = 0; k < 7; k++) {
                struct timespec t0, t1;
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
                for (int r = 0; r < 100; r++) {
                        buf_reset(out);
                        lexicon_link(lx, html, out);
                }
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
                runs[k] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / 100;
        }
        for (int a = 0; a < 7; a++) /* a few numbers: insertion sort */
                for (int b = a; b > 0 && runs[b] < runs[b - 1]; b--) {
                        double t = runs[b];
                        runs[b] = runs[b - 1];
                        runs[b - 1] = t;
                }
        return runs[3];
}

/* 500 terms against a 5,000-character comment with a term every few words: the cost is the
 * walk of the text, not the number of terms. Prints the time per comment (docs/performance.md
 * quotes it) and checks each term is linked once at most. */
static void test_benchmark_500_terms(void **state)
{
        (void)state;
        enum { TERMS = 500 };
        struct lexicon_entry *e = calloc(TERMS, sizeof(*e));
        char(*words)[48] = calloc(TERMS, sizeof(*words));
        for (int i = 0; i < TERMS; i++) {
                snprintf(words[i], sizeof(words[i]), "%s term%d", i % 2 ? "shared" : "odd", i);
                e[i].term = words[i];
                e[i].href = "/n/x/lexicon/t";
        }
        struct lexicon *lx = lexicon_build(e, TERMS);
        assert_int_equal(lexicon_terms(lx), TERMS);
        struct buf html = BUF_INIT;
        buf_puts(&html, "<p>");
        for (int i = 0; html.len < 5000; i++)
                buf_printf(&html, "some words about shared term%d and odd term%d, ", (i * 7) % 600,
                           (i * 3) % 600);
        buf_puts(&html, "</p>");
        struct buf out = BUF_INIT;
        /* the same comment against one term that never occurs: the floor of the walk */
        struct lexicon_entry none = {"zzzz", "/z"};
        struct lexicon *one = lexicon_build(&none, 1);
        double us1 = time_links(one, html.data, &out);
        lexicon_free(one);
        double us = time_links(lx, html.data, &out);
        buf_putc(&out, '\0');
        size_t links = 0;
        for (const char *p = out.data; (p = strstr(p, "<a class=\"term\"")); p++)
                links++;
        assert_true(links > 40 && links <= TERMS);
        print_message("lexicon_link: %d terms, %zu-byte comment, %zu links: %.1f us per comment "
                      "(1 term: %.1f us; block %zu bytes)\n",
                      TERMS, html.len, links, us, us1, lexicon_bytes(lx));
        buf_free(&out);
        buf_free(&html);
        lexicon_free(lx);
        free(e);
        free(words);
}

/* ---- the terms and the cache, on a real database ------------------------------------------- */

static int db_setup(void **state)
{
        struct tmpdb *t = calloc(1, sizeof(*t));
        if (!t || tmpdb_open(t) != 0 || db_migrate(t->db, NULL) != DB_OK)
                return -1;
        *state = t;
        return 0;
}

static int db_teardown(void **state)
{
        struct tmpdb *t = *state;
        tmpdb_remove(t);
        free(t);
        return 0;
}

static int64_t make_member(struct db *db, const char *handle, enum role role)
{
        char email[64];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        struct member_input in = {.handle = handle,
                                  .display_name = handle,
                                  .headline = "",
                                  .bio = "",
                                  .email = email,
                                  .password = "correct horse battery"};
        struct member_problem p = {0};
        int64_t id = 0;
        assert_int_equal(member_create(db, &in, role, &id, &p), MEMBER_OK);
        return id;
}

/* How many terms the linker knows for a newsletter right now. */
static size_t linked_terms(struct db *db, int64_t newsletter)
{
        struct arena *a = arena_new();
        size_t n = lexicon_terms(lexicon_for_newsletter(db, a, newsletter));
        arena_free(a);
        return n;
}

static void test_terms_decisions_moderation_and_cache(void **state)
{
        struct db *db = ((struct tmpdb *)*state)->db;
        int64_t mira = make_member(db, "mira", ROLE_AUTHOR);
        int64_t sam = make_member(db, "sam", ROLE_READER);
        int64_t june = make_member(db, "june", ROLE_MODERATOR);
        int64_t tomas = make_member(db, "tomas", ROLE_AUTHOR);
        struct newsletter_input nin = {"garden", "Garden", "", ""};
        struct field_problem p = {0};
        int64_t nl = 0;
        assert_int_equal(newsletter_create(db, &nin, mira, &nl, &p), PUB_OK);
        assert_int_equal(linked_terms(db, nl), 0);

        /* who decides */
        assert_true(term_can_decide(db, nl, mira, ROLE_AUTHOR));
        assert_true(term_can_decide(db, nl, june, ROLE_MODERATOR));
        assert_false(term_can_decide(db, nl, tomas, ROLE_AUTHOR));
        assert_false(term_can_decide(db, nl, sam, ROLE_READER));
        assert_false(term_can_decide(db, nl, 0, ROLE_NONE));

        struct term_input in = {.newsletter_id = nl,
                                .member_id = sam,
                                .role = ROLE_READER,
                                .term = "Batch  Four",
                                .definition = "One *unlucky* batch.",
                                .origin = "",
                                .site_url = ""};
        int64_t id = 0;
        assert_int_equal(term_propose(db, &in, &id, &p), PUB_OK);
        struct arena *a = arena_new();
        struct term t;
        assert_int_equal(term_get(db, a, id, &t), PUB_OK);
        assert_string_equal(t.term, "Batch Four");
        assert_string_equal(t.slug, "batch-four");
        assert_int_equal(t.status, TERM_PROPOSED);
        assert_non_null(strstr(t.definition_html, "<em>unlucky</em>"));
        assert_int_equal(linked_terms(db, nl), 0); /* not linked while waiting */

        /* a second proposal of the same key is refused; an approval by a decider links it */
        in.term = "batch four";
        int64_t dup = 0;
        assert_int_equal(term_propose(db, &in, &dup, &p), PUB_TAKEN);
        assert_string_equal(p.field, "term");
        assert_int_equal(term_decide(db, id, mira, true, "", &p), PUB_OK);
        assert_int_equal(linked_terms(db, nl), 1);
        assert_int_equal(term_decide(db, id, mira, false, "", &p), PUB_INVALID);

        /* the item kind: where it lives, who moderates it */
        struct item it;
        assert_int_equal(item_load(db, a, "term", id, &it), PUB_OK);
        assert_string_equal(it.url, "/n/garden/lexicon/batch-four");
        assert_int_equal(it.author_id, sam);
        assert_int_equal(it.state, ITEM_VISIBLE);
        assert_true(item_can_moderate(db, &it, mira, ROLE_AUTHOR));
        assert_true(item_can_moderate(db, &it, june, ROLE_MODERATOR));
        assert_false(item_can_moderate(db, &it, sam, ROLE_READER));
        assert_false(item_kind_find("term")->reactable);
        assert_true(item_kind_find("term")->viewable(db, id, 0, ROLE_NONE, 0));

        /* hidden: gone from the lexicon and the linker at once, back when restored */
        assert_int_equal(item_kind_find("term")->set_hidden(db, id, june, true), PUB_OK);
        assert_int_equal(linked_terms(db, nl), 0);
        assert_false(item_kind_find("term")->viewable(db, id, 0, ROLE_NONE, 0));
        assert_true(item_kind_find("term")->viewable(db, id, sam, ROLE_READER, 0));
        struct term *list;
        assert_int_equal(term_list(db, a, nl, TERM_APPROVED, "", 10, &list), 0);
        assert_int_equal(item_kind_find("term")->set_hidden(db, id, june, false), PUB_OK);
        assert_int_equal(linked_terms(db, nl), 1);
        assert_int_equal(term_list(db, a, nl, TERM_APPROVED, "", 10, &list), 1);

        /* a Chinese term gets a slug of its own; withdrawing needs the proposer */
        in.term = "周五笔记";
        int64_t zh = 0;
        assert_int_equal(term_propose(db, &in, &zh, &p), PUB_OK);
        assert_int_equal(term_get(db, a, zh, &t), PUB_OK);
        char want[32];
        snprintf(want, sizeof(want), "term-%lld", (long long)zh);
        assert_string_equal(t.slug, want);
        assert_int_equal(term_withdraw(db, zh, mira), PUB_FORBIDDEN);
        assert_int_equal(term_withdraw(db, zh, sam), PUB_OK);
        assert_int_equal(term_withdraw(db, zh, sam), PUB_NOT_FOUND);
        assert_int_equal(term_decide(db, zh, mira, true, "", &p), PUB_NOT_FOUND);
        arena_free(a);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_whole_words),
            cmocka_unit_test(test_first_occurrence_only),
            cmocka_unit_test(test_never_inside_code_links_or_tags),
            cmocka_unit_test(test_entities),
            cmocka_unit_test(test_cjk_substring),
            cmocka_unit_test(test_longest_wins),
            cmocka_unit_test(test_whitespace_and_case),
            cmocka_unit_test(test_hostile_terms_and_hrefs),
            cmocka_unit_test(test_copy_into_arena),
            cmocka_unit_test(test_key),
            cmocka_unit_test(test_benchmark_500_terms),
            cmocka_unit_test_setup_teardown(test_terms_decisions_moderation_and_cache, db_setup,
                                            db_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
