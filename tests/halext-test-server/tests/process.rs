//! The `halext-test-server` binary as PHP/C test runners use it: one `listening on` line,
//! secrets from a file or the environment, seeding, and a clean exit on stdin close or SIGTERM.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

fn start(args: &[&str], env: &[(&str, &str)]) -> (Child, String, BufReader<ChildStdout>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_halext-test-server"));
    cmd.args(["--listen", "127.0.0.1:0"]).args(args).stdin(Stdio::piped()).stdout(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn halext-test-server");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("read the ready line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .to_owned();
    (child, url, out)
}

/// (status, body) of one exchange.
fn http(url: &str, method: &str, path: &str, content_type: &str, body: &str) -> (u16, String) {
    let ct = format!("Content-Type: {content_type}");
    let r = support::http(url, method, path, &[&ct], body);
    (r.status, r.body)
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if start.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            panic!("the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serves_with_a_secret_from_the_environment_and_exits_when_stdin_closes() {
    let (mut child, url, mut out) =
        start(&["--secret-key-env", "TEST_SK", "--exit-on-stdin-close"], &[("TEST_SK", "process-secret")]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let (status, body) = http(&url, "GET", "/api/health", "text/plain", "");
    assert_eq!(status, 200);
    assert!(body.contains("\"healthy\""), "{body}");
    let seed = r#"{"username": "ann", "email": "ann@example.org", "password": "pw", "rounds": 1000}"#;
    assert_eq!(http(&url, "POST", "/__test/users", "application/json", seed).0, 200);
    let (status, body) =
        http(&url, "POST", "/token", "application/x-www-form-urlencoded", "username=ann&password=pw");
    assert_eq!(status, 200, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).expect("json");
    let token = token["access_token"].as_str().expect("token");
    let key = jsonwebtoken::DecodingKey::from_secret(b"process-secret").expect("key");
    let claims = jsonwebtoken::decode::<serde_json::Value>(
        token,
        &key,
        &jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256),
    )
    .expect("signed with the SECRET_KEY from the environment")
    .claims;
    assert_eq!(claims["sub"], "ann");
    drop(child.stdin.take());
    assert!(wait_exit(&mut child).success());
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("stdout");
    assert_eq!(rest, "", "only one line on stdout");
}

#[test]
fn reads_files_seeds_users_and_exits_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (key, code, seeds) = (dir.path().join("key"), dir.path().join("code"), dir.path().join("users.json"));
    std::fs::write(&key, "file-secret\n").expect("write");
    std::fs::write(&code, "open-sesame\n").expect("write");
    std::fs::write(&seeds, r#"[{"username": "root", "email": "root@example.org", "password": "pw", "is_admin": true, "rounds": 1000}]"#)
        .expect("write");
    let path = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let (key_s, code_s, seeds_s) = (path(&key), path(&code), path(&seeds));
    let (mut child, url, _out) =
        start(&["--secret-key-file", &key_s, "--access-code-file", &code_s, "--seed-file", &seeds_s], &[]);
    let (status, _) =
        http(&url, "POST", "/token", "application/x-www-form-urlencoded", "username=root&password=pw");
    assert_eq!(status, 200, "seeded user logs in");
    let reg = r#"{"username": "x", "email": "x@example.org", "password": "pw"}"#;
    let (status, body) = http(&url, "POST", "/users/", "application/json", reg);
    assert_eq!((status, body.as_str()), (401, r#"{"detail":"Access code required"}"#));
    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    assert!(wait_exit(&mut child).success(), "SIGTERM is a clean exit");
}

#[test]
fn refuses_a_missing_secret() {
    let out = Command::new(env!("CARGO_BIN_EXE_halext-test-server"))
        .args(["--secret-key-env", "HALEXT_TEST_SURELY_UNSET_VAR"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("HALEXT_TEST_SURELY_UNSET_VAR"));
    assert!(out.stdout.is_empty());
}
