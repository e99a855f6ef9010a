//! The mapping store against a real MariaDB: DDL, idempotent upserts, links that are never
//! downgraded, lookups both ways with the per-process cache, unlink and rollback.

mod common;

use halext_core::mapping::store::{DDL, StoreConfig};
use halext_core::mapping::{
    BlockingMappingStore, LinkMethod, MappingStatus, MappingStore, MigrationError, PlannedRow,
};
use halext_core::{Code, HalextError};
use mysql_async::prelude::*;
use std::sync::Arc;

async fn store(prefix: &str) -> (MappingStore, String) {
    let dsn = common::fresh_database(prefix, &[]);
    let store = MappingStore::new(&StoreConfig::new(dsn.as_str())).expect("store");
    store.init().await.expect("init");
    (store, dsn)
}

fn row(site: &str, id: u64, status: MappingStatus, name: Option<&str>, email: Option<&str>) -> PlannedRow {
    PlannedRow {
        site: Arc::from(site),
        legacy_id: id,
        status,
        halext_username: name.map(Into::into),
        halext_email: email.map(Into::into),
        full_name: Some("Full Name".into()),
        reason: "unique account".into(),
    }
}

async fn raw(dsn: &str) -> mysql_async::Conn {
    mysql_async::Conn::new(mysql_async::Opts::from_url(dsn).expect("url")).await.expect("conn")
}

#[tokio::test]
async fn init_is_idempotent_and_creates_the_shipped_table() {
    let (store, dsn) = store("map_init").await;
    store.init().await.expect("second init");
    store.init().await.expect("third init");
    let mut c = raw(&dsn).await;
    let (_, create): (String, String) =
        c.query_first("SHOW CREATE TABLE halext_user_map").await.expect("q").expect("row");
    assert!(create.contains("ENGINE=InnoDB"), "{create}");
    assert!(create.contains("PRIMARY KEY (`site`,`legacy_id`)"), "{create}");
    assert!(create.contains("KEY `halext_username` (`halext_username_key`,`halext_username`)"), "{create}");
    assert!(create.contains("DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"), "{create}");
    assert!(create.contains("`plan_run` varchar(64) CHARACTER SET ascii COLLATE ascii_bin"), "{create}");
    assert!(DDL.contains("CREATE TABLE IF NOT EXISTS `halext_user_map`"));
    // A custom table name gets the same DDL.
    let mut cfg = StoreConfig::new(dsn.as_str());
    cfg.table = "legacy_map".into();
    let other = MappingStore::new(&cfg).expect("store");
    other.init().await.expect("init custom");
    let n: Option<u64> = c.query_first("SELECT COUNT(*) FROM legacy_map").await.expect("q");
    assert_eq!(n, Some(0));
    cfg.table = "bad name; DROP".into();
    assert_eq!(MappingStore::new(&cfg).map(|_| ()).map_err(|e| e.code()), Err(Code::Config));
}

#[tokio::test]
async fn bad_dsns_are_config_errors_without_the_password() {
    let err = MappingStore::new(&StoreConfig::new("not a url with s3cret")).expect_err("bad dsn");
    assert_eq!(err.code(), Code::Config);
    assert!(!err.to_string().contains("s3cret"));
    let cfg = StoreConfig::new("mysql://u:s3cret@127.0.0.1:1/db");
    assert!(!format!("{cfg:?}").contains("s3cret"));
    let store = MappingStore::new(&cfg).expect("parsed");
    let err = store.resolve("a", 1).await.expect_err("nothing listens on port 1");
    assert_eq!(err.code(), Code::MappingStore);
    assert!(!err.to_string().contains("s3cret"), "{err}");
}

