/*
 * Bad arguments give HALEXT_STATUS_INVALID_ARGUMENT (never a crash): NULL pointers, a NULL
 * buffer with a length, invalid UTF-8, NULL out-parameters; _free(NULL) is a no-op; out-
 * parameters are reset to NULL when a call fails.
 */
#include <stdint.h>

#include "halext_test.h"

/* A pointer value the library must overwrite on failure (never dereferenced). */
#define POISON ((halext_secret *)(uintptr_t)0x1)

static void test_null_pointers(void) {
    halext_secret *s = POISON;
    halext_status st;

    CHECK_STATUS(halext_secret_new(NULL, 5, &s), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_CONTAINS(halext_last_error_message(), "bytes");

    CHECK_STATUS(halext_secret_new((const uint8_t *)"abc", 3, NULL), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_CONTAINS(halext_last_error_message(), "out");

    s = POISON;
    CHECK_STATUS(halext_secret_from_env(NULL, &s), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_STATUS(halext_secret_from_env("HOME", NULL), HALEXT_STATUS_INVALID_ARGUMENT);

    s = POISON;
    CHECK_STATUS(halext_secret_from_file(NULL, &s), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_STATUS(halext_secret_from_file("/etc/hostname", NULL), HALEXT_STATUS_INVALID_ARGUMENT);

    CHECK_STATUS(halext_status_from_name(NULL, &st), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_last_error_json(NULL), HALEXT_STATUS_INVALID_ARGUMENT);

    CHECK_INT(halext_secret_len(NULL), 0);
}

static void test_empty_inputs(void) {
    halext_secret *s = NULL;
    /* (NULL, 0) is the empty byte string, not an error. */
    CHECK_STATUS(halext_secret_new(NULL, 0, &s), HALEXT_STATUS_OK);
    CHECK(s != NULL);
    CHECK_INT(halext_secret_len(s), 0);
    halext_secret_free(s);

    s = POISON;
    CHECK_STATUS(halext_secret_from_env("", &s), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_STATUS(halext_secret_from_file("", &s), HALEXT_STATUS_INVALID_ARGUMENT);
}

static void test_invalid_utf8(void) {
    halext_secret *s = POISON;
    halext_status st = HALEXT_STATUS_INTERNAL;
    CHECK_STATUS(halext_secret_from_env("HALEXT_\xff\xfe", &s), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_CONTAINS(halext_last_error_message(), "UTF-8");
    CHECK_CONTAINS(halext_last_error_message(), "offset 7");
    CHECK_STATUS(halext_status_from_name("\xc3\x28", &st), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_INT(st, HALEXT_STATUS_OK);
    /* A truncated multi-byte sequence at the end. */
    CHECK_STATUS(halext_status_from_name("ok\xe2\x82", &st), HALEXT_STATUS_INVALID_ARGUMENT);
}

static void test_free_null_is_a_no_op(void) {
    halext_string_free(NULL);
    halext_secret_free(NULL);
    CHECK(1); /* reached: no crash */
}

int main(void) {
    RUN(test_null_pointers);
    RUN(test_empty_inputs);
    RUN(test_invalid_utf8);
    RUN(test_free_null_is_a_no_op);
    return halext_test_finish(__FILE__);
}
