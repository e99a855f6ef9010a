//! `halext hash verify|identify`: check one legacy password hash by hand (support requests,
//! checking a site's salts before a migration). The hash is not a secret and may be given on
//! the command line; the password never is: it comes from stdin (one line) or a file.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use halext_core::legacy::LegacyError;
use halext_core::legacy::error::UnusableReason;
use halext_core::legacy::password::{self, APPS, HashFormat, Md5Salts, PasswordRules};
use halext_core::legacy::source::password_rules;
use halext_core::mapping::plan::HashNote;
use halext_core::{Code, Secret};
use serde_json::json;

use crate::exit::Exit;
use crate::output::{Failure, Output};

/// `halext hash ...`
#[derive(Debug, Subcommand)]
pub enum HashCommand {
    /// Check a password against a stored hash, as the legacy app's login would.
    ///
    /// The password is read from stdin (one line, the trailing newline removed) or from
    /// --password-file, never from the command line. Prints `match (scheme, input form)`,
    /// `no match`, or why the hash can never match. Exit status 0 match, 1 no match,
    /// 2 unusable hash, unknown format or usage error.
    Verify(Box<VerifyArgs>),
    /// Name the format of a stored hash (md5_hex, phpass, bcrypt, wp_bcrypt, pbkdf2_sha256)
    /// and its parameters. Exit status 0 recognised, 1 unknown or unusable.
    Identify(IdentifyArgs),
}

/// Arguments of `halext hash verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The stored hash itself (a hash is not a secret).
    #[arg(long, value_name = "HASH", group = "hash_source")]
    pub hash: Option<String>,

    /// A file holding the stored hash (surrounding whitespace removed).
    #[arg(long, value_name = "FILE", group = "hash_source")]
    pub hash_file: Option<PathBuf>,

    /// An environment variable holding the stored hash.
    #[arg(long, value_name = "VAR", group = "hash_source")]
    pub hash_env: Option<String>,

    /// Read the password from this file (the whole file, one trailing newline removed)
    /// instead of one line of stdin.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Which app wrote the hash: generic (any scheme, every input form), acmlmboard,
    /// wordpress, zen3mp, halext.
    #[arg(long, default_value = "generic", value_name = "APP", conflicts_with = "site")]
    pub app: String,

    /// Check as a configured `[[site]]` of --config does (its profile, variant, salts).
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,

    /// The configuration file for --site.
    #[arg(long, env = "HALEXT_CONFIG", default_value = "halext.toml", value_name = "FILE")]
    pub config: PathBuf,

    /// Acmlmboard `$pwdsalt` from this environment variable (or VAR_FILE).
    #[arg(long, value_name = "VAR", conflicts_with = "pwdsalt_file")]
    pub pwdsalt_env: Option<String>,

    /// Acmlmboard `$pwdsalt` from this file.
    #[arg(long, value_name = "FILE")]
    pub pwdsalt_file: Option<PathBuf>,

    /// Acmlmboard `$pwdsalt2` from this environment variable (or VAR_FILE).
    #[arg(long, value_name = "VAR", conflicts_with = "pwdsalt2_file")]
    pub pwdsalt2_env: Option<String>,

    /// Acmlmboard `$pwdsalt2` from this file.
    #[arg(long, value_name = "FILE")]
    pub pwdsalt2_file: Option<PathBuf>,
}

/// Arguments of `halext hash identify`.
#[derive(Debug, Args)]
pub struct IdentifyArgs {
    /// The stored hash.
    #[arg(value_name = "HASH")]
    pub hash: String,
}

/// Runs a `halext hash` command.
///
/// # Errors
/// A [`Failure`] to print (exit 2 for usage errors and unusable hashes, 1 for an unknown
/// format in `identify`).
pub fn run(cmd: HashCommand, out: &Output) -> Result<Exit, Failure> {
    match cmd {
        HashCommand::Verify(a) => verify(&a, out),
        HashCommand::Identify(a) => identify(&a, out),
    }
}

fn usage(code: Code, message: impl Into<String>) -> Failure {
    Failure::new(Exit::Usage, code, message)
}

/// Largest password read (bytes): far above any app's limit (WordPress: 4096).
const MAX_PASSWORD_BYTES: u64 = 64 * 1024;

