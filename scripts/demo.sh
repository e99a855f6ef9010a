#!/usr/bin/env bash
# `make demo`: the main job, end to end, from a fresh clone (the Makefile builds the release
# workspace first, then runs this with target/release).
#
#   scripts/demo.sh target/release
#
# What it does today (first cut): loads the PHP extension and runs examples/php/quickstart.php,
# which validates Halext-format tokens. No Halext server is involved yet, so the demo makes a
# secret for this run only and signs its own tokens with it; nothing secret is checked in.
# Later steps (the migration job against a test Halext server and MariaDB) extend this script
# and the quickstart; keep each step in its own section.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "demo: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: scripts/demo.sh <target-dir>   (e.g. target/release)"
TARGET="$(cd "$1" 2>/dev/null && pwd)" || die "no such directory: $1 (run: make demo)"
SO="$TARGET/libhalext_php.so"
PHP="${PHP:-php}"
[ -f "$SO" ] || die "missing $SO (build it: cargo build --release -p halext-php, or make demo)"
command -v "$PHP" >/dev/null || die "php is not installed (make deps installs it)"
"$PHP" -n -d extension="$SO" -r 'exit(extension_loaded("halext") ? 0 : 1);' \
  || die "PHP could not load $SO"

# --- A secret for this run only, in a file only we can read (how production passes it too:
#     HALEXT_JWT_SECRET_FILE, or the halext.jwt_secret_file INI entry). Removed on exit.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/halext-demo.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
umask 077
"$PHP" -r 'echo bin2hex(random_bytes(32)), "\n";' > "$WORK/jwt_secret"

# --- Step group 1: token validation (examples/php/quickstart.php).
# The environment is explicit: nothing of the caller's HALEXT_* configuration leaks in.
env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
  HALEXT_JWT_SECRET_FILE="$WORK/jwt_secret" \
  "$PHP" -n -d extension="$SO" examples/php/quickstart.php
