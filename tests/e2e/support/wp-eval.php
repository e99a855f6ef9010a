<?php
/**
 * A small WP-CLI stand-in for the tests: reads and changes the test WordPress from the CLI.
 *
 *   php [-d extension=...] wp-eval.php <wp-dir> <command> [args...]
 *
 * Commands (each prints one JSON value):
 *   option-get <name>
 *   option-patch <name> <json-object>      merges keys into an array option
 *   user <login>                           {ID, user_login, user_email, roles, meta: {halext_sso_*}}
 *   sessions <login>                       the `halext` entries of the user's WordPress sessions
 *   resolve <site> <wp-user-id>            Halext\Migration::resolve() (needs the extension)
 */

if ( PHP_SAPI !== 'cli' || $argc < 3 ) {
	fwrite( STDERR, "usage: php wp-eval.php <wp-dir> <command> [args...]\n" );
	exit( 2 );
}
$_SERVER['HTTP_HOST']   = '127.0.0.1:' . ( getenv( 'E2E_SITE_PORT' ) ?: '18080' );
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';

$e2e_args = array_slice( $argv, 3 );
switch ( $argv[2] ) {
	case 'option-get':
		$e2e_out = get_option( $e2e_args[0] );
		break;
	case 'option-patch':
		$e2e_value = get_option( $e2e_args[0], array() );
		$e2e_patch = json_decode( $e2e_args[1], true );
		if ( ! is_array( $e2e_value ) || ! is_array( $e2e_patch ) ) {
			fwrite( STDERR, "option-patch: option and patch must be arrays\n" );
			exit( 1 );
		}
		update_option( $e2e_args[0], array_merge( $e2e_value, $e2e_patch ) );
		$e2e_out = get_option( $e2e_args[0] );
		break;
	case 'user':
		$e2e_user = get_user_by( 'login', $e2e_args[0] );
		$e2e_out  = $e2e_user ? array(
			'ID'         => $e2e_user->ID,
			'user_login' => $e2e_user->user_login,
			'user_email' => $e2e_user->user_email,
			'roles'      => array_values( $e2e_user->roles ),
			'meta'       => array(
				'halext_sso_created'      => get_user_meta( $e2e_user->ID, 'halext_sso_created', true ),
				'halext_sso_granted_role' => get_user_meta( $e2e_user->ID, 'halext_sso_granted_role', true ),
			),
		) : null;
		break;
	case 'sessions':
		$e2e_user = get_user_by( 'login', $e2e_args[0] );
		$e2e_out  = array();
		if ( $e2e_user ) {
			foreach ( WP_Session_Tokens::get_instance( $e2e_user->ID )->get_all() as $e2e_session ) {
				$e2e_out[] = $e2e_session['halext'] ?? null;
			}
		}
		break;
	case 'resolve':
		$e2e_migration = new \Halext\Migration( array() );
		$e2e_out       = $e2e_migration->resolve( $e2e_args[0], (int) $e2e_args[1] );
		break;
	default:
		fwrite( STDERR, "unknown command {$argv[2]}\n" );
		exit( 2 );
}
echo wp_json_encode( $e2e_out ), "\n";
