//! The migration planner: read every configured site, merge identities across sites, derive
//! Halext usernames, resolve collisions, and report every decision with its reasons.
//!
//! Planning is a dry run: it reads the legacy sources (and the store's existing links) and
//! writes nothing. [`crate::mapping::apply`] records a plan in the store.
//!
//! Memory: a plan keeps one compact record per account (80 bytes) plus one string buffer,
//! never the [`LegacyUser`] values themselves; [`Decision`]s are views built on demand.

mod arena;
mod builder;
pub mod policy;
pub mod reason;
pub mod report;

pub use builder::PlanBuilder;
pub use policy::{CollisionPolicy, EmptyEmailPolicy, PlanPolicy, StatePolicy};
pub use reason::{HashNote, Reason};
pub use report::{PlanFile, Summary, check_accounts};

use crate::legacy::{LegacyUser, UserSource};
use crate::mapping::error::MigrationError;
use crate::mapping::model::{LinkedAccount, MappingKey, MappingStatus, PlannedRow};
use arena::{Arena, Str};
use builder::{NONE, block_reason};
use std::sync::Arc;

pub(crate) mod flags {
    pub const VERIFIED: u16 = 1;
    pub const TRUSTED: u16 = 1 << 1;
    pub const ADMIN: u16 = 1 << 2;
    pub const SKIPPED: u16 = 1 << 3;
    pub const SLUGGED: u16 = 1 << 4;
    pub const FALLBACK: u16 = 1 << 5;
    pub const SAME_SITE_DUP: u16 = 1 << 6;
    pub const EMAIL_NOT_TRUSTED: u16 = 1 << 7;
    pub const PINNED: u16 = 1 << 8;
}

pub(crate) mod iflags {
    pub const CONFLICT: u8 = 1;
    pub const SUFFIXED: u8 = 1 << 1;
    pub const NAME_TAKEN: u8 = 1 << 2;
    pub const EMAIL_TAKEN: u8 = 1 << 3;
    pub const PLACEHOLDER: u8 = 1 << 4;
    pub const NO_EMAIL: u8 = 1 << 5;
}

/// One legacy account, compact.
#[derive(Debug, Clone)]
pub(crate) struct Rec {
    pub(crate) id: u64,
    /// Registration time; `i64::MAX` when unknown (sorts last).
    pub(crate) reg: i64,
    pub(crate) site: u16,
    pub(crate) block: u8,
    pub(crate) hash: u8,
    pub(crate) flags: u16,
    pub(crate) login: Str,
    /// Derived username.
    pub(crate) name: Str,
    /// Normalised email or NONE.
    pub(crate) email: Str,
    pub(crate) full: Str,
    /// Next member of the same identity (rank order) or NONE.
    pub(crate) next: u32,
    pub(crate) ident: u32,
    /// For SAME_SITE_DUP: the account of the same site that joined the identity.
    pub(crate) other: u32,
}

/// One identity: the accounts that become one Halext account.
#[derive(Debug, Clone)]
pub(crate) struct Ident {
    pub(crate) head: u32,
    pub(crate) primary: u32,
    pub(crate) members: u32,
    pub(crate) pin: u32,
    pub(crate) wanted: Str,
    pub(crate) name: Str,
    pub(crate) key: Str,
    pub(crate) email: Str,
    pub(crate) iflags: u8,
    pub(crate) name_other: u32,
    pub(crate) email_other: u32,
}

impl Ident {
    pub(crate) fn new(head: u32) -> Ident {
        Ident {
            head,
            primary: head,
            members: 1,
            pin: NONE,
            wanted: Str::NONE,
            name: Str::NONE,
            key: Str::NONE,
            email: Str::NONE,
            iflags: 0,
            name_other: NONE,
            email_other: NONE,
        }
    }
}

/// The planner: a policy plus the existing links to respect.
#[derive(Debug, Clone, Default)]
pub struct Planner {
    policy: PlanPolicy,
    linked: Vec<LinkedAccount>,
}

impl Planner {
    /// A planner with this policy and no existing links.
    pub fn new(policy: PlanPolicy) -> Self {
        Planner { policy, linked: Vec::new() }
    }

    /// Respects these existing links, usually [`crate::mapping::MappingStore::linked`]: they
    /// keep their username, it is reserved, and the other accounts of their identity get it
    /// too; a link's recorded Halext email stands for the legacy row's email (the Halext
    /// account owns that mailbox now, whatever the legacy row says).
    pub fn with_linked(mut self, linked: Vec<LinkedAccount>) -> Self {
        self.linked = linked;
        self
    }

