/* Text at its limits through the real binary: every text field a member or author can set is
 * filled to its maximum in code points with CJK, emoji or combining accents; every page, feed and
 * JSON answer that shows it must be valid UTF-8 and carry the whole text (HTML-escaped where the
 * format escapes). A fixed-size buffer anywhere on the way cuts the text, often mid-character. */
#include "session.h"
#include "png.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#define SLUG    "at-the-limits" /* the newsletter's and the episode's address */
#define NL_PATH "/n/" SLUG
#define EP_PATH "/n/" SLUG "/" SLUG

/* ---------------------------------------------------------------- the texts */

/* Limits in code points, as in src/core/limits.h (kept literal here: a test states the
 * contract rather than reading it from the code it checks). */
enum field {
        MIRA_NAME,
        MIRA_HEADLINE,
        MIRA_BIO,
        SAM_NAME,
        SAM_HEADLINE,
        SAM_BIO,
        NL_TITLE,
        NL_DESCRIPTION,
        SEASON_TITLE,
        SEASON_DESCRIPTION,
        EP_TITLE,
        EP_SUBTITLE,
        EP_TEASER,
        COVER_ALT,
        COVER_CREDIT,
        EP_BODY,
        COMMENT,
        REPLY,
        REPORT_NOTE,
        FIELDS
};

static const struct {
        const char *name;
        size_t max;
} fields[FIELDS] = {
    [MIRA_NAME] = {"mira's display name", 80},
    [MIRA_HEADLINE] = {"mira's headline", 120},
    [MIRA_BIO] = {"mira's bio", 2000},
    [SAM_NAME] = {"sam's display name", 80},
    [SAM_HEADLINE] = {"sam's headline", 120},
    [SAM_BIO] = {"sam's bio", 2000},
    [NL_TITLE] = {"the newsletter title", 140},
    [NL_DESCRIPTION] = {"the newsletter description", 4000},
    [SEASON_TITLE] = {"the season title", 140},
    [SEASON_DESCRIPTION] = {"the season description", 4000},
    [EP_TITLE] = {"the episode title", 140},
    [EP_SUBTITLE] = {"the episode subtitle", 240},
    [EP_TEASER] = {"the episode teaser", 280},
    [COVER_ALT] = {"the cover alt text", 400},
    [COVER_CREDIT] = {"the cover credit", 200},
    [EP_BODY] = {"the episode text", 6000}, /* bounded in bytes (1 MiB), not code points */
    [COMMENT] = {"mira's comment", 5000},
    [REPLY] = {"sam's reply", 5000},
    [REPORT_NOTE] = {"the report note", 500},
};

/* A piece of text and how many code points it has. */
struct unit {
        const char *s;
        size_t cps;
};

struct script {
        const char *name;
        struct unit units[6]; /* repeated in turn; cps 0 ends the list */
        const char *one;      /* a single code point, to fill the last place exactly */
};

static const struct script scripts[] = {
    {"CJK", {{"漢", 1}, {"字", 1}, {"한", 1}, {"글", 1}, {"か", 1}, {"な", 1}}, "文"},
    /* U+2764 U+FE0F: a heart with its emoji presentation selector, two code points */
    {"emoji", {{"😀", 1}, {"🌱", 1}, {"📚", 1}, {"\xE2\x9D\xA4\xEF\xB8\x8F", 2}, {"🧪", 1}}, "🎉"},
    /* decomposed letters: a base letter and one or two combining marks */
    {"combining accents",
     {{"e\xCC\x81", 2}, {"a\xCC\x88", 2}, {"n\xCC\x83", 2}, {"o\xCC\x82\xCC\xA3", 3}},
     "\xC3\xA9"},
};

struct text {
        char *raw;  /* as typed */
        char *html; /* as HTML and XML show it: & escaped */
};

static struct text texts[FIELDS];

/* Field f's text in script sc: a marker of its own (a circled number, so no text is a part of
 * another), an ampersand (which HTML must escape), then the script's units up to the field's
 * maximum in code points exactly. */
