//! Plan reports: a human summary, JSON and CSV (the `halext migrate plan` outputs).

use super::{Decision, Plan};
use crate::mapping::csv_cell;
use crate::mapping::error::MigrationError;
use crate::mapping::model::{LinkedAccount, MappingKey, MappingStatus, PlannedRow};
use crate::mapping::normalize::{check_username, normalize_email, username_key};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write;

/// Counts of a plan: per status, per reason code, per site, and the conflicts listed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// The plan's run id.
    pub run_id: String,
    /// Accounts read.
    pub accounts: u64,
    /// Identities (future Halext accounts, conflicts included).
    pub identities: u64,
    /// Accounts per status (`planned`, `linked`, `conflict`, `skipped`).
    pub by_status: BTreeMap<&'static str, u64>,
    /// Accounts per reason code (an account with two reasons counts in both).
    pub by_reason: BTreeMap<&'static str, u64>,
    /// Accounts per site and status.
    pub by_site: BTreeMap<String, BTreeMap<&'static str, u64>>,
    /// Every conflict: `site:id login — reasons`.
    pub conflicts: Vec<String>,
    /// Rows the sources could not decode and skipped: `site: row id N column c: reason`.
    pub rejected: Vec<String>,
}

impl Plan {
    /// Counts and the list of conflicts.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            run_id: self.run_id().to_owned(),
            accounts: self.len() as u64,
            identities: self.identities() as u64,
            by_status: MappingStatus::ALL.iter().map(|st| (st.as_str(), 0)).collect(),
            by_reason: BTreeMap::new(),
            by_site: BTreeMap::new(),
            conflicts: Vec::new(),
            rejected: self.rejected().iter().map(|r| format!("{}: {r}", r.site)).collect(),
        };
        for d in self.decisions() {
            *s.by_status.entry(d.status.as_str()).or_default() += 1;
            *s.by_site.entry(d.site.to_string()).or_default().entry(d.status.as_str()).or_default() += 1;
            for r in &d.reasons {
                *s.by_reason.entry(r.code()).or_default() += 1;
            }
            if d.status == MappingStatus::Conflict {
                s.conflicts.push(format!("{}:{} {:?}: {}", d.site, d.legacy_id, d.login, d.reason_text()));
            }
        }
        s
    }

    /// Writes the plan as JSON: `{"run_id", "summary", "decisions": [...]}`, one decision per
    /// array element with `site`, `legacy_id`, `login`, `status`, `halext_username`,
    /// `halext_email`, `full_name`, `identity`, `reasons` (typed, each with a `code`) and
    /// `reason` (text). Decisions are streamed, not collected.
    ///
    /// # Errors
    /// [`MigrationError::Internal`] when writing fails (the message names the I/O error).
    pub fn write_json<W: Write>(&self, mut w: W) -> Result<(), MigrationError> {
        let io = |e: std::io::Error| MigrationError::Internal(format!("writing the plan: {e}"));
        let ser = |e: serde_json::Error| MigrationError::Internal(format!("writing the plan: {e}"));
        write!(w, "{{\"run_id\":").map_err(io)?;
        serde_json::to_writer(&mut w, self.run_id()).map_err(ser)?;
        write!(w, ",\"summary\":").map_err(io)?;
        serde_json::to_writer(&mut w, &self.summary()).map_err(ser)?;
        write!(w, ",\"decisions\":[").map_err(io)?;
        for (i, d) in self.decisions().enumerate() {
            if i > 0 {
                w.write_all(b",\n").map_err(io)?;
            }
            serde_json::to_writer(&mut w, &JsonDecision::from(&d)).map_err(ser)?;
        }
        w.write_all(b"]}\n").map_err(io)?;
        w.flush().map_err(io)
    }

    /// Writes the plan as CSV (RFC 4180, header row): `site, legacy_id, login, status,
    /// halext_username, halext_email, full_name, identity, reason_codes` (`;`-separated)
    /// and `reason` (text). Text cells go through [`csv_cell`] (control characters shown as
    /// `�`, a leading `=`/`+`/`-`/`@` prefixed with `'`); [`Plan::write_json`] keeps exact
    /// values.
    ///
    /// # Errors
    /// [`MigrationError::Internal`] when writing fails.
    pub fn write_csv<W: Write>(&self, w: W) -> Result<(), MigrationError> {
        let err = |e: csv::Error| MigrationError::Internal(format!("writing the plan: {e}"));
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "site",
            "legacy_id",
            "login",
            "status",
            "halext_username",
            "halext_email",
            "full_name",
            "identity",
            "reason_codes",
            "reason",
        ])
        .map_err(err)?;
        for d in self.decisions() {
            let codes: Vec<&str> = d.reasons.iter().map(|r| r.code()).collect();
            let identity = if d.identity == u32::MAX { String::new() } else { d.identity.to_string() };
            let text = |s: Option<&str>| csv_cell(s.unwrap_or("")).into_owned();
            out.write_record([
                &**d.site,
                &d.legacy_id.to_string(),
                &text(Some(d.login)),
                d.status.as_str(),
                &text(d.halext_username),
                &text(d.halext_email),
                &text(d.full_name),
                &identity,
                &codes.join(";"),
                &text(Some(&d.reason_text())),
            ])
            .map_err(err)?;
        }
        out.flush().map_err(|e| MigrationError::Internal(format!("writing the plan: {e}")))
    }
}

