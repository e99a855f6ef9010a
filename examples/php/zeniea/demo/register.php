<?php

/*
 * DEMO SHELL, not part of the adapter: ZEN3MP's register.php page (login and registration
 * forms on one page) reduced to the forms and the $error_array messages. The handlers it
 * includes are the adapter's drop-ins.
 */

require 'config/config.php';
require 'src/forms/register_form.php';
require 'src/forms/login_form.php';

const MESSAGES = [
    'IncorrectCredentials' => 'Email or password was incorrect',
    'AccountDisabled' => 'This account is not verified or has been closed',
    'LoginUnavailable' => 'Logging in is not possible right now. Please try again in a minute',
    'AccountAttention' => 'Your account needs attention from an administrator',
    'NoLocalAccount' => 'Your Halext account could not be given an account here. Please contact an administrator',
    'ConnectHalext' => 'You already have a Halext account. Enter its password to connect it',
    'CsrfFailed' => 'The form has expired. Please try again',
    'EmailMismatch' => "Emails don't match",
    'InvalidEmail' => 'Invalid email format',
    'EmailTaken' => 'Email already in use',
    'UsernameLength' => 'Your username must be between 2 and 25 characters',
    'UsernameTaken' => 'Username already in use',
    'InvalidUsername' => 'Your username may not contain / ? # % \\ @ " \' < >',
    'PasswordMismatch' => 'Your passwords do not match',
    'InvalidPasswordCharacters' => 'Your password can only contain english characters or numbers',
    'PasswordLength' => 'Your password must be between 5 and 30 characters',
    'RegistrationUnavailable' => 'Registration is not possible right now. Please try again in a minute',
    'EmailSent' => "You're all set! Check your email to verify your account",
];

$csrfField = HalextWeb\Csrf::field();
$h = static fn ($s): string => htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
header('Content-Type: text/html; charset=utf-8');
?>
<!doctype html>
<title>Welcome to Zeniea - ZEN3MP demo shell</title>
<?php foreach ($error_array as $code): ?>
<p class="error" id="error"><?= $h(MESSAGES[$code] ?? $code) ?></p>
<?php endforeach ?>
<?php if ($halext_ask !== null): ?>
<form action="register.php" method="post" id="connect"><?= $csrfField ?>
  <label>Halext password for <?= $h($halext_ask) ?> <input type="password" name="halext_password"></label>
  <input type="submit" name="connect_button" value="Connect">
</form>
<?php else: ?>
<form action="register.php" method="post" id="login"><?= $csrfField ?>
  <input type="email" name="login_email" placeholder="Email Address" value="<?= $h($_SESSION['login_email'] ?? '') ?>">
  <input type="password" name="login_password" placeholder="Password">
  <input type="submit" name="login_button" value="Login">
</form>
<?php endif ?>
<form action="register.php" method="post" id="register"><?= $csrfField ?>
  <input type="text" name="reg_uname" placeholder="Username" value="<?= $h($_SESSION['reg_uname'] ?? '') ?>">
  <input type="email" name="reg_email" placeholder="Email" value="<?= $h($_SESSION['reg_email'] ?? '') ?>">
  <input type="email" name="reg_email2" placeholder="Confirm Email" value="<?= $h($_SESSION['reg_email2'] ?? '') ?>">
  <input type="password" name="reg_password" placeholder="Password">
  <input type="password" name="reg_password2" placeholder="Confirm Password">
  <input type="submit" name="register_button" value="Register">
</form>