/// The password: one line from stdin (its `\n` or `\r\n` removed), or a whole file with
/// one trailing newline removed (as every secret file of halext is read), so a password that
/// contains a newline can still be checked.
fn read_password(file: Option<&PathBuf>) -> Result<Secret, Failure> {
    if let Some(p) = file {
        let secret = Secret::from_file(p)
            .map_err(|e| usage(Code::Io, format!("cannot read the password file {}: {e}", p.display())))?;
        if secret.len() as u64 > MAX_PASSWORD_BYTES {
            return Err(usage(
                Code::InvalidArgument,
                format!("the password is longer than {MAX_PASSWORD_BYTES} bytes"),
            ));
        }
        return Ok(secret);
    }
    let mut raw = zeroize::Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(MAX_PASSWORD_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| usage(Code::Io, format!("cannot read the password from stdin: {e}")))?;
    if raw.len() as u64 > MAX_PASSWORD_BYTES {
        return Err(usage(
            Code::InvalidArgument,
            format!("the password is longer than {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    // One line: everything up to the first newline.
    let line = match raw.iter().position(|&b| b == b'\n') {
        Some(i) => &raw[..i],
        None => &raw[..],
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Secret::new(line))
}

fn read_hash(args: &VerifyArgs) -> Result<String, Failure> {
    let hash = if let Some(h) = &args.hash {
        h.clone()
    } else if let Some(p) = &args.hash_file {
        std::fs::read_to_string(p)
            .map_err(|e| usage(Code::Io, format!("cannot read the hash file {}: {e}", p.display())))?
    } else if let Some(var) = &args.hash_env {
        std::env::var(var)
            .map_err(|_| usage(Code::Config, format!("environment variable {var} is not set")))?
    } else {
        return Err(usage(Code::InvalidArgument, "give the stored hash: --hash, --hash-file or --hash-env"));
    };
    Ok(hash.trim().to_owned())
}

fn salt(name: &str, env: Option<&String>, file: Option<&PathBuf>) -> Result<Option<Secret>, Failure> {
    halext_core::secret::resolve_secret(name, None, env.map(String::as_str), file.map(PathBuf::as_path))
        .map_err(|m| usage(Code::Config, m))
}

fn rules(args: &VerifyArgs) -> Result<(PasswordRules, String), Failure> {
    if let Some(site) = &args.site {
        let cfg = crate::config::load(&args.config)?;
        let site_cfg = cfg.site(site).ok_or_else(|| {
            usage(Code::InvalidArgument, format!("unknown site {site:?} in {}", args.config.display()))
        })?;
        let rules = password_rules(site_cfg).map_err(Failure::from_error)?;
        return Ok((rules, format!("site {site} ({})", site_cfg.profile.as_str())));
    }
    let salts = Md5Salts {
        pwdsalt: salt("pwdsalt", args.pwdsalt_env.as_ref(), args.pwdsalt_file.as_ref())?,
        pwdsalt2: salt("pwdsalt2", args.pwdsalt2_env.as_ref(), args.pwdsalt2_file.as_ref())?,
    };
    let rules = PasswordRules::for_app(&args.app, salts).ok_or_else(|| {
        usage(Code::InvalidArgument, format!("unknown --app {:?} (known: {})", args.app, APPS.join(", ")))
    })?;
    Ok((rules, format!("app {}", args.app)))
}

fn verify(args: &VerifyArgs, out: &Output) -> Result<Exit, Failure> {
    let hash = read_hash(args)?;
    let (rules, checked_as) = rules(args)?;
    let password = read_password(args.password_file.as_ref())?;
    match password::verify_login(Some(&hash), password.expose(), &rules) {
        Ok(Some(m)) => {
            out.result(
                &format!("match ({}, {})\n", m.scheme.as_str(), m.variant.as_str()),
                &json!({"match": true, "scheme": m.scheme.as_str(), "variant": m.variant.as_str(), "checked_as": checked_as}),
            );
            Ok(Exit::Ok)
        }
        Ok(None) => {
            let format = password::detect(&hash).map(HashFormat::as_str).unwrap_or("unknown");
            out.result("no match\n", &json!({"match": false, "format": format, "checked_as": checked_as}));
            Ok(Exit::CheckFailed)
        }
        Err(e) => {
            let mut f = Failure::from_error(e);
            f.message = format!("{} (checked as {checked_as})", f.message);
            Err(f)
        }
    }
}

/// Parameters readable from a hash's text, for `identify`.
fn parameters(hash: &str, format: HashFormat) -> Option<String> {
    match format {
        HashFormat::Bcrypt | HashFormat::WpBcrypt => {
            let body = hash.strip_prefix("$wp").unwrap_or(hash);
            body.get(4..6).map(|c| format!("cost {c}"))
        }
        HashFormat::Phpass => {
            const ITOA64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            let c = *hash.as_bytes().get(3)?;
            ITOA64.iter().position(|&x| x == c).map(|log2| format!("2^{log2} rounds"))
        }
        HashFormat::Pbkdf2Sha256 => hash.split('$').nth(2).map(|r| format!("{r} rounds")),
        HashFormat::Md5Hex => Some("plain or salted md5: the site's rules decide".to_owned()),
    }
}

fn identify(args: &IdentifyArgs, out: &Output) -> Result<Exit, Failure> {
    let hash = args.hash.trim();
    if password::is_empty_password_sentinel(hash) {
        let reason = LegacyError::unusable(UnusableReason::EmptyPasswordSentinel);
        out.result(
            &format!("md5_hex: {}\n", reason),
            &json!({"format": "md5_hex", "usable": false, "reason": reason.to_string()}),
        );
        return Ok(Exit::CheckFailed);
    }
    match password::detect(hash) {
        Ok(format) => {
            let params = parameters(hash, format);
            let note = match HashNote::classify(Some(hash)) {
                HashNote::Md5 => "md5: weak; migrates only if the site's md5 scheme (and salts) verify it",
                _ => "salted scheme: verifiable at login",
            };
            let mut human = format.as_str().to_owned();
            if let Some(p) = &params {
                human.push_str(&format!(" ({p})"));
            }
            human.push_str(&format!("\n{note}\n"));
            out.result(&human, &json!({"format": format.as_str(), "usable": true, "parameters": params}));
            Ok(Exit::Ok)
        }
        Err(e) => {
            let reason = e.to_string();
            let code = halext_core::HalextError::code(&e);
            out.result(
                &format!("{reason}\n"),
                &json!({"format": null, "usable": false, "reason": reason, "code": code.as_str()}),
            );
            Ok(Exit::CheckFailed)
        }
    }
}
