//! The schema check behind `halext doctor`: does the users table match its profile? The
//! result is data ([`SchemaReport`]), not text; the CLI decides how to print it.

use std::sync::Arc;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, Value};

use super::MysqlSite;
use super::profile::{Family, Need};
use crate::legacy::config::{Charset, ProfileKind, TimeKind};
use crate::legacy::error::LegacyError;

/// How serious a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing (collation, charset decoding, optional columns absent).
    Info,
    /// Works, but something will be lost or surprising (truncated bcrypt, charset mismatch).
    Warning,
    /// The profile cannot read this table (missing table or column, wrong column type).
    Error,
}

/// One observation about the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable tag: `table_missing`, `column_missing`, `optional_column_absent`,
    /// `column_type`, `password_column_too_narrow`, `truncated_hashes`, `charset_mismatch`,
    /// `latin1_decoding`, `login_collation`, `id_not_primary_key`, `usermeta_missing`,
    /// `date_as_text`.
    pub code: &'static str,
    /// The column concerned, if any.
    pub column: Option<String>,
    /// A sentence for humans.
    pub message: String,
}

/// A column as `information_schema.COLUMNS` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    /// `COLUMN_NAME`.
    pub name: String,
    /// `COLUMN_TYPE`, e.g. `varchar(32)`, `mediumint(9) unsigned`.
    pub column_type: String,
    /// `DATA_TYPE`, e.g. `varchar`.
    pub data_type: String,
    /// `CHARACTER_MAXIMUM_LENGTH` (characters) for text columns.
    pub max_length: Option<u64>,
    /// `CHARACTER_SET_NAME` for text columns.
    pub charset: Option<String>,
    /// `COLLATION_NAME` for text columns.
    pub collation: Option<String>,
    /// `COLUMN_KEY`: `PRI`, `UNI`, `MUL` or empty.
    pub key: String,
}

/// The result of [`MysqlSite::check_schema`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaReport {
    /// The configured site name.
    pub site: Arc<str>,
    /// The profile checked against.
    pub profile: ProfileKind,
    /// The users table.
    pub table: String,
    /// Whether the table exists in the DSN's database.
    pub table_found: bool,
    /// `ENGINE` (MyISAM, InnoDB).
    pub engine: Option<String>,
    /// The table's default collation.
    pub table_collation: Option<String>,
    /// Estimated rows (`information_schema.TABLES.TABLE_ROWS`).
    pub estimated_rows: Option<u64>,
    /// Every column of the table, in order.
    pub columns: Vec<ColumnInfo>,
    /// What the check found, most serious first.
    pub findings: Vec<Finding>,
}

impl SchemaReport {
    /// The most serious finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// True when no finding is an [`Severity::Error`]: the profile can read the table.
    pub fn is_usable(&self) -> bool {
        self.worst() != Some(Severity::Error)
    }

    fn add(&mut self, severity: Severity, code: &'static str, column: Option<&str>, message: String) {
        self.findings.push(Finding { severity, code, column: column.map(str::to_owned), message });
    }
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        other => Some(other.as_sql(true)),
    }
}

