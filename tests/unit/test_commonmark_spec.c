/* Runs the CommonMark spec's examples through Kindred's Markdown renderer (article mode).
 *
 * The examples come from Debian's golang-github-yuin-goldmark-dev, which ships the CommonMark
 * 0.30 spec's 652 examples as JSON (scripts/install-deps test installs it); nothing is
 * downloaded. KINDRED_COMMONMARK_SPEC names another copy. Set SPEC_VERBOSE=1 to see every
 * failure in full.
 *
 * Kindred adds to the reference output on purpose; normalise() takes these out of both sides
 * before comparing:
 *   - heading ids (<h2 id="...">),
 *   - rel="noopener" on absolute links and loading="lazy" on images,
 *   - void elements written "<br>" rather than "<br />",
 *   - "'" escaped as &#39; in text (the spec leaves it as it is).
 *
 * Some examples cannot give the reference output by design. They are listed in `different`
 * below and checked for what Kindred does instead:
 *   RAW_HTML     the expected output passes raw HTML through (the "HTML blocks" and "Raw HTML"
 *                sections, and examples elsewhere whose input holds a tag or comment). Kindred
 *                renders no raw HTML (md4c runs with MD_FLAG_NOHTML): the output must contain
 *                no tag but the ones Kindred writes itself, so the input's tags came out as text.
 *   REFUSED_URL  an autolink with a scheme other than http, https and mailto (irc:, a+b+c:,
 *                made-up-scheme:, localhost:). Kindred shows the link text without a link: the
 *                output must be the reference output with its <a> tags taken out.
 *   ALT_REQUIRED an image without alt text. Articles refuse it: the render must fail with
 *                "An image needs alt text (line 1)".
 *   AUTOLINK_EXT a bare URL or e-mail address, which Kindred's permissive autolinks extension
 *                (MD_FLAG_PERMISSIVEAUTOLINKS) turns into a link: the output must be the
 *                reference output once the <a> tags are taken out of both. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "markdown/markdown.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEBIAN_SPEC "/usr/share/gocode/src/github.com/yuin/goldmark/_test/spec.json"

enum difference { SAME, RAW_HTML, REFUSED_URL, ALT_REQUIRED, AUTOLINK_EXT };

/* Example numbers of the CommonMark 0.30 spec, as numbered in spec.json. */
static const struct {
        int first, last;
        enum difference why;
} different[] = {
    {21, 21, RAW_HTML},       /* <a href="/bar\/)"> */
    {31, 31, RAW_HTML},       /* <a href="&ouml;&ouml;.html"> */
    {148, 191, RAW_HTML},     /* the whole "HTML blocks" section */
    {201, 201, RAW_HTML},     /* <bar> in a would-be link reference definition */
    {308, 309, RAW_HTML},     /* <!-- --> between two lists */
    {344, 344, RAW_HTML},     /* <a href="`">` : the tag wins over the code span */
    {474, 476, RAW_HTML},     /* *<img src="foo" title="*"/> and the like */
    {490, 490, RAW_HTML},     /* <foo\nbar> is a tag, not a link destination */
    {493, 493, RAW_HTML},     /* [a](<b>c) */
    {523, 523, RAW_HTML},     /* [foo <bar attr="](baz)">: the tag wins over the link */
    {535, 535, RAW_HTML},     /* [foo <bar attr="][ref]"> */
    {580, 580, ALT_REQUIRED}, /* ![](/url) */
    {595, 595, REFUSED_URL},  /* <irc://foo.bar:2233/baz> */
    {597, 598, REFUSED_URL},  /* <a+b+c:d>, <made-up-scheme://foo,bar> */
    {600, 600, REFUSED_URL},  /* <localhost:5001/foo> */
    {607, 607, AUTOLINK_EXT}, /* < http://foo.bar > */
    {610, 611, AUTOLINK_EXT}, /* http://example.com, foo@bar.example.com */
    {612, 616, RAW_HTML},     /* "Raw HTML" section: open tags */
    {622, 622, RAW_HTML},     /* closing tags */
    {624, 624, RAW_HTML},     /* comments */
    {627, 631, RAW_HTML},     /* processing instructions, declarations, CDATA, attributes */
    {642, 643, RAW_HTML},     /* a tag spanning a hard line break */
};

static enum difference difference_of(int example)
{
        for (size_t i = 0; i < sizeof(different) / sizeof(different[0]); i++)
                if (example >= different[i].first && example <= different[i].last)
                        return different[i].why;
        return SAME;
}

/* Replaces every occurrence of from in s (NUL-terminated, heap) by to, in place when to is not
 * longer. Returns s. */
static void replace_all(struct buf *s, const char *from, const char *to)
{
        size_t fl = strlen(from), tl = strlen(to);
        struct buf out = BUF_INIT;
        const char *p = s->data ? s->data : "";
        const char *hit;
        while ((hit = strstr(p, from))) {
                buf_append(&out, p, (size_t)(hit - p));
                buf_append(&out, to, tl);
                p = hit + fl;
        }
        buf_puts(&out, p);
        buf_reset(s);
        buf_append(s, out.data ? out.data : "", out.len);
        buf_free(&out);
}

/* Drops the id attribute Kindred gives headings: "<hN id="...">" becomes "<hN>". */
static void drop_heading_ids(struct buf *s)
{
        struct buf out = BUF_INIT;
        const char *p = s->data ? s->data : "";
        while (*p) {
                if (p[0] == '<' && p[1] == 'h' && p[2] >= '1' && p[2] <= '6' &&
                    strncmp(p + 3, " id=\"", 5) == 0) {
                        const char *end = strchr(p + 8, '"');
                        if (end) {
                                buf_append(&out, p, 3);
                                p = end + 1;
                                continue;
                        }
                }
                buf_putc(&out, *p++);
        }
        buf_reset(s);
        buf_append(s, out.data ? out.data : "", out.len);
        buf_free(&out);
}

