//! Error mapping, retries, timeouts and the server's quirks (slash redirects, plain-text 500s,
//! 422 lists), driven by the test server's fault injection.

mod api_common;

use api_common::*;
use halext_core::api::*;
use halext_core::{Code, HalextError, Secret};
use halext_test_server::{Fault, FaultKind};
use http::Method;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn statuses(s: &halext_test_server::ServerHandle, prefix: &str) -> Vec<Option<u16>> {
    s.requests_to(prefix).into_iter().map(|r| r.status).collect()
}

fn every_api_error_code_is_reachable() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    let mut seen = BTreeSet::new();
    let mut note = |e: ApiError| {
        assert!(!e.to_string().contains(ann.expose()), "{e}");
        seen.insert(e.code().as_u32())
    };
    note(c.me(&AccessToken::new("not-a-token")).expect_err("401"));
    note(c.admin_blog_posts(&ann).expect_err("403"));
    note(c.public_blog_post("missing").expect_err("404"));
    s.add_fault(Fault::new("/health", FaultKind::RateLimit { retry_after: Some(60) }));
    note(c.health().expect_err("429"));
    s.add_fault(Fault::new("/health", FaultKind::Status500).times(3));
    note(c.health().expect_err("500"));
    s.add_fault(Fault::new("/health", FaultKind::GarbageBody));
    note(c.health().expect_err("decode"));
    s.add_fault(Fault::new("/health", FaultKind::Reset).times(3));
    note(c.health().expect_err("transport"));
    s.add_fault(Fault::new("/health", FaultKind::DelayMs { ms: 1_000 }));
    let quick = BlockingClient::new(config(s.url()).with_timeout_ms(100)).expect("client");
    note(quick.health().expect_err("timeout"));
    note(c.me(&AccessToken::new("bad\ntoken")).expect_err("request"));
    let root = user(&s, "root", true);
    let post = NewBlogPost {
        slug: "dup".into(),
        title: "t".into(),
        body_markdown: "b".into(),
        ..Default::default()
    };
    c.create_blog_post(&root, &post).expect("first");
    note(c.create_blog_post(&root, &post).expect_err("400"));
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_url = format!("http://{}", dead.local_addr().expect("addr"));
    drop(dead);
    note(BlockingClient::new(config(&dead_url)).expect("client").health().expect_err("connect"));
    // 422: a raw registration without an email.
    note(
        c.request_json(Method::POST, "/users/", None, &[], Some(&json!({"username": "x", "password": "y"})))
            .expect_err("422"),
    );
    let want: BTreeSet<u32> = (200..=211).collect();
    assert_eq!(seen, want);
}

fn unauthorized_details_follow_the_server() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    let e = c.request_json(Method::GET, "/users/me/", None, &[], None).expect_err("no token");
    assert_eq!((e.code(), e.detail()), (Code::ApiUnauthorized, Some("Not authenticated")));
    let expired = AccessToken::new(s.mint_token("ann", Some(unix_now() - 10)));
    let e = c.me(&expired).expect_err("expired");
    assert_eq!(e.detail(), Some("Could not validate credentials"));
    assert_eq!(c.me(&ann).expect("valid").username, "ann");
    assert_eq!(s.requests_to("/users/me/").len(), 3, "401s are not retried");
}

fn validation_errors_become_field_errors_without_the_echoed_input() {
    let s = server();
    let c = blocking(&s);
    let body = json!({"username": "x", "password": "hunter2-secret", "full_name": 5});
    let e = c.request_json(Method::POST, "/users/", None, &[], Some(&body)).expect_err("422");
    assert_eq!((e.code(), e.status()), (Code::ApiValidation, Some(422)));
    let fields: Vec<(String, String, String)> =
        e.field_errors().iter().map(|f| (f.field(), f.kind.clone(), f.msg.clone())).collect();
    assert_eq!(
        fields,
        [
            ("email".to_owned(), "missing".to_owned(), "Field required".to_owned()),
            ("full_name".to_owned(), "string_type".to_owned(), "Input should be a valid string".to_owned()),
        ]
    );
    assert_eq!(e.field_errors()[0].loc, ["body", "email"]);
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("hunter2-secret"), "the server echoes the body in `input`: {shown}");
    // /token with a JSON body: both form fields reported missing.
    let e = c
        .request_json(Method::POST, "/token", None, &[], Some(&json!({"username": "a", "password": "b"})))
        .expect_err("json login");
    let locs: Vec<String> = e.field_errors().iter().map(FieldError::field).collect();
    assert_eq!(locs, ["username", "password"]);
}

