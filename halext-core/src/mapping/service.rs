//! [`MigrationService`]: login-time migration, gated registration and resolve/link, assembled
//! from one `halext.toml` — what PHP's `Halext\Migration`, the C ABI and the CLI hold.
//!
//! Building one does no I/O (safe at PHP module start-up). The MySQL pools, the mapping
//! store's connections and the HTTP client are per process (see [`crate::runtime`]), and
//! [`MigrationService::shared`] keeps one service per configuration file per process, so a
//! PHP-FPM worker reuses its connections and caches across requests and a forked child builds
//! its own.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::Secret;
use crate::api::HalextClient;
use crate::config::HalextToml;
use crate::legacy::{LegacySite, MysqlSite};
use crate::mapping::halext::{HalextAccounts, NewAccount, RegisteredAccount};
use crate::mapping::login::{LoginMigrator, LoginResult};
use crate::mapping::options::ClientOverrides;
use crate::mapping::register::Registrar;
use crate::mapping::store::{MappingStore, ReverseMapping};
use crate::mapping::{BlockingMappingStore, LinkMethod, Mapping, MigrationError};
use crate::runtime::PerProcess;

/// Login-time migration, gated registration and resolve/link over the configured sites, the
/// mapping store and the Halext API. All methods block (they run on the per-process runtime);
/// async callers use the parts ([`LoginMigrator`], [`Registrar`], [`MappingStore`]) directly.
pub struct MigrationService {
    sites: Vec<Arc<MysqlSite>>,
    store: BlockingMappingStore,
    client: Arc<HalextClient>,
    login: LoginMigrator,
    registrar: Registrar,
}

impl std::fmt::Debug for MigrationService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sites: Vec<&str> = self.sites.iter().map(|s| &**s.site_name()).collect();
        f.debug_struct("MigrationService").field("sites", &sites).finish_non_exhaustive()
    }
}

/// (canonical path, modification time, length, overrides fingerprint) → service: a changed
/// file is re-read.
type Registry = Mutex<HashMap<(PathBuf, Option<SystemTime>, u64, [u8; 32]), Arc<MigrationService>>>;
static SHARED: PerProcess<Registry> = PerProcess::new();

impl MigrationService {
    /// Assembles the service from a parsed `halext.toml`: every `[[site]]`, `[mapping]`,
    /// `[halext]` and the `[login]` policy. No I/O.
    ///
    /// # Errors
    /// [`MigrationError::Config`] when a section is missing or invalid (no sites, no
    /// `[mapping]`, no Halext URL, an unreadable secret); [`MigrationError::Legacy`] for a bad
    /// `[[site]]`.
    pub fn from_config(cfg: &HalextToml) -> Result<Self, MigrationError> {
        if cfg.sites.is_empty() {
            return Err(MigrationError::Config("no [[site]] is configured".into()));
        }
        let store_config = cfg.store_config().map_err(|e| MigrationError::Config(e.0))?;
        let store = BlockingMappingStore::shared(&store_config)?;
        let client_config = cfg.client_config().map_err(|e| MigrationError::Config(e.0))?;
        let client = Arc::new(
            HalextClient::new(client_config).map_err(|e| MigrationError::Config(format!("[halext]: {e}")))?,
        );
        let halext: Arc<dyn HalextAccounts> = client.clone();
        let mut login = LoginMigrator::new(Arc::clone(store.store()), Arc::clone(&halext), cfg.login.clone());
        let mut sites = Vec::with_capacity(cfg.sites.len());
        for site_config in &cfg.sites {
            let site = Arc::new(MysqlSite::new(site_config)?);
            login = login.with_site(Arc::clone(&site) as Arc<dyn LegacySite>);
            sites.push(site);
        }
        let registrar = Registrar::new(Arc::clone(store.store()), halext);
        Ok(MigrationService { sites, store, client, login, registrar })
    }

    /// The service for the `halext.toml` at `path`, shared by every caller in this process
    /// (re-read when the file's modification time or size changes; rebuilt after `fork()`).
    ///
    /// # Errors
    /// [`MigrationError::Config`] when the file cannot be read or parsed; otherwise as
    /// [`MigrationService::from_config`].
    pub fn shared(path: &Path) -> Result<Arc<Self>, MigrationError> {
        Self::shared_with(path, &ClientOverrides::default())
    }

