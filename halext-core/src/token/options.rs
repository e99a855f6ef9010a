//! [`ValidatorOptions`]: a validator described as data (a profile plus named options), the one
//! shape the PHP options array, the C JSON options and the CLI flags are turned into.
//!
//! The bindings only convert their types into this struct; the names, the types each option
//! accepts, which options a profile allows and the checks all live here, so PHP, C and the CLI
//! accept and reject exactly the same configurations with the same messages.
//!
//! | option | type | profiles | meaning |
//! | --- | --- | --- | --- |
//! | `profile` | `"halext"` (default), `"openwebui"`, `"jwt"` | — | the preset |
//! | `secret` | bytes | all | HMAC secret; never in JSON: given separately ([`ValidatorOptions::with_secret`]) |
//! | `public_key_pem` | string or list of strings | `jwt` | PEM public keys (RSA, P-256, P-384, Ed25519) |
//! | `jwks` | string (JSON text) or object | `jwt` | a JWKS document (RFC 7517 §5) |
//! | `jwks_url` | string | `jwt` | keys fetched from an https URL |
//! | `jwks_ttl` | integer seconds ≥ 1 | `jwt` + `jwks_url` | how long a fetched set is used (default 300) |
//! | `jwks_min_refresh_interval` | integer seconds ≥ 0 | `jwt` + `jwks_url` | minimum time between fetches (default 30) |
//! | `jwks_timeout_ms` | integer milliseconds ≥ 1 | `jwt` + `jwks_url` | timeout of one fetch (default 5000) |
//! | `allow_http_jwks` | bool | `jwt` + `jwks_url` | accept `http://` for loopback hosts (tests only) |
//! | `algorithms` | string or list (`"RS256"`, …) | `jwt` (required) | the algorithms a token may use |
//! | `issuer` | string or list | `jwt` | `iss` must be present and one of them |
//! | `audience` | string or list | `jwt` | `aud` must be present and contain one of them |
//! | `leeway` | integer seconds ≥ 0 | all | clock skew allowance (default 0) |
//! | `required_claims` | list of strings | all | claims that must be present (any type) |
//! | `max_token_bytes` | integer ≥ 1 | all | size cap (default 8192) |
//! | `allow_short_secret` | bool | all | accept an HMAC secret under 32 bytes |
//! | `allow_missing_exp` | bool | all | accept tokens without `exp` (they never expire) |
//!
//! Every error is [`TokenError::Config`] (code `config`) naming the option, never its value
//! (except the profile and algorithm names, which are not secret).

use std::time::Duration;

use serde_json::{Map, Value};

use super::claims::ClaimKind;
use super::error::TokenError;
use super::keys::Key;
use super::remote::JwksUrlOptions;
use super::validator::{Validator, ValidatorBuilder};
use crate::Secret;
use jsonwebtoken::Algorithm;

/// The preset a [`ValidatorOptions`] starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// Halext access tokens (`POST /token`): [`ValidatorBuilder::halext_access_token`]. Default.
    #[default]
    Halext,
    /// OpenWebUI SSO tokens: [`ValidatorBuilder::openwebui_sso_token`].
    OpenWebUi,
    /// Any JWT: algorithms and keys are given explicitly.
    Jwt,
}

impl Profile {
    /// Every profile, in documentation order.
    pub const ALL: [Profile; 3] = [Profile::Halext, Profile::OpenWebUi, Profile::Jwt];

    /// The name used in options, the CLI and messages: `"halext"`, `"openwebui"`, `"jwt"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Profile::Halext => "halext",
            Profile::OpenWebUi => "openwebui",
            Profile::Jwt => "jwt",
        }
    }

    /// The profile with this name (exact, lower case).
    ///
    /// # Errors
    /// [`TokenError::Config`] for any other name.
    pub fn from_name(name: &str) -> Result<Profile, TokenError> {
        Profile::ALL.into_iter().find(|p| p.as_str() == name).ok_or_else(|| {
            TokenError::config(format!(
                "option `profile` must be \"halext\", \"openwebui\" or \"jwt\", not {:?}",
                super::error::shorten(name)
            ))
        })
    }
}

