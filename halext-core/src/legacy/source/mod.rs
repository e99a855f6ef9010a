//! [`MysqlSite`]: one configured legacy site backed by MySQL/MariaDB (mysql_async).
//!
//! * [`MysqlSite::users`] streams the whole users table as a [`super::UserSource`], in keyset
//!   pages (`WHERE id > last ORDER BY id LIMIT batch_size`), never the whole table in memory.
//! * [`LegacySite`]: [`find_for_login`](LegacySite::find_for_login) runs the app's own lookup
//!   in SQL so the table's collation decides (AB2 latin1_swedish_ci, WordPress
//!   utf8mb4_unicode_520_ci, …); [`verify_password`](LegacySite::verify_password) applies the
//!   profile's [`PasswordRules`] through [`password::verify_login`].
//! * [`MysqlSite::check_schema`] compares the table with its profile for `halext doctor`.
//!
//! Connections: every connection runs `SET NAMES <table charset>` (so parameters arrive in
//! the table's charset and compare under its collation) and `SET character_set_results =
//! binary` (so text arrives as the stored bytes, decoded here by the rules in
//! `docs/legacy.md` §3). The pool lives in a [`PerProcess`] slot: created on first use in each
//! process, never inherited across `fork()` (PHP-FPM). A site value itself holds no connection
//! and is cheap to clone.
//!
//! The async methods must run on one tokio runtime per process (the CLI's, or
//! [`crate::runtime::block_on`] through the `*_blocking` facades the bindings use).

mod decode;
mod health;
mod phpser;
mod profile;
mod reader;
mod rows;
mod schema;
mod wpmeta;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder, Params, Pool, PoolConstraints, PoolOpts, Value};

pub use self::health::MAX_ID_BATCH;
use self::profile::{Layout, LoginLookup, Spec};
pub use self::reader::MysqlUserSource;
pub use self::schema::{ColumnInfo, Finding, SchemaReport, Severity};
use super::config::{AcmlmVariant, BadRowPolicy, Charset, ProfileKind, SiteConfig};
use super::error::LegacyError;
use super::password::{self, Md5Construction, PasswordMatch, PasswordRules};
use super::{BoxFuture, LegacySite, LegacyUser};
use crate::runtime::PerProcess;

/// Largest accepted `batch_size`.
pub const MAX_BATCH_SIZE: u32 = 100_000;

/// One legacy site backed by MySQL/MariaDB. Cheap to clone (shared inner state).
#[derive(Clone)]
pub struct MysqlSite {
    inner: Arc<Inner>,
}

struct Inner {
    name: Arc<str>,
    spec: Spec,
    rules: PasswordRules,
    opts: Opts,
    batch_size: u32,
    on_bad_row: BadRowPolicy,
    pool: PerProcess<Pool>,
    layout: tokio::sync::OnceCell<Arc<Layout>>,
}

impl fmt::Debug for MysqlSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the DSN: it holds the database password.
        f.debug_struct("MysqlSite")
            .field("name", &self.inner.name)
            .field("profile", &self.inner.spec.profile)
            .field("table", &self.inner.spec.table)
            .finish_non_exhaustive()
    }
}

/// The password rules a site configuration implies (profile defaults, then the
/// configuration's overrides).
///
/// # Errors
/// [`LegacyError::Config`] when a salt cannot be read or a custom section is missing.
pub fn password_rules(cfg: &SiteConfig) -> Result<PasswordRules, LegacyError> {
    let site: Arc<str> = Arc::from(cfg.name.as_str());
    let mut rules = match cfg.profile {
        ProfileKind::Acmlmboard => {
            let ab = cfg.acmlmboard.clone().unwrap_or_default();
            let salts = ab.resolve_salts(&site)?;
            let mut rules = match ab.variant {
                AcmlmVariant::Ab2 => PasswordRules::acmlmboard2(ab.legacylogin, salts),
                AcmlmVariant::Ab2Master | AcmlmVariant::Rasmusolle => PasswordRules::acmlmboard2_md5(salts),
                AcmlmVariant::Ab192 => PasswordRules::acmlmboard1(),
            };
            rules.md5 = ab.md5.clone().unwrap_or_else(|| ab.variant.default_md5());
            rules.windows1252_md5 = ab.windows1252_fallback;
            rules
        }
        ProfileKind::Wordpress => PasswordRules::wordpress(),
        ProfileKind::Zen3mp => PasswordRules::zen3mp(),
        ProfileKind::Custom => {
            let c = cfg
                .custom
                .as_ref()
                .ok_or_else(|| LegacyError::config(&site, "profile = \"custom\" needs [site.custom]"))?;
            let p = &c.passwords;
            PasswordRules {
                accept: p.accept.clone(),
                md5: p.md5.clone().unwrap_or_else(|| vec![Md5Construction::Plain]),
                salts: p.resolve_salts(&site)?,
                addslashes: p.addslashes,
                windows1252_md5: p.windows1252_md5,
                max_password_bytes: p.max_password_bytes,
                limits: cfg.limits,
            }
        }
    };
    rules.limits = cfg.limits;
    Ok(rules)
}

