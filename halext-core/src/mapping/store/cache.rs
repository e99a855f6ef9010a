//! The store's per-process lookup cache: (site, legacy id) → a **linked** mapping, bounded and
//! with a time-to-live.
//!
//! Only `linked` rows are cached. Every other answer — no row, `planned`, `conflict`,
//! `skipped` — can turn into a link at any moment in another process (another PHP-FPM worker
//! migrating the user at their login), and apps act on it: a plugin that sees "not linked"
//! creates or links a local account. So those answers are always read from the database, and a
//! link made by another worker is seen at once. A linked row only changes by an operator's
//! unlink or rollback; other processes see that within the TTL (this process at once).
//!
//! Reverse lookups (Halext username → legacy accounts) decide which local account a Halext
//! login lands on and are not cached at all (they run at login, not on every request).
//!
//! Decisions that must be exact (login-time migration, link) always read the database.

use super::super::model::{Mapping, MappingStatus};
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Entry<T> {
    at: Instant,
    value: T,
}

/// Answer of a forward lookup: `Some(mapping)` or `None` (no row). Only linked mappings are
/// kept.
pub(crate) type Forward = Option<Arc<Mapping>>;

pub(crate) struct Cache {
    ttl: Duration,
    /// Site names seen by this process, interned so the forward key is two integers.
    sites: Vec<Arc<str>>,
    fwd: Option<LruCache<ForwardKey, Entry<Arc<Mapping>>>>,
}

/// (interned site index, legacy id).
type ForwardKey = (u32, u64);

impl Cache {
    /// A cache holding at most `capacity` linked mappings (0 disables it).
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Self {
        Cache { ttl, sites: Vec::new(), fwd: NonZeroUsize::new(capacity).map(LruCache::new) }
    }

    fn site_index(&self, site: &str) -> Option<u32> {
        self.sites.iter().position(|s| &**s == site).map(|i| i as u32)
    }

    fn site_index_or_insert(&mut self, site: &str) -> u32 {
        match self.site_index(site) {
            Some(i) => i,
            None => {
                self.sites.push(Arc::from(site));
                (self.sites.len() - 1) as u32
            }
        }
    }

    /// The interned `Arc<str>` of a site name (so mappings share one allocation per site).
    pub(crate) fn intern(&mut self, site: &str) -> Arc<str> {
        let i = self.site_index_or_insert(site) as usize;
        Arc::clone(&self.sites[i])
    }

    /// The linked mapping on a fresh hit; `None` on a miss or an expired entry (ask the
    /// database).
    pub(crate) fn get(&mut self, site: &str, legacy_id: u64) -> Option<Arc<Mapping>> {
        let ttl = self.ttl;
        let s = self.site_index(site)?;
        let fwd = self.fwd.as_mut()?;
        match fwd.get(&(s, legacy_id)) {
            Some(e) if e.at.elapsed() < ttl => Some(Arc::clone(&e.value)),
            Some(_) => {
                fwd.pop(&(s, legacy_id));
                None
            }
            None => None,
        }
    }

    /// Records what the database answered: a linked mapping is kept, anything else only
    /// drops what was cached for the account (see the module docs).
    pub(crate) fn put(&mut self, site: &str, legacy_id: u64, value: &Forward) {
        if self.fwd.is_none() {
            return;
        }
        let s = self.site_index_or_insert(site);
        if let Some(fwd) = self.fwd.as_mut() {
            match value {
                Some(m) if m.status == MappingStatus::Linked => {
                    fwd.put((s, legacy_id), Entry { at: Instant::now(), value: Arc::clone(m) });
                }
                _ => {
                    fwd.pop(&(s, legacy_id));
                }
            }
        }
    }

    /// Forgets what this process knows about one account.
    pub(crate) fn invalidate(&mut self, site: &str, legacy_id: u64) {
        if let (Some(s), Some(fwd)) = (self.site_index(site), self.fwd.as_mut()) {
            fwd.pop(&(s, legacy_id));
        }
    }

    /// Forgets everything (after a bulk write such as apply).
    pub(crate) fn clear(&mut self) {
        if let Some(fwd) = self.fwd.as_mut() {
            fwd.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::model::LinkMethod;

    fn mapping(site: &str, id: u64, status: MappingStatus) -> Arc<Mapping> {
        Arc::new(Mapping {
            site: Arc::from(site),
            legacy_id: id,
            halext_username: Some("alice".into()),
            halext_user_id: None,
            halext_email: None,
            full_name: None,
            status,
            link_method: LinkMethod::Plan,
            reason: String::new(),
            plan_run: None,
            created_at: 0,
            updated_at: 0,
            linked_at: None,
        })
    }

    #[test]
    fn only_linked_rows_are_kept_bounded_and_invalidated() {
        let mut c = Cache::new(2, Duration::from_secs(60));
        c.put("a", 1, &Some(mapping("a", 1, MappingStatus::Linked)));
        c.put("a", 2, &Some(mapping("a", 2, MappingStatus::Planned)));
        c.put("a", 3, &None);
        assert!(c.get("a", 1).is_some());
        assert!(c.get("a", 2).is_none(), "planned can become linked in another process");
        assert!(c.get("a", 3).is_none(), "no row can become a row in another process");
        // The database now says "planned" for a linked row (an operator unlinked it): dropped.
        c.put("a", 1, &Some(mapping("a", 1, MappingStatus::Planned)));
        assert!(c.get("a", 1).is_none());
        c.put("a", 1, &Some(mapping("a", 1, MappingStatus::Linked)));
        c.put("a", 4, &Some(mapping("a", 4, MappingStatus::Linked)));
        c.put("b", 5, &Some(mapping("b", 5, MappingStatus::Linked))); // evicts ("a", 1)
        assert!(c.get("a", 1).is_none());
        assert!(c.get("a", 4).is_some());
        assert!(c.get("unknown-site", 1).is_none());
        c.invalidate("a", 4);
        assert!(c.get("a", 4).is_none());
    }

    #[test]
    fn entries_expire() {
        let mut c = Cache::new(8, Duration::ZERO);
        c.put("a", 1, &Some(mapping("a", 1, MappingStatus::Linked)));
        assert!(c.get("a", 1).is_none());
    }

    #[test]
    fn zero_capacity_disables() {
        let mut c = Cache::new(0, Duration::from_secs(60));
        c.put("a", 1, &Some(mapping("a", 1, MappingStatus::Linked)));
        assert!(c.get("a", 1).is_none());
    }
}
