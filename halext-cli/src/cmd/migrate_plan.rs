//! `halext migrate plan` and `halext migrate apply`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use halext_core::Code;
use halext_core::legacy::{BoxFuture, LegacyError, LegacyUser, MysqlSite, RejectedRow, UserSource};
use halext_core::mapping::apply::{
    ApplyOptions, ApplyReport, Progress as ApplyProgress, apply_plan, apply_rows,
};
use halext_core::mapping::plan::{Plan, PlanFile, Planner, check_accounts};
use halext_core::mapping::store::{ExportFilter, MAX_BATCH_ROWS};
use halext_core::mapping::{LinkedAccount, Mapping, MappingStatus, MappingStore, PlannedRow};
use indicatif::ProgressBar;
use serde_json::json;

use super::migrate::{ApplyArgs, Ctx, PlanArgs, failure, store_failure, usage, write_atomically};
use crate::cli::Format;
use crate::exit::Exit;
use crate::output::{Failure, Output};
use crate::progress::{Progress, Stopwatch, group, rate_line};

/// A site's reader that moves a progress bar and prints a summary line when it ends: after its
/// last page and the administrators it hands over then (WordPress's usermeta read), so the
/// line's time is the site's whole read.
struct Counted {
    inner: halext_core::legacy::source::MysqlUserSource,
    bar: ProgressBar,
    progress: Progress,
    started: Option<Stopwatch>,
}

impl Counted {
    async fn next(&mut self) -> Result<Option<Vec<LegacyUser>>, LegacyError> {
        self.started.get_or_insert_with(Stopwatch::start);
        let result = self.inner.next_batch().await;
        match &result {
            Ok(Some(_)) => Progress::set(&self.bar, self.inner.rows_read()),
            Ok(None) => {}
            Err(_) => self.bar.abandon(),
        }
        result
    }

    async fn admins(&mut self) -> Result<Vec<u64>, LegacyError> {
        let result = self.inner.deferred_admins().await;
        match &result {
            Ok(_) => {
                self.bar.finish_and_clear();
                let watch = *self.started.get_or_insert_with(Stopwatch::start);
                let site = self.inner.site().clone();
                self.progress
                    .note(format!("read {site}: {}", rate_line(self.inner.rows_read(), watch.elapsed())));
            }
            Err(_) => self.bar.abandon(),
        }
        result
    }
}

impl UserSource for Counted {
    fn site(&self) -> &Arc<str> {
        self.inner.site()
    }

    fn next_batch(&mut self) -> BoxFuture<'_, Result<Option<Vec<LegacyUser>>, LegacyError>> {
        Box::pin(self.next())
    }

    fn take_rejected(&mut self) -> Vec<RejectedRow> {
        self.inner.take_rejected()
    }

    fn deferred_admins(&mut self) -> BoxFuture<'_, Result<Vec<u64>, LegacyError>> {
        Box::pin(self.admins())
    }
}

/// The existing links to respect, or none (with a note) when the table does not exist yet.
async fn existing_links(ctx: &Ctx, store: &MappingStore) -> Result<Vec<LinkedAccount>, Failure> {
    match store.table_info().await.map_err(store_failure)? {
        Some(_) => store.linked().await.map_err(store_failure),
        None => {
            ctx.progress.note(format!(
                "note: the mapping table `{}` does not exist yet (halext migrate init): planning without existing links",
                store.table()
            ));
            Ok(Vec::new())
        }
    }
}

/// Reads the sites and plans; `Err` exit 130 when interrupted (nothing was written). The
/// whole read (links, row estimates, every site) races the interrupt, so a Ctrl-C stops it
/// even while a database does not answer.
fn make_plan(ctx: &Ctx, sites: &[String], store: Option<&MappingStore>) -> Result<Plan, Failure> {
    let sites: Vec<MysqlSite> = ctx.sites(sites)?;
    let work = async {
        let linked = match store {
            Some(s) => existing_links(ctx, s).await?,
            None => Vec::new(),
        };
        let mut sources: Vec<Box<dyn UserSource>> = Vec::with_capacity(sites.len());
        for site in &sites {
            // The bar's length: the server's table statistics (exact for MyISAM, an estimate
            // for InnoDB), never a COUNT(*) scan.
            let estimate = site.estimated_rows().await.ok().flatten().filter(|&n| n > 0);
            let bar = ctx.progress.rows(site.site_name(), estimate);
            sources.push(Box::new(Counted {
                inner: site.users().without_last_seen().defer_admins(),
                bar,
                progress: ctx.progress.clone(),
                started: None,
            }));
        }
        let planner = Planner::new(ctx.cfg.plan.clone()).with_linked(linked);
        let watch = Stopwatch::start();
        let plan = planner.plan(sources).await.map_err(failure)?;
        ctx.progress.note(format!("planned {}", rate_line(plan.len() as u64, watch.elapsed())));
        Ok(plan)
    };
    ctx.rt.block_on(async {
        tokio::select! {
            plan = work => plan,
            () = ctx.interrupt.wait() => Err(Failure::new(
                Exit::Interrupted,
                Code::MigrationInterrupted,
                "interrupted while reading the sites; nothing was written",
            )),
        }
    })
}

