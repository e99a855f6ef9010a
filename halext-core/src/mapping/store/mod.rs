//! The mapping store: the `halext_user_map` table over mysql_async, with a per-process cache
//! of linked mappings (`cache.rs` says why only those).
//!
//! * Point lookups ([`MappingStore::resolve`], [`MappingStore::resolve_halext`]) use one
//!   persistent connection with server-side prepared statements (mysql_async caches them per
//!   connection), over the unix socket when the DSN names a local host (`prefer_socket`),
//!   and no pool checkout. A broken connection is reopened once per call.
//! * Writes use a second persistent connection (prepared statements reused); each advisory
//!   lock of login-time migration gets a connection of its own. Every write is one
//!   transaction: a batch of an apply,
//!   a link, an unlink. Upserts never turn a `linked` row back into anything else.
//! * [`blocking::BlockingMappingStore`] is the facade the PHP extension and the C ABI call; it
//!   runs on [`crate::runtime::block_on`] and answers cache hits without entering the runtime.

pub mod blocking;
mod cache;
mod config;
mod report;
mod sql;

pub use config::StoreConfig;
pub use report::{ExportFilter, SiteStatus, StatusReport, TableInfo};
use sql::Sql;

use super::error::MigrationError;
use super::model::{LinkMethod, LinkedAccount, Mapping, MappingKey, MappingStatus, PlannedRow};
use super::normalize::username_key;
use cache::Cache;
use mysql_async::prelude::*;
use mysql_async::{Conn, Opts, OptsBuilder, Row, TxOpts, Value};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The DDL of `halext_user_map` as shipped in `examples/data/halext_user_map.sql`
/// (`CREATE TABLE IF NOT EXISTS`, InnoDB, utf8mb4 with binary collations).
pub const DDL: &str = include_str!("../../../../examples/data/halext_user_map.sql");

/// The default table name.
pub const DEFAULT_TABLE: &str = "halext_user_map";

/// Rows per multi-row upsert statement (and per transaction) in [`MappingStore::upsert_planned`]
/// callers such as apply: 9 placeholders per row stays far below the 65 535 limit.
pub const MAX_BATCH_ROWS: usize = 2000;

/// What a Halext username maps back to: the (site, legacy id) keys, sorted.
pub type ReverseMapping = Arc<[MappingKey]>;

/// Counts of rows per status (`halext migrate status`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatusCounts {
    /// Rows `planned`.
    pub planned: u64,
    /// Rows `linked`.
    pub linked: u64,
    /// Rows `conflict`.
    pub conflict: u64,
    /// Rows `skipped`.
    pub skipped: u64,
}

/// The `halext_user_map` table. Cheap to share (`Arc`); one per process and DSN (see
/// [`blocking::BlockingMappingStore::shared`]).
///
/// Must be used from one tokio runtime (its connections belong to the runtime that made them).
pub struct MappingStore {
    opts: Opts,
    table: String,
    sql: Sql,
    lock_timeout: Duration,
    fast: tokio::sync::Mutex<Option<Conn>>,
    writer: tokio::sync::Mutex<Option<Conn>>,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for MappingStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappingStore").field("table", &self.table).finish_non_exhaustive()
    }
}

/// An advisory lock on one legacy account (MySQL `GET_LOCK`), held on a connection of its
/// own. Release it with [`UserLock::release`]; if dropped instead, the connection closes and
/// the server releases the lock.
pub struct UserLock {
    conn: Conn,
    name: String,
}

impl UserLock {
    /// Releases the lock.
    ///
    /// # Errors
    /// [`MigrationError::Store`] when the connection failed (the lock is then released by the
    /// server when the connection closes).
    pub async fn release(mut self) -> Result<(), MigrationError> {
        let released = self.conn.exec_drop("SELECT RELEASE_LOCK(?)", (self.name.as_str(),)).await;
        let closed = self.conn.disconnect().await;
        released?;
        closed?;
        Ok(())
    }
}

/// The locked write connection of a [`MappingStore`].
struct Writer<'a> {
    guard: tokio::sync::MutexGuard<'a, Option<Conn>>,
}

impl Writer<'_> {
    fn conn(&mut self) -> Result<&mut Conn, MigrationError> {
        self.guard.as_mut().ok_or_else(|| MigrationError::Internal("the write connection is gone".into()))
    }

    /// Passes `r` through; after a database error the connection is dropped (the server rolls
    /// back an open transaction) and the next write opens a new one.
    fn check<T>(&mut self, r: Result<T, MigrationError>) -> Result<T, MigrationError> {
        if matches!(r, Err(MigrationError::Store { .. })) {
            *self.guard = None;
        }
        r
    }
}

