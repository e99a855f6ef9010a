-- Usermeta rows the full read's merge join (user pages ⋈ one meta stream in user_id order)
-- must skip or pick correctly, on top of the WordPress fixture
-- (examples/data/fixtures/wordpress.sql, loaded first), for the halext legacy tests:
--   users 5, 6 and 8 do not exist (gaps between pages), 500 is past the last user:
--   their administrator rows belong to nobody;
--   user 2's first session_tokens row has a NULL value: the next row's value is used
--   (as lookups do), and its login time becomes user 2's last_seen_at.
INSERT INTO `wp_usermeta` (`umeta_id`, `user_id`, `meta_key`, `meta_value`) VALUES
(2001, 5, 'wp_capabilities', 'a:1:{s:13:"administrator";b:1;}'),
(2002, 6, 'wp_capabilities', 'a:1:{s:13:"administrator";b:1;}'),
(2003, 8, 'wp_capabilities', 'a:1:{s:13:"administrator";b:1;}'),
(2004, 500, 'wp_capabilities', 'a:1:{s:13:"administrator";b:1;}'),
(2005, 2, 'session_tokens', NULL),
(2006, 2, 'session_tokens', 'a:1:{s:64:"0000000000000000000000000000000000000000000000000000000000000000";a:4:{s:10:"expiration";i:1749981600;s:2:"ip";s:9:"127.0.0.1";s:2:"ua";s:11:"Mozilla/5.0";s:5:"login";i:1748000000;}}');
