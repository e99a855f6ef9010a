//! Clean stops: the first Ctrl-C (SIGINT, or SIGTERM/SIGHUP from a service manager) sets a
//! flag that long jobs check at safe points (between apply batches, before a plan file is
//! renamed into place) and wakes any task waiting in [`Interrupt::wait`]; a second one exits
//! at once with status 130 (safe too: every write is a transaction).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

/// The process's interrupt state. Get it with [`install`].
#[derive(Debug)]
pub struct Interrupt {
    flag: AtomicBool,
    tx: watch::Sender<bool>,
}

static STATE: OnceLock<Interrupt> = OnceLock::new();

/// Installs the signal handler once and returns the shared state. If the handler cannot be
/// installed (another one exists), Ctrl-C keeps its default behaviour: the process dies, which
/// apply survives too (see `docs/migration.md`).
pub fn install() -> &'static Interrupt {
    STATE.get_or_init(|| {
        let (tx, _) = watch::channel(false);
        let installed = ctrlc::set_handler(|| {
            let Some(state) = STATE.get() else { return };
            if state.flag.swap(true, Ordering::SeqCst) {
                eprintln!("\nhalext: interrupted again: stopping now");
                std::process::exit(130);
            }
            state.tx.send_replace(true);
            eprintln!("\nhalext: interrupt: stopping at the next safe point (Ctrl-C again to stop now)");
        });
        if let Err(e) = installed {
            tracing::warn!("cannot install the Ctrl-C handler: {e}");
        }
        Interrupt { flag: AtomicBool::new(false), tx }
    })
}

impl Interrupt {
    /// The flag long jobs poll (`apply_rows`' cancel flag).
    pub fn flag(&self) -> &AtomicBool {
        &self.flag
    }

    /// Whether an interrupt arrived.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Resolves once an interrupt arrives (at once if one already did).
    pub async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        // An error means the sender is gone, which cannot happen for the static state.
        let _ = rx.wait_for(|set| *set).await;
    }
}
