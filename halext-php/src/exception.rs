//! The exception model: one PHP class per capability, the one `Code` → class table, and
//! [`Thrown`], the value every binding raises.
//!
//! ```text
//! \Exception
//!  └─ Halext\Exception            general codes (internal, invalid_argument, config, io)
//!      ├─ Halext\TokenException      token.*      (100–199)
//!      ├─ Halext\ApiException        api.*        (200–299)  + getStatus/getFieldErrors/getRetryAfter
//!      ├─ Halext\LegacyException     legacy.*     (300–399)
//!      └─ Halext\MigrationException  migration.*, mapping.* (400–499)
//! ```
//!
//! The classes are plain Zend classes (built with `ClassBuilder`, no Rust object behind
//! them), so PHP code can also `new` and subclass them, e.g. in test doubles. `getCode()`
//! is the stable number of a [`Code`], `getReason()` its dotted name, and each class carries
//! one constant per code of its capability (`Halext\TokenException::EXPIRED === 104`),
//! generated from [`Code::ALL`].

use crate::ffi::zend_update_property;
use ext_php_rs::args::ArgInfoTables;
use ext_php_rs::builders::{ClassBuilder, ClassProperty, FunctionBuilder};
use ext_php_rs::convert::IntoZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::ffi::{zend_class_entry, zend_read_property};
use ext_php_rs::flags::{ConstantFlags, DataType, MethodFlags, PropertyFlags};
use ext_php_rs::types::{ZendEmptyArray, ZendObject, Zval};
use ext_php_rs::zend::{ClassEntry, ExecuteData, ce};
use halext_core::api::ApiError;
use halext_core::{AnyError, Capability, Code};
use std::panic::AssertUnwindSafe;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The halext exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExceptionClass {
    /// `Halext\Exception`: the base of all, and the class of the general codes (0–99).
    Base,
    /// `Halext\TokenException`: token validation (100–199).
    Token,
    /// `Halext\ApiException`: the Halext API client (200–299).
    Api,
    /// `Halext\LegacyException`: legacy sources and password hashes (300–399).
    Legacy,
    /// `Halext\MigrationException`: mapping store and migration (400–499).
    Migration,
}

/// A protected property declared on an exception class, with its public getter.
struct Extra {
    /// Property name (`$status`).
    name: &'static str,
    /// Getter method (`getStatus`).
    getter: &'static str,
    /// Return type of the getter.
    returns: DataType,
    /// Whether the getter may return null (and the default is null).
    nullable: bool,
}

/// Generates a getter handler that returns the protected property `$prop` (declared on
/// `$class`) of `$this`.
macro_rules! getter {
    ($handler:ident, $class:expr, $prop:literal) => {
        extern "C" fn $handler(ex: &mut ExecuteData, retval: &mut Zval) {
            ext_php_rs::zend::run_handler(AssertUnwindSafe(|| {
                let scope = $class.entry().unwrap_or_else(ce::exception);
                if let Some(value) = this_property(ex, scope, $prop) {
                    *retval = value;
                }
            }));
        }
    };
}

getter!(api_get_status, ExceptionClass::Api, "status");
getter!(api_get_field_errors, ExceptionClass::Api, "fieldErrors");
getter!(api_get_retry_after, ExceptionClass::Api, "retryAfter");

/// The getter handler of an extra property. Kept out of [`Extra`] so that the metadata
/// (used by pure-Rust code and unit tests) does not pull the Zend-calling handlers in.
fn getter_handler(
    class: ExceptionClass,
    property: &str,
) -> Option<extern "C" fn(&mut ExecuteData, &mut Zval)> {
    match (class, property) {
        (ExceptionClass::Api, "status") => Some(api_get_status),
        (ExceptionClass::Api, "fieldErrors") => Some(api_get_field_errors),
        (ExceptionClass::Api, "retryAfter") => Some(api_get_retry_after),
        _ => None,
    }
}

/// `Halext\ApiException` data, set by the API binding through [`Thrown::with_property`]:
/// the HTTP status (`?int`), the field errors of a 422 (`array`, Halext's `detail` list),
/// and the `Retry-After` of a 429 in seconds (`?int`).
const API_EXTRAS: &[Extra] = &[
    Extra { name: "status", getter: "getStatus", returns: DataType::Long, nullable: true },
    Extra { name: "fieldErrors", getter: "getFieldErrors", returns: DataType::Array, nullable: false },
    Extra { name: "retryAfter", getter: "getRetryAfter", returns: DataType::Long, nullable: true },
];

