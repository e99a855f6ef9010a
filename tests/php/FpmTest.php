<?php

declare(strict_types=1);

use Halext\Tests\FastCgi;
use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * The extension under PHP-FPM, which loads it in the master and forks the workers:
 * configuration through the pool (`php_admin_value`, `env[]`, `clear_env`), phpinfo() in
 * HTML mode hiding secrets, exceptions in workers, and single-threaded workers.
 */
final class FpmTest extends TestCase
{
    private const FPM = '/usr/sbin/php-fpm8.2';
    /** The pool's Halext secret (halext.jwt_secret_file), long enough for token validation. */
    private const POOL_JWT_SECRET = 'pool-file-hunter2-0123456789-0123456789';

    /** @var resource|null */
    private static $fpm;
    /** @var string */
    private static $dir = '';
    /** @var string */
    private static $socket = '';
    /** @var resource|null */
    private static $log;

    public static function setUpBeforeClass(): void
    {
        if (!is_executable(self::FPM)) {
            self::fail(self::FPM . ' is missing (Debian: apt-get install php-fpm)');
        }
        self::$dir = sys_get_temp_dir() . '/halext-fpm-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir(self::$dir . '/www', 0700, true);
        self::$socket = self::$dir . '/fpm.sock';
        file_put_contents(self::$dir . '/jwt_secret', self::POOL_JWT_SECRET . "\n");
        $user = posix_getpwuid(posix_geteuid())['name'];
        $group = posix_getgrgid(posix_getegid())['name'];
        $dir = self::$dir;
        $socket = self::$socket;
        file_put_contents($dir . '/fpm.conf', <<<CONF
[global]
pid = $dir/fpm.pid
error_log = /proc/self/fd/2
daemonize = no

[www]
user = $user
group = $group
listen = $socket
pm = static
pm.max_children = 2
clear_env = yes
env[HALEXT_ACCESS_CODE] = env-pool-hunter2
php_admin_value[halext.jwt_secret_file] = $dir/jwt_secret
php_admin_value[halext.openwebui_secret] = admin-value-hunter2
php_admin_value[display_errors] = 1

CONF);
        foreach ([
            'config.php' => '<?php echo json_encode(halext_config());',
            'info.php' => '<?php phpinfo(INFO_MODULES);',
            'throw.php' => '<?php try { throw new Halext\TokenException("x", Halext\TokenException::EXPIRED); }
                catch (Halext\Exception $e) { echo json_encode(["class" => get_class($e), "reason" => $e->getReason(),
                  "pid" => getmypid(), "threads" => count(array_diff(scandir("/proc/self/task"), [".", ".."])),
                  "codes" => count(halext_error_codes())]); }',
            // Token validation in a forked worker: the pool secret (halext_validate_token), or a
            // JWKS URL fetched by the worker's own runtime and HTTP client.
            'token.php' => '<?php
                $claims = isset($_GET["jwks"])
                    ? (new Halext\TokenValidator(["profile" => "jwt", "algorithms" => ["RS256"], "jwks_url" => $_GET["jwks"],
                        "allow_http_jwks" => true, "jwks_min_refresh_interval" => 0]))->validate($_GET["t"])
                    : halext_validate_token($_GET["t"]);
                echo json_encode(["sub" => $claims["sub"], "pid" => getmypid()]);',
        ] as $name => $code) {
            file_put_contents(self::$dir . '/www/' . $name, $code);
        }
        $cmd = [self::FPM, '-n', '-d', 'extension=' . PhpProcess::extensionPath(), '-y', self::$dir . '/fpm.conf', '-F', '-O'];
        if (posix_geteuid() === 0) {
            $cmd[] = '-R';
        }
        self::$log = fopen(self::$dir . '/fpm.log', 'w+');
        // HALEXT_URL in the master's environment must not reach the workers (clear_env = yes).
        self::$fpm = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => self::$log, 2 => self::$log], $pipes, null,
            ['PATH' => (string) getenv('PATH'), 'HALEXT_URL' => 'https://master-env.example/api']);
        for ($i = 0; $i < 250 && !file_exists(self::$socket); $i++) {
            usleep(20000);
        }
        if (!file_exists(self::$socket)) {
            self::fail("php-fpm did not start:\n" . file_get_contents(self::$dir . '/fpm.log'));
        }
    }

    public static function tearDownAfterClass(): void
    {
        if (is_resource(self::$fpm)) {
            proc_terminate(self::$fpm, SIGQUIT);
            proc_close(self::$fpm);
        }
        if (self::$dir !== '') {
            exec('rm -rf ' . escapeshellarg(self::$dir));
        }
    }

    /** @return array<string, mixed> */
    private static function json(string $script): array
    {
        $response = FastCgi::get(self::$socket, self::$dir . '/www/' . $script);
        return json_decode($response['body'], true, 512, JSON_THROW_ON_ERROR);
    }

    public function testPoolConfigurationReachesTheWorkers(): void
    {
        $config = self::json('config.php');
        self::assertSame(['set' => true, 'source' => 'ini_file', 'from' => 'halext.jwt_secret_file'], $config['jwt_secret']);
        self::assertSame(['set' => true, 'source' => 'ini', 'from' => 'halext.openwebui_secret'], $config['openwebui_secret']);
        self::assertSame(['set' => true, 'source' => 'env', 'from' => 'HALEXT_ACCESS_CODE'], $config['access_code']);
        // clear_env = yes: the master's HALEXT_URL is not visible to the workers.
        self::assertSame(['value' => null, 'source' => null, 'from' => null], $config['url']);
    }

    public function testHtmlPhpinfoShowsSecretsOnlyAsSet(): void
    {
        $html = FastCgi::get(self::$socket, self::$dir . '/www/info.php')['body'];
        self::assertStringContainsString('<h2><a name="module_halext" href="#module_halext">halext</a></h2>', $html);
        self::assertStringNotContainsString('hunter2', $html);
        self::assertMatchesRegularExpression('#<td class="e">halext.openwebui_secret</td><td class="v">\(set\)</td><td class="v">\(set\)</td>#', $html);
        self::assertMatchesRegularExpression('#<td class="e">halext.jwt_secret</td><td class="v">\(not set\)</td><td class="v">\(not set\)</td>#', $html);
        self::assertStringContainsString('set (file named by halext.jwt_secret_file)', $html);
    }

    public function testWorkersAreForkedSingleThreadedAndThrowHalextExceptions(): void
    {
        $pids = [];
        for ($i = 0; $i < 6; $i++) {
            $r = self::json('throw.php');
            self::assertSame(['Halext\\TokenException', 'token.expired', 1], [$r['class'], $r['reason'], $r['threads']]);
            self::assertSame(count(halext_error_codes()), $r['codes']);
            $pids[$r['pid']] = true;
        }
        self::assertNotContains(getmypid(), array_keys($pids));
    }

    public function testWorkersValidateTokensWithThePoolSecretAndFetchJwksThemselves(): void
    {
        $pids = [];
        for ($i = 0; $i < 4; $i++) {
            $token = Halext\Tests\Jwt::halext(self::POOL_JWT_SECRET, "user$i", time() + 600);
            $response = FastCgi::get(self::$socket, self::$dir . '/www/token.php', 't=' . urlencode($token));
            $r = json_decode($response['body'], true, 512, JSON_THROW_ON_ERROR);
            self::assertSame("user$i", $r['sub']);
            $pids[$r['pid']] = true;
        }
        $server = new Halext\Tests\JwksServer();
        try {
            $server->serve(Halext\Tests\Jwt::jwks([Halext\Tests\Jwt::jwk('rsa_public.pem', 'k1')]));
            $token = Halext\Tests\Jwt::rs('rsa_private.pem', ['sub' => 'rsa-user', 'exp' => time() + 600], ['alg' => 'RS256', 'kid' => 'k1']);
            for ($i = 0; $i < 4; $i++) {
                $response = FastCgi::get(self::$socket, self::$dir . '/www/token.php', http_build_query(['t' => $token, 'jwks' => $server->url]));
                $r = json_decode($response['body'], true);
                self::assertSame('rsa-user', $r['sub'] ?? null, $response['body'] . $response['stderr']);
                $pids[$r['pid']] = true;
            }
            // Each worker fetched at most once (its validator and key set live on between requests).
            self::assertGreaterThanOrEqual(1, $server->hits());
            self::assertLessThanOrEqual(2, $server->hits());
        } finally {
            $server->stop();
        }
        self::assertNotContains(getmypid(), array_keys($pids));
    }
}
