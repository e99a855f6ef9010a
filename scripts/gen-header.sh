#!/usr/bin/env bash
# Prints include/halext.h, generated from halext-capi by cbindgen (used as a library by the
# halext-gen-header tool, built with the workspace: no `cargo install` needed).
#
#   scripts/gen-header.sh > include/halext.h     # what `make header` does
#   scripts/gen-header.sh | diff -u include/halext.h -   # what `make header-check` does
set -euo pipefail
cd "$(dirname "$0")/.."
# cbindgen leaves a blank line for every halext-core constant it skips; squeeze runs of blank
# lines so that adding a constant to the core does not change the header.
"${CARGO:-cargo}" run --quiet -p halext-gen-header | cat -s
