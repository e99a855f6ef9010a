//! `halext`: the command-line tool for the jobs an operator runs by hand: token inspection and
//! verification, the migration job (`migrate`), legacy hash checks (`hash`) and the per-site
//! checks of `doctor`.
//!
//! Layout: [`cli`] defines the arguments (clap derive: one [`cli::Command`] variant per command
//! family, each family's arguments in its own `cmd/<family>.rs`); [`output`] prints results and
//! errors the same way for every command (human text or `--format json`); [`exit`] holds the
//! exit codes. Logic lives in `halext-core`; a command parses, calls the core and prints.
//!
//! Exit codes (documented in `docs/cli.md`): 0 success, 1 the check failed (e.g. the token is
//! invalid), 2 usage or configuration error (bad arguments, missing secret, unreadable file),
//! 130 interrupted by Ctrl-C/SIGTERM at a clean point (rerun to resume).

mod cli;
mod cmd;
mod config;
mod exit;
mod input;
mod interrupt;
mod output;
mod progress;

use clap::Parser;

fn main() -> std::process::ExitCode {
    restore_default_sigpipe();
    let cli = cli::Cli::parse();
    init_logging(cli.verbose);
    let out = output::Output::new(cli.format);
    if cli.format == cli::Format::Csv && !cli.command.supports_csv() {
        let f = output::Failure::new(
            exit::Exit::Usage,
            halext_core::Code::InvalidArgument,
            "--format csv is only for `migrate plan` and `migrate export`",
        );
        out.failure(&f);
        return f.exit.into();
    }
    let outcome = match cli.command {
        cli::Command::Token(args) => cmd::token::run(args, &out),
        cli::Command::Api(args) => cmd::api::run(args, &out),
        cli::Command::Doctor(args) => cmd::doctor::run(*args, &out),
        cli::Command::Migrate(args) => cmd::migrate::run(args, &out),
        cli::Command::Hash(args) => cmd::hash::run(args, &out),
    };
    match outcome {
        Ok(code) => code.into(),
        Err(failure) => {
            out.failure(&failure);
            failure.exit.into()
        }
    }
}

/// Warnings (e.g. a JWKS fetch that failed) go to stderr; `-v` adds debug details. Never a
/// secret or token: the core does not log them.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HALEXT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}

/// `halext … | head`: like any Unix filter, end quietly when the reader closes the pipe. Rust
/// ignores SIGPIPE so `println!` would panic on the broken pipe instead; the default action
/// ends the process at the write (a migration's writes are transactional, so nothing is half
/// written: see docs/migration.md).
fn restore_default_sigpipe() {
    // SAFETY: called first in `main`, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
