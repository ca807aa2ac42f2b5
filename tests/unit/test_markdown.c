/* Unit tests for markdown/ (Kindred's renderer on md4c): golden HTML, hostile input, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/limits.h"
#include "markdown/markdown.h"

#include <stdlib.h>
#include <string.h>

static const char *html_of(const struct mdr_result *r)
{
        return r->html.data ? r->html.data : "";
}

static const char *text_of(const struct mdr_result *r)
{
        return r->text.data ? r->text.data : "";
}

/* Renders md in mode and checks the whole HTML output. */
static void expect_mode(enum mdr_mode mode, const char *md, const char *want)
{
        struct mdr_result r;
        int rc = mdr_render(md, strlen(md), mode, &r);
        if (rc != 0)
                fail_msg("render of \"%s\" failed: %s", md, r.error_message);
        assert_int_equal(r.error, 0);
        assert_string_equal(html_of(&r), want);
        mdr_result_free(&r);
}

static void expect_html(const char *md, const char *want)
{
        expect_mode(MDR_ARTICLE, md, want);
}

/* Renders md (which must succeed) and checks needle is absent from the HTML. */
static void expect_absent(enum mdr_mode mode, const char *md, const char *needle)
{
        struct mdr_result r;
        assert_int_equal(mdr_render(md, strlen(md), mode, &r), 0);
        if (strstr(html_of(&r), needle))
                fail_msg("\"%s\" rendered \"%s\", which contains \"%s\"", md, html_of(&r), needle);
        mdr_result_free(&r);
}

static void expect_error(enum mdr_mode mode, const char *md, size_t len, const char *message)
{
        struct mdr_result r;
        assert_int_equal(mdr_render(md, len, mode, &r), -1);
        assert_int_not_equal(r.error, 0);
        assert_non_null(r.error_message);
        assert_string_equal(r.error_message, message);
        assert_int_equal(r.html.len, 0);
        mdr_result_free(&r);
}

/* ---- Golden output -------------------------------------------------------------------------- */

static void test_paragraphs_and_emphasis(void **state)
{
        (void)state;
        expect_html("", "");
        expect_html("Hello *world* and **bold** and _under_.\n\nSecond.",
                    "<p>Hello <em>world</em> and <strong>bold</strong> and <em>under</em>.</p>\n"
                    "<p>Second.</p>\n");
        expect_html("a ~~gone~~ b", "<p>a <del>gone</del> b</p>\n");
        expect_html("use `x < y` here", "<p>use <code>x &lt; y</code> here</p>\n");
        expect_html("Tom & \"Jerry\" 'x'", "<p>Tom &amp; &quot;Jerry&quot; &#39;x&#39;</p>\n");
}

static void test_headings_get_ids(void **state)
{
        (void)state;
        expect_html("# Hello, World!\n\n## Hello world\n\n### Hello World",
                    "<h1 id=\"hello-world\">Hello, World!</h1>\n"
                    "<h2 id=\"hello-world-2\">Hello world</h2>\n"
                    "<h3 id=\"hello-world-3\">Hello World</h3>\n");
        /* Non-ASCII is kept as written (only ASCII is lower-cased); an empty slug is "section". */
        expect_html("# Café au lait\n\n## Ελληνικά\n\n## !!!\n\n## ...",
                    "<h1 id=\"café-au-lait\">Café au lait</h1>\n"
                    "<h2 id=\"Ελληνικά\">Ελληνικά</h2>\n"
                    "<h2 id=\"section\">!!!</h2>\n"
                    "<h2 id=\"section-2\">...</h2>\n");
        expect_html("# A\n\n# A 2\n\n# a",
                    "<h1 id=\"a\">A</h1>\n<h1 id=\"a-2\">A 2</h1>\n<h1 id=\"a-3\">a</h1>\n");
        expect_html("# *Em* `code` & more",
                    "<h1 id=\"em-code-more\"><em>Em</em> <code>code</code> &amp; more</h1>\n");
}

