//! Legacy password hashes for PHP: `Halext\Password` (static methods).
//!
//! A thin binding over `halext_core::legacy::password::options`: the options array becomes a
//! [`PasswordOptions`] (names, rules and messages are the core's; `pwdsalt`/`pwdsalt2` are
//! taken as bytes into secrets), the hash is read as bytes (a non-UTF-8 value is simply not a
//! hash any scheme recognises), and errors go through [`crate::boundary`].
//!
//! | method | answers | unusable/unknown stored value |
//! | --- | --- | --- |
//! | `verify` | a login form: `bool` | `false` (as the app itself) |
//! | `check` | a report: `['match', 'format', 'scheme', 'variant']` | `Halext\LegacyException` with the reason |
//! | `identify` | the format's name | `Halext\LegacyException` |
//! | `needsRehash` | whether the app would replace the hash | `true` |

use ext_php_rs::boxed::ZBox;
use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use halext_core::legacy::password::{PasswordOptions, identify};
use halext_core::mapping::json::Object;
use halext_core::{AnyError, Code};
use std::borrow::Cow;

use crate::token::{Bytes, OptionsArg};
use crate::{arrays, boundary};

/// Registers the class of this file.
pub(crate) fn register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    module.class::<Password>()
}

/// The options array → [`PasswordOptions`] (`app`, `legacylogin`, `md5`, `cost`, and the
/// secrets `pwdsalt`, `pwdsalt2`).
fn options(table: Option<&ZendHashTable>) -> Result<PasswordOptions, AnyError> {
    let (map, [pwdsalt, pwdsalt2]) =
        arrays::split_secrets(table, ["pwdsalt", "pwdsalt2"], Code::InvalidArgument)?;
    Ok(PasswordOptions::from_map(&map)?.with_salts(pwdsalt, pwdsalt2)?)
}

/// The stored hash as text: stored hashes are ASCII; anything else is lossily converted and
/// then recognised by no scheme.
fn text(hash: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(hash)
}

/// `Halext\Password`: legacy password hashes (md5, Acmlmboard salted md5, phpass, bcrypt,
/// WordPress `$wp$`, Halext pbkdf2) checked with each app's rules. Static methods only; see
/// `docs/php-api.md` (Password) and `halext.stub.php`.
#[php_class]
#[php(name = "Halext\\Password")]
#[php(flags = ext_php_rs::flags::ClassFlags::Final)]
pub struct Password {}

#[php_impl]
impl Password {
    /// `verify(#[\SensitiveParameter] string $password, string $hash,
    /// #[\SensitiveParameter] array $options = []): bool`: whether `$password` (the bytes as
    /// typed) logs in against `$hash` under the app's rules. An unusable or unknown `$hash`
    /// is `false`; throws `Halext\LegacyException` (`UNUSABLE_HASH`) only for a salted md5 row
    /// checked without its salts, `Halext\Exception` (`INVALID_ARGUMENT`) for bad options.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn verify(password: Bytes<'_>, hash: Bytes<'_>, options: OptionsArg<'_>) -> PhpResult<bool> {
        boundary::run(|| -> Result<bool, AnyError> {
            let opts = self::options(options.table())?;
            Ok(opts.verify(&text(hash.0), password.0)?)
        })
    }

    /// `check(#[\SensitiveParameter] string $password, string $hash,
    /// #[\SensitiveParameter] array $options = []): array`: `['match' => bool, 'format' =>
    /// 'bcrypt', 'scheme' => 'php_bcrypt'|null, 'variant' => 'raw'|null]`; throws
    /// `Halext\LegacyException` (`UNKNOWN_HASH_FORMAT`, `UNUSABLE_HASH`) saying why `$hash`
    /// cannot be used.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn check(
        password: Bytes<'_>,
        hash: Bytes<'_>,
        options: OptionsArg<'_>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
            let opts = self::options(options.table())?;
            let r = opts.check_report(&text(hash.0), password.0)?;
            arrays::object(&Object(vec![
                ("match", r.matched.into()),
                ("format", r.format.into()),
                ("scheme", r.scheme.into()),
                ("variant", r.variant.into()),
            ]))
        })
    }

    /// `identify(string $hash): string`: `'bcrypt'`, `'phpass'`, `'wp_bcrypt_sha384'`,
    /// `'md5_hex'` or `'halext_pbkdf2_sha256'`; throws `Halext\LegacyException` for an
    /// unknown or malformed value.
    pub fn identify(hash: Bytes<'_>) -> PhpResult<&'static str> {
        boundary::run(|| -> Result<&'static str, AnyError> { Ok(identify(&text(hash.0))?) })
    }

    /// `needsRehash(string $hash, #[\SensitiveParameter] array $options = []): bool`: whether
    /// the app (`app`, `cost`) would replace `$hash` after a successful login.
    #[php(name = "needsRehash")]
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn needs_rehash(hash: Bytes<'_>, options: OptionsArg<'_>) -> PhpResult<bool> {
        boundary::run(|| -> Result<bool, AnyError> {
            Ok(self::options(options.table())?.needs_rehash(&text(hash.0)))
        })
    }
}
