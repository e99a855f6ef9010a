#!/usr/bin/env bash
# `make bench`, migration section (called by scripts/bench.sh; runnable alone):
#
#   scripts/bench-migration.sh [--quick] [--keep] [--work DIR]
#
# --keep keeps the generated databases; --work DIR writes the configuration (halext.toml, the
# DSN files) and the outputs to DIR and keeps it, so `halext migrate plan --config DIR/halext.toml`
# can be rerun on the kept databases.
#
# 1. Generates N legacy users (default 1,000,000; --quick 60,000) in the throwaway MariaDB,
#    about a third per profile, server-side with the SEQUENCE engine:
#      bench_acmlm      Acmlmboard 2, MyISAM latin1 (UTF-8 bytes in latin1 columns for every
#                       10th name, a real latin1 byte for every 100th), bcrypt and md5 rows,
#                       banned groups;
#      bench_wordpress  WordPress, InnoDB utf8mb4, with the 14 usermeta rows WordPress writes
#                       per user (capabilities, nickname, …) plus session_tokens for a quarter;
#      bench_social     ZEN3MP, InnoDB utf8mb4, verified/unverified/closed accounts;
#    with names and mailboxes shared across sites (merges, suffixes and conflicts to decide).
# 2. Runs, in one go and on the same rows:
#    (a) what a PHP developer would write by hand: mysqli, unbuffered (MYSQLI_USE_RESULT),
#        read every row, normalise name and email (mb_convert_encoding, trim, strtolower),
#        keep them by email for the merge (tests/php/bench/migration_read.php);
#    (a2) the same script with --roles: also reads the WordPress capabilities usermeta rows,
#        as the plan must (tests/php/bench/migration_read.php --roles);
#    (b) halext migrate plan: read + merge + decide, the same rows;
#    (c) halext migrate apply: plan + write the mapping table (rows/s of the write phase);
#    (d) resolve from PHP: Halext\Migration::resolve (cached / uncached) vs a mysqli prepared
#        point lookup, over the unix socket and TCP (tests/php/bench/migration_resolve.php;
#        needs the extension's Halext\Migration class).
#    Wall time and peak RSS come from /usr/bin/time -v (Debian package `time`).
# 3. Drops the generated databases (unless --keep): they take about 1.5 GB.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
KEEP=0
WORK=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --keep) KEEP=1 ;;
    --work) [ $# -ge 2 ] || { echo "$0: --work needs a directory" >&2; exit 2; }; WORK="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--keep] [--work DIR]" >&2; exit 2 ;;
  esac
  shift
done
N=1000000
[ $QUICK = 1 ] && N=60000
AB=$(( (N + 2) / 3 ))
WP=$(( (N - AB + 1) / 2 ))
ZEN=$(( N - AB - WP ))

CARGO="${CARGO:-cargo}"
PHP="${PHP:-php}"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-migration: /usr/bin/time is missing (apt-get install time; make deps)" >&2; exit 1; }

scripts/mariadb.sh start
eval "$(scripts/mariadb.sh env)"
SOCK="$HALEXT_TEST_MYSQL_SOCKET"
PORT="$HALEXT_TEST_MYSQL_PORT"
BASE="mysql://halext:halext@127.0.0.1:$PORT"
sql() { scripts/mariadb.sh sql "$@"; }

KEEP_WORK=1
if [ -z "$WORK" ]; then
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/halext-bench-migration.XXXXXX")"
  KEEP_WORK=0
else
  mkdir -p "$WORK"
  WORK="$(cd "$WORK" && pwd)"
fi
cleanup() {
  [ $KEEP_WORK = 1 ] || rm -rf "$WORK"
  if [ $KEEP = 0 ]; then
    sql -e "DROP DATABASE IF EXISTS bench_acmlm; DROP DATABASE IF EXISTS bench_wordpress;
            DROP DATABASE IF EXISTS bench_social; DROP DATABASE IF EXISTS bench_map;" || true
  fi
}
trap cleanup EXIT

echo "== migration: generating $N legacy users ($AB Acmlmboard, $WP WordPress, $ZEN ZEN3MP)"
gen_start=$(date +%s.%N)
for db in bench_acmlm bench_wordpress bench_social bench_map; do
  sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
done
sql bench_acmlm < examples/data/fixtures/acmlmboard.sql
sql bench_wordpress < examples/data/fixtures/wordpress.sql
sql bench_social < examples/data/fixtures/zen3mp.sql

# Acmlmboard: every 10th name is UTF-8 bytes in the latin1 column (AB2), every 100th a real
# latin1 byte (AB 1.x); mailboxes User{n}@Example.com; 2% banned (1% until 2030); bcrypt, with
# every 20th row still md5 (salt2.pass.salt).
sql bench_acmlm <<SQL
TRUNCATE TABLE users;
INSERT INTO users (id, name, displayname, pass, regdate, lastview, email, group_id, tempbanned, power)
SELECT seq,
       CASE WHEN seq % 100 = 0 THEN CONCAT(X'5A6FEB', seq)
            WHEN seq % 10 = 0 THEN CONCAT(X'4AC3BC7267656E', seq)
            ELSE CONCAT('user', seq) END,
       IF(seq % 3 = 0, CONCAT('Display ', seq), ''),
       IF(seq % 20 = 0, MD5(CONCAT('s2', seq, 's1')), '\$2y\$10\$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG'),
       1262304000 + seq * 60, 1600000000 + seq, CONCAT('User', seq, '@Example.com'),
       IF(seq % 50 = 0, 9, 2), IF(seq % 100 = 0, 1893456000, 0), 0
FROM seq_1_to_${AB};
SQL

# WordPress: every 3rd login is also a forum name (user{n}) with the forum's mailbox in lower
# case (unverified on both sites: a conflict to review); 14 usermeta rows per user, as
# wp_insert_user() writes them, plus session_tokens for every 4th user; 1 admin in 1000.
sql bench_wordpress <<SQL
TRUNCATE TABLE wp_users; TRUNCATE TABLE wp_usermeta;
INSERT INTO wp_users (ID, user_login, user_pass, user_nicename, user_email, user_registered, display_name, spam, deleted)
SELECT seq, IF(seq % 3 = 0, CONCAT('user', seq), CONCAT('wp', seq)),
       IF(seq % 2 = 0, '\$P\$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.', '\$wp\$2y\$10\$rLBG8WQVbNQOruJTxBItC.gFrTuN0DD8BPIasglv.WMPRbxt6Papm'),
       CONCAT('wp', seq),
       IF(seq % 3 = 0, CONCAT('user', seq, '@example.com'), CONCAT('wp', seq, '@example.org')),
       '2015-03-01 12:00:00' + INTERVAL seq MINUTE, CONCAT('Jürgen ', seq), 0, 0
FROM seq_1_to_${WP};
INSERT INTO wp_usermeta (user_id, meta_key, meta_value)
SELECT s.seq, k.meta_key,
       CASE k.meta_key
         WHEN 'nickname' THEN CONCAT('wp', s.seq)
         WHEN 'first_name' THEN 'Jürgen'
         WHEN 'last_name' THEN CONCAT('Groß', s.seq)
         WHEN 'wp_capabilities' THEN IF(s.seq % 1000 = 0, 'a:1:{s:13:"administrator";b:1;}', 'a:1:{s:10:"subscriber";b:1;}')
         WHEN 'wp_user_level' THEN IF(s.seq % 1000 = 0, '10', '0')
         WHEN 'rich_editing' THEN 'true'
         WHEN 'syntax_highlighting' THEN 'true'
         WHEN 'comment_shortcuts' THEN 'false'
         WHEN 'admin_color' THEN 'fresh'
         WHEN 'use_ssl' THEN '0'
         WHEN 'show_admin_bar_front' THEN 'true'
         WHEN 'locale' THEN ''
         WHEN 'dismissed_wp_pointers' THEN ''
         ELSE '' END
FROM seq_1_to_${WP} s
JOIN (SELECT 'nickname' AS meta_key UNION ALL SELECT 'first_name' UNION ALL SELECT 'last_name'
      UNION ALL SELECT 'description' UNION ALL SELECT 'rich_editing' UNION ALL SELECT 'syntax_highlighting'
      UNION ALL SELECT 'comment_shortcuts' UNION ALL SELECT 'admin_color' UNION ALL SELECT 'use_ssl'
      UNION ALL SELECT 'show_admin_bar_front' UNION ALL SELECT 'locale' UNION ALL SELECT 'wp_capabilities'
      UNION ALL SELECT 'wp_user_level' UNION ALL SELECT 'dismissed_wp_pointers') k
ORDER BY s.seq;
INSERT INTO wp_usermeta (user_id, meta_key, meta_value)
SELECT seq, 'session_tokens', CONCAT('a:1:{s:64:"', SHA2(seq, 256), '";a:4:{s:10:"expiration";i:1749981600;s:2:"ip";s:9:"127.0.0.1";s:2:"ua";s:11:"Mozilla/5.0";s:5:"login";i:', 1748772000 + seq, ';}}')
FROM seq_1_to_${WP} WHERE seq % 4 = 0;
SQL

# ZEN3MP: every 5th username is also a forum name, with the forum's mailbox in upper case and
# verified (so it keeps the mailbox); every 11th never verified, every 7th closed.
sql bench_social <<SQL
TRUNCATE TABLE users;
INSERT INTO users (id, displayname, username, email, password, signup_date, user_closed, friend_list, user_title, verify_user)
SELECT seq, CONCAT('Member ', seq), IF(seq % 5 = 0, CONCAT('user', seq), CONCAT('member', seq)),
       IF(seq % 5 = 0, CONCAT('USER', seq, '@example.com'), CONCAT('member', seq, '@example.net')),
       '\$2y\$10\$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', '2019-03-29' + INTERVAL (seq % 2000) DAY,
       IF(seq % 7 = 0, 'yes', 'no'), ',', IF(seq % 500 = 0, 'Admin', 'User'), IF(seq % 11 = 0, 'no', 'yes')
FROM seq_1_to_${ZEN};
SQL
sql -e "ANALYZE TABLE bench_acmlm.users, bench_wordpress.wp_users, bench_wordpress.wp_usermeta, bench_social.users" >/dev/null
gen_end=$(date +%s.%N)
echo "generated in $(echo "$gen_end - $gen_start" | bc) s: $(sql -N -e "SELECT CONCAT(ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576), ' MiB') FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'bench\\_%'")"

