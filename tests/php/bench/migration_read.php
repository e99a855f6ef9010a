<?php
/*
 * The hand-written baseline of `make bench` (scripts/bench-migration.sh, section (a)): what a PHP
 * developer would write to start a migration of the three legacy sites without halext. Reads
 * every user row with mysqli, unbuffered (MYSQLI_USE_RESULT: rows stream, the result set is not
 * copied into PHP), normalises the name and the email, and keeps each account by email for the
 * merge step that would come next. No usermeta, no decisions: less work than `halext migrate plan`.
 *
 * With --roles (section (a2)) it also reads what the plan needs besides the users tables: every
 * WordPress user's `wp_capabilities` usermeta row (unbuffered, `unserialize` with no classes, the
 * administrators kept), so that its time can be set against the plan's on the same reads.
 *
 *   php -n -d extension=mysqlnd -d extension=mysqli -d extension=mbstring -d memory_limit=-1 \
 *     tests/php/bench/migration_read.php SOCKET ACMLM_DB WORDPRESS_DB SOCIAL_DB [--roles]
 */

declare(strict_types=1);

[, $socket, $acmlmDb, $wpDb, $socialDb, $flag] = $argv + [null, null, null, null, null, null];
if ($socialDb === null || ($flag !== null && $flag !== '--roles')) {
    fwrite(STDERR, "usage: migration_read.php SOCKET ACMLM_DB WORDPRESS_DB SOCIAL_DB [--roles]\n");
    exit(2);
}
$withRoles = $flag === '--roles';
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

// WordPress administrators (--roles): the capabilities usermeta rows, a serialized role array each.
$admins = [];
if ($withRoles) {
    readSite($socket, $wpDb, 'utf8mb4',
        "SELECT user_id, meta_value FROM wp_usermeta WHERE meta_key = 'wp_capabilities'",
        function (array $r) use (&$admins): void {
            $caps = @unserialize((string) $r[1], ['allowed_classes' => false]);
            if (is_array($caps) && !empty($caps['administrator'])) {
                $admins[(int) $r[0]] = true;
            }
        });
}

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
printf("php read+normalise%s: %d rows, %d distinct emails%s, %.2f s in the script, %d rows/s, memory_get_peak_usage %.0f MiB\n",
    $withRoles ? ' + WordPress roles' : '', $rows, count($byEmail),
    $withRoles ? sprintf(', %d WordPress administrators', count($admins)) : '',
    $seconds, (int) ($rows / $seconds), memory_get_peak_usage(true) / 1048576);
