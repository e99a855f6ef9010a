<?php

/*
 * Register a new Halext account, the way a site's sign-up form would.
 *
 *   HALEXT_URL=... HALEXT_ACCESS_CODE_FILE=/etc/halext/access_code \
 *   HALEXT_EXAMPLE_USERNAME=newbie HALEXT_EXAMPLE_PASSWORD=... php -d extension=libhalext_php.so examples/php/register.php
 *
 * The access code (Halext's registration gate) comes from HALEXT_ACCESS_CODE[_FILE] or the
 * halext.access_code[_file] INI entry; it is sent on registration only. The client never sends
 * `is_admin` and never asks for demo data.
 */

declare(strict_types=1);

$client = new Halext\Client();
$username = getenv('HALEXT_EXAMPLE_USERNAME') ?: 'example_' . bin2hex(random_bytes(3));
$password = getenv('HALEXT_EXAMPLE_PASSWORD') ?: bin2hex(random_bytes(12));

try {
    $user = $client->register([
        'username' => $username,
        'email' => "$username@example.org",
        'password' => $password,
        'full_name' => 'Example User',
    ]);
} catch (Halext\ApiException $e) {
    switch ($e->getCode()) {
        case Halext\ApiException::CONFLICT:      // "Email already registered" / "Username already registered"
            fwrite(STDERR, "taken: {$e->getMessage()}\n");
            exit(1);
        case Halext\ApiException::VALIDATION:    // per-field errors, to show next to the form fields
            foreach ($e->getFieldErrors() as $error) {
                fwrite(STDERR, "{$error['field']}: {$error['msg']}\n");
            }
            exit(1);
        case Halext\ApiException::UNAUTHORIZED:  // "Access code required": the site is misconfigured
            fwrite(STDERR, "registration is gated: configure the access code\n");
            exit(1);
    }
    throw $e;
}

printf("registered %s (id %d) at %s UTC\n", $user['username'], $user['id'], gmdate('Y-m-d H:i', $user['created_at']));