    /// Reads every source to the end and plans. Each source is read and ingested by its own
    /// task on the current tokio runtime, into its own part of the plan (compact records, see
    /// [`PlanBuilder`]); the parts are joined in source order before the decisions, so the plan
    /// is the one a sequential read would give, while no site waits for another's database.
    /// Every part uses the same "now" (the policy's, or the time `plan` starts). Administrators
    /// a source hands over after its last batch ([`UserSource::deferred_admins`]) are marked
    /// in its part before the join.
    ///
    /// # Errors
    /// A source's [`crate::legacy::LegacyError`] (as [`MigrationError::Legacy`]); nothing is
    /// planned from a partial read (the other sources' reads are stopped).
    /// [`MigrationError::InvalidArgument`] for a plan too large for the compact storage;
    /// [`MigrationError::Internal`] if a read task panicked.
    pub async fn plan(&self, sources: Vec<Box<dyn UserSource>>) -> Result<Plan, MigrationError> {
        let mut policy = self.policy.clone();
        policy.now.get_or_insert_with(builder::unix_now);
        let n = sources.len();
        // Dropping the set (an error here, or the caller dropping this future) stops the reads.
        let mut reads = tokio::task::JoinSet::new();
        for (i, src) in sources.into_iter().enumerate() {
            let linked: Vec<LinkedAccount> =
                self.linked.iter().filter(|l| l.key.site == *src.site()).cloned().collect();
            let part = PlanBuilder::new(policy.clone(), linked);
            reads.spawn(async move { (i, ingest(src, part).await) });
        }
        let mut parts: Vec<Option<(PlanBuilder, Vec<crate::legacy::RejectedRow>)>> =
            std::iter::repeat_with(|| None).take(n).collect();
        while let Some(joined) = reads.join_next().await {
            let (i, part) = joined
                .map_err(|e| MigrationError::Internal(format!("a legacy source's reader stopped: {e}")))?;
            parts[i] = Some(part?);
        }
        let mut b: Option<PlanBuilder> = None;
        // Rows a source skipped under `on_bad_row = "report"` are reported, not lost.
        let mut rejected = Vec::new();
        for (part, skipped) in parts.into_iter().flatten() {
            rejected.extend(skipped);
            match &mut b {
                None => b = Some(part),
                Some(b) => b.absorb(part)?,
            }
        }
        let b = b.unwrap_or_else(|| PlanBuilder::new(policy, self.linked.clone()));
        let mut plan = b.finish();
        plan.rejected = rejected;
        Ok(plan)
    }

    /// Plans accounts already in memory (tests, small imports).
    ///
    /// # Errors
    /// As [`Planner::plan`].
    pub fn plan_users(&self, users: &[LegacyUser]) -> Result<Plan, MigrationError> {
        let mut b = PlanBuilder::new(self.policy.clone(), self.linked.clone());
        b.add(users)?;
        Ok(b.finish())
    }
}

/// Reads `src` to its end into `part`, with the rows it skipped (`on_bad_row = "report"`).
async fn ingest(
    mut src: Box<dyn UserSource>,
    mut part: PlanBuilder,
) -> Result<(PlanBuilder, Vec<crate::legacy::RejectedRow>), MigrationError> {
    while let Some(batch) = src.next_batch().await? {
        part.add(&batch)?;
        // Let the other sources' tasks run between batches on a single-threaded runtime.
        tokio::task::yield_now().await;
    }
    let admins = src.deferred_admins().await?;
    part.mark_admins(src.site(), &admins);
    Ok((part, src.take_rejected()))
}

/// The result of planning: one [`Decision`] per account, in input order.
pub struct Plan {
    run_id: String,
    sites: Vec<Arc<str>>,
    #[allow(dead_code)]
    site_rank: Vec<u16>,
    arena: Arena,
    recs: Vec<Rec>,
    idents: Vec<Ident>,
    /// Linked usernames of the accounts flagged PINNED, by record index.
    pinned: std::collections::HashMap<u32, Str>,
    /// Rows the sources could not decode and skipped (their `on_bad_row = "report"` policy):
    /// not planned, listed in the summary so an operator can fix them.
    rejected: Vec<crate::legacy::RejectedRow>,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan").field("run_id", &self.run_id).field("accounts", &self.recs.len()).finish()
    }
}

