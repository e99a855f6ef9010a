/*
 * hello: the smallest libhalext program. Prints the library version, then loads a secret the
 * way every halext front end does (HALEXT_SECRET, or a file named by HALEXT_SECRET_FILE) and
 * shows the error model: a status, its dotted name, the thread's last error message.
 *
 *   make -C examples/c && HALEXT_SECRET=change-me target/debug/c-examples/hello
 *
 * Exit status: 0 when the secret was loaded, 1 otherwise.
 */
#include <stdio.h>

#include "halext.h"

int main(void) {
    printf("libhalext %s (header %s)\n", halext_version(), HALEXT_VERSION);

    halext_secret *secret = NULL;
    halext_status st = halext_secret_from_env("HALEXT_SECRET", &secret);
    if (st != HALEXT_STATUS_OK) {
        /* The message is valid until the next halext call on this thread that returns a status. */
        fprintf(stderr, "cannot load the secret: %s (%u): %s\n", halext_status_name(st),
                (unsigned)st, halext_last_error_message());

        char *json = NULL;
        if (halext_last_error_json(&json) == HALEXT_STATUS_OK) {
            fprintf(stderr, "as JSON: %s\n", json);
            halext_string_free(json); /* library strings are freed by the library, never free() */
        }
        return 1;
    }

    printf("loaded a secret of %zu bytes\n", halext_secret_len(secret));
    halext_secret_free(secret); /* zeroes the bytes; halext_secret_free(NULL) is a no-op */
    return 0;
}
