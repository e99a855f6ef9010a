//! Every route family of the API client against the Halext-compatible test server.

mod api_common;

use api_common::*;
use halext_core::api::*;
use halext_core::{Code, HalextError, Secret};
use halext_test_server::{MOCK_REPLY, SeedUser};
use http::Method;
use serde_json::json;

fn health_and_version_work_with_and_without_api_in_the_base() {
    let s = server();
    for base in [s.url().to_owned(), format!("{}/api", s.url()), format!("{}/api/", s.url())] {
        let c = BlockingClient::new(config(&base)).expect("client");
        let h = c.health().expect("health");
        assert!(h.is_healthy());
        assert_eq!(h.version, "0.2.0-refactored");
        assert!(h.timestamp.is_some());
        assert!(h.env.warnings.iter().any(|w| w.contains("ACCESS_CODE")), "{:?}", h.env);
        assert_eq!(c.version().expect("version").version, "0.2.0-refactored");
    }
    let paths: Vec<String> = s.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/health", "/version", "/api/health", "/api/version", "/api/health", "/api/version"]);
}

fn login_is_form_encoded_and_accepts_the_username_or_the_email() {
    let s = server();
    user(&s, "ann", false);
    let c = blocking(&s);
    let t = c.login("ann", &password("ann")).expect("login by username");
    assert_eq!(t.subject(), Some("ann"));
    let exp = t.expires_at().expect("exp");
    assert!((exp - unix_now() - 1800).abs() <= 5, "30-minute token, exp {exp}");
    assert!(!format!("{t:?}").contains(t.expose()));
    let by_email = c.login("ann@example.org", &password("ann")).expect("login by email");
    assert_eq!(by_email.subject(), Some("ann"), "sub is the username even after an email login");
    assert_eq!(c.me(&t).expect("me").username, "ann");

    let logged = s.requests_to("/token");
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0].content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(logged[0].body, Some(json!({"grant_type": "password", "username": "ann", "password": "***"})));
    assert!(!logged[0].has_header("authorization"));

    let e = c.login("ann", &Secret::from("wrong-pw")).expect_err("bad password");
    assert_eq!((e.code(), e.detail()), (Code::ApiUnauthorized, Some("Incorrect username or password")));
    assert!(!e.to_string().contains("wrong-pw") && !format!("{e:?}").contains("wrong-pw"));
    let e = c.login("nobody", &Secret::from("x")).expect_err("unknown user");
    assert_eq!(e.code(), Code::ApiUnauthorized);
}

fn login_against_an_imported_bcrypt_hash_is_a_plain_text_500_and_not_retried() {
    let s = server();
    let mut seed = SeedUser::new("old", "old@example.org", "");
    seed.password_hash = Some("$2y$10$abcdefghijklmnopqrstuuJ2PXhZ5p1Yw0n8p1Yw0n8p1Yw0n8p1e".into());
    s.seed_user(seed).expect("seed");
    let e = blocking(&s).login("old", &Secret::from("pw")).expect_err("500");
    assert_eq!(
        (e.code(), e.status(), e.detail()),
        (Code::ApiServer, Some(500), Some("Internal Server Error"))
    );
    assert_eq!(s.requests_to("/token").len(), 1, "POST /token is never retried");
}

