//! WordPress usermeta: the two values the reader needs per user (`{prefix}capabilities` and
//! `session_tokens`; legacy-users.md §2.1), read three ways.
//!
//! * Full reads ([`FullMeta`]), two strategies:
//!   * with `last_seen_at` ([`MetaStream`]): one query over just the two meta keys, ordered
//!     by `user_id, umeta_id`, streamed on a second connection by a spawned task and merged
//!     with the keyset pages of users (a merge join: both sides ascend by user id). WordPress
//!     indexes `wp_usermeta` on `user_id` and `meta_key(191)` only, so a per-page query
//!     (`user_id BETWEEN a AND b AND meta_key IN (…)`) would fetch all ~14 meta rows of every
//!     user from the clustered index to keep 1–2 of them; the stream reads the ~1.25 rows per
//!     user it needs through the `meta_key` index and lets the server sort them, once;
//!   * without it ([`AdminIds`], what the planner reads): the capabilities rows alone,
//!     unsorted, on a second connection, reduced to the set of administrators' ids. The
//!     server's sort of a `LONGTEXT` column re-reads every row after sorting; skipping it
//!     takes 40% off the usermeta read. The reader either waits for the set before it
//!     returns its first page, or (with [`super::MysqlUserSource::defer_admins`]) never
//!     waits: its rows say `is_admin: false` and the set is handed over after the last page,
//!     so the usermeta read (the longest of a plan) runs alongside the pages instead of
//!     before them.
//! * Lookups ([`attach`]): `user_id IN (…)` for the few rows a login lookup found.
//!
//! All keep, per user and key, the value of the lowest `umeta_id` among the rows whose
//! `meta_value` is not NULL (what `get_user_meta($id, $key, true)` returns; a NULL value
//! gives way to the next row).

use std::collections::{HashMap, HashSet};

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, Value};
use tokio::sync::mpsc;

use super::profile::MetaQuery;
use super::{MysqlSite, decode, phpser, rows};
use crate::legacy::error::LegacyError;

/// A meta value found for a user, with its `umeta_id` (the lowest wins).
type MetaValue = Option<(u64, Vec<u8>)>;

/// Meta rows per message from the streaming task to the reader.
const CHUNK_ROWS: usize = 1024;
/// Messages in flight: memory is at most this many chunks (plus the one being merged).
const CHUNKS_IN_FLIGHT: usize = 4;

/// One usermeta row the reader needs.
#[derive(Debug)]
struct MetaRow {
    user_id: u64,
    umeta_id: u64,
    /// 0: capabilities, 1: session tokens.
    slot: usize,
    value: Option<Vec<u8>>,
}

/// Keeps the lowest `umeta_id`'s value (a NULL value gives way to a later row).
fn keep(entry: &mut [MetaValue; 2], row: MetaRow) {
    let slot = &mut entry[row.slot];
    if slot.as_ref().is_none_or(|(seen, _)| row.umeta_id < *seen) {
        *slot = row.value.map(|b| (row.umeta_id, b));
    }
}

/// Parses `user_id, umeta_id, meta_key, meta_value` (in that order); `None` for a row
/// of another key or with an unreadable id.
fn parse(row: Row, caps_key: &[u8]) -> Option<MetaRow> {
    let mut v = row.unwrap_raw().into_iter().map(|v| v.unwrap_or(Value::NULL));
    let (Some(uid), Some(umeta), Some(key), Some(value)) = (v.next(), v.next(), v.next(), v.next()) else {
        return None;
    };
    let as_u64 = |v: &Value| decode::int(v).ok().flatten().and_then(|u| u64::try_from(u).ok());
    let slot = match decode::bytes(key) {
        Some(k) if k == caps_key => 0,
        Some(k) if k == b"session_tokens" => 1,
        _ => return None,
    };
    Some(MetaRow { user_id: as_u64(&uid)?, umeta_id: as_u64(&umeta)?, slot, value: decode::bytes(value) })
}

