//! Opaque handles: a Rust struct handed to C as a pointer made by `Box::into_raw`.
//!
//! The struct itself is the C type: name it in snake case (`halext_example`), keep
//! its fields private and do not mark it `#[repr(C)]`, so cbindgen emits only an opaque
//! declaration (`typedef struct halext_example halext_example;`). Then:
//!
//! * `_new` (or another constructor) builds the value and writes [`into_raw`] to an
//!   out-parameter;
//! * functions taking the handle use [`as_ref`] (or [`as_mut`] for the rare mutable handle),
//!   which turn NULL into `HALEXT_STATUS_INVALID_ARGUMENT`;
//! * `_free` calls [`free`]: `_free(NULL)` is a no-op, freeing twice is the caller's bug
//!   (undefined behaviour, as with `free()`).
//!
//! Handles that are immutable after construction implement [`Shareable`], which checks
//! `Send + Sync` at compile time; their docs then say "may be shared between threads".

use halext_core::{AnyError, Code};

/// A type handed to C as an opaque pointer.
pub trait Handle: Sized {
    /// The C type name, used in error messages.
    const C_NAME: &'static str;
}

/// A handle that may be used from several threads at once (`const` functions only) and
/// freed from any thread: immutable after construction, `Send + Sync`.
pub trait Shareable: Handle + Send + Sync {}

/// Moves `value` to the heap and hands ownership to C. Free it with [`free`].
pub fn into_raw<H: Handle>(value: H) -> *mut H {
    Box::into_raw(Box::new(value))
}

/// Borrows a handle passed by C.
///
/// # Errors
/// `Code::InvalidArgument` when `ptr` is NULL.
///
/// # Safety
/// `ptr` must be NULL or a pointer returned by [`into_raw`] for this type and not yet freed;
/// it must not be freed or mutated during the returned lifetime.
pub unsafe fn as_ref<'a, H: Handle>(ptr: *const H, name: &'static str) -> Result<&'a H, AnyError> {
    // SAFETY: forwarded to the caller.
    unsafe { ptr.as_ref() }.ok_or_else(|| null_handle::<H>(name))
}

/// Borrows a handle passed by C mutably.
///
/// # Errors
/// `Code::InvalidArgument` when `ptr` is NULL.
///
/// # Safety
/// As for [`as_ref`], and no other reference to the handle may exist during the returned
/// lifetime (C callers must not use a mutable handle from two threads at once).
pub unsafe fn as_mut<'a, H: Handle>(ptr: *mut H, name: &'static str) -> Result<&'a mut H, AnyError> {
    // SAFETY: forwarded to the caller.
    unsafe { ptr.as_mut() }.ok_or_else(|| null_handle::<H>(name))
}

/// Takes ownership back from C and drops the value; NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a pointer returned by [`into_raw`] for this type, not yet freed and
/// not in use by another thread.
pub unsafe fn free<H: Handle>(ptr: *mut H) {
    if !ptr.is_null() {
        // SAFETY: made by `Box::into_raw` (caller), so `Box::from_raw` takes it back once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

fn null_handle<H: Handle>(name: &'static str) -> AnyError {
    AnyError::new(Code::InvalidArgument, format!("argument `{name}` (a {} *) must not be NULL", H::C_NAME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counted(Arc<AtomicUsize>, u32);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    impl Handle for Counted {
        const C_NAME: &'static str = "halext_counted";
    }

    #[test]
    fn round_trip_borrow_and_free_once() {
        let drops = Arc::new(AtomicUsize::new(0));
        let raw = into_raw(Counted(Arc::clone(&drops), 5));
        // SAFETY: `raw` is live until the `free` below.
        unsafe {
            assert_eq!(as_ref(raw, "h").map(|h| h.1).ok(), Some(5));
            if let Ok(h) = as_mut(raw, "h") {
                h.1 = 6;
            }
            assert_eq!(as_ref(raw, "h").map(|h| h.1).ok(), Some(6));
            free(raw);
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn null_is_an_invalid_argument_and_free_null_is_a_no_op() {
        // SAFETY: NULL is handled.
        unsafe {
            let e = as_ref::<Counted>(std::ptr::null(), "validator").err();
            let text = e.as_ref().map(ToString::to_string).unwrap_or_default();
            assert_eq!(e.map(|e| e.code()), Some(Code::InvalidArgument));
            assert!(text.contains("`validator`") && text.contains("halext_counted"), "{text}");
            assert!(as_mut::<Counted>(std::ptr::null_mut(), "v").is_err());
            free::<Counted>(std::ptr::null_mut());
        }
    }
}
