//! Round-trip cost of the blocking client (the path PHP and C take) against the in-process
//! Halext test server on loopback: criterion for the mean, then a plain loop for p50/p90/p99.
//!
//! Run: `cargo bench -p halext-core --bench api` (add `-- --quick` for a short run). With
//! `HALEXT_BENCH_URL=http://127.0.0.1:PORT` it measures against an already running
//! `halext-test-server` process instead (e.g. to compare with PHP curl on the same server).
//! Baselines printed alongside: a raw keep-alive HTTP/1.1 exchange on a `std` socket against
//! the same server (the floor any client can reach), the blocking facade with its direct HTTP
//! path off (everything through reqwest), and the async client (reqwest) on a current-thread
//! runtime.

use criterion::Criterion;
use halext_core::api::{AccessToken, BlockingClient, ClientConfig, HalextClient, Method};
use halext_test_server::{SeedUser, ServerConfig, ServerHandle};
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const SAMPLES: usize = 20_000;

/// The server under test: in-process, or an external one named by `HALEXT_BENCH_URL`.
struct Target {
    server: Option<ServerHandle>,
    url: String,
    addr: std::net::SocketAddr,
    token: AccessToken,
}

fn setup() -> Target {
    if let Ok(url) = std::env::var("HALEXT_BENCH_URL") {
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("HALEXT_BENCH_URL host:port");
        let c = BlockingClient::new(config(&url)).expect("client");
        let seed = serde_json::json!({"username": "bench", "email": "bench@example.org", "password": "pw", "rounds": 1000});
        let _ = c.request_json(Method::POST, "/__test/users", None, &[], Some(&seed));
        let body = serde_json::json!({"username": "bench", "exp": null});
        let t = c.request_json(Method::POST, "/__test/token", None, &[], Some(&body)).expect("token");
        let token = AccessToken::new(t["access_token"].as_str().expect("token"));
        return Target { server: None, url, addr, token };
    }
    let server =
        halext_test_server::spawn(ServerConfig { keep_alive_timeout: None, ..ServerConfig::default() })
            .expect("server");
    let mut seed = SeedUser::new("bench", "bench@example.org", "pw");
    seed.rounds = Some(1000);
    server.seed_user(seed).expect("seed");
    let token = AccessToken::new(server.mint_token("bench", None));
    Target { url: server.url().to_owned(), addr: server.addr(), token, server: Some(server) }
}

fn config(url: &str) -> ClientConfig {
    ClientConfig::new(url).expect("config").with_retries(0).with_pool_idle_ms(60_000)
}

/// A keep-alive `GET path` on a plain socket, reading exactly one response.
struct RawClient {
    sock: TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl RawClient {
    fn new(addr: std::net::SocketAddr, path: &str) -> Self {
        let sock = TcpStream::connect(addr).expect("connect");
        sock.set_nodelay(true).expect("nodelay");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n").into_bytes();
        RawClient { sock, request, buf: vec![0; 64 * 1024] }
    }

    fn get(&mut self) -> usize {
        self.sock.write_all(&self.request).expect("write");
        let mut have = 0;
        loop {
            let n = self.sock.read(&mut self.buf[have..]).expect("read");
            assert!(n > 0, "closed");
            have += n;
            if let Some(end) = self.buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).expect("head");
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().expect("len"))
                    })
                    .expect("content-length");
                if have >= end + 4 + len {
                    return len;
                }
            }
        }
    }
}

fn percentiles(name: &str, mut f: impl FnMut()) {
    for _ in 0..1_000 {
        f();
    }
    let mut times: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort_unstable();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e6;
    let mean = times.iter().sum::<Duration>().as_secs_f64() * 1e6 / times.len() as f64;
    println!(
        "{name:<34} n={SAMPLES}  p50 {:>6.1} µs  p90 {:>6.1} µs  p99 {:>6.1} µs  mean {mean:>6.1} µs",
        p(0.50),
        p(0.90),
        p(0.99)
    );
}

fn main() {
    let target = setup();
    let token = target.token.clone();
    let blocking = BlockingClient::new(config(&target.url)).expect("client");
    let via_reqwest = BlockingClient::new(config(&target.url).with_direct_http(false)).expect("client");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let async_client = HalextClient::new(config(&target.url)).expect("client");
    let mut raw_health = RawClient::new(target.addr, "/health");
    let mut raw_version = RawClient::new(target.addr, "/version");

    // `HALEXT_BENCH_PROFILE=N`: only N blocking `version()` calls, for perf/strace.
    if let Some(n) = std::env::var("HALEXT_BENCH_PROFILE").ok().and_then(|v| v.parse::<usize>().ok()) {
        for _ in 0..n {
            black_box(blocking.version().expect("version"));
        }
        return;
    }

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("api_loopback");
    g.bench_function("raw_socket_get_health", |b| b.iter(|| black_box(raw_health.get())));
    g.bench_function("blocking_health", |b| b.iter(|| black_box(blocking.health().expect("health"))));
    g.bench_function("blocking_version", |b| b.iter(|| black_box(blocking.version().expect("version"))));
    g.bench_function("blocking_version_via_reqwest", |b| {
        b.iter(|| black_box(via_reqwest.version().expect("version")))
    });
    g.bench_function("blocking_me_with_token", |b| b.iter(|| black_box(blocking.me(&token).expect("me"))));
    g.bench_function("async_health_current_thread", |b| {
        b.iter(|| black_box(rt.block_on(async_client.health()).expect("health")))
    });
    g.finish();
    c.final_summary();

    println!(
        "\nlatency distribution (2-core VM, loopback, {}):",
        if target.server.is_some() { "in-process test server" } else { target.url.as_str() }
    );
    percentiles("raw keep-alive socket GET /health", || {
        black_box(raw_health.get());
    });
    percentiles("raw keep-alive socket GET /version", || {
        black_box(raw_version.get());
    });
    percentiles("BlockingClient::health()", || {
        black_box(blocking.health().expect("health"));
    });
    percentiles("BlockingClient::version()", || {
        black_box(blocking.version().expect("version"));
    });
    percentiles("BlockingClient::version() via reqwest", || {
        black_box(via_reqwest.version().expect("version"));
    });
    percentiles("BlockingClient::health() via reqwest", || {
        black_box(via_reqwest.health().expect("health"));
    });
    percentiles("BlockingClient::me(token)", || {
        black_box(blocking.me(&token).expect("me"));
    });
    percentiles("HalextClient::health() (current-thread)", || {
        black_box(rt.block_on(async_client.health()).expect("health"));
    });
}
