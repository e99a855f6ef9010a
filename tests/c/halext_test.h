/*
 * halext_test.h: a tiny assertion helper for the C tests of libhalext.
 *
 *   CHECK(cond)                  a boolean
 *   CHECK_INT(got, want)         two integers (printed on failure)
 *   CHECK_STR(got, want)         two C strings (NULL-safe)
 *   CHECK_CONTAINS(hay, needle)  substring (NULL-safe)
 *   CHECK_STATUS(call, want)     a halext_status; on failure prints both dotted names and the
 *                                last error message
 *   RUN(test_fn)                 runs one `static void test_fn(void)`
 *   return halext_test_finish(); at the end of main(): prints a summary, returns the exit code
 *
 * A failed check is reported and counted, and the test goes on (so one run shows every
 * failure). Counters are atomic: checks may run on several threads.
 */
#ifndef HALEXT_TEST_H
#define HALEXT_TEST_H

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "halext.h"

static atomic_int halext_checks_run;
static atomic_int halext_checks_failed;
static const char *halext_current_test = "(none)";

static inline void halext_check_failed(const char *file, int line, const char *what) {
    atomic_fetch_add(&halext_checks_failed, 1);
    fprintf(stderr, "%s:%d: in %s: CHECK failed: %s\n", file, line, halext_current_test, what);
}

static inline const char *halext_test_name_or_number(halext_status s) {
    const char *n = halext_status_name(s);
    return n ? n : "(not a status)";
}

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        atomic_fetch_add(&halext_checks_run, 1);                                               \
        if (!(cond)) halext_check_failed(__FILE__, __LINE__, #cond);                           \
    } while (0)

#define CHECK_INT(got, want)                                                                   \
    do {                                                                                       \
        long long got_ = (long long)(got), want_ = (long long)(want);                          \
        atomic_fetch_add(&halext_checks_run, 1);                                               \
        if (got_ != want_) {                                                                   \
            halext_check_failed(__FILE__, __LINE__, #got " == " #want);                        \
            fprintf(stderr, "    got %lld, want %lld\n", got_, want_);                         \
        }                                                                                      \
    } while (0)

#define CHECK_STR(got, want)                                                                   \
    do {                                                                                       \
        const char *got_ = (got), *want_ = (want);                                             \
        atomic_fetch_add(&halext_checks_run, 1);                                               \
        if (!(got_ == want_ || (got_ && want_ && strcmp(got_, want_) == 0))) {                 \
            halext_check_failed(__FILE__, __LINE__, #got " equals " #want);                    \
            fprintf(stderr, "    got \"%s\", want \"%s\"\n", got_ ? got_ : "(NULL)",           \
                    want_ ? want_ : "(NULL)");                                                 \
        }                                                                                      \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                            \
    do {                                                                                       \
        const char *hay_ = (hay), *needle_ = (needle);                                         \
        atomic_fetch_add(&halext_checks_run, 1);                                               \
        if (!(hay_ && needle_ && strstr(hay_, needle_))) {                                     \
            halext_check_failed(__FILE__, __LINE__, #hay " contains " #needle);                \
            fprintf(stderr, "    \"%s\" does not contain \"%s\"\n", hay_ ? hay_ : "(NULL)",    \
                    needle_ ? needle_ : "(NULL)");                                             \
        }                                                                                      \
    } while (0)

#define CHECK_STATUS(call, want)                                                               \
    do {                                                                                       \
        halext_status got_ = (call), want_ = (want);                                           \
        atomic_fetch_add(&halext_checks_run, 1);                                               \
        if (got_ != want_) {                                                                   \
            halext_check_failed(__FILE__, __LINE__, #call " returns " #want);                  \
            fprintf(stderr, "    got %s (%u), want %s (%u); last error: %s\n",                 \
                    halext_test_name_or_number(got_), (unsigned)got_,                          \
                    halext_test_name_or_number(want_), (unsigned)want_,                        \
                    halext_last_error_message());                                              \
        }                                                                                      \
    } while (0)

#define RUN(test_fn)                                                                           \
    do {                                                                                       \
        halext_current_test = #test_fn;                                                        \
        test_fn();                                                                             \
    } while (0)

static inline int halext_test_finish(const char *program) {
    int run = atomic_load(&halext_checks_run), failed = atomic_load(&halext_checks_failed);
    printf("%s: %d checks, %d failed\n", program, run, failed);
    return failed == 0 && run > 0 ? 0 : 1;
}

#endif /* HALEXT_TEST_H */