/// Registered class entries, indexed by [`ExceptionClass::index`].
static ENTRIES: [AtomicPtr<zend_class_entry>; 5] = [
    AtomicPtr::new(ptr::null_mut()),
    AtomicPtr::new(ptr::null_mut()),
    AtomicPtr::new(ptr::null_mut()),
    AtomicPtr::new(ptr::null_mut()),
    AtomicPtr::new(ptr::null_mut()),
];

impl ExceptionClass {
    /// Every class, base first (the registration order).
    pub const ALL: [ExceptionClass; 5] = [
        ExceptionClass::Base,
        ExceptionClass::Token,
        ExceptionClass::Api,
        ExceptionClass::Legacy,
        ExceptionClass::Migration,
    ];

    /// THE mapping from a code to its PHP class (by the code's capability).
    pub const fn for_code(code: Code) -> ExceptionClass {
        match code.capability() {
            Capability::General => ExceptionClass::Base,
            Capability::Token => ExceptionClass::Token,
            Capability::Api => ExceptionClass::Api,
            Capability::Legacy => ExceptionClass::Legacy,
            Capability::Migration => ExceptionClass::Migration,
        }
    }

    /// The fully qualified PHP class name, e.g. `"Halext\\TokenException"`.
    pub const fn name(self) -> &'static str {
        match self {
            ExceptionClass::Base => "Halext\\Exception",
            ExceptionClass::Token => "Halext\\TokenException",
            ExceptionClass::Api => "Halext\\ApiException",
            ExceptionClass::Legacy => "Halext\\LegacyException",
            ExceptionClass::Migration => "Halext\\MigrationException",
        }
    }

    /// The dotted-name prefix stripped from this class's constant names (`"token."`).
    const fn own_prefix(self) -> &'static str {
        match self {
            ExceptionClass::Base => "",
            ExceptionClass::Token => "token.",
            ExceptionClass::Api => "api.",
            ExceptionClass::Legacy => "legacy.",
            ExceptionClass::Migration => "migration.",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }

    const fn extras(self) -> &'static [Extra] {
        match self {
            ExceptionClass::Api => API_EXTRAS,
            _ => &[],
        }
    }

    /// The extra property `name` if this class declares it (for [`Thrown::with_property`]).
    pub fn declared(self, name: &str) -> Option<&'static str> {
        self.extras().iter().find(|e| e.name == name).map(|e| e.name)
    }

    /// The registered class entry; `None` only before MINIT registered it.
    pub fn entry(self) -> Option<&'static ClassEntry> {
        // SAFETY: set once per MINIT from the engine's class table, whose entries live until
        // engine shutdown.
        unsafe { ENTRIES[self.index()].load(Ordering::Acquire).as_ref() }
    }

    /// The codes whose constants live on this class, in numeric order.
    pub fn codes(self) -> impl Iterator<Item = Code> {
        exported_codes().filter(move |&c| ExceptionClass::for_code(c) == self)
    }
}

/// Every code a halext exception can carry: [`Code::ALL`] without `Ok`.
pub fn exported_codes() -> impl Iterator<Item = Code> {
    Code::ALL.iter().copied().filter(|&c| c != Code::Ok)
}

/// The class constant for `code` on its class: the dotted name without the class's own
/// prefix, upper-cased, dots as underscores (`token.expired` → `EXPIRED`,
/// `mapping.store` on `MigrationException` → `MAPPING_STORE`).
pub fn constant_name(code: Code) -> String {
    let name = code.as_str();
    let bare = name.strip_prefix(ExceptionClass::for_code(code).own_prefix()).unwrap_or(name);
    bare.replace('.', "_").to_ascii_uppercase()
}

/// Registers the classes (MINIT), base first.
///
/// # Errors
/// Whatever `ClassBuilder` reports (a duplicate class name, an invalid member).
pub(crate) fn register() -> ext_php_rs::error::Result<()> {
    for class in ExceptionClass::ALL {
        builder(class)?.register()?;
        if class.entry().is_none() {
            return Err(ext_php_rs::error::Error::InvalidPointer);
        }
    }
    Ok(())
}