/// The planner's decision about one legacy account (a view into a [`Plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'a> {
    /// Site name.
    pub site: &'a Arc<str>,
    /// Legacy primary key.
    pub legacy_id: u64,
    /// The legacy login name as read.
    pub login: &'a str,
    /// `planned`, `conflict`, `skipped`, or `linked` (already linked; apply leaves it alone).
    pub status: MappingStatus,
    /// The Halext username (planned or linked); `None` for conflicts and skips.
    pub halext_username: Option<&'a str>,
    /// The Halext email (normalised, or a `.invalid` placeholder); `None` unless planned.
    pub halext_email: Option<&'a str>,
    /// The full name to register with.
    pub full_name: Option<&'a str>,
    /// The identity number: accounts with the same number become one Halext account.
    pub identity: u32,
    /// Every reason behind the decision.
    pub reasons: Vec<Reason>,
}

impl Decision<'_> {
    /// The (site, legacy id) key.
    pub fn key(&self) -> MappingKey {
        MappingKey { site: Arc::clone(self.site), legacy_id: self.legacy_id }
    }

    /// The reasons as one human sentence list (`"…; …"`), as stored in
    /// `halext_user_map.reason`.
    pub fn reason_text(&self) -> String {
        if self.reasons.is_empty() {
            return "unique account".to_owned();
        }
        self.reasons.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("; ")
    }

    /// The row apply writes.
    pub fn to_row(&self) -> PlannedRow {
        PlannedRow {
            site: Arc::clone(self.site),
            legacy_id: self.legacy_id,
            status: self.status,
            halext_username: self.halext_username.map(str::to_owned),
            halext_email: self.halext_email.map(str::to_owned),
            full_name: self.full_name.map(str::to_owned),
            reason: self.reason_text(),
        }
    }
}

impl Plan {
    /// Rows the sources skipped because they could not be decoded (`on_bad_row = "report"`).
    pub fn rejected(&self) -> &[crate::legacy::RejectedRow] {
        &self.rejected
    }

    fn new(
        sites: Vec<Arc<str>>,
        site_rank: Vec<u16>,
        arena: Arena,
        recs: Vec<Rec>,
        idents: Vec<Ident>,
        pinned: std::collections::HashMap<u32, Str>,
    ) -> Plan {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let run_id = format!("{now}-{:08x}", rand::random::<u32>());
        Plan { run_id, sites, site_rank, arena, recs, idents, pinned, rejected: Vec::new() }
    }

