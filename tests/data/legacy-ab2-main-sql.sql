-- An Acmlmboard 2 `users` table as the unpatched sql/main.sql creates it (pass varchar(32)),
-- reduced to the identity columns, for the halext schema check. Written for this project.
-- Row 1 registered after the 2019 switch to bcrypt: its hash was cut to 32 characters.
SET NAMES utf8mb4;
SET SESSION sql_mode = '';
DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id`          mediumint(9) unsigned NOT NULL AUTO_INCREMENT,
  `name`        varchar(32)  NOT NULL,
  `displayname` varchar(32)  NOT NULL,
  `pass`        varchar(32)  NOT NULL,
  `regdate`     int(11)      NOT NULL DEFAULT 0,
  `lastview`    int(11)      NOT NULL DEFAULT 0,
  `tempbanned`  int(12)      NOT NULL DEFAULT 0,
  `power`       tinyint(4)   NOT NULL DEFAULT 0,
  `email`       varchar(255) NOT NULL DEFAULT '',
  `group_id`    int(11)      NOT NULL DEFAULT 1,
  PRIMARY KEY (`id`),
  UNIQUE KEY `name` (`name`)
) ENGINE=MyISAM DEFAULT CHARSET=latin1;
INSERT INTO `users` (`id`, `name`, `displayname`, `pass`, `regdate`, `lastview`, `email`, `group_id`) VALUES
(1, 'newbie', '', '$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', 1546560000, 1546560000, '', 2),
(2, 'oldie', '', '9b70ca48433e0b776f24c75557817c1b', 1400000000, 1500000000, '', 2);
