/*
 * halext_secret: from bytes, the environment (NAME / NAME_FILE) and files; messages never
 * contain the secret; one handle shared by several threads.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "halext_test.h"

static char tmpdir[] = "/tmp/halext-c-secret-XXXXXX";
static char path[512];

static void write_file(const char *p, const char *contents) {
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(contents, f);
    fclose(f);
}

static void test_from_bytes(void) {
    halext_secret *s = NULL;
    CHECK_STATUS(halext_secret_new((const uint8_t *)"k\0y", 3, &s), HALEXT_STATUS_OK);
    CHECK_INT(halext_secret_len(s), 3);
    halext_secret_free(s);
}

static void test_from_env_value_file_and_precedence(void) {
    halext_secret *s = NULL;
    unsetenv("HALEXT_C_TEST_SECRET");
    unsetenv("HALEXT_C_TEST_SECRET_FILE");

    CHECK_STATUS(halext_secret_from_env("HALEXT_C_TEST_SECRET", &s), HALEXT_STATUS_CONFIG);
    CHECK(s == NULL);
    CHECK_CONTAINS(halext_last_error_message(), "HALEXT_C_TEST_SECRET_FILE");

    setenv("HALEXT_C_TEST_SECRET", "value-from-env", 1);
    CHECK_STATUS(halext_secret_from_env("HALEXT_C_TEST_SECRET", &s), HALEXT_STATUS_OK);
    CHECK_INT(halext_secret_len(s), strlen("value-from-env"));
    halext_secret_free(s);

    snprintf(path, sizeof path, "%s/secret", tmpdir);
    write_file(path, "file-secret\n");
    setenv("HALEXT_C_TEST_SECRET_FILE", path, 1);
    /* NAME wins over NAME_FILE. */
    CHECK_STATUS(halext_secret_from_env("HALEXT_C_TEST_SECRET", &s), HALEXT_STATUS_OK);
    CHECK_INT(halext_secret_len(s), strlen("value-from-env"));
    halext_secret_free(s);

    unsetenv("HALEXT_C_TEST_SECRET");
    CHECK_STATUS(halext_secret_from_env("HALEXT_C_TEST_SECRET", &s), HALEXT_STATUS_OK);
    CHECK_INT(halext_secret_len(s), strlen("file-secret")); /* trailing newline removed */
    halext_secret_free(s);

    setenv("HALEXT_C_TEST_SECRET_FILE", "/nonexistent/halext-secret", 1);
    s = NULL;
    CHECK_STATUS(halext_secret_from_env("HALEXT_C_TEST_SECRET", &s), HALEXT_STATUS_IO);
    CHECK(s == NULL);
    CHECK_CONTAINS(halext_last_error_message(), "HALEXT_C_TEST_SECRET_FILE");
    unsetenv("HALEXT_C_TEST_SECRET_FILE");
    unlink(path);
}

static void test_from_file_and_messages_never_quote_the_secret(void) {
    halext_secret *s = NULL;
    snprintf(path, sizeof path, "%s/crlf", tmpdir);
    write_file(path, "hunter2-hunter2\r\n");
    CHECK_STATUS(halext_secret_from_file(path, &s), HALEXT_STATUS_OK);
    CHECK_INT(halext_secret_len(s), strlen("hunter2-hunter2"));
    halext_secret_free(s);

    /* A directory cannot be read as a file: the message names the path only. */
    CHECK_STATUS(halext_secret_from_file(tmpdir, &s), HALEXT_STATUS_IO);
    CHECK_CONTAINS(halext_last_error_message(), tmpdir);
    CHECK(strstr(halext_last_error_message(), "hunter2") == NULL);
    unlink(path);
}

static halext_secret *shared;

static void *read_len(void *arg) {
    size_t *out = arg;
    for (int i = 0; i < 1000; i++) *out = halext_secret_len(shared);
    return NULL;
}

static void test_one_handle_shared_by_threads(void) {
    CHECK_STATUS(halext_secret_new((const uint8_t *)"shared", 6, &shared), HALEXT_STATUS_OK);
    pthread_t t[4];
    size_t lens[4] = {0};
    for (int i = 0; i < 4; i++) CHECK_INT(pthread_create(&t[i], NULL, read_len, &lens[i]), 0);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(pthread_join(t[i], NULL), 0);
        CHECK_INT(lens[i], 6);
    }
    halext_secret_free(shared);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_from_bytes);
    RUN(test_from_env_value_file_and_precedence);
    RUN(test_from_file_and_messages_never_quote_the_secret);
    RUN(test_one_handle_shared_by_threads);
    rmdir(tmpdir);
    return halext_test_finish(__FILE__);
}
