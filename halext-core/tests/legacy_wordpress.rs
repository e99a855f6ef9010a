//! The WordPress profile against the real MariaDB and `examples/data/fixtures/wordpress.sql`
//! (multisite, utf8mb4_unicode_520_ci), plus a single-site install with another table prefix.

mod common;

use std::collections::BTreeMap;

use halext_core::Secret;
use halext_core::legacy::config::{ProfileKind, SiteConfig, WordPressConfig};
use halext_core::legacy::password::{InputVariant, Scheme};
use halext_core::legacy::{AccountState, LegacySite, LegacyUser, MysqlSite, UserSource};

const FIXTURE: &str = "examples/data/fixtures/wordpress.sql";

fn site(db: &str, prefix: &str) -> MysqlSite {
    let mut cfg = SiteConfig::new("wordpress", ProfileKind::Wordpress);
    cfg.dsn = Some(Secret::from(db));
    cfg.batch_size = 2;
    cfg.wordpress = Some(WordPressConfig { table_prefix: prefix.to_owned() });
    MysqlSite::new(&cfg).expect("site")
}

async fn read_all(site: &MysqlSite) -> BTreeMap<u64, LegacyUser> {
    read_source(site.users()).await
}

async fn read_source(mut source: impl UserSource) -> BTreeMap<u64, LegacyUser> {
    read_through(&mut source).await
}

async fn read_through(source: &mut impl UserSource) -> BTreeMap<u64, LegacyUser> {
    let mut all = BTreeMap::new();
    while let Some(batch) = source.next_batch().await.expect("batch") {
        for u in batch {
            assert!(all.insert(u.id, u).is_none());
        }
    }
    all
}

fn ids(v: Vec<LegacyUser>) -> Vec<u64> {
    v.into_iter().map(|u| u.id).collect()
}

#[tokio::test]
async fn reads_every_row_with_roles_states_and_dates() {
    let db = common::fresh_database("wp_read", &[FIXTURE]);
    let users = read_all(&site(&db, "wp_")).await;
    assert_eq!(users.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4, 7, 9, 10, 11, 12]);
    let admin = &users[&1];
    assert_eq!(admin.login, "admin");
    assert_eq!(admin.display_name.as_deref(), Some("Alice"));
    assert_eq!(admin.email.as_deref(), Some("alice@example.com"));
    assert!(admin.is_admin, "administrator role in wp_capabilities");
    assert_eq!(admin.registered_at, Some(1_425_211_200), "2015-03-01 12:00:00 UTC");
    assert_eq!(admin.last_seen_at, Some(1_748_772_000), "session_tokens login time");
    assert_eq!(admin.state, AccountState::Active);
    assert_eq!(users[&3].display_name.as_deref(), Some("Jürgen Groß"));
    assert_eq!(users[&4].state, AccountState::Spam);
    assert_eq!(users[&7].email, None);
    assert_eq!(users[&9].login, "Jürgen");
    assert_eq!(users[&9].email.as_deref(), Some("JURGEN@example.de"));
    assert_eq!(users[&10].state, AccountState::Deleted);
    assert_eq!(users[&11].registered_at, None, "zero date");
    for (id, u) in &users {
        if *id != 1 {
            assert!(!u.is_admin, "id {id}");
            assert_eq!(u.last_seen_at, None, "id {id}");
        }
        assert!(!u.email_verified, "WordPress never verifies emails");
        if ![4, 10].contains(id) {
            assert_eq!(u.state, AccountState::Active, "id {id}");
        }
    }
}

#[tokio::test]
async fn login_by_name_or_email_under_the_unicode_collation() {
    let db = common::fresh_database("wp_login", &[FIXTURE]);
    let site = site(&db, "wp_");
    assert_eq!(ids(site.find_for_login("Jürgen").await.expect("q")), vec![3, 9]);
    assert_eq!(ids(site.find_for_login("jurgen").await.expect("q")), vec![3, 9]);
    assert_eq!(ids(site.find_for_login("JÜRGEN").await.expect("q")), vec![3, 9]);
    assert_eq!(ids(site.find_for_login("admin").await.expect("q")), vec![1]);
    assert_eq!(ids(site.find_for_login("  admin ").await.expect("q")), vec![1], "sanitize_user trims");
    assert_eq!(ids(site.find_for_login("ALICE@example.com").await.expect("q")), vec![1], "email fallback");
    assert_eq!(ids(site.find_for_login("jurgen@example.de").await.expect("q")), vec![3, 9]);
    assert_eq!(ids(site.find_for_login("Bob@Example.org").await.expect("q")), vec![2]);
    assert!(site.find_for_login("nobody@example.com").await.expect("q").is_empty());
    assert!(site.find_for_login("").await.expect("q").is_empty());
}

