#!/usr/bin/env bash
# HTTP round trips from PHP through the halext extension vs PHP's curl (docs/benchmarks.md,
# "Halext API client from PHP"). Release builds; the Halext-compatible test server pinned to
# CPU 1 and PHP (the script, or the PHP-FPM worker and the FastCGI client) pinned to CPU 0, so
# runs compare. The lead hooks this into `make bench` (scripts/bench.sh).
#
#   scripts/bench-http.sh            # 10,000 calls per mode in-process, 3,000 FPM requests per mode
#   scripts/bench-http.sh --quick    # a smoke run (numbers not for the docs)
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
CARGO="${CARGO:-cargo}"
PHP="${PHP:-php}"
die() { echo "bench-http: $*" >&2; exit 1; }

command -v taskset >/dev/null || die "taskset is missing (util-linux): the runs must be pinned to compare"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (server on CPU 1, PHP on CPU 0)"
"$PHP" -r 'exit(extension_loaded("curl") ? 0 : 1);' || die "PHP's curl extension is missing (apt-get install php-curl)"

"$CARGO" build --release -p halext-php -p halext-test-server
SO="$PWD/target/release/libhalext_php.so"
SERVER_BIN="$PWD/target/release/halext-test-server"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/halext-bench-http.XXXXXX")"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/secret_key")
coproc SERVER { exec taskset -c 1 "$SERVER_BIN" --listen 127.0.0.1:0 --exit-on-stdin-close \
  --secret-key-file "$WORK/secret_key" 2>"$WORK/server.log"; }
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r -t 10 ready <&"${SERVER[0]}" || die "the test server did not start: $(cat "$WORK/server.log")"
URL="${ready#listening on }"

echo "== machine"
echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "php:    $("$PHP" -r 'echo PHP_VERSION;'), curl $("$PHP" -r 'echo curl_version()["version"];')"
echo "server: $SERVER_BIN (release, current-thread runtime) on CPU 1, $URL"

N=10000; FPM_N=3000; ROUNDS=5
[ $QUICK = 1 ] && { N=1000; FPM_N=300; ROUNDS=2; }

echo
echo "== in one PHP process (CPU 0)"
env -u HALEXT_URL taskset -c 0 "$PHP" -d extension="$SO" tests/php/bench/http.php --url "$URL" --n="$N" --rounds="$ROUNDS"

echo
echo "== across PHP-FPM requests (one worker and the FastCGI client on CPU 0)"
taskset -c 0 "$PHP" tests/php/bench/http_fpm.php --url "$URL" --extension "$SO" --n="$FPM_N" --rounds="$ROUNDS" --pin=0
