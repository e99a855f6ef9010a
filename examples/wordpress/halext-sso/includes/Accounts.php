<?php
/**
 * WordPress accounts for Halext identities: which WordPress user a Halext username is linked
 * to, when an existing account may be linked, creating accounts, and role mapping.
 *
 * The link itself lives in the migration's mapping table (`halext_user_map`, keyed by site and
 * `wp_users.ID`), read and written through `Halext\Migration`, so the CLI, the planner and
 * every other site see the same links.
 *
 * Linking rules (the planner's takeover rule applied to logins): WordPress and Halext both
 * store emails they never verified, so a matching email alone never links an existing account
 * unless the administrator says emails are trusted. A Halext login links an existing,
 * unlinked WordPress account only when the typed password also verifies against that
 * account's own WordPress hash (the person controls both), or through a mapping that is
 * already `linked`. A mapping that is only `planned` is not proof: whoever registers the
 * planned Halext username first would otherwise inherit the WordPress account.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Finds, links and creates WordPress users for Halext users; maps roles.
 */
final class Accounts {

	/** User meta: the role the plugin granted because the Halext account is an admin. */
	public const META_GRANTED_ROLE = 'halext_sso_granted_role';

	/** User meta: set on accounts the plugin created for Halext users. */
	public const META_CREATED = 'halext_sso_created';

	/** This site's name in the mapping. */
	public static function site(): string {
		return (string) Settings::get( 'site' );
	}

	/**
	 * The Halext username a WordPress user is linked to (mapping status `linked`), or null.
	 *
	 * @param int $user_id WordPress user ID (= the legacy id in the mapping).
	 * @throws \Halext\Exception When the mapping store fails.
	 */
	public static function halext_username( int $user_id ): ?string {
		$row = Extension::migration()->resolve( self::site(), $user_id );
		if ( is_array( $row ) && 'linked' === ( $row['status'] ?? null ) && '' !== (string) ( $row['halext_username'] ?? '' ) ) {
			return (string) $row['halext_username'];
		}
		return null;
	}

	/**
	 * The WordPress user linked to a Halext username, null when none, or an error when the
	 * mapping links it to several accounts of this site (an operator must decide).
	 *
	 * @param string $halext_username Exact (case-sensitive) Halext username.
	 * @return \WP_User|\WP_Error|null
	 * @throws \Halext\Exception When the mapping store fails.
	 */
	public static function linked_user( string $halext_username ) {
		$found = array();
		foreach ( Extension::migration()->resolveHalext( $halext_username ) as $entry ) {
			if ( ( $entry['site'] ?? null ) !== self::site() ) {
				continue;
			}
			$id = (int) ( $entry['legacy_id'] ?? 0 );
			if ( $id > 0 && self::halext_username( $id ) === $halext_username ) {
				$user = get_user_by( 'id', $id );
				if ( $user instanceof \WP_User ) {
					$found[ $id ] = $user;
				}
			}
		}
		if ( count( $found ) > 1 ) {
			return new \WP_Error(
				'halext_ambiguous_link',
				__( '<strong>Error:</strong> This Halext account is linked to several accounts on this site. Please contact the site administrator.', 'halext-sso' )
			);
		}
		return array() === $found ? null : reset( $found );
	}