/* Takes Kindred's deliberate additions and spelling differences out of html. */
static void normalise(struct buf *html)
{
        if (!html->data)
                buf_puts(html, "");
        drop_heading_ids(html);
        replace_all(html, " rel=\"noopener\"", "");
        replace_all(html, " loading=\"lazy\"", "");
        replace_all(html, " />", ">");
        replace_all(html, "&#39;", "'");
        replace_all(html, "&#x27;", "'");
}

/* Takes every <a ...> and </a> tag out of html. */
static void strip_links(struct buf *html)
{
        struct buf out = BUF_INIT;
        const char *p = html->data ? html->data : "";
        while (*p) {
                if (strncmp(p, "<a ", 3) == 0 || strncmp(p, "</a>", 4) == 0) {
                        p = strchr(p, '>') + 1;
                        continue;
                }
                buf_putc(&out, *p++);
        }
        buf_reset(html);
        buf_append(html, out.data ? out.data : "", out.len);
        buf_free(&out);
}

/* True when every tag in html is one Kindred's renderer writes (so no tag of the input got
 * through); otherwise names the first other one in bad. */
static bool only_kindred_tags(const char *html, struct buf *bad)
{
        static const char *const tags[] = {
            "p",     "em", "strong", "a",  "img", "code",  "pre",   "h1",    "h2",
            "h3",    "h4", "h5",     "h6", "ul",  "ol",    "li",    "hr",    "br",
            "table", "tr", "th",     "td", "del", "input", "thead", "tbody", "blockquote",
        };
        for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
                const char *name = p[1] == '/' ? p + 2 : p + 1;
                size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
                bool known = false;
                for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
                        if (strlen(tags[i]) == n && strncmp(tags[i], name, n) == 0 &&
                            (name[n] == '>' || name[n] == ' '))
                                known = true;
                if (!known) {
                        buf_append(bad, p, strcspn(p, ">") + 1);
                        return false;
                }
        }
        return true;
}

/* Checks one example: true when it behaves as it should, else false with the reason in why. */
static bool example_ok(int number, const char *md, const char *want, struct buf *why)
{
        struct mdr_result r;
        int rc = mdr_render(md, strlen(md), MDR_ARTICLE, &r);
        struct buf got = BUF_INIT, expected = BUF_INIT;
        if (rc == 0)
                buf_append(&got, r.html.data ? r.html.data : "", r.html.len);
        else
                buf_printf(&got, "(error: %s)", r.error_message);
        buf_puts(&expected, want);
        normalise(&got);
        normalise(&expected);
        bool ok;
        switch (difference_of(number)) {
        case RAW_HTML:
                ok = rc == 0 && only_kindred_tags(got.data, why);
                break;
        case ALT_REQUIRED:
                ok = rc != 0 && strcmp(r.error_message, "An image needs alt text (line 1)") == 0;
                break;
        case AUTOLINK_EXT:
                strip_links(&got);
                strip_links(&expected); /* has none, unlike got */
                ok = strcmp(got.data, expected.data) == 0;
                break;
        case REFUSED_URL:
                strip_links(&expected);
                ok = strcmp(got.data, expected.data) == 0;
                break;
        default:
                ok = strcmp(got.data, expected.data) == 0;
                break;
        }
        if (!ok)
                buf_printf(why, "\n---- want (normalised)\n%s---- got\n%s", expected.data,
                           got.data);
        buf_free(&got);
        buf_free(&expected);
        mdr_result_free(&r);
        return ok;
}

static void test_spec_examples(void **state)
{
        (void)state;
        const char *path = getenv("KINDRED_COMMONMARK_SPEC");
        if (!path || !*path)
                path = DEBIAN_SPEC;
        json_error_t jerr;
        json_t *spec = json_load_file(path, 0, &jerr);
        if (!spec)
                fail_msg("cannot read the CommonMark examples at %s (%s): run scripts/install-deps "
                         "test, which installs golang-github-yuin-goldmark-dev",
                         path, jerr.text);
        assert_true(json_is_array(spec));
        /* The exception list above is for these 652 examples. */
        assert_int_equal(json_array_size(spec), 652);
        bool verbose = getenv("SPEC_VERBOSE") != NULL;
        size_t same = 0, different_ok = 0, failed = 0;
        struct buf failures = BUF_INIT;
        size_t i;
        json_t *ex;
        json_array_foreach(spec, i, ex)
        {
                int number = (int)json_integer_value(json_object_get(ex, "example"));
                const char *md = json_string_value(json_object_get(ex, "markdown"));
                const char *want = json_string_value(json_object_get(ex, "html"));
                assert_int_equal(number, (int)i + 1);
                assert_non_null(md);
                assert_non_null(want);
                struct buf why = BUF_INIT;
                if (example_ok(number, md, want, &why)) {
                        if (difference_of(number) == SAME)
                                same++;
                        else
                                different_ok++;
                } else {
                        failed++;
                        buf_printf(&failures, " %d", number);
                        if (verbose)
                                printf("---- example %d (%s)\n%s%s\n", number,
                                       json_string_value(json_object_get(ex, "section")), md,
                                       why.data ? why.data : "");
                }
                buf_free(&why);
        }
        printf("CommonMark spec: %zu of %zu examples give the reference output; %zu differ by "
               "design as they should; %zu fail%s%s\n",
               same, json_array_size(spec), different_ok, failed, failed ? ":" : "",
               failures.data ? failures.data : "");
        json_decref(spec);
        buf_free(&failures);
        assert_int_equal(failed, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_spec_examples),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
