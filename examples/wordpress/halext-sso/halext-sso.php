<?php
/**
 * Plugin Name:       Halext SSO
 * Plugin URI:        https://org.halext.org/
 * Description:       Sign in with Halext accounts: Halext-first login with migration of legacy WordPress passwords, bearer-token requests, registration through Halext and a REST route for the current Halext user. Uses the halext PHP extension.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            The halext authors
 * License:           MIT OR Apache-2.0
 * Text Domain:       halext-sso
 * Domain Path:       /languages
 *
 * @package HalextSso
 */

defined( 'ABSPATH' ) || exit;

define( 'HALEXT_SSO_VERSION', '0.1.0' );
define( 'HALEXT_SSO_FILE', __FILE__ );

require_once __DIR__ . '/includes/Settings.php';
require_once __DIR__ . '/includes/Extension.php';
require_once __DIR__ . '/includes/Tokens.php';
require_once __DIR__ . '/includes/Accounts.php';
require_once __DIR__ . '/includes/Login.php';
require_once __DIR__ . '/includes/LinkStep.php';
require_once __DIR__ . '/includes/Bearer.php';
require_once __DIR__ . '/includes/Registration.php';
require_once __DIR__ . '/includes/Rest.php';
require_once __DIR__ . '/includes/Profile.php';
require_once __DIR__ . '/includes/Admin.php';
require_once __DIR__ . '/includes/Plugin.php';

register_activation_hook( __FILE__, array( \HalextSso\Plugin::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \HalextSso\Plugin::class, 'deactivate' ) );

\HalextSso\Plugin::boot();
