/* Site search: parsing a query, asking each engine's index, cutting snippets (search.h). */
#include "model/search.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/utf8.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/search_index.h"
#include "model/visible_sql.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the query */

static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* U+3000, the ideographic space a Chinese input method types: a separator too. Returns its
 * length in bytes at s (3), or 0. */
static size_t wide_space(const char *s, size_t left)
{
        return left >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                       (unsigned char)s[2] == 0x80
                   ? 3
                   : 0;
}

static size_t separator(const char *s, size_t left)
{
        return is_space(*s) ? 1 : wide_space(s, left);
}

int search_parse(struct arena *a, const char *q, struct search_query *out)
{
        memset(out, 0, sizeof(*out));
        size_t len = q ? strlen(q) : 0;
        if (!utf8_valid(q ? q : "", len) || utf8_has_controls(q ? q : "", len))
                return SEARCH_INVALID;
        if (utf8_count(q, len) > KD_SEARCH_QUERY_MAX)
                return SEARCH_TOO_LONG;
        bool any = false;
        size_t i = 0;
        while (i < len) {
                size_t sep = separator(q + i, len - i);
                if (sep) {
                        i += sep;
                        continue;
                }
                size_t start, end;
                if (q[i] == '"') { /* a quoted word may hold spaces */
                        start = ++i;
                        while (i < len && q[i] != '"')
                                i++;
                        end = i;
                        if (i < len)
                                i++;
                } else {
                        start = i;
                        while (i < len && !separator(q + i, len - i))
                                i++;
                        end = i;
                }
                /* trim inside quotes: " tea " is "tea" */
                while (start < end && separator(q + start, end - start))
                        start++;
                while (end > start && is_space(q[end - 1]))
                        end--;
                if (end == start)
                        continue;
                any = true;
                if (utf8_count(q + start, end - start) < KD_SEARCH_TERM_MIN_CHARS ||
                    out->n == KD_SEARCH_TERMS_MAX) {
                        out->skipped++;
                        continue;
                }
                out->terms[out->n++] = arena_strndup(a, q + start, end - start);
        }
        if (!any)
                return SEARCH_EMPTY;
        if (out->n == 0) {
                out->skipped = 0;
                return SEARCH_TOO_SHORT;
        }
        return SEARCH_OK;
}

static const char *const kind_params[] = {"", "episodes", "comments", "members"};

const char *search_kind_param(enum search_kind k)
{
        return (unsigned)k < sizeof(kind_params) / sizeof(kind_params[0]) ? kind_params[k] : "";
}

enum search_kind search_kind_from_param(const char *s)
{
        for (int k = SEARCH_EPISODE; s && k <= SEARCH_MEMBER; k++)
                if (strcmp(s, kind_params[k]) == 0)
                        return (enum search_kind)k;
        return SEARCH_ANY;
}

/* ------------------------------------------------------------------ the engines' SQL */

/* Who may be found, read from each thing's own row (joined by primary key): a live episode
 * (LIVE_EPISODE in visible_sql.h, shared with the profiles, so a rule added there holds here
 * too); a visible comment (VISIBLE_COMMENT) under a live episode (ce, written out: the macro
 * names its episode e), when the viewer may read comments (?4); a member not suspended, when
 * the viewer may see members (?5). ?2 is now, ?3 the kind asked for (0: all). */
#define SEARCH_JOINS                                                                               \
        "LEFT JOIN episode e ON d.kind = 1 AND e.id = d.ref_id "                                   \
        "LEFT JOIN comment c ON d.kind = 2 AND c.id = d.ref_id "                                   \
        "LEFT JOIN episode ce ON ce.id = c.episode_id "                                            \
        "LEFT JOIN member m ON d.kind = 3 AND m.id = d.ref_id "
#define SEARCH_FINDABLE                                                                            \
        "(?3 = 0 OR d.kind = ?3) AND ((d.kind = 1 AND " LIVE_EPISODE ") OR (d.kind = 2 AND ?4 <> " \
        "0 AND " VISIBLE_COMMENT " AND ce.status <> 'draft' AND ce.publish_at <= ?2) OR (d.kind "  \
        "= 3 AND ?5 <> 0 AND m.disabled = 0))"
#define SEARCH_AT                                                                                  \
        "CASE d.kind WHEN 1 THEN e.publish_at WHEN 2 THEN c.created_at ELSE m.created_at END"

