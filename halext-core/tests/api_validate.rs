//! Remote token validation (`GET /users/me/`) and its per-process cache.

mod api_common;

use api_common::*;
use halext_core::api::*;
use halext_core::{Code, HalextError};
use halext_test_server::{Fault, FaultKind};
use std::time::Duration;

fn me_requests(s: &halext_test_server::ServerHandle) -> usize {
    s.requests_to("/users/me/").len()
}

#[test]
fn a_valid_token_is_answered_from_the_cache_until_the_max_ttl() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = BlockingClient::new(config(s.url()).with_validation_cache(300, 16)).expect("client");
    let first = c.validate_token(&ann).expect("validate");
    assert_eq!((first.user.username.as_str(), first.cached), ("ann", false));
    let second = c.validate_token(&ann).expect("validate");
    assert_eq!((second.user, second.cached), (first.user.clone(), true));
    assert_eq!(me_requests(&s), 1, "the second answer came from the cache");
    assert_eq!(c.validation_cache_len(), 1);

    std::thread::sleep(Duration::from_millis(350));
    assert!(!c.validate_token(&ann).expect("validate").cached, "past the max TTL Halext is asked again");
    assert_eq!(me_requests(&s), 2);
    c.clear_validation_cache();
    assert_eq!(c.validation_cache_len(), 0);
}

#[test]
fn a_deleted_account_stops_validating_once_its_entry_expires() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = BlockingClient::new(config(s.url()).with_validation_cache(200, 16)).expect("client");
    c.validate_token(&ann).expect("validate");
    c.delete_me(&ann).expect("delete");
    assert!(c.validate_token(&ann).expect("still cached").cached);
    std::thread::sleep(Duration::from_millis(250));
    let e = c.validate_token(&ann).expect_err("deleted");
    assert_eq!(e.code(), Code::ApiUnauthorized);
}

#[test]
fn entries_never_outlive_the_token_exp() {
    let s = server();
    user(&s, "ann", false);
    let c = blocking(&s);
    // Expires within a second: the cache entry must not outlive it although the max TTL is 60 s.
    let exp = unix_now() + 1;
    let short = AccessToken::new(s.mint_token("ann", Some(exp)));
    assert!(!c.validate_token(&short).expect("valid now").cached);
    assert!(c.validate_token(&short).expect("cached").cached);
    while unix_now() < exp {
        std::thread::sleep(Duration::from_millis(10));
    }
    // At `exp` the entry is gone: Halext is asked again (it still accepts the token during the
    // second `exp` itself, and rejects it after).
    match c.validate_token(&short) {
        Ok(v) => assert!(!v.cached, "answered from a cache entry past exp"),
        Err(e) => assert_eq!(e.code(), Code::ApiUnauthorized),
    }
    assert_eq!(me_requests(&s), 2);
    // A token without exp (accepted forever by Halext) is cached for the max TTL.
    let forever = AccessToken::new(s.mint_token("ann", None));
    c.validate_token(&forever).expect("valid");
    assert!(c.validate_token(&forever).expect("cached").cached);
}

#[test]
fn failures_are_not_cached() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = BlockingClient::new(config(s.url()).with_retries(0)).expect("client");
    let bad = AccessToken::new(s.mint_token("nobody", Some(unix_now() + 600)));
    for _ in 0..2 {
        assert_eq!(c.validate_token(&bad).expect_err("unknown sub").code(), Code::ApiUnauthorized);
    }
    assert_eq!(me_requests(&s), 2, "every rejected validation asks Halext");
    s.add_fault(Fault::new("/users/me/", FaultKind::Status500));
    assert_eq!(c.validate_token(&ann).expect_err("500").status(), Some(500));
    assert!(!c.validate_token(&ann).expect("recovered").cached, "a server error was not cached");
    assert_eq!(c.validation_cache_len(), 1);
}

#[test]
fn the_cache_is_bounded_and_can_be_disabled() {
    let s = server();
    let c = BlockingClient::new(config(s.url()).with_validation_cache(60_000, 3)).expect("client");
    let tokens: Vec<AccessToken> = (0..5).map(|i| user(&s, &format!("u{i}"), false)).collect();
    for t in &tokens {
        c.validate_token(t).expect("validate");
    }
    assert_eq!(c.validation_cache_len(), 3);
    let off = BlockingClient::new(config(s.url()).with_validation_cache(60_000, 0)).expect("client");
    s.clear_requests();
    off.validate_token(&tokens[0]).expect("validate");
    assert!(!off.validate_token(&tokens[0]).expect("validate").cached);
    assert_eq!((me_requests(&s), off.validation_cache_len()), (2, 0));
}
