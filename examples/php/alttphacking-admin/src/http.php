<?php

/*
 * Request/response helpers: escaping, redirects, security headers, flash messages.
 */

declare(strict_types=1);

namespace Alttp\Admin;

/** HTML-escapes a value for text and double-quoted attributes. */
function e(mixed $value): string
{
    return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

/** The request path without the query string, e.g. `/news/edit`. */
function request_path(): string
{
    $path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
    $path = is_string($path) ? rawurldecode($path) : '/';
    return $path === '/' ? '/' : rtrim($path, '/');
}

function is_post(): bool
{
    return ($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST';
}

/** A string from the POST body ('' when absent or not a string: arrays are never accepted). */
function post_string(string $name): string
{
    $v = $_POST[$name] ?? '';
    return is_string($v) ? $v : '';
}

/** A string from the query string ('' when absent or not a string). */
function query_string(string $name): string
{
    $v = $_GET[$name] ?? '';
    return is_string($v) ? $v : '';
}

/** Headers sent with every answer: no framing, no sniffing, a strict CSP (no inline script). */
function send_security_headers(): void
{
    header("Content-Security-Policy: default-src 'self'; img-src 'self' https: http: data:; "
        . "style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    header('X-Content-Type-Options: nosniff');
    header('Referrer-Policy: same-origin');
    header('X-Frame-Options: DENY');
}

/** Redirects (303: the next request is a GET) to a local path and ends the request. */
function redirect(string $path): never
{
    // Local paths only: never a scheme or `//host`, so no open redirect.
    if (!str_starts_with($path, '/') || str_starts_with($path, '//')) {
        $path = '/';
    }
    header('Location: ' . $path, true, 303);
    exit;
}

/** Stores a one-time message shown on the next admin page. */
function flash(string $message): void
{
    $_SESSION['flash'] = $message;
}

/** Takes the one-time message, if any. */
function take_flash(): ?string
{
    $m = $_SESSION['flash'] ?? null;
    unset($_SESSION['flash']);
    return is_string($m) ? $m : null;
}

/** Formats Unix seconds (the client's time unit) as a UTC date and time. */
function format_time(mixed $seconds): string
{
    return is_int($seconds) ? gmdate('Y-m-d H:i', $seconds) . ' UTC' : '—';
}
