<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * The API client examples (examples/php/*.php) run as documented against the test server:
 * configuration from HALEXT_* variables only, credentials from HALEXT_EXAMPLE_*.
 */
final class ExamplesTest extends TestCase
{
    private const DIR = __DIR__ . '/../../examples/php/';

    /** @var TestServer */
    private static $server;

    public static function setUpBeforeClass(): void
    {
        self::$server = new TestServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    protected function setUp(): void
    {
        self::$server->reset();
    }

    /** @param array<string, string> $env */
    private static function example(string $example, array $env, array $args = []): PhpProcess
    {
        return PhpProcess::start(array_merge([self::DIR . $example], $args), [],
            $env + ['HALEXT_URL' => self::$server->url, 'HALEXT_ACCESS_CODE' => TestServer::ACCESS_CODE]);
    }

    /** @return array<string, string> */
    private static function user(string $username, bool $admin = false): array
    {
        self::$server->user($username, $admin);
        return ['HALEXT_EXAMPLE_USERNAME' => $username, 'HALEXT_EXAMPLE_PASSWORD' => "$username-password"];
    }

    public function testLogin(): void
    {
        $run = self::example('login.php', self::user('alice'));
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertMatchesRegularExpression('/^logged in, token expires at \d\d:\d\d:\d\d UTC\nI am alice <alice@example.org>\n$/', $run->stdout);
        $wrong = self::example('login.php', ['HALEXT_EXAMPLE_USERNAME' => 'alice', 'HALEXT_EXAMPLE_PASSWORD' => 'nope']);
        self::assertSame([1, "login refused: wrong username or password\n"], [$wrong->exitCode, $wrong->stderr]);
    }

    public function testRegister(): void
    {
        $run = self::example('register.php', ['HALEXT_EXAMPLE_USERNAME' => 'newbie', 'HALEXT_EXAMPLE_PASSWORD' => 'pw-1']);
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertStringStartsWith('registered newbie (id ', $run->stdout);
        $again = self::example('register.php', ['HALEXT_EXAMPLE_USERNAME' => 'newbie', 'HALEXT_EXAMPLE_PASSWORD' => 'pw-1']);
        self::assertSame([1, "taken: POST /users/: rejected (400): Email already registered\n"], [$again->exitCode, $again->stderr]);
        $gated = self::example('register.php', ['HALEXT_ACCESS_CODE' => 'wrong-code']);
        self::assertSame([1, "registration is gated: configure the access code\n"], [$gated->exitCode, $gated->stderr]);
    }

    public function testPulse(): void
    {
        $run = self::example('pulse.php', self::user('bob'));
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertMatchesRegularExpression('/^circle Example circle \(1 members, invite code [0-9A-F]{6}\)\nposted pulse \d+\n  \d\d:\d\d  bob: Hello from PHP via halext\n$/u', $run->stdout);
    }

    public function testMedia(): void
    {
        $run = self::example('media.php', self::user('root', true));
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertMatchesRegularExpression('#^uploaded \#\d+: https://\S+\.png\n1 file\(s\) in the media library\n$#', $run->stdout);
        $file = tempnam(sys_get_temp_dir(), 'halext-example-') . '.txt';
        file_put_contents($file, 'hello');
        try {
            $run = self::example('media.php', ['HALEXT_EXAMPLE_USERNAME' => 'root', 'HALEXT_EXAMPLE_PASSWORD' => 'root-password'], [$file]);
        } finally {
            unlink($file);
        }
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertStringContainsString("2 file(s)", $run->stdout);
        $denied = self::example('media.php', self::user('carol'));
        self::assertSame([1, "only Halext admins can upload media\n"], [$denied->exitCode, $denied->stderr]);
    }

    public function testAiChat(): void
    {
        $run = self::example('ai_chat.php', self::user('dave'));
        self::assertSame(0, $run->exitCode, $run->stderr);
        $lines = explode("\n", $run->stdout);
        self::assertStringStartsWith('chat (mock:mock, mock: no AI backend behind Halext): I am a mock AI assistant.', $lines[0]);
        self::assertStringStartsWith('stream: I am a mock AI assistant.', $lines[1]);
        self::assertMatchesRegularExpression('/^        \(\d+ chunks\)$/', $lines[2]);
        self::assertStringStartsWith('with context (2 snippets used): ', $lines[3]);
    }

    public function testClientTour(): void
    {
        // Without credentials: registers a throwaway account first.
        $run = self::example('client_tour.php', []);
        self::assertSame(0, $run->exitCode, $run->stdout . $run->stderr);
        foreach (['[1] Is Halext up?', 'status healthy, version 0.2.0-refactored', 'registered a throwaway account: tour_',
                     '[3] Who am I?', 'validateRemote: tour_', '[4] Post a pulse', '[5] Ask the AI', 'Tour complete.'] as $needle) {
            self::assertStringContainsString($needle, $run->stdout);
        }
        // With credentials, and a failure reported in one line with exit 1.
        self::assertSame(0, self::example('client_tour.php', self::user('erin'))->exitCode);
        $bad = self::example('client_tour.php', ['HALEXT_EXAMPLE_USERNAME' => 'erin', 'HALEXT_EXAMPLE_PASSWORD' => 'wrong']);
        self::assertSame(1, $bad->exitCode);
        self::assertStringStartsWith('client_tour: api.unauthorized (HTTP 401): POST /token', $bad->stderr);
        $none = PhpProcess::start([self::DIR . 'client_tour.php']);
        self::assertSame([2, "client_tour: set HALEXT_URL (the Halext API base URL)\n"], [$none->exitCode, $none->stderr]);
    }
}
