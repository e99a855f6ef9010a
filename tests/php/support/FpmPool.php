<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * A throwaway PHP-FPM master (Debian's php-fpm8.2) with one static pool on a unix socket, the
 * halext extension loaded in the master (the workers are forked from it, as in production),
 * `clear_env = yes` and the given `env[...]` / `php_admin_value[...]`. Scripts are written to
 * its `www` directory and run with the FastCGI client ({@see FastCgi}).
 */
final class FpmPool
{
    public const FPM = '/usr/sbin/php-fpm8.2';

    /** @var string */
    public $dir;
    /** @var string */
    public $socket;
    /** @var resource|null */
    private $proc;

    /**
     * @param int                   $workers `pm.max_children` (pm = static)
     * @param array<string, string> $env     `env[NAME] = value`
     * @param array<string, string> $ini     `php_admin_value[name] = value`
     * @param array<string, string> $scripts file name => PHP source
     * @param list<string>          $prefix  command prefix (e.g. ['taskset', '-c', '0'])
     * @param string                $extension the extension to load (default: the one under test)
     */
    public function __construct(int $workers, array $env, array $ini, array $scripts, array $prefix = [], string $extension = '')
    {
        if (!is_executable(self::FPM)) {
            throw new \RuntimeException(self::FPM . ' is missing (Debian: apt-get install php-fpm)');
        }
        $this->dir = sys_get_temp_dir() . '/halext-fpm-pool-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->dir . '/www', 0700, true);
        $this->socket = $this->dir . '/fpm.sock';
        $user = posix_getpwuid(posix_geteuid())['name'];
        $group = posix_getgrgid(posix_getegid())['name'];
        $lines = ["[global]", "pid = {$this->dir}/fpm.pid", "error_log = {$this->dir}/fpm.log", "daemonize = no", "",
            "[pool]", "user = $user", "group = $group", "listen = {$this->socket}", "pm = static",
            "pm.max_children = $workers", "clear_env = yes", "catch_workers_output = yes"];
        foreach ($env as $k => $v) {
            $lines[] = "env[$k] = $v";
        }
        foreach ($ini as $k => $v) {
            $lines[] = "php_admin_value[$k] = $v";
        }
        file_put_contents($this->dir . '/fpm.conf', implode("\n", $lines) . "\n");
        foreach ($scripts as $name => $code) {
            file_put_contents($this->dir . '/www/' . $name, $code);
        }
        $extension = $extension !== '' ? $extension : PhpProcess::extensionPath();
        $cmd = array_merge($prefix, [self::FPM, '-n', '-d', 'extension=' . $extension, '-y', $this->dir . '/fpm.conf', '-F', '-O']);
        if (posix_geteuid() === 0) {
            $cmd[] = '-R';
        }
        $spec = [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->dir . '/stdout.log', 'w'], 2 => ['file', $this->dir . '/stderr.log', 'w']];
        $this->proc = proc_open($cmd, $spec, $pipes, null, ['PATH' => (string) getenv('PATH')]);
        for ($i = 0; $i < 250 && !file_exists($this->socket); $i++) {
            usleep(20000);
        }
        if (!file_exists($this->socket)) {
            $log = @file_get_contents($this->dir . '/stderr.log') . @file_get_contents($this->dir . '/fpm.log');
            $this->stop();
            throw new \RuntimeException("php-fpm did not start:\n$log");
        }
    }

    public function __destruct()
    {
        $this->stop();
    }

    /**
     * Runs a script of the pool and decodes its JSON output.
     *
     * @return mixed
     */
    public function json(string $script, string $query = '')
    {
        $response = FastCgi::get($this->socket, $this->dir . '/www/' . $script, $query);
        $decoded = json_decode($response['body'], true);
        if ($decoded === null) {
            throw new \RuntimeException("$script: not JSON: {$response['body']} {$response['stderr']}");
        }
        return $decoded;
    }

    /** The raw FastCGI response of a script. */
    public function get(string $script, string $query = ''): array
    {
        return FastCgi::get($this->socket, $this->dir . '/www/' . $script, $query);
    }

    public function stop(): void
    {
        if (is_resource($this->proc)) {
            proc_terminate($this->proc, SIGQUIT);
            proc_close($this->proc);
            $this->proc = null;
        }
        if ($this->dir !== '' && is_dir($this->dir)) {
            exec('rm -rf ' . escapeshellarg($this->dir));
            $this->dir = '';
        }
    }
}
