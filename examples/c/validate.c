/*
 * validate: checks a Halext access token with libhalext and prints its claims.
 *
 *   HALEXT_JWT_SECRET=... target/debug/c-examples/validate < token.txt
 *   HALEXT_JWT_SECRET_FILE=/etc/halext/jwt_secret target/debug/c-examples/validate < token.txt
 *
 * The token is read from stdin (never from argv: command lines are visible to every user of the
 * machine); a trailing newline and an optional "Bearer " prefix are removed. The secret (the
 * Halext server's SECRET_KEY) comes from HALEXT_JWT_SECRET, or from the file named by
 * HALEXT_JWT_SECRET_FILE.
 *
 * Output: the claims as JSON on stdout, then `sub` and `exp` on their own lines; or the status
 * name and message on stderr. Exit status: 0 valid, 1 rejected, 2 usage or configuration error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "halext.h"

#define MAX_TOKEN 65536

static int fail(halext_status st, const char *what) {
    fprintf(stderr, "%s: %s (%u): %s\n", what, halext_status_name(st), (unsigned)st, halext_last_error_message());
    return st >= 100 && st < 200 && st != HALEXT_STATUS_TOKEN_INVALID_KEY ? 1 : 2;
}

int main(void) {
    static char buf[MAX_TOKEN + 1];
    size_t n = fread(buf, 1, MAX_TOKEN + 1, stdin);
    if (n > MAX_TOKEN) {
        fprintf(stderr, "the token on stdin is larger than %d bytes\n", MAX_TOKEN);
        return 2;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
    const char *token = buf;
    if (n >= 7 && strncmp(buf, "Bearer ", 7) == 0) {
        token += 7;
        n -= 7;
    }
    if (n == 0) {
        fprintf(stderr, "usage: validate < token   (the token on stdin; secret in HALEXT_JWT_SECRET[_FILE])\n");
        return 2;
    }

    halext_secret *secret = NULL;
    halext_status st = halext_secret_from_env("HALEXT_JWT_SECRET", &secret);
    if (st != HALEXT_STATUS_OK) return fail(st, "cannot load the secret");

    halext_validator *validator = NULL;
    st = halext_validator_new_halext(secret, &validator);
    halext_secret_free(secret); /* the validator keeps only a derived key */
    if (st != HALEXT_STATUS_OK) return fail(st, "cannot build the validator");

    halext_claims *claims = NULL;
    st = halext_validator_validate(validator, token, n, &claims);
    if (st != HALEXT_STATUS_OK) {
        int code = fail(st, "token rejected");
        halext_validator_free(validator);
        return code;
    }

    char *json = NULL;
    if (halext_claims_json(claims, &json) == HALEXT_STATUS_OK) {
        printf("%s\n", json);
        halext_string_free(json); /* library strings are freed by the library */
    }
    int64_t exp = 0;
    const char *sub = halext_claims_sub(claims); /* borrowed: valid until halext_claims_free */
    printf("sub: %s\n", sub ? sub : "(none)");
    if (halext_claims_exp(claims, &exp)) printf("exp: %lld\n", (long long)exp);

    halext_claims_free(claims);
    halext_validator_free(validator);
    return 0;
}
