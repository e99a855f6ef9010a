<?php

declare(strict_types=1);

/*
 * Conversion benchmark: JSON value → PHP array (how claims and API responses are returned)
 * and PHP array → JSON value (how structured input is taken), timed inside the extension
 * (Halext\Debug\convert_bench), next to PHP's own json_decode/json_encode of the same data
 * for scale (those include parsing/printing text, ours do not). Each figure is the best of
 * five rounds (the machine is shared; the minimum is the least disturbed run).
 *
 * Needs the test hooks in an optimised build:
 *   cargo build --release -p halext-php --features test-hooks
 *   php -n -d extension=$PWD/target/release/libhalext_php.so tests/php/bench/convert.php
 */

if (!function_exists('Halext\\Debug\\convert_bench')) {
    fwrite(STDERR, "needs a build with the test hooks (debug, or --release --features test-hooks)\n");
    exit(1);
}

$user = static function (int $i): array {
    return ['id' => $i, 'username' => "user$i", 'email' => "user$i@example.org", 'full_name' => "User Number $i",
        'is_active' => true, 'is_admin' => false, 'created_at' => '2024-05-01T12:00:00', 'avatar_url' => null,
        'roles' => ['member'], 'score' => 12.5];
};
$payloads = [
    'Halext claims (2 keys)' => ['sub' => 'alice', 'exp' => 1767225600],
    'OIDC-style claims (12 keys, nested)' => ['iss' => 'https://org.halext.org', 'sub' => 'alice', 'aud' => ['wp', 'forum'],
        'exp' => 1767225600, 'iat' => 1767222000, 'nbf' => 1767222000, 'jti' => 'b7e1c2d4-0000-4000-8000-123456789abc',
        'name' => 'Alice Ångström', 'email' => 'alice@example.org', 'email_verified' => true,
        'groups' => ['admins', 'editors', 'users'], 'ext' => ['tenant' => 7, 'scopes' => ['read', 'write']]],
    'API list (100 users x 10 fields)' => array_map($user, range(1, 100)),
];

$iterations = static function (string $json): int {
    return max(200, (int) (2_000_000 / max(1, strlen($json))));
};

printf("PHP %s, %s\n\n", PHP_VERSION, php_uname('m'));
printf("%-38s %12s %12s %14s %14s\n", 'payload', 'to_zval', 'to_json', 'json_decode', 'json_encode');
foreach ($payloads as $name => $value) {
    $json = json_encode($value, JSON_THROW_ON_ERROR);
    $n = $iterations($json);
    Halext\Debug\convert_bench($json, intdiv($n, 10)); // warm-up
    $best = ['to_zval_ns' => INF, 'to_json_ns' => INF, 'decode' => INF, 'encode' => INF];
    for ($round = 0; $round < 5; $round++) {
        $ours = Halext\Debug\convert_bench($json, $n);
        $t = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            json_decode($json, true);
        }
        $decode = (hrtime(true) - $t) / $n;
        $t = hrtime(true);
        for ($i = 0; $i < $n; $i++) {
            json_encode($value);
        }
        $encode = (hrtime(true) - $t) / $n;
        $best = [
            'to_zval_ns' => min($best['to_zval_ns'], $ours['to_zval_ns']),
            'to_json_ns' => min($best['to_json_ns'], $ours['to_json_ns']),
            'decode' => min($best['decode'], $decode),
            'encode' => min($best['encode'], $encode),
        ];
    }
    printf("%-38s %9.0f ns %9.0f ns %11.0f ns %11.0f ns\n", $name, $best['to_zval_ns'], $best['to_json_ns'], $best['decode'], $best['encode']);
}
