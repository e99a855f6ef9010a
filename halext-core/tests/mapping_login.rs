//! Login-time migration end to end: real MariaDB mapping store, fixture-shaped legacy sites
//! and a fake Halext that behaves like the real one.

mod common;
mod mapping_support;

use halext_core::legacy::AccountState;
use halext_core::mapping::apply::{ApplyOptions, apply_plan};
use halext_core::mapping::login::{
    LoginMigrator, LoginOutcome, LoginPolicy, UnavailablePolicy, UnplannedPolicy,
};
use halext_core::mapping::plan::{PlanPolicy, Planner};
use halext_core::mapping::store::StoreConfig;
use halext_core::mapping::{
    BlockReason, LinkMethod, MappingStatus, MappingStore, MigrationError, PlannedRow,
};
use halext_core::{Code, HalextError, Secret};
use mapping_support::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

struct World {
    store: Arc<MappingStore>,
    halext: Arc<FakeHalext>,
    acmlm: Arc<FakeSite>,
    wp: Arc<FakeSite>,
    social: Arc<FakeSite>,
}

impl World {
    fn migrator(&self, policy: LoginPolicy) -> LoginMigrator {
        LoginMigrator::new(Arc::clone(&self.store), self.halext.clone(), policy)
            .with_site(self.acmlm.clone())
            .with_site(self.wp.clone())
            .with_site(self.social.clone())
    }

    async fn status(&self, site: &str, id: u64) -> (MappingStatus, Option<String>, LinkMethod) {
        let m = self.store.resolve_fresh(site, id).await.expect("q").expect("row");
        (m.status, m.halext_username.clone(), m.link_method)
    }
}

/// A database with the fixture accounts planned (emails trusted, so the three Alices are one
/// identity "alice") and applied.
async fn world(prefix: &str) -> World {
    let dsn = common::fresh_database(prefix, &[]);
    let store = Arc::new(MappingStore::new(&StoreConfig::new(dsn.as_str())).expect("store"));
    store.init().await.expect("init");
    let policy = PlanPolicy {
        site_priority: vec!["social".into(), "acmlm".into(), "wordpress".into()],
        trust_all_emails: true,
        now: Some(NOW),
        ..PlanPolicy::default()
    };
    let plan = Planner::new(policy).plan_users(&all_users()).expect("plan");
    apply_plan(&store, &plan, &ApplyOptions::default(), &AtomicBool::new(false), &mut |_| {})
        .await
        .expect("apply");
    World {
        store,
        halext: FakeHalext::new(),
        acmlm: FakeSite::new("acmlm", &acmlm()),
        wp: FakeSite::new("wordpress", &wordpress()),
        social: FakeSite::new("social", &social()),
    }
}

fn pw(s: &str) -> Secret {
    Secret::from(s)
}

#[tokio::test]
async fn first_login_migrates_then_logs_in_and_the_other_sites_link_to_the_same_account() {
    let w = world("map_login_migrate").await;
    let m = w.migrator(LoginPolicy::default());

    // ZEN3MP logs in by email.
    let r = m.login("social", "ALICE@example.com", &pw(PW)).await.expect("login");
    assert_eq!(
        (r.outcome, r.legacy_user_id, r.halext_username.as_deref()),
        (LoginOutcome::Migrated, 1, Some("alice"))
    );
    assert_eq!(r.access_token.as_ref().and_then(|t| t.expose_str()), Some("token-for-alice"));
    let acct = w.halext.account("alice").expect("registered");
    assert_eq!(
        (acct.email.as_str(), acct.password.as_str(), acct.full_name.as_deref()),
        ("alice@example.com", PW, Some("Alice"))
    );
    let row = w.store.resolve_fresh("social", 1).await.expect("q").expect("row");
    assert_eq!(
        (row.status, row.link_method, row.halext_user_id),
        (MappingStatus::Linked, LinkMethod::Login, Some(acct.id))
    );

    let r = m.login("social", "alice@example.com", &pw(PW)).await.expect("again");
    assert_eq!(r.outcome, LoginOutcome::LoggedIn);
    assert_eq!(w.halext.registrations.load(Ordering::SeqCst), 1);

    // The forum account of the same person (same password): Halext answers "Email already
    // registered"; logging in with this password works, so it is linked, not duplicated.
    let r = m.login("acmlm", "Alice", &pw(PW)).await.expect("acmlm");
    assert_eq!((r.outcome, r.halext_username.as_deref()), (LoginOutcome::LinkedExisting, Some("alice")));
    assert!(r.access_token.is_some());
    assert_eq!(w.status("acmlm", 1).await, (MappingStatus::Linked, Some("alice".into()), LinkMethod::Login));
    assert_eq!(w.halext.count(), 1);

    // The WordPress account of the same person uses another password: nothing is
    // overwritten, the app is told to ask for the Halext password.
    w.wp.set_password(1, "wp-only password");
    let r = m.login("wordpress", "admin", &pw("wp-only password")).await.expect("wp");
    assert_eq!(r.outcome, LoginOutcome::HalextPasswordRequired);
    assert_eq!((r.halext_login.as_deref(), r.access_token.is_none()), (Some("alice@example.com"), true));
    assert_eq!(w.status("wordpress", 1).await.0, MappingStatus::Planned);
    assert_eq!(w.halext.account("alice").expect("acct").password, PW, "never overwritten");
    let err = m
        .link_with_halext_password("wordpress", 1, "alice@example.com", &pw("guess"))
        .await
        .expect_err("wrong");
    assert_eq!(err.code(), Code::MigrationInvalidCredentials);
    let r = m.link_with_halext_password("wordpress", 1, "alice@example.com", &pw(PW)).await.expect("link");
    assert_eq!((r.outcome, r.halext_username.as_deref()), (LoginOutcome::LinkedExisting, Some("alice")));
    assert_eq!(
        w.status("wordpress", 1).await,
        (MappingStatus::Linked, Some("alice".into()), LinkMethod::Login)
    );
    // From now on WordPress logs in with the Halext password... and the legacy one is checked first.
    let r = m.login("wordpress", "admin", &pw("wp-only password")).await.expect("wp again");
    assert_eq!(r.outcome, LoginOutcome::HalextPasswordRequired, "linked, but Halext has another password");
}

