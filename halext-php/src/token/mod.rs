//! Token validation for PHP: `Halext\TokenValidator` and `halext_validate_token()`.
//!
//! A thin binding over `halext_core::token`: the options array becomes a
//! [`ValidatorOptions`] (names, types and rules are the core's), claims come back through
//! `claims::to_array`, errors through [`crate::boundary`].
//!
//! PHP objects die at the end of each request, but a validator's caches (verified tokens, JWKS)
//! only help when the validator lives on. So validators live in per-process registries:
//!
//! * `registry()`: `new Halext\TokenValidator($options)` and its static constructors look the
//!   options up by fingerprint ([`ValidatorOptions::fingerprint`]: SHA-256 of the normalised
//!   options, the secret only as its own SHA-256) in a bounded [`ValidatorRegistry`], so the same
//!   options on the next request give the same core validator;
//! * `configured::validator()`: `halext_validate_token()` keeps the one validator built from the
//!   INI/env secret and compares the configured secret with it on each call (cheaply), rebuilding
//!   when it changes.
//!
//! Validators are fork-safe (nothing per-process is created before first use), so the registries
//! may be filled in the FPM master or in a worker alike.

pub(crate) mod claims;
mod configured;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::convert::{FromZval, StubLiteral};
use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use halext_core::token::{Profile, Validator, ValidatorOptions, ValidatorRegistry};
use halext_core::{AnyError, Code, Secret};
use serde_json::Map;

use crate::{boundary, config, convert};

/// Registers the class and the function of this file.
pub(crate) fn register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    module.class::<TokenValidator>().function(wrap_function!(halext_validate_token))
}

/// Validators built from options in this process (at most 32 distinct configurations; the
/// least recently used one is dropped beyond that).
pub(crate) fn registry() -> &'static ValidatorRegistry {
    static REGISTRY: ValidatorRegistry =
        ValidatorRegistry::new(halext_core::token::DEFAULT_REGISTRY_CAPACITY);
    &REGISTRY
}

/// A PHP `string` argument taken as raw bytes: a token or a secret need not be UTF-8 for halext
/// to reject or use it properly (a `&str` parameter would turn bad bytes into a `TypeError`).
pub struct Bytes<'a>(pub &'a [u8]);

impl<'a> FromZval<'a> for Bytes<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.zend_str().map(|s| Bytes(s.as_bytes()))
    }
}

/// The `array $options = []` parameter of the constructor: an array, `[]` when omitted
/// (`Option<&ZendHashTable>` would declare `?array $options = null`).
pub struct OptionsArg<'a>(Option<&'a ZendHashTable>);

impl<'a> OptionsArg<'a> {
    /// The default: no options.
    pub const EMPTY: OptionsArg<'static> = OptionsArg(None);

    /// The array, `None` when the argument was omitted.
    pub fn table(&self) -> Option<&'a ZendHashTable> {
        self.0
    }
}

impl<'a> FromZval<'a> for OptionsArg<'a> {
    const TYPE: DataType = DataType::Array;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.array().map(|a| OptionsArg(Some(a)))
    }
}

impl StubLiteral for OptionsArg<'_> {
    fn stub_literal(&self) -> String {
        "[]".to_owned()
    }
}

/// `halext_validate_token(#[\SensitiveParameter] string $jwt): array`: validates a Halext access
/// token with the Halext profile (HS256, `sub` + `exp`) keyed by INI `halext.jwt_secret[_file]`
/// or env `HALEXT_JWT_SECRET[_FILE]`, and returns its claims (`['sub' => 'alice', 'exp' => …]`).
///
/// Throws `Halext\TokenException` for a rejected token, `Halext\Exception` (`CONFIG`) when no
/// secret is configured or it is unusable (e.g. under 32 bytes).
#[php_function]
pub fn halext_validate_token(jwt: Bytes<'_>) -> PhpResult<ZBox<ZendHashTable>> {
    boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
        let validator = configured::validator()?;
        let claims = validator.validate(jwt.0)?;
        claims::to_array(&claims)
    })
}