fn registration_sends_the_access_code_never_is_admin_and_no_demo_data() {
    let s = server_with(|c| c.access_code = "let-me-in".into());
    let bob = || NewUser::new("bob", "bob@example.org", Secret::from("bob-pw")).with_full_name("Bob");

    let e = blocking(&s).register(&bob(), RegisterOptions::default()).expect_err("no access code");
    assert_eq!((e.code(), e.detail()), (Code::ApiUnauthorized, Some("Access code required")));

    let c = BlockingClient::new(config(s.url()).with_access_code(Secret::from("let-me-in"))).expect("client");
    let u = c.register(&bob(), RegisterOptions::default()).expect("register");
    assert_eq!((u.username.as_str(), u.full_name.as_deref(), u.is_admin), ("bob", Some("Bob"), false));
    let sent = s.requests_to("/users/").pop().expect("logged");
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("POST", "/users/"));
    assert_eq!(sent.query_param("create_demo_data").as_deref(), Some("false"));
    assert!(sent.has_header("x-halext-code"));
    let body = sent.body.expect("json body");
    assert_eq!(
        body,
        json!({"username": "bob", "email": "bob@example.org", "password": "***", "full_name": "Bob"})
    );
    assert!(body.get("is_admin").is_none(), "is_admin must never be sent");

    let t = c.login("bob", &Secret::from("bob-pw")).expect("login");
    let raw = c.request_json(Method::GET, "/users/me/", Some(&t), &[], None).expect("raw me");
    assert_eq!(raw["tasks"], json!([]), "no demo data");
    let demo = NewUser::new("cy", "cy@example.org", Secret::from("cy-pw"));
    c.register(&demo, RegisterOptions { create_demo_data: true }).expect("register with demo");
    let t = c.login("cy", &Secret::from("cy-pw")).expect("login");
    let raw = c.request_json(Method::GET, "/users/me/", Some(&t), &[], None).expect("raw me");
    assert_eq!(raw["tasks"].as_array().map(Vec::len), Some(8));

    // Email is checked before the username.
    let e = c.register(&bob(), RegisterOptions::default()).expect_err("duplicate");
    assert_eq!((e.code(), e.detail()), (Code::ApiConflict, Some("Email already registered")));
    let e = c
        .register(&NewUser::new("bob", "new@example.org", Secret::from("x")), RegisterOptions::default())
        .expect_err("dup");
    assert_eq!(e.detail(), Some("Username already registered"));
    let posts = s.requests_to("/users/").into_iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 5, "registration is never retried");
}

fn the_test_server_honours_is_admin_like_the_real_one() {
    // Guards the test above: if the client ever sent is_admin, the server would grant it.
    let s = server();
    let c = blocking(&s);
    let body = json!({"username": "eve", "email": "eve@example.org", "password": "pw", "is_admin": true});
    let u = c
        .request_json(Method::POST, "/users/", None, &[("create_demo_data", "false")], Some(&body))
        .expect("raw");
    assert_eq!(u["is_admin"], json!(true));
}

fn current_user_search_and_account_deletion() {
    let s = server();
    let ann = user(&s, "ann", false);
    user(&s, "annabel", false);
    user(&s, "zed", false);
    let mut seed = SeedUser::new("bo", "bo@example.org", "x");
    seed.full_name = Some("Annie Bo".into());
    seed.rounds = Some(1000);
    s.seed_user(seed).expect("seed");
    let c = blocking(&s);
    let me = c.me(&ann).expect("me");
    assert_eq!((me.username.as_str(), me.email.as_str(), me.is_admin), ("ann", "ann@example.org", false));
    assert!(me.created_at.is_some());
    let found: Vec<String> =
        c.search_users(&ann, "ANN", None).expect("search").into_iter().map(|u| u.username).collect();
    assert_eq!(found, ["annabel", "bo"], "case-insensitive, caller excluded, by username");
    assert_eq!(c.search_users(&ann, "ann", Some(1)).expect("search").len(), 1);
    assert!(s.requests_to("/users/search").iter().all(|r| r.path.ends_with("/users/search")));

    c.delete_me(&ann).expect("delete");
    let e = c.me(&ann).expect_err("deleted account");
    assert_eq!((e.code(), e.detail()), (Code::ApiUnauthorized, Some("Could not validate credentials")));
}