fn push_values(row: &mut Vec<Value>, [caps, tokens]: [MetaValue; 2]) {
    row.push(caps.map_or(Value::NULL, |(_, b)| Value::Bytes(b)));
    row.push(tokens.map_or(Value::NULL, |(_, b)| Value::Bytes(b)));
}

/// Appends two values to every row of a lookup — its `{prefix}capabilities` and
/// `session_tokens` meta values (NULL when absent) — at the positions [`rows::decode`] reads
/// them from. One query: `user_id IN (<the rows' ids>)`.
///
/// # Errors
/// [`LegacyError::Database`] when the query fails.
pub(crate) async fn attach(
    site: &MysqlSite,
    conn: &mut Conn,
    meta: &MetaQuery,
    batch: &mut [Vec<Value>],
) -> Result<(), LegacyError> {
    let row_ids: Vec<Option<u64>> =
        batch.iter().map(|r| rows::cursor(r).ok().and_then(|c| u64::try_from(c).ok())).collect();
    let known: Vec<u64> = row_ids.iter().flatten().copied().collect();
    let mut found: HashMap<u64, [MetaValue; 2]> = HashMap::with_capacity(known.len());
    if !known.is_empty() {
        let cond = format!("IN ({})", known.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
        let caps_key = meta.capabilities_key.as_bytes();
        let mut result = conn.query_iter(meta.sql(&cond)).await.map_err(|e| site.db_err(e))?;
        while let Some(row) = result.next().await.map_err(|e| site.db_err(e))? {
            if let Some(row) = parse(row, caps_key) {
                keep(found.entry(row.user_id).or_default(), row);
            }
        }
    }
    for (row, id) in batch.iter_mut().zip(row_ids) {
        push_values(row, id.and_then(|id| found.remove(&id)).unwrap_or_default());
    }
    Ok(())
}

/// The usermeta side of a full read (see the module docs): a task streams the two keys'
/// rows in `user_id, umeta_id` order on its own connection; [`MetaStream::attach`] merges
/// them into each page. Memory: [`CHUNKS_IN_FLIGHT`] chunks of [`CHUNK_ROWS`] rows. Dropping
/// the stream stops the task.
pub(crate) struct MetaStream {
    rx: mpsc::Receiver<Result<Vec<MetaRow>, LegacyError>>,
    chunk: std::vec::IntoIter<MetaRow>,
    /// The next row, not merged yet (its user comes in a later page).
    peeked: Option<MetaRow>,
    finished: bool,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for MetaStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaStream").field("finished", &self.finished).finish_non_exhaustive()
    }
}

impl Drop for MetaStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MetaStream {
    /// Starts the streaming query (on the current tokio runtime). Rows of users at or below
    /// `after` (a resumed read) are skipped by the merge.
    pub(crate) fn start(site: &MysqlSite, meta: &MetaQuery) -> MetaStream {
        let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let task = tokio::spawn(stream(site.clone(), meta.stream_sql(), meta.capabilities_key.clone(), tx));
        MetaStream { rx, chunk: Vec::new().into_iter(), peeked: None, finished: false, task }
    }

    /// The next row in `user_id, umeta_id` order, `None` at the end.
    async fn next(&mut self) -> Result<Option<MetaRow>, LegacyError> {
        if let Some(row) = self.peeked.take() {
            return Ok(Some(row));
        }
        loop {
            if let Some(row) = self.chunk.next() {
                return Ok(Some(row));
            }
            if self.finished {
                return Ok(None);
            }
            match self.rx.recv().await {
                Some(Ok(chunk)) => self.chunk = chunk.into_iter(),
                Some(Err(e)) => {
                    self.finished = true;
                    return Err(e);
                }
                None => self.finished = true,
            }
        }
    }

