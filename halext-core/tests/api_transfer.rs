//! Streaming (SSE chat) and uploads (multipart media).

mod api_common;

use api_common::*;
use futures_util::StreamExt;
use halext_core::api::*;
use halext_core::{Code, HalextError};
use halext_test_server::{Fault, FaultKind, MOCK_REPLY};
use std::ops::ControlFlow;

fn mock_words() -> Vec<String> {
    MOCK_REPLY.split(' ').map(|w| format!("{w} ")).collect()
}

#[tokio::test]
async fn the_chat_stream_yields_words_with_trailing_spaces_and_the_model_header() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = client(&s);
    let mut stream =
        c.chat_stream(&ann, &ChatRequest::new("hi").with_model("mock:mistral")).await.expect("stream");
    assert_eq!(stream.model(), Some("mock:mistral"));
    let mut chunks = Vec::new();
    while let Some(item) = stream.next().await {
        chunks.push(item.expect("chunk"));
    }
    assert_eq!(chunks, mock_words());
    assert_eq!(chunks.concat().trim_end(), MOCK_REPLY);
    assert!(stream.next().await.is_none(), "the stream stays finished after [DONE]");
    let sent = s.requests_to("/ai/chat/stream").pop().expect("logged");
    assert_eq!(sent.method, "POST");
}

#[test]
fn the_blocking_stream_calls_back_per_chunk_and_can_stop_early() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = blocking(&s);
    let mut got = Vec::new();
    let all = c
        .chat_stream(&ann, &ChatRequest::new("hi"), |chunk| {
            got.push(chunk.to_owned());
            ControlFlow::Continue(())
        })
        .expect("stream");
    assert_eq!(
        (all.chunks, all.stopped, all.model.as_deref()),
        (mock_words().len(), false, Some("mock:mock"))
    );
    assert_eq!(got, mock_words());

    let mut first = Vec::new();
    let stopped = c
        .chat_stream(&ann, &ChatRequest::new("hi"), |chunk| {
            first.push(chunk.to_owned());
            if first.len() == 3 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })
        .expect("stream");
    assert_eq!((stopped.chunks, stopped.stopped), (3, true));
    assert_eq!(first, mock_words()[..3]);
    // The client is still usable after abandoning a stream mid-way.
    assert!(c.health().expect("health").is_healthy());
}

#[test]
fn stream_errors_come_through_the_callback_api() {
    let s = server();
    let ann = user(&s, "ann", false);
    let c = BlockingClient::new(config(s.url()).with_timeout_ms(150)).expect("client");
    s.add_fault(Fault::new("/ai/chat/stream", FaultKind::DelayMs { ms: 1_000 }));
    let e = c.chat_stream(&ann, &ChatRequest::new("hi"), |_| ControlFlow::Continue(())).expect_err("timeout");
    assert!(matches!(e, ApiError::Timeout { phase: "request", .. }), "{e:?}");
    let e = c
        .chat_stream(&AccessToken::new("bad"), &ChatRequest::new("hi"), |_| ControlFlow::Continue(()))
        .expect_err("401");
    assert_eq!(e.code(), Code::ApiUnauthorized);
    s.add_fault(Fault::new("/ai/chat/stream", FaultKind::Reset));
    let e = c.chat_stream(&ann, &ChatRequest::new("hi"), |_| ControlFlow::Continue(())).expect_err("reset");
    assert_eq!(e.code(), Code::ApiTransport);
    s.add_fault(Fault::new("/ai/chat/stream", FaultKind::SlowBody { ms: 1_000 }));
    let mut got = 0;
    let e = c
        .chat_stream(&ann, &ChatRequest::new("hi"), |_| {
            got += 1;
            ControlFlow::Continue(())
        })
        .expect_err("stalled stream");
    assert!(matches!(e, ApiError::Timeout { phase: "stream", after_ms: 150, .. }), "{e:?}");
    assert!(got >= 1, "chunks before the stall were delivered");
    s.add_fault(Fault::new("/ai/chat/stream", FaultKind::Truncate));
    let e = c
        .chat_stream(&ann, &ChatRequest::new("hi"), |_| ControlFlow::Continue(()))
        .expect_err("broken stream");
    assert_eq!(e.code(), Code::ApiTransport, "{e}");
    assert_eq!(s.requests_to("/ai/chat/stream").len(), 5, "streams are never retried");
}

