-- Duplicate usermeta rows on top of the WordPress fixture (examples/data/fixtures/wordpress.sql,
-- loaded first), for the halext legacy tests. get_user_meta($id, $key, true) returns the row
-- with the lowest umeta_id, so:
--   ID 1 keeps "administrator" (its extra "subscriber" row comes later);
--   ID 3 becomes an administrator (its original "subscriber" row is moved after the new one).
INSERT INTO `wp_usermeta` (`umeta_id`, `user_id`, `meta_key`, `meta_value`) VALUES
(900, 1, 'wp_capabilities', 'a:1:{s:10:"subscriber";b:1;}');
UPDATE `wp_usermeta` SET `umeta_id` = 1000 WHERE `user_id` = 3 AND `meta_key` = 'wp_capabilities';
INSERT INTO `wp_usermeta` (`umeta_id`, `user_id`, `meta_key`, `meta_value`) VALUES
(500, 3, 'wp_capabilities', 'a:1:{s:13:"administrator";b:1;}');
