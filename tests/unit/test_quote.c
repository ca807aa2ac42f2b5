/* Unit tests for passage quotes (model/comment): finding a quote in an episode's plain text,
 * also in hostile repetitive text, and building the URL text fragment that leads to it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "model/comment.h"
#include "model/episode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- finding a quote ------------------------------------------------------------------------ */

struct found {
        int rc;
        int64_t start;
        const char *exact, *prefix, *suffix;
        struct field_problem p;
};

static struct found find(struct arena *a, const char *text, const char *exact, const char *prefix,
                         const char *suffix)
{
        struct found f = {0};
        f.rc = comment_quote_find(a, text, exact, prefix, suffix, &f.start, &f.exact, &f.prefix,
                                  &f.suffix, &f.p);
        return f;
}

static void test_find_simple(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        struct found f = find(a, "One two three four five.", "three four", NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, 8);
        assert_string_equal(f.exact, "three four");
        assert_string_equal(f.prefix, "One two ");
        assert_string_equal(f.suffix, " five.");
        arena_free(a);
}

static void test_find_whitespace_runs_and_nbsp(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *text = "First paragraph ends here.\n\nSecond\tone\xC2\xA0starts   there.";
        /* a selection across the paragraph break, typed with other whitespace */
        struct found f = find(a, text, "  ends here. Second\xC2\xA0one \n starts ", NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, (int64_t)(strstr(text, "ends") - text));
        assert_string_equal(f.exact, "ends here. Second one starts");
        assert_string_equal(f.prefix, "First paragraph ");
        assert_string_equal(f.suffix, " there.");
        arena_free(a);
}

static void test_find_repeats_picked_by_context(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *text = "a second language here. Then a second language there, and a second "
                           "language again.";
        const char *second = strstr(strstr(text, "second") + 1, "second");
        const char *third = strstr(second + 1, "second");
        struct found f = find(a, text, "second language", NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, 2); /* no context: the first */
        f = find(a, text, "second language", "Then a", NULL);
        assert_int_equal(f.start, second - text); /* prefix across the joining space */
        f = find(a, text, "second language", "Then a ", NULL);
        assert_int_equal(f.start, second - text);
        f = find(a, text, "second language", NULL, "again.");
        assert_int_equal(f.start, third - text); /* suffix across the joining space */
        f = find(a, text, "second language", "there, and a", " again");
        assert_int_equal(f.start, third - text);
        f = find(a, text, "second", "", "language there");
        assert_int_equal(f.start, second - text);
        /* context glued to the quote without a space counts too */
        f = find(a, text, "econd language", "Then a s", NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, second - text + 1);
        arena_free(a);
}

static void test_find_refusals(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *text = "The same words, twice: the same words.";
        struct found f = find(a, text, "the same words", "nowhere", NULL);
        assert_int_equal(f.rc, PUB_INVALID);
        assert_string_equal(f.p.field, "quote");
        assert_non_null(strstr(f.p.message, "not with the words around it"));
        f = find(a, text, "other words", NULL, NULL);
        assert_int_equal(f.rc, PUB_INVALID);
        assert_non_null(strstr(f.p.message, "not in this episode"));
        f = find(a, text, " \n\t ", NULL, NULL);
        assert_int_equal(f.rc, PUB_INVALID);
        f = find(a, text, "", NULL, NULL);
        assert_int_equal(f.rc, PUB_INVALID);
        f = find(a, text, "bad \xC3(", NULL, NULL);
        assert_int_equal(f.rc, PUB_INVALID);
        arena_free(a);
}

