//! Apply against a real MariaDB: batches, progress, cancellation, idempotence, and resuming
//! after the process was killed with SIGKILL in the middle of an apply.

mod common;
mod mapping_support;

use halext_core::legacy::{AccountState, LegacyUser};
use halext_core::mapping::apply::{ApplyOptions, Progress, apply_plan};
use halext_core::mapping::plan::{PlanPolicy, Planner};
use halext_core::mapping::store::StoreConfig;
use halext_core::mapping::{LinkMethod, MappingStatus, MappingStore, MigrationError};
use halext_core::{Code, HalextError};
use mapping_support::*;
use mysql_async::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const CHILD_ENV: &str = "HALEXT_TEST_APPLY_CHILD_DSN";
const GEN_ROWS: u64 = 4_000;
const GEN_BATCH: usize = 200;

fn generated(n: u64) -> Vec<LegacyUser> {
    let site: Arc<str> = Arc::from("gen");
    (1..=n)
        .map(|i| LegacyUser {
            site: Arc::clone(&site),
            id: i,
            login: format!("user{i}"),
            display_name: Some(format!("User {i}")),
            email: Some(format!("user{i}@example.org")),
            email_verified: true,
            password_hash: Some("$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG".into()),
            state: AccountState::Active,
            is_admin: false,
            registered_at: Some(1_500_000_000 + i as i64),
            last_seen_at: None,
        })
        .collect()
}

async fn store(dsn: &str) -> MappingStore {
    let s = MappingStore::new(&StoreConfig::new(dsn)).expect("store");
    s.init().await.expect("init");
    s
}

async fn count(dsn: &str, where_: &str) -> u64 {
    let mut c = mysql_async::Conn::new(mysql_async::Opts::from_url(dsn).expect("url")).await.expect("conn");
    let n: Option<u64> =
        c.query_first(format!("SELECT COUNT(*) FROM halext_user_map WHERE {where_}")).await.expect("q");
    n.unwrap_or(0)
}

fn policy() -> PlanPolicy {
    PlanPolicy {
        site_priority: vec!["acmlm".into(), "wordpress".into(), "social".into()],
        now: Some(NOW),
        ..PlanPolicy::default()
    }
}

#[tokio::test]
async fn apply_writes_every_row_once_with_progress_and_is_safe_to_rerun() {
    let dsn = common::fresh_database("map_apply", &[]);
    let store = store(&dsn).await;
    let plan = Planner::new(policy()).plan_users(&all_users()).expect("plan");
    let opts = ApplyOptions { batch_size: 4, ..ApplyOptions::default() };
    let mut seen: Vec<Progress> = Vec::new();
    let report = apply_plan(&store, &plan, &opts, &AtomicBool::new(false), &mut |p| seen.push(p))
        .await
        .expect("apply");
    assert_eq!((report.rows, report.batches), (26, 7));
    assert_eq!(seen.first().copied(), Some(Progress { done: 4, total: 26 }));
    assert_eq!(seen.last().copied(), Some(Progress { done: 26, total: 26 }));
    assert!(seen.windows(2).all(|w| w[0].done < w[1].done));
    for d in plan.decisions() {
        let m = store.resolve_fresh(d.site, d.legacy_id).await.expect("q").expect("row");
        assert_eq!(
            (m.status, m.halext_username.as_deref(), m.halext_email.as_deref()),
            (d.status, d.halext_username, d.halext_email)
        );
        assert_eq!(m.reason, d.reason_text());
        assert_eq!(m.plan_run.as_deref(), Some(plan.run_id()));
    }
    // A login happens, then the same plan is applied again: still 26 rows, link intact.
    store
        .link("social", 1, "alice", Some(7), LinkMethod::Login, None, "registered at login")
        .await
        .expect("link");
    apply_plan(&store, &plan, &opts, &AtomicBool::new(false), &mut |_| {}).await.expect("again");
    assert_eq!(count(&dsn, "1").await, 26);
    let m = store.resolve_fresh("social", 1).await.expect("q").expect("row");
    assert_eq!(
        (m.status, m.halext_user_id, m.link_method),
        (MappingStatus::Linked, Some(7), LinkMethod::Login)
    );

    // A re-plan respecting the link does not send the linked row at all.
    let replan = Planner::new(policy())
        .with_linked(store.linked().await.expect("linked"))
        .plan_users(&all_users())
        .expect("plan");
    assert_eq!(replan.row_count(), 25);
    assert!(matches!(
        apply_plan(
            &store,
            &replan,
            &ApplyOptions { batch_size: 0, ..ApplyOptions::default() },
            &AtomicBool::new(false),
            &mut |_| {}
        )
        .await,
        Err(MigrationError::InvalidArgument(_))
    ));
}

