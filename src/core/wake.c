/* A waiter's word (wake.h), on Linux's futex. */
#include "core/wake.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The futex calls take the word as a plain 32-bit int. */
_Static_assert(sizeof(atomic_uint) == sizeof(int), "a futex word is 32 bits");

void wake_word_wait(atomic_uint *word, unsigned seen, long ms)
{
        struct timespec rel = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
        /* EAGAIN (the word changed already), EINTR and ETIMEDOUT all mean: look again */
        (void)syscall(SYS_futex, (void *)word, FUTEX_WAIT_PRIVATE, seen, &rel, NULL, 0);
}

void wake_word_wake(atomic_uint *word)
{
        (void)syscall(SYS_futex, (void *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
