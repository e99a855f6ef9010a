//! What login-time migration and gated registration need from Halext, as a trait.
//!
//! [`HalextAccounts`] is implemented over the real API client (`POST /token`, `POST /users/`,
//! Halext API reference §1.1 and §2.2) by the binding layer; tests use an in-memory fake.

use crate::Secret;
use crate::legacy::BoxFuture;

/// A Halext login: the access token and the username it was issued to (its `sub` claim).
#[derive(Debug, Clone)]
pub struct HalextSession {
    /// The bearer token (HS256 JWT, 30 minutes; Halext API §1.2).
    pub access_token: Secret,
    /// The username the token names (Halext's `sub`), even when the login used the email.
    pub username: String,
}

/// An account to register on Halext (`POST /users/`, Halext API §2.2). The implementor adds
/// the access code header and `?create_demo_data=false`, and never sends `is_admin`.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The username (byte-exact, unique on Halext).
    pub username: String,
    /// The email (unique on Halext; normalised or a `.invalid` placeholder).
    pub email: String,
    /// The password (Halext hashes it with pbkdf2-sha256; §1.6).
    pub password: Secret,
    /// The full name, if any.
    pub full_name: Option<String>,
}

/// A registered Halext account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredAccount {
    /// Halext's user id.
    pub id: u64,
    /// The username as Halext stored it.
    pub username: String,
}

/// How a Halext call failed, in the terms migration acts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HalextAuthError {
    /// `/token` answered 401 "Incorrect username or password".
    #[error("Halext rejected the credentials")]
    InvalidCredentials,
    /// `POST /users/` answered 400 "Username already registered".
    #[error("the username is already registered on Halext")]
    DuplicateUsername,
    /// `POST /users/` answered 400 "Email already registered" (Halext checks email first).
    #[error("the email is already registered on Halext")]
    DuplicateEmail,
    /// `POST /users/` answered 401 "Access code required": a configuration problem.
    #[error("Halext refused the access code")]
    AccessCode,
    /// Timeout, connection failure or HTTP 5xx (including the plain-text 500s).
    #[error("Halext is unavailable: {0}")]
    Unavailable(String),
    /// Anything else (422, an unexpected status, an undecodable body).
    #[error("unexpected Halext answer: {0}")]
    Other(String),
}

/// The Halext operations migration needs. Object-safe (`Arc<dyn HalextAccounts>`).
pub trait HalextAccounts: Send + Sync {
    /// `POST /token` with a username or an email and a password (Halext tries the username
    /// first, then the email; both byte-exact).
    ///
    /// # Errors
    /// [`HalextAuthError::InvalidCredentials`] on 401; [`HalextAuthError::Unavailable`] on a
    /// timeout, connection error or 5xx; [`HalextAuthError::Other`] otherwise.
    fn login<'a>(
        &'a self,
        username_or_email: &'a str,
        password: &'a Secret,
    ) -> BoxFuture<'a, Result<HalextSession, HalextAuthError>>;

    /// `POST /users/?create_demo_data=false` with the access code; never `is_admin`.
    ///
    /// # Errors
    /// [`HalextAuthError::DuplicateEmail`] / [`HalextAuthError::DuplicateUsername`] on the
    /// two 400s; [`HalextAuthError::AccessCode`] on 401; [`HalextAuthError::Unavailable`] on
    /// a timeout, connection error or 5xx; [`HalextAuthError::Other`] otherwise.
    fn register<'a>(
        &'a self,
        account: &'a NewAccount,
    ) -> BoxFuture<'a, Result<RegisteredAccount, HalextAuthError>>;
}
