<?php

/*
 * Acmlmboard 2 register.php on Halext (drop-in for the form handling part). What changes
 * against the board's own page:
 * - an Email field (Halext requires one; AB2 never asked);
 * - after the board's own checks (empty name, name or display name taken, password of at
 *   least 4 characters typed twice), the account is created on Halext first
 *   (Halext\Migration::register), then the `users` row (password_hash, as AB2 >= 2019), then
 *   the link; Halext's "username/email already registered" are shown as the form's errors;
 * - a CSRF token.
 * The board's follow-up inserts (usersrpg, group, threadsread, forumsread, the IRC notice) go
 * after `$id = ...` unchanged.
 */

require 'lib/common.php';

use HalextAcmlm\Board;
use HalextWeb\Csrf;

$board = HalextAcmlm\board();
$err = '';
$act = (string) ($_POST['action'] ?? '');
if ($act !== '' && !Csrf::valid()) {
    http_response_code(403);
    $err = Board::MESSAGES['csrf'];
} elseif ($act === 'Register') {
    $name = trim((string) ($_POST['name'] ?? ''));
    $cname = strtolower(str_replace([' ', "\xC2\xA0"], '', $name));
    $pass = (string) ($_POST['pass'] ?? '');
    $email = trim((string) ($_POST['email'] ?? ''));

    if ($name === '' || $cname === '') {
        $err = 'The username must not be empty, please choose one.';
    } elseif ($board->nameTaken($name)) {
        $err = 'This username is already taken, please choose another.';
    } elseif (strlen($pass) < 4) {
        $err = 'Your password must be at least 4 characters long.';
    } elseif ($pass !== (string) ($_POST['pass2'] ?? '')) {
        $err = "The two passwords you entered don't match.";
    } elseif (filter_var($email, FILTER_VALIDATE_EMAIL) === false) {
        $err = 'Please enter a valid email address.';
    }

    if ($err === '') {
        $id = $board->register($name, $email, $pass);
        if (is_int($id)) {
            // (the board's usersrpg / group / threadsread / forumsread inserts go here)
            die(header('Location: login.php?registered=1'));
        }
        $err = $id;
    }
}

$csrfField = HalextWeb\Csrf::field(); // before any output: it may start the session
$h = static fn ($s): string => htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
pageheader('Register');
if ($err !== '') {
    noticemsg('Error', $err);
}
print '<form action="register.php" method="post" id="register">' . $csrfField . '
<label>Username: <input type="text" name="name" size="25" maxlength="25" value="' . $h($_POST['name'] ?? '') . '"></label>
<label>Email: <input type="email" name="email" size="25" value="' . $h($_POST['email'] ?? '') . '"></label>
<label>Password: <input type="password" name="pass" size="13"></label>
<label>Password (again): <input type="password" name="pass2" size="13"></label>
<input type="submit" name="action" value="Register">
</form>';
pagefooter();
