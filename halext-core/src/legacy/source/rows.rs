//! One result row → one [`LegacyUser`], with each app's rules for account state and admin
//! (legacy-users.md §1.1–§1.3, §2.1, §3.1). A row that cannot be decoded becomes a
//! [`RejectedRow`] naming the site, id, column and reason.

use std::sync::Arc;

use mysql_async::Value;

use super::decode::{self, Reason};
use super::phpser;
use super::profile::{Extras, Spec};
use crate::legacy::config::StateKind;
use crate::legacy::error::RejectedRow;
use crate::legacy::{AccountState, LegacyUser};

/// Select positions of the common columns (see [`Spec::common`]).
const ID: usize = 0;
const LOGIN: usize = 1;
const DISPLAY: usize = 2;
const EMAIL: usize = 3;
const PASSWORD: usize = 4;
const REGISTERED: usize = 5;
const LAST_SEEN: usize = 6;
const EXTRA: usize = 7;

/// A `tempbanned` below this (2000-01-01) cannot be a real expiry: the rasmusolle fork writes
/// Unix times into a `tinyint`, which clamps them to 127 (legacy-users.md §1.2). Such a ban
/// has an unknown end and is treated as permanent.
const PLAUSIBLE_BAN_END: i64 = 946_684_800;

/// The keyset cursor of a row: its raw id as an integer, even when that id is not a valid
/// legacy id (negative), so that paging moves past bad rows.
///
/// # Errors
/// When the id column is NULL or not an integer (then paging cannot continue).
pub(crate) fn cursor(values: &[Value]) -> Result<i128, Reason> {
    match values.get(ID) {
        Some(v) => decode::int(v)?.ok_or_else(|| "the id column is NULL".to_owned()),
        None => Err("the row has no columns".to_owned()),
    }
}

fn take(values: &mut [Value], i: usize) -> Value {
    values.get_mut(i).map(|v| std::mem::replace(v, Value::NULL)).unwrap_or(Value::NULL)
}

fn get(values: &[Value], i: usize) -> &Value {
    values.get(i).unwrap_or(&Value::NULL)
}

