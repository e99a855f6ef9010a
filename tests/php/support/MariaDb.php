<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * The throwaway MariaDB of the test run (started by scripts/test-php.sh with
 * scripts/mariadb.sh; its URL is in HALEXT_TEST_MYSQL_URL), driven with the `mariadb` command
 * line client so the suite does not depend on PHP's mysqli: per-test databases, fixture
 * loading, a few queries. Database names carry the PHPUnit process id, so parallel runs of
 * different engineers on different ports never meet, and reruns start from scratch.
 */
final class MariaDb
{
    public const ROOT = __DIR__ . '/../../..';

    /** `mysql://halext:halext@127.0.0.1:PORT` (no database). */
    public static function url(): string
    {
        $url = (string) getenv('HALEXT_TEST_MYSQL_URL');
        if ($url === '') {
            throw new \RuntimeException('HALEXT_TEST_MYSQL_URL is not set: run the suite with scripts/test-php.sh (it starts MariaDB)');
        }
        return $url;
    }

    /**
     * Creates (or recreates) the database `<$prefix>_<pid>`, loads the SQL files (paths
     * relative to the repository root) and returns its DSN.
     *
     * @param list<string> $sqlFiles
     */
    public static function fresh(string $prefix, array $sqlFiles = []): string
    {
        $name = $prefix . '_' . getmypid();
        self::run(null, "DROP DATABASE IF EXISTS `$name`; CREATE DATABASE `$name`");
        foreach ($sqlFiles as $file) {
            $path = self::ROOT . '/' . $file;
            if (!is_file($path)) {
                throw new \RuntimeException("no such SQL file: $path");
            }
            self::run($name, null, $path);
        }
        return self::url() . '/' . $name;
    }

    /** Runs SQL in a database (the name at the end of a DSN); returns the tab-separated rows. */
    public static function query(string $dsn, string $sql): string
    {
        return self::run(self::database($dsn), $sql);
    }

    /** Drops the database of a DSN. */
    public static function drop(string $dsn): void
    {
        self::run(null, 'DROP DATABASE IF EXISTS `' . self::database($dsn) . '`');
    }

    private static function database(string $dsn): string
    {
        $db = (string) parse_url($dsn, PHP_URL_PATH);
        return ltrim($db, '/');
    }

    private static function run(?string $db, ?string $sql, ?string $inputFile = null): string
    {
        $u = parse_url(self::url());
        $cmd = ['mariadb', '--no-defaults', '--protocol=tcp', '-h', (string) $u['host'], '-P', (string) $u['port'],
            '-u', (string) $u['user'], '-p' . ($u['pass'] ?? ''), '--batch', '--skip-column-names', '--default-character-set=utf8mb4'];
        if ($db !== null) {
            $cmd[] = $db;
        }
        if ($sql !== null) {
            array_push($cmd, '-e', $sql);
        }
        $stdin = $inputFile !== null ? ['file', $inputFile, 'r'] : ['file', '/dev/null', 'r'];
        $proc = proc_open($cmd, [0 => $stdin, 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, ['PATH' => (string) getenv('PATH')]);
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot run the mariadb client');
        }
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        if (proc_close($proc) !== 0) {
            throw new \RuntimeException("mariadb client failed: $err");
        }
        return $out;
    }
}