impl MysqlSite {
    /// Validates the configuration and reads its secrets (DSN, salts). No I/O to the database
    /// and no runtime is created here, so this is safe in a PHP module's start-up before fork.
    ///
    /// # Errors
    /// [`LegacyError::Config`]: empty name, bad DSN (the message never contains it), DSN or
    /// salt sources unset or unreadable, batch size outside 1..=[`MAX_BATCH_SIZE`], unsafe
    /// table/column names, missing `[site.custom]`.
    pub fn new(cfg: &SiteConfig) -> Result<Self, LegacyError> {
        let name: Arc<str> = Arc::from(cfg.name.as_str());
        if cfg.name.trim().is_empty() {
            return Err(LegacyError::config(&name, "the site name is empty"));
        }
        if cfg.batch_size == 0 || cfg.batch_size > MAX_BATCH_SIZE {
            return Err(LegacyError::config(&name, format!("batch_size must be 1..={MAX_BATCH_SIZE}")));
        }
        if cfg.max_connections == 0 {
            return Err(LegacyError::config(&name, "max_connections must be at least 1"));
        }
        let spec = Spec::from_config(cfg, &name)?;
        let rules = password_rules(cfg)?;
        let dsn = cfg.resolve_dsn()?;
        let bad_dsn =
            || LegacyError::config(&name, "invalid DSN (expected mysql://user:password@host:port/database)");
        let url = dsn.expose_str().ok_or_else(bad_dsn)?;
        let opts = Opts::from_url(url).map_err(|_| bad_dsn())?;
        if opts.db_name().is_none() {
            return Err(LegacyError::config(&name, "the DSN names no database (mysql://…/database)"));
        }
        let constraints = PoolConstraints::new(0, cfg.max_connections)
            .ok_or_else(|| LegacyError::config(&name, "max_connections is out of range"))?;
        let opts: Opts = OptsBuilder::from_opts(opts)
            .setup(setup_commands(spec.charset))
            .pool_opts(PoolOpts::default().with_constraints(constraints).with_reset_connection(false))
            .into();
        Ok(MysqlSite {
            inner: Arc::new(Inner {
                name,
                spec,
                rules,
                opts,
                batch_size: cfg.batch_size,
                on_bad_row: cfg.on_bad_row,
                pool: PerProcess::new(),
                layout: tokio::sync::OnceCell::new(),
            }),
        })
    }

    /// The configured site name.
    pub fn site_name(&self) -> &Arc<str> {
        &self.inner.name
    }

    /// The profile.
    pub fn profile(&self) -> ProfileKind {
        self.inner.spec.profile
    }

    /// The users table read.
    pub fn table(&self) -> &str {
        &self.inner.spec.table
    }

    /// The password rules in force.
    pub fn password_rules(&self) -> &PasswordRules {
        &self.inner.rules
    }

    /// A reader of the whole users table in keyset pages of `batch_size` rows, ordered by id.
    pub fn users(&self) -> MysqlUserSource {
        MysqlUserSource::new(self.clone())
    }

    /// Like [`LegacySite::verify_password`], but says which scheme and input form matched.
    ///
    /// # Errors
    /// As [`password::verify_login`].
    pub fn verify_password_match(
        &self,
        user: &LegacyUser,
        password: &[u8],
    ) -> Result<Option<PasswordMatch>, LegacyError> {
        password::verify_login(user.password_hash.as_deref(), password, &self.inner.rules)
    }

    /// [`LegacySite::find_for_login`] on this process's runtime (for the PHP and C bindings).
    /// Like every `*_blocking` method, it must not be called from inside an async context.
    ///
    /// # Errors
    /// As the async method; a runtime that cannot start is a [`LegacyError::Database`].
    pub fn find_for_login_blocking(&self, login_or_email: &str) -> Result<Vec<LegacyUser>, LegacyError> {
        self.block(self.find(login_or_email))
    }

    /// [`LegacySite::get_by_id`] on this process's runtime.
    ///
    /// # Errors
    /// As the async method.
    pub fn get_by_id_blocking(&self, id: u64) -> Result<Option<LegacyUser>, LegacyError> {
        self.block(self.by_id(id))
    }