    /// Appends the two meta values to every row of a keyset page (rows in ascending id
    /// order, as [`super::profile::Layout::page_sql`] reads them), like [`attach`].
    ///
    /// # Errors
    /// [`LegacyError::Database`] when the streaming query failed; the stream is then
    /// unusable (start a new one).
    pub(crate) async fn attach(&mut self, batch: &mut [Vec<Value>]) -> Result<(), LegacyError> {
        for row in batch.iter_mut() {
            let Some(id) = rows::cursor(row).ok().and_then(|c| u64::try_from(c).ok()) else {
                push_values(row, Default::default());
                continue;
            };
            let mut values: [MetaValue; 2] = Default::default();
            while let Some(m) = self.next().await? {
                if m.user_id > id {
                    self.peeked = Some(m);
                    break;
                }
                if m.user_id == id {
                    keep(&mut values, m);
                }
                // Below `id`: a user without a row (deleted, or before a resumed cursor).
            }
            push_values(row, values);
        }
        Ok(())
    }
}

/// The streaming task: runs the query (prepared: ids arrive as integers) and sends its rows
/// in chunks until the end, an error (sent on), or the reader going away.
async fn stream(
    site: MysqlSite,
    sql: String,
    caps_key: String,
    tx: mpsc::Sender<Result<Vec<MetaRow>, LegacyError>>,
) {
    let run = async {
        let mut conn = site.conn().await?;
        let mut result = conn.exec_iter(sql, ()).await.map_err(|e| site.db_err(e))?;
        let mut chunk = Vec::with_capacity(CHUNK_ROWS);
        while let Some(row) = result.next().await.map_err(|e| site.db_err(e))? {
            if let Some(row) = parse(row, caps_key.as_bytes()) {
                chunk.push(row);
            }
            if chunk.len() == CHUNK_ROWS {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                if tx.send(Ok(full)).await.is_err() {
                    return Ok(()); // the reader is gone
                }
            }
        }
        if !chunk.is_empty() {
            let _ = tx.send(Ok(chunk)).await;
        }
        Ok(())
    };
    if let Err(e) = run.await {
        let _ = tx.send(Err(e)).await;
    }
}

/// The usermeta side of a full read (see the module docs for the two strategies).
#[derive(Debug)]
pub(crate) enum FullMeta {
    /// Capabilities and session tokens, sorted, merged page by page.
    Stream(MetaStream),
    /// Capabilities only (`last_seen_at` not read), unsorted, reduced to the administrators.
    Admins(AdminIds),
}

impl FullMeta {
    /// Starts reading (on the current tokio runtime): the [`MetaStream`] when `last_seen` is
    /// wanted, else [`AdminIds`].
    pub(crate) fn start(site: &MysqlSite, meta: &MetaQuery, last_seen: bool) -> FullMeta {
        if last_seen {
            FullMeta::Stream(MetaStream::start(site, meta))
        } else {
            FullMeta::Admins(AdminIds::start(site, meta))
        }
    }

    /// Appends the two meta values to every row of a keyset page, like [`attach`]. With
    /// [`FullMeta::Admins`] both are NULL (no wait): the rows decode without a role, and the
    /// reader takes `is_admin` from [`FullMeta::admins`].
    ///
    /// # Errors
    /// [`LegacyError::Database`] when the meta stream failed; start a new one to retry.
    pub(crate) async fn attach(&mut self, batch: &mut [Vec<Value>]) -> Result<(), LegacyError> {
        match self {
            FullMeta::Stream(s) => s.attach(batch).await,
            FullMeta::Admins(_) => {
                for row in batch.iter_mut() {
                    push_values(row, Default::default());
                }
                Ok(())
            }
        }
    }

    /// The administrators' ids when they are read apart from the rows, `None` for a stream.
    pub(crate) fn admins(&mut self) -> Option<&mut AdminIds> {
        match self {
            FullMeta::Stream(_) => None,
            FullMeta::Admins(a) => Some(a),
        }
    }

    /// The administrators' ids once [`AdminIds::get`] has loaded them.
    pub(crate) fn loaded_admins(&self) -> Option<&HashSet<u64>> {
        match self {
            FullMeta::Admins(AdminIds { state: AdminState::Loaded(ids), .. }) => Some(ids),
            _ => None,
        }
    }
}

