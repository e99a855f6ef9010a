<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * One legacy-app adapter (examples/php/acmlmboard, examples/php/zeniea) served by PHP's
 * built-in web server through its demo-shell router, against its own copy of the app's fixture
 * (the adapters write to the legacy `users` table, so the shared read-only copies of
 * LegacySites are not used), a fresh mapping database and a Halext test server.
 *
 * The server is `php -n` with the extension, pdo_mysql and nothing else, configured only by its
 * environment (HALEXT_CONFIG, HALEXT_URL, the app's database URL, optionally HALEXT_JWT_SECRET),
 * with `session.serialize_handler=php_serialize` so a test can read and alter a session file
 * (what an attacker who can write the session store could do).
 *
 * The HTTP client keeps one cookie jar, never follows redirects, and returns status, headers
 * and body of each request.
 */
final class AdapterSite
{
    /** @var string the app's legacy database (mysql URL) */
    public $db;
    /** @var string the mapping database */
    public $mapping;
    /** @var string */
    public $config;
    /** @var string base URL of the web server, with a trailing slash */
    public $url = '';
    /** @var string */
    public $dir;
    /** @var array<string, string> */
    private $cookies = [];
    /** @var resource|null */
    private $web = null;

    /**
     * @param string $site     `[[site]] name` (acmlm | social)
     * @param string $profile  acmlmboard | zen3mp
     * @param string $fixture  path under examples/data/fixtures
     * @param string $router   the adapter's demo router, relative to the repository root
     * @param string $dbEnv    the environment variable the demo shell reads its database from
     * @param bool   $localJwt whether the web server gets Halext's SECRET_KEY (local validation)
     */
    public function __construct(TestServer $halext, string $site, string $profile, string $fixture, string $router, string $dbEnv, bool $localJwt = true, string $siteToml = '')
    {
        $this->db = MariaDb::fresh("php_adapter_$site", ["examples/data/fixtures/$fixture"]);
        $this->mapping = MariaDb::fresh("php_adapter_map_$site");
        $this->dir = sys_get_temp_dir() . '/halext-php-adapter-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
        mkdir($this->dir . '/sessions', 0700);
        $toml = '[halext]
url = ' . LegacySites::str($halext->url) . '
access_code = ' . LegacySites::str(TestServer::ACCESS_CODE) . '
timeout_ms = 3000
connect_timeout_ms = 1000
retries = 0

[mapping]
dsn = ' . LegacySites::str($this->mapping) . '

[[site]]
name = ' . LegacySites::str($site) . '
profile = ' . LegacySites::str($profile) . '
dsn = ' . LegacySites::str($this->db) . '
' . $siteToml;
        $this->config = $this->dir . '/halext.toml';
        file_put_contents($this->config, $toml);
        (new \Halext\Migration(['config' => $this->config]))->init();

        $env = ['PATH' => (string) getenv('PATH'), 'HALEXT_CONFIG' => $this->config, 'HALEXT_URL' => $halext->url,
            'HALEXT_TIMEOUT_MS' => '3000', 'HALEXT_CONNECT_TIMEOUT_MS' => '1000', $dbEnv => $this->db];
        if ($localJwt) {
            $env['HALEXT_JWT_SECRET'] = TestServer::SECRET_KEY;
        }
        $root = MariaDb::ROOT;
        $cmd = [PHP_BINARY, '-n', '-d', 'extension=mysqlnd', '-d', 'extension=pdo', '-d', 'extension=pdo_mysql',
            '-d', 'extension=' . PhpProcess::extensionPath(), '-d', 'session.save_path=' . $this->dir . '/sessions',
            '-d', 'session.serialize_handler=php_serialize', '-d', 'display_errors=0', '-d', 'log_errors=1',
            '-d', 'error_reporting=-1', '-S', '127.0.0.1:0', "$root/$router"];
        $log = $this->dir . '/server.log';
        $web = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', $log, 'w']], $pipes, null, $env);
        if (!is_resource($web)) {
            throw new \RuntimeException('cannot start php -S');
        }
        $this->web = $web;
        $m = [];
        for ($i = 0; $i < 500 && preg_match('#\(http://127\.0\.0\.1:(\d+)\) started#', (string) @file_get_contents($log), $m) !== 1; $i++) {
            usleep(10000);
        }
        if (!isset($m[1])) {
            throw new \RuntimeException('php -S did not start: ' . @file_get_contents($log));
        }
        $this->url = "http://127.0.0.1:{$m[1]}/";
    }

    /** Stops the web server, drops the databases, removes the files. */
    public function stop(): void
    {
        if (is_resource($this->web)) {
            proc_terminate($this->web);
            proc_close($this->web);
        }
        $this->web = null;
        MariaDb::drop($this->db);
        MariaDb::drop($this->mapping);
        array_map('unlink', glob($this->dir . '/sessions/*') ?: []);
        @rmdir($this->dir . '/sessions');
        array_map('unlink', glob($this->dir . '/*') ?: []);
        @rmdir($this->dir);
    }

    /** What the web server wrote to stderr (PHP errors, error_log lines). */
    public function log(): string
    {
        return (string) @file_get_contents($this->dir . '/server.log');
    }

    /** Forgets the cookies (a new browser). */
    public function newBrowser(): void
    {
        $this->cookies = [];
    }

    /**
     * One request. `$form` null = GET; otherwise a POST of those fields.
     *
     * @param array<string, string>|null $form
     * @return array{status: int, location: ?string, body: string}
     */
    public function request(string $path, ?array $form = null): array
    {
        $cookie = implode('; ', array_map(static fn ($k, $v) => "$k=$v", array_keys($this->cookies), $this->cookies));
        $headers = "Connection: close\r\n" . ($cookie !== '' ? "Cookie: $cookie\r\n" : '');
        $http = ['method' => $form === null ? 'GET' : 'POST', 'ignore_errors' => true, 'timeout' => 10,
            'follow_location' => 0, 'header' => $headers];
        if ($form !== null) {
            $http['header'] .= "Content-Type: application/x-www-form-urlencoded\r\n";
            $http['content'] = http_build_query($form);
        }
        $body = (string) @file_get_contents($this->url . ltrim($path, '/'), false, stream_context_create(['http' => $http]));
        $status = 0;
        $location = null;
        foreach ($http_response_header ?? [] as $h) {
            if (preg_match('/^Set-Cookie:\s*([^=;]+)=([^;]*)/i', $h, $c)) {
                if ($c[2] === '' || $c[2] === 'deleted') {
                    unset($this->cookies[$c[1]]);
                } else {
                    $this->cookies[$c[1]] = $c[2];
                }
            }
            if (preg_match('#^HTTP/\S+ (\d+)#', $h, $s)) {
                $status = (int) $s[1];
            }
            if (preg_match('/^Location:\s*(\S+)/i', $h, $l)) {
                $location = $l[1];
            }
        }
        if ($status >= 500 || $status === 0) {
            throw new \RuntimeException("$path: HTTP $status\n$body\n" . $this->log());
        }
        return ['status' => $status, 'location' => $location, 'body' => $body];
    }

    /** The CSRF token of the form on `$path` (a GET, which also starts the session). */
    public function csrf(string $path): string
    {
        $page = $this->request($path)['body'];
        if (preg_match('/name="csrf" value="([0-9a-f]{64})"/', $page, $m) !== 1) {
            throw new \RuntimeException("no CSRF field on $path:\n$page");
        }
        return $m[1];
    }

    /** GETs `$path`, then POSTs `$form` plus the page's CSRF token. */
    public function submit(string $path, array $form): array
    {
        return $this->request($path, $form + ['csrf' => $this->csrf($path)]);
    }

    /** The text of the element `id="$id"` in `$html` (entities decoded), or null. */
    public static function text(string $html, string $id): ?string
    {
        return preg_match('#id="' . preg_quote($id, '#') . '">(.*?)</#s', $html, $m) === 1 ? html_entity_decode($m[1], ENT_QUOTES) : null;
    }

    /** The current session (php_serialize format), or null when the browser has none. */
    public function session(): ?array
    {
        $id = $this->cookies['PHPSESSID'] ?? null;
        if ($id === null || !is_file("{$this->dir}/sessions/sess_$id")) {
            return null;
        }
        $data = unserialize((string) file_get_contents("{$this->dir}/sessions/sess_$id"));
        return is_array($data) ? $data : null;
    }

    /** Rewrites the current session file (to plant a tampered or expired token). */
    public function writeSession(array $data): void
    {
        $id = $this->cookies['PHPSESSID'] ?? '';
        file_put_contents("{$this->dir}/sessions/sess_$id", serialize($data));
    }

    /** One row of SQL against the app's database, tab-separated columns. */
    public function sql(string $sql): string
    {
        return trim(MariaDb::query($this->db, $sql));
    }

    /** The mapping row of `$site`/`$id` as [status, method, halext_username], or null. */
    public function mappingRow(string $site, int $id): ?array
    {
        $row = trim(MariaDb::query($this->mapping, "SELECT status, link_method, halext_username FROM halext_user_map WHERE site = '$site' AND legacy_id = $id"));
        return $row === '' ? null : explode("\t", $row);
    }
}
