<?php
/**
 * Profile screens of linked accounts: their password lives on Halext, so WordPress's own
 * password fields and password reset are hidden (a WordPress password set there would never be
 * asked for), and the profile names the Halext account.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Linked accounts on profile and password-reset screens.
 */
final class Profile {

	/** Hooks. */
	public static function register(): void {
		add_filter( 'show_password_fields', array( self::class, 'show_password_fields' ), 10, 2 );
		add_filter( 'allow_password_reset', array( self::class, 'allow_password_reset' ), 10, 2 );
		add_action( 'personal_options', array( self::class, 'personal_options' ) );
	}

	/**
	 * The Halext username of a linked account while Halext sign-in is active, else null.
	 *
	 * @param int $user_id User ID.
	 */
	private static function linked( int $user_id ): ?string {
		if ( $user_id <= 0 || ! Login::active() ) {
			return null;
		}
		try {
			return Accounts::halext_username( $user_id );
		} catch ( \Halext\Exception $e ) {
			return null;
		}
	}

	/**
	 * `show_password_fields`: no WordPress password for linked accounts.
	 *
	 * @param bool     $show Whether to show.
	 * @param \WP_User $user The profile's user.
	 * @return bool
	 */
	public static function show_password_fields( $show, $user = null ) {
		return $user instanceof \WP_User && null !== self::linked( (int) $user->ID ) ? false : $show;
	}

	/**
	 * `allow_password_reset`: linked accounts reset their password on Halext, not here.
	 *
	 * @param bool|\WP_Error $allow   Whether to allow.
	 * @param int            $user_id User ID.
	 * @return bool|\WP_Error
	 */
	public static function allow_password_reset( $allow, $user_id ) {
		return null !== self::linked( (int) $user_id ) ? false : $allow;
	}

	/**
	 * `personal_options`: a row naming the Halext account.
	 *
	 * @param \WP_User $user The profile's user.
	 */
	public static function personal_options( $user ): void {
		$username = $user instanceof \WP_User ? self::linked( (int) $user->ID ) : null;
		if ( null === $username ) {
			return;
		}
		printf(
			'<tr class="halext-sso-account"><th scope="row">%s</th><td><code>%s</code><p class="description">%s</p></td></tr>',
			esc_html__( 'Halext account', 'halext-sso' ),
			esc_html( $username ),
			esc_html__( 'You sign in here with your Halext password. Halext administrators reset Halext passwords.', 'halext-sso' )
		);
	}
}