#[tokio::test]
async fn cancellation_stops_between_batches_and_a_rerun_finishes() {
    let dsn = common::fresh_database("map_cancel", &[]);
    let store = store(&dsn).await;
    let plan = Planner::new(policy()).plan_users(&generated(1000)).expect("plan");
    let cancel = AtomicBool::new(false);
    let opts = ApplyOptions { batch_size: 100, ..ApplyOptions::default() };
    let err = apply_plan(&store, &plan, &opts, &cancel, &mut |p| {
        if p.done >= 300 {
            cancel.store(true, Ordering::Relaxed); // what the CLI's Ctrl-C handler does
        }
    })
    .await
    .expect_err("cancelled");
    assert!(matches!(err, MigrationError::Interrupted { done: 300, total: 1000 }), "{err:?}");
    assert_eq!(err.code(), Code::MigrationInterrupted);
    assert_eq!(count(&dsn, "1").await, 300, "every reported row is committed, nothing more");
    cancel.store(false, Ordering::Relaxed);
    apply_plan(&store, &plan, &opts, &cancel, &mut |_| {}).await.expect("resume");
    assert_eq!(count(&dsn, "1").await, 1000);
}

/// The child half of `apply_survives_sigkill_and_resumes`: applies the generated plan slowly
/// and prints its progress. Run alone (`--ignored`) it applies into its own database.
#[tokio::test]
#[ignore = "child process of apply_survives_sigkill_and_resumes (runs on its own too)"]
async fn apply_child_process() {
    let dsn = std::env::var(CHILD_ENV).unwrap_or_else(|_| common::fresh_database("map_child", &[]));
    let store = store(&dsn).await;
    let plan = Planner::new(policy()).plan_users(&generated(GEN_ROWS)).expect("plan");
    let opts = ApplyOptions { batch_size: GEN_BATCH, pause: Duration::from_millis(20) };
    apply_plan(&store, &plan, &opts, &AtomicBool::new(false), &mut |p| {
        println!("progress {} {}", p.done, p.total);
    })
    .await
    .expect("apply");
}

#[tokio::test]
async fn apply_survives_sigkill_and_resumes() {
    let dsn = common::fresh_database("map_sigkill", &[]);
    let store = store(&dsn).await;
    // Three accounts of the last batch were linked by logins before the apply.
    for id in [GEN_ROWS - 2, GEN_ROWS - 1, GEN_ROWS] {
        store
            .link("gen", id, &format!("linked{id}"), Some(id), LinkMethod::Login, None, "login")
            .await
            .expect("link");
    }
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "apply_child_process", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &dsn)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let mut killed_at = 0u64;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.strip_prefix("progress ") {
            let done: u64 = rest.split(' ').next().and_then(|n| n.parse().ok()).expect("number");
            if done >= 5 * GEN_BATCH as u64 {
                // SAFETY: signalling our own child process by its pid.
                unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
                killed_at = done;
                break;
            }
        }
    }
    let status = child.wait().expect("wait");
    assert!(killed_at > 0, "the child never reported progress (status {status:?})");
    assert!(!status.success(), "the child was killed, not finished");

    let written = count(&dsn, "plan_run IS NOT NULL").await;
    assert!(written >= killed_at && written < GEN_ROWS, "written {written}, killed at {killed_at}");
    assert_eq!(written % GEN_BATCH as u64, 0, "a batch is all or nothing");

    // Rerun (a new plan run, as `halext migrate apply` would): every row exactly once.
    let plan = Planner::new(policy()).plan_users(&generated(GEN_ROWS)).expect("plan");
    let opts = ApplyOptions { batch_size: 2000, ..ApplyOptions::default() };
    apply_plan(&store, &plan, &opts, &AtomicBool::new(false), &mut |_| {}).await.expect("resume");
    assert_eq!(count(&dsn, "1").await, GEN_ROWS);
    assert_eq!(count(&dsn, &format!("plan_run = '{}'", plan.run_id())).await, GEN_ROWS - 3);
    for id in [GEN_ROWS - 2, GEN_ROWS - 1, GEN_ROWS] {
        let m = store.resolve_fresh("gen", id).await.expect("q").expect("row");
        assert_eq!(
            (m.status, m.halext_username.clone()),
            (MappingStatus::Linked, Some(format!("linked{id}")))
        );
    }
}
