//! The accept loop: HTTP/1.1 with keep-alive, an idle timeout like uvicorn's
//! `timeout_keep_alive`, a per-connection kill switch for the `reset` fault, and a connection
//! number for the request log (so tests can prove a client reuses its connection).

use crate::faults::ConnKill;
use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// Serves `app` on `listener` until `shutdown` turns true (or its sender is dropped).
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    keep_alive: Option<Duration>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    let next_conn = AtomicU64::new(1);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of descriptors or similar: back off briefly instead of spinning.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let id = ConnId(next_conn.fetch_add(1, Ordering::Relaxed));
                conns.spawn(connection(stream, id, app.clone(), keep_alive, shutdown.clone()));
            }
            _ = shutdown.changed() => break,
        }
        while conns.try_join_next().is_some() {}
    }
    conns.abort_all();
}

/// The number of the connection a request arrived on (1, 2, ... per server; in each request's
/// extensions).
#[derive(Clone, Copy, Debug)]
pub struct ConnId(pub u64);

async fn connection(
    stream: tokio::net::TcpStream,
    id: ConnId,
    app: Router,
    keep_alive: Option<Duration>,
    mut shutdown: watch::Receiver<bool>,
) {
    let kill = Arc::new(Notify::new());
    let switch = ConnKill(Arc::clone(&kill));
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(switch.clone());
        req.extensions_mut().insert(id);
        app.clone().oneshot(req.map(Body::new))
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).keep_alive(true).header_read_timeout(keep_alive);
    let conn = builder.serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {}
        _ = shutdown.changed() => {}
    }
}
