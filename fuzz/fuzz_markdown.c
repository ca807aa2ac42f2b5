/* Fuzz target: the Markdown renderer (mdr_render) in article and comment mode. Beyond not
 * crashing, the HTML may hold only the renderer's own tags, every link and image URL must have
 * an allowed scheme, and both outputs must stay valid UTF-8. */
#include "fuzz.h"

#include "core/utf8.h"
#include "markdown/markdown.h"

#include <stdbool.h>
#include <string.h>

static const char *const known_tags[] = {
    "a",     "blockquote", "br", "code", "del",   "em", "h1", "h2", "h3",  "h4",
    "h5",    "h6",         "hr", "img",  "input", "li", "ol", "p",  "pre", "strong",
    "table", "tbody",      "td", "th",   "thead", "tr", "ul", NULL,
};

/* Undoes html_attr's five escapes into out (at least len + 1 bytes), as a browser would before
 * it reads the URL. */
static void attr_decode(const char *s, size_t len, char *out)
{
        static const struct {
                const char *entity;
                char c;
        } escapes[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
        size_t o = 0;
        for (size_t i = 0; i < len;) {
                bool done = false;
                for (size_t e = 0; e < sizeof(escapes) / sizeof(escapes[0]) && !done; e++) {
                        size_t n = strlen(escapes[e].entity);
                        if (len - i >= n && memcmp(s + i, escapes[e].entity, n) == 0) {
                                out[o++] = escapes[e].c;
                                i += n;
                                done = true;
                        }
                }
                if (!done)
                        out[o++] = s[i++];
        }
        out[o] = '\0';
}

/* Reads url as a browser would (outer spaces and control bytes dropped, tabs and newlines
 * removed anywhere; a scheme is a letter, then letters, digits, '+', '-' or '.', then ':') and
 * accepts it when it has no scheme (relative) or one of http, https and mailto. */
static bool url_safe(const char *url)
{
        size_t len = strlen(url);
        while (len && (unsigned char)url[len - 1] <= 0x20)
                len--;
        while (len && (unsigned char)url[0] <= 0x20) {
                url++;
                len--;
        }
        char scheme[8];
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)url[i];
                if (c == '\t' || c == '\n' || c == '\r')
                        continue;
                bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
                bool digit = c >= '0' && c <= '9';
                if (c == ':')
                        break;
                if (!letter && (n == 0 || (!digit && c != '+' && c != '-' && c != '.')))
                        return true;    /* no scheme: a relative URL */
                if (n < sizeof(scheme)) /* longer ones match no allowed scheme anyway */
                        scheme[n] = (char)(c | 0x20);
                n++;
                if (i + 1 == len)
                        return true; /* no ':' at all */
        }
        if (n == 0)
                return true; /* ":x" has no scheme either */
        return (n == 4 && memcmp(scheme, "http", 4) == 0) ||
               (n == 5 && memcmp(scheme, "https", 5) == 0) ||
               (n == 6 && memcmp(scheme, "mailto", 6) == 0);
}

static const char *const known_attrs[] = {"alt",     "class",    "href",  "id",    "loading",
                                          "rel",     "src",      "start", "title", "type",
                                          "checked", "disabled", NULL};

static bool word_in(const char *const *list, const char *word, size_t len)
{
        for (size_t i = 0; list[i]; i++)
                if (strlen(list[i]) == len && memcmp(list[i], word, len) == 0)
                        return true;
        return false;
}

static bool lower_or_digit(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Checks an href or src value (html[from..to), still escaped). */
static void check_url(const char *html, size_t from, size_t to)
{
        char *url = malloc(to - from + 1);
        FUZZ_CHECK(url != NULL);
        attr_decode(html + from, to - from, url);
        FUZZ_CHECK(url_safe(url));
        free(url);
}

/* Reads the HTML as a browser's tokenizer would, tag by tag. Every '<' must open or close one
 * of the renderer's own tags (text and attribute values are escaped, so a '<' from the input
 * only appears as "&lt;"), with known attributes in double quotes; href and src must be safe
 * URLs. Comments get neither images nor headings. */
static void check_html(const char *html, size_t len, enum mdr_mode mode)
{
        for (size_t i = 0; i < len; i++) {
                if (html[i] != '<')
                        continue;
                size_t start = i + 1;
                bool closing = start < len && html[start] == '/';
                if (closing)
                        start++;
                size_t end = start;
                while (end < len && lower_or_digit(html[end]))
                        end++;
                FUZZ_CHECK(word_in(known_tags, html + start, end - start));
                if (mode == MDR_MEMBER) {
                        FUZZ_CHECK(!(end - start == 3 && memcmp(html + start, "img", 3) == 0));
                        FUZZ_CHECK(!(end - start == 2 && html[start] == 'h' &&
                                     html[start + 1] >= '1' && html[start + 1] <= '6'));
                }
                i = end;
                while (i < len && html[i] == ' ') {
                        FUZZ_CHECK(!closing);
                        size_t name = ++i;
                        while (i < len && lower_or_digit(html[i]))
                                i++;
                        FUZZ_CHECK(word_in(known_attrs, html + name, i - name));
                        if (i < len && html[i] == '=') {
                                FUZZ_CHECK(i + 1 < len && html[i + 1] == '"');
                                size_t value = i + 2;
                                const char *close = memchr(html + value, '"', len - value);
                                FUZZ_CHECK(close != NULL);
                                size_t value_end = (size_t)(close - html);
                                if ((i - name == 4 && memcmp(html + name, "href", 4) == 0) ||
                                    (i - name == 3 && memcmp(html + name, "src", 3) == 0))
                                        check_url(html, value, value_end);
                                i = value_end + 1;
                        }
                }
                FUZZ_CHECK(i < len && html[i] == '>');
        }
}

static void render(const char *src, size_t len, enum mdr_mode mode)
{
        struct mdr_result r;
        int rc = mdr_render(src, len, mode, &r);
        if (rc == 0) {
                FUZZ_CHECK(!r.error);
                const char *html = r.html.data ? r.html.data : "";
                FUZZ_CHECK(utf8_valid(html, r.html.len));
                FUZZ_CHECK(r.text.len == 0 || utf8_valid(r.text.data, r.text.len));
                check_html(html, r.html.len, mode);
                FUZZ_CHECK((r.words == 0) == (r.reading_minutes == 0));
        } else {
                FUZZ_CHECK(r.error && r.error_message);
                FUZZ_CHECK(r.html.len == 0 && r.text.len == 0);
        }
        mdr_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* NUL-terminated, as every caller's text is (form values, database rows, files read
         * whole): Debian 12's md4c 0.4.8 reads the byte after a document that ends inside a link
         * destination ("[x](y"), and when that byte is ')' it passes text of about 4 GB to the
         * renderer. docs/fuzzing.md, "Known findings". */
        char *src = malloc(size + 1);
        FUZZ_CHECK(src != NULL);
        memcpy(src, data, size);
        src[size] = '\0';
        render(src, size, MDR_ARTICLE);
        render(src, size, MDR_MEMBER);
        free(src);
        return 0;
}
