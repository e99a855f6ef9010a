//! Login-time migration: the legacy login form calls [`LoginMigrator::login`] with what the
//! user typed; the user ends up with a Halext account and token, created from the verified
//! legacy password the first time.
//!
//! Order of checks (and why):
//! 1. empty password or unknown site → refused before any lookup;
//! 2. the account is found the way the app's own form finds it
//!    ([`LegacySite::find_for_login`]); none, or several (ambiguous legacy data, logged), →
//!    [`MigrationError::InvalidCredentials`], after a dummy bcrypt verification so the
//!    unknown-user path costs about what the wrong-password path costs;
//! 3. the password is verified against the legacy hash; a mismatch or an unusable hash →
//!    the same [`MigrationError::InvalidCredentials`];
//! 4. only then is a blocked account (banned, closed, unverified, deleted, spam) refused
//!    with [`MigrationError::AccountBlocked`]: someone who does not know the password cannot
//!    learn that the account exists or is blocked;
//! 5. the mapping row is read (never from the cache) under a per-account advisory lock, so
//!    two simultaneous logins of one user cannot register twice; the second one waits and
//!    finds the row linked;
//! 6. linked → log in to Halext with the mapped username; planned → register (planned
//!    username and email, this password), log in, mark linked (`login`).

use super::error::{BlockReason, MigrationError};
use super::halext::{HalextAccounts, HalextAuthError, HalextSession, NewAccount};
use super::model::{LinkMethod, Mapping, MappingStatus};
use super::normalize::{
    check_username, derive_username, normalize_email, placeholder_email, suffixed_username, username_key,
};
use super::store::MappingStore;
use crate::legacy::{AccountState, LegacySite, LegacyUser};
use crate::{HalextError, Secret};
use std::sync::Arc;

/// A bcrypt hash (cost 10) of a random string nobody knows, verified on the unknown-user path
/// so it does comparable work to a real verification.
const DUMMY_BCRYPT: &str = "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";

/// What to do when Halext cannot be reached (timeout, connection error, HTTP 5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnavailablePolicy {
    /// Fail the login with [`MigrationError::HalextUnavailable`].
    Fail,
    /// Accept the verified legacy login without a Halext token ([`LoginOutcome::LegacyOnly`]);
    /// nothing is marked, the next login tries again. The app's own session continues.
    LegacyOnly,
}

/// What to do with a verified legacy account that has no mapping row (registered after the
/// last plan, or no plan applied yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnplannedPolicy {
    /// Derive a username with the planner's rule (suffixing it while the mapping table has
    /// the same name case-insensitively) and register. The email is used only when the site
    /// verified it or is trusted; otherwise a `.invalid` placeholder (takeover rule).
    Register,
    /// Accept the legacy login, no Halext account ([`LoginOutcome::NotMigrated`]).
    NotMigrated,
}

/// Login-time migration policies.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginPolicy {
    /// Halext unreachable. Default `fail`.
    pub on_halext_unavailable: UnavailablePolicy,
    /// No mapping row. Default `register`.
    pub unplanned: UnplannedPolicy,
    /// Sites whose unverified emails are trusted (same meaning as in the plan policy).
    pub trusted_email_sites: Vec<String>,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            on_halext_unavailable: UnavailablePolicy::Fail,
            unplanned: UnplannedPolicy::Register,
            trusted_email_sites: Vec::new(),
        }
    }
}

/// What a successful legacy login led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginOutcome {
    /// Already linked; logged in to Halext.
    LoggedIn,
    /// The Halext account was created now, linked, and logged in.
    Migrated,
    /// A Halext account already existed (another site's account of the same person migrated
    /// first, or a earlier attempt registered it) and accepted this password: linked.
    LinkedExisting,
    /// Halext is unreachable and the policy is `legacy_only`: no token, nothing marked.
    LegacyOnly,
    /// A Halext account with the planned username or email exists but does not accept this
    /// password. Nothing was overwritten: ask the user for their Halext password and call
    /// [`LoginMigrator::link_with_halext_password`]. `halext_login` names the account.
    HalextPasswordRequired,
    /// The legacy login is valid but the account is not migrated (mapping `skipped`, or no
    /// mapping and the unplanned policy is `not_migrated`).
    NotMigrated,
}

