//! The retry policy: which requests are retried, and how long to wait in between.
//!
//! * Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried, never POST:
//!   login, registration, chat and uploads happen at most once.
//! * Only transient failures are retried ([`super::ApiError::is_transient`]): connection
//!   failures, broken connections, 5xx and 429. Timeouts are not.
//! * Delay before retry `n` (0-based): capped exponential backoff with "equal jitter",
//!   uniformly in `[d/2, d]` where `d = min(max, base · 2ⁿ)`.
//! * A `Retry-After` is honoured exactly when it is at most `max`; a longer one stops the
//!   retries (waiting less than the server asked would only earn another 429).

use http::Method;
use std::time::Duration;

/// Whether a method may be sent twice without changing the outcome (RFC 9110 §9.2.2).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

/// The backoff schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// First delay in milliseconds.
    pub base_ms: u64,
    /// Cap of a delay (and of an honoured `Retry-After`) in milliseconds.
    pub max_ms: u64,
}

impl Backoff {
    /// The wait before retry number `attempt` (0-based), or `None` when the server's
    /// `Retry-After` (seconds) exceeds the cap. `unit` in `[0, 1)` is the jitter draw.
    pub fn delay(&self, attempt: u32, retry_after_secs: Option<u64>, unit: f64) -> Option<Duration> {
        if let Some(secs) = retry_after_secs {
            let ms = secs.saturating_mul(1000);
            return (ms <= self.max_ms).then(|| Duration::from_millis(ms));
        }
        let full = self
            .base_ms
            .saturating_mul(1u64.checked_shl(attempt.min(62)).unwrap_or(u64::MAX))
            .min(self.max_ms);
        let half = full / 2;
        let jitter = ((full - half) as f64 * unit.clamp(0.0, 1.0)) as u64;
        Some(Duration::from_millis(half + jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_are_retried() {
        assert!(is_idempotent(&Method::GET) && is_idempotent(&Method::PUT) && is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
    }

    #[test]
    fn delays_grow_exponentially_and_stay_capped() {
        let b = Backoff { base_ms: 100, max_ms: 1000 };
        let ms = |n, u| b.delay(n, None, u).map(|d| d.as_millis());
        assert_eq!((ms(0, 0.0), ms(0, 0.999_999)), (Some(50), Some(99)));
        assert_eq!((ms(1, 0.0), ms(2, 0.0)), (Some(100), Some(200)));
        for n in [4, 10, 63, u32::MAX] {
            let d = ms(n, 0.999_999).expect("delay");
            assert!((500..=1000).contains(&d), "attempt {n}: {d}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let b = Backoff { base_ms: 100, max_ms: 2000 };
        assert_eq!(b.delay(0, Some(2), 0.5), Some(Duration::from_secs(2)));
        assert_eq!(b.delay(0, Some(0), 0.5), Some(Duration::ZERO));
        assert_eq!(b.delay(0, Some(3), 0.5), None);
        assert_eq!(b.delay(0, Some(u64::MAX), 0.5), None);
    }
}
