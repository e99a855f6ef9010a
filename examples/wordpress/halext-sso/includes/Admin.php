<?php
/**
 * wp-admin: the settings page (Settings → Halext SSO, Settings API, `manage_options`), the
 * notice shown when the extension is not loaded, the Plugins-screen link and the Users column.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Admin screens.
 */
final class Admin {

	/** Menu slug of the settings page (`options-general.php?page=halext-sso`). */
	public const PAGE = 'halext-sso';

	/** Capability needed to see and save the settings. */
	public const CAPABILITY = 'manage_options';

	/** Hooks. */
	public static function register(): void {
		add_action( 'admin_menu', array( self::class, 'menu' ) );
		add_action( 'admin_init', array( self::class, 'settings' ) );
		add_action( 'admin_notices', array( self::class, 'notices' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( HALEXT_SSO_FILE ), array( self::class, 'action_links' ) );
		add_filter( 'manage_users_columns', array( self::class, 'users_column' ) );
		add_filter( 'manage_users_custom_column', array( self::class, 'users_column_value' ), 10, 3 );
		add_action( 'update_option_' . Settings::OPTION, array( Settings::class, 'flush' ) );
	}

	/** Settings → Halext SSO. */
	public static function menu(): void {
		add_options_page(
			__( 'Halext SSO', 'halext-sso' ),
			__( 'Halext SSO', 'halext-sso' ),
			self::CAPABILITY,
			self::PAGE,
			array( self::class, 'render_page' )
		);
	}

	/** Registers the option, its sections and its fields with the Settings API. */
	public static function settings(): void {
		register_setting(
			Settings::GROUP,
			Settings::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( Settings::class, 'sanitize' ),
				'default'           => Settings::defaults(),
				'show_in_rest'      => false,
			)
		);

		add_settings_section( 'halext_sso_login', __( 'Sign-in', 'halext-sso' ), array( self::class, 'section_login' ), self::PAGE );
		self::checkbox( 'login_enabled', __( 'Sign in through Halext', 'halext-sso' ), __( 'Check Halext credentials first, then migrate legacy WordPress passwords to Halext at the next login.', 'halext-sso' ), 'halext_sso_login' );
		self::text( 'site', __( 'Site name', 'halext-sso' ), __( 'This site\'s name in the migration configuration (the [[site]] entry for this WordPress).', 'halext-sso' ), 'halext_sso_login' );
		self::text( 'config_path', __( 'Configuration file', 'halext-sso' ), __( 'Absolute path to halext.toml (legacy site and mapping database). Empty: the extension\'s halext.config INI setting or the HALEXT_CONFIG environment variable.', 'halext-sso' ), 'halext_sso_login', 'regular-text code' );
		self::text( 'halext_url', __( 'Halext URL', 'halext-sso' ), __( 'For example https://org.halext.org/api. Empty: the extension\'s halext.url INI setting or HALEXT_URL.', 'halext-sso' ), 'halext_sso_login', 'regular-text code', 'url' );

		add_settings_section( 'halext_sso_accounts', __( 'Accounts and roles', 'halext-sso' ), array( self::class, 'section_accounts' ), self::PAGE );
		self::checkbox( 'create_users', __( 'Create accounts', 'halext-sso' ), __( 'Create a WordPress account for a Halext user who has none here.', 'halext-sso' ), 'halext_sso_accounts' );
		self::checkbox( 'trust_email', __( 'Trust email addresses', 'halext-sso' ), __( 'Link an existing account whose email matches the Halext account without asking for its WordPress password. Only safe if every Halext and WordPress email address is verified: otherwise anyone can take over an account by registering its email address.', 'halext-sso' ), 'halext_sso_accounts' );
		self::role( 'default_role', __( 'Role of new accounts', 'halext-sso' ), __( 'Administrator is not allowed here.', 'halext-sso' ), false );
		self::role( 'admin_role', __( 'Role for Halext administrators', 'halext-sso' ), __( 'Granted while the Halext account has is_admin, removed when it loses it. "No extra role" means Halext administrators get no more rights here than anyone else.', 'halext-sso' ), true );

		add_settings_section( 'halext_sso_registration', __( 'Registration', 'halext-sso' ), array( self::class, 'section_registration' ), self::PAGE );
		self::checkbox( 'registration', __( 'Register through Halext', 'halext-sso' ), __( 'New accounts are created on Halext first (with a password chosen on the form); duplicates are refused.', 'halext-sso' ), 'halext_sso_registration' );

		add_settings_section( 'halext_sso_tokens', __( 'Token requests', 'halext-sso' ), array( self::class, 'section_tokens' ), self::PAGE );
		self::checkbox( 'bearer_enabled', __( 'Bearer tokens', 'halext-sso' ), __( 'Authenticate requests that send Authorization: Bearer <Halext token>.', 'halext-sso' ), 'halext_sso_tokens' );
		self::text( 'cookie_name', __( 'Token cookie', 'halext-sso' ), __( 'Cookie that carries the Halext token: set at sign-in (HttpOnly, SameSite=Lax), read on requests, cleared at sign-out. Empty: no cookie.', 'halext-sso' ), 'halext_sso_tokens', 'regular-text code' );
	}

