/*
 * Handles made before fork() work in the child (PHP-FPM forks its workers after loading the
 * library). The child's last error is its own. Per-process state that must not cross a fork
 * (runtime, HTTP clients, pools) is rebuilt by the core; the capability bindings add their own
 * fork tests on top of this one.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/wait.h>
#include <unistd.h>

#include "halext_test.h"

static void test_a_handle_made_before_fork_works_in_the_child(void) {
    halext_secret *s = NULL;
    CHECK_STATUS(halext_secret_new((const uint8_t *)"before-fork", 11, &s), HALEXT_STATUS_OK);
    halext_status out;
    CHECK_STATUS(halext_status_from_name("nope", &out), HALEXT_STATUS_INVALID_ARGUMENT);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int ok = halext_secret_len(s) == 11;
        /* The forking thread's last error is inherited, then the child's own calls change it. */
        ok = ok && halext_last_error_code() == HALEXT_STATUS_INVALID_ARGUMENT;
        ok = ok && halext_status_from_name("ok", &out) == HALEXT_STATUS_OK;
        ok = ok && halext_last_error_code() == HALEXT_STATUS_OK;
        halext_secret_free(s);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    CHECK_INT(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_INT(WEXITSTATUS(status), 0);
    /* The parent is unaffected by the child's calls. */
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INVALID_ARGUMENT);
    CHECK_INT(halext_secret_len(s), 11);
    halext_secret_free(s);
}

int main(void) {
    RUN(test_a_handle_made_before_fork_works_in_the_child);
    return halext_test_finish(__FILE__);
}
