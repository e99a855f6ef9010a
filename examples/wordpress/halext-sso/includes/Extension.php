<?php
/**
 * The one place that knows about the halext PHP extension: whether it is loaded, which of
 * its classes exist, and the per-process `Halext\Client` / `Halext\Migration` objects.
 *
 * The API used here is the extension's PHP surface (docs/php-api.md): `Halext\Client`,
 * `Halext\Migration`, `Halext\Password`, `halext_validate_token()` and the `Halext\*Exception`
 * classes whose `getReason()` returns a dotted code such as `api.unauthorized`.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Extension detection and the per-process Halext objects.
 */
final class Extension {

	/**
	 * What the plugin needs from the extension: classes and functions.
	 */
	private const REQUIRED_CLASSES   = array( 'Halext\\Client', 'Halext\\Migration', 'Halext\\Password', 'Halext\\Exception' );
	private const REQUIRED_FUNCTIONS = array( 'halext_version', 'halext_validate_token' );

	/**
	 * The client, reused by every request this PHP-FPM worker serves (the extension keeps
	 * its connections alive per process), with the options it was built from.
	 *
	 * @var array{0: string, 1: object}|null
	 */
	private static ?array $client = null;

	/**
	 * The migration object and the options it was built from.
	 *
	 * @var array{0: string, 1: object}|null
	 */
	private static ?array $migration = null;

	/** Whether the `halext` extension is loaded into this PHP. */
	public static function loaded(): bool {
		return extension_loaded( 'halext' );
	}

	/**
	 * The extension's version string, or null when it is not loaded.
	 */
	public static function version(): ?string {
		return function_exists( 'halext_version' ) ? (string) halext_version() : null;
	}

	/**
	 * The classes and functions the plugin needs that this build of the extension lacks.
	 *
	 * @return string[] Empty when everything is there.
	 */
	public static function missing(): array {
		$missing = array();
		foreach ( self::REQUIRED_CLASSES as $class ) {
			if ( ! class_exists( $class, false ) ) {
				$missing[] = $class;
			}
		}
		foreach ( self::REQUIRED_FUNCTIONS as $function ) {
			if ( ! function_exists( $function ) ) {
				$missing[] = $function . '()';
			}
		}
		return $missing;
	}

	/** Whether the extension is loaded and has everything the plugin uses (checked once per request). */
	public static function ready(): bool {
		static $ready = null;
		if ( null === $ready ) {
			$ready = self::loaded() && array() === self::missing();
		}
		return $ready;
	}

	/**
	 * The `Halext\Client` for this process.
	 *
	 * Options: `url` from the settings when set (else the extension's INI `halext.url` / env
	 * `HALEXT_URL`), filtered by `halext_sso_client_options`. The access code is never passed
	 * from WordPress: the extension reads it from INI or the environment.
	 *
	 * @return \Halext\Client
	 * @throws \Halext\Exception When the options are invalid (`Halext\ConfigException`).
	 */
	public static function client(): object {
		$options = array();
		$url     = (string) Settings::get( 'halext_url' );
		if ( '' !== $url ) {
			$options['url'] = $url;
		}
		/**
		 * Filters the options of the `Halext\Client` the plugin uses (`url`, `timeout_ms`,
		 * `connect_timeout_ms`, `retries`, `user_agent`, `proxy`, `ca_file`).
		 *
		 * @param array $options Client options.
		 */
		$options = (array) apply_filters( 'halext_sso_client_options', $options );
		$key     = md5( (string) wp_json_encode( $options ) );
		if ( null === self::$client || self::$client[0] !== $key ) {
			self::$client = array( $key, new \Halext\Client( $options ) );
		}
		return self::$client[1];
	}

	/**
	 * The `Halext\Migration` for this process.
	 *
	 * Options: `config` from the settings when set (else INI `halext.config` / env
	 * `HALEXT_CONFIG`), the client options, filtered by `halext_sso_migration_options`.
	 *
	 * @return \Halext\Migration
	 * @throws \Halext\Exception When the configuration is missing or invalid (`config`).
	 */
	public static function migration(): object {
		$options = array();
		$config  = (string) Settings::get( 'config_path' );
		if ( '' !== $config ) {
			$options['config'] = $config;
		}
		$url = (string) Settings::get( 'halext_url' );
		if ( '' !== $url ) {
			$options['url'] = $url;
		}
		/**
		 * Filters the options of the `Halext\Migration` the plugin uses (`config`, or inline
		 * `site` and `mapping_dsn`, plus client options).
		 *
		 * @param array $options Migration options.
		 */
		$options = (array) apply_filters( 'halext_sso_migration_options', $options );
		$key     = md5( (string) wp_json_encode( $options ) );
		if ( null === self::$migration || self::$migration[0] !== $key ) {
			self::$migration = array( $key, new \Halext\Migration( $options ) );
		}
		return self::$migration[1];
	}

	/**
	 * The dotted reason of a halext exception (`api.unauthorized`, `migration.invalid_credentials`),
	 * or `internal` for anything else.
	 *
	 * @param \Throwable $e The caught exception.
	 */
	public static function reason( \Throwable $e ): string {
		if ( method_exists( $e, 'getReason' ) ) {
			return (string) $e->getReason();
		}
		return 'internal';
	}

	/**
	 * Whether a reason means "Halext could not be reached or failed" rather than "Halext said no".
	 *
	 * @param string $reason A dotted reason.
	 */
	public static function is_unavailable( string $reason ): bool {
		return in_array(
			$reason,
			array( 'api.timeout', 'api.connect', 'api.server', 'api.transport', 'api.decode', 'api.rate_limited', 'migration.halext_unavailable' ),
			true
		);
	}

	/**
	 * Logs a failure the operator should know about (misconfiguration, Halext or the mapping
	 * store failing) to PHP's error log: the reason code and the extension's message, which
	 * never contains a password, secret or whole token. Callers do not log what users cause
	 * (wrong passwords, expired tokens).
	 *
	 * @param string     $where What the plugin was doing.
	 * @param \Throwable $e     The exception.
	 */
	public static function log( string $where, \Throwable $e ): void {
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- operator diagnostics, no secrets.
		error_log( sprintf( 'halext-sso: %s failed: %s (%s)', $where, self::reason( $e ), $e->getMessage() ) );
	}
}
