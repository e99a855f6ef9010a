//! Per-profile knowledge: which columns a users table has (legacy-users.md §1–§3), how a
//! login form finds an account, and the SQL that reads them. A [`Spec`] is built from the
//! configuration without I/O; a [`Layout`] (the SQL) is built once the table's actual columns
//! are known, so that optional columns (WordPress multisite `spam`/`deleted`, AB2 `power`)
//! read as NULL when absent.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use mysql_async::{Params, Value};

use crate::legacy::config::{
    AcmlmVariant, Charset, CustomConfig, EmailLogin, ProfileKind, SiteConfig, StateKind, TimeKind,
    check_identifier,
};
use crate::legacy::error::LegacyError;

/// What a column holds, for the schema check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Int,
    Text,
    Time(TimeKind),
    /// Compared as text whatever its type (custom rule columns).
    Any,
}

/// One column a profile reads.
#[derive(Debug, Clone)]
pub(crate) struct Need {
    pub(crate) name: String,
    pub(crate) family: Family,
    pub(crate) required: bool,
    /// This is the password hash column (the schema check looks at its width).
    pub(crate) password: bool,
}

/// How a login form finds the account (done in SQL so that the table's collation applies).
#[derive(Debug, Clone)]
pub(crate) enum LoginLookup {
    /// Any of these columns equals the input (Acmlmboard: `name` or `displayname`).
    Columns(Vec<String>),
    /// WordPress: the login column; when nothing matches and the input contains `@`, the
    /// email column (`wp_authenticate_username_password`, then `..._email_password`).
    ColumnsThenEmail { columns: Vec<String>, email: String },
    /// ZEN3MP: the email column only.
    Email(String),
}

/// Profile-specific columns after the common seven, and how they decide state and admin.
#[derive(Debug, Clone)]
pub(crate) enum Extras {
    /// `group_id`, `tempbanned`, `power`.
    Acmlm { banned_groups: Vec<i64>, admin_groups: Vec<i64>, power_banned: bool, power_admin: bool },
    /// `spam`, `deleted`, capabilities meta, session tokens meta.
    WordPress,
    /// `user_closed`, `verify_user`, `user_title`.
    Zen3mp,
    /// Columns referenced by the custom rules, in select order.
    Custom(CustomRules),
}

/// A custom state rule: select position of its column, values, state, and the select
/// position and kind of its `until` column.
pub(crate) type StateSlot = (usize, Vec<String>, StateKind, Option<(usize, TimeKind)>);

/// Custom-profile rules with their select positions resolved.
#[derive(Debug, Clone)]
pub(crate) struct CustomRules {
    pub(crate) columns: Vec<String>,
    pub(crate) states: Vec<StateSlot>,
    pub(crate) admin: Option<(usize, Vec<String>)>,
    pub(crate) verified: Option<(usize, Vec<String>)>,
}

/// Everything about a site's table that does not need the database.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) profile: ProfileKind,
    pub(crate) table: String,
    /// WordPress: the usermeta table and meta key prefix.
    pub(crate) wp: Option<(String, String)>,
    pub(crate) charset: Charset,
    /// Column names, in the common select order: id, login, display, email, password,
    /// registered, last_seen (`None` = the profile has no such column).
    pub(crate) common: [Option<String>; 7],
    pub(crate) registered: TimeKind,
    pub(crate) last_seen: TimeKind,
    /// Profile-specific column names after the common ones (`None` = computed, e.g. WP meta).
    pub(crate) extra_columns: Vec<Option<String>>,
    pub(crate) extras: Extras,
    pub(crate) needs: Vec<Need>,
    pub(crate) login: LoginLookup,
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn need(name: &str, family: Family, required: bool) -> Need {
    Need { name: name.to_owned(), family, required, password: false }
}

fn pass(name: &str) -> Need {
    Need { name: name.to_owned(), family: Family::Text, required: true, password: true }
}

