//! Fork safety of a site (PHP-FPM forks workers after the extension has loaded): a site used in
//! the parent keeps working in a forked child, which gets its own runtime and MySQL pool
//! instead of the parent's sockets. Alone in its own test binary so that no other test thread
//! is running when it forks.

mod common;

use halext_core::Secret;
use halext_core::legacy::config::{ProfileKind, SiteConfig};
use halext_core::legacy::{LegacySite, MysqlSite};

#[test]
fn a_forked_child_gets_its_own_pool() {
    let db = common::fresh_database("fork_zen", &["examples/data/fixtures/zen3mp.sql"]);
    let mut cfg = SiteConfig::new("social", ProfileKind::Zen3mp);
    cfg.dsn = Some(Secret::from(db.as_str()));
    let site = MysqlSite::new(&cfg).expect("site");
    // The parent opens its pool and caches the table layout.
    let parent = site.find_for_login_blocking("alice@example.com").expect("parent lookup");
    assert_eq!(parent.len(), 1);

    // SAFETY: this binary runs this single test; the child only runs Rust code that is fine in
    // a fresh child (allocation, a new runtime and pool, a TCP connection), then `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let found = site.find_for_login_blocking("alice@example.com").ok()?;
            let user = found.first()?;
            let verified = site.verify_password(user, b"correct horse").ok()?;
            Some(user.id == 1 && verified && site.get_by_id_blocking(2).ok()??.login == "Jürgen")
        }))
        .ok()
        .flatten()
        .unwrap_or(false);
        // SAFETY: leave the child without running the parent's destructors or atexit hooks.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waiting for the child forked above.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child status {status}");
    // The parent's pool still works after the child used its own.
    assert_eq!(site.find_for_login_blocking("alice@example.com").expect("parent again").len(), 1);
}
