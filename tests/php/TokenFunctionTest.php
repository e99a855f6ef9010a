<?php

declare(strict_types=1);

use Halext\Tests\Jwt;
use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * halext_validate_token() and the INI/env secret: every source and their precedence, the
 * per-process validator rebuilt when the secret changes (value, file path, file contents),
 * configuration errors, and the INI secret as the default of the Halext/OpenWebUI constructors.
 * Each scenario runs in a child PHP with exactly the given INI and environment.
 */
final class TokenFunctionTest extends TestCase
{
    private const A = 'secret-A-0123456789-0123456789-0123456789';
    private const B = 'secret-B-0123456789-0123456789-0123456789';

    /** @var list<string> */
    private $files = [];

    protected function tearDown(): void
    {
        foreach ($this->files as $f) {
            @unlink($f);
        }
    }

    private function file(string $contents): string
    {
        $path = (string) tempnam(sys_get_temp_dir(), 'halext-token-');
        file_put_contents($path, $contents);
        $this->files[] = $path;
        return $path;
    }

    /**
     * Validates each token in a child process and returns, per token, the `sub` or the
     * exception's reason.
     *
     * @param list<string> $tokens
     * @param array<string, string> $ini
     * @param array<string, string> $env
     * @return list<string>
     */
    private static function outcomes(array $tokens, array $ini = [], array $env = [], string $call = 'halext_validate_token($t)'): array
    {
        return PhpProcess::json(sprintf(
            '$out = [];
             foreach (%s as $t) {
                 try { $c = %s; $out[] = $c["sub"]; }
                 catch (Halext\Exception $e) { $out[] = $e->getReason(); }
             }
             echo json_encode($out);',
            var_export($tokens, true),
            $call
        ), $ini, $env);
    }

    private static function tokenFor(string $secret, string $sub = 'alice'): string
    {
        return Jwt::halext($secret, $sub, time() + 600);
    }

    public function testEverySourceOfTheSecret(): void
    {
        $a = self::tokenFor(self::A, 'a');
        $b = self::tokenFor(self::B, 'b');
        $fileA = $this->file(self::A . "\n");
        self::assertSame(['a', 'token.bad_signature'], self::outcomes([$a, $b], ['halext.jwt_secret' => self::A]));
        self::assertSame(['a', 'token.bad_signature'], self::outcomes([$a, $b], ['halext.jwt_secret_file' => $fileA]));
        self::assertSame(['a', 'token.bad_signature'], self::outcomes([$a, $b], [], ['HALEXT_JWT_SECRET' => self::A]));
        self::assertSame(['a', 'token.bad_signature'], self::outcomes([$a, $b], [], ['HALEXT_JWT_SECRET_FILE' => $fileA]));
    }

    public function testPrecedenceIsIniValueThenIniFileThenEnvThenEnvFile(): void
    {
        $a = self::tokenFor(self::A, 'a');
        $fileA = $this->file(self::A);
        $fileB = $this->file(self::B);
        self::assertSame(['a'], self::outcomes([$a], ['halext.jwt_secret' => self::A, 'halext.jwt_secret_file' => $fileB],
            ['HALEXT_JWT_SECRET' => self::B, 'HALEXT_JWT_SECRET_FILE' => $fileB]));
        self::assertSame(['a'], self::outcomes([$a], ['halext.jwt_secret_file' => $fileA], ['HALEXT_JWT_SECRET' => self::B]));
        self::assertSame(['a'], self::outcomes([$a], [], ['HALEXT_JWT_SECRET' => self::A, 'HALEXT_JWT_SECRET_FILE' => $fileB]));
        // An empty INI value counts as unset.
        self::assertSame(['a'], self::outcomes([$a], ['halext.jwt_secret' => ''], ['HALEXT_JWT_SECRET' => self::A]));
    }

    public function testNoOrAnUnusableSecretIsAConfigurationError(): void
    {
        $a = self::tokenFor(self::A);
        $run = PhpProcess::json('try { halext_validate_token($argv[1] ?? "x.y.z"); } catch (Halext\Exception $e) {
            echo json_encode([get_class($e), $e->getReason(), $e->getMessage()]); }');
        self::assertSame(['Halext\\Exception', 'config'], array_slice($run, 0, 2));
        foreach (['halext.jwt_secret', 'halext.jwt_secret_file', 'HALEXT_JWT_SECRET', 'HALEXT_JWT_SECRET_FILE'] as $name) {
            self::assertStringContainsString($name, $run[2]);
        }
        self::assertSame(['config'], self::outcomes([$a], ['halext.jwt_secret_file' => '/nonexistent/halext-secret']));
        self::assertSame(['config'], self::outcomes([$a], ['halext.jwt_secret_file' => $this->file("\n")]));
        self::assertSame(['token.invalid_key'], self::outcomes([$a], ['halext.jwt_secret' => 'too-short-hunter2']));
    }

