<?php

/*
 * A tour of Halext\Client, step by step: health, login, me, a pulse, an AI chat.
 *
 *   HALEXT_URL=http://127.0.0.1:8000 php -d extension=target/release/libhalext_php.so examples/php/client_tour.php
 *
 * Credentials: HALEXT_EXAMPLE_USERNAME / HALEXT_EXAMPLE_PASSWORD when set; otherwise the tour
 * registers a throwaway account first (needs open registration or the access code in
 * HALEXT_ACCESS_CODE[_FILE]). `make demo` runs it against a local Halext-compatible server.
 * Exits 1 (with the reason) when a step fails.
 */

declare(strict_types=1);

function step(int $n, string $title): void
{
    echo "\n[$n] $title\n";
}

function say(string $line): void
{
    echo "    $line\n";
}

if ((string) getenv('HALEXT_URL') === '' && (string) ini_get('halext.url') === '') {
    fwrite(STDERR, "client_tour: set HALEXT_URL (the Halext API base URL)\n");
    exit(2);
}

try {
    // One client per process is enough; constructing it again in each request is cheap and
    // keeps the same keep-alive connection (the options select it).
    $client = new Halext\Client();

    step(1, 'Is Halext up? (GET /health, GET /version)');
    $health = $client->health();
    $version = $client->version();
    say("status {$health['status']}, version {$version['version']}, server time " . gmdate('H:i:s', $health['timestamp']) . ' UTC');
    foreach ($health['env']['warnings'] ?? [] as $warning) {
        say("warning: $warning");
    }

    step(2, 'Log in (POST /token)');
    $username = (string) getenv('HALEXT_EXAMPLE_USERNAME');
    $password = (string) getenv('HALEXT_EXAMPLE_PASSWORD');
    if ($username === '') {
        $username = 'tour_' . bin2hex(random_bytes(3));
        $password = bin2hex(random_bytes(12));
        $client->register(['username' => $username, 'email' => "$username@example.org", 'password' => $password]);
        say("registered a throwaway account: $username");
    }
    $login = $client->login($username, $password);
    $token = $login['access_token'];
    say('token for ' . $username . ', expires at ' . gmdate('H:i:s', $login['expires_at']) . ' UTC (keep it in the session)');

    step(3, 'Who am I? (GET /users/me/)');
    $me = $client->me($token);
    say("{$me['username']} <{$me['email']}>, id {$me['id']}" . ($me['is_admin'] ? ', admin' : ''));
    // The same answer through the per-process cache (a site validating a session token):
    $again = $client->validateRemote($token);
    say("validateRemote: {$again['username']} (cached per process, at most 60 s, never past exp)");

    step(4, 'Post a pulse (POST /social/circles/{id}/pulses)');
    $circle = $client->circles($token)[0] ?? $client->createCircle($token, ['name' => 'Tour circle', 'emoji' => '🧭']);
    $pulse = $client->postPulse($token, $circle['id'], ['message' => 'Hello from the halext client tour']);
    say("posted #{$pulse['id']} to \"{$circle['name']}\" (invite code {$circle['invite_code']})");

    step(5, 'Ask the AI (POST /ai/chat)');
    $reply = $client->chat($token, 'In one sentence: what is Halext?');
    say(trim($reply['response']));
    say("model {$reply['model']}" . ($reply['mock'] ? ' (mock: Halext has no AI backend configured)' : ''));

    echo "\nTour complete.\n";
} catch (Halext\ApiException $e) {
    fwrite(STDERR, sprintf("client_tour: %s (HTTP %s): %s\n", $e->getReason(), $e->getStatus() ?? 'none', $e->getMessage()));
    exit(1);
} catch (Halext\Exception $e) {
    fwrite(STDERR, "client_tour: {$e->getReason()}: {$e->getMessage()}\n");
    exit(1);
}
