<?php

declare(strict_types=1);

use Halext\Password;
use Halext\Tests\HashVectors;
use Halext\Tests\LegacySites;
use Halext\Tests\MariaDb;
use PHPUnit\Framework\TestCase;

/**
 * `Halext\Password` against the project's hash-vector table (tests/data/hash-vectors.json,
 * every vector through every app it lists, plus the generic rule set: support/HashVectors.php,
 * shared with the C tests) and against every row of
 * the three legacy fixtures, read from MariaDB; `identify`, `check`, `needsRehash`, option
 * errors, and secrecy (the password and salts never in messages or traces).
 */
final class PasswordTest extends TestCase
{
    /** @return list<array<string, mixed>> */
    private static function vectors(): array
    {
        return HashVectors::vectors();
    }

    /** @return iterable<string, array{0: int, 1: array<string, mixed>, 2: string, 3: array<string, mixed>, 4: bool, 5: string}> */
    public function vectorCases(): iterable
    {
        foreach (HashVectors::cases() as $name => $c) {
            yield $name => [$c['index'], $c['vector'], $c['typed'], $c['options'], $c['expected'], $c['variant']];
        }
    }

    /** @dataProvider vectorCases */
    public function testEveryVectorVerifiesAsItsAppsLoginWould(int $i, array $v, string $typed, array $options, bool $expected, string $variant): void
    {
        self::assertSame($expected, Password::verify($typed, $v['hash'], $options), "vector #$i");
        if ($expected) {
            $report = Password::check($typed, $v['hash'], $options);
            self::assertSame(['match', 'format', 'scheme', 'variant'], array_keys($report));
            self::assertTrue($report['match']);
            self::assertSame($v['scheme'], $report['scheme'], "vector #$i: the scheme that matched");
            self::assertSame($variant, $report['variant'], "vector #$i: the input form");
            // One wrong byte never matches (at the start: bcrypt ignores bytes after the 72nd).
            self::assertFalse(Password::verify('X' . $typed, $v['hash'], $options), "vector #$i with a wrong password");
        }
    }

    public function testEmptyPasswordsNeverLogIn(): void
    {
        // Vector 4 is md5("") (the "no usable password" sentinel), vector 33 pbkdf2 of "".
        $v = self::vectors();
        self::assertFalse(Password::verify('', $v[4]['hash'], ['app' => 'wordpress']));
        self::assertFalse(Password::verify('', $v[33]['hash'], ['app' => 'halext']));
        self::assertFalse(Password::check('', $v[33]['hash'], ['app' => 'halext'])['match']);
        $e = self::thrown(static fn () => Password::check('', $v[4]['hash']));
        self::assertInstanceOf(Halext\LegacyException::class, $e);
        self::assertSame(Halext\LegacyException::UNUSABLE_HASH, $e->getCode());
        self::assertStringContainsString('md5 of the empty string', $e->getMessage());
    }

