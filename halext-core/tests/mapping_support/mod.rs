//! Test doubles for the mapping tests: in-memory legacy sources and sites shaped like the
//! fixtures in `examples/data/fixtures/*.sql`, and a fake Halext that behaves like the real
//! one (case-sensitive unique username and email, email checked first).
#![allow(dead_code)]

use halext_core::Secret;
use halext_core::legacy::{AccountState, BoxFuture, LegacyError, LegacySite, LegacyUser, UserSource};
use halext_core::mapping::halext::{
    HalextAccounts, HalextAuthError, HalextSession, NewAccount, RegisteredAccount,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// "Now" for the fixture plans: 2025-11-22 (Tempy's ban until 2030 has not ended).
pub const NOW: i64 = 1_763_800_000;
pub const PW: &str = "correct horse";
pub const PW_U: &str = "p@ss w0rd ü";

pub struct U {
    pub id: u64,
    pub login: &'static str,
    pub display: Option<&'static str>,
    pub email: Option<&'static str>,
    pub verified: bool,
    pub hash: &'static str,
    pub state: AccountState,
    pub admin: bool,
    pub reg: Option<i64>,
    /// The password `verify_password` accepts (None: the hash is unusable → error).
    pub password: Option<&'static str>,
}

const BCRYPT: &str = "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";
const BCRYPT_U: &str = "$2y$10$qt9dfQgw60U0IXY3DO.x8e7ebxUG6QqIBZC41zVVZd4Aw60zeYrkO";

fn u(
    id: u64,
    login: &'static str,
    email: Option<&'static str>,
    hash: &'static str,
    reg: Option<i64>,
    password: Option<&'static str>,
) -> U {
    U {
        id,
        login,
        display: None,
        email,
        verified: false,
        hash,
        state: AccountState::Active,
        admin: false,
        reg,
        password,
    }
}

/// `examples/data/fixtures/acmlmboard.sql` (AB2 never verifies emails).
pub fn acmlm() -> Vec<U> {
    vec![
        U { admin: true, ..u(1, "Alice", Some("Alice@Example.com"), BCRYPT, Some(1_262_304_000), Some(PW)) },
        U {
            display: Some("Bobby Tables"),
            ..u(
                2,
                "bob",
                Some("bob@example.org"),
                "9b70ca48433e0b776f24c75557817c1b",
                Some(1_339_785_000),
                Some(PW),
            )
        },
        u(3, "Jürgen", None, BCRYPT_U, Some(1_478_078_100), Some(PW_U)),
        U {
            state: AccountState::Banned { until: None },
            ..u(5, "Spammer", Some("spam@example.com"), BCRYPT, Some(1_518_638_400), Some(PW))
        },
        U {
            state: AccountState::Banned { until: Some(1_893_456_000) },
            ..u(6, "Tempy", Some("tempy@example.com"), BCRYPT, Some(1_518_638_400), Some(PW))
        },
        u(
            7,
            "Zoë",
            Some("ZOE@example.net"),
            "291272a69ff1bcb9ebd917acd36aba29",
            Some(1_052_049_600),
            Some(PW_U),
        ),
        U {
            display: Some("Carol"),
            ..u(
                9,
                "carol",
                Some("alice@example.COM"),
                "d41d8cd98f00b204e9800998ecf8427e",
                Some(1_601_866_800),
                None,
            )
        },
        U {
            display: Some("O'Brien"),
            ..u(
                10,
                "obrien",
                Some("obrien@example.net"),
                "f155096f570622f4990b8efcc29f09b7",
                Some(1_400_000_000),
                Some("o'brien \"q\""),
            )
        },
        u(
            11,
            "Shorty",
            Some("shorty@example.net"),
            "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ",
            Some(1_546_560_000),
            None,
        ),
        u(
            12,
            "Zoey",
            Some("zoe@example.net"),
            "3cb4e732631f47e6eb961f34554b7cde",
            Some(1_052_049_700),
            Some(PW),
        ),
    ]
}

/// `examples/data/fixtures/wordpress.sql` (WordPress never verifies emails).
pub fn wordpress() -> Vec<U> {
    vec![
        U {
            display: Some("Alice"),
            admin: true,
            ..u(
                1,
                "admin",
                Some("alice@example.com"),
                "$wp$2y$10$rLBG8WQVbNQOruJTxBItC.gFrTuN0DD8BPIasglv.WMPRbxt6Papm",
                Some(1_425_211_200),
                Some(PW),
            )
        },
        U {
            display: Some("Bob"),
            ..u(
                2,
                "bob",
                Some("Bob@Example.org"),
                "$P$BBcGN.qvZ6rIjsjE6MXjGiFkoeAPnU0",
                Some(1_478_078_100),
                Some(PW_U),
            )
        },
        U {
            display: Some("Jürgen Groß"),
            ..u(
                3,
                "jurgen",
                Some("jurgen@example.de"),
                "3cb4e732631f47e6eb961f34554b7cde",
                Some(1_518_638_400),
                Some(PW),
            )
        },
        U {
            state: AccountState::Spam,
            ..u(
                4,
                "spammer",
                Some("spam@example.com"),
                "$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.",
                Some(1_518_638_700),
                Some(PW),
            )
        },
        U {
            display: Some("No Email"),
            ..u(
                7,
                "noemail",
                None,
                "$wp$2y$12$4g5DnKUGqngCv5vW7eTW7.KMuS/aB4Fz4knUXhUZi4vvEYusn1tg2",
                Some(1_748_772_000),
                Some(PW),
            )
        },
        U {
            display: Some("Jürgen"),
            ..u(
                9,
                "Jürgen",
                Some("JURGEN@example.de"),
                "$wp$2y$10$3MQGsplO7dEXLFtUiqWNcu9FIAFMK3fcAp7Rn7WqVc3AuDZiknEQa",
                Some(1_748_772_300),
                Some(PW_U),
            )
        },
        U {
            state: AccountState::Deleted,
            ..u(
                10,
                "gone",
                Some("gone@example.com"),
                "$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.",
                Some(1_339_785_000),
                Some(PW),
            )
        },
        u(11, "zerodate", Some("zero@example.com"), "$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.", None, Some(PW)),
        u(
            12,
            "quoter",
            Some("quoter@example.com"),
            "$P$BeA6bqOZM8pzGBVuHlm0leC.u.UvzL/",
            Some(1_557_032_705),
            Some("o'brien \"q\""),
        ),
    ]
}

/// `examples/data/fixtures/zen3mp.sql` (ZEN3MP verifies emails: `verify_user = 'yes'`).
pub fn social() -> Vec<U> {
    let v = |x: U| U { verified: true, ..x };
    vec![
        v(U {
            display: Some("Alice"),
            admin: true,
            ..u(1, "alice", Some("ALICE@example.com"), BCRYPT, Some(1_553_817_600), Some(PW))
        }),
        v(U {
            display: Some("Jürgen"),
            ..u(2, "Jürgen", Some("juergen@example.de"), BCRYPT_U, Some(1_580_688_000), Some(PW_U))
        }),
        U {
            display: Some("alice"),
            state: AccountState::Unverified,
            ..u(
                3,
                "alice_1",
                Some("alice+zen@example.com"),
                "$2y$12$YXKzIxQzV5hlBmivS5RyEOSUwQ0Kj3BJ288dBSJiLDtr9gJN6QJfS",
                Some(1_611_187_200),
                Some(PW),
            )
        },
        v(U {
            display: Some("Closed Carl"),
            state: AccountState::Closed,
            ..u(
                4,
                "closed",
                Some("carl@example.net"),
                "$2y$10$Yh.5VaSi8j2i6/cBFgemge4ZkP35iVSVfHF6TZx0w3Ssa/t2r196q",
                Some(1_572_739_200),
                Some("acdef"),
            )
        }),
        v(U {
            display: Some("Old Timer"),
            ..u(
                5,
                "oldtimer",
                Some("oldtimer@example.org"),
                "3cb4e732631f47e6eb961f34554b7cde",
                Some(1_553_644_800),
                None,
            )
        }),
        v(U { display: Some("No Mail"), ..u(6, "noemail", None, BCRYPT, Some(1_630_454_400), Some(PW)) }),
        v(U { display: Some("Zoned"), ..u(7, "zoned", Some("zoned@example.org"), BCRYPT, None, Some(PW)) }),
    ]
}

pub fn to_users(site: &str, us: &[U]) -> Vec<LegacyUser> {
    let site: Arc<str> = Arc::from(site);
    us.iter()
        .map(|x| LegacyUser {
            site: Arc::clone(&site),
            id: x.id,
            login: x.login.to_owned(),
            display_name: x.display.map(str::to_owned),
            email: x.email.map(str::to_owned),
            email_verified: x.verified,
            password_hash: Some(x.hash.to_owned()),
            state: x.state,
            is_admin: x.admin,
            registered_at: x.reg,
            last_seen_at: None,
        })
        .collect()
}

/// All three fixture sites, in the order acmlm, wordpress, social.
pub fn all_users() -> Vec<LegacyUser> {
    let mut v = to_users("acmlm", &acmlm());
    v.extend(to_users("wordpress", &wordpress()));
    v.extend(to_users("social", &social()));
    v
}

/// A [`UserSource`] over a vector, in batches.
pub struct MemSource {
    site: Arc<str>,
    users: std::vec::IntoIter<LegacyUser>,
    batch: usize,
    /// Deferring: the administrators' ids, handed over after the last batch, or the error
    /// reading them failed with.
    deferred: Option<Result<Vec<u64>, String>>,
}

impl MemSource {
    pub fn boxed(site: &str, users: Vec<LegacyUser>, batch: usize) -> Box<dyn UserSource> {
        Box::new(MemSource {
            site: Arc::from(site),
            users: users.into_iter(),
            batch: batch.max(1),
            deferred: None,
        })
    }

    /// Like [`MemSource::boxed`], but batches say `is_admin: false` and the administrators
    /// (plus an id no batch returned) come from `deferred_admins`, like a WordPress read
    /// with `defer_admins()`.
    pub fn deferring(site: &str, mut users: Vec<LegacyUser>, batch: usize) -> Box<dyn UserSource> {
        let mut admins: Vec<u64> = users.iter().filter(|u| u.is_admin).map(|u| u.id).collect();
        admins.push(u64::MAX);
        for u in &mut users {
            u.is_admin = false;
        }
        Box::new(MemSource {
            site: Arc::from(site),
            users: users.into_iter(),
            batch: batch.max(1),
            deferred: Some(Ok(admins)),
        })
    }

    /// Like [`MemSource::deferring`], but the administrators' read fails.
    pub fn failing_admins(site: &str, users: Vec<LegacyUser>, batch: usize) -> Box<dyn UserSource> {
        Box::new(MemSource {
            site: Arc::from(site),
            users: users.into_iter(),
            batch: batch.max(1),
            deferred: Some(Err("the usermeta read failed".into())),
        })
    }
}

impl UserSource for MemSource {
    fn site(&self) -> &Arc<str> {
        &self.site
    }

    fn next_batch(&mut self) -> BoxFuture<'_, Result<Option<Vec<LegacyUser>>, LegacyError>> {
        let b: Vec<LegacyUser> = self.users.by_ref().take(self.batch).collect();
        Box::pin(async move { Ok(if b.is_empty() { None } else { Some(b) }) })
    }

    fn deferred_admins(&mut self) -> BoxFuture<'_, Result<Vec<u64>, LegacyError>> {
        let result =
            self.deferred.take().unwrap_or(Ok(Vec::new())).map_err(|e| LegacyError::database(&self.site, e));
        Box::pin(async move { result })
    }
}