impl Spec {
    /// Builds and validates the profile's description from the configuration.
    ///
    /// # Errors
    /// [`LegacyError::Config`] for a missing `[site.custom]` section or an unsafe identifier.
    pub(crate) fn from_config(cfg: &SiteConfig, site: &Arc<str>) -> Result<Spec, LegacyError> {
        let charset = cfg.effective_charset();
        let spec = match cfg.profile {
            ProfileKind::Acmlmboard => Self::acmlm(cfg, charset),
            ProfileKind::Wordpress => Self::wordpress(cfg, charset),
            ProfileKind::Zen3mp => Self::zen3mp(cfg, charset),
            ProfileKind::Custom => {
                let custom = cfg.custom.as_ref().ok_or_else(|| {
                    LegacyError::config(site, "profile = \"custom\" needs a [site.custom] section")
                })?;
                Self::custom(custom, charset)
            }
        };
        check_identifier(site, "table", &spec.table)?;
        if let Some((meta, prefix)) = &spec.wp {
            check_identifier(site, "table_prefix", prefix)?;
            check_identifier(site, "usermeta table", meta)?;
        }
        for n in &spec.needs {
            check_identifier(site, "column", &n.name)?;
        }
        Ok(spec)
    }

    fn acmlm(cfg: &SiteConfig, charset: Charset) -> Spec {
        let ab = cfg.acmlmboard.clone().unwrap_or_default();
        let v = ab.variant;
        let table = ab.table.clone().unwrap_or_else(|| "users".to_owned());
        let ab1 = v == AcmlmVariant::Ab192;
        let (pass_col, last_col, power_col) =
            if ab1 { ("password", "lastactivity", "powerlevel") } else { ("pass", "lastview", "power") };
        let mut needs = vec![
            need("id", Family::Int, true),
            need("name", Family::Text, true),
            pass(pass_col),
            need("email", Family::Text, true),
            need("regdate", Family::Time(TimeKind::Unix), true),
            need(last_col, Family::Time(TimeKind::Unix), true),
            need(power_col, Family::Int, ab1),
        ];
        let mut login = vec!["name".to_owned()];
        let (display, extra_columns) = if ab1 {
            (None, vec![None, None, s(power_col)])
        } else {
            needs.push(need("displayname", Family::Text, true));
            needs.push(need("group_id", Family::Int, true));
            needs.push(need("tempbanned", Family::Time(TimeKind::Unix), true));
            login.push("displayname".to_owned());
            (s("displayname"), vec![s("group_id"), s("tempbanned"), s(power_col)])
        };
        Spec {
            profile: ProfileKind::Acmlmboard,
            table,
            wp: None,
            charset,
            common: [s("id"), s("name"), display, s("email"), s(pass_col), s("regdate"), s(last_col)],
            registered: TimeKind::Unix,
            last_seen: TimeKind::Unix,
            extra_columns,
            extras: Extras::Acmlm {
                banned_groups: ab.banned_group_ids.clone().unwrap_or_else(|| v.default_banned_groups()),
                admin_groups: ab.admin_group_ids.clone().unwrap_or_else(|| v.default_admin_groups()),
                power_banned: ab.power_banned,
                power_admin: ab1,
            },
            needs,
            login: LoginLookup::Columns(login),
        }
    }

    fn wordpress(cfg: &SiteConfig, charset: Charset) -> Spec {
        let prefix = cfg.wordpress.clone().unwrap_or_default().table_prefix;
        let needs = vec![
            need("ID", Family::Int, true),
            need("user_login", Family::Text, true),
            pass("user_pass"),
            need("user_email", Family::Text, true),
            need("user_registered", Family::Time(TimeKind::Datetime), true),
            need("display_name", Family::Text, true),
            need("spam", Family::Int, false),
            need("deleted", Family::Int, false),
        ];
        Spec {
            profile: ProfileKind::Wordpress,
            table: format!("{prefix}users"),
            wp: Some((format!("{prefix}usermeta"), prefix)),
            charset,
            common: [
                s("ID"),
                s("user_login"),
                s("display_name"),
                s("user_email"),
                s("user_pass"),
                s("user_registered"),
                None,
            ],
            registered: TimeKind::Datetime,
            last_seen: TimeKind::Unix,
            extra_columns: vec![s("spam"), s("deleted")],
            extras: Extras::WordPress,
            needs,
            login: LoginLookup::ColumnsThenEmail {
                columns: vec!["user_login".to_owned()],
                email: "user_email".to_owned(),
            },
        }
    }

