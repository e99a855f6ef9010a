//! Runs the Halext-compatible test server as a process (for PHP, C and end-to-end tests).
//!
//! Prints exactly one line, `listening on http://127.0.0.1:PORT`, on stdout once it accepts
//! connections, and exits cleanly on SIGTERM, SIGINT or (with `--exit-on-stdin-close`) when
//! its stdin closes, so a test runner that dies cannot leak it. Secrets come from a file or an
//! environment variable, never from the command line.

use clap::Parser;
use halext_test_server::{SeedUser, ServerConfig, run};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

/// A Halext-compatible HTTP server for tests (routes at `/…` and `/api/…`, control API at `/__test/…`).
#[derive(Parser, Debug)]
#[command(name = "halext-test-server", version)]
struct Args {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// File holding SECRET_KEY (the HS256 key of access tokens).
    #[arg(long, conflicts_with = "secret_key_env")]
    secret_key_file: Option<PathBuf>,
    /// Environment variable holding SECRET_KEY.
    #[arg(long)]
    secret_key_env: Option<String>,
    /// File holding JWT_SECRET_KEY (the HS256 key of OpenWebUI SSO tokens).
    #[arg(long, conflicts_with = "jwt_secret_key_env")]
    jwt_secret_key_file: Option<PathBuf>,
    /// Environment variable holding JWT_SECRET_KEY.
    #[arg(long)]
    jwt_secret_key_env: Option<String>,
    /// File holding ACCESS_CODE (required on registration unless --dev-mode).
    #[arg(long, conflicts_with = "access_code_env")]
    access_code_file: Option<PathBuf>,
    /// Environment variable holding ACCESS_CODE.
    #[arg(long)]
    access_code_env: Option<String>,
    /// DEV_MODE=true: registration skips the access-code check.
    #[arg(long)]
    dev_mode: bool,
    /// OPENWEBUI_URL (enables `GET /integrations/openwebui`).
    #[arg(long)]
    openwebui_url: Option<String>,
    /// OPENWEBUI_PUBLIC_URL (defaults to --openwebui-url).
    #[arg(long)]
    openwebui_public_url: Option<String>,
    /// OPENWEBUI_SYNC_ENABLED=true (sync and SSO routes answer 503 without it).
    #[arg(long)]
    openwebui_sync: bool,
    /// Pretend OPENWEBUI_ADMIN_EMAIL/PASSWORD are set (user sync then succeeds).
    #[arg(long)]
    openwebui_admin: bool,
    /// Idle keep-alive timeout in milliseconds (uvicorn's default is 5000; 0 = never).
    #[arg(long, default_value_t = 5000)]
    keep_alive_ms: u64,
    /// Emit datetimes with a +00:00 offset (Postgres) instead of none (SQLite).
    #[arg(long)]
    tz_offsets: bool,
    /// Seconds added to the Date header of every response (a skewed server clock, for tests).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    date_offset_s: i64,
    /// JSON file with a list of users to create at start (`{username, email, password,
    /// full_name?, is_admin?, password_hash?, rounds?}`).
    #[arg(long)]
    seed_file: Option<PathBuf>,
    /// Exit when stdin reaches end of file (the parent process went away).
    #[arg(long)]
    exit_on_stdin_close: bool,
}

fn secret(file: &Option<PathBuf>, env: &Option<String>, what: &str) -> Result<Option<String>, String> {
    if let Some(path) = file {
        let s = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {what} file {}: {e}", path.display()))?;
        return Ok(Some(
            s.strip_suffix('\n').map(|s| s.strip_suffix('\r').unwrap_or(s)).unwrap_or(&s).to_owned(),
        ));
    }
    if let Some(var) = env {
        return std::env::var(var)
            .map(Some)
            .map_err(|_| format!("{what}: environment variable {var} is not set"));
    }
    Ok(None)
}

fn config(args: &Args) -> Result<ServerConfig, String> {
    let mut cfg = ServerConfig::default();
    if let Some(k) = secret(&args.secret_key_file, &args.secret_key_env, "SECRET_KEY")? {
        cfg.secret_key = k;
    }
    if let Some(k) = secret(&args.jwt_secret_key_file, &args.jwt_secret_key_env, "JWT_SECRET_KEY")? {
        cfg.jwt_secret_key = k;
    }
    if let Some(c) = secret(&args.access_code_file, &args.access_code_env, "ACCESS_CODE")? {
        cfg.access_code = c;
    }
    cfg.dev_mode = args.dev_mode;
    cfg.openwebui_url = args.openwebui_url.clone();
    cfg.openwebui_public_url = args.openwebui_public_url.clone();
    cfg.openwebui_sync_enabled = args.openwebui_sync;
    cfg.openwebui_admin_configured = args.openwebui_admin;
    cfg.keep_alive_timeout = (args.keep_alive_ms > 0).then(|| Duration::from_millis(args.keep_alive_ms));
    cfg.tz_offsets = args.tz_offsets;
    cfg.date_offset_secs = args.date_offset_s;
    Ok(cfg)
}

fn seeds(args: &Args) -> Result<Vec<SeedUser>, String> {
    let Some(path) = &args.seed_file else { return Ok(Vec::new()) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("bad seed file {}: {e}", path.display()))
}

async fn shutdown_signal(watch_stdin: bool) {
    use tokio::signal::unix::{SignalKind, signal};
    let (tx, mut stdin_closed) = tokio::sync::mpsc::channel::<()>(1);
    if watch_stdin {
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
            let _ = tx.blocking_send(());
        });
    } else {
        std::mem::forget(tx);
    }
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = stdin_closed.recv() => {}
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match real_main(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("halext-test-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn real_main(args: &Args) -> Result<(), String> {
    let cfg = config(args)?;
    let seeds = seeds(args)?;
    let listener = std::net::TcpListener::bind(&args.listen)
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // One thread, like the in-process server: lowest latency on loopback and deterministic.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(async {
        let shutdown = shutdown_signal(args.exit_on_stdin_close);
        let server = tokio::spawn(run(listener, cfg, seeds, shutdown));
        // `run` registers the listener before it accepts; the socket already queues connections.
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
        match server.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    })
}
