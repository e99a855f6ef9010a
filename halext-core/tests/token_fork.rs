//! Fork safety of a JWKS-URL validator (PHP-FPM builds validators in the master process and
//! forks workers). Alone in its own test binary: forking while other tests' threads might hold a
//! lock would make the child hang.
#![allow(clippy::unwrap_used, missing_docs)]

mod token_support;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use halext_core::token::{Algorithm, JwksUrlOptions, Validator};
use jsonwebtoken::EncodingKey;
use jsonwebtoken::jwk::Jwk;
use token_support::*;

/// Serves one JWKS and counts requests; returns the URL and the counter.
fn start_server(body: String) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = Router::new().route(
                "/jwks",
                get(move || {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let body = body.clone();
                    async move { body }
                }),
            );
            axum::serve(listener, app).await.unwrap();
        });
    });
    (format!("http://{}/jwks", rx.recv().unwrap()), hits)
}

/// Waits for `pid` at most `limit`; kills it and fails if it is still running (never hangs).
fn wait_child(pid: libc::pid_t, limit: Duration) -> i32 {
    let start = std::time::Instant::now();
    let mut status = 0;
    loop {
        // SAFETY: polling the child this test forked.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            return status;
        }
        if start.elapsed() > limit {
            // SAFETY: killing and reaping the child this test forked.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            panic!("the forked child did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A validator built (and used) before `fork` must fetch in the child with the child's own HTTP
/// client and runtime, both per process, and the parent must keep working.
#[test]
fn a_forked_child_fetches_with_its_own_client_and_runtime() {
    let pem = key_file("rsa_private.pem");
    let mut jwk = serde_json::to_value(
        Jwk::from_encoding_key(&EncodingKey::from_rsa_pem(&pem).unwrap(), Algorithm::RS256).unwrap(),
    )
    .unwrap();
    jwk["kid"] = "k1".into();
    let (url, hits) = start_server(serde_json::json!({ "keys": [jwk] }).to_string());
    let clock = clock(NOW);
    let v = Validator::builder()
        .algorithms(&[Algorithm::RS256])
        .jwks_url(url, JwksUrlOptions { allow_http_loopback: true, ..Default::default() })
        .cache_capacity(0)
        .clock(clock.clone())
        .build()
        .unwrap();
    let t = sign_pem(
        Algorithm::RS256,
        "rsa_private.pem",
        &header("RS256", Some("k1")),
        r#"{"sub":"a","exp":1800000000}"#,
    );
    v.validate(&t).unwrap(); // the parent now has a client, a runtime and a cached set
    clock.advance(300); // the child will have to refetch
    // SAFETY: the child runs only this validation and then _exits without unwinding.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| v.validate(&t).is_ok()))
            .unwrap_or(false);
        // SAFETY: leave the child without running the parent's destructors.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let status = wait_child(pid, Duration::from_secs(20));
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child status {status}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2, "the child fetched");
    assert!(v.validate(&t).is_ok(), "the parent still works");
}
