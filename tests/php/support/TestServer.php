<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * The Halext-compatible test server (`halext-test-server`, built with the workspace) as a child
 * process of the test run: secrets in temp files (never on the command line), a free port,
 * `--exit-on-stdin-close` (its stdin is a pipe held by this process, so it goes away with the
 * test run even if PHPUnit dies), and the control API (`/__test/...`): faults, users, tokens,
 * the request log.
 *
 * The binary is `$HALEXT_TEST_SERVER` (scripts/test-php.sh sets it to `<target>/halext-test-server`).
 */
final class TestServer
{
    /** The server's SECRET_KEY (HS256 key of access tokens). */
    public const SECRET_KEY = 'php-suite-secret-key-0123456789-abcdef';
    /** The registration access code. */
    public const ACCESS_CODE = 'php-suite-access-code';

    /** @var string `http://127.0.0.1:PORT` */
    public $url;
    /** @var resource */
    private $proc;
    /** @var resource */
    private $stdin;
    /** @var resource */
    private $stdout;
    /** @var string */
    private $dir;

    /** @param list<string> $flags extra command-line flags (e.g. `--openwebui-url`, `--openwebui-sync`) */
    public function __construct(array $flags = [])
    {
        $binary = (string) getenv('HALEXT_TEST_SERVER');
        if ($binary === '' || !is_executable($binary)) {
            throw new \RuntimeException("HALEXT_TEST_SERVER must name the halext-test-server binary (cargo build -p halext-test-server); got '$binary'");
        }
        $this->dir = sys_get_temp_dir() . '/halext-php-server-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
        file_put_contents($this->dir . '/secret_key', self::SECRET_KEY . "\n");
        file_put_contents($this->dir . '/access_code', self::ACCESS_CODE . "\n");
        $cmd = array_merge([$binary, '--listen', '127.0.0.1:0', '--exit-on-stdin-close',
            '--secret-key-file', $this->dir . '/secret_key', '--access-code-file', $this->dir . '/access_code'], $flags);
        $spec = [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $this->dir . '/stderr', 'w']];
        $proc = proc_open($cmd, $spec, $pipes, null, ['PATH' => (string) getenv('PATH')]);
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start ' . $binary);
        }
        $this->proc = $proc;
        [$this->stdin, $this->stdout] = [$pipes[0], $pipes[1]];
        $line = (string) fgets($this->stdout);
        if (!preg_match('#^listening on (http://127\.0\.0\.1:\d+)$#', trim($line), $m)) {
            $this->stop();
            throw new \RuntimeException("the test server did not start: '$line'");
        }
        $this->url = $m[1];
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** Stops the server (closing its stdin) and removes its files. */
    public function stop(): void
    {
        if (is_resource($this->stdin)) {
            fclose($this->stdin);
        }
        if (is_resource($this->stdout)) {
            fclose($this->stdout);
        }
        if (is_resource($this->proc)) {
            proc_terminate($this->proc);
            proc_close($this->proc);
        }
        if ($this->dir !== '' && is_dir($this->dir)) {
            array_map('unlink', glob($this->dir . '/*') ?: []);
            rmdir($this->dir);
            $this->dir = '';
        }
    }

    /** The port, e.g. for a raw socket. */
    public function port(): int
    {
        return (int) parse_url($this->url, PHP_URL_PORT);
    }

    /**
     * One request to the server without the extension (the control API, or raw checks).
     *
     * @return array{status: int, body: string}
     */
    public function raw(string $method, string $path, ?string $json = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\nConnection: close\r\n",
            'content' => $json ?? '',
            'ignore_errors' => true,
            'timeout' => 5,
        ]]);
        $body = file_get_contents($this->url . $path, false, $context);
        $status = 0;
        foreach ($http_response_header ?? [] as $h) {
            if (preg_match('#^HTTP/\S+ (\d{3})#', $h, $m)) {
                $status = (int) $m[1];
            }
        }
        return ['status' => $status, 'body' => (string) $body];
    }

    /** @return mixed */
    private function control(string $method, string $path, $body = null)
    {
        $r = $this->raw($method, $path, $body === null ? null : json_encode($body, JSON_THROW_ON_ERROR));
        if ($r['status'] >= 300) {
            throw new \RuntimeException("$method $path: {$r['status']} {$r['body']}");
        }
        return $r['body'] === '' ? null : json_decode($r['body'], true, 512, JSON_THROW_ON_ERROR);
    }

    /** Clears faults, the request log and every table. */
    public function reset(): void
    {
        $this->control('POST', '/__test/reset');
    }

    /**
     * Registers a fault: `['path_prefix' => '/health', 'kind' => 'status_500', 'count' => 2, ...]`.
     *
     * @param array<string, mixed> $fault
     */
    public function fault(array $fault): void
    {
        $this->control('POST', '/__test/faults', $fault);
    }

    /**
     * Creates a user (1000 PBKDF2 rounds: quick) with password "<username>-password";
     * returns a fresh access token for it (30 minutes).
     */
    public function user(string $username, bool $admin = false): string
    {
        $this->control('POST', '/__test/users', ['username' => $username, 'email' => "$username@example.org",
            'password' => "$username-password", 'is_admin' => $admin, 'rounds' => 1000]);
        return $this->token($username);
    }

    /** An access token for `$username` signed with the server's secret (`$exp` absent: now + 30 min). */
    public function token(string $username, ?int $exp = null): string
    {
        $body = ['username' => $username];
        if ($exp !== null) {
            $body['exp'] = $exp;
        }
        return $this->control('POST', '/__test/token', $body)['access_token'];
    }

    /**
     * The request log (method, path, query, headers, body with secrets masked, status,
     * connection number), oldest first.
     *
     * @return list<array<string, mixed>>
     */
    public function requests(): array
    {
        return $this->control('GET', '/__test/requests');
    }

    /** Client options for this server with short timeouts and quick retries. */
    public function options(array $extra = []): array
    {
        return $extra + ['url' => $this->url, 'timeout_ms' => 2000, 'connect_timeout_ms' => 1000,
            'retries' => 2, 'retry_base_ms' => 5, 'retry_max_ms' => 20, 'access_code' => self::ACCESS_CODE];
    }
}
