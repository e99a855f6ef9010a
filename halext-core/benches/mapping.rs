//! Mapping benchmarks: planning 1,000,000 generated accounts (rows/s and peak RSS), apply
//! into MariaDB (rows/s), and the `resolve` point lookup through the blocking facade the PHP
//! extension uses (cached, and uncached over the unix socket and over TCP).
//!
//! `cargo bench -p halext-core --bench mapping` (starts the test MariaDB through
//! `scripts/mariadb.sh` unless `HALEXT_TEST_MYSQL_URL` is set). `HALEXT_BENCH_ROWS` changes
//! the plan size (default 1,000,000); `HALEXT_BENCH_APPLY_ROWS` the apply size (200,000).

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, criterion_group};
use halext_core::legacy::{AccountState, BoxFuture, LegacyError, LegacyUser, UserSource};
use halext_core::mapping::apply::{ApplyOptions, apply_plan};
use halext_core::mapping::plan::{PlanPolicy, Planner};
use halext_core::mapping::store::StoreConfig;
use halext_core::mapping::{BlockingMappingStore, LinkMethod};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// Generates accounts on the fly (the input is never all in memory, like a database cursor).
/// Three profiles that overlap on purpose: the same `i` on two sites has the same mailbox in
/// another case and the same login in another case, so merges and collisions happen.
struct GenSource {
    site: Arc<str>,
    profile: u8,
    next: u64,
    end: u64,
}

impl GenSource {
    fn boxed(site: &str, profile: u8, n: u64) -> Box<dyn UserSource> {
        Box::new(GenSource { site: Arc::from(site), profile, next: 1, end: n + 1 })
    }

    fn user(&self, i: u64) -> LegacyUser {
        let (login, email, verified, hash, state) = match self.profile {
            // Acmlmboard-like: capitalised names, some Unicode and spaces, unverified emails,
            // 10% empty, some md5, 1% banned.
            0 => (
                match i % 50 {
                    0 => format!("Jürgen {i}"),
                    1 => format!("user/{i}"),
                    _ => format!("User{i}"),
                },
                (i % 10 != 0).then(|| format!("User{i}@Example.org")),
                false,
                if i % 7 == 0 { "9b70ca48433e0b776f24c75557817c1b" } else { BCRYPT },
                if i % 100 == 0 { AccountState::Banned { until: None } } else { AccountState::Active },
            ),
            // WordPress-like: lower-case logins, unverified emails, phpass.
            1 => (
                format!("user{i}"),
                Some(format!("user{i}@example.org")),
                false,
                "$P$BBcGN.qvZ6rIjsjE6MXjGiFkoeAPnU0",
                if i % 200 == 0 { AccountState::Spam } else { AccountState::Active },
            ),
            // ZEN3MP-like: verified emails, bcrypt, some closed or unverified.
            _ => (
                format!("user{i}"),
                Some(format!("USER{i}@example.org")),
                i % 20 != 0,
                BCRYPT,
                match i % 20 {
                    0 => AccountState::Unverified,
                    1 => AccountState::Closed,
                    _ => AccountState::Active,
                },
            ),
        };
        LegacyUser {
            site: Arc::clone(&self.site),
            id: i,
            display_name: Some(format!("Display {i}")),
            login,
            email,
            email_verified: verified,
            password_hash: Some(hash.to_owned()),
            state,
            is_admin: i == 1,
            registered_at: Some(1_200_000_000 + (i as i64) * 7),
            last_seen_at: None,
        }
    }
}

const BCRYPT: &str = "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";

impl UserSource for GenSource {
    fn site(&self) -> &Arc<str> {
        &self.site
    }

    fn next_batch(&mut self) -> BoxFuture<'_, Result<Option<Vec<LegacyUser>>, LegacyError>> {
        let stop = (self.next + 10_000).min(self.end);
        let batch: Vec<LegacyUser> = (self.next..stop).map(|i| self.user(i)).collect();
        self.next = stop;
        Box::pin(async move { Ok((!batch.is_empty()).then_some(batch)) })
    }
}

fn sources(total: u64) -> Vec<Box<dyn UserSource>> {
    let a = total * 4 / 10;
    let b = total * 3 / 10;
    vec![
        GenSource::boxed("acmlm", 0, a),
        GenSource::boxed("wordpress", 1, b),
        GenSource::boxed("social", 2, total - a - b),
    ]
}

