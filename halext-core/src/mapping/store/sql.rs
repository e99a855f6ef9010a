//! The SQL text of the mapping store, built once per table name.

pub(super) struct Sql {
    pub(super) resolve: String,
    pub(super) export: String,
    pub(super) resolve_for_update: String,
    pub(super) reverse: String,
    pub(super) by_key: String,
    pub(super) linked_keys: String,
    pub(super) link_insert: String,
    pub(super) unlink: String,
    pub(super) counts: String,
    pub(super) rollback: String,
    pub(super) upsert_head: String,
    pub(super) upsert_tail: String,
}

impl Sql {
    pub(super) fn new(t: &str) -> Sql {
        let cols = "site, legacy_id, halext_username, halext_user_id, halext_email, full_name, \
                    status, link_method, reason, plan_run, \
                    TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', created_at), \
                    TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', updated_at), \
                    TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', linked_at)";
        let keep = |c: &str| format!("{c} = IF(status = 'linked', {c}, VALUES({c}))");
        Sql {
            resolve: format!("SELECT {cols} FROM `{t}` WHERE site = ? AND legacy_id = ?"),
            export: format!("SELECT {cols} FROM `{t}`"),
            resolve_for_update: format!(
                "SELECT {cols} FROM `{t}` WHERE site = ? AND legacy_id = ? FOR UPDATE"
            ),
            reverse: format!(
                "SELECT site, legacy_id FROM `{t}` WHERE halext_username_key = ? AND halext_username = ? \
                 ORDER BY site, legacy_id"
            ),
            by_key: format!(
                "SELECT {cols} FROM `{t}` WHERE halext_username_key = ? ORDER BY site, legacy_id"
            ),
            linked_keys: format!(
                "SELECT site, legacy_id, halext_username, halext_email FROM `{t}` \
                 WHERE status = 'linked' AND halext_username IS NOT NULL"
            ),
            link_insert: format!(
                "INSERT INTO `{t}` (site, legacy_id, halext_username, halext_username_key, \
                 halext_user_id, halext_email, full_name, status, link_method, reason, plan_run, \
                 created_at, updated_at, linked_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, 'linked', ?, ?, NULL, \
                 UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP()) \
                 ON DUPLICATE KEY UPDATE \
                 halext_user_id = COALESCE(VALUES(halext_user_id), \
                     IF(halext_username <=> VALUES(halext_username), halext_user_id, NULL)), \
                 link_method = IF(status = 'linked' AND halext_username <=> VALUES(halext_username) \
                     AND VALUES(link_method) <> 'manual', link_method, VALUES(link_method)), \
                 linked_at = IF(status = 'linked' AND halext_username <=> VALUES(halext_username), \
                     linked_at, UTC_TIMESTAMP()), \
                 halext_username = VALUES(halext_username), \
                 halext_username_key = VALUES(halext_username_key), \
                 halext_email = COALESCE(VALUES(halext_email), halext_email), \
                 full_name = COALESCE(VALUES(full_name), full_name), \
                 reason = VALUES(reason), \
                 updated_at = UTC_TIMESTAMP(), \
                 status = 'linked'"
            ),
            unlink: format!(
                "UPDATE `{t}` SET status = 'planned', link_method = 'manual', halext_user_id = NULL, \
                 linked_at = NULL, reason = ?, updated_at = UTC_TIMESTAMP() \
                 WHERE site = ? AND legacy_id = ?"
            ),
            counts: format!("SELECT status, COUNT(*) FROM `{t}` GROUP BY status"),
            rollback: format!("DELETE FROM `{t}` WHERE plan_run = ? AND status <> 'linked'"),
            upsert_head: format!(
                "INSERT INTO `{t}` (site, legacy_id, halext_username, halext_username_key, \
                 halext_email, full_name, status, link_method, reason, plan_run, created_at, updated_at) VALUES "
            ),
            upsert_tail: [
                " ON DUPLICATE KEY UPDATE updated_at = IF(status = 'linked' OR \
                 (halext_username <=> VALUES(halext_username) AND halext_email <=> VALUES(halext_email) \
                 AND full_name <=> VALUES(full_name) AND status = VALUES(status) \
                 AND reason = VALUES(reason)), updated_at, VALUES(updated_at))"
                    .to_owned(),
                keep("halext_username"),
                keep("halext_username_key"),
                keep("halext_email"),
                keep("full_name"),
                keep("reason"),
                keep("link_method"),
                keep("plan_run"),
                keep("status"), // last: every IF above still sees the old status
            ]
            .join(", "),
        }
    }

    pub(super) fn upsert(&self, rows: usize) -> String {
        let one = "(?, ?, ?, ?, ?, ?, ?, 'plan', ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())";
        let mut s = String::with_capacity(self.upsert_head.len() + rows * (one.len() + 1) + 600);
        s.push_str(&self.upsert_head);
        for i in 0..rows {
            if i > 0 {
                s.push(',');
            }
            s.push_str(one);
        }
        s.push_str(&self.upsert_tail);
        s
    }
}
