<?php
/**
 * Wires the plugin into WordPress; activation and deactivation.
 *
 * @package HalextSso
 */

namespace HalextSso;

defined( 'ABSPATH' ) || exit;

/**
 * Bootstrap.
 */
final class Plugin {

	/** Registers every hook. Called once when the plugin file loads. */
	public static function boot(): void {
		add_action( 'init', array( self::class, 'load_textdomain' ) );
		Login::register();
		LinkStep::register();
		Bearer::register();
		Registration::register();
		Rest::register();
		Profile::register();
		if ( is_admin() ) {
			Admin::register();
		}
	}

	/** Translations from languages/halext-sso-<locale>.mo. */
	public static function load_textdomain(): void {
		load_plugin_textdomain( 'halext-sso', false, dirname( plugin_basename( HALEXT_SSO_FILE ) ) . '/languages' );
	}

	/**
	 * Activation: stores the default settings unless settings exist already. Nothing else:
	 * the mapping table belongs to the migration (`halext migrate init`), not to this plugin.
	 */
	public static function activate(): void {
		add_option( Settings::OPTION, Settings::defaults() );
	}

	/**
	 * Deactivation: keeps the settings and every link (uninstalling removes the settings).
	 * WordPress's own password check is back as soon as the plugin stops loading.
	 */
	public static function deactivate(): void {
		Settings::flush();
	}
}
