//! Progress pushed to the window as Tauri events, instead of the UI polling for it: long work (a
//! storage listing, the lookup index refresh, reading a folder of Spark logs) reports running totals
//! through a callback, and the app emits them, throttled, so a listing of a million objects does not send
//! a million messages. The work's own answer (or a last event) always follows, so the UI never keeps a
//! stale figure once it is done.
//!
//! Event names and payloads (the UI listens with `@tauri-apps/api/event`):
//! - `storage-progress`: `{ job, progress: DuProgress }` for the listing the UI named `job`;
//! - `lookup-status`: the whole `IndexStatus` while the index refreshes, and once when it ends;
//! - `spark-progress`: `SparkReadProgress` while an input's logs are read.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{AppHandle, Emitter};

/// At most one event per this long for each piece of work (plus a last one at the end).
pub const EVERY: Duration = Duration::from_millis(150);

/// Lets one event through per [`EVERY`].
#[derive(Default)]
pub struct Throttle(Mutex<Option<Instant>>);

impl Throttle {
    /// True when the last event let through is at least [`EVERY`] old (or there was none).
    pub fn due(&self) -> bool {
        let Ok(mut last) = self.0.lock() else { return false };
        let now = Instant::now();
        if last.is_some_and(|t| now.duration_since(t) < EVERY) {
            return false;
        }
        *last = Some(now);
        true
    }
}

/// Emit `payload` as `event` to the window; a window that is gone is no error for the work.
pub fn emit<T: Serialize + Clone>(app: &AppHandle, event: &str, payload: T) {
    if let Err(e) = app.emit(event, payload) {
        eprintln!("lakescope-app: could not send {event}: {e}");
    }
}

/// TEST-ONLY hook: `LAKESCOPE_TEST_STEP_DELAY_MS` makes each step of long work (a table indexed, a Spark
/// log started) wait that long, so the E2E can press Cancel while the work is surely under way. Unset
/// (always, outside the E2E) it costs nothing. It only delays; it never changes what is read or shown.
pub fn test_step_delay() {
    static DELAY: std::sync::OnceLock<Option<Duration>> = std::sync::OnceLock::new();
    let delay = DELAY.get_or_init(|| {
        std::env::var("LAKESCOPE_TEST_STEP_DELAY_MS").ok().and_then(|v| v.parse().ok()).filter(|ms| *ms > 0).map(Duration::from_millis)
    });
    if let Some(d) = delay {
        std::thread::sleep(*d);
    }
}
