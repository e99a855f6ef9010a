//! `chatStream()`: the core's blocking stream calls back into PHP for each chunk.
//!
//! The core's callback must return normally (it runs inside the per-process tokio runtime's
//! `block_on`), so nothing PHP does in the callable may cross it:
//!
//! * the callable returns `false`: the stream stops (`Break`), the connection is closed;
//! * the callable throws: the exception stays pending in the engine, the stream stops, and
//!   once the core call has returned the method returns normally, so PHP throws the pending
//!   exception at the call site (it is "rethrown" unchanged, with its own class and trace);
//! * the callable bails out (a fatal error, `memory_limit`): our own `zend_try` catches the
//!   `longjmp` before it reaches Rust frames of the core, the stream stops, and the bailout is
//!   raised again after the core call has returned and its guards have been dropped
//!   ([`Interrupted::Bailout`], handled by the method);
//! * the callable calls the client again: the core refuses a nested blocking call
//!   (`Halext\ApiException`, `api.request`) inside the callback, which stops the stream as any
//!   exception does.

use super::args::PhpArray;
use super::output;
use ext_php_rs::types::ZendCallable;
use ext_php_rs::zend::{CatchError, ExecutorGlobals, try_catch};
use halext_core::AnyError;
use halext_core::api::{AccessToken, BlockingClient, ChatRequest};
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;

/// Why a stream ended early because of the callable (not because it returned `false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    /// It threw: the exception is pending in the engine.
    Exception,
    /// It bailed out (fatal error): raise the bailout again once back in the method.
    Bailout,
    /// The call failed without an exception, or Rust code around it panicked (a bug).
    Failed,
}

/// Runs the stream; returns `['model' => ?string, 'text' => string, 'chunks' => int,
/// 'stopped' => bool]` and whether the callable interrupted it.
///
/// # Errors
/// The core's [`halext_core::api::ApiError`]s (request refused, 401, transport, timeout).
pub fn run(
    client: &BlockingClient,
    token: &AccessToken,
    request: &ChatRequest,
    on_chunk: &ZendCallable<'_>,
) -> Result<(PhpArray, Option<Interrupted>), AnyError> {
    let mut text = String::new();
    let mut interrupted = None;
    let summary = client.chat_stream(token, request, |chunk| {
        text.push_str(chunk);
        let called = try_catch(AssertUnwindSafe(|| on_chunk.try_call(vec![&chunk])));
        match called {
            Ok(Ok(returned)) if returned.is_false() => ControlFlow::Break(()),
            Ok(Ok(_)) => ControlFlow::Continue(()),
            Ok(Err(_)) if ExecutorGlobals::has_exception() => {
                interrupted = Some(Interrupted::Exception);
                ControlFlow::Break(())
            }
            Err(CatchError::Bailout) => {
                interrupted = Some(Interrupted::Bailout);
                ControlFlow::Break(())
            }
            Ok(Err(_)) | Err(_) => {
                interrupted = Some(Interrupted::Failed);
                ControlFlow::Break(())
            }
        }
    })?;
    let answer = output::object(serde_json::json!({
        "model": summary.model,
        "text": text,
        "chunks": summary.chunks,
        "stopped": summary.stopped,
    }))?;
    Ok((answer, interrupted))
}