	/**
	 * The WordPress user for someone who just signed in to Halext with `$password`.
	 *
	 * 1. the account already linked to this Halext user;
	 * 2. else an unlinked account with the same login or email whose own WordPress hash accepts
	 *    `$password` (proof of control), or, only when `trust_email` is on, the same email;
	 * 3. else, when the email is taken by an account that could not be proven, an error (no takeover);
	 * 4. else a new account (when `create_users` is on).
	 *
	 * @param array  $me       The Halext user (`GET /users/me/`): `username`, `email`, `full_name`, `is_admin`.
	 * @param string $password The password the person typed (already accepted by Halext).
	 * @return \WP_User|\WP_Error
	 * @throws \Halext\Exception When the mapping store fails.
	 */
	public static function for_halext_login( array $me, string $password ) {
		$username = (string) ( $me['username'] ?? '' );
		if ( '' === $username ) {
			return new \WP_Error( 'halext_error', __( '<strong>Error:</strong> Halext returned an account without a username.', 'halext-sso' ) );
		}

		$linked = self::linked_user( $username );
		if ( null !== $linked ) {
			if ( $linked instanceof \WP_User ) {
				self::sync_role( $linked, $me );
			}
			return $linked;
		}

		$email      = (string) ( $me['email'] ?? '' );
		$by_login   = get_user_by( 'login', $username );
		$by_email   = is_email( $email ) ? get_user_by( 'email', $email ) : false;
		$candidates = array();
		foreach ( array( $by_login, $by_email ) as $candidate ) {
			if ( $candidate instanceof \WP_User && null === self::halext_username( $candidate->ID ) ) {
				$candidates[ $candidate->ID ] = $candidate;
			}
		}

		foreach ( $candidates as $candidate ) {
			if ( self::password_matches( $candidate, $password ) ) {
				return self::link( $candidate, $me, 'login' );
			}
		}

		if ( $by_email instanceof \WP_User ) {
			if ( (bool) Settings::get( 'trust_email' ) && isset( $candidates[ $by_email->ID ] ) ) {
				return self::link( $by_email, $me, 'login' );
			}
			return new \WP_Error(
				'halext_link_required',
				__( '<strong>Error:</strong> An account on this site already uses the email address of your Halext account, and your password is not that account\'s password. If that account is yours, ask the site administrator to link the two.', 'halext-sso' )
			);
		}

		if ( ! (bool) Settings::get( 'create_users' ) ) {
			return new \WP_Error(
				'halext_no_account',
				__( '<strong>Error:</strong> Your Halext account has no account on this site, and this site does not create accounts automatically.', 'halext-sso' )
			);
		}
		return self::create( $me );
	}

	/**
	 * Whether `$password` verifies against the account's stored WordPress hash, with every
	 * WordPress scheme (md5, phpass, 6.8 `$wp$` bcrypt) via `Halext\Password::verify()`.
	 *
	 * @param \WP_User $user     The account.
	 * @param string   $password The typed password.
	 */
	public static function password_matches( \WP_User $user, string $password ): bool {
		$hash = (string) $user->user_pass;
		if ( '' === $hash || '' === $password ) {
			return false;
		}
		try {
			return (bool) \Halext\Password::verify( $password, $hash, array( 'app' => 'wordpress' ) );
		} catch ( \Halext\Exception $e ) {
			// Unknown or unusable hash: not a proof.
			return false;
		}
	}

	/**
	 * Links an existing WordPress account to a Halext user and maps its role.
	 *
	 * @param \WP_User $user   The account.
	 * @param array    $me     The Halext user.
	 * @param string   $method Mapping method: `login`, `registration` or `manual`.
	 * @return \WP_User
	 * @throws \Halext\Exception When the mapping store fails.
	 */
	public static function link( \WP_User $user, array $me, string $method ): \WP_User {
		Extension::migration()->link( self::site(), (int) $user->ID, (string) $me['username'], $method );
		self::sync_role( $user, $me );
		return $user;
	}

