//! The per-site part of `halext doctor`: for each `[[site]]` of `halext.toml`, database
//! connectivity (with the server version) and the users table against its profile
//! (`MysqlSite::check_schema`: columns, types, charsets, a too-narrow password column); for
//! `[mapping]`, the table's presence and columns, rows per status, and rows pointing at legacy
//! accounts that no longer exist (a batched id check per site, bounded by `--orphan-limit`).
//!
//! [`site_checks`] returns data ([`Check`]s); `doctor/mod.rs` appends them to the Halext
//! checks' report (as OK/WARN/FAIL lines with the scope in front).

use std::future::Future;
use std::time::Duration;

use halext_core::config::HalextToml;
use halext_core::legacy::MysqlSite;
use halext_core::legacy::source::{SchemaReport, Severity};
use halext_core::mapping::MappingStore;
use halext_core::mapping::health::find_orphans;
use serde::Serialize;

use crate::progress::group;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Worth knowing.
    Info,
    /// Works, but something will be lost or needs an operator.
    Warn,
    /// Broken: the migration cannot run against this.
    Fail,
}

/// One line of the doctor's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked: `site acmlm` or `mapping`.
    pub scope: String,
    /// A stable name: `config`, `connect`, `schema`, `table`, `status`, `orphans`, or a
    /// schema finding's code (`password_column_too_narrow`, …).
    pub name: String,
    /// The outcome.
    pub status: Status,
    /// For people (never a DSN or a secret).
    pub detail: String,
}

fn check(scope: &str, name: &str, status: Status, detail: impl Into<String>) -> Check {
    Check { scope: scope.to_owned(), name: name.to_owned(), status, detail: detail.into() }
}

/// Options of [`site_checks`].
#[derive(Debug, Clone, Copy)]
pub struct SiteCheckOptions {
    /// Mapping rows checked per site for missing legacy accounts.
    pub orphan_limit: u64,
    /// Per-database time limit.
    pub timeout: Duration,
}

impl Default for SiteCheckOptions {
    fn default() -> Self {
        SiteCheckOptions { orphan_limit: 1_000_000, timeout: Duration::from_secs(5) }
    }
}

async fn within<T, E: std::fmt::Display>(
    limit: Duration,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err(format!("no answer within {} ms", limit.as_millis())),
    }
}

fn schema_checks(scope: &str, report: &SchemaReport, out: &mut Vec<Check>) {
    if !report.table_found {
        out.push(check(scope, "schema", Status::Fail, format!("table `{}` does not exist", report.table)));
        return;
    }
    let mut worst = Status::Ok;
    for f in &report.findings {
        let status = match f.severity {
            Severity::Error => Status::Fail,
            Severity::Warning => Status::Warn,
            Severity::Info => Status::Info,
        };
        worst = worst.max(status);
        out.push(check(scope, f.code, status, f.message.clone()));
    }
    let rows = report.estimated_rows.map_or_else(|| "?".to_owned(), group);
    let summary = format!(
        "`{}` ({} columns, {}, {}, ~{rows} rows) {} the {} profile",
        report.table,
        report.columns.len(),
        report.engine.as_deref().unwrap_or("?"),
        report.table_collation.as_deref().unwrap_or("?"),
        if worst == Status::Fail { "does not match" } else { "matches" },
        report.profile.as_str()
    );
    out.push(check(scope, "schema", if worst == Status::Fail { Status::Fail } else { Status::Ok }, summary));
}

/// Runs every site and mapping check of `cfg`. Never fails: problems are [`Check`]s with
/// [`Status::Fail`]. Must run inside a tokio runtime (the CLI's).
pub async fn site_checks(cfg: &HalextToml, opts: SiteCheckOptions) -> Vec<Check> {
    let mut out = Vec::new();
    let mut sites: Vec<MysqlSite> = Vec::new();
    if cfg.sites.is_empty() {
        out.push(check("sites", "config", Status::Warn, "no [[site]] is configured"));
    }
    for site_cfg in &cfg.sites {
        let scope = format!("site {}", site_cfg.name);
        let site = match MysqlSite::new(site_cfg) {
            Ok(s) => s,
            Err(e) => {
                out.push(check(&scope, "config", Status::Fail, e.to_string()));
                continue;
            }
        };
        match within(opts.timeout, site.server_version()).await {
            Ok(v) => out.push(check(&scope, "connect", Status::Ok, format!("connected: server {v}"))),
            Err(e) => {
                out.push(check(&scope, "connect", Status::Fail, e));
                continue;
            }
        }
        match within(opts.timeout, site.check_schema()).await {
            Ok(report) => schema_checks(&scope, &report, &mut out),
            Err(e) => out.push(check(&scope, "schema", Status::Fail, e)),
        }
        sites.push(site);
    }
    mapping_checks(cfg, &sites, opts, &mut out).await;
    out
}

