<?php
/**
 * Registration through Halext (when the `registration` setting is on).
 *
 * The form gets a password field (Halext accounts need one; WordPress's form has none). After
 * WordPress's own checks pass, `Migration::register()` creates the Halext account first
 * (never with `is_admin`); a duplicate username or email is shown as WordPress's usual
 * "already registered" error. WordPress then creates its user and the plugin links it
 * (`Migration::link(..., 'registration')`). While gating is on and the extension is missing,
 * registration is refused rather than creating accounts Halext does not know.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Gated registration.
 */
final class Registration {

	/** Field name of the password on the registration form. */
	public const FIELD = 'halext_password';

	/**
	 * The Halext account created in this request: WordPress login => Halext username.
	 *
	 * @var array<string, string>
	 */
	private static array $created = array();

	/** Hooks (only while gating is on). */
	public static function register(): void {
		if ( ! (bool) Settings::get( 'registration' ) ) {
			return;
		}
		add_action( 'register_form', array( self::class, 'form_fields' ) );
		add_filter( 'registration_errors', array( self::class, 'check' ), 20, 3 );
		add_action( 'register_new_user', array( self::class, 'link' ), 5 );
	}

	/** The password field on wp-login.php?action=register. */
	public static function form_fields(): void {
		?>
		<p>
			<label for="halext_password"><?php esc_html_e( 'Password', 'halext-sso' ); ?></label>
			<input type="password" name="<?php echo esc_attr( self::FIELD ); ?>" id="halext_password" class="input" value="" size="25" autocomplete="new-password" required />
		</p>
		<p class="description"><?php esc_html_e( 'Your account is created on Halext: use this password to sign in here and on the other Halext sites.', 'halext-sso' ); ?></p>
		<?php
	}

	/**
	 * `registration_errors` (priority 20): registers on Halext once WordPress's checks pass.
	 *
	 * @param \WP_Error $errors     Errors so far.
	 * @param string    $login      Sanitized login.
	 * @param string    $email      Email.
	 * @return \WP_Error
	 */
	public static function check( $errors, $login, $email ) {
		if ( ! $errors instanceof \WP_Error || $errors->has_errors() ) {
			return $errors;
		}
		if ( ! Extension::ready() ) {
			$errors->add( 'halext_registration_unavailable', __( '<strong>Error:</strong> Registration is temporarily unavailable. Please try again later.', 'halext-sso' ) );
			return $errors;
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Missing, WordPress.Security.ValidatedSanitizedInput -- core's registration form has no nonce; passwords are not sanitized.
		$password = isset( $_POST[ self::FIELD ] ) && is_string( $_POST[ self::FIELD ] ) ? wp_unslash( $_POST[ self::FIELD ] ) : '';
		/**
		 * Filters the minimum password length for registration through Halext (characters).
		 *
		 * @param int $length Default 8.
		 */
		$min = (int) apply_filters( 'halext_sso_min_password_length', 8 );
		if ( mb_strlen( $password ) < $min ) {
			/* translators: %d: minimum number of characters */
			$errors->add( 'halext_password', sprintf( __( '<strong>Error:</strong> Please choose a password of at least %d characters.', 'halext-sso' ), $min ) );
			return $errors;
		}

		try {
			$user = Extension::migration()->register(
				Accounts::site(),
				array(
					'username' => (string) $login,
					'email'    => (string) $email,
					'password' => $password,
				)
			);
			self::$created[ (string) $login ] = (string) ( $user['username'] ?? $login );
		} catch ( \Halext\Exception $e ) {
			$reason = Extension::reason( $e );
			switch ( $reason ) {
				case 'migration.duplicate_username':
					// WordPress's own message for a taken username.
					$errors->add( 'username_exists', __( '<strong>Error:</strong> This username is already registered. Please choose another one.' ) ); // phpcs:ignore WordPress.WP.I18n.MissingArgDomain -- core's string on purpose.
					break;
				case 'migration.duplicate_email':
					$errors->add( 'email_exists', __( '<strong>Error:</strong> This email address is already registered. Please choose another one.' ) ); // phpcs:ignore WordPress.WP.I18n.MissingArgDomain -- core's string on purpose.
					break;
				default:
					Extension::log( 'registration', $e );
					$errors->add( 'halext_registration_failed', Login::error( $reason )->get_error_message() );
			}
		}
		return $errors;
	}

	/**
	 * `register_new_user` (priority 5): links the new WordPress user to the Halext account made
	 * for it, and replaces WordPress's notifications (priority 10), whose "set your password" link
	 * makes no sense for an account that signs in with the password it just chose on Halext.
	 *
	 * @param int $user_id The new user.
	 */
	public static function link( $user_id ): void {
		$user = get_user_by( 'id', (int) $user_id );
		if ( ! $user instanceof \WP_User || ! isset( self::$created[ $user->user_login ] ) ) {
			return;
		}
		$halext_username = self::$created[ $user->user_login ];
		try {
			Extension::migration()->link( Accounts::site(), (int) $user->ID, $halext_username, 'registration' );
		} catch ( \Halext\Exception $e ) {
			// Both accounts exist; an operator can link them (`halext migrate link`).
			Extension::log( 'linking a new registration', $e );
		}
		remove_action( 'register_new_user', 'wp_send_new_user_notifications' );
		wp_new_user_notification( $user->ID, null, 'admin' );
		self::welcome( $user );
	}

	/**
	 * The welcome email: the username and the login URL, no password link.
	 *
	 * @param \WP_User $user The new user.
	 */
	private static function welcome( \WP_User $user ): void {
		$blogname = wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES );
		/* translators: %s: site title */
		$subject = sprintf( __( '[%s] Your account', 'halext-sso' ), $blogname );
		/* translators: 1: site title, 2: username, 3: login URL */
		$message = sprintf( __( "Welcome to %1\$s.\n\nUsername: %2\$s\nSign in with the password you chose (your Halext password):\n%3\$s\n", 'halext-sso' ), $blogname, $user->user_login, wp_login_url() );
		wp_mail( $user->user_email, $subject, $message );
	}
}
