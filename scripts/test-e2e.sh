#!/usr/bin/env bash
# End-to-end tests: real WordPress (Debian's package) + the halext-sso plugin from this repo +
# the Halext test server, driven by headless Chromium (Debian's package, through playwright-core).
#
#   scripts/test-e2e.sh <target-dir>      # e.g. target/debug (what `make e2e` passes)
#
# Does all of its set-up from a fresh clone and tears everything down, even on failure:
#   - MariaDB via scripts/mariadb.sh (stopped again if this script started it);
#   - a private WordPress tree and database (tests/e2e/support/build-wordpress.sh);
#   - the Halext test server (<target-dir>/halext-test-server, built if missing);
#   - two `php -S` servers on the same WordPress: "halext" (with <target-dir>/libhalext_php.so)
#     and "plain" (without the extension, for the admin notice and plain-WordPress flows);
#   - `npm ci` in tests/e2e, then `node --test`.
# Screenshots and logs go to $E2E_ARTIFACTS (default tests/e2e/artifacts), printed at the start.
# Also a third `php -S` (with the extension) on the alttphacking.net lite admin
# (examples/php/alttphacking-admin), for tests/e2e/admin.test.mjs.
#
# Env: HALEXT_MYSQL_PORT (33306), HALEXT_RUN_DIR (/tmp/halext-run-$UID), E2E_PORTS ("18080 18089",
# the range for the web servers), E2E_ARTIFACTS, CHROMIUM (/usr/bin/chromium), E2E_TESTS (the test
# files to run, default "wordpress.test.mjs admin.test.mjs").
set -euo pipefail

