<?php

declare(strict_types=1);

/*
 * Bootstrap of the halext PHP suite. scripts/test-php.sh loads the extension into the
 * PHPUnit process (-d extension=…) and passes its path in HALEXT_PHP_EXTENSION, so tests
 * can also start isolated child processes (own INI, own environment) with PhpProcess.
 */

require __DIR__ . '/support/PhpProcess.php';
require __DIR__ . '/support/Surface.php';
require __DIR__ . '/support/FastCgi.php';
require __DIR__ . '/support/Jwt.php';
require __DIR__ . '/support/JwksServer.php';
require __DIR__ . '/support/TestServer.php';
require __DIR__ . '/support/FpmPool.php';
require __DIR__ . '/support/MariaDb.php';
require __DIR__ . '/support/LegacySites.php';
require __DIR__ . '/support/AdapterSite.php';
require __DIR__ . '/support/AdapterTestCase.php';
require __DIR__ . '/support/HashVectors.php';

$so = getenv('HALEXT_PHP_EXTENSION');
if ($so === false || $so === '' || !is_file($so)) {
    fwrite(STDERR, "tests/php: HALEXT_PHP_EXTENSION must name the built extension; run scripts/test-php.sh <target-dir>\n");
    exit(2);
}
if (!extension_loaded('halext')) {
    fwrite(STDERR, "tests/php: the halext extension is not loaded into the PHPUnit process (php -d extension=$so …)\n");
    exit(2);
}