fn presence_set_get_and_list() {
    let s = server();
    let ann = user(&s, "ann", false);
    let bob = user(&s, "bob", false);
    let c = blocking(&s);
    let fresh = c.presence_of(&ann, "bob").expect("no record yet");
    assert!(fresh.is_online && fresh.status == "online" && fresh.last_seen.is_none());
    let update = PresenceUpdate {
        status: Some(PresenceStatus::Busy),
        current_activity: Some("reviewing".into()),
        ..Default::default()
    };
    let p = c.set_presence(&bob, &update).expect("set");
    assert_eq!((p.username.as_str(), p.status.as_str(), p.is_online), ("bob", "busy", true));
    assert!(p.last_seen.is_some());
    let seen = c.presence_of(&ann, "bob").expect("get");
    assert_eq!(seen.current_activity.as_deref(), Some("reviewing"));
    let e = c.presence_of(&ann, "nobody").expect_err("unknown");
    assert_eq!((e.code(), e.detail()), (Code::ApiNotFound, Some("User not found")));
    let list = c.presence_list(&ann, &[2, 1]).expect("list");
    assert_eq!(list.iter().map(|e| e.user_id).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(list[0].status, "busy");
    assert_eq!(c.presence_list(&ann, &[]).expect("all").len(), 2);
    let sent = s.requests_to("/users/presence");
    assert_eq!(sent[0].query_param("user_ids").as_deref(), Some("2,1"));
    assert_eq!(sent[1].query, None);
    let body = s.requests_to("/users/me/presence").pop().and_then(|r| r.body).expect("body");
    assert_eq!(body, json!({"status": "busy", "current_activity": "reviewing"}), "unset fields are not sent");
}

fn blog_posts_public_and_admin() {
    let s = server();
    let admin = user(&s, "root", true);
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    let draft = NewBlogPost {
        slug: "hello".into(),
        title: "Hello".into(),
        body_markdown: "# Hi".into(),
        tags: Some(vec!["news".into()]),
        ..Default::default()
    };
    let e = c.create_blog_post(&ann, &draft).expect_err("not admin");
    assert_eq!((e.code(), e.detail()), (Code::ApiForbidden, Some("Admin access required")));
    let p = c.create_blog_post(&admin, &draft).expect("create");
    assert_eq!(
        (p.status.as_str(), p.published_at, p.tags.clone()),
        ("draft", None, vec!["news".to_string()])
    );
    let e = c.create_blog_post(&admin, &draft).expect_err("duplicate slug");
    assert_eq!((e.code(), e.detail()), (Code::ApiConflict, Some("Slug already exists")));
    assert!(c.public_blog_posts(None).expect("public").is_empty(), "drafts are not public");
    assert_eq!(c.public_blog_post("hello").expect_err("draft").code(), Code::ApiNotFound);

    let update = BlogPostUpdate { status: Some("published".into()), ..Default::default() };
    let p = c.update_blog_post(&admin, "hello", &update).expect("publish");
    assert!(p.published_at.is_some(), "publishing stamps published_at");
    assert_eq!(p.title, "Hello", "partial update keeps other fields");
    let older = NewBlogPost {
        slug: "older".into(),
        title: "Older".into(),
        body_markdown: "x".into(),
        status: Some("published".into()),
        published_at: Timestamp::parse("2020-01-01T00:00:00"),
        ..Default::default()
    };
    c.create_blog_post(&admin, &older).expect("create older");
    let public: Vec<String> =
        c.public_blog_posts(None).expect("public").into_iter().map(|p| p.slug).collect();
    assert_eq!(public, ["hello", "older"], "newest published first");
    assert_eq!(c.public_blog_posts(Some(1)).expect("limit").len(), 1);
    assert_eq!(c.public_blog_post("hello").expect("public post").body_markdown, "# Hi");
    assert_eq!(c.admin_blog_posts(&admin).expect("admin list").len(), 2);
    c.delete_blog_post(&admin, "hello").expect("delete");
    assert_eq!(c.delete_blog_post(&admin, "hello").expect_err("gone").code(), Code::ApiNotFound);
    assert_eq!(c.admin_blog_posts(&ann).expect_err("not admin").code(), Code::ApiForbidden);
}

fn site_pages_and_photo_albums() {
    let s = server();
    let admin = user(&s, "root", true);
    let c = blocking(&s);
    let page = NewSitePage {
        slug: "about".into(),
        title: "About".into(),
        sections: Some(vec![PageSection {
            kind: "text".into(),
            body: Some("Hi".into()),
            ..Default::default()
        }]),
        nav_links: Some(vec![NavLink { label: "Home".into(), url: "/".into(), description: None }]),
        ..Default::default()
    };
    let p = c.create_page(&admin, &page).expect("create page");
    assert!(!p.is_published);
    assert_eq!(p.sections[0].kind, "text");
    assert_eq!(c.public_page("about").expect_err("unpublished").detail(), Some("Page not found"));
    let p = c
        .update_page(&admin, p.id, &SitePageUpdate { is_published: Some(true), ..Default::default() })
        .expect("publish");
    assert_eq!(c.public_page("about").expect("public").nav_links[0].label, "Home");
    assert_eq!(c.admin_pages(&admin).expect("list").len(), 1);
    c.delete_page(&admin, p.id).expect("delete");
    assert_eq!(c.delete_page(&admin, p.id).expect_err("gone").code(), Code::ApiNotFound);

    let album = NewPhotoAlbum {
        slug: "trip".into(),
        title: "Trip".into(),
        photos: Some(vec![json!({"url": "a.jpg"})]),
        ..Default::default()
    };
    let a = c.create_album(&admin, &album).expect("album");
    assert!(a.is_public, "albums are public by default");
    let hidden = NewPhotoAlbum {
        slug: "a-hidden".into(),
        title: "H".into(),
        is_public: Some(false),
        ..Default::default()
    };
    c.create_album(&admin, &hidden).expect("hidden album");
    let public: Vec<String> = c.public_albums().expect("public").into_iter().map(|a| a.slug).collect();
    assert_eq!(public, ["trip"]);
    assert_eq!(c.public_album("trip").expect("album").photos.len(), 1);
    assert_eq!(c.public_album("a-hidden").expect_err("hidden").code(), Code::ApiNotFound);
    let a = c
        .update_album(&admin, a.id, &PhotoAlbumUpdate { title: Some("Trip 2".into()), ..Default::default() })
        .expect("update");
    assert_eq!((a.title.as_str(), a.slug.as_str()), ("Trip 2", "trip"));
    assert_eq!(c.admin_albums(&admin).expect("admin list").len(), 2);
    c.delete_album(&admin, a.id).expect("delete");
}

fn social_circles_and_pulses() {
    let s = server();
    let ann = user(&s, "ann", false);
    let bob = user(&s, "bob", false);
    let c = blocking(&s);
    let circle =
        c.create_circle(&ann, &NewCircle { name: "Book club".into(), ..Default::default() }).expect("create");
    assert_eq!(s.requests_to("/social/circles").last().and_then(|r| r.status), Some(201));
    assert_eq!(circle.invite_code.len(), 6);
    assert!(circle.invite_code.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
    assert_eq!(
        (circle.theme_color.as_deref(), circle.vibe.as_deref(), circle.member_count),
        (Some("#A855F7"), Some("cozy"), 1)
    );

    assert!(c.pulses(&bob, circle.id).expect("non-member list").is_empty(), "non-members get []");
    let e = c
        .post_pulse(&bob, circle.id, &NewPulse { message: "hi".into(), ..Default::default() })
        .expect_err("non-member");
    assert_eq!((e.code(), e.detail()), (Code::ApiNotFound, Some("Circle not found")));
    let joined = c.join_circle(&bob, &circle.invite_code).expect("join");
    assert_eq!(joined.member_count, 2);
    assert_eq!(c.join_circle(&bob, &circle.invite_code).expect("join twice").member_count, 2);
    let join = s.requests_to("/social/circles/join").pop().expect("logged");
    assert_eq!((join.query_param("invite_code"), join.body_len), (Some(circle.invite_code.clone()), 0));
    assert_eq!(c.join_circle(&bob, "ZZZZZZ").expect_err("bad code").detail(), Some("Circle not found"));

    let pulse = NewPulse {
        message: "first".into(),
        mood: Some("happy".into()),
        attachments: Some(vec!["a.png".into()]),
    };
    let p = c.post_pulse(&bob, circle.id, &pulse).expect("post");
    assert_eq!((p.author_name.as_deref(), p.mood.as_deref()), (Some("bob"), Some("happy")));
    c.post_pulse(&ann, circle.id, &NewPulse { message: "second".into(), ..Default::default() })
        .expect("post");
    let list: Vec<String> = c.pulses(&ann, circle.id).expect("list").into_iter().map(|p| p.message).collect();
    assert_eq!(list, ["second", "first"]);
    assert_eq!(c.circles(&bob).expect("circles").len(), 1);
}

fn ai_chat_models_and_the_context_helper() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    let r = c.chat(&ann, &ChatRequest::new("Hello?")).expect("chat");
    assert_eq!(
        (r.response.as_str(), r.provider.as_str(), r.model.as_str()),
        (MOCK_REPLY, "mock", "mock:mock")
    );
    assert!(r.is_mock());
    let models = c.models(&ann, &ModelQuery::default()).expect("models");
    let ids: Vec<&str> = models.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["mock:llama3.1", "mock:mistral"]);
    assert!(models.models[0].extra.contains_key("metadata"), "unknown fields are kept in extra");
    assert_eq!(
        c.chat(&ann, &ChatRequest::new("again")).expect("chat").model,
        "mock:llama3.1",
        "listing models changes the default"
    );
    let e = c.models(&ann, &ModelQuery { limit: Some(0), ..Default::default() }).expect_err("limit 0");
    assert_eq!((e.code(), e.field_errors()[0].field()), (Code::ApiValidation, "limit".to_owned()));

    let history =
        vec![ChatMessage::system("be brief"), ChatMessage::user("hi"), ChatMessage::assistant("hello")];
    c.chat(&ann, &ChatRequest::new("more").with_history(history).with_model("mock:mistral"))
        .expect("chat with history");
    let sent = s.requests_to("/ai/chat").pop().and_then(|r| r.body).expect("body");
    assert_eq!(sent["history"][0], json!({"role": "system", "content": "be brief"}));
    assert_eq!(sent["model"], json!("mock:mistral"));

    let q = ContextRequest::new("Zeniea", "How do I reset my password?").with_snippet(ContextSnippet::new(
        "wiki",
        "Passwords",
        "Use the reset form on the login page.",
    ));
    let a = c.ask_with_context(&ann, &q).expect("context");
    assert!(a.is_mock && a.reply.response == MOCK_REPLY);
    assert_eq!((a.snippets_used, a.snippets_dropped), (1, 0));
    let prompt = s.requests_to("/ai/chat").pop().and_then(|r| r.body).expect("body")["prompt"]
        .as_str()
        .map(str::to_owned)
        .expect("prompt");
    assert!(prompt.contains("<<<SNIPPET 1 | source: wiki | title: Passwords>>>"), "{prompt}");
    assert!(prompt.ends_with("Question: How do I reset my password?"));
}

