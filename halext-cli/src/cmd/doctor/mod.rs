//! `halext doctor`: checks an installation one line per check — `OK`, `WARN`, `FAIL` or `SKIP`,
//! with a hint for anything not OK — and exits 1 if any check failed.
//!
//! Structure (for adding checks): a check is a [`Check`] — a name and a function
//! `fn(&mut Context) -> Outcome` — in the list [`checks`] returns, run in order. Checks share
//! what earlier ones found through [`Context`] (the client, the token a login check obtained,
//! the parsed `halext.toml`), and skip themselves when what they need is missing. The Halext
//! checks are in `halext.rs`. The per-site checks (legacy database connectivity, the users
//! table against its profile, the mapping table's health) are in `sites.rs`: they run after
//! the Halext checks on the sites of the `halext.toml` the `config` check read, and appear
//! with their scope (`site acmlm`, `mapping`) in front of their name. `--only halext|sites`
//! runs one half.

mod halext;
mod sites;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use halext_core::Secret;
use halext_core::api::{AccessToken, BlockingClient, ClientConfig};
use halext_core::config::HalextToml;
use serde_json::{Value, json};

use super::client::ClientArgs;
use crate::exit::Exit;
use crate::output::{Failure, Output};

/// Arguments of `halext doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Check logging in as this user (username or email); the password comes from
    /// --password-env or --password-file.
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,

    /// Read the password from environment variable VAR (or the file named by VAR_FILE).
    #[arg(long, value_name = "VAR", conflicts_with = "password_file", requires = "username")]
    pub password_env: Option<String>,

    /// Read the password from a file (- for stdin).
    #[arg(long, value_name = "FILE|-", requires = "username")]
    pub password_file: Option<PathBuf>,

    /// Read the Halext SECRET_KEY (to check that tokens validate locally) from environment
    /// variable VAR (or VAR_FILE). Default: HALEXT_JWT_SECRET / HALEXT_JWT_SECRET_FILE if set.
    #[arg(long, value_name = "VAR", conflicts_with = "jwt_secret_file")]
    pub jwt_secret_env: Option<String>,

    /// Read the Halext SECRET_KEY from a file.
    #[arg(long, value_name = "FILE")]
    pub jwt_secret_file: Option<PathBuf>,

    /// Largest clock difference with the server reported as OK, in seconds (beyond it: WARN;
    /// beyond 60 s: FAIL).
    #[arg(long, value_name = "SECONDS", default_value_t = 2)]
    pub max_skew: u64,

    /// Run only the Halext checks or only the site checks (default: both).
    #[arg(long, value_enum, value_name = "PART")]
    pub only: Option<Part>,

    /// Site checks: look at most this many mapping rows per site up in the legacy table
    /// (rows pointing at deleted legacy accounts).
    #[arg(long, default_value_t = 1_000_000, value_name = "ROWS")]
    pub orphan_limit: u64,

    /// Site checks: give up on a database after this many milliseconds.
    #[arg(long, default_value_t = 5000, value_name = "MS")]
    pub db_timeout_ms: u64,

    /// Where Halext is (the checks make single attempts unless --retries is given).
    #[command(flatten)]
    pub client: ClientArgs,
}

/// A half of `halext doctor` (`--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// Halext: configuration, health, version, clock, login, tokens, OpenWebUI.
    Halext,
    /// Each `[[site]]` of halext.toml and the `[mapping]` table.
    Sites,
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but something needs attention.
    Warn,
    /// Broken: `halext doctor` exits 1.
    Fail,
    /// Not run: what it needs was not given or an earlier check failed.
    Skip,
}

