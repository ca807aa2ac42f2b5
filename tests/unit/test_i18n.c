/* Unit tests for core/i18n and core/l10n: the compiled catalogs, Accept-Language negotiation,
 * lookup with fallback, plural forms, the script's JSON catalog, and numbers, dates and relative
 * times in English and Simplified Chinese. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "core/i18n_catalog.h"
#include "core/l10n.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct locale *zh(void)
{
        const struct locale *l = i18n_find("zh-CN");
        if (!l)
                fail_msg("no zh-CN catalog");
        return l;
}

static void expect_tag(const char *header, const char *tag)
{
        const struct locale *l = i18n_negotiate(header);
        if (!l)
                fail_msg("negotiate(\"%s\") returned NULL", header ? header : "(null)");
        if (strcmp(i18n_tag(l), tag) != 0)
                fail_msg("negotiate(\"%s\") gave %s, not %s", header ? header : "(null)",
                         i18n_tag(l), tag);
}

/* Headers that name nothing supported get the default, English. */
static void expect_en(const char *header)
{
        const struct locale *l = i18n_negotiate(header);
        if (!l)
                fail_msg("negotiate(\"%s\") returned NULL", header ? header : "(null)");
        assert_string_equal(i18n_tag(l), "en");
}

static void test_default(void **state)
{
        (void)state;
        const struct locale *l = i18n_default();
        assert_non_null(l);
        assert_string_equal(i18n_tag(l), "en");
        assert_ptr_equal(i18n_negotiate(NULL), l);
}

static void test_find(void **state)
{
        (void)state;
        const struct locale *en = i18n_default();
        assert_ptr_equal(i18n_find("en"), en);
        assert_ptr_equal(i18n_find("EN"), en);
        assert_ptr_equal(i18n_find("en-GB"), en);
        assert_ptr_equal(i18n_find("en-US"), en);
        assert_ptr_equal(i18n_find("en_US"), en);
        assert_string_equal(i18n_tag(zh()), "zh-CN");
        const char *simplified[] = {"zh",         "zh-CN",   "zh-cn",      "ZH-CN",
                                    "zh_CN",      "zh-Hans", "zh-Hans-CN", "zh-SG",
                                    "zh-Hans-TW", "zh-MY",   "cmn-Hans",   "zh-Hans-HK"};
        for (size_t i = 0; i < sizeof(simplified) / sizeof(simplified[0]); i++)
                if (i18n_find(simplified[i]) != zh())
                        fail_msg("%s is not Simplified Chinese", simplified[i]);
        const char *other[] = {"zh-TW", "zh-Hant", "zh-Hant-TW",
                               "zh-HK", "zh-MO",   "zh-Hant-CN",
                               "fr",    "",        "e",
                               "eng",   "english", "*",
                               "en-",   "-en",     "en--GB",
                               "zh-",   "e1",      "en;q=1",
                               "en GB", "zh-CN-",  "zh-toolongsubtag"};
        for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
                if (i18n_find(other[i]))
                        fail_msg("\"%s\" found a catalog", other[i]);
        assert_null(i18n_find(NULL));
}

static void test_locales(void **state)
{
        (void)state;
        assert_int_equal(i18n_count(), 2);
        assert_ptr_equal(i18n_at(0), i18n_default());
        assert_ptr_equal(i18n_at(1), zh());
        assert_null(i18n_at(2));
        assert_string_equal(i18n_name(i18n_default()), "English");
        assert_string_equal(i18n_name(zh()), "简体中文");
}

/* The generator's tables are sorted as the binary search expects, with every plural entry
 * holding as many forms as its language has, none empty. */
