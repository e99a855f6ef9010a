#!/usr/bin/env bash
# `make bench`: the benchmarks, in release builds, pinned to one CPU where `taskset` exists
# (numbers are far steadier on a shared machine). Results go to stdout; docs/benchmarks.md
# records them with the machine they were measured on.
#
#   scripts/bench.sh            # everything
#   scripts/bench.sh --quick    # a short run of each (a smoke test, numbers not for the docs)
#
# Sections (one per capability; later capabilities add theirs at the end):
#   1. token (Rust, criterion):   cargo bench -p halext-core --bench token
#   2. token (PHP):               tests/php/bench/token.php through the release extension
#   3. migration:                 scripts/bench-migration.sh (1M generated legacy users: PHP by
#                                 hand vs halext migrate plan/apply, resolve from PHP)
#   4. API client from PHP:       scripts/bench-http.sh (small GETs on loopback: the extension vs
#                                 curl with a new / a reused handle, in-process and under php-fpm)
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
CARGO="${CARGO:-cargo}"
PHP="${PHP:-php}"
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi

echo "== machine"
echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "cores:  $(nproc) online; pinned to: ${PIN[*]:-(not pinned: no taskset)}"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "rustc:  $(rustc --version)"
echo "php:    $("$PHP" -r 'echo PHP_VERSION;')"

echo
echo "== 1. token validation, Rust core (criterion)"
CRITERION_ARGS=()
[ $QUICK = 1 ] && CRITERION_ARGS=(--warm-up-time 1 --measurement-time 1)
"$CARGO" bench -p halext-core --bench token --no-run   # compile unpinned (both cores)
"${PIN[@]}" "$CARGO" bench -p halext-core --bench token -- "${CRITERION_ARGS[@]}" 2>&1 \
  | grep -E '^[a-z0-9_]+/[a-z0-9_]+|time:' | sed 's/^ *//'

echo
echo "== 2. token validation, PHP: extension vs pure PHP"
"$CARGO" build --release -p halext-php
PHP_ARGS=()
[ $QUICK = 1 ] && PHP_ARGS=(--quick)
# Twice: the secret in a file named by INI halext.jwt_secret_file (the production set-up of
# docs/php-api.md), then in the environment (halext_validate_token() then pays a getenv scan).
SECRET_FILE=$(mktemp)
trap 'rm -f "$SECRET_FILE"' EXIT
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$SECRET_FILE"
env -u HALEXT_JWT_SECRET -u HALEXT_JWT_SECRET_FILE \
  "${PIN[@]}" "$PHP" -n -d extension="$PWD/target/release/libhalext_php.so" -d halext.jwt_secret_file="$SECRET_FILE" \
  tests/php/bench/token.php "${PHP_ARGS[@]}"
echo
env -u HALEXT_JWT_SECRET -u HALEXT_JWT_SECRET_FILE \
  "${PIN[@]}" "$PHP" -n -d extension="$PWD/target/release/libhalext_php.so" tests/php/bench/token.php "${PHP_ARGS[@]}"

echo
echo "== 3. migration (scripts/bench-migration.sh)"
MIGRATION_ARGS=()
[ $QUICK = 1 ] && MIGRATION_ARGS=(--quick)
scripts/bench-migration.sh "${MIGRATION_ARGS[@]}"

echo
echo "== 4. Halext API client from PHP (scripts/bench-http.sh)"
HTTP_ARGS=()
[ $QUICK = 1 ] && HTTP_ARGS=(--quick)
scripts/bench-http.sh "${HTTP_ARGS[@]}"
