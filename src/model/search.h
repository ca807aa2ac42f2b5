/* Site search: published episodes, visible comments and members, found by words of their text
 * and ranked by relevance, the newest first among equals (docs/search.md).
 *
 * The index is the table search_doc (migration 018), kept in step by triggers; each engine
 * answers from its own index over it (SQLite: FTS5 with the trigram tokenizer in a file of its
 * own, model/search_index.h, ranked by bm25; PostgreSQL: pg_trgm, ranked by where and how
 * often the words occur). That split lives in search.c and search_index.c only: callers see
 * one query language and one ranking order.
 *
 * A query is up to KD_SEARCH_TERMS_MAX words separated by spaces, each matched as a run of
 * characters anywhere in the text (letters of any case), all of them required. Words shorter
 * than KD_SEARCH_TERM_MIN_CHARS code points are left out (a trigram index cannot answer them),
 * and a query with none long enough is refused. A word in double quotes may hold spaces ("tea
 * ceremony" is one word). */
#ifndef KD_SEARCH_H
#define KD_SEARCH_H

#include "core/limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

enum search_kind {
        SEARCH_ANY = 0,
        SEARCH_EPISODE = 1,
        SEARCH_COMMENT = 2,
        SEARCH_MEMBER = 3,
};

enum search_parse_result {
        SEARCH_OK = 0,
        SEARCH_EMPTY = -1,     /* nothing but spaces */
        SEARCH_TOO_LONG = -2,  /* over KD_SEARCH_QUERY_MAX code points */
        SEARCH_TOO_SHORT = -3, /* no word of KD_SEARCH_TERM_MIN_CHARS or more */
        SEARCH_INVALID = -4,   /* not UTF-8, or control characters */
};

struct search_query {
        const char *terms[KD_SEARCH_TERMS_MAX]; /* in the arena, NUL-terminated */
        size_t n;
        size_t skipped; /* words left out: too short, or past KD_SEARCH_TERMS_MAX */
};

/* Splits q into the words to match (see above), copied into a. Returns SEARCH_OK or a negative
 * enum search_parse_result; out->n is then 0. */
int search_parse(struct arena *a, const char *q, struct search_query *out);

/* The words "ANY", "EPISODE" ... as the URL parameter kind spells them ("", "episodes",
 * "comments", "members"), and back (an unknown name is SEARCH_ANY). */
const char *search_kind_param(enum search_kind k);
enum search_kind search_kind_from_param(const char *s);

/* Who is searching, and what they may find. */
struct search_scope {
        enum search_kind kind; /* SEARCH_ANY: every kind */
        bool comments;         /* comment_can_read for this viewer */
        bool members;          /* members are listed to signed-in members only (/members) */
        int64_t now;           /* episodes live at now */
        int page;              /* 1 .. KD_SEARCH_PAGES_MAX */
};

struct search_hit {
        enum search_kind kind;
        int64_t id;        /* the episode's, comment's or member's */
        const char *title; /* the episode's title; for a comment its episode's; a member's name */
        const char *text;  /* what the snippet is cut from: the episode's text, the comment's
                              Markdown, the member's headline and bio */
        const char *url;   /* local path (and fragment) */
        const char *newsletter;    /* the newsletter's title (episodes and comments), else "" */
        const char *handle, *name; /* the episode's author, the comment's, the member */
        int64_t at;                /* published, written, joined */
        double score;              /* higher is more relevant; compare within one search */
};

/* One page of the things q finds within scope, best first (then newest). Rows in a. Sets
 * *more when another page follows (never past KD_SEARCH_PAGES_MAX), and *capped when the words
 * match more than KD_SEARCH_CANDIDATES indexed things, of which only the most recently indexed
 * that many were ranked. Returns the count (at most KD_SEARCH_PER_PAGE) or -1 when the database
 * fails. On SQLite it first indexes what waits (search_index_pass, at most
 * KD_SEARCH_CATCH_UP_ROWS rows), so that it finds everything committed.
 *
 * Cost: the index gives the matching rows, at most KD_SEARCH_CANDIDATES of them (a first query
 * finds where the newest that many start); each is checked against its own row by primary key
 * (live, visible, not suspended) and ranked; only the page's rows are read in full. */
int search_run(struct db *db, struct arena *a, const struct search_query *q,
               const struct search_scope *scope, struct search_hit **out, bool *more, bool *capped);

/* A snippet of text around the first place a term occurs, cut to about
 * KD_SEARCH_SNIPPET_CHARS code points, with runs of white space made one space: consecutive
 * pieces, the ones that match a term marked. The pieces point into the arena. An ellipsis
 * piece opens or closes it when text was cut there. Returns the number of pieces. */
struct search_piece {
        const char *text;
        size_t len;
        bool match;
};
size_t search_snippet(struct arena *a, const char *text, const struct search_query *q,
                      struct search_piece **out);

#endif