static void make_text(struct text *t, const struct script *sc, enum field f)
{
        size_t max = fields[f].max, cps = 2, cap = 16 * max + 16, n = 0;
        char *raw = malloc(cap);
        n += (size_t)snprintf(raw, cap, "\xE2\x91%c&", (char)(0xA0 + f)); /* U+2460 + f */
        size_t units = 0;
        while (units < 6 && sc->units[units].cps)
                units++;
        for (size_t i = 0; cps < max; i++) {
                const struct unit *u = &sc->units[i % units];
                const char *s = cps + u->cps <= max ? u->s : sc->one;
                size_t len = strlen(s);
                memcpy(raw + n, s, len);
                n += len;
                cps += cps + u->cps <= max ? u->cps : 1;
        }
        raw[n] = '\0';
        t->raw = raw;
        t->html = malloc(n + 8);
        char *amp = strchr(raw, '&');
        size_t head = (size_t)(amp - raw);
        memcpy(t->html, raw, head);
        memcpy(t->html + head, "&amp;", 5);
        strcpy(t->html + head + 5, amp + 1);
}

static void free_texts(void)
{
        for (int f = 0; f < FIELDS; f++) {
                free(texts[f].raw);
                free(texts[f].html);
                texts[f].raw = texts[f].html = NULL;
        }
}

/* Code points of valid UTF-8 s (the test counts for itself, to be sure of the maxima). */
static size_t count_cps(const char *s)
{
        size_t n = 0;
        for (; *s; s++)
                n += ((unsigned char)*s & 0xC0) != 0x80;
        return n;
}

/* ---------------------------------------------------------------- checks */

/* True when s[0..len) is well-formed UTF-8: no stray continuation byte, no character cut short,
 * no overlong form, no surrogate, nothing above U+10FFFF. Sets *at to the first bad byte. */
static bool utf8_ok(const unsigned char *s, size_t len, size_t *at)
{
        for (size_t i = 0; i < len;) {
                unsigned c = s[i];
                size_t n = c < 0x80         ? 1
                           : (c >> 5) == 6  ? 2
                           : (c >> 4) == 14 ? 3
                           : (c >> 3) == 30 ? 4
                                            : 0;
                *at = i;
                if (n == 0 || i + n > len)
                        return false;
                uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
                for (size_t k = 1; k < n; k++) {
                        if ((s[i + k] & 0xC0) != 0x80)
                                return false;
                        cp = cp << 6 | (s[i + k] & 0x3F);
                }
                static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
                if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                        return false;
                i += n;
        }
        return true;
}

/* The page (or feed) a check is about, for messages. */
struct page {
        const char *who, *path;
        struct http_resp r;
};

/* Fetches path as j (NULL: a guest); the answer must be 200 and valid UTF-8. */
static void fetch(struct page *p, const struct member *j, const char *who, const char *path)
{
        p->who = who;
        p->path = path;
        get(j, path, &p->r);
        if (p->r.status != 200)
                fail_msg("%s %s: status %d", who, path, p->r.status);
        size_t at = 0;
        if (!utf8_ok((const unsigned char *)p->r.body, p->r.body_len, &at)) {
                size_t from = at > 24 ? at - 24 : 0;
                fail_msg("%s %s: invalid UTF-8 at byte %zu of %zu, near \"%.*s\"", who, path, at,
                         p->r.body_len, (int)(at - from), p->r.body + from);
        }
}

/* Fails unless the page contains want; names the field and how much of it did arrive. */
static void expect_whole(const struct page *p, const char *hay, const char *want, const char *what)
{
        if (strstr(hay, want))
                return;
        /* the longest start of want that is there, to show where the text was cut */
        size_t lo = 0, hi = strlen(want);
        char *probe = malloc(hi + 1);
        while (lo < hi) {
                size_t mid = (lo + hi + 1) / 2;
                memcpy(probe, want, mid);
                probe[mid] = '\0';
                if (strstr(hay, probe))
                        lo = mid;
                else
                        hi = mid - 1;
        }
        free(probe);
        fail_msg("%s %s: %s is not there whole (%zu of its %zu bytes found)", p->who, p->path, what,
                 lo, strlen(want));
}

