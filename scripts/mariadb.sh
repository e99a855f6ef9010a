#!/usr/bin/env bash
# A throwaway MariaDB for tests and the demo: its own data directory under a temp dir,
# its own port (default 33306) and socket, never the system instance.
#
#   scripts/mariadb.sh start   # idempotent; prints nothing when already running
#   scripts/mariadb.sh stop
#   scripts/mariadb.sh env     # prints HALEXT_TEST_MYSQL_* lines to eval
#   scripts/mariadb.sh sql DB < file.sql
#
# Env: HALEXT_MYSQL_PORT (33306), HALEXT_RUN_DIR (/tmp/halext-run-$UID).
set -euo pipefail

PORT="${HALEXT_MYSQL_PORT:-33306}"
RUN="${HALEXT_RUN_DIR:-/tmp/halext-run-$(id -u)}"
DIR="$RUN/mariadb-$PORT"
SOCK="$DIR/mysqld.sock"
PIDF="$DIR/mysqld.pid"
USER_NAME="$(id -un)"

client() { mariadb --no-defaults --protocol=socket --socket="$SOCK" -uroot "$@"; }

running() { [ -f "$PIDF" ] && kill -0 "$(cat "$PIDF")" 2>/dev/null && [ -S "$SOCK" ]; }

start() {
  if running; then return 0; fi
  mkdir -p "$DIR"
  if [ ! -d "$DIR/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$DIR/data" --user="$USER_NAME" \
      --auth-root-authentication-method=normal --skip-test-db >"$DIR/install.log" 2>&1 \
      || { cat "$DIR/install.log" >&2; exit 1; }
  fi
  mariadbd --no-defaults --datadir="$DIR/data" --user="$USER_NAME" \
    --port="$PORT" --bind-address=127.0.0.1 --socket="$SOCK" --pid-file="$PIDF" \
    --log-error="$DIR/error.log" --skip-name-resolve --innodb-buffer-pool-size=256M \
    --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >/dev/null 2>&1 &
  for _ in $(seq 1 150); do
    if [ -S "$SOCK" ] && client -e 'SELECT 1' >/dev/null 2>&1; then
      client -e "CREATE USER IF NOT EXISTS 'halext'@'127.0.0.1' IDENTIFIED BY 'halext';
                 CREATE USER IF NOT EXISTS 'halext'@'localhost' IDENTIFIED BY 'halext';
                 GRANT ALL ON *.* TO 'halext'@'127.0.0.1'; GRANT ALL ON *.* TO 'halext'@'localhost';"
      return 0
    fi
    sleep 0.2
  done
  echo "mariadb.sh: MariaDB did not start; see $DIR/error.log:" >&2
  tail -n 20 "$DIR/error.log" >&2 || true
  exit 1
}

stop() {
  if [ -f "$PIDF" ]; then
    local pid; pid="$(cat "$PIDF")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env)
    echo "HALEXT_TEST_MYSQL_SOCKET=$SOCK"
    echo "HALEXT_TEST_MYSQL_PORT=$PORT"
    echo "HALEXT_TEST_MYSQL_URL=mysql://halext:halext@127.0.0.1:$PORT"
    ;;
  sql) shift; client "$@" ;;
  *) echo "usage: $0 start|stop|env|sql [args]" >&2; exit 2 ;;
esac