fn wrong_trailing_slashes_are_307s_that_are_never_followed() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = BlockingClient::new(config(&format!("{}/api", s.url()))).expect("client");
    let e = c.request_json(Method::GET, "/users/me", Some(&ann), &[], None).expect_err("307");
    assert_eq!((e.code(), e.status()), (Code::ApiServer, Some(307)));
    let ApiError::Redirect { endpoint, location, .. } = &e else { panic!("not a redirect: {e:?}") };
    assert_eq!(endpoint, "GET /users/me");
    assert_eq!(location, &format!("{}/users/me/", s.url()), "Location loses /api, as behind nginx");
    assert!(e.to_string().contains("GET /users/me"), "{e}");
    let e = c.request_json(Method::GET, "/health/", None, &[], None).expect_err("307");
    assert_eq!(e.status(), Some(307));
    assert_eq!(s.requests().len(), 2, "redirects are not followed");
    // The typed methods use the declared forms.
    assert_eq!(c.me(&ann).expect("me").username, "ann");
    assert!(c.health().is_ok());
}

fn plain_text_and_json_5xx() {
    let s = server();
    let c = BlockingClient::new(config(s.url()).with_retries(0)).expect("client");
    s.add_fault(Fault::new("/version", FaultKind::Status500));
    let e = c.version().expect_err("500");
    assert_eq!((e.status(), e.detail()), (Some(500), Some("Internal Server Error")));
    s.add_fault(Fault::new(
        "/version",
        FaultKind::Status { status: 503, detail: Some("AI provider timed out".into()) },
    ));
    let e = c.version().expect_err("503");
    assert_eq!((e.status(), e.detail()), (Some(503), Some("AI provider timed out")));
    let ann = user(&s, "ann", false);
    // A non-integer id makes the real server crash with a plain-text 500.
    let e = c
        .request_json(Method::GET, "/users/presence", Some(&ann), &[("user_ids", "1,x")], None)
        .expect_err("500");
    assert_eq!((e.code(), e.detail()), (Code::ApiServer, Some("Internal Server Error")));
}

fn idempotent_requests_are_retried_on_5xx_until_success() {
    let s = server();
    let c = blocking(&s);
    s.add_fault(Fault::new("/health", FaultKind::Status500).times(2));
    assert!(c.health().expect("third attempt").is_healthy());
    assert_eq!(statuses(&s, "/health"), [Some(500), Some(500), Some(200)]);

    s.clear_requests();
    s.add_fault(Fault::new("/health", FaultKind::Status500).times(10));
    assert_eq!(c.health().expect_err("exhausted").status(), Some(500));
    assert_eq!(s.requests_to("/health").len(), 3, "1 attempt + 2 retries");

    let admin = user(&s, "root", true);
    c.create_blog_post(
        &admin,
        &NewBlogPost { slug: "p".into(), title: "t".into(), body_markdown: "b".into(), ..Default::default() },
    )
    .expect("create");
    s.add_fault(Fault::new("/content/admin/blog-posts/p", FaultKind::Status500).method("PUT"));
    let upd = BlogPostUpdate { title: Some("t2".into()), ..Default::default() };
    assert_eq!(c.update_blog_post(&admin, "p", &upd).expect("PUT retried").title, "t2");
    s.add_fault(Fault::new("/content/admin/blog-posts/p", FaultKind::Reset).method("DELETE"));
    c.delete_blog_post(&admin, "p").expect("DELETE retried after a reset");
    assert_eq!(statuses(&s, "/content/admin/blog-posts/p"), [Some(500), Some(200), None, Some(204)]);
}

fn post_requests_are_never_retried() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    s.add_fault(Fault::new("/ai/chat", FaultKind::Status500));
    assert_eq!(c.chat(&ann, &ChatRequest::new("hi")).expect_err("500").status(), Some(500));
    s.add_fault(Fault::new("/ai/chat", FaultKind::Reset));
    assert_eq!(c.chat(&ann, &ChatRequest::new("hi")).expect_err("reset").code(), Code::ApiTransport);
    s.add_fault(Fault::new("/ai/chat", FaultKind::RateLimit { retry_after: Some(0) }));
    let e = c.chat(&ann, &ChatRequest::new("hi")).expect_err("429");
    assert_eq!((e.code(), e.retry_after()), (Code::ApiRateLimited, Some(0)));
    s.add_fault(Fault::new("/token", FaultKind::Status500));
    assert!(c.login("ann", &password("ann")).is_err());
    assert_eq!(s.requests_to("/ai/chat").len(), 3);
    assert_eq!(s.requests_to("/token").len(), 1);
}

fn retry_after_is_honoured_when_within_the_cap() {
    let s = server();
    let c = BlockingClient::new(config(s.url()).with_retry_delays_ms(5, 1_500)).expect("client");
    s.add_fault(Fault::new("/version", FaultKind::RateLimit { retry_after: Some(1) }));
    let start = Instant::now();
    c.version().expect("retried after Retry-After");
    assert!(start.elapsed() >= Duration::from_secs(1), "waited {:?}, less than Retry-After", start.elapsed());
    assert_eq!(statuses(&s, "/version"), [Some(429), Some(200)]);
}

