<?php

declare(strict_types=1);

use Halext\Tests\FastCgi;
use Halext\Tests\FpmPool;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * `Halext\Client` under PHP-FPM with several workers (the master loads the extension, the
 * workers are forked from it): configuration from the pool (`env[]`, `php_admin_value`), and
 * connection reuse across requests: every request builds a new `Halext\Client`, yet each
 * worker talks to Halext over one keep-alive connection for all the requests it serves.
 */
final class ClientFpmTest extends TestCase
{
    /** @var TestServer */
    private static $server;
    /** @var FpmPool */
    private static $pool;

    public static function setUpBeforeClass(): void
    {
        self::$server = new TestServer();
        $tag = '"pid" => getmypid(), "threads" => count(array_diff(scandir("/proc/self/task"), [".", ".."]))';
        self::$pool = new FpmPool(3, ['HALEXT_URL' => self::$server->url, 'HALEXT_RETRIES' => '0'],
            ['halext.timeout_ms' => '2000', 'halext.access_code' => TestServer::ACCESS_CODE], [
                // Each request: a new client object, one call tagged with the worker's pid.
                'version.php' => '<?php
                    if (isset($_GET["wait_ms"])) { usleep((int) $_GET["wait_ms"] * 1000); }
                    $c = new Halext\Client();
                    $v = $c->request("GET", "/version", ["query" => ["pid" => getmypid()]]);
                    echo json_encode(["version" => $v["version"], ' . $tag . ']);',
                'register.php' => '<?php
                    $u = (new Halext\Client())->register(["username" => $_GET["u"], "email" => $_GET["u"] . "@example.org", "password" => "pw"]);
                    echo json_encode(["username" => $u["username"], ' . $tag . ']);',
                'error.php' => '<?php
                    try { (new Halext\Client())->me("bad"); }
                    catch (Halext\ApiException $e) { echo json_encode(["status" => $e->getStatus(), "reason" => $e->getReason(), ' . $tag . ']); }',
            ]);
    }

    public static function tearDownAfterClass(): void
    {
        self::$pool->stop();
        self::$server->stop();
    }

    protected function setUp(): void
    {
        self::$server->reset();
    }

    public function testEachWorkerKeepsOneConnectionAcrossRequests(): void
    {
        $pids = [];
        for ($round = 0; $round < 4; $round++) {
            // Three requests in flight at once, each waiting a moment: three different workers.
            $conns = [];
            for ($i = 0; $i < 3; $i++) {
                $conns[] = FastCgi::start(self::$pool->socket, self::$pool->dir . '/www/version.php', 'wait_ms=150');
            }
            foreach ($conns as $conn) {
                $r = json_decode(FastCgi::finish($conn)['body'], true, 512, JSON_THROW_ON_ERROR);
                self::assertSame(['0.2.0-refactored', 1], [$r['version'], $r['threads']], 'single-threaded worker');
                $pids[$r['pid']] = true;
            }
            // And a few one at a time.
            for ($i = 0; $i < 3; $i++) {
                $pids[self::$pool->json('version.php')['pid']] = true;
            }
        }
        self::assertCount(3, $pids, 'three workers served the requests');
        self::assertNotContains(getmypid(), array_keys($pids));

        $connectionsByPid = [];
        foreach (self::$server->requests() as $r) {
            parse_str((string) $r['query'], $q);
            $connectionsByPid[$q['pid']][] = $r['connection'];
        }
        self::assertSame(24, array_sum(array_map('count', $connectionsByPid)));
        foreach ($connectionsByPid as $pid => $connections) {
            self::assertCount(1, array_unique($connections), "worker $pid used one connection for " . count($connections) . ' requests');
        }
        self::assertCount(3, array_unique(array_merge(...array_values($connectionsByPid))), 'one connection per worker');
    }

    public function testPoolConfigurationAndErrorsInWorkers(): void
    {
        $r = self::$pool->json('register.php', 'u=fpmuser');
        self::assertSame('fpmuser', $r['username'], 'access code from php_admin_value[halext.access_code]');
        $e = self::$pool->json('error.php');
        self::assertSame([401, 'api.unauthorized', 1], [$e['status'], $e['reason'], $e['threads']]);
    }
}
