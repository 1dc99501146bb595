//! Logs already read: a prefix with thousands of applications is re-read on every refresh, but only
//! the logs that are new or changed since are decoded again. A log is known by its listing
//! ([`LogEntry::signature`]: each file's name, size and modification time), so an application still
//! being written (its file grows, or a rolled directory gains a file) is read again, and a finished one
//! never is. Only successful summaries are kept: a log that failed is tried again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::source::LogEntry;
use crate::model::AppSummary;

#[derive(Default)]
pub struct ReadLogs {
    by_log: Mutex<HashMap<String, (String, AppSummary)>>,
    decoded: AtomicU64,
    reused: AtomicU64,
}

impl ReadLogs {
    /// The summary of `entry` read earlier, if its files are as they were then.
    pub fn get(&self, entry: &LogEntry) -> Option<AppSummary> {
        let map = self.by_log.lock().ok()?;
        let (sig, app) = map.get(&entry.display)?;
        let hit = (*sig == entry.signature()).then(|| app.clone());
        if hit.is_some() {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    /// Remember a log just decoded.
    pub fn put(&self, entry: &LogEntry, app: &AppSummary) {
        if let Ok(mut map) = self.by_log.lock() {
            map.insert(entry.display.clone(), (entry.signature(), app.clone()));
        }
    }

    /// Forget every summary: they carry dollars, so new prices mean decoding again.
    pub fn forget_all(&self) {
        if let Ok(mut map) = self.by_log.lock() {
            map.clear();
        }
    }

    pub(crate) fn count_decoded(&self) {
        self.decoded.fetch_add(1, Ordering::Relaxed);
    }

    /// (logs decoded, logs answered from memory) so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.decoded.load(Ordering::Relaxed), self.reused.load(Ordering::Relaxed))
    }
}
