//! Gated registration: new accounts are created on Halext first, then in the app.
//!
//! 1. The app's registration form calls [`Registrar::register`] with the username, email and
//!    password the user typed. The username must satisfy the Halext username rule
//!    ([`check_username`]) and must not be reserved in the mapping table for a legacy account
//!    (same name case-insensitively); the email is normalised ([`normalize_email`]).
//!    Halext's duplicate answers become [`MigrationError::DuplicateUsername`] and
//!    [`MigrationError::DuplicateEmail`].
//! 2. The app creates its own users row.
//! 3. The app calls [`Registrar::link`] with its new local id (method `registration`).
//!
//! If step 2 fails the Halext account exists without a link; the user's next legacy login
//! cannot find it by a mapping, so the app should retry step 2 (Halext has no admin API to
//! delete the account).

use super::error::MigrationError;
use super::halext::{HalextAccounts, HalextAuthError, NewAccount, RegisteredAccount};
use super::model::{LinkMethod, Mapping};
use super::normalize::{check_username, normalize_email};
use super::store::MappingStore;
use std::sync::Arc;

/// Gated registration over the mapping store and Halext.
pub struct Registrar {
    store: Arc<MappingStore>,
    halext: Arc<dyn HalextAccounts>,
}

impl std::fmt::Debug for Registrar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registrar").finish_non_exhaustive()
    }
}

impl Registrar {
    /// A registrar.
    pub fn new(store: Arc<MappingStore>, halext: Arc<dyn HalextAccounts>) -> Self {
        Registrar { store, halext }
    }

    /// Registers a new account on Halext (step 1 above). The email sent is the normalised
    /// one; `is_admin` is never sent.
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] for an unsafe username, an unusable email or an
    /// empty password; [`MigrationError::DuplicateUsername`] when Halext has the username or
    /// the mapping table reserves it (case-insensitively) for a legacy account;
    /// [`MigrationError::DuplicateEmail`]; [`MigrationError::Config`] when Halext refuses the
    /// access code; [`MigrationError::HalextUnavailable`]; [`MigrationError::Store`].
    pub async fn register(&self, account: &NewAccount) -> Result<RegisteredAccount, MigrationError> {
        check_username(&account.username)
            .map_err(|why| MigrationError::InvalidArgument(format!("username {why}")))?;
        let email = normalize_email(&account.email)
            .ok_or_else(|| MigrationError::InvalidArgument("the email address is not usable".into()))?;
        if account.password.is_empty() {
            return Err(MigrationError::InvalidArgument("the password is empty".into()));
        }
        let reserved: Vec<Mapping> = self.store.find_by_username_key(&account.username).await?;
        if !reserved.is_empty() {
            return Err(MigrationError::DuplicateUsername { username: account.username.clone() });
        }
        let to_send = NewAccount { email, ..account.clone() };
        match self.halext.register(&to_send).await {
            Ok(r) => Ok(r),
            Err(HalextAuthError::DuplicateUsername) => {
                Err(MigrationError::DuplicateUsername { username: account.username.clone() })
            }
            Err(HalextAuthError::DuplicateEmail) => Err(MigrationError::DuplicateEmail),
            Err(HalextAuthError::AccessCode) => {
                Err(MigrationError::Config("Halext refused the registration access code".into()))
            }
            Err(e) => Err(MigrationError::HalextUnavailable { detail: e.to_string() }),
        }
    }

    /// Links the app's new local account to the Halext account (step 3 above).
    ///
    /// # Errors
    /// As [`MappingStore::link`] (a local id already linked to another Halext account is a
    /// [`MigrationError::Conflict`]).
    pub async fn link(
        &self,
        site: &str,
        local_id: u64,
        halext_username: &str,
        halext_user_id: Option<u64>,
    ) -> Result<Mapping, MigrationError> {
        self.store
            .link(
                site,
                local_id,
                halext_username,
                halext_user_id,
                LinkMethod::Registration,
                None,
                "gated registration",
            )
            .await
    }

    /// Blocking form of [`Registrar::register`] (on [`crate::runtime::block_on`]).
    ///
    /// # Errors
    /// As [`Registrar::register`].
    pub fn register_blocking(&self, account: &NewAccount) -> Result<RegisteredAccount, MigrationError> {
        crate::runtime::block_on(self.register(account)).map_err(MigrationError::runtime)?
    }

    /// Blocking form of [`Registrar::link`].
    ///
    /// # Errors
    /// As [`Registrar::link`].
    pub fn link_blocking(
        &self,
        site: &str,
        local_id: u64,
        halext_username: &str,
        halext_user_id: Option<u64>,
    ) -> Result<Mapping, MigrationError> {
        crate::runtime::block_on(self.link(site, local_id, halext_username, halext_user_id))
            .map_err(MigrationError::runtime)?
    }
}
