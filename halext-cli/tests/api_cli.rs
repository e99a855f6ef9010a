//! `halext api get|post|put|delete PATH`, run as the built binary against the in-process test
//! server: the JSON answer on stdout, the token from an environment variable or a file (never
//! argv), query parameters and JSON bodies, errors and exit codes (0, 1 API error, 2 usage).
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use halext_test_server::{SeedUser, ServerConfig, ServerHandle};

fn server() -> ServerHandle {
    let cfg =
        ServerConfig { secret_key: "cli-api-secret-0123456789-0123456789".into(), ..ServerConfig::default() };
    halext_test_server::spawn(cfg).unwrap()
}

fn user(s: &ServerHandle, name: &str) -> String {
    let mut seed = SeedUser::new(name, &format!("{name}@example.org"), &format!("{name}-password"));
    seed.rounds = Some(1000);
    s.seed_user(seed).unwrap();
    s.mint_token(name, Some(now() + 600))
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Runs `halext ARGS` with only PATH plus `env`, and `stdin`.
fn halext(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_halext"));
    cmd.args(args).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o.stdout)))
}

#[test]
fn get_prints_the_json_answer() {
    let s = server();
    let o = halext(&["api", "get", "/version"], &[("HALEXT_URL", s.url())], "");
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(json(&o)["version"], "0.2.0-refactored");
    // --url instead of HALEXT_URL; --format json prints the same document.
    let o = halext(&["--format", "json", "api", "get", "/health", "--url", s.url()], &[], "");
    assert_eq!((code(&o), json(&o)["status"].as_str()), (0, Some("healthy")));
}

#[test]
fn the_token_comes_from_the_environment_or_a_file() {
    let s = server();
    let token = user(&s, "ann");
    let env = [("HALEXT_URL", s.url()), ("ANN_TOKEN", token.as_str())];
    let o = halext(&["api", "get", "/users/me/", "--token-env", "ANN_TOKEN"], &env, "");
    assert_eq!((code(&o), json(&o)["username"].as_str()), (0, Some("ann")), "{}", text(&o.stderr));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("Bearer {token}\n")).unwrap();
    let o = halext(&["api", "get", "/users/me/", "--token-file", file.to_str().unwrap()], &env, "");
    assert_eq!(json(&o)["username"], "ann");
    let o = halext(&["api", "get", "/users/me/", "--token-file", "-"], &env, &token);
    assert_eq!(json(&o)["username"], "ann");
    // There is no way to pass it on the command line.
    let o = halext(&["api", "get", "/users/me/", "--token", &token], &env, "");
    assert_eq!(code(&o), 2);
    assert!(!text(&o.stderr).contains(&token), "the rejected argument is not echoed: {}", text(&o.stderr));
    // A variable that is not set is a usage error naming it.
    let o = halext(&["api", "get", "/users/me/", "--token-env", "NOPE"], &env, "");
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("NOPE"), "{}", text(&o.stderr));
}

#[test]
fn queries_bodies_and_methods() {
    let s = server();
    let token = user(&s, "ann");
    let env = [("HALEXT_URL", s.url()), ("T", token.as_str())];
    let o = halext(
        &["api", "get", "/users/search", "-q", "q=an", "--query", "limit=5", "--token-env", "T"],
        &env,
        "",
    );
    assert_eq!((code(&o), json(&o)), (0, serde_json::json!([])), "{}", text(&o.stderr));
    assert_eq!(s.requests_to("/users/search")[0].query.as_deref(), Some("q=an&limit=5"));

    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("circle.json");
    std::fs::write(&body, r#"{"name": "From a file"}"#).unwrap();
    let o = halext(
        &["api", "post", "/social/circles", "--json", body.to_str().unwrap(), "--token-env", "T"],
        &env,
        "",
    );
    assert_eq!((code(&o), json(&o)["name"].as_str()), (0, Some("From a file")), "{}", text(&o.stderr));
    let o = halext(
        &["api", "post", "/social/circles", "--json", "-", "--token-env", "T"],
        &env,
        r#"{"name": "stdin"}"#,
    );
    assert_eq!(json(&o)["member_count"], 1);

    let o = halext(&["api", "delete", "/users/me/", "--token-env", "T"], &env, "");
    assert_eq!((code(&o), text(&o.stdout).trim()), (0, "null"));
    let o = halext(&["api", "get", "/users/me/", "--token-env", "T"], &env, "");
    assert_eq!(code(&o), 1, "the account is gone");
}

#[test]
fn api_errors_exit_1_and_usage_errors_exit_2() {
    let s = server();
    let env = [("HALEXT_URL", s.url())];
    let o = halext(&["api", "get", "/users/me/"], &env, "");
    assert_eq!(code(&o), 1);
    assert!(
        text(&o.stderr).starts_with("halext: api.unauthorized: GET /users/me/: unauthorized (401)"),
        "{}",
        text(&o.stderr)
    );
    let o = halext(&["--format", "json", "api", "get", "/nope"], &env, "");
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["error"]["reason"], "api.not_found");
    // 422: the field errors are listed.
    let o = halext(&["api", "post", "/token", "--json", "-"], &env, "{}");
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).contains("\n  username: Field required"), "{}", text(&o.stderr));
    // The wrong trailing slash: reported, never followed.
    let o = halext(&["api", "get", "/users/me"], &env, "");
    assert!(code(&o) == 1 && text(&o.stderr).contains("307"), "{}", text(&o.stderr));

    for (args, needle) in [
        (&["api", "get", "/version", "--json", "-"][..], "--json is for post and put"),
        (&["api", "get", "/version", "--query", "novalue"][..], "is not NAME=VALUE"),
        (&["api", "get", "version"][..], "must start with '/'"),
        (&["api", "post", "/x", "--json", "-"][..], "not valid JSON"),
    ] {
        let o = halext(args, &env, "{not json");
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(needle), "{args:?}: {}", text(&o.stderr));
    }
    let o = halext(&["api", "get", "/version"], &[], "");
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("halext: config:"), "{}", text(&o.stderr));
    let o = halext(&["api", "get", "/version", "--url", "http://127.0.0.1:1", "--retries", "0"], &[], "");
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).contains("api.connect"), "{}", text(&o.stderr));
}

#[test]
fn a_halext_toml_configures_the_client() {
    let s = server();
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("halext.toml");
    std::fs::write(
        &toml,
        format!("[halext]\nurl = \"{}\"\ntimeout_ms = 2000\nuser_agent = \"from-toml/1\"\n", s.url()),
    )
    .unwrap();
    let o = halext(&["api", "get", "/version", "--config", toml.to_str().unwrap()], &[], "");
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_eq!(s.requests()[0].user_agent.as_deref(), Some("from-toml/1"));
    // HALEXT_CONFIG names it too; --url and --config exclude each other.
    let o = halext(&["api", "get", "/health"], &[("HALEXT_CONFIG", toml.to_str().unwrap())], "");
    assert_eq!(code(&o), 0);
    let o = halext(&["api", "get", "/health", "--config", toml.to_str().unwrap(), "--url", s.url()], &[], "");
    assert_eq!(code(&o), 2);
}