/// `Halext\TokenValidator`: validates tokens with one configuration. See `docs/php-api.md`
/// (Tokens) and `halext.stub.php` for the options.
#[php_class]
#[php(name = "Halext\\TokenValidator")]
#[php(flags = ext_php_rs::flags::ClassFlags::Final)]
pub struct TokenValidator {
    validator: Validator,
}

#[php_impl]
impl TokenValidator {
    /// `new Halext\TokenValidator(#[\SensitiveParameter] array $options = [])`.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn __construct(options: OptionsArg<'_>) -> PhpResult<Self> {
        boundary::run(|| -> Result<Self, AnyError> {
            let options = match options.0 {
                Some(table) => from_array(table)?,
                None => ValidatorOptions::default(),
            };
            shared(options)
        })
    }

    /// `Halext\TokenValidator::halext(#[\SensitiveParameter] ?string $secret = null)`: the
    /// Halext access-token profile; `null` takes the secret from INI/env like
    /// `halext_validate_token()`.
    pub fn halext(secret: Option<Bytes<'_>>) -> PhpResult<Self> {
        boundary::run(|| -> Result<Self, AnyError> {
            let mut options = ValidatorOptions::profile(Profile::Halext);
            options.secret = secret.map(|s| Secret::new(s.0));
            shared(options)
        })
    }

    /// `Halext\TokenValidator::openWebUi(#[\SensitiveParameter] ?string $secret = null)`: the
    /// OpenWebUI SSO-token profile; `null` takes the secret from INI `halext.openwebui_secret`
    /// / env `HALEXT_OPENWEBUI_SECRET` (or their `_file` forms).
    #[php(name = "openWebUi")]
    pub fn open_web_ui(secret: Option<Bytes<'_>>) -> PhpResult<Self> {
        boundary::run(|| -> Result<Self, AnyError> {
            let mut options = ValidatorOptions::profile(Profile::OpenWebUi);
            options.secret = secret.map(|s| Secret::new(s.0));
            shared(options)
        })
    }

    /// `validate(#[\SensitiveParameter] string $jwt): array`: the token's claims, or a
    /// `Halext\TokenException`.
    pub fn validate(&self, jwt: Bytes<'_>) -> PhpResult<ZBox<ZendHashTable>> {
        boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
            let claims = self.validator.validate(jwt.0)?;
            claims::to_array(&claims)
        })
    }
}

/// The options array → [`ValidatorOptions`]. `secret` is taken as bytes straight into a
/// [`Secret`] (it never passes through a JSON string); every other value is converted with
/// [`convert::to_json`] and interpreted by the core.
fn from_array(table: &ZendHashTable) -> Result<ValidatorOptions, AnyError> {
    let mut secret = None;
    let mut map = Map::new();
    let mut iter = table.iter();
    while let Some((key, value)) = iter.next_zval() {
        let name = match (key.long(), key.zend_str()) {
            (Some(i), _) => i.to_string(),
            (None, Some(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            (None, None) => continue,
        };
        let value = value.dereference();
        if name == "secret" {
            if value.is_null() {
                continue;
            }
            let bytes = value.zend_str().ok_or_else(|| {
                AnyError::new(
                    Code::Config,
                    "invalid token validator configuration: option `secret` must be a string",
                )
            })?;
            secret = Some(Secret::new(bytes.as_bytes()));
            continue;
        }
        map.insert(name, convert::to_json(value)?);
    }
    let options = ValidatorOptions::from_map(&map)?;
    Ok(match secret {
        Some(s) => options.with_secret(s)?,
        None => options,
    })
}

/// Fills in the secret of a preset from INI/env when the options have none, then returns the
/// process's shared validator for these options.
fn shared(mut options: ValidatorOptions) -> Result<TokenValidator, AnyError> {
    if options.secret.is_none() {
        options.secret = match options.profile {
            Profile::Halext => Some(configured::required_secret(&config::JWT, "the Halext profile")?),
            Profile::OpenWebUi => {
                Some(configured::required_secret(&config::OPENWEBUI, "the OpenWebUI profile")?)
            }
            Profile::Jwt => None,
        };
    }
    let (validator, _) = registry().get_or_build(&options)?;
    Ok(TokenValidator { validator })
}
