#!/usr/bin/env bash
# Builds and runs the C tests (tests/c/*.c) against libhalext, and builds the C examples.
#
#   scripts/test-c.sh target/debug     # what `make test-c` runs, after `cargo build -p halext-capi`
#
# Each test is compiled with `gcc -std=c11 -Wall -Wextra -Werror -Wpedantic -Iinclude`, linked
# against libhalext.so (rpath set) and run; test_version is also linked against libhalext.a to
# prove the static link line; the header is compiled as C++; examples/c is built (shared and
# static) and hello is run. Any failure fails the script, loudly.
#
# The API client and migration tests run against the Halext-compatible test server, started
# here (<target-dir>/halext-test-server: cargo build -p halext-test-server) and stopped on exit;
# the migration tests also get a throwaway MariaDB (scripts/mariadb.sh: HALEXT_MYSQL_PORT,
# HALEXT_RUN_DIR) with the legacy fixtures. The password tests use a C table generated from
# tests/data/hash-vectors.json (php).
#
# Env:
#   CC=gcc, CXX=g++           compilers
#   HALEXT_C_VALGRIND=1       also run every test under valgrind memcheck: fails on memory
#                             errors and on definite/indirect leaks (needs valgrind installed)
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "test-c: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/test-c.sh <target-dir>   (e.g. target/debug)"
[ -d "$1" ] || die "no such directory: $1 (build first: cargo build -p halext-capi)"
TARGET="$(cd "$1" && pwd)"
SO="$TARGET/libhalext.so"
STATIC="$TARGET/libhalext.a"
for f in "$SO" "$STATIC"; do [ -f "$f" ] || die "missing $f (build first: cargo build -p halext-capi)"; done
nm -D --defined-only "$SO" | grep -q ' halext_test_panic$' \
  || die "$SO does not export the halext_test_panic hook: test a debug build, or build with --features halext-capi/test-hooks"

export RUST_BACKTRACE=0   # the panic test's expected panics print one line each, not a backtrace
CC="${CC:-gcc}"
CXX="${CXX:-g++}"
OUT="$TARGET/c-tests"
mkdir -p "$OUT"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -Wpedantic -g -Iinclude -I"$OUT")
STATIC_SYSLIBS=(-lpthread -ldl -lm -lrt -lutil)   # `rustc --print native-static-libs`
VALGRIND=()
if [ "${HALEXT_C_VALGRIND:-0}" = 1 ]; then
  command -v valgrind >/dev/null || die "HALEXT_C_VALGRIND=1 but valgrind is not installed"
  # --num-callers: deep enough for the suppressions (tests/c/valgrind.supp) to see their frame.
  VALGRIND=(valgrind --quiet --error-exitcode=97 --leak-check=full --num-callers=64
            --suppressions=tests/c/valgrind.supp
            --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
fi

# The status list the status test iterates, taken from the header itself (not retyped).
awk '/^[[:space:]]+HALEXT_STATUS_[A-Z0-9_]+ = [0-9]+,?$/ { print "HALEXT_STATUS_ENTRY(" $1 ")" }' \
  include/halext.h > "$OUT/status_list.h"
[ -s "$OUT/status_list.h" ] || die "found no HALEXT_STATUS_* constants in include/halext.h"

# Fresh tokens and JWKS documents for the token tests (openssl; see the script).
FIXTURES="$OUT/fixtures"
rm -rf "$FIXTURES"
tests/c/make-token-fixtures.sh "$FIXTURES" || die "cannot make the token fixtures (is openssl installed?)"
export HALEXT_C_FIXTURES="$FIXTURES"

# The Halext-compatible test server for the API client tests (tests/c/test_client.c): secrets in
# files only this user can read, a free port, and --exit-on-stdin-close with its stdin held by
# this script (it goes away with the script, whatever happens). The tests find it through
# HALEXT_TEST_URL and use its control API (/__test/...) for users, tokens and faults.
TEST_SERVER="$TARGET/halext-test-server"
[ -x "$TEST_SERVER" ] || die "missing $TEST_SERVER (build it first: cargo build -p halext-test-server)"
SERVER_DIR="$(mktemp -d "${TMPDIR:-/tmp}/halext-c-server.XXXXXX")"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$SERVER_DIR/secret_key"
 echo "c-suite-access-code" > "$SERVER_DIR/access_code")
