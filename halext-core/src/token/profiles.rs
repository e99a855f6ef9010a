//! One-line validators for the two token types Halext issues.

use jsonwebtoken::Algorithm;

use super::claims::ClaimKind;
use super::error::TokenError;
use super::halext_format::OPENWEBUI_SSO_ISSUER;
use super::keys::Key;
use super::validator::{Validator, ValidatorBuilder};
use crate::Secret;

impl ValidatorBuilder {
    /// A builder preset for **Halext access tokens** (halext-api.md §1.2–1.3), to adjust before
    /// `build()`:
    /// HS256 only, keyed with the server's `SECRET_KEY` bytes; `sub` required and a string (the
    /// username; whether that user exists is for the API to say); `exp` required (the server
    /// accepts tokens without `exp` forever: opt in with `allow_missing_exp(true)` only if you
    /// must); leeway 0 (the server uses none); any `aud` rejected (the server configures no
    /// audience); a future `nbf` rejected; `iat`, if present, must be a number. Other claims are
    /// ignored, as on the server.
    pub fn halext_access_token(secret: Secret) -> ValidatorBuilder {
        ValidatorBuilder::new()
            .algorithms(&[Algorithm::HS256])
            .key(Key::hmac_secret(secret))
            .require_claim("sub", ClaimKind::String)
            .leeway_secs(0)
    }

    /// A builder preset for **OpenWebUI SSO tokens** (halext-api.md §6): HS256 keyed with
    /// `JWT_SECRET_KEY` (not `SECRET_KEY`); `iss` must be `halext-org`; `user_id` (integer),
    /// `username` and `email` (strings), `iat` and `exp` required; leeway 0; any `aud` rejected.
    pub fn openwebui_sso_token(secret: Secret) -> ValidatorBuilder {
        ValidatorBuilder::new()
            .algorithms(&[Algorithm::HS256])
            .key(Key::hmac_secret(secret))
            .issuer(OPENWEBUI_SSO_ISSUER)
            .require_claim("user_id", ClaimKind::Integer)
            .require_claim("username", ClaimKind::String)
            .require_claim("email", ClaimKind::String)
            .require_claim("iat", ClaimKind::Integer)
            .leeway_secs(0)
    }
}

impl Validator {
    /// A validator for Halext access tokens with the secure defaults of
    /// [`ValidatorBuilder::halext_access_token`].
    ///
    /// # Errors
    /// [`TokenError::InvalidKey`] if the secret is empty or under 32 bytes (use the builder with
    /// `allow_short_secret(true)` for a legacy short secret).
    pub fn halext_access_token(secret: Secret) -> Result<Validator, TokenError> {
        ValidatorBuilder::halext_access_token(secret).build()
    }

    /// A validator for OpenWebUI SSO tokens with the defaults of
    /// [`ValidatorBuilder::openwebui_sso_token`].
    ///
    /// # Errors
    /// [`TokenError::InvalidKey`] as for [`Validator::halext_access_token`].
    pub fn openwebui_sso_token(secret: Secret) -> Result<Validator, TokenError> {
        ValidatorBuilder::openwebui_sso_token(secret).build()
    }
}
