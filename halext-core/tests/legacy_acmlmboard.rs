//! The Acmlmboard profile against the real MariaDB and `examples/data/fixtures/acmlmboard.sql`:
//! every row decoded (UTF-8-in-latin1 and genuine latin1 names, bans, admin, Unix dates),
//! login lookups under latin1_swedish_ci, and every documented password.

mod common;

use std::collections::BTreeMap;

use halext_core::legacy::config::{AcmlmVariant, AcmlmboardConfig, ProfileKind, SiteConfig};
use halext_core::legacy::error::LegacyError;
use halext_core::legacy::password::{InputVariant, Md5Construction, Scheme};
use halext_core::legacy::{AccountState, LegacySite, LegacyUser, MysqlSite, UnusableReason, UserSource};
use halext_core::{Code, HalextError, Secret};

const FIXTURE: &str = "examples/data/fixtures/acmlmboard.sql";

fn config(db: &str, legacylogin: bool) -> SiteConfig {
    let mut cfg = SiteConfig::new("acmlm", ProfileKind::Acmlmboard);
    cfg.dsn = Some(Secret::from(db));
    cfg.batch_size = 4; // several pages for 10 rows
    cfg.acmlmboard = Some(AcmlmboardConfig {
        variant: AcmlmVariant::Ab2,
        legacylogin,
        pwdsalt: Some(Secret::from("Please change me!")),
        pwdsalt2: Some(Secret::from("Addtional Salt. Please Change me!")),
        // The board also holds AB 1.x-era plain md5 rows (ids 7 and 12).
        md5: Some(vec![Md5Construction::Salt2PassSalt, Md5Construction::Plain]),
        windows1252_fallback: true,
        power_banned: true,
        ..AcmlmboardConfig::default()
    });
    cfg
}

async fn read_all(site: &MysqlSite) -> BTreeMap<u64, LegacyUser> {
    let mut source = site.users();
    let mut all = BTreeMap::new();
    let mut batches = 0;
    while let Some(batch) = source.next_batch().await.expect("batch") {
        assert!(!batch.is_empty() && batch.len() <= 4, "batch size {}", batch.len());
        batches += 1;
        for u in batch {
            assert!(all.insert(u.id, u).is_none(), "a row was read twice");
        }
    }
    assert_eq!(batches, 3);
    assert!(source.take_rejected().is_empty());
    assert!(source.next_batch().await.expect("after the end").is_none());
    all
}

#[tokio::test]
async fn reads_every_row_with_decoded_names_states_and_dates() {
    let db = common::fresh_database("ab_read", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, true)).expect("site");
    let users = read_all(&site).await;
    assert_eq!(users.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3, 5, 6, 7, 9, 10, 11, 12]);

    let alice = &users[&1];
    assert_eq!(&*alice.site, "acmlm");
    assert_eq!(alice.login, "Alice");
    assert_eq!(alice.display_name, None);
    assert_eq!(alice.email.as_deref(), Some("Alice@Example.com"));
    assert!(!alice.email_verified);
    assert_eq!(alice.state, AccountState::Active);
    assert!(alice.is_admin, "group 6 = Root Administrator");
    assert_eq!(alice.registered_at, Some(1_262_304_000));
    assert_eq!(alice.last_seen_at, Some(1_748_772_000));
    assert_eq!(
        alice.password_hash.as_deref(),
        Some("$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG")
    );

    assert_eq!(users[&2].display_name.as_deref(), Some("Bobby Tables"));
    assert_eq!(users[&3].login, "Jürgen", "UTF-8 bytes in a latin1 column");
    assert_eq!(users[&3].email, None, "empty email is None");
    assert_eq!(users[&5].state, AccountState::Banned { until: None });
    assert_eq!(users[&6].state, AccountState::Banned { until: Some(1_893_456_000) });
    assert_eq!(users[&7].login, "Zoë", "a genuine latin1 byte");
    assert_eq!(users[&7].state, AccountState::Banned { until: None }, "legacy power -1");
    assert_eq!(users[&7].email.as_deref(), Some("ZOE@example.net"));
    assert_eq!(users[&9].display_name.as_deref(), Some("Carol"));
    assert_eq!(users[&10].display_name.as_deref(), Some("O'Brien"));
    assert_eq!(users[&11].password_hash.as_deref(), Some("$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ"));
    for id in [2, 3, 5, 6, 7, 9, 10, 11, 12] {
        assert!(!users[&id].is_admin, "id {id}");
    }
    for id in [2, 3, 9, 10, 11, 12] {
        assert_eq!(users[&id].state, AccountState::Active, "id {id}");
    }
}

#[tokio::test]
async fn login_lookups_follow_latin1_swedish_ci() {
    let db = common::fresh_database("ab_login", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, true)).expect("site");
    let ids = |v: Vec<LegacyUser>| v.into_iter().map(|u| u.id).collect::<Vec<_>>();
    assert_eq!(ids(site.find_for_login("Alice").await.expect("q")), vec![1]);
    assert_eq!(ids(site.find_for_login("aLiCe").await.expect("q")), vec![1], "case-insensitive");
    assert_eq!(ids(site.find_for_login("alice ").await.expect("q")), vec![1], "trailing spaces ignored");
    assert_eq!(ids(site.find_for_login("bobby tables").await.expect("q")), vec![2], "by displayname");
    assert_eq!(ids(site.find_for_login("Jürgen").await.expect("q")), vec![3]);
    assert_eq!(ids(site.find_for_login("jürgen").await.expect("q")), vec![3]);
    assert_eq!(ids(site.find_for_login("Zoë").await.expect("q")), vec![7], "windows-1252 form of the input");
    assert_eq!(ids(site.find_for_login("Zoe").await.expect("q")), vec![7], "Swedish rules: ë = e");
    assert_eq!(ids(site.find_for_login("O'Brien").await.expect("q")), vec![10]);
    assert!(site.find_for_login("nobody").await.expect("q").is_empty());
    assert!(site.find_for_login("").await.expect("q").is_empty(), "empty input matches nobody");
    assert!(site.find_for_login("   ").await.expect("q").is_empty());
    assert_eq!(site.get_by_id(3).await.expect("q").map(|u| u.login), Some("Jürgen".to_owned()));
    assert!(site.get_by_id(4).await.expect("q").is_none());
}

