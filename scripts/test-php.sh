#!/usr/bin/env bash
# Runs the PHP test suite (tests/php, PHPUnit 9) against a built halext extension.
#
#   scripts/test-php.sh target/debug              # what `make test-php` runs
#   scripts/test-php.sh target/release            # release build: the Halext\Debug test hooks
#                                                 # do not exist, so the debug-hooks group is excluded
#   scripts/test-php.sh target/debug --filter Ini # extra arguments go to PHPUnit
#
# Env: PHP (php), PHPUNIT (/usr/bin/phpunit); HALEXT_MYSQL_PORT, HALEXT_RUN_DIR (scripts/mariadb.sh).
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 <target-dir> [phpunit args...]" >&2
  exit 2
fi
TARGET="$1"
shift
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PHP="${PHP:-php}"
PHPUNIT="${PHPUNIT:-/usr/bin/phpunit}"

SO="$(cd "$TARGET" 2>/dev/null && pwd)/libhalext_php.so" || SO="$TARGET/libhalext_php.so"
if [ ! -f "$SO" ]; then
  echo "test-php.sh: $SO does not exist; build it first: cargo build -p halext-php (or make php-ext)" >&2
  exit 1
fi
if [ ! -x "$(command -v "$PHPUNIT" || true)" ]; then
  echo "test-php.sh: PHPUnit not found at $PHPUNIT (Debian: apt-get install phpunit)" >&2
  exit 1
fi

# The throwaway MariaDB of the migration tests (tests/php/support/MariaDb.php), started before
# the HALEXT_* variables are cleared: scripts/mariadb.sh reads HALEXT_MYSQL_PORT and HALEXT_RUN_DIR.
"$ROOT/scripts/mariadb.sh" start
MARIADB_ENV="$("$ROOT/scripts/mariadb.sh" env)"

# The suite decides the configuration of every process it starts: nothing from the caller
# (every HALEXT_* variable: the API client reads more than the INI-backed ones).
for v in $(compgen -e | grep '^HALEXT_' || true); do unset "$v"; done
export HALEXT_PHP_EXTENSION="$SO"
# The Halext-compatible test server the API client tests start (tests/php/support/TestServer.php).
export HALEXT_TEST_SERVER="$(dirname "$SO")/halext-test-server"
if [ ! -x "$HALEXT_TEST_SERVER" ]; then
  echo "test-php.sh: $HALEXT_TEST_SERVER does not exist; build it first: cargo build -p halext-test-server" >&2
  exit 1
fi

# HALEXT_TEST_MYSQL_SOCKET / _PORT / _URL for the tests.
while IFS= read -r line; do export "$line"; done <<<"$MARIADB_ENV"

echo "PHP:       $("$PHP" -r 'echo PHP_VERSION, " (", PHP_BINARY, ")";')"
echo "extension: $SO"
if ! "$PHP" -n -d extension="$SO" -r 'exit(extension_loaded("halext") ? 0 : 1);'; then
  echo "test-php.sh: PHP could not load $SO" >&2
  exit 1
fi
ARGS=()
if ! "$PHP" -n -d extension="$SO" -r 'exit(function_exists("Halext\\Debug\\panic") ? 0 : 1);'; then
  echo "NOTE: release build (no Halext\\Debug test hooks): excluding the 'debug-hooks' test group" >&2
  ARGS+=(--exclude-group debug-hooks)
fi

cd "$ROOT"
exec "$PHP" -d extension="$SO" "$PHPUNIT" -c tests/php/phpunit.xml "${ARGS[@]}" "$@"
