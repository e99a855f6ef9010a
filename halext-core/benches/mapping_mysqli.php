<?php
// Companion of benches/mapping.rs: run it right after the bench, against the bench's
// map_bench_p50_<pid> database, e.g.
//   SOCK=$HALEXT_RUN_DIR/mariadb-$PORT/mysqld.sock PORT=$PORT DB=map_bench_p50_<pid> php halext-core/benches/mapping_mysqli.php
// p50 of a mysqli prepared point lookup on halext_user_map, socket and TCP measured
// round-robin call by call (the VM is shared, so both see the same load).
$sock = getenv('SOCK'); $port = (int)getenv('PORT'); $dbname = getenv('DB') ?: 'exp';
$sql = "SELECT site, legacy_id, halext_username, halext_user_id, halext_email, full_name, status, link_method, reason, plan_run, TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', created_at), TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', updated_at), TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', linked_at) FROM halext_user_map WHERE site = ? AND legacy_id = ?";
$conns = ['socket' => new mysqli('localhost', 'halext', 'halext', $dbname, 0, $sock), 'tcp' => new mysqli('127.0.0.1', 'halext', 'halext', $dbname, $port)];
$st = []; $times = [];
foreach ($conns as $k => $c) { $st[$k] = $c->prepare($sql); $times[$k] = []; }
$site = 'acmlm';
for ($i = 0; $i < 20000; $i++) {
    $id = $i % 1000 + 1;
    foreach ($st as $k => $s) {
        $t = hrtime(true);
        $s->bind_param('si', $site, $id);
        $s->execute();
        $r = $s->get_result()->fetch_row();
        $times[$k][] = hrtime(true) - $t;
    }
}
foreach ($times as $k => $t) { sort($t); printf("mysqli %s: p50 %.1f us, p90 %.1f us\n", $k, $t[10000] / 1000, $t[18000] / 1000); }
