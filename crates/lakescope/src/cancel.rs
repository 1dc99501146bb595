//! Cancellation of long operations (a storage `du` over millions of objects, for instance).
//!
//! A token is cheap to clone and to check; whoever starts the operation keeps one clone and calls
//! [`CancelToken::cancel`] (the CLI on Ctrl-C, the app when the user clicks Cancel). The operation checks
//! it between units of work it can stop after without leaving anything half-done (an object, a
//! directory), and races [`CancelToken::cancelled`] against requests that may hang (a listing page from
//! a slow server), then returns an [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled) error.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Resolves once [`Self::cancel`] has been called.
    pub async fn cancelled(&self) {
        loop {
            // Register before checking the flag, so a cancel in between still wakes us.
            let notified = self.0.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// `Err(Cancelled)` naming what was stopped, once [`Self::cancel`] has been called.
    pub fn check(&self, what: impl FnOnce() -> String) -> Result<()> {
        if self.is_cancelled() { Err(cancelled(what())) } else { Ok(()) }
    }
}

/// The error a cancelled operation returns: `cancelled <what>`.
pub fn cancelled(what: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Cancelled, format!("cancelled {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cancelled_wakes_a_waiter_and_check_fails_after_cancel() {
        let t = CancelToken::new();
        assert!(t.check(|| "x".into()).is_ok());
        let waiter = tokio::spawn({
            let t = t.clone();
            async move { t.cancelled().await }
        });
        tokio::task::yield_now().await;
        t.cancel();
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter).await.expect("woken").unwrap();
        let e = t.check(|| "listing s3://b".into()).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Cancelled, "cancelled listing s3://b"));
        t.cancelled().await; // already cancelled: returns at once
    }
}
