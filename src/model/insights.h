/* Insights: the metrics that answer "is this building a community?", computed from the
 * rollups of migration 008 (and, for author presence and consistency, from comments and
 * episodes), for one scope and a range of whole weeks. docs/insights.md gives every formula;
 * this header is the contract the API (api/insights.c) and the pages (web/insights*.c) render
 * from, so a chart is drawn straight from one of these structs.
 *
 * Conventions used throughout:
 *   - Time is UTC. A week is event_week(): it starts on Monday 00:00 UTC. A range is whole
 *     weeks, from_week .. to_week inclusive: the dates asked for are rounded OUT to the Monday
 *     before (or on) `from` and the Sunday after (or on) `to`, because the people-metrics live
 *     per week (insight_member_week). The pages say so beside the range.
 *   - A share is a fraction num/den kept as both counts plus `bp`: basis points (1/10000),
 *     rounded half up, or INSIGHT_NONE when den is 0. JSON shows bp / 10000 as a number
 *     ("0.6667"), CSV the same digits, the pages a percentage (insight_bp_percent).
 *   - Every array is allocated in the caller's arena and holds `n` elements.
 *   - Counts of people are members (signed-in). Guests appear only in views, visitors and
 *     guest_readers (counted per day: a guest's hash changes every day). */
#ifndef KD_MODEL_INSIGHTS_H
#define KD_MODEL_INSIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/role.h"

struct arena;
struct db;

#define INSIGHT_NONE               (-1) /* a share or median with nothing to divide or sort */
#define INSIGHT_DEFAULT_WEEKS      12   /* the range when none is asked for: the last 12 weeks */
#define INSIGHT_COHORT_EPISODES    64   /* episodes of one season the retention tables cover */
#define INSIGHT_CADENCE_GRACE_DAYS 1    /* an episode this many days after its due day is on time */
#define INSIGHT_EPISODES_MAX       200  /* rows of the per-episode table (newest first) */
#define INSIGHT_CARRYOVER_PAIRS    4    /* season-to-season pairs, up to the retention season */

/* ------------------------------------------------------------ scope and range */

enum insight_scope {
        INSIGHT_SITE = 0,       /* every newsletter (admins only) */
        INSIGHT_NEWSLETTER = 1, /* one newsletter */
        INSIGHT_SEASON = 2,     /* one season of a newsletter */
        INSIGHT_EPISODE = 3,    /* one episode */
};

/* What to measure. Filled by insights_query_parse (or by hand in tests). */
struct insight_query {
        enum insight_scope scope;
        int64_t newsletter_id; /* 0 for INSIGHT_SITE */
        int64_t season_id;     /* INSIGHT_SEASON, and the episode's season for INSIGHT_EPISODE */
        int season_number;
        int64_t episode_id; /* INSIGHT_EPISODE */
        /* The range: whole weeks, inclusive. from_day/to_day are the Monday and the Sunday
         * (day numbers, event_day), from_at/to_end the Unix times [from_at, to_end). */
        int64_t from_week, to_week;
        int64_t from_day, to_day;
        int64_t from_at, to_end;
        int weeks;   /* to_week - from_week + 1, 1 .. KD_INSIGHT_WEEKS_MAX */
        int64_t now; /* "now" for streaks and overdue episodes */
};

/* Why a query could not be made (the API maps these to statuses and messages). */
enum insight_error {
        INSIGHT_OK = 0,
        INSIGHT_BAD_DATE,   /* from or to is not YYYY-MM-DD (400) */
        INSIGHT_REVERSED,   /* from after to (400) */
        INSIGHT_TOO_LONG,   /* more than KD_INSIGHT_WEEKS_MAX weeks (400) */
        INSIGHT_NO_SEASON,  /* no such season in the newsletter (404) */
        INSIGHT_NO_EPISODE, /* no such episode in the newsletter (or a draft) (404) */
        INSIGHT_STORAGE,    /* the database failed (500) */
};

