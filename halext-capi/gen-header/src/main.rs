//! `halext-gen-header`: prints `include/halext.h` to stdout.
//!
//! Uses cbindgen as a library (built once with the workspace) so neither developers nor CI
//! need `cargo install cbindgen`. Run through `scripts/gen-header.sh` (`make header`,
//! `make header-check`). The configuration is `halext-capi/cbindgen.toml`; this program only
//! adds the version macros, which it takes from the workspace version.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match generate() {
        Ok(header) => match std::io::stdout().lock().write_all(&header) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("halext-gen-header: cannot write the header: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("halext-gen-header: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<Vec<u8>, String> {
    // This crate lives in halext-capi/gen-header; the crate to bind is its parent.
    let capi_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .ok_or("cannot locate the halext-capi directory")?;
    let mut config = cbindgen::Config::from_file(capi_dir.join("cbindgen.toml"))?;
    config.after_includes = Some(version_macros());
    let bindings = cbindgen::Builder::new()
        .with_crate(&capi_dir)
        .with_config(config)
        .generate()
        .map_err(|e| format!("cbindgen failed: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    Ok(out)
}

fn version_macros() -> String {
    format!(
        "\n/** The version of the header (compare with halext_version() at run time). */\n\
         #define HALEXT_VERSION \"{}\"\n\
         #define HALEXT_VERSION_MAJOR {}\n\
         #define HALEXT_VERSION_MINOR {}\n\
         #define HALEXT_VERSION_PATCH {}",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    )
}