/// Decodes one row read with the [`Spec`]'s layout.
///
/// # Errors
/// A [`RejectedRow`] when a column cannot be decoded.
pub(crate) fn decode(
    spec: &Spec,
    site: &Arc<str>,
    mut values: Vec<Value>,
) -> Result<LegacyUser, RejectedRow> {
    let column = |i: usize| -> Option<String> {
        spec.common
            .get(i)
            .cloned()
            .flatten()
            .or_else(|| spec.extra_columns.get(i.wrapping_sub(EXTRA)).cloned().flatten())
    };
    let raw = decode::int(get(&values, ID))
        .and_then(|r| r.ok_or_else(|| "the id column is NULL".to_owned()))
        .and_then(decode::id);
    let id =
        raw.map_err(|reason| RejectedRow { site: Arc::clone(site), id: None, column: column(ID), reason })?;
    let reject = |i: usize, reason: Reason| RejectedRow {
        site: Arc::clone(site),
        id: Some(id),
        column: column(i),
        reason,
    };
    let cs = spec.charset;

    let login = decode::opt_text(take(&mut values, LOGIN), cs, false)
        .map_err(|r| reject(LOGIN, r))?
        .unwrap_or_default();
    let display_name =
        decode::opt_text(take(&mut values, DISPLAY), cs, false).map_err(|r| reject(DISPLAY, r))?;
    let email = decode::opt_text(take(&mut values, EMAIL), cs, true).map_err(|r| reject(EMAIL, r))?;
    let password_hash =
        decode::opt_text(take(&mut values, PASSWORD), cs, false).map_err(|r| reject(PASSWORD, r))?;
    let registered_at =
        decode::time(get(&values, REGISTERED), spec.registered).map_err(|r| reject(REGISTERED, r))?;
    let mut last_seen_at =
        decode::time(get(&values, LAST_SEEN), spec.last_seen).map_err(|r| reject(LAST_SEEN, r))?;

    let int_at = |values: &[Value], i: usize| decode::int(get(values, i)).map_err(|r| reject(i, r));
    let (state, is_admin, email_verified) = match &spec.extras {
        Extras::Acmlm { banned_groups, admin_groups, power_banned, power_admin } => {
            let group = int_at(&values, EXTRA)?;
            let tempbanned = int_at(&values, EXTRA + 1)?.unwrap_or(0);
            let power = int_at(&values, EXTRA + 2)?.unwrap_or(0);
            let in_group = |ids: &[i64]| group.is_some_and(|g| ids.iter().any(|&x| i128::from(x) == g));
            let state = if in_group(banned_groups) {
                let until = i64::try_from(tempbanned).ok().filter(|&t| t >= PLAUSIBLE_BAN_END);
                AccountState::Banned { until }
            } else if *power_banned && power < 0 {
                AccountState::Banned { until: None }
            } else {
                AccountState::Active
            };
            (state, in_group(admin_groups) || (*power_admin && power >= 3), false)
        }
        Extras::WordPress => {
            let spam = int_at(&values, EXTRA)?.unwrap_or(0);
            let deleted = int_at(&values, EXTRA + 1)?.unwrap_or(0);
            let state = if deleted != 0 {
                AccountState::Deleted
            } else if spam != 0 {
                AccountState::Spam
            } else {
                AccountState::Active
            };
            let roles = match decode::bytes(take(&mut values, EXTRA + 2)) {
                None => Vec::new(),
                Some(caps) => phpser::capability_roles(&caps).unwrap_or_else(|reason| {
                    tracing::warn!(site = %site, id, %reason, "unreadable capabilities; treating as no role");
                    Vec::new()
                }),
            };
            if let Some(tokens) = decode::bytes(take(&mut values, EXTRA + 3)) {
                match phpser::latest_session_login(&tokens) {
                    Ok(t) => last_seen_at = t,
                    Err(reason) => tracing::warn!(site = %site, id, %reason, "unreadable session_tokens"),
                }
            }
            (state, roles.iter().any(|r| r == "administrator"), false)
        }
        Extras::Zen3mp => {
            let text = |values: &mut [Value], i: usize| {
                decode::opt_text(take(values, i), cs, true)
                    .map(Option::unwrap_or_default)
                    .map_err(|r| reject(i, r))
            };
            let closed = text(&mut values, EXTRA)?;
            let verified = text(&mut values, EXTRA + 1)? == "yes";
            let title = text(&mut values, EXTRA + 2)?;
            let state = if !verified {
                AccountState::Unverified
            } else if closed == "yes" {
                AccountState::Closed
            } else {
                AccountState::Active
            };
            (state, title == "Admin" || title == "God", verified)
        }
        Extras::Custom(rules) => {
            let mut texts: Vec<Option<String>> = Vec::with_capacity(rules.columns.len());
            for i in 0..rules.columns.len() {
                // Rule columns are compared as text; times are read from the same values.
                let v = get(&values, EXTRA + i).clone();
                texts.push(decode::opt_text(v, cs, true).map_err(|r| reject(EXTRA + i, r))?);
            }
            let matches = |at: usize, want: &[String]| {
                texts.get(at - EXTRA).and_then(Option::as_deref).is_some_and(|v| want.iter().any(|w| w == v))
            };
            let mut state = AccountState::Active;
            for (at, want, kind, until) in &rules.states {
                if matches(*at, want) {
                    state = match kind {
                        StateKind::Banned => {
                            let until = match until {
                                Some((u, k)) => {
                                    decode::time(get(&values, *u), *k).map_err(|r| reject(*u, r))?
                                }
                                None => None,
                            };
                            AccountState::Banned { until }
                        }
                        StateKind::Closed => AccountState::Closed,
                        StateKind::Unverified => AccountState::Unverified,
                        StateKind::Deleted => AccountState::Deleted,
                        StateKind::Spam => AccountState::Spam,
                    };
                    break;
                }
            }
            let admin = rules.admin.as_ref().is_some_and(|(at, want)| matches(*at, want));
            let verified = rules.verified.as_ref().is_some_and(|(at, want)| matches(*at, want));
            (state, admin, verified)
        }
    };

    Ok(LegacyUser {
        site: Arc::clone(site),
        id,
        login,
        display_name,
        email,
        email_verified,
        password_hash,
        state,
        is_admin,
        registered_at,
        last_seen_at,
    })
}