async fn mapping_checks(cfg: &HalextToml, sites: &[MysqlSite], opts: SiteCheckOptions, out: &mut Vec<Check>) {
    const SCOPE: &str = "mapping";
    if cfg.mapping.is_none() {
        out.push(check(SCOPE, "config", Status::Warn, "no [mapping] section: nothing to migrate into"));
        return;
    }
    let store = match cfg
        .store_config()
        .map_err(|e| e.to_string())
        .and_then(|c| MappingStore::new(&c).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            out.push(check(SCOPE, "config", Status::Fail, e));
            return;
        }
    };
    let table = store.table().to_owned();
    match within(opts.timeout, store.table_info()).await {
        Err(e) => {
            out.push(check(SCOPE, "connect", Status::Fail, e));
            return;
        }
        Ok(None) => {
            out.push(check(
                SCOPE,
                "table",
                Status::Fail,
                format!("table `{table}` does not exist: run halext migrate init"),
            ));
            return;
        }
        Ok(Some(info)) => {
            if !info.missing_columns.is_empty() {
                out.push(check(
                    SCOPE,
                    "table",
                    Status::Fail,
                    format!("table `{table}` lacks columns: {}", info.missing_columns.join(", ")),
                ));
                return;
            }
            let engine = info.engine.unwrap_or_default();
            if !engine.eq_ignore_ascii_case("innodb") {
                out.push(check(
                    SCOPE,
                    "table",
                    Status::Warn,
                    format!("`{table}` is {engine}: apply needs InnoDB transactions"),
                ));
            } else {
                out.push(check(
                    SCOPE,
                    "table",
                    Status::Ok,
                    format!("`{table}` exists (InnoDB, all columns)"),
                ));
            }
        }
    }
    // Counting scans the table: allow more time than a connection check.
    let report = match within(opts.timeout * 6, store.status_report()).await {
        Ok(r) => r,
        Err(e) => {
            out.push(check(SCOPE, "status", Status::Fail, e));
            return;
        }
    };
    let c = &report.total.counts;
    let line = format!(
        "planned {}, linked {}, conflict {}, skipped {}; linked in the last 24 h: {}",
        group(c.planned),
        group(c.linked),
        group(c.conflict),
        group(c.skipped),
        group(report.total.linked_last_24h)
    );
    let status = if c.conflict > 0 { Status::Warn } else { Status::Ok };
    let line = if c.conflict > 0 {
        format!("{line} ({} conflict(s) need an operator)", group(c.conflict))
    } else {
        line
    };
    out.push(check(SCOPE, "status", status, line));
    for site in report.by_site.keys() {
        if cfg.site(site).is_none() {
            out.push(check(
                SCOPE,
                "unknown_site",
                Status::Warn,
                format!("rows for site {site:?}, which is not configured (renamed?)"),
            ));
        }
    }
    for site in sites {
        let name = site.site_name().to_string();
        if !report.by_site.contains_key(&name) {
            continue;
        }
        let scope = format!("mapping {name}");
        match within(opts.timeout * 12, find_orphans(&store, site, opts.orphan_limit)).await {
            Ok(r) if r.missing == 0 => out.push(check(
                &scope,
                "orphans",
                Status::Ok,
                format!(
                    "{} mapping rows checked: every legacy account exists{}",
                    group(r.checked),
                    if r.complete { "" } else { " (limit reached: not every row was checked)" }
                ),
            )),
            Ok(r) => out.push(check(
                &scope,
                "orphans",
                Status::Warn,
                format!(
                    "{} of {} mapping rows point at legacy accounts that no longer exist (ids {}{})",
                    group(r.missing),
                    group(r.checked),
                    r.examples.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
                    if r.missing > r.examples.len() as u64 { ", …" } else { "" }
                ),
            )),
            Err(e) => out.push(check(&scope, "orphans", Status::Fail, e)),
        }
    }
}
