//! Login-time migration, gated registration and resolve/link for PHP: `Halext\Migration`.
//!
//! A thin binding over `halext_core::mapping`: the options array becomes a
//! [`MigrationOptions`] (a `halext.toml` plus `[halext]` overrides), the object holds a
//! [`MigrationHandle`] (this process's shared [`halext_core::mapping::MigrationService`]:
//! `new Halext\Migration($options)` in every request of a PHP-FPM worker reuses the same
//! database connections, HTTP connection and lookup caches; after `fork()` the child gets its
//! own), results come back as arrays in the shapes of `halext_core::mapping::json`.
//!
//! Parameter names are camelCase because they are PHP's (named arguments:
//! `$m->link(site: 'wp', legacyId: 5, halextUsername: 'bob')`), hence the lint exception.
#![allow(non_snake_case)]

use ext_php_rs::boxed::ZBox;
use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use halext_core::mapping::json::{
    self, login_json, mapping_json, parse_link_method, registered_json, reverse_json,
};
use halext_core::mapping::{MigrationError, MigrationHandle, MigrationOptions};
use halext_core::{AnyError, Code, Secret};

use crate::token::{Bytes, OptionsArg};
use crate::{arrays, boundary, config};

/// Registers the class of this file.
pub(crate) fn register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    module.class::<Migration>()
}

/// A legacy id from PHP's `int`.
fn legacy_id(id: i64) -> Result<u64, AnyError> {
    u64::try_from(id).map_err(|_| AnyError::new(Code::InvalidArgument, format!("legacy id {id} is negative")))
}

/// `Halext\Migration`: login-time migration (`login`, `linkWithHalextPassword`), gated
/// registration (`register`, then `link`) and lookups (`resolve`, `resolveHalext`) over the
/// sites and mapping store of one `halext.toml`. See `docs/php-api.md` (Migration).
#[php_class]
#[php(name = "Halext\\Migration")]
#[php(flags = ext_php_rs::flags::ClassFlags::Final)]
pub struct Migration {
    handle: MigrationHandle,
}

