<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * `halext.*` INI entries, the HALEXT_* environment fallback, secret files, and secrets
 * never shown by phpinfo(). Each scenario runs in a child PHP with exactly the given INI
 * and environment.
 */
final class IniConfigTest extends TestCase
{
    private const ENTRIES = [
        'halext.access_code', 'halext.access_code_file', 'halext.config', 'halext.connect_timeout_ms',
        'halext.jwt_secret', 'halext.jwt_secret_file', 'halext.openwebui_secret', 'halext.openwebui_secret_file',
        'halext.timeout_ms', 'halext.url',
    ];

    /** @var list<string> */
    private $files = [];

    protected function tearDown(): void
    {
        foreach ($this->files as $f) {
            @chmod($f, 0600);
            @unlink($f);
        }
    }

    private function file(string $contents): string
    {
        $path = (string) tempnam(sys_get_temp_dir(), 'halext-secret-');
        file_put_contents($path, $contents);
        $this->files[] = $path;
        return $path;
    }

    /**
     * @param array<string, string> $ini
     * @param array<string, string> $env
     * @return array<string, array<string, mixed>>
     */
    private static function config(array $ini = [], array $env = []): array
    {
        return PhpProcess::json('echo json_encode(halext_config());', $ini, $env);
    }

    /**
     * @param array<string, string> $ini
     * @param array<string, string> $env
     * @return array{class: string, code: int, reason: string, message: string}
     */
    private static function configError(array $ini = [], array $env = []): array
    {
        return PhpProcess::json(
            'try { halext_config(); echo json_encode(null); }
             catch (Throwable $e) { echo json_encode(["class" => get_class($e), "code" => $e->getCode(),
               "reason" => $e->getReason(), "message" => $e->getMessage()]); }',
            $ini,
            $env
        );
    }

    public function testEveryEntryIsRegisteredEmptyByDefault(): void
    {
        $all = PhpProcess::json('echo json_encode(ini_get_all("halext", false));');
        ksort($all);
        self::assertSame(array_fill_keys(self::ENTRIES, ''), $all);
    }

    public function testIdentitySettingsCannotBeChangedAtRuntimeButTimeoutsCan(): void
    {
        $access = PhpProcess::json('echo json_encode(array_map(fn($e) => $e["access"], ini_get_all("halext")));');
        $systemOrPerDir = 4 | 2; // PHP_INI_SYSTEM | PHP_INI_PERDIR
        foreach ($access as $name => $mode) {
            $expected = str_ends_with($name, '_ms') ? 7 /* PHP_INI_ALL */ : $systemOrPerDir;
            self::assertSame($expected, $mode, $name);
        }
        $set = PhpProcess::json('echo json_encode([ini_set("halext.jwt_secret", "x"), ini_set("halext.url", "http://evil"), ini_set("halext.timeout_ms", "250"), ini_get("halext.timeout_ms")]);');
        self::assertSame([false, false, '', '250'], $set);
    }

    public function testIniSetRejectsAnInvalidTimeoutButPhpIniDefersTheErrorToUse(): void
    {
        $set = PhpProcess::json('echo json_encode([ini_set("halext.timeout_ms", "soon"), ini_get("halext.timeout_ms"), ini_set("halext.timeout_ms", ""), ini_set("halext.timeout_ms", "0")]);', ['halext.timeout_ms' => '100']);
        self::assertSame([false, '100', '100', false], $set);
        // From php.ini an invalid value is kept (not silently replaced by the default) and
        // reported when used.
        $error = self::configError(['halext.timeout_ms' => 'soon']);
        self::assertSame(Halext\Exception::CONFIG, $error['code']);
    }

    public function testUnsetEverywhereMeansNull(): void
    {
        $config = self::config();
        self::assertSame(['url', 'timeout_ms', 'connect_timeout_ms', 'config', 'jwt_secret', 'openwebui_secret', 'access_code'], array_keys($config));
        foreach (['url', 'timeout_ms', 'connect_timeout_ms', 'config'] as $key) {
            self::assertSame(['value' => null, 'source' => null, 'from' => null], $config[$key], $key);
        }
        foreach (['jwt_secret', 'openwebui_secret', 'access_code'] as $key) {
            self::assertSame(['set' => false, 'source' => null, 'from' => null], $config[$key], $key);
        }
    }

