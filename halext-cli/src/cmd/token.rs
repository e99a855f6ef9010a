//! `halext token inspect|verify`: decode a token without trusting it, or verify it with a
//! profile. The token is read from a file or stdin, never from argv; secrets come from the
//! environment or a file.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use halext_core::token::{Claims, Profile, ValidatorOptions, decode_unverified};
use halext_core::{Code, Secret};
use serde_json::{Map, Value, json};

use crate::exit::Exit;
use crate::input::read_token;
use crate::output::{Failure, Output, describe_time, now, utc};

/// `halext token ...`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Decode a token WITHOUT verifying it: header, claims, expiry in plain words.
    ///
    /// Nothing in the output is trustworthy (anyone can write any claims); use `verify` for a
    /// decision. Exit status 0 when the token decodes, 1 when it does not.
    Inspect(InspectArgs),
    /// Verify a token: signature, algorithm, expiry and the profile's claim rules.
    ///
    /// Profiles: `halext` (access tokens from POST /token: HS256, `sub` + `exp`), `openwebui`
    /// (SSO tokens: HS256, `iss` = halext-org), `jwt` (anything, with --algorithm and keys).
    /// The secret comes from --secret-env VAR (VAR or the file named by VAR_FILE) or
    /// --secret-file PATH; by default from HALEXT_JWT_SECRET or HALEXT_JWT_SECRET_FILE (halext),
    /// HALEXT_OPENWEBUI_SECRET or HALEXT_OPENWEBUI_SECRET_FILE (openwebui); the jwt profile uses a
    /// secret only when one of the two options is given. Exit status 0 valid, 1 rejected, 2 usage/configuration error.
    Verify(Box<VerifyArgs>),
}

/// Arguments of `halext token inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// File holding the token, or `-` for stdin (the default). A `Bearer ` prefix is removed.
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,
}

/// The `--profile` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Halext access tokens (POST /token).
    Halext,
    /// OpenWebUI SSO tokens (POST /integrations/openwebui/sso).
    #[value(name = "openwebui")]
    OpenWebUi,
    /// Any JWT (give --algorithm and a key source).
    Jwt,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Halext => Profile::Halext,
            ProfileArg::OpenWebUi => Profile::OpenWebUi,
            ProfileArg::Jwt => Profile::Jwt,
        }
    }
}

/// Arguments of `halext token verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// File holding the token, or `-` for stdin (the default). A `Bearer ` prefix is removed.
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,

    /// Which kind of token.
    #[arg(long, value_enum, default_value_t = ProfileArg::Halext)]
    pub profile: ProfileArg,

    /// Read the HMAC secret from environment variable VAR (or the file named by VAR_FILE).
    #[arg(long, value_name = "VAR", conflicts_with = "secret_file")]
    pub secret_env: Option<String>,

    /// Read the HMAC secret from a file (one trailing newline removed).
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,

    /// Allowed algorithm (jwt; repeat or comma-separate): HS256, RS256, PS256, ES256, EdDSA, ...
    #[arg(long = "algorithm", value_name = "ALG", value_delimiter = ',')]
    pub algorithms: Vec<String>,

    /// A PEM public key file (jwt; repeatable): RSA, EC P-256/P-384 or Ed25519.
    #[arg(long = "public-key", value_name = "PEM_FILE")]
    pub public_keys: Vec<PathBuf>,

    /// A JWKS document file (jwt).
    #[arg(long, value_name = "FILE")]
    pub jwks_file: Option<PathBuf>,

    /// A JWKS URL, https (jwt).
    #[arg(long, value_name = "URL")]
    pub jwks_url: Option<String>,

    /// Accept plain http:// for a loopback JWKS URL (tests only).
    #[arg(long)]
    pub allow_http_jwks: bool,

    /// Timeout of the JWKS fetch, in milliseconds (default 5000).
    #[arg(long, value_name = "MS")]
    pub jwks_timeout_ms: Option<u64>,

    /// Required issuer (jwt; repeat to accept any of several).
    #[arg(long = "issuer", value_name = "ISS")]
    pub issuers: Vec<String>,

    /// Required audience (jwt; repeat to accept any of several).
    #[arg(long = "audience", value_name = "AUD")]
    pub audiences: Vec<String>,

    /// Clock-skew allowance in seconds (default 0).
    #[arg(long, value_name = "SECONDS")]
    pub leeway: Option<u64>,

    /// A claim that must be present (repeatable).
    #[arg(long = "require-claim", value_name = "NAME")]
    pub required_claims: Vec<String>,

    /// Largest accepted token in bytes (default 8192).
    #[arg(long, value_name = "BYTES")]
    pub max_token_bytes: Option<u64>,

    /// Accept an HMAC secret shorter than 32 bytes (legacy deployments).
    #[arg(long)]
    pub allow_short_secret: bool,

    /// Accept tokens without `exp` (they never expire).
    #[arg(long)]
    pub allow_missing_exp: bool,
}