static void test_catalog_tables(void **state)
{
        (void)state;
        for (size_t i = 0; i < i18n_count(); i++) {
                const struct locale *l = i18n_at(i);
                for (size_t k = 0; k < l->count; k++) {
                        const struct i18n_entry *e = &l->entries[k];
                        assert_true(e->forms == 0 || e->forms == l->nplurals);
                        for (unsigned f = 0; f < (e->forms ? e->forms : 1u); f++)
                                assert_true(e->msgstr[f] && *e->msgstr[f]);
                        /* every entry is found by the lookup */
                        if (e->forms == 0)
                                assert_ptr_equal(e->msgctxt ? i18n_pget(l, e->msgctxt, e->msgid)
                                                            : i18n_get(l, e->msgid),
                                                 e->msgstr[0]);
                        if (k == 0)
                                continue;
                        const struct i18n_entry *p = &l->entries[k - 1];
                        int order;
                        if (!p->msgctxt != !e->msgctxt)
                                order = p->msgctxt ? 1 : -1;
                        else if (p->msgctxt && strcmp(p->msgctxt, e->msgctxt) != 0)
                                order = strcmp(p->msgctxt, e->msgctxt);
                        else
                                order = strcmp(p->msgid, e->msgid);
                        if (order >= 0)
                                fail_msg("%s: \"%s\" before \"%s\"", l->tag, p->msgid, e->msgid);
                }
        }
        assert_true(zh()->count > 250);
}

static void test_negotiate(void **state)
{
        (void)state;
        expect_en(NULL);
        expect_en("en");
        expect_en("en-GB");
        expect_en("EN-us");
        expect_en("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5");
        expect_en("de, en;q=0.1");
        expect_en("en;q=0");
        expect_en("*");
        expect_en("zh-TW");   /* Traditional: not Simplified, so the default */
        expect_en("zh-Hant"); /* the same */
        expect_en("zh-Hant-TW, fr");
        expect_en("zh;q=0"); /* "not Chinese" */
        expect_en("zh-CN;q=0, fr");
        expect_tag("zh-CN,zh;q=0.9", "zh-CN");
        expect_tag("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN");
        expect_tag("zh", "zh-CN");
        expect_tag("zh-Hans", "zh-CN");
        expect_tag("zh-SG", "zh-CN");
        expect_tag("zh-Hans-CN", "zh-CN");
        expect_tag("zh-TW, zh-CN;q=0.5", "zh-CN"); /* Traditional first, then Simplified */
        expect_tag("zh-TW, en;q=0.5", "en");
        expect_tag("en;q=0.8, zh-CN", "zh-CN"); /* quality, not order */
        expect_tag("en;q=0.8, zh-CN;q=0.9", "zh-CN");
        expect_tag("en;q=0.9, zh-CN;q=0.9", "en"); /* a tie keeps the first */
        expect_tag("zh-CN;q=0.900, en;q=0.899", "zh-CN");
        expect_tag("fr;q=1, zh ; q=0.5 , en;q=0.4", "zh-CN"); /* spaces around ; */
        expect_tag("zh-CN;Q=0.5, en;q=0.4", "zh-CN");
        expect_tag("zh-CN;q=0.5;level=1, en;q=0.4", "zh-CN"); /* other parameters */
        expect_tag("zh-CN;q=2, en;q=0.1", "en");              /* a bad q drops its language */
        expect_tag("zh-CN;q=0.5000, en;q=0.1", "en");         /* four decimals */
        expect_tag("zh-CN;q=.5, en;q=0.1", "en");
        expect_tag("zh-CN;q=1.001, en;q=0.1", "en");
        expect_tag("zh-CN;q=1.000, en;q=0.1", "zh-CN");
}