/* The page shows field f (HTML-escaped). */
static void shows(const struct page *p, enum field f)
{
        expect_whole(p, p->r.body, texts[f].html, fields[f].name);
}

/* The page shows field f inside a sentence: before + text + after, all as HTML. */
static void shows_in(const struct page *p, const char *before, enum field f, const char *after)
{
        size_t n = strlen(before) + strlen(texts[f].html) + strlen(after) + 1;
        char *want = malloc(n);
        snprintf(want, n, "%s%s%s", before, texts[f].html, after);
        char what[160];
        snprintf(what, sizeof(what), "%s in \"%s…%s\"", fields[f].name, before, after);
        expect_whole(p, p->r.body, want, what);
        free(want);
}

/* UTF-16 code units of s: what a browser's maxlength counts (two for a code point outside the
 * Basic Multilingual Plane, such as most emoji). */
static size_t utf16_units(const char *s)
{
        size_t n = 0;
        for (const unsigned char *c = (const unsigned char *)s; *c; c++)
                if ((*c & 0xC0) != 0x80)
                        n += *c >= 0xF0 ? 2 : 1;
        return n;
}

/* A browser lets field f's text, at its limit, be typed into every control named name on the
 * page: their maxlength, if any, is not below the text's length in UTF-16 code units. */
static void fits(const struct page *p, const char *name, enum field f)
{
        char needle[96];
        snprintf(needle, sizeof(needle), "name=\"%s\"", name);
        const char *at = strstr(p->r.body, needle);
        if (!at)
                fail_msg("%s %s: no form control named %s", p->who, p->path, name);
        for (; at; at = strstr(at + 1, needle)) {
                const char *tag = at, *end = strchr(at, '>');
                while (tag > p->r.body && *tag != '<')
                        tag--;
                const char *attr = strstr(tag, " maxlength=\"");
                if (!attr || !end || attr > end)
                        continue;
                long max = strtol(attr + 12, NULL, 10);
                size_t units = utf16_units(texts[f].raw);
                if (units > (size_t)max)
                        fail_msg("%s %s: %s has maxlength=\"%ld\", but %s at its limit is %zu "
                                 "UTF-16 code units: a browser would not let it be typed",
                                 p->who, p->path, name, max, fields[f].name, units);
        }
}

static void collect_strings(const json_t *v, FILE *out)
{
        if (json_is_string(v)) {
                fwrite(json_string_value(v), 1, json_string_length(v), out);
                fputc('\n', out);
        } else if (json_is_array(v)) {
                for (size_t i = 0; i < json_array_size(v); i++)
                        collect_strings(json_array_get(v, i), out);
        } else if (json_is_object(v)) {
                const char *key;
                json_t *value;
                json_object_foreach((json_t *)v, key, value) collect_strings(value, out);
        }
}

/* For a JSON answer: the text of field f is one of its strings, whole (JSON escapes differ
 * from HTML's, so the document is parsed). */
static void json_shows(const struct page *p, const enum field *fs, size_t count)
{
        json_error_t err;
        json_t *root = json_loadb(p->r.body, p->r.body_len, 0, &err);
        if (!root)
                fail_msg("%s %s: not JSON: %s", p->who, p->path, err.text);
        char *all = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&all, &len);
        collect_strings(root, out);
        fclose(out);
        json_decref(root);
        for (size_t i = 0; i < count; i++)
                expect_whole(p, all, texts[fs[i]].raw, fields[fs[i]].name);
        free(all);
}

/* ---------------------------------------------------------------- writing */

/* A urlencoded form on the heap: every field of these tests fits. */
enum { FORM_BYTES = 512 * 1024 };