/* Sets the range from the dates asked for (either may be NULL or "": to defaults to today,
 * from to the Monday INSIGHT_DEFAULT_WEEKS - 1 weeks before to's week), rounding out to whole
 * weeks, and now. Returns INSIGHT_OK or BAD_DATE / REVERSED / TOO_LONG. */
enum insight_error insights_range(struct insight_query *q, const char *from, const char *to,
                                  int64_t now);

/* Sets the scope: newsletter_id 0 is the site; season_number > 0 a season of it; episode_slug
 * (not NULL, not "") an episode of it, which wins over the season. Returns INSIGHT_OK, or
 * NO_SEASON / NO_EPISODE / STORAGE. */
enum insight_error insights_scope(struct db *db, struct insight_query *q, int64_t newsletter_id,
                                  int season_number, const char *episode_slug);

/* Who may see a newsletter's insights: its owner and co-authors (whatever their site role),
 * and admins. The site-wide scope (newsletter_id 0) is for admins only. Guests and readers
 * never. */
bool insights_can_view(struct db *db, int64_t newsletter_id, int64_t member_id, enum role role);

/* ------------------------------------------------------------ shares and small arithmetic */

struct insight_share {
        int64_t num, den;
        int32_t bp; /* round(10000 * num / den), half up; INSIGHT_NONE when den == 0 */
};

/* A share of num in den. */
struct insight_share insight_share_of(int64_t num, int64_t den);
/* bp as "0.6667" (or "" for INSIGHT_NONE) into buf (>= 16 bytes): JSON and CSV digits. */
const char *insight_bp_text(int32_t bp, char *buf, size_t size);
/* bp as a whole percentage, rounded half up (6667 -> 67); INSIGHT_NONE stays. */
int insight_bp_percent(int32_t bp);
/* The median of n values (sorted in place): the middle one, or for an even n the mean of the
 * two middle ones rounded down. INSIGHT_NONE when n is 0. */
int64_t insight_median(int64_t *v, size_t n);
/* The ladder's weights (DESIGN.md): reader 1, reactor 4, commenter/answerer 7, builder 10. */
int insight_rung_weight(int rung);
/* Commitment per member in hundredths: round(100 * sum(weight(rung)^2 * members_at_rung) /
 * members), half up, from members_at[0..3] (highest rung 1..4). 0 when there are no members. */
int64_t insight_commitment_x100(const int64_t members_at[4]);

/* ------------------------------------------------------------ the metrics */

/* One week of the range (all weeks of the range are present, zeros included). */
struct insight_week_row {
        int64_t week;  /* event_week number */
        int64_t start; /* Unix time of its Monday 00:00 UTC */
        /* People (members), from insight_week: per newsletter, summed over newsletters for the
         * site (a member of two newsletters counts in both). For a season or episode scope
         * these are the newsletter's, because members' weeks are kept per newsletter. */
        int64_t active;                      /* members who did anything that week */
        int64_t returned;                    /* of them, active in an earlier week too */
        struct insight_share returning_rate; /* returned / active */
        int64_t rung[4];                     /* active members by their highest rung that week */
        int64_t new_members;                 /* active for the first time */
        int64_t new_pairs;                   /* member pairs connected for the first time */
        int64_t connections;                 /* cumulative pairs up to the end of this week */
        int64_t connected_members;           /* cumulative members with at least one pair */
        int64_t members;                     /* cumulative members ever active up to this week */
        /* Counters of the scope (insight_day summed over the week's 7 days; for a season, over
         * its episodes). visitors and guest_readers are counted per day: summed, a person who
         * comes on three days counts three times. */
        int64_t views, member_views, visitors, guest_readers, completions;
        int64_t reactions, comments, replies, member_replies, author_replies;
        int64_t quotes, answers, buildons, tried, follows;
        struct insight_share member_reply_share; /* member_replies / replies */
};

/* The participation ladder over the range: each member counted once at the highest rung any
 * week of the range reached (insight_member_week); "at least" counts for the funnel. */
