<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * No Rust panic crosses into PHP: it becomes Halext\Exception (INTERNAL) with a fixed
 * message, the payload (which might hold a secret) is never shown, and the process goes on.
 * Secret parameters are hidden from stack traces with #[\SensitiveParameter].
 *
 * @group debug-hooks
 */
final class PanicTest extends TestCase
{
    public function testAPanicBecomesAnInternalHalextException(): void
    {
        try {
            Halext\Debug\panic('payload with hunter2');
            self::fail('nothing thrown');
        } catch (Halext\Exception $e) {
            self::assertSame(Halext\Exception::class, get_class($e));
            self::assertSame(Halext\Exception::INTERNAL, $e->getCode());
            self::assertSame('internal', $e->getReason());
            self::assertStringNotContainsString('hunter2', $e->getMessage());
            self::assertStringContainsString('internal error in the halext extension', $e->getMessage());
        }
        // The extension still works afterwards.
        self::assertSame(halext_version(), phpversion('halext'));
    }

    public function testThePanicLocationIsLoggedButNotItsPayload(): void
    {
        $run = PhpProcess::start(['-r', '
            foreach ([1, 2] as $i) {
                try { Halext\Debug\panic("payload with hunter2"); } catch (Halext\Exception $e) { echo $e->getCode(), " "; }
            }
            echo halext_version();']);
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertSame('1 1 ' . halext_version(), $run->stdout);
        self::assertSame(2, substr_count($run->stderr, 'halext: internal error: Rust panic at halext-php/src/debug.rs:'));
        self::assertStringNotContainsString('hunter2', $run->stderr);
    }

    public function testSensitiveParametersAreHiddenFromTraces(): void
    {
        $param = (new ReflectionFunction('Halext\\Debug\\sensitive'))->getParameters()[0];
        self::assertSame(['SensitiveParameter'], array_map(static function (ReflectionAttribute $a): string {
            return $a->getName();
        }, $param->getAttributes()));

        // zend.exception_ignore_args=0 (phpunit.xml) would otherwise put the argument in the trace.
        self::assertSame('0', ini_get('zend.exception_ignore_args'));
        try {
            Halext\Debug\sensitive('token-hunter2');
            self::fail('nothing thrown');
        } catch (Halext\Exception $e) {
            self::assertInstanceOf(SensitiveParameterValue::class, $e->getTrace()[0]['args'][0]);
            self::assertStringNotContainsString('hunter2', $e->getTraceAsString());
            self::assertStringNotContainsString('hunter2', print_r($e->getTrace()[0], true));
        }
    }

    public function testWithoutTheAttributeTheArgumentWouldShow(): void
    {
        // Guard for the test above: the same call through a PHP function without the
        // attribute does expose its argument, so the assertion above can fail.
        $leaky = static function (string $secret): void {
            throw new RuntimeException('x');
        };
        try {
            $leaky('token-hunter2');
        } catch (RuntimeException $e) {
            self::assertStringContainsString('hunter2', print_r($e->getTrace()[0], true));
        }
    }
}