static char *form_new(const struct member *j)
{
        char csrf[128];
        char *body = calloc(1, FORM_BYTES);
        csrf_of(j, csrf, sizeof(csrf));
        form_append(body, FORM_BYTES, "_csrf", csrf);
        return body;
}

/* Posts body (freed here) to path as j; the answer must be `expect` (a 303 on success). The
 * Location header goes to location when asked. */
static void post(const struct member *j, const char *path, char *body, const char *content_type,
                 size_t len, int expect, char *location, size_t size)
{
        char cookie[1024];
        jar_header(&j->jar, cookie, sizeof(cookie));
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "POST", path, cookie,
                                 content_type ? content_type : "application/x-www-form-urlencoded",
                                 body, len ? len : strlen(body), &r),
                         0);
        free(body);
        if (r.status != expect) {
                const char *err = r.body ? strstr(r.body, "field-error") : NULL;
                fail_msg("POST %s: status %d, expected %d: %.300s", path, r.status, expect,
                         err ? err : (r.body ? r.body : ""));
        }
        if (location)
                assert_true(resp_header_get(&r, "Location", location, size));
        resp_free(&r);
}

static void set_profile(const struct member *j, enum field name, enum field headline,
                        enum field bio, const char *email)
{
        char *body = form_new(j);
        form_append(body, FORM_BYTES, "display_name", texts[name].raw);
        form_append(body, FORM_BYTES, "headline", texts[headline].raw);
        form_append(body, FORM_BYTES, "bio", texts[bio].raw);
        form_append(body, FORM_BYTES, "email", email);
        post(j, "/settings/profile", body, NULL, 0, 303, NULL, 0);
}

/* Posts a comment (a reply when parent > 0) and returns its id. */
static long comment(const struct member *j, enum field f, long parent)
{
        char *body = form_new(j), location[512];
        form_append(body, FORM_BYTES, "body", texts[f].raw);
        if (parent > 0) {
                char p[32];
                snprintf(p, sizeof(p), "%ld", parent);
                form_append(body, FORM_BYTES, "parent", p);
        }
        post(j, EP_PATH "/comments", body, NULL, 0, 303, location, sizeof(location));
        const char *at = strstr(location, "#c-");
        assert_non_null(at);
        return strtol(at + 3, NULL, 10);
}

/* The number after `before` in the page at path as j (an id in a link), or fails. */
static long id_after(const struct member *j, const char *path, const char *before)
{
        struct page p;
        fetch(&p, j, "a writer", path);
        const char *at = strstr(p.r.body, before);
        if (!at)
                fail_msg("%s: no \"%s\"", path, before);
        long id = strtol(at + strlen(before), NULL, 10);
        resp_free(&p.r);
        return id;
}

/* Everything at its limit: two profiles, a newsletter, a season, an episode with a cover, a
 * comment with a reply and a reaction, and a report. Fills the ids it learns. */
