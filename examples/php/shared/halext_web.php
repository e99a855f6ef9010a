<?php

/*
 * The few pieces every legacy-app adapter (examples/php/acmlmboard, examples/php/zeniea) shares:
 * a CSRF token, the sign-in order (legacy password first, then Halext credentials), the
 * Halext-password step, and "who is this request" from the Halext token kept in the session.
 * App-specific work (which table, which columns, what "banned" means, how the app's session is
 * set) stays in each adapter's own include, behind the small LocalAccounts interface below.
 *
 * Requires the halext extension (Halext\Migration, Halext\Client, halext_validate_token) and
 * PHP's session extension. Configuration, never in code:
 *   - halext.config (INI) / HALEXT_CONFIG (env): the halext.toml with the legacy sites and the
 *     mapping store (docs/migration.md);
 *   - halext.url / HALEXT_URL: the Halext API, for the Halext-credentials sign-in;
 *   - halext.jwt_secret[_file] / HALEXT_JWT_SECRET[_FILE] (optional): Halext's SECRET_KEY for
 *     local token validation; without it each request asks Halext (GET /users/me/, cached by
 *     the extension for at most 60 s and never past the token's exp).
 * See docs/adapters.md.
 */

declare(strict_types=1);

namespace HalextWeb;

use Halext\ApiException;
use Halext\Exception as HalextException;
use Halext\Migration;
use Halext\MigrationException;
use Halext\TokenException;

/**
 * What an adapter tells the shared sign-in about the app's own `users` table.
 */
interface LocalAccounts
{
    /** The site name of this app in halext.toml (`[[site]] name`, the mapping table's `site`). */
    public function site(): string;

    /**
     * Whether the local account may not sign in (banned, closed, unverified), by the app's own
     * rule. Asked when someone signs in with Halext credentials, since the legacy password
     * check (which refuses blocked accounts itself) was not the path that let them in.
     */
    public function blocked(int $id): bool;

    /**
     * Creates a local account for a Halext user who has none on this site and returns its id,
     * or null when the app cannot make one. `$me` is Halext's `GET /users/me/` answer
     * (`id`, `username`, `email`, `full_name`, `is_admin`); `is_admin` must grant nothing.
     */
    public function create(array $me): ?int;

    /** Removes an account create() just made (when the link could not be written). */
    public function delete(int $id): void;
}

/** Starts the PHP session with safe cookie flags (HttpOnly, SameSite=Lax, Secure on HTTPS). */
function start_session(): void
{
    if (session_status() === PHP_SESSION_ACTIVE) {
        return;
    }
    session_set_cookie_params([
        'httponly' => true,
        'samesite' => 'Lax',
        'secure' => ($_SERVER['HTTPS'] ?? '') !== '' && ($_SERVER['HTTPS'] ?? '') !== 'off',
        'path' => '/',
    ]);
    ini_set('session.use_strict_mode', '1');
    session_start();
}

/** The halext API client (options from INI `halext.*` / env `HALEXT_*`; cheap per request). */
function client(): \Halext\Client
{
    return new \Halext\Client();
}

/** The migration service of the configured halext.toml (cheap per request). */
function migration(): Migration
{
    return new Migration();
}

/**
 * Synchronizer-token CSRF protection (OWASP CSRF Prevention Cheat Sheet): one random token per
 * session, sent as a hidden field `csrf` and compared in constant time.
 */
final class Csrf
{
    public const FIELD = 'csrf';

    /** The session's token (64 hex characters), created on first use. */
    public static function token(): string
    {
        start_session();
        if (!isset($_SESSION['halext_csrf']) || !is_string($_SESSION['halext_csrf'])) {
            $_SESSION['halext_csrf'] = bin2hex(random_bytes(32));
        }
        return $_SESSION['halext_csrf'];
    }

    /** `<input type="hidden" name="csrf" value="…">` for a form. */
    public static function field(): string
    {
        return '<input type="hidden" name="' . self::FIELD . '" value="' . self::token() . '">';
    }

