//! `halext migrate init|status|export|rollback|link|unlink`: the mapping table itself.

use std::io::Write;

use halext_core::Code;
use halext_core::mapping::store::{ExportFilter, SiteStatus, StatusReport};
use halext_core::mapping::{LinkMethod, Mapping, MigrationError, csv_cell};
use serde_json::json;

use super::migrate::{
    Ctx, ExportArgs, LinkArgs, RollbackArgs, UnlinkArgs, store_failure, usage, write_atomically,
};
use crate::cli::Format;
use crate::exit::Exit;
use crate::output::{Failure, Output};
use crate::progress::{Stopwatch, group, rate_line};

/// `halext migrate init`.
pub(super) fn init(ctx: &Ctx, out: &Output) -> Result<Exit, Failure> {
    let store = ctx.store()?;
    let (existed, database, version) = ctx
        .rt
        .block_on(async {
            let existed = store.table_info().await?.is_some();
            store.init().await?;
            let (db, version) = store.location().await?;
            Ok::<_, MigrationError>((existed, db, version))
        })
        .map_err(store_failure)?;
    let database = database.unwrap_or_else(|| "(none)".into());
    let where_ = format!("database `{database}` on {} ({version})", store.server_address());
    let verb = if existed { "already exists" } else { "created" };
    out.result(
        &format!("mapping table `{}` {verb} in {where_}\n", store.table()),
        &json!({"table": store.table(), "created": !existed, "database": database,
                "server": store.server_address(), "server_version": version}),
    );
    Ok(Exit::Ok)
}

fn status_line(name: &str, s: &SiteStatus) -> String {
    let c = &s.counts;
    format!(
        "{name:<16} {:>10} {:>10} {:>10} {:>10} {:>12}\n",
        group(c.planned),
        group(c.linked),
        group(c.conflict),
        group(c.skipped),
        group(s.linked_last_24h)
    )
}

/// The human table of `halext migrate status`.
fn status_text(table: &str, report: &StatusReport) -> String {
    let mut t = format!("mapping table `{table}`\n");
    t.push_str(&format!(
        "{:<16} {:>10} {:>10} {:>10} {:>10} {:>12}\n",
        "site", "planned", "linked", "conflict", "skipped", "linked 24h"
    ));
    for (site, s) in &report.by_site {
        t.push_str(&status_line(site, s));
    }
    t.push_str(&status_line("total", &report.total));
    if report.total.counts.conflict > 0 {
        t.push_str(&format!(
            "{} conflict(s) need an operator: halext migrate export --status conflict\n",
            group(report.total.counts.conflict)
        ));
    }
    t
}

/// `halext migrate status`.
pub(super) fn status(ctx: &Ctx, out: &Output) -> Result<Exit, Failure> {
    let store = ctx.store()?;
    let report = ctx.rt.block_on(store.status_report()).map_err(store_failure)?;
    out.result(&status_text(store.table(), &report), &json!({"table": store.table(), "status": report}));
    Ok(Exit::Ok)
}