static void write_everything(struct member *mira, struct member *sam, long *episode_id,
                             long *comment_id)
{
        set_profile(mira, MIRA_NAME, MIRA_HEADLINE, MIRA_BIO, "mira@kindred.test");
        set_profile(sam, SAM_NAME, SAM_HEADLINE, SAM_BIO, "sam@kindred.test");

        char *body = form_new(mira);
        form_append(body, FORM_BYTES, "title", texts[NL_TITLE].raw);
        form_append(body, FORM_BYTES, "slug", SLUG);
        form_append(body, FORM_BYTES, "description", texts[NL_DESCRIPTION].raw);
        post(mira, "/write/newsletter", body, NULL, 0, 303, NULL, 0);

        body = form_new(sam); /* a follower hears of the new episode */
        form_append(body, FORM_BYTES, "follow", "1");
        post(sam, NL_PATH "/follow", body, NULL, 0, 303, NULL, 0);

        body = form_new(mira);
        form_append(body, FORM_BYTES, "number", "1");
        form_append(body, FORM_BYTES, "title", texts[SEASON_TITLE].raw);
        form_append(body, FORM_BYTES, "description", texts[SEASON_DESCRIPTION].raw);
        form_append(body, FORM_BYTES, "cadence", "irregular");
        form_append(body, FORM_BYTES, "status", "airing");
        post(mira, "/write/n/" SLUG "/season", body, NULL, 0, 303, NULL, 0);

        char csrf[128], content_type[160];
        csrf_of(mira, csrf, sizeof(csrf));
        struct multipart m;
        mp_init(&m);
        mp_field(&m, "_csrf", csrf);
        mp_field(&m, "season", "1");
        mp_field(&m, "title", texts[EP_TITLE].raw);
        mp_field(&m, "subtitle", texts[EP_SUBTITLE].raw);
        mp_field(&m, "slug", SLUG);
        mp_field(&m, "body", texts[EP_BODY].raw);
        mp_field(&m, "cover_alt", texts[COVER_ALT].raw);
        mp_field(&m, "cover_credit", texts[COVER_CREDIT].raw);
        mp_field(&m, "ai", "none");
        mp_field(&m, "teaser", texts[EP_TEASER].raw);
        mp_field(&m, "publish_at", "");
        mp_field(&m, "action", "publish");
        size_t png_len;
        unsigned char *png = test_png(64, 32, 3, &png_len);
        mp_file(&m, "cover", "cover.png", "image/png", png, png_len);
        free(png);
        mp_finish(&m, content_type, sizeof(content_type));
        size_t len = m.len;
        char *data = m.data; /* post() frees it */
        m.data = NULL;
        mp_free(&m);
        post(mira, "/write/n/" SLUG "/episode", data, content_type, len, 303, NULL, 0);
        *episode_id = id_after(mira, EP_PATH, "href=\"/write/episode/");

        *comment_id = comment(mira, COMMENT, 0);
        comment(sam, REPLY, *comment_id);

        char id[32];
        snprintf(id, sizeof(id), "%ld", *comment_id);
        body = form_new(sam);
        form_append(body, FORM_BYTES, "target", "comment");
        form_append(body, FORM_BYTES, "id", id);
        form_append(body, FORM_BYTES, "react", "insightful:1");
        form_append(body, FORM_BYTES, "next", EP_PATH);
        post(sam, "/react", body, NULL, 0, 303, NULL, 0);

        char path[64];
        snprintf(path, sizeof(path), "/comments/%ld/report", *comment_id);
        body = form_new(sam);
        form_append(body, FORM_BYTES, "reason", "off-topic");
        form_append(body, FORM_BYTES, "note", texts[REPORT_NOTE].raw);
        post(sam, path, body, NULL, 0, 200, NULL, 0);
}

/* ---------------------------------------------------------------- reading */

