/* A waiter's word: one thread sleeps until another changes a word it owns, without a mutex.
 *
 * A condition variable wakes its waiter into a mutex it must take again: when one thread wakes
 * dozens at once (the writers of a batch that just committed), they queue on that mutex, and
 * each wake-up costs two or three more system calls (docs/performance.md, "Waking a batch's
 * writers"). Here the waker changes the word and wakes; the waiter reads the word and goes on.
 *
 * The waker may touch the word no more after the change that lets its waiter leave: wake_word_wake
 * uses only the word's address (a FUTEX_WAKE), so the waiter may already have returned and freed
 * it. */
#ifndef KD_WAKE_H
#define KD_WAKE_H

#include <stdatomic.h>

/* Sleeps while *word still holds seen, at most ms milliseconds (a guard against a wake-up
 * missed; the caller looks again in any case). Returns at once if *word no longer holds seen. */
void wake_word_wait(atomic_uint *word, unsigned seen, long ms);
/* Wakes the thread sleeping on word, if one is. Call it after changing *word. */
void wake_word_wake(atomic_uint *word);

#endif