fn policy() -> PlanPolicy {
    PlanPolicy {
        site_priority: vec!["social".into(), "acmlm".into(), "wordpress".into()],
        ..PlanPolicy::default()
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (get("VmHWM:"), get("VmRSS:"))
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// One-shot measurements printed before the criterion groups: plan of 1M accounts (rows/s,
/// peak RSS) and apply (rows/s).
fn one_shot() {
    let rows = env_u64("HALEXT_BENCH_ROWS", 1_000_000);
    let (hwm0, _) = rss_kib();
    let rt = rt();
    // The generator alone (what a database cursor would cost), to separate it from planning.
    let t = Instant::now();
    let mut generated = 0usize;
    for mut src in sources(rows) {
        while let Some(batch) = rt.block_on(src.next_batch()).expect("batch") {
            generated += black_box(batch).len();
        }
    }
    let gen_secs = t.elapsed().as_secs_f64();
    println!("generate only: {generated} accounts in {gen_secs:.3} s");
    let t = Instant::now();
    let plan = rt.block_on(Planner::new(policy()).plan(sources(rows))).expect("plan");
    let secs = t.elapsed().as_secs_f64();
    let (hwm1, rss1) = rss_kib();
    let sum = plan.summary();
    println!(
        "plan: {rows} accounts in {secs:.3} s = {:.0} rows/s; peak RSS {:.1} MiB (start {:.1} MiB, now {:.1} MiB); plan heap {:.1} MiB; statuses {:?}",
        rows as f64 / secs,
        hwm1 as f64 / 1024.0,
        hwm0 as f64 / 1024.0,
        rss1 as f64 / 1024.0,
        plan.heap_bytes() as f64 / 1_048_576.0,
        sum.by_status
    );
    drop(plan);

    let apply_rows = env_u64("HALEXT_BENCH_APPLY_ROWS", 200_000);
    let dsn = common::fresh_database("map_bench_apply", &[]);
    let store = halext_core::mapping::MappingStore::new(&StoreConfig::new(dsn.as_str())).expect("store");
    rt.block_on(store.init()).expect("init");
    let plan = rt.block_on(Planner::new(policy()).plan(sources(apply_rows))).expect("plan");
    let n = plan.row_count();
    let t = Instant::now();
    rt.block_on(apply_plan(&store, &plan, &ApplyOptions::default(), &AtomicBool::new(false), &mut |_| {}))
        .expect("apply");
    let secs = t.elapsed().as_secs_f64();
    println!("apply: {n} rows in {secs:.3} s = {:.0} rows/s (fresh table, batches of 1000)", n as f64 / secs);
    let t = Instant::now();
    rt.block_on(apply_plan(&store, &plan, &ApplyOptions::default(), &AtomicBool::new(false), &mut |_| {}))
        .expect("apply");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "apply again (all rows exist, unchanged): {n} rows in {secs:.3} s = {:.0} rows/s",
        n as f64 / secs
    );
    drop(store);

    // resolve() through the blocking facade, as PHP calls it: p50/p90 of single calls.
    let dsn = common::fresh_database("map_bench_p50", &[]);
    let seed = BlockingMappingStore::shared(&StoreConfig::new(dsn.as_str())).expect("store");
    seed.init().expect("init");
    for id in 1..=1000u64 {
        seed.link("acmlm", id, &format!("user{id}"), Some(id), LinkMethod::Registration, None, "bench")
            .expect("link");
    }
    // The three stores are measured round-robin, call by call, so that they see the same
    // machine load (the bench VM is shared).
    let stores: Vec<(&str, BlockingMappingStore)> = [
        ("cached", format!("{dsn}?prefer_socket=true"), 10_000),
        ("uncached, unix socket", format!("{dsn}?prefer_socket=true&stmt_cache_size=32"), 0),
        ("uncached, TCP", format!("{dsn}?prefer_socket=false"), 0),
    ]
    .into_iter()
    .map(|(label, url, capacity)| {
        let mut cfg = StoreConfig::new(url.as_str());
        cfg.cache_capacity = capacity;
        let store = BlockingMappingStore::shared(&cfg).expect("store");
        for id in 1..=1000u64 {
            store.resolve("acmlm", id).expect("warm");
        }
        (label, store)
    })
    .collect();
    let mut times: Vec<Vec<u128>> = vec![Vec::with_capacity(20_000); stores.len()];
    for i in 0..20_000u64 {
        for (k, (_, store)) in stores.iter().enumerate() {
            let t = Instant::now();
            black_box(store.resolve("acmlm", i % 1000 + 1).expect("resolve"));
            times[k].push(t.elapsed().as_nanos());
        }
    }
    for ((label, _), t) in stores.iter().zip(times.iter_mut()) {
        t.sort_unstable();
        println!(
            "resolve {label}: p50 {:.2} us, p90 {:.2} us, p99 {:.2} us",
            t[10_000] as f64 / 1000.0,
            t[18_000] as f64 / 1000.0,
            t[19_800] as f64 / 1000.0
        );
    }
}

fn bench_plan(c: &mut Criterion) {
    let rt = rt();
    let mut g = c.benchmark_group("plan");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Elements(100_000));
    g.bench_function("100k accounts, 3 profiles", |b| {
        b.iter(|| rt.block_on(Planner::new(policy()).plan(sources(100_000))).expect("plan"))
    });
    g.finish();
}

fn bench_resolve(c: &mut Criterion) {
    let dsn = common::fresh_database("map_bench_resolve", &[]);
    let cached = BlockingMappingStore::shared(&StoreConfig::new(dsn.as_str())).expect("store");
    cached.init().expect("init");
    for id in 1..=1000u64 {
        cached
            .link("acmlm", id, &format!("user{id}"), Some(id), LinkMethod::Registration, None, "bench")
            .expect("link");
    }
    let mut g = c.benchmark_group("resolve");
    g.measurement_time(Duration::from_secs(3));
    cached.resolve("acmlm", 500).expect("warm");
    g.bench_function("cached", |b| {
        b.iter(|| black_box(cached.resolve(black_box("acmlm"), black_box(500)).expect("resolve")))
    });
    for (label, url) in [
        ("uncached, unix socket", format!("{dsn}?prefer_socket=true")),
        ("uncached, TCP", format!("{dsn}?prefer_socket=false")),
    ] {
        let mut cfg = StoreConfig::new(url.as_str());
        cfg.cache_capacity = 0;
        let store = BlockingMappingStore::shared(&cfg).expect("store");
        store.resolve("acmlm", 1).expect("connect");
        let mut id = 0u64;
        g.bench_function(label, |b| {
            b.iter(|| {
                id = id % 1000 + 1;
                black_box(store.resolve("acmlm", id).expect("resolve"))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_plan, bench_resolve);

fn main() {
    one_shot();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