    /**
     * Every row of the three fixtures with the password its file header names, read from
     * MariaDB as the site stores it: [fixture, id, password, options, verifies].
     *
     * @return iterable<string, array{0: string, 1: int, 2: string, 3: array<string, mixed>, 4: bool}>
     */
    public function fixtureRows(): iterable
    {
        $salts = ['pwdsalt' => LegacySites::PWDSALT, 'pwdsalt2' => LegacySites::PWDSALT2];
        $ab = ['app' => 'acmlmboard', 'legacylogin' => true] + $salts;
        $rows = [
            ['acmlm', 1, 'correct horse', $ab, true],                     // bcrypt
            ['acmlm', 2, 'correct horse', $ab, true],                     // md5(pwdsalt2 . pw . pwdsalt)
            ['acmlm', 2, 'correct horse', ['app' => 'acmlmboard'] + $salts, false], // legacylogin off
            ['acmlm', 3, 'p@ss w0rd ü', $ab, true],                       // bcrypt, UTF-8
            ['acmlm', 5, 'correct horse', $ab, true],                     // banned: the hash is fine
            ['acmlm', 6, 'correct horse', $ab, true],
            ['acmlm', 7, 'p@ss w0rd ü', $ab, false],                      // plain md5 of windows-1252: not AB2's
            ['acmlm', 7, 'p@ss w0rd ü', ['app' => 'acmlmboard1'], true],  // ...but AB 1.x's
            ['acmlm', 9, '', $ab, false],                                 // md5("") sentinel
            ['acmlm', 10, 'o\'brien "q"', $ab, true],                     // addslashes form
            ['acmlm', 11, 'correct horse', $ab, false],                   // bcrypt cut to 32 characters
            ['acmlm', 12, 'correct horse', ['app' => 'acmlmboard1'], true],
            ['wordpress', 1, 'correct horse', ['app' => 'wordpress'], true],
            ['wordpress', 2, 'p@ss w0rd ü', ['app' => 'wordpress'], true],
            ['wordpress', 3, 'correct horse', ['app' => 'wordpress'], true],
            ['wordpress', 4, 'correct horse', ['app' => 'wordpress'], true],
            ['wordpress', 7, 'correct horse', ['app' => 'wordpress'], true],
            ['wordpress', 9, 'p@ss w0rd ü', ['app' => 'wordpress'], true],
            ['wordpress', 10, 'correct horse', ['app' => 'wordpress'], true],
            ['wordpress', 11, 'correct horse', ['app' => 'wordpress'], true],
            ['wordpress', 12, 'o\'brien "q"', ['app' => 'wordpress'], true],
            ['wordpress', 12, 'o\'brien "q"', ['app' => 'zen3mp'], false],   // only WordPress slashed it
            ['social', 1, 'correct horse', ['app' => 'zen3mp'], true],
            ['social', 2, 'p@ss w0rd ü', ['app' => 'zen3mp'], true],
            ['social', 3, 'correct horse', ['app' => 'zen3mp'], true],
            ['social', 4, 'acdef', ['app' => 'zen3mp'], true],              // stored after strip_tags
            ['social', 4, 'a<b>cdef', ['app' => 'zen3mp'], false],          // login input is not stripped
            ['social', 5, 'correct horse', ['app' => 'zen3mp'], false],     // md5: ZEN3MP cannot verify it
            ['social', 5, 'correct horse', [], true],                       // the generic rules can
            ['social', 6, 'correct horse', ['app' => 'zen3mp'], true],
            ['social', 7, 'correct horse', ['app' => 'zen3mp'], true],
        ];
        foreach ($rows as [$site, $id, $pw, $options, $ok]) {
            yield "$site #$id " . json_encode($options['app'] ?? 'generic') . ($ok ? '' : ' (refused)') => [$site, $id, $pw, $options, $ok];
        }
    }

    /** @return array<string, array<int, string>> site => id => stored hash */
    private static function storedHashes(): array
    {
        static $hashes = null;
        if ($hashes === null) {
            $dbs = LegacySites::databases();
            $queries = [
                'acmlm' => 'SELECT id, pass FROM users ORDER BY id',
                'wordpress' => 'SELECT ID, user_pass FROM wp_users ORDER BY ID',
                'social' => 'SELECT id, password FROM users ORDER BY id',
            ];
            foreach ($queries as $site => $sql) {
                foreach (explode("\n", trim(MariaDb::query($dbs[$site], $sql))) as $line) {
                    [$id, $hash] = explode("\t", $line) + [1 => ''];
                    $hashes[$site][(int) $id] = $hash;
                }
            }
        }
        return $hashes;
    }

    /** @dataProvider fixtureRows */
    public function testEveryFixturePasswordWithItsAppsRules(string $site, int $id, string $password, array $options, bool $ok): void
    {
        $hash = self::storedHashes()[$site][$id] ?? null;
        self::assertNotNull($hash, "$site row $id exists");
        self::assertSame($ok, Password::verify($password, $hash, $options));
    }

    public function testEveryFixtureRowIsCovered(): void
    {
        $covered = [];
        foreach ($this->fixtureRows() as [$site, $id]) {
            $covered[$site][$id] = true;
        }
        foreach (self::storedHashes() as $site => $rows) {
            self::assertSame(array_keys($rows), array_keys($covered[$site] ?? []), "every $site row has a case");
        }
    }

