<?php
/**
 * The second step of a login-time migration: "you already have a Halext account, enter its
 * password" (`wp-login.php?action=halext_link`).
 *
 * `Migration::login()` answers `halext_password_required` when the legacy password is right but
 * the Halext account it would create already exists (same username or email) and does not take
 * that password (docs/migration.md §1.5). Nothing was overwritten; the person proves the Halext
 * account is theirs with its password, and `Migration::linkWithHalextPassword()` links the two
 * and returns a token (outcome `linked_existing`).
 *
 * State between the two steps: a random ticket in an HttpOnly, SameSite=Strict cookie, naming a
 * transient (`halext_sso_link_<sha256 of the ticket>`) with the WordPress user ID, the Halext
 * login to ask for, the "remember me" choice, the redirect and the number of attempts. The
 * transient lives 10 minutes and allows 5 wrong Halext passwords; it is what proves that the
 * WordPress password was checked in this browser. No password is stored.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * `wp-login.php?action=halext_link`.
 */
final class LinkStep {

	/** The wp-login.php action. */
	public const ACTION = 'halext_link';

	/** The cookie holding the ticket. */
	public const COOKIE = 'halext_sso_link';

	/** Seconds a ticket is valid. */
	public const TTL = 600;

	/** Wrong Halext passwords allowed per ticket. */
	public const MAX_ATTEMPTS = 5;

	/** Form field of the Halext password. */
	public const FIELD = 'halext_link_password';

	/** Hooks. */
	public static function register(): void {
		add_action( 'login_form_' . self::ACTION, array( self::class, 'handle' ) );
	}

