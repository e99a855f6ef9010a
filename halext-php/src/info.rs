//! The `halext` section of `phpinfo()` / `php --ri halext`.

use crate::config::{self, SecretSetting, Source};
use crate::ffi::display_ini_entries;
use ext_php_rs::ffi::{
    php_info_print_table_end, php_info_print_table_header, php_info_print_table_row,
    php_info_print_table_start,
};
use ext_php_rs::zend::ModuleEntry;
use std::ffi::CString;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// MINFO: version, build, capabilities, which secrets are set (never their values) and
/// where each comes from, the Halext URL, then the INI table (secret entries print
/// `(set)`/`(not set)` through their displayer).
pub(crate) unsafe extern "C" fn module_info(module: *mut ModuleEntry) {
    // A panic must not unwind into the engine; on one, the section is just cut short.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: called by the engine while printing phpinfo().
        unsafe { php_info_print_table_start() };
        header("halext support", "enabled");
        row("Version", halext_core::VERSION);
        let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
        let hooks = if cfg!(any(debug_assertions, feature = "test-hooks")) {
            " (Halext\\Debug\\* test hooks present)"
        } else {
            ""
        };
        row("Build", &format!("{profile}{hooks}"));
        for (capability, available) in crate::CAPABILITIES {
            row(capability, if *available { "enabled" } else { "not in this build yet" });
        }
        row("Halext URL", &url());
        for (label, secret) in [
            ("JWT secret", &config::JWT),
            ("OpenWebUI secret", &config::OPENWEBUI),
            ("Access code", &config::ACCESS),
        ] {
            row(label, &secret_state(secret));
        }
        // SAFETY: as above.
        unsafe { php_info_print_table_end() };
        // SAFETY: `module` is this extension's entry, given to us by the engine.
        unsafe { display_ini_entries(module) };
    }));
}

fn url() -> String {
    match config::URL.text() {
        Ok(Some(r)) => format!("{} (from {})", r.value, r.from),
        Ok(None) => "not set".to_owned(),
        Err(e) => format!("invalid: {e}"),
    }
}

fn secret_state(secret: &'static SecretSetting) -> String {
    match secret.source() {
        None => "not set".to_owned(),
        Some((Source::Ini | Source::Env, from)) => format!("set (from {from})"),
        Some((Source::IniFile | Source::EnvFile, from)) => format!("set (file named by {from})"),
    }
}

fn c(text: &str) -> CString {
    CString::new(text.replace('\0', "\\0")).unwrap_or_default()
}

fn header(a: &str, b: &str) {
    let (a, b) = (c(a), c(b));
    // SAFETY: two NUL-terminated strings for a two-column header (HTML-escaped by PHP).
    unsafe { php_info_print_table_header(2, a.as_ptr(), b.as_ptr()) };
}

fn row(a: &str, b: &str) {
    let (a, b) = (c(a), c(b));
    // SAFETY: two NUL-terminated strings for a two-column row (HTML-escaped by PHP).
    unsafe { php_info_print_table_row(2, a.as_ptr(), b.as_ptr()) };
}