static void test_find_accents_cjk_emoji(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *text = "Gon\xC3\xA7"
                           "alo said \xE4\xB8\x8D\xE6\xB1\x82\xE5\xAE\x8C\xE7\xBE\x8E"
                           "\xEF\xBC\x8C\xE5\x8F\xAA\xE6\xB1\x82\xE7\x9C\x9F\xE5\xAE\x9E \xF0\x9F"
                           "\x8C\xB1 and left.";
        struct found f = find(a, text,
                              "\xE5\x8F\xAA\xE6\xB1\x82\xE7\x9C\x9F\xE5\xAE\x9E \xF0\x9F"
                              "\x8C\xB1",
                              NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, (int64_t)(strstr(text, "\xE5\x8F\xAA") - text));
        assert_string_equal(f.suffix, " and left.");
        f = find(a, text,
                 "\xC3\xA7"
                 "alo",
                 NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, 3);
        assert_string_equal(f.prefix, "Gon");
        arena_free(a);
}

/* Context is cut at KD_QUOTE_CONTEXT_CHARS code points, never inside a character. */
static void test_find_context_length(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        struct buf t = BUF_INIT;
        for (int i = 0; i < 40; i++)
                buf_puts(&t, "\xE6\x97\xA5"); /* 日 */
        buf_puts(&t, " quote ");
        for (int i = 0; i < 40; i++)
                buf_puts(&t, "\xC3\xA9"); /* é */
        struct found f = find(a, t.data, "quote", NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, 40 * 3 + 1);
        assert_int_equal(strlen(f.prefix), (KD_QUOTE_CONTEXT_CHARS - 1) * 3 + 1);
        assert_int_equal(strlen(f.suffix), 1 + (KD_QUOTE_CONTEXT_CHARS - 1) * 2);
        buf_free(&t);
        arena_free(a);
}

/* ---- hostile repetitive text ---------------------------------------------------------------- */

#define HOSTILE_BYTES (1u << 20) /* 1 MiB: the largest episode the editor takes */

/* Quadratic work shows as many times the CPU time of one linear pass over the same text (a
 * search for a word that is there once); linear work stays within a small multiple. The bound
 * is loose on purpose (sanitizer builds, busy machines): the old matcher took over 100 times
 * the linear pass on these inputs, the new one takes a few. */
#define LINEAR_FACTOR 25

static char *repeated(size_t n, char c, const char *tail)
{
        size_t tl = strlen(tail);
        char *s = malloc(n + tl + 1);
        assert_non_null(s);
        memset(s, c, n);
        memcpy(s + n, tail, tl + 1);
        return s;
}

static double cpu_seconds(void)
{
        return (double)clock() / CLOCKS_PER_SEC;
}

/* A quote of 600 'a's in a million 'a's, with context that is nowhere; a quote "aaa…ab" that is
 * only at the very end; a long prefix that fails only at its last byte. Each used to take time
 * proportional to text × quote (0.8 s for one request on a 1 MB episode). */
static void test_find_hostile_repetition(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        char *text = repeated(HOSTILE_BYTES, 'a', "b");
        char *exact = repeated(KD_QUOTE_MAX_CHARS, 'a', "");
        char *exact_b = repeated(KD_QUOTE_MAX_CHARS - 1, 'a', "b");
        char *long_prefix = repeated(1000, 'a', "b");
        double began = cpu_seconds();
        struct found f = find(a, text, "b", NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        double linear = cpu_seconds() - began;
        began = cpu_seconds();

        f = find(a, text, exact, "b", NULL); /* no 'b' precedes any 'a' */
        assert_int_equal(f.rc, PUB_INVALID);
        assert_non_null(strstr(f.p.message, "not with the words around it"));

        f = find(a, text, exact_b, NULL, NULL);
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, HOSTILE_BYTES - (KD_QUOTE_MAX_CHARS - 1));
        assert_int_equal(strlen(f.prefix), KD_QUOTE_CONTEXT_CHARS);
        assert_string_equal(f.suffix, "");

        f = find(a, text, exact, NULL, "b"); /* the last 600 'a's, just before the 'b' */
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, HOSTILE_BYTES - KD_QUOTE_MAX_CHARS);

        f = find(a, text, "a", long_prefix, NULL);
        assert_int_equal(f.rc, PUB_INVALID);

        f = find(a, text, "ab", "aaaa", "");
        assert_int_equal(f.rc, PUB_OK);
        assert_int_equal(f.start, HOSTILE_BYTES - 1);

        double spent = cpu_seconds() - began;
        print_message("5 hostile quotes in %u MiB of 'a': %.3f s of CPU (one linear pass: %.3f "
                      "s)\n",
                      HOSTILE_BYTES >> 20, spent, linear);
        assert_true(spent < LINEAR_FACTOR * linear + 0.05);
        free(text);
        free(exact);
        free(exact_b);
        free(long_prefix);
        arena_free(a);
}

