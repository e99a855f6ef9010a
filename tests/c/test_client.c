/*
 * The API client through C, against the Halext-compatible test server that scripts/test-c.sh
 * starts (HALEXT_TEST_URL; registration access code in HALEXT_TEST_ACCESS_CODE_FILE): every
 * route family, the errors and the data halext_last_error_json carries for them, retries,
 * timeouts, the streaming callback, one client shared by threads, and use after fork().
 * Users, tokens and faults are set up through the server's control API (/__test/...).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

#include "halext_test.h"

static const char *url;
static halext_client *control; /* a client for the control API: no retries */

/* A client for the test server with quick timeouts and retries, plus `extra` options
 * (a JSON fragment like "\"retries\":0", or ""). */
static halext_client *client_with(const char *extra, const halext_secret *access_code) {
    char options[1024];
    snprintf(options, sizeof options,
             "{\"url\":\"%s\",\"timeout_ms\":2000,\"connect_timeout_ms\":1000,\"retries\":2,"
             "\"retry_base_ms\":5,\"retry_max_ms\":20%s%s}",
             url, extra[0] ? "," : "", extra);
    halext_client *c = NULL;
    CHECK_STATUS(halext_client_new(options, access_code, &c), HALEXT_STATUS_OK);
    return c;
}

/* A control request; returns the answer JSON (free it) or NULL. */
static char *ctl(const char *method, const char *path, const char *body) {
    char *out = NULL;
    CHECK_STATUS(halext_client_request(control, method, path, NULL, NULL, body, &out), HALEXT_STATUS_OK);
    return out;
}

static void reset(void) { halext_string_free(ctl("POST", "/__test/reset", NULL)); }

static void fault(const char *json) { halext_string_free(ctl("POST", "/__test/faults", json)); }

/* A copy of the string value of "key" in a flat JSON text (the tests' own simple answers). */
static char *field(const char *json, const char *key) {
    char needle[128];
    snprintf(needle, sizeof needle, "\"%s\":\"", key);
    const char *start = json ? strstr(json, needle) : NULL;
    if (!start) return NULL;
    start += strlen(needle);
    const char *end = strchr(start, '"');
    size_t n = (size_t)(end - start);
    char *copy = malloc(n + 1);
    memcpy(copy, start, n);
    copy[n] = '\0';
    return copy;
}

/* Seeds a user (password "<name>-password") and returns a fresh token for it (free it). */
static char *user(const char *name, bool admin) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"username\":\"%s\",\"email\":\"%s@example.org\",\"password\":\"%s-password\","
             "\"is_admin\":%s,\"rounds\":1000}",
             name, name, name, admin ? "true" : "false");
    halext_string_free(ctl("POST", "/__test/users", body));
    snprintf(body, sizeof body, "{\"username\":\"%s\"}", name);
    char *answer = ctl("POST", "/__test/token", body);
    char *token = field(answer, "access_token");
    halext_string_free(answer);
    return token;
}

/* The last error as JSON (free it). */
static char *last_error(void) {
    char *json = NULL;
    halext_last_error_json(&json);
    return json;
}