impl LoginOutcome {
    /// Stable snake_case name (`"logged_in"`, `"migrated"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            LoginOutcome::LoggedIn => "logged_in",
            LoginOutcome::Migrated => "migrated",
            LoginOutcome::LinkedExisting => "linked_existing",
            LoginOutcome::LegacyOnly => "legacy_only",
            LoginOutcome::HalextPasswordRequired => "halext_password_required",
            LoginOutcome::NotMigrated => "not_migrated",
        }
    }
}

/// The result of a successful legacy login.
#[derive(Debug, Clone)]
pub struct LoginResult {
    /// What happened.
    pub outcome: LoginOutcome,
    /// The legacy account's id (the app's session key).
    pub legacy_user_id: u64,
    /// The Halext username (linked or planned), when there is one.
    pub halext_username: Option<String>,
    /// The Halext access token, when logged in to Halext.
    pub access_token: Option<Secret>,
    /// For [`LoginOutcome::HalextPasswordRequired`]: the username or email of the existing
    /// Halext account to ask the password for.
    pub halext_login: Option<String>,
}

/// Login-time migration over the mapping store, the configured legacy sites and Halext.
pub struct LoginMigrator {
    store: Arc<MappingStore>,
    halext: Arc<dyn HalextAccounts>,
    sites: Vec<Arc<dyn LegacySite>>,
    policy: LoginPolicy,
}

impl std::fmt::Debug for LoginMigrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sites: Vec<&str> = self.sites.iter().map(|s| &**s.name()).collect();
        f.debug_struct("LoginMigrator").field("sites", &sites).field("policy", &self.policy).finish()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Whether the legacy site blocks this account's logins now.
pub fn blocked(state: AccountState, now: i64) -> Option<BlockReason> {
    match state {
        AccountState::Active => None,
        AccountState::Banned { until: Some(t) } if t <= now => None,
        AccountState::Banned { .. } => Some(BlockReason::Banned),
        AccountState::Closed => Some(BlockReason::Closed),
        AccountState::Unverified => Some(BlockReason::Unverified),
        AccountState::Deleted => Some(BlockReason::Deleted),
        AccountState::Spam => Some(BlockReason::Spam),
    }
}

enum Target {
    /// Register with exactly this username (planned).
    Planned { username: String, email: String, full_name: Option<String> },
    /// Register with a derived username, suffixing while taken in the store.
    Unplanned { base: String, email: String, full_name: Option<String> },
}

impl LoginMigrator {
    /// A migrator with no site yet.
    pub fn new(store: Arc<MappingStore>, halext: Arc<dyn HalextAccounts>, policy: LoginPolicy) -> Self {
        LoginMigrator { store, halext, sites: Vec::new(), policy }
    }

    /// Adds a legacy site (by its [`LegacySite::name`]).
    pub fn with_site(mut self, site: Arc<dyn LegacySite>) -> Self {
        self.sites.push(site);
        self
    }

    /// The mapping store.
    pub fn store(&self) -> &Arc<MappingStore> {
        &self.store
    }

    fn site(&self, name: &str) -> Result<&Arc<dyn LegacySite>, MigrationError> {
        self.sites
            .iter()
            .find(|s| &**s.name() == name)
            .ok_or_else(|| MigrationError::InvalidArgument(format!("unknown site {name:?}")))
    }