    /// This plan's run id (`{unix seconds}-{8 hex}`), written to `halext_user_map.plan_run`
    /// by apply; `halext migrate rollback` takes it.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The sites whose accounts the plan holds, in the order they were first fed.
    pub fn sites(&self) -> &[Arc<str>] {
        &self.sites
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True for a plan of no account.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Number of identities (future Halext accounts, conflicts included, skips excluded).
    pub fn identities(&self) -> usize {
        self.idents.len()
    }

    /// Approximate heap bytes held by the plan.
    pub fn heap_bytes(&self) -> usize {
        self.arena.bytes()
            + self.recs.capacity() * std::mem::size_of::<Rec>()
            + self.idents.capacity() * std::mem::size_of::<Ident>()
    }

    /// Every decision, in input order.
    pub fn decisions(&self) -> impl ExactSizeIterator<Item = Decision<'_>> + '_ {
        (0..self.recs.len()).map(move |i| self.decision(i))
    }

    /// The decision of the `i`-th account fed to the planner.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn decision(&self, i: usize) -> Decision<'_> {
        let r = &self.recs[i];
        let site = &self.sites[r.site as usize];
        let mut reasons = Vec::new();
        let key_of = |rec: u32| {
            let o = &self.recs[rec as usize];
            MappingKey { site: Arc::clone(&self.sites[o.site as usize]), legacy_id: o.id }
        };
        if let Some(state) = block_reason(r.block) {
            reasons.push(Reason::Blocked { state, skipped: r.flags & flags::SKIPPED != 0 });
        }
        if r.flags & flags::SKIPPED != 0 {
            return Decision {
                site,
                legacy_id: r.id,
                login: self.arena.get(r.login),
                status: MappingStatus::Skipped,
                halext_username: None,
                halext_email: None,
                full_name: None,
                identity: NONE,
                reasons,
            };
        }
        let ident = &self.idents[r.ident as usize];
        let pinned = r.flags & flags::PINNED != 0;
        let conflict = ident.iflags & iflags::CONFLICT != 0 && !pinned;
        if pinned {
            reasons.insert(0, Reason::AlreadyLinked);
        }
        if ident.members > 1 {
            reasons.push(Reason::MergedByEmail { accounts: ident.members });
            if ident.primary != i as u32 && !pinned {
                reasons.push(Reason::SecondaryAccount { primary: key_of(ident.primary) });
            }
        }
        if r.flags & flags::SAME_SITE_DUP != 0 {
            reasons.push(Reason::SameSiteDuplicateEmail { kept: key_of(r.other) });
        }
        if r.flags & flags::EMAIL_NOT_TRUSTED != 0 {
            reasons.push(Reason::EmailNotTrusted);
        }
        let from_primary = ident.primary == i as u32 && ident.pin == NONE;
        if from_primary && r.flags & flags::SLUGGED != 0 {
            reasons.push(Reason::UsernameSlugged { from: self.arena.get(r.login).to_owned() });
        }
        if from_primary && r.flags & flags::FALLBACK != 0 {
            reasons.push(Reason::UsernameFallback);
        }
        let winner = |other: u32| -> Option<MappingKey> {
            if other == NONE {
                return None;
            }
            let w = &self.idents[other as usize];
            if w.pin != NONE { Some(key_of(w.pin)) } else { Some(key_of(w.primary)) }
        };
        let wanted = || self.arena.get(ident.wanted).to_owned();
        if !pinned {
            if ident.iflags & iflags::SUFFIXED != 0 {
                reasons.push(Reason::UsernameSuffixed { wanted: wanted(), winner: winner(ident.name_other) });
            }
            if ident.iflags & iflags::NAME_TAKEN != 0 {
                reasons.push(Reason::UsernameTaken { wanted: wanted(), winner: winner(ident.name_other) });
            }
            if ident.iflags & iflags::EMAIL_TAKEN != 0 {
                reasons.push(Reason::EmailTaken { winner: winner(ident.email_other) });
            }
            if ident.iflags & iflags::PLACEHOLDER != 0 {
                reasons.push(Reason::EmailPlaceholder);
            }
            if ident.iflags & iflags::NO_EMAIL != 0 {
                reasons.push(Reason::NoEmail);
            }
        }
        match HashNote::from_u8(r.hash) {
            HashNote::Usable => {}
            HashNote::Md5 => reasons.push(Reason::Md5Hash),
            HashNote::Missing => reasons.push(Reason::NoPasswordHash),
            HashNote::Unusable => reasons.push(Reason::UnusableHash),
        }
        if r.flags & flags::ADMIN != 0 {
            reasons.push(Reason::LegacyAdmin);
        }
        let (status, username, email) = if pinned {
            (MappingStatus::Linked, self.pinned.get(&(i as u32)).and_then(|&p| self.arena.opt(p)), None)
        } else if conflict {
            (MappingStatus::Conflict, None, None)
        } else {
            (MappingStatus::Planned, self.arena.opt(ident.name), self.arena.opt(ident.email))
        };
        let primary = &self.recs[ident.primary as usize];
        Decision {
            site,
            legacy_id: r.id,
            login: self.arena.get(r.login),
            status,
            halext_username: username,
            halext_email: email,
            full_name: if conflict { None } else { self.arena.opt(primary.full) },
            identity: r.ident,
            reasons,
        }
    }

    /// The rows apply writes: every decision except `linked` ones (links are never written
    /// by a plan).
    pub fn rows(&self) -> impl Iterator<Item = PlannedRow> + '_ {
        self.decisions().filter(|d| d.status != MappingStatus::Linked).map(|d| d.to_row())
    }

    /// Number of rows [`Plan::rows`] yields.
    pub fn row_count(&self) -> usize {
        self.recs.iter().filter(|r| r.flags & flags::PINNED == 0 || r.flags & flags::SKIPPED != 0).count()
    }
}

impl HashNote {
    fn from_u8(v: u8) -> HashNote {
        match v {
            x if x == HashNote::Md5 as u8 => HashNote::Md5,
            x if x == HashNote::Missing as u8 => HashNote::Missing,
            x if x == HashNote::Unusable as u8 => HashNote::Unusable,
            _ => HashNote::Usable,
        }
    }
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn records_stay_compact() {
        // 1M accounts must plan within 256 MiB: keep the per-account record small.
        assert!(std::mem::size_of::<super::Rec>() <= 80, "{}", std::mem::size_of::<super::Rec>());
        assert!(std::mem::size_of::<super::Ident>() <= 64, "{}", std::mem::size_of::<super::Ident>());
    }
}
