#!/usr/bin/env bash
# `make demo`: the main job, end to end, from a fresh clone (the Makefile builds the release
# workspace first, then runs this with target/release).
#
#   scripts/demo.sh target/release
#
# 1. Starts the throwaway MariaDB (scripts/mariadb.sh), loads examples/data/fixtures/*.sql into
#    `social` (ZEN3MP), `acmlm` (Acmlmboard) and `wordpress`, and makes an empty `halext`
#    database for the mapping table.
# 2. Halext: the real one when HALEXT_URL is set (with HALEXT_ACCESS_CODE or
#    HALEXT_ACCESS_CODE_FILE for registrations: the demo then creates accounts there), else the
#    local Halext-compatible test server (target/halext-test-server), which stands in for Halext
#    and says so. Its secrets are made for this run, in files only we can read.
# 3. The operator's job with the `halext` CLI: migrate init, plan (summary and conflicts, saved
#    for review), apply the reviewed plan, status.
# 4. examples/php/quickstart.php: token validation, then a legacy WordPress user logs in through
#    login-time migration (Halext\Migration::login) and the Halext token it gets is validated.
# Everything made for the run (config, secrets, plan, the test server) is removed on exit; the
# MariaDB keeps running for the next demo or test (`make services-stop` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "demo: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: scripts/demo.sh <target-dir>   (e.g. target/release)"
TARGET="$(cd "$1" 2>/dev/null && pwd)" || die "no such directory: $1 (run: make demo)"
SO="$TARGET/libhalext_php.so"
HALEXT="$TARGET/halext"
SERVER="$TARGET/halext-test-server"
PHP="${PHP:-php}"
for f in "$SO" "$HALEXT"; do
  [ -f "$f" ] || die "missing $f (build it: cargo build --release --workspace, or make demo)"
done
command -v "$PHP" >/dev/null || die "php is not installed (make deps installs it)"
"$PHP" -n -d extension="$SO" -r 'exit(extension_loaded("halext") ? 0 : 1);' \
  || die "PHP could not load $SO"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/halext-demo.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
umask 077
started=$(date +%s)
section() { printf '\n== %s\n' "$*"; }

