/*
 * Login-time migration, gated registration and resolve/link through C, against the legacy
 * fixtures in MariaDB and the Halext test server that scripts/test-c.sh starts (it writes the
 * halext.toml named by HALEXT_C_MIGRATION_CONFIG and the server's SECRET_KEY file named by
 * HALEXT_C_SERVER_SECRET_FILE). The tests share one fresh mapping database and run in order.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "halext_test.h"

static const char *config;
static halext_migration *m;

/* The string value of "key" in a flat JSON object (values here never contain quotes), or "". */
static void json_string(const char *json, const char *key, char *buf, size_t len) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    buf[0] = '\0';
    const char *p = json ? strstr(json, pattern) : NULL;
    if (!p) return;
    p += strlen(pattern);
    size_t n = 0;
    while (p[n] && p[n] != '"' && n + 1 < len) n++;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

static long long json_int(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = json ? strstr(json, pattern) : NULL;
    return p ? strtoll(p + strlen(pattern), NULL, 10) : -1;
}

static halext_status login(const char *site, const char *user, const char *password, char **out) {
    return halext_migration_login(m, site, user, (const uint8_t *)password, strlen(password), out);
}

/* The token in a login result is a real Halext access token (the server's secret) for `username`. */
static void check_token_for(const char *json, const char *username) {
    char token[1024];
    json_string(json, "access_token", token, sizeof token);
    CHECK(strlen(token) > 20);
    halext_secret *secret = NULL;
    CHECK_STATUS(halext_secret_from_file(getenv("HALEXT_C_SERVER_SECRET_FILE"), &secret), HALEXT_STATUS_OK);
    halext_validator *v = NULL;
    CHECK_STATUS(halext_validator_new_halext(secret, &v), HALEXT_STATUS_OK);
    halext_claims *claims = NULL;
    CHECK_STATUS(halext_validator_validate(v, token, strlen(token), &claims), HALEXT_STATUS_OK);
    CHECK_STR(halext_claims_sub(claims), username);
    int64_t exp = 0;
    CHECK(halext_claims_exp(claims, &exp));
    CHECK_INT(json_int(json, "expires_at"), exp);
    halext_claims_free(claims);
    halext_validator_free(v);
    halext_secret_free(secret);
}

static void test_open_and_init(void) {
    CHECK_STATUS(halext_migration_new(config, NULL, NULL, &m), HALEXT_STATUS_OK);
    CHECK(m != NULL);
    CHECK_STATUS(halext_migration_init(m), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_migration_init(m), HALEXT_STATUS_OK); /* idempotent */
}

