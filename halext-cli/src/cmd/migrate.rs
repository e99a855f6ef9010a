//! `halext migrate init|plan|apply|status|export|rollback|link|unlink`: the operator's
//! migration job over the sites and the mapping table of one `halext.toml` (the runbook is
//! `docs/migration.md`). Plan and apply live in `migrate_plan.rs`, the table commands in
//! `migrate_table.rs`; this file holds the arguments and what they share.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use halext_core::config::HalextToml;
use halext_core::legacy::MysqlSite;
use halext_core::mapping::{MappingStatus, MappingStore, MigrationError};
use halext_core::{AnyError, Code};

use super::{migrate_plan, migrate_table};
use crate::exit::Exit;
use crate::interrupt::{self, Interrupt};
use crate::output::{Failure, Output};
use crate::progress::Progress;

/// `halext migrate ...`
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The configuration file: sites, DSNs, salts, the mapping table and policies.
    #[arg(long, global = true, env = "HALEXT_CONFIG", default_value = "halext.toml", value_name = "FILE")]
    pub config: PathBuf,

    /// No progress bars and no progress lines on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// The step.
    #[command(subcommand)]
    pub command: MigrateCommand,
}

/// The steps of the runbook.
#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Create the mapping table if it does not exist (idempotent).
    Init,
    /// Read every site and decide each account's Halext username and email (writes nothing).
    ///
    /// Prints the summary and every conflict; `--format json|csv` prints the whole plan
    /// instead. `--output FILE` writes the plan to FILE (JSON, or CSV when FILE ends in .csv)
    /// for review; `apply --plan FILE` applies exactly that JSON file.
    Plan(PlanArgs),
    /// Record a plan in the mapping table, in batches (a fresh plan, or `--plan FILE`).
    ///
    /// Safe to run twice and safe to stop: Ctrl-C stops between batches (exit 130), a crash or
    /// kill -9 loses nothing; rerun to resume. Rows already linked are never changed.
    Apply(ApplyArgs),
    /// Rows per status and per site, and links made in the last 24 hours.
    Status,
    /// The mapping table as CSV (default) or JSON, streamed (any table size).
    Export(ExportArgs),
    /// Undo an apply: delete the rows a plan run wrote that are not linked.
    Rollback(RollbackArgs),
    /// Link a legacy account to an existing Halext account by hand (method `manual`).
    Link(LinkArgs),
    /// Put a linked account back to `planned` (the Halext account is not touched).
    Unlink(UnlinkArgs),
}

/// Arguments of `halext migrate plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Plan only these sites (repeatable; default: every `[[site]]`).
    #[arg(long = "site", value_name = "NAME")]
    pub sites: Vec<String>,

    /// Write the plan to FILE (JSON, or CSV when FILE ends in .csv), atomically.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `halext migrate apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Apply this reviewed plan (the JSON of `plan --output`) instead of planning afresh.
    #[arg(long, value_name = "FILE", conflicts_with = "sites")]
    pub plan: Option<PathBuf>,

    /// Plan and apply only these sites (repeatable; default: every `[[site]]`).
    #[arg(long = "site", value_name = "NAME")]
    pub sites: Vec<String>,

    /// Show what would be written, write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Rows per transaction (1 to 2000).
    #[arg(long, default_value_t = 1000, value_name = "ROWS")]
    pub batch_size: usize,

    /// Pause after each batch, in milliseconds (spares a busy production database).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub pause_ms: u64,
}

/// The `--status` values of export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Planned, not yet migrated.
    Planned,
    /// Linked to a Halext account.
    Linked,
    /// Needs an operator.
    Conflict,
    /// Not migrated.
    Skipped,
}

impl From<StatusArg> for MappingStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Planned => MappingStatus::Planned,
            StatusArg::Linked => MappingStatus::Linked,
            StatusArg::Conflict => MappingStatus::Conflict,
            StatusArg::Skipped => MappingStatus::Skipped,
        }
    }
}

