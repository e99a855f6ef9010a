-- Turns the WordPress fixture (examples/data/fixtures/wordpress.sql, loaded first) into a
-- single-site install with the table prefix `blog_`: no multisite `spam`/`deleted` columns,
-- tables and the capabilities meta key renamed. Written for the halext legacy tests.
ALTER TABLE `wp_users` DROP COLUMN `spam`, DROP COLUMN `deleted`;
RENAME TABLE `wp_users` TO `blog_users`, `wp_usermeta` TO `blog_usermeta`;
UPDATE `blog_usermeta` SET `meta_key` = 'blog_capabilities' WHERE `meta_key` = 'wp_capabilities';
UPDATE `blog_usermeta` SET `meta_key` = 'blog_user_level' WHERE `meta_key` = 'wp_user_level';