static void check_reading_pages(long comment_id)
{
        struct page p;
        fetch(&p, NULL, "a guest", "/");
        shows(&p, NL_TITLE);
        shows(&p, EP_TITLE);
        shows(&p, EP_SUBTITLE);
        shows(&p, MIRA_NAME);
        shows(&p, MIRA_HEADLINE);
        shows(&p, SAM_NAME);
        shows(&p, SAM_HEADLINE);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", NL_PATH);
        shows_in(&p, "<title>", NL_TITLE, " · ");
        shows_in(&p, "<h1>", NL_TITLE, "</h1>");
        shows_in(&p, "<meta name=\"description\" content=\"", NL_DESCRIPTION, "\">");
        shows_in(&p, "<p>", NL_DESCRIPTION, "</p>");
        shows_in(&p, "Season 1: ", SEASON_TITLE, "</a></h2>");
        shows_in(&p, "<p>", SEASON_DESCRIPTION, "</p>");
        shows(&p, EP_TITLE);
        shows(&p, MIRA_NAME);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", NL_PATH "/season/1");
        shows_in(&p, "<title>Season 1: ", SEASON_TITLE, " · ");
        shows_in(&p, "<h1>Season 1: ", SEASON_TITLE, "</h1>");
        shows_in(&p, "<p>", SEASON_DESCRIPTION, "</p>");
        shows(&p, NL_TITLE);
        shows(&p, EP_TITLE);
        shows(&p, EP_SUBTITLE);
        shows(&p, MIRA_NAME);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", EP_PATH);
        shows_in(&p, "<title>", EP_TITLE, " · ");
        shows_in(&p, "<h1 class=\"p-name\" lang=\"en\">", EP_TITLE, "</h1>");
        shows_in(&p, "<meta property=\"og:title\" content=\"", EP_TITLE, "\">");
        shows(&p, EP_SUBTITLE);
        shows_in(&p, "<meta name=\"description\" content=\"", EP_SUBTITLE, "\">");
        shows(&p, EP_TEASER);
        shows_in(&p, "alt=\"", COVER_ALT, "\"");
        shows_in(&p, "<figcaption>", COVER_CREDIT, "</figcaption>");
        shows_in(&p, "<p>", EP_BODY, "</p>");
        shows(&p, NL_TITLE);
        shows(&p, MIRA_NAME);
        shows(&p, MIRA_HEADLINE);
        shows_in(&p, "<p>", COMMENT, "</p>");
        shows_in(&p, "<p>", REPLY, "</p>");
        shows(&p, SAM_NAME);
        shows(&p, SAM_HEADLINE);
        resp_free(&p.r);

        char path[128];
        snprintf(path, sizeof(path), EP_PATH "/comments/%ld", comment_id);
        fetch(&p, NULL, "a guest", path);
        shows_in(&p, "<p>", COMMENT, "</p>");
        shows_in(&p, "<p>", REPLY, "</p>");
        shows(&p, MIRA_NAME);
        shows(&p, SAM_NAME);
        resp_free(&p.r);

        snprintf(path, sizeof(path), "/reactions?target=comment&id=%ld", comment_id);
        fetch(&p, NULL, "a guest", path);
        shows(&p, SAM_NAME);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", "/@mira");
        shows_in(&p, "<title>", MIRA_NAME, " · ");
        shows_in(&p, "<h1 class=\"p-name\">", MIRA_NAME, "</h1>");
        shows(&p, MIRA_HEADLINE);
        shows(&p, MIRA_BIO);
        shows(&p, NL_TITLE);
        shows(&p, EP_TITLE);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", "/@sam");
        shows_in(&p, "<h1 class=\"p-name\">", SAM_NAME, "</h1>");
        shows(&p, SAM_HEADLINE);
        shows(&p, SAM_BIO);
        resp_free(&p.r);
}

static void check_feeds(void)
{
        struct page p;
        fetch(&p, NULL, "a guest", "/feed.atom");
        shows_in(&p, "<title>", EP_TITLE, "</title>");
        shows(&p, MIRA_NAME);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", NL_PATH "/feed.atom");
        shows_in(&p, "<title>", NL_TITLE, "</title>");
        shows_in(&p, "<title>", EP_TITLE, "</title>");
        shows(&p, EP_SUBTITLE);
        shows(&p, MIRA_NAME);
        resp_free(&p.r);

        const enum field site_feed[] = {EP_TITLE, EP_SUBTITLE, MIRA_NAME};
        fetch(&p, NULL, "a guest", "/feed.json");
        json_shows(&p, site_feed, 3);
        resp_free(&p.r);

        const enum field nl_feed[] = {NL_TITLE, EP_TITLE, EP_SUBTITLE, MIRA_NAME};
        fetch(&p, NULL, "a guest", NL_PATH "/feed.json");
        json_shows(&p, nl_feed, 4);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", "/sitemap.xml");
        expect_whole(&p, p.r.body, EP_PATH "</loc>", "the episode's address");
        resp_free(&p.r);
}