    /** Whether the POSTed token matches the session's (false when either is missing). */
    public static function valid(): bool
    {
        start_session();
        $posted = $_POST[self::FIELD] ?? null;
        $mine = $_SESSION['halext_csrf'] ?? null;
        return is_string($posted) && is_string($mine) && $mine !== '' && hash_equals($mine, $posted);
    }
}

/**
 * The result of a sign-in attempt.
 *
 * - `ok`: signed in; `legacyId` is the app's user id, `token`/`expiresAt` the Halext access
 *   token and its `exp` (Unix seconds), both null for `legacy_only`/`not_migrated`;
 * - `ask`: the legacy password was right and a Halext account `halextLogin` already exists with
 *   another password: ask for that password and call connect();
 * - `error`: one of `invalid` (unknown user or wrong password: one answer for both),
 *   `blocked`, `unavailable` (Halext or a database cannot be reached), `attention` (a mapping
 *   conflict an administrator must settle), `no_account` (a Halext user this site cannot give
 *   an account to).
 */
final class SignIn
{
    /** @var string 'ok' | 'ask' | 'error' */
    public $status;
    /** @var int|null */
    public $legacyId = null;
    /** @var string|null */
    public $token = null;
    /** @var int|null */
    public $expiresAt = null;
    /** @var string|null */
    public $halextUsername = null;
    /** @var string|null migration outcome, or `halext` for a Halext-credentials sign-in */
    public $outcome = null;
    /** @var string|null */
    public $halextLogin = null;
    /** @var string|null */
    public $error = null;

    private function __construct(string $status)
    {
        $this->status = $status;
    }

    public static function error(string $error): self
    {
        $s = new self('error');
        $s->error = $error;
        return $s;
    }

    /** From the array of Halext\Migration::login() / linkWithHalextPassword(). */
    public static function fromMigration(array $r): self
    {
        if ($r['outcome'] === 'halext_password_required') {
            $s = new self('ask');
            $s->legacyId = (int) $r['legacy_id'];
            $s->halextLogin = (string) $r['halext_login'];
            return $s;
        }
        $s = new self('ok');
        $s->legacyId = (int) $r['legacy_id'];
        $s->token = $r['access_token'];
        $s->expiresAt = $r['expires_at'];
        $s->halextUsername = $r['halext_username'];
        $s->outcome = $r['outcome'];
        return $s;
    }

    public static function halext(int $legacyId, array $token, string $username): self
    {
        $s = new self('ok');
        $s->legacyId = $legacyId;
        $s->token = (string) $token['access_token'];
        $s->expiresAt = $token['expires_at'] ?? null;
        $s->halextUsername = $username;
        $s->outcome = 'halext';
        return $s;
    }
}

/** Logs an operator-relevant failure (never a password or a token: halext messages hold none). */
function log_failure(string $what, \Throwable $e): void
{
    $reason = $e instanceof HalextException ? $e->getReason() : get_class($e);
    error_log("halext adapter: $what: $reason: {$e->getMessage()}");
}

/**
 * Signs someone in with what they typed into the app's login form:
 *
 * 1. the legacy password through login-time migration (`Halext\Migration::login`, which finds
 *    the account the way the app's form does, verifies the old hash with the app's quirks,
 *    refuses blocked accounts, and creates or logs in to the Halext account);
 * 2. only when that says "unknown user or wrong password": the same credentials on Halext
 *    (`POST /token`), for users whose password now lives on Halext (Halext-only users, and
 *    migrated users who changed it there). Their local account is the one linked to the Halext
 *    username, or a new one made by `$accounts->create()` and linked (method `login`).
 *
 * Unknown user and wrong password give the same `invalid` on both paths.
 */
function sign_in(LocalAccounts $accounts, string $login, string $password): SignIn
{
    if ($login === '' || $password === '') {
        return SignIn::error('invalid');
    }
    $site = $accounts->site();
    try {
        return SignIn::fromMigration(migration()->login($site, $login, $password));
    } catch (MigrationException $e) {
        switch ($e->getCode()) {
            case MigrationException::INVALID_CREDENTIALS:
                break; // try Halext below
            case MigrationException::ACCOUNT_BLOCKED:
                return SignIn::error('blocked');
            case MigrationException::HALEXT_UNAVAILABLE:
                log_failure('login-time migration', $e);
                return SignIn::error('unavailable');
            default: // conflict, mapping store
                log_failure('login-time migration', $e);
                return SignIn::error('attention');
        }
    } catch (HalextException $e) { // legacy database, configuration
        log_failure('login-time migration', $e);
        return SignIn::error('unavailable');
    }
    return sign_in_with_halext($accounts, $login, $password);
}

