//! The planning algorithm: ingest accounts into compact records, merge identities by trusted
//! email, then hand out emails and usernames in a deterministic rank order.
//!
//! Rank of an account (lower wins): site priority (position in `site_priority`, unlisted
//! sites after, by name), then earliest registration (unknown dates last), then lowest legacy
//! id. An identity's rank is its primary (best-ranked) account's. Nothing depends on hash
//! iteration order, so the same input and policy give the same plan.

use super::arena::{Arena, Str};
use super::policy::{CollisionPolicy, EmptyEmailPolicy, PlanPolicy, StatePolicy};
use super::reason::HashNote;
use super::{Ident, Plan, Rec, flags, iflags};
use crate::legacy::LegacyUser;
use crate::mapping::error::{BlockReason, MigrationError};
use crate::mapping::model::LinkedAccount;

/// A linked account's Halext username and recorded Halext email.
type Pin = (String, Option<String>);
use crate::mapping::normalize::{
    Derivation, ascii_email_ok, ascii_username_as_is, derive_username, normalize_email, placeholder_email,
    suffixed_username, username_key_cow,
};
use hashbrown::{DefaultHashBuilder, HashTable};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

pub(crate) const NONE: u32 = u32::MAX;

/// Builds a [`Plan`] from accounts fed in batches. [`super::Planner::plan`] drives it from
/// [`crate::legacy::UserSource`]s; use it directly to feed accounts from elsewhere.
pub struct PlanBuilder {
    policy: PlanPolicy,
    now: i64,
    sites: Vec<Arc<str>>,
    site_lookup: HashMap<Arc<str>, u16>,
    trusted_site: Vec<bool>,
    pins: HashMap<Arc<str>, HashMap<u64, Pin>>,
    site_pins: Vec<Option<HashMap<u64, Pin>>>,
    arena: Arena,
    recs: Vec<Rec>,
    pinned: HashMap<u32, Str>,
    hasher: DefaultHashBuilder,
}

fn too_large() -> MigrationError {
    MigrationError::InvalidArgument("the plan is too large (string storage passed 4 GiB)".into())
}

impl PlanBuilder {
    /// A builder with this policy. `linked` are the rows already `linked` in the store
    /// ([`crate::mapping::MappingStore::linked`]): they keep their Halext username, reserve it,
    /// and give it to the other accounts of their identity.
    pub fn new(policy: PlanPolicy, linked: Vec<LinkedAccount>) -> Self {
        let now = policy.now.unwrap_or_else(unix_now);
        let mut pins: HashMap<Arc<str>, HashMap<u64, Pin>> = HashMap::new();
        for l in linked {
            pins.entry(l.key.site).or_default().insert(l.key.legacy_id, (l.username, l.email));
        }
        PlanBuilder {
            policy,
            now,
            sites: Vec::new(),
            site_lookup: HashMap::new(),
            trusted_site: Vec::new(),
            pins,
            site_pins: Vec::new(),
            arena: Arena::default(),
            recs: Vec::new(),
            pinned: HashMap::new(),
            hasher: DefaultHashBuilder::default(),
        }
    }

    fn site_index(&mut self, site: &Arc<str>) -> Result<u16, MigrationError> {
        if let Some(&i) = self.site_lookup.get(site) {
            return Ok(i);
        }
        let i = u16::try_from(self.sites.len())
            .map_err(|_| MigrationError::InvalidArgument("more than 65 535 sites".into()))?;
        self.sites.push(Arc::clone(site));
        self.site_lookup.insert(Arc::clone(site), i);
        self.trusted_site.push(
            self.policy.trust_all_emails || self.policy.trusted_email_sites.iter().any(|s| **s == **site),
        );
        self.site_pins.push(self.pins.remove(site));
        Ok(i)
    }

