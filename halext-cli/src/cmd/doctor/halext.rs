//! The Halext checks of `halext doctor`: configuration, `/health`, `/version`, clock skew
//! against the server's `Date`, login with the given credentials, the token accepted by
//! `/users/me/`, local validation of that token with the configured `SECRET_KEY`, OpenWebUI.

use halext_core::api::{ApiError, BlockingClient};
use halext_core::token::Validator;
use halext_core::{Code, HalextError, Secret};

use super::{Check, Context, Outcome};

/// The Halext checks, in order.
pub fn checks() -> Vec<Check> {
    vec![
        Check { name: "config", run: config },
        Check { name: "health", run: health },
        Check { name: "version", run: version },
        Check { name: "clock", run: clock },
        Check { name: "login", run: login },
        Check { name: "token", run: token_accepted },
        Check { name: "token-secret", run: token_secret },
        Check { name: "openwebui", run: openwebui },
    ]
}

/// What to do about a failed call (by the error's code), for the hint.
fn hint(e: &ApiError, ctx: &Context) -> String {
    let url = ctx.config.as_ref().map(|c| c.base_url().to_string()).unwrap_or_default();
    let timeout = ctx.config.as_ref().map_or(0, |c| c.timeout_ms());
    match e.code() {
        Code::ApiConnect => format!(
            "is Halext running and reachable at {url}? Check the host, port and firewall (uvicorn listens on 127.0.0.1:8000 by default)"
        ),
        Code::ApiTimeout => format!(
            "Halext did not answer within {timeout} ms: check the server's load and logs, or raise --timeout-ms / HALEXT_TIMEOUT_MS"
        ),
        Code::ApiNotFound => format!(
            "{url} does not look like the Halext API: behind nginx the base URL ends in /api (https://org.halext.org/api)"
        ),
        Code::ApiDecode => {
            "the answer is not Halext's JSON: does the URL point at another service (a web page, a proxy's error page)?".into()
        }
        Code::ApiTransport => "the connection broke: a proxy or TLS terminator in between? Run again with -v".into(),
        Code::ApiServer if e.status().is_some_and(|s| (300..400).contains(&s)) => {
            "the server redirects: use the exact base URL (https if it redirects to https; /api behind nginx)".into()
        }
        Code::ApiServer => "Halext answered with a server error: check its logs (e.g. journalctl -u halext-api)".into(),
        Code::ApiRateLimited => "something in front of Halext rate-limits this host: check the proxy's limits".into(),
        _ => "see the message; run again with -v for details".into(),
    }
}

fn client(ctx: &Context) -> Option<&BlockingClient> {
    ctx.client.as_ref().filter(|_| ctx.reachable)
}

fn unreachable() -> Outcome {
    Outcome::skip("not run", "Halext is not configured or not reachable (see above)")
}