/// A [`LegacySite`] in memory. Login lookup: case-insensitive on the login name, and on the
/// email when the input contains `@` (roughly what the apps' collations do). Passwords:
/// each user's `password` (None → the hash is unusable: an error).
pub struct FakeSite {
    name: Arc<str>,
    users: Vec<LegacyUser>,
    passwords: Mutex<HashMap<u64, Option<String>>>,
    /// Number of `verify_password` calls, dummy verifications included.
    pub verifications: AtomicU32,
    /// Accounts the lookup pretends to find twice (ambiguous legacy data).
    pub ambiguous: Mutex<Vec<String>>,
}

impl FakeSite {
    pub fn new(name: &str, us: &[U]) -> Arc<FakeSite> {
        Arc::new(FakeSite {
            name: Arc::from(name),
            users: to_users(name, us),
            passwords: Mutex::new(us.iter().map(|x| (x.id, x.password.map(str::to_owned))).collect()),
            verifications: AtomicU32::new(0),
            ambiguous: Mutex::new(Vec::new()),
        })
    }

    pub fn set_password(&self, id: u64, pw: &str) {
        self.passwords.lock().expect("lock").insert(id, Some(pw.to_owned()));
    }

    pub fn user(&self, id: u64) -> LegacyUser {
        self.users.iter().find(|u| u.id == id).cloned().expect("fixture user")
    }
}