#[php_impl]
impl Migration {
    /// `new Halext\Migration(#[\SensitiveParameter] array $options = [])`: `config` (path of a
    /// `halext.toml`; default INI `halext.config`, then env `HALEXT_CONFIG`) and overrides of
    /// its `[halext]` section (`url`, `timeout_ms`, `connect_timeout_ms`, `retries`,
    /// `access_code`, ...). No network or database I/O. Throws `Halext\Exception` (`CONFIG`)
    /// for a missing or invalid file or option.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn __construct(options: OptionsArg<'_>) -> PhpResult<Self> {
        boundary::run(|| -> Result<Self, AnyError> {
            let (map, [access_code]) = arrays::split_secrets(options.table(), ["access_code"], Code::Config)?;
            let mut opts = MigrationOptions::from_map(&map)?.with_access_code(access_code);
            if opts.config.is_none() {
                opts.config = config::config_file();
            }
            Ok(Migration { handle: MigrationHandle::open(opts)? })
        })
    }

    /// `login(string $site, string $loginOrEmail, #[\SensitiveParameter] string $password):
    /// array`: `['outcome' => 'logged_in'|'migrated'|'linked_existing'|'legacy_only'|
    /// 'halext_password_required'|'not_migrated', 'access_token' => ?string, 'expires_at' =>
    /// ?int, 'legacy_id' => int, 'halext_username' => ?string, 'halext_login' => ?string]`.
    /// Throws `Halext\MigrationException` (`INVALID_CREDENTIALS` for an unknown user and a
    /// wrong password alike, `ACCOUNT_BLOCKED`, `HALEXT_UNAVAILABLE`, `CONFLICT`,
    /// `MAPPING_STORE`), `Halext\LegacyException` (`DATABASE`), `Halext\Exception`
    /// (`INVALID_ARGUMENT` for an unknown site, `CONFIG`).
    pub fn login(
        &self,
        site: &str,
        loginOrEmail: &str,
        password: Bytes<'_>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
            let result = self.handle.service()?.login(site, loginOrEmail, &Secret::new(password.0))?;
            arrays::object(&login_json(&result))
        })
    }

    /// `linkWithHalextPassword(string $site, int $legacyId, string $halextLogin,
    /// #[\SensitiveParameter] string $halextPassword): array`: after `halext_password_required`
    /// (the legacy login was verified in this session), links the account to the existing
    /// Halext account `$halextLogin` if `$halextPassword` is its password. Same array as
    /// `login()` (`outcome` `linked_existing`). Throws `INVALID_CREDENTIALS` when Halext
    /// refuses the password.
    #[php(name = "linkWithHalextPassword")]
    pub fn link_with_halext_password(
        &self,
        site: &str,
        legacyId: i64,
        halextLogin: &str,
        halextPassword: Bytes<'_>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
            let id = self::legacy_id(legacyId)?;
            let result = self.handle.service()?.link_with_halext_password(
                site,
                id,
                halextLogin,
                &Secret::new(halextPassword.0),
            )?;
            arrays::object(&login_json(&result))
        })
    }

    /// `register(string $site, #[\SensitiveParameter] array $user): array`: gated
    /// registration, step 1: creates the Halext account (`username`, `email`, `password`,
    /// `full_name`?; `is_admin` is ignored, never sent) and returns `['id' => int, 'username'
    /// => string]`. Then create the local row and call `link($site, $localId, $username)`.
    /// Throws `Halext\MigrationException` `DUPLICATE_USERNAME` / `DUPLICATE_EMAIL`,
    /// `HALEXT_UNAVAILABLE`; `Halext\Exception` `INVALID_ARGUMENT` (unsafe username, unusable
    /// email, missing field, unknown key or site).
    pub fn register(&self, site: &str, user: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
        boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
            let (fields, [password]) =
                arrays::split_secrets(Some(user), ["password"], Code::InvalidArgument)?;
            let account = json::new_account(&fields, password)?;
            let created = self.handle.service()?.register(site, &account)?;
            arrays::object(&registered_json(&created))
        })
    }

    /// `link(string $site, int $legacyId, string $halextUsername, string $method =
    /// 'registration', ?int $halextUserId = null): array`: records that the local account is
    /// the Halext account (`registration`, `login`, or `manual`, which may replace another
    /// link) and returns the mapping row (as `resolve()`). Throws `Halext\MigrationException`
    /// `CONFLICT` when the account is linked to another Halext username (unless `manual`).
    #[php(defaults(method = "\"registration\""))]
    pub fn link(
        &self,
        site: &str,
        legacyId: i64,
        halextUsername: &str,
        method: &str,
        halextUserId: Option<i64>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
            let id = self::legacy_id(legacyId)?;
            let method = parse_link_method(method)?;
            let user_id = halextUserId
                .map(|n| {
                    u64::try_from(n).map_err(|_| {
                        MigrationError::InvalidArgument(format!("Halext user id {n} is negative"))
                    })
                })
                .transpose()?;
            let row = self.handle.service()?.link(site, id, halextUsername, user_id, method)?;
            arrays::object(&mapping_json(&row))
        })
    }

    /// `resolve(string $site, int $legacyId): ?array`: the mapping row (`site`, `legacy_id`,
    /// `halext_username`, `halext_user_id`, `halext_email`, `full_name`, `status`
    /// (`planned`|`linked`|`conflict`|`skipped`), `method`, `reason`, `plan_run`,
    /// `created_at`, `updated_at`, `linked_at`; times in Unix seconds) or `null`. A linked row
    /// is cached per process (30 s by default); any other answer is read from the database.
    pub fn resolve(&self, site: &str, legacyId: i64) -> PhpResult<Option<ZBox<ZendHashTable>>> {
        boundary::run(|| -> Result<Option<ZBox<ZendHashTable>>, AnyError> {
            let id = self::legacy_id(legacyId)?;
            match self.handle.service()?.resolve(site, id)? {
                Some(row) => Ok(Some(arrays::object(&mapping_json(&row))?)),
                None => Ok(None),
            }
        })
    }

    /// `resolveHalext(string $halextUsername): array`: the legacy accounts mapped to the
    /// Halext username (byte-exact), `[['site' => 'wordpress', 'legacy_id' => 2], ...]`.
    /// Always read from the database.
    #[php(name = "resolveHalext")]
    pub fn resolve_halext(&self, halextUsername: &str) -> PhpResult<ZBox<ZendHashTable>> {
        boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
            let keys = self.handle.service()?.resolve_halext(halextUsername)?;
            arrays::objects(&reverse_json(&keys))
        })
    }

    /// `init(): void`: creates the mapping table if it does not exist (as `halext migrate
    /// init`; needs the CREATE privilege). Idempotent.
    pub fn init(&self) -> PhpResult<()> {
        boundary::run(|| -> Result<(), AnyError> { Ok(self.handle.service()?.store().init()?) })
    }
}