fn config(ctx: &mut Context) -> Outcome {
    let toml = match ctx.args.client.toml() {
        Ok(t) => t,
        Err(f) => return Outcome::fail(f.message, "fix the halext.toml named by --config / HALEXT_CONFIG"),
    };
    ctx.toml = toml;
    // Single attempts unless asked otherwise: the report says what happened, quickly.
    let retries = ctx.args.client.retries.or(Some(0));
    let args = crate::cmd::client::ClientArgs {
        config: ctx.args.client.config.clone(),
        url: ctx.args.client.url.clone(),
        timeout_ms: ctx.args.client.timeout_ms,
        retries,
    };
    let config = match args.client_config(ctx.toml.as_ref()) {
        Ok(c) => c,
        Err(f) => {
            return Outcome::fail(
                f.message,
                "set HALEXT_URL (or --url, or url in the [halext] section of halext.toml) to the Halext API base URL",
            );
        }
    };
    let source = match &ctx.args.client.config {
        Some(p) => format!(" (from {})", p.display()),
        None => String::new(),
    };
    let detail = format!(
        "{}{source}, timeout {} ms, connect timeout {} ms",
        config.base_url(),
        config.timeout_ms(),
        config.connect_timeout_ms()
    );
    match BlockingClient::new(config.clone()) {
        Ok(c) => {
            ctx.client = Some(c);
            ctx.config = Some(config);
            if ctx.config.as_ref().is_some_and(|c| c.base_url().scheme() == "http")
                && ctx.config.as_ref().and_then(|c| c.base_url().host_str()).is_some_and(|h| !is_loopback(h))
            {
                return Outcome::warn(
                    detail,
                    "plain http to another host sends passwords and tokens in clear: use https (or a loopback address)",
                );
            }
            Outcome::ok(detail)
        }
        Err(e) => {
            Outcome::fail(e.to_string(), "fix the CA file, proxy or access code setting named in the message")
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        || host.trim_matches(['[', ']']).parse::<std::net::Ipv6Addr>().is_ok_and(|ip| ip.is_loopback())
}

fn health(ctx: &mut Context) -> Outcome {
    let Some(c) = ctx.client.as_ref() else { return unreachable() };
    match c.health() {
        Ok(h) => {
            let db = h.components.get("database").and_then(|v| v.as_str()).unwrap_or("?");
            let detail = format!("{}, version {}, database {db}", h.status, h.version);
            if !h.is_healthy() {
                return Outcome::warn(
                    format!("{detail}: {}", h.env.issues.join("; ")),
                    "Halext reports itself degraded: fix the issues listed (server configuration)",
                );
            }
            if !h.env.warnings.is_empty() {
                return Outcome::warn(
                    format!("{detail}; server warnings: {}", h.env.warnings.join("; ")),
                    "not an error for this site, but worth fixing on the server (e.g. set ACCESS_CODE)",
                );
            }
            Outcome::ok(detail)
        }
        Err(e) => {
            let outcome = Outcome::fail(e.to_string(), hint(&e, ctx));
            ctx.reachable = false;
            outcome
        }
    }
}

fn version(ctx: &mut Context) -> Outcome {
    let Some(c) = client(ctx) else { return unreachable() };
    match c.version() {
        Ok(v) => Outcome::ok(format!("{} ({}), features: {}", v.version, v.api_name, v.features.join(", "))),
        Err(e) => Outcome::fail(e.to_string(), hint(&e, ctx)),
    }
}

fn clock(ctx: &mut Context) -> Outcome {
    let Some(c) = client(ctx) else { return unreachable() };
    let reading = match c.server_clock() {
        Ok(r) => r,
        Err(e) => return Outcome::fail(e.to_string(), hint(&e, ctx)),
    };
    let skew = reading.skew_ms();
    let margin = reading.uncertainty_ms();
    let beyond = skew.unsigned_abs().saturating_sub(margin);
    let direction = if skew >= 0 { "ahead of" } else { "behind" };
    let detail = format!(
        "the server's clock is {:.1} s {direction} this host's (±{:.1} s, from its Date header)",
        skew.unsigned_abs() as f64 / 1000.0,
        margin as f64 / 1000.0
    );
    let fix = "run NTP on both hosts (timedatectl set-ntp true, chrony): Halext checks token expiry with no leeway, \
               and a site validating tokens locally then accepts expired ones or rejects fresh ones";
    if beyond <= ctx.args.max_skew * 1000 {
        Outcome::ok(detail)
    } else if beyond <= 60_000 {
        Outcome::warn(detail, fix)
    } else {
        Outcome::fail(detail, fix)
    }
}

fn login(ctx: &mut Context) -> Outcome {
    let Some(user) = ctx.args.username.clone() else {
        return Outcome::skip(
            "no credentials given",
            "add --username USER --password-env VAR (or --password-file FILE) to check logging in",
        );
    };
    let Some(c) = client(ctx) else { return unreachable() };
    let password = ctx.password.clone().unwrap_or_else(|| Secret::new(Vec::new()));
    match c.login(&user, &password) {
        Ok(token) => {
            let minutes = token
                .seconds_left(now())
                .map_or("no expiry".into(), |s| format!("expires in {} min", s / 60));
            ctx.token = Some(token);
            Outcome::ok(format!("{user} logged in (token {minutes})"))
        }
        Err(e) if e.code() == Code::ApiUnauthorized => Outcome::fail(
            e.to_string(),
            "wrong username/email or password (Halext accepts either the username or the email)",
        ),
        Err(e) if e.status() == Some(500) => Outcome::fail(
            e.to_string(),
            "Halext could not check the stored password hash: the account was probably imported with a non-pbkdf2 \
             hash (reference §1.6); migrate it at the next legacy login or reset the password on the server",
        ),
        Err(e) => Outcome::fail(e.to_string(), hint(&e, ctx)),
    }
}

fn token_accepted(ctx: &mut Context) -> Outcome {
    let Some(token) = ctx.token.clone() else {
        return Outcome::skip("no token to check", "needs a successful login (--username)");
    };
    let Some(c) = client(ctx) else { return unreachable() };
    match c.me(&token) {
        Ok(user) if token.subject().is_some_and(|s| s != user.username) => Outcome::fail(
            format!("the token's sub is not the user /users/me/ returned ({})", user.username),
            "the server maps tokens to another user: report this to the Halext administrators",
        ),
        Ok(user) => Outcome::ok(format!(
            "GET /users/me/ accepts it: {} (id {}{})",
            user.username,
            user.id,
            if user.is_admin { ", admin" } else { "" }
        )),
        Err(e) if e.code() == Code::ApiUnauthorized => Outcome::fail(
            e.to_string(),
            "Halext rejects the token it just issued: do its workers share one SECRET_KEY? Is its clock right?",
        ),
        Err(e) => Outcome::fail(e.to_string(), hint(&e, ctx)),
    }
}

fn token_secret(ctx: &mut Context) -> Outcome {
    let source = match (&ctx.args.jwt_secret_env, &ctx.args.jwt_secret_file) {
        (Some(var), _) => {
            Secret::from_env(var).map_err(|e| format!("{var}_FILE: {e}")).map(|s| s.map(|s| (s, var.clone())))
        }
        (None, Some(path)) => Secret::from_file(path)
            .map(|s| Some((s, path.display().to_string())))
            .map_err(|e| format!("{}: {e}", path.display())),
        (None, None) => Secret::from_env("HALEXT_JWT_SECRET")
            .map_err(|e| format!("HALEXT_JWT_SECRET_FILE: {e}"))
            .map(|s| s.map(|s| (s, "HALEXT_JWT_SECRET".into()))),
    };
    let (secret, from) = match source {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Outcome::skip(
                "no Halext SECRET_KEY configured here",
                "set HALEXT_JWT_SECRET_FILE (or --jwt-secret-file) to check that tokens validate locally \
                 (needed by sites that call halext_validate_token)",
            );
        }
        Err(e) => {
            return Outcome::fail(
                format!("cannot read the secret: {e}"),
                "fix the secret's file or variable",
            );
        }
    };
    let Some(token) = ctx.token.clone() else {
        return Outcome::skip("no token to validate", "needs a successful login (--username)");
    };
    let validator = match Validator::halext_access_token(secret) {
        Ok(v) => v,
        Err(e) => {
            return Outcome::fail(
                format!("the secret from {from} is unusable: {e}"),
                "Halext's SECRET_KEY should be a long random value (32 bytes or more)",
            );
        }
    };
    match validator.validate(token.expose()) {
        Ok(claims) => Outcome::ok(format!(
            "a token Halext issued validates with the secret from {from} (sub {})",
            claims.sub().unwrap_or("?")
        )),
        Err(e) if e.code() == Code::TokenBadSignature => Outcome::fail(
            format!("the secret from {from} does not verify Halext's tokens ({e})"),
            "it must be exactly the server's SECRET_KEY (compare the files; a trailing newline is removed)",
        ),
        Err(e) => Outcome::fail(
            format!("local validation failed: {e}"),
            "see the message; check the clocks (clock check)",
        ),
    }
}

fn openwebui(ctx: &mut Context) -> Outcome {
    let Some(c) = client(ctx) else { return unreachable() };
    match c.openwebui_status() {
        Ok(s) if s.enabled => Outcome::ok(format!("enabled at {}", s.url.unwrap_or_default())),
        Ok(_) => Outcome::ok("not enabled on this Halext (OPENWEBUI_URL unset); SSO links are unavailable"),
        Err(e) => Outcome::fail(e.to_string(), hint(&e, ctx)),
    }
}

fn now() -> i64 {
    crate::output::now()
}