    fn zen3mp(cfg: &SiteConfig, charset: Charset) -> Spec {
        let table = cfg.zen3mp.clone().unwrap_or_default().table;
        let needs = vec![
            need("id", Family::Int, true),
            need("username", Family::Text, true),
            need("displayname", Family::Text, true),
            need("email", Family::Text, true),
            pass("password"),
            need("signup_date", Family::Time(TimeKind::Date), true),
            need("user_closed", Family::Text, true),
            need("verify_user", Family::Text, true),
            need("user_title", Family::Text, false),
        ];
        Spec {
            profile: ProfileKind::Zen3mp,
            table,
            wp: None,
            charset,
            common: [
                s("id"),
                s("username"),
                s("displayname"),
                s("email"),
                s("password"),
                s("signup_date"),
                None,
            ],
            registered: TimeKind::Date,
            last_seen: TimeKind::Unix,
            extra_columns: vec![s("user_closed"), s("verify_user"), s("user_title")],
            extras: Extras::Zen3mp,
            needs,
            login: LoginLookup::Email("email".to_owned()),
        }
    }

    fn custom(c: &CustomConfig, charset: Charset) -> Spec {
        let mut needs =
            vec![need(&c.id, Family::Int, true), need(&c.login, Family::Text, true), pass(&c.password)];
        let add = |name: &str, family: Family, needs: &mut Vec<Need>| {
            if !needs.iter().any(|n| n.name.eq_ignore_ascii_case(name)) {
                needs.push(need(name, family, true));
            }
        };
        for col in &c.login_columns {
            add(col, Family::Text, &mut needs);
        }
        for col in [&c.email, &c.display_name].into_iter().flatten() {
            add(col, Family::Text, &mut needs);
        }
        for t in [&c.registered, &c.last_seen].into_iter().flatten() {
            add(&t.column, Family::Time(t.kind), &mut needs);
        }
        // Rule columns get their own select slots (a column may be read twice; that is cheap).
        let mut columns: Vec<String> = Vec::new();
        let slot = |name: &str, columns: &mut Vec<String>| -> usize {
            match columns.iter().position(|c| c.eq_ignore_ascii_case(name)) {
                Some(i) => 7 + i,
                None => {
                    columns.push(name.to_owned());
                    6 + columns.len()
                }
            }
        };
        let mut states = Vec::new();
        for r in &c.states {
            let at = slot(&r.column, &mut columns);
            let until = r.until.as_ref().map(|u| (slot(&u.column, &mut columns), u.kind));
            states.push((at, r.values.clone(), r.state, until));
        }
        let admin = c.admin.as_ref().map(|r| (slot(&r.column, &mut columns), r.values.clone()));
        let verified = c.email_verified.as_ref().map(|r| (slot(&r.column, &mut columns), r.values.clone()));
        for col in &columns {
            add(col, Family::Any, &mut needs);
        }
        let mut login_cols = vec![c.login.clone()];
        login_cols.extend(c.login_columns.iter().cloned());
        let login = match (&c.email, c.email_login) {
            (Some(email), EmailLogin::Fallback) => {
                LoginLookup::ColumnsThenEmail { columns: login_cols, email: email.clone() }
            }
            (Some(email), EmailLogin::Only) => LoginLookup::Email(email.clone()),
            _ => LoginLookup::Columns(login_cols),
        };
        Spec {
            profile: ProfileKind::Custom,
            table: c.table.clone(),
            wp: None,
            charset,
            common: [
                Some(c.id.clone()),
                Some(c.login.clone()),
                c.display_name.clone(),
                c.email.clone(),
                Some(c.password.clone()),
                c.registered.as_ref().map(|t| t.column.clone()),
                c.last_seen.as_ref().map(|t| t.column.clone()),
            ],
            registered: c.registered.as_ref().map_or(TimeKind::Unix, |t| t.kind),
            last_seen: c.last_seen.as_ref().map_or(TimeKind::Unix, |t| t.kind),
            extra_columns: columns.iter().cloned().map(Some).collect(),
            extras: Extras::Custom(CustomRules { columns, states, admin, verified }),
            needs,
            login,
        }
    }

    /// The id column name.
    pub(crate) fn id_column(&self) -> &str {
        self.common[0].as_deref().unwrap_or("id")
    }