usage() { echo "usage: $0 <target-dir>" >&2; exit 2; }
[ $# -eq 1 ] || usage
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$(cd "$1" 2>/dev/null && pwd)" || { echo "test-e2e: target dir '$1' does not exist (build first: make php-ext)" >&2; exit 1; }
cd "$ROOT"

export HALEXT_MYSQL_PORT="${HALEXT_MYSQL_PORT:-33306}"
export HALEXT_RUN_DIR="${HALEXT_RUN_DIR:-/tmp/halext-run-$(id -u)}"
RUN="$HALEXT_RUN_DIR/e2e"
ART="${E2E_ARTIFACTS:-$ROOT/tests/e2e/artifacts}"
WP="$RUN/wordpress"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
read -r PORT_LO PORT_HI <<<"${E2E_PORTS:-18080 18089}"
start_time=$(date +%s)

fail() { echo "test-e2e: $*" >&2; exit 1; }
log() { echo "test-e2e: $*"; }

# ---------------------------------------------------------------- tear-down (always)
PGIDS=()
STARTED_MARIADB=0
cleanup() {
  local rc=$?
  for pg in "${PGIDS[@]}"; do
    kill -TERM -- "-$pg" 2>/dev/null || true
  done
  for pg in "${PGIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pg" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pg" 2>/dev/null || true
  done
  exec 7>&- 2>/dev/null || true
  if [ "$STARTED_MARIADB" = 1 ]; then scripts/mariadb.sh stop || true; fi
  log "finished in $(( $(date +%s) - start_time )) s (exit $rc); artifacts: $ART"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Starts "$@" in its own process group (so its workers die with it); echoes its pid = pgid.
spawn() {
  local out="$1" err="$2"; shift 2
  setsid "$@" >"$out" 2>"$err" </dev/null &
  local pid=$!
  PGIDS+=("$pid")
  echo "$pid"
}

# ---------------------------------------------------------------- prerequisites
for tool in php node npm curl mariadb; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (run: make deps)"
done
[ -x "$CHROMIUM" ] || fail "Chromium not found at $CHROMIUM (Debian package 'chromium', installed by scripts/install-deps.sh)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node.js >= 20 is needed for playwright-core (found $(node --version))"

rm -rf "$ART"
mkdir -p "$ART/screenshots" "$RUN"
log "artifacts (screenshots, logs): $ART"

# ---------------------------------------------------------------- MariaDB
if ! scripts/mariadb.sh sql -e 'SELECT 1' >/dev/null 2>&1; then
  scripts/mariadb.sh start
  STARTED_MARIADB=1
fi

# ---------------------------------------------------------------- node modules (in the background)
( cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error >"$ART/npm-ci.log" 2>&1 ) &
NPM_PID=$!

# ---------------------------------------------------------------- ports
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
USED_PORTS=""
pick_port() { # pick_port VAR: the first free port of the range not handed out yet
  local p
  for p in $(seq "$PORT_LO" "$PORT_HI"); do
    case " $USED_PORTS " in *" $p "*) continue ;; esac
    if port_free "$p"; then USED_PORTS="$USED_PORTS $p"; printf -v "$1" '%s' "$p"; return 0; fi
  done
  fail "no free port in $PORT_LO-$PORT_HI for the web servers"
}
pick_port HALEXT_WP_PORT
pick_port PLAIN_WP_PORT

# ---------------------------------------------------------------- WordPress
export E2E_DB=wordpress_e2e
export E2E_ADMIN_USER=e2e-admin E2E_ADMIN_PASS='e2e admin pass 1' E2E_ADMIN_EMAIL=e2e-admin@example.test
export E2E_SITE_PORT="$HALEXT_WP_PORT"
MAIL_LOG="$ART/mail.log"
: >"$MAIL_LOG"
PHP_COMMON=(-d "sendmail_path=cat >> $MAIL_LOG" -d display_errors=stderr -d error_reporting=E_ALL)
log "building WordPress in $WP (database $E2E_DB on 127.0.0.1:$HALEXT_MYSQL_PORT)"
tests/e2e/support/build-wordpress.sh "$WP" "$ART" >"$ART/install.log" 2>&1 \
  || { cat "$ART/install.log" >&2; fail "WordPress install failed"; }
sed 's/^/  /' "$ART/install.log" | grep -v 'sendmail' || true

# ---------------------------------------------------------------- the halext extension
EXT="$TARGET/libhalext_php.so"
EXT_STATUS="loaded"
PHP_EXT=()
if [ ! -f "$EXT" ]; then
  EXT_STATUS="not built: $EXT is missing (make php-ext)"
elif ! probe="$(php -d "extension=$EXT" -r 'echo extension_loaded("halext") ? "yes" : "no";' 2>&1)" || [ "${probe##*$'\n'}" != "yes" ]; then
  EXT_STATUS="does not load into $(php -r 'echo PHP_BINARY, " ", PHP_VERSION;'): $(echo "$probe" | tr '\n' ' ' | cut -c1-400)"
else
  PHP_EXT=(-d "extension=$EXT")
fi
if php -r 'exit(extension_loaded("halext") ? 0 : 1);' 2>/dev/null; then
  fail "the halext extension is loaded globally by this PHP's ini files; the 'plain' server needs a PHP without it"
fi
log "halext extension: $EXT_STATUS"

# ---------------------------------------------------------------- the Halext test server
SERVER_BIN="$TARGET/halext-test-server"
HALEXT_API=""
HALEXT_API_STATUS=""
SECRET_FILE="$RUN/halext-secret-key"
CODE_FILE="$RUN/halext-access-code"
head -c 32 /dev/urandom | base64 | tr -d '\n' >"$SECRET_FILE"
head -c 12 /dev/urandom | base64 | tr -d '\n/+=' >"$CODE_FILE"
chmod 600 "$SECRET_FILE" "$CODE_FILE"
if [ ! -x "$SERVER_BIN" ]; then
  profile=(); [ "$(basename "$TARGET")" = release ] && profile=(--release)
  log "building halext-test-server"
  cargo build -q -p halext-test-server "${profile[@]}" >"$ART/cargo-test-server.log" 2>&1 || true
fi
if [ -x "$SERVER_BIN" ]; then
  # stdin is a FIFO held open by this shell (fd 7): if this script dies, the server sees EOF and exits.
  rm -f "$RUN/test-server.stdin"; mkfifo "$RUN/test-server.stdin"
  exec 7<>"$RUN/test-server.stdin"
  setsid "$SERVER_BIN" --listen 127.0.0.1:0 --exit-on-stdin-close \
    --secret-key-file "$SECRET_FILE" --access-code-file "$CODE_FILE" \
    <"$RUN/test-server.stdin" >"$ART/test-server.out" 2>"$ART/test-server.err" &
  PGIDS+=("$!")
  ts_pid=$!
  for _ in $(seq 1 100); do
    HALEXT_API="$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*$/\1/p' "$ART/test-server.out" | head -n 1)"
    [ -n "$HALEXT_API" ] && break
    kill -0 "$ts_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$HALEXT_API" ]; then
    HALEXT_API_STATUS="halext-test-server did not print 'listening on http://127.0.0.1:PORT' (exit status: $(kill -0 "$ts_pid" 2>/dev/null && echo running || echo exited)); stderr: $(head -c 400 "$ART/test-server.err" | tr '\n' ' ')"
  fi
else
  HALEXT_API_STATUS="$SERVER_BIN was not built (see $ART/cargo-test-server.log)"
fi
log "Halext test server: ${HALEXT_API:-unavailable: $HALEXT_API_STATUS}"

# The migration configuration (legacy site + mapping store) the extension reads via HALEXT_CONFIG.
DSN="mysql://halext:halext@127.0.0.1:$HALEXT_MYSQL_PORT/$E2E_DB"
cat >"$RUN/halext.toml" <<TOML
# Generated by scripts/test-e2e.sh: the WordPress test site and its mapping store.
# (The site table follows halext-core's legacy SiteConfig; the access code and JWT secret
# reach the extension through HALEXT_ACCESS_CODE_FILE / HALEXT_JWT_SECRET_FILE.)
[halext]
url = "${HALEXT_API:-http://127.0.0.1:9}"

