<?php

/*
 * A legacy site's login form on Halext, through login-time migration: the form posts the
 * name (or email) and password the site always took; Halext\Migration::login() checks them
 * against the legacy users table (with the app's own hashing quirks), creates or finds the
 * user's Halext account, and returns the legacy user id for the site's own session plus a
 * Halext access token. Generic: the site comes from HALEXT_SITE (a [[site]] name of the
 * halext.toml named by INI halext.config or env HALEXT_CONFIG).
 *
 *   HALEXT_CONFIG=/etc/halext/halext.toml HALEXT_SITE=acmlm \
 *     php -d extension=target/release/libhalext_php.so -S 127.0.0.1:8080 examples/php/login_form.php
 *
 * The app-specific adapters (WordPress plugin, Acmlmboard's login.php, ZEN3MP's register.php)
 * do the same few lines in their own login code; see docs/php-api.md (Migration).
 */

declare(strict_types=1);

session_start();
$site = getenv('HALEXT_SITE') ?: 'wordpress';
$message = null;
$askHalextPassword = false;

/** Signs the user in to the site's own session (as the legacy login did) and keeps the token. */
function sign_in(array $r): string
{
    session_regenerate_id(true);
    $_SESSION['user_id'] = $r['legacy_id'];           // the app's own user id, as before
    $_SESSION['halext_token'] = $r['access_token'];   // null for legacy_only / not_migrated
    $_SESSION['halext_expires_at'] = $r['expires_at'];
    unset($_SESSION['pending']);
    $who = $r['halext_username'] ?? 'your account';
    return "Signed in as {$who} ({$r['outcome']}).";
}

if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    try {
        $migration = new Halext\Migration();  // cheap: the process keeps the connections
        if (isset($_POST['halext_password'], $_SESSION['pending'])) {
            // Second step of `halext_password_required`: the legacy password was verified in
            // this session; the user proves the existing Halext account is theirs.
            $p = $_SESSION['pending'];
            $message = sign_in($migration->linkWithHalextPassword($site, $p['legacy_id'], $p['halext_login'], (string) $_POST['halext_password']));
        } else {
            $r = $migration->login($site, (string) ($_POST['login'] ?? ''), (string) ($_POST['password'] ?? ''));
            if ($r['outcome'] === 'halext_password_required') {
                $_SESSION['pending'] = ['legacy_id' => $r['legacy_id'], 'halext_login' => $r['halext_login']];
                $askHalextPassword = true;
                $message = 'You already have a Halext account. Enter its password to connect it.';
            } else {
                $message = sign_in($r);
            }
        }
    } catch (Halext\MigrationException $e) {
        switch ($e->getCode()) {
            case Halext\MigrationException::INVALID_CREDENTIALS:   // unknown user or wrong password
                $message = 'Wrong username or password.';
                $askHalextPassword = isset($_POST['halext_password']);
                break;
            case Halext\MigrationException::ACCOUNT_BLOCKED:
                $message = 'This account is disabled.';
                break;
            case Halext\MigrationException::HALEXT_UNAVAILABLE:
                $message = 'Sign-in is temporarily unavailable. Please try again in a minute.';
                break;
            default:                                               // conflict, mapping store
                error_log("login: {$e->getReason()}: {$e->getMessage()}");
                $message = 'Your account needs attention from an administrator.';
        }
    } catch (Halext\Exception $e) {                                // configuration, database
        error_log("login: {$e->getReason()}: {$e->getMessage()}");
        $message = 'Sign-in is temporarily unavailable. Please try again in a minute.';
    }
}

header('Content-Type: text/html; charset=utf-8');
$h = static fn (?string $s): string => htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
?>
<!doctype html>
<title>Sign in</title>
<?php if ($message !== null): ?><p id="message"><?= $h($message) ?></p><?php endif ?>
<?php if ($askHalextPassword): ?>
<form method="post">
  <label>Halext password <input type="password" name="halext_password" autocomplete="current-password"></label>
  <button>Connect</button>
</form>
<?php elseif (!isset($_SESSION['user_id'])): ?>
<form method="post">
  <label>Name or email <input name="login" autocomplete="username"></label>
  <label>Password <input type="password" name="password" autocomplete="current-password"></label>
  <button>Sign in</button>
</form>
<?php endif ?>
