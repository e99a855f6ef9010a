<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * `HALEXT_LOG` (halext-core/src/logging.rs): the extension writes the core's diagnostics to
 * standard error only when it is set, at the level it names, and never the secret.
 */
final class LoggingTest extends TestCase
{
    /** One of the Halext server's published default secrets: validators built with it warn. */
    private const DEFAULT_SECRET = 'your-secret-key-change-in-production';

    private static function build(array $env): PhpProcess
    {
        $code = 'new Halext\TokenValidator(["secret" => "' . self::DEFAULT_SECRET . '", "allow_short_secret" => true]); echo "built";';
        return PhpProcess::start(['-r', $code], [], $env);
    }

    public function testDiagnosticsGoToStderrWhenHalextLogIsSet(): void
    {
        $run = self::build(['HALEXT_LOG' => 'warn']);
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertSame('built', $run->stdout);
        self::assertStringContainsString("published default secrets", $run->stderr);
        self::assertStringContainsString('WARN', $run->stderr);
        self::assertStringNotContainsString(self::DEFAULT_SECRET, $run->stderr, 'the secret is never logged');
    }

    public function testNothingIsWrittenWithoutHalextLogOrBelowItsLevel(): void
    {
        foreach ([[], ['HALEXT_LOG' => 'error'], ['HALEXT_LOG' => 'not a [valid filter']] as $env) {
            $run = self::build($env);
            self::assertSame(0, $run->exitCode, $run->stderr);
            self::assertSame('', $run->stderr, json_encode($env));
        }
    }
}