    /// [`MysqlSite::check_schema`] on this process's runtime.
    ///
    /// # Errors
    /// As the async method.
    pub fn check_schema_blocking(&self) -> Result<SchemaReport, LegacyError> {
        self.block(self.check_schema())
    }

    fn block<T>(&self, fut: impl Future<Output = Result<T, LegacyError>>) -> Result<T, LegacyError> {
        crate::runtime::block_on(fut)
            .map_err(|e| LegacyError::database(&self.inner.name, format_args!("runtime: {e}")))?
    }

    fn db_err(&self, e: impl fmt::Display) -> LegacyError {
        LegacyError::database(&self.inner.name, e)
    }

    fn pool(&self) -> Arc<Pool> {
        self.inner.pool.get_or_init(|| Pool::new(self.inner.opts.clone()))
    }

    pub(crate) async fn conn(&self) -> Result<Conn, LegacyError> {
        self.pool().get_conn().await.map_err(|e| self.db_err(e))
    }

    /// The site's SQL, built on first use from the table's actual columns.
    pub(crate) async fn layout(&self) -> Result<Arc<Layout>, LegacyError> {
        self.inner
            .layout
            .get_or_try_init(|| async {
                let mut conn = self.conn().await?;
                let present = self.columns_of(&mut conn, &self.inner.spec.table).await?;
                if present.is_empty() {
                    return Err(LegacyError::Schema {
                        site: Arc::clone(&self.inner.name),
                        table: self.inner.spec.table.clone(),
                        message: "table not found in the DSN's database".into(),
                    });
                }
                let usermeta = match &self.inner.spec.wp {
                    Some((meta, _)) => !self.columns_of(&mut conn, meta).await?.is_empty(),
                    None => false,
                };
                self.inner.spec.layout(&self.inner.name, &present, usermeta).map(Arc::new)
            })
            .await
            .cloned()
    }

    /// Lower-cased column names of `table` in the current database (empty: no such table).
    async fn columns_of(&self, conn: &mut Conn, table: &str) -> Result<HashSet<String>, LegacyError> {
        let names: Vec<Vec<u8>> = conn
            .exec(
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                (table,),
            )
            .await
            .map_err(|e| self.db_err(e))?;
        Ok(names.into_iter().map(|n| String::from_utf8_lossy(&n).to_ascii_lowercase()).collect())
    }

    /// Runs a lookup and decodes every row (a row that cannot be decoded is an error here: a
    /// login must not silently miss an account).
    async fn lookup(
        &self,
        layout: &Layout,
        sql: String,
        params: Vec<Value>,
    ) -> Result<Vec<LegacyUser>, LegacyError> {
        let mut conn = self.conn().await?;
        let rows: Vec<mysql_async::Row> =
            conn.exec(sql, Params::Positional(params)).await.map_err(|e| self.db_err(e))?;
        let mut batch: Vec<Vec<Value>> = rows
            .into_iter()
            .map(|row| row.unwrap_raw().into_iter().map(|v| v.unwrap_or(Value::NULL)).collect())
            .collect();
        if let Some(meta) = &layout.meta {
            wpmeta::attach(self, &mut conn, meta, &mut batch).await?;
        }
        batch
            .into_iter()
            .map(|values| {
                rows::decode(&self.inner.spec, &self.inner.name, values).map_err(LegacyError::Decode)
            })
            .collect()
    }

    async fn by_id(&self, id: u64) -> Result<Option<LegacyUser>, LegacyError> {
        let layout = self.layout().await?;
        Ok(self.lookup(&layout, layout.by_id_sql(), vec![Value::UInt(id)]).await?.into_iter().next())
    }

    /// The login lookup (see [`LegacySite::find_for_login`]).
    async fn find(&self, login_or_email: &str) -> Result<Vec<LegacyUser>, LegacyError> {
        let spec = &self.inner.spec;
        let input = match spec.profile {
            // wp_authenticate() runs sanitize_user(): trim, collapse whitespace (the accent
            // folding it also does is what the table's collation does anyway).
            ProfileKind::Wordpress => login_or_email.split_ascii_whitespace().collect::<Vec<_>>().join(" "),
            _ => login_or_email.to_owned(),
        };
        if input.trim().is_empty() {
            return Ok(Vec::new());
        }
        let candidates = lookup_values(&input, spec.charset);
        let layout = self.layout().await?;
        let run = |columns: Vec<String>| {
            let n = candidates.len();
            let params: Vec<Value> =
                columns.iter().flat_map(|_| candidates.iter().map(|c| Value::Bytes(c.clone()))).collect();
            self.lookup(&layout, layout.match_sql(&columns, n), params)
        };
        match &spec.login {
            LoginLookup::Columns(cols) => run(cols.clone()).await,
            LoginLookup::Email(email) => run(vec![email.clone()]).await,
            LoginLookup::ColumnsThenEmail { columns, email } => {
                let found = run(columns.clone()).await?;
                if found.is_empty() && input.contains('@') {
                    run(vec![email.clone()]).await
                } else {
                    Ok(found)
                }
            }
        }
    }
}