#[derive(Serialize)]
struct JsonDecision<'a> {
    site: &'a str,
    legacy_id: u64,
    login: &'a str,
    status: MappingStatus,
    halext_username: Option<&'a str>,
    halext_email: Option<&'a str>,
    full_name: Option<&'a str>,
    identity: Option<u32>,
    reasons: &'a [super::Reason],
    reason: String,
}

impl<'a> From<&'a Decision<'a>> for JsonDecision<'a> {
    fn from(d: &'a Decision<'a>) -> Self {
        JsonDecision {
            site: d.site,
            legacy_id: d.legacy_id,
            login: d.login,
            status: d.status,
            halext_username: d.halext_username,
            halext_email: d.halext_email,
            full_name: d.full_name,
            identity: (d.identity != u32::MAX).then_some(d.identity),
            reasons: &d.reasons,
            reason: d.reason_text(),
        }
    }
}

impl fmt::Display for Summary {
    /// The human summary: totals, per status, per site, per reason, then every conflict.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "plan {}: {} accounts -> {} identities", self.run_id, self.accounts, self.identities)?;
        for (st, n) in &self.by_status {
            writeln!(f, "  {st:<10} {n}")?;
        }
        writeln!(f, "per site:")?;
        for (site, counts) in &self.by_site {
            let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
            writeln!(f, "  {site}: {}", parts.join(", "))?;
        }
        if !self.by_reason.is_empty() {
            writeln!(f, "reasons:")?;
            for (r, n) in &self.by_reason {
                writeln!(f, "  {r:<26} {n}")?;
            }
        }
        if !self.rejected.is_empty() {
            writeln!(f, "rows skipped because they could not be decoded ({}):", self.rejected.len())?;
            for r in &self.rejected {
                writeln!(f, "  {r}")?;
            }
        }
        if self.conflicts.is_empty() {
            writeln!(f, "no conflicts")?;
        } else {
            writeln!(f, "conflicts ({}):", self.conflicts.len())?;
            for c in &self.conflicts {
                writeln!(f, "  {c}")?;
            }
        }
        Ok(())
    }
}

/// A plan read back from the JSON [`Plan::write_json`] wrote, so that the plan an operator
/// reviewed (and possibly edited: a conflict turned into `planned` with a chosen username)
/// is exactly what [`crate::mapping::apply::apply_rows`] writes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PlanFile {
    /// The run id of the plan.
    pub run_id: String,
    /// Every decision (extra JSON fields such as `reasons` are ignored).
    pub decisions: Vec<PlannedRow>,
}

impl PlanFile {
    /// Reads and checks a plan file: every `planned` row needs a username that satisfies the
    /// username rule ([`check_username`]) and an email in the planner's normalised form
    /// ([`normalize_email`]: trimmed, lower-case, one `@`), and the planned rows must name one
    /// future Halext account per username and per email ([`check_accounts`] without
    /// links): what the planner guarantees, and what an edited plan may break.
    ///
    /// # Errors
    /// [`MigrationError::InvalidArgument`] for invalid JSON or a row that fails the checks
    /// (the message names the row and, for JSON errors, the line and column).
    pub fn read<R: std::io::Read>(reader: R) -> Result<PlanFile, MigrationError> {
        let file: PlanFile = serde_json::from_reader(reader).map_err(|e| {
            MigrationError::InvalidArgument(format!(
                "plan file: {e} (only a JSON plan, `halext migrate plan -o plan.json`, can be applied)"
            ))
        })?;
        if file.run_id.is_empty() || file.run_id.len() > 64 || !file.run_id.is_ascii() {
            return Err(MigrationError::InvalidArgument(
                "plan file: run_id must be 1-64 ASCII characters".into(),
            ));
        }
        for d in &file.decisions {
            if d.status != MappingStatus::Planned {
                continue;
            }
            let bad = |why: String| {
                MigrationError::InvalidArgument(format!("plan file: {}:{}: {why}", d.site, d.legacy_id))
            };
            match d.halext_username.as_deref() {
                Some(u) => check_username(u).map_err(|why| bad(format!("username {why}")))?,
                None => return Err(bad("planned without a username".into())),
            }
            match d.halext_email.as_deref() {
                None | Some("") => return Err(bad("planned without an email".into())),
                // The planner writes emails normalised; an edit must too, or the one-mailbox
                // check below could be passed with a space or another case.
                Some(e) => match normalize_email(e) {
                    Some(n) if n == e => {}
                    Some(n) => return Err(bad(format!("email {e:?} is not normalised: write {n:?}"))),
                    None => {
                        return Err(bad(format!(
                            "email {e:?} is not an address (one @, no spaces or control characters)"
                        )));
                    }
                },
            }
        }
        check_accounts(&file.decisions, &[], &[]).map_err(|e| match e {
            MigrationError::InvalidArgument(m) => MigrationError::InvalidArgument(format!("plan file: {m}")),
            e => e,
        })?;
        Ok(file)
    }