fn write_plan(plan: &Plan, path: &Path, w: &mut dyn Write) -> Result<(), Failure> {
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let r = if csv { plan.write_csv(w) } else { plan.write_json(w) };
    r.map_err(failure)
}

fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// `halext migrate plan`.
pub(super) fn plan(ctx: &Ctx, args: &PlanArgs, out: &Output) -> Result<Exit, Failure> {
    // The store is optional for a dry run: without [mapping] there are no links to keep.
    let store = match ctx.cfg.mapping {
        Some(_) => Some(ctx.store()?),
        None => {
            ctx.progress.note("note: no [mapping] section: planning without existing links");
            None
        }
    };
    let plan = make_plan(ctx, &args.sites, store.as_ref())?;
    let summary = plan.summary();
    if let Some(path) = &args.output {
        write_atomically(path, ctx.interrupt, |w| write_plan(&plan, path, w))?;
        let kind = if is_csv(path) { "CSV" } else { "JSON" };
        let mut human = summary.to_string();
        human.push_str(&format!(
            "\nplan written to {} ({kind}, {} decisions)\n",
            path.display(),
            group(plan.len() as u64)
        ));
        if !is_csv(path) {
            human.push_str(&format!("review it, then: halext migrate apply --plan {}\n", path.display()));
        }
        out.result(&human, &json!({"run_id": plan.run_id(), "summary": summary, "output": path}));
        return Ok(Exit::Ok);
    }
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let written = match out.format() {
        Format::Human => write!(w, "{summary}").map_err(|e| usage(Code::Io, format!("cannot write: {e}"))),
        Format::Json => plan.write_json(&mut w).map_err(failure),
        Format::Csv => plan.write_csv(&mut w).map_err(failure),
    };
    written.and_then(|()| w.flush().map_err(|e| usage(Code::Io, format!("cannot write: {e}"))))?;
    Ok(Exit::Ok)
}

/// Rows per site and status, for dry runs.
fn count_rows<'a>(
    rows: impl Iterator<Item = (&'a str, MappingStatus)>,
) -> BTreeMap<String, BTreeMap<&'static str, u64>> {
    let mut by_site: BTreeMap<String, BTreeMap<&'static str, u64>> = BTreeMap::new();
    for (site, status) in rows {
        if !by_site.contains_key(site) {
            by_site.insert(site.to_owned(), BTreeMap::new());
        }
        if let Some(counts) = by_site.get_mut(site) {
            *counts.entry(status.as_str()).or_default() += 1;
        }
    }
    by_site
}

fn dry_run_report(
    run_id: &str,
    by_site: &BTreeMap<String, BTreeMap<&'static str, u64>>,
    total: u64,
    out: &Output,
) -> Result<Exit, Failure> {
    let mut human = format!("dry run: apply would write {} rows under plan run {run_id}:\n", group(total));
    for (site, counts) in by_site {
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {}", group(*v))).collect();
        human.push_str(&format!("  {site}: {}\n", parts.join(", ")));
    }
    human.push_str("rows already linked in the table are kept as they are; nothing was written\n");
    out.result(&human, &json!({"dry_run": true, "run_id": run_id, "rows": total, "by_site": by_site}));
    Ok(Exit::Ok)
}

/// What `apply` writes: a fresh plan, or a reviewed plan file.
enum Source {
    Fresh(Plan),
    File(PlanFile),
}

/// Refuses a plan that would give two people one Halext account together with what the table
/// already holds: its links (a plan file may have been edited; a plan of some sites only saw
/// only those sites' links), and the rows planned for the sites this plan does not cover (a
/// plan of some sites only, `--site`, cannot see them). [`check_accounts`]; nothing is written
/// when it fails. A fresh plan of every site is not checked: the planner saw everything.
fn check_against_table(
    ctx: &Ctx,
    store: &MappingStore,
    source: &Source,
    some_sites: bool,
) -> Result<(), Failure> {
    if matches!(source, Source::Fresh(_)) && !some_sites {
        return Ok(()); // a fresh plan of every site pinned the links itself
    }
    let sites: BTreeSet<Arc<str>> = match source {
        Source::Fresh(p) => p.sites().iter().cloned().collect(),
        Source::File(f) => f.decisions.iter().map(|d| Arc::clone(&d.site)).collect(),
    };
    let checked = ctx.rt.block_on(async {
        if store.table_info().await?.is_none() {
            return Ok(None); // apply reports the missing table
        }
        let linked = store.linked().await?;
        let mut elsewhere = Vec::new();
        let filter = ExportFilter { site: None, status: Some(MappingStatus::Planned) };
        store
            .export(&filter, &mut |m: Mapping| {
                if !sites.contains(&m.site) {
                    elsewhere.push(PlannedRow {
                        site: m.site,
                        legacy_id: m.legacy_id,
                        status: m.status,
                        halext_username: m.halext_username,
                        halext_email: m.halext_email,
                        full_name: None,
                        reason: String::new(),
                    });
                }
                Ok(())
            })
            .await?;
        Ok::<_, halext_core::mapping::MigrationError>(Some((linked, elsewhere)))
    });
    let Some((linked, elsewhere)) = checked.map_err(store_failure)? else {
        return Ok(());
    };
    let result = match source {
        Source::File(f) => check_accounts(&f.decisions, &linked, &elsewhere),
        Source::Fresh(p) => check_accounts(&p.rows().collect::<Vec<_>>(), &linked, &elsewhere),
    };
    result.map_err(|e| {
        let hint = if elsewhere.is_empty() {
            ""
        } else {
            " (the table also has rows planned for other sites: plan every site together, without --site, so that the planner decides between them)"
        };
        failure(halext_core::mapping::MigrationError::InvalidArgument(format!("{e}{hint}")))
    })
}

