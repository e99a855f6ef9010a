//! Health of the mapping table against the legacy sites (`halext doctor`): rows that point at
//! legacy accounts which no longer exist (deleted from the legacy users table after the plan,
//! or a site renamed in `halext.toml`).
//!
//! The mapping table and a site may live on different servers, so the check is a batched id
//! comparison, not a join: pages of ids from the mapping table (keyset over its primary key),
//! each looked up in the site's users table with one `IN (…)` query. The work is bounded by a
//! row limit.

use std::sync::Arc;

use serde::Serialize;

use super::error::MigrationError;
use super::store::MappingStore;
use crate::legacy::MysqlSite;

/// Ids per page (one mapping-table query and one legacy query each).
pub const ORPHAN_BATCH: usize = 5000;

/// How many example ids an [`OrphanReport`] keeps.
pub const ORPHAN_EXAMPLES: usize = 10;

/// The result of [`find_orphans`] for one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrphanReport {
    /// The site name.
    pub site: Arc<str>,
    /// Mapping rows of the site that were checked.
    pub checked: u64,
    /// Of those, rows whose legacy id is not in the site's users table.
    pub missing: u64,
    /// The first few missing ids (at most [`ORPHAN_EXAMPLES`]), ascending.
    pub examples: Vec<u64>,
    /// `false` when the limit stopped the check before the site's last mapping row.
    pub complete: bool,
}

/// Checks up to `max_rows` mapping rows of `site` (ascending legacy id) against the site's
/// users table.
///
/// # Errors
/// [`MigrationError::Store`] when the mapping table fails; [`MigrationError::Legacy`] when the
/// site's database fails.
pub async fn find_orphans(
    store: &MappingStore,
    site: &MysqlSite,
    max_rows: u64,
) -> Result<OrphanReport, MigrationError> {
    let name = Arc::clone(site.site_name());
    let mut report =
        OrphanReport { site: name, checked: 0, missing: 0, examples: Vec::new(), complete: true };
    let mut after = None;
    loop {
        let left = max_rows.saturating_sub(report.checked);
        if left == 0 {
            // Stopped by the limit: complete only if nothing is left to check.
            report.complete = store.legacy_ids_after(&report.site, after, 1).await?.is_empty();
            return Ok(report);
        }
        let page = usize::try_from(left).unwrap_or(ORPHAN_BATCH).min(ORPHAN_BATCH);
        let ids = store.legacy_ids_after(&report.site, after, page).await?;
        let Some(&last) = ids.last() else { return Ok(report) };
        let found = site.existing_ids(&ids).await?;
        for id in &ids {
            if !found.contains(id) {
                report.missing += 1;
                if report.examples.len() < ORPHAN_EXAMPLES {
                    report.examples.push(*id);
                }
            }
        }
        report.checked += ids.len() as u64;
        after = Some(last);
        if ids.len() < page {
            return Ok(report);
        }
    }
}
