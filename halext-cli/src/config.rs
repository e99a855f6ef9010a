//! Finding and reading `halext.toml` (`--config`, else `HALEXT_CONFIG`, else `./halext.toml`),
//! and the runtime the database commands run on.

use std::path::Path;

use halext_core::Code;
use halext_core::config::HalextToml;

use crate::exit::Exit;
use crate::output::Failure;

/// Reads and checks the configuration file (its secrets are resolved later, when a site or
/// the store is opened).
///
/// # Errors
/// A usage failure naming the file when it is missing, unreadable or invalid; the message
/// says how the file was chosen when it is the default.
pub fn load(path: &Path) -> Result<HalextToml, Failure> {
    if !path.exists() {
        return Err(Failure::new(
            Exit::Usage,
            Code::Config,
            format!(
                "no configuration file at {} (give --config FILE or set HALEXT_CONFIG; \
                 examples/halext.toml is a commented template)",
                path.display()
            ),
        ));
    }
    HalextToml::from_file(path).map_err(Failure::from_error)
}

/// A tokio runtime for one command: current-thread (the work is I/O-bound and every library
/// object of one command lives on it; see `halext_core::runtime`).
///
/// # Errors
/// An internal failure when the OS refuses the runtime's resources.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Exit::Usage, Code::Internal, format!("cannot start the runtime: {e}")))
}