static void test_a_wordpress_user_migrates_then_logs_in_by_email(void) {
    char *json = (char *)0x1;
    CHECK_STATUS(halext_migration_resolve(m, "wordpress", 2, &json), HALEXT_STATUS_OK);
    CHECK(json == NULL); /* no mapping yet: OK with NULL */

    CHECK_STATUS(login("wordpress", "bob", "p@ss w0rd \xc3\xbc", &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "{\"outcome\":\"migrated\",\"access_token\":\"");
    CHECK_CONTAINS(json, "\"legacy_id\":2,\"halext_username\":\"bob\",\"halext_login\":null}");
    check_token_for(json, "bob");
    halext_string_free(json);

    CHECK_STATUS(login("wordpress", "Bob@Example.org", "p@ss w0rd \xc3\xbc", &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"outcome\":\"logged_in\"");
    check_token_for(json, "bob");
    halext_string_free(json);

    CHECK_STATUS(halext_migration_resolve(m, "wordpress", 2, &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "{\"site\":\"wordpress\",\"legacy_id\":2,\"halext_username\":\"bob\"");
    CHECK_CONTAINS(json, "\"halext_email\":\"wordpress-2@noemail.invalid\"");
    CHECK_CONTAINS(json, "\"status\":\"linked\",\"method\":\"login\"");
    halext_string_free(json);
    CHECK_STATUS(halext_migration_resolve_halext(m, "bob", &json), HALEXT_STATUS_OK);
    CHECK_STR(json, "[{\"site\":\"wordpress\",\"legacy_id\":2}]");
    halext_string_free(json);
    CHECK_STATUS(halext_migration_resolve_halext(m, "Bob", &json), HALEXT_STATUS_OK);
    CHECK_STR(json, "[]"); /* byte-exact, like Halext */
    halext_string_free(json);
}

static void test_acmlmboard_salted_md5_and_zen3mp_by_email(void) {
    char *json = NULL;
    CHECK_STATUS(login("acmlm", "Bobby Tables", "correct horse", &json), HALEXT_STATUS_OK);
    /* acmlm:2's name "bob" is taken (case-insensitively) by wordpress:2 in the mapping table. */
    CHECK_CONTAINS(json, "\"outcome\":\"migrated\"");
    CHECK_CONTAINS(json, "\"legacy_id\":2,\"halext_username\":\"bob_2\"");
    check_token_for(json, "bob_2");
    halext_string_free(json);
    CHECK_STATUS(login("social", "ALICE@example.com", "correct horse", &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"outcome\":\"migrated\"");
    check_token_for(json, "alice");
    halext_string_free(json);
}

static void test_unknown_user_and_wrong_password_are_the_same(void) {
    char *json = (char *)0x1;
    CHECK_STATUS(login("wordpress", "admin", "not the password", &json), HALEXT_STATUS_MIGRATION_INVALID_CREDENTIALS);
    CHECK(json == NULL);
    char wrong[256];
    snprintf(wrong, sizeof wrong, "%s", halext_last_error_message());
    CHECK_STATUS(login("wordpress", "nobody-here", "correct horse", &json), HALEXT_STATUS_MIGRATION_INVALID_CREDENTIALS);
    CHECK_STR(halext_last_error_message(), wrong);
    CHECK(strstr(wrong, "not the password") == NULL);
    CHECK_STATUS(login("wordpress", "spammer", "correct horse", &json), HALEXT_STATUS_MIGRATION_ACCOUNT_BLOCKED);
    CHECK_STATUS(login("wordpress", "spammer", "wrong", &json), HALEXT_STATUS_MIGRATION_INVALID_CREDENTIALS);
    CHECK_STATUS(login("nope", "admin", "correct horse", &json), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_migration_login(m, "wordpress", "bob", NULL, 4, &json), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_migration_login(NULL, "wordpress", "bob", (const uint8_t *)"x", 1, &json), HALEXT_STATUS_INVALID_ARGUMENT);
}

static void test_gated_registration_and_link(void) {
    char *json = NULL;
    CHECK_STATUS(halext_migration_register(m, "wordpress",
                                           "{\"username\":\"c_newcomer\",\"email\":\"C_New@Example.net\",\"full_name\":\"New\",\"is_admin\":true}",
                                           (const uint8_t *)"a fine password", 15, &json),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"username\":\"c_newcomer\"}");
    uint64_t id = (uint64_t)json_int(json, "id");
    CHECK(id > 0);
    halext_string_free(json);

    CHECK_STATUS(halext_migration_link(m, "wordpress", 600, "c_newcomer", NULL, &id, &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"status\":\"linked\",\"method\":\"registration\"");
    CHECK_INT(json_int(json, "halext_user_id"), (long long)id);
    halext_string_free(json);
    CHECK_STATUS(halext_migration_resolve_halext(m, "c_newcomer", &json), HALEXT_STATUS_OK);
    CHECK_STR(json, "[{\"site\":\"wordpress\",\"legacy_id\":600}]");
    halext_string_free(json);

    CHECK_STATUS(halext_migration_register(m, "wordpress", "{\"username\":\"c_newcomer\",\"email\":\"other@example.net\"}",
                                           (const uint8_t *)"x", 1, &json),
                 HALEXT_STATUS_MIGRATION_DUPLICATE_USERNAME);
    CHECK_STATUS(halext_migration_register(m, "wordpress", "{\"username\":\"c_other\",\"email\":\"c_new@example.net\"}",
                                           (const uint8_t *)"x", 1, &json),
                 HALEXT_STATUS_MIGRATION_DUPLICATE_EMAIL);
    CHECK_STATUS(halext_migration_register(m, "wordpress", "{\"username\":\"c_x\",\"email\":\"x@example.net\",\"password\":\"pw\"}",
                                           (const uint8_t *)"x", 1, &json),
                 HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_migration_register(m, "wordpress", "{\"username\":\"a/b\",\"email\":\"x@example.net\"}",
                                           (const uint8_t *)"x", 1, &json),
                 HALEXT_STATUS_INVALID_ARGUMENT);

    /* Another link for the same account is a conflict unless manual. */
    CHECK_STATUS(halext_migration_link(m, "wordpress", 600, "someone_else", "registration", NULL, &json), HALEXT_STATUS_MIGRATION_CONFLICT);
    CHECK(json == NULL);
    CHECK_STATUS(halext_migration_link(m, "wordpress", 600, "someone_else", "manual", NULL, &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"method\":\"manual\"");
    halext_string_free(json);
    CHECK_STATUS(halext_migration_link(m, "wordpress", 601, "x", "plan", NULL, &json), HALEXT_STATUS_INVALID_ARGUMENT);
}

static void test_halext_down_and_configuration_errors(void) {
    halext_migration *down = NULL;
    CHECK_STATUS(halext_migration_new(config, "{\"url\":\"http://127.0.0.1:1\"}", NULL, &down), HALEXT_STATUS_OK);
    char *json = (char *)0x1;
    CHECK_STATUS(halext_migration_login(down, "acmlm", "Alice", (const uint8_t *)"correct horse", 13, &json),
                 HALEXT_STATUS_MIGRATION_HALEXT_UNAVAILABLE);
    CHECK(json == NULL);
    /* Nothing was marked. */
    CHECK_STATUS(halext_migration_resolve(down, "acmlm", 1, &json), HALEXT_STATUS_OK);
    CHECK(json == NULL);
    halext_migration_free(down);

    halext_migration *bad = (halext_migration *)0x1;
    CHECK_STATUS(halext_migration_new("/nonexistent/halext.toml", NULL, NULL, &bad), HALEXT_STATUS_CONFIG);
    CHECK(bad == NULL);
    CHECK_STATUS(halext_migration_new(config, "{\"nope\":1}", NULL, &bad), HALEXT_STATUS_CONFIG);
    CHECK_CONTAINS(halext_last_error_message(), "unknown option \"nope\"");
    CHECK_STATUS(halext_migration_new(NULL, NULL, NULL, &bad), HALEXT_STATUS_CONFIG); /* HALEXT_CONFIG unset */
    CHECK_CONTAINS(halext_last_error_message(), "HALEXT_CONFIG");
    setenv("HALEXT_CONFIG", config, 1);
    CHECK_STATUS(halext_migration_new(NULL, NULL, NULL, &bad), HALEXT_STATUS_OK);
    unsetenv("HALEXT_CONFIG");
    halext_migration_free(bad);
    halext_migration_free(NULL);
}

static void test_both_processes_keep_working_after_fork(void) {
    char *json = NULL;
    CHECK_STATUS(halext_migration_resolve(m, "wordpress", 2, &json), HALEXT_STATUS_OK); /* used before the fork */
    halext_string_free(json);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char *out = NULL;
        /* acmlm:3 is "J\u00fcrgen" (UTF-8 bytes in a latin1 column). */
        int ok = login("acmlm", "J\xc3\xbcrgen", "p@ss w0rd \xc3\xbc", &out) == HALEXT_STATUS_OK && strstr(out, "\"outcome\":\"migrated\"");
        halext_string_free(out);
        ok = ok && halext_migration_resolve(m, "acmlm", 3, &out) == HALEXT_STATUS_OK && out && strstr(out, "\"status\":\"linked\"");
        halext_string_free(out);
        ok = ok && login("wordpress", "bob", "p@ss w0rd \xc3\xbc", &out) == HALEXT_STATUS_OK && strstr(out, "\"outcome\":\"logged_in\"");
        halext_string_free(out);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    CHECK_INT(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The parent's connections still work, and it sees the child's link (acmlm:3 was never
     * looked up here, so nothing cached hides it; other processes' writes to a cached key are
     * seen within the cache TTL). */
    CHECK_STATUS(login("wordpress", "bob", "p@ss w0rd \xc3\xbc", &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"outcome\":\"logged_in\"");
    halext_string_free(json);
    CHECK_STATUS(halext_migration_resolve(m, "acmlm", 3, &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"halext_username\":\"J\xc3\xbcrgen\"");
    halext_string_free(json);
}

static void *login_on_a_thread(void *arg) {
    const char **who = arg;
    char *out = NULL;
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        ok = ok && login(who[0], who[1], who[2], &out) == HALEXT_STATUS_OK && strstr(out, "\"access_token\":\"");
        halext_string_free(out);
        out = NULL;
        ok = ok && halext_migration_resolve(m, who[0], 1, &out) == HALEXT_STATUS_OK;
        halext_string_free(out);
        out = NULL;
    }
    return ok ? (void *)1 : NULL;
}

static void test_one_handle_shared_by_threads(void) {
    const char *a[] = {"acmlm", "obrien", "o'brien \"q\""};
    const char *b[] = {"social", "juergen@example.de", "p@ss w0rd \xc3\xbc"};
    pthread_t ta, tb;
    CHECK_INT(pthread_create(&ta, NULL, login_on_a_thread, a), 0);
    CHECK_INT(pthread_create(&tb, NULL, login_on_a_thread, b), 0);
    void *ra = NULL, *rb = NULL;
    CHECK_INT(pthread_join(ta, &ra), 0);
    CHECK_INT(pthread_join(tb, &rb), 0);
    CHECK(ra != NULL && rb != NULL);
}

int main(void) {
    config = getenv("HALEXT_C_MIGRATION_CONFIG");
    if (!config || !getenv("HALEXT_C_SERVER_SECRET_FILE")) {
        fprintf(stderr, "test_migration: HALEXT_C_MIGRATION_CONFIG and HALEXT_C_SERVER_SECRET_FILE must be set (run scripts/test-c.sh)\n");
        return 2;
    }
    RUN(test_open_and_init);
    RUN(test_a_wordpress_user_migrates_then_logs_in_by_email);
    RUN(test_acmlmboard_salted_md5_and_zen3mp_by_email);
    RUN(test_unknown_user_and_wrong_password_are_the_same);
    RUN(test_gated_registration_and_link);
    RUN(test_halext_down_and_configuration_errors);
    RUN(test_both_processes_keep_working_after_fork);
    RUN(test_one_handle_shared_by_threads);
    halext_migration_free(m);
    return halext_test_finish("test_migration");
}
