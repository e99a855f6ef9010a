<?php
/**
 * The plugin's settings: one option array, its defaults and its sanitizer.
 *
 * Secrets (the Halext JWT secret, the registration access code) are never stored here: the
 * extension reads them from INI (`halext.*`) or the environment (`HALEXT_*`).
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Reads and validates the `halext_sso_settings` option.
 */
final class Settings {

	/** The option name (one array, autoloaded). */
	public const OPTION = 'halext_sso_settings';

	/** The Settings API group (`settings_fields()` / `options.php`). */
	public const GROUP = 'halext_sso';

	/**
	 * Per-request cache of the merged settings.
	 *
	 * @var array<string, mixed>|null
	 */
	private static ?array $cache = null;

	/**
	 * The defaults. Keys:
	 *
	 * - `login_enabled` (bool): sign in through Halext (then the legacy hash) instead of the core password check.
	 * - `site` (string): this site's name in the migration configuration (`[[site]] name`), default `wordpress`.
	 * - `config_path` (string): absolute path to `halext.toml`; empty = INI `halext.config` / env `HALEXT_CONFIG`.
	 * - `halext_url` (string): Halext base URL; empty = INI `halext.url` / env `HALEXT_URL`.
	 * - `create_users` (bool): create a WordPress account for a Halext user who has none.
	 * - `trust_email` (bool): link an existing WordPress account whose email matches without its password.
	 * - `registration` (bool): send new registrations through Halext.
	 * - `default_role` (string): role of accounts the plugin creates.
	 * - `admin_role` (string): extra role granted while the Halext account has `is_admin`; empty = none.
	 * - `bearer_enabled` (bool): accept `Authorization: Bearer <Halext token>`.
	 * - `cookie_name` (string): cookie that carries the Halext token (set at login, read on requests); empty = off.
	 *
	 * @return array<string, mixed>
	 */
	public static function defaults(): array {
		$default_role = (string) get_option( 'default_role', 'subscriber' );
		if ( 'administrator' === $default_role || '' === $default_role ) {
			$default_role = 'subscriber';
		}
		return array(
			'login_enabled'  => true,
			'site'           => 'wordpress',
			'config_path'    => '',
			'halext_url'     => '',
			'create_users'   => true,
			'trust_email'    => false,
			'registration'   => false,
			'default_role'   => $default_role,
			'admin_role'     => '',
			'bearer_enabled' => true,
			'cookie_name'    => 'halext_token',
		);
	}

	/**
	 * All settings, stored values over defaults.
	 *
	 * @return array<string, mixed>
	 */
	public static function all(): array {
		if ( null === self::$cache ) {
			$stored      = get_option( self::OPTION, array() );
			self::$cache = array_merge( self::defaults(), is_array( $stored ) ? $stored : array() );
		}
		return self::$cache;
	}

	/**
	 * One setting.
	 *
	 * @param string $key A key of {@see Settings::defaults()}.
	 * @return mixed
	 */
	public static function get( string $key ) {
		$all = self::all();
		return $all[ $key ] ?? null;
	}

	/** Forgets the per-request cache (after the option changes). */
	public static function flush(): void {
		self::$cache = null;
	}

