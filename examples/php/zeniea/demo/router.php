<?php

/*
 * DEMO SHELL, not part of the adapter: a router for PHP's built-in web server that serves the
 * adapter's drop-in handlers (../src/forms/*.php, ../src/auth.php) inside a tiny stand-in for
 * the rest of ZEN3MP (demo/config/config.php, demo/register.php, demo/index.php), against a
 * database holding the app's `users` table:
 *
 *   ZENIEA_DB=mysql://user:pass@127.0.0.1:3306/social HALEXT_CONFIG=/etc/halext/halext.toml \
 *   HALEXT_URL=https://org.halext.org/api \
 *     php -d extension=libhalext_php.so -S 127.0.0.1:8080 examples/php/zeniea/demo/router.php
 */

set_include_path(__DIR__ . PATH_SEPARATOR . dirname(__DIR__));
chdir(dirname(__DIR__));

$path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
$pages = ['/' => 'index.php', '/index.php' => 'index.php', '/register.php' => 'register.php', '/logout.php' => 'logout.php'];
if (!isset($pages[$path])) {
    http_response_code(404);
    echo "not found\n";
    return true;
}
require __DIR__ . '/' . $pages[$path];
return true;
