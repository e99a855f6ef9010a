//! Gated registration: Halext first (clear duplicate errors), then the app's row, then link.

mod common;
mod mapping_support;

use halext_core::mapping::halext::NewAccount;
use halext_core::mapping::register::Registrar;
use halext_core::mapping::store::StoreConfig;
use halext_core::mapping::{LinkMethod, MappingStatus, MappingStore, MigrationError, PlannedRow};
use halext_core::{Code, HalextError, Secret};
use mapping_support::*;
use std::sync::Arc;
use std::sync::atomic::Ordering;

fn account(username: &str, email: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        email: email.into(),
        password: Secret::from("s3cret pw"),
        full_name: Some("New Person".into()),
    }
}

#[tokio::test]
async fn registers_on_halext_first_then_links_the_local_row() {
    let dsn = common::fresh_database("map_register", &[]);
    let store = Arc::new(MappingStore::new(&StoreConfig::new(dsn.as_str())).expect("store"));
    store.init().await.expect("init");
    // "alice" is planned for a legacy account.
    let planned = PlannedRow {
        site: Arc::from("social"),
        legacy_id: 1,
        status: MappingStatus::Planned,
        halext_username: Some("alice".into()),
        halext_email: Some("alice@example.com".into()),
        full_name: None,
        reason: "unique account".into(),
    };
    store.upsert_planned(&[planned], "r").await.expect("plan");
    let halext = FakeHalext::new();
    halext.add("taken", "someone@example.org", "x");
    let reg = Registrar::new(Arc::clone(&store), halext.clone());

    let r = reg.register(&account("newbie", "  NewBie@Example.org ")).await.expect("register");
    assert_eq!(r.username, "newbie");
    let acct = halext.account("newbie").expect("on halext");
    assert_eq!(
        (acct.email.as_str(), acct.password.as_str()),
        ("newbie@example.org", "s3cret pw"),
        "normalised email"
    );
    let m = reg.link("social", 500, "newbie", Some(r.id)).await.expect("link");
    assert_eq!(
        (m.status, m.link_method, m.halext_user_id),
        (MappingStatus::Linked, LinkMethod::Registration, Some(r.id))
    );
    assert_eq!(
        store.resolve("social", 500).await.expect("q").expect("row").halext_username.as_deref(),
        Some("newbie")
    );

    let e = reg.register(&account("taken", "t2@example.org")).await.expect_err("dup username");
    assert!(matches!(&e, MigrationError::DuplicateUsername { username } if username == "taken"), "{e:?}");
    assert_eq!(e.code(), Code::MigrationDuplicateUsername);
    let e = reg.register(&account("fresh", "SOMEONE@example.org")).await.expect_err("dup email");
    assert_eq!(e.code(), Code::MigrationDuplicateEmail);
    assert!(!e.to_string().contains("someone"), "no email in messages: {e}");

    // Reserved for a legacy account (case-insensitively): refused without asking Halext.
    let before = halext.registrations.load(Ordering::SeqCst);
    let e = reg.register(&account("ALICE", "a2@example.org")).await.expect_err("reserved");
    assert_eq!(e.code(), Code::MigrationDuplicateUsername);
    assert_eq!(halext.registrations.load(Ordering::SeqCst), before);

    for (u, em) in [
        ("a/b", "ab@example.org"),
        ("x", "x@example.org"),
        ("ok_name", "not-an-email"),
        ("a@b", "ab@example.org"),
    ] {
        assert_eq!(
            reg.register(&account(u, em)).await.expect_err(u).code(),
            Code::InvalidArgument,
            "{u} {em}"
        );
    }
    let mut empty = account("emptypw", "e@example.org");
    empty.password = Secret::from("");
    assert_eq!(reg.register(&empty).await.expect_err("empty").code(), Code::InvalidArgument);

    // A local id already linked to another account is a conflict.
    assert_eq!(
        reg.link("social", 500, "someone_else", None).await.expect_err("relink").code(),
        Code::MigrationConflict
    );

    halext.down.store(true, Ordering::SeqCst);
    assert_eq!(
        reg.register(&account("later", "later@example.org")).await.expect_err("down").code(),
        Code::MigrationHalextUnavailable
    );
}