#[test]
fn uploads_stream_a_file_with_a_guessed_content_type_and_a_title() {
    let s = server();
    let admin = user(&s, "root", true);
    let c = blocking(&s);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("photo.png");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).expect("write");
    let asset = c.upload_media(&admin, MediaUpload::from_path(&path).with_title("Holiday")).expect("upload");
    assert_eq!(asset.title.as_deref(), Some("Holiday"));
    assert!(
        asset.file_path.starts_with("/www/halext.org/public/img/uploads/")
            && asset.file_path.ends_with(".png")
    );
    assert!(
        asset.public_url.starts_with("https://halext.org/img/uploads/") && asset.public_url.ends_with(".png")
    );
    let sent = s.requests_to("/content/admin/media").pop().expect("logged");
    assert!(sent.content_type.as_deref().is_some_and(|ct| ct.starts_with("multipart/form-data")));
    let parts = sent.multipart.expect("parts");
    assert_eq!(parts.len(), 2);
    assert_eq!((parts[0].name.as_str(), parts[0].file_name.as_deref()), ("file", Some("photo.png")));
    assert_eq!((parts[0].content_type.as_deref(), parts[0].size), (Some("image/png"), data.len()));
    assert_eq!((parts[1].name.as_str(), parts[1].size), ("title", 7));

    let asset2 = c
        .upload_media(
            &admin,
            MediaUpload::from_bytes("notes.txt", b"hello".to_vec()).with_content_type("text/markdown"),
        )
        .expect("bytes upload");
    assert!(asset2.title.is_none());
    let parts = s.requests_to("/content/admin/media").pop().and_then(|r| r.multipart).expect("parts");
    assert_eq!((parts.len(), parts[0].content_type.as_deref(), parts[0].size), (1, Some("text/markdown"), 5));
    let listed: Vec<i64> = c.list_media(&admin).expect("list").into_iter().map(|m| m.id).collect();
    assert_eq!(listed, [asset2.id, asset.id], "newest first");
}

#[test]
fn uploads_over_the_limit_or_unreadable_are_refused_before_sending() {
    let s = server();
    let admin = user(&s, "root", true);
    let c = BlockingClient::new(config(s.url()).with_max_upload_bytes(1_000)).expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![0u8; 1_001]).expect("write");
    for (upload, what) in [
        (MediaUpload::from_path(&big), "file over the limit"),
        (MediaUpload::from_bytes("a.bin", vec![0u8; 1_001]), "bytes over the limit"),
        (MediaUpload::from_path(dir.path().join("missing.png")), "missing file"),
        (MediaUpload::from_path(dir.path()), "a directory"),
        (MediaUpload::from_bytes("a.bin", vec![1]).with_content_type("not a type"), "bad content type"),
    ] {
        let e = c.upload_media(&admin, upload).expect_err(what);
        assert_eq!(e.code(), Code::ApiRequest, "{what}: {e}");
    }
    assert!(s.requests().is_empty(), "nothing was sent");
    std::fs::write(&big, vec![0u8; 1_000]).expect("write");
    c.upload_media(&admin, MediaUpload::from_path(&big)).expect("exactly at the limit");
    let user_token = user(&s, "ann", false);
    let e = c.upload_media(&user_token, MediaUpload::from_bytes("a.png", vec![1])).expect_err("not admin");
    assert_eq!(e.code(), Code::ApiForbidden);
}
