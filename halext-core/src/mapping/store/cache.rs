//! The store's per-process lookup cache, both ways, bounded and with a time-to-live.
//!
//! Forward: (site, legacy id) → the mapping, or "no mapping" (negative entries are cached
//! too, so a page that resolves an unmapped user does not hit the database every time).
//! Reverse: Halext username → the (site, legacy id) keys mapped to it.
//!
//! Entries written by *this* process are invalidated on write. Writes by other processes
//! (another PHP-FPM worker migrating a user) become visible after at most the TTL; decisions
//! that must be exact (login-time migration, link) always read the database, never this cache.

use super::super::model::{Mapping, MappingKey};
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Entry<T> {
    at: Instant,
    value: T,
}

/// Cached answer of a forward lookup: `Some(mapping)` or `None` (no row).
pub(crate) type Forward = Option<Arc<Mapping>>;

pub(crate) struct Cache {
    ttl: Duration,
    /// Site names seen by this process, interned so the forward key is two integers.
    sites: Vec<Arc<str>>,
    fwd: Option<LruCache<(u32, u64), Entry<Forward>>>,
    rev: Option<LruCache<String, Entry<Arc<[MappingKey]>>>>,
}

impl Cache {
    /// A cache holding at most `capacity` entries each way (0 disables it).
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Self {
        let cap = NonZeroUsize::new(capacity);
        Cache { ttl, sites: Vec::new(), fwd: cap.map(LruCache::new), rev: cap.map(LruCache::new) }
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

    /// `Some(answer)` on a fresh hit, `None` on a miss or an expired entry.
    pub(crate) fn get(&mut self, site: &str, legacy_id: u64) -> Option<Forward> {
        let ttl = self.ttl;
        let s = self.site_index(site)?;
        let fwd = self.fwd.as_mut()?;
        match fwd.get(&(s, legacy_id)) {
            Some(e) if e.at.elapsed() < ttl => Some(e.value.clone()),
            Some(_) => {
                fwd.pop(&(s, legacy_id));
                None
            }
            None => None,
        }
    }

    pub(crate) fn put(&mut self, site: &str, legacy_id: u64, value: Forward) {
        if self.fwd.is_none() {
            return;
        }
        let s = self.site_index_or_insert(site);
        if let Some(fwd) = self.fwd.as_mut() {
            fwd.put((s, legacy_id), Entry { at: Instant::now(), value });
        }
    }

    pub(crate) fn get_rev(&mut self, username: &str) -> Option<Arc<[MappingKey]>> {
        let ttl = self.ttl;
        let rev = self.rev.as_mut()?;
        match rev.get(username) {
            Some(e) if e.at.elapsed() < ttl => Some(Arc::clone(&e.value)),
            Some(_) => {
                rev.pop(username);
                None
            }
            None => None,
        }
    }

    pub(crate) fn put_rev(&mut self, username: &str, keys: Arc<[MappingKey]>) {
        if let Some(rev) = self.rev.as_mut() {
            rev.put(username.to_owned(), Entry { at: Instant::now(), value: keys });
        }
    }

    /// Forgets what this process knows about one account (and every reverse entry, since
    /// the account's old and new usernames are both affected).
    pub(crate) fn invalidate(&mut self, site: &str, legacy_id: u64) {
        if let (Some(s), Some(fwd)) = (self.site_index(site), self.fwd.as_mut()) {
            fwd.pop(&(s, legacy_id));
        }
        if let Some(rev) = self.rev.as_mut() {
            rev.clear();
        }
    }

    /// Forgets everything (after a bulk write such as apply).
    pub(crate) fn clear(&mut self) {
        if let Some(fwd) = self.fwd.as_mut() {
            fwd.clear();
        }
        if let Some(rev) = self.rev.as_mut() {
            rev.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::model::{LinkMethod, MappingStatus};

    fn mapping(site: &str, id: u64) -> Arc<Mapping> {
        Arc::new(Mapping {
            site: Arc::from(site),
            legacy_id: id,
            halext_username: Some("alice".into()),
            halext_user_id: None,
            halext_email: None,
            full_name: None,
            status: MappingStatus::Planned,
            link_method: LinkMethod::Plan,
            reason: String::new(),
            plan_run: None,
            created_at: 0,
            updated_at: 0,
            linked_at: None,
        })
    }

    #[test]
    fn bounded_both_ways_and_invalidated() {
        let mut c = Cache::new(2, Duration::from_secs(60));
        c.put("a", 1, Some(mapping("a", 1)));
        c.put("a", 2, None);
        assert!(matches!(c.get("a", 1), Some(Some(_))));
        assert!(matches!(c.get("a", 2), Some(None)));
        c.put("b", 3, None); // evicts the least recently used: ("a", 1)
        assert!(c.get("a", 1).is_none());
        assert!(c.get("unknown-site", 1).is_none());
        c.put_rev("alice", Arc::from(vec![]));
        assert!(c.get_rev("alice").is_some());
        c.invalidate("a", 2);
        assert!(c.get("a", 2).is_none());
        assert!(c.get_rev("alice").is_none());
    }

    #[test]
    fn entries_expire() {
        let mut c = Cache::new(8, Duration::ZERO);
        c.put("a", 1, None);
        assert!(c.get("a", 1).is_none());
    }

    #[test]
    fn zero_capacity_disables() {
        let mut c = Cache::new(0, Duration::from_secs(60));
        c.put("a", 1, None);
        assert!(c.get("a", 1).is_none());
    }
}
