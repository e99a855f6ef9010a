//! Shared support for the CLI's integration tests: the throwaway MariaDB of
//! `halext-core/tests/common` (the same `scripts/mariadb.sh`, `HALEXT_MYSQL_PORT`), the legacy
//! fixtures, a `halext.toml` per test, and running the built `halext` binary.
#![allow(dead_code, clippy::unwrap_used)]

#[path = "../../../halext-core/tests/common/mod.rs"]
pub mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The three fixture sites and a mapping database, with a `halext.toml` whose DSNs come from
/// files (as production passes them).
pub struct Sites {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub acmlm: String,
    pub wordpress: String,
    pub social: String,
    pub mapping: String,
}

/// Loads the fixtures into fresh databases named after `tag` and writes the configuration
/// (`extra` is appended to it: more sections or `[[site]]` tables).
pub fn sites(tag: &str, extra: &str) -> Sites {
    sites_at(tag, "http://127.0.0.1:9", extra)
}

/// [`sites`] with `[halext] url = halext_url` (a test server).
pub fn sites_at(tag: &str, halext_url: &str, extra: &str) -> Sites {
    let acmlm =
        common::fresh_database(&format!("cli_acmlm_{tag}"), &["examples/data/fixtures/acmlmboard.sql"]);
    let wordpress =
        common::fresh_database(&format!("cli_wp_{tag}"), &["examples/data/fixtures/wordpress.sql"]);
    let social = common::fresh_database(&format!("cli_social_{tag}"), &["examples/data/fixtures/zen3mp.sql"]);
    let mapping = common::fresh_database(&format!("cli_map_{tag}"), &[]);
    let dir = tempfile::tempdir().unwrap();
    for (name, dsn) in
        [("acmlm", &acmlm), ("wordpress", &wordpress), ("social", &social), ("mapping", &mapping)]
    {
        std::fs::write(dir.path().join(format!("{name}.dsn")), format!("{dsn}\n")).unwrap();
    }
    let d = dir.path().display();
    let config = dir.path().join("halext.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[halext]
url = "{halext_url}"
access_code = "letmein"

[mapping]
dsn_file = "{d}/mapping.dsn"

[plan]
site_priority = ["wordpress", "acmlm", "social"]
now = 1763800000

[[site]]
name = "acmlm"
profile = "acmlmboard"
dsn_file = "{d}/acmlm.dsn"
[site.acmlmboard]
legacylogin = true
pwdsalt = "Please change me!"
pwdsalt2 = "Addtional Salt. Please Change me!"

[[site]]
name = "wordpress"
profile = "wordpress"
dsn_file = "{d}/wordpress.dsn"

[[site]]
name = "social"
profile = "zen3mp"
dsn_file = "{d}/social.dsn"
{extra}
"#
        ),
    )
    .unwrap();
    Sites { dir, config, acmlm, wordpress, social, mapping }
}

/// `halext ARGS` with a clean environment (PATH plus `env`), `stdin` on stdin.
pub fn halext(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = spawn(args, env);
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// Starts `halext ARGS` (stdin, stdout and stderr piped).
pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_halext"));
    cmd.args(args).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// `halext ARGS… --config FILE` (global flags such as `--format` may come anywhere).
pub fn run(config: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(&["--config", config.to_str().unwrap()]);
    halext(&all, &[], "")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o.stdout)))
}

/// Asserts exit 0 and returns stdout.
#[track_caller]
pub fn ok(o: &Output) -> String {
    assert_eq!(code(o), 0, "stdout:\n{}\nstderr:\n{}", text(&o.stdout), text(&o.stderr));
    text(&o.stdout)
}

/// Runs SQL against a DSN (`mysql://user:pw@host:port/db`) with the mariadb client; returns
/// the tab-separated output without headers.
pub fn sql(dsn: &str, statement: &str) -> String {
    let rest = dsn.strip_prefix("mysql://").unwrap();
    let (cred, host) = rest.split_once('@').unwrap();
    let (user, pass) = cred.split_once(':').unwrap();
    let (hostport, db) = host.split_once('/').unwrap();
    let (h, p) = hostport.split_once(':').unwrap();
    let out = Command::new("mariadb")
        .args(["--no-defaults", "--protocol=tcp", "-h", h, "-P", p, "-u", user, "-N", "-B"])
        .arg(format!("-p{pass}"))
        .arg(db)
        .args(["-e", statement])
        .output()
        .unwrap();
    assert!(out.status.success(), "mariadb: {}", text(&out.stderr));
    text(&out.stdout)
}

/// One integer from a SQL query.
pub fn count(dsn: &str, statement: &str) -> u64 {
    sql(dsn, statement).trim().parse().unwrap()
}
