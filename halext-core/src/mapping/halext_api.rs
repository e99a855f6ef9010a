//! [`HalextAccounts`] over the real API client: `POST /token` and `POST /users/`
//! (Halext API reference §1.1 and §2.2).
//!
//! The only logic here is the translation of [`ApiError`] into the terms migration acts on
//! ([`HalextAuthError`]); both requests, their quirks (form-encoded login, access code header,
//! `create_demo_data=false`, no `is_admin` ever) live in [`crate::api`].

use crate::Secret;
use crate::api::{ApiError, HalextClient, NewUser, RegisterOptions};
use crate::error::{Code, HalextError};
use crate::legacy::BoxFuture;
use crate::mapping::halext::{HalextAccounts, HalextAuthError, HalextSession, NewAccount, RegisteredAccount};

/// Halext's 400 detail for a duplicate email (`crud.py`; checked before the username).
const EMAIL_TAKEN: &str = "Email already registered";
/// Halext's 400 detail for a duplicate username.
const USERNAME_TAKEN: &str = "Username already registered";

impl HalextAccounts for HalextClient {
    fn login<'a>(
        &'a self,
        username_or_email: &'a str,
        password: &'a Secret,
    ) -> BoxFuture<'a, Result<HalextSession, HalextAuthError>> {
        Box::pin(async move {
            let token =
                HalextClient::login(self, username_or_email, password).await.map_err(|e| match e {
                    ApiError::Unauthorized { .. } => HalextAuthError::InvalidCredentials,
                    other => transport_or_other(other),
                })?;
            // Halext's `sub` is the username even when the login used the email (§1.2).
            let username = token
                .subject()
                .map(str::to_owned)
                .ok_or_else(|| HalextAuthError::Other("the access token has no `sub` claim".into()))?;
            Ok(HalextSession { access_token: Secret::from(token.expose()), username })
        })
    }

    fn register<'a>(
        &'a self,
        account: &'a NewAccount,
    ) -> BoxFuture<'a, Result<RegisteredAccount, HalextAuthError>> {
        Box::pin(async move {
            let mut user = NewUser::new(&account.username, &account.email, account.password.clone());
            if let Some(name) = &account.full_name {
                user = user.with_full_name(name);
            }
            let created = HalextClient::register(self, &user, RegisterOptions::default()).await.map_err(
                |e| match e {
                    ApiError::Conflict { ref detail, .. } if detail == EMAIL_TAKEN => {
                        HalextAuthError::DuplicateEmail
                    }
                    ApiError::Conflict { ref detail, .. } if detail == USERNAME_TAKEN => {
                        HalextAuthError::DuplicateUsername
                    }
                    ApiError::Unauthorized { .. } => HalextAuthError::AccessCode,
                    other => transport_or_other(other),
                },
            )?;
            let id = u64::try_from(created.id)
                .map_err(|_| HalextAuthError::Other(format!("Halext returned user id {}", created.id)))?;
            Ok(RegisteredAccount { id, username: created.username })
        })
    }
}

/// Timeouts, connection failures, broken transfers, 429 and 5xx mean "Halext is unavailable"
/// (the login policy decides what that means for the user); anything else is unexpected.
fn transport_or_other(e: ApiError) -> HalextAuthError {
    match e.code() {
        Code::ApiTimeout | Code::ApiConnect | Code::ApiTransport | Code::ApiRateLimited => {
            HalextAuthError::Unavailable(e.to_string())
        }
        Code::ApiServer if e.status().is_some_and(|s| s >= 500) => {
            HalextAuthError::Unavailable(e.to_string())
        }
        _ => HalextAuthError::Other(e.to_string()),
    }
}
