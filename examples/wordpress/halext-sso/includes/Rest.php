<?php
/**
 * `GET /wp-json/halext/v1/me` (or `?rest_route=/halext/v1/me`): the current user's Halext account.
 *
 * Response (200):
 * ```json
 * {"wordpress_user_id": 2, "halext_username": "bob", "authenticated_by": "bearer|cookie|wordpress",
 *  "token_expires_at": 1764432000, "halext_user": {"id": 7, "username": "bob", "email": "...",
 *  "full_name": null, "is_admin": false, "created_at": 1764430200}}
 * ```
 * `halext_user` is null when no valid Halext token came with the request (for example a
 * WordPress session whose 30-minute token expired); the token itself is never returned.
 * Errors: 401 `rest_not_logged_in`, 404 `halext_not_linked`, 503 `halext_unavailable`.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * The REST route.
 */
final class Rest {

	public const ROUTE_NAMESPACE = 'halext/v1';

	/** The Halext user fields returned (the embedded tasks/events/pages/labels are dropped). */
	private const USER_FIELDS = array( 'id', 'username', 'email', 'full_name', 'is_admin', 'created_at' );

	/** Hooks. */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'routes' ) );
	}

	/** Registers the route. */
	public static function routes(): void {
		register_rest_route(
			self::ROUTE_NAMESPACE,
			'/me',
			array(
				'methods'             => \WP_REST_Server::READABLE,
				'callback'            => array( self::class, 'me' ),
				'permission_callback' => array( self::class, 'permission' ),
			)
		);
	}

	/**
	 * Only signed-in users.
	 *
	 * @return true|\WP_Error
	 */
	public static function permission() {
		if ( is_user_logged_in() ) {
			return true;
		}
		return new \WP_Error( 'rest_not_logged_in', __( 'You are not currently logged in.', 'halext-sso' ), array( 'status' => 401 ) );
	}

	/**
	 * The handler.
	 *
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function me() {
		if ( ! Extension::ready() ) {
			return new \WP_Error( 'halext_unavailable', __( 'The halext PHP extension is not loaded.', 'halext-sso' ), array( 'status' => 503 ) );
		}
		$user_id = get_current_user_id();
		try {
			$username = Accounts::halext_username( $user_id );
		} catch ( \Halext\Exception $e ) {
			Extension::log( 'REST mapping lookup', $e );
			return new \WP_Error( 'halext_unavailable', __( 'The account mapping cannot be read right now.', 'halext-sso' ), array( 'status' => 503 ) );
		}
		if ( null === $username ) {
			return new \WP_Error( 'halext_not_linked', __( 'This account is not linked to a Halext account.', 'halext-sso' ), array( 'status' => 404 ) );
		}

		$source = Bearer::source() ?? 'wordpress';
		$token  = Bearer::token() ?? Tokens::from_cookie();
		$data   = array(
			'wordpress_user_id' => $user_id,
			'halext_username'   => $username,
			'authenticated_by'  => $source,
			'token_expires_at'  => null,
			'halext_user'       => null,
		);
		if ( null === $token ) {
			return rest_ensure_response( $data );
		}

		try {
			$claims = Tokens::check( $token );
			if ( $claims['username'] !== $username ) {
				// A cookie left by another account: not this user's token.
				return rest_ensure_response( $data );
			}
			$me                       = Extension::client()->me( $token );
			$data['token_expires_at'] = $claims['exp'];
			$data['halext_user']      = array();
			foreach ( self::USER_FIELDS as $field ) {
				if ( array_key_exists( $field, $me ) ) {
					$data['halext_user'][ $field ] = $me[ $field ];
				}
			}
		} catch ( \Halext\Exception $e ) {
			$reason = Extension::reason( $e );
			if ( Extension::is_unavailable( $reason ) ) {
				return new \WP_Error( 'halext_unavailable', __( 'Halext cannot be reached right now.', 'halext-sso' ), array( 'status' => 503 ) );
			}
			// Expired or revoked token: report the link without the Halext profile.
		}
		return rest_ensure_response( $data );
	}
}
