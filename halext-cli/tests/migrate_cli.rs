//! `halext migrate …` as the built binary against a real MariaDB loaded with the project's
//! fixtures (Acmlmboard, WordPress, ZEN3MP): init twice, plan in every format, apply twice
//! (the second changes nothing), apply stopped by SIGINT and killed by SIGKILL then rerun (no
//! duplicate, no lost row), status and export, link/unlink/rollback, Ctrl-C while a database
//! does not answer, login-time migration showing up in status (Halext test server).
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{code, count, json, ok, run, sites, sql, text};

const MAP: &str = "halext_user_map";

/// Rows of the mapping table as exported (JSON), keyed by (site, legacy id).
fn table(config: &Path) -> BTreeMap<(String, u64), Value> {
    let o = run(config, &["migrate", "export", "--format", "json"]);
    ok(&o);
    json(&o)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| ((r["site"].as_str().unwrap().to_owned(), r["legacy_id"].as_u64().unwrap()), r.clone()))
        .collect()
}

/// The decisions of a plan file that apply writes, keyed by (site, legacy id).
fn plan_rows(path: &Path) -> BTreeMap<(String, u64), Value> {
    let plan: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    plan["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] != "linked")
        .map(|d| ((d["site"].as_str().unwrap().to_owned(), d["legacy_id"].as_u64().unwrap()), d.clone()))
        .collect()
}

/// Every planned row is in the table exactly once with the plan's values, and nothing else is.
fn assert_table_is_plan(config: &Path, plan: &Path) {
    let want = plan_rows(plan);
    let run_id = plan_run(plan);
    let have = table(config);
    assert_eq!(have.len(), want.len(), "row count");
    for (key, d) in &want {
        let r = have.get(key).unwrap_or_else(|| panic!("{key:?} missing from the table"));
        for field in ["status", "halext_username", "halext_email", "full_name", "reason"] {
            assert_eq!(r[field], d[field], "{key:?} {field}");
        }
        assert_eq!(r["plan_run"], run_id, "{key:?} plan_run");
    }
}

fn plan_run(plan: &Path) -> Value {
    let plan: Value = serde_json::from_slice(&std::fs::read(plan).unwrap()).unwrap();
    plan["run_id"].clone()
}

#[test]
fn init_is_idempotent_and_never_shows_the_dsn() {
    let s = sites("init", "");
    let first = ok(&run(&s.config, &["migrate", "init"]));
    assert!(first.contains(&format!("mapping table `{MAP}` created in database `cli_map_init_")), "{first}");
    let second = ok(&run(&s.config, &["migrate", "init"]));
    assert!(second.contains("already exists"), "{second}");
    assert!(!first.contains("halext:halext") && !second.contains("halext:halext"), "{first}{second}");
    let j = json(&run(&s.config, &["--format", "json", "migrate", "init"]));
    assert_eq!((j["table"].as_str(), j["created"].as_bool()), (Some(MAP), Some(false)));
}

#[test]
fn plan_prints_summary_and_conflicts_in_every_format_and_writes_nothing() {
    let s = sites("plan", "");
    let o = run(&s.config, &["migrate", "plan"]);
    let out = ok(&o);
    assert!(out.contains("26 accounts -> 21 identities"), "{out}");
    assert!(out.contains("conflicts (5):"), "{out}");
    assert!(out.contains("wordpress:9 \"Jürgen\""), "{out}");
    assert!(out.contains("acmlm:2 \"bob\""), "{out}");
    // Progress lines go to stderr; the table does not exist and plan did not create it.
    let err = text(&o.stderr);
    assert!(err.contains("read acmlm: 10 rows") && err.contains("does not exist yet"), "{err}");
    assert_eq!(
        count(
            &s.mapping,
            &format!(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = '{MAP}' AND TABLE_SCHEMA = DATABASE()"
            )
        ),
        0
    );

    let j = json(&run(&s.config, &["migrate", "plan", "--format", "json"]));
    assert_eq!(j["decisions"].as_array().unwrap().len(), 26);
    assert_eq!(j["summary"]["by_status"]["conflict"], 5);
    assert_eq!(j["summary"]["conflicts"].as_array().unwrap().len(), 5);
    // Legacy administrators are reported (WordPress's come from usermeta, read alongside
    // the users and marked after the last page).
    let mut admins: Vec<String> = j["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "legacy_admin"))
        .map(|d| format!("{}:{}", d["site"].as_str().unwrap(), d["legacy_id"]))
        .collect();
    admins.sort();
    assert_eq!(admins, ["acmlm:1", "social:1", "wordpress:1"]);

    let csv = ok(&run(&s.config, &["migrate", "plan", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "site");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 26);
    assert_eq!(records.iter().filter(|r| &r[3] == "conflict").count(), 5);

    // --output: the file in the format its name says, the summary on stdout.
    let json_file = s.dir.path().join("plan.json");
    let csv_file = s.dir.path().join("plan.csv");
    let out = ok(&run(&s.config, &["migrate", "plan", "-o", json_file.to_str().unwrap()]));
    assert!(out.contains("conflicts (5):") && out.contains("halext migrate apply --plan"), "{out}");
    assert_eq!(plan_rows(&json_file).len(), 26);
    ok(&run(&s.config, &["migrate", "plan", "--output", csv_file.to_str().unwrap()]));
    assert_eq!(std::fs::read_to_string(&csv_file).unwrap().lines().count(), 27);
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // --site plans a subset.
    let j = json(&run(&s.config, &["migrate", "plan", "--format", "json", "--site", "social"]));
    assert_eq!(j["decisions"].as_array().unwrap().len(), 7);
}

#[test]
fn apply_twice_changes_nothing_and_status_export_agree() {
    let s = sites("apply", "");
    let plan = s.dir.path().join("plan.json");
    // Apply before init: a clear error, nothing written.
    ok(&run(&s.config, &["migrate", "plan", "-o", plan.to_str().unwrap()]));
    let o = run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("halext migrate init"), "{}", text(&o.stderr));

    ok(&run(&s.config, &["migrate", "init"]));
    let dry = ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap(), "--dry-run"]));
    assert!(
        dry.contains("would write 26 rows") && dry.contains("acmlm: conflict 3, planned 5, skipped 2"),
        "{dry}"
    );
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")), 0);

    // An edited plan naming a site this configuration does not have is refused, nothing written.
    let edited = s.dir.path().join("edited.json");
    let renamed =
        std::fs::read_to_string(&plan).unwrap().replace("\"site\":\"social\"", "\"site\":\"nosuch\"");
    std::fs::write(&edited, renamed).unwrap();
    let o = run(&s.config, &["migrate", "apply", "--plan", edited.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("\"nosuch\", which is not configured"), "{}", text(&o.stderr));
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")), 0);

    // An edited plan turning a conflict into a second account under a planned name (another
    // case, another mailbox) is refused too: Halext would refuse one of the registrations.
    let mut v: Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let decisions = v["decisions"].as_array_mut().unwrap();
    let taken = decisions.iter().find(|d| d["status"] == "planned").unwrap()["halext_username"]
        .as_str()
        .unwrap()
        .to_uppercase();
    let conflict = decisions.iter_mut().find(|d| d["status"] == "conflict").unwrap();
    conflict["status"] = "planned".into();
    conflict["halext_username"] = taken.clone().into();
    conflict["halext_email"] = "someone.else@example.org".into();
    std::fs::write(&edited, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = run(&s.config, &["migrate", "apply", "--plan", edited.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains(&format!("{taken:?}")), "{}", text(&o.stderr));
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")), 0);

    let out = ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]));
    assert!(out.contains("26 rows in 1 batches"), "{out}");
    assert_table_is_plan(&s.config, &plan);

    // Age every row, apply again: an identical apply rewrites nothing, not even updated_at.
    sql(&s.mapping, &format!("UPDATE {MAP} SET created_at = '2020-01-01', updated_at = '2020-01-01'"));
    let before = table(&s.config);
    ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap(), "--batch-size", "7"]));
    assert_eq!(table(&s.config), before);
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP} WHERE updated_at <> '2020-01-01'")), 0);

    // Status agrees with the plan's summary.
    let summary: Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let st = json(&run(&s.config, &["--format", "json", "migrate", "status"]));
    for status in ["planned", "conflict", "skipped", "linked"] {
        assert_eq!(st["status"]["total"][status], summary["summary"]["by_status"][status], "{status}");
    }
    assert_eq!(st["status"]["by_site"]["acmlm"]["conflict"], 3);
    let human = ok(&run(&s.config, &["migrate", "status"]));
    assert!(human.contains("linked 24h") && human.contains("5 conflict(s) need an operator"), "{human}");

    // Export: CSV with a header, filters, a file.
    let csv = ok(&run(&s.config, &["migrate", "export"]));
    assert!(csv.starts_with("site,legacy_id,halext_username"), "{csv}");
    assert_eq!(csv.lines().count(), 27);
    let conflicts = ok(&run(&s.config, &["migrate", "export", "--status", "conflict"]));
    assert_eq!(conflicts.lines().count(), 6);
    let acmlm = json(&run(&s.config, &["migrate", "export", "--site", "acmlm", "--format", "json"]));
    assert_eq!(acmlm.as_array().unwrap().len(), 10);
    let file = s.dir.path().join("map.csv");
    let o = run(&s.config, &["migrate", "export", "-o", file.to_str().unwrap()]);
    assert!(ok(&o).is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 27);

    // A fresh plan-and-apply (no --plan) works too and keeps the table's content.
    let out = ok(&run(&s.config, &["migrate", "apply"]));
    assert!(out.contains("conflicts (5):") && out.contains("26 rows"), "{out}");
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")), 26);

    // A plan of one site cannot see the others' planned rows: acmlm:1 alone would be planned as
    // `Alice` next to social:1's `alice` (one mailbox, two accounts). Refused, nothing written.
    let before = table(&s.config);
    let o = run(&s.config, &["migrate", "apply", "--site", "acmlm"]);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("plan every site together"), "{}", text(&o.stderr));
    assert_eq!(table(&s.config), before);
}

