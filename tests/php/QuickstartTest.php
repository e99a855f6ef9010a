<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * examples/php/quickstart.php (what `make demo` runs) keeps working: a fresh token is accepted,
 * the tampered one and the expired one are rejected with their reasons, no secret is printed.
 */
final class QuickstartTest extends TestCase
{
    public function testTheQuickstartAcceptsTheFreshTokenAndRejectsTheOthers(): void
    {
        $secret = bin2hex(random_bytes(32));
        $file = (string) tempnam(sys_get_temp_dir(), 'halext-demo-');
        file_put_contents($file, $secret . "\n");
        try {
            $run = PhpProcess::start([__DIR__ . '/../../examples/php/quickstart.php'], [], ['HALEXT_JWT_SECRET_FILE' => $file]);
        } finally {
            unlink($file);
        }
        self::assertSame(0, $run->exitCode, $run->stdout . $run->stderr);
        self::assertStringContainsString('signs its own tokens', $run->stdout);
        self::assertStringContainsString('JWT secret: set (from HALEXT_JWT_SECRET_FILE', $run->stdout);
        self::assertMatchesRegularExpression('/\[3\][^\[]*accepted: user "alice"/', $run->stdout);
        self::assertMatchesRegularExpression('/\[4\][^\[]*rejected: Halext\\\\TokenException \(token\.bad_signature 103\)/', $run->stdout);
        self::assertMatchesRegularExpression('/\[5\][^\[]*rejected: Halext\\\\TokenException \(token\.expired 104\)/', $run->stdout);
        self::assertStringNotContainsString($secret, $run->stdout . $run->stderr);
    }

    public function testWithoutASecretItSaysWhatToSet(): void
    {
        $run = PhpProcess::start([__DIR__ . '/../../examples/php/quickstart.php']);
        self::assertSame(2, $run->exitCode);
        self::assertStringContainsString('HALEXT_JWT_SECRET_FILE', $run->stderr);
    }
}
