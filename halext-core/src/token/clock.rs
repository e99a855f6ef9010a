//! The time source of a validator: [`SystemClock`] in production, [`FixedClock`] in tests.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where a validator gets the time from.
///
/// * [`Clock::now`] is wall-clock time in **seconds** since the Unix epoch (UTC), compared with
///   `exp`/`nbf`/`iat` (RFC 7519 §2 "NumericDate").
/// * [`Clock::monotonic`] measures intervals for the JWKS cache (TTL, refresh rate limit, stale
///   age); it only has to increase. The default derives it from `now()`.
pub trait Clock: Send + Sync + Debug {
    /// Seconds since the Unix epoch.
    fn now(&self) -> i64;

    /// A monotonic instant, as the time since an arbitrary fixed origin.
    fn monotonic(&self) -> Duration {
        Duration::from_secs(u64::try_from(self.now()).unwrap_or(0))
    }
}

/// The operating system's clock (`SystemTime` for `now`, `Instant` for `monotonic`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

fn process_origin() -> Instant {
    static ORIGIN: once_cell::sync::Lazy<Instant> = once_cell::sync::Lazy::new(Instant::now);
    *ORIGIN
}

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            // A clock set before 1970: report negative seconds rather than panic.
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        }
    }

    fn monotonic(&self) -> Duration {
        Instant::now().saturating_duration_since(process_origin())
    }
}

/// A clock that stays where it is set: for tests and reproducible demos.
///
/// Shared by reference (`Arc<FixedClock>`), so a test can keep a handle and move time while the
/// validator uses it. `monotonic()` follows `now()` (never below zero), so advancing the clock
/// also ages the JWKS cache.
#[derive(Debug, Default)]
pub struct FixedClock {
    secs: AtomicI64,
}

impl FixedClock {
    /// A clock showing `secs` seconds since the Unix epoch.
    pub fn new(secs: i64) -> Self {
        FixedClock { secs: AtomicI64::new(secs) }
    }

    /// Sets the time (seconds since the Unix epoch).
    pub fn set(&self, secs: i64) {
        self.secs.store(secs, Ordering::SeqCst);
    }

    /// Moves the time by `secs` seconds (negative goes back), saturating at the `i64` limits.
    pub fn advance(&self, secs: i64) {
        let _ =
            self.secs.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| Some(now.saturating_add(secs)));
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.secs.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(1_700_000_000);
        assert_eq!(c.now(), 1_700_000_000);
        c.advance(30);
        assert_eq!(c.now(), 1_700_000_030);
        assert_eq!(c.monotonic(), Duration::from_secs(1_700_000_030));
        c.set(-5);
        assert_eq!(c.monotonic(), Duration::ZERO);
        c.set(i64::MAX);
        c.advance(1);
        assert_eq!(c.now(), i64::MAX);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now() > 1_577_836_800);
        let a = SystemClock.monotonic();
        assert!(SystemClock.monotonic() >= a);
    }
}