#[tokio::test]
async fn unknown_user_wrong_password_and_bad_hashes_are_one_error() {
    let w = world("map_login_creds").await;
    let m = w.migrator(LoginPolicy::default());
    let wrong = m.login("acmlm", "bob", &pw("nope")).await.expect_err("wrong password");
    let before = w.acmlm.verifications.load(Ordering::SeqCst);
    let unknown = m.login("acmlm", "nobody", &pw("nope")).await.expect_err("unknown user");
    assert_eq!(
        w.acmlm.verifications.load(Ordering::SeqCst),
        before + 1,
        "the unknown-user path verifies a dummy hash"
    );
    w.acmlm.ambiguous.lock().expect("lock").push("bob".into());
    let ambiguous = m.login("acmlm", "bob", &pw(PW)).await.expect_err("ambiguous");
    let before = w.acmlm.verifications.load(Ordering::SeqCst);
    let unusable = m.login("acmlm", "Shorty", &pw(PW)).await.expect_err("truncated bcrypt");
    assert_eq!(
        w.acmlm.verifications.load(Ordering::SeqCst),
        before + 2,
        "an unusable hash is followed by a dummy verification"
    );
    let empty = m.login("acmlm", "Zoey", &pw("")).await.expect_err("empty password");
    for e in [&wrong, &unknown, &ambiguous, &unusable, &empty] {
        assert!(matches!(e, MigrationError::InvalidCredentials), "{e:?}");
        assert_eq!(e.code(), Code::MigrationInvalidCredentials);
        assert_eq!(e.to_string(), wrong.to_string());
    }
    assert_eq!(w.halext.logins.load(Ordering::SeqCst) + w.halext.registrations.load(Ordering::SeqCst), 0);
    assert_eq!(m.login("nosuchsite", "bob", &pw(PW)).await.expect_err("site").code(), Code::InvalidArgument);
}

#[tokio::test]
async fn blocked_accounts_are_refused_only_after_the_password_is_verified() {
    let w = world("map_login_blocked").await;
    let m = w.migrator(LoginPolicy::default());
    let e = m.login("acmlm", "Tempy", &pw(PW)).await.expect_err("temp banned until 2030");
    assert!(matches!(e, MigrationError::AccountBlocked { reason: BlockReason::Banned }), "{e:?}");
    assert_eq!(e.code(), Code::MigrationAccountBlocked);
    assert_eq!(
        m.login("acmlm", "Tempy", &pw("wrong")).await.expect_err("wrong").code(),
        Code::MigrationInvalidCredentials
    );
    let e = m.login("social", "carl@example.net", &pw("acdef")).await.expect_err("closed");
    assert!(matches!(e, MigrationError::AccountBlocked { reason: BlockReason::Closed }), "{e:?}");
    let e = m.login("wordpress", "gone", &pw(PW)).await.expect_err("deleted");
    assert!(matches!(e, MigrationError::AccountBlocked { reason: BlockReason::Deleted }), "{e:?}");
    assert_eq!(w.halext.count(), 0);
    assert_eq!(w.status("acmlm", 6).await.0, MappingStatus::Planned, "nothing marked");
}