/// A validator described as data. Build one field by field, from a JSON object
/// ([`ValidatorOptions::from_json`]), or with [`ValidatorOptions::profile`]; then
/// [`ValidatorOptions::build`] it. The module docs list every option.
///
/// `Debug` never shows the secret (it is a [`Secret`]); keys and documents appear as their length.
#[derive(Clone, Default)]
pub struct ValidatorOptions {
    /// The preset.
    pub profile: Profile,
    /// The HMAC secret (Halext's `SECRET_KEY`, OpenWebUI's `JWT_SECRET_KEY`, or any HS* key).
    pub secret: Option<Secret>,
    /// PEM public keys (`jwt` profile).
    pub public_key_pem: Vec<Vec<u8>>,
    /// A JWKS document, JSON text (`jwt` profile).
    pub jwks: Option<Vec<u8>>,
    /// A JWKS URL (`jwt` profile).
    pub jwks_url: Option<String>,
    /// Seconds a fetched JWKS is used; `None` = [`JwksUrlOptions`]' default (300).
    pub jwks_ttl_secs: Option<u64>,
    /// Minimum seconds between two JWKS fetches; `None` = default (30).
    pub jwks_min_refresh_interval_secs: Option<u64>,
    /// Timeout of one JWKS fetch in milliseconds; `None` = default (5000).
    pub jwks_timeout_ms: Option<u64>,
    /// Accept `http://` JWKS URLs on loopback hosts (tests only).
    pub allow_http_jwks: bool,
    /// Allowed algorithms (`jwt` profile; required there).
    pub algorithms: Vec<Algorithm>,
    /// Accepted issuers (`jwt` profile).
    pub issuers: Vec<String>,
    /// Accepted audiences (`jwt` profile).
    pub audiences: Vec<String>,
    /// Leeway in seconds; `None` = 0 (the default of all three profiles).
    pub leeway_secs: Option<u64>,
    /// Claims that must be present, with any JSON type.
    pub required_claims: Vec<String>,
    /// Size cap in bytes; `None` = [`super::DEFAULT_MAX_TOKEN_BYTES`].
    pub max_token_bytes: Option<usize>,
    /// Accept HMAC secrets under 32 bytes.
    pub allow_short_secret: bool,
    /// Accept tokens without `exp`.
    pub allow_missing_exp: bool,
}

/// The option names accepted by [`ValidatorOptions::from_json`] (besides `secret`, which is
/// given separately).
pub const OPTION_NAMES: &[&str] = &[
    "profile",
    "public_key_pem",
    "jwks",
    "jwks_url",
    "jwks_ttl",
    "jwks_min_refresh_interval",
    "jwks_timeout_ms",
    "allow_http_jwks",
    "algorithms",
    "issuer",
    "audience",
    "leeway",
    "required_claims",
    "max_token_bytes",
    "allow_short_secret",
    "allow_missing_exp",
];

impl std::fmt::Debug for ValidatorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lens = |v: &[Vec<u8>]| v.iter().map(|p| format!("<{} bytes>", p.len())).collect::<Vec<_>>();
        f.debug_struct("ValidatorOptions")
            .field("profile", &self.profile)
            .field("secret", &self.secret)
            .field("public_key_pem", &lens(&self.public_key_pem))
            .field("jwks", &self.jwks.as_ref().map(|d| format!("<{} bytes>", d.len())))
            .field("jwks_url", &self.jwks_url)
            .field("jwks_ttl_secs", &self.jwks_ttl_secs)
            .field("jwks_min_refresh_interval_secs", &self.jwks_min_refresh_interval_secs)
            .field("jwks_timeout_ms", &self.jwks_timeout_ms)
            .field("allow_http_jwks", &self.allow_http_jwks)
            .field("algorithms", &self.algorithms)
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .field("leeway_secs", &self.leeway_secs)
            .field("required_claims", &self.required_claims)
            .field("max_token_bytes", &self.max_token_bytes)
            .field("allow_short_secret", &self.allow_short_secret)
            .field("allow_missing_exp", &self.allow_missing_exp)
            .finish()
    }
}

fn bad(option: &str, expected: &str) -> TokenError {
    TokenError::config(format!("option `{option}` must be {expected}"))
}

fn string_of(option: &str, v: &Value) -> Result<String, TokenError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(bad(option, "a string")),
    }
}

