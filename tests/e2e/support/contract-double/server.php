<?php
/**
 * `php -S` router that answers the two test-server routes the e2e helpers call
 * (`POST /__test/users` JSON, `POST /token` form) from the contract double's user store.
 * Only for `E2E_CONTRACT_DOUBLE=1` runs; see halext-double.php.
 */

require_once __DIR__ . '/halext-double.php';

$path = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
header( 'Content-Type: application/json' );

if ( 'POST' === $_SERVER['REQUEST_METHOD'] && '/__test/users' === $path ) {
	$u = json_decode( (string) file_get_contents( 'php://input' ), true );
	\Halext\DoubleStore::with_users(
		static function ( array &$users ) use ( $u ) {
			$users[ $u['username'] ] = array(
				'id'         => count( $users ) + 1,
				'username'   => $u['username'],
				'email'      => $u['email'],
				'full_name'  => $u['full_name'] ?? null,
				'is_admin'   => (bool) ( $u['is_admin'] ?? false ),
				'created_at' => gmdate( 'Y-m-d\TH:i:s' ),
				'hash'       => password_hash( $u['password'], PASSWORD_BCRYPT ),
			);
		}
	);
	echo json_encode( array( 'username' => $u['username'] ) );
	return true;
}

if ( 'POST' === $_SERVER['REQUEST_METHOD'] && '/token' === $path ) {
	try {
		$token = ( new \Halext\Client() )->login( (string) ( $_POST['username'] ?? '' ), (string) ( $_POST['password'] ?? '' ) );
		echo json_encode( array( 'access_token' => $token['access_token'], 'token_type' => 'bearer' ) );
	} catch ( \Halext\ApiException $e ) {
		http_response_code( 401 );
		echo json_encode( array( 'detail' => 'Incorrect username or password' ) );
	}
	return true;
}

http_response_code( 404 );
echo json_encode( array( 'detail' => 'Not Found' ) );
return true;
