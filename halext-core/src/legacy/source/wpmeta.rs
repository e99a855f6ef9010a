//! WordPress usermeta for a batch of rows: one query per batch (`user_id BETWEEN first AND
//! last` for a page, `IN (…)` for a lookup) instead of two correlated subqueries per row, which
//! made full reads about five times slower.

use std::collections::HashMap;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Value};

use super::profile::MetaQuery;
use super::{MysqlSite, decode, rows};
use crate::legacy::error::LegacyError;

/// A meta value found for a user, with its `umeta_id` (the lowest wins).
type MetaValue = Option<(u64, Vec<u8>)>;

/// How to select the batch's users in the meta query.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ids {
    /// The rows are one keyset page, ordered by id: `BETWEEN first AND last`.
    Range,
    /// A few rows (a lookup): `IN (…)`.
    List,
}

/// Appends two values to every row — its `{prefix}capabilities` and `session_tokens` meta
/// values (NULL when absent) — at the positions [`rows::decode`] reads them from.
///
/// # Errors
/// [`LegacyError::Database`] when the query fails.
pub(crate) async fn attach(
    site: &MysqlSite,
    conn: &mut Conn,
    meta: &MetaQuery,
    batch: &mut [Vec<Value>],
    ids: Ids,
) -> Result<(), LegacyError> {
    let row_ids: Vec<Option<u64>> =
        batch.iter().map(|r| rows::cursor(r).ok().and_then(|c| u64::try_from(c).ok())).collect();
    let known: Vec<u64> = row_ids.iter().flatten().copied().collect();
    let mut found: HashMap<u64, [MetaValue; 2]> = HashMap::with_capacity(known.len());
    if let (Some(&lo), Some(&hi)) = (known.iter().min(), known.iter().max()) {
        let cond = match ids {
            Ids::Range => format!("BETWEEN {lo} AND {hi}"),
            Ids::List => {
                format!("IN ({})", known.iter().map(u64::to_string).collect::<Vec<_>>().join(", "))
            }
        };
        let caps_key = meta.capabilities_key.as_bytes();
        let mut result = conn.query_iter(meta.sql(&cond)).await.map_err(|e| site.db_err(e))?;
        while let Some(row) = result.next().await.map_err(|e| site.db_err(e))? {
            let mut v = row.unwrap_raw().into_iter().map(|v| v.unwrap_or(Value::NULL));
            let (Some(umeta), Some(uid), Some(key), Some(value)) = (v.next(), v.next(), v.next(), v.next())
            else {
                continue;
            };
            let as_u64 = |v: &Value| decode::int(v).ok().flatten().and_then(|u| u64::try_from(u).ok());
            let (Some(umeta), Some(uid)) = (as_u64(&umeta), as_u64(&uid)) else { continue };
            let slot = match decode::bytes(key) {
                Some(k) if k == caps_key => 0,
                Some(k) if k == b"session_tokens" => 1,
                _ => continue,
            };
            let entry = found.entry(uid).or_default();
            if entry[slot].as_ref().is_none_or(|(seen, _)| umeta < *seen) {
                entry[slot] = decode::bytes(value).map(|b| (umeta, b));
            }
        }
    }
    for (row, id) in batch.iter_mut().zip(row_ids) {
        let [caps, tokens] = id.and_then(|id| found.remove(&id)).unwrap_or_default();
        row.push(caps.map_or(Value::NULL, |(_, b)| Value::Bytes(b)));
        row.push(tokens.map_or(Value::NULL, |(_, b)| Value::Bytes(b)));
    }
    Ok(())
}