    /// Appends the accounts of `other` after this builder's (as if they had been fed here
    /// next), so that sources ingested apart ([`super::Planner::plan`]) plan as one. Both
    /// must have the same policy, and `other`'s links must be in `other` (links are applied
    /// as accounts are fed). `other`'s storage is freed as it is copied.
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] when the joined plan outgrows the compact storage.
    pub fn absorb(&mut self, other: PlanBuilder) -> Result<(), MigrationError> {
        let PlanBuilder { sites, arena, recs, pinned, .. } = other;
        let base_rec = u32::try_from(self.recs.len()).map_err(|_| too_large())?;
        if self.recs.len() + recs.len() >= (NONE - 1) as usize {
            return Err(too_large());
        }
        let site_map = sites.iter().map(|s| self.site_index(s)).collect::<Result<Vec<u16>, _>>()?;
        let base_off = self.arena.append(arena).ok_or_else(too_large)?;
        self.recs.reserve_exact(recs.len());
        self.recs.extend(recs.into_iter().map(|mut r| {
            r.site = site_map[r.site as usize];
            r.login = r.login.shifted(base_off);
            r.name = r.name.shifted(base_off);
            r.email = r.email.shifted(base_off);
            r.full = r.full.shifted(base_off);
            r
        }));
        self.pinned.extend(pinned.into_iter().map(|(i, name)| (i + base_rec, name.shifted(base_off))));
        Ok(())
    }

    /// Marks as legacy administrators the accounts of `site` fed so far whose legacy id is in
    /// `ids`: for sources that learn roles only after their rows
    /// ([`crate::legacy::UserSource::deferred_admins`]). The plan is then the one the accounts
    /// would give had they been fed with `is_admin: true` (the flag only adds the
    /// `legacy_admin` reason). Ids not fed, or a site not fed, are ignored.
    pub fn mark_admins(&mut self, site: &str, ids: &[u64]) {
        let Some(&site) = self.site_lookup.get(site) else {
            return;
        };
        if ids.is_empty() {
            return;
        }
        let ids: std::collections::HashSet<u64> = ids.iter().copied().collect();
        for r in &mut self.recs {
            if r.site == site && ids.contains(&r.id) {
                r.flags |= flags::ADMIN;
            }
        }
    }

    /// Number of accounts fed so far.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True before the first account.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Adds a batch of accounts.
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] when the plan outgrows its compact storage
    /// (more than 4 GiB of strings or 4 billion accounts).
    pub fn add(&mut self, users: &[LegacyUser]) -> Result<(), MigrationError> {
        self.recs.reserve(users.len());
        let mut last_site: Option<(*const u8, u16)> = None;
        for u in users {
            let site = match last_site {
                Some((p, i)) if std::ptr::eq(p, u.site.as_ptr()) => i,
                _ => {
                    let i = self.site_index(&u.site)?;
                    last_site = Some((u.site.as_ptr(), i));
                    i
                }
            };
            self.add_one(u, site)?;
        }
        Ok(())
    }

    fn add_one(&mut self, u: &LegacyUser, site: u16) -> Result<(), MigrationError> {
        if self.recs.len() >= (NONE - 1) as usize {
            return Err(too_large());
        }
        let mut f = 0u16;
        let mut block = 0u8;
        if let Some((reason, pol)) = self.policy.for_state(u.state, self.now) {
            block = block_code(reason);
            if pol == StatePolicy::Skip {
                f |= flags::SKIPPED;
            }
        }
        if u.is_admin {
            f |= flags::ADMIN;
        }
        let login = self.arena.push(&u.login).ok_or_else(too_large)?;
        let name = if u.login.is_ascii() && ascii_username_as_is(&u.login) {
            login
        } else {
            let (derived, how) = derive_username(&u.login, &u.site, u.id);
            if derived == u.login {
                login
            } else {
                match how {
                    Derivation::AsIs => {}
                    Derivation::Slugged => f |= flags::SLUGGED,
                    Derivation::Fallback => f |= flags::FALLBACK,
                }
                self.arena.push(&derived).ok_or_else(too_large)?
            }
        };
        // A linked account: the Halext account's email (recorded at the link) stands for the
        // legacy row's, and Halext owns it (verified, trusted); without one, the legacy email.
        let pin: Option<Pin> = self.site_pins[site as usize].as_ref().and_then(|p| p.get(&u.id)).cloned();
        let (email_in, email_verified) = match pin.as_ref().and_then(|(_, e)| e.as_deref()) {
            Some(e) => (Some(e), true),
            None => (u.email.as_deref(), u.email_verified),
        };
        let email = match email_in {
            Some(raw) => {
                let t = raw.trim();
                let pushed = if t.is_ascii() {
                    if ascii_email_ok(t) {
                        Some(self.arena.push_ascii_lower(t).ok_or_else(too_large)?)
                    } else {
                        None
                    }
                } else {
                    match normalize_email(raw) {
                        Some(e) => Some(self.arena.push(&e).ok_or_else(too_large)?),
                        None => None,
                    }
                };
                match pushed {
                    Some(e) => {
                        if email_verified {
                            f |= flags::VERIFIED;
                        }
                        if email_verified || self.trusted_site[site as usize] {
                            f |= flags::TRUSTED;
                        }
                        e
                    }
                    None => Str::NONE,
                }
            }
            None => Str::NONE,
        };
        let full = match u.display_name.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) if d == u.login => login,
            Some(d) => self.arena.push(d).ok_or_else(too_large)?,
            None => Str::NONE,
        };
        if let Some((name, _)) = &pin {
            f |= flags::PINNED;
            let pin = self.arena.push(name).ok_or_else(too_large)?;
            self.pinned.insert(self.recs.len() as u32, pin);
        }
        self.recs.push(Rec {
            id: u.id,
            reg: u.registered_at.unwrap_or(i64::MAX),
            site,
            block,
            hash: HashNote::classify(u.password_hash.as_deref()) as u8,
            flags: f,
            login,
            name,
            email,
            full,
            next: NONE,
            ident: NONE,
            other: NONE,
        });
        Ok(())
    }

    /// Runs the decisions and returns the plan.
    pub fn finish(self) -> Plan {
        let PlanBuilder { policy, sites, mut arena, mut recs, pinned, hasher, .. } = self;
        // Site rank: listed sites first in list order, then the rest by name.
        let mut unlisted: Vec<u16> = (0..sites.len() as u16)
            .filter(|&i| !policy.site_priority.iter().any(|p| **p == *sites[i as usize]))
            .collect();
        unlisted.sort_by(|&a, &b| sites[a as usize].cmp(&sites[b as usize]));
        let mut site_rank = vec![0u16; sites.len()];
        for (i, s) in sites.iter().enumerate() {
            if let Some(p) = policy.site_priority.iter().position(|p| **p == **s) {
                site_rank[i] = p as u16;
            }
        }
        for (n, &i) in unlisted.iter().enumerate() {
            site_rank[i as usize] = (policy.site_priority.len() + n) as u16;
        }
        // Every account's position in rank order, computed once with one sort of packed keys;
        // after this, comparing two accounts is comparing two u32.
        let (rank_pos, by_rank) = {
            let mut keyed: Vec<(u16, i64, u64, u16, u32)> = recs
                .iter()
                .enumerate()
                .map(|(i, r)| (site_rank[r.site as usize], r.reg, r.id, r.site, i as u32))
                .collect();
            keyed.sort_unstable();
            let by_rank: Vec<u32> = keyed.iter().map(|k| k.4).collect();
            drop(keyed);
            let mut rank_pos = vec![0u32; recs.len()];
            for (pos, &rec) in by_rank.iter().enumerate() {
                rank_pos[rec as usize] = pos as u32;
            }
            (rank_pos, by_rank)
        };

        // ---- merge by trusted email ----
        let mut idents: Vec<Ident> = Vec::with_capacity(recs.len());
        {
            let mut by_email: HashTable<u32> = HashTable::with_capacity(recs.len() / 2);
            for i in 0..recs.len() {
                if recs[i].flags & flags::SKIPPED != 0 {
                    continue;
                }
                let trusted = recs[i].flags & flags::TRUSTED != 0;
                if trusted {
                    let e = arena.get(recs[i].email);
                    let h = hasher.hash_one(e);
                    let found = by_email
                        .find(h, |&id| arena.get(recs[idents[id as usize].head as usize].email) == e)
                        .copied();
                    if let Some(id) = found {
                        let ident = &mut idents[id as usize];
                        recs[i].next = ident.head;
                        ident.head = i as u32;
                        ident.members += 1;
                        recs[i].ident = id;
                        continue;
                    }
                    let id = idents.len() as u32;
                    by_email.insert_unique(h, id, |&x| {
                        hasher.hash_one(arena.get(recs[idents[x as usize].head as usize].email))
                    });
                    idents.push(Ident::new(i as u32));
                    recs[i].ident = id;
                } else {
                    recs[i].ident = idents.len() as u32;
                    idents.push(Ident::new(i as u32));
                }
            }
        }
        // Groups: pick the primary; split off second accounts of one site.
        let n_groups = idents.len();
        let mut members: Vec<u32> = Vec::new();
        for id in 0..n_groups {
            if idents[id].members == 1 {
                idents[id].primary = idents[id].head;
                continue;
            }
            members.clear();
            let mut m = idents[id].head;
            while m != NONE {
                members.push(m);
                m = recs[m as usize].next;
            }
            members.sort_unstable_by_key(|&m| rank_pos[m as usize]);
            let mut kept: Vec<u32> = Vec::with_capacity(members.len());
            for &m in &members {
                let site = recs[m as usize].site;
                match kept.iter().find(|&&k| recs[k as usize].site == site) {
                    Some(&k) => {
                        let r = &mut recs[m as usize];
                        r.flags |= flags::SAME_SITE_DUP;
                        r.other = k;
                        r.next = NONE;
                        r.ident = idents.len() as u32;
                        idents.push(Ident::new(m));
                        let last = idents.len() - 1;
                        idents[last].primary = m;
                    }
                    None => kept.push(m),
                }
            }
            // Relink the kept members in rank order.
            for w in kept.windows(2) {
                recs[w[0] as usize].next = w[1];
            }
            if let Some(&last) = kept.last() {
                recs[last as usize].next = NONE;
            }
            let ident = &mut idents[id];
            ident.head = kept[0];
            ident.primary = kept[0];
            ident.members = kept.len() as u32;
        }
        // Pins: the best-ranked linked member gives its username to the identity.
        for ident in idents.iter_mut() {
            let mut m = ident.head;
            let mut pin_name = Str::NONE;
            while m != NONE && !pinned.is_empty() {
                let r = &recs[m as usize];
                if r.flags & flags::PINNED != 0 {
                    ident.pin = m;
                    pin_name = pinned.get(&m).copied().unwrap_or(Str::NONE);
                    break;
                }
                m = r.next;
            }
            ident.wanted = if pin_name.is_none() { recs[ident.primary as usize].name } else { pin_name };
        }

        // Identities in an order given by packed u64 keys: flag bits above the primary's rank
        // position (unique per identity, so the identity is found back through `by_rank`).
        fn ident_of(recs: &[Rec], by_rank: &[u32], key: u64) -> u32 {
            recs[by_rank[(key & 0xFFFF_FFFF) as usize] as usize].ident
        }

        // ---- emails: pinned first, then trusted, then rank ----
        let mut keys: Vec<u64> = idents
            .iter()
            .map(|ident| {
                let p = &recs[ident.primary as usize];
                (u64::from(ident.pin == NONE) << 33)
                    | (u64::from(p.flags & flags::TRUSTED == 0) << 32)
                    | u64::from(rank_pos[ident.primary as usize])
            })
            .collect();
        keys.sort_unstable();
        let order: Vec<u32> = keys.iter().map(|&k| ident_of(&recs, &by_rank, k)).collect();
        {
            let mut taken: HashTable<u32> = HashTable::with_capacity(idents.len());
            for &id in &order {
                let p = idents[id as usize].primary as usize;
                let email = recs[p].email;
                if email.is_none() {
                    match policy.empty_email {
                        EmptyEmailPolicy::Placeholder => {
                            let ph = placeholder_email(&sites[recs[p].site as usize], recs[p].id);
                            // `None` only past 4 GiB; the identity then has no email (conflict).
                            match arena.push(&ph) {
                                Some(s) => {
                                    idents[id as usize].email = s;
                                    idents[id as usize].iflags |= iflags::PLACEHOLDER;
                                }
                                None => {
                                    idents[id as usize].iflags |= iflags::NO_EMAIL | iflags::CONFLICT;
                                }
                            }
                        }
                        EmptyEmailPolicy::Conflict => {
                            idents[id as usize].iflags |= iflags::NO_EMAIL | iflags::CONFLICT;
                        }
                    }
                    continue;
                }
                let e = arena.get(email);
                let h = hasher.hash_one(e);
                let holder = taken.find(h, |&x| arena.get(idents[x as usize].email) == e).copied();
                match holder {
                    Some(w) => {
                        let wp = idents[w as usize].primary as usize;
                        let winner_trusted = recs[wp].flags & flags::TRUSTED != 0;
                        let ident = &mut idents[id as usize];
                        ident.iflags |= iflags::EMAIL_TAKEN | iflags::CONFLICT;
                        ident.email_other = w;
                        if recs[p].flags & flags::TRUSTED == 0 {
                            recs[p].flags |= flags::EMAIL_NOT_TRUSTED;
                        }
                        if !winner_trusted {
                            recs[wp].flags |= flags::EMAIL_NOT_TRUSTED;
                        }
                        if ident.pin != NONE {
                            // A linked identity already has its Halext account: keep it planned.
                            ident.iflags &= !iflags::CONFLICT;
                        }
                    }
                    None => {
                        idents[id as usize].email = email;
                        taken.insert_unique(h, id, |&x| hasher.hash_one(arena.get(idents[x as usize].email)));
                    }
                }
            }
        }

        // ---- usernames: pinned first, then rank; natural names before suffixes ----
        for (k, ident) in keys.iter_mut().zip(idents.iter()) {
            *k = (u64::from(ident.pin == NONE) << 32) | u64::from(rank_pos[ident.primary as usize]);
        }
        keys.sort_unstable();
        let order: Vec<u32> = keys.iter().map(|&k| ident_of(&recs, &by_rank, k)).collect();
        drop(keys);
        let mut owners: HashTable<u32> = HashTable::with_capacity(idents.len());
        let mut losers: Vec<u32> = Vec::new();
        for &id in &order {
            if idents[id as usize].iflags & iflags::CONFLICT != 0 {
                continue;
            }
            let wanted_ref = idents[id as usize].wanted;
            let k = username_key_cow(arena.get(wanted_ref)).into_owned();
            let h = hasher.hash_one(k.as_str());
            let holder = owners.find(h, |&x| arena.get(idents[x as usize].key) == k).copied();
            match holder {
                Some(w) if idents[id as usize].pin == NONE => {
                    idents[id as usize].name_other = w;
                    losers.push(id);
                }
                Some(_) => {
                    // Two links with the same case-insensitive name are two Halext accounts
                    // already (Halext is case-sensitive): both keep theirs.
                    idents[id as usize].name = wanted_ref;
                }
                None => {
                    let ks = if k == arena.get(wanted_ref) { Some(wanted_ref) } else { arena.push(&k) };
                    let Some(ks) = ks else {
                        idents[id as usize].iflags |= iflags::CONFLICT;
                        continue;
                    };
                    let ident = &mut idents[id as usize];
                    ident.key = ks;
                    ident.name = wanted_ref;
                    owners.insert_unique(h, id, |&x| hasher.hash_one(arena.get(idents[x as usize].key)));
                }
            }
        }
        for &id in &losers {
            match policy.username_collision {
                CollisionPolicy::Conflict => {
                    idents[id as usize].iflags |= iflags::NAME_TAKEN | iflags::CONFLICT;
                }
                CollisionPolicy::Suffix => {
                    let wanted = arena.get(idents[id as usize].wanted).to_owned();
                    let mut n = 2u32;
                    loop {
                        let cand = suffixed_username(&wanted, n);
                        let k = username_key_cow(&cand).into_owned();
                        let h = hasher.hash_one(k.as_str());
                        if owners.find(h, |&x| arena.get(idents[x as usize].key) == k).is_none() {
                            let name = arena.push(&cand);
                            let ks = if k == cand { name } else { arena.push(&k) };
                            match (name, ks) {
                                (Some(name), Some(ks)) => {
                                    let ident = &mut idents[id as usize];
                                    ident.name = name;
                                    ident.key = ks;
                                    ident.iflags |= iflags::SUFFIXED;
                                    owners.insert_unique(h, id, |&x| {
                                        hasher.hash_one(arena.get(idents[x as usize].key))
                                    });
                                }
                                _ => idents[id as usize].iflags |= iflags::CONFLICT,
                            }
                            break;
                        }
                        n += 1;
                    }
                }
            }
        }
        drop(owners);
        arena.shrink();
        recs.shrink_to_fit();
        idents.shrink_to_fit();
        drop(rank_pos);
        drop(by_rank);
        Plan::new(sites, site_rank, arena, recs, idents, pinned)
    }
}

/// Seconds since the Unix epoch now (0 if the clock is before 1970).
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn block_code(r: BlockReason) -> u8 {
    match r {
        BlockReason::Banned => 1,
        BlockReason::Closed => 2,
        BlockReason::Unverified => 3,
        BlockReason::Deleted => 4,
        BlockReason::Spam => 5,
    }
}

pub(crate) fn block_reason(code: u8) -> Option<BlockReason> {
    match code {
        1 => Some(BlockReason::Banned),
        2 => Some(BlockReason::Closed),
        3 => Some(BlockReason::Unverified),
        4 => Some(BlockReason::Deleted),
        5 => Some(BlockReason::Spam),
        _ => None,
    }
}
