-- halext_user_map: which Halext account each legacy account maps to.
-- Shipped with halext; `halext migrate init` runs exactly this statement (it is embedded in
-- halext-core), so running it by hand is equivalent. Idempotent (IF NOT EXISTS).
--
-- One row per legacy account, keyed by (site, legacy_id): the configured site name and the
-- legacy primary key (never the login name: names change, ids do not).
-- Halext compares usernames and emails byte-exactly, so those columns use utf8mb4_bin.
-- halext_username_key is the case-folded username (NFC + lower-case) the planner and
-- registration use to keep 'alice' and 'Alice' from becoming two accounts.
-- One secondary index serves both reverse lookups: by exact Halext username
-- (key = fold(username) AND username = ?) and by case-insensitive name (key = ?). Every extra
-- index costs apply throughput; plan_run is not indexed (rollback is a rare full scan), nor is
-- status: a plan reads the linked rows with a scan (0.9 s at a million rows), and an index on
-- it cost apply 10-15% of its rate (docs/benchmarks.md), about as much as it saves a re-plan.
-- Times are UTC (written with UTC_TIMESTAMP()).
CREATE TABLE IF NOT EXISTS `halext_user_map` (
  `site`                varchar(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `legacy_id`           bigint(20) unsigned NOT NULL,
  `halext_username`     varchar(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
  `halext_username_key` varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
  `halext_user_id`      bigint(20) unsigned DEFAULT NULL,
  `halext_email`        varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
  `full_name`           varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
  `status`              enum('planned','linked','conflict','skipped') NOT NULL,
  `link_method`         enum('plan','login','registration','manual') NOT NULL,
  `reason`              varchar(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  `plan_run`            varchar(64)  CHARACTER SET ascii COLLATE ascii_bin DEFAULT NULL,
  `created_at`          datetime NOT NULL,
  `updated_at`          datetime NOT NULL,
  `linked_at`           datetime DEFAULT NULL,
  PRIMARY KEY (`site`, `legacy_id`),
  KEY `halext_username` (`halext_username_key`, `halext_username`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
