//! How the API commands (`halext api`, `halext doctor`) find Halext: `--config halext.toml`
//! (its `[halext]` section, falling back to `HALEXT_*`), or `--url` / `HALEXT_*` alone; then
//! `--timeout-ms` / `--retries` on top. Secrets (a bearer token, a password) come from an
//! environment variable (`NAME`, or the file named by `NAME_FILE`) or a file, never argv.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use halext_core::api::{ClientConfig, ClientOptions};
use halext_core::config::HalextToml;
use halext_core::{Code, Secret};

use crate::exit::Exit;
use crate::output::Failure;

/// Where Halext is and how to talk to it.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// A halext.toml whose [halext] section configures the client (keys fall back to the
    /// HALEXT_* variables). Default: $HALEXT_CONFIG; without one, HALEXT_* variables only.
    #[arg(long, value_name = "FILE", env = "HALEXT_CONFIG", conflicts_with = "url")]
    pub config: Option<PathBuf>,

    /// The Halext API base URL, with or without /api (overrides HALEXT_URL).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Whole-request timeout per attempt, in milliseconds (0 = none).
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,

    /// Extra attempts for GET/PUT/DELETE on connection failures, 5xx and 429.
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
}

impl ClientArgs {
    /// The halext.toml, when one is given.
    ///
    /// # Errors
    /// A usage failure (`config`) when it cannot be read or is invalid.
    pub fn toml(&self) -> Result<Option<HalextToml>, Failure> {
        self.config.as_deref().map(HalextToml::from_file).transpose().map_err(Failure::from_error)
    }

    /// The client configuration: the file's `[halext]` section (or `--url`), falling back to
    /// `HALEXT_*`, then `--timeout-ms` and `--retries` on top.
    ///
    /// # Errors
    /// A usage failure (`config`): no URL anywhere, a malformed value, an unreadable file.
    pub fn client_config(&self, toml: Option<&HalextToml>) -> Result<ClientConfig, Failure> {
        let mut config = match toml {
            Some(t) => t.client_config().map_err(Failure::from_error)?,
            None => {
                let options = ClientOptions { url: self.url.clone(), ..ClientOptions::default() };
                options.into_config(|name| std::env::var(name).ok()).map_err(Failure::from_error)?
            }
        };
        if let Some(ms) = self.timeout_ms {
            config = config.with_timeout_ms(ms);
        }
        if let Some(n) = self.retries {
            config = config.with_retries(n);
        }
        Ok(config)
    }
}

/// A secret from `--X-env VAR` (VAR, or the file named by VAR_FILE) or `--X-file PATH` (`-`:
/// stdin; one trailing newline removed); `None` when neither is given. `what` names it in
/// messages (`token`, `password`).
///
/// # Errors
/// A usage failure naming the variable or file (never the value).
pub fn secret(env: Option<&str>, file: Option<&Path>, what: &str) -> Result<Option<Secret>, Failure> {
    if let Some(var) = env {
        return match Secret::from_env(var) {
            Ok(Some(s)) => Ok(Some(s)),
            Ok(None) => Err(Failure::new(
                Exit::Usage,
                Code::Config,
                format!("the {what}: environment variable {var} (or {var}_FILE) is not set"),
            )),
            Err(e) => Err(Failure::new(Exit::Usage, Code::Io, format!("the {what}: {var}_FILE: {e}"))),
        };
    }
    let Some(path) = file else { return Ok(None) };
    if path.as_os_str() == "-" {
        let mut raw = Vec::new();
        std::io::stdin().lock().take(64 * 1024).read_to_end(&mut raw).map_err(|e| {
            Failure::new(Exit::Usage, Code::Io, format!("cannot read the {what} from stdin: {e}"))
        })?;
        if raw.ends_with(b"\n") {
            raw.pop();
            if raw.ends_with(b"\r") {
                raw.pop();
            }
        }
        return Ok(Some(Secret::new(raw)));
    }
    Secret::from_file(path).map(Some).map_err(|e| {
        Failure::new(Exit::Usage, Code::Io, format!("cannot read the {what} from {}: {e}", path.display()))
    })
}
