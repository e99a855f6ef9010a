<?php

declare(strict_types=1);

use Halext\Tests\LegacySites;
use Halext\Tests\PhpProcess;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * examples/php/login_form.php served by PHP's built-in web server with the extension (its own
 * process: `php -n -d extension=… -S`), configured only through the environment
 * (HALEXT_CONFIG, HALEXT_SITE), driven by HTTP POSTs with a session cookie: a legacy Acmlmboard
 * user migrates at the first sign-in, signs in again, and a user whose Halext account already
 * exists connects it with the Halext password; wrong password and unknown user read the same.
 */
final class LoginFormTest extends TestCase
{
    private const EXAMPLE = __DIR__ . '/../../examples/php/login_form.php';

    /** @var TestServer|null */
    private $halext = null;
    /** @var resource|null */
    private $web = null;
    /** @var string */
    private $url = '';
    /** @var string */
    private $dir = '';
    /** @var string */
    private $cookie = '';

    protected function setUp(): void
    {
        $this->halext = new TestServer();
        $cfg = LegacySites::config($this->halext->url);
        (new Halext\Migration(['config' => $cfg['path']]))->init();
        $this->dir = dirname($cfg['path']);
        mkdir($this->dir . '/sessions', 0700);
        $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . PhpProcess::extensionPath(), '-d', 'session.save_path=' . $this->dir . '/sessions',
            '-d', 'display_errors=0', '-d', 'log_errors=1', '-S', '127.0.0.1:0', self::EXAMPLE];
        $env = ['PATH' => (string) getenv('PATH'), 'HALEXT_CONFIG' => $cfg['path'], 'HALEXT_SITE' => 'acmlm'];
        $log = $this->dir . '/server.log';
        $web = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', $log, 'w']], $pipes, null, $env);
        self::assertIsResource($web);
        $this->web = $web;
        $m = [];
        for ($i = 0; $i < 500 && preg_match('#\(http://127\.0\.0\.1:(\d+)\) started#', (string) @file_get_contents($log), $m) !== 1; $i++) {
            usleep(10000);
        }
        self::assertArrayHasKey(1, $m, 'php -S did not start: ' . @file_get_contents($log));
        $this->url = "http://127.0.0.1:{$m[1]}/";
    }

    protected function tearDown(): void
    {
        if (is_resource($this->web)) {
            proc_terminate($this->web);
            proc_close($this->web);
        }
        if ($this->halext !== null) {
            $this->halext->stop();
        }
        array_map('unlink', glob($this->dir . '/sessions/*') ?: []);
        @rmdir($this->dir . '/sessions');
        @unlink($this->dir . '/server.log');
        LegacySites::cleanup();
    }

    /** @param array<string, string>|null $form POST fields, or null for a GET */
    private function request(?array $form = null): string
    {
        $headers = "Connection: close\r\n" . ($this->cookie !== '' ? "Cookie: {$this->cookie}\r\n" : '');
        $http = ['method' => $form === null ? 'GET' : 'POST', 'ignore_errors' => true, 'timeout' => 10, 'header' => $headers];
        if ($form !== null) {
            $http['header'] .= "Content-Type: application/x-www-form-urlencoded\r\n";
            $http['content'] = http_build_query($form);
        }
        $body = (string) file_get_contents($this->url, false, stream_context_create(['http' => $http]));
        foreach ($http_response_header ?? [] as $h) {
            if (preg_match('/^Set-Cookie:\s*([^;]+)/i', $h, $c)) {
                $this->cookie = $c[1];
            }
            if (preg_match('#^HTTP/\S+ (\d+)#', $h, $s)) {
                self::assertSame('200', $s[1], $body . "\n" . @file_get_contents($this->dir . '/server.log'));
            }
        }
        return $body;
    }

    private static function message(string $html): ?string
    {
        return preg_match('#<p id="message">(.*?)</p>#s', $html, $m) === 1 ? html_entity_decode($m[1], ENT_QUOTES) : null;
    }

    public function testALegacyUserSignsInMigratesAndSignsInAgain(): void
    {
        $form = $this->request();
        self::assertStringContainsString('name="password"', $form);
        self::assertNull(self::message($form));

        $wrong = self::message($this->request(['login' => 'bob', 'password' => 'not it']));
        self::assertSame('Wrong username or password.', $wrong);
        self::assertSame($wrong, self::message($this->request(['login' => 'nobody', 'password' => 'correct horse'])));
        self::assertSame('This account is disabled.', self::message($this->request(['login' => 'Spammer', 'password' => 'correct horse'])));

        // bob's row is the salted md5 of 2014-2019 (legacylogin on): migrated at this sign-in.
        self::assertSame('Signed in as bob (migrated).', self::message($this->request(['login' => 'bob', 'password' => 'correct horse'])));
        $signedIn = $this->request();
        self::assertStringNotContainsString('name="password"', $signedIn, 'the session is signed in');
        self::assertSame('Signed in as bob (logged_in).', self::message($this->request(['login' => 'Bobby Tables', 'password' => 'correct horse'])));
    }

    public function testAnExistingHalextAccountIsConnectedWithItsPassword(): void
    {
        self::assertNotNull($this->halext);
        $this->halext->user('Alice'); // a Halext-only "Alice" with the password "Alice-password"
        $ask = $this->request(['login' => 'Alice', 'password' => 'correct horse']);
        self::assertSame('You already have a Halext account. Enter its password to connect it.', self::message($ask));
        self::assertStringContainsString('name="halext_password"', $ask);

        $retry = $this->request(['halext_password' => 'wrong']);
        self::assertSame('Wrong username or password.', self::message($retry));
        self::assertStringContainsString('name="halext_password"', $retry, 'asked again');
        self::assertSame('Signed in as Alice (linked_existing).', self::message($this->request(['halext_password' => 'Alice-password'])));
    }
}
