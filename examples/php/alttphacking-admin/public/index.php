<?php

/*
 * alttphacking.net lite admin: the front controller.
 *
 *   HALEXT_URL=https://org.halext.org/api \
 *     php -d extension=libhalext_php.so -S 127.0.0.1:8095 -t public public/index.php
 *
 * Every request comes here except the files in public/assets/. Only this directory is public;
 * the code lives in ../src and ../views. See ../README.md.
 */

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;

// php -S: serve the stylesheet and script as files.
if (PHP_SAPI === 'cli-server' && preg_match('#^/assets/[a-z0-9_-]+\.(css|js)$#', (string) parse_url($_SERVER['REQUEST_URI'] ?? '', PHP_URL_PATH)) === 1) {
    return false;
}

require __DIR__ . '/../src/http.php';
require __DIR__ . '/../src/session.php';
require __DIR__ . '/../src/form.php';
require __DIR__ . '/../src/view.php';
require __DIR__ . '/../src/auth.php';
require __DIR__ . '/../src/upload.php';
require __DIR__ . '/../src/news.php';
require __DIR__ . '/../src/pages.php';
require __DIR__ . '/../src/media.php';

send_security_headers();

if (!extension_loaded('halext')) {
    render('message', ['title' => 'Setup needed', 'message' =>
        'The halext PHP extension is not loaded. Start PHP with -d extension=/path/to/libhalext_php.so (see README.md).'], 500);
    return;
}

$routes = [
    'GET /' => fn () => redirect('/news'),
    'GET /login' => login_page(...),
    'POST /login' => login_page(...),
    'POST /logout' => logout_page(...),
    'GET /blog' => public_blog_page(...),
    'GET /news' => news_list_page(...),
    'GET /news/new' => fn () => news_form_page(false),
    'POST /news/new' => fn () => news_form_page(false),
    'GET /news/edit' => fn () => news_form_page(true),
    'POST /news/edit' => fn () => news_form_page(true),
    'GET /news/delete' => news_delete_page(...),
    'POST /news/delete' => news_delete_page(...),
    'GET /media' => media_page(...),
    'POST /media' => media_page(...),
];
foreach (array_keys(PAGE_KINDS) as $kind) {
    $routes["GET /{$kind}"] = fn () => pages_list_page($kind);
    foreach (['GET', 'POST'] as $m) {
        $routes["{$m} /{$kind}/new"] = fn () => page_form_page($kind, false);
        $routes["{$m} /{$kind}/edit"] = fn () => page_form_page($kind, true);
        $routes["{$m} /{$kind}/delete"] = fn () => page_delete_page($kind);
    }
}

$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';
$method = $method === 'HEAD' ? 'GET' : $method;
$route = $routes[$method . ' ' . request_path()] ?? null;
if ($route === null) {
    $known = array_filter(array_keys($routes), fn ($r) => str_ends_with($r, ' ' . request_path()));
    if ($known !== []) {
        header('Allow: ' . implode(', ', array_map(fn ($r) => strstr($r, ' ', true), $known)));
        render('message', ['title' => 'Method not allowed', 'message' => 'This address does not take that kind of request.'], 405);
    } else {
        render('message', ['title' => 'Not found', 'message' => 'There is no page at this address.'], 404);
    }
    return;
}

if ($method === 'POST') {
    // A body over post_max_size arrives empty: say so instead of "form expired".
    if ($_POST === [] && $_FILES === [] && (int) ($_SERVER['CONTENT_LENGTH'] ?? 0) > 0) {
        render('message', ['title' => 'Too large', 'message' =>
            'The form was larger than this server accepts (' . ini_get('post_max_size') . '). Go back and choose a smaller image.'], 413);
        return;
    }
    if (!csrf_valid()) {
        render('message', ['title' => 'Form expired', 'message' =>
            'This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.'], 403);
        return;
    }
}

try {
    $route();
} catch (ApiException $e) {
    // Halext unreachable or failing outside a form (lists, the sign-in check).
    error_log('alttphacking-admin: ' . $e->getReason() . ': ' . $e->getMessage());
    render('message', ['title' => 'Halext is unavailable', 'message' =>
        'Halext did not answer as expected (' . $e->getReason() . '). Nothing was changed; try again in a moment.'], 503);
} catch (\Halext\Exception $e) {
    error_log('alttphacking-admin: ' . $e->getReason() . ': ' . $e->getMessage());
    render('message', ['title' => 'Configuration problem', 'message' =>
        'The Halext client is not configured correctly (' . $e->getReason() . '). See README.md: HALEXT_URL.'], 500);
}
