/* A large synthetic site for benchmarks (kindred bench seed): many members, newsletters,
 * episodes and comments, plus one long episode with a busy conversation that the benchmark
 * reads. Text is generated from a small vocabulary; nothing here is meant to be read. */
#ifndef KD_BENCH_SEED_H
#define KD_BENCH_SEED_H

#include <stdint.h>

struct db;

struct bench_seed_options {
        int members;         /* readers, besides "bench_author" and "bench_reader" */
        int episodes;        /* spread over newsletters of 10 seasons x 100 episodes */
        int comments;        /* spread over all episodes; the long read gets hot_comments */
        int hot_comments;    /* on the long read, in threads */
        int long_read_words; /* words of the long read */
        int64_t events;      /* insights events after the rest (bench_seed_events), 0: none */
};

/* The password of the seeded accounts bench_author and bench_reader. */
#define BENCH_PASSWORD "bench-password"
/* The long read's address. */
#define BENCH_LONG_READ "/n/bench-letters/the-long-read"

/* Fills an empty site (no members) in one transaction. Returns 0, or -1 with a message on
 * standard error. Prints progress to standard output. */
int bench_seed(struct db *db, const struct bench_seed_options *o);

/* Adds about n insights events to a site bench_seed made, through event_apply in large
 * transactions, newsletter by newsletter in time order: each season has a cohort of readers from
 * the newsletter's audience, a core of regulars who read nearly every episode of every season and
 * others who drop off episode by episode; some react, fewer comment, some reply to the member who
 * commented before them, a few build on or try the idea, the author answers now and then; guests
 * view and read. Deterministic. Returns 0, or -1 with a message on standard error; prints
 * progress and the rate to standard output. */
int bench_seed_events(struct db *db, int64_t n);

#endif