    public function testTheValidatorFollowsAChangedSecret(): void
    {
        $a = self::tokenFor(self::A, 'a');
        $b = self::tokenFor(self::B, 'b');
        // putenv() changes the process environment between calls.
        $run = PhpProcess::json(sprintf('
            $out = [];
            foreach ([%1$s, %2$s] as $secret) {
                putenv("HALEXT_JWT_SECRET=$secret");
                foreach ([%3$s, %4$s] as $t) {
                    try { $out[] = halext_validate_token($t)["sub"]; } catch (Halext\TokenException $e) { $out[] = $e->getReason(); }
                }
            }
            echo json_encode($out);', var_export(self::A, true), var_export(self::B, true), var_export($a, true), var_export($b, true)));
        self::assertSame(['a', 'token.bad_signature', 'token.bad_signature', 'b'], $run);
    }

    public function testASecretFileIsFollowedByPathAtOnceAndByContentsWithinTwoSeconds(): void
    {
        $a = self::tokenFor(self::A, 'a');
        $b = self::tokenFor(self::B, 'b');
        $file = $this->file(self::A);
        $other = $this->file(self::B);
        $run = PhpProcess::json(sprintf('
            $v = function ($t) { try { return halext_validate_token($t)["sub"]; } catch (Halext\TokenException $e) { return $e->getReason(); } };
            $out = [$v(%1$s)];
            putenv("HALEXT_JWT_SECRET_FILE=%4$s");          // another file: used at once
            $out[] = $v(%2$s);
            putenv("HALEXT_JWT_SECRET_FILE=%6$s");
            $out[] = $v(%1$s);
            file_put_contents(%3$s, %5$s);                 // rotated in place: within 2 s
            usleep(2100000);
            $out[] = $v(%2$s);
            echo json_encode($out);',
            var_export($a, true), var_export($b, true), var_export($file, true), $other, var_export(self::B, true), $file
        ), [], ['HALEXT_JWT_SECRET_FILE' => $file]);
        self::assertSame(['a', 'b', 'a', 'b'], $run);
    }

    public function testTheIniSecretIsTheDefaultOfThePresetConstructors(): void
    {
        $a = self::tokenFor(self::A, 'a');
        $ini = ['halext.jwt_secret' => self::A];
        self::assertSame(['a'], self::outcomes([$a], $ini, [], 'Halext\\TokenValidator::halext()->validate($t)'));
        self::assertSame(['a'], self::outcomes([$a], $ini, [], '(new Halext\\TokenValidator())->validate($t)'));
        self::assertSame(['a'], self::outcomes([$a], $ini, [], '(new Halext\\TokenValidator(["leeway" => 5]))->validate($t)'));
        // An explicit secret wins over INI.
        self::assertSame(['token.bad_signature'], self::outcomes([$a], $ini, [], 'Halext\\TokenValidator::halext(' . var_export(self::B, true) . ')->validate($t)'));
        // OpenWebUI tokens use their own secret setting.
        $sso = Jwt::hs(self::B, ['user_id' => 1, 'username' => 'alice', 'email' => 'a@example.org', 'iat' => time(), 'exp' => time() + 60, 'iss' => 'halext-org', 'sub' => 'alice']);
        self::assertSame(['alice'], self::outcomes([$sso], ['halext.openwebui_secret' => self::B], [], 'Halext\\TokenValidator::openWebUi()->validate($t)'));
        self::assertSame(['config'], self::outcomes([$sso], $ini, [], 'Halext\\TokenValidator::openWebUi()->validate($t)'));
    }

    public function testPhpinfoListsTokenValidationAsEnabledAndValidatingStartsNoThread(): void
    {
        $run = PhpProcess::start(['--ri', 'halext']);
        self::assertStringContainsString('Token validation => enabled', $run->stdout);
        $threads = PhpProcess::json(sprintf('halext_validate_token(%s); (new Halext\TokenValidator())->validate(%1$s);
            echo json_encode(count(array_diff(scandir("/proc/self/task"), [".", ".."])));', var_export(self::tokenFor(self::A), true)),
            ['halext.jwt_secret' => self::A]);
        self::assertSame(1, $threads);
    }
}