/* The page's rows in full, around an engine's ranked page of (doc, score, at) named h. */
#define SEARCH_PAGE_BEGIN                                                                          \
        "SELECT h.score, h.found_at, d.kind, d.ref_id, d.body, coalesce(e.title, ce.title, "       \
        "a.display_name), "                                                                        \
        "coalesce(en.slug, cen.slug, ''), coalesce(e.slug, ce.slug, ''), coalesce(en.title, "      \
        "cen.title, ''), coalesce(c.buildon_id, 0), a.handle, a.display_name, "                    \
        "coalesce(m.headline, "                                                                    \
        "''), coalesce(m.bio, '') FROM ("
#define SEARCH_PAGE_END                                                                            \
        ") AS h JOIN search_doc d ON d.id = h.doc " SEARCH_JOINS                                   \
        "LEFT JOIN newsletter en ON en.id = e.newsletter_id "                                      \
        "LEFT JOIN newsletter cen ON cen.id = ce.newsletter_id "                                   \
        "JOIN member a ON a.id = CASE d.kind WHEN 1 THEN e.author_id WHEN 2 THEN c.author_id "     \
        "ELSE d.ref_id END ORDER BY h.score DESC, h.found_at DESC, h.doc DESC"

/* SQLite: the FTS5 trigram table. ?1 is the MATCH expression (each word a phrase); bm25 weighs
 * a word in the title ten times one in the body (less, and a short comment that says the word
 * once outranks the episode named by it), negated so higher is better. */
static const char sqlite_search_sql[] = SEARCH_PAGE_BEGIN
    "SELECT d.id AS doc, -bm25(search_fts, 10.0, 1.0) AS score, " SEARCH_AT
    " AS found_at FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid " SEARCH_JOINS
    "WHERE search_fts MATCH ?1 AND search_fts.rowid >= ?18 AND " SEARCH_FINDABLE
    " ORDER BY score DESC, found_at DESC, doc DESC LIMIT ?6 OFFSET ?7" SEARCH_PAGE_END;

/* The id from which the newest KD_SEARCH_CANDIDATES matches start (?2 is that number less one):
 * the index hands out rows by rowid, so this stops after that many, however common the words. */
static const char sqlite_boundary_sql[] = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 "
                                          "ORDER BY rowid DESC LIMIT 1 OFFSET ?2";

/* PostgreSQL: the pg_trgm GIN index answers each word's ILIKE '%word%' (?8 ...); the score
 * weighs the words as bm25 does above: four for a word in the title, plus how often it occurs
 * in the body (the word itself in ?13 ...) damped by the body's length. One statement per
 * number of words, so each is prepared once and every word has its index condition. */
#define PG_HIT(p) "(d.title ILIKE ?" p " OR d.body ILIKE ?" p ")"
#define PG_SCORE(p, t)                                                                             \
        "(CASE WHEN d.title ILIKE ?" p " THEN 4.0 ELSE 0.0 END + (length(lower(d.body)) - "        \
        "length(replace(lower(d.body), lower(CAST(?" t " AS TEXT)), ''))) / (length(CAST(?" t      \
        " AS TEXT)) * (1.0 + ln(1.0 + length(d.body) / 500.0))))"
#define PG_W1 PG_HIT("8")
#define PG_W2 PG_W1 " AND " PG_HIT("9")
#define PG_W3 PG_W2 " AND " PG_HIT("10")
#define PG_W4 PG_W3 " AND " PG_HIT("11")
#define PG_W5 PG_W4 " AND " PG_HIT("12")
#define PG_S1 PG_SCORE("8", "13")
#define PG_S2 PG_S1 " + " PG_SCORE("9", "14")
#define PG_S3 PG_S2 " + " PG_SCORE("10", "15")
#define PG_S4 PG_S3 " + " PG_SCORE("11", "16")
#define PG_S5 PG_S4 " + " PG_SCORE("12", "17")
#define PG_SEARCH(W, S)                                                                            \
        SEARCH_PAGE_BEGIN                                                                          \
        "SELECT d.id AS doc, " S " AS score, " SEARCH_AT                                           \
        " AS found_at FROM search_doc d " SEARCH_JOINS "WHERE " W                                  \
        " AND d.id >= ?18 AND " SEARCH_FINDABLE                                                    \
        " ORDER BY score DESC, found_at DESC, doc DESC LIMIT ?6 OFFSET ?7" SEARCH_PAGE_END
static const char *const pg_search_sql[KD_SEARCH_TERMS_MAX] = {
    PG_SEARCH(PG_W1, PG_S1), PG_SEARCH(PG_W2, PG_S2), PG_SEARCH(PG_W3, PG_S3),
    PG_SEARCH(PG_W4, PG_S4), PG_SEARCH(PG_W5, PG_S5),
};
_Static_assert(KD_SEARCH_TERMS_MAX == 5, "one PostgreSQL statement per number of words");