static void check_member_pages(const struct member *mira, const struct member *sam, long episode_id,
                               long comment_id)
{
        struct page p;
        fetch(&p, sam, "sam", "/");
        shows_in(&p, "<p>Welcome back, ", SAM_NAME, ".</p>");
        shows_in(&p, "<li><a href=\"/@sam\">", SAM_NAME, "</a></li>"); /* the member menu */
        resp_free(&p.r);

        fetch(&p, sam, "sam", "/settings");
        shows_in(&p, "value=\"", SAM_NAME, "\"");
        shows_in(&p, "value=\"", SAM_HEADLINE, "\"");
        shows_in(&p, "", SAM_BIO, "</textarea>");
        fits(&p, "display_name", SAM_NAME);
        fits(&p, "headline", SAM_HEADLINE);
        fits(&p, "bio", SAM_BIO);
        resp_free(&p.r);

        fetch(&p, NULL, "a guest", "/signup");
        fits(&p, "display_name", SAM_NAME);
        fits(&p, "headline", SAM_HEADLINE);
        resp_free(&p.r);

        fetch(&p, sam, "sam", "/notifications");
        shows_in(&p, "New episode: “", EP_TITLE, "”");
        resp_free(&p.r);

        fetch(&p, mira, "mira", "/notifications");
        shows_in(&p, ">", SAM_NAME, " replied to your comment on “");
        shows_in(&p, " replied to your comment on “", EP_TITLE, "”");
        shows_in(&p, ">", SAM_NAME, " reacted to your comment on “");
        resp_free(&p.r);

        fetch(&p, mira, "mira", EP_PATH);
        shows_in(&p, "Reply to ", SAM_NAME, "</label>");
        shows_in(&p, "Reply to ", MIRA_NAME, "</label>");
        fits(&p, "body", COMMENT);
        resp_free(&p.r);

        char path[128];
        snprintf(path, sizeof(path), "/comments/%ld/edit", comment_id);
        fetch(&p, mira, "mira", path);
        shows_in(&p, "", COMMENT, "</textarea>");
        fits(&p, "body", COMMENT);
        resp_free(&p.r);

        snprintf(path, sizeof(path), "/comments/%ld/report", comment_id);
        fetch(&p, sam, "sam", path);
        shows_in(&p, "<p>", COMMENT, "</p>");
        fits(&p, "note", REPORT_NOTE);
        resp_free(&p.r);

        fetch(&p, sam, "sam", "/api/v1/me");
        const enum field me[] = {SAM_NAME};
        json_shows(&p, me, 1);
        resp_free(&p.r);

        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", episode_id);
        fetch(&p, NULL, "a guest", path);
        const enum field conversation[] = {COMMENT, REPLY, MIRA_NAME, SAM_NAME};
        json_shows(&p, conversation, 4);
        resp_free(&p.r);

        struct member june;
        login_as(&june, "june", NULL);
        fetch(&p, &june, "june", "/moderation");
        shows(&p, REPORT_NOTE);
        shows_in(&p, "<p>", COMMENT, "</p>");
        shows(&p, SAM_NAME);
        shows(&p, EP_TITLE);
        resp_free(&p.r);

        struct member admin;
        login_as(&admin, "admin", NULL);
        fetch(&p, &admin, "admin", "/admin/members");
        shows(&p, MIRA_NAME);
        shows(&p, SAM_NAME);
        resp_free(&p.r);
}

