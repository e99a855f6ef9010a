/*
 * The panic boundary: a Rust panic inside the library returns HALEXT_STATUS_INTERNAL with a
 * generic message, never unwinds into C, and the process (and the library) keep working, on
 * the main thread and on another thread. Uses the debug-only halext_test_panic hook; a
 * "panicked at" line on stderr is expected (Rust's default panic hook prints it).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "halext_test.h"
#include "halext_test_hooks.h"

static void test_a_panic_becomes_internal(void) {
    CHECK_STATUS(halext_test_panic(), HALEXT_STATUS_INTERNAL);
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INTERNAL);
    CHECK_CONTAINS(halext_last_error_message(), "halext_test_panic");
    CHECK_CONTAINS(halext_last_error_message(), "panic");
    /* The panic's own text is not copied into the message (it could quote input). */
    CHECK(strstr(halext_last_error_message(), "deliberate") == NULL);
}

static void test_the_library_keeps_working(void) {
    for (int i = 0; i < 3; i++) CHECK_STATUS(halext_test_panic(), HALEXT_STATUS_INTERNAL);
    halext_status out;
    CHECK_STATUS(halext_status_from_name("token.expired", &out), HALEXT_STATUS_OK);
    CHECK_INT(out, HALEXT_STATUS_TOKEN_EXPIRED);
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_OK);
    halext_secret *s = NULL;
    CHECK_STATUS(halext_secret_new((const uint8_t *)"x", 1, &s), HALEXT_STATUS_OK);
    halext_secret_free(s);
}

static void *panic_on_this_thread(void *arg) {
    halext_status *got = arg;
    *got = halext_test_panic();
    return NULL;
}

static void test_a_panic_on_another_thread(void) {
    pthread_t t;
    halext_status got = HALEXT_STATUS_OK;
    CHECK_INT(pthread_create(&t, NULL, panic_on_this_thread, &got), 0);
    CHECK_INT(pthread_join(t, NULL), 0);
    CHECK_STATUS(got, HALEXT_STATUS_INTERNAL);
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_OK); /* that thread's error, not ours */
}

int main(void) {
    fprintf(stderr, "test_panic: the 'panicked at' lines below are expected\n");
    RUN(test_a_panic_becomes_internal);
    RUN(test_the_library_keeps_working);
    RUN(test_a_panic_on_another_thread);
    return halext_test_finish(__FILE__);
}