/* PostgreSQL's boundary (as sqlite_boundary_sql): the words in ?2 ..., the offset in ?1. "d.id +
 * 0" keeps the planner from walking the primary key backwards, which would read the whole
 * table for a rare word: the trigram index finds the matches, a top-N sort of their ids picks. */
#define PG_BOUNDARY(W)                                                                             \
        "SELECT d.id FROM search_doc d WHERE " W " ORDER BY d.id + 0 DESC LIMIT 1 OFFSET ?1"
#define PG_B1 PG_HIT("2")
#define PG_B2 PG_B1 " AND " PG_HIT("3")
#define PG_B3 PG_B2 " AND " PG_HIT("4")
#define PG_B4 PG_B3 " AND " PG_HIT("5")
#define PG_B5 PG_B4 " AND " PG_HIT("6")
static const char *const pg_boundary_sql[KD_SEARCH_TERMS_MAX] = {
    PG_BOUNDARY(PG_B1), PG_BOUNDARY(PG_B2), PG_BOUNDARY(PG_B3),
    PG_BOUNDARY(PG_B4), PG_BOUNDARY(PG_B5),
};

/* The words as an FTS5 expression: each a phrase in double quotes (its own quotes doubled), so
 * every character is matched as itself, never read as query syntax; side by side they are all
 * required. */
static char *fts_expression(const struct search_query *q)
{
        struct buf b = BUF_INIT;
        for (size_t i = 0; i < q->n; i++) {
                if (i)
                        buf_putc(&b, ' ');
                buf_putc(&b, '"');
                for (const char *p = q->terms[i]; *p; p++) {
                        if (*p == '"')
                                buf_putc(&b, '"');
                        buf_putc(&b, *p);
                }
                buf_putc(&b, '"');
        }
        return b.data;
}

/* A word as an ILIKE pattern matching it anywhere (%, _ and \ escaped with \). Heap string. */
static char *like_anywhere(const char *t)
{
        struct buf b = BUF_INIT;
        buf_putc(&b, '%');
        for (; *t; t++) {
                if (*t == '%' || *t == '_' || *t == '\\')
                        buf_putc(&b, '\\');
                buf_putc(&b, *t);
        }
        buf_putc(&b, '%');
        return b.data;
}

static const char *hit_url(struct arena *a, const struct search_hit *h, const char *nl_slug,
                           const char *ep_slug, int64_t buildon_id)
{
        /* slugs and handles are URL-safe as they are (core/slug.h, member_handle_problem) */
        switch (h->kind) {
        case SEARCH_EPISODE:
                return arena_printf(a, "/n/%s/%s", nl_slug, ep_slug);
        case SEARCH_COMMENT:
                if (buildon_id)
                        return arena_printf(a, "/n/%s/%s/b/%lld#c-%lld", nl_slug, ep_slug,
                                            (long long)buildon_id, (long long)h->id);
                return arena_printf(a, "/n/%s/%s#c-%lld", nl_slug, ep_slug, (long long)h->id);
        default:
                return arena_printf(a, "/@%s", h->handle);
        }
}

/* A comment's Markdown as the plain text its page shows (links as their text, no emphasis
 * marks), in a; the Markdown itself when it does not render. */
static const char *comment_plain_text(struct arena *a, const char *markdown)
{
        struct mdr_result out;
        if (mdr_render(markdown, strlen(markdown), MDR_MEMBER, &out) != 0) {
                mdr_result_free(&out);
                return markdown;
        }
        const char *text = out.text.data ? arena_strndup(a, out.text.data, out.text.len) : "";
        mdr_result_free(&out);
        return text;
}