[mapping]
dsn = "$DSN"

[[site]]
name = "wordpress"
profile = "wordpress"
dsn = "$DSN"

[site.wordpress]
table_prefix = "wp_"
TOML

# ---------------------------------------------------------------- web servers
export PHP_CLI_SERVER_WORKERS=4
HALEXT_ENV=(
  HALEXT_URL="${HALEXT_API:-http://127.0.0.1:9}"
  HALEXT_JWT_SECRET_FILE="$SECRET_FILE"
  HALEXT_ACCESS_CODE_FILE="$CODE_FILE"
  HALEXT_CONFIG="$RUN/halext.toml"
  HALEXT_TIMEOUT_MS=5000
  HALEXT_CONNECT_TIMEOUT_MS=1000
)
spawn "$ART/php-halext.log" "$ART/php-halext.err" \
  env "${HALEXT_ENV[@]}" php "${PHP_COMMON[@]}" "${PHP_EXT[@]}" -S "127.0.0.1:$HALEXT_WP_PORT" -t "$WP" >/dev/null
spawn "$ART/php-plain.log" "$ART/php-plain.err" \
  php "${PHP_COMMON[@]}" -S "127.0.0.1:$PLAIN_WP_PORT" -t "$WP" >/dev/null
for port in "$HALEXT_WP_PORT" "$PLAIN_WP_PORT"; do
  ok=0
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/wp-login.php" 2>/dev/null; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || { tail -n 20 "$ART"/php-*.err >&2; fail "php -S on port $port did not answer"; }
done
log "WordPress: halext http://127.0.0.1:$HALEXT_WP_PORT  plain http://127.0.0.1:$PLAIN_WP_PORT"

# ---------------------------------------------------------------- the alttphacking.net lite admin
pick_port ALTTP_ADMIN_PORT
ADMIN_APP="$ROOT/examples/php/alttphacking-admin"
rm -rf "$RUN/admin-sessions"; mkdir -p "$RUN/admin-sessions"
spawn "$ART/php-admin.log" "$ART/php-admin.err" \
  env "${HALEXT_ENV[@]}" php "${PHP_COMMON[@]}" "${PHP_EXT[@]}" -d "session.save_path=$RUN/admin-sessions" \
  -S "127.0.0.1:$ALTTP_ADMIN_PORT" -t "$ADMIN_APP/public" "$ADMIN_APP/public/index.php" >/dev/null
ok=0
for _ in $(seq 1 100); do  # any HTTP answer will do (without the extension the page is a 500)
  if curl -sS -o /dev/null "http://127.0.0.1:$ALTTP_ADMIN_PORT/login" 2>/dev/null; then ok=1; break; fi
  sleep 0.1
done
[ "$ok" = 1 ] || { tail -n 20 "$ART/php-admin.err" >&2; fail "php -S on port $ALTTP_ADMIN_PORT (lite admin) did not answer"; }
log "alttphacking.net lite admin: http://127.0.0.1:$ALTTP_ADMIN_PORT"

wait "$NPM_PID" || { cat "$ART/npm-ci.log" >&2; fail "npm ci failed in tests/e2e"; }

# ---------------------------------------------------------------- the tests
export E2E_ARTIFACTS="$ART" E2E_WP_DIR="$WP" CHROMIUM
export E2E_HALEXT_WP="http://127.0.0.1:$HALEXT_WP_PORT" E2E_PLAIN_WP="http://127.0.0.1:$PLAIN_WP_PORT"
export E2E_EXTENSION="$EXT_STATUS" E2E_HALEXT_API="$HALEXT_API" E2E_HALEXT_API_STATUS="$HALEXT_API_STATUS"
export E2E_PHP_HALEXT_INI="${PHP_EXT[1]:-}"
export E2E_ALTTP_ADMIN_URL="http://127.0.0.1:$ALTTP_ADMIN_PORT" E2E_ALTTP_ADMIN_LOG="$ART/php-admin.err"
read -r -a TEST_FILES <<<"${E2E_TESTS:-wordpress.test.mjs admin.test.mjs}"
# In the background + wait, so a signal to this script runs the tear-down at once (bash defers
# traps until a foreground child ends). Its own process group: the tear-down stops it too, and
# playwright closes Chromium when node is told to stop.
( cd tests/e2e && exec setsid env "${HALEXT_ENV[@]}" node --test --test-concurrency=1 --test-reporter=spec "${TEST_FILES[@]}" ) &
node_pid=$!
PGIDS+=("$node_pid")
set +e
wait "$node_pid"
rc=$?
set -e
exit $rc