    public function testCheckSaysWhyAFixtureRowCannotLogIn(): void
    {
        $h = self::storedHashes();
        $ab = ['app' => 'acmlmboard', 'legacylogin' => true, 'pwdsalt' => LegacySites::PWDSALT, 'pwdsalt2' => LegacySites::PWDSALT2];
        $cases = [
            [$h['acmlm'][11], $ab, Halext\LegacyException::UNUSABLE_HASH, 'truncated'],
            [$h['acmlm'][9], $ab, Halext\LegacyException::UNUSABLE_HASH, 'empty string'],
            [$h['acmlm'][2], ['app' => 'acmlmboard'], Halext\LegacyException::UNUSABLE_HASH, 'not accepted'],
            [$h['social'][5], ['app' => 'zen3mp'], Halext\LegacyException::UNUSABLE_HASH, 'md5_hex hashes are not accepted'],
            ['$2x$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', [], Halext\LegacyException::UNUSABLE_HASH, 'malformed bcrypt'],
            ['$9z$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', [], Halext\LegacyException::UNKNOWN_HASH_FORMAT, '60 bytes, $9z$'],
            ['$2y$31$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', [], Halext\LegacyException::UNUSABLE_HASH, 'work factor 31'],
        ];
        foreach ($cases as [$hash, $options, $code, $reason]) {
            self::assertFalse(Password::verify('correct horse', $hash, $options), "verify() of $reason");
            $e = self::thrown(static fn () => Password::check('correct horse', $hash, $options));
            self::assertInstanceOf(Halext\LegacyException::class, $e, $reason);
            self::assertSame($code, $e->getCode(), $reason);
            self::assertStringContainsString($reason, $e->getMessage());
            self::assertStringNotContainsString('ubv0ZG', $e->getMessage(), 'a hash is described by its shape only');
        }
    }

    public function testASaltedRowWithoutItsSaltsIsALoudConfigurationError(): void
    {
        $hash = self::storedHashes()['acmlm'][2];
        $e = self::thrown(static fn () => Password::verify('correct horse', $hash, ['app' => 'acmlmboard', 'legacylogin' => true]));
        self::assertInstanceOf(Halext\LegacyException::class, $e);
        self::assertSame('legacy.unusable_hash', $e->getReason());
        self::assertStringContainsString('pwdsalt', $e->getMessage());
        // With one salt only the same (md5(salt2 . pw . salt) needs both).
        $e = self::thrown(static fn () => Password::verify('correct horse', $hash, ['app' => 'acmlmboard', 'legacylogin' => true, 'pwdsalt' => LegacySites::PWDSALT]));
        self::assertInstanceOf(Halext\LegacyException::class, $e);
        // Wrong salts: a plain mismatch (halext cannot tell wrong salts from a wrong password).
        self::assertFalse(Password::verify('correct horse', $hash, ['app' => 'acmlmboard', 'legacylogin' => true, 'pwdsalt' => 'a', 'pwdsalt2' => 'b']));
    }

    public function testIdentifyNamesEachFormat(): void
    {
        $v = self::vectors();
        self::assertSame('md5_hex', Password::identify($v[0]['hash']));
        self::assertSame('md5_hex', Password::identify(strtoupper($v[0]['hash'])));
        self::assertSame('bcrypt', Password::identify($v[11]['hash']));
        self::assertSame('phpass', Password::identify($v[20]['hash']));
        self::assertSame('wp_bcrypt_sha384', Password::identify($v[23]['hash']));
        self::assertSame('halext_pbkdf2_sha256', Password::identify($v[31]['hash']));
        foreach (['' => Halext\LegacyException::UNUSABLE_HASH, 'plaintext!' => Halext\LegacyException::UNKNOWN_HASH_FORMAT,
            substr($v[11]['hash'], 0, 32) => Halext\LegacyException::UNUSABLE_HASH, "\xff\xfe" => Halext\LegacyException::UNKNOWN_HASH_FORMAT] as $hash => $code) {
            $e = self::thrown(static fn () => Password::identify((string) $hash));
            self::assertInstanceOf(Halext\LegacyException::class, $e, bin2hex((string) $hash));
            self::assertSame($code, $e->getCode(), bin2hex((string) $hash));
        }
    }

