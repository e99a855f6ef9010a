-- A users table of a made-up PHP app ("members"), for the halext `custom` profile tests.
-- Written for this project. It exercises every custom-profile key and every way a row can
-- fail to decode:
--   member_id 1  root     "correct horse"  bcrypt $2y$10$; role admin; activated
--   member_id 2  banned   "correct horse"  plain md5; status banned until 2030-03-17
--   member_id 3  pending  "correct horse"  phpass $H$ (phpBB-style id); not activated
--   member_id 4  badnick  nick holds 0xFF: invalid UTF-8 in a utf8mb4 site -> rejected row
--   member_id 5  baddate  created is 2019-02-30 (stored under ALLOW_INVALID_DATES) -> rejected row
--   member_id -3 negative a negative id cannot be a legacy id -> rejected row (paging goes on)
--   member_id 6  last     "o'brien \"q\""  md5 of the addslashes form; email only
SET NAMES utf8mb4;
SET SESSION sql_mode = 'ALLOW_INVALID_DATES';

DROP TABLE IF EXISTS `members`;
CREATE TABLE `members` (
  `member_id`  int(11)        NOT NULL,
  `username`   varchar(40)    NOT NULL DEFAULT '',
  `nick`       varbinary(40)  NOT NULL DEFAULT '',
  `mail`       varchar(100)   NOT NULL DEFAULT '',
  `pw_hash`    varchar(255)   NOT NULL DEFAULT '',
  `created`    datetime       NOT NULL DEFAULT '0000-00-00 00:00:00',
  `last_login` int(11)        NOT NULL DEFAULT 0,
  `status`     varchar(10)    NOT NULL DEFAULT 'active',
  `ban_until`  int(11)        NOT NULL DEFAULT 0,
  `role`       varchar(10)    NOT NULL DEFAULT 'member',
  `activated`  tinyint(1)     NOT NULL DEFAULT 1,
  PRIMARY KEY (`member_id`),
  KEY `username` (`username`),
  KEY `mail` (`mail`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

INSERT INTO `members` (`member_id`, `username`, `nick`, `mail`, `pw_hash`, `created`, `last_login`, `status`, `ban_until`, `role`, `activated`) VALUES
(1, 'root', 'Root', ' Root@Example.com ', '$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', '2020-01-01 00:00:00', 1700000000, 'active', 0, 'admin', 1),
(2, 'banned', 'Banned Bob', 'banned@example.com', '3cb4e732631f47e6eb961f34554b7cde', '2021-06-15 08:30:00', 0, 'banned', 1900000000, 'member', 1),
(3, 'pending', 'Pending', 'pending@example.com', '$H$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.', '0000-00-00 00:00:00', 0, 'active', 0, 'member', 0),
(4, 'badnick', X'FF41', 'badnick@example.com', '3cb4e732631f47e6eb961f34554b7cde', '2021-01-01 00:00:00', 0, 'active', 0, 'member', 1),
(5, 'baddate', 'Bad Date', 'baddate@example.com', '3cb4e732631f47e6eb961f34554b7cde', '2019-02-30 00:00:00', 0, 'active', 0, 'member', 1),
(-3, 'negative', 'Negative', 'negative@example.com', '3cb4e732631f47e6eb961f34554b7cde', '2021-01-01 00:00:00', 0, 'active', 0, 'member', 1),
(6, 'last', 'Last', 'last@example.com', '40b1ccaa3badfd79e7aa735c5d65afd1', '2022-02-02 02:02:02', 1650000000, 'active', 0, 'member', 1);