static void test_options_and_construction(void) {
    halext_client *c = (halext_client *)0x1;
    CHECK_STATUS(halext_client_new(NULL, NULL, &c), HALEXT_STATUS_CONFIG);
    CHECK(c == NULL);
    CHECK_CONTAINS(halext_last_error_message(), "no Halext URL");
    CHECK_STATUS(halext_client_new("{\"url\":\"http://x\",\"timeout\":5}", NULL, &c), HALEXT_STATUS_CONFIG);
    CHECK_CONTAINS(halext_last_error_message(), "unknown client option `timeout`");
    CHECK_STATUS(halext_client_new("{\"url\":\"http://x\",\"retries\":-1}", NULL, &c), HALEXT_STATUS_CONFIG);
    CHECK_STATUS(halext_client_new("{\"url\":\"ftp://x\"}", NULL, &c), HALEXT_STATUS_CONFIG);
    CHECK_STATUS(halext_client_new("{\"url\":", NULL, &c), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_client_new("[1]", NULL, &c), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_client_new("{}", NULL, NULL), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_client_new("{\"url\":\"http://x\",\"timeout_ms\":\"1500\"}", NULL, &c), HALEXT_STATUS_OK);
    halext_client_free(c);
    halext_client_free(NULL);

    /* From the environment. */
    setenv("HALEXT_URL", url, 1);
    setenv("HALEXT_RETRIES", "many", 1);
    CHECK_STATUS(halext_client_from_env(&c), HALEXT_STATUS_CONFIG);
    CHECK_CONTAINS(halext_last_error_message(), "HALEXT_RETRIES");
    unsetenv("HALEXT_RETRIES");
    CHECK_STATUS(halext_client_from_env(&c), HALEXT_STATUS_OK);
    char *out = NULL;
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"version\":\"0.2.0-refactored\"");
    halext_string_free(out);
    halext_client_free(c);
    unsetenv("HALEXT_URL");

    /* NULL handles and arguments are errors, not crashes. */
    CHECK_STATUS(halext_client_health(NULL, &out), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK_STATUS(halext_client_me(control, NULL, &out), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_CONTAINS(halext_last_error_message(), "`token`");
}

static void test_system_routes(void) {
    halext_client *c = client_with("", NULL);
    char *out = NULL;
    CHECK_STATUS(halext_client_health(c, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"status\":\"healthy\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"features\":[");
    halext_string_free(out);
    halext_client_free(c);
}

static void test_users_and_presence(void) {
    reset();
    halext_secret *code = NULL;
    CHECK_STATUS(halext_secret_from_file(getenv("HALEXT_TEST_ACCESS_CODE_FILE"), &code), HALEXT_STATUS_OK);
    halext_client *c = client_with("", code);
    halext_secret_free(code); /* the client keeps its own copy */
    char *out = NULL;
    CHECK_STATUS(halext_client_register(c, "{\"username\":\"cara\",\"email\":\"cara@example.org\","
                                           "\"password\":\"cara-pw\",\"full_name\":\"Cara C\",\"is_admin\":true}", &out),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"username\":\"cara\"");
    CHECK_CONTAINS(out, "\"is_admin\":false");
    halext_string_free(out);
    char *log = ctl("GET", "/__test/requests", NULL);
    CHECK_CONTAINS(log, "\"query\":\"create_demo_data=false\"");
    CHECK_CONTAINS(log, "x-halext-code");
    CHECK(strstr(log, "is_admin") == NULL);
    halext_string_free(log);
    CHECK_STATUS(halext_client_register(c, "{\"username\":\"cara\"}", &out), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_CONTAINS(halext_last_error_message(), "user_json: missing key `email`");

    CHECK_STATUS(halext_client_login(c, "cara@example.org", "cara-pw", &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"token_type\":\"bearer\"");
    CHECK_CONTAINS(out, "\"expires_at\":");
    char *token = field(out, "access_token");
    halext_string_free(out);
    CHECK_STATUS(halext_client_me(c, token, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"full_name\":\"Cara C\"");
    halext_string_free(out);

    char *other = user("carl", false);
    free(other);
    CHECK_STATUS(halext_client_search_users(c, token, "CAR", -1, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"username\":\"carl\"");
    CHECK(strstr(out, "\"username\":\"cara\"") == NULL);
    halext_string_free(out);
    CHECK_STATUS(halext_client_set_presence(c, token, "{\"status\":\"away\",\"status_message\":\"lunch\"}", &out),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"status\":\"away\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_set_presence(c, token, "{\"status\":\"asleep\"}", &out), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_client_presence(c, token, "cara", &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"status_message\":\"lunch\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_presence_list(c, token, "[1]", &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"user_id\":1");
    halext_string_free(out);
    CHECK_STATUS(halext_client_presence_list(c, token, "[\"x\"]", &out), HALEXT_STATUS_INVALID_ARGUMENT);

    CHECK_STATUS(halext_client_delete_me(c, token), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_client_me(c, token, &out), HALEXT_STATUS_API_UNAUTHORIZED);
    free(token);
    halext_client_free(c);
}

static void test_content(void) {
    reset();
    halext_client *c = client_with("\"max_upload_bytes\":4096", NULL);
    char *admin = user("root", true);
    char *out = NULL;
    CHECK_STATUS(halext_client_create_blog_post(c, admin, "{\"slug\":\"hi\",\"title\":\"Hi\",\"body_markdown\":\"# Hi\","
                                                          "\"status\":\"published\"}", &out),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"published_at\":\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_public_blog(c, 5, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"slug\":\"hi\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_public_blog_post(c, "hi", &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_update_blog_post(c, admin, "hi", "{\"title\":\"Hello\"}", &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"title\":\"Hello\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_admin_blog_posts(c, admin, &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_delete_blog_post(c, admin, "hi"), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_client_public_blog_post(c, "hi", &out), HALEXT_STATUS_API_NOT_FOUND);

    CHECK_STATUS(halext_client_create_page(c, admin, "{\"slug\":\"about\",\"title\":\"About\",\"is_published\":true}", &out),
                 HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_public_page(c, "about", &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"title\":\"About\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_admin_pages(c, admin, &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_update_page(c, admin, 1, "{\"title\":\"About us\"}", &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_delete_page(c, admin, 1), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_client_delete_page(c, admin, 1), HALEXT_STATUS_API_NOT_FOUND);

    CHECK_STATUS(halext_client_create_album(c, admin, "{\"slug\":\"trip\",\"title\":\"Trip\"}", &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_public_albums(c, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"slug\":\"trip\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_public_album(c, "trip", &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_admin_albums(c, admin, &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_update_album(c, admin, 1, "{\"is_public\":false}", &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_delete_album(c, admin, 1), HALEXT_STATUS_OK);

    /* Media: from memory, from a file, too large (refused before sending), not an admin. */
    const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0};
    CHECK_STATUS(halext_client_upload_media_bytes(c, admin, gif, sizeof gif, "dot.gif", "{\"title\":\"Dot\"}", &out),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"title\":\"Dot\"");
    halext_string_free(out);
    char path[] = "/tmp/halext-c-media-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello", 5) == 5);
    close(fd);
    CHECK_STATUS(halext_client_upload_media(c, admin, path, "{\"filename\":\"hello.txt\"}", &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, ".txt\"");
    halext_string_free(out);
    static uint8_t big[5000];
    CHECK_STATUS(halext_client_upload_media_bytes(c, admin, big, sizeof big, "big.bin", NULL, &out), HALEXT_STATUS_API_REQUEST);
    CHECK_CONTAINS(halext_last_error_message(), "over the limit of 4096 bytes");
    unlink(path);
    CHECK_STATUS(halext_client_upload_media(c, admin, path, NULL, &out), HALEXT_STATUS_API_REQUEST);
    CHECK_STATUS(halext_client_list_media(c, admin, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"title\":\"Dot\"");
    halext_string_free(out);
    char *plain = user("plain", false);
    CHECK_STATUS(halext_client_list_media(c, plain, &out), HALEXT_STATUS_API_FORBIDDEN);
    free(plain);
    free(admin);
    halext_client_free(c);
}

static void test_social(void) {
    reset();
    halext_client *c = client_with("", NULL);
    char *ann = user("ann", false), *bob = user("bob", false);
    char *out = NULL;
    CHECK_STATUS(halext_client_create_circle(c, ann, "{\"name\":\"Friends\"}", &out), HALEXT_STATUS_OK);
    char *invite = field(out, "invite_code");
    CHECK(invite != NULL && strlen(invite) == 6);
    halext_string_free(out);
    CHECK_STATUS(halext_client_join_circle(c, bob, invite, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"member_count\":2");
    halext_string_free(out);
    CHECK_STATUS(halext_client_join_circle(c, bob, "ZZZZZZ", &out), HALEXT_STATUS_API_NOT_FOUND);
    CHECK_STATUS(halext_client_post_pulse(c, bob, 1, "{\"message\":\"hi from C\"}", &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_pulses(c, ann, 1, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"message\":\"hi from C\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_circles(c, bob, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"name\":\"Friends\"");
    halext_string_free(out);
    free(invite);
    free(ann);
    free(bob);
    halext_client_free(c);
}

struct chunks {
    int count;
    int stop_after; /* 0: never */
    char text[4096];
};

static bool on_chunk(void *user_data, const char *chunk, size_t len) {
    struct chunks *c = user_data;
    CHECK_INT(strlen(chunk), len);
    strncat(c->text, chunk, sizeof c->text - strlen(c->text) - 1);
    c->count++;
    return c->stop_after == 0 || c->count < c->stop_after;
}

static void test_ai_and_openwebui(void) {
    reset();
    halext_client *c = client_with("", NULL);
    char *ann = user("ann", false);
    char *out = NULL;
    CHECK_STATUS(halext_client_chat(c, ann, "{\"prompt\":\"Hi\",\"history\":[{\"role\":\"user\",\"content\":\"x\"}]}", &out),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"mock\":true");
    halext_string_free(out);
    CHECK_STATUS(halext_client_chat(c, ann, "{\"prompt\":\"Hi\",\"temperature\":1}", &out), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_CONTAINS(halext_last_error_message(), "unknown key `temperature`");

    struct chunks all = {0, 0, ""};
    CHECK_STATUS(halext_client_chat_stream(c, ann, "{\"prompt\":\"Hi\"}", on_chunk, &all, &out), HALEXT_STATUS_OK);
    CHECK(all.count > 3);
    CHECK_CONTAINS(out, "\"stopped\":false");
    CHECK_CONTAINS(out, "\"model\":\"mock:mock\"");
    CHECK_CONTAINS(out, all.text);
    halext_string_free(out);
    struct chunks two = {0, 2, ""};
    CHECK_STATUS(halext_client_chat_stream(c, ann, "{\"prompt\":\"Hi\"}", on_chunk, &two, &out), HALEXT_STATUS_OK);
    CHECK_INT(two.count, 2);
    CHECK_CONTAINS(out, "\"stopped\":true");
    CHECK_CONTAINS(out, "\"chunks\":2");
    halext_string_free(out);
    CHECK_STATUS(halext_client_chat_stream(c, ann, "{\"prompt\":\"Hi\"}", NULL, NULL, &out), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_client_chat_stream(c, "bad", "{\"prompt\":\"Hi\"}", on_chunk, &two, &out),
                 HALEXT_STATUS_API_UNAUTHORIZED);

    CHECK_STATUS(halext_client_chat_with_context(c, ann, "{\"site\":\"Zeniea\",\"question\":\"Reset?\","
                                                         "\"snippets\":[{\"title\":\"Help\",\"text\":\"Use the form.\"}]}",
                                                 &out),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"snippets_used\":1");
    halext_string_free(out);
    CHECK_STATUS(halext_client_models(c, ann, NULL, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"models\":[");
    halext_string_free(out);
    CHECK_STATUS(halext_client_models(c, ann, "{\"limit\":5}", &out), HALEXT_STATUS_OK);
    halext_string_free(out);

    CHECK_STATUS(halext_client_openwebui_status(c, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"enabled\":true");
    halext_string_free(out);
    CHECK_STATUS(halext_client_openwebui_sync_status(c, ann, &out), HALEXT_STATUS_OK);
    halext_string_free(out);
    CHECK_STATUS(halext_client_openwebui_sync_user(c, ann, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"success\":true");
    halext_string_free(out);
    CHECK_STATUS(halext_client_openwebui_sso(c, ann, NULL, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"sso_url\":\"https://chat.example.org/sso?token=");
    halext_string_free(out);

    CHECK_STATUS(halext_client_validate_remote(c, ann, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"cached\":false");
    halext_string_free(out);
    CHECK_STATUS(halext_client_validate_remote(c, ann, &out), HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"cached\":true");
    CHECK_CONTAINS(out, "\"username\":\"ann\"");
    halext_string_free(out);
    free(ann);
    halext_client_free(c);
}

static void test_raw_requests(void) {
    reset();
    halext_client *c = client_with("", NULL);
    char *ann = user("ann", false);
    char *out = NULL;
    CHECK_STATUS(halext_client_request(c, "get", "/users/search", ann, "{\"q\":\"x\",\"limit\":3}", NULL, &out),
                 HALEXT_STATUS_OK);
    CHECK_STR(out, "[]");
    halext_string_free(out);
    CHECK_STATUS(halext_client_request(c, "POST", "/social/circles", ann, NULL, "{\"name\":\"Raw\"}", &out),
                 HALEXT_STATUS_OK);
    CHECK_CONTAINS(out, "\"name\":\"Raw\"");
    halext_string_free(out);
    CHECK_STATUS(halext_client_request(c, "DELETE", "/users/me/", ann, NULL, NULL, &out), HALEXT_STATUS_OK);
    CHECK_STR(out, "null");
    halext_string_free(out);
    CHECK_STATUS(halext_client_request(c, "GET", "no-slash", NULL, NULL, NULL, &out), HALEXT_STATUS_API_REQUEST);
    CHECK_STATUS(halext_client_request(c, "NOT A METHOD", "/x", NULL, NULL, NULL, &out), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(halext_client_request(c, "GET", "/x", NULL, "{\"a\":[1]}", NULL, &out), HALEXT_STATUS_INVALID_ARGUMENT);
    free(ann);
    halext_client_free(c);
}

static void test_errors_carry_their_data(void) {
    reset();
    halext_client *c = client_with("\"retries\":0", NULL);
    char *out = NULL, *json = NULL;

    CHECK_STATUS(halext_client_me(c, "not-a-token", &out), HALEXT_STATUS_API_UNAUTHORIZED);
    json = last_error();
    CHECK_CONTAINS(json, "\"status\":200,\"name\":\"api.unauthorized\"");
    CHECK_CONTAINS(json, "\"http_status\":401");
    CHECK_CONTAINS(json, "\"detail\":\"Could not validate credentials\"");
    CHECK_CONTAINS(json, "\"field_errors\":[]");
    CHECK_CONTAINS(json, "\"retry_after\":null");
    halext_string_free(json);

    CHECK_STATUS(halext_client_request(c, "POST", "/token", NULL, NULL, "{\"password\":\"hunter2\"}", &out),
                 HALEXT_STATUS_API_VALIDATION);
    json = last_error();
    CHECK_CONTAINS(json, "\"http_status\":422");
    CHECK_CONTAINS(json, "{\"field\":\"username\",\"loc\":[\"body\",\"username\"],\"msg\":\"Field required\",\"type\":\"missing\"}");
    CHECK(strstr(json, "hunter2") == NULL);
    halext_string_free(json);

    fault("{\"path_prefix\":\"/version\",\"kind\":\"rate_limit\",\"retry_after\":7}");
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_API_RATE_LIMITED);
    json = last_error();
    CHECK_CONTAINS(json, "\"http_status\":429");
    CHECK_CONTAINS(json, "\"retry_after\":7");
    halext_string_free(json);

    fault("{\"path_prefix\":\"/version\",\"kind\":\"status_500\"}");
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_API_SERVER);
    json = last_error();
    CHECK_CONTAINS(json, "\"http_status\":500");
    CHECK_CONTAINS(json, "\"detail\":\"Internal Server Error\"");
    halext_string_free(json);

    fault("{\"path_prefix\":\"/version\",\"kind\":\"garbage_body\"}");
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_API_DECODE);
    fault("{\"path_prefix\":\"/version\",\"kind\":\"reset\"}");
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_API_TRANSPORT);
    char *ann = user("ann", false);
    CHECK_STATUS(halext_client_admin_pages(c, ann, &out), HALEXT_STATUS_API_FORBIDDEN);
    CHECK_STATUS(halext_client_register(c, "{\"username\":\"ann\",\"email\":\"ann@example.org\",\"password\":\"p\"}", &out),
                 HALEXT_STATUS_API_UNAUTHORIZED); /* no access code configured on this client */
    free(ann);

    /* Timeout: per attempt, never retried; no HTTP status. */
    halext_client *slow = client_with("\"timeout_ms\":150", NULL);
    fault("{\"path_prefix\":\"/version\",\"kind\":\"delay_ms\",\"ms\":1500,\"count\":3}");
    CHECK_STATUS(halext_client_version(slow, &out), HALEXT_STATUS_API_TIMEOUT);
    json = last_error();
    CHECK_CONTAINS(json, "\"http_status\":null");
    CHECK_CONTAINS(json, "timed out after 150 ms");
    halext_string_free(json);
    halext_client_free(slow);

    /* Connection refused: a port nothing listens on. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(s, (struct sockaddr *)&a, &alen) == 0);
    close(s);
    char options[128];
    snprintf(options, sizeof options, "{\"url\":\"http://127.0.0.1:%d\",\"retries\":0}", ntohs(a.sin_port));
    halext_client *nowhere = NULL;
    CHECK_STATUS(halext_client_new(options, NULL, &nowhere), HALEXT_STATUS_OK);
    CHECK_STATUS(halext_client_health(nowhere, &out), HALEXT_STATUS_API_CONNECT);
    halext_client_free(nowhere);

    /* A config error is not an API error: no extra fields. */
    halext_client_new("{}", NULL, &nowhere);
    json = last_error();
    CHECK(strstr(json, "http_status") == NULL);
    halext_string_free(json);
    halext_client_free(c);
}

static void test_retries(void) {
    reset();
    halext_client *c = client_with("", NULL);
    char *out = NULL;
    fault("{\"path_prefix\":\"/version\",\"kind\":\"status_500\",\"count\":2}");
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_OK); /* GET: retried twice */
    halext_string_free(out);
    char *ann = user("ann", false);
    fault("{\"path_prefix\":\"/social/circles\",\"method\":\"POST\",\"kind\":\"status_500\",\"count\":5}");
    CHECK_STATUS(halext_client_create_circle(c, ann, "{\"name\":\"once\"}", &out), HALEXT_STATUS_API_SERVER);
    char *log = ctl("GET", "/__test/requests", NULL);
    int posts = 0;
    /* The log comes back as JSON with sorted keys: ..."path":"/social/circles","query":null,... */
    for (const char *p = log; (p = strstr(p, "\"path\":\"/social/circles\",\"query\":null")); p++) posts++;
    CHECK_INT(posts, 1); /* POST: never retried */
    int versions = 0;
    for (const char *p = log; (p = strstr(p, "\"path\":\"/version\"")); p++) versions++;
    CHECK_INT(versions, 3);
    halext_string_free(log);
    free(ann);
    halext_client_free(c);
}

static halext_client *shared;

static void *thread_main(void *arg) {
    (void)arg;
    long ok = 0;
    for (int i = 0; i < 20; i++) {
        char *out = NULL;
        if (halext_client_version(shared, &out) == HALEXT_STATUS_OK && strstr(out, "0.2.0-refactored")) ok++;
        halext_string_free(out);
    }
    return (void *)ok;
}

static void test_one_client_shared_by_threads(void) {
    shared = client_with("", NULL);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, thread_main, NULL) == 0);
    for (int i = 0; i < 4; i++) {
        void *ok = NULL;
        pthread_join(t[i], &ok);
        CHECK_INT((long)ok, 20);
    }
    halext_client_free(shared);
}

static void test_use_after_fork(void) {
    reset();
    halext_client *c = client_with("", NULL);
    char *out = NULL;
    CHECK_STATUS(halext_client_version(c, &out), HALEXT_STATUS_OK); /* the parent's connection */
    halext_string_free(out);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int ok = 1;
        for (int i = 0; i < 3; i++) {
            char *o = NULL;
            ok = ok && halext_client_request(c, "GET", "/version", NULL, "{\"who\":\"child\"}", NULL, &o) == HALEXT_STATUS_OK;
            halext_string_free(o);
        }
        _exit(ok ? 0 : 1);
    }
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(halext_client_request(c, "GET", "/version", NULL, "{\"who\":\"parent\"}", NULL, &out), HALEXT_STATUS_OK);
        halext_string_free(out);
    }
    int status = 0;
    CHECK_INT(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *log = ctl("GET", "/__test/requests", NULL);
    /* Keys come sorted ("connection" before "query"): the first "connection" is the parent's
     * first request; a child request's number is the last "connection" before its query. */
    const char *first = strstr(log, "\"connection\":");
    const char *child = strstr(log, "who=child");
    CHECK(first != NULL && child != NULL);
    if (first && child) {
        long parent_conn = strtol(first + 13, NULL, 10);
        const char *child_conn = first;
        for (const char *p = first; p && p < child; p = strstr(p + 1, "\"connection\":")) child_conn = p;
        CHECK(child_conn != first);
        CHECK(strtol(child_conn + 13, NULL, 10) != parent_conn);
    }
    halext_string_free(log);
    halext_client_free(c);
}

int main(void) {
    url = getenv("HALEXT_TEST_URL");
    if (!url || !getenv("HALEXT_TEST_ACCESS_CODE_FILE")) {
        fprintf(stderr, "HALEXT_TEST_URL and HALEXT_TEST_ACCESS_CODE_FILE must be set (scripts/test-c.sh does)\n");
        return 2;
    }
    control = client_with("\"retries\":0", NULL);
    RUN(test_options_and_construction);
    RUN(test_system_routes);
    RUN(test_users_and_presence);
    RUN(test_content);
    RUN(test_social);
    RUN(test_ai_and_openwebui);
    RUN(test_raw_requests);
    RUN(test_errors_carry_their_data);
    RUN(test_retries);
    RUN(test_one_client_shared_by_threads);
    RUN(test_use_after_fork);
    halext_client_free(control);
    return halext_test_finish(__FILE__);
}
