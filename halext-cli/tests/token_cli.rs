//! `halext token inspect|verify`, run as the built binary: input from stdin and files (never
//! argv), secrets from the environment and files, every profile, human and JSON output, exit
//! codes (0 ok, 1 check failed, 2 usage/configuration), a JWKS URL served by a local axum server.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use halext_core::Secret;
use halext_core::token::halext_format::{self, OpenWebUiSsoClaims};

const SECRET: &str = "cli-test-secret-0123456789-cli-test-secret";
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../halext-core/tests/token_data/");

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn token(sub: &str, exp: i64) -> String {
    halext_format::sign_access_token(&Secret::from(SECRET), sub, exp)
}

/// Runs `halext ARGS` with only PATH plus `env` in the environment and `stdin` on stdin.
fn halext(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_halext"));
    cmd.args(args).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // The command may exit without reading stdin (a usage error): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o.stdout)))
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

#[test]
fn inspect_decodes_without_verifying_from_stdin_or_a_file() {
    let exp = now() + 1800;
    let t = token("alice", exp);
    let o = halext(&["token", "inspect"], &[], &format!("  {t}\n"));
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("UNVERIFIED"), "{out}");
    assert!(
        out.contains("\"sub\": \"alice\"") && (out.contains("in 30 min") || out.contains("in 29 min")),
        "{out}"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token.txt");
    std::fs::write(&file, format!("Bearer {t}\n")).unwrap();
    let o = halext(&["--format", "json", "token", "inspect", file.to_str().unwrap()], &[], "");
    assert_eq!(code(&o), 0);
    let j = json(&o);
    assert_eq!(j["verified"], false);
    assert_eq!(j["header"], serde_json::json!({"alg": "HS256", "typ": "JWT"}));
    assert_eq!(j["claims"], serde_json::json!({"sub": "alice", "exp": exp}));
    assert_eq!(j["times"]["exp"]["expired"], false);
    assert_eq!(j["signature_bytes"], 32);

    // Expired tokens still decode; garbage does not (exit 1).
    let o = halext(&["--format", "json", "token", "inspect", "-"], &[], &token("bob", 1000));
    assert_eq!((code(&o), json(&o)["times"]["exp"]["expired"].clone()), (0, serde_json::json!(true)));
    let o = halext(&["token", "inspect"], &[], "not-a-token");
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).contains("token.malformed"), "{}", text(&o.stderr));
}

#[test]
fn verify_a_halext_token_with_the_secret_from_env_or_file() {
    let exp = now() + 600;
    let t = token("alice", exp);
    let o = halext(&["token", "verify"], &[("HALEXT_JWT_SECRET", SECRET)], &t);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("valid halext token (HS256)") && out.contains("subject     alice"), "{out}");
    assert!(!out.contains(SECRET));

    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let via_file = [
        halext(
            &["--format", "json", "token", "verify", "--secret-file", secret_file.to_str().unwrap()],
            &[],
            &t,
        ),
        halext(
            &["--format", "json", "token", "verify", "-"],
            &[("HALEXT_JWT_SECRET_FILE", secret_file.to_str().unwrap())],
            &t,
        ),
        halext(&["--format", "json", "token", "verify", "--secret-env", "MY_KEY"], &[("MY_KEY", SECRET)], &t),
        halext(
            &["--format", "json", "token", "verify", "--secret-env", "MY_KEY"],
            &[("MY_KEY_FILE", secret_file.to_str().unwrap())],
            &t,
        ),
    ];
    for o in &via_file {
        assert_eq!(code(o), 0, "{}", text(&o.stdout));
        let j = json(o);
        assert_eq!(
            (j["valid"].clone(), j["profile"].clone(), j["alg"].clone()),
            (true.into(), "halext".into(), "HS256".into())
        );
        assert_eq!(j["claims"], serde_json::json!({"sub": "alice", "exp": exp}));
    }
}

