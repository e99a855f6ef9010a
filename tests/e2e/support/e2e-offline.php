<?php
/**
 * Must-use plugin of the end-to-end test site (never part of the halext-sso plugin):
 * - no calls to wordpress.org (update checks, dashboard news): the tests run offline and
 *   WP_HTTP_BLOCK_EXTERNAL already refuses them; this keeps WordPress from trying and logging
 *   a warning each time;
 * - no login-form autofocus script (it races with a fast browser, see below).
 */

$e2e_no_updates = static function () {
	return (object) array(
		'last_checked'    => time(),
		'version_checked' => get_bloginfo( 'version' ),
		'updates'         => array(),
		'translations'    => array(),
		'response'        => array(),
		'checked'         => array(),
	);
};
add_filter( 'pre_site_transient_update_core', $e2e_no_updates );
add_filter( 'pre_site_transient_update_plugins', $e2e_no_updates );
add_filter( 'pre_site_transient_update_themes', $e2e_no_updates );
add_action(
	'wp_dashboard_setup',
	static function () {
		remove_meta_box( 'dashboard_primary', 'dashboard', 'side' );
		remove_meta_box( 'dashboard_site_health', 'dashboard', 'normal' );
	}
);
foreach ( array( 'load-plugins.php', 'load-update.php', 'load-update-core.php', 'wp_update_plugins' ) as $e2e_hook ) {
	remove_action( $e2e_hook, 'wp_update_plugins' );
}
foreach ( array( 'load-themes.php', 'load-update.php', 'load-update-core.php', 'wp_update_themes' ) as $e2e_hook ) {
	remove_action( $e2e_hook, 'wp_update_themes' );
}
remove_action( 'admin_init', '_maybe_update_core' );
remove_action( 'admin_init', '_maybe_update_plugins' );
remove_action( 'admin_init', '_maybe_update_themes' );
remove_action( 'wp_version_check', 'wp_version_check' );

// wp-login.php's autofocus script clears the password field 200 ms after load when it thinks a
// login is being retried; a browser that types faster than that would submit an empty password.
add_filter( 'enable_login_autofocus', '__return_false' );
