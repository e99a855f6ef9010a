<?php

/* DEMO SHELL: ZEN3MP's logout handler (session_destroy), as a POST with the CSRF token. */

require 'config/config.php';

if (($_SERVER['REQUEST_METHOD'] ?? '') === 'POST' && HalextWeb\Csrf::valid()) {
    HalextWeb\Session::forget();
}
header('Location: register.php');
