<?php
/**
 * A PHP stand-in for the parts of the halext extension's API the WordPress plugin uses
 * (docs: /work/notes/php-surface.md → docs/php-api.md), written from that contract so the
 * plugin's flows can be exercised in a browser BEFORE the real bindings exist.
 *
 * NOT USED BY `make test` / CI. Only `E2E_CONTRACT_DOUBLE=1 scripts/test-e2e.sh <target>` loads
 * it (as auto_prepend_file), and only when the real extension does not load. It proves the
 * plugin against the contract as written; the real extension is the only thing that proves
 * the plugin against the real implementation.
 *
 * Halext is the real Halext test server, spoken to with curl (HALEXT_URL, HALEXT_ACCESS_CODE_FILE);
 * tokens are checked locally with the secret in HALEXT_JWT_SECRET_FILE; the mapping lives in
 * table `halext_user_map_double` of the WordPress database (never the real table name).
 */

namespace Halext {

class Exception extends \Exception {
	public function __construct( private string $reason, string $message, int $code = 0 ) {
		parent::__construct( $message, $code );
	}
	public function getReason(): string {
		return $this->reason;
	}
}
class TokenException extends Exception {}
class ApiException extends Exception {
	public function __construct( string $reason, string $message, private ?int $status = null ) {
		parent::__construct( $reason, $message, 200 );
	}
	public function getStatus(): ?int {
		return $this->status;
	}
	public function getFieldErrors(): array {
		return array();
	}
	public function getRetryAfter(): ?int {
		return null;
	}
}
class LegacyException extends Exception {}
class MigrationException extends Exception {}

/** The double's configuration: the JWT secret and the Halext URL, from the environment. */
final class DoubleStore {
	public static function secret(): string {
		$file = (string) getenv( 'HALEXT_JWT_SECRET_FILE' );
		if ( '' === $file || ! is_readable( $file ) ) {
			throw new Exception( 'config', 'no JWT secret configured', 3 );
		}
		return trim( (string) file_get_contents( $file ) );
	}

	public static function b64url( string $s ): string {
		return rtrim( strtr( base64_encode( $s ), '+/', '-_' ), '=' );
	}
}

/** Halext over HTTP with curl: the few routes the plugin needs (halext-api.md §1-2). */
final class Client {
	private string $url;

	public function __construct( array $options = array() ) {
		$this->url = rtrim( (string) ( $options['url'] ?? getenv( 'HALEXT_URL' ) ), '/' );
		if ( '' === $this->url ) {
			throw new Exception( 'config', 'no Halext URL configured', 3 );
		}
	}

	/** @return array{0: int, 1: mixed} status and decoded JSON */
	private function call( string $method, string $path, array $headers = array(), ?string $body = null ): array {
		$ch = curl_init( $this->url . $path );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_CUSTOMREQUEST  => $method,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HTTPHEADER     => $headers,
				CURLOPT_TIMEOUT_MS     => 5000,
			)
		);
		if ( null !== $body ) {
			curl_setopt( $ch, CURLOPT_POSTFIELDS, $body );
		}
		$raw    = curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		if ( false === $raw ) {
			throw new ApiException( 'api.connect', 'Halext cannot be reached' );
		}
		if ( $status >= 500 ) {
			throw new ApiException( 'api.server', 'Halext answered ' . $status, $status );
		}
		return array( $status, json_decode( (string) $raw, true ) );
	}

	public function health(): array {
		return $this->call( 'GET', '/health' )[1];
	}

	public function login( string $username_or_email, string $password ): array {
		[ $status, $body ] = $this->call( 'POST', '/token', array( 'Content-Type: application/x-www-form-urlencoded' ), http_build_query( array( 'username' => $username_or_email, 'password' => $password ) ) );
		if ( 200 !== $status ) {
			throw new ApiException( 'api.unauthorized', 'Incorrect username or password', $status );
		}
		$claims = json_decode( (string) base64_decode( strtr( explode( '.', $body['access_token'] )[1], '-_', '+/' ) ), true );
		return array( 'access_token' => $body['access_token'], 'token_type' => 'bearer', 'expires_at' => (int) $claims['exp'] );
	}

	public function register( array $new ): array {
		$code                = trim( (string) @file_get_contents( (string) getenv( 'HALEXT_ACCESS_CODE_FILE' ) ) );
		[ $status, $body ]   = $this->call(
			'POST',
			'/users/?create_demo_data=false',
			array( 'Content-Type: application/json', 'X-Halext-Code: ' . $code ),
			(string) json_encode( array_intersect_key( $new, array_flip( array( 'username', 'email', 'password', 'full_name' ) ) ) )
		);
		if ( 400 === $status ) {
			throw new ApiException( 'api.conflict', (string) ( $body['detail'] ?? 'conflict' ), 400 );
		}
		if ( 200 !== $status ) {
			throw new ApiException( 'api.unauthorized', 'registration refused: ' . $status, $status );
		}
		return $body;
	}

	public function me( string $token ): array {
		[ $status, $body ] = $this->call( 'GET', '/users/me/', array( 'Authorization: Bearer ' . $token ) );
		if ( 200 !== $status ) {
			throw new ApiException( 'api.unauthorized', 'Could not validate credentials', $status );
		}
		return $body;
	}

	public function validateRemote( string $token ): array {
		return $this->me( $token );
	}
}

