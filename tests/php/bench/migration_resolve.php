<?php
/*
 * `make bench`, migration section (d): resolving a legacy account to its Halext mapping from
 * PHP. Halext\Migration::resolve() (per-process cache of linked rows: cached = the same linked
 * accounts again, uncached = accounts never looked up) against what a PHP developer writes by hand: a mysqli
 * prepared statement on the same table, same columns. Socket and TCP, p50/p99, measured call by
 * call in interleaved rounds (the machine is shared: every variant sees the same load).
 *
 *   php -n -d extension=mysqlnd -d extension=mysqli -d extension=target/release/libhalext_php.so \
 *     tests/php/bench/migration_resolve.php HALEXT_TOML HALEXT_TCP_TOML SOCKET PORT MAPPING_DB
 *
 * HALEXT_TCP_TOML is the same configuration with `?prefer_socket=false` in the mapping DSN.
 */

declare(strict_types=1);

[, $config, $tcpConfig, $socket, $port, $db] = $argv + array_fill(0, 6, null);
if ($db === null) {
    fwrite(STDERR, "usage: migration_resolve.php HALEXT_TOML HALEXT_TCP_TOML SOCKET PORT MAPPING_DB\n");
    exit(2);
}
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

const CALLS = 20000;
const SITE = 'acmlm';

function pct(array $t, float $p): float
{
    sort($t);
    return $t[(int) floor((count($t) - 1) * $p)] / 1000;
}

function report(string $name, array $t): void
{
    printf("  %-48s p50 %7.2f us   p99 %7.2f us\n", $name, pct($t, 0.50), pct($t, 0.99));
}

$sql = "SELECT site, legacy_id, halext_username, halext_user_id, halext_email, full_name, status, link_method, reason, plan_run, "
    . "TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', created_at), TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', updated_at), "
    . "TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', linked_at) FROM halext_user_map WHERE site = ? AND legacy_id = ?";
$links = [
    'socket' => new mysqli('localhost', 'halext', 'halext', $db, 0, $socket),
    'tcp' => new mysqli('127.0.0.1', 'halext', 'halext', $db, (int) $port),
];
$stmts = [];
foreach ($links as $k => $l) {
    $stmts[$k] = $l->prepare($sql);
}
$ids = range(1, CALLS);
$mysqli = ['socket' => [], 'tcp' => []];
$site = SITE;
foreach ($ids as $id) {
    foreach ($stmts as $k => $s) {
        $t = hrtime(true);
        $s->bind_param('si', $site, $id);
        $s->execute();
        $row = $s->get_result()->fetch_assoc();
        $mysqli[$k][] = hrtime(true) - $t;
    }
    if ($row === null) {
        fwrite(STDERR, "no mapping row for " . SITE . ":$id (run apply first)\n");
        exit(1);
    }
}
echo "resolve one account, " . CALLS . " calls each:\n";
report('mysqli prepared lookup, unix socket', $mysqli['socket']);
report('mysqli prepared lookup, TCP', $mysqli['tcp']);

if (!class_exists('Halext\\Migration')) {
    echo "  Halext\\Migration::resolve: NOT MEASURED: this build of the extension has no Halext\\Migration class\n";
    exit(0);
}
$migrations = [
    'socket' => new Halext\Migration(['config' => $config]),
    'tcp' => new Halext\Migration(['config' => $tcpConfig]),
];
$uncached = ['socket' => [], 'tcp' => []];
foreach ($ids as $id) {
    foreach ($migrations as $k => $m) {
        $t = hrtime(true);
        $r = $m->resolve(SITE, $id + CALLS); // never looked up before: a database round trip
        $uncached[$k][] = hrtime(true) - $t;
    }
}
// The cached case is a migrated user's session check: only linked rows are cached (anything
// else can become a link in another worker at any moment), so link 1,000 planned rows first,
// as their users' logins would.
$hot = array_map('intval', array_column($links['socket']->query(
    "SELECT legacy_id FROM halext_user_map WHERE site = '" . SITE . "' AND status = 'planned' ORDER BY legacy_id LIMIT 1000"
)->fetch_all(), 0));
$links['socket']->query("UPDATE halext_user_map SET status = 'linked', link_method = 'login', linked_at = NOW() "
    . "WHERE site = '" . SITE . "' AND legacy_id IN (" . implode(',', $hot) . ")");
$cached = [];
foreach ($hot as $id) {
    $migrations['socket']->resolve(SITE, $id); // warm the cache
}
for ($i = 0; $i < CALLS; $i++) {
    $id = $hot[$i % count($hot)];
    $t = hrtime(true);
    $r = $migrations['socket']->resolve(SITE, $id);
    $cached[] = hrtime(true) - $t;
}
report('Halext\\Migration::resolve, uncached, unix socket', $uncached['socket']);
report('Halext\\Migration::resolve, uncached, TCP', $uncached['tcp']);
report('Halext\\Migration::resolve, cached', $cached);
printf("  uncached / mysqli: socket %.2fx, TCP %.2fx\n",
    pct($uncached['socket'], 0.5) / pct($mysqli['socket'], 0.5), pct($uncached['tcp'], 0.5) / pct($mysqli['tcp'], 0.5));
