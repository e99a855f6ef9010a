<?php

/*
 * Log a user in with their Halext username (or email) and password, then ask Halext who the
 * token belongs to.
 *
 *   HALEXT_URL=https://org.halext.org/api HALEXT_EXAMPLE_USERNAME=alice HALEXT_EXAMPLE_PASSWORD=... \
 *     php -d extension=libhalext_php.so examples/php/login.php
 *
 * The password comes from the environment here; in a site it comes from the login form.
 */

declare(strict_types=1);

$client = new Halext\Client();   // url from HALEXT_URL / halext.url

try {
    $login = $client->login((string) getenv('HALEXT_EXAMPLE_USERNAME'), (string) getenv('HALEXT_EXAMPLE_PASSWORD'));
} catch (Halext\ApiException $e) {
    if ($e->getCode() === Halext\ApiException::UNAUTHORIZED) {
        fwrite(STDERR, "login refused: wrong username or password\n");
        exit(1);
    }
    throw $e;   // Halext unreachable, timeout, ...: a 503 for the site, not "wrong password"
}

// Keep the token in the session; it expires after 30 minutes (there is no refresh token).
printf("logged in, token expires at %s UTC\n", gmdate('H:i:s', $login['expires_at']));

$me = $client->me($login['access_token']);
printf("I am %s <%s>%s\n", $me['username'], $me['email'], $me['is_admin'] ? ' (admin)' : '');
