<?php

/*
 * DEMO SHELL, not part of the adapter: stands in for ZEN3MP's config/config.php (session,
 * $spdo). Do not copy it into the app. The lines a real config.php gains are the two requires
 * at the end (src/halext.php, then src/auth.php where the app loads it).
 */

declare(strict_types=1);

require_once dirname(__DIR__, 3) . '/shared/halext_web.php';
HalextWeb\start_session();   // ZEN3MP: session_start()

$dsn = parse_url((string) getenv('ZENIEA_DB')) ?: [];
$spdo = new PDO('mysql:host=' . ($dsn['host'] ?? '127.0.0.1') . ';port=' . ($dsn['port'] ?? 3306) . ';dbname=' . ltrim($dsn['path'] ?? '', '/') . ';charset=utf8mb4',
    rawurldecode($dsn['user'] ?? ''), rawurldecode($dsn['pass'] ?? ''), [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_EMULATE_PREPARES => false]);
$halext_zen = ['site' => getenv('HALEXT_SITE') ?: 'social'];
$error_array = [];

/** Stands for ZEN3MP's verification mail() block: the demo only logs that a mail would go out. */
function zen_send_verification_mail(string $email, string $username, string $verifyHash): void
{
    error_log('demo shell: a verification mail would be sent to a new account');
}

require 'src/halext.php';
require 'src/auth.php';
