<?php
/**
 * Sign-in through Halext (`authenticate` filter) and sign-out.
 *
 * Order for a username (or email) and password:
 * 1. Halext credentials: `Client::login()` (`POST /token`); on success the WordPress account
 *    is found, linked or created by {@see Accounts::for_halext_login()}.
 * 2. Otherwise the legacy `wp_users` hash through login-time migration: `Migration::login()`
 *    verifies the old hash (md5, phpass, `$wp$` bcrypt), creates the Halext account with that
 *    password, links it and returns a token; an already linked account is signed in to Halext
 *    with its mapped username.
 * While the plugin is active and the extension ready, WordPress's own password check is
 * removed: passwords are checked by Halext or by the migration (which knows every WordPress
 * scheme), never twice and never by a path that bypasses the link.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * The `authenticate` filter and the session/cookie bookkeeping around it.
 */
final class Login {

	/**
	 * The credentials as typed, captured on `wp_authenticate` (before WordPress trims the
	 * password and strips accents from the login): login, password (unslashed), and the
	 * password exactly as WordPress passes it on (slashed when it came from `$_POST`).
	 *
	 * @var array{0: string, 1: string, 2: string}|null
	 */
	private static ?array $typed = null;

	/**
	 * The outcome of the last successful Halext sign-in in this request, for the session and
	 * the cookie: `user_id`, `username`, `token` (may be null), `expires_at`.
	 *
	 * @var array<string, mixed>|null
	 */
	private static ?array $signed_in = null;

	/** Hooks. */
	public static function register(): void {
		add_action( 'wp_authenticate', array( self::class, 'capture' ), 1, 2 );
		add_filter( 'authenticate', array( self::class, 'authenticate' ), 15, 3 );
		add_filter( 'attach_session_information', array( self::class, 'session_information' ), 10, 2 );
		add_action( 'wp_login', array( self::class, 'after_login' ), 10, 2 );
		add_action( 'clear_auth_cookie', array( Tokens::class, 'clear_cookie' ) );
		add_filter( 'shake_error_codes', array( self::class, 'shake_codes' ) );
		add_action( 'plugins_loaded', array( self::class, 'replace_core_password_check' ), 20 );
	}

	/** Whether Halext sign-in is on and possible. */
	public static function active(): bool {
		return (bool) Settings::get( 'login_enabled' ) && Extension::ready();
	}

	/**
	 * Removes WordPress's own username/email + password checks while Halext sign-in is active
	 * (application passwords and the multisite spam check stay).
	 */
	public static function replace_core_password_check(): void {
		if ( self::active() ) {
			remove_filter( 'authenticate', 'wp_authenticate_username_password', 20 );
			remove_filter( 'authenticate', 'wp_authenticate_email_password', 20 );
		}
	}

	/**
	 * `wp_authenticate` action: remembers the credentials as typed. `wp_signon()` passes the
	 * login unslashed and the password as posted (slashed by WordPress).
	 *
	 * @param mixed $login    Username or email (by reference in core; read only here).
	 * @param mixed $password Password.
	 */
	public static function capture( $login, $password ): void {
		if ( ! is_string( $login ) || ! is_string( $password ) ) {
			self::$typed = null;
			return;
		}
		$as_passed = $password;
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- comparing, not processing; wp-login.php has no nonce.
		if ( isset( $_POST['pwd'] ) && $password === $_POST['pwd'] ) {
			$password = wp_unslash( $password );
		}
		self::$typed = array( $login, $password, $as_passed );
	}

	/**
	 * `authenticate` filter (priority 15, before core's checks at 20).
	 *
	 * @param null|\WP_User|\WP_Error $user     Result so far.
	 * @param string                  $username Login or email after `sanitize_user()`.
	 * @param string                  $password Password after `trim()`.
	 * @return null|\WP_User|\WP_Error
	 */
	public static function authenticate( $user, $username, $password ) {
		if ( $user instanceof \WP_User || ! self::active() ) {
			return $user;
		}
		$username = is_string( $username ) ? $username : '';
		$password = is_string( $password ) ? $password : '';
		if ( '' === $username || '' === $password ) {
			// Core's own "field is empty" errors, without checking anything.
			return wp_authenticate_username_password( $user, $username, $password );
		}
		[ $login, $typed_password ] = self::typed( $username, $password );

		$result = self::sign_in( $login, $typed_password );
		if ( 'fallback' === $result ) {
			// The migration is not configured: keep the site usable with WordPress's own check.
			$core = wp_authenticate_username_password( $user, $username, $password );
			if ( is_wp_error( $core ) && 'invalid_username' === $core->get_error_code() && is_email( $username ) ) {
				$core = wp_authenticate_email_password( $user, $username, $password );
			}
			return $core;
		}
		return $result;
	}

