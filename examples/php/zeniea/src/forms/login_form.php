<?php

/*
 * ZEN3MP src/forms/login_form.php on Halext (drop-in for the `login_button` part; older
 * checkouts: includes/form_handlers/login_handler.php). What changes against the app's own:
 * - the `SELECT * FROM users WHERE email = ?` + verify_user + password_verify() checks become
 *   HalextWeb\sign_in(): legacy users are migrated on this login (by email, as ZEN3MP logs
 *   in), Halext users sign in with their Halext email or username and password;
 * - unknown email and wrong password give the same error (ZEN3MP told them apart);
 * - closed and unverified accounts are refused (ZEN3MP reopened closed ones at login);
 * - $_SESSION['username'] is set as before, and the Halext token is kept in the session;
 *   the remember-me cookies (token_auth) are not set: the session lasts as long as the token;
 * - a `connect_button` form asks for the Halext password when a Halext account with the
 *   user's name or email already exists; a CSRF token on every form.
 */

use HalextWeb\Csrf;
use HalextWeb\Session;

$halext_ask = null;

if (isset($_POST['login_button']) || isset($_POST['connect_button'])) {
    $social = HalextZen\social();
    if (!Csrf::valid()) {
        http_response_code(403);
        array_push($error_array, 'CsrfFailed');
    } else {
        if (isset($_POST['login_button'])) {
            $email = filter_var((string) ($_POST['login_email'] ?? ''), FILTER_SANITIZE_EMAIL); // sanitize email
            $_SESSION['login_email'] = $email;
            $s = HalextWeb\sign_in($social, (string) $email, (string) ($_POST['login_password'] ?? ''));
        } elseif (($p = Session::pending($social->site())) !== null) {
            $s = HalextWeb\connect($social, (int) $p['legacy_id'], (string) $p['halext_login'], (string) ($_POST['halext_password'] ?? ''));
            if ($s->status === 'error' && $s->error === 'invalid') {
                $halext_ask = (string) $p['halext_login'];
            }
        } else {
            $s = HalextWeb\SignIn::error('invalid');
        }

        if ($s->status === 'ok') {
            Session::remember($social->site(), $s);
            $_SESSION['halext']['outcome'] = $s->outcome;
            $_SESSION['username'] = (string) ($social->user((int) $s->legacyId)['username'] ?? '');
            header('Location: index.php');
            exit();
        } elseif ($s->status === 'ask') {
            Session::pend($social->site(), $s);
            $halext_ask = $s->halextLogin;
            array_push($error_array, 'ConnectHalext');
        } else {
            array_push($error_array, HalextZen\Social::LOGIN_ERRORS[$s->error]);
        }
    }
}
