//! The ZEN3MP profile against the real MariaDB and `examples/data/fixtures/zen3mp.sql`.

mod common;

use halext_core::Secret;
use halext_core::legacy::config::{ProfileKind, SiteConfig};
use halext_core::legacy::error::LegacyError;
use halext_core::legacy::password::{InputVariant, Scheme};
use halext_core::legacy::{AccountState, LegacySite, LegacyUser, MysqlSite, UnusableReason, UserSource};

const FIXTURE: &str = "examples/data/fixtures/zen3mp.sql";

fn site(db: &str) -> MysqlSite {
    let mut cfg = SiteConfig::new("social", ProfileKind::Zen3mp);
    cfg.dsn = Some(Secret::from(db));
    MysqlSite::new(&cfg).expect("site")
}

fn ids(v: Vec<LegacyUser>) -> Vec<u64> {
    v.into_iter().map(|u| u.id).collect()
}

#[tokio::test]
async fn reads_every_row_with_states_and_dates() {
    let db = common::fresh_database("zen_read", &[FIXTURE]);
    let mut source = site(&db).users();
    let users = source.next_batch().await.expect("batch").expect("rows");
    assert!(source.next_batch().await.expect("end").is_none());
    assert_eq!(users.iter().map(|u| u.id).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6, 7]);
    let by = |id: u64| users.iter().find(|u| u.id == id).expect("row");
    let alice = by(1);
    assert_eq!((alice.login.as_str(), alice.display_name.as_deref()), ("alice", Some("Alice")));
    assert_eq!(alice.email.as_deref(), Some("ALICE@example.com"));
    assert!(alice.email_verified && alice.is_admin);
    assert_eq!(alice.registered_at, Some(1_553_817_600), "2019-03-29");
    assert_eq!(alice.last_seen_at, None);
    assert_eq!(by(2).login, "Jürgen");
    let dup = by(3);
    assert_eq!((dup.login.as_str(), dup.display_name.as_deref()), ("alice_1", Some("alice")));
    assert_eq!(dup.state, AccountState::Unverified);
    assert_eq!(halext_core::legacy::source::zen3mp_deduplicated_from(dup), Some("alice"));
    assert_eq!(halext_core::legacy::source::zen3mp_deduplicated_from(alice), None);
    assert!(!dup.email_verified);
    assert_eq!(by(4).state, AccountState::Closed);
    assert_eq!(by(6).email, None);
    assert_eq!(by(7).registered_at, None, "zero date");
    for id in [1, 2, 5, 6, 7] {
        assert_eq!(by(id).state, AccountState::Active, "id {id}");
    }
    for id in 2..=7 {
        assert!(!by(id).is_admin, "id {id}");
    }
}

#[tokio::test]
async fn login_is_by_email_only() {
    let db = common::fresh_database("zen_login", &[FIXTURE]);
    let site = site(&db);
    assert_eq!(ids(site.find_for_login("alice@example.com").await.expect("q")), vec![1], "general_ci");
    assert_eq!(ids(site.find_for_login("Juergen@Example.DE").await.expect("q")), vec![2]);
    assert!(site.find_for_login("alice").await.expect("q").is_empty(), "not by username");
    assert!(site.find_for_login("").await.expect("q").is_empty(), "the empty-email account cannot log in");
}

#[tokio::test]
async fn every_documented_password_verifies() {
    let db = common::fresh_database("zen_pw", &[FIXTURE]);
    let site = site(&db);
    for (id, pw) in [
        (1, "correct horse"),
        (2, "p@ss w0rd ü"),
        (3, "correct horse"),
        (4, "acdef"),
        (6, "correct horse"),
        (7, "correct horse"),
    ] {
        let u = site.get_by_id(id).await.expect("q").expect("row");
        let m = site.verify_password_match(&u, pw.as_bytes()).expect("verify").expect("match");
        assert_eq!((m.scheme, m.variant), (Scheme::Bcrypt, InputVariant::Raw), "id {id}");
    }
    let closed = site.get_by_id(4).await.expect("q").expect("row");
    assert!(!site.verify_password(&closed, b"a<b>cdef").expect("verify"), "no strip_tags at login");
    let oldtimer = site.get_by_id(5).await.expect("q").expect("row");
    match site.verify_password(&oldtimer, b"correct horse") {
        Err(LegacyError::UnusableHash {
            reason: UnusableReason::NotAcceptedBySite { format: "md5_hex" },
        }) => {}
        other => panic!("ZEN3MP never accepts md5: {other:?}"),
    }
}
