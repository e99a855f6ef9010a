//! JWKS URL source against a small axum server: first fetch, TTL and Cache-Control, rotation,
//! refresh rate limit, single flight, failing endpoints (500, timeout, garbage, huge body) with
//! and without a last good set, key rules (no `alg`, unsupported `kty`), URL policy and the
//! blocking/async entry points.
#![allow(clippy::unwrap_used, missing_docs)]

mod token_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use halext_core::token::{Algorithm, FixedClock, JwksUrlOptions, TokenError, Validator};
use halext_core::{Code, HalextError};
use jsonwebtoken::EncodingKey;
use jsonwebtoken::jwk::Jwk;
use token_support::*;

#[derive(Clone)]
enum Mode {
    Json { body: String, cache_control: Option<&'static str> },
    Status(u16),
    Slow(Duration, String),
    Garbage,
    Huge,
    HugeChunked,
}

struct Shared {
    hits: AtomicUsize,
    mode: Mutex<Mode>,
}

struct TestServer {
    url: String,
    shared: Arc<Shared>,
}

impl TestServer {
    fn start(mode: Mode) -> TestServer {
        let shared = Arc::new(Shared { hits: AtomicUsize::new(0), mode: Mutex::new(mode) });
        let (tx, rx) = std::sync::mpsc::channel();
        let state = Arc::clone(&shared);
        std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = Router::new().route("/jwks", get(serve)).with_state(state);
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        TestServer { url: format!("http://{addr}/jwks"), shared }
    }

    fn hits(&self) -> usize {
        self.shared.hits.load(Ordering::SeqCst)
    }

