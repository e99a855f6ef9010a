//! Shared support for halext-core's integration tests.
//!
//! Include with `mod common;` from a file in `halext-core/tests/`. Not every test file uses
//! every helper.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The repository root (parent of `halext-core`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A path under `tests/data/` or `examples/data/` of this repository.
pub fn data_path(rel: &str) -> PathBuf {
    repo_root().join(rel)
}

/// The throwaway MariaDB for tests, as a URL without a database, e.g.
/// `mysql://halext:halext@127.0.0.1:33306`.
///
/// Uses `HALEXT_TEST_MYSQL_URL` when set (the Makefile sets it); otherwise starts the
/// instance with `scripts/mariadb.sh start` (idempotent) and asks it for the URL. Panics with
/// the script's output when MariaDB cannot be started: a test that needs a database never
/// silently skips.
pub fn mysql_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("HALEXT_TEST_MYSQL_URL") {
            return url;
        }
        let script = repo_root().join("scripts/mariadb.sh");
        let out = Command::new(&script).arg("start").output().expect("run scripts/mariadb.sh");
        assert!(
            out.status.success(),
            "scripts/mariadb.sh start failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let env = Command::new(&script).arg("env").output().expect("run scripts/mariadb.sh env");
        String::from_utf8_lossy(&env.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("HALEXT_TEST_MYSQL_URL=").map(str::to_owned))
            .expect("scripts/mariadb.sh env prints HALEXT_TEST_MYSQL_URL")
    })
    .clone()
}

/// Creates (or empties) a database named `prefix_<pid>` for one test, loads the given SQL
/// files into it (paths relative to the repo root), and returns its DSN.
///
/// The database is marked with a schema comment naming this machine's pid namespace; the first
/// call in a process drops, best effort, the marked databases of the same namespace whose
/// process has ended, so a long-lived development instance does not fill up with them. Nothing
/// else is ever dropped (the PHP tests' and benchmarks' databases, a database of the same name
/// pattern that is not a test's).
pub fn fresh_database(prefix: &str, sql_files: &[&str]) -> String {
    let base = mysql_url();
    let name = format!("{prefix}_{}", std::process::id());
    let client = |db: Option<&str>, input: Option<&PathBuf>, sql: Option<&str>| -> Result<String, String> {
        let mut cmd = Command::new("mariadb");
        let (host_port, user, pass) = parse(&base);
        cmd.args([
            "--no-defaults",
            "--protocol=tcp",
            "-N",
            "-h",
            &host_port.0,
            "-P",
            &host_port.1,
            "-u",
            &user,
        ])
        .arg(format!("-p{pass}"));
        if let Some(db) = db {
            cmd.arg(db);
        }
        if let Some(sql) = sql {
            cmd.args(["-e", sql]);
        }
        if let Some(file) = input {
            cmd.stdin(std::fs::File::open(file).expect("open sql file"));
        }
        let out = cmd.output().map_err(|e| format!("run mariadb client: {e}"))?;
        if !out.status.success() {
            return Err(format!("mariadb client failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    // `pid:[4026531836]`: pids are only comparable within one namespace.
    let namespace =
        std::fs::read_link("/proc/self/ns/pid").map(|l| l.display().to_string()).unwrap_or_default();
    let marker = format!("halext-test {namespace}");
    static SWEPT: OnceLock<()> = OnceLock::new();
    SWEPT.get_or_init(|| {
        let Ok(marked) = client(
            None,
            None,
            Some(&format!(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_COMMENT = '{marker}'"
            )),
        ) else {
            return;
        };
        for db in marked.lines() {
            let ended = db.rsplit_once('_').and_then(|(_, pid)| pid.parse::<u32>().ok()).is_some_and(|pid| {
                pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            });
            if ended {
                let _ = client(None, None, Some(&format!("DROP DATABASE IF EXISTS `{db}`")));
            }
        }
    });
    let must = |r: Result<String, String>| r.unwrap_or_else(|e| panic!("{e}"));
    must(client(
        None,
        None,
        Some(&format!("DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` COMMENT '{marker}'")),
    ));
    for f in sql_files {
        must(client(Some(&name), Some(&repo_root().join(f)), None));
    }
    format!("{base}/{name}")
}

fn parse(url: &str) -> ((String, String), String, String) {
    let rest = url.strip_prefix("mysql://").expect("mysql:// URL");
    let (cred, host) = rest.split_once('@').expect("user:pass@host");
    let (user, pass) = cred.split_once(':').unwrap_or((cred, ""));
    let host = host.split('/').next().unwrap_or(host);
    let (h, p) = host.split_once(':').unwrap_or((host, "3306"));
    ((h.to_owned(), p.to_owned()), user.to_owned(), pass.to_owned())
}
