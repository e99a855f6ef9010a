//! The server's in-memory database and shared state.

use crate::config::ServerConfig;
use crate::faults::Faults;
use crate::log::RequestLog;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use time::OffsetDateTime;
use time::format_description::well_known::iso8601::{self, EncodedConfig, Iso8601, TimePrecision};

/// Everything the handlers share.
pub struct AppState {
    /// The configuration the server was started with.
    pub config: ServerConfig,
    /// The tables.
    pub db: Mutex<Db>,
    /// Injected faults.
    pub faults: Faults,
    /// Every request received (except the `/__test` control API).
    pub log: RequestLog,
    /// Declared route patterns (bare form), for the trailing-slash redirect.
    pub patterns: Vec<&'static str>,
}

impl AppState {
    /// Locks the database (a poisoned lock is still usable: the data is plain values).
    pub fn db(&self) -> MutexGuard<'_, Db> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A datetime as the configured database would return it.
    pub fn ts(&self, t: OffsetDateTime) -> String {
        format_ts(t, self.config.tz_offsets)
    }

    /// Same as [`AppState::ts`] for an optional value (`null` when absent).
    pub fn ts_opt(&self, t: Option<OffsetDateTime>) -> Value {
        t.map(|t| Value::String(self.ts(t))).unwrap_or(Value::Null)
    }
}

const NO_FRACTION: EncodedConfig =
    iso8601::Config::DEFAULT.set_time_precision(TimePrecision::Second { decimal_digits: None }).encode();
const MICROS: EncodedConfig = iso8601::Config::DEFAULT
    .set_time_precision(TimePrecision::Second { decimal_digits: std::num::NonZeroU8::new(6) })
    .encode();

/// Python's `datetime.isoformat()`: `YYYY-MM-DDTHH:MM:SS[.ffffff][+00:00]` (the fraction only
/// when non-zero; the offset only when the database keeps one).
pub fn format_ts(t: OffsetDateTime, with_offset: bool) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let s =
        if t.microsecond() == 0 { t.format(&Iso8601::<NO_FRACTION>) } else { t.format(&Iso8601::<MICROS>) };
    // The formatter always appends `Z`; reproduce Python's two forms instead.
    let s = s.unwrap_or_default();
    let bare = s.strip_suffix('Z').unwrap_or(&s);
    if with_offset { format!("{bare}+00:00") } else { bare.to_owned() }
}

/// Now, truncated to whole microseconds (what Python stores).
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.microsecond() * 1000).unwrap_or(t)
}

/// Now, truncated to whole seconds (SQLite's `server_default now()`).
pub fn now_seconds() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// A row of `users` (reference §2.1).
#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub hashed_password: String,
    pub full_name: Option<String>,
    pub is_admin: bool,
    pub created_at: OffsetDateTime,
    /// Whether demo content was seeded (8 tasks, 6 events, 1 page, 12 labels).
    pub demo_data: bool,
}

/// A presence record (reference §2.4).
#[derive(Clone, Debug)]
pub struct PresenceRow {
    pub is_online: bool,
    pub status: String,
    pub current_activity: Option<String>,
    pub status_message: Option<String>,
    pub last_seen: OffsetDateTime,
}

/// A blog post (reference §3.1).
#[derive(Clone, Debug)]
pub struct BlogRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    pub tags: Vec<String>,
    pub hero_image_url: Option<String>,
    pub status: String,
    pub published_at: Option<OffsetDateTime>,
    pub file_path: Option<String>,
    pub author_id: Option<i64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A site page or a photo album (reference §3.2, §3.3): the same life cycle, different fields.
#[derive(Clone, Debug)]
pub struct DocRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// The kind-specific fields (`summary`, `sections`, ... or `description`, `photos`, ...).
    pub fields: serde_json::Map<String, Value>,
    /// `is_published` (pages) or `is_public` (albums).
    pub visible: bool,
    pub owner_id: Option<i64>,
    pub updated_by_id: Option<i64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// An uploaded media asset (reference §3.4).
#[derive(Clone, Debug)]
pub struct MediaRow {
    pub id: i64,
    pub title: Option<String>,
    pub file_name: String,
    pub owner_id: i64,
    pub created_at: OffsetDateTime,
}

/// A social circle (reference §4.1).
#[derive(Clone, Debug)]
pub struct CircleRow {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub emoji: Option<String>,
    pub theme_color: Option<String>,
    pub vibe: Option<String>,
    pub owner_id: i64,
    pub invite_code: String,
    pub created_at: OffsetDateTime,
    pub members: Vec<i64>,
}

/// A pulse posted to a circle (reference §4.1).
#[derive(Clone, Debug)]
pub struct PulseRow {
    pub id: i64,
    pub circle_id: i64,
    pub author_id: i64,
    pub message: String,
    pub mood: Option<String>,
    pub attachments: Vec<String>,
    pub created_at: OffsetDateTime,
}

/// The tables.
#[derive(Debug)]
pub struct Db {
    next_id: HashMap<&'static str, i64>,
    pub users: Vec<UserRow>,
    pub presence: HashMap<i64, PresenceRow>,
    pub blog: Vec<BlogRow>,
    pub pages: Vec<DocRow>,
    pub albums: Vec<DocRow>,
    pub media: Vec<MediaRow>,
    pub circles: Vec<CircleRow>,
    pub pulses: Vec<PulseRow>,
    /// The AI gateway's process-global default model (reference §5.1): `mock:mock` until
    /// `/ai/models` is called, then `mock:llama3.1`.
    pub ai_default_model: String,
    /// Users already provisioned in OpenWebUI.
    pub openwebui_users: HashSet<i64>,
}

impl Default for Db {
    fn default() -> Self {
        Db {
            next_id: HashMap::new(),
            users: Vec::new(),
            presence: HashMap::new(),
            blog: Vec::new(),
            pages: Vec::new(),
            albums: Vec::new(),
            media: Vec::new(),
            circles: Vec::new(),
            pulses: Vec::new(),
            ai_default_model: "mock:mock".to_owned(),
            openwebui_users: HashSet::new(),
        }
    }
}

impl Db {
    /// The next autoincrement id of `table` (ids are never reused, as in SQL).
    pub fn next_id(&mut self, table: &'static str) -> i64 {
        let n = self.next_id.entry(table).or_insert(0);
        *n += 1;
        *n
    }

    /// The user with this exact username.
    pub fn user_by_name(&self, username: &str) -> Option<&UserRow> {
        self.users.iter().find(|u| u.username == username)
    }

    /// The user with this id.
    pub fn user_by_id(&self, id: i64) -> Option<&UserRow> {
        self.users.iter().find(|u| u.id == id)
    }

    /// Deletes a user and everything that cascades from it.
    pub fn delete_user(&mut self, id: i64) {
        self.users.retain(|u| u.id != id);
        self.presence.remove(&id);
        self.openwebui_users.remove(&id);
        for c in &mut self.circles {
            c.members.retain(|m| *m != id);
        }
        self.pulses.retain(|p| p.author_id != id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_look_like_python_isoformat() {
        let t = OffsetDateTime::from_unix_timestamp(1_795_971_293).expect("ts");
        assert_eq!(format_ts(t, false), "2026-11-29T16:54:53");
        assert_eq!(format_ts(t, true), "2026-11-29T16:54:53+00:00");
        let t = t.replace_microsecond(120).expect("us");
        assert_eq!(format_ts(t, false), "2026-11-29T16:54:53.000120");
    }
}