#[test]
fn links_survive_apply_and_rollback_and_unlink_resets_them() {
    let s = sites("links", "");
    let plan = s.dir.path().join("plan.json");
    ok(&run(&s.config, &["migrate", "init"]));
    ok(&run(&s.config, &["migrate", "plan", "-o", plan.to_str().unwrap()]));
    ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]));
    let run_id = plan_run(&plan);
    let run_id = run_id.as_str().unwrap();

    let out = ok(&run(
        &s.config,
        &["migrate", "link", "--site", "wordpress", "--id", "2", "--username", "bob_on_halext"],
    ));
    assert!(out.contains("wordpress:2 is linked to the Halext account \"bob_on_halext\""), "{out}");
    // A re-apply keeps the link.
    ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]));
    let row = &table(&s.config)[&("wordpress".to_owned(), 2)];
    assert_eq!(
        (row["status"].as_str(), row["halext_username"].as_str()),
        (Some("linked"), Some("bob_on_halext"))
    );

    // Rollback without --yes deletes nothing.
    let out = ok(&run(&s.config, &["migrate", "rollback", "--plan-run", run_id]));
    assert!(out.contains("25 row(s) would be deleted, 1 linked row(s) kept"), "{out}");
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")), 26);
    let j =
        json(&run(&s.config, &["--format", "json", "migrate", "rollback", "--plan-run", run_id, "--yes"]));
    assert_eq!((j["deleted"].as_u64(), j["linked_kept"].as_u64()), (Some(25), Some(1)));
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")), 1);

    let out = ok(&run(&s.config, &["migrate", "unlink", "--site", "wordpress", "--id", "2"]));
    assert!(out.contains("back to planned"), "{out}");
    assert_eq!(table(&s.config)[&("wordpress".to_owned(), 2)]["status"], "planned");
    let o = run(&s.config, &["migrate", "unlink", "--site", "wordpress", "--id", "999"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("mapping.not_found"), "{}", text(&o.stderr));
    let o = run(&s.config, &["migrate", "link", "--site", "nope", "--id", "1", "--username", "x"]);
    assert_eq!(code(&o), 2);
}