#[tokio::test]
async fn every_documented_password_verifies() {
    let db = common::fresh_database("wp_pw", &[FIXTURE]);
    let site = site(&db, "wp_");
    let cases: [(u64, &str, Scheme, InputVariant); 9] = [
        (1, "correct horse", Scheme::WpBcryptSha384, InputVariant::Raw),
        (2, "p@ss w0rd ü", Scheme::Phpass, InputVariant::Raw),
        (3, "correct horse", Scheme::Md5, InputVariant::Raw),
        (4, "correct horse", Scheme::Phpass, InputVariant::Raw),
        (7, "correct horse", Scheme::WpBcryptSha384, InputVariant::Raw),
        (9, "p@ss w0rd ü", Scheme::WpBcryptSha384, InputVariant::Raw),
        (10, "correct horse", Scheme::Phpass, InputVariant::Raw),
        (11, "correct horse", Scheme::Phpass, InputVariant::Raw),
        (12, "o'brien \"q\"", Scheme::Phpass, InputVariant::AddSlashes),
    ];
    for (id, pw, scheme, variant) in cases {
        let u = site.get_by_id(id).await.expect("q").expect("row");
        let m = site.verify_password_match(&u, pw.as_bytes()).expect("verify").expect("match");
        assert_eq!((m.scheme, m.variant), (scheme, variant), "id {id}");
        assert!(
            !site.verify_password(&u, format!(" {pw}").as_bytes()).expect("verify"),
            "id {id}: never trimmed"
        );
    }
}

#[tokio::test]
async fn single_site_install_with_another_prefix() {
    let db = common::fresh_database("wp_single", &[FIXTURE, "tests/data/legacy-wordpress-single-site.sql"]);
    let site = site(&db, "blog_");
    let users = read_all(&site).await;
    assert_eq!(users.len(), 9);
    assert!(users.values().all(|u| u.state == AccountState::Active), "no spam/deleted columns");
    assert!(users[&1].is_admin, "blog_capabilities");
    assert_eq!(ids(site.find_for_login("alice@example.com").await.expect("q")), vec![1]);
}

#[tokio::test]
async fn the_first_meta_row_wins_like_get_user_meta() {
    let db =
        common::fresh_database("wp_dupmeta", &[FIXTURE, "tests/data/legacy-wordpress-duplicate-meta.sql"]);
    let site = site(&db, "wp_");
    let users = read_all(&site).await;
    assert!(users[&1].is_admin, "the later subscriber row is ignored");
    assert!(users[&3].is_admin, "the earlier administrator row wins");
    assert!(!users[&2].is_admin);
    // Lookups read meta the same way.
    assert!(site.get_by_id(3).await.expect("q").expect("row").is_admin);
    assert!(site.find_for_login("admin").await.expect("q")[0].is_admin);
}

#[tokio::test]
async fn full_reads_merge_meta_like_lookups() {
    let db = common::fresh_database("wp_orphan", &[FIXTURE, "tests/data/legacy-wordpress-orphan-meta.sql"]);
    let site = site(&db, "wp_");
    let users = read_all(&site).await;
    assert_eq!(users.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4, 7, 9, 10, 11, 12]);
    assert_eq!(users.values().filter(|u| u.is_admin).map(|u| u.id).collect::<Vec<_>>(), vec![1]);
    assert_eq!(users[&2].last_seen_at, Some(1_748_000_000), "the NULL row gives way to the next");
    // The merged stream (pages of 2) and the per-row lookup agree on every user.
    for (id, user) in &users {
        let looked_up = site.get_by_id(*id).await.expect("q").expect("row");
        assert_eq!(&looked_up, user, "user {id}");
    }
}

/// The usermeta quirks the capabilities rule must survive: (name, fixture added to [`FIXTURE`]).
const META_QUIRKS: [(&str, &str); 3] = [
    ("dup", "tests/data/legacy-wordpress-duplicate-meta.sql"),
    ("orphan", "tests/data/legacy-wordpress-orphan-meta.sql"),
    ("null", "tests/data/legacy-wordpress-null-capabilities.sql"),
];

/// A read without `last_seen_at` takes the administrators from an unsorted read of the
/// capabilities instead of the sorted stream: the same users, `is_admin` and rule (the lowest
/// `umeta_id` with a value wins, orphan and NULL rows ignored), `last_seen_at` left out.
#[tokio::test]
async fn reads_without_last_seen_agree_with_full_reads() {
    for (quirk, extra) in META_QUIRKS {
        let name = format!("wp_nols_{quirk}");
        let db = common::fresh_database(&name, &[FIXTURE, extra]);
        let site = site(&db, "wp_");
        let full = read_all(&site).await;
        let lean = read_source(site.users().without_last_seen()).await;
        assert!(full.values().any(|u| u.last_seen_at.is_some()), "{name}: the fixture has session tokens");
        assert!(lean.values().all(|u| u.last_seen_at.is_none()), "{name}");
        let expected: BTreeMap<u64, LegacyUser> =
            full.into_iter().map(|(id, u)| (id, LegacyUser { last_seen_at: None, ..u })).collect();
        assert_eq!(lean, expected, "{name}");
        if quirk == "null" {
            assert!(lean[&12].is_admin, "the NULL row gives way to the administrator row");
        }
    }
}

