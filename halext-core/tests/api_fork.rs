//! Fork safety: a client used before `fork()` keeps working in the parent and in the child
//! (PHP-FPM forks workers after module start-up; `pcntl_fork` forks at any time). Alone in its
//! own test binary so no other test thread holds a lock when the process forks.

mod api_common;

use api_common::*;
use halext_core::api::*;
use std::ops::ControlFlow;

/// Runs `f` in a forked child; returns whether it exited 0.
fn in_child(f: impl FnOnce() -> bool) -> libc::pid_t {
    // SAFETY: the child only runs `f` (allocations, a fresh runtime and sockets, no locks held
    // by other threads of this single-test binary) and leaves with `_exit`.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(false);
        // SAFETY: ends the child without running the parent's destructors or atexit handlers.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    pid
}

fn exited_ok(pid: libc::pid_t) -> bool {
    let mut status = 0;
    // SAFETY: waiting on our own child.
    let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
    rc == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
}

#[test]
fn after_using_the_blocking_client_both_parent_and_child_complete_requests() {
    // Sequentially (one test thread): through the direct HTTP path, then through reqwest.
    fork_round_trip(true);
    fork_round_trip(false);
}

fn fork_round_trip(direct: bool) {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = BlockingClient::new(config(s.url()).with_direct_http(direct)).expect("client");
    // The parent now has a runtime and a pooled keep-alive connection.
    assert_eq!(c.me(&ann).expect("parent before fork").username, "ann");
    assert!(c.validate_token(&ann).expect("validate").user.username == "ann");

    let child = in_child(|| {
        let me = c.me(&ann).map(|u| u.username == "ann").unwrap_or(false);
        let health = c.health().map(|h| h.is_healthy()).unwrap_or(false);
        let chat = c.chat(&ann, &ChatRequest::new("from the child")).map(|r| r.is_mock()).unwrap_or(false);
        let mut chunks = 0;
        let stream = c
            .chat_stream(&ann, &ChatRequest::new("stream"), |_| {
                chunks += 1;
                ControlFlow::Continue(())
            })
            .map(|s| s.chunks > 0 && !s.stopped)
            .unwrap_or(false);
        // A grandchild forked from the child works too.
        let grandchild = in_child(|| c.health().is_ok());
        me && health && chat && stream && exited_ok(grandchild)
    });
    // The parent keeps using its own pool while the child runs, and after it exits.
    for _ in 0..20 {
        assert_eq!(c.me(&ann).expect("parent during child").username, "ann");
    }
    assert!(exited_ok(child), "the child failed its requests");
    for _ in 0..5 {
        assert!(c.health().expect("parent after child").is_healthy());
    }
    let chats = s.requests_to("/ai/chat").len();
    assert_eq!(chats, 2, "the child's chat and stream reached the server");
}