    fn set(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
    }
}

async fn serve(State(s): State<Arc<Shared>>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let mode = s.mode.lock().unwrap().clone();
    match mode {
        Mode::Json { body, cache_control } => {
            let mut r = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
            if let Some(cc) = cache_control {
                r.headers_mut().insert(header::CACHE_CONTROL, cc.parse().unwrap());
            }
            r
        }
        Mode::Status(code) => (StatusCode::from_u16(code).unwrap(), "Internal Server Error").into_response(),
        Mode::Slow(delay, body) => {
            tokio::time::sleep(delay).await;
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Mode::Garbage => "<html>definitely not a JWKS</html>".into_response(),
        Mode::Huge => format!(r#"{{"keys":[],"pad":"{}"}}"#, "x".repeat(300 * 1024)).into_response(),
        Mode::HugeChunked => {
            let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(vec![b' '; 8 * 1024]));
            Body::from_stream(futures_util::stream::iter(chunks)).into_response()
        }
    }
}

/// A public JWK for a private key file, with `kid` and optionally without `alg`.
fn jwk(private: &str, alg: Algorithm, kid: &str, with_alg: bool) -> serde_json::Value {
    let pem = key_file(private);
    let key = match alg {
        Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(&pem).unwrap(),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&pem).unwrap(),
        _ => EncodingKey::from_rsa_pem(&pem).unwrap(),
    };
    let mut v = serde_json::to_value(Jwk::from_encoding_key(&key, alg).unwrap()).unwrap();
    let o = v.as_object_mut().unwrap();
    o.insert("kid".into(), kid.into());
    o.insert("use".into(), "sig".into());
    if with_alg {
        o.insert("alg".into(), halext_core::token::alg_name(alg).into());
    } else {
        o.remove("alg");
    }
    v
}

fn jwks(keys: &[serde_json::Value]) -> Mode {
    Mode::Json { body: serde_json::json!({ "keys": keys }).to_string(), cache_control: None }
}

fn rs256(private: &str, kid: &str) -> String {
    sign_pem(Algorithm::RS256, private, &header("RS256", Some(kid)), r#"{"sub":"alice","exp":1800000000}"#)
}

fn opts() -> JwksUrlOptions {
    JwksUrlOptions {
        ttl: Duration::from_secs(300),
        min_refresh_interval: Duration::from_secs(30),
        timeout: Duration::from_millis(500),
        allow_http_loopback: true,
        ..Default::default()
    }
}

fn validator(server: &TestServer, clock: &Arc<FixedClock>, opts: JwksUrlOptions) -> Validator {
    Validator::builder()
        .algorithms(&[Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA, Algorithm::HS256])
        .jwks_url(server.url.clone(), opts)
        .cache_capacity(0)
        .clock(clock.clone())
        .build()
        .unwrap()
}

#[test]
fn fetches_once_on_first_use_then_serves_from_cache() {
    let server = TestServer::start(jwks(&[jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]));
    let clock = clock(NOW);
    let v = validator(&server, &clock, opts());
    assert_eq!(server.hits(), 0, "building a validator does no I/O");
    assert_eq!(v.validate(rs256("rsa_private.pem", "k1")).unwrap().kid(), Some("k1"));
    assert_eq!(server.hits(), 1);
    clock.advance(299);
    for _ in 0..5 {
        v.validate(rs256("rsa_private.pem", "k1")).unwrap();
    }
    assert_eq!(server.hits(), 1, "within the TTL");
    clock.advance(1);
    v.validate(rs256("rsa_private.pem", "k1")).unwrap();
    assert_eq!(server.hits(), 2, "TTL expired: refetched");
}

#[test]
fn cache_control_max_age_shortens_the_ttl_but_not_below_the_refresh_interval() {
    let body =
        serde_json::json!({"keys": [jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]}).to_string();
    let server =
        TestServer::start(Mode::Json { body: body.clone(), cache_control: Some("public, max-age=60") });
    let clock = clock(NOW);
    let v = validator(&server, &clock, opts());
    let t = rs256("rsa_private.pem", "k1");
    v.validate(&t).unwrap();
    clock.advance(59);
    v.validate(&t).unwrap();
    assert_eq!(server.hits(), 1);
    clock.advance(1);
    v.validate(&t).unwrap();
    assert_eq!(server.hits(), 2, "max-age=60 honoured");
    server.set(Mode::Json { body, cache_control: Some("no-store") });
    clock.advance(60);
    v.validate(&t).unwrap();
    assert_eq!(server.hits(), 3);
    clock.advance(29);
    v.validate(&t).unwrap();
    assert_eq!(server.hits(), 3, "no-store still waits min_refresh_interval");
}

#[test]
fn rotation_new_kid_appears_after_a_refresh() {
    let k1 = jwk("rsa_private.pem", Algorithm::RS256, "k1", true);
    let server = TestServer::start(jwks(std::slice::from_ref(&k1)));
    let clock = clock(NOW);
    let v = validator(&server, &clock, opts());
    v.validate(rs256("rsa_private.pem", "k1")).unwrap();
    server.set(jwks(&[k1, jwk("rsa2_private.pem", Algorithm::RS256, "k2", true)]));
    clock.advance(30);
    assert_eq!(v.validate(rs256("rsa2_private.pem", "k2")).unwrap().kid(), Some("k2"));
    assert_eq!(server.hits(), 2, "the unknown kid triggered one refresh");
    v.validate(rs256("rsa_private.pem", "k1")).unwrap();
    assert_eq!(server.hits(), 2);
}

#[test]
fn a_removed_key_stops_validating_after_the_refresh_even_for_cached_tokens() {
    let server = TestServer::start(jwks(&[jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]));
    let clock = clock(NOW);
    let v = Validator::builder()
        .algorithms(&[Algorithm::RS256])
        .jwks_url(server.url.clone(), opts())
        .clock(clock.clone())
        .build()
        .unwrap();
    let t = rs256("rsa_private.pem", "k1");
    for _ in 0..3 {
        v.validate(&t).unwrap();
    }
    assert_eq!((server.hits(), v.cached_tokens()), (1, 1));
    server.set(jwks(&[jwk("rsa2_private.pem", Algorithm::RS256, "k2", true)]));
    clock.advance(300);
    assert_eq!(code(v.validate(&t)), Code::TokenUnknownKeyId);
    assert_eq!(server.hits(), 2);
}

#[test]
fn refresh_on_unknown_kid_is_rate_limited() {
    let server = TestServer::start(jwks(&[jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]));
    let clock = clock(NOW);
    let v = validator(&server, &clock, opts());
    v.validate(rs256("rsa_private.pem", "k1")).unwrap();
    for i in 0..20 {
        assert_eq!(
            code(v.validate(rs256("rsa_private.pem", &format!("random-{i}")))),
            Code::TokenUnknownKeyId
        );
    }
    assert_eq!(server.hits(), 1, "no refresh within min_refresh_interval of the last fetch");
    clock.advance(30);
    assert_eq!(code(v.validate(rs256("rsa_private.pem", "random-x"))), Code::TokenUnknownKeyId);
    assert_eq!(server.hits(), 2, "one refresh once the interval passed");
    assert_eq!(code(v.validate(rs256("rsa_private.pem", "random-y"))), Code::TokenUnknownKeyId);
    assert_eq!(server.hits(), 2);
    v.validate(rs256("rsa_private.pem", "k1")).unwrap();
}

#[test]
fn concurrent_validations_with_an_unknown_kid_share_one_fetch() {
    let body =
        serde_json::json!({"keys": [jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]}).to_string();
    let server = TestServer::start(Mode::Slow(Duration::from_millis(200), body));
    let clock = clock(NOW);
    let v = validator(&server, &clock, opts());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let results = rt.block_on(async {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let v = v.clone();
                tokio::spawn(async move { v.validate_async(rs256("rsa_private.pem", "k1")).await })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(server.hits(), 1, "single flight");

    // The blocking entry point from several OS threads: also one fetch.
    clock.advance(30);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..8).map(|_| s.spawn(|| v.validate(rs256("rsa2_private.pem", "k2")))).collect();
        for h in handles {
            assert_eq!(code(h.join().unwrap()), Code::TokenUnknownKeyId);
        }
    });
    assert_eq!(server.hits(), 2, "single flight for blocking callers");
}

fn failure_modes() -> Vec<(&'static str, Mode)> {
    vec![
        ("500", Mode::Status(500)),
        ("404", Mode::Status(404)),
        ("redirect", Mode::Status(302)),
        ("timeout", Mode::Slow(Duration::from_secs(3), "{}".into())),
        ("garbage", Mode::Garbage),
        ("huge", Mode::Huge),
        ("huge chunked", Mode::HugeChunked),
        ("no usable key", jwks(&[serde_json::json!({"kty": "PQC", "kid": "k1"})])),
    ]
}

#[test]
fn a_failing_endpoint_keeps_the_last_good_set() {
    for (name, mode) in failure_modes() {
        let server = TestServer::start(jwks(&[jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]));
        let clock = clock(NOW);
        let v = validator(&server, &clock, opts());
        let t = rs256("rsa_private.pem", "k1");
        v.validate(&t).unwrap();
        server.set(mode);
        clock.advance(300);
        assert!(v.validate(&t).is_ok(), "{name}: last good set served");
        assert_eq!(server.hits(), 2, "{name}: a refresh was attempted");
        v.validate(&t).unwrap();
        assert_eq!(server.hits(), 2, "{name}: retries wait for min_refresh_interval");
        assert_eq!(code(v.validate(rs256("rsa_private.pem", "k9"))), Code::TokenUnknownKeyId, "{name}");
    }
}

#[test]
fn a_failing_endpoint_without_a_good_set_is_key_set_unavailable() {
    for (name, mode) in failure_modes() {
        let server = TestServer::start(mode);
        let clock = clock(NOW);
        let v = validator(&server, &clock, opts());
        let t = rs256("rsa_private.pem", "k1");
        let e = v.validate(&t).unwrap_err();
        assert_eq!(e.code(), Code::TokenKeySetUnavailable, "{name}: {e}");
        assert!(!e.to_string().contains(&t[..30]), "{name}: {e}");
        assert_eq!(server.hits(), 1, "{name}");
        assert_eq!(code(v.validate(&t)), Code::TokenKeySetUnavailable, "{name}: rate limited");
        assert_eq!(server.hits(), 1, "{name}");
        // Recovery once the endpoint is fixed and the interval has passed.
        server.set(jwks(&[jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]));
        clock.advance(30);
        assert!(v.validate(&t).is_ok(), "{name}: recovered");
    }
}

#[test]
fn max_stale_bounds_how_long_the_last_good_set_is_served() {
    let server = TestServer::start(jwks(&[jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]));
    let clock = clock(NOW);
    let v =
        validator(&server, &clock, JwksUrlOptions { max_stale: Some(Duration::from_secs(600)), ..opts() });
    let t = rs256("rsa_private.pem", "k1");
    v.validate(&t).unwrap();
    server.set(Mode::Status(503));
    clock.advance(300 + 600);
    assert!(v.validate(&t).is_ok(), "at the max_stale edge");
    clock.advance(31);
    let e = v.validate(&t).unwrap_err();
    assert_eq!(e.code(), Code::TokenKeySetUnavailable);
    assert!(e.to_string().contains("503"), "{e}");
}

#[test]
fn keys_without_alg_and_unsupported_key_types() {
    let server = TestServer::start(jwks(&[
        jwk("rsa_private.pem", Algorithm::RS256, "rsa-no-alg", false),
        jwk("ec256_private.pem", Algorithm::ES256, "ec-no-alg", false),
        jwk("ed25519_private.pem", Algorithm::EdDSA, "ed", true),
        serde_json::json!({"kty": "PQC", "kid": "future", "x": "AAAA"}),
        serde_json::json!({"kty": "EC", "crv": "P-521", "kid": "p521", "x": "AAAA", "y": "AAAA"}),
        serde_json::json!({"kty": "oct", "kid": "mac", "k": b64(SECRET)}),
        {
            let mut enc = jwk("rsa2_private.pem", Algorithm::RS256, "enc", false);
            enc["use"] = "enc".into();
            enc
        },
    ]));
    let clock = clock(NOW);
    let v = validator(&server, &clock, opts());
    let claims = r#"{"sub":"alice","exp":1800000000}"#;
    assert!(v.validate(rs256("rsa_private.pem", "rsa-no-alg")).is_ok());
    let es = sign_pem(Algorithm::ES256, "ec256_private.pem", &header("ES256", Some("ec-no-alg")), claims);
    assert!(v.validate(es).is_ok());
    let ed = sign_pem(Algorithm::EdDSA, "ed25519_private.pem", &header("EdDSA", Some("ed")), claims);
    assert!(v.validate(ed).is_ok());
    // PS256 is not allowed by this validator, even though the key (no alg) could do it.
    let ps = sign_pem(Algorithm::PS256, "rsa_private.pem", &header("PS256", Some("rsa-no-alg")), claims);
    assert_eq!(code(v.validate(ps)), Code::TokenAlgorithm);
    // An RS256 token naming the EC key's kid.
    let wrong_type =
        sign_pem(Algorithm::RS256, "rsa_private.pem", &header("RS256", Some("ec-no-alg")), claims);
    assert_eq!(code(v.validate(wrong_type)), Code::TokenAlgorithm);
    clock.advance(30);
    for skipped in ["future", "p521", "mac", "enc"] {
        let t = hs(Algorithm::HS256, SECRET.as_bytes(), &header("HS256", Some(skipped)), claims);
        let e = v.validate(&t).unwrap_err();
        assert_eq!(e.code(), Code::TokenUnknownKeyId, "{skipped}: {e}");
    }
    assert_eq!(server.hits(), 2);
}

#[test]
fn url_policy() {
    let build = |url: &str, allow: bool| {
        Validator::builder()
            .algorithms(&[Algorithm::RS256])
            .jwks_url(url, JwksUrlOptions { allow_http_loopback: allow, ..Default::default() })
            .build()
    };
    assert_eq!(code(build("http://127.0.0.1:1/jwks", false)), Code::Config);
    assert_eq!(code(build("http://jwks.example.org/jwks", true)), Code::Config, "http only for loopback");
    assert_eq!(code(build("ftp://127.0.0.1/jwks", true)), Code::Config);
    assert_eq!(code(build("not a url", true)), Code::Config);
    assert!(build("http://localhost:1/jwks", true).is_ok());
    assert!(build("http://[::1]:1/jwks", true).is_ok());
    assert!(build("https://jwks.example.org/.well-known/jwks.json", false).is_ok());
    let both = Validator::builder()
        .algorithms(&[Algorithm::RS256])
        .key(halext_core::token::Key::from_pem(&key_file("rsa_public.pem")).unwrap())
        .jwks_url("https://jwks.example.org/jwks", JwksUrlOptions::default())
        .build();
    assert_eq!(code(both), Code::Config);
}

#[tokio::test]
async fn blocking_validate_inside_a_runtime_errors_instead_of_panicking() {
    let server = TestServer::start(jwks(&[jwk("rsa_private.pem", Algorithm::RS256, "k1", true)]));
    let clock = clock(NOW);
    let v = validator(&server, &clock, opts());
    let t = rs256("rsa_private.pem", "k1");
    let e = v.validate(&t).unwrap_err();
    assert!(matches!(e, TokenError::BlockingInAsyncContext), "{e:?}");
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(server.hits(), 0);
    assert!(v.validate_async(&t).await.is_ok());
    assert!(v.validate(&t).is_ok(), "no fetch due: the blocking call works inside a runtime too");
    // Static keys never touch a runtime.
    let hmac = Validator::halext_access_token(halext_core::Secret::from(SECRET)).unwrap();
    let token = hs256(SECRET, r#"{"sub":"a","exp":4000000000}"#);
    assert!(hmac.validate(&token).is_ok());
}