	/**
	 * The Settings API sanitize callback: returns a complete, valid settings array.
	 *
	 * An invalid value keeps the previous one and adds a settings error shown above the form.
	 * Checkboxes absent from the POST mean "off".
	 *
	 * @param mixed $input The submitted `halext_sso_settings` array.
	 * @return array<string, mixed>
	 */
	public static function sanitize( $input ): array {
		$old   = self::all();
		$input = is_array( $input ) ? $input : array();
		$out   = array();

		foreach ( array( 'login_enabled', 'create_users', 'trust_email', 'registration', 'bearer_enabled' ) as $flag ) {
			$out[ $flag ] = ! empty( $input[ $flag ] );
		}

		$site = isset( $input['site'] ) ? trim( (string) $input['site'] ) : $old['site'];
		if ( 1 === preg_match( '/^[A-Za-z0-9_.-]{1,64}$/', $site ) ) {
			$out['site'] = $site;
		} else {
			$out['site'] = $old['site'];
			self::error( 'site', __( 'The site name may only contain letters, digits, dots, dashes and underscores (at most 64).', 'halext-sso' ) );
		}

		$path = isset( $input['config_path'] ) ? trim( sanitize_text_field( (string) $input['config_path'] ) ) : '';
		if ( '' === $path || str_starts_with( $path, '/' ) ) {
			$out['config_path'] = $path;
			if ( '' !== $path && ! is_readable( $path ) ) {
				self::error( 'config_path', __( 'The configuration file is not readable by the web server; saved anyway.', 'halext-sso' ), 'warning' );
			}
		} else {
			$out['config_path'] = $old['config_path'];
			self::error( 'config_path', __( 'The configuration file must be an absolute path.', 'halext-sso' ) );
		}

		$url = isset( $input['halext_url'] ) ? trim( (string) $input['halext_url'] ) : '';
		if ( '' === $url ) {
			$out['halext_url'] = '';
		} else {
			$clean = esc_url_raw( $url, array( 'http', 'https' ) );
			$host  = '' === $clean ? null : wp_parse_url( $clean, PHP_URL_HOST );
			if ( is_string( $host ) && '' !== $host && $clean === $url ) {
				$out['halext_url'] = untrailingslashit( $clean );
			} else {
				$out['halext_url'] = $old['halext_url'];
				self::error( 'halext_url', __( 'The Halext URL must be an http or https URL.', 'halext-sso' ) );
			}
		}

		$roles        = wp_roles();
		$default_role = isset( $input['default_role'] ) ? sanitize_key( (string) $input['default_role'] ) : $old['default_role'];
		if ( 'administrator' === $default_role ) {
			$out['default_role'] = $old['default_role'];
			self::error( 'default_role', __( 'New accounts cannot get the Administrator role by default. Use the role for Halext administrators instead.', 'halext-sso' ) );
		} elseif ( $roles->is_role( $default_role ) ) {
			$out['default_role'] = $default_role;
		} else {
			$out['default_role'] = $old['default_role'];
			self::error( 'default_role', __( 'Unknown role.', 'halext-sso' ) );
		}

		$admin_role = isset( $input['admin_role'] ) ? sanitize_key( (string) $input['admin_role'] ) : '';
		if ( '' === $admin_role || $roles->is_role( $admin_role ) ) {
			$out['admin_role'] = $admin_role;
		} else {
			$out['admin_role'] = $old['admin_role'];
			self::error( 'admin_role', __( 'Unknown role.', 'halext-sso' ) );
		}

		$cookie = isset( $input['cookie_name'] ) ? trim( (string) $input['cookie_name'] ) : '';
		if ( 1 === preg_match( '/^[A-Za-z0-9_-]{0,64}$/', $cookie ) && ! str_starts_with( $cookie, 'wordpress' ) && ! str_starts_with( $cookie, 'wp-' ) ) {
			$out['cookie_name'] = $cookie;
		} else {
			$out['cookie_name'] = $old['cookie_name'];
			self::error( 'cookie_name', __( 'The cookie name may only contain letters, digits, dashes and underscores, and must not start with "wordpress" or "wp-".', 'halext-sso' ) );
		}

		self::flush();
		return $out;
	}

	/**
	 * Adds a settings error for one field.
	 *
	 * @param string $field   The field key (used in the error code).
	 * @param string $message Translated message.
	 * @param string $type    `error` or `warning`.
	 */
	private static function error( string $field, string $message, string $type = 'error' ): void {
		if ( function_exists( 'add_settings_error' ) ) {
			add_settings_error( self::OPTION, 'halext_sso_' . $field, $message, $type );
		}
	}
}