/// Adds `n` generated ZEN3MP users (verified, bcrypt) after the fixture rows.
fn grow_social(dsn: &str, n: u32) {
    sql(
        dsn,
        &format!(
            "INSERT INTO users (id, displayname, username, email, password, signup_date, user_closed, \
             friend_list, user_title, verify_user) \
             SELECT seq + 100, CONCAT('Gen ', seq), CONCAT('gen', seq), CONCAT('gen', seq, '@example.net'), \
             '$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', '2022-01-01', 'no', ',', 'User', 'yes' \
             FROM seq_1_to_{n}"
        ),
    );
}

/// Starts a slow apply of `plan` (batches of 10, 10 ms apart) and waits until it has
/// committed some rows but not all.
fn slow_apply(s: &support::Sites, plan: &Path) -> std::process::Child {
    let child = support::spawn(
        &[
            "migrate",
            "apply",
            "--plan",
            plan.to_str().unwrap(),
            "--batch-size",
            "10",
            "--pause-ms",
            "10",
            "--config",
            s.config.to_str().unwrap(),
        ],
        &[],
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")) < 30 {
        assert!(Instant::now() < deadline, "apply made no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn signal(child: &std::process::Child, sig: libc::c_int) {
    // SAFETY: sending a signal to our own child process by its id.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(rc, 0, "kill failed");
}

#[test]
fn sigint_stops_apply_between_batches_and_a_rerun_finishes() {
    let s = sites("sigint", "");
    grow_social(&s.social, 1500);
    let plan = s.dir.path().join("plan.json");
    ok(&run(&s.config, &["migrate", "init"]));
    ok(&run(&s.config, &["migrate", "plan", "-o", plan.to_str().unwrap()]));
    let total = plan_rows(&plan).len() as u64;
    assert_eq!(total, 1526);

    let child = slow_apply(&s, &plan);
    signal(&child, libc::SIGINT);
    let o = child.wait_with_output().unwrap();
    let err = text(&o.stderr);
    assert_eq!(code(&o), 130, "{err}");
    assert!(err.contains("migration.interrupted") && err.contains("run it again to resume"), "{err}");
    // "interrupted after N of 1526 rows": exactly N rows are in the table, whole batches.
    let done: u64 = err
        .split("interrupted after ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in: {err}"));
    assert!(err.contains(&format!("interrupted after {done} of {total} rows")), "{err}");
    assert!(done > 0 && done < total && done % 10 == 0, "{done}");
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}")), done);

    ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]));
    assert_table_is_plan(&s.config, &plan);
}

