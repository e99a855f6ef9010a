//! `halext doctor`, run as the built binary against the in-process test server: every check's
//! OK / WARN / FAIL / SKIP with its hint, the exit status (1 when any check fails), JSON output,
//! credentials and the secret from the environment or files.
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::{Command, Output};

use halext_test_server::{SeedUser, ServerConfig, ServerHandle};

const SECRET: &str = "doctor-secret-0123456789-0123456789-abc";

fn server(f: impl FnOnce(&mut ServerConfig)) -> ServerHandle {
    let mut cfg = ServerConfig {
        secret_key: SECRET.into(),
        access_code: "doctor-code".into(),
        ..ServerConfig::default()
    };
    f(&mut cfg);
    let s = halext_test_server::spawn(cfg).unwrap();
    let mut seed = SeedUser::new("ann", "ann@example.org", "ann-password");
    seed.rounds = Some(1000);
    s.seed_user(seed).unwrap();
    s
}

fn halext(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_halext"));
    cmd.args(args).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The status of each check, from the JSON report, in order.
fn statuses(o: &Output) -> Vec<(String, String)> {
    let doc: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn status_of(o: &Output, name: &str) -> String {
    statuses(o).into_iter().find(|(n, _)| n == name).map(|(_, s)| s).unwrap_or_default()
}

#[test]
fn everything_ok_with_credentials_and_the_secret() {
    let s = server(|_| {});
    let env = [("HALEXT_URL", s.url()), ("PW", "ann-password"), ("HALEXT_JWT_SECRET", SECRET)];
    let o = halext(&["doctor", "--username", "ann", "--password-env", "PW"], &env);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    for line in [
        "OK    config",
        "OK    health ",
        "OK    version",
        "OK    clock",
        "OK    login",
        "OK    token ",
        "OK    token-secret",
        "OK    openwebui",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    assert!(out.ends_with("doctor: 8 OK, 0 WARN, 0 FAIL, 0 SKIP\n"), "{out}");
    assert!(!out.contains("ann-password") && !out.contains(SECRET), "{out}");
    // The login by email, the password from a file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "ann-password\n").unwrap();
    let pw = dir.path().join("pw");
    let o = halext(
        &[
            "--format",
            "json",
            "doctor",
            "--username",
            "ann@example.org",
            "--password-file",
            pw.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(status_of(&o, "login"), "OK");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((doc["healthy"].as_bool(), doc["summary"]["ok"].as_u64()), (Some(true), Some(8)));
}

#[test]
fn failures_have_hints_and_exit_1() {
    let s = server(|_| {});
    let env = [
        ("HALEXT_URL", s.url()),
        ("PW", "wrong"),
        ("HALEXT_JWT_SECRET", "another-secret-0123456789-0123456789-x"),
    ];
    let o = halext(&["doctor", "--username", "ann", "--password-env", "PW"], &env);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL  login ") && out.contains("hint: wrong username/email or password"), "{out}");
    assert!(out.contains("SKIP  token ") && out.contains("SKIP  token-secret"), "{out}");

    // The right password but a secret that is not the server's.
    let env = [
        ("HALEXT_URL", s.url()),
        ("PW", "ann-password"),
        ("HALEXT_JWT_SECRET", "another-secret-0123456789-0123456789-x"),
    ];
    let o = halext(&["doctor", "--username", "ann", "--password-env", "PW"], &env);
    let out = text(&o.stdout);
    assert!(
        out.contains("FAIL  token-secret") && out.contains("it must be exactly the server's SECRET_KEY"),
        "{out}"
    );

    // An imported (non-pbkdf2) hash: Halext's /token crashes with a 500.
    let mut legacy = SeedUser::new("old", "old@example.org", "");
    legacy.password_hash = Some("$2y$10$abcdefghijklmnopqrstuuN8GuhbJSLyrwWMYPHFgvbMkmbqaJ6dG".into());
    s.seed_user(legacy).unwrap();
    let o = halext(&["--format", "json", "doctor", "--username", "old", "--password-env", "PW"], &env);
    assert_eq!(status_of(&o, "login"), "FAIL");
    assert!(text(&o.stdout).contains("non-pbkdf2"), "{}", text(&o.stdout));
}

#[test]
fn an_unreachable_halext_fails_health_and_skips_the_rest() {
    let o = halext(&["--format", "json", "doctor", "--url", "http://127.0.0.1:1"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let got = statuses(&o);
    assert_eq!(got[0], ("config".into(), "OK".into()));
    assert_eq!(got[1], ("health".into(), "FAIL".into()));
    assert!(got[2..].iter().all(|(_, s)| s == "SKIP"), "{got:?}");
    assert!(text(&o.stdout).contains("is Halext running and reachable"), "{}", text(&o.stdout));
    // No URL at all: the config check fails and says how to set it.
    let o = halext(&["doctor"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("FAIL  config") && text(&o.stdout).contains("set HALEXT_URL"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn clock_skew_is_reported_from_the_date_header() {
    for (offset, want, exit) in [(20, "WARN", 0), (-90, "FAIL", 1), (0, "OK", 0)] {
        let s = server(|c| c.date_offset_secs = offset);
        let o = halext(&["--format", "json", "doctor"], &[("HALEXT_URL", s.url())]);
        assert_eq!(status_of(&o, "clock"), want, "offset {offset}: {}", text(&o.stdout));
        assert_eq!(o.status.code(), Some(exit), "offset {offset}");
        if offset != 0 {
            let direction = if offset > 0 { "ahead of" } else { "behind" };
            assert!(text(&o.stdout).contains(direction), "{}", text(&o.stdout));
        }
    }
}

#[test]
fn server_warnings_and_plain_http_to_another_host_are_warnings() {
    let s = server(|c| c.access_code = String::new());
    let o = halext(&["doctor"], &[("HALEXT_URL", s.url())]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "warnings do not fail: {out}");
    assert!(out.contains("WARN  health") && out.contains("registration is open"), "{out}");
    let o =
        halext(&["--format", "json", "doctor", "--url", "http://192.0.2.1:9", "--timeout-ms", "200"], &[]);
    assert_eq!(status_of(&o, "config"), "WARN", "{}", text(&o.stdout));
}

#[test]
fn usage_errors_exit_2() {
    let o = halext(&["doctor", "--username", "ann"], &[("HALEXT_URL", "http://127.0.0.1:1")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("never a password on the command line"), "{}", text(&o.stderr));
    let o = halext(&["doctor", "--username", "ann", "--password-env", "UNSET"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("UNSET"), "{}", text(&o.stderr));
    let o = halext(&["doctor", "--password", "x"], &[]);
    assert_eq!(o.status.code(), Some(2));
}