static void test_lists(void **state)
{
        (void)state;
        expect_html("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
        expect_html("- a\n  - b\n    - c\n- d",
                    "<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n"
                    "<li>d</li>\n</ul>\n");
        expect_html("- a\n\n- b", "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n");
        expect_html("- [x] done\n- [ ] todo",
                    "<ul>\n<li class=\"task-list-item\"><input type=\"checkbox\" "
                    "class=\"task-list-item-checkbox\" disabled checked> done</li>\n"
                    "<li class=\"task-list-item\"><input type=\"checkbox\" "
                    "class=\"task-list-item-checkbox\" disabled> todo</li>\n</ul>\n");
}

static void test_blocks(void **state)
{
        (void)state;
        expect_html("> quoted\n> text", "<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n");
        expect_html("```python\nprint(\"<hi>\")\n```",
                    "<pre><code class=\"language-python\">print(&quot;&lt;hi&gt;&quot;)\n"
                    "</code></pre>\n");
        /* The language is escaped, entities decoded, and stays one class. */
        expect_html("```c\"><script>\nx\n```",
                    "<pre><code class=\"language-c&quot;&gt;&lt;script&gt;\">x\n</code></pre>\n");
        expect_html("``` f&ouml;&ouml;\nx\n```",
                    "<pre><code class=\"language-föö\">x\n</code></pre>\n");
        expect_html("```a&#32;b\nx\n```", "<pre><code class=\"language-ab\">x\n</code></pre>\n");
        expect_html("````;\n````", "<pre><code class=\"language-;\"></code></pre>\n");
        expect_html("```\nplain\n```", "<pre><code>plain\n</code></pre>\n");
        expect_html("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |",
                    "<table>\n<thead>\n<tr>\n<th class=\"align-left\">a</th>\n"
                    "<th class=\"align-center\">b</th>\n<th class=\"align-right\">c</th>\n"
                    "<th>d</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                    "<td class=\"align-left\">1</td>\n<td class=\"align-center\">2</td>\n"
                    "<td class=\"align-right\">3</td>\n<td>4</td>\n</tr>\n</tbody>\n</table>\n");
}

static void test_links_and_images(void **state)
{
        (void)state;
        expect_html("see https://example.org/a?b=1 now",
                    "<p>see <a href=\"https://example.org/a?b=1\" rel=\"noopener\">"
                    "https://example.org/a?b=1</a> now</p>\n");
        expect_html("[home](/ \"Home page\")",
                    "<p><a href=\"/\" title=\"Home page\">home</a></p>\n");
        expect_html("[mail](mailto:a@example.org)",
                    "<p><a href=\"mailto:a@example.org\">mail</a></p>\n");
        expect_html("![A cat](cat.png)",
                    "<p><img src=\"cat.png\" alt=\"A cat\" loading=\"lazy\"></p>\n");
        expect_html("![A *big* \"cat\"](/c.png \"T\")",
                    "<p><img src=\"/c.png\" alt=\"A big &quot;cat&quot;\" title=\"T\" "
                    "loading=\"lazy\"></p>\n");
        expect_mode(MDR_MEMBER, "[x](https://example.org) [y](/local)",
                    "<p><a href=\"https://example.org\" rel=\"nofollow ugc noopener\">x</a> "
                    "<a href=\"/local\" rel=\"nofollow ugc noopener\">y</a></p>\n");
}

/* ---- CommonMark semantics ------------------------------------------------------------------- */

static void test_commonmark_examples(void **state)
{
        (void)state;
        expect_html("Foo\nbar", "<p>Foo\nbar</p>\n");                       /* soft break */
        expect_html("foo  \nbar", "<p>foo<br>\nbar</p>\n");                 /* hard break */
        expect_html("foo\\\nbar", "<p>foo<br>\nbar</p>\n");                 /* backslash break */
        expect_html("***", "<hr>\n");                                       /* thematic break */
        expect_html("Title\n=====", "<h1 id=\"title\">Title</h1>\n");       /* setext heading */
        expect_html("    a < b", "<pre><code>a &lt; b\n</code></pre>\n");   /* indented code */
        expect_html("\\*not em\\*", "<p>*not em*</p>\n");                   /* escapes */
        expect_html("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"); /* ordered */
        expect_html("3) x", "<ol start=\"3\">\n<li>x</li>\n</ol>\n");       /* start number */
        expect_html("`` a`b ``", "<p><code>a`b</code></p>\n");              /* code span */
        expect_html("[foo][bar]\n\n[bar]: /url \"t\"",                      /* reference link */
                    "<p><a href=\"/url\" title=\"t\">foo</a></p>\n");
        expect_html("*foo**bar**baz*", "<p><em>foo<strong>bar</strong>baz</em></p>\n");
        expect_html("&amp; &copy; &#35; &#x41;", "<p>&amp; © # A</p>\n"); /* entities */
        expect_html("<https://example.com>",                              /* autolink */
                    "<p><a href=\"https://example.com\" rel=\"noopener\">https://example.com</a>"
                    "</p>\n");
        expect_html("> a\nb", "<blockquote>\n<p>a\nb</p>\n</blockquote>\n"); /* lazy line */
        expect_html("_foo_bar", "<p>_foo_bar</p>\n");        /* no intraword _ emphasis */
        expect_html("# foo #", "<h1 id=\"foo\">foo</h1>\n"); /* closing #s */
        expect_html("#5 bolt", "<p>#5 bolt</p>\n");          /* not a heading */
}

static void test_named_entities(void **state)
{
        (void)state;
        /* The whole HTML5 list, not only the common ones; names are case-sensitive. */
        expect_html("&eacute; &Eacute; &frac12; &AElig; &HilbertSpace; &ngE;",
                    "<p>é É ½ Æ ℋ ≧̸</p>\n");
        expect_html("&ClockwiseContourIntegral; &zwnj; &Zeta; &aacute;", "<p>∲ \u200c Ζ á</p>\n");
        /* Unknown names and names without ';' stay as written. */
        expect_html("&nosuch; &EACUTE; &eacute &frac12x;",
                    "<p>&amp;nosuch; &amp;EACUTE; &amp;eacute &amp;frac12x;</p>\n");
        /* The first and last names of the table, and one longer than any. */
        expect_html("&AElig; &zwnj; &CounterClockwiseContourIntegralX;",
                    "<p>Æ \u200c &amp;CounterClockwiseContourIntegralX;</p>\n");
        /* In link destinations and titles too. */
        expect_html("[x](/caf&eacute; \"&frac12;\")",
                    "<p><a href=\"/caf%C3%A9\" title=\"½\">x</a></p>\n");
}

static void test_link_destinations(void **state)
{
        (void)state;
        expect_html("[a](<my file.png>)", "<p><a href=\"my%20file.png\">a</a></p>\n");
        expect_html("![A cat](<my cat.png>)",
                    "<p><img src=\"my%20cat.png\" alt=\"A cat\" loading=\"lazy\"></p>\n");
        expect_html("[a]\n\n[a]: <one two> 't'",
                    "<p><a href=\"one%20two\" title=\"t\">a</a></p>\n");
        /* Like the reference renderer: quotes, backslashes, brackets and non-ASCII encoded,
         * an existing %XX kept, & escaped for the attribute. */
        expect_html("[a](/x\\y?q=\"1\"&r=[2]%20ü)",
                    "<p><a href=\"/x%5Cy?q=%221%22&amp;r=%5B2%5D%20%C3%BC\">a</a></p>\n");
        /* "foo):" has no scheme: a browser reads it as a relative path. */
        expect_html("[link](foo\\)\\:)", "<p><a href=\"foo):\">link</a></p>\n");
        /* A backslash would make "\\evil" protocol-relative in a browser; encoded, it is not. */
        expect_html("[a](&#92;&#92;evil.example)", "<p><a href=\"%5C%5Cevil.example\">a</a></p>\n");
}

static void test_heading_whitespace(void **state)
{
        (void)state;
        expect_html("#\tFoo", "<h1 id=\"foo\">Foo</h1>\n");
        expect_html("Foo *bar*\t\n===", "<h1 id=\"foo-bar\">Foo <em>bar</em></h1>\n");
        expect_mode(MDR_MEMBER, "#\tFoo\t", "<p><strong>Foo</strong></p>\n");
        expect_mode(MDR_MEMBER, "#", "<p><strong></strong></p>\n");
        expect_html("#", "<h1 id=\"section\"></h1>\n");
}

/* ---- Hostile input -------------------------------------------------------------------------- */

static void test_raw_html_is_text(void **state)
{
        (void)state;
        expect_html("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
        expect_html("a <script>alert(1)</script> b",
                    "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>\n");
        expect_absent(MDR_ARTICLE, "<div>\n<script>alert(1)</script>\n</div>", "<script");
        expect_absent(MDR_MEMBER, "x <img src=x onerror=alert(1)>", "<img");
        expect_absent(MDR_ARTICLE, "<!-- c --><a href=\"javascript:x\">y</a>", "<a");
}

/* @mentions in members' text link to the profile; articles, code, links, addresses and
 * things that cannot be handles are left alone. */
static void test_mentions_link_in_member_text(void **state)
{
        (void)state;
        expect_mode(MDR_MEMBER, "Hi @Hana_Sato!",
                    "<p>Hi <a class=\"mention\" href=\"/@hana_sato\">@Hana_Sato</a>!</p>\n");
        expect_mode(MDR_MEMBER, "**@sam**, (@li_wei)",
                    "<p><strong><a class=\"mention\" href=\"/@sam\">@sam</a></strong>, (<a "
                    "class=\"mention\" href=\"/@li_wei\">@li_wei</a>)</p>\n");
        expect_mode(MDR_MEMBER, "@ab\n@cd", "<p><a class=\"mention\" href=\"/@ab\">@ab</a>\n<a "
                                            "class=\"mention\" href=\"/@cd\">@cd</a></p>\n");
        /* not handles: too short, a digit first, over 30 characters, an address, code, a link */
        expect_absent(MDR_MEMBER, "@a @1abc", "mention");
        expect_absent(MDR_MEMBER, "@abcdefghijklmnopqrstuvwxyz12345", "mention");
        expect_absent(MDR_MEMBER, "ana@example.org", "mention");
        expect_absent(MDR_MEMBER, "x.@sam x@@sam", "mention");
        expect_absent(MDR_MEMBER, "`@sam`", "mention");
        expect_absent(MDR_MEMBER, "[ask @sam](/x)", "mention");
        expect_absent(MDR_MEMBER, "![@sam](/x.png)", "mention");
        expect_absent(MDR_ARTICLE, "Hi @sam", "mention");
        /* escaping holds around a mention */
        expect_mode(MDR_MEMBER, "<b>@sam</b>",
                    "<p>&lt;b&gt;<a class=\"mention\" href=\"/@sam\">@sam</a>&lt;/b&gt;</p>\n");
}

static void test_dangerous_urls_are_not_links(void **state)
{
        (void)state;
        const char *hostile[] = {
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](java&#x09;script:alert(1))",
            "[x](java&#9;script:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](<javascript:alert(1)>)",
            "[x](data:text/html,hi)",
            "[x](vbscript:msgbox)",
            "[x]( javascript:alert(1))",
            "<javascript:alert(1)>",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "[x](java&#x0A;script:alert(1))",
            "[x](&#x20;javascript:alert(1))",
            "[x](<java script:alert(1)>)",
            "[x](<javascript :alert(1)>)",
            "[x](javascript&#58;alert(1))",
            "[x](javascript&colon;alert(1))",
            "[x](&#x01;javascript:alert(1))",
            "![x](<java script:alert(1)>)",
        };
        for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
                expect_absent(MDR_ARTICLE, hostile[i], "href=\"javascript");
                expect_absent(MDR_ARTICLE, hostile[i], "href=\"data");
                expect_absent(MDR_ARTICLE, hostile[i], "href=\"vbscript");
                expect_absent(MDR_ARTICLE, hostile[i], "href=\"java");
                expect_absent(MDR_MEMBER, hostile[i], "<a ");
        }
        expect_html("[x](javascript:alert(1))", "<p>x</p>\n");
        expect_html("[x](JaVaScRiPt:alert(1))", "<p>x</p>\n");
        expect_html("[x](java&#x09;script:alert(1))", "<p>x</p>\n");
        /* An image with a refused source shows its alt text. */
        expect_html("![cat](javascript:alert(1))", "<p>cat</p>\n");
}

static void test_images_need_alt_text(void **state)
{
        (void)state;
        const char *md = "![](cat.png)";
        expect_error(MDR_ARTICLE, md, strlen(md), "An image needs alt text (line 1)");
        md = "text\n\nmore\n\n![  ](cat.png)";
        expect_error(MDR_ARTICLE, md, strlen(md), "An image needs alt text (line 5)");
}

static void test_member_mode(void **state)
{
        (void)state;
        expect_mode(MDR_MEMBER, "![a cat](cat.png)", "<p>a cat</p>\n");
        expect_absent(MDR_MEMBER, "![a cat](cat.png)", "<img");
        /* No alt text is fine in comments: nothing is shown. */
        expect_mode(MDR_MEMBER, "![](cat.png)", "<p></p>\n");
        expect_mode(MDR_MEMBER, "# Big\n\ntext", "<p><strong>Big</strong></p>\n<p>text</p>\n");
        expect_absent(MDR_MEMBER, "# a\n## b\n###### c\nd\n===", "<h");
}

static void test_unbalanced_markup(void **state)
{
        (void)state;
        expect_html("**bold", "<p>**bold</p>\n");
        expect_html("[link(", "<p>[link(</p>\n");
        expect_html("```\nnever closed", "<pre><code>never closed\n</code></pre>\n");
        expect_html("```", "<pre><code></code></pre>\n");
        expect_html("*a", "<p>*a</p>\n");
        expect_html("a **b _c** d_", "<p>a <strong>b _c</strong> d_</p>\n");
        expect_html("![alt [x](y", "<p>![alt [x](y</p>\n");
        expect_html("| a |\n|---|\n| b | c | d |",
                    "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                    "<td>b</td>\n</tr>\n</tbody>\n</table>\n");
}

static size_t count_of(const char *hay, const char *needle)
{
        size_t n = 0;
        for (const char *p = hay; (p = strstr(p, needle)); p++)
                n++;
        return n;
}

/* Renders the prefix repeated n times plus "x"; success or a clean error are both fine. On
 * success every open tag has its close tag and, when want_text is given, the text is that. */
static void render_deep(const char *prefix, size_t n, const char *open_tag, const char *close_tag,
                        const char *want_text)
{
        size_t plen = strlen(prefix);
        char *md = malloc(plen * n + 2);
        assert_non_null(md);
        for (size_t i = 0; i < n; i++)
                memcpy(md + i * plen, prefix, plen);
        memcpy(md + plen * n, "x", 2);
        struct mdr_result r;
        if (mdr_render(md, plen * n + 1, MDR_ARTICLE, &r) == 0) {
                size_t opened = count_of(html_of(&r), open_tag);
                assert_true(opened > 0);
                assert_int_equal(opened, count_of(html_of(&r), close_tag));
                if (want_text)
                        assert_string_equal(text_of(&r), want_text);
        } else {
                assert_non_null(r.error_message);
        }
        mdr_result_free(&r);
        free(md);
}

static void test_deep_nesting(void **state)
{
        (void)state;
        render_deep("> ", 10000, "<blockquote>", "</blockquote>", "x");
        render_deep("- ", 10000, "<li>", "</li>", "x");
        render_deep("1. ", 5000, "<li>", "</li>", "x");
        render_deep("*", 20000, "<p>", "</p>", NULL);
        render_deep("[", 20000, "<p>", "</p>", NULL);
        render_deep("![a", 20000, "<p>", "</p>", NULL);
}

static void test_limits(void **state)
{
        (void)state;
        size_t n = KD_MAX_MARKDOWN_BYTES + 1;
        char *big = malloc(n);
        assert_non_null(big);
        memset(big, 'a', n);
        expect_error(MDR_ARTICLE, big, n, "The text is longer than 1 MiB.");
        /* Exactly the limit is accepted. */
        struct mdr_result r;
        assert_int_equal(mdr_render(big, n - 1, MDR_ARTICLE, &r), 0);
        assert_int_equal(r.words, 1);
        mdr_result_free(&r);
        free(big);

        expect_error(MDR_ARTICLE, "bad \xC3(", 6, "The text is not valid UTF-8.");
        expect_error(MDR_MEMBER, "over\xC0\xAFlong", 10, "The text is not valid UTF-8.");
        expect_error(MDR_ARTICLE, "nul\0byte", 8, "The text is not valid UTF-8.");
}

/* ---- Plain text and reading time ------------------------------------------------------------ */

static void test_plain_text(void **state)
{
        (void)state;
        const char *md = "# Title\n\nSome *emphasised* text\nwrapped.\n\n- one\n- two\n\n"
                         "```\ncode here\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                         "[link](/x) &amp; ![pic](p.png)";
        struct mdr_result r;
        assert_int_equal(mdr_render(md, strlen(md), MDR_ARTICLE, &r), 0);
        assert_string_equal(text_of(&r), "Title\n\nSome emphasised text wrapped.\n\none\n\ntwo\n\n"
                                         "code here\n\na b\n\n1 2\n\nlink & pic");
        assert_int_equal(r.words, 16);
        assert_int_equal(r.reading_minutes, 1);
        mdr_result_free(&r);

        assert_int_equal(mdr_render("", 0, MDR_ARTICLE, &r), 0);
        assert_int_equal(r.words, 0);
        assert_int_equal(r.reading_minutes, 0);
        assert_string_equal(text_of(&r), "");
        mdr_result_free(&r);
}

static void test_reading_time(void **state)
{
        (void)state;
        struct buf md = BUF_INIT;
        for (int i = 0; i < 460; i++) {
                buf_puts(&md, "word");
                buf_puts(&md, i % 23 == 22 ? "\n\n" : " ");
        }
        struct mdr_result r;
        assert_int_equal(mdr_render(md.data, md.len, MDR_ARTICLE, &r), 0);
        assert_int_equal(r.words, 460);
        assert_int_equal(r.reading_minutes, 2);
        mdr_result_free(&r);
        /* One more word is a third minute; one word is one minute. */
        buf_puts(&md, "extra");
        assert_int_equal(mdr_render(md.data, md.len, MDR_ARTICLE, &r), 0);
        assert_int_equal(r.words, 461);
        assert_int_equal(r.reading_minutes, 3);
        mdr_result_free(&r);
        assert_int_equal(mdr_render("hi", 2, MDR_MEMBER, &r), 0);
        assert_int_equal(r.reading_minutes, 1);
        mdr_result_free(&r);
        buf_free(&md);
}

/* md4c 0.4.8 reads one byte past a document ending inside a link destination; mdr_render
 * must only ever read src[0..len), so a slice followed by ')' renders like the string alone. */
static void test_reads_only_its_slice(void **state)
{
        (void)state;
        char buf[32];
        memset(buf, ')', sizeof(buf));
        memcpy(buf, "[x](n/", 6);
        struct mdr_result a, b;
        assert_int_equal(mdr_render(buf, 6, MDR_MEMBER, &a), 0);
        assert_int_equal(mdr_render("[x](n/", 6, MDR_MEMBER, &b), 0);
        assert_int_equal(a.html.len, b.html.len);
        assert_memory_equal(a.html.data, b.html.data, a.html.len);
        mdr_result_free(&a);
        mdr_result_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_paragraphs_and_emphasis),
            cmocka_unit_test(test_headings_get_ids),
            cmocka_unit_test(test_lists),
            cmocka_unit_test(test_blocks),
            cmocka_unit_test(test_links_and_images),
            cmocka_unit_test(test_commonmark_examples),
            cmocka_unit_test(test_named_entities),
            cmocka_unit_test(test_link_destinations),
            cmocka_unit_test(test_heading_whitespace),
            cmocka_unit_test(test_raw_html_is_text),
            cmocka_unit_test(test_dangerous_urls_are_not_links),
            cmocka_unit_test(test_images_need_alt_text),
            cmocka_unit_test(test_member_mode),
            cmocka_unit_test(test_unbalanced_markup),
            cmocka_unit_test(test_deep_nesting),
            cmocka_unit_test(test_limits),
            cmocka_unit_test(test_mentions_link_in_member_text),
            cmocka_unit_test(test_plain_text),
            cmocka_unit_test(test_reading_time),
            cmocka_unit_test(test_reads_only_its_slice),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