/// The ids of the users whose capabilities name the `administrator` role, loaded by a spawned
/// task on its own connection (see the module docs). Dropping it stops the task.
#[derive(Debug)]
pub(crate) struct AdminIds {
    site: MysqlSite,
    state: AdminState,
}

#[derive(Debug)]
enum AdminState {
    Loading(tokio::task::JoinHandle<Result<HashSet<u64>, LegacyError>>),
    Loaded(HashSet<u64>),
    Failed,
}

impl Drop for AdminIds {
    fn drop(&mut self) {
        if let AdminState::Loading(task) = &self.state {
            task.abort();
        }
    }
}

impl AdminIds {
    fn start(site: &MysqlSite, meta: &MetaQuery) -> AdminIds {
        let task =
            tokio::spawn(load_admins(site.clone(), meta.capabilities_sql(), meta.capabilities_key.clone()));
        AdminIds { site: site.clone(), state: AdminState::Loading(task) }
    }

    /// The ids, waiting for the read on the first call.
    ///
    /// # Errors
    /// [`LegacyError::Database`] when the read failed (then and on every later call).
    pub(crate) async fn get(&mut self) -> Result<&HashSet<u64>, LegacyError> {
        if let AdminState::Loading(task) = &mut self.state {
            let loaded = task.await;
            self.state = AdminState::Failed;
            let loaded =
                loaded.map_err(|e| self.site.db_err(format!("the usermeta reader stopped: {e}")))??;
            self.state = AdminState::Loaded(loaded);
        }
        match &self.state {
            AdminState::Loaded(ids) => Ok(ids),
            _ => Err(self.site.db_err("the usermeta read failed before")),
        }
    }
}

/// The loading task (a prepared query: ids arrive as integers): every capabilities row; per
/// user the value of the lowest `umeta_id`
/// with a value counts. Each distinct value is stored and parsed once (values repeat: one per
/// role combination), so the map is a 24-byte hash-table entry per user (≈40 bytes with spare
/// capacity) until the administrators' ids replace it.
async fn load_admins(site: MysqlSite, sql: String, caps_key: String) -> Result<HashSet<u64>, LegacyError> {
    let mut conn = site.conn().await?;
    let mut result = conn.exec_iter(sql, ()).await.map_err(|e| site.db_err(e))?;
    let mut by_user: HashMap<u64, (u64, u32)> = HashMap::new();
    let mut distinct: HashMap<Vec<u8>, u32> = HashMap::new();
    while let Some(row) = result.next().await.map_err(|e| site.db_err(e))? {
        let Some(MetaRow { user_id, umeta_id, slot: 0, value: Some(value) }) =
            parse(row, caps_key.as_bytes())
        else {
            continue; // another key (not selected), or a NULL value: gives way
        };
        if by_user.get(&user_id).is_some_and(|&(seen, _)| seen < umeta_id) {
            continue;
        }
        let index = match distinct.get(&value) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(distinct.len())
                    .map_err(|_| site.db_err("more than 4 billion distinct capabilities values"))?;
                distinct.insert(value, i);
                i
            }
        };
        by_user.insert(user_id, (umeta_id, index));
    }
    drop(result);
    let mut admin = vec![false; distinct.len()];
    for (value, i) in &distinct {
        admin[*i as usize] = match phpser::capability_roles(value) {
            Ok(roles) => roles.iter().any(|r| r == "administrator"),
            Err(reason) => {
                let mut ids: Vec<u64> =
                    by_user.iter().filter(|(_, (_, v))| v == i).map(|(&id, _)| id).collect();
                ids.sort_unstable();
                let users = ids.len();
                ids.truncate(5);
                tracing::warn!(site = %site.site_name(), users, first_ids = ?ids, %reason, "unreadable capabilities; treating as no role");
                false
            }
        };
    }
    Ok(by_user.into_iter().filter(|(_, (_, i))| admin[*i as usize]).map(|(id, _)| id).collect())
}