/// A string or a list of strings (a single string is a one-element list).
fn strings_of(option: &str, v: &Value) -> Result<Vec<String>, TokenError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                _ => Err(bad(option, "a string or a list of strings")),
            })
            .collect(),
        _ => Err(bad(option, "a string or a list of strings")),
    }
}

fn bool_of(option: &str, v: &Value) -> Result<bool, TokenError> {
    v.as_bool().ok_or_else(|| bad(option, "true or false"))
}

fn uint_of(option: &str, v: &Value, min: u64) -> Result<u64, TokenError> {
    match v.as_u64() {
        Some(n) if n >= min => Ok(n),
        _ => Err(bad(option, &format!("an integer of at least {min}"))),
    }
}

fn algorithm_of(name: &str) -> Result<Algorithm, TokenError> {
    if name.eq_ignore_ascii_case("none") {
        return Err(TokenError::config("option `algorithms`: \"none\" is never allowed (RFC 8725 §3.1)"));
    }
    name.parse::<Algorithm>().map_err(|_| {
        TokenError::config(format!(
            "option `algorithms`: unknown algorithm {:?} (HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)",
            super::error::shorten(name)
        ))
    })
}

impl ValidatorOptions {
    /// Options for `profile` with everything else at its default.
    pub fn profile(profile: Profile) -> Self {
        ValidatorOptions { profile, ..Self::default() }
    }

    /// Reads options from a JSON object (C's `halext_validator_new`, tests). Keys are the option
    /// names in the module docs; `null` counts as absent. `secret` is refused here: give it with
    /// [`ValidatorOptions::with_secret`], so a secret never travels inside a JSON string.
    ///
    /// # Errors
    /// [`TokenError::Config`]: not an object, an unknown option (the message lists the valid
    /// ones), an option of the wrong type or out of range, `secret` present.
    pub fn from_json(value: &Value) -> Result<Self, TokenError> {
        match value {
            Value::Object(map) => Self::from_map(map),
            _ => Err(TokenError::config("the options must be a JSON object")),
        }
    }

    /// [`ValidatorOptions::from_json`] for an already extracted object.
    ///
    /// # Errors
    /// As [`ValidatorOptions::from_json`].
    pub fn from_map(map: &Map<String, Value>) -> Result<Self, TokenError> {
        let mut o = ValidatorOptions::default();
        for (name, v) in map {
            if v.is_null() {
                continue;
            }
            match name.as_str() {
                "profile" => o.profile = Profile::from_name(&string_of(name, v)?)?,
                "secret" => {
                    return Err(TokenError::config(
                        "option `secret` is not accepted inside JSON options: pass the secret separately",
                    ));
                }
                "public_key_pem" => {
                    o.public_key_pem = strings_of(name, v)?.into_iter().map(String::into_bytes).collect();
                }
                "jwks" => {
                    o.jwks = Some(match v {
                        Value::String(s) => s.clone().into_bytes(),
                        Value::Object(_) => serde_json::to_vec(v)
                            .map_err(|_| bad(name, "a JWKS document (JSON text or object)"))?,
                        _ => return Err(bad(name, "a JWKS document (JSON text or object)")),
                    });
                }
                "jwks_url" => o.jwks_url = Some(string_of(name, v)?),
                "jwks_ttl" => o.jwks_ttl_secs = Some(uint_of(name, v, 1)?),
                "jwks_min_refresh_interval" => o.jwks_min_refresh_interval_secs = Some(uint_of(name, v, 0)?),
                "jwks_timeout_ms" => o.jwks_timeout_ms = Some(uint_of(name, v, 1)?),
                "allow_http_jwks" => o.allow_http_jwks = bool_of(name, v)?,
                "algorithms" => {
                    o.algorithms =
                        strings_of(name, v)?.iter().map(|a| algorithm_of(a)).collect::<Result<_, _>>()?;
                }
                "issuer" => o.issuers = strings_of(name, v)?,
                "audience" => o.audiences = strings_of(name, v)?,
                "leeway" => o.leeway_secs = Some(uint_of(name, v, 0)?),
                "required_claims" => o.required_claims = strings_of(name, v)?,
                "max_token_bytes" => {
                    let n = uint_of(name, v, 1)?;
                    o.max_token_bytes = Some(usize::try_from(n).map_err(|_| bad(name, "a smaller integer"))?);
                }
                "allow_short_secret" => o.allow_short_secret = bool_of(name, v)?,
                "allow_missing_exp" => o.allow_missing_exp = bool_of(name, v)?,
                other => {
                    return Err(TokenError::config(format!(
                        "unknown option {:?} (known: secret, {})",
                        super::error::shorten(other),
                        OPTION_NAMES.join(", ")
                    )));
                }
            }
        }
        Ok(o)
    }