# --- 1. Legacy databases -----------------------------------------------------------------
section "1. Legacy sites: throwaway MariaDB with the fixtures"
scripts/mariadb.sh start
eval "$(scripts/mariadb.sh env)"
for db in social acmlm wordpress halext; do
  scripts/mariadb.sh sql -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\`"
done
scripts/mariadb.sh sql social < examples/data/fixtures/zen3mp.sql
scripts/mariadb.sh sql acmlm < examples/data/fixtures/acmlmboard.sql
scripts/mariadb.sh sql wordpress < examples/data/fixtures/wordpress.sql
echo "MariaDB on 127.0.0.1:$HALEXT_TEST_MYSQL_PORT: social (ZEN3MP, 7 users), acmlm (Acmlmboard, 10), wordpress (9); halext (mapping)"
for db in social acmlm wordpress halext; do
  echo "mysql://halext:halext@127.0.0.1:$HALEXT_TEST_MYSQL_PORT/$db" > "$WORK/$db.dsn"
done
# The fixtures' Acmlmboard md5 rows use the sample salts of the board's config.sample.php.
printf '%s' 'Please change me!' > "$WORK/pwdsalt"
printf '%s' 'Addtional Salt. Please Change me!' > "$WORK/pwdsalt2"

# --- 2. Halext ----------------------------------------------------------------------------
section "2. Halext"
LOCAL=0
if [ -n "${HALEXT_URL:-}" ]; then
  URL="$HALEXT_URL"
  if [ -n "${HALEXT_ACCESS_CODE_FILE:-}" ]; then
    cp "$HALEXT_ACCESS_CODE_FILE" "$WORK/access_code"
  elif [ -n "${HALEXT_ACCESS_CODE:-}" ]; then
    printf '%s' "$HALEXT_ACCESS_CODE" > "$WORK/access_code"
  else
    die "HALEXT_URL is set: set HALEXT_ACCESS_CODE (or HALEXT_ACCESS_CODE_FILE) for registrations too"
  fi
  echo "the real Halext at $URL (set by HALEXT_URL): the migrated demo user is created there"
  # Tokens of a real Halext are validated remotely; the token steps sign their own.
  "$PHP" -r 'echo bin2hex(random_bytes(32)), "\n";' > "$WORK/jwt_secret"
else
  LOCAL=1
  [ -x "$SERVER" ] || die "missing $SERVER (cargo build --release --workspace)"
  "$PHP" -r 'echo bin2hex(random_bytes(32)), "\n";' > "$WORK/jwt_secret"
  "$PHP" -r 'echo bin2hex(random_bytes(12)), "\n";' > "$WORK/access_code"
  # stdin stays open while this script runs; --exit-on-stdin-close ends the server with us.
  coproc SRV { exec "$SERVER" --listen 127.0.0.1:0 --secret-key-file "$WORK/jwt_secret" \
    --access-code-file "$WORK/access_code" --exit-on-stdin-close 2>"$WORK/server.log"; }
  SERVER_PID=$SRV_PID
  read -r -t 10 line <&"${SRV[0]}" || die "the test server did not start: $(cat "$WORK/server.log")"
  URL="${line#listening on }"
  echo "NO HALEXT_URL: the local Halext-compatible test server at $URL stands in for Halext"
  echo "(set HALEXT_URL and HALEXT_ACCESS_CODE to run this against a real Halext)"
fi

cat > "$WORK/halext.toml" <<TOML
# Made by scripts/demo.sh for this run; examples/halext.toml is the commented template.
[halext]
url = "$URL"
access_code_file = "$WORK/access_code"

[mapping]
dsn_file = "$WORK/halext.dsn"

[plan]
site_priority = ["wordpress", "acmlm", "social"]

[[site]]
name = "social"
profile = "zen3mp"
dsn_file = "$WORK/social.dsn"

[[site]]
name = "acmlm"
profile = "acmlmboard"
dsn_file = "$WORK/acmlm.dsn"
[site.acmlmboard]
legacylogin = true
pwdsalt_file = "$WORK/pwdsalt"
pwdsalt2_file = "$WORK/pwdsalt2"

[[site]]
name = "wordpress"
profile = "wordpress"
dsn_file = "$WORK/wordpress.dsn"
TOML
export HALEXT_CONFIG="$WORK/halext.toml"

# --- 3. The operator's job ----------------------------------------------------------------
section "3. halext migrate init"
"$HALEXT" migrate init
section "3. halext migrate plan -o plan.json   (a dry run: reads the sites, writes nothing)"
# Progress lines (stderr) are kept aside and shown only if the command fails.
quiet() { "$@" 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; return 1; }; }
quiet "$HALEXT" migrate plan -o "$WORK/plan.json" | grep -v -e '^review it' -e '^plan written'
section "3. halext migrate apply --plan plan.json   (the reviewed plan; safe to rerun)"
quiet "$HALEXT" migrate apply --plan "$WORK/plan.json" | head -n 1
section "3. halext migrate status"
"$HALEXT" migrate status | sed '$d'

# --- 4. The PHP side ----------------------------------------------------------------------
section "4. examples/php/quickstart.php (PHP, the extension)"
"$PHP" -n -d extension="$SO" -r 'exit(class_exists("Halext\\Migration") ? 0 : 1);' \
  || die "$SO has no Halext\\Migration class: rebuild it (cargo build --release -p halext-php)"
env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
  HALEXT_JWT_SECRET_FILE="$WORK/jwt_secret" \
  HALEXT_CONFIG="$WORK/halext.toml" \
  HALEXT_DEMO_LOCAL="$LOCAL" \
  HALEXT_URL="$URL" \
  "$PHP" -n -d extension="$SO" examples/php/quickstart.php

section "4. halext migrate status   (after the login)"
"$HALEXT" migrate status | sed '$d'
if [ "$LOCAL" = 0 ] && [ -f examples/php/client_tour.php ]; then
  section "5. examples/php/client_tour.php against $URL"
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" HALEXT_URL="$URL" HALEXT_ACCESS_CODE_FILE="$WORK/access_code" \
    "$PHP" -n -d extension="$SO" examples/php/client_tour.php
fi
echo
echo "demo done in $(( $(date +%s) - started )) s"
