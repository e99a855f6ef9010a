//! The command line, as clap derive types. Add a command family by adding a [`Command`] variant
//! whose arguments live in `cmd/<family>.rs`, and a match arm in `main`.

use clap::{Parser, Subcommand, ValueEnum};

use crate::cmd;

/// halext: validate Halext tokens, check the Halext API, migrate legacy users.
///
/// Secrets are never taken from the command line (other users of the machine can read it): they
/// come from environment variables or files. Exit status: 0 success, 1 check failed (e.g. an
/// invalid token), 2 usage or configuration error, 130 interrupted (Ctrl-C, SIGTERM): rerun to
/// resume.
#[derive(Debug, Parser)]
#[command(name = "halext", version, propagate_version = true)]
pub struct Cli {
    /// Output format: human-readable text, or one JSON document on stdout (errors included);
    /// `csv` for the commands that print tables (`migrate plan`, `migrate export`).
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// More log output on stderr (-v info, -vv debug). HALEXT_LOG (e.g. "halext_core=debug") overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Human,
    /// One JSON object on stdout (for scripts); errors too, as `{"error": {...}}`.
    Json,
    /// RFC 4180 CSV with a header row (`migrate plan`, `migrate export` only); errors as text
    /// on stderr.
    Csv,
}

/// The command families.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect and verify tokens (Halext access tokens, OpenWebUI SSO tokens, any JWT).
    #[command(subcommand)]
    Token(cmd::token::TokenCommand),
    /// Call any Halext API route and print its JSON answer (token from --token-env/--token-file).
    #[command(subcommand)]
    Api(cmd::api::ApiCommand),
    /// Check the installation: Halext reachable, version, clock skew, login, token validation;
    /// each configured legacy site (connectivity, users table vs profile) and the mapping table.
    ///
    /// One line per check (OK, WARN, FAIL or SKIP) with a hint; exit status 1 if any check failed.
    Doctor(Box<cmd::doctor::DoctorArgs>),
    /// Migrate legacy users onto Halext accounts: init, plan, apply, status, export, rollback.
    Migrate(cmd::migrate::MigrateArgs),
    /// Check legacy password hashes: verify a password (from stdin) or identify a format.
    #[command(subcommand)]
    Hash(cmd::hash::HashCommand),
}

impl Command {
    /// Whether the command can print CSV (`--format csv`).
    pub fn supports_csv(&self) -> bool {
        match self {
            Command::Migrate(m) => m.supports_csv(),
            _ => false,
        }
    }
}