#[tokio::test]
async fn conflicts_and_skips_do_not_migrate() {
    let w = world("map_login_conflict").await;
    let m = w.migrator(LoginPolicy::default());
    // wordpress:9 "Jürgen" shares jurgen@example.de with wordpress:3 on the same site: conflict.
    let e = m.login("wordpress", "Jürgen", &pw(PW_U)).await.expect_err("conflict");
    assert_eq!(e.code(), Code::MigrationConflict);
    // An operator skipped obrien: the legacy login works, no Halext account.
    let skip = PlannedRow {
        site: Arc::from("acmlm"),
        legacy_id: 10,
        status: MappingStatus::Skipped,
        halext_username: None,
        halext_email: None,
        full_name: None,
        reason: "operator: not migrating".into(),
    };
    w.store.upsert_planned(&[skip], "manual").await.expect("skip");
    let r = m.login("acmlm", "obrien", &pw("o'brien \"q\"")).await.expect("login");
    assert_eq!((r.outcome, r.access_token.is_none()), (LoginOutcome::NotMigrated, true));
    assert_eq!(w.halext.count(), 0);
}

#[tokio::test]
async fn a_planned_name_edited_into_an_email_is_never_registered() {
    let w = world("map_login_edited").await;
    let m = w.migrator(LoginPolicy::default());
    // An operator links obrien by hand to a name shaped like someone else's mailbox, then
    // unlinks: the row is planned again with that name (unlink keeps the row's name).
    w.store.link("acmlm", 10, "ops@example.com", None, LinkMethod::Manual, None, "typo").await.expect("link");
    w.store.unlink("acmlm", 10, "undo").await.expect("unlink");
    assert_eq!(w.status("acmlm", 10).await.1.as_deref(), Some("ops@example.com"));
    // The login refuses to register it (Halext's /token tries usernames before emails: such an
    // account would shadow that mailbox) and says an operator must re-plan it.
    let e = m.login("acmlm", "obrien", &pw("o'brien \"q\"")).await.expect_err("refused");
    assert_eq!(e.code(), Code::MigrationConflict);
    assert!(e.to_string().contains("re-plan"), "{e}");
    assert_eq!(w.halext.count(), 0, "nothing registered");
}

#[tokio::test]
async fn halext_down_fails_or_falls_back_to_legacy_only() {
    let w = world("map_login_down").await;
    w.halext.down.store(true, Ordering::SeqCst);
    let e = w.migrator(LoginPolicy::default()).login("acmlm", "bob", &pw(PW)).await.expect_err("down");
    assert!(matches!(e, MigrationError::HalextUnavailable { .. }), "{e:?}");
    assert_eq!(e.code(), Code::MigrationHalextUnavailable);
    let legacy_only =
        LoginPolicy { on_halext_unavailable: UnavailablePolicy::LegacyOnly, ..LoginPolicy::default() };
    let r = w.migrator(legacy_only.clone()).login("acmlm", "bob", &pw(PW)).await.expect("legacy only");
    assert_eq!((r.outcome, r.legacy_user_id, r.access_token.is_none()), (LoginOutcome::LegacyOnly, 2, true));
    assert_eq!(w.status("acmlm", 2).await.0, MappingStatus::Planned, "nothing marked");
    // Wrong passwords are still refused while Halext is down.
    assert_eq!(
        w.migrator(legacy_only.clone()).login("acmlm", "bob", &pw("x")).await.expect_err("wrong").code(),
        Code::MigrationInvalidCredentials
    );
    // Back up: the next login migrates.
    w.halext.down.store(false, Ordering::SeqCst);
    let r = w.migrator(legacy_only).login("acmlm", "bob", &pw(PW)).await.expect("up");
    assert_eq!((r.outcome, r.halext_username.as_deref()), (LoginOutcome::Migrated, Some("bob")));
}

#[tokio::test]
async fn a_stranger_holding_the_planned_username_is_never_overwritten() {
    let w = world("map_login_stranger").await;
    w.halext.add("Jürgen_2", "someone@else.org", "their password");
    let m = w.migrator(LoginPolicy::default());
    let r = m.login("acmlm", "Jürgen", &pw(PW_U)).await.expect("login");
    assert_eq!(
        (r.outcome, r.halext_login.as_deref()),
        (LoginOutcome::HalextPasswordRequired, Some("Jürgen_2"))
    );
    assert_eq!(w.status("acmlm", 3).await.0, MappingStatus::Planned);
    assert_eq!(w.halext.account("Jürgen_2").expect("acct").password, "their password");
    assert_eq!(w.halext.count(), 1);
}

