//! The values stored in `halext_user_map`: [`Mapping`], [`MappingStatus`], [`LinkMethod`],
//! and [`PlannedRow`], the unit apply writes.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Where a legacy account stands in the migration (`halext_user_map.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MappingStatus {
    /// A Halext username (and email) is reserved for this account; the Halext account does not
    /// exist yet (it is created at the user's next legacy login).
    Planned,
    /// The account is linked to an existing Halext account. Never downgraded by a plan or apply.
    Linked,
    /// The planner could not give this account a username or an email; an operator decides.
    Conflict,
    /// Not migrated (policy: blocked account, or an operator's choice).
    Skipped,
}

impl MappingStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [MappingStatus; 4] =
        [MappingStatus::Planned, MappingStatus::Linked, MappingStatus::Conflict, MappingStatus::Skipped];

    /// The stored spelling (`"planned"`, `"linked"`, `"conflict"`, `"skipped"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            MappingStatus::Planned => "planned",
            MappingStatus::Linked => "linked",
            MappingStatus::Conflict => "conflict",
            MappingStatus::Skipped => "skipped",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        MappingStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// How a mapping was made (`halext_user_map.link_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMethod {
    /// Written by `apply` from a plan.
    Plan,
    /// Linked by login-time migration.
    Login,
    /// Linked by gated registration (the app registered the user on Halext first).
    Registration,
    /// Set by an operator (`link`/`unlink`).
    Manual,
}

impl LinkMethod {
    /// The stored spelling (`"plan"`, `"login"`, `"registration"`, `"manual"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            LinkMethod::Plan => "plan",
            LinkMethod::Login => "login",
            LinkMethod::Registration => "registration",
            LinkMethod::Manual => "manual",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [LinkMethod::Plan, LinkMethod::Login, LinkMethod::Registration, LinkMethod::Manual]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A legacy account's identity: (site name, legacy primary key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MappingKey {
    /// The configured site name (e.g. `"acmlm"`).
    pub site: Arc<str>,
    /// The legacy primary key.
    pub legacy_id: u64,
}

impl std::fmt::Display for MappingKey {
    /// `site:legacy_id`, e.g. `acmlm:42` (the form reports and errors use).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.site, self.legacy_id)
    }
}

/// A legacy account already linked to a Halext account (a `linked` row of `halext_user_map`),
/// as the planner takes it ([`crate::mapping::MappingStore::linked`] →
/// [`crate::mapping::plan::Planner::with_linked`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedAccount {
    /// The legacy account.
    pub key: MappingKey,
    /// The Halext username it is linked to (exact).
    pub username: String,
    /// The Halext account's email as recorded at the link (`None` for manual links made
    /// without one): the identity's email in a new plan, instead of the legacy row's.
    pub email: Option<String>,
}

/// One row of `halext_user_map`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// Site name.
    pub site: Arc<str>,
    /// Legacy primary key.
    pub legacy_id: u64,
    /// The Halext username (planned or linked); `None` for conflicts and skips.
    pub halext_username: Option<String>,
    /// The Halext user id, when known (registration and login-time migration learn it).
    pub halext_user_id: Option<u64>,
    /// The email planned for (or used at) registration: normalised, or a
    /// `…@noemail.invalid` placeholder. `None` when not planned.
    pub halext_email: Option<String>,
    /// The full name to register with (the legacy display name).
    pub full_name: Option<String>,
    /// Status.
    pub status: MappingStatus,
    /// How it was made.
    pub link_method: LinkMethod,
    /// Human reason text (the planner's reasons, or an operator's note).
    pub reason: String,
    /// The plan run that last wrote this row (`None` for rows never written by apply).
    pub plan_run: Option<String>,
    /// Creation time, Unix seconds (UTC).
    pub created_at: i64,
    /// Last change, Unix seconds (UTC).
    pub updated_at: i64,
    /// When the row became `linked`, Unix seconds (UTC).
    pub linked_at: Option<i64>,
}

/// One row as apply writes it (a planner decision, or a row read back from a plan's JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRow {
    /// Site name.
    pub site: Arc<str>,
    /// Legacy primary key.
    pub legacy_id: u64,
    /// `planned`, `conflict` or `skipped` (apply refuses `linked`: links come from logins,
    /// registrations and operators).
    pub status: MappingStatus,
    /// Planned Halext username (`None` for conflicts and skips).
    pub halext_username: Option<String>,
    /// Planned Halext email (normalised or placeholder).
    pub halext_email: Option<String>,
    /// Full name for registration.
    pub full_name: Option<String>,
    /// The reason text.
    pub reason: String,
}