fn uint(v: &Value) -> Option<u64> {
    match v {
        Value::Int(i) => u64::try_from(*i).ok(),
        Value::UInt(u) => Some(*u),
        Value::Bytes(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        _ => None,
    }
}

fn column_info(row: Row) -> ColumnInfo {
    let mut v: Vec<Value> = row.unwrap_raw().into_iter().map(|v| v.unwrap_or(Value::NULL)).collect();
    v.resize(7, Value::NULL);
    let max_length = uint(&v[3]);
    let mut take = |i: usize| text(std::mem::replace(&mut v[i], Value::NULL));
    ColumnInfo {
        name: take(0).unwrap_or_default(),
        column_type: take(1).unwrap_or_default(),
        data_type: take(2).unwrap_or_default().to_ascii_lowercase(),
        max_length,
        charset: take(4),
        collation: take(5),
        key: take(6).unwrap_or_default(),
    }
}

fn is_int(t: &str) -> bool {
    matches!(t, "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint")
}

fn is_text(t: &str) -> bool {
    matches!(
        t,
        "char"
            | "varchar"
            | "tinytext"
            | "text"
            | "mediumtext"
            | "longtext"
            | "enum"
            | "set"
            | "binary"
            | "varbinary"
    )
}

fn same_charset(actual: &str, want: Charset) -> bool {
    match want {
        Charset::Utf8 => actual == "utf8" || actual == "utf8mb3",
        other => actual == other.as_sql(),
    }
}

impl MysqlSite {
    /// Compares the users table with the site's profile: table present, each column the
    /// profile reads present with a suitable type, text charsets as configured, the password
    /// column wide enough for bcrypt (AB2's `pass varchar(32)` truncates it; the number of
    /// truncated rows is counted), the collation login lookups will use, and for WordPress the
    /// usermeta table.
    ///
    /// # Errors
    /// [`LegacyError::Database`] when the database cannot be queried. A table that does not
    /// match is not an error: it is reported.
    pub async fn check_schema(&self) -> Result<SchemaReport, LegacyError> {
        let inner = &self.inner;
        let spec = &inner.spec;
        let mut conn = self.conn().await?;
        let mut report = SchemaReport {
            site: Arc::clone(&inner.name),
            profile: spec.profile,
            table: spec.table.clone(),
            table_found: false,
            engine: None,
            table_collation: None,
            estimated_rows: None,
            columns: Vec::new(),
            findings: Vec::new(),
        };
        let tables: Vec<Row> = conn
            .exec(
                "SELECT ENGINE, TABLE_COLLATION, TABLE_ROWS FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                (&spec.table,),
            )
            .await
            .map_err(|e| self.db_err(e))?;
        let Some(t) = tables.into_iter().next() else {
            report.add(
                Severity::Error,
                "table_missing",
                None,
                format!("table `{}` does not exist", spec.table),
            );
            return Ok(report);
        };
        report.table_found = true;
        let mut t: Vec<Value> = t.unwrap_raw().into_iter().map(|v| v.unwrap_or(Value::NULL)).collect();
        t.resize(3, Value::NULL);
        report.estimated_rows = uint(&t[2]);
        report.engine = text(std::mem::replace(&mut t[0], Value::NULL));
        report.table_collation = text(std::mem::replace(&mut t[1], Value::NULL));
        report.columns = self.describe(&mut conn, &spec.table).await?;

        for need in &spec.needs {
            self.check_column(&mut conn, &mut report, need).await?;
        }
        if let Some(id) = report.columns.iter().find(|c| c.name.eq_ignore_ascii_case(spec.id_column())) {
            if id.key != "PRI" && id.key != "UNI" {
                let name = id.name.clone();
                let msg =
                    format!("`{name}` is not a primary or unique key: paging by it may skip duplicate ids");
                report.add(Severity::Warning, "id_not_primary_key", Some(&name), msg);
            }
        }
        if let Some(login) = spec.common[1]
            .as_deref()
            .and_then(|l| report.columns.iter().find(|c| c.name.eq_ignore_ascii_case(l)))
        {
            if let Some(coll) = login.collation.clone() {
                let sensitive = coll.ends_with("_bin") || coll.ends_with("_cs");
                let msg = format!(
                    "login lookups compare under {coll} ({})",
                    if sensitive { "case-sensitive" } else { "case-insensitive, as the app's login did" }
                );
                let name = login.name.clone();
                report.add(Severity::Info, "login_collation", Some(&name), msg);
            }
        }
        if spec.charset == Charset::Latin1 {
            report.add(
                Severity::Info,
                "latin1_decoding",
                None,
                "latin1 text is decoded as UTF-8 when it is valid UTF-8, else as windows-1252".into(),
            );
        }
        if let Some((meta, _)) = &spec.wp {
            if self.describe(&mut conn, meta).await?.is_empty() {
                let msg =
                    format!("`{meta}` does not exist: roles (admin) and last login times will be unknown");
                report.add(Severity::Warning, "usermeta_missing", None, msg);
            }
        }
        report.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        Ok(report)
    }

    async fn describe(&self, conn: &mut Conn, table: &str) -> Result<Vec<ColumnInfo>, LegacyError> {
        let rows: Vec<Row> = conn
            .exec(
                "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_SET_NAME, \
                 COLLATION_NAME, COLUMN_KEY FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                (table,),
            )
            .await
            .map_err(|e| self.db_err(e))?;
        Ok(rows.into_iter().map(column_info).collect())
    }

    async fn check_column(
        &self,
        conn: &mut Conn,
        report: &mut SchemaReport,
        need: &Need,
    ) -> Result<(), LegacyError> {
        let spec = &self.inner.spec;
        let Some(col) = report.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&need.name)).cloned()
        else {
            if need.required {
                let msg = format!(
                    "column `{}` is missing (the {} profile reads it)",
                    need.name,
                    spec.profile.as_str()
                );
                report.add(Severity::Error, "column_missing", Some(&need.name), msg);
            } else {
                let msg = match need.name.as_str() {
                    "spam" | "deleted" => "single-site install: no multisite spam/deleted flags".to_owned(),
                    other => format!("optional column `{other}` is absent; it reads as NULL"),
                };
                report.add(Severity::Info, "optional_column_absent", Some(&need.name), msg);
            }
            return Ok(());
        };
        let t = col.data_type.as_str();
        let type_ok = match need.family {
            Family::Int | Family::Time(TimeKind::Unix) => is_int(t),
            Family::Text => is_text(t),
            Family::Any => true,
            Family::Time(_) => {
                if is_text(t) {
                    let msg = format!(
                        "`{}` holds dates as text ({}); they are parsed as YYYY-MM-DD",
                        col.name, col.column_type
                    );
                    report.add(Severity::Warning, "date_as_text", Some(&col.name), msg);
                }
                matches!(t, "date" | "datetime" | "timestamp") || is_text(t)
            }
        };
        if !type_ok {
            let msg = format!(
                "`{}` is {}, which the {} profile cannot read there",
                col.name,
                col.column_type,
                spec.profile.as_str()
            );
            report.add(Severity::Error, "column_type", Some(&col.name), msg);
            return Ok(());
        }
        if let (Family::Text, Some(cs)) = (need.family, col.charset.as_deref()) {
            if !same_charset(cs, spec.charset) {
                let msg = format!(
                    "`{}` is {cs} but the site is configured for {}: set `charset = \"{cs}\"` if the table is {cs}",
                    col.name,
                    spec.charset.as_sql()
                );
                report.add(Severity::Warning, "charset_mismatch", Some(&col.name), msg);
            }
        }
        if need.password {
            let min = if spec.profile == ProfileKind::Wordpress { 63 } else { 60 };
            if col.max_length.is_some_and(|l| l < min) {
                let msg = format!(
                    "`{}` is {}: bcrypt hashes ({min} characters) written into it are cut and can never verify",
                    col.name, col.column_type
                );
                report.add(Severity::Warning, "password_column_too_narrow", Some(&col.name), msg);
            }
            // bcrypt is 60 characters, `$wp$` bcrypt 63: anything shorter was cut.
            let sql = format!(
                "SELECT COUNT(*) FROM `{t}` WHERE (LEFT(`{c}`, 2) = '$2' AND LENGTH(`{c}`) < 60) \
                 OR (LEFT(`{c}`, 5) = '$wp$2' AND LENGTH(`{c}`) < 63)",
                t = spec.table,
                c = col.name
            );
            let truncated: Option<u64> = conn.query_first(sql).await.map_err(|e| self.db_err(e))?;
            if let Some(n) = truncated.filter(|&n| n > 0) {
                let msg =
                    format!("{n} row(s) hold a truncated bcrypt hash; those users need a password reset");
                report.add(Severity::Warning, "truncated_hashes", Some(&col.name), msg);
            }
        }
        Ok(())
    }
}