const CSV_HEADER: [&str; 13] = [
    "site",
    "legacy_id",
    "halext_username",
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

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Streams the rows into `w` as CSV or a JSON array; returns the rows written.
fn export_into<W: Write + Send>(ctx: &Ctx, filter: &ExportFilter, json: bool, w: W) -> Result<u64, Failure> {
    let store = ctx.store()?;
    let io = |e: std::io::Error| MigrationError::Internal(format!("writing the export: {e}"));
    let n = if json {
        let mut w = w;
        let mut first = true;
        let result = ctx.rt.block_on(async {
            w.write_all(b"[").map_err(io)?;
            let n = store
                .export(filter, &mut |m: Mapping| {
                    if !first {
                        w.write_all(b",\n").map_err(io)?;
                    }
                    first = false;
                    serde_json::to_writer(&mut w, &m)
                        .map_err(|e| MigrationError::Internal(format!("writing the export: {e}")))
                })
                .await?;
            w.write_all(b"]\n").map_err(io)?;
            w.flush().map_err(io)?;
            Ok::<u64, MigrationError>(n)
        });
        result.map_err(store_failure)?
    } else {
        let mut csv = csv::Writer::from_writer(w);
        let cerr = |e: csv::Error| MigrationError::Internal(format!("writing the export: {e}"));
        let result = ctx.rt.block_on(async {
            csv.write_record(CSV_HEADER).map_err(cerr)?;
            let n = store
                .export(filter, &mut |m: Mapping| {
                    let text = |s: Option<String>| csv_cell(&opt(s)).into_owned();
                    csv.write_record([
                        m.site.to_string(),
                        m.legacy_id.to_string(),
                        text(m.halext_username),
                        opt(m.halext_user_id),
                        text(m.halext_email),
                        text(m.full_name),
                        m.status.as_str().to_owned(),
                        m.link_method.as_str().to_owned(),
                        csv_cell(&m.reason).into_owned(),
                        opt(m.plan_run),
                        m.created_at.to_string(),
                        m.updated_at.to_string(),
                        opt(m.linked_at),
                    ])
                    .map_err(cerr)
                })
                .await?;
            csv.flush().map_err(io)?;
            Ok::<u64, MigrationError>(n)
        });
        result.map_err(store_failure)?
    };
    Ok(n)
}

/// `halext migrate export`.
pub(super) fn export(ctx: &Ctx, args: &ExportArgs, out: &Output) -> Result<Exit, Failure> {
    let filter = ExportFilter { site: args.site.clone(), status: args.status.map(Into::into) };
    let json = out.format() == Format::Json;
    let watch = Stopwatch::start();
    let n = match &args.output {
        Some(path) => {
            let mut n = 0;
            write_atomically(path, ctx.interrupt, |w| {
                n = export_into(ctx, &filter, json, w)?;
                Ok(())
            })?;
            ctx.progress.note(format!("exported {} to {}", rate_line(n, watch.elapsed()), path.display()));
            n
        }
        None => export_into(ctx, &filter, json, std::io::BufWriter::new(std::io::stdout()))?,
    };
    if args.output.is_none() {
        ctx.progress.note(format!("exported {}", rate_line(n, watch.elapsed())));
    }
    Ok(Exit::Ok)
}

/// `halext migrate rollback`.
pub(super) fn rollback(ctx: &Ctx, args: &RollbackArgs, out: &Output) -> Result<Exit, Failure> {
    let run = args.plan_run.trim();
    if run.is_empty() || run.len() > 64 || !run.is_ascii() {
        return Err(usage(Code::InvalidArgument, "--plan-run takes the run id plan and apply printed"));
    }
    let store = ctx.store()?;
    let (deletable, linked) = ctx.rt.block_on(store.plan_run_counts(run)).map_err(store_failure)?;
    if !args.yes {
        out.result(
            &format!(
                "plan run {run}: {} row(s) would be deleted, {} linked row(s) kept\nnothing was deleted: add --yes to do it\n",
                group(deletable),
                group(linked)
            ),
            &json!({"plan_run": run, "deleted": 0, "would_delete": deletable, "linked_kept": linked, "dry_run": true}),
        );
        return Ok(Exit::Ok);
    }
    let deleted = ctx.rt.block_on(store.rollback_plan(run)).map_err(store_failure)?;
    out.result(
        &format!("plan run {run}: {} row(s) deleted, {} linked row(s) kept\n", group(deleted), group(linked)),
        &json!({"plan_run": run, "deleted": deleted, "linked_kept": linked, "dry_run": false}),
    );
    Ok(Exit::Ok)
}

fn check_site(ctx: &Ctx, site: &str) -> Result<(), Failure> {
    if ctx.cfg.site(site).is_none() {
        return Err(usage(
            Code::InvalidArgument,
            format!("unknown site {site:?} (not in the configuration)"),
        ));
    }
    Ok(())
}

/// `halext migrate link`.
pub(super) fn link(ctx: &Ctx, args: &LinkArgs, out: &Output) -> Result<Exit, Failure> {
    check_site(ctx, &args.site)?;
    let store = ctx.store()?;
    let m = ctx
        .rt
        .block_on(store.link(
            &args.site,
            args.id,
            &args.username,
            None,
            LinkMethod::Manual,
            None,
            &args.reason,
        ))
        .map_err(store_failure)?;
    out.result(
        &format!(
            "{}:{} is linked to the Halext account {:?} (manual)\n",
            m.site,
            m.legacy_id,
            m.halext_username.as_deref().unwrap_or("")
        ),
        &json!({"mapping": m}),
    );
    Ok(Exit::Ok)
}

/// `halext migrate unlink`.
pub(super) fn unlink(ctx: &Ctx, args: &UnlinkArgs, out: &Output) -> Result<Exit, Failure> {
    check_site(ctx, &args.site)?;
    let store = ctx.store()?;
    ctx.rt.block_on(store.unlink(&args.site, args.id, &args.reason)).map_err(store_failure)?;
    out.result(
        &format!(
            "{}:{} is back to planned; its Halext account is untouched (the next login links it again)\n",
            args.site, args.id
        ),
        &json!({"site": args.site, "legacy_id": args.id, "status": "planned"}),
    );
    Ok(Exit::Ok)
}
