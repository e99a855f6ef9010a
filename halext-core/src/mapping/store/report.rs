//! Operator views of the mapping table: status per site, a streaming export, the table's
//! health, the rows of one plan run, and id pages for the orphan check. Used by
//! `halext migrate status|export|rollback` and `halext doctor`; none of them is on a PHP hot
//! path, so none is cached.

use std::collections::BTreeMap;

use mysql_async::prelude::*;
use mysql_async::{Conn, Row};
use serde::Serialize;

use super::{MappingStore, StatusCounts, store_err, take};
use crate::mapping::error::MigrationError;
use crate::mapping::model::{Mapping, MappingStatus};

/// Counts of one site (or of the whole table): rows per status and links made in the last
/// 24 hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SiteStatus {
    /// Rows per status.
    #[serde(flatten)]
    pub counts: StatusCounts,
    /// Rows whose `linked_at` is within the last 24 hours (UTC), i.e. logins and
    /// registrations that migrated an account since yesterday.
    pub linked_last_24h: u64,
}

/// `halext migrate status`: the whole table and each site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    /// The whole table.
    pub total: SiteStatus,
    /// Per site name, sorted.
    pub by_site: BTreeMap<String, SiteStatus>,
}

/// The mapping table as `information_schema` describes it (`halext doctor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    /// `ENGINE` (InnoDB expected: apply relies on transactions).
    pub engine: Option<String>,
    /// `TABLE_ROWS` (an estimate for InnoDB).
    pub estimated_rows: Option<u64>,
    /// Columns of `examples/data/halext_user_map.sql` that the table lacks (an older or
    /// hand-made table): empty when the table is complete.
    pub missing_columns: Vec<String>,
}

/// Which rows [`MappingStore::export`] streams.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only this site.
    pub site: Option<String>,
    /// Only this status.
    pub status: Option<MappingStatus>,
}

/// The columns every `halext_user_map` table must have.
const COLUMNS: [&str; 14] = [
    "site",
    "legacy_id",
    "halext_username",
    "halext_username_key",
    "halext_user_id",
    "halext_email",
    "full_name",
    "status",
    "link_method",
    "reason",
    "plan_run",
    "created_at",
    "updated_at",
    "linked_at",
];

fn add(c: &mut StatusCounts, status: MappingStatus, n: u64) {
    match status {
        MappingStatus::Planned => c.planned += n,
        MappingStatus::Linked => c.linked += n,
        MappingStatus::Conflict => c.conflict += n,
        MappingStatus::Skipped => c.skipped += n,
    }
}

impl MappingStore {
    /// Rows per site and status, and links of the last 24 hours (one `GROUP BY` over the
    /// table: a full scan, about a second per million rows).
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error (a missing table included).
    pub async fn status_report(&self) -> Result<StatusReport, MigrationError> {
        let sql = format!(
            "SELECT site, status, COUNT(*), \
             CAST(COALESCE(SUM(linked_at >= UTC_TIMESTAMP() - INTERVAL 1 DAY), 0) AS UNSIGNED) \
             FROM `{}` GROUP BY site, status",
            self.table
        );
        let mut w = self.writer().await?;
        let r = async { Ok(w.conn()?.query(sql).await?) }.await;
        let rows: Vec<(String, String, u64, u64)> = w.check(r)?;
        drop(w);
        let mut report = StatusReport::default();
        for (site, status, n, recent) in rows {
            let status = MappingStatus::parse(&status)
                .ok_or_else(|| store_err(format!("unknown status {status:?}")))?;
            let entry = report.by_site.entry(site).or_default();
            add(&mut entry.counts, status, n);
            entry.linked_last_24h += recent;
            add(&mut report.total.counts, status, n);
            report.total.linked_last_24h += recent;
        }
        Ok(report)
    }

