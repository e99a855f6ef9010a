//! The few Zend engine functions (and one global) ext-php-rs 0.16 does not bind.
//!
//! Each is `ZEND_API`/`PHPAPI` (exported by the PHP binary that loads the extension), has had
//! this exact signature since PHP 8.1 (`Zend/zend_ini.h`, `Zend/zend_API.h`,
//! `Zend/zend_attributes.h`, `Zend/zend.h`), and is resolved when PHP `dlopen`s the extension.

use ext_php_rs::ffi::{HashTable, zend_class_entry, zend_module_entry, zend_object, zend_string, zval};
use std::os::raw::{c_char, c_int, c_void};

/// `ZEND_ATTRIBUTE_PERSISTENT` (`Zend/zend_attributes.h`): the attribute lives in persistent
/// memory, as it must on an internal function.
pub(crate) const ZEND_ATTRIBUTE_PERSISTENT: u32 = 1;

/// `ZEND_INI_DISPLAY_ORIG` (`Zend/zend_ini.h`): an INI displayer is asked for the master value.
pub(crate) const ZEND_INI_DISPLAY_ORIG: c_int = 1;

/// `zend_result` (`Zend/zend_types.h`): `SUCCESS` is 0, `FAILURE` is -1.
pub(crate) type ZendResult = c_int;

/// The type of `zend_post_startup_cb`.
pub(crate) type PostStartupCallback = unsafe extern "C" fn() -> ZendResult;

unsafe extern "C" {
    /// `zend_post_startup_cb` (`Zend/zend.h`): called once after every module's MINIT, before
    /// PHP-FPM forks its workers. Opcache chains itself here the same way.
    pub(crate) static mut zend_post_startup_cb: Option<PostStartupCallback>;

    /// Prints the INI table of a module in `phpinfo()` (`DISPLAY_INI_ENTRIES()` in C).
    pub(crate) fn display_ini_entries(module: *mut zend_module_entry);

    /// Removes the INI entries of a module (`UNREGISTER_INI_ENTRIES()` in C, for MSHUTDOWN).
    pub(crate) fn zend_unregister_ini_entries(module_number: c_int);

    /// Writes a declared property of `object` as if from inside `scope`, so protected
    /// properties (`Exception::$message`, `$code`, ours) can be set.
    pub(crate) fn zend_update_property(
        scope: *mut zend_class_entry,
        object: *mut zend_object,
        name: *const c_char,
        name_length: usize,
        value: *mut zval,
    );

    /// Adds an attribute to a function, a parameter (`offset` = index + 1) or a class.
    pub(crate) fn zend_add_attribute(
        attributes: *mut *mut HashTable,
        name: *mut zend_string,
        argc: u32,
        flags: u32,
        offset: u32,
        lineno: u32,
    ) -> *mut c_void;
}
