<?php

/*
 * DEMO SHELL, not part of the adapter: a router for PHP's built-in web server that serves the
 * adapter's drop-in pages (../login.php, ../register.php) with a tiny stand-in for the rest of
 * Acmlmboard (demo/lib/common.php, demo/index.php), so they run against a database holding
 * the board's `users` table:
 *
 *   ACMLM_DB=mysql://user:pass@127.0.0.1:3306/acmlm HALEXT_CONFIG=/etc/halext/halext.toml \
 *   HALEXT_URL=https://org.halext.org/api \
 *     php -d extension=libhalext_php.so -S 127.0.0.1:8080 examples/php/acmlmboard/demo/router.php
 *
 * `require 'lib/common.php'` in the pages finds demo/lib/common.php first (include_path), as
 * it would find the board's own in a real install.
 */

set_include_path(__DIR__ . PATH_SEPARATOR . dirname(__DIR__));
chdir(dirname(__DIR__));

$path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
$pages = ['/' => __DIR__ . '/index.php', '/index.php' => __DIR__ . '/index.php',
    '/login.php' => dirname(__DIR__) . '/login.php', '/register.php' => dirname(__DIR__) . '/register.php'];
if (!isset($pages[$path])) {
    http_response_code(404);
    echo "not found\n";
    return true;
}
require $pages[$path];
return true;
