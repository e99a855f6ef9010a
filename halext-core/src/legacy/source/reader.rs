//! [`MysqlUserSource`]: the whole users table in keyset pages.
//!
//! Each page is `SELECT … WHERE id > ? ORDER BY id LIMIT ?` on one connection held for the
//! whole read (no pool round trip per page), a statement prepared once per connection and run
//! over the binary protocol: integer and date columns arrive as numbers, not as text to
//! allocate and parse (10–25% of the client's CPU in a million-row plan). WordPress pages get
//! their usermeta values from a read on a second connection ([`wpmeta::FullMeta`]: a sorted
//! stream merged with the pages, or the administrators' ids). Memory is one page of rows (plus
//! a few chunks of meta rows, or ≈40 bytes per WordPress user while a read without
//! `last_seen_at` loads the capabilities); column buffers are moved into the [`LegacyUser`]
//! strings without copying when they already are UTF-8.

use std::sync::Arc;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Value};

use super::profile::Layout;
use super::{MysqlSite, rows, wpmeta};
use crate::legacy::config::BadRowPolicy;
use crate::legacy::error::{LegacyError, RejectedRow};
use crate::legacy::{BoxFuture, LegacyUser, UserSource};

/// A batched reader of one site's users table (see the module docs). Made by
/// [`MysqlSite::users`].
pub struct MysqlUserSource {
    site: MysqlSite,
    conn: Option<Conn>,
    /// WordPress: the usermeta side of the read (started with the first page).
    meta: Option<wpmeta::FullMeta>,
    /// The raw id of the last row read (the keyset cursor), `None` before the first page.
    after: Option<i128>,
    /// Whether `last_seen_at` is read (WordPress: the `session_tokens` usermeta rows).
    last_seen: bool,
    /// Whether administrators read apart from the rows are handed over at the end
    /// ([`MysqlUserSource::defer_admins`]) instead of waited for.
    defer_admins: bool,
    done: bool,
    rejected: Vec<RejectedRow>,
    rows_read: u64,
}

impl std::fmt::Debug for MysqlUserSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MysqlUserSource")
            .field("site", &self.site.inner.name)
            .field("after", &self.after)
            .field("done", &self.done)
            .field("rows_read", &self.rows_read)
            .finish_non_exhaustive()
    }
}

impl MysqlUserSource {
    pub(super) fn new(site: MysqlSite) -> Self {
        MysqlUserSource {
            site,
            conn: None,
            meta: None,
            after: None,
            last_seen: true,
            defer_admins: false,
            done: false,
            rejected: Vec::new(),
            rows_read: 0,
        }
    }

    /// Skips the reads that only [`LegacyUser::last_seen_at`] needs and that cost extra: for
    /// WordPress, whose last login is in the `session_tokens` usermeta rows (a quarter of the
    /// meta rows a full read sorts, and the longest), `last_seen_at` is then `None`. Profiles
    /// that keep it in a users column read it as before. The planner does not use it
    /// (`halext migrate plan`/`apply` read this way).
    pub fn without_last_seen(mut self) -> Self {
        self.last_seen = false;
        self
    }

    /// Never waits for administrators that are read apart from the rows: their batches say
    /// `is_admin: false`, and [`UserSource::deferred_admins`] gives their ids after the last
    /// batch. Only reads whose roles come from a separate query change: WordPress without
    /// `last_seen_at` ([`MysqlUserSource::without_last_seen`]), where that query (the
    /// capabilities usermeta rows) is the longest part of the read and now runs alongside the
    /// pages instead of before the first. The planner reads this way and marks the
    /// administrators afterwards ([`crate::mapping::plan::PlanBuilder::mark_admins`]).
    pub fn defer_admins(mut self) -> Self {
        self.defer_admins = true;
        self
    }

    /// At the end of the read: drops the usermeta side unless it still owes deferred
    /// administrators.
    fn end_meta(&mut self) {
        if !self.defer_admins || !matches!(self.meta, Some(wpmeta::FullMeta::Admins(_))) {
            self.meta = None;
        }
    }

    /// Ends the read: the table cannot be paged by its id column (`reason`).
    fn unpageable(&mut self, reason: String) -> LegacyError {
        self.done = true;
        self.conn = None;
        self.end_meta();
        let inner = &self.site.inner;
        LegacyError::Schema {
            site: Arc::clone(&inner.name),
            table: inner.spec.table.clone(),
            message: format!("cannot page by `{}`: {reason}", inner.spec.id_column()),
        }
    }