coproc SERVER { exec "$TEST_SERVER" --listen 127.0.0.1:0 --exit-on-stdin-close \
  --secret-key-file "$SERVER_DIR/secret_key" --access-code-file "$SERVER_DIR/access_code" \
  --openwebui-url http://owui.internal:8080 --openwebui-public-url https://chat.example.org \
  --openwebui-sync --openwebui-admin 2>"$SERVER_DIR/stderr"; }
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$SERVER_DIR"' EXIT
read -r -t 10 ready <&"${SERVER[0]}" || die "the test server did not start: $(cat "$SERVER_DIR/stderr")"
export HALEXT_TEST_URL="${ready#listening on }"
export HALEXT_TEST_ACCESS_CODE_FILE="$SERVER_DIR/access_code"
echo "test server: $HALEXT_TEST_URL"
# The hash-vector table as C (tests/c/test_password.c): the same cases as the PHP suite.
php tests/c/make-hash-vectors.php > "$OUT/hash_vectors.h" || die "cannot generate hash_vectors.h (php)"

# Migration tests (tests/c/test_migration.c): the throwaway MariaDB with the legacy fixtures in
# databases of their own, the test server above, and a halext.toml naming both.
MIG="$OUT/migration"
rm -rf "$MIG"
mkdir -p "$MIG"
scripts/mariadb.sh start || die "cannot start MariaDB (scripts/mariadb.sh)"
MYSQL_URL="$(scripts/mariadb.sh env | sed -n 's/^HALEXT_TEST_MYSQL_URL=//p')"
DBS=()
fresh_db() { # name, [sql file]
  scripts/mariadb.sh sql -e "DROP DATABASE IF EXISTS \`$1\`; CREATE DATABASE \`$1\`" || die "cannot create database $1"
  DBS+=("$1")
  if [ $# -gt 1 ]; then scripts/mariadb.sh sql "$1" < "$2" || die "cannot load $2"; fi
}
fresh_db "capi_wp_$$" examples/data/fixtures/wordpress.sql
fresh_db "capi_acmlm_$$" examples/data/fixtures/acmlmboard.sql
fresh_db "capi_social_$$" examples/data/fixtures/zen3mp.sql
fresh_db "capi_map_$$"
cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$SERVER_DIR"
  for db in "${DBS[@]}"; do scripts/mariadb.sh sql -e "DROP DATABASE IF EXISTS \`$db\`" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
HALEXT_C_SERVER_URL="$HALEXT_TEST_URL"   # the test server started above
cat > "$MIG/halext.toml" <<TOML
[halext]
url = "$HALEXT_C_SERVER_URL"
access_code_file = "$SERVER_DIR/access_code"
timeout_ms = 3000
connect_timeout_ms = 1000
retries = 0

[mapping]
dsn = "$MYSQL_URL/capi_map_$$"

[[site]]
name = "wordpress"
profile = "wordpress"
dsn = "$MYSQL_URL/capi_wp_$$"

[[site]]
name = "acmlm"
profile = "acmlmboard"
dsn = "$MYSQL_URL/capi_acmlm_$$"
[site.acmlmboard]
legacylogin = true
pwdsalt = "Please change me!"
pwdsalt2 = "Addtional Salt. Please Change me!"

[[site]]
name = "social"
profile = "zen3mp"
dsn = "$MYSQL_URL/capi_social_$$"
TOML
export HALEXT_C_MIGRATION_CONFIG="$MIG/halext.toml"
export HALEXT_C_SERVER_SECRET_FILE="$SERVER_DIR/secret_key"
unset HALEXT_CONFIG

passed=0
failed=()

# Every exported function is declared in the header and every declared function is exported
# (test hooks excepted): catches a function left out by cbindgen or compiled out by a cfg.
echo "--- exports match the header"
exported="$(nm -D --defined-only "$SO" | awk '$2 == "T" && $3 ~ /^halext_/ { print $3 }' \
            | grep -v '^halext_test_' | sort)"
declared="$(grep -oE '^[a-z][a-z0-9_ *]* \**(halext_[a-z0-9_]+)\(' include/halext.h \
            | grep -oE 'halext_[a-z0-9_]+\($' | tr -d '(' | sort)"
if [ -n "$exported" ] && [ "$exported" = "$declared" ]; then
  passed=$((passed + 1))
else
  diff <(echo "$declared") <(echo "$exported") | sed 's/^/    header<  >library: /' >&2 || true
  failed+=("exports match the header")
fi
run_test() { # name, program
  local name="$1" prog="$2"
  echo "--- $name"
  if "${VALGRIND[@]}" "$prog"; then
    passed=$((passed + 1))
  else
    echo "test-c: FAILED: $name (exit $?)" >&2
    failed+=("$name")
  fi
}

shopt -s nullglob
tests=(tests/c/*.c)
[ ${#tests[@]} -gt 0 ] || die "no tests in tests/c"
for src in "${tests[@]}"; do
  name="$(basename "$src" .c)"
  if "$CC" "${CFLAGS[@]}" "$src" -o "$OUT/$name" -L"$TARGET" -Wl,-rpath,"$TARGET" -lhalext -pthread; then
    run_test "$name" "$OUT/$name"
  else
    echo "test-c: FAILED to compile: $src" >&2
    failed+=("$name (compile)")
  fi
done

# The static library: the documented link line must work.
if "$CC" "${CFLAGS[@]}" tests/c/test_version.c -o "$OUT/test_version_static" "$STATIC" "${STATIC_SYSLIBS[@]}"; then
  run_test "test_version (static libhalext.a)" "$OUT/test_version_static"
else
  failed+=("test_version (static link)")
fi

# The header is valid C++ with C linkage.
echo "--- header_check.cpp (g++)"
if "$CXX" -std=c++17 -Wall -Wextra -Werror -Wpedantic -Iinclude tests/c/header_check.cpp \
    -o "$OUT/header_check_cxx" -L"$TARGET" -Wl,-rpath,"$TARGET" -lhalext && "$OUT/header_check_cxx"; then
  passed=$((passed + 1))
else
  failed+=("header_check.cpp")
fi

# The examples build (shared and static), hello and validate run.
echo "--- examples/c"
if make -s -C examples/c all static LIBDIR="$TARGET" OUT="$TARGET/c-examples"; then
  if HALEXT_SECRET=example-secret "$TARGET/c-examples/hello" | grep -q "loaded a secret of 14 bytes" \
     && ! env -u HALEXT_SECRET -u HALEXT_SECRET_FILE "$TARGET/c-examples/hello-static" 2>/dev/null; then
    passed=$((passed + 1))
  else
    failed+=("examples/c/hello (run)")
  fi
  # validate: a valid token (secret from a file) prints sub; an expired one exits 1 with its
  # status name; no secret exits 2.
  validate="$TARGET/c-examples/validate"
  out="$(HALEXT_JWT_SECRET_FILE="$FIXTURES/secret" "$validate" < "$FIXTURES/valid" 2>&1)" && rc=0 || rc=$?
  if [ "$rc" = 0 ] && grep -q '^sub: alice$' <<<"$out" \
     && { printf 'Bearer %s\n' "$(cat "$FIXTURES/valid")" | HALEXT_JWT_SECRET="$(cat "$FIXTURES/secret")" "$TARGET/c-examples/validate-static" | grep -q '^sub: alice$'; } \
     && { out="$(HALEXT_JWT_SECRET_FILE="$FIXTURES/secret" "$validate" < "$FIXTURES/expired" 2>&1)"; [ $? = 1 ] && grep -q 'token.expired' <<<"$out"; } \
     && { env -u HALEXT_JWT_SECRET -u HALEXT_JWT_SECRET_FILE "$validate" < "$FIXTURES/valid" >/dev/null 2>&1; [ $? = 2 ]; }; then
    passed=$((passed + 1))
  else
    echo "$out" >&2
    failed+=("examples/c/validate (run)")
  fi
else
  failed+=("examples/c (build)")
fi

[ ${#failed[@]} -eq 0 ] || echo "test-c: failed: ${failed[*]}" >&2
echo "test-c: ${passed} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
