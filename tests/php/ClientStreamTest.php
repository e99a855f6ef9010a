<?php

declare(strict_types=1);

use Halext\ApiException;
use Halext\Client;
use Halext\Tests\PhpProcess;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * `chatStream()`: the callable gets every chunk; `false` stops; an exception it throws stops the
 * stream and reaches the caller unchanged; a fatal error or `exit()` inside it ends the script
 * the normal PHP way without breaking the client (shutdown functions can still use it).
 */
final class ClientStreamTest extends TestCase
{
    /** @var TestServer */
    private static $server;
    /** @var string */
    private static $token;

    public static function setUpBeforeClass(): void
    {
        self::$server = new TestServer();
        self::$token = self::$server->user('ann');
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    private static function client(array $extra = []): Client
    {
        return new Client(self::$server->options($extra));
    }

    public function testEveryChunkReachesTheCallable(): void
    {
        $chunks = [];
        $r = self::client()->chatStream(self::$token, 'Hello', function (string $chunk) use (&$chunks): void {
            $chunks[] = $chunk;
        }, ['model' => 'mock:mock']);
        self::assertGreaterThan(3, count($chunks));
        self::assertSame(['chunks', 'model', 'stopped', 'text'], array_keys($r));
        self::assertSame([count($chunks), 'mock:mock', false], [$r['chunks'], $r['model'], $r['stopped']]);
        self::assertSame(implode('', $chunks), $r['text']);
        self::assertStringContainsString('mock AI assistant', $r['text']);
    }

    public function testReturningFalseStops(): void
    {
        $seen = 0;
        $r = self::client()->chatStream(self::$token, 'Hello', function () use (&$seen) {
            return ++$seen === 3 ? false : null;
        });
        self::assertSame([3, 3, true], [$seen, $r['chunks'], $r['stopped']]);
    }

    public function testAnExceptionFromTheCallableStopsTheStreamAndIsRethrownUnchanged(): void
    {
        $c = self::client();
        $seen = 0;
        $line = __LINE__ + 4;
        try {
            $c->chatStream(self::$token, 'Hello', function () use (&$seen): void {
                if (++$seen === 2) {
                    throw new DomainException('stop at two', 42);
                }
            });
            self::fail('the exception was swallowed');
        } catch (DomainException $e) {
            self::assertSame(['stop at two', 42, $line, 2], [$e->getMessage(), $e->getCode(), $e->getLine(), $seen]);
        }
        // The client (and the per-process runtime) keep working.
        self::assertSame('healthy', $c->health()['status']);
    }

    public function testCallingTheClientInsideTheCallableIsRefusedClearly(): void
    {
        $c = self::client();
        $e = null;
        try {
            $c->chatStream(self::$token, 'Hello', function () use ($c): void {
                $c->health();
            });
        } catch (ApiException $e) {
        }
        self::assertNotNull($e);
        self::assertSame('api.request', $e->getReason());
        self::assertStringContainsString('inside an async runtime', $e->getMessage());
        self::assertSame('healthy', $c->health()['status']);
    }

    public function testErrorsBeforeTheFirstChunkAndAStalledStream(): void
    {
        $never = function (): void {
            self::fail('no chunk expected');
        };
        $e = null;
        try {
            self::client()->chatStream('bad-token', 'Hello', $never);
        } catch (ApiException $e) {
        }
        self::assertSame(401, $e ? $e->getStatus() : null);
        self::$server->fault(['path_prefix' => '/ai/chat/stream', 'kind' => 'slow_body', 'ms' => 1500]);
        $chunks = 0;
        $e = null;
        try {
            self::client(['timeout_ms' => 200])->chatStream(self::$token, 'Hello', function () use (&$chunks): void {
                $chunks++;
            });
        } catch (ApiException $e) {
        }
        self::assertSame('api.timeout', $e ? $e->getReason() : null);
        self::assertStringContainsString('(stream)', $e->getMessage());
        self::assertLessThanOrEqual(1, $chunks);
    }

    /** @return array<string, array{string, string}> */
    public function endings(): array
    {
        return [
            'fatal error (a bailout)' => ['trigger_error("boom", E_USER_ERROR);', 'Fatal error: boom'],
            'exit()' => ['exit(3);', ''],
        ];
    }

    /** @dataProvider endings */
    public function testAFatalErrorOrExitInsideTheCallableEndsTheScriptAndTheClientStillWorks(string $end, string $stderr): void
    {
        $code = sprintf('
            $c = new Halext\Client(%s);
            register_shutdown_function(function () use ($c) { echo json_encode(["after" => $c->health()["status"]]); });
            $c->chatStream(%s, "Hello", function () { %s });
            echo "not reached";',
            var_export(self::$server->options(), true), var_export(self::$token, true), $end);
        $run = PhpProcess::start(['-d', 'display_errors=stderr', '-d', 'log_errors=0', '-r', $code]);
        self::assertSame('{"after":"healthy"}', $run->stdout, $run->stderr);
        self::assertNotSame(0, $run->exitCode);
        self::assertStringContainsString($stderr, $run->stderr);
    }
}
