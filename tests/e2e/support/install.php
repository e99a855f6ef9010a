<?php
/**
 * Installs WordPress non-interactively (no WP-CLI in Debian 12) for the end-to-end tests.
 *
 *   php install.php <wp-dir> install   # wp_install() into the empty database
 *   php install.php <wp-dir> users     # after the legacy fixture is loaded: the e2e admin
 *
 * Env: E2E_ADMIN_USER, E2E_ADMIN_PASS, E2E_ADMIN_EMAIL.
 */

if ( PHP_SAPI !== 'cli' || $argc !== 3 ) {
	fwrite( STDERR, "usage: php install.php <wp-dir> install|users\n" );
	exit( 2 );
}
[ , $e2e_wp_dir, $e2e_phase ] = $argv;

$_SERVER['HTTP_HOST']   = '127.0.0.1:' . ( getenv( 'E2E_SITE_PORT' ) ?: '18080' );
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = '127.0.0.1';

if ( 'install' === $e2e_phase ) {
	define( 'WP_INSTALLING', true );
}
require $e2e_wp_dir . '/wp-load.php';

function e2e_fail( string $message ): void {
	fwrite( STDERR, "install.php: $message\n" );
	exit( 1 );
}

if ( 'install' === $e2e_phase ) {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$e2e_result = wp_install( 'Halext e2e', 'installer', 'installer@example.test', false, '', wp_generate_password( 32 ) );
	if ( empty( $e2e_result['user_id'] ) ) {
		e2e_fail( 'wp_install() failed' );
	}
	update_option( 'users_can_register', 1 );
	update_option( 'default_role', 'subscriber' );
	update_option( 'blogdescription', 'WordPress + halext-sso, end to end' );
	update_option( 'admin_email_lifespan', time() + YEAR_IN_SECONDS );
	echo 'WordPress ' . get_bloginfo( 'version' ) . ' installed; theme ' . get_option( 'stylesheet' ) . "\n";
	exit( 0 );
}

if ( 'users' === $e2e_phase ) {
	$e2e_id = wp_insert_user(
		array(
			'user_login' => getenv( 'E2E_ADMIN_USER' ),
			'user_pass'  => getenv( 'E2E_ADMIN_PASS' ),
			'user_email' => getenv( 'E2E_ADMIN_EMAIL' ),
			'role'       => 'administrator',
		)
	);
	if ( is_wp_error( $e2e_id ) ) {
		e2e_fail( 'creating the e2e admin: ' . $e2e_id->get_error_message() );
	}
	update_user_meta( $e2e_id, 'show_welcome_panel', 0 );
	$e2e_count = (int) $GLOBALS['wpdb']->get_var( "SELECT COUNT(*) FROM {$GLOBALS['wpdb']->users}" );
	echo "users: $e2e_count (legacy fixture + " . getenv( 'E2E_ADMIN_USER' ) . " #$e2e_id)\n";
	exit( 0 );
}
e2e_fail( "unknown phase $e2e_phase" );
