/*
 * The thread-local last error: set by every failing call, cleared by every successful one,
 * left alone by the accessors and by functions that cannot fail, separate per thread.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>

#include "halext_test.h"

static halext_status fail_with_invalid_argument(void) {
    halext_status out;
    return halext_status_from_name("no.such.status", &out);
}

static halext_status succeed(void) {
    halext_status out;
    return halext_status_from_name("ok", &out);
}

static void test_no_error_on_a_fresh_thread(void) {
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_OK);
    CHECK(halext_last_error_message() != NULL);
    CHECK_STR(halext_last_error_message(), "");
}

static void test_failure_sets_and_success_clears(void) {
    CHECK_STATUS(fail_with_invalid_argument(), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_CONTAINS(halext_last_error_message(), "name");

    CHECK_STATUS(succeed(), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_OK);
    CHECK_STR(halext_last_error_message(), "");
}

static void test_the_message_pointer_survives_calls_that_cannot_fail(void) {
    CHECK_STATUS(fail_with_invalid_argument(), HALEXT_STATUS_INVALID_ARGUMENT);
    const char *msg = halext_last_error_message();
    char saved[256];
    snprintf(saved, sizeof saved, "%s", msg);

    (void)halext_version();
    (void)halext_status_name(HALEXT_STATUS_TOKEN_EXPIRED);
    (void)halext_last_error_code();
    CHECK(halext_last_error_message() == msg);
    halext_string_free(NULL);
    halext_secret_free(NULL);
    CHECK_INT(halext_secret_len(NULL), 0);
    size_t n = 0;
    CHECK_STATUS(halext_last_error_message_copy(NULL, 0, &n), HALEXT_STATUS_OK);

    CHECK_STR(msg, saved); /* still valid and unchanged */
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INVALID_ARGUMENT);
}

static void test_copy_out(void) {
    CHECK_STATUS(fail_with_invalid_argument(), HALEXT_STATUS_INVALID_ARGUMENT);
    const char *msg = halext_last_error_message();
    size_t full = strlen(msg);
    CHECK(full > 8);

    size_t n = 12345;
    CHECK_STATUS(halext_last_error_message_copy(NULL, 0, &n), HALEXT_STATUS_OK); /* size query */
    CHECK_INT(n, full);

    char *buf = malloc(n + 1);
    CHECK(buf != NULL);
    if (!buf) return;
    n = 0;
    CHECK_STATUS(halext_last_error_message_copy(buf, full + 1, &n), HALEXT_STATUS_OK);
    CHECK_INT(n, full);
    CHECK_STR(buf, msg);
    free(buf);

    char small[6];
    memset(small, 'x', sizeof small);
    CHECK_STATUS(halext_last_error_message_copy(small, sizeof small, &n), HALEXT_STATUS_OK);
    CHECK_INT(n, full); /* n >= sizeof small: truncated */
    CHECK_INT(strlen(small), sizeof small - 1);
    CHECK(strncmp(small, msg, sizeof small - 1) == 0);

    CHECK_STATUS(halext_last_error_message_copy(small, sizeof small, NULL), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_last_error_message_copy(NULL, 10, &n), HALEXT_STATUS_INVALID_ARGUMENT);
    /* The accessor's own failure is returned, not recorded. */
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STR(halext_last_error_message(), msg);

    CHECK_STATUS(succeed(), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_last_error_message_copy(small, sizeof small, &n), HALEXT_STATUS_OK);
    CHECK_INT(n, 0);
    CHECK_STR(small, "");
}

static void test_json(void) {
    CHECK_STATUS(fail_with_invalid_argument(), HALEXT_STATUS_INVALID_ARGUMENT);
    char *json = NULL;
    CHECK_STATUS(halext_last_error_json(&json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"status\":2");
    CHECK_CONTAINS(json, "\"name\":\"invalid_argument\"");
    CHECK_CONTAINS(json, "\"message\":\"");
    halext_string_free(json);
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INVALID_ARGUMENT);

    CHECK_STATUS(halext_last_error_json(NULL), HALEXT_STATUS_INVALID_ARGUMENT);

    CHECK_STATUS(succeed(), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_last_error_json(&json), HALEXT_STATUS_OK);
    CHECK_STR(json, "{\"status\":0,\"name\":\"ok\",\"message\":\"\"}");
    halext_string_free(json);
}

/* Two threads, in lock step: each sees only its own errors. */
static pthread_barrier_t step;

static void *other_thread(void *arg) {
    (void)arg;
    pthread_barrier_wait(&step); /* 1: main has failed with INVALID_ARGUMENT */
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_OK);
    CHECK_STR(halext_last_error_message(), "");
    halext_secret *s = NULL;
    CHECK_STATUS(halext_secret_from_file("/nonexistent/halext/secret", &s), HALEXT_STATUS_IO);
    pthread_barrier_wait(&step); /* 2: this thread has failed with IO */
    pthread_barrier_wait(&step); /* 3: main has succeeded */
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_IO);
    CHECK_CONTAINS(halext_last_error_message(), "/nonexistent/halext/secret");
    return NULL;
}

static void test_the_last_error_is_per_thread(void) {
    pthread_t t;
    CHECK_INT(pthread_barrier_init(&step, NULL, 2), 0);
    CHECK_INT(pthread_create(&t, NULL, other_thread, NULL), 0);

    CHECK_STATUS(fail_with_invalid_argument(), HALEXT_STATUS_INVALID_ARGUMENT);
    pthread_barrier_wait(&step); /* 1 */
    pthread_barrier_wait(&step); /* 2 */
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_CONTAINS(halext_last_error_message(), "name");
    CHECK_STATUS(succeed(), HALEXT_STATUS_OK);
    pthread_barrier_wait(&step); /* 3 */

    CHECK_INT(pthread_join(t, NULL), 0);
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_OK);
    pthread_barrier_destroy(&step);
}

int main(void) {
    RUN(test_no_error_on_a_fresh_thread);
    RUN(test_failure_sets_and_success_clears);
    RUN(test_the_message_pointer_survives_calls_that_cannot_fail);
    RUN(test_copy_out);
    RUN(test_json);
    RUN(test_the_last_error_is_per_thread);
    return halext_test_finish(__FILE__);
}
