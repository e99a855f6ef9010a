<?php

/*
 * Sign-in through Halext, admins only.
 *
 * Login: `Client::login()` (POST /token) → `Client::me()` (GET /users/me/) → only a user with
 * `is_admin` gets a session (halext-api.md §2: `is_admin` gates every `/content/admin/*` route).
 * Every later request re-checks the token with `Client::validateRemote()` (GET /users/me/,
 * cached by the extension per process for at most 60 s and never past the token's `exp`), so a
 * revoked admin or an expired token loses access within a minute, without a call per request.
 */

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;
use Halext\Client;

/** The Halext client, configured by INI `halext.*` / env `HALEXT_*` (URL, timeouts). */
function client(): Client
{
    static $client = null;
    return $client ??= new Client();
}

/**
 * The signed-in admin (`['username', 'token']`), or null when nobody is signed in. Ends the
 * session (and the request, with the refusal page) when Halext says the user is no admin any more;
 * redirects to the sign-in form when the token expired.
 *
 * @return array{username: string, token: string}|null
 */
function current_admin(): ?array
{
    if (!isset($_COOKIE[SESSION_NAME])) {
        return null;   // no cookie: do not create a session just to find out
    }
    start_session();
    $auth = $_SESSION['auth'] ?? null;
    if (!is_array($auth) || !is_string($auth['token'] ?? null)) {
        return null;
    }
    $expires = $auth['expires_at'] ?? null;
    if (is_int($expires) && $expires <= time()) {
        expire_sign_in();
    }
    try {
        $user = client()->validateRemote($auth['token']);
    } catch (ApiException $e) {
        if ($e->getCode() === ApiException::UNAUTHORIZED) {
            expire_sign_in();
        }
        throw $e;   // Halext unreachable: the front controller shows a 503 page
    }
    if (($user['is_admin'] ?? false) !== true) {
        refuse_non_admin((string) ($user['username'] ?? ''));
    }
    return ['username' => (string) $user['username'], 'token' => $auth['token']];
}

/** The signed-in admin, or a redirect to the sign-in form. */
function require_admin(): array
{
    return current_admin() ?? redirect('/login');
}

/**
 * Runs an admin API call; 401 (token expired or revoked) and 403 (no longer an admin) end the
 * sign-in instead of becoming form errors. Other `ApiException`s reach the caller.
 *
 * @template T
 * @param callable(): T $call
 * @return T
 */
function admin_call(callable $call): mixed
{
    try {
        return $call();
    } catch (ApiException $e) {
        if ($e->getCode() === ApiException::UNAUTHORIZED) {
            expire_sign_in();
        }
        if ($e->getCode() === ApiException::FORBIDDEN) {
            refuse_non_admin('');
        }
        throw $e;
    }
}

/** Ends the sign-in (keeping the anonymous session for the message) and goes to the form. */
function expire_sign_in(): never
{
    start_session();
    session_regenerate_id(true);
    $_SESSION = [];
    flash('Your Halext sign-in has expired. Please sign in again.');
    redirect('/login');
}

/** The 403 page for a Halext user who is not an admin; any session is destroyed first. */
function refuse_non_admin(string $username): never
{
    destroy_session();
    render('refused', ['title' => 'Administrators only', 'username' => $username], 403);
    exit;
}

/** GET/POST /login. */
function login_page(): void
{
    if (current_admin() !== null) {
        redirect('/news');
    }
    $form = new Form(['username' => '']);
    if (is_post()) {
        $form = new Form(['username' => trim(post_string('username'))]);
        $password = post_string('password');
        if ($form->value('username') === '') {
            $form->error('username', 'Enter your Halext username or email.');
        }
        if ($password === '') {
            $form->error('password', 'Enter your Halext password.');
        }
        if ($form->ok()) {
            try {
                $login = client()->login($form->value('username'), $password);
                $me = client()->me($login['access_token']);
            } catch (ApiException $e) {
                $form->fail(match ($e->getCode()) {
                    ApiException::UNAUTHORIZED => 'Halext did not accept this username or password.',
                    ApiException::RATE_LIMITED => 'Too many sign-in attempts. Try again'
                        . ($e->getRetryAfter() !== null ? " in {$e->getRetryAfter()} seconds." : ' later.'),
                    default => 'Halext is unavailable right now (' . $e->getReason() . '). Try again in a moment.',
                });
                $login = null;
            }
            if ($login !== null) {
                if (($me['is_admin'] ?? false) !== true) {
                    refuse_non_admin((string) ($me['username'] ?? ''));
                }
                begin_admin_session([
                    'token' => $login['access_token'],
                    'expires_at' => $login['expires_at'] ?? null,
                    'username' => (string) $me['username'],
                ]);
                flash('Signed in as ' . $me['username'] . '.');
                redirect('/news');
            }
        }
    }
    render('login', ['title' => 'Sign in', 'form' => $form, 'flash' => isset($_COOKIE[SESSION_NAME]) ? take_flash_anon() : null]);
}

/** The flash message of an anonymous session (after an expired sign-in). */
function take_flash_anon(): ?string
{
    start_session();
    return take_flash();
}

/** POST /logout. */
function logout_page(): void
{
    destroy_session();
    redirect('/login?signed-out=1');
}