static void test_negotiate_or_and_choose(void **state)
{
        (void)state;
        const struct locale *en = i18n_default();
        /* the site default applies when nothing listed matches */
        assert_ptr_equal(i18n_negotiate_or(NULL, zh()), zh());
        assert_ptr_equal(i18n_negotiate_or("fr, de", zh()), zh());
        assert_ptr_equal(i18n_negotiate_or("zh-TW", zh()), zh());
        assert_ptr_equal(i18n_negotiate_or("fr, en;q=0.3", zh()), en);
        assert_ptr_equal(i18n_negotiate_or("garbage;;;", zh()), zh());
        /* an explicit preference beats the header; a bad one is ignored */
        assert_ptr_equal(i18n_choose("en", "zh-CN", NULL), en);
        assert_ptr_equal(i18n_choose("zh-CN", "en", NULL), zh());
        assert_ptr_equal(i18n_choose("zh", NULL, en), zh());
        assert_ptr_equal(i18n_choose("klingon", "zh-CN,en;q=0.5", en), zh());
        assert_ptr_equal(i18n_choose("", "fr", zh()), zh());
        assert_ptr_equal(i18n_choose(NULL, NULL, NULL), en);
        assert_ptr_equal(i18n_choose("zh-Hant", NULL, NULL), en);
}

static void test_negotiate_garbage(void **state)
{
        (void)state;
        const char *junk[] = {
            "",
            ",",
            ",,,;;;",
            ";",
            ";q=",
            "q=",
            "en;q=",
            "en;q=abc",
            "en;q=0.",
            "en;q=0.99999999999999999999999999999999999999",
            "en;q=-1",
            "en;;;q=1;q=0",
            "  ,  en  ,  ",
            "\xFF\xFE\xFD",
            "en\t;q=1",
            "=;=;=,=",
            "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-0-1-2-3-4-5-6-7-8-9",
        };
        for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
                expect_en(junk[i]);

        /* A very long header without separators, and one with very many entries. */
        size_t n = 100000;
        char *big = malloc(n + 1);
        assert_non_null(big);
        memset(big, 'a', n);
        big[n] = '\0';
        expect_en(big);
        for (size_t i = 0; i + 2 < n; i += 2) {
                big[i] = 'x';
                big[i + 1] = ',';
        }
        expect_en(big);
        for (size_t i = 0; i + 6 < n; i += 6)
                memcpy(big + i, "e;q=1,", 6);
        expect_en(big);
        free(big);
}

static void test_get(void **state)
{
        (void)state;
        const struct locale *en = i18n_default();
        const char *msgid = "Log in";
        assert_string_equal(i18n_get(en, msgid), "Log in");
        assert_ptr_equal(i18n_get(en, msgid), msgid);
        assert_string_equal(i18n_get(en, ""), "");
        assert_string_equal(i18n_get(en, "A message no catalog has %s"),
                            "A message no catalog has %s");
}

static void test_nget_english_plurals(void **state)
{
        (void)state;
        const struct locale *en = i18n_default();
        const char *one = "%lu reply", *many = "%lu replies";
        assert_ptr_equal(i18n_nget(en, one, many, 0), many);
        assert_ptr_equal(i18n_nget(en, one, many, 1), one);
        assert_ptr_equal(i18n_nget(en, one, many, 2), many);
        assert_ptr_equal(i18n_nget(en, one, many, 5), many);
        assert_ptr_equal(i18n_nget(en, one, many, 11), many);
        assert_ptr_equal(i18n_nget(en, one, many, 21), many);
        assert_ptr_equal(i18n_nget(en, one, many, (unsigned long)-1), many);
        /* a message the English catalog has, through its own plural forms */
        assert_string_equal(i18n_nget(en, "%d comment", "%d comments", 0), "%d comments");
        assert_string_equal(i18n_nget(en, "%d comment", "%d comments", 1), "%d comment");
        assert_string_equal(i18n_nget(en, "%d comment", "%d comments", 2), "%d comments");
        assert_string_equal(i18n_nget(en, "%d comment", "%d comments", 5), "%d comments");
        assert_string_equal(i18n_nget(en, "%d comment", "%d comments", 1000000), "%d comments");
        /* a message nobody has: Chinese falls back to the English forms */
        assert_ptr_equal(i18n_nget(zh(), one, many, 1), one);
        assert_ptr_equal(i18n_nget(zh(), one, many, 5), many);
}

