<?php

/*
 * halext quickstart: what a legacy PHP site does with the halext extension, step by step.
 *
 *   make demo        (builds the extension and runs this through scripts/demo.sh)
 *
 * or by hand:
 *
 *   HALEXT_JWT_SECRET_FILE=/path/to/secret php -d extension=target/release/libhalext_php.so examples/php/quickstart.php
 *
 * Steps 1-5, token validation: the script signs its own tokens in the Halext format (what
 * `POST /token` returns: HS256 over {"sub","exp"}) with the secret the extension is configured
 * with. A real site never mints tokens: it only validates the ones Halext issued (anyone holding
 * the secret can impersonate any user).
 *
 * Steps 6-8, login-time migration (when HALEXT_CONFIG names a halext.toml, as `make demo` sets
 * it after `halext migrate apply`): a legacy WordPress user logs in with the legacy password
 * through Halext\Migration::login(); the first login creates the Halext account, the token it
 * returns is validated, the second login just logs in.
 *
 * Each step is one function.
 */

declare(strict_types=1);

// ------------------------------------------------------------------------------------------
// Helpers (presentation, and the demo-only token minting)
// ------------------------------------------------------------------------------------------

function step(int $number, string $title): void
{
    echo "\n[$number] $title\n";
}

function say(string $line): void
{
    echo "    $line\n";
}

function when(int $unix): string
{
    $delta = $unix - time();
    $relative = abs($delta) < 120 ? abs($delta) . ' s' : intdiv(abs($delta), 60) . ' min';
    return gmdate('Y-m-d H:i:s', $unix) . ' UTC, ' . ($delta >= 0 ? "in $relative" : "$relative ago");
}

function shorten(string $token): string
{
    return substr($token, 0, 48) . '…(' . strlen($token) . ' bytes)';
}

function b64url(string $bytes): string
{
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

/**
 * DEMO ONLY: a token exactly as the Halext server's python-jose makes it. Production PHP code
 * must not do this; it would let the site impersonate any Halext user.
 */
function mint_halext_token(string $secret, string $username, int $exp): string
{
    $input = b64url('{"alg":"HS256","typ":"JWT"}') . '.' . b64url('{"sub":' . json_encode($username) . ',"exp":' . $exp . '}');
    return $input . '.' . b64url(hash_hmac('sha256', $input, $secret, true));
}

/** The secret the extension uses, read the same way (here: the file named by the environment). */
function demo_secret(): string
{
    $file = getenv('HALEXT_JWT_SECRET_FILE');
    $secret = $file !== false ? (string) @file_get_contents($file) : (string) getenv('HALEXT_JWT_SECRET');
    return rtrim($secret, "\r\n");
}

/** Validates `$token` and prints the outcome the way a site would act on it. */
function try_token(string $token): void
{
    try {
        $claims = halext_validate_token($token);
        say("accepted: user \"{$claims['sub']}\", token expires " . when($claims['exp']));
        say('claims: ' . json_encode($claims));
    } catch (Halext\TokenException $e) {
        // Branch on the code, not the message: getReason() is the stable name.
        say(sprintf('rejected: %s (%s %d): %s', get_class($e), $e->getReason(), $e->getCode(), $e->getMessage()));
    }
}

// ------------------------------------------------------------------------------------------
// Steps
// ------------------------------------------------------------------------------------------

function step_configuration(): void
{
    step(1, 'The extension and its configuration');
    $config = halext_config();
    $secret = $config['jwt_secret'];
    say('halext ' . halext_version() . ' on PHP ' . PHP_VERSION);
    say('JWT secret: ' . ($secret['set'] ? "set (from {$secret['from']}; the value is never shown)" : 'NOT SET'));
    if (!$secret['set']) {
        fwrite(STDERR, "set HALEXT_JWT_SECRET_FILE (or halext.jwt_secret_file) first\n");
        exit(2);
    }
}

function step_tokens(): void
{
    $secret = demo_secret();
    $exp = time() + 30 * 60; // Halext tokens live 30 minutes

    step(2, 'A fresh Halext access token for "alice" (signed by this demo: no Halext server yet)');
    $token = mint_halext_token($secret, 'alice', $exp);
    say(shorten($token));

    step(3, 'Validate it: halext_validate_token($token)');
    try_token($token);

    step(4, 'A tampered token: the payload says "admin", the signature is alice\'s');
    [$header, , $signature] = explode('.', $token);
    $forged = $header . '.' . b64url('{"sub":"admin","exp":' . $exp . '}') . '.' . $signature;
    try_token($forged);

    step(5, 'An expired token (exp one minute ago)');
    try_token(mint_halext_token($secret, 'alice', time() - 60));
}

/**
 * Validates a token Halext issued: locally with the shared secret when the demo knows it (the
 * local test server), else by asking Halext who the token belongs to (GET /users/me/).
 */
function validate_halext_token(string $token): string
{
    if (getenv('HALEXT_DEMO_LOCAL') === '1') {
        $claims = (new Halext\TokenValidator(['secret' => demo_secret()]))->validate($token);
        return "valid (locally, Halext\\TokenValidator): sub \"{$claims['sub']}\", expires " . when($claims['exp']);
    }
    $user = (new Halext\Client(['url' => (string) getenv('HALEXT_URL')]))->validateRemote($token);
    return "valid (remotely, Halext\\Client::validateRemote): user \"{$user['username']}\"";
}

function step_migration(string $config): void
{
    // Requires Halext\Migration (docs/php-api.md); scripts/demo.sh checks it exists first.
    $migration = new Halext\Migration(['config' => $config]);

    step(6, 'A WordPress user logs in: Halext\\Migration::login("wordpress", "bob", <password>)');
    $first = $migration->login('wordpress', 'bob', 'p@ss w0rd ü');
    say(sprintf('outcome "%s": legacy id %d is now Halext user "%s" (token %s)',
        $first['outcome'], $first['legacy_id'], $first['halext_username'], shorten((string) $first['access_token'])));
    $row = $migration->resolve('wordpress', $first['legacy_id']);
    say("mapping row: status {$row['status']}, method {$row['method']}");

    step(7, 'Validate the Halext token the login returned');
    say(validate_halext_token((string) $first['access_token']));

    step(8, 'The next login logs in; a wrong password is refused like an unknown user');
    $again = $migration->login('wordpress', 'bob', 'p@ss w0rd ü');
    say("outcome \"{$again['outcome']}\" as \"{$again['halext_username']}\"");
    try {
        $migration->login('wordpress', 'bob', 'not the password');
    } catch (Halext\MigrationException $e) {
        say(sprintf('wrong password: %s (%s %d)', get_class($e), $e->getReason(), $e->getCode()));
    }
}

// ------------------------------------------------------------------------------------------

echo "halext quickstart\n";
echo "Steps 1-5: the demo signs its own tokens in the Halext format with a secret made for this\n";
echo "run; a real site only validates Halext's tokens.\n";
step_configuration();
step_tokens();
$config = getenv('HALEXT_CONFIG');
if ($config !== false && $config !== '') {
    step_migration($config);
} else {
    echo "\n(Steps 6-8, login-time migration, need HALEXT_CONFIG: run `make demo`.)\n";
}
echo "\nDone. From the command line: halext token verify < token.txt; halext migrate status\n";