/// Runs a `halext token` command.
///
/// # Errors
/// A [`Failure`] to print (its exit code: 1 rejected/undecodable token, 2 usage/configuration).
pub fn run(cmd: TokenCommand, out: &Output) -> Result<Exit, Failure> {
    match cmd {
        TokenCommand::Inspect(args) => inspect(&args, out),
        TokenCommand::Verify(args) => verify(&args, out),
    }
}

/// Human lines for the registered times of `claims` (`exp`, `nbf`, `iat`), and their JSON.
fn times(claims: &Map<String, Value>, now: i64) -> (String, Value) {
    let mut text = String::new();
    let mut json = Map::new();
    for (name, label) in [("exp", "expires"), ("nbf", "not before"), ("iat", "issued")] {
        let Some(v) = claims.get(name) else { continue };
        match v.as_f64() {
            Some(f) if f.is_finite() => {
                let secs = f.floor() as i64;
                text.push_str(&format!("{label:<11} {}\n", describe_time(secs, now)));
                let mut t = json!({"value": v, "utc": utc(secs)});
                if name == "exp" {
                    t["expired"] = Value::Bool(now >= secs);
                }
                json.insert(name.into(), t);
            }
            _ => text.push_str(&format!("{label:<11} {v} (not a number)\n")),
        }
    }
    (text, Value::Object(json))
}

fn inspect(args: &InspectArgs, out: &Output) -> Result<Exit, Failure> {
    let token = read_token(args.input.as_deref())?;
    let decoded = decode_unverified(&token).map_err(|e| {
        let mut f = Failure::from_error(e);
        f.exit = Exit::CheckFailed; // an undecodable token is the check failing
        f
    })?;
    let now = now();
    let (time_text, time_json) = times(&decoded.claims, now);
    let pretty = |m: &Map<String, Value>| serde_json::to_string_pretty(m).unwrap_or_default();
    let mut human = String::from("UNVERIFIED: decoded without checking the signature or any claim\n");
    human.push_str(&format!("header:\n{}\nclaims:\n{}\n", pretty(&decoded.header), pretty(&decoded.claims)));
    human.push_str(&time_text);
    human.push_str(&format!("signature   {} bytes\n", decoded.signature_len));
    let json = json!({
        "verified": false,
        "header": decoded.header,
        "claims": decoded.claims,
        "times": time_json,
        "signature_bytes": decoded.signature_len,
    });
    out.result(&human, &json);
    Ok(Exit::Ok)
}

fn usage(code: Code, message: impl Into<String>) -> Failure {
    Failure::new(Exit::Usage, code, message)
}

