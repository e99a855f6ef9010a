<?php

declare(strict_types=1);

/*
 * Token benchmark: HS256 Halext access-token validation through the extension vs a hand-written
 * pure-PHP validator (hash_hmac + base64 + json_decode + exp check), in the same process, over
 * many distinct tokens and over one token repeated (what a PHP-FPM worker sees for the 30
 * minutes a user's token lives). Each figure is the best of several interleaved rounds (the machine is
 * shared; the minimum is the least disturbed run), in µs per call including the claims array.
 *
 *   cargo build --release -p halext-php
 *   php -n -d extension=$PWD/target/release/libhalext_php.so tests/php/bench/token.php [--quick]
 *
 * scripts/bench.sh runs it pinned to one CPU (taskset -c 0). The secret is made per run.
 */

if (!function_exists('halext_validate_token')) {
    fwrite(STDERR, "load the extension: php -n -d extension=target/release/libhalext_php.so " . __FILE__ . "\n");
    exit(1);
}

$quick = in_array('--quick', $argv, true);
// halext_validate_token() takes the configured secret: INI halext.jwt_secret, else the file
// named by INI halext.jwt_secret_file (what docs/php-api.md recommends for PHP-FPM), else the
// environment, which this script sets (a 48-byte secret made per run) when INI has neither.
if ((string) ini_get('halext.jwt_secret') !== '') {
    $secret = (string) ini_get('halext.jwt_secret');
    $secretSource = 'INI halext.jwt_secret';
} elseif ((string) ini_get('halext.jwt_secret_file') !== '') {
    $secret = (string) file_get_contents((string) ini_get('halext.jwt_secret_file'));
    $secretSource = 'INI halext.jwt_secret_file';
} else {
    $secret = bin2hex(random_bytes(24));
    putenv("HALEXT_JWT_SECRET=$secret");
    $secretSource = 'env HALEXT_JWT_SECRET (' . count(getenv()) . ' variables in the environment)';
}

function b64url_encode(string $s): string
{
    return rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
}

function b64url_decode(string $s): string
{
    $d = base64_decode(strtr($s, '-_', '+/'), true);
    if ($d === false) {
        throw new RuntimeException('not base64url');
    }
    return $d;
}

/** A Halext access token as the server mints it (python-jose layout). */
function mint(string $secret, string $sub, int $exp): string
{
    $input = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' . b64url_encode('{"sub":"' . $sub . '","exp":' . $exp . '}');
    return $input . '.' . b64url_encode(hash_hmac('sha256', $input, $secret, true));
}

/**
 * The hand-written pure-PHP validator a legacy site would write: split, check alg, constant-time
 * HMAC comparison, decode claims, check exp and sub. (No size cap, no crit, no nbf/aud rules:
 * it does less than the extension.)
 */
function php_validate(string $jwt, string $secret): array
{
    $parts = explode('.', $jwt);
    if (count($parts) !== 3) {
        throw new RuntimeException('malformed');
    }
    [$h, $p, $s] = $parts;
    $header = json_decode(b64url_decode($h), true);
    if (!is_array($header) || ($header['alg'] ?? null) !== 'HS256') {
        throw new RuntimeException('algorithm');
    }
    if (!hash_equals(hash_hmac('sha256', "$h.$p", $secret, true), b64url_decode($s))) {
        throw new RuntimeException('bad signature');
    }
    $claims = json_decode(b64url_decode($p), true);
    if (!is_array($claims) || !is_int($claims['exp'] ?? null) || $claims['exp'] <= time()) {
        throw new RuntimeException('expired');
    }
    if (!is_string($claims['sub'] ?? null)) {
        throw new RuntimeException('sub');
    }
    return $claims;
}

$n = $quick ? 2000 : 20000;
$rounds = $quick ? 2 : 7;
$exp = time() + 1800;
$tokens = [];
for ($i = 0; $i < $n; $i++) {
    $tokens[] = mint($secret, "user$i", $exp + $i % 60);
}
$one = $tokens[0];
$options = ['secret' => $secret];
$validator = new Halext\TokenValidator($options);

// Sanity: every path returns the same claims.
$expected = php_validate($one, $secret);
foreach ([halext_validate_token($one), $validator->validate($one), (new Halext\TokenValidator($options))->validate($one)] as $got) {
    if ($got != $expected) {
        fwrite(STDERR, "mismatch: " . json_encode($got) . " vs " . json_encode($expected) . "\n");
        exit(1);
    }
}

/** @param callable(string): mixed $f @return float µs per call over one pass of $tokens */
function pass(callable $f, array $tokens): float
{
    $t = hrtime(true);
    foreach ($tokens as $token) {
        $f($token);
    }
    return (hrtime(true) - $t) / count($tokens) / 1000;
}

/**
 * Best of $rounds for every case, the rounds interleaved (round 1 of every case, then round 2,
 * ...), so a busy moment of a shared machine disturbs one round of each case rather than every
 * round of one case.
 *
 * @param array<string, array{callable(string): mixed, list<string>}> $cases
 * @return array<string, float>
 */
function measure_all(array $cases, int $rounds): array
{
    $best = array_fill_keys(array_keys($cases), INF);
    for ($r = 0; $r < $rounds; $r++) {
        foreach ($cases as $name => [$f, $tokens]) {
            $best[$name] = min($best[$name], pass($f, $tokens));
        }
    }
    return $best;
}

$same = array_fill(0, $n, $one);
$validators = [
    'pure PHP (hash_hmac + base64 + json_decode)' => static function (string $t) use ($secret) { return php_validate($t, $secret); },
    'halext_validate_token($t)' => static function (string $t) { return halext_validate_token($t); },
    '$validator->validate($t)' => static function (string $t) use ($validator) { return $validator->validate($t); },
    '(new TokenValidator($opts))->validate($t)' => static function (string $t) use ($options) { return (new Halext\TokenValidator($options))->validate($t); },
];
$cases = [];
foreach ($validators as $name => $f) {
    $f($one); // warm-up
    $cases["$name|distinct"] = [$f, $tokens];
    $cases["$name|same"] = [$f, $same];
}
// What the per-process registry saves: the same options each time (lookup) vs options that
// differ each time (a validator is built: the HMAC key is derived, the caches start empty).
$i = 0;
$quarter = array_slice($same, 0, intdiv($n, 4));
$cases['registry hit'] = [static function (string $t) use ($options) { return new Halext\TokenValidator($options); }, $quarter];
$cases['registry miss'] = [static function (string $t) use ($secret, &$i) { return new Halext\TokenValidator(['secret' => $secret, 'leeway' => $i++]); }, $quarter];
$best = measure_all($cases, $rounds);

printf("PHP %s, halext %s, %d tokens, best of %d interleaved rounds, µs per call (claims array included)\n", PHP_VERSION, halext_version(), $n, $rounds);
printf("halext_validate_token() secret: %s\n\n", $secretSource);
printf("%-46s %12s %9s %12s %9s\n", 'validator', 'distinct', 'speed-up', 'same token', 'speed-up');
$base = null;
foreach (array_keys($validators) as $name) {
    $distinct = $best["$name|distinct"];
    $repeated = $best["$name|same"];
    $base = $base ?? [$distinct, $repeated];
    printf("%-46s %9.3f µs %8.1fx %9.3f µs %8.1fx\n", $name, $distinct, $base[0] / $distinct, $repeated, $base[1] / $repeated);
}
printf("\n%-46s %9.3f µs\n", 'new TokenValidator($opts), registry hit', $best['registry hit']);
printf("%-46s %9.3f µs\n", 'new TokenValidator($opts), registry miss', $best['registry miss']);