int search_run(struct db *db, struct arena *a, const struct search_query *q,
               const struct search_scope *scope, struct search_hit **out, bool *more, bool *capped)
{
        *out = NULL;
        *more = false;
        *capped = false;
        if (q->n == 0 || q->n > KD_SEARCH_TERMS_MAX)
                return 0;
        int page = scope->page < 1 ? 1 : scope->page;
        if (page > KD_SEARCH_PAGES_MAX)
                return 0;
        bool pg = db_kind(db) == DB_POSTGRESQL;
        /* What waits for SQLite's index is indexed first (at most KD_SEARCH_CATCH_UP_ROWS of
         * it, while a whole index is being built), so that a search finds what was committed.
         * Should that fail, the search answers from what the index holds. */
        if (search_index_pass(db, KD_SEARCH_CATCH_UP_ROWS, NULL) != 0)
                log_error("search: the rows waiting for the index could not be indexed");
        db = db_search_index(db); /* SQLite: the index's file, the site's attached */
        if (!db)
                return -1;
        char *expression = NULL, *patterns[KD_SEARCH_TERMS_MAX] = {0};
        if (pg) {
                for (size_t i = 0; i < q->n; i++)
                        patterns[i] = like_anywhere(q->terms[i]);
        } else {
                expression = fts_expression(q);
        }
        /* Only the newest KD_SEARCH_CANDIDATES matches are ranked: for words found everywhere
         * the cost then stays that of a bounded number of rows, not of the whole site. */
        int64_t from_id = 0;
        int rc = DB_ERROR;
        struct db_stmt *s = db_prepare(db, pg ? pg_boundary_sql[q->n - 1] : sqlite_boundary_sql);
        if (s) {
                if (pg) {
                        db_bind_int(s, 1, KD_SEARCH_CANDIDATES - 1);
                        for (size_t i = 0; i < q->n; i++)
                                db_bind_text(s, 2 + (int)i, patterns[i]);
                } else {
                        db_bind_text(s, 1, expression);
                        db_bind_int(s, 2, KD_SEARCH_CANDIDATES - 1);
                }
                rc = db_step(s);
                if (rc == DB_ROW)
                        from_id = db_col_int(s, 0);
                db_finish(s);
        }
        s = rc == DB_ROW || rc == DB_DONE
                ? db_prepare(db, pg ? pg_search_sql[q->n - 1] : sqlite_search_sql)
                : NULL;
        if (!s) {
                free(expression);
                for (size_t i = 0; i < q->n; i++)
                        free(patterns[i]);
                return -1;
        }
        *capped = from_id > 0;
        if (pg) {
                for (size_t i = 0; i < q->n; i++) {
                        db_bind_text(s, 8 + (int)i, patterns[i]);
                        db_bind_text(s, 13 + (int)i, q->terms[i]);
                }
        } else {
                db_bind_text(s, 1, expression);
        }
        db_bind_int(s, 18, from_id);
        db_bind_int(s, 2, scope->now);
        db_bind_int(s, 3, scope->kind);
        db_bind_int(s, 4, scope->comments ? 1 : 0);
        db_bind_int(s, 5, scope->members ? 1 : 0);
        db_bind_int(s, 6, KD_SEARCH_PER_PAGE + 1);
        db_bind_int(s, 7, (int64_t)(page - 1) * KD_SEARCH_PER_PAGE);
        size_t cap = 0, n = 0;
        struct search_hit *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        while ((rc = db_step(s)) == DB_ROW) {
                if (n == KD_SEARCH_PER_PAGE) {
                        *more = page < KD_SEARCH_PAGES_MAX;
                        continue;
                }
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                struct search_hit *h = &arr[n++];
                memset(h, 0, sizeof(*h));
                h->score = strtod(db_col_text(s, 0), NULL); /* REAL or numeric, as text */
                h->at = db_col_int(s, 1);
                h->kind = (enum search_kind)db_col_int(s, 2);
                h->id = db_col_int(s, 3);
                h->text = arena_strdup(a, db_col_text(s, 4));
                h->title = arena_strdup(a, db_col_text(s, 5));
                h->newsletter = arena_strdup(a, db_col_text(s, 8));
                h->handle = arena_strdup(a, db_col_text(s, 10));
                h->name = arena_strdup(a, db_col_text(s, 11));
                if (h->kind == SEARCH_MEMBER) /* the headline first, then the bio */
                        h->text =
                            *db_col_text(s, 12) && *db_col_text(s, 13)
                                ? arena_printf(a, "%s · %s", db_col_text(s, 12), db_col_text(s, 13))
                                : arena_printf(a, "%s%s", db_col_text(s, 12), db_col_text(s, 13));
                if (h->kind == SEARCH_COMMENT) /* the words a reader sees, not the Markdown */
                        h->text = comment_plain_text(a, h->text);
                h->url = hit_url(a, h, db_col_text(s, 6), db_col_text(s, 7), db_col_int(s, 9));
        }
        db_finish(s);
        free(expression);
        for (size_t i = 0; i < q->n; i++)
                free(patterns[i]);
        if (rc != DB_DONE)
                return -1;
        *out = arr;
        return (int)n;
}

/* ------------------------------------------------------------------ snippets */

