//! [`PlanPolicy`]: the operator's choices the planner applies (from the CLI's TOML file,
//! section `[migration]`, or built in code).

use crate::legacy::AccountState;
use serde::{Deserialize, Serialize};

/// What to do with accounts in a given state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatePolicy {
    /// Do not migrate: status `skipped`; the account takes part in no merge and no contest.
    Skip,
    /// Plan it like any other account and mark the state in the reasons. Login-time
    /// migration still refuses the account while the legacy site blocks it.
    Plan,
}

/// What to do when two identities want the same username (compared case-insensitively).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollisionPolicy {
    /// The loser gets `{name}_{n}` with the smallest n ≥ 2 that is free.
    Suffix,
    /// The loser becomes a `conflict` for an operator to resolve.
    Conflict,
}

/// What to do with an identity that has no usable email (Halext requires one, unique).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyEmailPolicy {
    /// Use `{site}-{legacy_id}@noemail.invalid` (RFC 2606 reserved TLD; see
    /// [`crate::mapping::normalize::placeholder_email`]).
    Placeholder,
    /// Mark the identity `conflict`.
    Conflict,
}

/// The planner's policies. Defaults (`PlanPolicy::default()`) are the safe ones described in
/// `docs/migration.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanPolicy {
    /// Site names in priority order: the first keeps a contested username or email. Sites
    /// not listed come after, in name order.
    pub site_priority: Vec<String>,
    /// Sites whose stored emails are trusted for merging although the site never verified
    /// them (see the takeover note in `docs/migration.md`). Default: none.
    pub trusted_email_sites: Vec<String>,
    /// Trust every site's emails. Default false. Dangerous: read the takeover note.
    pub trust_all_emails: bool,
    /// Permanently banned accounts. Default `skip`.
    pub banned: StatePolicy,
    /// Temporarily banned accounts whose ban has not ended. Default `plan`.
    pub temp_banned: StatePolicy,
    /// Accounts closed by their owner. Default `plan`.
    pub closed: StatePolicy,
    /// Accounts that never verified (ZEN3MP). Default `skip`.
    pub unverified: StatePolicy,
    /// Deleted accounts (WordPress multisite). Default `skip`.
    pub deleted: StatePolicy,
    /// Spam-flagged accounts (WordPress multisite). Default `skip`.
    pub spam: StatePolicy,
    /// Username collisions. Default `suffix`.
    pub username_collision: CollisionPolicy,
    /// Identities without a usable email. Default `placeholder`.
    pub empty_email: EmptyEmailPolicy,
    /// "Now" for deciding whether a temporary ban has ended, Unix seconds; `None` = the
    /// clock at planning time (set it to make a plan reproducible).
    pub now: Option<i64>,
}

impl Default for PlanPolicy {
    fn default() -> Self {
        PlanPolicy {
            site_priority: Vec::new(),
            trusted_email_sites: Vec::new(),
            trust_all_emails: false,
            banned: StatePolicy::Skip,
            temp_banned: StatePolicy::Plan,
            closed: StatePolicy::Plan,
            unverified: StatePolicy::Skip,
            deleted: StatePolicy::Skip,
            spam: StatePolicy::Skip,
            username_collision: CollisionPolicy::Suffix,
            empty_email: EmptyEmailPolicy::Placeholder,
            now: None,
        }
    }
}

impl PlanPolicy {
    /// The policy for a state at time `now`; `None` for an active account (or a temporary ban
    /// that has ended).
    pub fn for_state(
        &self,
        state: AccountState,
        now: i64,
    ) -> Option<(crate::mapping::BlockReason, StatePolicy)> {
        use crate::mapping::BlockReason as B;
        match state {
            AccountState::Active => None,
            AccountState::Banned { until: None } => Some((B::Banned, self.banned)),
            AccountState::Banned { until: Some(t) } if t <= now => None,
            AccountState::Banned { until: Some(_) } => Some((B::Banned, self.temp_banned)),
            AccountState::Closed => Some((B::Closed, self.closed)),
            AccountState::Unverified => Some((B::Unverified, self.unverified)),
            AccountState::Deleted => Some((B::Deleted, self.deleted)),
            AccountState::Spam => Some((B::Spam, self.spam)),
        }
    }
}