    /// Streams the table (or the rows `filter` selects) in primary-key order, one row at a
    /// time, into `sink`: memory stays one row whatever the table's size. Runs on a connection
    /// of its own (one consistent InnoDB snapshot). Stops at the first error `sink` returns.
    /// Returns the rows passed to `sink`.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error; whatever `sink` returns.
    pub async fn export(
        &self,
        filter: &ExportFilter,
        sink: &mut (dyn FnMut(Mapping) -> Result<(), MigrationError> + Send),
    ) -> Result<u64, MigrationError> {
        let mut sql = self.sql.export.clone();
        let mut params: Vec<mysql_async::Value> = Vec::new();
        let mut conds = Vec::new();
        if let Some(site) = &filter.site {
            conds.push("site = ?");
            params.push(site.as_str().into());
        }
        if let Some(status) = filter.status {
            conds.push("status = ?");
            params.push(status.as_str().into());
        }
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        sql.push_str(" ORDER BY site, legacy_id");
        let mut conn = Conn::new(self.opts.clone()).await?;
        let mut n = 0u64;
        let outcome: Result<(), MigrationError> = async {
            let mut result = conn.exec_iter(sql, params).await?;
            while let Some(row) = result.next().await? {
                sink(self.row_to_mapping(row)?)?;
                n += 1;
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) => {
                // A clean close; a failed one changes nothing for the caller.
                let _ = conn.disconnect().await;
                Ok(n)
            }
            // Dropped mid-result: the connection is closed, the server ends the query.
            Err(e) => Err(e),
        }
    }

    /// The table's engine, row estimate and missing columns; `Ok(None)` when the table does
    /// not exist (run `halext migrate init`).
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn table_info(&self) -> Result<Option<TableInfo>, MigrationError> {
        let mut w = self.writer().await?;
        let r = async {
            let conn = w.conn()?;
            let t: Option<(Option<String>, Option<u64>)> = conn
                .exec_first(
                    "SELECT ENGINE, TABLE_ROWS FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                    (self.table.as_str(),),
                )
                .await?;
            let cols: Vec<String> = conn
                .exec(
                    "SELECT LOWER(COLUMN_NAME) FROM information_schema.COLUMNS \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                    (self.table.as_str(),),
                )
                .await?;
            Ok((t, cols))
        }
        .await;
        let (t, cols) = w.check(r)?;
        let Some((engine, estimated_rows)) = t else { return Ok(None) };
        let missing_columns =
            COLUMNS.iter().filter(|c| !cols.iter().any(|have| have == *c)).map(|c| (*c).to_owned()).collect();
        Ok(Some(TableInfo { engine, estimated_rows, missing_columns }))
    }

    /// The database the store's DSN names and the server's version, for messages that must
    /// say where the table is without showing the DSN (`halext migrate init`).
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn location(&self) -> Result<(Option<String>, String), MigrationError> {
        let mut w = self.writer().await?;
        let r = async { Ok(w.conn()?.query_first("SELECT DATABASE(), VERSION()").await?) }.await;
        let row: Option<(Option<String>, String)> = w.check(r)?;
        row.ok_or_else(|| store_err("SELECT DATABASE() returned no row"))
    }

    /// The host and port (or socket) the DSN names: never the user or password.
    pub fn server_address(&self) -> String {
        match self.opts.socket() {
            Some(s) => format!("socket {s}"),
            None => format!("{}:{}", self.opts.ip_or_hostname(), self.opts.tcp_port()),
        }
    }

    /// Rows last written by plan run `plan_run`: `(deletable, linked)`, i.e. what
    /// [`MappingStore::rollback_plan`] would delete and the linked rows it would keep.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn plan_run_counts(&self, plan_run: &str) -> Result<(u64, u64), MigrationError> {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(status <> 'linked'), 0) AS UNSIGNED), \
             CAST(COALESCE(SUM(status = 'linked'), 0) AS UNSIGNED) FROM `{}` WHERE plan_run = ?",
            self.table
        );
        let mut w = self.writer().await?;
        let r = async { Ok(w.conn()?.exec_first(sql, (plan_run,)).await?) }.await;
        let row: Option<(u64, u64)> = w.check(r)?;
        Ok(row.unwrap_or((0, 0)))
    }

    /// Up to `limit` legacy ids of `site` above `after`, ascending (keyset pages over the
    /// primary key, for the orphan check).
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn legacy_ids_after(
        &self,
        site: &str,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<u64>, MigrationError> {
        let sql = format!(
            "SELECT legacy_id FROM `{}` WHERE site = ? AND legacy_id > ? ORDER BY legacy_id LIMIT {limit}",
            self.table
        );
        // `after` None: every id (ids are unsigned, so "> -1" would need a signed compare).
        let (sql, params): (String, Vec<mysql_async::Value>) = match after {
            Some(a) => (sql, vec![site.into(), a.into()]),
            None => (sql.replace("AND legacy_id > ? ", ""), vec![site.into()]),
        };
        let mut w = self.writer().await?;
        let r = async { Ok(w.conn()?.exec(sql, params).await?) }.await;
        let rows: Vec<Row> = w.check(r)?;
        rows.into_iter().map(|mut r| take::<u64>(&mut r, 0)).collect()
    }
}