	/**
	 * Starts the step after `halext_password_required`: stores the ticket, sets its cookie and
	 * sends the browser to the step's form (then exits). Outside wp-login.php (XML-RPC, REST,
	 * a programmatic `wp_signon()`), where no form can be shown, returns the "could not be
	 * linked automatically" error instead.
	 *
	 * @param \WP_User $user         The WordPress account whose legacy password was verified.
	 * @param string   $halext_login The existing Halext account (username or email) to ask for.
	 * @return \WP_Error Only when the step cannot be shown.
	 */
	public static function start( \WP_User $user, string $halext_login ): \WP_Error {
		if ( ! did_action( 'login_init' ) || headers_sent() || '' === $halext_login ) {
			return Login::error( 'migration.conflict' );
		}
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- wp-login.php's form has no nonce.
		$redirect_to = isset( $_REQUEST['redirect_to'] ) && is_string( $_REQUEST['redirect_to'] ) ? wp_unslash( $_REQUEST['redirect_to'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- validated by wp_validate_redirect() when used.
		$remember    = ! empty( $_POST['rememberme'] );
		// phpcs:enable WordPress.Security.NonceVerification.Missing
		$ticket = wp_generate_password( 40, false, false );
		set_transient(
			self::transient( $ticket ),
			array(
				'user_id'      => (int) $user->ID,
				'halext_login' => $halext_login,
				'remember'     => $remember,
				'redirect_to'  => $redirect_to,
				'attempts'     => 0,
			),
			self::TTL
		);
		self::set_cookie( $ticket, time() + self::TTL );
		wp_safe_redirect( self::url() );
		exit;
	}

	/**
	 * `login_form_halext_link`: shows the form (GET) or checks the Halext password (POST).
	 * Always ends the request.
	 */
	public static function handle(): void {
		[ $ticket, $pending ] = self::pending();
		if ( ! Login::active() ) {
			self::finish( $ticket );
			self::render( null, new \WP_Error( 'halext_link_off', __( '<strong>Error:</strong> Sign-in through Halext is not available right now. Please sign in again.', 'halext-sso' ) ) );
		}
		if ( null === $pending ) {
			self::clear_cookie();
			self::render( null, new \WP_Error( 'halext_link_expired', __( '<strong>Error:</strong> This sign-in step has expired. Please sign in again.', 'halext-sso' ) ) );
		}
		if ( 'POST' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) ) { // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- compared only.
			self::render( $pending, null );
		}
		if ( ! isset( $_POST['_wpnonce'] ) || ! wp_verify_nonce( sanitize_key( wp_unslash( $_POST['_wpnonce'] ) ), self::ACTION ) ) {
			self::render( $pending, new \WP_Error( 'halext_link_nonce', __( '<strong>Error:</strong> The form expired. Please enter the password again.', 'halext-sso' ) ) );
		}
		$password = isset( $_POST[ self::FIELD ] ) && is_string( $_POST[ self::FIELD ] ) ? wp_unslash( $_POST[ self::FIELD ] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- passwords are not sanitized.
		if ( '' === $password ) {
			self::render( $pending, new \WP_Error( 'empty_password', __( '<strong>Error:</strong> The password field is empty.' ) ) ); // phpcs:ignore WordPress.WP.I18n.MissingArgDomain -- core's string on purpose.
		}
		$user = get_user_by( 'id', (int) $pending['user_id'] );
		if ( ! $user instanceof \WP_User ) {
			self::finish( $ticket );
			self::render( null, Login::error( 'migration.invalid_credentials' ) );
		}

		try {
			$result = Extension::migration()->linkWithHalextPassword( Accounts::site(), (int) $user->ID, (string) $pending['halext_login'], $password );
		} catch ( \Halext\Exception $e ) {
			$reason = Extension::reason( $e );
			if ( 'migration.invalid_credentials' === $reason ) {
				++$pending['attempts'];
				if ( $pending['attempts'] >= self::MAX_ATTEMPTS ) {
					self::finish( $ticket );
					self::render( null, new \WP_Error( 'halext_link_attempts', __( '<strong>Error:</strong> Too many wrong passwords. Please sign in again.', 'halext-sso' ) ) );
				}
				set_transient( self::transient( $ticket ), $pending, self::TTL );
				self::render( $pending, new \WP_Error( 'halext_link_password', __( '<strong>Error:</strong> That is not the password of this Halext account.', 'halext-sso' ) ) );
			}
			Extension::log( 'linking an existing Halext account', $e );
			if ( ! Extension::is_unavailable( $reason ) ) {
				self::finish( $ticket ); // A conflict or a store failure: retrying this step will not help.
			}
			self::render( Extension::is_unavailable( $reason ) ? $pending : null, Login::error( $reason ) );
		}

		self::finish( $ticket );
		$signed_in = Login::complete( $user, $result );
		if ( ! $signed_in instanceof \WP_User ) {
			self::render( null, $signed_in );
		}
		wp_set_auth_cookie( $signed_in->ID, (bool) $pending['remember'], is_ssl() );
		/** This action is documented in wp-includes/user.php */
		do_action( 'wp_login', $signed_in->user_login, $signed_in );
		$requested = (string) $pending['redirect_to'];
		$redirect  = apply_filters( 'login_redirect', '' !== $requested ? $requested : admin_url(), $requested, $signed_in ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals -- core's filter.
		wp_safe_redirect( wp_validate_redirect( (string) $redirect, admin_url() ) );
		exit;
	}

	/**
	 * The form, or only an error with a way back when `$pending` is null. Ends the request.
	 *
	 * @param array|null     $pending The ticket's data.
	 * @param \WP_Error|null $error   What went wrong.
	 */
	private static function render( ?array $pending, ?\WP_Error $error ): never {
		nocache_headers();
		$intro = null === $pending ? '' : sprintf(
			'<p class="message halext-sso-link-intro">%s</p>',
			sprintf(
				/* translators: %s: Halext username or email address */
				esc_html__( 'Your password for this site is correct. You already have a Halext account, %s: enter its password to connect the two accounts. From then on, sign in with your Halext password.', 'halext-sso' ),
				'<strong>' . esc_html( (string) $pending['halext_login'] ) . '</strong>'
			)
		);
		login_header( __( 'Connect your Halext account', 'halext-sso' ), $intro, $error );
		if ( null === $pending ) {
			printf( '<p id="nav"><a href="%s">%s</a></p>', esc_url( wp_login_url() ), esc_html__( 'Sign in again', 'halext-sso' ) );
			login_footer();
			exit;
		}
		?>
		<form name="halext_link" id="halext-link-form" action="<?php echo esc_url( self::url() ); ?>" method="post">
			<p>
				<label for="<?php echo esc_attr( self::FIELD ); ?>"><?php esc_html_e( 'Halext password', 'halext-sso' ); ?></label>
				<input type="password" name="<?php echo esc_attr( self::FIELD ); ?>" id="<?php echo esc_attr( self::FIELD ); ?>" class="input" value="" size="20" autocomplete="current-password" required />
			</p>
			<?php wp_nonce_field( self::ACTION ); ?>
			<p class="submit">
				<input type="submit" name="wp-submit" id="wp-submit" class="button button-primary button-large" value="<?php esc_attr_e( 'Connect and sign in', 'halext-sso' ); ?>" />
			</p>
		</form>
		<p id="nav"><a href="<?php echo esc_url( wp_login_url() ); ?>"><?php esc_html_e( 'Cancel', 'halext-sso' ); ?></a></p>
		<?php
		login_footer( self::FIELD );
		exit;
	}

	/**
	 * The ticket from the cookie and its data, or `[null, null]`.
	 *
	 * @return array{0: string|null, 1: array|null}
	 */
	private static function pending(): array {
		$ticket = isset( $_COOKIE[ self::COOKIE ] ) && is_string( $_COOKIE[ self::COOKIE ] ) ? wp_unslash( $_COOKIE[ self::COOKIE ] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- validated below.
		if ( 1 !== preg_match( '/^[A-Za-z0-9]{40}$/', $ticket ) ) {
			return array( null, null );
		}
		$data = get_transient( self::transient( $ticket ) );
		if ( ! is_array( $data ) || empty( $data['user_id'] ) || ! isset( $data['halext_login'], $data['attempts'] ) ) {
			return array( null, null );
		}
		return array( $ticket, $data );
	}

	/**
	 * Ends a ticket: deletes its transient and the cookie.
	 *
	 * @param string|null $ticket The ticket.
	 */
	private static function finish( ?string $ticket ): void {
		if ( null !== $ticket ) {
			delete_transient( self::transient( $ticket ) );
		}
		self::clear_cookie();
	}

	/**
	 * The transient name of a ticket (the ticket itself is never stored).
	 *
	 * @param string $ticket The ticket.
	 */
	private static function transient( string $ticket ): string {
		return 'halext_sso_link_' . substr( hash( 'sha256', $ticket ), 0, 40 );
	}

	/** The step's URL. */
	private static function url(): string {
		return add_query_arg( 'action', self::ACTION, wp_login_url() );
	}

	/**
	 * Sets the ticket cookie (HttpOnly, SameSite=Strict, Secure on HTTPS) for wp-login.php.
	 *
	 * @param string $value   The ticket.
	 * @param int    $expires Unix seconds.
	 */
	private static function set_cookie( string $value, int $expires ): void {
		setcookie(
			self::COOKIE,
			$value,
			array(
				'expires'  => $expires,
				'path'     => SITECOOKIEPATH ? SITECOOKIEPATH : '/',
				'domain'   => COOKIE_DOMAIN ? COOKIE_DOMAIN : '',
				'secure'   => is_ssl(),
				'httponly' => true,
				'samesite' => 'Strict',
			)
		);
	}

	/** Expires the ticket cookie. */
	private static function clear_cookie(): void {
		if ( isset( $_COOKIE[ self::COOKIE ] ) && ! headers_sent() ) {
			self::set_cookie( '', time() - YEAR_IN_SECONDS );
			unset( $_COOKIE[ self::COOKIE ] );
		}
	}
}
