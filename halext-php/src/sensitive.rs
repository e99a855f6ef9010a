//! `#[\SensitiveParameter]` on the parameters that carry secrets (tokens, passwords,
//! access codes), so PHP replaces them with a `SensitiveParameterValue` in every stack
//! trace (`getTrace()`, `getTraceAsString()`, uncaught-exception logs) even with
//! `zend.exception_ignore_args=Off`. PHP ≥ 8.2 (`Zend/zend_attributes.h`).
//!
//! Binding authors add an entry to [`PARAMETERS`] for each such parameter and mirror it in
//! `halext.stub.php`; the stub test compares the attributes with reflection.
//!
//! When: functions exist when MINIT runs (the engine registers a module's functions first), so
//! they are marked there. Classes of `#[php_class]` are registered by ext-php-rs *after* our
//! MINIT hook returns, so methods are marked from `zend_post_startup_cb` (chained the way
//! opcache chains it), which the engine calls once after every module's MINIT and before
//! PHP-FPM forks its workers. (An extension loaded later with `dl()` gets no post-startup
//! call: its methods stay unmarked; functions are still marked.)

use crate::ffi::{PostStartupCallback, ZEND_ATTRIBUTE_PERSISTENT, ZendResult, zend_add_attribute};
use ext_php_rs::ffi::ext_php_rs_compiler_globals;
use ext_php_rs::ffi::{HashTable, zend_function, zend_hash_str_find_ptr_lc};
use ext_php_rs::types::ZendStr;
use ext_php_rs::zend::ClassEntry;

/// `(function, zero-based parameter index)`; a method is written `"Class\\Name::method"`.
pub(crate) const PARAMETERS: &[(&str, u32)] = &[
    #[cfg(any(debug_assertions, feature = "test-hooks"))]
    ("Halext\\Debug\\sensitive", 0),
    ("halext_validate_token", 0),
    ("Halext\\TokenValidator::__construct", 0),
    ("Halext\\TokenValidator::halext", 0),
    ("Halext\\TokenValidator::openWebUi", 0),
    ("Halext\\TokenValidator::validate", 0),
    // Halext\\Client: options (access code, proxy), the password, the user array, every token.
    ("Halext\\Client::login", 1),
    ("Halext\\Client::__construct", 0),
    ("Halext\\Client::register", 0),
    ("Halext\\Client::me", 0),
    ("Halext\\Client::deleteMe", 0),
    ("Halext\\Client::searchUsers", 0),
    ("Halext\\Client::setPresence", 0),
    ("Halext\\Client::presence", 0),
    ("Halext\\Client::presenceList", 0),
    ("Halext\\Client::adminBlogPosts", 0),
    ("Halext\\Client::createBlogPost", 0),
    ("Halext\\Client::updateBlogPost", 0),
    ("Halext\\Client::deleteBlogPost", 0),
    ("Halext\\Client::adminPages", 0),
    ("Halext\\Client::createPage", 0),
    ("Halext\\Client::updatePage", 0),
    ("Halext\\Client::deletePage", 0),
    ("Halext\\Client::adminAlbums", 0),
    ("Halext\\Client::createAlbum", 0),
    ("Halext\\Client::updateAlbum", 0),
    ("Halext\\Client::deleteAlbum", 0),
    ("Halext\\Client::uploadMedia", 0),
    ("Halext\\Client::uploadMediaBytes", 0),
    ("Halext\\Client::listMedia", 0),
    ("Halext\\Client::circles", 0),
    ("Halext\\Client::createCircle", 0),
    ("Halext\\Client::joinCircle", 0),
    ("Halext\\Client::pulses", 0),
    ("Halext\\Client::postPulse", 0),
    ("Halext\\Client::chat", 0),
    ("Halext\\Client::chatStream", 0),
    ("Halext\\Client::chatWithContext", 0),
    ("Halext\\Client::models", 0),
    ("Halext\\Client::openWebUiSyncStatus", 0),
    ("Halext\\Client::openWebUiSyncUser", 0),
    ("Halext\\Client::openWebUiSso", 0),
    ("Halext\\Client::validateRemote", 0),
    ("Halext\\Client::request", 2),
    // Halext\\Password: the password, and the options (they may hold the board's salts).
    ("Halext\\Password::verify", 0),
    ("Halext\\Password::verify", 2),
    ("Halext\\Password::check", 0),
    ("Halext\\Password::check", 2),
    ("Halext\\Password::needsRehash", 1),
    // Halext\\Migration: options (access code), passwords, the registration array (password).
    ("Halext\\Migration::__construct", 0),
    ("Halext\\Migration::login", 2),
    ("Halext\\Migration::linkWithHalextPassword", 3),
    ("Halext\\Migration::register", 1),
];

