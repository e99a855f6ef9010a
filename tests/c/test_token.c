/*
 * Token validation through C: the Halext and OpenWebUI profiles (tokens with the server's exact
 * bytes), every token status, the RFC 7515/7519/8725 pitfalls (alg confusion, none, crit, a kid
 * naming a key of another type, float/huge/negative exp, aud as string or array), options JSON
 * errors, claims accessors and ownership, one validator shared by threads, and a JWKS URL
 * (rotation, failing and garbage endpoints, use after fork) against a local `php -S` server.
 *
 * Fixtures (tokens, JWKS documents) are made fresh by tests/c/make-token-fixtures.sh; the
 * directory is given in HALEXT_C_FIXTURES (scripts/test-c.sh sets it).
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "halext_test.h"

extern char **environ;

static const char *fixtures;

/* The contents of fixture `name` (malloc'd, NUL-terminated; aborts the test if missing). */
static char *fixture(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "missing fixture %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

static halext_secret *test_secret(const char *name) {
    char *bytes = fixture(name);
    halext_secret *s = NULL;
    CHECK_STATUS(halext_secret_new((const uint8_t *)bytes, strlen(bytes), &s), HALEXT_STATUS_OK);
    free(bytes);
    return s;
}

/* Validates fixture `token_name` with `v`; returns the status and frees the claims. */
static halext_status validate_fixture(const halext_validator *v, const char *token_name) {
    char *token = fixture(token_name);
    halext_claims *claims = (halext_claims *)0x1; /* must be reset by the call */
    halext_status st = halext_validator_validate(v, token, strlen(token), &claims);
    if (st != HALEXT_STATUS_OK) {
        CHECK(claims == NULL);
        /* The message never contains the token's signature (or any whole token). */
        const char *dot = strrchr(token, '.');
        if (dot && strlen(dot + 1) > 8) CHECK(strstr(halext_last_error_message(), dot + 1) == NULL);
    }
    halext_claims_free(claims);
    free(token);
    return st;
}

/* A validator from options JSON (with `{SECRET}` meaning: pass the test secret). */
static halext_validator *with_options(const char *json, int with_secret) {
    halext_secret *s = with_secret ? test_secret("secret") : NULL;
    halext_validator *v = NULL;
    CHECK_STATUS(halext_validator_new(json, s, &v), HALEXT_STATUS_OK);
    halext_secret_free(s);
    return v;
}

static void test_halext_profile_with_the_servers_token_bytes(void) {
    halext_secret *s = test_secret("secret");
    halext_validator *v = NULL;
    CHECK_STATUS(halext_validator_new_halext(s, &v), HALEXT_STATUS_OK);
    halext_secret_free(s); /* the validator keeps only a derived key */

    char *token = fixture("valid");
    halext_claims *c = NULL;
    CHECK_STATUS(halext_validator_validate(v, token, strlen(token), &c), HALEXT_STATUS_OK);
    CHECK_STR(halext_claims_sub(c), "alice");
    CHECK_STR(halext_claims_get_string(c, "sub"), "alice");
    int64_t exp = 0;
    CHECK(halext_claims_exp(c, &exp));
    CHECK(exp > (int64_t)time(NULL));
    int64_t same = 0;
    CHECK(halext_claims_get_int(c, "exp", &same));
    CHECK_INT(same, exp);
    CHECK(!halext_claims_get_int(c, "iat", &same));
    CHECK_INT(same, 0);
    CHECK(halext_claims_get_string(c, "exp") == NULL);     /* not a string */
    CHECK(halext_claims_get_string(c, "missing") == NULL);
    char *json = NULL, expected[128];
    CHECK_STATUS(halext_claims_json(c, &json), HALEXT_STATUS_OK);
    snprintf(expected, sizeof expected, "{\"exp\":%lld,\"sub\":\"alice\"}", (long long)exp);
    CHECK_STR(json, expected);
    halext_string_free(json);
    halext_claims_free(c);

    /* A token need not be NUL-terminated: the length is what counts. */
    size_t n = strlen(token);
    char *copy = malloc(n + 5);
    memcpy(copy, token, n);
    memcpy(copy + n, "junk", 5);
    CHECK_STATUS(halext_validator_validate(v, copy, n, &c), HALEXT_STATUS_OK);
    halext_claims_free(c);
    CHECK_STATUS(halext_validator_validate(v, copy, n + 4, &c), HALEXT_STATUS_TOKEN_BAD_SIGNATURE);
    free(copy);
    free(token);
    halext_validator_free(v);
}

static void test_openwebui_profile(void) {
    halext_secret *s = test_secret("secret");
    halext_validator *v = NULL;
    CHECK_STATUS(halext_validator_new_openwebui(s, &v), HALEXT_STATUS_OK);
    halext_secret_free(s);
    char *token = fixture("owui");
    halext_claims *c = NULL;
    CHECK_STATUS(halext_validator_validate(v, token, strlen(token), &c), HALEXT_STATUS_OK);
    CHECK_STR(halext_claims_get_string(c, "username"), "alice");
    CHECK_STR(halext_claims_get_string(c, "email"), "alice@example.org");
    CHECK_STR(halext_claims_get_string(c, "iss"), "halext-org");
    CHECK(halext_claims_sub(c) == NULL);
    int64_t uid = 0;
    CHECK(halext_claims_get_int(c, "user_id", &uid));
    CHECK_INT(uid, 42);
    halext_claims_free(c);
    free(token);
    /* A Halext access token lacks the SSO claims. */
    CHECK_STATUS(validate_fixture(v, "valid"), HALEXT_STATUS_TOKEN_MISSING_CLAIM);
    halext_validator_free(v);
}

static void test_every_token_status(void) {
    halext_secret *s = test_secret("secret");
    halext_validator *halext = NULL;
    CHECK_STATUS(halext_validator_new_halext(s, &halext), HALEXT_STATUS_OK);
    halext_secret_free(s);
    struct {
        const char *fixture;
        halext_status want;
    } cases[] = {
        {"malformed", HALEXT_STATUS_TOKEN_MALFORMED},
        {"none", HALEXT_STATUS_TOKEN_ALGORITHM},
        {"hs512", HALEXT_STATUS_TOKEN_ALGORITHM},
        {"bad_signature", HALEXT_STATUS_TOKEN_BAD_SIGNATURE},
        {"expired", HALEXT_STATUS_TOKEN_EXPIRED},
        {"nbf_future", HALEXT_STATUS_TOKEN_NOT_YET_VALID},
        {"aud_halext", HALEXT_STATUS_TOKEN_WRONG_AUDIENCE},
        {"no_exp", HALEXT_STATUS_TOKEN_MISSING_CLAIM},
        {"no_sub", HALEXT_STATUS_TOKEN_MISSING_CLAIM},
        {"sub_int", HALEXT_STATUS_TOKEN_INVALID_CLAIM},
        {"exp_string", HALEXT_STATUS_TOKEN_INVALID_CLAIM},
        {"crit", HALEXT_STATUS_TOKEN_UNSUPPORTED_CRITICAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        halext_status got = validate_fixture(halext, cases[i].fixture);
        if (got != cases[i].want) fprintf(stderr, "    fixture %s\n", cases[i].fixture);
        CHECK_STATUS(got, cases[i].want);
        CHECK_STATUS(halext_last_error_code(), cases[i].want);
    }
    halext_validator_free(halext);

    halext_validator *small = with_options("{\"max_token_bytes\":200}", 1);
    CHECK_STATUS(validate_fixture(small, "long_sub"), HALEXT_STATUS_TOKEN_TOO_LARGE);
    CHECK_STATUS(validate_fixture(small, "valid"), HALEXT_STATUS_OK);
    halext_validator_free(small);

    halext_validator *iss = with_options("{\"profile\":\"jwt\",\"algorithms\":[\"HS256\"],\"issuer\":\"https://org.halext.org\"}", 1);
    CHECK_STATUS(validate_fixture(iss, "iss_evil"), HALEXT_STATUS_TOKEN_WRONG_ISSUER);
    halext_validator_free(iss);

    char *jwks = fixture("jwks_k1"), options[4096];
    snprintf(options, sizeof options, "{\"profile\":\"jwt\",\"algorithms\":[\"RS256\"],\"jwks\":%s}", jwks);
    free(jwks);
    halext_validator *rs = with_options(options, 0);
    CHECK_STATUS(validate_fixture(rs, "rs_kid_unknown"), HALEXT_STATUS_TOKEN_UNKNOWN_KEY_ID);
    CHECK_STATUS(validate_fixture(rs, "rs_k1"), HALEXT_STATUS_OK);
    halext_validator_free(rs);

    /* Nothing listens on port 9 of the loopback: the JWKS cannot be fetched. */
    halext_validator *down = with_options("{\"profile\":\"jwt\",\"algorithms\":[\"RS256\"],\"jwks_url\":"
                                          "\"http://127.0.0.1:9/jwks\",\"allow_http_jwks\":true}", 0);
    CHECK_STATUS(validate_fixture(down, "rs_k1"), HALEXT_STATUS_TOKEN_KEY_SET_UNAVAILABLE);
    CHECK_CONTAINS(halext_last_error_message(), "connection failed");
    halext_validator_free(down);

    /* Key material: a short secret needs the explicit option. */
    halext_secret *short_secret = NULL;
    halext_validator *v = (halext_validator *)0x1;
    CHECK_STATUS(halext_secret_new((const uint8_t *)"short", 5, &short_secret), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_validator_new_halext(short_secret, &v), HALEXT_STATUS_TOKEN_INVALID_KEY);
    CHECK(v == NULL);
    CHECK_CONTAINS(halext_last_error_message(), "allow_short_secret");
    CHECK_STATUS(halext_validator_new("{\"allow_short_secret\":true}", short_secret, &v), HALEXT_STATUS_OK);
    halext_validator_free(v);
    halext_secret_free(short_secret);
}

static void test_options_and_arguments(void) {
    halext_validator *v = (halext_validator *)0x1;
    halext_secret *s = test_secret("secret");
    CHECK_STATUS(halext_validator_new("{", s, &v), HALEXT_STATUS_CONFIG);
    CHECK(v == NULL);
    CHECK_CONTAINS(halext_last_error_message(), "not valid JSON");
    CHECK_STATUS(halext_validator_new("{\"leway\":5}", s, &v), HALEXT_STATUS_CONFIG);
    CHECK_CONTAINS(halext_last_error_message(), "\"leway\"");
    CHECK_STATUS(halext_validator_new("{\"secret\":\"inline\"}", NULL, &v), HALEXT_STATUS_CONFIG);
    CHECK_STATUS(halext_validator_new("{\"algorithms\":[\"RS256\"]}", s, &v), HALEXT_STATUS_CONFIG);
    CHECK_CONTAINS(halext_last_error_message(), "halext profile");
    CHECK_STATUS(halext_validator_new("{\"profile\":\"jwt\",\"algorithms\":[\"none\"]}", s, &v), HALEXT_STATUS_CONFIG);
    CHECK_STATUS(halext_validator_new("{\"profile\":\"jwt\",\"algorithms\":[\"RS256\"],\"jwks_url\":"
                                      "\"http://idp.example/jwks\"}", NULL, &v), HALEXT_STATUS_CONFIG);
    CHECK_STATUS(halext_validator_new(NULL, NULL, &v), HALEXT_STATUS_CONFIG); /* halext needs a secret */
    CHECK_STATUS(halext_validator_new("{\"profile\":\"jwt\",\"algorithms\":[\"RS256\"],\"public_key_pem\":\"x\"}",
                                      NULL, &v), HALEXT_STATUS_TOKEN_INVALID_KEY);
    CHECK_STATUS(halext_validator_new("\"\xff\"", s, &v), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_validator_new(NULL, s, NULL), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_validator_new_halext(NULL, &v), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_validator_new_openwebui(s, NULL), HALEXT_STATUS_INVALID_ARGUMENT);

    CHECK_STATUS(halext_validator_new(NULL, s, &v), HALEXT_STATUS_OK); /* {} = halext profile */
    halext_claims *c = (halext_claims *)0x1;
    CHECK_STATUS(halext_validator_validate(NULL, "a.b.c", 5, &c), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK_STATUS(halext_validator_validate(v, NULL, 5, &c), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_validator_validate(v, "a.b.c", 5, NULL), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_validator_validate(v, NULL, 0, &c), HALEXT_STATUS_TOKEN_MALFORMED);
    CHECK_STATUS(halext_validator_validate(v, "\xff.\xfe.x", 5, &c), HALEXT_STATUS_TOKEN_MALFORMED);

    /* Accessors are NULL-safe and never touch the last error. */
    CHECK(halext_claims_sub(NULL) == NULL);
    CHECK(halext_claims_get_string(NULL, "sub") == NULL);
    CHECK(!halext_claims_exp(NULL, NULL));
    CHECK(!halext_claims_get_int(NULL, "exp", NULL));
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_TOKEN_MALFORMED);
    char *json = (char *)0x1;
    CHECK_STATUS(halext_claims_json(NULL, &json), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(json == NULL);
    halext_claims_free(NULL);
    halext_validator_free(NULL);
    halext_validator_free(v);
    halext_secret_free(s);
}

static void test_rfc_pitfalls(void) {
    /* RFC 8725 §3.1: an HS256 token "signed" with the RSA public key PEM as HMAC secret. */
    char *pem = fixture("rsa_pem_json"), options[4096];
    snprintf(options, sizeof options,
             "{\"profile\":\"jwt\",\"algorithms\":[\"RS256\",\"HS256\"],\"public_key_pem\":%s}", pem);
    free(pem);
    halext_validator *rs = with_options(options, 0);
    CHECK_STATUS(validate_fixture(rs, "hs_with_pem"), HALEXT_STATUS_TOKEN_ALGORITHM);
    CHECK_STATUS(validate_fixture(rs, "rs_k1"), HALEXT_STATUS_OK);
    CHECK_STATUS(validate_fixture(rs, "none"), HALEXT_STATUS_TOKEN_ALGORITHM);
    halext_validator_free(rs);

    /* A kid naming a key of another type (an EC key for an RS256 token). */
    char *jwks = fixture("jwks_mixed");
    snprintf(options, sizeof options, "{\"profile\":\"jwt\",\"algorithms\":[\"RS256\",\"ES256\"],\"jwks\":%s}", jwks);
    free(jwks);
    halext_validator *mixed = with_options(options, 0);
    CHECK_STATUS(validate_fixture(mixed, "rs_kid_ec"), HALEXT_STATUS_TOKEN_ALGORITHM);
    CHECK_STATUS(validate_fixture(mixed, "rs_k1"), HALEXT_STATUS_OK);
    halext_validator_free(mixed);

    /* NumericDate edge cases. */
    halext_secret *s = test_secret("secret");
    halext_validator *v = NULL;
    CHECK_STATUS(halext_validator_new_halext(s, &v), HALEXT_STATUS_OK);
    halext_secret_free(s);
    char *token = fixture("exp_float");
    halext_claims *c = NULL;
    CHECK_STATUS(halext_validator_validate(v, token, strlen(token), &c), HALEXT_STATUS_OK);
    int64_t exp = 0;
    CHECK(halext_claims_exp(c, &exp));
    CHECK(exp > (int64_t)time(NULL)); /* FUTURE.75 rounded down to FUTURE */
    halext_claims_free(c);
    free(token);
    CHECK_STATUS(validate_fixture(v, "exp_huge"), HALEXT_STATUS_TOKEN_INVALID_CLAIM);
    CHECK_STATUS(validate_fixture(v, "exp_1e300"), HALEXT_STATUS_TOKEN_INVALID_CLAIM);
    CHECK_STATUS(validate_fixture(v, "exp_negative"), HALEXT_STATUS_TOKEN_EXPIRED);
    halext_validator_free(v);

    /* aud as a string or an array. */
    halext_validator *aud = with_options("{\"profile\":\"jwt\",\"algorithms\":[\"HS256\"],\"audience\":\"forum\"}", 1);
    CHECK_STATUS(validate_fixture(aud, "aud_string"), HALEXT_STATUS_OK);
    CHECK_STATUS(validate_fixture(aud, "aud_array"), HALEXT_STATUS_OK);
    CHECK_STATUS(validate_fixture(aud, "aud_other"), HALEXT_STATUS_TOKEN_WRONG_AUDIENCE);
    CHECK_STATUS(validate_fixture(aud, "iss_evil"), HALEXT_STATUS_TOKEN_MISSING_CLAIM);
    token = fixture("aud_string");
    CHECK_STATUS(halext_validator_validate(aud, token, strlen(token), &c), HALEXT_STATUS_OK);
    char *json = NULL;
    CHECK_STATUS(halext_claims_json(c, &json), HALEXT_STATUS_OK);
    CHECK_CONTAINS(json, "\"aud\":[\"forum\"]"); /* always a list */
    halext_string_free(json);
    halext_claims_free(c);
    free(token);
    halext_validator_free(aud);
}

/* ---- one validator, many threads ---- */

static halext_validator *shared_validator;
static char *shared_token;

static void *validate_many(void *arg) {
    int *ok = arg;
    *ok = 1;
    for (int i = 0; i < 200; i++) {
        halext_claims *c = NULL;
        if (halext_validator_validate(shared_validator, shared_token, strlen(shared_token), &c) != HALEXT_STATUS_OK ||
            strcmp(halext_claims_sub(c), "alice") != 0)
            *ok = 0;
        halext_claims_free(c);
    }
    return NULL;
}

static void test_one_validator_shared_by_threads(void) {
    halext_secret *s = test_secret("secret");
    CHECK_STATUS(halext_validator_new_halext(s, &shared_validator), HALEXT_STATUS_OK);
    halext_secret_free(s);
    shared_token = fixture("valid");
    pthread_t t[4];
    int ok[4] = {0};
    for (int i = 0; i < 4; i++) CHECK_INT(pthread_create(&t[i], NULL, validate_many, &ok[i]), 0);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(pthread_join(t[i], NULL), 0);
        CHECK_INT(ok[i], 1);
    }
    free(shared_token);
    halext_validator_free(shared_validator);
}

/* ---- JWKS URL against `php -S` ---- */

static char served_dir[] = "/tmp/halext-c-jwks-XXXXXX";
static pid_t server_pid = -1;
static char jwks_url[128];

static void serve(const char *fixture_name) {
    char path[256];
    snprintf(path, sizeof path, "%s/jwks", served_dir);
    if (!fixture_name) {
        unlink(path); /* 404 */
        return;
    }
    char *body = strcmp(fixture_name, "garbage") == 0 ? strdup("<html>not a JWKS</html>") : fixture(fixture_name);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    fputs(body, f);
    fclose(f);
    rename(tmp, path); /* atomic: a request never sees half a file */
    free(body);
}

static int start_server(void) {
    if (!mkdtemp(served_dir)) return 0;
    char log[256];
    snprintf(log, sizeof log, "%s.log", served_dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const char *php = getenv("PHP") ? getenv("PHP") : "php";
    char *argv[] = {(char *)php, "-n", "-S", "127.0.0.1:0", "-t", served_dir, NULL};
    int rc = posix_spawnp(&server_pid, php, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return 0;
    for (int i = 0; i < 500; i++) { /* up to 5 s for "Development Server (http://127.0.0.1:N) started" */
        char *text = NULL;
        FILE *f = fopen(log, "r");
        if (f) {
            char buf[512] = {0};
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = '\0';
            text = strstr(buf, "(http://127.0.0.1:");
            int port = 0;
            if (text && sscanf(text, "(http://127.0.0.1:%d)", &port) == 1 && port > 0) {
                snprintf(jwks_url, sizeof jwks_url, "http://127.0.0.1:%d/jwks", port);
                unlink(log);
                return 1;
            }
        }
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    return 0;
}

static void stop_server(void) {
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
    }
    char path[256];
    snprintf(path, sizeof path, "%s/jwks", served_dir);
    unlink(path);
    rmdir(served_dir);
}

static halext_validator *jwks_validator(void) {
    char options[512];
    snprintf(options, sizeof options,
             "{\"profile\":\"jwt\",\"algorithms\":[\"RS256\"],\"jwks_url\":\"%s\",\"allow_http_jwks\":true,"
             "\"jwks_min_refresh_interval\":0,\"jwks_timeout_ms\":3000}", jwks_url);
    return with_options(options, 0);
}

static void test_jwks_url_rotation_and_failures(void) {
    halext_validator *v = jwks_validator();
    /* Before any good set: 404, garbage. */
    serve(NULL);
    CHECK_STATUS(validate_fixture(v, "rs_k1"), HALEXT_STATUS_TOKEN_KEY_SET_UNAVAILABLE);
    CHECK_CONTAINS(halext_last_error_message(), "HTTP status 404");
    serve("garbage");
    CHECK_STATUS(validate_fixture(v, "rs_k1"), HALEXT_STATUS_TOKEN_KEY_SET_UNAVAILABLE);
    CHECK_CONTAINS(halext_last_error_message(), "not a JWKS document");
    /* A good set, then rotation to k2. */
    serve("jwks_k1");
    CHECK_STATUS(validate_fixture(v, "rs_k1"), HALEXT_STATUS_OK);
    serve("jwks_k2");
    CHECK_STATUS(validate_fixture(v, "rs_k2"), HALEXT_STATUS_OK);
    CHECK_STATUS(validate_fixture(v, "rs_k1"), HALEXT_STATUS_TOKEN_UNKNOWN_KEY_ID);
    /* The endpoint breaks: the last good set (k2) is still used. */
    serve("garbage");
    CHECK_STATUS(validate_fixture(v, "rs_k1"), HALEXT_STATUS_TOKEN_UNKNOWN_KEY_ID);
    CHECK_STATUS(validate_fixture(v, "rs_k2"), HALEXT_STATUS_OK);
    serve(NULL);
    CHECK_STATUS(validate_fixture(v, "rs_kid_unknown"), HALEXT_STATUS_TOKEN_UNKNOWN_KEY_ID);
    CHECK_STATUS(validate_fixture(v, "rs_k2"), HALEXT_STATUS_OK);
    halext_validator_free(v);
}

static void test_a_jwks_validator_made_before_fork_fetches_in_the_child(void) {
    serve("jwks_k1");
    halext_validator *v = jwks_validator();
    CHECK_STATUS(validate_fixture(v, "rs_k1"), HALEXT_STATUS_OK); /* the parent has fetched */
    serve("jwks_k2");
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The child fetches k2 with its own runtime and HTTP client. */
        int ok = validate_fixture(v, "rs_k2") == HALEXT_STATUS_OK;
        ok = ok && validate_fixture(v, "rs_k1") == HALEXT_STATUS_TOKEN_UNKNOWN_KEY_ID;
        halext_validator_free(v);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    CHECK_INT(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The parent still works with its own state. */
    CHECK_STATUS(validate_fixture(v, "rs_k2"), HALEXT_STATUS_OK);
    halext_validator_free(v);
}

int main(void) {
    fixtures = getenv("HALEXT_C_FIXTURES");
    if (!fixtures) {
        fprintf(stderr, "HALEXT_C_FIXTURES is not set: run scripts/test-c.sh\n");
        return 2;
    }
    RUN(test_halext_profile_with_the_servers_token_bytes);
    RUN(test_openwebui_profile);
    RUN(test_every_token_status);
    RUN(test_options_and_arguments);
    RUN(test_rfc_pitfalls);
    RUN(test_one_validator_shared_by_threads);
    if (!start_server()) {
        fprintf(stderr, "cannot start `php -S` for the JWKS tests (is php installed?)\n");
        stop_server();
        return 1;
    }
    RUN(test_jwks_url_rotation_and_failures);
    RUN(test_a_jwks_validator_made_before_fork_fetches_in_the_child);
    stop_server();
    return halext_test_finish(__FILE__);
}