# The operator's configuration for the generated sites (DSNs through files, never argv).
umask 077
for db in acmlm wordpress social map; do echo "$BASE/bench_$db" > "$WORK/$db.dsn"; done
echo "$BASE/bench_map?prefer_socket=false" > "$WORK/map-tcp.dsn"
cat > "$WORK/halext.toml" <<TOML
[halext]
url = "http://127.0.0.1:9"
[mapping]
dsn_file = "$WORK/map.dsn"
[plan]
site_priority = ["social", "acmlm", "wordpress"]
[[site]]
name = "acmlm"
profile = "acmlmboard"
dsn_file = "$WORK/acmlm.dsn"
[site.acmlmboard]
pwdsalt = "s1"
pwdsalt2 = "s2"
[[site]]
name = "wordpress"
profile = "wordpress"
dsn_file = "$WORK/wordpress.dsn"
[[site]]
name = "social"
profile = "zen3mp"
dsn_file = "$WORK/social.dsn"
TOML

sed "s|$WORK/map.dsn|$WORK/map-tcp.dsn|" "$WORK/halext.toml" > "$WORK/halext-tcp.toml"

"$CARGO" build --release -p halext-cli -p halext-php 2>&1 | tail -n 1
HALEXT="$PWD/target/release/halext"
"$HALEXT" migrate init --config "$WORK/halext.toml" >/dev/null