#[tokio::test]
async fn upserts_are_idempotent_and_never_downgrade_a_link() {
    let (store, dsn) = store("map_upsert").await;
    let rows = vec![
        row("acmlm", 1, MappingStatus::Planned, Some("Alice"), Some("alice@example.com")),
        row("acmlm", 2, MappingStatus::Conflict, None, None),
        row("social", 1, MappingStatus::Skipped, None, None),
    ];
    assert_eq!(store.upsert_planned(&rows, "run-1").await.expect("upsert"), 3);
    let before = store.resolve_fresh("acmlm", 1).await.expect("q").expect("row");
    assert_eq!(store.upsert_planned(&rows, "run-1").await.expect("again"), 3);
    let after = store.resolve_fresh("acmlm", 1).await.expect("q").expect("row");
    assert_eq!(before, after, "an identical upsert changes nothing, not even updated_at");
    let mut c = raw(&dsn).await;
    let n: Option<u64> = c.query_first("SELECT COUNT(*) FROM halext_user_map").await.expect("q");
    assert_eq!(n, Some(3));

    // A login links acmlm:1; a later re-plan that wants another name must not undo it.
    let linked = store
        .link("acmlm", 1, "Alice", Some(42), LinkMethod::Login, None, "registered at login")
        .await
        .expect("link");
    assert_eq!(
        (linked.status, linked.halext_user_id, linked.link_method),
        (MappingStatus::Linked, Some(42), LinkMethod::Login)
    );
    assert!(linked.linked_at.is_some());
    assert_eq!(linked.halext_email.as_deref(), Some("alice@example.com"), "link keeps the planned email");
    let replan = vec![
        row("acmlm", 1, MappingStatus::Conflict, None, None),
        row("acmlm", 2, MappingStatus::Planned, Some("bob"), Some("bob@example.org")),
    ];
    store.upsert_planned(&replan, "run-2").await.expect("replan");
    let a = store.resolve_fresh("acmlm", 1).await.expect("q").expect("row");
    assert_eq!(*a, linked, "a linked row keeps every column");
    let b = store.resolve_fresh("acmlm", 2).await.expect("q").expect("row");
    assert_eq!(
        (b.status, b.halext_username.as_deref(), b.plan_run.as_deref()),
        (MappingStatus::Planned, Some("bob"), Some("run-2"))
    );

    // apply never writes linked rows itself.
    let err = store
        .upsert_planned(&[row("x", 1, MappingStatus::Linked, Some("x"), None)], "run-3")
        .await
        .expect_err("linked");
    assert_eq!(err.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn links_conflict_unless_manual_and_unlink_goes_back_to_planned() {
    let (store, _dsn) = store("map_link").await;
    store
        .upsert_planned(
            &[row("wp", 7, MappingStatus::Planned, Some("noemail"), Some("wp-7@noemail.invalid"))],
            "r",
        )
        .await
        .expect("up");
    store.link("wp", 7, "noemail", Some(5), LinkMethod::Login, None, "login").await.expect("link");
    // Same link again: idempotent.
    let again =
        store.link("wp", 7, "noemail", None, LinkMethod::Login, None, "login").await.expect("same link");
    assert_eq!(again.halext_user_id, Some(5), "a known user id is kept");
    // Another name through login/registration: conflict, nothing changes.
    let err =
        store.link("wp", 7, "other", None, LinkMethod::Registration, None, "x").await.expect_err("conflict");
    assert!(matches!(err, MigrationError::Conflict { .. }), "{err:?}");
    assert_eq!(err.code(), Code::MigrationConflict);
    assert_eq!(
        store.resolve_fresh("wp", 7).await.expect("q").expect("row").halext_username.as_deref(),
        Some("noemail")
    );
    // An operator may relink.
    let m = store
        .link("wp", 7, "other", None, LinkMethod::Manual, None, "fixed by operator")
        .await
        .expect("manual");
    assert_eq!(
        (m.halext_username.as_deref(), m.halext_user_id, m.link_method),
        (Some("other"), None, LinkMethod::Manual)
    );
    // Unlink: back to planned, link data cleared.
    store.unlink("wp", 7, "wrong account").await.expect("unlink");
    let m = store.resolve_fresh("wp", 7).await.expect("q").expect("row");
    assert_eq!((m.status, m.linked_at, m.reason.as_str()), (MappingStatus::Planned, None, "wrong account"));
    let err = store.unlink("wp", 999, "x").await.expect_err("missing");
    assert_eq!(err.code(), Code::MappingNotFound);
    // Linking an account without a planned row creates it.
    let m = store
        .link("wp", 50, "newbie", Some(9), LinkMethod::Registration, Some("n@x.org"), "gated registration")
        .await
        .expect("new");
    assert_eq!(
        (m.status, m.link_method, m.halext_email.as_deref()),
        (MappingStatus::Linked, LinkMethod::Registration, Some("n@x.org"))
    );
    assert_eq!(
        store.link("wp", 51, "", None, LinkMethod::Manual, None, "").await.expect_err("empty").code(),
        Code::InvalidArgument
    );
    assert_eq!(
        store.link("wp", 51, "x", None, LinkMethod::Plan, None, "").await.expect_err("plan").code(),
        Code::InvalidArgument
    );
}

#[tokio::test]
async fn only_linked_lookups_are_cached_and_other_processes_links_are_seen_at_once() {
    let (store, dsn) = store("map_lookup").await;
    store
        .upsert_planned(
            &[
                row("acmlm", 1, MappingStatus::Planned, Some("alice"), Some("a@x.org")),
                row("social", 1, MappingStatus::Planned, Some("alice"), Some("a@x.org")),
                row("wp", 1, MappingStatus::Planned, Some("Alice"), Some("b@x.org")),
            ],
            "r",
        )
        .await
        .expect("up");
    let m = store.resolve("acmlm", 1).await.expect("q").expect("row");
    assert_eq!(m.halext_username.as_deref(), Some("alice"));
    assert!(store.resolve_cached("acmlm", 1).is_none(), "a planned row is not cached");
    assert!(store.resolve("acmlm", 404).await.expect("q").is_none());
    assert!(store.resolve_cached("acmlm", 404).is_none(), "no row is not cached");

    // Reverse lookup is byte-exact (Halext is case-sensitive); the key lookup is not.
    let keys = store.resolve_halext("alice").await.expect("rev");
    let got: Vec<(String, u64)> = keys.iter().map(|k| (k.site.to_string(), k.legacy_id)).collect();
    assert_eq!(got, vec![("acmlm".into(), 1), ("social".into(), 1)]);
    assert_eq!(store.resolve_halext("ALICE").await.expect("rev").len(), 0);
    assert_eq!(store.find_by_username_key("ALICE").await.expect("key").len(), 3);

    // Another process (a PHP-FPM worker) links accounts: seen at once, both ways, because
    // "not linked yet" is never served from the cache (an app would create a second account).
    let mut c = raw(&dsn).await;
    c.query_drop(
        "UPDATE halext_user_map SET status = 'linked', link_method = 'login', halext_user_id = 7 \
         WHERE site = 'acmlm' AND legacy_id = 1",
    )
    .await
    .expect("upd");
    let m = store.resolve("acmlm", 1).await.expect("q").expect("row");
    assert_eq!((m.status, m.halext_user_id), (MappingStatus::Linked, Some(7)));
    assert!(store.resolve_cached("acmlm", 1).is_some(), "a linked row is cached");
    c.query_drop(
        "INSERT INTO halext_user_map (site, legacy_id, halext_username, halext_username_key, status, \
         link_method, created_at, updated_at) VALUES ('wp', 9, 'alice', 'alice', 'linked', 'login', NOW(), NOW())",
    )
        .await
        .expect("ins");
    assert!(
        store
            .resolve_halext("alice")
            .await
            .expect("rev")
            .iter()
            .any(|k| &*k.site == "wp" && k.legacy_id == 9)
    );
    assert_eq!(store.resolve("wp", 9).await.expect("q").expect("row").status, MappingStatus::Linked);

    // A linked row changed by another process (an operator's unlink) is seen after the TTL;
    // this process's own writes invalidate at once.
    c.query_drop(
        "UPDATE halext_user_map SET halext_username = 'changed' WHERE site = 'acmlm' AND legacy_id = 1",
    )
    .await
    .expect("upd");
    assert_eq!(
        store.resolve("acmlm", 1).await.expect("q").expect("row").halext_username.as_deref(),
        Some("alice"),
        "served from the cache within the TTL"
    );
    store.unlink("acmlm", 1, "test").await.expect("unlink");
    assert_ne!(store.resolve("acmlm", 1).await.expect("q").expect("row").status, MappingStatus::Linked);
    store.link("acmlm", 404, "new", None, LinkMethod::Manual, None, "").await.expect("link");
    assert!(store.resolve("acmlm", 404).await.expect("q").is_some());
}

#[tokio::test]
async fn status_counts_and_rollback_of_a_plan_run() {
    let (store, _dsn) = store("map_rollback").await;
    store
        .upsert_planned(
            &[
                row("a", 1, MappingStatus::Planned, Some("a1"), Some("1@x")),
                row("a", 2, MappingStatus::Planned, Some("a2"), Some("2@x")),
                row("a", 3, MappingStatus::Conflict, None, None),
                row("a", 4, MappingStatus::Skipped, None, None),
            ],
            "run-9",
        )
        .await
        .expect("up");
    store.link("a", 2, "a2", None, LinkMethod::Login, None, "login").await.expect("link");
    let c = store.status_counts().await.expect("counts");
    assert_eq!((c.planned, c.linked, c.conflict, c.skipped), (1, 1, 1, 1));
    assert_eq!(store.rollback_plan("run-9").await.expect("rollback"), 3);
    let c = store.status_counts().await.expect("counts");
    assert_eq!((c.planned, c.linked, c.conflict, c.skipped), (0, 1, 0, 0), "links survive a rollback");
}

#[test]
fn the_blocking_facade_is_one_store_per_process_and_answers_hits_without_io() {
    let dsn = common::fresh_database("map_blocking", &[]);
    let cfg = StoreConfig::new(dsn.as_str());
    let s1 = BlockingMappingStore::shared(&cfg).expect("store");
    let s2 = BlockingMappingStore::shared(&cfg).expect("store");
    assert!(Arc::ptr_eq(s1.store(), s2.store()));
    s1.init().expect("init");
    s1.link("acmlm", 1, "alice", Some(3), LinkMethod::Registration, Some("a@x.org"), "gated").expect("link");
    let m = s2.resolve("acmlm", 1).expect("resolve").expect("row");
    assert_eq!((m.halext_username.as_deref(), m.status), (Some("alice"), MappingStatus::Linked));
    assert!(s1.store().resolve_cached("acmlm", 1).is_some());
    assert_eq!(s1.resolve_halext("alice").expect("rev").len(), 1);
    assert_eq!(s1.status_counts().expect("counts").linked, 1);
    s1.unlink("acmlm", 1, "test").expect("unlink");
    assert_eq!(s1.resolve("acmlm", 1).expect("resolve").expect("row").status, MappingStatus::Planned);
}

#[tokio::test]
async fn lookups_use_the_unix_socket_when_the_dsn_names_a_local_host() {
    let dsn = common::fresh_database("map_socket", &[]);
    assert!(dsn.contains("@127.0.0.1:"), "the test DSN is TCP: {dsn}");
    let store = MappingStore::new(&StoreConfig::new(dsn.as_str())).expect("store");
    assert_eq!(store.lookup_transport().await.expect("host"), "localhost", "switched to the unix socket");
    let tcp =
        MappingStore::new(&StoreConfig::new(format!("{dsn}?prefer_socket=false").as_str())).expect("store");
    assert!(tcp.lookup_transport().await.expect("host").starts_with("127.0.0.1:"));
}

#[test]
fn store_futures_are_send() {
    // So that callers can run them on a multi-threaded runtime (e.g. inside a web handler).
    fn assert_send<T: Send>(_: &T) {}
    let store = MappingStore::new(&StoreConfig::new("mysql://u:p@127.0.0.1:1/db")).expect("store");
    let rows: Vec<PlannedRow> = Vec::new();
    assert_send(&store.resolve("a", 1));
    assert_send(&store.resolve_halext("a"));
    assert_send(&store.upsert_planned(&rows, "r"));
    assert_send(&store.link("a", 1, "b", None, LinkMethod::Manual, None, ""));
    assert_send(&store.lock_account("a", 1));
}