    /// Builds the SQL once the table's columns (lower-cased) are known.
    ///
    /// # Errors
    /// [`LegacyError::Schema`] naming the first required column that is missing.
    pub(crate) fn layout(
        &self,
        site: &Arc<str>,
        present: &HashSet<String>,
        usermeta_present: bool,
    ) -> Result<Layout, LegacyError> {
        for n in &self.needs {
            if n.required && !present.contains(&n.name.to_ascii_lowercase()) {
                return Err(LegacyError::Schema {
                    site: Arc::clone(site),
                    table: self.table.clone(),
                    message: format!(
                        "required column `{}` is missing for the {} profile",
                        n.name,
                        self.profile.as_str()
                    ),
                });
            }
        }
        let col = |name: &Option<String>| -> String {
            match name {
                Some(n) if present.contains(&n.to_ascii_lowercase()) => format!("u.`{n}`"),
                _ => "NULL".to_owned(),
            }
        };
        let mut select = String::from("SELECT ");
        for (i, c) in self.common.iter().chain(self.extra_columns.iter()).enumerate() {
            if i > 0 {
                select.push_str(", ");
            }
            select.push_str(&col(c));
        }
        let _ = write!(select, " FROM `{}` u", self.table);
        let meta = match &self.wp {
            Some((table, prefix)) if usermeta_present => {
                Some(MetaQuery { table: table.clone(), capabilities_key: format!("{prefix}capabilities") })
            }
            _ => None,
        };
        Ok(Layout { select, id: format!("u.`{}`", self.id_column()), meta })
    }
}

/// The SQL of one site, built once per site and process.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// `SELECT <columns> FROM <table> u` (no WHERE).
    pub(crate) select: String,
    /// The qualified id column, `u.`id``.
    pub(crate) id: String,
    /// WordPress: the usermeta values read for each batch of rows (absent table: `None`).
    pub(crate) meta: Option<MetaQuery>,
}

/// How to read the two usermeta values of a batch of WordPress users in one query, instead of
/// two correlated subqueries per row.
#[derive(Debug, Clone)]
pub(crate) struct MetaQuery {
    /// `{prefix}usermeta`.
    pub(crate) table: String,
    /// `{prefix}capabilities`.
    pub(crate) capabilities_key: String,
}

impl MetaQuery {
    /// `user_id, umeta_id, meta_key, meta_value` of the capabilities and session tokens of
    /// the users whose id satisfies `cond` (`IN (…)` of integers we produce: a lookup). The
    /// caller keeps the lowest `umeta_id` per user and key, which is what
    /// `get_user_meta($id, $key, true)` returns; leaving the order to the client avoids a
    /// server-side sort. Both keys are checked identifiers.
    pub(crate) fn sql(&self, cond: &str) -> String {
        format!(
            "SELECT user_id, umeta_id, meta_key, meta_value FROM `{}` WHERE user_id {cond} \
             AND meta_key IN ('{}', 'session_tokens')",
            self.table, self.capabilities_key
        )
    }

    /// The same columns for every user, ordered by `user_id, umeta_id`, for a full read
    /// merged with the keyset pages (`super::wpmeta::MetaStream`). With only the key
    /// condition, the server reads the few rows through the `meta_key` index and sorts them
    /// once, instead of reading every meta row of every user through the `user_id` index.
    pub(crate) fn stream_sql(&self) -> String {
        format!(
            "SELECT user_id, umeta_id, meta_key, meta_value FROM `{}` \
             WHERE meta_key IN ('{}', 'session_tokens') ORDER BY user_id, umeta_id",
            self.table, self.capabilities_key
        )
    }

    /// The same columns, capabilities rows only, in no particular order, for a full read that
    /// does not need `last_seen_at` (`super::wpmeta::AdminIds`): no server-side sort,
    /// which for a `LONGTEXT` column re-reads every row after sorting (half the read's time).
    pub(crate) fn capabilities_sql(&self) -> String {
        format!(
            "SELECT user_id, umeta_id, meta_key, meta_value FROM `{}` WHERE meta_key = '{}'",
            self.table, self.capabilities_key
        )
    }
}

impl Layout {
    /// One keyset page, as a statement for [`Layout::page_params`]: `… ORDER BY id LIMIT ?`
    /// for the first page, `… WHERE id > ? ORDER BY id LIMIT ?` after it.
    pub(crate) fn page_sql(&self, first: bool) -> String {
        if first {
            format!("{} ORDER BY {} LIMIT ?", self.select, self.id)
        } else {
            format!("{} WHERE {} > ? ORDER BY {} LIMIT ?", self.select, self.id, self.id)
        }
    }

    /// The parameters of [`Layout::page_sql`]`(after.is_none())`: the raw id of the last row
    /// read (none before the first page), then the page size.
    ///
    /// # Errors
    /// When the last id does not fit a 64-bit integer (a `DECIMAL` id column past `u64`).
    pub(crate) fn page_params(after: Option<i128>, limit: u32) -> Result<Params, String> {
        let limit = Value::UInt(u64::from(limit));
        let Some(a) = after else {
            return Ok(Params::Positional(vec![limit]));
        };
        let after = match (i64::try_from(a), u64::try_from(a)) {
            (Ok(i), _) => Value::Int(i),
            (_, Ok(u)) => Value::UInt(u),
            _ => return Err(format!("the id {a} does not fit a 64-bit integer")),
        };
        Ok(Params::Positional(vec![after, limit]))
    }