    /// Logs a user in with their legacy credentials and migrates them to Halext if needed.
    ///
    /// `login_or_email` is what the app's login form takes (see
    /// [`LegacySite::find_for_login`]); `password` is the raw typed password.
    ///
    /// # Errors
    /// [`MigrationError::InvalidCredentials`] (unknown user, wrong or empty password,
    /// ambiguous login, unusable hash: one error for all);
    /// [`MigrationError::AccountBlocked`] (right password, blocked account);
    /// [`MigrationError::Conflict`] (mapping in conflict: an operator must decide);
    /// [`MigrationError::HalextUnavailable`] (policy `fail`);
    /// [`MigrationError::Config`] (Halext refused the access code);
    /// [`MigrationError::InvalidArgument`] (unknown site); [`MigrationError::Store`],
    /// [`MigrationError::Legacy`] for database failures.
    pub async fn login(
        &self,
        site: &str,
        login_or_email: &str,
        password: &Secret,
    ) -> Result<LoginResult, MigrationError> {
        let legacy = self.site(site)?;
        if password.is_empty() {
            return Err(MigrationError::InvalidCredentials);
        }
        let mut found = legacy.find_for_login(login_or_email).await?;
        if found.len() != 1 {
            if found.len() > 1 {
                tracing::warn!(site, candidates = found.len(), "ambiguous legacy login refused");
            }
            self.dummy_verify(legacy, password);
            return Err(MigrationError::InvalidCredentials);
        }
        let user = found.remove(0);
        match legacy.verify_password(&user, password.expose()) {
            Ok(true) => {}
            Ok(false) => return Err(MigrationError::InvalidCredentials),
            Err(e) => {
                tracing::warn!(site, legacy_id = user.id, code = %e.code(), "legacy hash cannot be verified; login refused");
                // A hash rejected by its shape costs nothing; spend a real verification's time
                // so the answer does not tell such accounts apart.
                self.dummy_verify(legacy, password);
                return Err(MigrationError::InvalidCredentials);
            }
        }
        if let Some(reason) = blocked(user.state, now()) {
            return Err(MigrationError::AccountBlocked { reason });
        }
        let lock = self.store.lock_account(site, user.id).await?;
        let result = self.migrate_locked(site, &user, password).await;
        if let Err(e) = lock.release().await {
            tracing::warn!(site, legacy_id = user.id, error = %e, "releasing the migration lock failed");
        }
        result
    }

    /// After [`LoginOutcome::HalextPasswordRequired`]: logs in to Halext with the existing
    /// account's login (`halext_login`, as returned) and the Halext password the user typed,
    /// and on success links the legacy account to it (method `login`).
    ///
    /// The caller must have authenticated the legacy account in this session (the
    /// `HalextPasswordRequired` result of [`LoginMigrator::login`]).
    ///
    /// # Errors
    /// [`MigrationError::InvalidCredentials`] when Halext refuses the password;
    /// [`MigrationError::HalextUnavailable`]; [`MigrationError::Conflict`] when the account
    /// was meanwhile linked elsewhere; [`MigrationError::Store`].
    pub async fn link_with_halext_password(
        &self,
        site: &str,
        legacy_id: u64,
        halext_login: &str,
        halext_password: &Secret,
    ) -> Result<LoginResult, MigrationError> {
        self.site(site)?;
        if halext_password.is_empty() {
            return Err(MigrationError::InvalidCredentials);
        }
        let session = match self.halext.login(halext_login, halext_password).await {
            Ok(s) => s,
            Err(HalextAuthError::InvalidCredentials) => return Err(MigrationError::InvalidCredentials),
            Err(e) => return Err(MigrationError::HalextUnavailable { detail: e.to_string() }),
        };
        let lock = self.store.lock_account(site, legacy_id).await?;
        let r = self
            .store
            .link(
                site,
                legacy_id,
                &session.username,
                None,
                LinkMethod::Login,
                None,
                "linked with the Halext password at login",
            )
            .await;
        let _ = lock.release().await;
        r?;
        Ok(LoginResult {
            outcome: LoginOutcome::LinkedExisting,
            legacy_user_id: legacy_id,
            halext_username: Some(session.username),
            access_token: Some(session.access_token),
            halext_login: None,
        })
    }

    /// Blocking form of [`LoginMigrator::login`] for the bindings (runs on
    /// [`crate::runtime::block_on`]; the store must be used only from that runtime).
    ///
    /// # Errors
    /// As [`LoginMigrator::login`].
    pub fn login_blocking(
        &self,
        site: &str,
        login_or_email: &str,
        password: &Secret,
    ) -> Result<LoginResult, MigrationError> {
        crate::runtime::block_on(self.login(site, login_or_email, password))
            .map_err(MigrationError::runtime)?
    }

    /// Blocking form of [`LoginMigrator::link_with_halext_password`].
    ///
    /// # Errors
    /// As [`LoginMigrator::link_with_halext_password`].
    pub fn link_with_halext_password_blocking(
        &self,
        site: &str,
        legacy_id: u64,
        halext_login: &str,
        halext_password: &Secret,
    ) -> Result<LoginResult, MigrationError> {
        crate::runtime::block_on(self.link_with_halext_password(
            site,
            legacy_id,
            halext_login,
            halext_password,
        ))
        .map_err(MigrationError::runtime)?
    }