	/** Intro of the Sign-in section. */
	public static function section_login(): void {
		echo '<p>' . esc_html__( 'Secrets (the Halext JWT secret and the registration access code) are not stored in WordPress: set them in the extension\'s INI settings or environment.', 'halext-sso' ) . '</p>';
	}

	/** Intro of the Accounts section. */
	public static function section_accounts(): void {
		echo '<p>' . esc_html__( 'An existing account is linked to a Halext account when the password typed at sign-in is also that account\'s WordPress password.', 'halext-sso' ) . '</p>';
	}

	/** Intro of the Registration section. */
	public static function section_registration(): void {
		if ( ! get_option( 'users_can_register' ) ) {
			echo '<p>' . esc_html__( 'Registration is currently closed in Settings > General ("Anyone can register").', 'halext-sso' ) . '</p>';
		}
	}

	/** Intro of the Token requests section. */
	public static function section_tokens(): void {
		echo '<p>' . esc_html__( 'REST requests authenticated by the cookie need the usual wp_rest nonce, like WordPress\'s own cookie.', 'halext-sso' ) . '</p>';
	}

	/**
	 * Adds a checkbox field.
	 *
	 * @param string $key     Setting key.
	 * @param string $label   Field title.
	 * @param string $help    Text after the box.
	 * @param string $section Section id.
	 */
	private static function checkbox( string $key, string $label, string $help, string $section ): void {
		add_settings_field(
			'halext_sso_' . $key,
			$label,
			static function () use ( $key, $help ) {
				printf(
					'<label for="halext_sso_%1$s"><input type="checkbox" id="halext_sso_%1$s" name="%2$s[%1$s]" value="1" %3$s /> %4$s</label>',
					esc_attr( $key ),
					esc_attr( Settings::OPTION ),
					checked( (bool) Settings::get( $key ), true, false ),
					esc_html( $help )
				);
			},
			self::PAGE,
			$section
		);
	}

	/**
	 * Adds a text field.
	 *
	 * @param string $key     Setting key.
	 * @param string $label   Field title.
	 * @param string $help    Description under the field.
	 * @param string $section Section id.
	 * @param string $class   Input CSS class.
	 * @param string $type    Input type.
	 */
	private static function text( string $key, string $label, string $help, string $section, string $class = 'regular-text', string $type = 'text' ): void {
		add_settings_field(
			'halext_sso_' . $key,
			$label,
			static function () use ( $key, $help, $class, $type ) {
				printf(
					'<input type="%5$s" id="halext_sso_%1$s" name="%2$s[%1$s]" value="%3$s" class="%4$s" /><p class="description">%6$s</p>',
					esc_attr( $key ),
					esc_attr( Settings::OPTION ),
					esc_attr( (string) Settings::get( $key ) ),
					esc_attr( $class ),
					esc_attr( $type ),
					esc_html( $help )
				);
			},
			self::PAGE,
			$section,
			array( 'label_for' => 'halext_sso_' . $key )
		);
	}

	/**
	 * Adds a role drop-down.
	 *
	 * @param string $key        Setting key.
	 * @param string $label      Field title.
	 * @param string $help       Description.
	 * @param bool   $allow_none Offer "No extra role".
	 */
	private static function role( string $key, string $label, string $help, bool $allow_none ): void {
		add_settings_field(
			'halext_sso_' . $key,
			$label,
			static function () use ( $key, $help, $allow_none ) {
				printf( '<select id="halext_sso_%1$s" name="%2$s[%1$s]">', esc_attr( $key ), esc_attr( Settings::OPTION ) );
				if ( $allow_none ) {
					printf( '<option value="" %s>%s</option>', selected( (string) Settings::get( $key ), '', false ), esc_html__( 'No extra role', 'halext-sso' ) );
				}
				wp_dropdown_roles( (string) Settings::get( $key ) );
				echo '</select><p class="description">' . esc_html( $help ) . '</p>';
			},
			self::PAGE,
			'halext_sso_accounts',
			array( 'label_for' => 'halext_sso_' . $key )
		);
	}

