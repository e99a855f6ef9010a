<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * The three legacy sites of the project's fixtures (examples/data/fixtures/*.sql) in the test
 * MariaDB, and `halext.toml` files that put them behind a Halext test server:
 *
 * | site        | profile    | fixture         | notes                                         |
 * | ----------- | ---------- | --------------- | --------------------------------------------- |
 * | `wordpress` | wordpress  | wordpress.sql   | login by user_login, or email when it has `@` |
 * | `acmlm`     | acmlmboard | acmlmboard.sql  | `legacylogin` on, config.sample.php salts      |
 * | `social`    | zen3mp     | zen3mp.sql      | login by email                                |
 *
 * The legacy databases are read-only for halext, so they are loaded once per process; every
 * `config()` gets a fresh, empty mapping database (its table made by the caller with
 * `Halext\Migration::init()`) and its own temporary directory. `cleanup()` drops and removes
 * what `config()` made.
 */
final class LegacySites
{
    /** The sample salts of Acmlmboard's config.sample.php (the fixture's salted rows use them). */
    public const PWDSALT = 'Please change me!';
    public const PWDSALT2 = 'Addtional Salt. Please Change me!';

    /** @var array<string, string>|null site => DSN */
    private static $sites = null;
    /** @var int */
    private static $counter = 0;
    /** @var list<string> */
    private static $made = [];

    /** @return array<string, string> site name => DSN of its legacy database */
    public static function databases(): array
    {
        if (self::$sites === null) {
            self::$sites = [
                'wordpress' => MariaDb::fresh('php_wp', ['examples/data/fixtures/wordpress.sql']),
                'acmlm' => MariaDb::fresh('php_acmlm', ['examples/data/fixtures/acmlmboard.sql']),
                'social' => MariaDb::fresh('php_social', ['examples/data/fixtures/zen3mp.sql']),
            ];
        }
        return self::$sites;
    }

    /** A TOML basic string. */
    public static function str(string $s): string
    {
        return json_encode($s, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    }

    /**
     * Writes a `halext.toml` for the three sites, a fresh mapping database and Halext at
     * `$url`; returns its path. `$login` becomes the `[login]` section
     * (`on_halext_unavailable`, `trusted_email_sites`, `unplanned`).
     *
     * @param array<string, string|list<string>> $login
     * @return array{path: string, mapping: string}
     */
    public static function config(string $url, array $login = [], bool $accessCode = true): array
    {
        $sites = self::databases();
        $n = ++self::$counter;
        $mapping = MariaDb::fresh("php_map_$n");
        $dir = sys_get_temp_dir() . '/halext-php-mig-' . getmypid() . "-$n";
        if (!is_dir($dir)) {
            mkdir($dir, 0700);
        }
        $loginToml = '';
        foreach ($login as $k => $v) {
            $loginToml .= "$k = " . (is_array($v) ? '[' . implode(', ', array_map([self::class, 'str'], $v)) . ']' : self::str($v)) . "\n";
        }
        $code = $accessCode ? 'access_code = ' . self::str(TestServer::ACCESS_CODE) . "\n" : '';
        $toml = '[halext]
url = ' . self::str($url) . '
' . $code . 'timeout_ms = 3000
connect_timeout_ms = 1000
retries = 0

[mapping]
dsn = ' . self::str($mapping) . '

[login]
' . $loginToml . '
[[site]]
name = "wordpress"
profile = "wordpress"
dsn = ' . self::str($sites['wordpress']) . '

[[site]]
name = "acmlm"
profile = "acmlmboard"
dsn = ' . self::str($sites['acmlm']) . '
[site.acmlmboard]
legacylogin = true
pwdsalt = ' . self::str(self::PWDSALT) . '
pwdsalt2 = ' . self::str(self::PWDSALT2) . '

[[site]]
name = "social"
profile = "zen3mp"
dsn = ' . self::str($sites['social']) . '
';
        $path = "$dir/halext.toml";
        file_put_contents($path, $toml);
        self::$made[] = $dir;
        self::$made[] = $mapping;
        return ['path' => $path, 'mapping' => $mapping];
    }

    /** A URL nothing listens on (a port that was just free), for "Halext is down". */
    public static function deadUrl(): string
    {
        $server = stream_socket_server('tcp://127.0.0.1:0');
        if ($server === false) {
            throw new \RuntimeException('cannot bind a socket');
        }
        $name = (string) stream_socket_get_name($server, false);
        fclose($server);
        return "http://$name";
    }

    /** Removes the files and mapping databases made by config(). */
    public static function cleanup(): void
    {
        foreach (self::$made as $thing) {
            if (strncmp($thing, 'mysql://', 8) === 0) {
                MariaDb::drop($thing);
            } elseif (is_dir($thing)) {
                array_map('unlink', glob("$thing/*") ?: []);
                rmdir($thing);
            }
        }
        self::$made = [];
    }
}