    /// Sets the secret.
    ///
    /// # Errors
    /// [`TokenError::Config`] when a secret is already set (it would be ambiguous which wins).
    pub fn with_secret(mut self, secret: Secret) -> Result<Self, TokenError> {
        if self.secret.is_some() {
            return Err(TokenError::config("the secret is given twice"));
        }
        self.secret = Some(secret);
        Ok(self)
    }

    /// The options a profile does not accept that are set, e.g. `["algorithms"]`.
    fn foreign_to_profile(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        if self.profile == Profile::Jwt {
            return set;
        }
        let checks: [(&'static str, bool); 10] = [
            ("public_key_pem", !self.public_key_pem.is_empty()),
            ("jwks", self.jwks.is_some()),
            ("jwks_url", self.jwks_url.is_some()),
            ("jwks_ttl", self.jwks_ttl_secs.is_some()),
            ("jwks_min_refresh_interval", self.jwks_min_refresh_interval_secs.is_some()),
            ("jwks_timeout_ms", self.jwks_timeout_ms.is_some()),
            ("allow_http_jwks", self.allow_http_jwks),
            ("algorithms", !self.algorithms.is_empty()),
            ("issuer", !self.issuers.is_empty()),
            ("audience", !self.audiences.is_empty()),
        ];
        for (name, is_set) in checks {
            if is_set {
                set.push(name);
            }
        }
        set
    }

    /// Builds the validator these options describe.
    ///
    /// `halext` and `openwebui` start from their presets (fixed HS256, claims of the real
    /// tokens) and accept only `secret`, `leeway`, `required_claims`, `max_token_bytes`,
    /// `allow_short_secret` and `allow_missing_exp`; `jwt` needs `algorithms` and at least one
    /// key source (`secret`, `public_key_pem`, `jwks`, or `jwks_url` alone).
    ///
    /// No I/O: a JWKS URL is fetched on first use (see [`Validator::validate`]).
    ///
    /// # Errors
    /// [`TokenError::Config`] for a contradictory or incomplete configuration (an option the
    /// profile does not accept, no secret for `halext`/`openwebui`, no algorithms or no key for
    /// `jwt`, JWKS timing options without `jwks_url`); [`TokenError::InvalidKey`] for unusable key
    /// material (short or empty secret, bad PEM, bad JWKS document).
    pub fn build(&self) -> Result<Validator, TokenError> {
        self.builder()?.build()
    }

    /// The [`ValidatorBuilder`] these options describe, to adjust (e.g. a test clock) before
    /// `build()`.
    ///
    /// # Errors
    /// As [`ValidatorOptions::build`], for the checks that do not need the keys.
    pub fn builder(&self) -> Result<ValidatorBuilder, TokenError> {
        let foreign = self.foreign_to_profile();
        if !foreign.is_empty() {
            return Err(TokenError::config(format!(
                "option(s) {} cannot be used with the {} profile (it fixes HS256 and the claims of the \
                 real tokens); use profile \"jwt\" for other tokens",
                foreign.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                self.profile.as_str()
            )));
        }
        let mut b = match self.profile {
            Profile::Halext | Profile::OpenWebUi => {
                let secret = self.secret.clone().ok_or_else(|| {
                    TokenError::config(format!(
                        "the {} profile needs a secret (the key the server signs these tokens with)",
                        self.profile.as_str()
                    ))
                })?;
                if self.profile == Profile::Halext {
                    ValidatorBuilder::halext_access_token(secret)
                } else {
                    ValidatorBuilder::openwebui_sso_token(secret)
                }
            }
            Profile::Jwt => self.jwt_builder()?,
        };
        if let Some(l) = self.leeway_secs {
            b = b.leeway_secs(l);
        }
        for c in &self.required_claims {
            b = b.require_claim(c.clone(), ClaimKind::Any);
        }
        if let Some(m) = self.max_token_bytes {
            b = b.max_token_bytes(m);
        }
        Ok(b.allow_short_secret(self.allow_short_secret).allow_missing_exp(self.allow_missing_exp))
    }

    fn jwt_builder(&self) -> Result<ValidatorBuilder, TokenError> {
        if self.algorithms.is_empty() {
            return Err(TokenError::config(
                "the jwt profile needs option `algorithms` (the verifier chooses the algorithm, RFC 8725 §3.1)",
            ));
        }
        let mut b = ValidatorBuilder::new().algorithms(&self.algorithms);
        if let Some(secret) = &self.secret {
            b = b.key(Key::hmac_secret(secret.clone()));
        }
        for pem in &self.public_key_pem {
            b = b.key(Key::from_pem(pem)?);
        }
        if let Some(doc) = &self.jwks {
            b = b.jwks_document(doc.clone());
        }
        let timing_set = self.jwks_ttl_secs.is_some()
            || self.jwks_min_refresh_interval_secs.is_some()
            || self.jwks_timeout_ms.is_some()
            || self.allow_http_jwks;
        match &self.jwks_url {
            Some(url) => {
                let mut o =
                    JwksUrlOptions { allow_http_loopback: self.allow_http_jwks, ..Default::default() };
                if let Some(s) = self.jwks_ttl_secs {
                    o.ttl = Duration::from_secs(s);
                }
                if let Some(s) = self.jwks_min_refresh_interval_secs {
                    o.min_refresh_interval = Duration::from_secs(s);
                }
                if let Some(ms) = self.jwks_timeout_ms {
                    o.timeout = Duration::from_millis(ms);
                }
                b = b.jwks_url(url.clone(), o);
            }
            None if timing_set => {
                return Err(TokenError::config(
                    "options `jwks_ttl`, `jwks_min_refresh_interval`, `jwks_timeout_ms` and `allow_http_jwks` need `jwks_url`",
                ));
            }
            None => {}
        }
        for i in &self.issuers {
            b = b.issuer(i.clone());
        }
        for a in &self.audiences {
            b = b.audience(a.clone());
        }
        Ok(b)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Code, HalextError};
    use serde_json::json;

    const SECRET: &str = "0123456789abcdef0123456789abcdef-secret";

    fn config_error(v: Value) -> String {
        match ValidatorOptions::from_json(&v) {
            Err(e) => {
                assert_eq!(e.code(), Code::Config, "{e}");
                e.to_string()
            }
            Ok(o) => match o.with_secret(Secret::from(SECRET)).and_then(|o| o.build()) {
                Err(e) => {
                    assert_eq!(e.code(), Code::Config, "{e}");
                    e.to_string()
                }
                Ok(v) => panic!("expected an error, built {v:?}"),
            },
        }
    }

    #[test]
    fn the_default_profile_is_halext_and_needs_a_secret() {
        let o = ValidatorOptions::from_json(&json!({})).unwrap();
        assert_eq!(o.profile, Profile::Halext);
        let e = o.build().unwrap_err();
        assert!(e.to_string().contains("needs a secret"), "{e}");
        let v = ValidatorOptions::from_json(&json!({"leeway": 5, "profile": null}))
            .unwrap()
            .with_secret(Secret::from(SECRET))
            .unwrap()
            .build()
            .unwrap();
        let token =
            crate::token::halext_format::sign_access_token(&Secret::from(SECRET), "alice", 4_000_000_000);
        assert_eq!(v.validate(&token).unwrap().sub(), Some("alice"));
    }

    #[test]
    fn unknown_options_wrong_types_and_inline_secrets_are_config_errors() {
        assert!(config_error(json!({"leway": 1})).contains("unknown option \"leway\""));
        assert!(config_error(json!({"leeway": -1})).contains("`leeway` must be an integer"));
        assert!(config_error(json!({"leeway": "5"})).contains("`leeway`"));
        assert!(config_error(json!({"profile": "HALEXT"})).contains("`profile`"));
        assert!(config_error(json!({"secret": "x"})).contains("pass the secret separately"));
        assert!(config_error(json!({"allow_short_secret": 1})).contains("true or false"));
        assert!(config_error(json!({"max_token_bytes": 0})).contains("at least 1"));
        assert!(config_error(json!({"profile": "jwt", "algorithms": ["none"]})).contains("never allowed"));
        assert!(config_error(json!({"profile": "jwt", "algorithms": "HS257"})).contains("unknown algorithm"));
        assert!(config_error(json!([1])).contains("JSON object"));
    }

    #[test]
    fn presets_refuse_options_that_would_change_their_algorithm_or_keys() {
        let e = config_error(json!({"algorithms": ["RS256"], "audience": "x"}));
        assert!(e.contains("`algorithms`, `audience`") && e.contains("halext profile"), "{e}");
        let e = config_error(json!({"profile": "openwebui", "jwks_url": "https://x"}));
        assert!(e.contains("`jwks_url`") && e.contains("openwebui"), "{e}");
    }

    #[test]
    fn jwt_needs_algorithms_and_keys_and_url_timing_needs_a_url() {
        assert!(config_error(json!({"profile": "jwt"})).contains("`algorithms`"));
        let no_keys =
            ValidatorOptions::from_json(&json!({"profile": "jwt", "algorithms": ["RS256"]})).unwrap();
        assert_eq!(no_keys.build().unwrap_err().code(), Code::Config);
        assert!(
            config_error(json!({"profile": "jwt", "algorithms": ["HS256"], "jwks_ttl": 5}))
                .contains("need `jwks_url`")
        );
        let v = ValidatorOptions::from_json(&json!({
            "profile": "jwt", "algorithms": "HS256", "issuer": "me", "audience": ["a", "b"], "leeway": 3
        }))
        .unwrap()
        .with_secret(Secret::from(SECRET))
        .unwrap()
        .build()
        .unwrap();
        let header = r#"{"alg":"HS256"}"#;
        let token = {
            use base64::Engine;
            let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
            let input = format!("{}.{}", e(header), e(r#"{"iss":"me","aud":"b","exp":4000000000}"#));
            let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET.as_bytes());
            let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
            format!("{input}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref()))
        };
        assert_eq!(v.validate(&token).unwrap().aud(), ["b".to_string()]);
    }

    #[test]
    fn a_secret_given_twice_is_refused() {
        let o = ValidatorOptions::profile(Profile::Halext).with_secret(Secret::from(SECRET)).unwrap();
        assert_eq!(o.with_secret(Secret::from(SECRET)).unwrap_err().code(), Code::Config);
    }

    #[test]
    fn fingerprints_follow_meaning_not_spelling() {
        let fp = |v: Value, secret: &str| {
            ValidatorOptions::from_json(&v).unwrap().with_secret(Secret::from(secret)).unwrap().fingerprint()
        };
        let base =
            fp(json!({"profile": "jwt", "algorithms": ["RS256", "HS256"], "issuer": ["b", "a"]}), SECRET);
        assert_eq!(
            base,
            fp(
                json!({"algorithms": ["HS256", "RS256", "HS256"], "issuer": ["a", "b"], "profile": "jwt"}),
                SECRET
            )
        );
        assert_ne!(
            base,
            fp(json!({"profile": "jwt", "algorithms": ["RS256", "HS256"], "issuer": ["a"]}), SECRET)
        );
        assert_ne!(
            base,
            fp(json!({"profile": "jwt", "algorithms": ["RS256", "HS256"], "issuer": ["b", "a"]}), "x")
        );
        assert_eq!(
            fp(json!({}), SECRET),
            fp(json!({"leeway": 0, "max_token_bytes": 8192}), SECRET),
            "defaults"
        );
        assert_ne!(fp(json!({}), SECRET), fp(json!({"leeway": 1}), SECRET));
        assert_ne!(fp(json!({}), SECRET), fp(json!({"profile": "openwebui"}), SECRET));
        assert_ne!(fp(json!({}), SECRET), fp(json!({"allow_missing_exp": true}), SECRET));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let o = ValidatorOptions::profile(Profile::Halext).with_secret(Secret::from(SECRET)).unwrap();
        assert!(!format!("{o:?}").contains("secret-"), "{o:?}");
    }
}