/// A read that defers administrators (what the planner does) returns every row with
/// `is_admin: false` without waiting for the usermeta read, then hands over exactly the ids a
/// waiting read marks, by the same rule (lowest `umeta_id` with a value wins).
#[tokio::test]
async fn deferred_admins_are_the_ones_a_waiting_read_marks() {
    for (quirk, extra) in META_QUIRKS {
        let name = format!("wp_defer_{quirk}");
        let db = common::fresh_database(&name, &[FIXTURE, extra]);
        let site = site(&db, "wp_");
        let waiting = read_source(site.users().without_last_seen()).await;
        let mut source = site.users().without_last_seen().defer_admins();
        let deferred = read_through(&mut source).await;
        let mut admins = source.deferred_admins().await.expect("admins");
        // Orphan meta rows (users deleted from wp_users) may add ids no batch returned.
        admins.retain(|id| deferred.contains_key(id));
        admins.sort_unstable();
        let expected: Vec<u64> = waiting.values().filter(|u| u.is_admin).map(|u| u.id).collect();
        assert!(!expected.is_empty(), "{name}: the fixture has an administrator");
        assert_eq!(admins, expected, "{name}");
        assert!(deferred.values().all(|u| !u.is_admin), "{name}: batches say false");
        let unmarked: BTreeMap<u64, LegacyUser> =
            waiting.into_iter().map(|(id, u)| (id, LegacyUser { is_admin: false, ..u })).collect();
        assert_eq!(deferred, unmarked, "{name}");
    }
    // Reads that know roles in-line (with last_seen_at) defer nothing.
    let db = common::fresh_database("wp_defer_full", &[FIXTURE]);
    let mut source = site(&db, "wp_").users().defer_admins();
    let users = read_through(&mut source).await;
    assert!(users[&1].is_admin);
    assert_eq!(source.deferred_admins().await.expect("admins"), Vec::<u64>::new());
}

async fn sql(dsn: &str, statement: &str) {
    use mysql_async::prelude::Queryable;
    let mut c = mysql_async::Conn::new(mysql_async::Opts::from_url(dsn).expect("url")).await.expect("conn");
    c.query_drop(statement).await.expect("sql");
    c.disconnect().await.expect("disconnect");
}

/// The usermeta read fails (its table is gone after the site learnt its layout): a reader
/// that waits for the administrators returns the error without moving its cursor, so the
/// retry once the table is back returns the same first page and then every row; a deferring
/// reader returns its rows and then the error from `deferred_admins`, never an empty list.
#[tokio::test]
async fn a_failed_usermeta_read_loses_no_page_and_no_administrator() {
    let db = common::fresh_database("wp_metafail", &[FIXTURE]);
    let site = site(&db, "wp_");
    let expected = read_source(site.users().without_last_seen()).await;
    sql(&db, "RENAME TABLE wp_usermeta TO wp_usermeta_away").await;

    let mut waiting = site.users().without_last_seen();
    let err = waiting.next_batch().await.expect_err("the usermeta read fails");
    assert!(matches!(err, halext_core::legacy::LegacyError::Database { .. }), "{err}");
    sql(&db, "RENAME TABLE wp_usermeta_away TO wp_usermeta").await;
    let first = waiting.next_batch().await.expect("retry").expect("a page");
    assert_eq!(ids(first.clone()), vec![1, 2], "the failed page is read again, not skipped");
    let mut all: BTreeMap<u64, LegacyUser> = first.into_iter().map(|u| (u.id, u)).collect();
    all.extend(read_through(&mut waiting).await);
    assert_eq!(all, expected);

    sql(&db, "RENAME TABLE wp_usermeta TO wp_usermeta_away").await;
    let mut deferring = site.users().without_last_seen().defer_admins();
    assert_eq!(read_through(&mut deferring).await.len(), expected.len());
    let err = deferring.deferred_admins().await.expect_err("the administrators are unknown");
    assert!(matches!(err, halext_core::legacy::LegacyError::Database { .. }), "{err}");
    sql(&db, "RENAME TABLE wp_usermeta_away TO wp_usermeta").await;

    // An empty users table: no page, and the (orphan) administrators still come back.
    sql(&db, "DELETE FROM wp_users").await;
    let mut empty = site.users().without_last_seen().defer_admins();
    assert!(read_through(&mut empty).await.is_empty());
    assert_eq!(empty.deferred_admins().await.expect("admins"), vec![1]);
}
