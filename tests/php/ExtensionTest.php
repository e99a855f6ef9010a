<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/** The extension loads, identifies itself, and starts nothing at module start-up. */
final class ExtensionTest extends TestCase
{
    public function testTheModuleIsNamedHalextAndReportsTheWorkspaceVersion(): void
    {
        self::assertTrue(extension_loaded('halext'));
        $cargo = (string) file_get_contents(__DIR__ . '/../../Cargo.toml');
        self::assertSame(1, preg_match('/\[workspace\.package\][^\[]*?\nversion\s*=\s*"([^"]+)"/', $cargo, $m));
        self::assertSame($m[1], halext_version());
        self::assertSame(halext_version(), phpversion('halext'));
        self::assertSame('halext', (new ReflectionExtension('halext'))->getName());
    }

    public function testLoadingAndUsingTheExtensionStartsNoThread(): void
    {
        // PHP-FPM forks workers after module start-up: a thread (tokio runtime, pool) made
        // then would not exist in the workers. The CLI is single-threaded, so after start-up
        // and a few calls the process must still have exactly one thread.
        $threads = PhpProcess::json(
            'halext_version(); halext_error_codes(); halext_config();
             try { throw new Halext\TokenException("x"); } catch (Halext\Exception $e) {}
             echo json_encode(count(array_diff(scandir("/proc/self/task"), [".", ".."])));'
        );
        self::assertSame(1, $threads);
    }

    public function testModuleInfoSectionShowsVersionAndBuild(): void
    {
        $run = PhpProcess::start(['--ri', 'halext']);
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertStringContainsString('halext support => enabled', $run->stdout);
        self::assertStringContainsString('Version => ' . halext_version(), $run->stdout);
        $build = function_exists('Halext\\Debug\\panic') ? '(Halext\\Debug\\* test hooks present)' : 'Build => release';
        self::assertStringContainsString($build, $run->stdout);
        self::assertStringContainsString('Directive => Local Value => Master Value', $run->stdout);
    }

    public function testAFailingLoadIsReportedNotSilent(): void
    {
        // The harness relies on this: a child without the extension has none of its functions.
        $run = PhpProcess::start(['-r', 'echo json_encode(function_exists("halext_version"));'], [], [], false);
        self::assertSame('false', $run->stdout);
    }
}
