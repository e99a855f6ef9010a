//! Apply: record a plan in the mapping store.
//!
//! * Batches of [`ApplyOptions::batch_size`] rows, one transaction each (a batch is either
//!   fully written or not at all).
//! * Idempotent upserts: running apply twice, or again after it was killed (even with
//!   SIGKILL mid-batch), leaves every row exactly once, with the plan's values; rows that
//!   are `linked` in the table are never touched, so logins that happened meanwhile stay.
//! * A progress callback after every committed batch, and a cancellation flag checked
//!   between batches (Ctrl-C → [`MigrationError::Interrupted`] with the rows done; rerun to
//!   finish).

use super::error::MigrationError;
use super::model::PlannedRow;
use super::plan::Plan;
use super::store::{MAX_BATCH_ROWS, MappingStore};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Apply settings.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Rows per transaction, 1 to [`MAX_BATCH_ROWS`]. Default 1000.
    pub batch_size: usize,
    /// Pause after each batch, to spare a busy production database. Default zero.
    pub pause: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions { batch_size: 1000, pause: Duration::ZERO }
    }
}

/// Progress after a committed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Rows committed so far.
    pub done: u64,
    /// Rows in the job.
    pub total: u64,
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApplyReport {
    /// The plan run id written to `plan_run`.
    pub run_id: String,
    /// Rows written (upserted).
    pub rows: u64,
    /// Transactions committed.
    pub batches: u64,
}

/// Applies a [`Plan`] (every row except already-linked ones).
///
/// # Errors
/// As [`apply_rows`].
pub async fn apply_plan(
    store: &MappingStore,
    plan: &Plan,
    options: &ApplyOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ApplyReport, MigrationError> {
    apply_rows(store, plan.run_id(), plan.rows(), plan.row_count() as u64, options, cancel, progress).await
}

/// Applies rows (e.g. read back from a reviewed plan file) under plan run `run_id`.
/// `total` is only used for progress.
///
/// # Errors
/// [`MigrationError::Interrupted`] when `cancel` was set (between batches; everything
/// reported as done is committed); [`MigrationError::InvalidArgument`] for a bad batch size
/// or a `linked` row; [`MigrationError::Store`] on a database error (the failing batch is
/// rolled back; earlier batches stay; rerun to resume).
pub async fn apply_rows<I>(
    store: &MappingStore,
    run_id: &str,
    rows: I,
    total: u64,
    options: &ApplyOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ApplyReport, MigrationError>
where
    I: IntoIterator<Item = PlannedRow>,
{
    if options.batch_size == 0 || options.batch_size > MAX_BATCH_ROWS {
        return Err(MigrationError::InvalidArgument(format!(
            "batch size must be 1 to {MAX_BATCH_ROWS}, not {}",
            options.batch_size
        )));
    }
    if run_id.is_empty() || run_id.len() > 64 || !run_id.is_ascii() {
        return Err(MigrationError::InvalidArgument("the plan run id must be 1-64 ASCII characters".into()));
    }
    let mut report = ApplyReport { run_id: run_id.to_owned(), rows: 0, batches: 0 };
    let mut rows = rows.into_iter();
    let size = options.batch_size;
    let mut batch: Vec<PlannedRow> = rows.by_ref().take(size).collect();
    while !batch.is_empty() {
        if cancel.load(Ordering::Relaxed) {
            return Err(MigrationError::Interrupted { done: report.rows, total });
        }
        // Build the next batch while the database works on this one: the upsert future runs
        // until it waits for the server, then the (synchronous) build runs.
        let (written, next) = tokio::join!(store.upsert_planned(&batch, run_id), async {
            rows.by_ref().take(size).collect::<Vec<PlannedRow>>()
        });
        report.rows += written?;
        batch = next;
        report.batches += 1;
        progress(Progress { done: report.rows, total });
        if !options.pause.is_zero() {
            tokio::time::sleep(options.pause).await;
        }
    }
    Ok(report)
}
