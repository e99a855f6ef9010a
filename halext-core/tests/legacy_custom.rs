//! The custom profile on a table of this project's own (`tests/data/legacy-custom-app.sql`):
//! configured columns, state/admin/verified rules, email-fallback login, password rules, and
//! what happens to rows that cannot be decoded (stop, or skip and report).

mod common;

use halext_core::legacy::config::{BadRowPolicy, SiteConfig};
use halext_core::legacy::error::LegacyError;
use halext_core::legacy::password::{InputVariant, Scheme};
use halext_core::legacy::{AccountState, LegacySite, MysqlSite, UserSource};
use halext_core::{Code, HalextError};

const FIXTURE: &str = "tests/data/legacy-custom-app.sql";

fn config(db: &str, policy: &str) -> SiteConfig {
    let toml = format!(
        r#"
        name = "members"
        profile = "custom"
        dsn_env = "HALEXT_TEST_CUSTOM_DSN_UNUSED"
        batch_size = 2
        on_bad_row = "{policy}"
        [custom]
        table = "members"
        id = "member_id"
        login = "username"
        login_columns = ["nick"]
        email = "mail"
        email_login = "fallback"
        password = "pw_hash"
        display_name = "nick"
        registered = {{ column = "created", kind = "datetime" }}
        last_seen = {{ column = "last_login", kind = "unix" }}
        states = [
          {{ column = "status", values = ["banned"], state = "banned", until = {{ column = "ban_until", kind = "unix" }} }},
          {{ column = "activated", values = [0], state = "unverified" }},
        ]
        admin = {{ column = "role", values = ["admin"] }}
        email_verified = {{ column = "activated", values = [true] }}
        [custom.passwords]
        accept = ["bcrypt", "md5_hex", "phpass"]
        md5 = ["plain"]
        addslashes = true
        "#
    );
    let mut cfg = SiteConfig::from_toml_str(&toml).expect("config");
    // The DSN comes from the test database rather than the environment.
    cfg.dsn_env = None;
    cfg.dsn = Some(halext_core::Secret::from(db));
    cfg
}

#[tokio::test]
async fn report_policy_skips_and_reports_bad_rows() {
    let db = common::fresh_database("custom_report", &[FIXTURE]);
    let cfg = config(&db, "report");
    assert_eq!(cfg.on_bad_row, BadRowPolicy::Report);
    let site = MysqlSite::new(&cfg).expect("site");
    let mut source = site.users();
    let mut users = Vec::new();
    let mut rejected = Vec::new();
    while let Some(batch) = source.next_batch().await.expect("batch") {
        users.extend(batch);
        rejected.extend(source.take_rejected());
    }
    rejected.extend(source.take_rejected());
    assert_eq!(source.rows_read(), 7);
    assert_eq!(
        users.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![1, 2, 3, 6],
        "rows after bad ones are read"
    );
    let reasons: Vec<(Option<u64>, Option<&str>, &str)> =
        rejected.iter().map(|r| (r.id, r.column.as_deref(), r.reason.as_str())).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!((reasons[0].0, reasons[0].1), (None, Some("member_id")), "negative id");
    assert_eq!((reasons[1].0, reasons[1].1), (Some(4), Some("nick")));
    assert!(reasons[1].2.contains("invalid UTF-8"), "{}", reasons[1].2);
    assert_eq!((reasons[2].0, reasons[2].1), (Some(5), Some("created")));
    assert!(reasons[2].2.contains("impossible date 2019-02-30"), "{}", reasons[2].2);
    assert!(rejected.iter().all(|r| &*r.site == "members"));

    let root = &users[0];
    assert_eq!((root.login.as_str(), root.display_name.as_deref()), ("root", Some("Root")));
    assert_eq!(root.email.as_deref(), Some("Root@Example.com"), "trimmed");
    assert!(root.is_admin && root.email_verified);
    assert_eq!(root.registered_at, Some(1_577_836_800));
    assert_eq!(root.last_seen_at, Some(1_700_000_000));
    assert_eq!(users[1].state, AccountState::Banned { until: Some(1_900_000_000) });
    assert_eq!(users[2].state, AccountState::Unverified);
    assert!(!users[2].email_verified);
    assert_eq!(users[2].registered_at, None);
    assert_eq!(users[3].state, AccountState::Active);
}

#[tokio::test]
async fn stop_policy_names_the_first_bad_row() {
    let db = common::fresh_database("custom_stop", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, "stop")).expect("site");
    let mut source = site.users();
    let err = source.next_batch().await.expect_err("the negative id comes first");
    assert_eq!(err.code(), Code::LegacyDecode);
    match &err {
        LegacyError::Decode(row) => assert_eq!((row.id, row.column.as_deref()), (None, Some("member_id"))),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("legacy site `members`"), "{err}");
    assert!(source.next_batch().await.expect("stopped").is_none(), "a stopped source stays stopped");
}

#[tokio::test]
async fn login_and_passwords() {
    let db = common::fresh_database("custom_login", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, "report")).expect("site");
    let ids = |v: Vec<halext_core::legacy::LegacyUser>| v.into_iter().map(|u| u.id).collect::<Vec<_>>();
    assert_eq!(ids(site.find_for_login("ROOT").await.expect("q")), vec![1]);
    assert_eq!(ids(site.find_for_login("Banned Bob").await.expect("q")), vec![2], "login_columns");
    assert!(site.find_for_login("banned bob").await.expect("q").is_empty(), "nick is varbinary: exact bytes");
    assert_eq!(ids(site.find_for_login("last@example.com").await.expect("q")), vec![6], "email fallback");
    // A row that cannot be decoded is an error on the login path, never a silent miss.
    let err = site.find_for_login("baddate").await.expect_err("undecodable");
    assert_eq!(err.code(), Code::LegacyDecode);

    for (id, pw, scheme, variant) in [
        (1, "correct horse", Scheme::Bcrypt, InputVariant::Raw),
        (2, "correct horse", Scheme::Md5, InputVariant::Raw),
        (3, "correct horse", Scheme::Phpass, InputVariant::Raw),
        (6, "o'brien \"q\"", Scheme::Md5, InputVariant::AddSlashes),
    ] {
        let u = site.get_by_id(id).await.expect("q").expect("row");
        let m = site.verify_password_match(&u, pw.as_bytes()).expect("verify").expect("match");
        assert_eq!((m.scheme, m.variant), (scheme, variant), "id {id}");
    }
}

#[tokio::test]
async fn the_planner_reports_rows_a_source_skipped() {
    use halext_core::mapping::plan::{PlanPolicy, Planner};
    let db = common::fresh_database("custom_plan", &[FIXTURE]);
    let site = MysqlSite::new(&config(&db, "report")).expect("site");
    let plan = Planner::new(PlanPolicy::default()).plan(vec![Box::new(site.users())]).await.expect("plan");
    assert_eq!(plan.row_count(), 4, "the decodable rows are planned");
    assert_eq!(plan.rejected().len(), 3, "the undecodable rows are reported, not lost");
    let summary = plan.summary();
    assert_eq!(summary.rejected.len(), 3);
    assert!(summary.rejected.iter().all(|r| r.starts_with("members: ")), "{:?}", summary.rejected);
    let text = summary.to_string();
    assert!(text.contains("rows skipped because they could not be decoded (3)"), "{text}");
    assert!(text.contains("impossible date 2019-02-30"), "{text}");
}