    public function testNeedsRehashFollowsTheApp(): void
    {
        $v = self::vectors();
        $bcrypt10 = $v[11]['hash'];
        $wp10 = $v[23]['hash'];
        self::assertTrue(Password::needsRehash($v[0]['hash']), 'md5 always');
        self::assertTrue(Password::needsRehash($v[20]['hash'], ['app' => 'wordpress']), 'phpass always');
        self::assertFalse(Password::needsRehash($bcrypt10), 'PHP bcrypt at cost 10');
        self::assertTrue(Password::needsRehash($bcrypt10, ['cost' => 12]));
        self::assertFalse(Password::needsRehash($v[13]['hash'], ['app' => 'zen3mp', 'cost' => 12]));
        self::assertTrue(Password::needsRehash($bcrypt10, ['app' => 'wordpress']), 'WordPress 6.8 wants $wp$');
        self::assertFalse(Password::needsRehash($wp10, ['app' => 'wordpress']));
        self::assertTrue(Password::needsRehash($wp10, ['app' => 'wordpress', 'cost' => 12]));
        self::assertFalse(Password::needsRehash($v[31]['hash'], ['app' => 'halext']));
        self::assertTrue(Password::needsRehash($bcrypt10, ['app' => 'halext']));
        self::assertTrue(Password::needsRehash('garbage'));
    }

    public function testBadOptionsAreInvalidArguments(): void
    {
        $hash = self::vectors()[11]['hash'];
        $cases = [
            [['app' => 'wordpres'], 'unknown app "wordpres"'],
            [['app' => 'zen3mp', 'legacylogin' => true], 'acmlmboard only'],
            [['app' => 'wordpress', 'pwdsalt' => 's3cr3t-salt'], 'not wordpress'],
            [['md5' => ['sha1']], '`md5` entries'],
            [['cost' => 99], '`cost`'],
            [['pwdsalt' => 42], 'option `pwdsalt` must be a string'],
            [['nope' => 1], 'unknown option "nope"'],
            [[0 => 'wordpress'], 'unknown option "0"'],
            [['app' => new stdClass()], 'cannot be converted'],
        ];
        foreach ($cases as [$options, $message]) {
            $e = self::thrown(static fn () => Password::verify('correct horse', $hash, $options));
            self::assertInstanceOf(Halext\Exception::class, $e, $message);
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode(), $message);
            self::assertStringContainsString($message, $e->getMessage());
            self::assertStringNotContainsString('s3cr3t-salt', $e->getMessage());
        }
    }

    public function testNonUtf8InputIsAnswerNotAnError(): void
    {
        $v = self::vectors();
        // Vector 2: the windows-1252 bytes of the password were hashed; typing them raw works.
        self::assertTrue(Password::verify("p@ss w0rd \xfc", $v[2]['hash'], ['app' => 'acmlmboard1']));
        self::assertFalse(Password::verify('correct horse', "\xff" . substr($v[11]['hash'], 1)));
        self::assertFalse(Password::verify("\xff\xfe", $v[11]['hash']));
    }

    public function testPasswordsAndSaltsStayOutOfTraces(): void
    {
        $hash = self::storedHashes()['acmlm'][2];
        $e = self::thrown(static fn () => Password::check('my-typed-secret', $hash, ['app' => 'acmlmboard', 'legacylogin' => true, 'pwdsalt' => 'salt-one-secret']));
        self::assertInstanceOf(Halext\LegacyException::class, $e);
        $trace = $e->getTraceAsString() . $e->getMessage();
        self::assertStringNotContainsString('my-typed-secret', $trace);
        self::assertStringNotContainsString('salt-one-secret', $trace);
        $frame = $e->getTrace()[0];
        self::assertSame('check', $frame['function']);
        self::assertInstanceOf(SensitiveParameterValue::class, $frame['args'][0], 'the password');
        self::assertIsString($frame['args'][1], 'the hash is not a secret');
        self::assertInstanceOf(SensitiveParameterValue::class, $frame['args'][2], 'the options (salts)');
    }

    public function testThePasswordClassIsStaticOnly(): void
    {
        $e = self::thrown(static fn () => new Password());
        self::assertInstanceOf(Exception::class, $e);
        self::assertTrue((new ReflectionClass(Password::class))->isFinal());
    }

    private static function thrown(callable $f): ?Throwable
    {
        try {
            $f();
        } catch (Throwable $e) {
            return $e;
        }
        return null;
    }
}