struct insight_ladder {
        int64_t at[4];                /* members whose highest rung is exactly 1..4 */
        int64_t at_least[4];          /* readers (all), reactors+, commenters+, builders */
        struct insight_share step[3]; /* at_least[i+1] / at_least[i]: conversion between steps */
        int64_t members;              /* = at_least[0] */
        int64_t returning;            /* of them, first active before the range (insight_member) */
        struct insight_share returning_rate; /* returning / members */
};

/* Momentum (DESIGN.md): commitment per member in this range minus in the previous range of
 * equal length (the weeks just before). Values in hundredths. */
struct insight_momentum {
        struct insight_ladder previous; /* the previous range's ladder */
        int64_t commitment_x100;        /* this range: insight_commitment_x100(ladder.at) */
        int64_t previous_x100;          /* the previous range */
        int64_t momentum_x100;          /* commitment_x100 - previous_x100 */
        bool comparable;                /* the previous range had members: without them there is
                                           nothing to compare with, and momentum is unknown */
        int64_t previous_from_week, previous_to_week;
};

/* One episode of a season in the retention table. */
struct insight_season_episode {
        int64_t episode_id;
        int number;
        const char *slug, *title;
        int64_t publish_at;
        int64_t readers;                /* members who took part in it (insight_reader) */
        int64_t retained;               /* of them, those who took part in episode 1 too */
        struct insight_share retention; /* retained / readers of episode 1 */
};

/* A cohort: the members who started the season with episode `start` (their lowest-numbered
 * episode of the season), and how many of them took part in each episode k >= start. */
struct insight_cohort {
        int start_number; /* the cohort's episode number */
        int64_t size;     /* members in the cohort */
        int64_t *read;    /* [n_episodes]: of them, readers of episode k (0 before start) */
        struct insight_share *share; /* [n_episodes]: read / size */
};

/* Season retention and the cohort heatmap for one season: its episodes published by the end
 * of the range (at most INSIGHT_COHORT_EPISODES, in order), counting every member who ever
 * took part in them (insight_reader; retention describes the season, not the weeks). */
struct insight_retention {
        int64_t season_id;
        int season_number;
        const char *season_title;
        struct insight_season_episode *episodes;
        size_t n_episodes;
        struct insight_cohort *cohorts; /* one per episode that started someone, in order */
        size_t n_cohorts;
        int64_t season_members; /* members who took part in any episode of it */
};

/* Season-to-season carry-over: of the members of season `from`, those who took part in the
 * next season `to` as well (insight_season_member). One row per consecutive pair of the
 * newsletter's seasons with an episode out by the range's end, ending at the retention season,
 * at most INSIGHT_CARRYOVER_PAIRS, oldest first. */
struct insight_carryover {
        int from_number, to_number;
        int64_t from_members, to_members, carried;
        struct insight_share share; /* carried / from_members */
};

/* Connections: member pairs (insight_pair) where one replied to, reacted to, built on, voted
 * for or answered in a space something of the other's. */
struct insight_connections {
        int64_t pairs_total;                  /* pairs first connected up to the end of the range */
        int64_t pairs_new;                    /* pairs first connected within the range */
        int64_t members_total;                /* members ever active up to the end of the range */
        int64_t members_connected;            /* of them, with at least one pair by then */
        struct insight_share connected_share; /* members_connected / members_total */
};

/* Author presence: threads (top-level comments by someone not an author of the newsletter,
 * not deleted) begun on the scope's episodes within the range, and how an author of the
 * newsletter (owner or co-author) answered them. */
struct insight_presence {
        int64_t threads;
        int64_t joined;                    /* threads with at least one reply by an author */
        struct insight_share joined_share; /* joined / threads */
        int64_t median_first_reply;        /* seconds from the thread to the first author reply
                                              (median over joined threads); INSIGHT_NONE */
};

/* A season announced as on a break. */
struct insight_break {
        int season_number;
        const char *season_title;
        int64_t returns_at; /* 0: no return date announced */
};