fn is_table_name(t: &str) -> bool {
    !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn clamp(s: Option<&str>, max_chars: usize) -> Option<String> {
    s.map(|s| s.chars().take(max_chars).collect())
}

fn store_err(detail: impl Into<String>) -> MigrationError {
    MigrationError::Store { detail: detail.into() }
}

fn take<T: FromValue>(row: &mut Row, i: usize) -> Result<T, MigrationError> {
    match row.take_opt::<T, usize>(i) {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(store_err(format!("column {i}: {e}"))),
        None => Err(store_err(format!("column {i} missing"))),
    }
}

impl MappingStore {
    /// A store for this configuration. Does no I/O: connections open on first use.
    ///
    /// # Errors
    /// [`MigrationError::Config`] for a DSN mysql_async cannot parse (the message does not
    /// repeat the DSN) or an invalid table name.
    pub fn new(config: &StoreConfig) -> Result<Self, MigrationError> {
        if !is_table_name(&config.table) {
            return Err(MigrationError::Config(format!(
                "mapping table name {:?} must be 1-64 characters of [A-Za-z0-9_]",
                config.table
            )));
        }
        let url = config
            .url
            .expose_str()
            .ok_or_else(|| MigrationError::Config("the mapping DSN is not UTF-8".into()))?;
        let opts = Opts::from_url(url)
            .map_err(|_| MigrationError::Config("the mapping DSN is not a valid mysql:// URL".into()))?;
        // mysql_async's `prefer_socket` is on by default (off only when the DSN says
        // `?prefer_socket=false`): a DSN naming a loopback host switches to the server's unix
        // socket after the first handshake.
        let opts: Opts = OptsBuilder::from_opts(opts).tcp_nodelay(true).into();
        Ok(MappingStore {
            opts,
            sql: Sql::new(&config.table),
            table: config.table.clone(),
            lock_timeout: config.lock_timeout,
            fast: tokio::sync::Mutex::new(None),
            writer: tokio::sync::Mutex::new(None),
            cache: Mutex::new(Cache::new(config.cache_capacity, config.cache_ttl)),
        })
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The `CREATE TABLE IF NOT EXISTS` statement for this store's table name.
    pub fn ddl(&self) -> String {
        DDL.replace("`halext_user_map`", &format!("`{}`", self.table))
    }

    /// Creates the table if it does not exist (`halext migrate init`). Idempotent.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn init(&self) -> Result<(), MigrationError> {
        let ddl = self.ddl();
        let sql: String =
            ddl.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
        let mut w = self.writer().await?;
        let r = async { Ok(w.conn()?.query_drop(sql.trim().trim_end_matches(';')).await?) }.await;
        w.check(r)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached **linked** mapping of (site, legacy id), without I/O; `None` when it is not
    /// cached (expired, or not linked: only linked rows are cached, see `store/cache.rs`).
    pub fn resolve_cached(&self, site: &str, legacy_id: u64) -> Option<Arc<Mapping>> {
        self.cache().get(site, legacy_id)
    }

    /// The mapping of a legacy account: from this process's cache when it is linked and was
    /// read less than the cache TTL ago, else with one point lookup (so "not linked yet" is
    /// always current). `Ok(None)` when the account has no row.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn resolve(&self, site: &str, legacy_id: u64) -> Result<Option<Arc<Mapping>>, MigrationError> {
        if let Some(hit) = self.resolve_cached(site, legacy_id) {
            return Ok(Some(hit));
        }
        self.resolve_fresh(site, legacy_id).await
    }

    /// Like [`MappingStore::resolve`] but always asks the database (and refreshes the cache).
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn resolve_fresh(
        &self,
        site: &str,
        legacy_id: u64,
    ) -> Result<Option<Arc<Mapping>>, MigrationError> {
        let row: Option<Row> = self.fast_first(&self.sql.resolve, (site, legacy_id)).await?;
        let found = match row {
            Some(r) => Some(Arc::new(self.row_to_mapping(r)?)),
            None => None,
        };
        self.cache().put(site, legacy_id, &found);
        Ok(found)
    }

    /// The legacy accounts mapped (planned or linked) to this exact Halext username
    /// (byte-exact, like Halext), sorted by site and id. Always read from the database (it
    /// decides which local account a login lands on: see `store/cache.rs`).
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn resolve_halext(&self, username: &str) -> Result<ReverseMapping, MigrationError> {
        let rows: Vec<(String, u64)> =
            self.fast_exec(&self.sql.reverse, (username_key(username), username)).await?;
        let keys: ReverseMapping = {
            let mut c = self.cache();
            rows.into_iter().map(|(s, id)| MappingKey { site: c.intern(&s), legacy_id: id }).collect()
        };
        Ok(keys)
    }

    /// Every row whose Halext username has the same case-insensitive key as `username`
    /// ([`username_key`]): who else wants or owns "the same name to a human". Not cached.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn find_by_username_key(&self, username: &str) -> Result<Vec<Mapping>, MigrationError> {
        let rows: Vec<Row> = self.fast_exec(&self.sql.by_key, (username_key(username),)).await?;
        rows.into_iter().map(|r| self.row_to_mapping(r)).collect()
    }

    /// Every `linked` row (site, id, Halext username and email): the planner pins these.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn linked(&self) -> Result<Vec<LinkedAccount>, MigrationError> {
        let mut w = self.writer().await?;
        let r = async { Ok(w.conn()?.exec(&self.sql.linked_keys, ()).await?) }.await;
        let rows: Vec<(String, u64, String, Option<String>)> = w.check(r)?;
        drop(w);
        let mut c = self.cache();
        Ok(rows
            .into_iter()
            .map(|(s, id, username, email)| LinkedAccount {
                key: MappingKey { site: c.intern(&s), legacy_id: id },
                username,
                email,
            })
            .collect())
    }

    /// Writes planned rows in ONE transaction, with one multi-row
    /// `INSERT … ON DUPLICATE KEY UPDATE` per [`MAX_BATCH_ROWS`] rows. Idempotent; a row that
    /// is `linked` in the table keeps every column (a plan never undoes a login).
    /// Rows with status `linked` are refused (links come from [`MappingStore::link`]).
    /// Returns the number of rows sent.
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] for a `linked` row or an invalid username;
    /// [`MigrationError::Store`] on a database error (the transaction is rolled back: no row
    /// of the batch is written).
    pub async fn upsert_planned(&self, rows: &[PlannedRow], plan_run: &str) -> Result<u64, MigrationError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let run = clamp(Some(plan_run), 64);
        if let Some(r) = rows.iter().find(|r| r.status == MappingStatus::Linked) {
            return Err(MigrationError::InvalidArgument(format!(
                "{}:{}: apply does not write linked rows",
                r.site, r.legacy_id
            )));
        }
        let mut w = self.writer().await?;
        let r = async {
            let mut tx = w.conn()?.start_transaction(TxOpts::default()).await?;
            for chunk in rows.chunks(MAX_BATCH_ROWS) {
                let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 9);
                for r in chunk {
                    let username = clamp(r.halext_username.as_deref(), 64);
                    let key = username.as_deref().map(username_key);
                    params.push(Value::from(&*r.site));
                    params.push(Value::from(r.legacy_id));
                    params.push(Value::from(username));
                    params.push(Value::from(key));
                    params.push(Value::from(clamp(r.halext_email.as_deref(), 255)));
                    params.push(Value::from(clamp(r.full_name.as_deref(), 255)));
                    params.push(Value::from(r.status.as_str()));
                    params.push(Value::from(clamp(Some(&r.reason), 1000)));
                    params.push(Value::from(run.clone()));
                }
                tx.exec_drop(self.sql.upsert(chunk.len()), params).await?;
            }
            tx.commit().await?;
            Ok::<(), MigrationError>(())
        }
        .await;
        w.check(r)?;
        drop(w);
        self.cache().clear();
        Ok(rows.len() as u64)
    }

    /// Links a legacy account to a Halext account (status `linked`, `linked_at` now), creating
    /// the row when there is none. Idempotent for the same username.
    ///
    /// A row already linked to a *different* username is only relinked with
    /// [`LinkMethod::Manual`] (an operator's explicit decision); otherwise the call fails
    /// with [`MigrationError::Conflict`] and nothing changes. `halext_email`/`full_name` of
    /// `None` keep the stored values.
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] for an empty username or `method == Plan`;
    /// [`MigrationError::Conflict`] as above; [`MigrationError::Store`] on a database error.
    #[allow(clippy::too_many_arguments)]
    pub async fn link(
        &self,
        site: &str,
        legacy_id: u64,
        halext_username: &str,
        halext_user_id: Option<u64>,
        method: LinkMethod,
        halext_email: Option<&str>,
        reason: &str,
    ) -> Result<Mapping, MigrationError> {
        if halext_username.is_empty() || halext_username.chars().count() > 64 {
            return Err(MigrationError::InvalidArgument(
                "the Halext username must be 1-64 characters".into(),
            ));
        }
        if method == LinkMethod::Plan {
            return Err(MigrationError::InvalidArgument(
                "links are made by login, registration or an operator".into(),
            ));
        }
        let mut w = self.writer().await?;
        let r = async {
            let mut tx = w.conn()?.start_transaction(TxOpts::default()).await?;
            let current: Option<Row> = tx.exec_first(&self.sql.resolve_for_update, (site, legacy_id)).await?;
            if let Some(row) = current {
                let m = self.row_to_mapping(row)?;
                if m.status == MappingStatus::Linked
                    && m.halext_username.as_deref() != Some(halext_username)
                    && method != LinkMethod::Manual
                {
                    tx.rollback().await?; // release the row lock now, not at the next write
                    return Err(MigrationError::Conflict {
                        detail: format!(
                            "{site}:{legacy_id} is already linked to another Halext account ({})",
                            m.halext_username.as_deref().unwrap_or("?")
                        ),
                    });
                }
            }
            tx.exec_drop(
                &self.sql.link_insert,
                (
                    site,
                    legacy_id,
                    halext_username,
                    username_key(halext_username),
                    halext_user_id,
                    clamp(halext_email, 255),
                    Option::<String>::None,
                    method.as_str(),
                    clamp(Some(reason), 1000),
                ),
            )
            .await?;
            let row: Option<Row> = tx.exec_first(&self.sql.resolve, (site, legacy_id)).await?;
            tx.commit().await?;
            Ok(row)
        }
        .await;
        let row = w.check(r)?;
        drop(w);
        self.cache().invalidate(site, legacy_id);
        let row = row.ok_or_else(|| MigrationError::Internal("linked row vanished".into()))?;
        self.row_to_mapping(row)
    }

    /// Operator unlink: the row goes back to `planned` (keeping its planned username and
    /// email, method `manual`, `linked_at` and the Halext user id cleared, `note` as reason).
    /// The Halext account itself is not touched (Halext has no admin API to delete it).
    ///
    /// # Errors
    /// [`MigrationError::NotFound`] when there is no row; [`MigrationError::Store`] on a
    /// database error.
    pub async fn unlink(&self, site: &str, legacy_id: u64, note: &str) -> Result<(), MigrationError> {
        let mut w = self.writer().await?;
        let r = async {
            let conn = w.conn()?;
            conn.exec_drop(&self.sql.unlink, (clamp(Some(note), 1000), site, legacy_id)).await?;
            Ok(conn.affected_rows())
        }
        .await;
        let n = w.check(r)?;
        drop(w);
        self.cache().invalidate(site, legacy_id);
        if n == 0 {
            return Err(MigrationError::NotFound { site: site.to_owned(), legacy_id });
        }
        Ok(())
    }

    /// Rows per status.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn status_counts(&self) -> Result<StatusCounts, MigrationError> {
        let mut w = self.writer().await?;
        let r = async { Ok(w.conn()?.exec(&self.sql.counts, ()).await?) }.await;
        let rows: Vec<(String, u64)> = w.check(r)?;
        let mut c = StatusCounts::default();
        for (s, n) in rows {
            match MappingStatus::parse(&s) {
                Some(MappingStatus::Planned) => c.planned = n,
                Some(MappingStatus::Linked) => c.linked = n,
                Some(MappingStatus::Conflict) => c.conflict = n,
                Some(MappingStatus::Skipped) => c.skipped = n,
                None => return Err(store_err(format!("unknown status {s:?}"))),
            }
        }
        Ok(c)
    }

    /// Rolls back an apply: deletes the rows last written by plan run `plan_run` that are
    /// not `linked` (links that happened since are kept). Returns the rows deleted.
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn rollback_plan(&self, plan_run: &str) -> Result<u64, MigrationError> {
        let mut w = self.writer().await?;
        let r = async {
            let conn = w.conn()?;
            conn.exec_drop(&self.sql.rollback, (plan_run,)).await?;
            Ok(conn.affected_rows())
        }
        .await;
        let n = w.check(r)?;
        drop(w);
        self.cache().clear();
        Ok(n)
    }

    /// Takes the per-account advisory lock (`GET_LOCK`) that serialises login-time migration
    /// of one legacy account across processes, waiting up to the configured `lock_timeout`.
    ///
    /// # Errors
    /// [`MigrationError::Store`] when the lock is not granted in time or the database fails.
    pub async fn lock_account(&self, site: &str, legacy_id: u64) -> Result<UserLock, MigrationError> {
        let digest = Sha256::digest(format!("{}\0{site}", self.table).as_bytes());
        let name = format!("halext_map:{}:{legacy_id}", hex::encode(&digest[..8]));
        let mut conn = Conn::new(self.opts.clone()).await?;
        let secs = self.lock_timeout.as_secs_f64();
        let got: Option<Option<i64>> =
            conn.exec_first("SELECT GET_LOCK(?, ?)", (name.as_str(), secs)).await?;
        match got.flatten() {
            Some(1) => Ok(UserLock { conn, name }),
            _ => Err(store_err(format!(
                "{site}:{legacy_id} is being migrated by another process (lock wait timed out)"
            ))),
        }
    }

    /// The write connection (opened on first use, reopened after a failure). One persistent
    /// connection, not a pool: its server-side prepared statements (apply's batch statement,
    /// the link statements) are prepared once per process and reused.
    async fn writer(&self) -> Result<Writer<'_>, MigrationError> {
        let mut guard = self.writer.lock().await;
        if guard.is_none() {
            *guard = Some(Conn::new(self.opts.clone()).await?);
        }
        Ok(Writer { guard })
    }

    /// How the lookup connection reaches the server, as the server sees it
    /// (`information_schema.processlist.host`): `"localhost"` over the unix socket,
    /// `"127.0.0.1:PORT"` over TCP. For diagnostics (`halext migrate status`).
    ///
    /// # Errors
    /// [`MigrationError::Store`] on a database error.
    pub async fn lookup_transport(&self) -> Result<String, MigrationError> {
        let row: Option<Row> = self
            .fast_first("SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()", ())
            .await?;
        let mut row = row.ok_or_else(|| store_err("no processlist row for this connection"))?;
        take(&mut row, 0)
    }

    async fn fast_first<P>(&self, sql: &str, params: P) -> Result<Option<Row>, MigrationError>
    where
        P: Into<mysql_async::Params> + Clone + Send,
    {
        let mut guard = self.fast.lock().await;
        for attempt in 0..2 {
            if guard.is_none() {
                *guard = Some(Conn::new(self.opts.clone()).await?);
            }
            let Some(conn) = guard.as_mut() else { continue };
            match conn.exec_first(sql, params.clone()).await {
                Ok(r) => return Ok(r),
                Err(e) if attempt == 0 && is_connection_error(&e) => {
                    *guard = None; // reopen once
                }
                Err(e) => {
                    *guard = None;
                    return Err(e.into());
                }
            }
        }
        Err(store_err("the mapping database connection keeps failing"))
    }

    async fn fast_exec<T, P>(&self, sql: &str, params: P) -> Result<Vec<T>, MigrationError>
    where
        T: FromRow + Send + 'static,
        P: Into<mysql_async::Params> + Clone + Send,
    {
        let mut guard = self.fast.lock().await;
        for attempt in 0..2 {
            if guard.is_none() {
                *guard = Some(Conn::new(self.opts.clone()).await?);
            }
            let Some(conn) = guard.as_mut() else { continue };
            match conn.exec(sql, params.clone()).await {
                Ok(r) => return Ok(r),
                Err(e) if attempt == 0 && is_connection_error(&e) => {
                    *guard = None;
                }
                Err(e) => {
                    *guard = None;
                    return Err(e.into());
                }
            }
        }
        Err(store_err("the mapping database connection keeps failing"))
    }

    /// Reads a mapping row with `SELECT … FOR UPDATE` inside a caller's transaction.
    pub(crate) fn row_to_mapping(&self, mut r: Row) -> Result<Mapping, MigrationError> {
        let site: String = take(&mut r, 0)?;
        let status: String = take(&mut r, 6)?;
        let method: String = take(&mut r, 7)?;
        Ok(Mapping {
            site: self.cache().intern(&site),
            legacy_id: take(&mut r, 1)?,
            halext_username: take(&mut r, 2)?,
            halext_user_id: take(&mut r, 3)?,
            halext_email: take(&mut r, 4)?,
            full_name: take(&mut r, 5)?,
            status: MappingStatus::parse(&status)
                .ok_or_else(|| store_err(format!("unknown status {status:?}")))?,
            link_method: LinkMethod::parse(&method)
                .ok_or_else(|| store_err(format!("unknown link method {method:?}")))?,
            reason: take(&mut r, 8)?,
            plan_run: take(&mut r, 9)?,
            created_at: take(&mut r, 10)?,
            updated_at: take(&mut r, 11)?,
            linked_at: take(&mut r, 12)?,
        })
    }
}

fn is_connection_error(e: &mysql_async::Error) -> bool {
    matches!(e, mysql_async::Error::Io(_) | mysql_async::Error::Driver(_))
}
