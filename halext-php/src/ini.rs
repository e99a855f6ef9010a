//! The `halext.*` INI entries: registration at MINIT, the secret displayer used by
//! `phpinfo()`, and reading a current value at call time.
//!
//! The typed view of these values (with the `HALEXT_*` environment fallback) is
//! [`crate::config`]; nothing else should read INI directly.

use crate::config::{self, Kind, Setting};
use crate::ffi::{ZEND_INI_DISPLAY_ORIG, zend_unregister_ini_entries};
use ext_php_rs::ffi::{
    HashTable, ext_php_rs_executor_globals, zend_hash_str_find, zend_ini_entry, zend_string,
};
use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};
use std::cell::RefCell;
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where each entry may be set (`PHP_INI_*`). Identity settings (secrets, the Halext URL,
/// the config file) are `PHP_INI_SYSTEM|PHP_INI_PERDIR`: php.ini, pool configuration,
/// `.user.ini`/`.htaccess`, but not `ini_set()`. Timeouts are `PHP_INI_ALL`.
const fn permission(kind: Kind) -> IniEntryPermission {
    match kind {
        Kind::Millis => IniEntryPermission::All,
        Kind::Text | Kind::Path | Kind::Secret | Kind::SecretFile => {
            IniEntryPermission::System.union(IniEntryPermission::PerDir)
        }
    }
}

/// The `zend_ini_entry_def` for one setting: default `""` (unset, so the environment
/// applies), an `on_modify` handler (without one PHP cannot `ini_restore()` an entry), and
/// the secret displayer for secret values.
const fn def(setting: &Setting) -> IniEntryDef {
    let mut def = IniEntryDef::new(setting.ini_c, c"", permission(setting.kind));
    def.on_modify = Some(match setting.kind {
        Kind::Millis => on_modify_millis,
        Kind::Text | Kind::Path | Kind::Secret | Kind::SecretFile => on_modify_accept,
    });
    if matches!(setting.kind, Kind::Secret) {
        def.displayer = Some(secret_displayer);
    }
    def
}

/// `ZEND_INI_STAGE_RUNTIME` (`Zend/zend_ini.h`): a change made by `ini_set()`/`ini_restore()`.
const ZEND_INI_STAGE_RUNTIME: c_int = 1 << 4;
/// `SUCCESS` / `FAILURE` (`zend_result`).
const SUCCESS: c_int = 0;
const FAILURE: c_int = -1;

/// Accepts every value; validation happens when the value is used ([`crate::config`]).
unsafe extern "C" fn on_modify_accept(
    _entry: *mut zend_ini_entry,
    _new_value: *mut zend_string,
    _arg1: *mut c_void,
    _arg2: *mut c_void,
    _arg3: *mut c_void,
    _stage: c_int,
) -> c_int {
    SUCCESS
}

/// Rejects an invalid timeout given to `ini_set()`, which then returns `false`. From
/// php.ini, pool configuration or `.user.ini` every value is accepted (PHP would otherwise
/// silently fall back to the default) and an invalid one raises a clear
/// `Halext\Exception` (code `CONFIG`) when it is used.
unsafe extern "C" fn on_modify_millis(
    _entry: *mut zend_ini_entry,
    new_value: *mut zend_string,
    _arg1: *mut c_void,
    _arg2: *mut c_void,
    _arg3: *mut c_void,
    stage: c_int,
) -> c_int {
    if stage != ZEND_INI_STAGE_RUNTIME {
        return SUCCESS;
    }
    // SAFETY: null or the zend_string the engine is about to store.
    let bytes = unsafe { new_value.as_ref() }.map_or(&[][..], |s| s.as_bytes());
    if bytes.is_empty() || config::parse_millis(bytes, "").is_ok() { SUCCESS } else { FAILURE }
}

/// The registered table; `static` because the engine borrows it for the life of the process.
static ENTRIES: IniEntryDefs<{ config::ALL.len() + 1 }> = IniEntryDefs::new(table());

/// One definition per [`config::ALL`] entry, then the terminator.
const fn table() -> [IniEntryDef; config::ALL.len() + 1] {
    let mut out = [IniEntryDef::end(); config::ALL.len() + 1];
    let mut i = 0;
    while i < config::ALL.len() {
        out[i] = def(config::ALL[i]);
        i += 1;
    }
    out
}

/// Bumped whenever the entries are registered or removed, so that entry locations remembered by
/// [`with_current`] are never used across a re-registration.
static REGISTRATIONS: AtomicU64 = AtomicU64::new(0);

/// Registers every `halext.*` entry (MINIT).
pub(crate) fn register(module_number: i32) {
    REGISTRATIONS.fetch_add(1, Ordering::SeqCst);
    IniEntryDef::register(ENTRIES.as_slice(), module_number);
}

/// Removes them again (MSHUTDOWN), as `UNREGISTER_INI_ENTRIES()` does in a C extension.
pub(crate) fn unregister(module_number: i32) {
    REGISTRATIONS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: called from MSHUTDOWN with the module number the entries were registered with.
    unsafe { zend_unregister_ini_entries(module_number) };
}

/// `phpinfo()` displayer for secret entries: prints `(set)` or `(not set)`, never the value.
///
/// Called by `display_ini_entries` with `ZEND_INI_DISPLAY_ORIG` (master value) or
/// `ZEND_INI_DISPLAY_ACTIVE` (local value), mirroring `php_ini_displayer_cb`.
unsafe extern "C" fn secret_displayer(entry: *mut zend_ini_entry, which: c_int) {
    // SAFETY: the engine passes a live entry of EG(ini_directives).
    let Some(entry) = (unsafe { entry.as_ref() }) else {
        return;
    };
    let value =
        if which == ZEND_INI_DISPLAY_ORIG && entry.modified != 0 { entry.orig_value } else { entry.value };
    // SAFETY: `value` is null or a zend_string owned by the entry.
    let set = unsafe { value.as_ref() }.is_some_and(|s| !s.as_bytes().is_empty());
    let _ = ext_php_rs::zend::output_write(if set { b"(set)" } else { b"(not set)" });
}

/// Where an entry was found: the table it is in, the registration it belongs to.
struct Located {
    name: &'static str,
    table: *const HashTable,
    registration: u64,
    entry: *const zend_ini_entry,
}

thread_local! {
    /// Entry locations for [`with_current`], per thread (ZTS has one INI table per thread).
    static LOCATED: RefCell<Vec<Located>> = const { RefCell::new(Vec::new()) };
}

/// Like [`current`] for hot paths (`halext_validate_token()` reads the secret entries on every
/// call): runs `f` with the current value borrowed (no copy), `None` when empty or unregistered.
/// Where the entry lives is remembered per thread, per INI table and per registration, so a
/// repeated read is a pointer load rather than a hash lookup; the *value* is still read on every
/// call (it can differ per directory and request).
pub(crate) fn with_current<R>(name: &'static str, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    // SAFETY: the engine's statically allocated executor globals; only a pointer field is read.
    let table: *const HashTable =
        unsafe { ext_php_rs_executor_globals().as_ref() }.map_or(std::ptr::null(), |eg| eg.ini_directives);
    if table.is_null() {
        return f(None);
    }
    let registration = REGISTRATIONS.load(Ordering::SeqCst);
    let known = LOCATED.with(|l| {
        l.try_borrow().ok().and_then(|l| {
            l.iter()
                .find(|x| std::ptr::eq(x.name, name) && x.table == table && x.registration == registration)
                .map(|x| x.entry)
        })
    });
    let entry = match known {
        Some(e) => e,
        None => {
            // SAFETY: `table` is the live EG(ini_directives); the key is read for `name.len()` bytes.
            let found = unsafe { zend_hash_str_find(table, name.as_ptr().cast(), name.len()) };
            // SAFETY: a non-null result is an IS_PTR zval holding the `zend_ini_entry`.
            let entry = unsafe { found.as_ref().and_then(|zv| zv.ptr::<zend_ini_entry>()) }
                .map_or(std::ptr::null(), |e| e.cast_const());
            if !entry.is_null() {
                LOCATED.with(|l| {
                    if let Ok(mut l) = l.try_borrow_mut() {
                        l.retain(|x| !std::ptr::eq(x.name, name));
                        l.push(Located { name, table, registration, entry });
                    }
                });
            }
            entry
        }
    };
    // SAFETY: `entry` is null or an entry of the live table, registered in the current
    // registration (entries live until they are unregistered, which bumps `REGISTRATIONS`);
    // its `value` is null or a zend_string owned by the entry, unchanged during this call.
    let value = unsafe { entry.as_ref().and_then(|e| e.value.as_ref()) }.map(|s| s.as_bytes());
    f(value.filter(|v| !v.is_empty()))
}

/// The current (request-local) value of an INI entry, or `None` when it is empty or not
/// registered. Read on every call, never cached: `PHP_INI_PERDIR` values differ per
/// directory and `PHP_INI_ALL` values per `ini_set()`.
pub(crate) fn current(name: &str) -> Option<Vec<u8>> {
    let globals = ExecutorGlobals::get();
    let table = globals.ini_directives;
    if table.is_null() {
        return None;
    }
    // SAFETY: `table` is the live EG(ini_directives); the key is read for `name.len()` bytes.
    let found = unsafe { zend_hash_str_find(table, name.as_ptr().cast(), name.len()) };
    // SAFETY: a non-null result is an IS_PTR zval holding the `zend_ini_entry`, owned by the
    // table, which outlives this function (we hold the globals guard).
    let entry = unsafe { found.as_ref().and_then(|zv| zv.ptr::<zend_ini_entry>()).and_then(|e| e.as_ref()) }?;
    // SAFETY: `value` is null or a zend_string owned by the entry.
    let bytes = unsafe { entry.value.as_ref() }?.as_bytes();
    (!bytes.is_empty()).then(|| bytes.to_vec())
}