    /// The row with one id (one `?` parameter).
    pub(crate) fn by_id_sql(&self) -> String {
        format!("{} WHERE {} = ?", self.select, self.id)
    }

    /// Rows where any of `columns` equals any of `n_values` parameters (`?`), ordered by id.
    pub(crate) fn match_sql(&self, columns: &[String], n_values: usize) -> String {
        let marks = vec!["?"; n_values].join(", ");
        let cond = columns.iter().map(|c| format!("u.`{c}` IN ({marks})")).collect::<Vec<_>>().join(" OR ");
        format!("{} WHERE {cond} ORDER BY {}", self.select, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present(cols: &[&str]) -> HashSet<String> {
        cols.iter().map(|c| c.to_ascii_lowercase()).collect()
    }

    #[test]
    fn wordpress_layout_reads_meta_and_optional_multisite_columns() {
        let site: Arc<str> = Arc::from("wp");
        let cfg = SiteConfig::new("wp", ProfileKind::Wordpress);
        let spec = Spec::from_config(&cfg, &site).expect("spec");
        let single = ["ID", "user_login", "user_pass", "user_email", "user_registered", "display_name"];
        let layout = spec.layout(&site, &present(&single), true).expect("layout");
        assert!(
            layout.select.ends_with("u.`user_registered`, NULL, NULL, NULL FROM `wp_users` u"),
            "{}",
            layout.select
        );
        let meta = layout.meta.as_ref().expect("usermeta present");
        assert!(meta.sql("IN (1, 2)").contains("FROM `wp_usermeta` WHERE user_id IN (1, 2)"));
        assert!(meta.sql("IN (1)").contains("'wp_capabilities'"));
        assert!(meta.stream_sql().ends_with(
            "FROM `wp_usermeta` WHERE meta_key IN ('wp_capabilities', 'session_tokens') ORDER BY user_id, umeta_id"
        ));
        assert!(meta.capabilities_sql().ends_with("FROM `wp_usermeta` WHERE meta_key = 'wp_capabilities'"));
        let mut multi = single.to_vec();
        multi.extend(["spam", "deleted"]);
        let layout = spec.layout(&site, &present(&multi), false).expect("layout");
        assert!(layout.select.ends_with("u.`spam`, u.`deleted` FROM `wp_users` u"), "{}", layout.select);
        assert!(layout.meta.is_none());
        assert_eq!(
            layout.page_sql(false),
            format!("{} WHERE u.`ID` > ? ORDER BY u.`ID` LIMIT ?", layout.select)
        );
        assert_eq!(layout.page_sql(true), format!("{} ORDER BY u.`ID` LIMIT ?", layout.select));
        let params = |after| match Layout::page_params(after, 10) {
            Ok(Params::Positional(v)) => v,
            other => panic!("{other:?}"),
        };
        assert_eq!(params(None), vec![Value::UInt(10)]);
        assert_eq!(params(Some(-5)), vec![Value::Int(-5), Value::UInt(10)]);
        assert_eq!(params(Some(i128::from(u64::MAX))), vec![Value::UInt(u64::MAX), Value::UInt(10)]);
        assert!(Layout::page_params(Some(i128::from(u64::MAX) + 1), 10).is_err());
    }

    #[test]
    fn missing_required_columns_are_schema_errors() {
        let site: Arc<str> = Arc::from("ab");
        let spec = Spec::from_config(&SiteConfig::new("ab", ProfileKind::Acmlmboard), &site).expect("spec");
        let err = spec.layout(&site, &present(&["id", "name"]), false).expect_err("missing");
        assert!(matches!(err, LegacyError::Schema { .. }), "{err}");
        assert!(err.to_string().contains("`pass`"), "{err}");
    }

    #[test]
    fn custom_needs_its_section_and_safe_names() {
        let site: Arc<str> = Arc::from("c");
        assert!(Spec::from_config(&SiteConfig::new("c", ProfileKind::Custom), &site).is_err());
        let mut cfg = SiteConfig::new("wp", ProfileKind::Wordpress);
        cfg.wordpress = Some(crate::legacy::config::WordPressConfig { table_prefix: "wp'; --".into() });
        assert!(Spec::from_config(&cfg, &site).is_err());
    }
}