	/** The settings page. */
	public static function render_page(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage these settings.', 'halext-sso' ), 403 );
		}
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'Halext SSO', 'halext-sso' ); ?></h1>
			<?php self::render_status(); ?>
			<form action="options.php" method="post" id="halext-sso-settings">
				<?php
				settings_fields( Settings::GROUP );
				do_settings_sections( self::PAGE );
				submit_button();
				?>
			</form>
		</div>
		<?php
	}

	/** The status table at the top of the settings page. */
	private static function render_status(): void {
		$rows = array();
		if ( Extension::loaded() ) {
			/* translators: %s: extension version */
			$rows[] = array( __( 'Extension', 'halext-sso' ), sprintf( __( 'loaded (version %s)', 'halext-sso' ), (string) Extension::version() ), 'ok' );
			$missing = Extension::missing();
			if ( array() !== $missing ) {
				/* translators: %s: list of PHP classes and functions */
				$rows[] = array( __( 'Bindings', 'halext-sso' ), sprintf( __( 'missing: %s', 'halext-sso' ), implode( ', ', $missing ) ), 'error' );
			}
		} else {
			$rows[] = array( __( 'Extension', 'halext-sso' ), __( 'not loaded', 'halext-sso' ), 'error' );
		}

		if ( Extension::ready() ) {
			try {
				$health = Extension::client()->health();
				/* translators: %s: status reported by Halext */
				$rows[] = array( __( 'Halext', 'halext-sso' ), sprintf( __( 'reachable (%s)', 'halext-sso' ), (string) ( $health['status'] ?? 'ok' ) ), 'ok' );
			} catch ( \Halext\Exception $e ) {
				/* translators: %s: error code */
				$rows[] = array( __( 'Halext', 'halext-sso' ), sprintf( __( 'not reachable (%s)', 'halext-sso' ), Extension::reason( $e ) ), 'error' );
			}
			try {
				Extension::migration();
				$rows[] = array( __( 'Migration', 'halext-sso' ), __( 'configured', 'halext-sso' ), 'ok' );
			} catch ( \Halext\Exception $e ) {
				/* translators: 1: error code, 2: message */
				$rows[] = array( __( 'Migration', 'halext-sso' ), sprintf( __( 'not configured (%1$s: %2$s); sign-in falls back to WordPress passwords', 'halext-sso' ), Extension::reason( $e ), $e->getMessage() ), 'error' );
			}
		}

		echo '<table class="widefat striped halext-sso-status" style="max-width:48em"><tbody>';
		foreach ( $rows as $row ) {
			printf(
				'<tr class="halext-sso-%3$s"><th scope="row" style="width:10em">%1$s</th><td>%2$s</td></tr>',
				esc_html( $row[0] ),
				esc_html( $row[1] ),
				esc_attr( $row[2] )
			);
		}
		echo '</tbody></table>';
	}

	/** The notice on every admin screen while the extension is missing or incomplete. */
	public static function notices(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		if ( ! Extension::loaded() ) {
			printf(
				'<div class="notice notice-error halext-sso-notice"><p><strong>%s</strong> %s</p></div>',
				esc_html__( 'Halext SSO:', 'halext-sso' ),
				esc_html__( 'the halext PHP extension is not loaded, so sign-in, registration and token requests use plain WordPress. Load it with extension=halext.so in this PHP\'s configuration (see docs/wordpress.md).', 'halext-sso' )
			);
			return;
		}
		$missing = Extension::missing();
		if ( array() !== $missing ) {
			printf(
				'<div class="notice notice-warning halext-sso-notice"><p><strong>%s</strong> %s</p></div>',
				esc_html__( 'Halext SSO:', 'halext-sso' ),
				/* translators: %s: list of PHP classes and functions */
				esc_html( sprintf( __( 'this build of the halext extension lacks %s; the plugin stays inactive until it is updated.', 'halext-sso' ), implode( ', ', $missing ) ) )
			);
		}
	}

	/**
	 * A "Settings" link on the Plugins screen.
	 *
	 * @param string[] $links Links.
	 * @return string[]
	 */
	public static function action_links( $links ) {
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		array_unshift( $links, sprintf( '<a href="%s">%s</a>', esc_url( $url ), esc_html__( 'Settings', 'halext-sso' ) ) );
		return $links;
	}

	/**
	 * Users screen: a "Halext account" column (only when the extension is ready).
	 *
	 * @param array<string, string> $columns Columns.
	 * @return array<string, string>
	 */
	public static function users_column( $columns ) {
		if ( Extension::ready() ) {
			$columns['halext_sso'] = __( 'Halext account', 'halext-sso' );
		}
		return $columns;
	}

	/**
	 * Value of the "Halext account" column.
	 *
	 * @param string $output  Output so far.
	 * @param string $column  Column name.
	 * @param int    $user_id User ID.
	 * @return string
	 */
	public static function users_column_value( $output, $column, $user_id ) {
		if ( 'halext_sso' !== $column ) {
			return $output;
		}
		try {
			$username = Accounts::halext_username( (int) $user_id );
		} catch ( \Halext\Exception $e ) {
			return esc_html( Extension::reason( $e ) );
		}
		return null === $username ? '—' : esc_html( $username );
	}
}