/* ---- links into the text -------------------------------------------------------------------- */

/* The fragment comment_text_fragment writes for the quote of exact found in body (with the
 * given context), on an episode titled title. Returned in a; "" when the quote is refused. */
static const char *link_for(struct arena *a, const char *title, const char *body, const char *exact,
                            const char *prefix, const char *suffix)
{
        struct found f = find(a, body, exact, prefix, suffix);
        if (f.rc != PUB_OK)
                return "";
        struct episode e = {.title = title, .subtitle = "", .body_text = body};
        struct buf out = BUF_INIT;
        comment_text_fragment(&out, &e, f.start, f.exact, f.prefix, f.suffix);
        const char *link = arena_strdup(a, out.data);
        buf_free(&out);
        return link;
}

static void test_link_unique_passage_alone(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *body = "One two three four five.\n\nSix seven.";
        assert_string_equal(link_for(a, "T", body, "three four", NULL, NULL),
                            "#:~:text=three%20four");
        /* a selection that cuts words grows to whole words */
        assert_string_equal(link_for(a, "T", body, "hree fou", NULL, NULL),
                            "#:~:text=three%20four");
        assert_string_equal(link_for(a, "T", "I don't know why.", "t know", NULL, NULL),
                            "#:~:text=don%27t%20know");
        assert_string_equal(link_for(a, "T", body, "Six seven.", NULL, NULL),
                            "#:~:text=Six%20seven.");
        arena_free(a);
}

/* '-', ',' and '&' are the fragment's own syntax: always encoded, like everything but
 * unreserved characters. */
static void test_link_encoding(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *body = "It was cost-free, fast & safe (mostly) 100% of the time.";
        assert_string_equal(
            link_for(a, "T", body, "cost-free, fast & safe (mostly) 100%", NULL, NULL),
            "#:~:text=cost%2Dfree%2C%20fast%20%26%20safe%20%28mostly%29%20100%25");
        const char *cjk = "\xE5\x86\x99\xE4\xB8\x80\xE6\xAE\xB5\xEF\xBC\x8C\xE4\xB8\x8D\xE6\xB1"
                          "\x82\xE5\xAE\x8C\xE7\xBE\x8E\xE3\x80\x82"; /* 写一段，不求完美。 */
        /* part of a run of ideographs grows to the punctuation around it */
        assert_string_equal(link_for(a, "T", cjk, "\xE6\xB1\x82\xE5\xAE\x8C", NULL, NULL),
                            "#:~:text=%E4%B8%8D%E6%B1%82%E5%AE%8C%E7%BE%8E");
        arena_free(a);
}

/* A passage over several paragraphs becomes start,end: browsers match within one block. */
static void test_link_across_blocks(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *body = "Para one ends here.\n\nA middle one.\n\nPara three starts there.";
        assert_string_equal(
            link_for(a, "T", body, "ends here. A middle one. Para three", NULL, NULL),
            "#:~:text=ends%20here.,Para%20three");
        /* a line break inside a paragraph is not a block boundary */
        assert_string_equal(link_for(a, "T", "Line one\nline two.", "one line", NULL, NULL),
                            "#:~:text=one%20line");
        arena_free(a);
}

/* A repeated passage gets the whole words before it, from its own paragraph; at the start of a
 * paragraph, the words after it. */
