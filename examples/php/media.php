<?php

/*
 * Upload a media file (admins only on Halext) and list the uploads.
 *
 *   HALEXT_URL=... HALEXT_EXAMPLE_USERNAME=admin HALEXT_EXAMPLE_PASSWORD=... \
 *     php -d extension=libhalext_php.so examples/php/media.php [file]
 *
 * Without a file argument it uploads a tiny generated PNG from memory.
 */

declare(strict_types=1);

$client = new Halext\Client();
$token = $client->login((string) getenv('HALEXT_EXAMPLE_USERNAME'), (string) getenv('HALEXT_EXAMPLE_PASSWORD'))['access_token'];

try {
    if (isset($argv[1])) {
        // Streamed from disk; refused before sending when over max_upload_bytes (25 MiB by default).
        $asset = $client->uploadMedia($token, $argv[1], ['title' => basename($argv[1])]);
    } else {
        $png = base64_decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==');
        $asset = $client->uploadMediaBytes($token, $png, 'pixel.png', ['title' => 'One pixel']);
    }
} catch (Halext\ApiException $e) {
    if ($e->getCode() === Halext\ApiException::FORBIDDEN) {
        fwrite(STDERR, "only Halext admins can upload media\n");
        exit(1);
    }
    throw $e;
}
printf("uploaded #%d: %s\n", $asset['id'], $asset['public_url']);
printf("%d file(s) in the media library\n", count($client->listMedia($token)));
