//! The site checks of `halext doctor` (`--only sites`) as the built binary: good sites (the fixtures), an
//! unreachable DSN, mismatched tables (a missing column, AB2's `pass varchar(32)`, a missing
//! table), the mapping table missing, healthy, and with rows pointing at deleted legacy users.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use serde_json::Value;
use support::{code, json, ok, run, sites, sql, text};

fn find<'a>(report: &'a Value, scope: &str, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == scope && c["name"] == name)
        .unwrap_or_else(|| panic!("no check {scope}/{name} in {report:#}"))
}

#[test]
fn good_sites_and_a_healthy_mapping_table_pass() {
    let s = sites("doc_good", "");
    // Before init: the mapping table is missing, a failure that says what to run.
    let o = run(&s.config, &["--format", "json", "doctor", "--only", "sites"]);
    assert_eq!(code(&o), 1);
    let r = json(&o);
    assert!(find(&r, "mapping", "table")["detail"].as_str().unwrap().contains("halext migrate init"));
    for site in ["acmlm", "wordpress", "social"] {
        let c = find(&r, &format!("site {site}"), "connect");
        assert_eq!(c["status"], "OK");
        assert!(c["detail"].as_str().unwrap().contains("MariaDB"), "{c}");
        assert_eq!(find(&r, &format!("site {site}"), "schema")["status"], "OK");
    }
    // The fixture holds one bcrypt cut to 32 characters: a warning, not a failure.
    assert_eq!(find(&r, "site acmlm", "truncated_hashes")["status"], "WARN");

    ok(&run(&s.config, &["migrate", "init"]));
    ok(&run(&s.config, &["migrate", "apply"]));
    let o = run(&s.config, &["doctor", "--only", "sites"]);
    let out = ok(&o);
    assert!(out.contains("0 FAIL"), "{out}");
    assert!(out.contains("10 mapping rows checked: every legacy account exists"), "{out}");
    assert!(out.contains("planned 16, linked 0, conflict 5, skipped 5"), "{out}");
}

#[test]
fn unreachable_and_mismatched_sites_fail_and_orphans_warn() {
    let s = sites("doc_bad", "");
    ok(&run(&s.config, &["migrate", "init"]));
    ok(&run(&s.config, &["migrate", "apply"]));
    // A legacy user deleted after the plan, and rows of a site no longer configured.
    sql(&s.social, "DELETE FROM users WHERE id IN (1, 2)");
    sql(&s.mapping, "UPDATE halext_user_map SET site = 'renamed' WHERE site = 'wordpress' AND legacy_id = 3");
    // ZEN3MP without its email column; AB2's unpatched varchar(32) password column.
    sql(&s.social, "ALTER TABLE users DROP COLUMN email");
    sql(&s.acmlm, "SET SESSION sql_mode = ''; ALTER TABLE users MODIFY pass varchar(32) NOT NULL DEFAULT ''");
    let r = json(&run(&s.config, &["--format", "json", "doctor", "--only", "sites"]));
    let missing = find(&r, "site social", "column_missing");
    assert_eq!(missing["status"], "FAIL");
    assert!(missing["detail"].as_str().unwrap().contains("`email`"), "{missing}");
    assert_eq!(find(&r, "site social", "schema")["status"], "FAIL");
    assert_eq!(find(&r, "site acmlm", "password_column_too_narrow")["status"], "WARN");
    let orphans = find(&r, "mapping social", "orphans");
    assert_eq!(orphans["status"], "WARN");
    assert!(orphans["detail"].as_str().unwrap().starts_with("2 of 7 mapping rows"), "{orphans}");
    assert!(orphans["detail"].as_str().unwrap().contains("ids 1, 2"), "{orphans}");
    assert!(find(&r, "mapping", "unknown_site")["detail"].as_str().unwrap().contains("\"renamed\""));
    assert_eq!(r["healthy"], false);

    // An unreachable server (nothing listens on port 1) and a table that is not there.
    let bad = sites(
        "doc_down",
        "\n[[site]]\nname = \"down\"\nprofile = \"wordpress\"\ndsn = \"mysql://u:p@127.0.0.1:1/db\"\n",
    );
    std::fs::write(
        bad.dir.path().join("wordpress.dsn"),
        format!("{}\n", bad.acmlm), // the WordPress site pointed at the forum's database
    )
    .unwrap();
    let o = run(&bad.config, &["doctor", "--only", "sites", "--db-timeout-ms", "3000"]);
    assert_eq!(code(&o), 1);
    let out = text(&o.stdout);
    let down = out.lines().find(|l| l.contains("site down") && l.contains("connect")).unwrap();
    assert!(down.starts_with("FAIL") && down.contains("Connection refused"), "{down}");
    assert!(!out.contains("u:p@"), "the DSN must never be printed: {out}");
    let wp = out.lines().find(|l| l.contains("site wordpress") && l.contains("schema")).unwrap();
    assert!(wp.starts_with("FAIL") && wp.contains("`wp_users` does not exist"), "{wp}");
}
