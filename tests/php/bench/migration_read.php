<?php
/*
 * The hand-written baseline of `make bench` (scripts/bench-migration.sh, section (a)): what a PHP
 * developer would write to start a migration of the three legacy sites without halext. Reads
 * every user row with mysqli, unbuffered (MYSQLI_USE_RESULT: rows stream, the result set is not
 * copied into PHP), normalises the name and the email, and keeps each account by email for the
 * merge step that would come next. No usermeta, no decisions: less work than `halext migrate plan`.
 *
 *   php -n -d extension=mysqlnd -d extension=mysqli -d extension=mbstring -d memory_limit=-1 \
 *     tests/php/bench/migration_read.php SOCKET ACMLM_DB WORDPRESS_DB SOCIAL_DB
 */

declare(strict_types=1);

[, $socket, $acmlmDb, $wpDb, $socialDb] = $argv + [null, null, null, null, null];
if ($socialDb === null) {
    fwrite(STDERR, "usage: migration_read.php SOCKET ACMLM_DB WORDPRESS_DB SOCIAL_DB\n");
    exit(2);
}
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

$byEmail = [];
$rows = 0;

function normaliseEmail(string $email): string
{
    return strtolower(trim($email));
}

function readSite(string $socket, string $db, string $charset, string $sql, callable $row): int
{
    $link = new mysqli('localhost', 'halext', 'halext', $db, 0, $socket);
    $link->set_charset($charset);
    $result = $link->query($sql, MYSQLI_USE_RESULT);
    $n = 0;
    while ($r = $result->fetch_row()) {
        $row($r);
        $n++;
    }
    $result->free();
    $link->close();
    return $n;
}

$start = hrtime(true);

// Acmlmboard: latin1 columns, read as latin1 bytes and converted to UTF-8 by hand.
$rows += readSite($socket, $acmlmDb, 'latin1',
    'SELECT id, name, displayname, email FROM users',
    function (array $r) use (&$byEmail): void {
        $name = mb_convert_encoding(trim($r[1]), 'UTF-8', 'Windows-1252');
        $display = $r[2] !== '' ? mb_convert_encoding(trim($r[2]), 'UTF-8', 'Windows-1252') : $name;
        $email = normaliseEmail(mb_convert_encoding($r[3], 'UTF-8', 'Windows-1252'));
        $byEmail[$email][] = ['acmlm', (int) $r[0], $name, $display];
    });

// WordPress and ZEN3MP: utf8mb4.
$rows += readSite($socket, $wpDb, 'utf8mb4',
    'SELECT ID, user_login, display_name, user_email FROM wp_users',
    function (array $r) use (&$byEmail): void {
        $email = normaliseEmail($r[3]);
        $byEmail[$email][] = ['wordpress', (int) $r[0], trim($r[1]), trim($r[2])];
    });
$rows += readSite($socket, $socialDb, 'utf8mb4',
    'SELECT id, username, displayname, email FROM users',
    function (array $r) use (&$byEmail): void {
        $email = normaliseEmail($r[3]);
        $byEmail[$email][] = ['social', (int) $r[0], trim($r[1]), trim($r[2])];
    });

$seconds = (hrtime(true) - $start) / 1e9;
printf("php read+normalise: %d rows, %d distinct emails, %.2f s in the script, %d rows/s, memory_get_peak_usage %.0f MiB\n",
    $rows, count($byEmail), $seconds, (int) ($rows / $seconds), memory_get_peak_usage(true) / 1048576);