fn openwebui_routes_when_disabled() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    assert_eq!(c.openwebui_status().expect("status"), OpenWebUiStatus { enabled: false, url: None });
    for e in [
        c.openwebui_sync_status(&ann).expect_err("disabled"),
        c.openwebui_sync_user(&ann).map(|_| ()).expect_err("disabled"),
        c.openwebui_sso(&ann, None).map(|_| ()).expect_err("disabled"),
    ] {
        assert_eq!(
            (e.code(), e.status(), e.detail()),
            (Code::ApiServer, Some(503), Some("OpenWebUI sync is disabled"))
        );
    }
}

fn openwebui_routes_when_enabled() {
    let s = server_with(|c| {
        c.openwebui_url = Some("http://openwebui:8080".into());
        c.openwebui_public_url = Some("https://chat.example.org/".into());
        c.openwebui_sync_enabled = true;
        c.openwebui_admin_configured = true;
        c.jwt_secret_key = "sso-secret".into();
    });
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    let st = c.openwebui_status().expect("status");
    assert_eq!((st.enabled, st.url.as_deref()), (true, Some("https://chat.example.org/")));
    let sync = c.openwebui_sync_status(&ann).expect("sync status");
    assert!(sync.enabled && sync.admin_configured && sync.features.sso);
    assert_eq!(c.openwebui_sync_user(&ann).expect("sync").action.as_deref(), Some("created"));
    assert_eq!(c.openwebui_sync_user(&ann).expect("sync").action.as_deref(), Some("exists"));
    let link = c.openwebui_sso(&ann, Some("/c/new?x=1")).expect("sso");
    assert_eq!(link.expires_in(), 86_400);
    assert!(link.sso_url().starts_with("https://chat.example.org/sso?token="), "{}", link.sso_url());
    assert!(link.sso_url().ends_with("&redirect=/c/new?x=1"), "redirect appended verbatim");
    assert!(link.sso_url().contains(link.token()));
    let shown = format!("{link:?}");
    assert!(!shown.contains(link.token()), "{shown}");
    let claims = AccessToken::new(link.token());
    assert_eq!(claims.subject(), None, "the SSO token has no sub");
    assert!(claims.expires_at().is_some_and(|e| e > unix_now() + 86_000));
}