/// `halext migrate apply`.
pub(super) fn apply(ctx: &Ctx, args: &ApplyArgs, out: &Output) -> Result<Exit, Failure> {
    if args.batch_size == 0 || args.batch_size > MAX_BATCH_ROWS {
        return Err(usage(Code::InvalidArgument, format!("--batch-size must be 1 to {MAX_BATCH_ROWS}")));
    }
    let store = ctx.store()?;
    let options =
        ApplyOptions { batch_size: args.batch_size, pause: std::time::Duration::from_millis(args.pause_ms) };
    let source = match &args.plan {
        Some(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| usage(Code::Io, format!("cannot read the plan {}: {e}", path.display())))?;
            let plan = PlanFile::read(std::io::BufReader::new(file)).map_err(failure)?;
            // A plan names sites by their configured names: rows for a site this configuration
            // does not know (a typo in an edited plan, a renamed site) would be written under a
            // name no login form ever resolves.
            for site in plan.decisions.iter().map(|d| &d.site).collect::<std::collections::BTreeSet<_>>() {
                if ctx.cfg.site(site).is_none() {
                    return Err(usage(
                        Code::InvalidArgument,
                        format!(
                            "the plan has rows for site {site:?}, which is not configured: fix the plan or the [[site]] names"
                        ),
                    ));
                }
            }
            Source::File(plan)
        }
        None => {
            let plan = make_plan(ctx, &args.sites, Some(&store))?;
            if !out.is_json() {
                println!("{}", plan.summary());
            }
            Source::Fresh(plan)
        }
    };
    check_against_table(ctx, &store, &source, !args.sites.is_empty())?;
    let (run_id, total) = match &source {
        Source::Fresh(p) => (p.run_id().to_owned(), p.row_count() as u64),
        Source::File(f) => (f.run_id.clone(), f.row_count() as u64),
    };
    if args.dry_run {
        let by_site = match &source {
            Source::Fresh(p) => count_rows(
                p.decisions().filter(|d| d.status != MappingStatus::Linked).map(|d| (&**d.site, d.status)),
            ),
            Source::File(f) => count_rows(
                f.decisions
                    .iter()
                    .filter(|d| d.status != MappingStatus::Linked)
                    .map(|d| (&*d.site, d.status)),
            ),
        };
        return dry_run_report(&run_id, &by_site, total, out);
    }
    let bar = ctx.progress.rows("apply", Some(total));
    let watch = Stopwatch::start();
    let mut on_batch = |p: ApplyProgress| Progress::set(&bar, p.done);
    let report: Result<ApplyReport, _> = ctx.rt.block_on(async {
        if store.table_info().await?.is_none() {
            return Err(halext_core::mapping::MigrationError::Store {
                detail: format!("Table `{}` doesn't exist", store.table()),
            });
        }
        match &source {
            Source::Fresh(p) => apply_plan(&store, p, &options, ctx.interrupt.flag(), &mut on_batch).await,
            Source::File(f) => {
                apply_rows(&store, &f.run_id, f.rows(), total, &options, ctx.interrupt.flag(), &mut on_batch)
                    .await
            }
        }
    });
    bar.finish_and_clear();
    let report = report.map_err(store_failure)?;
    let elapsed = watch.elapsed();
    ctx.progress.note(format!("applied {}", rate_line(report.rows, elapsed)));
    let human = format!(
        "applied plan run {}: {} rows in {} batches ({:.2} s)\nrerunning apply is safe; undo with: halext migrate rollback --plan-run {}\n",
        report.run_id,
        group(report.rows),
        group(report.batches),
        elapsed.as_secs_f64(),
        report.run_id
    );
    out.result(
        &human,
        &json!({"run_id": report.run_id, "rows": report.rows, "batches": report.batches,
                "seconds": elapsed.as_secs_f64()}),
    );
    Ok(Exit::Ok)
}
