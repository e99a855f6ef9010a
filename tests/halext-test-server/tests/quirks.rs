//! The test server reproduces the reference's quirks byte for byte (raw HTTP, no client).

mod support;

use halext_test_server::{Fault, FaultKind, SeedUser, ServerConfig, ServerHandle, spawn};
use support::{FORM, JSON, http};

fn server(f: impl FnOnce(&mut ServerConfig)) -> ServerHandle {
    let mut cfg = ServerConfig { secret_key: "quirk-secret".into(), ..ServerConfig::default() };
    f(&mut cfg);
    spawn(cfg).expect("spawn")
}

fn seed(s: &ServerHandle, name: &str, admin: bool) -> String {
    let mut u = SeedUser::new(name, &format!("{name}@example.org"), "pw");
    u.is_admin = admin;
    u.rounds = Some(1000);
    s.seed_user(u).expect("seed");
    s.mint_token(name, Some(time::OffsetDateTime::now_utc().unix_timestamp() + 600))
}

#[test]
fn both_mounts_and_307_for_the_wrong_slash_with_a_location_without_api() {
    let s = server(|_| {});
    let addr = s.url().trim_start_matches("http://").to_owned();
    for path in ["/health", "/api/health"] {
        let r = http(s.url(), "GET", path, &[], "");
        assert_eq!(r.status, 200);
        assert!(r.header("date").is_some(), "hyper adds Date");
        assert!(r.header("content-type").is_some_and(|c| c.starts_with("application/json")));
    }
    for (method, path, location) in [
        ("GET", "/api/users/me", "/users/me/"),
        ("POST", "/users", "/users/"),
        ("GET", "/api/health/", "/health"),
        ("DELETE", "/users/me?x=1", "/users/me/?x=1"),
    ] {
        let r = http(s.url(), method, path, &[], "");
        assert_eq!(r.status, 307, "{method} {path}");
        assert_eq!(
            r.header("location"),
            Some(format!("http://{addr}{location}").as_str()),
            "{method} {path}"
        );
    }
    let r = http(s.url(), "GET", "/ai/context/zeniea", &[], "");
    assert_eq!((r.status, r.json()), (404, serde_json::json!({"detail": "Not Found"})));
    let r = http(s.url(), "PATCH", "/health", &[], "");
    assert_eq!((r.status, r.json()["detail"].as_str()), (405, Some("Method Not Allowed")));
}

#[test]
fn health_and_version_bodies() {
    let s = server(|_| {});
    let h = http(s.url(), "GET", "/health", &[], "").json();
    for key in ["status", "version", "timestamp", "env", "components", "system"] {
        assert!(h.get(key).is_some(), "health lacks {key}: {h}");
    }
    assert_eq!(h["version"], "0.2.0-refactored");
    let ts = h["timestamp"].as_str().expect("timestamp");
    assert!(!ts.ends_with('Z') && !ts.contains('+'), "SQLite-style datetimes have no offset: {ts}");
    let v = http(s.url(), "GET", "/version", &[], "").json();
    assert!(v["features"].is_array() && v["api_name"].is_string());
    let with_tz = server(|c| c.tz_offsets = true);
    let ts = http(with_tz.url(), "GET", "/health", &[], "").json()["timestamp"].as_str().map(str::to_owned);
    assert!(ts.is_some_and(|t| t.ends_with("+00:00")));
}

