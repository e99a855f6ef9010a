//! What the bindings build on: [`ClientOptions`] → configuration, the per-process
//! [`ClientRegistry`] (same options, same client, same keep-alive connection), the server clock
//! read by `halext doctor`, and the input types deserialised from PHP arrays / C JSON.

mod api_common;

use api_common::{server, unix_now};
use halext_core::api::{
    ApiError, BlogPostUpdate, ClientLookup, ClientOptions, ClientRegistry, ContextSnippet, NewBlogPost,
    NewPulse, PresenceStatus, PresenceUpdate,
};
use halext_core::{Code, HalextError};
use halext_test_server::{Fault, FaultKind};
use serde_json::json;

fn options(v: serde_json::Value) -> ClientOptions {
    ClientOptions::from_json(v.as_object().expect("object")).expect("options")
}

#[test]
fn the_same_options_reuse_one_client_and_its_connection() {
    let s = server();
    let registry = ClientRegistry::new(4);
    let opts = || options(json!({"url": s.url(), "timeout_ms": 2000, "retries": 0}));
    let (a, first) = registry.get_or_build(opts().into_config(|_| None).expect("config")).expect("a");
    a.version().expect("version");
    // A "later request" describes the same client again, with the URL now from the fallback.
    let (b, second) = registry
        .get_or_build(
            options(json!({"timeout_ms": "2000", "retries": 0}))
                .into_config(|n| (n == "HALEXT_URL").then(|| s.url().to_owned()))
                .expect("config"),
        )
        .expect("b");
    b.health().expect("health");
    b.version().expect("version");
    assert_eq!((first, second), (ClientLookup::Built, ClientLookup::Hit));
    let conns: Vec<u64> = s.requests().iter().map(|r| r.connection).collect();
    assert_eq!(conns.len(), 3);
    assert!(conns[0] > 0 && conns.iter().all(|c| *c == conns[0]), "one connection: {conns:?}");

    // Different options: another client, another connection.
    let (c, third) =
        registry.get_or_build(opts().into_config(|_| None).expect("config").with_retries(1)).expect("c");
    c.version().expect("version");
    assert_eq!(third, ClientLookup::Built);
    assert_ne!(s.requests().last().map(|r| r.connection), Some(conns[0]));
    assert_eq!(registry.len(), 2);
}

#[test]
fn the_server_clock_comes_from_the_date_header() {
    let s = server();
    let client = api_common::blocking(&s);
    let clock = client.server_clock().expect("clock");
    // Same machine: the skew is the Date header's rounding and the round trip, nothing more.
    assert!(clock.skew_ms().unsigned_abs() <= clock.uncertainty_ms() + 100, "{clock:?}");
    let server_secs = clock.server_date.duration_since(std::time::UNIX_EPOCH).expect("date").as_secs() as i64;
    assert!((server_secs - unix_now()).abs() <= 2);

    s.clear_requests();
    s.add_fault(Fault::new("/health", FaultKind::Status500).times(3));
    let e = client.server_clock().expect_err("500");
    assert_eq!((e.code(), e.status()), (Code::ApiServer, Some(500)));
    assert_eq!(s.requests().len(), 1, "a probe is sent once, never retried");
}

#[test]
fn input_types_deserialise_strictly() {
    let post: NewBlogPost =
        serde_json::from_value(json!({"slug": "a", "title": "A", "body_markdown": "x", "tags": ["t"]}))
            .expect("post");
    assert_eq!((post.slug.as_str(), post.tags.as_deref()), ("a", Some(&["t".to_owned()][..])));
    let e = serde_json::from_value::<NewBlogPost>(json!({"slug": "a", "title": "A"})).expect_err("missing");
    assert!(e.to_string().contains("body_markdown"), "{e}");
    let e = serde_json::from_value::<BlogPostUpdate>(json!({"titel": "typo"})).expect_err("unknown");
    assert!(e.to_string().contains("unknown field `titel`"), "{e}");
    let p: PresenceUpdate = serde_json::from_value(json!({"status": "busy"})).expect("presence");
    assert_eq!(p.status, Some(PresenceStatus::Busy));
    assert!(serde_json::from_value::<PresenceUpdate>(json!({"status": "asleep"})).is_err());
    let pulse: NewPulse = serde_json::from_value(json!({"message": "hi", "mood": null})).expect("pulse");
    assert_eq!((pulse.message.as_str(), pulse.mood), ("hi", None));
    let snip: ContextSnippet = serde_json::from_value(json!({"text": "only text"})).expect("snippet");
    assert_eq!((snip.source.as_str(), snip.title.as_str()), ("", ""));
    assert!(serde_json::from_value::<ContextSnippet>(json!({"text": "t", "url": "u"})).is_err());
}

#[test]
fn options_errors_are_config_errors() {
    let e =
        ClientOptions::from_json(json!({"timeout_ms": -1}).as_object().expect("object")).expect_err("neg");
    assert_eq!(e.code(), Code::Config);
    let e: ApiError = options(json!({})).into_config(|_| None).expect_err("no url");
    assert_eq!(e.code(), Code::Config);
}
