// Compiled (not run) by scripts/test-c.sh with g++: include/halext.h must be valid C++ with
// C linkage, so C++ programs can use libhalext directly.
#include "halext.h"

static_assert(sizeof(halext_status) == 4, "halext_status is a 32-bit enum");
static_assert(HALEXT_STATUS_OK == 0, "HALEXT_STATUS_OK is 0");

extern "C" {
// Redeclaring with C linkage must agree with the header's declarations.
const char *halext_version(void);
}

int main() {
    halext_status (*from_name)(const char *, halext_status *) = halext_status_from_name;
    void (*free_string)(char *) = halext_string_free;
    return (from_name && free_string) ? 0 : 1;
}