fn builder(class: ExceptionClass) -> ext_php_rs::error::Result<ClassBuilder> {
    let parent: (fn() -> &'static ClassEntry, &'static str) = match class {
        ExceptionClass::Base => (ce::exception, "\\Exception"),
        _ => (base_entry, "\\Halext\\Exception"),
    };
    let store: fn(&'static mut ClassEntry, ArgInfoTables) = match class {
        ExceptionClass::Base => store_entry::<0>,
        ExceptionClass::Token => store_entry::<1>,
        ExceptionClass::Api => store_entry::<2>,
        ExceptionClass::Legacy => store_entry::<3>,
        ExceptionClass::Migration => store_entry::<4>,
    };
    let mut builder = ClassBuilder::new(class.name()).extends(parent).registration(store);
    for code in class.codes() {
        builder =
            builder.constant(constant_name(code), i64::from(code.as_u32()), &[], ConstantFlags::Public)?;
    }
    if class == ExceptionClass::Base {
        builder = builder.method(
            FunctionBuilder::new("getReason", get_reason).returns(DataType::String, false, false),
            MethodFlags::Public,
        );
    }
    for extra in class.extras() {
        let handler = getter_handler(class, extra.name).ok_or(ext_php_rs::error::Error::InvalidPointer)?;
        let default: Box<dyn FnOnce() -> ext_php_rs::error::Result<Zval>> = if extra.nullable {
            Box::new(|| Ok(Zval::null()))
        } else {
            Box::new(|| ZendEmptyArray.into_zval(true))
        };
        builder = builder
            .property(ClassProperty {
                name: extra.name.to_owned(),
                flags: PropertyFlags::Protected,
                default: Some(default),
                docs: &[],
                ty: None,
                nullable: extra.nullable,
                readonly: false,
                default_stub: None,
            })
            .method(
                FunctionBuilder::new(extra.getter, handler).returns(extra.returns, false, extra.nullable),
                MethodFlags::Public,
            );
    }
    Ok(builder)
}

/// The parent of the capability classes. Registered first, so the fallback is unreachable;
/// [`register`] checks every entry after registering it.
fn base_entry() -> &'static ClassEntry {
    ExceptionClass::Base.entry().unwrap_or_else(ce::exception)
}

/// The method argument tables of the registered classes: the engine points into them for the
/// life of the process, so they are kept here (reachable, unlike a `mem::forget`).
static ARG_INFO: std::sync::Mutex<Vec<KeptArgInfo>> = std::sync::Mutex::new(Vec::new());

/// [`ArgInfoTables`] held for the engine.
struct KeptArgInfo(#[allow(dead_code)] ArgInfoTables);

// SAFETY: the tables are immutable after registration; only the engine reads them (through
// its own pointers), and this wrapper only keeps them alive.
unsafe impl Send for KeptArgInfo {}

/// `ClassBuilder` registration callback: remembers the entry and keeps the method
/// argument tables alive for the life of the process.
fn store_entry<const I: usize>(entry: &'static mut ClassEntry, arg_info: ArgInfoTables) {
    ENTRIES[I].store(ptr::from_mut(entry), Ordering::Release);
    ARG_INFO.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(KeptArgInfo(arg_info));
}

/// Reads the property `name` of `$this` with `scope`'s visibility. `None` (with an
/// `ArgumentCountError` pending) when the method was given arguments.
fn this_property(ex: &mut ExecuteData, scope: &ClassEntry, name: &str) -> Option<Zval> {
    ex.parser().parse().ok()?;
    let this = ex.get_self()?;
    let mut rv = Zval::new();
    // SAFETY: `this` is the live `$this`; `scope` is a registered class; the name is read
    // for its length.
    let found = unsafe {
        zend_read_property(
            ptr::from_ref(scope).cast_mut(),
            ptr::from_mut(this),
            name.as_ptr().cast(),
            name.len(),
            true,
            &raw mut rv,
        )
    };
    // SAFETY: null or a zval owned by the object or by `rv`, both alive here.
    unsafe { found.as_ref() }.map(|value| value.dereference().shallow_clone())
}

/// `Halext\Exception::getReason(): string`: the dotted name of `getCode()`
/// (`"token.expired"`), or `"unknown"` for a number that is not a halext code.
extern "C" fn get_reason(ex: &mut ExecuteData, retval: &mut Zval) {
    ext_php_rs::zend::run_handler(AssertUnwindSafe(|| {
        let Some(code) = this_property(ex, ce::exception(), "code") else {
            return;
        };
        let _ = retval.set_string(reason_of(code.long()), false);
    }));
}

/// The dotted name for an exception code, `"unknown"` when it is not a halext code.
fn reason_of(code: Option<i64>) -> &'static str {
    code.and_then(|n| u32::try_from(n).ok())
        .and_then(Code::from_u32)
        .filter(|&c| c != Code::Ok)
        .map_or("unknown", Code::as_str)
}

