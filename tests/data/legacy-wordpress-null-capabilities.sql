-- A NULL capabilities value on top of the WordPress fixture (examples/data/fixtures/wordpress.sql,
-- loaded first), for the halext legacy tests: user 12's first wp_capabilities row has a NULL
-- value, so the next row (administrator) is the one get_user_meta($id, $key, true) returns;
-- the third (subscriber) comes later and is ignored.
DELETE FROM `wp_usermeta` WHERE `user_id` = 12 AND `meta_key` = 'wp_capabilities';
INSERT INTO `wp_usermeta` (`umeta_id`, `user_id`, `meta_key`, `meta_value`) VALUES
(3001, 12, 'wp_capabilities', NULL),
(3002, 12, 'wp_capabilities', 'a:1:{s:13:"administrator";b:1;}'),
(3003, 12, 'wp_capabilities', 'a:1:{s:10:"subscriber";b:1;}');