    public function testTheEnvironmentIsUsedWhenTheIniEntryIsEmpty(): void
    {
        $config = self::config(['halext.url' => ''], [
            'HALEXT_URL' => 'https://env.example/api',
            'HALEXT_TIMEOUT_MS' => '1500',
            'HALEXT_CONNECT_TIMEOUT_MS' => ' 250 ',
            'HALEXT_CONFIG' => '/etc/halext/halext.toml',
            'HALEXT_JWT_SECRET' => 'env-secret-value',
        ]);
        self::assertSame(['value' => 'https://env.example/api', 'source' => 'env', 'from' => 'HALEXT_URL'], $config['url']);
        self::assertSame(['value' => 1500, 'source' => 'env', 'from' => 'HALEXT_TIMEOUT_MS'], $config['timeout_ms']);
        self::assertSame(250, $config['connect_timeout_ms']['value']);
        self::assertSame('/etc/halext/halext.toml', $config['config']['value']);
        self::assertSame(['set' => true, 'source' => 'env', 'from' => 'HALEXT_JWT_SECRET'], $config['jwt_secret']);
        self::assertStringNotContainsString('env-secret-value', json_encode($config));
    }

    public function testTheIniEntryWinsOverTheEnvironment(): void
    {
        $config = self::config(
            ['halext.url' => 'https://ini.example/api', 'halext.timeout_ms' => '900', 'halext.access_code' => 'ini-code'],
            ['HALEXT_URL' => 'https://env.example/api', 'HALEXT_TIMEOUT_MS' => '1500', 'HALEXT_ACCESS_CODE' => 'env-code']
        );
        self::assertSame(['value' => 'https://ini.example/api', 'source' => 'ini', 'from' => 'halext.url'], $config['url']);
        self::assertSame(900, $config['timeout_ms']['value']);
        self::assertSame(['set' => true, 'source' => 'ini', 'from' => 'halext.access_code'], $config['access_code']);
    }

    public function testAnEmptyEnvironmentVariableCountsAsUnset(): void
    {
        $config = self::config([], ['HALEXT_URL' => '', 'HALEXT_JWT_SECRET' => '', 'HALEXT_JWT_SECRET_FILE' => $this->file("from-file\n")]);
        self::assertNull($config['url']['value']);
        self::assertSame(['set' => true, 'source' => 'env_file', 'from' => 'HALEXT_JWT_SECRET_FILE'], $config['jwt_secret']);
    }

    public function testSecretLayersInOrderValueThenFileThenEnvironment(): void
    {
        $file = $this->file("file-secret\n");
        $cases = [
            [['halext.jwt_secret' => 'v', 'halext.jwt_secret_file' => $file], [], 'ini', 'halext.jwt_secret'],
            [['halext.jwt_secret_file' => $file], ['HALEXT_JWT_SECRET' => 'env'], 'ini_file', 'halext.jwt_secret_file'],
            [[], ['HALEXT_JWT_SECRET' => 'env', 'HALEXT_JWT_SECRET_FILE' => $file], 'env', 'HALEXT_JWT_SECRET'],
            [[], ['HALEXT_JWT_SECRET_FILE' => $file], 'env_file', 'HALEXT_JWT_SECRET_FILE'],
        ];
        foreach ($cases as [$ini, $env, $source, $from]) {
            self::assertSame(['set' => true, 'source' => $source, 'from' => $from], self::config($ini, $env)['jwt_secret'], $source);
        }
    }

    public function testAnUnreadableSecretFileIsAConfigErrorNamingTheSettingAndPath(): void
    {
        $missing = sys_get_temp_dir() . '/halext-no-such-secret-' . bin2hex(random_bytes(4));
        $error = self::configError(['halext.openwebui_secret_file' => $missing]);
        self::assertSame('Halext\\Exception', $error['class']);
        self::assertSame(Halext\Exception::CONFIG, $error['code']);
        self::assertSame('config', $error['reason']);
        self::assertStringContainsString('halext.openwebui_secret_file', $error['message']);
        self::assertStringContainsString($missing, $error['message']);
        self::assertStringContainsString('No such file', $error['message']);
    }

    public function testABrokenHigherLayerDoesNotFallThroughToALowerOne(): void
    {
        $missing = sys_get_temp_dir() . '/halext-no-such-secret-' . bin2hex(random_bytes(4));
        $error = self::configError(['halext.jwt_secret_file' => $missing], ['HALEXT_JWT_SECRET' => 'would-work']);
        self::assertSame(Halext\Exception::CONFIG, $error['code']);
        self::assertStringNotContainsString('would-work', $error['message']);
    }