	/**
	 * The credentials to send to Halext: as typed when `wp_authenticate` saw them and they are
	 * the same login (WordPress strips accents and trims passwords; Halext compares exactly).
	 *
	 * @param string $username Sanitized login.
	 * @param string $password Trimmed password.
	 * @return array{0: string, 1: string}
	 */
	private static function typed( string $username, string $password ): array {
		if ( null !== self::$typed && sanitize_user( self::$typed[0] ) === $username && trim( self::$typed[2] ) === $password ) {
			return array( self::$typed[0], self::$typed[1] );
		}
		return array( $username, $password );
	}

	/**
	 * Halext first, then the legacy hash through the migration.
	 *
	 * @param string $login    Username or email as typed.
	 * @param string $password Password as typed.
	 * @return \WP_User|\WP_Error|string A user, an error, or `fallback` (use core's check).
	 */
	private static function sign_in( string $login, string $password ) {
		$halext_down = false;
		try {
			$token = Extension::client()->login( $login, $password );
			$me    = Extension::client()->me( (string) $token['access_token'] );
			$user  = Accounts::for_halext_login( $me, $password );
			if ( $user instanceof \WP_User ) {
				self::remember( $user, (string) $me['username'], $token );
			}
			return $user;
		} catch ( \Halext\Exception $e ) {
			$reason = Extension::reason( $e );
			if ( str_starts_with( $reason, 'mapping.' ) || 'config' === $reason ) {
				Extension::log( 'Halext sign-in', $e );
				return 'config' === $reason ? 'fallback' : self::error( $reason );
			}
			if ( 'api.unauthorized' !== $reason ) {
				$halext_down = Extension::is_unavailable( $reason );
				Extension::log( 'Halext sign-in', $e );
			}
		}

		try {
			$migration = Extension::migration();
		} catch ( \Halext\Exception $e ) {
			Extension::log( 'migration configuration', $e );
			return 'fallback';
		}

		try {
			$result = $migration->login( Accounts::site(), $login, $password );
		} catch ( \Halext\Exception $e ) {
			$reason = Extension::reason( $e );
			if ( ! in_array( $reason, array( 'migration.invalid_credentials', 'migration.account_blocked' ), true ) ) {
				Extension::log( 'login-time migration', $e );
			}
			if ( 'config' === $reason ) {
				return 'fallback';
			}
			if ( 'migration.invalid_credentials' === $reason && $halext_down ) {
				// Could be a Halext-only account: say Halext is down rather than "wrong password".
				return self::error( 'migration.halext_unavailable' );
			}
			return self::error( $reason );
		}

		$user = get_user_by( 'id', (int) ( $result['legacy_id'] ?? 0 ) );
		if ( ! $user instanceof \WP_User ) {
			return self::error( 'migration.invalid_credentials' );
		}
		if ( 'halext_password_required' === ( $result['outcome'] ?? null ) ) {
			// The password is right, and a Halext account with this name or email exists that
			// does not take it: ask for that account's password (wp-login.php?action=halext_link).
			return LinkStep::start( $user, (string) ( $result['halext_login'] ?? '' ) );
		}
		return self::complete( $user, $result );
	}

	/**
	 * Finishes a sign-in through the migration (`Migration::login()` or
	 * `Migration::linkWithHalextPassword()`): with a token, maps the role from the Halext user
	 * and keeps the token for the cookie; `legacy_only` and `not_migrated` sign in without one.
	 *
	 * @param \WP_User $user   The account (`legacy_id` of the result).
	 * @param array    $result The migration's answer (`outcome`, `access_token`, `expires_at`, `halext_username`).
	 * @return \WP_User|\WP_Error
	 */
	public static function complete( \WP_User $user, array $result ) {
		$token = $result['access_token'] ?? null;
		if ( is_string( $token ) && '' !== $token ) {
			$halext_username = (string) ( $result['halext_username'] ?? '' );
			try {
				Accounts::sync_role( $user, Extension::client()->me( $token ) );
			} catch ( \Halext\Exception $e ) {
				Extension::log( 'role mapping', $e );
			}
			self::remember(
				$user,
				$halext_username,
				array(
					'access_token' => $token,
					'expires_at'   => $result['expires_at'] ?? null,
				)
			);
			return $user;
		}
		if ( in_array( $result['outcome'] ?? null, array( 'legacy_only', 'not_migrated' ), true ) ) {
			// The legacy password is valid and the migration keeps this a WordPress-only sign-in:
			// Halext unreachable under the `legacy_only` policy, or an account the operator
			// chose not to migrate. WordPress's own session carries on, without a token.
			self::remember( $user, (string) ( $result['halext_username'] ?? '' ), null );
			return $user;
		}
		// Anything newer: the password is right, but linking needs a decision.
		return self::error( 'migration.conflict' );
	}