/// A halext exception about to be thrown: code, message and any extra properties of its
/// class. Every binding raises errors as a `Thrown` (usually via [`crate::boundary::run`],
/// which converts an [`AnyError`]); converting into a [`PhpException`] builds the object.
pub struct Thrown {
    code: Code,
    message: String,
    properties: Vec<(&'static str, Zval)>,
}

impl Thrown {
    /// An exception of the class of `code`, with `message` (which must not contain secrets).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Thrown { code, message: message.into(), properties: Vec::new() }
    }

    /// Sets a property declared on the exception's class (e.g. `"status"` on
    /// `Halext\ApiException`). A name the class does not declare is ignored (and is a
    /// `debug_assert!` failure), since PHP 8.2 deprecates dynamic properties. A value that
    /// cannot be converted becomes `null`.
    #[must_use]
    pub fn with_property(mut self, name: &'static str, value: impl IntoZval) -> Self {
        let declared = self.class().declared(name).is_some();
        debug_assert!(declared, "{} declares no property {name}", self.class().name());
        if declared {
            self.properties.push((name, value.into_zval(false).unwrap_or_default()));
        }
        self
    }

    /// The code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The PHP class it will be thrown as.
    pub fn class(&self) -> ExceptionClass {
        ExceptionClass::for_code(self.code)
    }

    /// An `Internal` exception for a caught panic. The panic payload is deliberately not
    /// used: it may contain a secret. The location goes to the panic hook's stderr line.
    pub fn panic() -> Self {
        Thrown::new(
            Code::Internal,
            "internal error in the halext extension (a Rust panic was caught; the PHP error log has its location)",
        )
    }

    /// Builds the exception object: created like `new Class()` (so file, line and trace are
    /// the PHP call site), then `$message`, `$code` and the extra properties are set.
    fn into_php(self) -> PhpException {
        let code = i32::try_from(self.code.as_u32()).unwrap_or(i32::MAX);
        let Some(class) = self.class().entry() else {
            return PhpException::new(self.message, code, ce::exception());
        };
        let mut object = ZendObject::new(class);
        let exception_ce = ptr::from_ref(ce::exception()).cast_mut();
        let class_ce = ptr::from_ref(class).cast_mut();
        let mut message = Zval::new();
        let _ = message.set_string(&self.message, false);
        let mut number = Zval::new();
        number.set_long(i64::from(code));
        set_property(exception_ce, &mut object, "message", &mut message);
        set_property(exception_ce, &mut object, "code", &mut number);
        for (name, mut value) in self.properties {
            set_property(class_ce, &mut object, name, &mut value);
        }
        match object.into_zval(false) {
            Ok(zval) => PhpException::new(self.message, code, class).with_object(zval),
            Err(_) => PhpException::new(self.message, code, class),
        }
    }
}

/// Writes `object->name = value` with `scope`'s visibility (value is copied).
fn set_property(scope: *mut zend_class_entry, object: &mut ZendObject, name: &str, value: &mut Zval) {
    // SAFETY: `object` is live; `scope` is a registered class; name is read for its length;
    // the engine copies `value` (adding a reference) and we keep ownership of ours.
    unsafe { zend_update_property(scope, ptr::from_mut(object), name.as_ptr().cast(), name.len(), value) };
}