/// The secret for `args`: explicit options first, then the profile's default variable.
fn secret(args: &VerifyArgs) -> Result<Option<Secret>, Failure> {
    if let Some(path) = &args.secret_file {
        return Secret::from_file(path)
            .map(Some)
            .map_err(|e| usage(Code::Io, format!("cannot read the secret file {}: {e}", path.display())));
    }
    let (var, required) = match (&args.secret_env, args.profile) {
        (Some(var), _) => (var.as_str(), true),
        (None, ProfileArg::Halext) => ("HALEXT_JWT_SECRET", true),
        (None, ProfileArg::OpenWebUi) => ("HALEXT_OPENWEBUI_SECRET", true),
        (None, ProfileArg::Jwt) => return Ok(None),
    };
    match Secret::from_env(var) {
        Ok(Some(s)) => Ok(Some(s)),
        Ok(None) if required => Err(usage(
            Code::Config,
            format!(
                "no secret: set {var} (or {var}_FILE to a file holding it), or use --secret-env / --secret-file"
            ),
        )),
        Ok(None) => Ok(None),
        Err(e) => Err(usage(Code::Io, format!("cannot read the file named by {var}_FILE: {e}"))),
    }
}

fn read_file(path: &PathBuf, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| usage(Code::Io, format!("cannot read the {what} {}: {e}", path.display())))
}

/// The flags as the core's named options (the same names PHP and C use), so the core checks
/// them all and reports problems with one set of messages.
fn options(args: &VerifyArgs) -> Result<ValidatorOptions, Failure> {
    let mut m = Map::new();
    m.insert("profile".into(), json!(Profile::from(args.profile).as_str()));
    let mut list = |name: &str, items: &[String]| {
        if !items.is_empty() {
            m.insert(name.into(), json!(items));
        }
    };
    list("algorithms", &args.algorithms);
    list("issuer", &args.issuers);
    list("audience", &args.audiences);
    list("required_claims", &args.required_claims);
    let pems =
        args.public_keys.iter().map(|p| read_file(p, "public key file")).collect::<Result<Vec<_>, _>>()?;
    if !pems.is_empty() {
        m.insert("public_key_pem".into(), json!(pems));
    }
    if let Some(p) = &args.jwks_file {
        m.insert("jwks".into(), json!(read_file(p, "JWKS file")?));
    }
    for (name, value) in [
        ("jwks_url", args.jwks_url.as_ref().map(|u| json!(u))),
        ("jwks_timeout_ms", args.jwks_timeout_ms.map(|v| json!(v))),
        ("leeway", args.leeway.map(|v| json!(v))),
        ("max_token_bytes", args.max_token_bytes.map(|v| json!(v))),
    ] {
        if let Some(v) = value {
            m.insert(name.into(), v);
        }
    }
    for (name, on) in [
        ("allow_http_jwks", args.allow_http_jwks),
        ("allow_short_secret", args.allow_short_secret),
        ("allow_missing_exp", args.allow_missing_exp),
    ] {
        if on {
            m.insert(name.into(), Value::Bool(true));
        }
    }
    let options = ValidatorOptions::from_map(&m).map_err(Failure::from_error)?;
    match secret(args)? {
        Some(s) => options.with_secret(s).map_err(Failure::from_error),
        None => Ok(options),
    }
}

fn verify(args: &VerifyArgs, out: &Output) -> Result<Exit, Failure> {
    // The input first: a token pasted on the command line is refused before anything else.
    let token = read_token(args.input.as_deref())?;
    let options = options(args)?;
    let validator = options.build().map_err(Failure::from_error)?;
    let claims: Claims = validator.validate(&token).map_err(Failure::from_error)?;
    let now = now();
    let map = match claims.to_json() {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let (time_text, time_json) = times(&map, now);
    let profile = Profile::from(args.profile).as_str();
    let mut human = format!("valid {profile} token ({}", claims.alg_name());
    if let Some(kid) = claims.kid() {
        human.push_str(&format!(", kid {kid:?}"));
    }
    human.push_str(")\n");
    if let Some(sub) = claims.sub() {
        human.push_str(&format!("{:<11} {sub}\n", "subject"));
    }
    human.push_str(&time_text);
    human.push_str(&format!("claims:\n{}\n", serde_json::to_string_pretty(&map).unwrap_or_default()));
    let json = json!({
        "valid": true,
        "profile": profile,
        "alg": claims.alg_name(),
        "kid": claims.kid(),
        "claims": map,
        "times": time_json,
    });
    out.result(&human, &json);
    Ok(Exit::Ok)
}