fn retry_after_beyond_the_cap_ends_the_retries() {
    let s = server();
    let c = blocking(&s);
    s.add_fault(Fault::new("/version", FaultKind::RateLimit { retry_after: Some(30) }));
    let e = c.version().expect_err("429");
    assert_eq!((e.code(), e.retry_after()), (Code::ApiRateLimited, Some(30)));
    assert_eq!(s.requests_to("/version").len(), 1, "no retry when Retry-After exceeds the cap");
    s.add_fault(Fault::new("/version", FaultKind::RateLimit { retry_after: None }).times(2));
    c.version().expect("429 without Retry-After uses the backoff");
    assert_eq!(s.requests_to("/version").len(), 4);
}

fn timeouts_fire_and_are_not_retried() {
    let s = server();
    let c = BlockingClient::new(config(s.url()).with_timeout_ms(150)).expect("client");
    s.add_fault(Fault::new("/version", FaultKind::DelayMs { ms: 1_500 }));
    let e = c.version().expect_err("timeout");
    assert!(matches!(e, ApiError::Timeout { after_ms: 150, phase: "request", .. }), "{e:?}");
    assert_eq!(s.requests_to("/version").len(), 1);
    s.add_fault(Fault::new("/version", FaultKind::DelayMs { ms: 20 }));
    c.version().expect("a short delay is fine");
}

fn broken_and_garbage_bodies() {
    let s = server();
    let c = blocking(&s);
    s.add_fault(Fault::new("/version", FaultKind::Truncate).times(3));
    let e = c.version().expect_err("truncated");
    assert_eq!(e.code(), Code::ApiTransport, "{e}");
    assert_eq!(s.requests_to("/version").len(), 3, "a broken body is retried for GET");
    s.add_fault(Fault::new("/version", FaultKind::Truncate));
    c.version().expect("retried after one truncation");

    s.add_fault(Fault::new("/health", FaultKind::GarbageBody));
    let e = c.health().expect_err("garbage");
    assert_eq!(e.code(), Code::ApiDecode);
    assert!(e.to_string().contains("GET /health") && e.to_string().contains("not valid JSON"), "{e}");
    assert_eq!(s.requests_to("/health").len(), 1, "decode errors are not retried");
}

fn requests_refused_before_sending() {
    let s = server();
    let c = blocking(&s);
    let e = c.me(&AccessToken::new("abc\r\nX-Injected: 1")).expect_err("header injection");
    assert_eq!(e.code(), Code::ApiRequest);
    assert!(!e.to_string().contains("X-Injected"), "{e}");
    let e = c.me(&AccessToken::new("a".repeat(MAX_TOKEN_BYTES + 1))).expect_err("huge token");
    assert_eq!(e.code(), Code::ApiRequest);
    assert!(s.requests().is_empty(), "nothing was sent");
    let e = c.login("x", &Secret::new(vec![0xff, 0xfe])).expect_err("non-UTF-8 password");
    assert_eq!(e.code(), Code::ApiRequest);
}

fn configuration_errors() {
    for bad in ["", "not a url", "ftp://x", "http://u:secret@x/"] {
        let e = ClientConfig::new(bad).expect_err(bad);
        assert_eq!(e.code(), Code::Config);
        assert!(!e.to_string().contains("secret"), "{e}");
    }
    let cfg = ClientConfig::new("http://127.0.0.1:1").expect("cfg").with_proxy("::not a proxy::");
    assert_eq!(BlockingClient::new(cfg).expect_err("proxy").code(), Code::Config);
}

fn a_connection_closed_by_the_server_while_idle_does_not_fail_the_next_post() {
    // uvicorn closes idle keep-alive connections after 5 s; a PHP worker may sit idle longer.
    let s = server_with(|c| c.keep_alive_timeout = Some(Duration::from_millis(100)));
    let ann = user(&s, "ann", false);
    let c = BlockingClient::new(config(s.url()).with_retries(0)).expect("client");
    for _ in 0..3 {
        c.health().expect("health");
        std::thread::sleep(Duration::from_millis(300));
        c.chat(&ann, &ChatRequest::new("still there?")).expect("POST on a fresh connection");
        std::thread::sleep(Duration::from_millis(300));
    }
}

both_paths!(
    every_api_error_code_is_reachable,
    unauthorized_details_follow_the_server,
    validation_errors_become_field_errors_without_the_echoed_input,
    wrong_trailing_slashes_are_307s_that_are_never_followed,
    plain_text_and_json_5xx,
    idempotent_requests_are_retried_on_5xx_until_success,
    post_requests_are_never_retried,
    retry_after_is_honoured_when_within_the_cap,
    retry_after_beyond_the_cap_ends_the_retries,
    timeouts_fire_and_are_not_retried,
    broken_and_garbage_bodies,
    requests_refused_before_sending,
    configuration_errors,
    a_connection_closed_by_the_server_while_idle_does_not_fail_the_next_post,
);
