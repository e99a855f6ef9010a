<?php

/*
 * DEMO SHELL, not part of the adapter: stands in for Acmlmboard's lib/common.php (config,
 * database, layout, permissions). Do not copy it into a board. The only lines a real
 * lib/common.php gains are the two requires at the end (lib/halext.php before lib/login.php).
 */

declare(strict_types=1);

// lib/config.php: the board's database settings, here from ACMLM_DB (mysql://user:pass@host:port/db).
$dsn = parse_url((string) getenv('ACMLM_DB')) ?: [];
$sqlhost = ($dsn['host'] ?? '127.0.0.1') . ':' . ($dsn['port'] ?? 3306);
$sqluser = rawurldecode($dsn['user'] ?? '');
$sqlpass = rawurldecode($dsn['pass'] ?? '');
$sqldb = ltrim($dsn['path'] ?? '', '/');
$config['halext'] = ['site' => getenv('HALEXT_SITE') ?: 'acmlm'];

function pageheader(string $title): void
{
    header('Content-Type: text/html; charset=utf-8');
    echo "<!doctype html>\n<title>" . htmlspecialchars($title) . " - Acmlmboard demo shell</title>\n";
    echo '<p><a href="./">Main</a> | <a href="login.php">Login</a> | <a href="register.php">Register</a></p>' . "\n";
}

function pagefooter(): void
{
    echo "\n<p><small>Acmlmboard demo shell (halext adapter)</small></p>\n";
}

function noticemsg(string $title, string $msg): void
{
    echo '<p class="notice" id="' . ($title === 'Error' ? 'error' : 'notice') . '">'
        . htmlspecialchars($msg, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8') . "</p>\n";
}

function load_user_permset(): void
{
}

function load_guest_permset(): void
{
}

require 'lib/halext.php';
require 'lib/login.php';
