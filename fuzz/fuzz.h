/* Shared by the libFuzzer targets in fuzz/ (docs/fuzzing.md): the entry point's prototype and a
 * check that turns a broken invariant into a crash libFuzzer saves. */
#ifndef KD_FUZZ_H
#define KD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer calls this once per input; data[0..size) is only valid during the call. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message when cond is false. Unlike assert() it stays on in every build type, so
 * a target always checks what it promises to check. */
#define FUZZ_CHECK(cond)                                                                           \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,       \
                                #cond);                                                            \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

struct form;
struct param_spec;

/* After params_validate(specs, raw, out) returned 0: every field of out is declared in specs,
 * appears once, and keeps its type and bounds (check_params.c). */
void fuzz_check_params(const struct param_spec *specs, const struct form *raw,
                       const struct form *out);

#endif