impl From<AnyError> for Thrown {
    /// The single place where capability error data becomes exception properties: an
    /// [`ApiError`] thrown as `Halext\ApiException` carries `status` (the HTTP status, `null`
    /// when no answer arrived), `fieldErrors` (a 422's `detail` list as
    /// `[['loc' => [...], 'msg' => ..., 'type' => ..., 'field' => 'email'], ...]`, `[]`
    /// otherwise) and `retryAfter` (a 429's `Retry-After` in seconds, else `null`).
    fn from(err: AnyError) -> Self {
        let thrown = Thrown::new(err.code(), err.to_string());
        let api = err.inner().and_then(|e| e.downcast_ref::<ApiError>());
        match api {
            Some(api) if thrown.class() == ExceptionClass::Api => thrown
                .with_property("status", api.status().map(i64::from))
                .with_property("fieldErrors", field_errors(api))
                .with_property("retryAfter", api.retry_after().map(|s| i64::try_from(s).unwrap_or(i64::MAX))),
            _ => thrown,
        }
    }
}

/// `ApiError::field_errors` as a PHP list (empty when the conversion fails, which it cannot
/// for these plain strings).
fn field_errors(api: &ApiError) -> Zval {
    let list: Vec<serde_json::Value> = api
        .field_errors()
        .iter()
        .map(|f| serde_json::json!({"loc": f.loc, "msg": f.msg, "type": f.kind, "field": f.field()}))
        .collect();
    crate::convert::to_zval(&serde_json::Value::Array(list)).unwrap_or_default()
}

impl From<Thrown> for PhpException {
    fn from(thrown: Thrown) -> Self {
        thrown.into_php()
    }
}

impl std::fmt::Debug for Thrown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thrown")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("properties", &self.properties.iter().map(|(n, _)| *n).collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_but_ok_is_exported_once_with_a_unique_constant_per_class() {
        assert_eq!(exported_codes().count(), Code::ALL.len() - 1);
        assert!(exported_codes().all(|c| c != Code::Ok));
        let mut seen = HashSet::new();
        for code in exported_codes() {
            let class = ExceptionClass::for_code(code);
            let name = constant_name(code);
            assert!(seen.insert((class, name.clone())), "{} has two {name}", class.name());
            assert!(
                name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{name}"
            );
        }
        let per_class: usize = ExceptionClass::ALL.iter().map(|c| c.codes().count()).sum();
        assert_eq!(per_class, Code::ALL.len() - 1);
    }

    #[test]
    fn constants_drop_only_the_classes_own_prefix() {
        assert_eq!(constant_name(Code::TokenExpired), "EXPIRED");
        assert_eq!(constant_name(Code::TokenUnknownKeyId), "UNKNOWN_KID");
        assert_eq!(constant_name(Code::ApiRateLimited), "RATE_LIMITED");
        assert_eq!(constant_name(Code::MappingStore), "MAPPING_STORE");
        assert_eq!(constant_name(Code::MigrationInterrupted), "INTERRUPTED");
        assert_eq!(constant_name(Code::InvalidArgument), "INVALID_ARGUMENT");
    }

    #[test]
    fn classes_follow_the_numeric_ranges() {
        for &code in Code::ALL {
            let expected = match code.as_u32() {
                0..=99 => ExceptionClass::Base,
                100..=199 => ExceptionClass::Token,
                200..=299 => ExceptionClass::Api,
                300..=399 => ExceptionClass::Legacy,
                _ => ExceptionClass::Migration,
            };
            assert_eq!(ExceptionClass::for_code(code), expected, "{code}");
        }
    }

    #[test]
    fn reasons_of_numbers() {
        assert_eq!(reason_of(Some(104)), "token.expired");
        assert_eq!(reason_of(Some(0)), "unknown");
        assert_eq!(reason_of(Some(-1)), "unknown");
        assert_eq!(reason_of(Some(99_999)), "unknown");
        assert_eq!(reason_of(None), "unknown");
    }

    #[test]
    fn every_extra_has_a_getter() {
        for class in ExceptionClass::ALL {
            for extra in class.extras() {
                assert!(extra.getter.starts_with("get"), "{}", extra.getter);
            }
        }
    }

    #[test]
    fn only_declared_extras_are_known() {
        assert_eq!(ExceptionClass::Api.declared("retryAfter"), Some("retryAfter"));
        assert_eq!(ExceptionClass::Api.declared("message"), None);
        assert_eq!(ExceptionClass::Token.declared("status"), None);
    }
}