#[test]
fn token_route_wants_a_form_and_401s_carry_www_authenticate() {
    let s = server(|_| {});
    seed(&s, "ann", false);
    let r = http(s.url(), "POST", "/token", &[JSON], r#"{"username": "ann", "password": "pw"}"#);
    assert_eq!(r.status, 422);
    let locs: Vec<String> =
        r.json()["detail"].as_array().expect("list").iter().map(|e| e["loc"].to_string()).collect();
    assert_eq!(locs, [r#"["body","username"]"#, r#"["body","password"]"#]);
    let r =
        http(s.url(), "POST", "/token", &[FORM], "grant_type=client_credentials&username=ann&password=pw");
    assert_eq!((r.status, r.json()["detail"][0]["type"].as_str()), (422, Some("string_pattern_mismatch")));
    let r = http(s.url(), "POST", "/token", &[FORM], "username=ann&password=nope");
    assert_eq!((r.status, r.header("www-authenticate")), (401, Some("Bearer")));
    let r = http(
        s.url(),
        "POST",
        "/token",
        &[FORM],
        "username=ann%40example.org&password=pw&scope=x&client_id=y",
    );
    assert_eq!(r.status, 200, "email login, extra OAuth2 fields ignored");
    let body = r.json();
    assert_eq!(body["token_type"], "bearer");
    let key = jsonwebtoken::DecodingKey::from_secret(b"quirk-secret").expect("key");
    let data = jsonwebtoken::decode::<serde_json::Value>(
        body["access_token"].as_str().expect("token"),
        &key,
        &jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256),
    )
    .expect("HS256 with SECRET_KEY");
    let claims = data.claims.as_object().expect("claims");
    assert_eq!(claims.keys().collect::<Vec<_>>(), ["exp", "sub"], "exactly sub and exp");
    assert_eq!(claims["sub"], "ann");
    let left = claims["exp"].as_i64().expect("exp") - time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((1795..=1800).contains(&left), "30 minutes, got {left}");

    let r = http(s.url(), "GET", "/users/me/", &[], "");
    assert_eq!(
        (r.status, r.header("www-authenticate"), r.json()["detail"].as_str()),
        (401, Some("Bearer"), Some("Not authenticated"))
    );
    let r = http(s.url(), "GET", "/users/me/", &["Authorization: Bearer x.y.z"], "");
    assert_eq!(r.json()["detail"], "Could not validate credentials");
}

#[test]
fn registration_rules() {
    let coded = server(|c| c.access_code = "  sesame ".into());
    let body = r#"{"username": "a", "email": "a@x", "password": "pw", "is_admin": true}"#;
    let r = http(coded.url(), "POST", "/users/", &[JSON], body);
    assert_eq!((r.status, r.header("www-authenticate")), (401, None));
    let r = http(coded.url(), "POST", "/users/", &[JSON, "X-Halext-Code: sesame"], body);
    assert_eq!(r.status, 200, "the access code is compared after trimming the configured value");
    let u = r.json();
    assert_eq!(
        (u["is_admin"].as_bool(), u["tasks"].as_array().map(Vec::len)),
        (Some(true), Some(8)),
        "is_admin honoured; demo data by default"
    );
    let dev = server(|c| {
        c.access_code = "sesame".into();
        c.dev_mode = true;
    });
    assert_eq!(
        http(dev.url(), "POST", "/users/?create_demo_data=false", &[JSON], body).json()["tasks"],
        serde_json::json!([])
    );
    let r = http(dev.url(), "POST", "/users/", &[JSON], r#"{"username": "b", "password": "hunter2"}"#);
    let detail = &r.json()["detail"][0];
    assert_eq!(
        (r.status, detail["type"].as_str(), detail["loc"][1].as_str()),
        (422, Some("missing"), Some("email"))
    );
    assert_eq!(detail["input"]["password"], "hunter2", "pydantic echoes the input, as the real server does");
    let stored = http(dev.url(), "POST", "/token", &[FORM], "username=a&password=pw");
    assert_eq!(stored.status, 200, "registered with a passlib pbkdf2-sha256 hash");
}

#[test]
fn content_social_and_presence_quirks() {
    let s = server(|_| {});
    let ann = format!("Authorization: Bearer {}", seed(&s, "ann", false));
    let r = http(s.url(), "GET", "/content/admin/blog-posts", &[&ann], "");
    assert_eq!((r.status, r.json()["detail"].as_str()), (403, Some("Admin access required")));
    let r = http(s.url(), "POST", "/social/circles", &[&ann, JSON], r#"{"name": "c"}"#);
    assert_eq!(r.status, 201);
    let code = r.json()["invite_code"].as_str().map(str::to_owned).expect("code");
    let r = http(s.url(), "POST", "/social/circles/join", &[&ann], "");
    assert_eq!(
        (r.status, r.json()["detail"][0]["loc"].to_string()),
        (422, r#"["query","invite_code"]"#.to_owned())
    );
    let r = http(s.url(), "POST", &format!("/social/circles/join?invite_code={code}"), &[&ann], "");
    assert_eq!(r.status, 200);
    let r = http(s.url(), "GET", "/users/presence?user_ids=1,abc", &[&ann], "");
    assert_eq!(
        (r.status, r.header("content-type"), r.body.as_str()),
        (500, Some("text/plain; charset=utf-8"), "Internal Server Error")
    );
}

#[test]
fn chat_stream_bytes_and_mock_reply() {
    let s = server(|_| {});
    let ann = format!("Authorization: Bearer {}", seed(&s, "ann", false));
    let r = http(s.url(), "POST", "/ai/chat", &[&ann, JSON], r#"{"prompt": "hi"}"#);
    assert_eq!(
        r.json(),
        serde_json::json!({"response": halext_test_server::MOCK_REPLY, "model": "mock:mock", "provider": "mock"})
    );
    let r =
        http(s.url(), "POST", "/ai/stream", &[&ann, JSON], r#"{"prompt": "hi", "model": "mock:mistral"}"#);
    assert_eq!(r.header("x-halext-ai-model"), Some("mock:mistral"));
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/event-stream")));
    assert!(r.body.starts_with("data: I \n\ndata: am \n\n"), "{:?}", r.body);
    assert!(r.body.ends_with("data: started! \n\ndata: [DONE]\n\n"), "{:?}", r.body);
    let models = http(s.url(), "GET", "/ai/models", &[&ann], "").json();
    assert_eq!(models["models"][1]["id"], "mock:mistral");
    assert_eq!(s.ai_default_model(), "mock:llama3.1");
}

#[test]
fn openwebui_sso_is_signed_with_the_separate_jwt_secret() {
    let s = server(|c| {
        c.openwebui_url = Some("http://owui:8080".into());
        c.openwebui_sync_enabled = true;
        c.jwt_secret_key = "sso-key".into();
    });
    let ann = format!("Authorization: Bearer {}", seed(&s, "ann", false));
    let r = http(s.url(), "POST", "/integrations/openwebui/sso", &[&ann], "").json();
    let key = jsonwebtoken::DecodingKey::from_secret(b"sso-key").expect("key");
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.set_issuer(&["halext-org"]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(r["token"].as_str().expect("token"), &key, &v)
        .expect("sso")
        .claims;
    assert_eq!((claims["username"].as_str(), claims["user_id"].as_i64()), (Some("ann"), Some(1)));
    assert_eq!(r["sso_url"], format!("http://owui:8080/sso?token={}", r["token"].as_str().expect("token")));
    let r = http(s.url(), "POST", "/integrations/openwebui/sync/user", &[&ann], "").json();
    assert_eq!(
        (r["success"].as_bool(), r["error"].as_str()),
        (Some(false), Some("Failed to authenticate as admin"))
    );
}

#[test]
fn control_api_faults_log_and_reset() {
    let s = server(|_| {});
    let r = http(
        s.url(),
        "POST",
        "/__test/faults",
        &[JSON],
        r#"[{"path_prefix": "/version", "kind": "status_500", "count": 2}]"#,
    );
    assert_eq!(r.status, 204);
    assert_eq!(http(s.url(), "GET", "/api/version", &[], "").status, 500);
    assert_eq!(http(s.url(), "GET", "/version", &[], "").status, 500);
    assert_eq!(http(s.url(), "GET", "/version", &[], "").status, 200);
    s.add_fault(Fault::new("/version", FaultKind::GarbageBody));
    assert!(
        serde_json::from_str::<serde_json::Value>(&http(s.url(), "GET", "/version", &[], "").body).is_err()
    );
    let log = http(s.url(), "GET", "/__test/requests", &[], "").json();
    let statuses: Vec<i64> =
        log.as_array().expect("log").iter().filter_map(|e| e["status"].as_i64()).collect();
    assert_eq!(statuses, [500, 500, 200, 200], "control routes are not logged");
    assert_eq!(http(s.url(), "POST", "/__test/reset", &[], "").status, 204);
    assert!(s.requests().is_empty());
    let t = http(s.url(), "POST", "/__test/token", &[JSON], r#"{"username": "x", "exp": null}"#).json();
    assert!(t["access_token"].as_str().is_some_and(|t| t.split('.').count() == 3));
}

#[test]
fn the_log_numbers_connections() {
    use std::io::{Read, Write};
    let s = server(|_| {});
    // Two requests on one keep-alive connection, then one on a new connection.
    let addr = s.addr();
    let mut conn = std::net::TcpStream::connect(addr).expect("connect");
    conn.set_read_timeout(Some(std::time::Duration::from_secs(5))).expect("timeout");
    for _ in 0..2 {
        conn.write_all(format!("GET /version HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).expect("write");
        // Read exactly one response (head, then Content-Length bytes of body).
        let mut got = Vec::new();
        let mut byte = [0u8; 1];
        while !got.ends_with(b"\r\n\r\n") {
            conn.read_exact(&mut byte).expect("read head");
            got.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&got).to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("content-length");
        let mut body = vec![0u8; len];
        conn.read_exact(&mut body).expect("read body");
    }
    assert_eq!(http(s.url(), "GET", "/health", &[], "").status, 200);
    let conns: Vec<u64> = s.requests().iter().map(|r| r.connection).collect();
    assert_eq!(conns.len(), 3);
    assert!(conns[0] > 0 && conns[0] == conns[1] && conns[2] != conns[0], "{conns:?}");
    let log = http(s.url(), "GET", "/__test/requests", &[], "").json();
    assert_eq!(log[0]["connection"].as_u64(), Some(conns[0]), "the JSON log carries it too");
}
