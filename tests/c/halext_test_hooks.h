/*
 * Test hooks exported by debug builds of libhalext (and by builds with the `test-hooks`
 * feature), deliberately left out of include/halext.h. See halext-capi/src/boundary.rs.
 */
#ifndef HALEXT_TEST_HOOKS_H
#define HALEXT_TEST_HOOKS_H

#include "halext.h"

/* Panics inside the library's panic boundary; returns HALEXT_STATUS_INTERNAL. */
halext_status halext_test_panic(void);

#endif /* HALEXT_TEST_HOOKS_H */
