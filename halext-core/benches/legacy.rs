//! Criterion benches of the legacy module.
//!
//! * `verify/*`: one successful verification per scheme (vectors from
//!   `tests/data/hash-vectors.json`), plus the worst common miss (bcrypt, raw and addslashes).
//! * `read/*`: rows per second reading a generated 200 000-row users table per profile from
//!   the throwaway MariaDB (`scripts/mariadb.sh`; `HALEXT_MYSQL_PORT`, `HALEXT_RUN_DIR`), the
//!   whole table through `UserSource` in pages of 5 000 (and 20 000 for Acmlmboard).
//!
//! * `driver/*`: the same Acmlmboard pages read with bare mysql_async and no decoding, over
//!   the text protocol (what the reader uses) and the binary protocol (prepared statement): the
//!   floor the reader sits on, and the measurement behind the choice of protocol.
//!
//! Run: `cargo bench -p halext-core --bench legacy` (add `-- verify`, `-- read` or `-- driver`).
//! Peak RSS of the bench process is printed at the end (`VmHWM`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halext_core::Secret;
use halext_core::legacy::config::{AcmlmboardConfig, ProfileKind, SiteConfig};
use halext_core::legacy::password::{self, Md5Construction, Md5Salts, PasswordRules};
use halext_core::legacy::{MysqlSite, UserSource};
use mysql_async::prelude::Queryable;

const ROWS: u64 = 200_000;

fn salts() -> Md5Salts {
    Md5Salts {
        pwdsalt: Some(Secret::from("Please change me!")),
        pwdsalt2: Some(Secret::from("Addtional Salt. Please Change me!")),
    }
}

fn verify(c: &mut Criterion) {
    let mut g = c.benchmark_group("verify");
    g.sample_size(20);
    let ab1 = PasswordRules::acmlmboard1();
    let ab2 = PasswordRules::acmlmboard2(true, salts());
    let wp = PasswordRules::wordpress();
    let zen = PasswordRules::zen3mp();
    let halext = PasswordRules::halext();
    let cases: [(&str, &str, &[u8], &PasswordRules); 8] = [
        ("md5_hex", "3cb4e732631f47e6eb961f34554b7cde", b"correct horse", &ab1),
        ("md5_windows1252_fallback", "291272a69ff1bcb9ebd917acd36aba29", "p@ss w0rd ü".as_bytes(), &ab1),
        ("acmlm2_md5_salt2_pass_salt", "9b70ca48433e0b776f24c75557817c1b", b"correct horse", &ab2),
        ("wp_phpass_8192", "$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.", b"correct horse", &wp),
        (
            "php_bcrypt_cost10",
            "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG",
            b"correct horse",
            &zen,
        ),
        (
            "wp_bcrypt_sha384_cost10",
            "$wp$2y$10$rLBG8WQVbNQOruJTxBItC.gFrTuN0DD8BPIasglv.WMPRbxt6Papm",
            b"correct horse",
            &wp,
        ),
        (
            "halext_pbkdf2_29000",
            "$pbkdf2-sha256$29000$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4",
            b"correct horse",
            &halext,
        ),
        // A miss that tries two forms: raw and addslashes (two bcrypt runs).
        (
            "php_bcrypt_cost10_miss_with_addslashes",
            "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG",
            b"o'wrong",
            &ab2,
        ),
    ];
    for (name, stored, pw, rules) in cases {
        let expect_match = !name.ends_with("_miss_with_addslashes");
        assert_eq!(
            password::verify_login(Some(stored), pw, rules).expect("verify").is_some(),
            expect_match,
            "{name}"
        );
        g.bench_function(name, |b| {
            b.iter(|| password::verify_login(Some(black_box(stored)), black_box(pw), rules))
        });
    }
    g.finish();
}

/// Loads a fixture for the schema, empties it and fills it with `ROWS` generated rows.
fn generated_db(prefix: &str, fixture: &str, fill: &str) -> String {
    let dsn = common::fresh_database(prefix, &[fixture]);
    let sql = std::env::temp_dir().join(format!("halext-bench-{prefix}-{}.sql", std::process::id()));
    std::fs::write(&sql, fill).expect("write generator");
    let name = dsn.rsplit('/').next().expect("db name").to_owned();
    let out = std::process::Command::new("mariadb")
        .args([
            "--no-defaults",
            "--protocol=tcp",
            "-h",
            "127.0.0.1",
            "-P",
            &mysql_port(),
            "-u",
            "halext",
            "-phalext",
            &name,
        ])
        .stdin(std::fs::File::open(&sql).expect("open"))
        .output()
        .expect("mariadb client");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_file(&sql);
    dsn
}