/// Marks the functions of [`PARAMETERS`] and arranges for the methods to be marked after
/// start-up (MINIT; see the module docs for why methods wait).
///
/// # Errors
/// The name of a function that does not exist (a bug in [`PARAMETERS`]).
pub(crate) fn mark_all() -> Result<(), String> {
    mark(false)?;
    // SAFETY: MINIT runs single-threaded before any request; the engine reads the pointer only
    // in zend_post_startup(), after every MINIT.
    unsafe {
        let cb = &raw mut crate::ffi::zend_post_startup_cb;
        let previous = cb.replace(Some(post_startup));
        *PREVIOUS_POST_STARTUP.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = previous;
    }
    Ok(())
}

/// The post-startup callback that was installed before ours (opcache's, for instance).
static PREVIOUS_POST_STARTUP: std::sync::Mutex<Option<PostStartupCallback>> = std::sync::Mutex::new(None);

/// Marks the methods, then runs the previous callback. A method missing from the class table
/// is a bug in [`PARAMETERS`]: it is reported as a start-up warning and start-up goes on (the
/// stub test, which compares attributes, fails on it).
unsafe extern "C" fn post_startup() -> ZendResult {
    let outcome = std::panic::catch_unwind(|| mark(true));
    let failure = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(message)) => Some(message),
        Err(_) => Some("a panic while marking sensitive parameters".to_owned()),
    };
    if let Some(message) = failure {
        ext_php_rs::error::php_error(
            &ext_php_rs::flags::ErrorType::CoreWarning,
            &format!("halext: start-up: {message}"),
        );
    }
    let previous = PREVIOUS_POST_STARTUP.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    match previous {
        // SAFETY: the engine's own callback, called the way the engine would have called it.
        Some(callback) => unsafe { callback() },
        None => 0,
    }
}

/// Marks the entries of [`PARAMETERS`] that are methods (`methods`) or functions (`!methods`).
fn mark(methods: bool) -> Result<(), String> {
    if find_class("SensitiveParameter").is_none() {
        return Ok(()); // PHP < 8.2: the attribute does not exist and traces never honour it
    }
    for &(function, index) in PARAMETERS.iter().filter(|(f, _)| f.contains("::") == methods) {
        let func = find(function).ok_or_else(|| format!("sensitive parameter: no function {function}"))?;
        let name = ZendStr::new_interned("SensitiveParameter", true).into_raw();
        // SAFETY: `func` is an internal function of the engine's (persistent) tables, at
        // MINIT; `name` is an interned persistent string; offset is the parameter index + 1
        // as in `zend_add_parameter_attribute`.
        unsafe {
            zend_add_attribute(
                &raw mut (*func).common.attributes,
                name,
                0,
                ZEND_ATTRIBUTE_PERSISTENT,
                index + 1,
                0,
            );
        }
    }
    Ok(())
}

/// CG(...): the compiler globals (the engine's class and function tables at MINIT).
fn compiler_globals() -> Option<&'static ext_php_rs::ffi::zend_compiler_globals> {
    // SAFETY: the engine's statically allocated compiler globals (NTS), valid for the process.
    unsafe { ext_php_rs_compiler_globals().as_ref() }
}

/// A class in CG(class_table) (EG(class_table) is not set up yet at MINIT).
fn find_class(name: &str) -> Option<&'static ClassEntry> {
    let table = compiler_globals()?.class_table;
    if table.is_null() {
        return None;
    }
    // SAFETY: a live engine hash table; the key is read for its length and lower-cased by the callee.
    let found = unsafe { zend_hash_str_find_ptr_lc(table, name.as_ptr().cast(), name.len()) };
    // SAFETY: class table entries are class entries living until engine shutdown.
    unsafe { found.cast::<ClassEntry>().as_ref() }
}

/// The function `name` or method `Class::method` in the engine's tables.
fn find(name: &str) -> Option<*mut zend_function> {
    let (table, function): (*mut HashTable, &str) = match name.split_once("::") {
        Some((class, method)) => {
            let ce = find_class(class)?;
            (std::ptr::from_ref(&ce.function_table).cast_mut(), method)
        }
        None => (compiler_globals()?.function_table, name),
    };
    if table.is_null() {
        return None;
    }
    // SAFETY: a live engine hash table; the key is read for its length and lower-cased by the callee.
    let found = unsafe { zend_hash_str_find_ptr_lc(table, function.as_ptr().cast(), function.len()) };
    (!found.is_null()).then_some(found.cast::<zend_function>())
}