#[tokio::test]
async fn every_documented_password_verifies() {
    let db = common::fresh_database("ab_pw", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, true)).expect("site");
    let user = |id| {
        let site = site.clone();
        async move { site.get_by_id(id).await.expect("q").expect("row") }
    };
    let check = |u: &LegacyUser, pw: &str| site.verify_password_match(u, pw.as_bytes());

    let cases: [(u64, &str, Scheme, InputVariant); 8] = [
        (1, "correct horse", Scheme::Bcrypt, InputVariant::Raw),
        (2, "correct horse", Scheme::Md5Salt2PassSalt, InputVariant::Raw),
        (3, "p@ss w0rd ü", Scheme::Bcrypt, InputVariant::Raw),
        (5, "correct horse", Scheme::Bcrypt, InputVariant::Raw),
        (6, "correct horse", Scheme::Bcrypt, InputVariant::Raw),
        (7, "p@ss w0rd ü", Scheme::Md5, InputVariant::Windows1252),
        (10, "o'brien \"q\"", Scheme::Md5Salt2PassSalt, InputVariant::AddSlashes),
        (12, "correct horse", Scheme::Md5, InputVariant::Raw),
    ];
    for (id, pw, scheme, variant) in cases {
        let u = user(id).await;
        let m = check(&u, pw)
            .unwrap_or_else(|e| panic!("id {id}: {e}"))
            .unwrap_or_else(|| panic!("id {id}: no match"));
        assert_eq!((m.scheme, m.variant), (scheme, variant), "id {id}");
        assert!(site.verify_password(&u, pw.as_bytes()).expect("verify"), "id {id}");
        assert!(!site.verify_password(&u, b"wrong password").expect("verify"), "id {id}");
        assert!(!site.verify_password(&u, b"").expect("verify"), "id {id}: empty password");
    }
    let carol = user(9).await;
    match site.verify_password(&carol, b"") {
        Err(LegacyError::UnusableHash { reason: UnusableReason::EmptyPasswordSentinel }) => {}
        other => panic!("carol: {other:?}"),
    }
    let shorty = user(11).await;
    let err = site.verify_password(&shorty, b"correct horse").expect_err("truncated");
    assert_eq!(err.code(), Code::LegacyUnusableHash);
    assert!(matches!(err, LegacyError::UnusableHash { reason: UnusableReason::TruncatedBcrypt }), "{err:?}");
}

#[tokio::test]
async fn legacylogin_off_refuses_md5_rows_like_the_board() {
    let db = common::fresh_database("ab_nolegacy", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, false)).expect("site");
    let bob = site.get_by_id(2).await.expect("q").expect("bob");
    match site.verify_password(&bob, b"correct horse") {
        Err(LegacyError::UnusableHash {
            reason: UnusableReason::NotAcceptedBySite { format: "md5_hex" },
        }) => {}
        other => panic!("{other:?}"),
    }
    let alice = site.get_by_id(1).await.expect("q").expect("alice");
    assert!(site.verify_password(&alice, b"correct horse").expect("bcrypt still works"));
}

#[test]
fn blocking_facade_for_the_bindings() {
    let db = common::fresh_database("ab_blocking", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, true)).expect("site");
    let found = site.find_for_login_blocking("ALICE").expect("lookup");
    assert_eq!(found.iter().map(|u| u.id).collect::<Vec<_>>(), vec![1]);
    assert!(site.verify_password(&found[0], b"correct horse").expect("verify"));
    assert_eq!(site.get_by_id_blocking(2).expect("q").map(|u| u.login), Some("bob".to_owned()));
}

#[tokio::test]
async fn config_errors_never_show_the_dsn() {
    let mut cfg = config("mysql://halext:sup3rsecret@127.0.0.1:1", true);
    let err = MysqlSite::new(&cfg).expect_err("no database in the DSN");
    assert!(!format!("{err} {err:?}").contains("sup3rsecret"));
    cfg.dsn = Some(Secret::from("not a url sup3rsecret"));
    let err = MysqlSite::new(&cfg).expect_err("bad url");
    assert_eq!(err.code(), Code::Config);
    assert!(!format!("{err} {err:?}").contains("sup3rsecret"), "{err:?}");
    cfg.dsn = Some(Secret::from("mysql://halext:sup3rsecret@127.0.0.1:1/acmlm"));
    let site = MysqlSite::new(&cfg).expect("valid config, unreachable server");
    assert!(!format!("{site:?}").contains("sup3rsecret"));
    let err = site.find_for_login("alice").await.expect_err("nothing listens on port 1");
    assert_eq!(err.code(), Code::LegacyDatabase);
    assert!(!format!("{err} {err:?}").contains("sup3rsecret"), "{err:?}");
}

#[tokio::test]
async fn a_missing_table_is_a_schema_error() {
    let db = common::fresh_database("ab_notable", &[]);
    let site = MysqlSite::new(&config(&db, true)).expect("site");
    let err = site.users().next_batch().await.expect_err("no users table");
    assert_eq!(err.code(), Code::LegacySchema, "{err}");
}
