//! Running totals of a read of many Spark logs (a folder or a prefix with thousands of applications),
//! reported as each log starts and ends so the app can show how far the read is and which log it is on.
//! Logs answered from what was read before count as done (with their bytes) from the start.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use ts_rs::TS;

/// Where a read of one input stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SparkReadProgress {
    /// The input being read (a folder, a prefix, a log).
    pub input: String,
    /// Logs read so far (decoded now, or unchanged since an earlier read), out of `logs_total`.
    pub logs_done: u32,
    pub logs_total: u32,
    /// Compressed bytes of the logs done (what was fetched or read from disk for them).
    #[ts(type = "number")]
    pub bytes_read: u64,
    /// A log being decoded now (the last one started), while any is.
    pub current: Option<String>,
}

/// Called with the new totals each time a log starts or ends (from the reading threads).
pub type SparkProgressFn = Arc<dyn Fn(&SparkReadProgress) + Send + Sync>;

/// The totals shared by the reading threads, reported through the optional callback.
pub(crate) struct Tracker {
    now: Mutex<SparkReadProgress>,
    report: Option<SparkProgressFn>,
}

impl Tracker {
    pub(crate) fn new(input: &str, report: Option<SparkProgressFn>) -> Arc<Self> {
        Arc::new(Tracker { now: Mutex::new(SparkReadProgress { input: input.to_string(), ..Default::default() }), report })
    }

    fn update(&self, change: impl FnOnce(&mut SparkReadProgress)) {
        let Ok(mut now) = self.now.lock() else { return };
        change(&mut now);
        if let Some(report) = &self.report {
            report(&now);
        }
    }

    /// The listing is done: `total` logs, of which `done` (with `bytes`) were read before.
    pub(crate) fn listed(&self, total: usize, done: usize, bytes: u64) {
        self.update(|p| {
            p.logs_total = total as u32;
            p.logs_done = done as u32;
            p.bytes_read = bytes;
        });
    }

    pub(crate) fn started(&self, log: &str) {
        self.update(|p| p.current = Some(log.to_string()));
    }

    pub(crate) fn finished(&self, log: &str, bytes: u64) {
        self.update(|p| {
            p.logs_done += 1;
            p.bytes_read += bytes;
            if p.current.as_deref() == Some(log) {
                p.current = None;
            }
        });
    }

    pub(crate) fn done(&self) -> u32 {
        self.now.lock().map(|p| p.logs_done).unwrap_or(0)
    }
}