	/**
	 * Creates a WordPress account for a Halext user and links it.
	 *
	 * Login: the Halext username through `sanitize_user( $name, true )`, made unique with `-2`,
	 * `-3`, ...; email: the Halext email when valid and unused, else empty; password: random
	 * (the person signs in with their Halext password); role: {@see Accounts::role_for()}.
	 * The account is deleted again when the link cannot be written.
	 *
	 * @param array $me The Halext user.
	 * @return \WP_User|\WP_Error
	 * @throws \Halext\Exception When the mapping store fails (after rolling back).
	 */
	public static function create( array $me ) {
		$username = (string) $me['username'];
		$email    = (string) ( $me['email'] ?? '' );
		$login    = self::unique_login( $username );
		if ( null === $login ) {
			return new \WP_Error( 'halext_no_login', __( '<strong>Error:</strong> No free username could be derived from your Halext username. Please contact the site administrator.', 'halext-sso' ) );
		}
		$full_name = trim( (string) ( $me['full_name'] ?? '' ) );

		$user_id = wp_insert_user(
			array(
				'user_login'   => $login,
				'user_pass'    => wp_generate_password( 40, true, true ),
				'user_email'   => ( is_email( $email ) && ! email_exists( $email ) ) ? $email : '',
				'display_name' => '' !== $full_name ? $full_name : $username,
				'nickname'     => $username,
				'role'         => self::role_for( $me ),
			)
		);
		if ( is_wp_error( $user_id ) ) {
			return $user_id;
		}
		update_user_meta( $user_id, self::META_CREATED, 1 );
		if ( ! empty( $me['is_admin'] ) && '' !== (string) Settings::get( 'admin_role' ) ) {
			update_user_meta( $user_id, self::META_GRANTED_ROLE, (string) Settings::get( 'admin_role' ) );
		}
		try {
			Extension::migration()->link( self::site(), (int) $user_id, $username, 'login' );
		} catch ( \Throwable $e ) {
			require_once ABSPATH . 'wp-admin/includes/user.php';
			wp_delete_user( $user_id );
			throw $e;
		}
		return new \WP_User( $user_id );
	}

	/**
	 * A free WordPress login derived from a Halext username, or null.
	 *
	 * @param string $username Halext username.
	 */
	public static function unique_login( string $username ): ?string {
		$base = sanitize_user( $username, true );
		$base = trim( (string) preg_replace( '/\s+/', '-', $base ) );
		if ( '' === $base ) {
			$base = 'halext-user';
		}
		$base = mb_substr( $base, 0, 50 );
		for ( $i = 1; $i <= 100; $i++ ) {
			$login = 1 === $i ? $base : $base . '-' . $i;
			if ( ! username_exists( $login ) ) {
				return $login;
			}
		}
		return null;
	}

	/**
	 * The role of a new account: `admin_role` when the Halext account is an admin and an
	 * admin role is configured, else `default_role`. Halext's `is_admin` alone grants nothing.
	 *
	 * @param array $me The Halext user.
	 */
	public static function role_for( array $me ): string {
		$admin_role = (string) Settings::get( 'admin_role' );
		if ( ! empty( $me['is_admin'] ) && '' !== $admin_role ) {
			return $admin_role;
		}
		return (string) Settings::get( 'default_role' );
	}

	/**
	 * Keeps the Halext-admin role in step with Halext's `is_admin` on every Halext login.
	 *
	 * Grants `admin_role` (in addition to the account's roles) while `is_admin` is true and
	 * remembers the grant; removes only a role the plugin itself granted when `is_admin` turns
	 * false (falling back to `default_role` if no role is left). Roles from anywhere else are
	 * never touched.
	 *
	 * @param \WP_User $user The account.
	 * @param array    $me   The Halext user.
	 */
	public static function sync_role( \WP_User $user, array $me ): void {
		if ( ! array_key_exists( 'is_admin', $me ) ) {
			return;
		}
		$admin_role = (string) Settings::get( 'admin_role' );
		$granted    = (string) get_user_meta( $user->ID, self::META_GRANTED_ROLE, true );
		$wanted     = ( ! empty( $me['is_admin'] ) && '' !== $admin_role ) ? $admin_role : '';

		if ( '' !== $granted && $granted !== $wanted ) {
			$user->remove_role( $granted );
			delete_user_meta( $user->ID, self::META_GRANTED_ROLE );
			if ( array() === array_values( (array) $user->roles ) ) {
				$user->set_role( (string) Settings::get( 'default_role' ) );
			}
		}
		if ( '' !== $wanted && ! in_array( $wanted, (array) $user->roles, true ) ) {
			$user->add_role( $wanted );
			update_user_meta( $user->ID, self::META_GRANTED_ROLE, $wanted );
		}
	}
}