/// ZEN3MP's registration form keeps the typed name as `displayname` and, when that username
/// is taken, stores `name_1`, `name_2`, … as the username (legacy-users.md §3.1). Returns the
/// typed name when `user` looks like such a de-duplicated registration (`login` is
/// `{display_name}_{digits}`), so reports can say "registered as `alice` after `alice` was
/// taken". Plain data: the reader does not change such rows.
pub fn zen3mp_deduplicated_from(user: &LegacyUser) -> Option<&str> {
    let display = user.display_name.as_deref()?;
    let suffix = user.login.strip_prefix(display)?.strip_prefix('_')?;
    (!suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit())).then_some(display)
}

/// The connection set-up: parameters in the table's charset, results as stored bytes.
fn setup_commands(charset: Charset) -> Vec<String> {
    vec![format!("SET NAMES {}", charset.as_sql()), "SET character_set_results = binary".to_owned()]
}

/// The byte strings a typed login is looked up as: its UTF-8 bytes and, for latin1 tables,
/// its windows-1252 bytes too (rows from latin1-era boards hold genuine latin1 names, e.g.
/// `Zoë` = `5A 6F EB`, while later rows hold UTF-8 bytes).
fn lookup_values(input: &str, charset: Charset) -> Vec<Vec<u8>> {
    let mut out = vec![input.as_bytes().to_vec()];
    if charset == Charset::Latin1 {
        if let Some(latin) = password::to_windows1252(input.as_bytes()) {
            out.push(latin.to_vec());
        }
    }
    out
}

impl LegacySite for MysqlSite {
    fn name(&self) -> &Arc<str> {
        &self.inner.name
    }

    fn find_for_login<'a>(
        &'a self,
        login_or_email: &'a str,
    ) -> BoxFuture<'a, Result<Vec<LegacyUser>, LegacyError>> {
        Box::pin(self.find(login_or_email))
    }

    fn get_by_id(&self, id: u64) -> BoxFuture<'_, Result<Option<LegacyUser>, LegacyError>> {
        Box::pin(self.by_id(id))
    }

    fn verify_password(&self, user: &LegacyUser, password: &[u8]) -> Result<bool, LegacyError> {
        self.verify_password_match(user, password).map(|m| m.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legacy::AccountState;

    fn user(login: &str, display: Option<&str>) -> LegacyUser {
        LegacyUser {
            site: Arc::from("social"),
            id: 3,
            login: login.to_owned(),
            display_name: display.map(str::to_owned),
            email: None,
            email_verified: false,
            password_hash: None,
            state: AccountState::Active,
            is_admin: false,
            registered_at: None,
            last_seen_at: None,
        }
    }

    #[test]
    fn zen3mp_deduplicated_registrations() {
        assert_eq!(zen3mp_deduplicated_from(&user("alice_1", Some("alice"))), Some("alice"));
        assert_eq!(zen3mp_deduplicated_from(&user("alice_12", Some("alice"))), Some("alice"));
        assert_eq!(zen3mp_deduplicated_from(&user("alice", Some("alice"))), None);
        assert_eq!(zen3mp_deduplicated_from(&user("alice_", Some("alice"))), None);
        assert_eq!(zen3mp_deduplicated_from(&user("alice_x", Some("alice"))), None);
        assert_eq!(zen3mp_deduplicated_from(&user("bob_1", Some("alice"))), None);
        assert_eq!(zen3mp_deduplicated_from(&user("alice_1", None)), None);
    }

    #[test]
    fn latin1_lookups_send_both_encodings() {
        assert_eq!(
            lookup_values("Zoë", Charset::Latin1),
            vec!["Zoë".as_bytes().to_vec(), b"Zo\xeb".to_vec()]
        );
        assert_eq!(lookup_values("Zoë", Charset::Utf8mb4), vec!["Zoë".as_bytes().to_vec()]);
        assert_eq!(lookup_values("alice", Charset::Latin1), vec![b"alice".to_vec()]);
    }
}