# /usr/bin/time -v: "Maximum resident set size (kbytes)" and "Elapsed (wall clock) time".
peak_mib() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"
}
rate() { echo "scale=0; $1 / $2" | bc; }

echo
echo "== migration (a): PHP by hand, mysqli unbuffered, read + normalise $N rows"
"$TIME" -v -o "$WORK/php.time" "$PHP" -n -d extension=mysqlnd -d extension=mysqli -d extension=mbstring -d memory_limit=-1 \
  tests/php/bench/migration_read.php "$SOCK" bench_acmlm bench_wordpress bench_social \
  > "$WORK/php.out" 2>&1 || { cat "$WORK/php.out"; exit 1; }
cat "$WORK/php.out"
php_s=$(wall_s "$WORK/php.time"); php_mib=$(peak_mib "$WORK/php.time")
echo "php: $N rows in $php_s s = $(rate "$N" "$php_s") rows/s, peak RSS $php_mib MiB"

echo
echo "== migration (a2): the same PHP, plus the WordPress roles the plan also reads (wp_usermeta capabilities)"
"$TIME" -v -o "$WORK/php-roles.time" "$PHP" -n -d extension=mysqlnd -d extension=mysqli -d extension=mbstring -d memory_limit=-1 \
  tests/php/bench/migration_read.php "$SOCK" bench_acmlm bench_wordpress bench_social --roles \
  > "$WORK/php-roles.out" 2>&1 || { cat "$WORK/php-roles.out"; exit 1; }
