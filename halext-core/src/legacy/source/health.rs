//! Cheap facts about a site's database for operators (`halext doctor`, `halext migrate`
//! progress bars, the mapping table's orphan check): the server version, the table's row
//! estimate, and which of a batch of ids still exist.

use std::collections::HashSet;

use mysql_async::Value;
use mysql_async::prelude::Queryable;

use super::MysqlSite;
use super::decode;
use crate::legacy::error::LegacyError;

/// Most ids [`MysqlSite::existing_ids`] accepts in one call (one `IN (…)` list).
pub const MAX_ID_BATCH: usize = 10_000;

impl MysqlSite {
    /// The database server's version string (`SELECT VERSION()`, e.g. `10.11.14-MariaDB-0+deb12u2`):
    /// proves the DSN connects and the credentials work.
    ///
    /// # Errors
    /// [`LegacyError::Database`] when the server cannot be reached or refuses the login (the
    /// message is the driver's, never the DSN).
    pub async fn server_version(&self) -> Result<String, LegacyError> {
        let mut conn = self.conn().await?;
        let v: Option<Value> = conn.query_first("SELECT VERSION()").await.map_err(|e| self.db_err(e))?;
        Ok(v.and_then(decode::bytes).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default())
    }

    /// The users table's row count as the server's statistics give it
    /// (`information_schema.TABLES.TABLE_ROWS`): exact for MyISAM (Acmlmboard), an estimate
    /// for InnoDB (often off by 10–40 %). Costs one metadata query, never a scan: progress bars
    /// use it as their length. `Ok(None)` when the table does not exist.
    ///
    /// # Errors
    /// [`LegacyError::Database`] when the query fails.
    pub async fn estimated_rows(&self) -> Result<Option<u64>, LegacyError> {
        let mut conn = self.conn().await?;
        let v: Option<Option<u64>> = conn
            .exec_first(
                "SELECT TABLE_ROWS FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                (&self.inner.spec.table,),
            )
            .await
            .map_err(|e| self.db_err(e))?;
        Ok(v.map(|n| n.unwrap_or(0)))
    }

    /// Which of `ids` exist in the users table (`SELECT id … WHERE id IN (…)`, one query).
    /// Used to find mapping rows that point at deleted legacy accounts.
    ///
    /// # Errors
    /// [`LegacyError::Config`] for more than [`MAX_ID_BATCH`] ids; [`LegacyError::Database`]
    /// when the query fails.
    pub async fn existing_ids(&self, ids: &[u64]) -> Result<HashSet<u64>, LegacyError> {
        if ids.len() > MAX_ID_BATCH {
            return Err(LegacyError::config(
                &self.inner.name,
                format!("existing_ids: at most {MAX_ID_BATCH} ids per call, not {}", ids.len()),
            ));
        }
        let mut found = HashSet::with_capacity(ids.len());
        if ids.is_empty() {
            return Ok(found);
        }
        // Integers we hold, written into the SQL text: no prepared statement for a one-off list.
        let list = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        let id = self.inner.spec.id_column();
        let sql = format!("SELECT `{id}` FROM `{}` WHERE `{id}` IN ({list})", self.inner.spec.table);
        let mut conn = self.conn().await?;
        let rows: Vec<Value> = conn.query(sql).await.map_err(|e| self.db_err(e))?;
        for v in rows {
            if let Ok(Some(n)) = decode::int(&v) {
                if let Ok(n) = u64::try_from(n) {
                    found.insert(n);
                }
            }
        }
        Ok(found)
    }
}
