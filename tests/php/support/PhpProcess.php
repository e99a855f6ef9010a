<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * A child PHP process with its own INI settings and environment: `php -n` (no php.ini,
 * so nothing but the given settings), the extension loaded (unless asked not to), and an
 * environment that holds only PATH plus what the test passes. No shell is involved.
 */
final class PhpProcess
{
    /** @var string */
    public $stdout;
    /** @var string */
    public $stderr;
    /** @var int */
    public $exitCode;

    private function __construct(string $stdout, string $stderr, int $exitCode)
    {
        $this->stdout = $stdout;
        $this->stderr = $stderr;
        $this->exitCode = $exitCode;
    }

    public static function extensionPath(): string
    {
        return (string) getenv('HALEXT_PHP_EXTENSION');
    }

    /**
     * Runs `php -n [-d extension=…] -d k=v… <args…>`.
     *
     * @param list<string>          $args e.g. ['-r', $code] or ['--ri', 'halext']
     * @param array<string, string> $ini
     * @param array<string, string> $env
     */
    public static function start(array $args, array $ini = [], array $env = [], bool $extension = true): self
    {
        $cmd = [PHP_BINARY, '-n'];
        if ($extension) {
            array_push($cmd, '-d', 'extension=' . self::extensionPath());
        }
        foreach ($ini as $name => $value) {
            array_push($cmd, '-d', $name . '=' . $value);
        }
        $cmd = array_merge($cmd, $args);
        $spec = [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        $proc = proc_open($cmd, $spec, $pipes, null, $env + ['PATH' => (string) getenv('PATH')]);
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start ' . implode(' ', $cmd));
        }
        $stdout = (string) stream_get_contents($pipes[1]);
        $stderr = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return new self($stdout, $stderr, proc_close($proc));
    }

    /**
     * Runs `$code` (a PHP statement list) and decodes the JSON it prints.
     *
     * @param array<string, string> $ini
     * @param array<string, string> $env
     * @return mixed
     */
    public static function json(string $code, array $ini = [], array $env = [])
    {
        $run = self::start(['-r', $code], $ini, $env);
        if ($run->exitCode !== 0) {
            throw new \RuntimeException("child exited with {$run->exitCode}\nstdout: {$run->stdout}\nstderr: {$run->stderr}");
        }
        return json_decode($run->stdout, true, 512, JSON_THROW_ON_ERROR);
    }
}
