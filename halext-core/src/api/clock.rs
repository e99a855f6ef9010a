//! The server's clock, from the `Date` header of `GET /health` (RFC 9110 §6.6.1), for clock
//! skew checks (`halext doctor`): Halext checks `exp` with no leeway (reference §1.3), so a
//! site that validates tokens locally with a skewed clock accepts expired tokens or rejects
//! fresh ones.

use super::client::HalextClient;
use super::error::ApiError;
use super::transport::read_body;
use http::Method;
use http::header::DATE;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One reading of the server's clock against the local one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerClock {
    /// The server's `Date` (whole seconds: the header has 1-second resolution).
    pub server_date: SystemTime,
    /// The local time halfway through the exchange (when the server most likely stamped it).
    pub local_time: SystemTime,
    /// How long the exchange took (request sent to headers received).
    pub round_trip: Duration,
}

fn millis_since_epoch(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_millis()).unwrap_or(i128::MAX),
        Err(e) => -i128::try_from(e.duration().as_millis()).unwrap_or(i128::MAX),
    }
}

impl ServerClock {
    /// Server clock minus local clock, in milliseconds (positive: the server is ahead). The
    /// `Date` header is truncated to the second, so the server's time is taken as the middle of
    /// that second.
    pub fn skew_ms(&self) -> i64 {
        let server = millis_since_epoch(self.server_date) + 500;
        let local = millis_since_epoch(self.local_time);
        i64::try_from(server - local).unwrap_or(if server > local { i64::MAX } else { i64::MIN })
    }

    /// How far off [`ServerClock::skew_ms`] can be, in milliseconds: half a second (the header's
    /// resolution) plus half the round trip.
    pub fn uncertainty_ms(&self) -> u64 {
        500 + u64::try_from(self.round_trip.as_millis() / 2).unwrap_or(u64::MAX)
    }
}

impl HalextClient {
    /// Reads the server's clock: `GET /health` (no auth, sent once, never retried) and its
    /// `Date` header.
    ///
    /// # Errors
    /// Any [`ApiError`] of `GET /health`; [`ApiError::Decode`] when the answer has no valid
    /// `Date` header.
    pub async fn server_clock(&self) -> Result<ServerClock, ApiError> {
        let sent = SystemTime::now();
        let started = Instant::now();
        let (resp, endpoint) = self.route(Method::GET, &["health"], false).open_stream().await?;
        let round_trip = started.elapsed();
        let date = resp.headers().get(DATE).and_then(|v| v.to_str().ok()).map(httpdate::parse_http_date);
        // Read the body so the connection goes back to the pool; its content does not matter.
        let _ = read_body(resp).await;
        let server_date = match date {
            Some(Ok(t)) => t,
            Some(Err(_)) => {
                return Err(ApiError::Decode {
                    endpoint,
                    reason: "the Date header is not an HTTP date".into(),
                });
            }
            None => {
                return Err(ApiError::Decode { endpoint, reason: "the answer has no Date header".into() });
            }
        };
        Ok(ServerClock { server_date, local_time: sent + round_trip / 2, round_trip })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_takes_the_middle_of_the_servers_second() {
        let t = UNIX_EPOCH + Duration::from_secs(1_000);
        let c = ServerClock {
            server_date: t,
            local_time: t + Duration::from_millis(500),
            round_trip: Duration::ZERO,
        };
        assert_eq!(c.skew_ms(), 0);
        let c = ServerClock { server_date: t + Duration::from_secs(90), ..c };
        assert_eq!(c.skew_ms(), 90_000);
        let c = ServerClock {
            server_date: t,
            local_time: t + Duration::from_secs(30),
            round_trip: Duration::from_millis(40),
        };
        assert_eq!((c.skew_ms(), c.uncertainty_ms()), (-29_500, 520));
    }
}