#[test]
fn rejected_tokens_exit_1_with_their_reason() {
    let env = [("HALEXT_JWT_SECRET", SECRET)];
    let cases = [
        (token("alice", now() - 5), "token.expired", 104),
        (
            halext_format::sign_access_token(&Secret::from("x".repeat(40).as_str()), "alice", now() + 60),
            "token.bad_signature",
            103,
        ),
        ("a.b".to_string(), "token.malformed", 100),
    ];
    for (t, reason, number) in cases {
        let o = halext(&["token", "verify"], &env, &t);
        assert_eq!(code(&o), 1, "{reason}");
        let err = text(&o.stderr);
        assert!(err.starts_with(&format!("halext: {reason}: ")), "{err}");
        let sig = t.rsplit('.').next().unwrap();
        assert!(sig.len() < 8 || !err.contains(sig), "the message quotes the token: {err}");
        let o = halext(&["--format", "json", "token", "verify"], &env, &t);
        assert_eq!(code(&o), 1);
        let j = json(&o);
        assert_eq!(
            (j["error"]["reason"].clone(), j["error"]["code"].clone()),
            (reason.into(), number.into())
        );
    }
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let t = token("alice", now() + 60);
    // No secret anywhere.
    let o = halext(&["token", "verify"], &[], &t);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("HALEXT_JWT_SECRET"), "{}", text(&o.stderr));
    // A token on the command line is refused, and not echoed.
    let o = halext(&["token", "verify", &t], &[("HALEXT_JWT_SECRET", SECRET)], "");
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(err.contains("never from the command line") && !err.contains(&t), "{err}");
    // A short secret needs its option.
    let short = halext_format::sign_access_token(&Secret::from("short"), "alice", now() + 60);
    let o = halext(&["token", "verify"], &[("HALEXT_JWT_SECRET", "short")], &short);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("token.invalid_key") && !text(&o.stderr).contains(": short"));
    let o = halext(&["token", "verify", "--allow-short-secret"], &[("HALEXT_JWT_SECRET", "short")], &short);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    // Options the profile does not take, unknown values, missing files, empty input.
    for (args, needle) in [
        (vec!["token", "verify", "--algorithm", "RS256"], "cannot be used with the halext profile"),
        (vec!["token", "verify", "--profile", "jwt"], "`algorithms`"),
        (
            vec![
                "token",
                "verify",
                "--profile",
                "jwt",
                "--algorithm",
                "none",
                "--secret-env",
                "HALEXT_JWT_SECRET",
            ],
            "never allowed",
        ),
        (vec!["token", "verify", "--profile", "nope"], "invalid value"),
        (vec!["token", "verify", "--secret-file", "/nonexistent/secret"], "/nonexistent/secret"),
        (vec!["token", "verify", "--secret-env", "UNSET_VAR"], "UNSET_VAR_FILE"),
        (vec!["token", "inspect", "/nonexistent/token"], "cannot read the token"),
    ] {
        let o = halext(&args, &[("HALEXT_JWT_SECRET", SECRET)], &t);
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(needle), "{args:?}: {}", text(&o.stderr));
        assert!(!text(&o.stderr).contains(SECRET));
    }
    let o = halext(&["token", "inspect"], &[], "  \n");
    assert_eq!(code(&o), 2);
    let o = halext(&["--format", "json", "token", "verify"], &[], &t);
    assert_eq!((code(&o), json(&o)["error"]["reason"].clone()), (2, "config".into()));
}

#[test]
fn verify_an_openwebui_sso_token() {
    let key = "openwebui-key-0123456789-openwebui-key";
    let n = now();
    let t = halext_format::sign_openwebui_sso_token(
        &Secret::from(key),
        &OpenWebUiSsoClaims {
            user_id: 42,
            username: "alice".into(),
            email: "a@example.org".into(),
            iat: n,
            exp: n + 60,
        },
    );
    let o = halext(
        &["--format", "json", "token", "verify", "--profile", "openwebui"],
        &[("HALEXT_OPENWEBUI_SECRET", key)],
        &t,
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stdout));
    assert_eq!(json(&o)["claims"]["user_id"], 42);
    // The Halext secret is not the OpenWebUI one.
    let o = halext(&["token", "verify", "--profile", "openwebui"], &[("HALEXT_JWT_SECRET", key)], &t);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("HALEXT_OPENWEBUI_SECRET"));
}

fn rs256(claims: &serde_json::Value, kid: Option<&str>) -> String {
    let key =
        jsonwebtoken::EncodingKey::from_rsa_pem(&std::fs::read(format!("{KEYS}rsa_private.pem")).unwrap())
            .unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

#[test]
fn verify_a_jwt_with_a_public_key_file_issuer_and_audience() {
    let claims = serde_json::json!({"sub": "alice", "iss": "https://idp.example/", "aud": ["forum"], "exp": now() + 60});
    let t = rs256(&claims, None);
    let pem = format!("{KEYS}rsa_public.pem");
    let base = ["token", "verify", "--profile", "jwt", "--algorithm", "RS256", "--public-key", &pem];
    let with = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        halext(&args, &[("HALEXT_JWT_SECRET", SECRET)], &t)
    };
    let o = with(&["--issuer", "https://idp.example/", "--audience", "forum"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("valid jwt token (RS256)"));
    assert_eq!(code(&with(&["--issuer", "https://other/", "--audience", "forum"])), 1);
    let o = with(&[]);
    assert_eq!(code(&o), 1, "an aud without a configured audience is rejected");
    assert!(text(&o.stderr).contains("token.wrong_audience"));
}

#[test]
fn verify_a_jwt_against_a_jwks_url() {
    let jwks = serde_json::json!({"keys": [rsa_jwk("k1")]}).to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = axum::Router::new().route("/jwks", axum::routing::get(move || async move { jwks }));
            axum::serve(listener, app).await.unwrap();
        });
    });
    let url = format!("http://{}/jwks", rx.recv().unwrap());
    let t = rs256(&serde_json::json!({"sub": "alice", "exp": now() + 60}), Some("k1"));
    let args = ["token", "verify", "--profile", "jwt", "--algorithm", "RS256", "--jwks-url", &url];
    let o = halext(&args, &[], &t);
    assert_eq!(code(&o), 2, "plain http needs --allow-http-jwks");
    let with_http: Vec<&str> = args.iter().copied().chain(["--allow-http-jwks"]).collect();
    let o = halext(&with_http, &[], &t);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("kid \"k1\""), "{}", text(&o.stdout));
    let other = rs256(&serde_json::json!({"sub": "alice", "exp": now() + 60}), Some("k9"));
    let o = halext(&with_http, &[], &other);
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).contains("token.unknown_kid"));
}

/// The public JWK (RSA `n`, `e`) of the test key pair, tagged with `kid`.
fn rsa_jwk(kid: &str) -> serde_json::Value {
    let private = std::fs::read(format!("{KEYS}rsa_private.pem")).unwrap();
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&private).unwrap();
    let mut jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&key, jsonwebtoken::Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(kid.into());
    serde_json::to_value(jwk).unwrap()
}