    fn dummy_verify(&self, site: &Arc<dyn LegacySite>, password: &Secret) {
        let dummy = LegacyUser {
            site: Arc::clone(site.name()),
            id: 0,
            login: String::new(),
            display_name: None,
            email: None,
            email_verified: false,
            password_hash: Some(DUMMY_BCRYPT.to_owned()),
            state: AccountState::Active,
            is_admin: false,
            registered_at: None,
            last_seen_at: None,
        };
        let _ = site.verify_password(&dummy, password.expose());
    }

    fn result(
        &self,
        outcome: LoginOutcome,
        user: &LegacyUser,
        username: Option<String>,
        token: Option<Secret>,
    ) -> LoginResult {
        LoginResult {
            outcome,
            legacy_user_id: user.id,
            halext_username: username,
            access_token: token,
            halext_login: None,
        }
    }

    fn unavailable(
        &self,
        user: &LegacyUser,
        username: Option<String>,
        e: HalextAuthError,
    ) -> Result<LoginResult, MigrationError> {
        match self.policy.on_halext_unavailable {
            UnavailablePolicy::Fail => Err(MigrationError::HalextUnavailable { detail: e.to_string() }),
            UnavailablePolicy::LegacyOnly => {
                tracing::warn!(site = %user.site, legacy_id = user.id, error = %e, "Halext unavailable; legacy-only login");
                Ok(self.result(LoginOutcome::LegacyOnly, user, username, None))
            }
        }
    }

    async fn migrate_locked(
        &self,
        site: &str,
        user: &LegacyUser,
        password: &Secret,
    ) -> Result<LoginResult, MigrationError> {
        let mapping = self.store.resolve_fresh(site, user.id).await?;
        let target = match mapping.as_deref() {
            Some(Mapping { status: MappingStatus::Linked, halext_username, .. }) => {
                let username = halext_username.clone().ok_or_else(|| {
                    MigrationError::Internal(format!("{site}:{} is linked without a username", user.id))
                })?;
                return match self.halext.login(&username, password).await {
                    Ok(s) => {
                        Ok(self.result(LoginOutcome::LoggedIn, user, Some(s.username), Some(s.access_token)))
                    }
                    Err(HalextAuthError::InvalidCredentials) => Ok(LoginResult {
                        halext_login: Some(username.clone()),
                        ..self.result(LoginOutcome::HalextPasswordRequired, user, Some(username), None)
                    }),
                    Err(e) => self.unavailable(user, Some(username), e),
                };
            }
            Some(Mapping { status: MappingStatus::Conflict, reason, .. }) => {
                return Err(MigrationError::Conflict { detail: format!("{site}:{}: {reason}", user.id) });
            }
            Some(Mapping { status: MappingStatus::Skipped, .. }) => {
                return Ok(self.result(LoginOutcome::NotMigrated, user, None, None));
            }
            Some(m) => Target::Planned {
                username: {
                    let username = m.halext_username.clone().ok_or_else(|| {
                        MigrationError::Internal(format!("{site}:{} is planned without a username", user.id))
                    })?;
                    // The row may have been edited since the planner checked it (a manual link
                    // then an unlink keeps the operator's name): never register a name the
                    // planner would refuse (an email address as a username shadows that mailbox).
                    check_username(&username).map_err(|why| MigrationError::Conflict {
                        detail: format!(
                            "{site}:{}: the planned Halext username {why}; an operator must re-plan it",
                            user.id
                        ),
                    })?;
                    username
                },
                email: m.halext_email.clone().unwrap_or_else(|| placeholder_email(site, user.id)),
                full_name: m.full_name.clone(),
            },
            None => match self.policy.unplanned {
                UnplannedPolicy::NotMigrated => {
                    return Ok(self.result(LoginOutcome::NotMigrated, user, None, None));
                }
                UnplannedPolicy::Register => {
                    let trusted =
                        user.email_verified || self.policy.trusted_email_sites.iter().any(|s| s == site);
                    let email = user
                        .email
                        .as_deref()
                        .and_then(normalize_email)
                        .filter(|_| trusted)
                        .unwrap_or_else(|| placeholder_email(site, user.id));
                    Target::Unplanned {
                        base: derive_username(&user.login, site, user.id).0,
                        email,
                        full_name: user.display_name.clone(),
                    }
                }
            },
        };
        let (username, email, full_name) = match target {
            Target::Planned { username, email, full_name } => (username, email, full_name),
            Target::Unplanned { base, email, full_name } => {
                (self.free_username(site, user.id, &base).await?, email, full_name)
            }
        };
        self.register_and_link(site, user, password, username, email, full_name).await
    }