#[tokio::test]
async fn two_simultaneous_logins_register_once() {
    let w = world("map_login_race").await;
    *w.halext.register_delay.lock().expect("lock") = Duration::from_millis(100);
    let m = w.migrator(LoginPolicy::default());
    let (p1, p2) = (pw(PW), pw(PW));
    let (a, b) = tokio::join!(
        m.login("social", "zoned@example.org", &p1),
        m.login("social", "zoned@example.org", &p2)
    );
    let mut outcomes = vec![a.expect("a").outcome, b.expect("b").outcome];
    outcomes.sort_by_key(|o| o.as_str());
    assert_eq!(outcomes, vec![LoginOutcome::LoggedIn, LoginOutcome::Migrated]);
    assert_eq!(w.halext.registrations.load(Ordering::SeqCst), 1);
    assert_eq!(w.halext.count(), 1);
}

#[tokio::test]
async fn accounts_without_a_plan_register_with_the_same_rules() {
    let w = world("map_login_unplanned").await;
    // A user who registered on the forum after the plan was applied.
    let late = FakeSite::new(
        "acmlm",
        &[U {
            id: 77,
            login: "alice",
            display: None,
            email: Some("Late@Example.org"),
            verified: false,
            hash: "x",
            state: AccountState::Active,
            admin: false,
            reg: None,
            password: Some(PW),
        }],
    );
    let m = LoginMigrator::new(Arc::clone(&w.store), w.halext.clone(), LoginPolicy::default())
        .with_site(late.clone());
    let r = m.login("acmlm", "alice", &pw(PW)).await.expect("login");
    // "alice" is planned for another identity (case-insensitively), so the name is suffixed;
    // the forum never verified the email, so a placeholder is used (takeover rule).
    assert_eq!((r.outcome, r.halext_username.as_deref()), (LoginOutcome::Migrated, Some("alice_2")));
    assert_eq!(w.halext.account("alice_2").expect("acct").email, "acmlm-77@noemail.invalid");
    assert_eq!(
        w.status("acmlm", 77).await,
        (MappingStatus::Linked, Some("alice_2".into()), LinkMethod::Login)
    );

    let trusting = LoginPolicy { trusted_email_sites: vec!["acmlm".into()], ..LoginPolicy::default() };
    let late2 = FakeSite::new(
        "acmlm",
        &[U {
            id: 78,
            login: "Bobby Tables",
            display: None,
            email: Some("Late@Example.org"),
            verified: false,
            hash: "x",
            state: AccountState::Active,
            admin: false,
            reg: None,
            password: Some(PW),
        }],
    );
    let m = LoginMigrator::new(Arc::clone(&w.store), w.halext.clone(), trusting).with_site(late2);
    let r = m.login("acmlm", "Bobby Tables", &pw(PW)).await.expect("login");
    assert_eq!(r.halext_username.as_deref(), Some("Bobby_Tables"));
    assert_eq!(w.halext.account("Bobby_Tables").expect("acct").email, "late@example.org");

    let refuse = LoginPolicy { unplanned: UnplannedPolicy::NotMigrated, ..LoginPolicy::default() };
    let late3 = FakeSite::new(
        "acmlm",
        &[U {
            id: 79,
            login: "carl",
            display: None,
            email: None,
            verified: false,
            hash: "x",
            state: AccountState::Active,
            admin: false,
            reg: None,
            password: Some(PW),
        }],
    );
    let m = LoginMigrator::new(Arc::clone(&w.store), w.halext.clone(), refuse).with_site(late3);
    assert_eq!(m.login("acmlm", "carl", &pw(PW)).await.expect("login").outcome, LoginOutcome::NotMigrated);
}

#[test]
fn login_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let store = Arc::new(MappingStore::new(&StoreConfig::new("mysql://u:p@127.0.0.1:1/db")).expect("store"));
    let m = LoginMigrator::new(store, FakeHalext::new(), LoginPolicy::default())
        .with_site(FakeSite::new("acmlm", &acmlm()));
    let p = pw(PW);
    assert_send(&m.login("acmlm", "bob", &p));
    assert_send(&m.link_with_halext_password("acmlm", 2, "bob", &p));
}
