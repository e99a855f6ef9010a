//! `halext api get|post|put|delete PATH`: any Halext route for operators, printing the JSON
//! answer. The bearer token comes from `--token-env VAR` or `--token-file FILE`, never argv.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use halext_core::api::{AccessToken, BlockingClient, Method};
use halext_core::{Code, HalextError};
use serde_json::Value;

use super::client::{ClientArgs, secret};
use crate::exit::Exit;
use crate::output::{Failure, Output};

/// `halext api ...`
#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// GET a route and print its JSON answer (retried on connection failures, 5xx and 429).
    Get(RequestArgs),
    /// POST to a route (body from --json FILE or - for stdin); never retried.
    Post(RequestArgs),
    /// PUT to a route (body from --json); retried like GET.
    Put(RequestArgs),
    /// DELETE a route; retried like GET.
    Delete(RequestArgs),
}

/// The arguments every method takes.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The bare route path with its exact trailing slash, e.g. /users/me/ or /content/public/blog
    /// (Halext answers 307 to the other form; the client reports it instead of following it).
    #[arg(value_name = "PATH")]
    pub path: String,

    /// A query parameter (repeatable, sent in order).
    #[arg(long = "query", short = 'q', value_name = "NAME=VALUE")]
    pub query: Vec<String>,

    /// The JSON body: a file, or - for stdin (POST and PUT only).
    #[arg(long, value_name = "FILE|-")]
    pub json: Option<PathBuf>,

    /// Read the bearer token from environment variable VAR (or the file named by VAR_FILE).
    #[arg(long, value_name = "VAR", conflicts_with = "token_file")]
    pub token_env: Option<String>,

    /// Read the bearer token from a file (- for stdin); a "Bearer " prefix is removed.
    #[arg(long, value_name = "FILE|-")]
    pub token_file: Option<PathBuf>,

    /// Where Halext is.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Runs `halext api ...`: prints the answer (pretty JSON; `null` for an empty one) and exits 0,
/// or reports the API error and exits 1 (usage and configuration errors: 2).
///
/// # Errors
/// The failure to print and its exit code.
pub fn run(command: ApiCommand, out: &Output) -> Result<Exit, Failure> {
    let (method, args) = match command {
        ApiCommand::Get(a) => (Method::GET, a),
        ApiCommand::Post(a) => (Method::POST, a),
        ApiCommand::Put(a) => (Method::PUT, a),
        ApiCommand::Delete(a) => (Method::DELETE, a),
    };
    let usage = |m: String| Failure::new(Exit::Usage, Code::InvalidArgument, m);
    if args.json.is_some() && !matches!(method, Method::POST | Method::PUT) {
        return Err(usage(format!("--json is for post and put, not {}", method.as_str().to_lowercase())));
    }
    if args.json.as_deref() == Some(Path::new("-")) && args.token_file.as_deref() == Some(Path::new("-")) {
        return Err(usage("--json - and --token-file - cannot both read stdin".into()));
    }
    let query = args
        .query
        .iter()
        .map(|q| {
            q.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| usage(format!("--query {q:?} is not NAME=VALUE")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let body = args.json.as_deref().map(read_json).transpose()?;
    let token = match secret(args.token_env.as_deref(), args.token_file.as_deref(), "token")? {
        None => None,
        Some(s) => {
            let text = s.expose_str().ok_or_else(|| usage("the token is not UTF-8".into()))?.trim();
            let text = halext_core::token::bearer_token(text).unwrap_or(text);
            Some(AccessToken::new(text))
        }
    };
    let toml = args.client.toml()?;
    let client =
        BlockingClient::new(args.client.client_config(toml.as_ref())?).map_err(Failure::from_error)?;
    let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    match client.request_json(method, &args.path, token.as_ref(), &pairs, body.as_ref()) {
        Ok(answer) => {
            let text = serde_json::to_string_pretty(&answer).unwrap_or_default();
            out.result(&text, &answer);
            Ok(Exit::Ok)
        }
        Err(e) => {
            // A refused request (bad path) or a configuration problem is the caller's to fix;
            // anything the server or the network did is "the check failed".
            let exit = match e.code() {
                Code::ApiRequest | Code::Config => Exit::Usage,
                _ => Exit::CheckFailed,
            };
            let mut message = e.to_string();
            if !e.field_errors().is_empty() {
                let fields: Vec<String> =
                    e.field_errors().iter().map(|f| format!("{}: {}", f.field(), f.msg)).collect();
                message = format!("{message}\n  {}", fields.join("\n  "));
            }
            Err(Failure::new(exit, e.code(), message))
        }
    }
}

/// Reads and parses the JSON body from a file or stdin (`-`), at most 64 MiB.
fn read_json(path: &Path) -> Result<Value, Failure> {
    let mut raw = Vec::new();
    let limit = 64 * 1024 * 1024;
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut raw)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut raw))
    };
    read.map_err(|e| {
        Failure::new(Exit::Usage, Code::Io, format!("cannot read --json {}: {e}", path.display()))
    })?;
    serde_json::from_slice(&raw).map_err(|e| {
        Failure::new(
            Exit::Usage,
            Code::InvalidArgument,
            format!("--json {}: not valid JSON (line {} column {})", path.display(), e.line(), e.column()),
        )
    })
}
