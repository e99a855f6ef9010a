<?php

/*
 * DEMO SHELL, not part of the adapter: ZEN3MP's home page reduced to "who is this request"
 * ($isLoggedIn / $userLoggedIn from the adapter's src/auth.php) and a logout button.
 */

require 'config/config.php';

$csrfField = HalextWeb\Csrf::field();
$h = static fn ($s): string => htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
header('Content-Type: text/html; charset=utf-8');
?>
<!doctype html>
<title>Zeniea - ZEN3MP demo shell</title>
<?php if ($isLoggedIn): ?>
<p id="who"><?= $h($userLoggedIn) ?> (user <?= (int) $user['id'] ?>, Halext <?= $h($halext_who['username'] ?? '-') ?>)</p>
<p id="outcome"><?= $h($_SESSION['halext']['outcome'] ?? '') ?></p>
<form action="logout.php" method="post"><?= $csrfField ?><input type="submit" value="Logout"></form>
<?php else: ?>
<p id="who">Guest</p>
<p><a href="register.php">Login or register</a></p>
<?php endif ?>
