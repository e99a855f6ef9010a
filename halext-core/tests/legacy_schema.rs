//! The `halext doctor` schema check against real tables: the fixtures match their profiles;
//! an unpatched AB2 `pass varchar(32)`, a wrong profile, a missing table and a charset
//! mismatch are reported as data.

mod common;

use halext_core::Secret;
use halext_core::legacy::config::{Charset, ProfileKind, SiteConfig};
use halext_core::legacy::source::{SchemaReport, Severity};
use halext_core::legacy::{LegacySite, MysqlSite};

fn site(db: &str, profile: ProfileKind, charset: Option<Charset>) -> MysqlSite {
    let mut cfg = SiteConfig::new("doctor", profile);
    cfg.dsn = Some(Secret::from(db));
    cfg.charset = charset;
    MysqlSite::new(&cfg).expect("site")
}

fn codes(r: &SchemaReport, severity: Severity) -> Vec<(&'static str, Option<String>)> {
    r.findings.iter().filter(|f| f.severity == severity).map(|f| (f.code, f.column.clone())).collect()
}

#[tokio::test]
async fn acmlmboard_fixture_matches_and_truncated_hashes_are_counted() {
    let db = common::fresh_database("doc_ab", &["examples/data/fixtures/acmlmboard.sql"]);
    let r = site(&db, ProfileKind::Acmlmboard, None).check_schema().await.expect("check");
    assert!(r.table_found && r.is_usable(), "{r:#?}");
    assert_eq!(r.engine.as_deref(), Some("MyISAM"));
    assert_eq!(r.table_collation.as_deref(), Some("latin1_swedish_ci"));
    assert!(codes(&r, Severity::Error).is_empty(), "{r:#?}");
    let warnings = codes(&r, Severity::Warning);
    assert_eq!(warnings, vec![("truncated_hashes", Some("pass".to_owned()))], "{r:#?}");
    let truncated = r.findings.iter().find(|f| f.code == "truncated_hashes").expect("finding");
    assert!(truncated.message.starts_with("1 row(s)"), "{}", truncated.message);
    let login = r.findings.iter().find(|f| f.code == "login_collation").expect("collation");
    assert!(login.message.contains("latin1_swedish_ci"), "{}", login.message);
    assert!(r.findings.iter().any(|f| f.code == "latin1_decoding"));
    let pass = r.columns.iter().find(|c| c.name == "pass").expect("pass column");
    assert_eq!((pass.column_type.as_str(), pass.max_length), ("varchar(255)", Some(255)));
    assert_eq!(r.findings.first().map(|f| f.severity), Some(Severity::Warning), "most serious first");
}

#[tokio::test]
async fn unpatched_ab2_main_sql_warns_about_varchar_32() {
    let db = common::fresh_database("doc_ab32", &["tests/data/legacy-ab2-main-sql.sql"]);
    let s = site(&db, ProfileKind::Acmlmboard, None);
    let r = s.check_schema().await.expect("check");
    assert!(r.is_usable(), "{r:#?}");
    let warnings = codes(&r, Severity::Warning);
    assert!(warnings.contains(&("password_column_too_narrow", Some("pass".to_owned()))), "{r:#?}");
    assert!(warnings.contains(&("truncated_hashes", Some("pass".to_owned()))), "{r:#?}");
    // The table still reads; the cut hash is unusable, not a crash.
    let u = s.get_by_id(1).await.expect("q").expect("row");
    assert!(s.verify_password(&u, b"correct horse").is_err());
}

#[tokio::test]
async fn wordpress_multisite_and_single_site() {
    let fixture = "examples/data/fixtures/wordpress.sql";
    let db = common::fresh_database("doc_wp", &[fixture]);
    let r = site(&db, ProfileKind::Wordpress, None).check_schema().await.expect("check");
    assert!(r.is_usable() && r.worst() == Some(Severity::Info), "{r:#?}");
    let login = r.findings.iter().find(|f| f.code == "login_collation").expect("collation");
    assert!(login.message.contains("utf8mb4_unicode_520_ci"), "{}", login.message);

    let db = common::fresh_database("doc_wp1", &[fixture, "tests/data/legacy-wordpress-single-site.sql"]);
    let mut cfg = SiteConfig::new("doctor", ProfileKind::Wordpress);
    cfg.dsn = Some(Secret::from(db.as_str()));
    let r = MysqlSite::new(&cfg).expect("site").check_schema().await.expect("check");
    assert!(!r.table_found, "wp_users was renamed");
    assert_eq!(codes(&r, Severity::Error), vec![("table_missing", None)]);
    cfg.wordpress = Some(halext_core::legacy::config::WordPressConfig { table_prefix: "blog_".into() });
    let r = MysqlSite::new(&cfg).expect("site").check_schema().await.expect("check");
    let infos = codes(&r, Severity::Info);
    assert!(infos.contains(&("optional_column_absent", Some("spam".to_owned()))), "{r:#?}");
    assert!(infos.contains(&("optional_column_absent", Some("deleted".to_owned()))), "{r:#?}");
}

#[tokio::test]
async fn wrong_profile_and_charset_mismatch() {
    let db = common::fresh_database("doc_wrong", &["examples/data/fixtures/acmlmboard.sql"]);
    let r = site(&db, ProfileKind::Zen3mp, None).check_schema().await.expect("check");
    assert!(!r.is_usable());
    let errors = codes(&r, Severity::Error);
    for col in ["username", "password", "signup_date", "user_closed", "verify_user"] {
        assert!(errors.contains(&("column_missing", Some(col.to_owned()))), "{col}: {r:#?}");
    }
    let db = common::fresh_database("doc_cs", &["examples/data/fixtures/zen3mp.sql"]);
    let r = site(&db, ProfileKind::Zen3mp, Some(Charset::Latin1)).check_schema().await.expect("check");
    assert!(r.is_usable());
    let mismatched: Vec<_> = r.findings.iter().filter(|f| f.code == "charset_mismatch").collect();
    assert!(mismatched.iter().any(|f| f.column.as_deref() == Some("username")), "{r:#?}");
    assert!(mismatched[0].message.contains("utf8mb4"), "{}", mismatched[0].message);
}

#[test]
fn blocking_schema_check() {
    let db = common::fresh_database("doc_block", &["examples/data/fixtures/zen3mp.sql"]);
    let r = site(&db, ProfileKind::Zen3mp, None).check_schema_blocking().expect("check");
    assert!(r.is_usable() && r.columns.len() == 15, "{r:#?}");
    let date = r.columns.iter().find(|c| c.name == "signup_date").expect("column");
    assert_eq!(date.data_type, "date");
}