    /// The first of `base`, `base_2`, `base_3`, … whose case-insensitive key no other account
    /// holds in the mapping table.
    async fn free_username(&self, site: &str, legacy_id: u64, base: &str) -> Result<String, MigrationError> {
        let mut candidate = base.to_owned();
        for n in 2..=100u32 {
            let holders = self.store.find_by_username_key(&candidate).await?;
            if holders.iter().all(|m| &*m.site == site && m.legacy_id == legacy_id) {
                return Ok(candidate);
            }
            candidate = suffixed_username(base, n);
        }
        Err(MigrationError::Conflict {
            detail: format!("no free username near {:?} (key {:?})", base, username_key(base)),
        })
    }

    async fn register_and_link(
        &self,
        site: &str,
        user: &LegacyUser,
        password: &Secret,
        username: String,
        email: String,
        full_name: Option<String>,
    ) -> Result<LoginResult, MigrationError> {
        let account = NewAccount {
            username: username.clone(),
            email: email.clone(),
            password: password.clone(),
            full_name,
        };
        match self.halext.register(&account).await {
            Ok(reg) => {
                self.store
                    .link(
                        site,
                        user.id,
                        &reg.username,
                        Some(reg.id),
                        LinkMethod::Login,
                        Some(&email),
                        "registered on Halext at login",
                    )
                    .await?;
                match self.halext.login(&reg.username, password).await {
                    Ok(s) => {
                        Ok(self.result(LoginOutcome::Migrated, user, Some(s.username), Some(s.access_token)))
                    }
                    Err(HalextAuthError::InvalidCredentials) => Err(MigrationError::Internal(
                        "Halext refused the password of the account it just registered".into(),
                    )),
                    Err(e) => match self.policy.on_halext_unavailable {
                        UnavailablePolicy::Fail => {
                            Err(MigrationError::HalextUnavailable { detail: e.to_string() })
                        }
                        UnavailablePolicy::LegacyOnly => {
                            Ok(self.result(LoginOutcome::Migrated, user, Some(reg.username), None))
                        }
                    },
                }
            }
            Err(HalextAuthError::DuplicateUsername) => {
                self.try_existing(site, user, password, &username, &email).await
            }
            Err(HalextAuthError::DuplicateEmail) => {
                self.try_existing(site, user, password, &email, &email).await
            }
            Err(HalextAuthError::AccessCode) => {
                Err(MigrationError::Config("Halext refused the registration access code".into()))
            }
            Err(e) => self.unavailable(user, Some(username), e),
        }
    }

    /// The planned username or email is taken on Halext: if that account accepts this
    /// password it is this person's (another site's account of the same identity migrated
    /// first, or an earlier attempt registered it before failing): link it. Otherwise ask.
    async fn try_existing(
        &self,
        site: &str,
        user: &LegacyUser,
        password: &Secret,
        halext_login: &str,
        email: &str,
    ) -> Result<LoginResult, MigrationError> {
        match self.halext.login(halext_login, password).await {
            Ok(HalextSession { access_token, username }) => {
                self.store
                    .link(
                        site,
                        user.id,
                        &username,
                        None,
                        LinkMethod::Login,
                        Some(email),
                        "linked to an existing Halext account at login",
                    )
                    .await?;
                Ok(self.result(LoginOutcome::LinkedExisting, user, Some(username), Some(access_token)))
            }
            Err(HalextAuthError::InvalidCredentials) => Ok(LoginResult {
                halext_login: Some(halext_login.to_owned()),
                ..self.result(LoginOutcome::HalextPasswordRequired, user, None, None)
            }),
            Err(e) => self.unavailable(user, None, e),
        }
    }
}