impl LegacySite for FakeSite {
    fn name(&self) -> &Arc<str> {
        &self.name
    }

    fn find_for_login<'a>(&'a self, login: &'a str) -> BoxFuture<'a, Result<Vec<LegacyUser>, LegacyError>> {
        let l = login.to_lowercase();
        let mut found: Vec<LegacyUser> = self
            .users
            .iter()
            .filter(|u| {
                u.login.to_lowercase() == l
                    || (login.contains('@')
                        && u.email.as_deref().map(str::to_lowercase).as_deref() == Some(l.as_str()))
            })
            .cloned()
            .collect();
        if self.ambiguous.lock().expect("lock").iter().any(|a| a == login) {
            let dup = found.clone();
            found.extend(dup);
        }
        Box::pin(async move { Ok(found) })
    }

    fn get_by_id(&self, id: u64) -> BoxFuture<'_, Result<Option<LegacyUser>, LegacyError>> {
        let u = self.users.iter().find(|u| u.id == id).cloned();
        Box::pin(async move { Ok(u) })
    }

    fn verify_password(&self, user: &LegacyUser, password: &[u8]) -> Result<bool, LegacyError> {
        self.verifications.fetch_add(1, Ordering::SeqCst);
        if user.id == 0 {
            return Ok(false); // the migrator's dummy verification
        }
        match self.passwords.lock().expect("lock").get(&user.id) {
            Some(Some(pw)) => Ok(pw.as_bytes() == password),
            _ => Err(LegacyError::unusable(halext_core::legacy::UnusableReason::NoPassword)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: u64,
    pub username: String,
    pub email: String,
    pub password: String,
    pub full_name: Option<String>,
}

/// A Halext stand-in: case-sensitive unique username and email, email checked first,
/// login by username then email.
#[derive(Default)]
pub struct FakeHalext {
    pub accounts: Mutex<Vec<Account>>,
    pub down: AtomicBool,
    pub registrations: AtomicU32,
    pub logins: AtomicU32,
    /// Delay inside `register`, to widen race windows.
    pub register_delay: Mutex<Duration>,
}

impl FakeHalext {
    pub fn new() -> Arc<FakeHalext> {
        Arc::new(FakeHalext::default())
    }

    pub fn add(&self, username: &str, email: &str, password: &str) {
        let mut a = self.accounts.lock().expect("lock");
        let id = a.len() as u64 + 1;
        a.push(Account {
            id,
            username: username.into(),
            email: email.into(),
            password: password.into(),
            full_name: None,
        });
    }

    pub fn account(&self, username: &str) -> Option<Account> {
        self.accounts.lock().expect("lock").iter().find(|a| a.username == username).cloned()
    }

    pub fn count(&self) -> usize {
        self.accounts.lock().expect("lock").len()
    }
}

impl HalextAccounts for FakeHalext {
    fn login<'a>(
        &'a self,
        who: &'a str,
        password: &'a Secret,
    ) -> BoxFuture<'a, Result<HalextSession, HalextAuthError>> {
        Box::pin(async move {
            self.logins.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                return Err(HalextAuthError::Unavailable("connection refused".into()));
            }
            let a = self.accounts.lock().expect("lock");
            let acct = a.iter().find(|x| x.username == who).or_else(|| a.iter().find(|x| x.email == who));
            match acct {
                Some(x) if x.password.as_bytes() == password.expose() => Ok(HalextSession {
                    access_token: Secret::from(format!("token-for-{}", x.username)),
                    username: x.username.clone(),
                }),
                _ => Err(HalextAuthError::InvalidCredentials),
            }
        })
    }

    fn register<'a>(
        &'a self,
        n: &'a NewAccount,
    ) -> BoxFuture<'a, Result<RegisteredAccount, HalextAuthError>> {
        Box::pin(async move {
            let delay = *self.register_delay.lock().expect("lock");
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if self.down.load(Ordering::SeqCst) {
                return Err(HalextAuthError::Unavailable("HTTP 502".into()));
            }
            self.registrations.fetch_add(1, Ordering::SeqCst);
            let mut a = self.accounts.lock().expect("lock");
            if a.iter().any(|x| x.email == n.email) {
                return Err(HalextAuthError::DuplicateEmail);
            }
            if a.iter().any(|x| x.username == n.username) {
                return Err(HalextAuthError::DuplicateUsername);
            }
            let id = a.len() as u64 + 1;
            a.push(Account {
                id,
                username: n.username.clone(),
                email: n.email.clone(),
                password: n.password.expose_str().unwrap_or_default().to_owned(),
                full_name: n.full_name.clone(),
            });
            Ok(RegisteredAccount { id, username: n.username.clone() })
        })
    }
}