static void test_link_repeated_passage_gets_context(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const char *body = "When someone has to learn in their second language, they hold "
                           "back.\n\nPeople share their certainties in a second language. They "
                           "share their doubts in their first.";
        assert_string_equal(link_for(a, "T", body, "second language", "certainties in a", NULL),
                            "#:~:text=share%20their%20certainties%20in%20a-,second%20language");
        assert_string_equal(link_for(a, "T", body, "second language", NULL, NULL),
                            "#:~:text=second%20language");
        const char *starts = "Slower meetings help.\n\nSlower meetings, again and again.";
        assert_string_equal(link_for(a, "T", starts, "Slower meetings", NULL, ", again"),
                            "#:~:text=Slower%20meetings,-%2C%20again%20and%20again");
        /* the first occurrence is in the title, above the body */
        assert_string_equal(link_for(a, "A second language", "Our second language is English.",
                                     "second language", NULL, NULL),
                            "#:~:text=Our-,second%20language");
        /* browsers ignore case */
        assert_string_equal(link_for(a, "T", "SECOND LANGUAGE. Our second language.",
                                     "second language", "Our", NULL),
                            "#:~:text=SECOND%20LANGUAGE.%20Our-,second%20language");
        /* a word that only contains the passage does not compete with it */
        assert_string_equal(link_for(a, "T", "Seconds later, a second.", "second", NULL, NULL),
                            "#:~:text=second");
        arena_free(a);
}

/* The stored start no longer fits (the episode was edited): the selector finds it again. */
static void test_link_after_an_edit(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        struct episode e = {.title = "T", .body_text = "New words first. Then a quiet line here."};
        struct buf out = BUF_INIT;
        comment_text_fragment(&out, &e, 2, "quiet line", "Then a", "here.");
        assert_string_equal(out.data, "#:~:text=quiet%20line");
        buf_reset(&out);
        comment_text_fragment(&out, &e, 2, "gone for good", "", "");
        assert_string_equal(out.data, "#:~:text=gone%20for%20good");
        buf_reset(&out);
        comment_text_fragment(&out, &e, INT64_MAX, "quiet line", "", "");
        assert_string_equal(out.data, "#:~:text=quiet%20line");
        buf_free(&out);
        arena_free(a);
}

/* Building a link reads the text before the passage once, however repetitive. */
static void test_link_hostile_repetition(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        char *body = repeated(HOSTILE_BYTES, 'a', " b");
        double began = cpu_seconds();
        assert_int_equal(find(a, body, "b", NULL, NULL).rc, PUB_OK);
        double linear = cpu_seconds() - began;
        began = cpu_seconds();
        assert_string_equal(link_for(a, "T", body, "b", NULL, NULL), "#:~:text=b");
        struct episode e = {.title = "T", .body_text = body};
        struct buf out = BUF_INIT;
        comment_text_fragment(&out, &e, 0, "aaaa", "", "");
        assert_int_equal(out.len, strlen("#:~:text=") + HOSTILE_BYTES); /* one word: all of it */
        double spent = cpu_seconds() - began;
        print_message("2 links in %u MiB of 'a': %.3f s of CPU (one linear pass: %.3f s)\n",
                      HOSTILE_BYTES >> 20, spent, linear);
        assert_true(spent < LINEAR_FACTOR * linear + 0.05);
        buf_free(&out);
        free(body);
        arena_free(a);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_find_simple),
            cmocka_unit_test(test_find_whitespace_runs_and_nbsp),
            cmocka_unit_test(test_find_repeats_picked_by_context),
            cmocka_unit_test(test_find_refusals),
            cmocka_unit_test(test_find_accents_cjk_emoji),
            cmocka_unit_test(test_find_context_length),
            cmocka_unit_test(test_find_hostile_repetition),
            cmocka_unit_test(test_link_unique_passage_alone),
            cmocka_unit_test(test_link_encoding),
            cmocka_unit_test(test_link_across_blocks),
            cmocka_unit_test(test_link_repeated_passage_gets_context),
            cmocka_unit_test(test_link_after_an_edit),
            cmocka_unit_test(test_link_hostile_repetition),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
