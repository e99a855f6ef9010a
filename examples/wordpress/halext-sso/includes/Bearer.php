<?php
/**
 * Requests that carry a Halext token: `determine_current_user` for the `Authorization:
 * Bearer` header and the configurable cookie, and the REST error for a bad token.
 *
 * A token authenticates the WordPress account linked to its `sub`. Header tokens cannot be
 * sent by another site, so they need no nonce. Cookie tokens can ride along with a forged
 * cross-site request, so a cookie-authenticated REST request is treated exactly like a
 * WordPress-cookie one: it needs the `wp_rest` nonce (`X-WP-Nonce`) or it runs logged out.
 * Neither opens wp-admin, which checks WordPress's own auth cookie.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Token-authenticated requests.
 */
final class Bearer {

	/**
	 * How the current request was authenticated by this class: `bearer`, `cookie` or null.
	 *
	 * @var string|null
	 */
	private static ?string $source = null;

	/**
	 * The token that authenticated the current request, for the REST route (never output).
	 *
	 * @var string|null
	 */
	private static ?string $token = null;

	/**
	 * The error for a bad header token, reported by `rest_authentication_errors`.
	 *
	 * @var \WP_Error|null
	 */
	private static ?\WP_Error $error = null;

	/** Hooks. */
	public static function register(): void {
		add_filter( 'determine_current_user', array( self::class, 'determine_current_user' ), 25 );
		add_filter( 'rest_authentication_errors', array( self::class, 'rest_errors' ), 50 );
	}

	/**
	 * `determine_current_user` (priority 25, after WordPress's cookies and application
	 * passwords): a request already authenticated by WordPress keeps its user.
	 *
	 * @param int|false $user_id User so far.
	 * @return int|false
	 */
	public static function determine_current_user( $user_id ) {
		if ( ! empty( $user_id ) || ! Extension::ready() ) {
			return $user_id;
		}
		$token  = (bool) Settings::get( 'bearer_enabled' ) ? Tokens::from_header() : null;
		$source = 'bearer';
		if ( null === $token ) {
			$token  = Tokens::from_cookie();
			$source = 'cookie';
		}
		if ( null === $token ) {
			return $user_id;
		}

		try {
			$claims = Tokens::check( $token );
			$user   = Accounts::linked_user( $claims['username'] );
			if ( null === $user && (bool) Settings::get( 'create_users' ) ) {
				$user = self::provision( $token );
			}
		} catch ( \Halext\Exception $e ) {
			if ( 'bearer' === $source ) {
				self::$error = new \WP_Error(
					'halext_invalid_token',
					__( 'The Halext token is invalid or expired.', 'halext-sso' ),
					array(
						'status' => 401,
						'reason' => Extension::reason( $e ),
					)
				);
			}
			return $user_id;
		}
		if ( ! $user instanceof \WP_User ) {
			return $user_id;
		}

		self::$source = $source;
		self::$token  = $token;
		if ( 'cookie' === $source ) {
			// Let rest_cookie_check_errors() demand the wp_rest nonce, as for WordPress's cookie.
			$GLOBALS['wp_rest_auth_cookie'] = true;
		}
		return (int) $user->ID;
	}

	/**
	 * Creates and links an account for a token's Halext user who has none here. Without a
	 * password there is no proof of control over an existing account, so an account whose
	 * email matches is linked only when `trust_email` is on; otherwise nothing happens.
	 *
	 * @param string $token A token that passed {@see Tokens::check()}.
	 * @return \WP_User|null
	 * @throws \Halext\Exception When Halext or the mapping store fails.
	 */
	private static function provision( string $token ): ?\WP_User {
		$me    = Extension::client()->me( $token );
		$email = (string) ( $me['email'] ?? '' );
		$match = is_email( $email ) ? get_user_by( 'email', $email ) : false;
		if ( $match instanceof \WP_User ) {
			if ( (bool) Settings::get( 'trust_email' ) && null === Accounts::halext_username( $match->ID ) ) {
				return Accounts::link( $match, $me, 'login' );
			}
			return null;
		}
		$user = Accounts::create( $me );
		return $user instanceof \WP_User ? $user : null;
	}

	/**
	 * `rest_authentication_errors`: a REST request with a bad bearer token gets a 401.
	 *
	 * @param mixed $result Earlier result.
	 * @return mixed
	 */
	public static function rest_errors( $result ) {
		if ( ! empty( $result ) || null === self::$error ) {
			return $result;
		}
		return self::$error;
	}

	/**
	 * How the current request was authenticated by a Halext token (`bearer`, `cookie`) or null.
	 */
	public static function source(): ?string {
		return self::$source;
	}

	/**
	 * The token that authenticated the current request, or null. Never print it.
	 */
	public static function token(): ?string {
		return self::$token;
	}
}
