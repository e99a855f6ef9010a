<?php

/*
 * DEMO SHELL, not part of the adapter: the board's main page reduced to "who is this request"
 * ($log / $loguser from the adapter's lib/login.php) and a logout button.
 */

require 'lib/common.php';

$csrfField = HalextWeb\Csrf::field(); // before any output: it may start the session
$h = static fn ($s): string => htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
pageheader('Main');
if ($log) {
    echo '<p id="who">' . $h($loguser['name']) . ' (user ' . (int) $loguser['id'] . ', Halext '
        . $h($halext_who['username'] ?? '-') . ')</p>' . "\n";
    echo '<p id="outcome">' . $h($_SESSION['halext']['outcome'] ?? '') . "</p>\n";
    echo '<form action="login.php" method="post">' . $csrfField
        . '<input type="submit" name="action" value="logout"></form>' . "\n";
} else {
    echo '<p id="who">Guest</p>' . "\n";
}
pagefooter();