/** Step 2 of sign_in(): Halext credentials, then the linked (or a new) local account. */
function sign_in_with_halext(LocalAccounts $accounts, string $login, string $password): SignIn
{
    // Halext stores normalised (lower-case) emails and compares byte-exactly (docs/migration.md §2.1).
    // (mbstring when loaded; otherwise ASCII case folding, which covers nearly every address.)
    $halextLogin = $login;
    if (str_contains($login, '@')) {
        $halextLogin = function_exists('mb_strtolower') ? mb_strtolower(trim($login), 'UTF-8') : strtolower(trim($login));
    }
    try {
        $token = client()->login($halextLogin, $password);
        $me = client()->me((string) $token['access_token']);
    } catch (ApiException $e) {
        if ($e->getCode() === ApiException::UNAUTHORIZED) {
            return SignIn::error('invalid');
        }
        log_failure('Halext sign-in', $e);
        return SignIn::error('unavailable');
    } catch (HalextException $e) {
        log_failure('Halext sign-in', $e);
        return SignIn::error('unavailable');
    }
    $username = (string) ($me['username'] ?? '');
    try {
        $id = linked_id($accounts->site(), $username);
        if ($id === null) {
            $id = $accounts->create($me);
            if ($id === null) {
                return SignIn::error('no_account');
            }
            try {
                migration()->link($accounts->site(), $id, $username, 'login', isset($me['id']) ? (int) $me['id'] : null);
            } catch (\Throwable $e) {
                $accounts->delete($id);
                throw $e;
            }
        }
    } catch (HalextException $e) {
        log_failure('linking a Halext user', $e);
        return SignIn::error('attention');
    }
    if ($accounts->blocked($id)) {
        return SignIn::error('blocked');
    }
    return SignIn::halext($id, $token, $username);
}

/**
 * The second step after `ask`: the person proves the existing Halext account `$halextLogin` is
 * theirs with its password (`Halext\Migration::linkWithHalextPassword`). The caller must only
 * pass a `$legacyId` whose legacy password was verified in this session.
 */
function connect(LocalAccounts $accounts, int $legacyId, string $halextLogin, string $halextPassword): SignIn
{
    try {
        return SignIn::fromMigration(migration()->linkWithHalextPassword($accounts->site(), $legacyId, $halextLogin, $halextPassword));
    } catch (MigrationException $e) {
        if ($e->getCode() === MigrationException::INVALID_CREDENTIALS) {
            return SignIn::error('invalid');
        }
        log_failure('connecting a Halext account', $e);
        return SignIn::error($e->getCode() === MigrationException::HALEXT_UNAVAILABLE ? 'unavailable' : 'attention');
    } catch (HalextException $e) {
        log_failure('connecting a Halext account', $e);
        return SignIn::error('unavailable');
    }
}

/**
 * The local account linked to a Halext username on this site (mapping status `linked`, exact
 * username), or null. Several local accounts linked to one Halext user is an operator matter
 * (MigrationException CONFLICT).
 *
 * @throws HalextException when the mapping store fails.
 */
function linked_id(string $site, string $username): ?int
{
    $m = migration();
    $ids = [];
    foreach ($m->resolveHalext($username) as $entry) {
        if ($entry['site'] !== $site) {
            continue;
        }
        $row = $m->resolve($site, (int) $entry['legacy_id']);
        if ($row !== null && $row['status'] === 'linked' && $row['halext_username'] === $username) {
            $ids[] = (int) $entry['legacy_id'];
        }
    }
    if (count($ids) > 1) {
        throw new MigrationException("several accounts of site '$site' are linked to one Halext user", MigrationException::CONFLICT);
    }
    return $ids[0] ?? null;
}