cat "$WORK/php-roles.out"
roles_s=$(wall_s "$WORK/php-roles.time")
echo "php + roles: $N rows in $roles_s s = $(rate "$N" "$roles_s") rows/s, peak RSS $(peak_mib "$WORK/php-roles.time") MiB"

echo
echo "== migration (b): halext migrate plan (read + merge + decide), the same $N rows"
"$TIME" -v -o "$WORK/plan.time" "$HALEXT" migrate plan --config "$WORK/halext.toml" \
  > "$WORK/plan.out" 2> "$WORK/plan.err" || { cat "$WORK/plan.err"; exit 1; }
grep -E '^(read|planned) ' "$WORK/plan.err" || true
# The summary up to the per-row conflict list (counts, per site, reasons).
sed -n '/^conflicts/q; p' "$WORK/plan.out"
plan_s=$(wall_s "$WORK/plan.time"); plan_mib=$(peak_mib "$WORK/plan.time")
echo "plan: $N rows in $plan_s s = $(rate "$N" "$plan_s") rows/s (whole process), peak RSS $plan_mib MiB"
echo "plan / php: $(echo "scale=2; $plan_s / $php_s" | bc)x the time of (a), $(echo "scale=2; $plan_s / $roles_s" | bc)x the time of (a2)"

echo
echo "== migration (c): halext migrate apply (fresh plan + write $N rows, batches of 1000)"
sql bench_map -e "TRUNCATE TABLE halext_user_map"
"$TIME" -v -o "$WORK/apply.time" "$HALEXT" migrate apply --config "$WORK/halext.toml" \
  > "$WORK/apply.out" 2> "$WORK/apply.err" || { cat "$WORK/apply.err"; exit 1; }
grep -E '^(planned|applied) ' "$WORK/apply.err" || true
echo "apply: peak RSS $(peak_mib "$WORK/apply.time") MiB; rerun (nothing changes):"
"$HALEXT" migrate apply --config "$WORK/halext.toml" 2>&1 >/dev/null | grep -E '^applied ' || true

echo
echo "== migration (d): resolve from PHP vs a mysqli prepared point lookup"
"$PHP" -n -d extension=mysqlnd -d extension=mysqli -d extension="$PWD/target/release/libhalext_php.so" \
  tests/php/bench/migration_resolve.php "$WORK/halext.toml" "$WORK/halext-tcp.toml" "$SOCK" "$PORT" bench_map
