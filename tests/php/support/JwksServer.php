<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * A local JWKS endpoint for tests: PHP's built-in web server (`php -S 127.0.0.1:0`) with a
 * router that answers `/jwks` from files in a temporary directory, so a test can change what it
 * serves between calls:
 *
 * - `serve($json)`: 200 with that body (`application/json`);
 * - `fail(500)`: that status with a short plain-text body;
 * - `garbage()`: 200 with a body that is not JSON.
 *
 * Every request to `/jwks` is counted (`hits()`). The URL is `http://127.0.0.1:<port>/jwks`,
 * so validators need `allow_http_jwks` (loopback only).
 */
final class JwksServer
{
    /** @var resource */
    private $process;
    /** @var string */
    private $dir;
    /** @var string */
    public $url;

    private const ROUTER = <<<'PHP'
<?php
$dir = __DIR__;
if (parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) !== '/jwks') { http_response_code(404); return true; }
$fp = fopen("$dir/hits", 'c+'); flock($fp, LOCK_EX); $n = (int) stream_get_contents($fp);
ftruncate($fp, 0); rewind($fp); fwrite($fp, (string) ($n + 1)); flock($fp, LOCK_UN); fclose($fp);
$status = (int) file_get_contents("$dir/status");
http_response_code($status);
header('Content-Type: ' . ($status === 200 ? 'application/json' : 'text/plain'));
echo file_get_contents("$dir/body");
return true;
PHP;

    public function __construct()
    {
        $this->dir = sys_get_temp_dir() . '/halext-jwks-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700);
        file_put_contents($this->dir . '/router.php', self::ROUTER);
        file_put_contents($this->dir . '/hits', '0');
        $this->fail(503);
        $cmd = [PHP_BINARY, '-n', '-S', '127.0.0.1:0', $this->dir . '/router.php'];
        $log = $this->dir . '/server.log';
        $process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', $log, 'w']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start php -S');
        }
        $this->process = $process;
        for ($i = 0; $i < 500 && preg_match('#\(http://127\.0\.0\.1:(\d+)\) started#', (string) @file_get_contents($log), $m) !== 1; $i++) {
            usleep(10000);
        }
        if ($m === [] || !isset($m[1])) {
            $output = (string) @file_get_contents($log);
            $this->stop();
            throw new \RuntimeException("php -S did not start: $output");
        }
        $this->url = "http://127.0.0.1:{$m[1]}/jwks";
    }

    public function serve(string $json): void
    {
        $this->write(200, $json);
    }

    public function fail(int $status): void
    {
        $this->write($status, "error $status");
    }

    public function garbage(): void
    {
        $this->write(200, "<html>this is not a JWKS</html>");
    }

    public function hits(): int
    {
        return (int) file_get_contents($this->dir . '/hits');
    }

    private function write(int $status, string $body): void
    {
        // Body first, then status: a request in between sees the old status with the new body
        // at worst, never a half-written file (file_put_contents with LOCK_EX is atomic enough
        // for these single-request tests).
        file_put_contents($this->dir . '/body', $body, LOCK_EX);
        file_put_contents($this->dir . '/status', (string) $status, LOCK_EX);
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
        exec('rm -rf ' . escapeshellarg($this->dir));
    }

    public function __destruct()
    {
        $this->stop();
    }
}