static void test_chinese(void **state)
{
        (void)state;
        const struct locale *z = zh();
        assert_string_equal(i18n_get(z, "Log in"), "登录");
        assert_string_equal(i18n_get(z, "Reply"), "回复");
        assert_string_equal(i18n_get(z, "Follow"), "关注");
        assert_string_equal(i18n_pget(z, "month", "May"), "5月");
        assert_string_equal(i18n_pget(z, "weekday", "Tuesday"), "星期二");
        assert_string_equal(i18n_pget(i18n_default(), "month", "May"), "May");
        /* a missing message or context: the English */
        const char *missing = "A message no catalog has %s";
        assert_ptr_equal(i18n_get(z, missing), missing);
        const char *may = "May";
        assert_ptr_equal(i18n_pget(z, "no such context", may), may);
        /* Chinese has one form for every n */
        unsigned long ns[] = {0, 1, 2, 5, 1000000, (unsigned long)-1};
        for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
                assert_string_equal(i18n_nget(z, "%d comment", "%d comments", ns[i]), "%d 条评论");
                assert_string_equal(i18n_nget(z, "%lld month ago", "%lld months ago", ns[i]),
                                    "%lld 个月前");
        }
        /* a plural message looked up as a plain one is not mixed up with it */
        assert_string_equal(i18n_get(z, "%d comment"), "%d comment");
}

static void test_js_catalog(void **state)
{
        (void)state;
        for (size_t i = 0; i < i18n_count(); i++) {
                const char *s = i18n_js_catalog_json(i18n_at(i));
                assert_non_null(s);
                assert_null(strpbrk(s, "<>&")); /* cannot end its <script> block */
                json_error_t err;
                json_t *o = json_loads(s, 0, &err);
                if (!o || !json_is_object(o))
                        fail_msg("%s: not a JSON object: %s", i18n_tag(i18n_at(i)), err.text);
                json_t *quote = json_object_get(o, "Quote this passage");
                assert_true(json_is_string(quote));
                json_t *forms = json_object_get(o, "%d comment on this passage");
                assert_true(json_is_array(forms));
                if (i18n_at(i) == zh()) {
                        assert_string_equal(json_string_value(quote), "引用这段话");
                        assert_int_equal(json_array_size(forms), 1);
                        assert_string_equal(json_string_value(json_array_get(forms, 0)),
                                            "这段话有 %d 条评论");
                } else {
                        assert_string_equal(json_string_value(quote), "Quote this passage");
                        assert_int_equal(json_array_size(forms), 2);
                }
                assert_null(json_object_get(o, "Log in")); /* only the script's messages */
                json_decref(o);
        }
}

/* ---------------------------------------------------------------- l10n */

#define DAY  86400
#define YEAR (365 * DAY)