    /// The rows apply writes (every decision except `linked` ones).
    pub fn rows(&self) -> impl Iterator<Item = PlannedRow> + '_ {
        self.decisions.iter().filter(|d| d.status != MappingStatus::Linked).cloned()
    }

    /// Number of rows [`PlanFile::rows`] yields.
    pub fn row_count(&self) -> usize {
        self.decisions.iter().filter(|d| d.status != MappingStatus::Linked).count()
    }
}

/// Checks that the `planned` rows of `rows`, together with the accounts already `linked` in
/// the store (`linked`, from [`crate::mapping::MappingStore::linked`]) and the rows already
/// planned for other sites (`planned_elsewhere`: a plan of some sites only, `--site`), do not
/// give two people one Halext account, as the planner guarantees for a plan of every site:
/// * planned rows whose usernames are the same name to a human ([`username_key`]: `Alice`
///   and `alice`) must carry the same username and email: they are one identity's accounts.
///   Halext itself is case-sensitive, but the planner never plans two accounts a person
///   could confuse, and a second registration of an identical name is refused by Halext
///   (halext-api.md §1.6) when that user logs in;
/// * planned rows with the same email must carry the same username (Halext's email is
///   unique);
/// * a planned username that is the same name as a linked one must be exactly that username,
///   with the link's email when the link recorded one (the planner gives a link's name to the
///   other accounts of its identity).
///
/// Rows of `rows` whose account is linked in `linked` are skipped: apply never rewrites a
/// link. Links are compared by name only, not by email: the email a link records is the one
/// planned for it, which need not be the Halext account's (`halext migrate link`). Rows of
/// `planned_elsewhere` are compared by name and email, but not with each other.
///
/// # Errors
/// [`MigrationError::InvalidArgument`] naming both rows of the first clash.
pub fn check_accounts(
    rows: &[PlannedRow],
    linked: &[LinkedAccount],
    planned_elsewhere: &[PlannedRow],
) -> Result<(), MigrationError> {
    struct Owner<'a> {
        key: MappingKey,
        username: &'a str,
        email: Option<String>,
    }
    let lower = |e: &str| e.to_lowercase();
    /// A planned row's key, username and lower-cased email.
    fn planned(d: &PlannedRow) -> Option<(MappingKey, &str, String)> {
        let (Some(username), Some(email)) = (d.halext_username.as_deref(), d.halext_email.as_deref()) else {
            return None; // `PlanFile::read` refuses these
        };
        (d.status == MappingStatus::Planned).then(|| {
            (MappingKey { site: d.site.clone(), legacy_id: d.legacy_id }, username, email.to_lowercase())
        })
    }
    let linked_keys: std::collections::HashSet<&MappingKey> = linked.iter().map(|l| &l.key).collect();
    let mut by_name: HashMap<String, Owner<'_>> = HashMap::new();
    let mut by_email: HashMap<String, Owner<'_>> = HashMap::new();
    for l in linked {
        by_name.entry(username_key(&l.username)).or_insert_with(|| Owner {
            key: l.key.clone(),
            username: &l.username,
            email: l.email.as_deref().map(lower),
        });
    }
    for (key, username, email) in planned_elsewhere.iter().filter_map(planned) {
        by_name.entry(username_key(username)).or_insert_with(|| Owner {
            key: key.clone(),
            username,
            email: Some(email.clone()),
        });
        by_email.entry(email).or_insert_with(|| Owner { key, username, email: None });
    }
    for (here, username, email) in rows.iter().filter_map(planned) {
        if linked_keys.contains(&here) {
            continue; // linked since the plan was made: apply keeps the link
        }
        let clash = |other: &Owner<'_>, why: &str| {
            MigrationError::InvalidArgument(format!(
                "{here}: username {username:?} <{email}> {why} {} ({:?}{}): Halext would refuse \
                 one of the two registrations; give one another username, or mark it conflict",
                other.key,
                other.username,
                other.email.as_deref().map(|e| format!(" <{e}>")).unwrap_or_default(),
            ))
        };
        match by_name.get(&username_key(username)) {
            Some(o) if o.username != username => return Err(clash(o, "is the same name as")),
            Some(o) if o.email.as_ref().is_some_and(|e| *e != email) => {
                return Err(clash(o, "is already planned or linked with another email for"));
            }
            Some(_) => {}
            None => {
                by_name.insert(
                    username_key(username),
                    Owner { key: here.clone(), username, email: Some(email.clone()) },
                );
            }
        }
        match by_email.get(&email) {
            Some(o) if o.username != username => return Err(clash(o, "has the email of")),
            Some(_) => {}
            None => {
                by_email.insert(email, Owner { key: here, username, email: None });
            }
        }
    }
    Ok(())
}
