<?php

/*
 * The PHP session and its CSRF token.
 *
 * The session holds, server side only: the CSRF token, a flash message and, once an admin has
 * signed in, `auth` = ['token' => Halext access token, 'expires_at' => ?int Unix seconds,
 * 'username' => string]. The browser only ever sees the session id (HttpOnly, SameSite=Lax,
 * Secure over HTTPS); the Halext token never reaches it.
 */

declare(strict_types=1);

namespace Alttp\Admin;

const SESSION_NAME = 'alttp_admin';

/** Starts the session with strict settings (idempotent). */
function start_session(): void
{
    if (session_status() === PHP_SESSION_ACTIVE) {
        return;
    }
    $https = ($_SERVER['HTTPS'] ?? '') !== '' && ($_SERVER['HTTPS'] ?? '') !== 'off';
    session_name(SESSION_NAME);
    session_set_cookie_params([
        'lifetime' => 0,
        'path' => '/',
        'secure' => $https,
        'httponly' => true,
        'samesite' => 'Lax',
    ]);
    session_start([
        'use_strict_mode' => true,   // never adopt a session id the server did not issue
        'use_only_cookies' => true,
        'use_trans_sid' => false,
        'cookie_httponly' => true,
        'sid_length' => 48,
        'sid_bits_per_character' => 6,
    ]);
}

/**
 * Ends the session completely: data, server-side file and cookie. Used at logout and when a
 * non-admin tries to sign in (they get no session at all).
 */
function destroy_session(): void
{
    start_session();
    $_SESSION = [];
    $params = session_get_cookie_params();
    setcookie(session_name(), '', [
        'expires' => time() - 3600,
        'path' => $params['path'],
        'secure' => $params['secure'],
        'httponly' => true,
        'samesite' => $params['samesite'],
    ]);
    session_destroy();
}

/** The session's CSRF token (64 hex characters), created on first use. */
function csrf_token(): string
{
    start_session();
    if (!isset($_SESSION['csrf']) || !is_string($_SESSION['csrf'])) {
        $_SESSION['csrf'] = bin2hex(random_bytes(32));
    }
    return $_SESSION['csrf'];
}

/** The hidden input every POST form carries. */
function csrf_field(): string
{
    return '<input type="hidden" name="csrf" value="' . e(csrf_token()) . '">';
}

/**
 * Whether the POST carries the session's CSRF token (constant-time comparison). A request
 * without a session, or without the field, never passes.
 */
function csrf_valid(): bool
{
    if (!isset($_COOKIE[SESSION_NAME])) {
        return false;   // no session cookie: nothing to compare with (and no session is created)
    }
    start_session();
    $expected = $_SESSION['csrf'] ?? null;
    $given = $_POST['csrf'] ?? null;
    return is_string($expected) && $expected !== '' && is_string($given) && hash_equals($expected, $given);
}

/**
 * Gives the signed-in admin a fresh session id and CSRF token (against session fixation),
 * keeping nothing from the anonymous session.
 *
 * @param array{token: string, expires_at: ?int, username: string} $auth
 */
function begin_admin_session(array $auth): void
{
    start_session();
    session_regenerate_id(true);
    $_SESSION = ['auth' => $auth, 'csrf' => bin2hex(random_bytes(32))];
}