    /// Like [`MigrationService::shared`], with the file's `[halext]` section overridden by
    /// `client` (what a binding's options array gives: `url`, `timeout_ms`, `access_code`,
    /// ...). One service per (file, overrides) per process; the overrides are told apart by
    /// their SHA-256 fingerprint ([`ClientOverrides::fingerprint`]), never by a kept secret.
    ///
    /// # Errors
    /// As [`MigrationService::shared`]; [`MigrationError::Config`] when an override is invalid
    /// (e.g. a malformed URL).
    pub fn shared_with(path: &Path, client: &ClientOverrides) -> Result<Arc<Self>, MigrationError> {
        let canonical = path
            .canonicalize()
            .map_err(|e| MigrationError::Config(format!("cannot read {}: {e}", path.display())))?;
        let meta = std::fs::metadata(&canonical)
            .map_err(|e| MigrationError::Config(format!("cannot read {}: {e}", path.display())))?;
        let key = (canonical, meta.modified().ok(), meta.len(), client.fingerprint());
        let registry = SHARED.get_or_init(|| Mutex::new(HashMap::new()));
        if let Some(hit) = registry.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(Arc::clone(hit));
        }
        let mut cfg = HalextToml::from_file(&key.0).map_err(|e| MigrationError::Config(e.0))?;
        if !client.is_empty() {
            client.apply(&mut cfg);
            cfg.check().map_err(|e| MigrationError::Config(format!("{}: {}", path.display(), e.0)))?;
        }
        let service = Arc::new(Self::from_config(&cfg)?);
        let mut map = registry.lock().unwrap_or_else(|p| p.into_inner());
        // Forget older versions of the same file and overrides; keep the registry small.
        map.retain(|(p, _, _, f), _| !(p == &key.0 && f == &key.3));
        map.insert(key, Arc::clone(&service));
        Ok(service)
    }

    /// Login-time migration (see [`LoginMigrator::login`]): `site` is a configured site name,
    /// `login_or_email` what the user typed, `password` the raw bytes the form sent.
    ///
    /// # Errors
    /// As [`LoginMigrator::login`]: notably [`MigrationError::InvalidCredentials`] for an
    /// unknown user and for a wrong password alike.
    pub fn login(
        &self,
        site: &str,
        login_or_email: &str,
        password: &Secret,
    ) -> Result<LoginResult, MigrationError> {
        self.login.login_blocking(site, login_or_email, password)
    }

    /// Completes a login that returned `halext_password_required`: the user proved the
    /// legacy account in this session and now gives their existing Halext password.
    ///
    /// # Errors
    /// As [`LoginMigrator::link_with_halext_password`].
    pub fn link_with_halext_password(
        &self,
        site: &str,
        legacy_id: u64,
        halext_login: &str,
        halext_password: &Secret,
    ) -> Result<LoginResult, MigrationError> {
        self.login.link_with_halext_password_blocking(site, legacy_id, halext_login, halext_password)
    }

    /// Gated registration, step 1: registers the account on Halext (never as admin, no demo
    /// data). The app then creates its local row and calls [`MigrationService::link`].
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] for an unknown site; otherwise as
    /// [`Registrar::register`] ([`MigrationError::DuplicateUsername`],
    /// [`MigrationError::DuplicateEmail`], ...).
    pub fn register(&self, site: &str, account: &NewAccount) -> Result<RegisteredAccount, MigrationError> {
        self.site(site)?;
        self.registrar.register_blocking(account)
    }

    /// Records that the legacy account `(site, legacy_id)` is the Halext account
    /// `halext_username` (gated registration step 3 with [`LinkMethod::Registration`], or an
    /// operator's [`LinkMethod::Manual`] link).
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] for an unknown site; [`MigrationError::Conflict`]
    /// when the account is already linked to another Halext account (unless `Manual`);
    /// [`MigrationError::Store`].
    pub fn link(
        &self,
        site: &str,
        legacy_id: u64,
        halext_username: &str,
        halext_user_id: Option<u64>,
        method: LinkMethod,
    ) -> Result<Mapping, MigrationError> {
        self.site(site)?;
        let reason = match method {
            LinkMethod::Registration => "gated registration",
            LinkMethod::Manual => "manual link",
            LinkMethod::Login => "login",
            LinkMethod::Plan => "plan",
        };
        self.store.link(site, legacy_id, halext_username, halext_user_id, method, None, reason)
    }

    /// The mapping of `(site, legacy_id)`, if any (cached per process).
    ///
    /// # Errors
    /// [`MigrationError::Store`].
    pub fn resolve(&self, site: &str, legacy_id: u64) -> Result<Option<Arc<Mapping>>, MigrationError> {
        self.store.resolve(site, legacy_id)
    }

    /// The legacy accounts mapped to a Halext username (byte-exact, like Halext).
    ///
    /// # Errors
    /// [`MigrationError::Store`].
    pub fn resolve_halext(&self, username: &str) -> Result<ReverseMapping, MigrationError> {
        self.store.resolve_halext(username)
    }

    /// The mapping store (blocking facade).
    pub fn store(&self) -> &BlockingMappingStore {
        &self.store
    }

    /// The async mapping store.
    pub fn async_store(&self) -> &Arc<MappingStore> {
        self.store.store()
    }

    /// The Halext API client the service registers and logs in with.
    pub fn client(&self) -> &Arc<HalextClient> {
        &self.client
    }

    /// The configured legacy sites, in file order.
    pub fn sites(&self) -> &[Arc<MysqlSite>] {
        &self.sites
    }

    /// The configured site called `name`.
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] naming the unknown site.
    pub fn site(&self, name: &str) -> Result<&Arc<MysqlSite>, MigrationError> {
        self.sites
            .iter()
            .find(|s| &**s.site_name() == name)
            .ok_or_else(|| MigrationError::InvalidArgument(format!("unknown site {name:?}")))
    }
}
