<?php
/**
 * Where Halext tokens travel: the `Authorization: Bearer` header (RFC 6750 §2.1) and the
 * configurable cookie, and how a token is checked.
 *
 * Halext access tokens are HS256 JWTs with claims `sub` (the Halext username) and `exp`
 * (Unix seconds), valid 30 minutes, never revocable (reference: halext-api.md §1.2).
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Reads, checks, sets and clears Halext tokens.
 */
final class Tokens {

	/** Largest token accepted from a request, in bytes (a Halext token is about 150). */
	public const MAX_BYTES = 8192;

	/**
	 * The token found in the Authorization header, or null.
	 *
	 * Accepts `Bearer <token>` with the scheme in any case (RFC 7235 §2.1); other schemes
	 * (Basic for application passwords) are left to WordPress.
	 */
	public static function from_header(): ?string {
		$header = '';
		foreach ( array( 'HTTP_AUTHORIZATION', 'REDIRECT_HTTP_AUTHORIZATION' ) as $key ) {
			if ( ! empty( $_SERVER[ $key ] ) ) {
				$header = (string) $_SERVER[ $key ]; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- validated below.
				break;
			}
		}
		if ( '' === $header && function_exists( 'getallheaders' ) ) {
			foreach ( (array) getallheaders() as $name => $value ) {
				if ( 0 === strcasecmp( (string) $name, 'Authorization' ) ) {
					$header = (string) $value;
					break;
				}
			}
		}
		if ( 1 !== preg_match( '/^\s*Bearer\s+(\S+)\s*$/i', $header, $m ) ) {
			return null;
		}
		return self::well_formed( $m[1] ) ? $m[1] : null;
	}

	/**
	 * The token in the configured cookie, or null (also null when the cookie is off).
	 */
	public static function from_cookie(): ?string {
		$name = (string) Settings::get( 'cookie_name' );
		if ( '' === $name || ! isset( $_COOKIE[ $name ] ) || ! is_string( $_COOKIE[ $name ] ) ) {
			return null;
		}
		$token = wp_unslash( $_COOKIE[ $name ] ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- validated below.
		return self::well_formed( $token ) ? $token : null;
	}

	/**
	 * A cheap shape check before any parsing: three base64url segments, bounded size.
	 *
	 * @param string $token Candidate token.
	 */
	public static function well_formed( string $token ): bool {
		return strlen( $token ) <= self::MAX_BYTES
			&& 1 === preg_match( '/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/', $token );
	}

	/**
	 * Checks a token and returns the Halext username it stands for.
	 *
	 * Locally with `halext_validate_token()` when the extension has the JWT secret (INI
	 * `halext.jwt_secret` / env `HALEXT_JWT_SECRET`); otherwise by asking Halext
	 * (`Client::validateRemote()`, `GET /users/me/`, cached per process until the token's exp).
	 *
	 * @param string $token A Halext access token.
	 * @return array{username: string, exp: int|null} The `sub` claim and `exp` (Unix seconds).
	 * @throws \Halext\Exception `Halext\TokenException` for a bad or expired token,
	 *                           `Halext\ApiException` when remote validation fails.
	 */
	public static function check( string $token ): array {
		try {
			$claims = halext_validate_token( $token );
			return array(
				'username' => (string) ( $claims['sub'] ?? '' ),
				'exp'      => isset( $claims['exp'] ) ? (int) $claims['exp'] : null,
			);
		} catch ( \Halext\Exception $e ) {
			if ( 'config' !== Extension::reason( $e ) ) {
				throw $e;
			}
			// No local secret configured: ask Halext who this token is.
			$user = Extension::client()->validateRemote( $token );
			return array(
				'username' => (string) ( $user['username'] ?? '' ),
				'exp'      => self::unverified_exp( $token ),
			);
		}
	}

	/**
	 * The `exp` claim read WITHOUT verifying the signature: only for cookie lifetimes and
	 * display, never for a decision.
	 *
	 * @param string $token A JWT.
	 * @return int|null Unix seconds.
	 */
	public static function unverified_exp( string $token ): ?int {
		$parts = explode( '.', $token );
		if ( 3 !== count( $parts ) ) {
			return null;
		}
		$json   = base64_decode( strtr( $parts[1], '-_', '+/' ), true );
		$claims = false === $json ? null : json_decode( $json, true );
		return is_array( $claims ) && isset( $claims['exp'] ) && is_numeric( $claims['exp'] ) ? (int) $claims['exp'] : null;
	}

	/**
	 * Sends the token cookie (HttpOnly, SameSite=Lax, Secure on HTTPS) until `$expires_at`.
	 * Does nothing when the cookie is off or headers are already sent.
	 *
	 * @param string $token      The Halext access token.
	 * @param int    $expires_at Unix seconds.
	 */
	public static function set_cookie( string $token, int $expires_at ): void {
		$name = (string) Settings::get( 'cookie_name' );
		if ( '' === $name || headers_sent() ) {
			return;
		}
		setcookie( $name, $token, self::cookie_options( $expires_at ) );
		$_COOKIE[ $name ] = $token;
	}

	/** Expires the token cookie (at logout, or when a login gives no token). */
	public static function clear_cookie(): void {
		$name = (string) Settings::get( 'cookie_name' );
		if ( '' === $name || headers_sent() || ! isset( $_COOKIE[ $name ] ) ) {
			return;
		}
		setcookie( $name, '', self::cookie_options( time() - YEAR_IN_SECONDS ) );
		unset( $_COOKIE[ $name ] );
	}

	/**
	 * Cookie attributes: WordPress's cookie path and domain, HttpOnly, SameSite=Lax.
	 *
	 * @param int $expires Unix seconds.
	 * @return array<string, mixed>
	 */
	private static function cookie_options( int $expires ): array {
		return array(
			'expires'  => $expires,
			'path'     => COOKIEPATH ? COOKIEPATH : '/',
			'domain'   => COOKIE_DOMAIN ? COOKIE_DOMAIN : '',
			'secure'   => is_ssl(),
			'httponly' => true,
			'samesite' => 'Lax',
		);
	}
}
