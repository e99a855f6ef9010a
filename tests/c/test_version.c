/* halext_version(): static, matches the header it was compiled against. */
#include <stdio.h>

#include "halext_test.h"

static void test_version_matches_the_header(void) {
    const char *v = halext_version();
    CHECK(v != NULL);
    CHECK_STR(v, HALEXT_VERSION);
    CHECK(halext_version() == v); /* a static string: same pointer every time */

    int major = -1, minor = -1, patch = -1;
    CHECK_INT(sscanf(v, "%d.%d.%d", &major, &minor, &patch), 3);
    CHECK_INT(major, HALEXT_VERSION_MAJOR);
    CHECK_INT(minor, HALEXT_VERSION_MINOR);
    CHECK_INT(patch, HALEXT_VERSION_PATCH);
}

static void test_version_does_not_touch_the_last_error(void) {
    halext_status s;
    CHECK_STATUS(halext_status_from_name("no.such.status", &s), HALEXT_STATUS_INVALID_ARGUMENT);
    (void)halext_version();
    CHECK_STATUS(halext_last_error_code(), HALEXT_STATUS_INVALID_ARGUMENT);
}

int main(void) {
    RUN(test_version_matches_the_header);
    RUN(test_version_does_not_touch_the_last_error);
    return halext_test_finish(__FILE__);
}
