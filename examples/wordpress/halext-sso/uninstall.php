<?php
/**
 * Uninstall: removes the plugin's settings and its user meta.
 *
 * The links in `halext_user_map` are kept on purpose: they belong to the migration and are
 * shared with the CLI and the other legacy sites (remove them with the `halext` CLI if needed).
 * Halext accounts are never touched.
 *
 * @package HalextSso
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'halext_sso_settings' );
delete_metadata( 'user', 0, 'halext_sso_granted_role', '', true );
delete_metadata( 'user', 0, 'halext_sso_created', '', true );
