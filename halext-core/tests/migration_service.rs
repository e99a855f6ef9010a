//! `MigrationService` end to end: real MariaDB (the project's WordPress and ZEN3MP fixtures,
#![allow(clippy::unwrap_used)]
//! a mapping database) and the Halext-compatible test server, assembled from a `halext.toml`.

mod common;

use halext_core::Secret;
use halext_core::mapping::halext::NewAccount;
use halext_core::mapping::login::LoginOutcome;
use halext_core::mapping::{LinkMethod, MappingStatus, MigrationError, MigrationService};
use halext_core::token::Validator;
use halext_test_server::{ServerConfig, ServerHandle};

struct Fixture {
    _dir: tempfile::TempDir,
    server: ServerHandle,
    service: std::sync::Arc<MigrationService>,
    secret_key: String,
}

fn fixture(tag: &str) -> Fixture {
    let wordpress =
        common::fresh_database(&format!("svc_wp_{tag}"), &["examples/data/fixtures/wordpress.sql"]);
    let social = common::fresh_database(&format!("svc_social_{tag}"), &["examples/data/fixtures/zen3mp.sql"]);
    let mapping = common::fresh_database(&format!("svc_map_{tag}"), &[]);
    let secret_key = "a-test-secret-key-that-is-long-enough-0123456789".to_owned();
    let server = halext_test_server::spawn(ServerConfig {
        secret_key: secret_key.clone(),
        access_code: "letmein".into(),
        ..ServerConfig::default()
    })
    .expect("test server");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("halext.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[halext]
url = "{url}"
access_code = "letmein"
timeout_ms = 5000

[mapping]
dsn = "{mapping}"

[[site]]
name = "wordpress"
profile = "wordpress"
dsn = "{wordpress}"

[[site]]
name = "social"
profile = "zen3mp"
dsn = "{social}"
"#,
            url = server.url()
        ),
    )
    .expect("write halext.toml");
    let service = MigrationService::shared(&path).expect("service");
    service.store().init().expect("init mapping table");
    Fixture { _dir: dir, server, service, secret_key }
}

#[test]
fn a_legacy_user_migrates_at_first_login_and_logs_in_afterwards() {
    let f = fixture("login");
    let pw = Secret::from("p@ss w0rd ü");

    let first = f.service.login("wordpress", "bob", &pw).expect("first login");
    assert_eq!(first.outcome, LoginOutcome::Migrated);
    assert_eq!(first.legacy_user_id, 2);
    let username = first.halext_username.clone().expect("a Halext username");
    let token = first.access_token.as_ref().and_then(Secret::expose_str).expect("a token").to_owned();
    // The token is a real Halext access token for that username.
    let claims = Validator::halext_access_token(Secret::from(f.secret_key.as_str()))
        .expect("validator")
        .validate(&token)
        .expect("valid Halext token");
    assert_eq!(claims.sub(), Some(username.as_str()));

    let mapping = f.service.resolve("wordpress", 2).expect("resolve").expect("a mapping");
    assert_eq!(mapping.status, MappingStatus::Linked);
    assert_eq!(mapping.halext_username.as_deref(), Some(username.as_str()));

    // Registration sent least privilege: no is_admin, no demo data, the access code.
    let regs = f.server.requests_to("/users/");
    let reg = regs.iter().find(|r| r.method == "POST").expect("a registration request");
    assert!(reg.query.as_deref().unwrap_or("").contains("create_demo_data=false"), "{:?}", reg.query);
    let body = reg.body.as_ref().expect("a JSON body");
    assert!(body.get("is_admin").is_none(), "is_admin must never be sent: {body}");

    // The email logs in too (WordPress accepts the email at its login form).
    let second = f.service.login("wordpress", "Bob@Example.org", &pw).expect("second login");
    assert_eq!(second.outcome, LoginOutcome::LoggedIn);
    assert_eq!(second.halext_username.as_deref(), Some(username.as_str()));
    assert_eq!(f.server.requests_to("/users/").iter().filter(|r| r.method == "POST").count(), 1);
}

#[test]
fn unknown_user_and_wrong_password_are_the_same_error() {
    let f = fixture("creds");
    let wrong = f.service.login("wordpress", "admin", &Secret::from("not the password")).unwrap_err();
    let unknown = f.service.login("wordpress", "nobody-here", &Secret::from("correct horse")).unwrap_err();
    assert!(matches!(wrong, MigrationError::InvalidCredentials), "{wrong:?}");
    assert!(matches!(unknown, MigrationError::InvalidCredentials), "{unknown:?}");
    assert_eq!(wrong.to_string(), unknown.to_string());
    let bad_site = f.service.login("nope", "admin", &Secret::from("correct horse")).unwrap_err();
    assert!(matches!(bad_site, MigrationError::InvalidArgument(_)), "{bad_site:?}");
}

#[test]
fn blocked_accounts_are_refused_after_the_password_checks_out() {
    let f = fixture("blocked");
    // ZEN3MP id 3 `alice_1` never verified its email; logs in by email.
    let err = f.service.login("social", "alice+zen@example.com", &Secret::from("correct horse")).unwrap_err();
    assert!(matches!(err, MigrationError::AccountBlocked { .. }), "{err:?}");
    let wrong = f.service.login("social", "alice+zen@example.com", &Secret::from("nope")).unwrap_err();
    assert!(matches!(wrong, MigrationError::InvalidCredentials), "{wrong:?}");
}

#[test]
fn gated_registration_registers_on_halext_then_links_the_local_row() {
    let f = fixture("register");
    let account = NewAccount {
        username: "newcomer".into(),
        email: "Newcomer@Example.net".into(),
        password: Secret::from("a fine password"),
        full_name: Some("New Comer".into()),
    };
    let created = f.service.register("wordpress", &account).expect("registered");
    assert_eq!(created.username, "newcomer");
    let linked = f
        .service
        .link("wordpress", 500, "newcomer", Some(created.id), LinkMethod::Registration)
        .expect("link");
    assert_eq!(linked.status, MappingStatus::Linked);
    let back = f.service.resolve_halext("newcomer").expect("reverse lookup");
    assert_eq!(back.len(), 1);
    assert_eq!((&*back[0].site, back[0].legacy_id), ("wordpress", 500));

    let again = f.service.register("wordpress", &account).unwrap_err();
    assert!(
        matches!(again, MigrationError::DuplicateUsername { .. } | MigrationError::DuplicateEmail),
        "{again:?}"
    );
    let same_email = NewAccount { username: "someone-else".into(), ..account };
    let dup = f.service.register("wordpress", &same_email).unwrap_err();
    assert!(matches!(dup, MigrationError::DuplicateEmail), "{dup:?}");
}