/* Publishing consistency: episodes of the scope published within the range, judged against
 * their season's cadence (season.cadence, cadence_n): an episode is on cadence when it is its
 * season's first, or appeared no later than INSIGHT_CADENCE_GRACE_DAYS after its due day (the
 * next cadence weekday after the previous episode's day, or that day + cadence_n days).
 * Episodes of irregular seasons have no cadence and are counted apart. */
struct insight_consistency {
        int64_t published;                     /* episodes published within the range */
        int64_t with_cadence;                  /* of them, in seasons with a cadence */
        int64_t on_cadence;                    /* of those, on cadence */
        struct insight_share on_cadence_share; /* on_cadence / with_cadence */
        int64_t streak;               /* on-cadence episodes in a row, newest back, at range end */
        bool overdue;                 /* an airing season's next episode is past due at range end */
        int64_t next_due_at;          /* the due day (Unix time, 00:00 UTC) of the next one; 0 */
        struct insight_break *breaks; /* seasons on a break now */
        size_t n_breaks;
};

/* Vanity, over the range (insight_day): shown smaller, labelled as such. */
struct insight_vanity {
        int64_t views;
        int64_t visitors; /* daily unique visitors, summed over the days */
        int64_t guest_readers;
        int64_t completions;
};

/* One episode of the scope (the per-episode table): the range's counters. */
struct insight_episode_row {
        int64_t episode_id;
        int64_t newsletter_id;
        int season_number, number;
        const char *slug, *title, *newsletter_slug;
        int64_t publish_at;
        bool on_cadence; /* judged as in insight_consistency (irregular: false) */
        int64_t readers; /* members whose first event on it falls in the range */
        int64_t views, visitors, guest_readers, completions;
        int64_t reactions, comments, replies, member_replies, quotes, answers;
        int64_t buildons, tried;
        struct insight_share retention; /* of season episode 1's members, share who took part
                                           in this one (all time; INSIGHT_NONE for ep. 1's own
                                           empty season) */
};

/* Everything for one scope and range. Parts that do not apply to a scope are empty:
 * retention and cohorts need a season (the season scope, the episode's season, or for a
 * newsletter the latest season with an episode published by the range's end); the site has
 * no retention, presence or consistency of its own (sums of newsletters would mislead). */
struct insights {
        struct insight_query q;
        struct insight_week_row *weeks;
        size_t n_weeks;
        struct insight_ladder ladder;
        struct insight_momentum momentum;
        struct insight_retention retention; /* retention.n_episodes 0: none */
        struct insight_carryover *carryover;
        size_t n_carryover;
        struct insight_connections connections;
        struct insight_presence presence;
        struct insight_consistency consistency;
        struct insight_vanity vanity;
        struct insight_episode_row *episodes; /* newest first; at most INSIGHT_EPISODES_MAX */
        size_t n_episodes;
        /* Totals over the range (sums of the weeks' counters). */
        int64_t replies, member_replies, author_replies;
        struct insight_share member_reply_share;
        int64_t buildons, tried;
};

/* Which parts insights_load computes (a metric endpoint asks for one). */
enum insight_part {
        INSIGHT_PART_WEEKS = 1 << 0,
        INSIGHT_PART_LADDER = 1 << 1, /* the ladder and momentum */
        INSIGHT_PART_RETENTION = 1 << 2,
        INSIGHT_PART_CARRYOVER = 1 << 3,
        INSIGHT_PART_CONNECTIONS = 1 << 4,
        INSIGHT_PART_PRESENCE = 1 << 5,
        INSIGHT_PART_CONSISTENCY = 1 << 6,
        INSIGHT_PART_VANITY = 1 << 7,
        INSIGHT_PART_EPISODES = 1 << 8,
        INSIGHT_PART_ALL = (1 << 9) - 1,
};

/* Computes the parts asked for into out (zeroed first; arrays in arena). q comes from
 * insights_range and insights_scope. Returns 0, or -1 on a storage error (logged). */
int insights_load(struct db *db, struct arena *arena, const struct insight_query *q, unsigned parts,
                  struct insights *out);

#endif