final class Password {
	public static function verify( string $password, string $hash, array $options = array() ): bool {
		foreach ( array_unique( array( $password, addslashes( $password ) ) ) as $candidate ) {
			if ( strlen( $hash ) <= 32 ) {
				$ok = hash_equals( $hash, md5( $candidate ) );
			} elseif ( str_starts_with( $hash, '$wp$' ) ) {
				$ok = password_verify( base64_encode( hash_hmac( 'sha384', $candidate, 'wp-sha384', true ) ), substr( $hash, 3 ) );
			} elseif ( str_starts_with( $hash, '$P$' ) || str_starts_with( $hash, '$H$' ) ) {
				require_once ABSPATH . WPINC . '/class-phpass.php';
				$ok = ( new \PasswordHash( 8, true ) )->CheckPassword( $candidate, $hash );
			} else {
				$ok = password_verify( $candidate, $hash );
			}
			if ( $ok ) {
				return true;
			}
		}
		return false;
	}
}

final class Migration {
	private Client $client;

	public function __construct( array $options = array() ) {
		$config = $options['config'] ?? (string) getenv( 'HALEXT_CONFIG' );
		if ( '' === $config || ! is_readable( $config ) ) {
			throw new Exception( 'config', 'no readable migration configuration (halext.config / HALEXT_CONFIG)', 3 );
		}
		$this->client = new Client( $options );
	}

	private static function db(): \wpdb {
		global $wpdb;
		$wpdb->query( 'CREATE TABLE IF NOT EXISTS halext_user_map_double (site VARCHAR(64) NOT NULL, legacy_id BIGINT UNSIGNED NOT NULL, halext_username VARCHAR(191) COLLATE utf8mb4_bin NOT NULL, status VARCHAR(16) NOT NULL, method VARCHAR(16) NOT NULL, PRIMARY KEY (site, legacy_id), KEY (halext_username)) DEFAULT CHARSET=utf8mb4' );
		return $wpdb;
	}

	public function resolve( string $site, int $legacy_id ): ?array {
		$row = self::db()->get_row( self::db()->prepare( 'SELECT * FROM halext_user_map_double WHERE site = %s AND legacy_id = %d', $site, $legacy_id ), ARRAY_A );
		return $row ?: null;
	}

	public function resolveHalext( string $username ): array {
		return self::db()->get_results( self::db()->prepare( 'SELECT site, legacy_id FROM halext_user_map_double WHERE halext_username = %s', $username ), ARRAY_A );
	}

	public function link( string $site, int $legacy_id, string $username, string $method = 'registration' ): void {
		self::db()->query( self::db()->prepare( 'REPLACE INTO halext_user_map_double (site, legacy_id, halext_username, status, method) VALUES (%s, %d, %s, %s, %s)', $site, $legacy_id, $username, 'linked', $method ) );
	}