    /// Rows read so far (decoded and rejected).
    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    async fn read_page(&mut self) -> Result<Option<Vec<LegacyUser>>, LegacyError> {
        let result = self.read_page_inner().await;
        if matches!(result, Err(LegacyError::Database { .. })) {
            // The connection may be broken; a retry starts from the same cursor on a new one
            // (and a new meta stream, whose rows up to the cursor the merge skips).
            self.conn = None;
            self.meta = None;
        }
        result
    }

    async fn read_page_inner(&mut self) -> Result<Option<Vec<LegacyUser>>, LegacyError> {
        let site = self.site.clone();
        let inner = &site.inner;
        let batch = inner.batch_size;
        let layout = site.layout().await?;
        loop {
            if self.done {
                self.conn = None;
                self.end_meta();
                return Ok(None);
            }
            if let (Some(meta), None) = (&layout.meta, &self.meta) {
                // Started before the page query, so the server works on it while pages are read.
                self.meta = Some(wpmeta::FullMeta::start(&site, meta, self.last_seen));
            }
            // The cursor moves only once the whole page is processed, so a failed page is
            // read again by the next call rather than skipped.
            let mut after = self.after;
            let params = match Layout::page_params(after, batch) {
                Ok(p) => p,
                Err(reason) => return Err(self.unpageable(reason)),
            };
            let conn = match &mut self.conn {
                Some(c) => c,
                None => self.conn.insert(site.conn().await?),
            };
            let mut result =
                conn.exec_iter(layout.page_sql(after.is_none()), params).await.map_err(|e| site.db_err(e))?;
            let mut raw: Vec<Vec<Value>> = Vec::with_capacity(batch as usize);
            let mut unpageable: Option<String> = None;
            while let Some(row) = result.next().await.map_err(|e| site.db_err(e))? {
                if unpageable.is_some() {
                    continue; // drain the page so the connection stays usable
                }
                let values: Vec<Value> =
                    row.unwrap_raw().into_iter().map(|v| v.unwrap_or(Value::NULL)).collect();
                match rows::cursor(&values) {
                    Ok(c) => after = Some(c),
                    Err(reason) => unpageable = Some(reason),
                }
                raw.push(values);
            }
            drop(result);
            if let Some(reason) = unpageable {
                return Err(self.unpageable(reason));
            }
            let n = raw.len();
            if let Some(meta) = &mut self.meta {
                meta.attach(&mut raw).await?;
                if !self.defer_admins {
                    if let Some(admins) = meta.admins() {
                        admins.get().await?; // before the cursor moves: a failure retries this page
                    }
                }
            }
            self.after = after;
            self.rows_read += n as u64;
            let mut users = Vec::with_capacity(n);
            for values in raw {
                match rows::decode(&inner.spec, &inner.name, values) {
                    Ok(u) => users.push(u),
                    Err(rejected) => match inner.on_bad_row {
                        BadRowPolicy::Stop => {
                            self.done = true;
                            self.conn = None;
                            self.end_meta(); // the rows returned so far may still owe their administrators
                            return Err(LegacyError::Decode(rejected));
                        }
                        BadRowPolicy::Report => {
                            tracing::warn!(site = %rejected.site, row = %rejected, "skipping undecodable legacy row");
                            self.rejected.push(rejected);
                        }
                    },
                }
            }
            if !self.defer_admins {
                if let Some(ids) = self.meta.as_ref().and_then(wpmeta::FullMeta::loaded_admins) {
                    for u in &mut users {
                        u.is_admin = ids.contains(&u.id);
                    }
                }
            }
            if n < batch as usize {
                self.done = true;
                self.conn = None;
            }
            if !users.is_empty() {
                return Ok(Some(users));
            }
        }
    }
}

impl UserSource for MysqlUserSource {
    fn site(&self) -> &Arc<str> {
        &self.site.inner.name
    }

    fn next_batch(&mut self) -> BoxFuture<'_, Result<Option<Vec<LegacyUser>>, LegacyError>> {
        Box::pin(self.read_page())
    }

    fn take_rejected(&mut self) -> Vec<RejectedRow> {
        std::mem::take(&mut self.rejected)
    }

    fn deferred_admins(&mut self) -> BoxFuture<'_, Result<Vec<u64>, LegacyError>> {
        Box::pin(async move {
            if !self.defer_admins {
                return Ok(Vec::new());
            }
            let result = match self.meta.as_mut().and_then(wpmeta::FullMeta::admins) {
                Some(admins) => admins.get().await.map(|ids| ids.iter().copied().collect()),
                None => Ok(Vec::new()),
            };
            self.meta = None;
            result
        })
    }
}