fn mysql_port() -> String {
    let url = common::mysql_url();
    url.rsplit(':').next().expect("port").to_owned()
}

const AB_FILL: &str = "TRUNCATE TABLE users;
INSERT INTO users (id, name, displayname, pass, regdate, lastview, email, group_id, tempbanned, power)
SELECT seq,
       IF(seq % 10 = 0, CONCAT(X'4AC3BC7267656E', seq), CONCAT('user', seq)),
       IF(seq % 3 = 0, CONCAT('Display ', seq), ''),
       '$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG',
       1262304000 + seq, 1600000000 + seq, CONCAT('User', seq, '@Example.com'),
       IF(seq % 50 = 0, 9, 2), IF(seq % 100 = 0, 1893456000, 0), 0
FROM seq_1_to_200000;";

const WP_FILL: &str = "TRUNCATE TABLE wp_users; TRUNCATE TABLE wp_usermeta;
INSERT INTO wp_users (ID, user_login, user_pass, user_nicename, user_email, user_registered, display_name, spam, deleted)
SELECT seq, CONCAT('user', seq), '$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.', CONCAT('user', seq),
       CONCAT('user', seq, '@example.com'), '2015-03-01 12:00:00' + INTERVAL seq MINUTE,
       CONCAT('Jürgen ', seq), 0, 0
FROM seq_1_to_200000;
INSERT INTO wp_usermeta (user_id, meta_key, meta_value)
SELECT seq, 'wp_capabilities', IF(seq % 1000 = 0, 'a:1:{s:13:\"administrator\";b:1;}', 'a:1:{s:10:\"subscriber\";b:1;}')
FROM seq_1_to_200000;
INSERT INTO wp_usermeta (user_id, meta_key, meta_value)
SELECT seq, 'nickname', CONCAT('user', seq) FROM seq_1_to_200000;
INSERT INTO wp_usermeta (user_id, meta_key, meta_value)
SELECT seq, 'session_tokens', CONCAT('a:1:{s:64:\"', SHA2(seq, 256), '\";a:2:{s:10:\"expiration\";i:1749981600;s:5:\"login\";i:', 1748772000 + seq, ';}}')
FROM seq_1_to_200000 WHERE seq % 4 = 0;";

const ZEN_FILL: &str = "TRUNCATE TABLE users;
INSERT INTO users (id, displayname, username, email, password, signup_date, user_closed, friend_list, user_title, verify_user)
SELECT seq, CONCAT('User ', seq), CONCAT('user', seq), CONCAT('USER', seq, '@example.com'),
       '$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG', '2019-03-29' + INTERVAL (seq % 2000) DAY,
       IF(seq % 7 = 0, 'yes', 'no'), ',', IF(seq % 500 = 0, 'Admin', 'User'), IF(seq % 11 = 0, 'no', 'yes')
FROM seq_1_to_200000;";

fn site(dsn: &str, profile: ProfileKind, batch: u32) -> MysqlSite {
    let mut cfg = SiteConfig::new("bench", profile);
    cfg.dsn = Some(Secret::from(dsn));
    cfg.batch_size = batch;
    if profile == ProfileKind::Acmlmboard {
        cfg.acmlmboard =
            Some(AcmlmboardConfig { md5: Some(vec![Md5Construction::Salt2PassSalt]), ..Default::default() });
    }
    MysqlSite::new(&cfg).expect("site")
}

async fn read_all(site: &MysqlSite) -> u64 {
    let mut source = site.users();
    let mut n = 0u64;
    let mut admins = 0u64;
    while let Some(batch) = source.next_batch().await.expect("batch") {
        n += batch.len() as u64;
        admins += batch.iter().filter(|u| u.is_admin).count() as u64;
    }
    black_box(admins);
    n
}