static void test_numbers(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const struct {
                int64_t n;
                const char *text;
        } cases[] = {
            {0, "0"},
            {1, "1"},
            {2, "2"},
            {5, "5"},
            {999, "999"},
            {1000, "1,000"},
            {1234, "1,234"},
            {12345, "12,345"},
            {123456, "123,456"},
            {1234567, "1,234,567"},
            {-1, "-1"},
            {-1234, "-1,234"},
            {INT64_MAX, "9,223,372,036,854,775,807"},
            {INT64_MIN, "-9,223,372,036,854,775,808"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                /* Chinese groups thousands with a comma too (CLDR zh: #,##0) */
                assert_string_equal(l10n_number(a, i18n_default(), cases[i].n), cases[i].text);
                assert_string_equal(l10n_number(a, zh(), cases[i].n), cases[i].text);
        }
        arena_free(a);
}

static void test_dates(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        const struct locale *en = i18n_default(), *z = zh();
        int64_t dec8 = 1796688000; /* 2026-12-08T00:00:00Z, a Tuesday */
        assert_string_equal(l10n_date_long(a, en, dec8), "Tuesday, 8 December 2026");
        assert_string_equal(l10n_date_long(a, z, dec8), "2026年12月8日 星期二");
        assert_string_equal(l10n_date(a, en, dec8 + DAY - 1), "8 December 2026");
        assert_string_equal(l10n_date(a, z, dec8 + DAY - 1), "2026年12月8日");
        assert_string_equal(l10n_date_long(a, en, 0), "Thursday, 1 January 1970");
        assert_string_equal(l10n_date_long(a, z, 0), "1970年1月1日 星期四");
        assert_string_equal(l10n_date_long(a, en, -1), "Wednesday, 31 December 1969");
        assert_string_equal(l10n_date_long(a, en, 1709164800), "Thursday, 29 February 2024");
        assert_string_equal(l10n_date(a, z, 951782400), "2000年2月29日");
        assert_string_equal(l10n_weekday(z, 0), "星期日");
        assert_string_equal(l10n_weekday(en, 6), "Saturday");
        assert_null(l10n_weekday(en, 7));
        assert_null(l10n_weekday(en, -1));
        arena_free(a);
}

static void expect_ago(const struct locale *l, int64_t ago, const char *text)
{
        struct arena *a = arena_new();
        int64_t now = 1796688000; /* 2026-12-08T00:00:00Z */
        const char *got = l10n_relative_time(a, l, now - ago, now);
        if (strcmp(got, text) != 0)
                fail_msg("%s, %lld s ago: \"%s\", not \"%s\"", i18n_tag(l), (long long)ago, got,
                         text);
        arena_free(a);
}

static void test_relative_time(void **state)
{
        (void)state;
        const struct locale *en = i18n_default(), *z = zh();
        expect_ago(en, 0, "just now");
        expect_ago(z, 0, "刚刚");
        expect_ago(en, 59, "just now");
        expect_ago(en, -60, "just now"); /* a clock a little ahead */
        expect_ago(en, 60, "1 minute ago");
        expect_ago(z, 60, "1 分钟前");
        expect_ago(en, 2 * 60, "2 minutes ago");
        expect_ago(z, 2 * 60, "2 分钟前");
        expect_ago(en, 5 * 3600, "5 hours ago");
        expect_ago(z, 5 * 3600, "5 小时前");
        expect_ago(en, 1 * DAY, "1 day ago");
        expect_ago(z, 1 * DAY, "1 天前");
        expect_ago(en, 2 * DAY, "2 days ago");
        expect_ago(en, 3 * DAY, "3 days ago");
        expect_ago(z, 3 * DAY, "3 天前");
        expect_ago(en, 5 * DAY, "5 days ago");
        expect_ago(z, 5 * DAY, "5 天前");
        expect_ago(en, 7 * DAY, "1 week ago");
        expect_ago(z, 14 * DAY, "2 周前");
        expect_ago(en, 30 * DAY, "1 month ago");
        expect_ago(en, 300 * DAY, "10 months ago");
        expect_ago(z, 300 * DAY, "10 个月前");
        expect_ago(en, YEAR, "1 year ago");
        expect_ago(z, 2 * YEAR, "2 年前");
        expect_ago(en, 5 * YEAR, "5 years ago");
        expect_ago(en, 1000 * (int64_t)YEAR, "1000 years ago");
        expect_ago(z, 1000 * (int64_t)YEAR, "1000 年前");
        /* a time to come is its date */
        expect_ago(en, -61, "8 December 2026");
        expect_ago(z, -DAY, "2026年12月9日");
        expect_ago(en, -400 * (int64_t)DAY, "12 January 2028");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_default),
            cmocka_unit_test(test_find),
            cmocka_unit_test(test_locales),
            cmocka_unit_test(test_catalog_tables),
            cmocka_unit_test(test_negotiate),
            cmocka_unit_test(test_negotiate_or_and_choose),
            cmocka_unit_test(test_negotiate_garbage),
            cmocka_unit_test(test_get),
            cmocka_unit_test(test_nget_english_plurals),
            cmocka_unit_test(test_chinese),
            cmocka_unit_test(test_js_catalog),
            cmocka_unit_test(test_numbers),
            cmocka_unit_test(test_dates),
            cmocka_unit_test(test_relative_time),
        };
        return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
