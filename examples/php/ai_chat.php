<?php

/*
 * Ask Halext's AI: a plain chat, the same answer streamed chunk by chunk, and a question
 * answered from the site's own content (snippets quoted in the prompt).
 *
 *   HALEXT_URL=... HALEXT_EXAMPLE_USERNAME=alice HALEXT_EXAMPLE_PASSWORD=... php -d extension=libhalext_php.so examples/php/ai_chat.php
 */

declare(strict_types=1);

$client = new Halext\Client(['timeout_ms' => 60000]);   // AI answers can take a while
$token = $client->login((string) getenv('HALEXT_EXAMPLE_USERNAME'), (string) getenv('HALEXT_EXAMPLE_PASSWORD'))['access_token'];

$reply = $client->chat($token, 'Say hello in five words.');
printf("chat (%s%s): %s\n", $reply['model'], $reply['mock'] ? ', mock: no AI backend behind Halext' : '', trim($reply['response']));

echo 'stream: ';
$streamed = $client->chatStream($token, 'Say hello in five words.', function (string $chunk): void {
    echo $chunk;   // e.g. flush() it to the browser
});
printf("\n        (%d chunks)\n", $streamed['chunks']);

$answer = $client->chatWithContext($token, 'How do I reset my password?', [
    ['source' => 'wiki', 'title' => 'Account help', 'text' => 'Use the "Forgot password" link on the login page.'],
    ['source' => 'forum', 'title' => 'Reset mail never came', 'text' => 'Check the spam folder; mails come from noreply@.'],
], ['site' => 'Zeniea']);
printf("with context (%d snippets used): %s\n", $answer['snippets_used'], trim($answer['response']));