/// Arguments of `halext migrate export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only this site.
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,

    /// Only rows with this status.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,

    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `halext migrate rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The plan run id that plan and apply printed (`{unix seconds}-{8 hex}`).
    #[arg(long, value_name = "ID")]
    pub plan_run: String,

    /// Really delete (without it, only show what would be deleted).
    #[arg(long)]
    pub yes: bool,
}

/// Arguments of `halext migrate link`.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The configured site name.
    #[arg(long, value_name = "NAME")]
    pub site: String,

    /// The legacy user id.
    #[arg(long, value_name = "N")]
    pub id: u64,

    /// The existing Halext account's username (exact case).
    #[arg(long, value_name = "NAME")]
    pub username: String,

    /// A note stored as the row's reason.
    #[arg(long, default_value = "manual link", value_name = "TEXT")]
    pub reason: String,
}

/// Arguments of `halext migrate unlink`.
#[derive(Debug, Args)]
pub struct UnlinkArgs {
    /// The configured site name.
    #[arg(long, value_name = "NAME")]
    pub site: String,

    /// The legacy user id.
    #[arg(long, value_name = "N")]
    pub id: u64,

    /// A note stored as the row's reason.
    #[arg(long, default_value = "unlinked by an operator", value_name = "TEXT")]
    pub reason: String,
}

impl MigrateArgs {
    /// Whether this step prints CSV with `--format csv`.
    pub fn supports_csv(&self) -> bool {
        matches!(self.command, MigrateCommand::Plan(_) | MigrateCommand::Export(_))
    }
}

/// What every step shares: the configuration, a runtime, progress and the interrupt flag.
pub(super) struct Ctx {
    pub(super) cfg: HalextToml,
    pub(super) rt: tokio::runtime::Runtime,
    pub(super) progress: Progress,
    pub(super) interrupt: &'static Interrupt,
    pub(super) config_path: PathBuf,
}

impl Ctx {
    /// The mapping store of `[mapping]` (no I/O yet).
    pub(super) fn store(&self) -> Result<MappingStore, Failure> {
        let config = self.cfg.store_config().map_err(Failure::from_error)?;
        MappingStore::new(&config).map_err(Failure::from_error)
    }

    /// The configured sites named in `names` (all when empty), in file order.
    pub(super) fn sites(&self, names: &[String]) -> Result<Vec<MysqlSite>, Failure> {
        if self.cfg.sites.is_empty() {
            return Err(usage(
                Code::Config,
                format!("{}: no [[site]] is configured", self.config_path.display()),
            ));
        }
        for n in names {
            if self.cfg.site(n).is_none() {
                let known: Vec<&str> = self.cfg.sites.iter().map(|s| s.name.as_str()).collect();
                return Err(usage(
                    Code::InvalidArgument,
                    format!("unknown site {n:?} (configured: {})", known.join(", ")),
                ));
            }
        }
        self.cfg
            .sites
            .iter()
            .filter(|s| names.is_empty() || names.contains(&s.name))
            .map(|s| MysqlSite::new(s).map_err(Failure::from_error))
            .collect()
    }
}

/// A usage/configuration failure.
pub(super) fn usage(code: Code, message: impl Into<String>) -> Failure {
    Failure::new(Exit::Usage, code, message)
}

/// A failure from a store error, with the fix when the table is missing.
pub(super) fn store_failure(e: MigrationError) -> Failure {
    let missing = matches!(&e, MigrationError::Store { detail } if detail.contains("doesn't exist"));
    let mut f = Failure::from_error(e);
    if missing {
        f.message.push_str(" (create it with: halext migrate init)");
    }
    f
}

/// A failure from any core error.
pub(super) fn failure(e: impl Into<AnyError>) -> Failure {
    Failure::from_error(e)
}

/// Writes a file atomically: `write` fills a temporary file next to `path`, which replaces
/// `path` only when `write` succeeded and no interrupt arrived meanwhile; otherwise the
/// temporary file is removed and `path` is untouched.
pub(super) fn write_atomically(
    path: &Path,
    interrupt: &Interrupt,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let io = |what: &str, e: std::io::Error| usage(Code::Io, format!("{what} {}: {e}", path.display()));
    let file = std::fs::File::create(&tmp).map_err(|e| io("cannot create a temporary file for", e))?;
    let mut w = std::io::BufWriter::new(file);
    let result = write(&mut w).and_then(|()| {
        let file = w.into_inner().map_err(|e| io("cannot write", e.into_error()))?;
        file.sync_all().map_err(|e| io("cannot write", e))
    });
    let result = result.and_then(|()| {
        if interrupt.is_set() {
            return Err(Failure::new(
                Exit::Interrupted,
                Code::MigrationInterrupted,
                format!("interrupted: {} was not written", path.display()),
            ));
        }
        std::fs::rename(&tmp, path).map_err(|e| io("cannot rename the temporary file onto", e))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Runs a `halext migrate` step.
///
/// # Errors
/// A [`Failure`] to print: exit 2 for configuration, database and usage problems, 130 when
/// interrupted.
pub fn run(args: MigrateArgs, out: &Output) -> Result<Exit, Failure> {
    let cfg = crate::config::load(&args.config)?;
    let ctx = Ctx {
        cfg,
        rt: crate::config::runtime()?,
        progress: Progress::new(args.quiet),
        interrupt: interrupt::install(),
        config_path: args.config.clone(),
    };
    match args.command {
        MigrateCommand::Init => migrate_table::init(&ctx, out),
        MigrateCommand::Plan(a) => migrate_plan::plan(&ctx, &a, out),
        MigrateCommand::Apply(a) => migrate_plan::apply(&ctx, &a, out),
        MigrateCommand::Status => migrate_table::status(&ctx, out),
        MigrateCommand::Export(a) => migrate_table::export(&ctx, &a, out),
        MigrateCommand::Rollback(a) => migrate_table::rollback(&ctx, &a, out),
        MigrateCommand::Link(a) => migrate_table::link(&ctx, &a, out),
        MigrateCommand::Unlink(a) => migrate_table::unlink(&ctx, &a, out),
    }
}