fn read(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let tables = [
        (
            "acmlmboard",
            ProfileKind::Acmlmboard,
            generated_db("bench_ab", "examples/data/fixtures/acmlmboard.sql", AB_FILL),
        ),
        (
            "wordpress",
            ProfileKind::Wordpress,
            generated_db("bench_wp", "examples/data/fixtures/wordpress.sql", WP_FILL),
        ),
        (
            "zen3mp",
            ProfileKind::Zen3mp,
            generated_db("bench_zen", "examples/data/fixtures/zen3mp.sql", ZEN_FILL),
        ),
    ];
    let mut g = c.benchmark_group("read");
    g.sample_size(10).measurement_time(Duration::from_secs(8)).throughput(Throughput::Elements(ROWS));
    for (name, profile, dsn) in &tables {
        let batches: &[u32] = if *profile == ProfileKind::Acmlmboard { &[5_000, 20_000] } else { &[5_000] };
        for &batch in batches {
            let s = site(dsn, *profile, batch);
            assert_eq!(rt.block_on(read_all(&s)), ROWS, "{name}");
            g.bench_function(format!("{name}_batch{batch}"), |b| b.iter(|| rt.block_on(read_all(&s))));
        }
    }
    g.finish();

    // Client-side cost: this process's CPU time per row (the rest of the wall time is the
    // server's work and the wire), i.e. the reader's own ceiling on rows per second per core.
    for (name, profile, dsn) in &tables {
        let s = site(dsn, *profile, 5_000);
        let (cpu0, wall0) = (cpu_seconds(), std::time::Instant::now());
        let runs = 3;
        for _ in 0..runs {
            assert_eq!(rt.block_on(read_all(&s)), ROWS);
        }
        let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
        let rows = (ROWS * runs) as f64;
        eprintln!(
            "read/{name}: {:.0} rows/s wall, client CPU {:.2} us/row (ceiling {:.0} rows/s per core)",
            rows / wall,
            cpu * 1e6 / rows,
            rows / cpu
        );
    }

    let ab_dsn = &tables[0].2;
    let mut g = c.benchmark_group("driver");
    g.sample_size(10).measurement_time(Duration::from_secs(8)).throughput(Throughput::Elements(ROWS));
    let pool = mysql_async::Pool::new(ab_dsn.as_str());
    let cols = "id, name, displayname, email, pass, regdate, lastview, group_id, tempbanned, power";
    let text = |pool: &mysql_async::Pool| {
        let pool = pool.clone();
        async move {
            let mut conn = pool.get_conn().await.expect("conn");
            let (mut after, mut n) = (0u64, 0u64);
            loop {
                let sql = format!("SELECT {cols} FROM users WHERE id > {after} ORDER BY id LIMIT 5000");
                let rows: Vec<mysql_async::Row> = conn.query(sql).await.expect("page");
                let Some(last) = rows.last() else { break };
                after = last.get::<u64, _>(0).expect("id");
                n += rows.len() as u64;
            }
            n
        }
    };
    let binary = |pool: &mysql_async::Pool| {
        let pool = pool.clone();
        async move {
            let mut conn = pool.get_conn().await.expect("conn");
            let sql = format!("SELECT {cols} FROM users WHERE id > ? ORDER BY id LIMIT 5000");
            let (mut after, mut n) = (0u64, 0u64);
            loop {
                let rows: Vec<mysql_async::Row> = conn.exec(&sql, (after,)).await.expect("page");
                let Some(last) = rows.last() else { break };
                after = last.get::<u64, _>(0).expect("id");
                n += rows.len() as u64;
            }
            n
        }
    };
    assert_eq!(rt.block_on(text(&pool)), ROWS);
    assert_eq!(rt.block_on(binary(&pool)), ROWS);
    let cpu0 = cpu_seconds();
    for _ in 0..3 {
        rt.block_on(text(&pool));
    }
    eprintln!(
        "driver/acmlmboard_text_protocol: client CPU {:.2} us/row",
        (cpu_seconds() - cpu0) * 1e6 / (3 * ROWS) as f64
    );
    g.bench_function("acmlmboard_text_protocol", |b| b.iter(|| rt.block_on(text(&pool))));
    g.bench_function("acmlmboard_binary_protocol", |b| b.iter(|| rt.block_on(binary(&pool))));
    g.finish();
    rt.block_on(pool.disconnect()).expect("disconnect");

    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
            eprintln!("legacy bench peak RSS: {}", line.trim_start_matches("VmHWM:").trim());
        }
    }
}

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(ru.ru_utime) + t(ru.ru_stime)
}

criterion_group!(benches, verify, read);
criterion_main!(benches);