impl Status {
    /// `OK`, `WARN`, `FAIL`, `SKIP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

/// The result of one check: a status, one line of detail, and a hint (for WARN/FAIL/SKIP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// What was found (never a secret or a token).
    pub detail: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Outcome {
    /// An OK outcome.
    pub fn ok(detail: impl Into<String>) -> Self {
        Outcome { status: Status::Ok, detail: detail.into(), hint: None }
    }

    /// A WARN outcome with a hint.
    pub fn warn(detail: impl Into<String>, hint: impl Into<String>) -> Self {
        Outcome { status: Status::Warn, detail: detail.into(), hint: Some(hint.into()) }
    }

    /// A FAIL outcome with a hint.
    pub fn fail(detail: impl Into<String>, hint: impl Into<String>) -> Self {
        Outcome { status: Status::Fail, detail: detail.into(), hint: Some(hint.into()) }
    }

    /// A SKIP outcome with a hint.
    pub fn skip(detail: impl Into<String>, hint: impl Into<String>) -> Self {
        Outcome { status: Status::Skip, detail: detail.into(), hint: Some(hint.into()) }
    }
}

/// What the checks share, filled in as they run.
pub struct Context {
    /// The command's arguments.
    pub args: DoctorArgs,
    /// The parsed `halext.toml`, when one was given and is valid.
    pub toml: Option<HalextToml>,
    /// The client configuration, once the `config` check built it.
    pub config: Option<ClientConfig>,
    /// The client, once the `config` check built it.
    pub client: Option<BlockingClient>,
    /// False once Halext proved unreachable (later network checks skip).
    pub reachable: bool,
    /// The token the `login` check obtained.
    pub token: Option<AccessToken>,
    /// The password, read once.
    pub password: Option<Secret>,
}

/// One check: its name (one word, shown in the report) and what it does.
pub struct Check {
    /// e.g. `health`.
    pub name: &'static str,
    /// Runs it.
    pub run: fn(&mut Context) -> Outcome,
}

/// Every check, in the order they run. Add a capability's checks by appending its list.
pub fn checks() -> Vec<Check> {
    halext::checks()
}

/// Runs every check, prints one line each (human) or one JSON document, and exits 1 if any
/// failed (2 when the arguments themselves are unusable).
///
/// # Errors
/// A usage failure for unreadable password or secret sources.
pub fn run(args: DoctorArgs, out: &Output) -> Result<Exit, Failure> {
    let password =
        super::client::secret(args.password_env.as_deref(), args.password_file.as_deref(), "password")?;
    if args.username.is_some() && password.is_none() {
        return Err(Failure::new(
            Exit::Usage,
            halext_core::Code::InvalidArgument,
            "--username needs --password-env VAR or --password-file FILE (never a password on the command line)",
        ));
    }
    let mut ctx =
        Context { args, toml: None, config: None, client: None, reachable: true, token: None, password };
    let only = ctx.args.only;
    let mut rows: Vec<(String, String, Outcome)> = Vec::new();
    for check in checks() {
        if only == Some(Part::Sites) && check.name != "config" {
            continue;
        }
        let outcome = (check.run)(&mut ctx);
        if only == Some(Part::Sites) && outcome.status != Status::Fail {
            continue; // the configuration was read: the site checks report the rest
        }
        rows.push(("halext".to_owned(), check.name.to_owned(), outcome));
    }
    if only != Some(Part::Halext) {
        match &ctx.toml {
            Some(toml) => rows.extend(site_rows(toml, &ctx.args)?),
            None if only == Some(Part::Sites) => rows.push((
                "sites".to_owned(),
                "config".to_owned(),
                Outcome::fail("no halext.toml", "name one with --config or HALEXT_CONFIG"),
            )),
            None => {}
        }
    }
    let count = |s: Status| rows.iter().filter(|(_, _, o)| o.status == s).count();
    let (ok, warn, fail, skip) =
        (count(Status::Ok), count(Status::Warn), count(Status::Fail), count(Status::Skip));
    let label = |scope: &str, name: &str| {
        if scope == "halext" { name.to_owned() } else { format!("{scope}: {name}") }
    };
    let width = rows.iter().map(|(s, n, _)| label(s, n).len()).max().unwrap_or(0);
    let mut human = String::new();
    for (scope, name, o) in &rows {
        let name = label(scope, name);
        human.push_str(&format!("{:<5} {name:<width$}  {}\n", o.status.as_str(), o.detail));
        if let Some(hint) = &o.hint {
            human.push_str(&format!("{:<5} {:<width$}  hint: {hint}\n", "", ""));
        }
    }
    human.push_str(&format!("doctor: {ok} OK, {warn} WARN, {fail} FAIL, {skip} SKIP\n"));
    let list: Vec<Value> = rows
        .iter()
        .map(|(scope, name, o)| {
            json!({"scope": scope, "name": name, "status": o.status.as_str(), "detail": o.detail, "hint": o.hint})
        })
        .collect();
    let doc = json!({
        "checks": list,
        "summary": {"ok": ok, "warn": warn, "fail": fail, "skip": skip},
        "healthy": fail == 0,
    });
    out.result(&human, &doc);
    Ok(if fail > 0 { Exit::CheckFailed } else { Exit::Ok })
}

/// The site checks of `toml` as report rows (scope, name, outcome); `Info` findings are OK
/// lines.
fn site_rows(toml: &HalextToml, args: &DoctorArgs) -> Result<Vec<(String, String, Outcome)>, Failure> {
    let opts = sites::SiteCheckOptions {
        orphan_limit: args.orphan_limit,
        timeout: Duration::from_millis(args.db_timeout_ms.max(1)),
    };
    let checks = crate::config::runtime()?.block_on(sites::site_checks(toml, opts));
    Ok(checks
        .into_iter()
        .map(|c| {
            let outcome = match c.status {
                sites::Status::Ok | sites::Status::Info => Outcome::ok(c.detail),
                sites::Status::Warn => Outcome { status: Status::Warn, detail: c.detail, hint: None },
                sites::Status::Fail => Outcome { status: Status::Fail, detail: c.detail, hint: None },
            };
            (c.scope, c.name, outcome)
        })
        .collect())
}