static void check_editor_pages(const struct member *mira, long episode_id)
{
        struct page p;
        fetch(&p, mira, "mira", "/write");
        shows(&p, NL_TITLE);
        shows(&p, EP_TITLE);
        resp_free(&p.r);

        fetch(&p, mira, "mira", "/write/n/" SLUG);
        shows_in(&p, "value=\"", NL_TITLE, "\"");
        shows_in(&p, "", NL_DESCRIPTION, "</textarea>");
        fits(&p, "title", NL_TITLE);
        fits(&p, "description", NL_DESCRIPTION);
        shows_in(&p, "Season 1: ", SEASON_TITLE, "</a></li>");
        resp_free(&p.r);

        fetch(&p, mira, "mira", "/write/n/" SLUG "/season/1");
        shows_in(&p, "<title>Season 1: ", SEASON_TITLE, " · ");
        shows_in(&p, "<h1>Season 1: ", SEASON_TITLE, "</h1>");
        shows_in(&p, "value=\"", SEASON_TITLE, "\"");
        shows_in(&p, "", SEASON_DESCRIPTION, "</textarea>");
        fits(&p, "title", SEASON_TITLE);
        fits(&p, "description", SEASON_DESCRIPTION);
        shows(&p, NL_TITLE);
        resp_free(&p.r);

        char path[64];
        snprintf(path, sizeof(path), "/write/episode/%ld", episode_id);
        fetch(&p, mira, "mira", path);
        shows_in(&p, "value=\"", EP_TITLE, "\"");
        shows_in(&p, "value=\"", EP_SUBTITLE, "\"");
        shows_in(&p, "value=\"", EP_TEASER, "\"");
        shows_in(&p, "value=\"", COVER_CREDIT, "\"");
        shows_in(&p, "", COVER_ALT, "</textarea>");
        shows_in(&p, "", EP_BODY, "</textarea>");
        fits(&p, "title", EP_TITLE);
        fits(&p, "subtitle", EP_SUBTITLE);
        fits(&p, "teaser", EP_TEASER);
        fits(&p, "cover_alt", COVER_ALT);
        fits(&p, "cover_credit", COVER_CREDIT);
        shows_in(&p, "Season 1: ", SEASON_TITLE, "</option>");
        resp_free(&p.r);

        fetch(&p, mira, "mira", "/write/n/" SLUG "/episode");
        shows_in(&p, "Season 1: ", SEASON_TITLE, "</option>");
        resp_free(&p.r);
}

/* ---------------------------------------------------------------- the tests */

static void run_script(const struct script *sc)
{
        for (int f = 0; f < FIELDS; f++) {
                make_text(&texts[f], sc, (enum field)f);
                assert_int_equal(count_cps(texts[f].raw), fields[f].max);
        }
        struct member mira, sam;
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        long episode_id = 0, comment_id = 0;
        write_everything(&mira, &sam, &episode_id, &comment_id);
        check_reading_pages(comment_id);
        check_feeds();
        check_member_pages(&mira, &sam, episode_id, comment_id);
        check_editor_pages(&mira, episode_id);
        free_texts();
}

static void test_cjk_at_the_limits(void **state)
{
        (void)state;
        run_script(&scripts[0]);
}

static void test_emoji_at_the_limits(void **state)
{
        (void)state;
        run_script(&scripts[1]);
}

static void test_combining_accents_at_the_limits(void **state)
{
        (void)state;
        run_script(&scripts[2]);
}

/* The checker itself: a character cut short, a stray continuation byte and a surrogate are
 * caught, whole text passes. A test that cannot fail is worse than none. */
static void test_utf8_check_catches_cuts(void **state)
{
        (void)state;
        size_t at;
        const char *whole = "Season 1: 漢字 😀 e\xCC\x81";
        assert_true(utf8_ok((const unsigned char *)whole, strlen(whole), &at));
        assert_false(utf8_ok((const unsigned char *)"ab\xE6\xBC", 4, &at)); /* 漢 cut */
        assert_int_equal(at, 2);
        assert_false(utf8_ok((const unsigned char *)"\xF0\x9F\x98", 3, &at)); /* 😀 cut */
        assert_false(utf8_ok((const unsigned char *)"a\x80", 2, &at));
        assert_false(utf8_ok((const unsigned char *)"\xED\xA0\x80", 3, &at)); /* U+D800 */
        assert_false(utf8_ok((const unsigned char *)"\xC0\xAF", 2, &at));     /* overlong */
}

/* ---------------------------------------------------------------- fixtures */

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_utf8_check_catches_cuts),
            cmocka_unit_test_setup_teardown(test_cjk_at_the_limits, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_emoji_at_the_limits, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_combining_accents_at_the_limits, kd_fixture_start,
                                            kd_fixture_stop),
        };
        return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
