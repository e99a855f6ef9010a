<?php

declare(strict_types=1);

use Halext\Tests\FpmPool;
use Halext\Tests\LegacySites;
use Halext\Tests\MariaDb;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * `Halext\Migration` under PHP-FPM (the extension loaded in the master, workers forked from it):
 * the `halext.toml` from the pool's `env[HALEXT_CONFIG]` (with `clear_env = yes`), logins
 * migrated in the workers, and a new object in every request reusing the worker's connections:
 * after many requests the mapping database sees a couple of connections per worker, not one per
 * request.
 */
final class MigrationFpmTest extends TestCase
{
    public function testWorkersMigrateAndReuseTheirConnectionsAcrossRequests(): void
    {
        $server = new TestServer();
        $cfg = LegacySites::config($server->url);
        (new Halext\Migration(['config' => $cfg['path']]))->init();
        $pool = new FpmPool(2, ['HALEXT_CONFIG' => $cfg['path']], [], [
            'login.php' => '<?php $r = (new Halext\Migration())->login($_GET["site"], $_GET["login"], $_GET["pw"]);
                echo json_encode(["outcome" => $r["outcome"], "user" => $r["halext_username"], "token" => $r["access_token"], "pid" => getmypid()]);',
            'resolve.php' => '<?php $row = (new Halext\Migration())->resolve($_GET["site"], (int) $_GET["id"]);
                echo json_encode(["status" => $row["status"] ?? null, "pid" => getmypid()]);',
        ]);
        try {
            $first = $pool->json('login.php', http_build_query(['site' => 'social', 'login' => 'ALICE@example.com', 'pw' => 'correct horse']));
            self::assertSame(['migrated', 'alice'], [$first['outcome'], $first['user']]);
            $claims = Halext\TokenValidator::halext(TestServer::SECRET_KEY)->validate($first['token']);
            self::assertSame('alice', $claims['sub']);
            $second = $pool->json('login.php', http_build_query(['site' => 'wordpress', 'login' => 'bob', 'pw' => 'p@ss w0rd ü']));
            self::assertSame('migrated', $second['outcome']);

            $pids = [$first['pid'] => true, $second['pid'] => true];
            for ($i = 0; $i < 30; $i++) {
                // Keys nobody cached: every request queries the mapping database.
                $r = $pool->json('resolve.php', http_build_query(['site' => 'acmlm', 'id' => 1000 + $i]));
                self::assertNull($r['status']);
                $pids[$r['pid']] = true;
            }
            self::assertSame('linked', $pool->json('resolve.php', 'site=social&id=1')['status']);
            self::assertLessThanOrEqual(2, count($pids), 'two workers');

            $db = basename((string) parse_url($cfg['mapping'], PHP_URL_PATH));
            $count = (int) trim(MariaDb::query($cfg['mapping'], "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '$db' AND ID <> CONNECTION_ID()"));
            // Per worker: the lookup connection and the write connection (the login linked a
            // row); this test process holds its own two (init). Never one per request.
            self::assertGreaterThanOrEqual(2, $count);
            self::assertLessThanOrEqual(2 * count($pids) + 2, $count, "$count connections after 32 requests");
        } finally {
            $pool->stop();
            $server->stop();
            LegacySites::cleanup();
        }
    }
}