	public function register( string $site, array $user ): array {
		try {
			return $this->client->register( $user );
		} catch ( ApiException $e ) {
			if ( 'api.conflict' !== $e->getReason() ) {
				throw $e;
			}
			if ( str_starts_with( $e->getMessage(), 'Email' ) ) {
				throw new MigrationException( 'migration.duplicate_email', 'email taken on Halext', 405 );
			}
			throw new MigrationException( 'migration.duplicate_username', 'username taken on Halext', 404 );
		}
	}

	public function login( string $site, string $login, string $password ): array {
		global $wpdb;
		$invalid = new MigrationException( 'migration.invalid_credentials', 'unknown user or wrong password', 400 );
		$column  = str_contains( $login, '@' ) ? 'user_email' : 'user_login';
		$rows    = $wpdb->get_results( $wpdb->prepare( "SELECT * FROM {$wpdb->users} WHERE $column = %s", $login ) );
		if ( 1 !== count( $rows ) || '' === $password ) {
			throw $invalid;
		}
		$row    = $rows[0];
		$result = array( 'legacy_id' => (int) $row->ID, 'access_token' => null, 'expires_at' => null, 'halext_username' => null );
		$map    = $this->resolve( $site, (int) $row->ID );
		if ( $map && 'linked' === $map['status'] ) {
			try {
				$token = $this->client->login( $map['halext_username'], $password );
			} catch ( ApiException $e ) {
				throw $invalid;
			}
			return array( 'outcome' => 'logged_in', 'access_token' => $token['access_token'], 'expires_at' => $token['expires_at'], 'halext_username' => $map['halext_username'] ) + $result;
		}
		if ( ! Password::verify( $password, $row->user_pass ) ) {
			throw $invalid;
		}
		if ( ! empty( $row->spam ) || ! empty( $row->deleted ) ) {
			throw new MigrationException( 'migration.account_blocked', 'account blocked', 401 );
		}
		$username = $row->user_login;
		try {
			$this->client->register( array( 'username' => $username, 'email' => strtolower( trim( $row->user_email ) ), 'password' => $password ) );
			$outcome = 'migrated';
		} catch ( ApiException $e ) {
			if ( 'api.conflict' !== $e->getReason() ) {
				throw new MigrationException( 'migration.halext_unavailable', 'Halext unavailable', 402 );
			}
			$outcome = 'linked_existing';
		}
		try {
			$token = $this->client->login( $username, $password );
		} catch ( ApiException $e ) {
			return array( 'outcome' => 'halext_password_required', 'halext_username' => $username ) + $result;
		}
		$this->link( $site, (int) $row->ID, $username, 'login' );
		return array( 'outcome' => $outcome, 'access_token' => $token['access_token'], 'expires_at' => $token['expires_at'], 'halext_username' => $username ) + $result;
	}
}
}

namespace {
function halext_version(): string {
	return '0.0.0-contract-double';
}

function halext_validate_token( string $jwt ): array {
	$parts = explode( '.', $jwt );
	if ( 3 !== count( $parts ) ) {
		throw new \Halext\TokenException( 'token.malformed', 'not a compact JWS', 100 );
	}
	$header = json_decode( (string) base64_decode( strtr( $parts[0], '-_', '+/' ) ), true );
	if ( ! is_array( $header ) || ( $header['alg'] ?? '' ) !== 'HS256' ) {
		throw new \Halext\TokenException( 'token.algorithm', 'algorithm not allowed', 102 );
	}
	$expected = \Halext\DoubleStore::b64url( hash_hmac( 'sha256', $parts[0] . '.' . $parts[1], \Halext\DoubleStore::secret(), true ) );
	if ( ! hash_equals( $expected, $parts[2] ) ) {
		throw new \Halext\TokenException( 'token.bad_signature', 'bad signature', 103 );
	}
	$claims = json_decode( (string) base64_decode( strtr( $parts[1], '-_', '+/' ) ), true );
	if ( ! is_array( $claims ) || ! is_string( $claims['sub'] ?? null ) ) {
		throw new \Halext\TokenException( 'token.missing_claim', 'sub missing', 108 );
	}
	if ( isset( $claims['exp'] ) && $claims['exp'] < time() ) {
		throw new \Halext\TokenException( 'token.expired', 'token expired', 104 );
	}
	return $claims;
}
}