    public function testAnEmptySecretFileIsAConfigError(): void
    {
        $error = self::configError([], ['HALEXT_ACCESS_CODE_FILE' => $this->file("\n")]);
        self::assertSame(Halext\Exception::CONFIG, $error['code']);
        self::assertStringContainsString('HALEXT_ACCESS_CODE_FILE', $error['message']);
        self::assertStringContainsString('is empty', $error['message']);
    }

    /** @return array<string, array{string}> */
    public function badMilliseconds(): array
    {
        return ['zero' => ['0'], 'word' => ['soon'], 'negative' => ['-5'], 'fraction' => ['1.5'], 'over a day' => ['86400001'], 'overflow' => ['99999999999999999999999']];
    }

    /** @dataProvider badMilliseconds */
    public function testATimeoutMustBeWholeMillisecondsFromOneToADay(string $value): void
    {
        $error = self::configError(['halext.connect_timeout_ms' => $value]);
        self::assertSame(Halext\Exception::CONFIG, $error['code']);
        self::assertStringContainsString('halext.connect_timeout_ms must be a whole number of milliseconds from 1 to 86400000', $error['message']);
        $error = self::configError([], ['HALEXT_TIMEOUT_MS' => $value]);
        self::assertStringContainsString('HALEXT_TIMEOUT_MS must be', $error['message']);
    }

    public function testValuesAreReadAtCallTimeNotCached(): void
    {
        self::assertNull(halext_config()['timeout_ms']['value']);
        ini_set('halext.timeout_ms', '1234');
        try {
            self::assertSame(1234, halext_config()['timeout_ms']['value']);
            ini_set('halext.timeout_ms', '4321');
            self::assertSame(4321, halext_config()['timeout_ms']['value']);
        } finally {
            ini_restore('halext.timeout_ms');
        }
        self::assertNull(halext_config()['timeout_ms']['value']);
    }

    public function testPhpinfoNeverShowsASecret(): void
    {
        $ini = [
            'halext.jwt_secret' => 'ini-jwt-hunter2',
            'halext.openwebui_secret_file' => $this->file("file-owui-hunter2\n"),
            'halext.url' => 'https://org.halext.org/api',
        ];
        $env = ['HALEXT_ACCESS_CODE' => 'env-code-hunter2'];
        // INFO_MODULES: PHP's own Environment and Variables sections print the process
        // environment and argv (-d …) as they are; docs/php-api.md says so.
        $run = PhpProcess::start(['-r', 'ob_start(); phpinfo(INFO_MODULES); $o = ob_get_clean(); halext_config(); echo $o;'], $ini, $env);
        self::assertSame(0, $run->exitCode, $run->stderr);
        $ri = PhpProcess::start(['--ri', 'halext'], $ini, $env);
        foreach ([$run->stdout, $ri->stdout] as $out) {
            self::assertStringNotContainsString('hunter2', $out);
            self::assertStringContainsString('halext.jwt_secret => (set) => (set)', $out);
            self::assertStringContainsString('halext.access_code => (not set) => (not set)', $out);
            self::assertStringContainsString('halext.openwebui_secret => (not set) => (not set)', $out);
            self::assertStringContainsString('halext.openwebui_secret_file => ' . $ini['halext.openwebui_secret_file'], $out);
            self::assertStringContainsString('JWT secret => set (from halext.jwt_secret)', $out);
            self::assertStringContainsString('Access code => set (from HALEXT_ACCESS_CODE)', $out);
            self::assertStringContainsString('OpenWebUI secret => set (file named by halext.openwebui_secret_file)', $out);
            self::assertStringContainsString('Halext URL => https://org.halext.org/api (from halext.url)', $out);
            self::assertStringContainsString('halext.url => https://org.halext.org/api', $out);
        }
        self::assertStringNotContainsString('hunter2', $run->stderr . $ri->stderr);
    }

    public function testIniGetReturnsTheSecretValueAsDocumented(): void
    {
        // docs/php-api.md: PHP code can read php.ini anyway, so ini_get() is not a boundary.
        $value = PhpProcess::json('echo json_encode(ini_get("halext.jwt_secret"));', ['halext.jwt_secret' => 'abc']);
        self::assertSame('abc', $value);
    }
}
