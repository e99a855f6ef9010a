<?php

/*
 * Post a pulse (a short status message) to a social circle: log in, find or create a circle,
 * post, read the latest pulses back.
 *
 *   HALEXT_URL=... HALEXT_EXAMPLE_USERNAME=alice HALEXT_EXAMPLE_PASSWORD=... php -d extension=libhalext_php.so examples/php/pulse.php
 */

declare(strict_types=1);

$client = new Halext\Client();
$token = $client->login((string) getenv('HALEXT_EXAMPLE_USERNAME'), (string) getenv('HALEXT_EXAMPLE_PASSWORD'))['access_token'];

// The user's first circle, or a new one (its invite code lets friends join: joinCircle()).
$circles = $client->circles($token);
$circle = $circles[0] ?? $client->createCircle($token, ['name' => 'Example circle', 'emoji' => '👋']);
printf("circle %s (%d members, invite code %s)\n", $circle['name'], $circle['member_count'], $circle['invite_code']);

$pulse = $client->postPulse($token, $circle['id'], ['message' => 'Hello from PHP via halext', 'mood' => 'happy']);
printf("posted pulse %d\n", $pulse['id']);

foreach ($client->pulses($token, $circle['id']) as $p) {
    printf("  %s  %s: %s\n", gmdate('H:i', $p['created_at']), $p['author_name'] ?? '?', $p['message']);
}