#[test]
fn sigkill_mid_apply_then_rerun_leaves_no_duplicate_and_no_lost_row() {
    let s = sites("sigkill", "");
    grow_social(&s.social, 1500);
    let plan = s.dir.path().join("plan.json");
    ok(&run(&s.config, &["migrate", "init"]));
    ok(&run(&s.config, &["migrate", "plan", "-o", plan.to_str().unwrap()]));
    let total = plan_rows(&plan).len() as u64;

    let mut child = slow_apply(&s, &plan);
    signal(&child, libc::SIGKILL);
    let status = child.wait().unwrap();
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(libc::SIGKILL));
    let partial = count(&s.mapping, &format!("SELECT COUNT(*) FROM {MAP}"));
    // Batches are transactions: a killed apply leaves whole batches only.
    assert!(partial > 0 && partial < total && partial % 10 == 0, "{partial} of {total}");

    ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]));
    assert_table_is_plan(&s.config, &plan);
    // The primary key makes a duplicate impossible; check the count by key anyway.
    assert_eq!(count(&s.mapping, &format!("SELECT COUNT(DISTINCT site, legacy_id) FROM {MAP}")), total);
}

#[test]
fn ctrl_c_while_a_database_does_not_answer_stops_the_plan_and_writes_nothing() {
    // A "database" that accepts the TCP connection and never sends its greeting.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let s = sites(
        "silent",
        &format!(
            "\n[[site]]\nname = \"silent\"\nprofile = \"zen3mp\"\ndsn = \"mysql://u:p@127.0.0.1:{port}/db\"\n"
        ),
    );
    let out = s.dir.path().join("plan.json");
    let child = support::spawn(
        &["migrate", "plan", "-o", out.to_str().unwrap(), "--config", s.config.to_str().unwrap()],
        &[],
    );
    // Once the plan connects to the silent site, its Ctrl-C handler is installed.
    let (_held, _) = silent.accept().unwrap();
    signal(&child, libc::SIGINT);
    let o = child.wait_with_output().unwrap();
    let err = text(&o.stderr);
    assert_eq!(code(&o), 130, "{err}");
    assert!(err.contains("interrupted while reading the sites; nothing was written"), "{err}");
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let o = support::halext(&["migrate", "status"], &[], "");
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("no configuration file at halext.toml"), "{}", text(&o.stderr));
    let o = support::halext(&["migrate", "status"], &[("HALEXT_CONFIG", "/nonexistent/h.toml")], "");
    assert!(text(&o.stderr).contains("/nonexistent/h.toml"), "{}", text(&o.stderr));

    let s = sites("usage", "");
    let o = run(&s.config, &["migrate", "plan", "--site", "phpbb"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("unknown site \"phpbb\" (configured: acmlm, wordpress, social)"));
    let o = run(&s.config, &["--format", "csv", "migrate", "status"]);
    assert_eq!(code(&o), 2);
    let o = run(&s.config, &["migrate", "apply", "--batch-size", "0"]);
    assert_eq!(code(&o), 2);
    // A missing table: status says how to create it.
    let o = run(&s.config, &["migrate", "status"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("halext migrate init"), "{}", text(&o.stderr));
}

#[test]
fn a_login_time_migration_shows_in_status_as_linked_today() {
    use halext_core::Secret;
    use halext_core::mapping::MigrationService;
    use halext_core::mapping::login::LoginOutcome;

    let server = halext_test_server::spawn(halext_test_server::ServerConfig {
        secret_key: "a-test-secret-key-that-is-long-enough-0123456789".into(),
        access_code: "letmein".into(),
        ..halext_test_server::ServerConfig::default()
    })
    .unwrap();
    let s = support::sites_at("login", server.url(), "");
    let plan = s.dir.path().join("plan.json");
    ok(&run(&s.config, &["migrate", "init"]));
    ok(&run(&s.config, &["migrate", "plan", "-o", plan.to_str().unwrap()]));
    ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]));
    let planned = &plan_rows(&plan)[&("wordpress".to_owned(), 2)];

    let service = MigrationService::shared(&s.config).unwrap();
    let r = service.login("wordpress", "bob", &Secret::from("p@ss w0rd ü")).unwrap();
    assert_eq!(r.outcome, LoginOutcome::Migrated);
    assert_eq!(r.halext_username.as_deref(), planned["halext_username"].as_str());

    let st = json(&run(&s.config, &["--format", "json", "migrate", "status"]));
    assert_eq!(st["status"]["by_site"]["wordpress"]["linked"], 1);
    assert_eq!(st["status"]["by_site"]["wordpress"]["linked_last_24h"], 1);
    assert_eq!(st["status"]["total"]["linked_last_24h"], 1);
    // A re-apply leaves the login's link alone; rows of the plan stay as planned.
    ok(&run(&s.config, &["migrate", "apply", "--plan", plan.to_str().unwrap()]));
    let row = &table(&s.config)[&("wordpress".to_owned(), 2)];
    assert_eq!((row["status"].as_str(), row["link_method"].as_str()), (Some("linked"), Some("login")));
}