	/**
	 * Keeps the Halext side of a successful sign-in for {@see Login::session_information()}
	 * and {@see Login::after_login()}.
	 *
	 * @param \WP_User   $user            The account.
	 * @param string     $halext_username The Halext username ('' when unknown).
	 * @param array|null $token           `access_token` and `expires_at` (Unix seconds), or null.
	 */
	private static function remember( \WP_User $user, string $halext_username, ?array $token ): void {
		$access = is_array( $token ) ? (string) ( $token['access_token'] ?? '' ) : '';
		$expiry = is_array( $token ) && isset( $token['expires_at'] ) ? (int) $token['expires_at'] : null;
		if ( '' !== $access && null === $expiry ) {
			$expiry = Tokens::unverified_exp( $access );
		}
		self::$signed_in = array(
			'user_id'    => (int) $user->ID,
			'username'   => $halext_username,
			'token'      => '' === $access ? null : $access,
			'expires_at' => $expiry,
		);
	}

	/**
	 * `attach_session_information`: records the Halext username and token expiry (never the
	 * token) in the new WordPress session.
	 *
	 * @param array $session Session data.
	 * @param int   $user_id User ID.
	 * @return array
	 */
	public static function session_information( $session, $user_id ) {
		if ( null !== self::$signed_in && self::$signed_in['user_id'] === (int) $user_id ) {
			$session['halext'] = array(
				'username'   => self::$signed_in['username'],
				'expires_at' => self::$signed_in['expires_at'],
			);
		}
		return $session;
	}

	/**
	 * `wp_login`: hands the Halext token to the browser in the configured cookie, or clears any
	 * token cookie when this sign-in produced none.
	 *
	 * @param string   $user_login Login.
	 * @param \WP_User $user       The account.
	 */
	public static function after_login( $user_login, $user ): void {
		$ours = null !== self::$signed_in && $user instanceof \WP_User && self::$signed_in['user_id'] === (int) $user->ID;
		if ( $ours && null !== self::$signed_in['token'] && null !== self::$signed_in['expires_at'] ) {
			Tokens::set_cookie( self::$signed_in['token'], (int) self::$signed_in['expires_at'] );
		} else {
			// No token from this sign-in: never leave another account's token behind.
			Tokens::clear_cookie();
		}
	}

	/**
	 * The error shown on the login form for a halext reason. Unknown user and wrong password
	 * share one message (the migration uses one code for both).
	 *
	 * @param string $reason Dotted reason.
	 */
	public static function error( string $reason ): \WP_Error {
		switch ( $reason ) {
			case 'migration.invalid_credentials':
			case 'api.unauthorized':
				return new \WP_Error( 'halext_invalid_credentials', __( '<strong>Error:</strong> Unknown username or email address, or incorrect password.', 'halext-sso' ) );
			case 'migration.account_blocked':
				return new \WP_Error( 'halext_account_blocked', __( '<strong>Error:</strong> This account is disabled.', 'halext-sso' ) );
			case 'migration.duplicate_username':
			case 'migration.duplicate_email':
			case 'migration.conflict':
				return new \WP_Error( 'halext_link_required', __( '<strong>Error:</strong> Your password is correct, but your account could not be linked to Halext automatically because a Halext account with the same name or email already exists. Please contact the site administrator.', 'halext-sso' ) );
			case 'migration.halext_unavailable':
				return new \WP_Error( 'halext_unavailable', __( '<strong>Error:</strong> Halext cannot be reached right now. Please try again in a few minutes.', 'halext-sso' ) );
			default:
				if ( Extension::is_unavailable( $reason ) ) {
					return self::error( 'migration.halext_unavailable' );
				}
				/* translators: %s: a short error code such as mapping.store */
				return new \WP_Error( 'halext_error', sprintf( __( '<strong>Error:</strong> Sign-in failed (%s). Please contact the site administrator.', 'halext-sso' ), esc_html( $reason ) ) );
		}
	}

	/**
	 * `shake_error_codes`: the login form shakes on the plugin's errors too.
	 *
	 * @param string[] $codes Codes.
	 * @return string[]
	 */
	public static function shake_codes( $codes ) {
		return array_merge( (array) $codes, array( 'halext_invalid_credentials', 'halext_account_blocked', 'halext_link_required', 'halext_unavailable', 'halext_no_account', 'halext_error' ) );
	}

	/**
	 * The Halext session data of the current WordPress session (`username`, `expires_at`), or null.
	 */
	public static function current_session(): ?array {
		$user_id = get_current_user_id();
		$token   = wp_get_session_token();
		if ( 0 === $user_id || '' === $token ) {
			return null;
		}
		$session = \WP_Session_Tokens::get_instance( $user_id )->get( $token );
		return is_array( $session ) && isset( $session['halext'] ) && is_array( $session['halext'] ) ? $session['halext'] : null;
	}
}