static unsigned char fold(unsigned char c)
{
        return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Whether term occurs at text[i] (ASCII letters in any case; every other byte as itself,
 * which keeps whole UTF-8 sequences whole). Returns its length there, or 0. */
static size_t match_at(const char *text, size_t len, size_t i, const char *term)
{
        size_t k = 0;
        for (; term[k]; k++)
                if (i + k >= len ||
                    fold((unsigned char)text[i + k]) != fold((unsigned char)term[k]))
                        return 0;
        return k;
}

/* The longest term occurring at text[i], or 0. */
static size_t any_match_at(const char *text, size_t len, size_t i, const struct search_query *q)
{
        size_t best = 0;
        for (size_t t = 0; t < q->n; t++) {
                size_t m = match_at(text, len, i, q->terms[t]);
                if (m > best)
                        best = m;
        }
        return best;
}

static size_t char_len(unsigned char c)
{
        return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static void add_piece(struct arena *a, struct search_piece **arr, size_t *n, size_t *cap,
                      const char *text, size_t len, bool match)
{
        if (len == 0)
                return;
        if (*n > 0 && (*arr)[*n - 1].match == match && !match) {
                /* plain text after plain text (an ellipsis): one piece */
                struct search_piece *p = &(*arr)[*n - 1];
                char *joined = arena_alloc(a, p->len + len + 1);
                memcpy(joined, p->text, p->len);
                memcpy(joined + p->len, text, len);
                joined[p->len + len] = '\0';
                p->text = joined;
                p->len += len;
                return;
        }
        *arr = arena_grow(a, *arr, *n, cap, sizeof(**arr));
        (*arr)[(*n)++] = (struct search_piece){.text = text, .len = len, .match = match};
}

size_t search_snippet(struct arena *a, const char *text, const struct search_query *q,
                      struct search_piece **out)
{
        size_t len = strlen(text);
        /* white space made single spaces, in a copy the pieces point into */
        char *flat = arena_alloc(a, len + 1);
        size_t fl = 0;
        for (size_t i = 0; i < len; i++) {
                if (is_space(text[i])) {
                        if (fl > 0 && flat[fl - 1] != ' ')
                                flat[fl++] = ' ';
                } else {
                        flat[fl++] = text[i];
                }
        }
        while (fl > 0 && flat[fl - 1] == ' ')
                fl--;
        flat[fl] = '\0';

        size_t first = fl;
        for (size_t i = 0; i < fl && first == fl; i += char_len((unsigned char)flat[i]))
                if (any_match_at(flat, fl, i, q))
                        first = i;
        /* start KD_SEARCH_SNIPPET_LEAD_CHARS code points before it, at a space when one is
         * near, so the snippet opens on a whole word */
        size_t start = 0;
        if (first < fl) {
                size_t back = first, chars = 0;
                while (back > 0 && chars < KD_SEARCH_SNIPPET_LEAD_CHARS) {
                        back--;
                        while (back > 0 && ((unsigned char)flat[back] & 0xC0) == 0x80)
                                back--;
                        chars++;
                }
                start = back;
                for (size_t i = back; start > 0 && i < first; i++)
                        if (flat[i] == ' ') {
                                start = i + 1;
                                break;
                        }
        }
        size_t end = start, chars = 0;
        while (end < fl && chars < KD_SEARCH_SNIPPET_CHARS) {
                end += char_len((unsigned char)flat[end]);
                chars++;
        }
        if (end > fl)
                end = fl;
        if (end < fl) { /* close on a whole word when a space is near */
                size_t e = end;
                while (e > start && flat[e] != ' ' && end - e < 24)
                        e--;
                if (flat[e] == ' ' && e > start)
                        end = e;
        }

        size_t cap = 0, n = 0;
        struct search_piece *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        if (start > 0)
                add_piece(a, &arr, &n, &cap, "…", strlen("…"), false);
        size_t plain = start;
        for (size_t i = start; i < end;) {
                size_t m = any_match_at(flat, end, i, q);
                if (m) {
                        add_piece(a, &arr, &n, &cap, flat + plain, i - plain, false);
                        add_piece(a, &arr, &n, &cap, flat + i, m, true);
                        i += m;
                        plain = i;
                } else {
                        i += char_len((unsigned char)flat[i]);
                }
        }
        if (plain < end)
                add_piece(a, &arr, &n, &cap, flat + plain, end - plain, false);
        if (end < fl)
                add_piece(a, &arr, &n, &cap, "…", strlen("…"), false);
        *out = arr;
        return n;
}
