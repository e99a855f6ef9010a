<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * The project's hash-vector table (tests/data/hash-vectors.json) as verification cases: every
 * vector through every app it lists (with that app's `Halext\Password` options), plus the
 * generic rule set. Shared by tests/php/PasswordTest.php and tests/c/make-hash-vectors.php (which
 * turns the same cases into a C table for tests/c/test_password.c), so PHP and C check exactly
 * the same expectations.
 *
 * Per case: the password as the user types it (the transforms the app applied only when the
 * password was *set*, `php_trim` and `php_strip_tags`, are applied; `php_addslashes` and the
 * windows-1252 encoding are not: finding those forms is the verifier's job), the options, and
 * whether it must verify: the vector's `valid`, unless the app never tried the input form the
 * vector needs (ZEN3MP never escaped input, WordPress never re-encoded to windows-1252, the
 * generic rules take the input as typed) or the typed password is empty (no login accepts one).
 */
final class HashVectors
{
    public const FILE = __DIR__ . '/../../data/hash-vectors.json';

    /** The sample salts of Acmlmboard's config.sample.php. */
    public const PWDSALT = 'Please change me!';
    public const PWDSALT2 = 'Addtional Salt. Please Change me!';

    /** @return list<array<string, mixed>> */
    public static function vectors(): array
    {
        $v = json_decode((string) file_get_contents(self::FILE), true, 512, JSON_THROW_ON_ERROR);
        if (count($v) !== 35) {
            throw new \RuntimeException('the reference table has 35 vectors, found ' . count($v));
        }
        return $v;
    }

    /** The password as the user types it. */
    public static function typed(array $v): string
    {
        $pw = $v['password'];
        foreach ($v['transforms'] as $t) {
            if ($t === 'php_trim') {
                $pw = trim($pw);
            } elseif ($t === 'php_strip_tags') {
                $pw = strip_tags($pw);
            }
        }
        return $pw;
    }

    /** The input form a match must report: `raw`, `addslashes`, `windows1252`, `windows1252+addslashes`. */
    public static function variant(array $v): string
    {
        $slashes = in_array('php_addslashes', $v['transforms'], true);
        if ($v['password_encoding'] === 'windows-1252') {
            return $slashes ? 'windows1252+addslashes' : 'windows1252';
        }
        return $slashes ? 'addslashes' : 'raw';
    }

    /**
     * The options of an app named in a vector's `apps`, and which extra input forms it tries.
     *
     * @return array{0: array<string, mixed>, 1: bool, 2: bool} options, tries addslashes, tries windows-1252
     */
    public static function optionsFor(string $app, array $v): array
    {
        $salts = [
            'pwdsalt' => $v['params']['pwdsalt'] ?? self::PWDSALT,
            'pwdsalt2' => $v['params']['pwdsalt2'] ?? self::PWDSALT2,
        ];
        switch ($app) {
            case 'acmlmboard-1.x':
                return [['app' => 'acmlmboard1'], true, true];
            case 'acmlmboard-2 (2011-08..2011-12)':
                return [['app' => 'acmlmboard', 'legacylogin' => true, 'md5' => ['plain']] + $salts, true, true];
            case 'acmlmboard-2 (2011-12..2014-02)':
                return [['app' => 'acmlmboard', 'legacylogin' => true, 'md5' => ['pass_salt']] + $salts, true, true];
            case 'acmlmboard-2 (2014-02..2019-01, and legacylogin fallback after)':
            case 'rasmusolle/Acmlmboard':
                return [['app' => 'acmlmboard', 'legacylogin' => true] + $salts, true, true];
            case 'acmlmboard-2 (>=2019-01)':
                return [['app' => 'acmlmboard'], true, true];
            case 'zen3mp':
                return [['app' => 'zen3mp'], false, false];
            case 'wordpress (legacy md5)':
            case 'wordpress 2.5..6.7 (still accepted by 6.8+)':
            case 'wordpress >= 6.8':
                return [['app' => 'wordpress'], true, false];
            case 'halext':
                return [['app' => 'halext'], false, false];
        }
        throw new \LogicException("no options for app $app: map it in HashVectors::optionsFor");
    }

    /**
     * Every case, keyed `#<index> <scheme> via <app>` / `#<index> <scheme> generic`.
     *
     * @return array<string, array{index: int, vector: array<string, mixed>, typed: string, options: array<string, mixed>, expected: bool, variant: string}>
     */
    public static function cases(): array
    {
        $out = [];
        foreach (self::vectors() as $i => $v) {
            $variant = self::variant($v);
            $slashes = strpos($variant, 'addslashes') !== false;
            $latin = strpos($variant, 'windows1252') === 0;
            $typed = self::typed($v);
            foreach ($v['apps'] as $app) {
                [$options, $tryAddslashes, $tryLatin] = self::optionsFor($app, $v);
                $tried = (!$slashes || $tryAddslashes) && (!$latin || $tryLatin);
                $out["#$i {$v['scheme']} via $app"] = ['index' => $i, 'vector' => $v, 'typed' => $typed, 'options' => $options,
                    'expected' => $v['valid'] && $tried && $typed !== '', 'variant' => $variant];
            }
            $generic = isset($v['params']['pwdsalt']) ? array_intersect_key($v['params'], ['pwdsalt' => 1, 'pwdsalt2' => 1]) : [];
            $out["#$i {$v['scheme']} generic"] = ['index' => $i, 'vector' => $v, 'typed' => $typed, 'options' => $generic,
                'expected' => $v['valid'] && !$slashes && !$latin && $typed !== '', 'variant' => $variant];
        }
        return $out;
    }
}
