<?php

/*
 * Acmlmboard 2 login.php on Halext (drop-in). What changes against the board's own page:
 * - the password check (checkuser() against md5/bcrypt `users.pass`) and the `user`/`pass`
 *   cookies become HalextWeb\sign_in() and a server-side session holding the user id and the
 *   Halext token: legacy users are migrated on this login, Halext users sign in with their
 *   Halext password;
 * - a second small form asks for the Halext password when a Halext account with the user's
 *   name or email already exists (`halext_password_required`);
 * - a CSRF token on every form; logout is a POST.
 * Unknown user and wrong password show the same message.
 */

require 'lib/common.php';

use HalextAcmlm\Board;
use HalextWeb\Csrf;
use HalextWeb\Session;

$board = HalextAcmlm\board();
$err = '';
$notice = isset($_GET['registered']) ? 'You are now registered! Please login.' : '';
$askHalext = null;

$act = (string) ($_POST['action'] ?? '');
if ($act !== '' && !Csrf::valid()) {
    http_response_code(403);
    $err = Board::MESSAGES['csrf'];
} elseif ($act === 'Login') {
    $s = HalextWeb\sign_in($board, (string) ($_POST['name'] ?? ''), (string) ($_POST['pass'] ?? ''));
    if ($s->status === 'ok') {
        Session::remember($board->site(), $s);
        $_SESSION['halext']['outcome'] = $s->outcome;
        die(header('Location: ./'));
    } elseif ($s->status === 'ask') {
        Session::pend($board->site(), $s);
        $askHalext = $s->halextLogin;
    } else {
        $err = Board::MESSAGES[$s->error];
    }
} elseif ($act === 'Connect' && ($p = Session::pending($board->site())) !== null) {
    $s = HalextWeb\connect($board, (int) $p['legacy_id'], (string) $p['halext_login'], (string) ($_POST['halext_pass'] ?? ''));
    if ($s->status === 'ok') {
        Session::remember($board->site(), $s);
        $_SESSION['halext']['outcome'] = $s->outcome;
        die(header('Location: ./'));
    }
    $err = Board::MESSAGES[$s->error];
    $askHalext = $s->error === 'invalid' ? (string) $p['halext_login'] : null;
} elseif ($act === 'logout') {
    Session::forget();
    die(header('Location: ./'));
}

$csrfField = HalextWeb\Csrf::field(); // before any output: it may start the session
$h = static fn ($s): string => htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
pageheader('Login');
if ($notice !== '') {
    noticemsg('Registered', $notice);
}
if ($err !== '') {
    noticemsg('Error', $err);
}
if ($askHalext !== null) {
    print '<form action="login.php" method="post" id="connect">' . $csrfField . '
<p>You already have a Halext account (' . $h($askHalext) . '). Enter its password to connect it to this board.</p>
<label>Halext password: <input type="password" name="halext_pass" autocomplete="current-password"></label>
<input type="submit" name="action" value="Connect">
</form>';
} else {
    print '<form action="login.php" method="post" id="login">' . $csrfField . '
<label>Username: <input type="text" name="name" size="25" maxlength="25" autocomplete="username"></label>
<label>Password: <input type="password" name="pass" size="13" autocomplete="current-password"></label>
<input type="submit" name="action" value="Login">
</form>';
}
pagefooter();
