//! The blocking facade over [`MappingStore`] for the PHP extension and the C ABI.
//!
//! Every call runs on this process's runtime ([`crate::runtime::block_on`]); cache hits are
//! answered before entering the runtime, so a cached `resolve` costs a mutex and a hash
//! lookup. [`BlockingMappingStore::shared`] keeps one store per (DSN, table) per process and
//! makes a new one after `fork()` ([`crate::runtime::PerProcess`]): a PHP-FPM worker keeps
//! its persistent connection and prepared statements across requests.

use super::{MappingStore, ReverseMapping, StatusCounts, StoreConfig};
use crate::mapping::error::MigrationError;
use crate::mapping::model::{LinkMethod, Mapping};
use crate::runtime::{PerProcess, block_on};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Registry = Mutex<HashMap<(Vec<u8>, String), Arc<MappingStore>>>;
static SHARED: PerProcess<Registry> = PerProcess::new();

/// A [`MappingStore`] with blocking methods. Clone is cheap (an `Arc`).
#[derive(Clone, Debug)]
pub struct BlockingMappingStore {
    inner: Arc<MappingStore>,
}

impl BlockingMappingStore {
    /// Wraps a store. It must not be used from another runtime afterwards.
    pub fn new(inner: Arc<MappingStore>) -> Self {
        BlockingMappingStore { inner }
    }

    /// This process's store for `config` (same DSN and table → same store, connection and
    /// cache); the cache settings of the first call win. Two configurations that differ
    /// only in cache settings share one store: give them different DSNs if that matters.
    ///
    /// # Errors
    /// [`MigrationError::Config`] as in [`MappingStore::new`].
    pub fn shared(config: &StoreConfig) -> Result<Self, MigrationError> {
        let registry = SHARED.get_or_init(|| Mutex::new(HashMap::new()));
        let mut map = registry.lock().unwrap_or_else(|p| p.into_inner());
        let key = (config.url.expose().to_vec(), config.table.clone());
        if let Some(s) = map.get(&key) {
            return Ok(BlockingMappingStore { inner: Arc::clone(s) });
        }
        let store = Arc::new(MappingStore::new(config)?);
        map.insert(key, Arc::clone(&store));
        Ok(BlockingMappingStore { inner: store })
    }

    /// The async store (for Rust callers that have their own runtime: do not mix runtimes).
    pub fn store(&self) -> &Arc<MappingStore> {
        &self.inner
    }

    /// See [`MappingStore::init`].
    ///
    /// # Errors
    /// As [`MappingStore::init`].
    pub fn init(&self) -> Result<(), MigrationError> {
        block_on(self.inner.init()).map_err(MigrationError::runtime)?
    }

    /// See [`MappingStore::resolve`]; a cache hit does not enter the runtime.
    ///
    /// # Errors
    /// As [`MappingStore::resolve`].
    pub fn resolve(&self, site: &str, legacy_id: u64) -> Result<Option<Arc<Mapping>>, MigrationError> {
        if let Some(hit) = self.inner.resolve_cached(site, legacy_id) {
            return Ok(Some(hit));
        }
        block_on(self.inner.resolve(site, legacy_id)).map_err(MigrationError::runtime)?
    }

    /// See [`MappingStore::resolve_halext`].
    ///
    /// # Errors
    /// As [`MappingStore::resolve_halext`].
    pub fn resolve_halext(&self, username: &str) -> Result<ReverseMapping, MigrationError> {
        block_on(self.inner.resolve_halext(username)).map_err(MigrationError::runtime)?
    }

    /// See [`MappingStore::link`].
    ///
    /// # Errors
    /// As [`MappingStore::link`].
    #[allow(clippy::too_many_arguments)]
    pub fn link(
        &self,
        site: &str,
        legacy_id: u64,
        halext_username: &str,
        halext_user_id: Option<u64>,
        method: LinkMethod,
        halext_email: Option<&str>,
        reason: &str,
    ) -> Result<Mapping, MigrationError> {
        block_on(self.inner.link(
            site,
            legacy_id,
            halext_username,
            halext_user_id,
            method,
            halext_email,
            reason,
        ))
        .map_err(MigrationError::runtime)?
    }

    /// See [`MappingStore::unlink`].
    ///
    /// # Errors
    /// As [`MappingStore::unlink`].
    pub fn unlink(&self, site: &str, legacy_id: u64, note: &str) -> Result<(), MigrationError> {
        block_on(self.inner.unlink(site, legacy_id, note)).map_err(MigrationError::runtime)?
    }

    /// See [`MappingStore::status_counts`].
    ///
    /// # Errors
    /// As [`MappingStore::status_counts`].
    pub fn status_counts(&self) -> Result<StatusCounts, MigrationError> {
        block_on(self.inner.status_counts()).map_err(MigrationError::runtime)?
    }

    /// See [`MappingStore::rollback_plan`].
    ///
    /// # Errors
    /// As [`MappingStore::rollback_plan`].
    pub fn rollback_plan(&self, plan_run: &str) -> Result<u64, MigrationError> {
        block_on(self.inner.rollback_plan(plan_run)).map_err(MigrationError::runtime)?
    }
}
