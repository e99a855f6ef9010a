<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * `pcntl_fork()` after the client was used: parent, child and grandchild all keep working, each
 * on its own connection (a child never touches the parent's socket), and the parent keeps its
 * own keep-alive connection across the fork. Runs in its own PHP process (a forked PHPUnit
 * would run PHPUnit's shutdown in the child).
 */
final class ClientForkTest extends TestCase
{
    public function testParentChildAndGrandchildCompleteRequestsOnTheirOwnConnections(): void
    {
        $server = new TestServer();
        try {
            $code = sprintf('
                $opts = %s;
                $c = new Halext\Client($opts);
                $ask = function (Halext\Client $c, string $who): bool {
                    return $c->request("GET", "/version", ["query" => ["who" => $who]])["version"] === "0.2.0-refactored";
                };
                $ok = $ask($c, "parent");
                $pid = pcntl_fork();
                if ($pid === 0) {
                    $child = $ask($c, "child") && $ask($c, "child") && $ask(new Halext\Client($opts), "child");
                    $g = pcntl_fork();
                    if ($g === 0) {
                        exit($ask($c, "grandchild") && $ask($c, "grandchild") ? 0 : 1);
                    }
                    pcntl_waitpid($g, $st);
                    exit($child && pcntl_wifexited($st) && pcntl_wexitstatus($st) === 0 ? 0 : 1);
                }
                // The parent works while the child does.
                for ($i = 0; $i < 3; $i++) { $ok = $ok && $ask($c, "parent"); }
                pcntl_waitpid($pid, $status);
                $ok = $ok && $ask($c, "parent");
                echo json_encode(["parent" => $ok, "child" => pcntl_wifexited($status) ? pcntl_wexitstatus($status) : -1,
                    "threads" => count(array_diff(scandir("/proc/self/task"), [".", ".."]))]);',
                var_export($server->options(), true));
            $result = PhpProcess::json($code);
            self::assertSame(['parent' => true, 'child' => 0, 'threads' => 1], $result);

            $by = [];
            foreach ($server->requests() as $r) {
                parse_str((string) $r['query'], $q);
                $by[$q['who']][] = $r['connection'];
            }
            self::assertSame(['parent', 'child', 'grandchild'], array_keys($by));
            self::assertCount(5, $by['parent']);
            self::assertCount(1, array_unique($by['parent']), 'the parent kept its connection across the fork');
            self::assertCount(3, $by['child']);
            self::assertCount(1, array_unique($by['child']), 'the child reuses its own connection (and the registry entry)');
            self::assertCount(1, array_unique($by['grandchild']));
            self::assertCount(3, array_unique([$by['parent'][0], $by['child'][0], $by['grandchild'][0]]),
                'three processes, three connections');
        } finally {
            $server->stop();
        }
    }
}