fn raw_requests_reach_any_route_and_planned_routes_are_404() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    let v = c.request_json(Method::GET, "/version", None, &[], None).expect("raw version");
    assert_eq!(v["version"], json!("0.2.0-refactored"));
    let found =
        c.request_json(Method::GET, "/users/search", Some(&ann), &[("q", "a&b=c")], None).expect("search");
    assert_eq!(found, json!([]));
    assert_eq!(s.requests_to("/users/search")[0].query.as_deref(), Some("q=a%26b%3Dc"));
    let e = c.request_json(Method::GET, "/ai/context/zeniea", Some(&ann), &[], None).expect_err("planned");
    assert_eq!((e.code(), e.detail()), (Code::ApiNotFound, Some("Not Found")));
    assert_eq!(
        c.request_json(Method::DELETE, "/users/me/", Some(&ann), &[], None).expect("204"),
        serde_json::Value::Null
    );
    assert_eq!(
        c.request_json(Method::GET, "users/me/", None, &[], None).expect_err("relative").code(),
        Code::ApiRequest
    );
}

#[test]
fn the_direct_path_and_reqwest_send_the_same_requests() {
    let s = server_with(|c| c.access_code = "code".into());
    let ann = user(&s, "ann", false);
    let mut seen = Vec::new();
    for direct in [true, false] {
        s.clear_requests();
        let cfg = config(s.url()).with_direct_http(direct).with_access_code(Secret::from("code"));
        let c = BlockingClient::new(cfg).expect("client");
        c.me(&ann).expect("me");
        let name = if direct { "direct" } else { "reqwest" };
        c.register(
            &NewUser::new(name, format!("{name}@example.org"), Secret::from("pw")),
            RegisterOptions::default(),
        )
        .expect("register");
        c.join_circle(&ann, "NOPE").expect_err("POST without a body");
        c.search_users(&ann, "a b&c", Some(3)).expect("query");
        let sent: Vec<_> = s
            .requests()
            .into_iter()
            .map(|mut r| {
                r.headers.sort();
                (r.method, r.path, r.query, r.headers, r.user_agent, r.content_type, r.body_len)
            })
            .collect();
        seen.push(sent);
    }
    assert_eq!(seen[0].len(), 4);
    assert_eq!(seen[0][0].3, ["accept", "authorization", "host", "user-agent"]);
    let (direct, via_reqwest) = (&seen[0], &seen[1]);
    for (d, r) in direct.iter().zip(via_reqwest) {
        assert_eq!((&d.0, &d.1, &d.2, &d.3, &d.4, &d.5), (&r.0, &r.1, &r.2, &r.3, &r.4, &r.5));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_client_runs_calls_concurrently() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = client(&s);
    let (h, me, circles) = tokio::join!(c.health(), c.me(&ann), c.circles(&ann));
    assert!(h.expect("health").is_healthy());
    assert_eq!(me.expect("me").username, "ann");
    assert!(circles.expect("circles").is_empty());
    let e = BlockingClient::new(config(s.url())).expect("client").health().expect_err("inside a runtime");
    assert_eq!(e.code(), Code::ApiRequest, "the blocking facade refuses to run inside an async runtime");
}

both_paths!(
    health_and_version_work_with_and_without_api_in_the_base,
    login_is_form_encoded_and_accepts_the_username_or_the_email,
    login_against_an_imported_bcrypt_hash_is_a_plain_text_500_and_not_retried,
    registration_sends_the_access_code_never_is_admin_and_no_demo_data,
    the_test_server_honours_is_admin_like_the_real_one,
    current_user_search_and_account_deletion,
    presence_set_get_and_list,
    blog_posts_public_and_admin,
    site_pages_and_photo_albums,
    social_circles_and_pulses,
    ai_chat_models_and_the_context_helper,
    openwebui_routes_when_disabled,
    openwebui_routes_when_enabled,
    raw_requests_reach_any_route_and_planned_routes_are_404,
);