/**
 * The session's Halext side, kept server-side in `$_SESSION['halext']`:
 * `['site', 'user_id', 'token' => ?string, 'expires_at' => ?int, 'username' => ?string]`.
 */
final class Session
{
    /** Records a successful sign-in (new session id: no fixation) and returns the user id. */
    public static function remember(string $site, SignIn $s): int
    {
        start_session();
        session_regenerate_id(true);
        unset($_SESSION['halext_pending']);
        $_SESSION['halext'] = ['site' => $site, 'user_id' => (int) $s->legacyId, 'token' => $s->token,
            'expires_at' => $s->expiresAt, 'username' => $s->halextUsername];
        return (int) $s->legacyId;
    }

    /** Remembers that the legacy password of `$legacyId` was right and Halext wants `$halextLogin`'s password. */
    public static function pend(string $site, SignIn $s): void
    {
        start_session();
        $_SESSION['halext_pending'] = ['site' => $site, 'legacy_id' => $s->legacyId, 'halext_login' => $s->halextLogin];
    }

    /** The pending `ask` of this session for `$site`: `['legacy_id' => int, 'halext_login' => string]`, or null. */
    public static function pending(string $site): ?array
    {
        start_session();
        $p = $_SESSION['halext_pending'] ?? null;
        return is_array($p) && ($p['site'] ?? null) === $site ? $p : null;
    }

    /** Signs out: the whole session goes. */
    public static function forget(): void
    {
        start_session();
        $_SESSION = [];
        session_regenerate_id(true);
    }

    /**
     * Who this request is: the app's user id, from the session's Halext token, validated on
     * every request:
     *
     * - locally (HS256 with Halext's SECRET_KEY, `halext_validate_token`) when
     *   `halext.jwt_secret[_file]` / `HALEXT_JWT_SECRET[_FILE]` is configured, else remotely
     *   (`Halext\Client::validateRemote`, i.e. `GET /users/me/`);
     * - the token's user (`sub`) must be the Halext account linked to the session's user id.
     *
     * A rejected token (expired, bad signature, tampered, another user's) signs the session
     * out. When the token cannot be checked right now (Halext down, mapping store down) the
     * request is anonymous but the session is kept. A session without a token (sign-in under
     * `legacy_only` or `not_migrated`) is the app's own session, as before the adapter.
     *
     * @return array{user_id: int, username: ?string, expires_at: ?int}|null
     */
    public static function identity(string $site): ?array
    {
        if (session_status() !== PHP_SESSION_ACTIVE && !isset($_COOKIE[session_name()])) {
            return null; // no session cookie: a guest, and no session is started for it
        }
        start_session();
        $h = $_SESSION['halext'] ?? null;
        if (!is_array($h) || ($h['site'] ?? null) !== $site || !is_int($h['user_id'] ?? null)) {
            return null;
        }
        $token = $h['token'] ?? null;
        if ($token === null) {
            return ['user_id' => $h['user_id'], 'username' => null, 'expires_at' => null];
        }
        try {
            $sub = self::tokenUser((string) $token);
            $row = migration()->resolve($site, $h['user_id']);
        } catch (TokenException $e) {
            self::forget();
            return null;
        } catch (ApiException $e) {
            if ($e->getCode() === ApiException::UNAUTHORIZED) {
                self::forget();
            } else {
                log_failure('token check', $e);
            }
            return null;
        } catch (HalextException $e) {
            log_failure('token check', $e);
            return null;
        }
        if ($row === null || $row['status'] !== 'linked' || $row['halext_username'] !== $sub) {
            self::forget();
            return null;
        }
        return ['user_id' => $h['user_id'], 'username' => $sub, 'expires_at' => $h['expires_at'] ?? null];
    }

    /**
     * The Halext username a token belongs to.
     *
     * @throws TokenException|ApiException when the token is rejected.
     */
    private static function tokenUser(string $token): string
    {
        if (halext_config()['jwt_secret']['set'] ?? false) {
            $claims = \halext_validate_token($token);
            return (string) ($claims['sub'] ?? '');
        }
        return (string) (client()->validateRemote($token)['username'] ?? '');
    }
}
