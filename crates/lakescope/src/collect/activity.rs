//! What the desktop app says about its collections: the one under way (with its progress), how the last
//! one ended, and the schedule with its next due time. The app's timer loop and "Collect now" fill it in;
//! the types live here so the UI gets them as generated TypeScript like every other engine answer.

use serde::Serialize;
use ts_rs::TS;

use super::schedule::CollectSchedule;
use super::{CollectProgress, CollectReport};
use crate::error::ErrorReport;

/// Who started a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CollectTrigger {
    /// The user pressed "Collect now".
    Manual,
    /// The schedule's timer, while the app is open.
    Scheduled,
}

/// A collection under way.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectRunning {
    pub trigger: CollectTrigger,
    #[ts(type = "number")]
    pub started_ms: i64,
    /// The last table done; `None` until the first one is.
    pub progress: Option<CollectProgress>,
    /// Cancel was pressed; the run stops before its next table.
    pub cancelling: bool,
}

/// How a collection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CollectEndKind {
    Finished,
    Failed,
    Cancelled,
}

/// The last collection the app ran (since it was opened).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectEnded {
    pub trigger: CollectTrigger,
    pub kind: CollectEndKind,
    #[ts(type = "number")]
    pub ended_ms: i64,
    /// A finished run's report (tables recorded, failures per table).
    pub report: Option<CollectReport>,
    /// Why it failed or that it was cancelled.
    pub error: Option<ErrorReport>,
}

/// The app's collection state, as Settings and the Overview show it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectStatus {
    /// The saved schedule (the default, off, when none is saved or the saved one cannot be read).
    pub schedule: CollectSchedule,
    /// Where the schedule is saved.
    pub schedule_path: String,
    /// The saved schedule could not be read (the loop then does not run on a schedule).
    pub schedule_error: Option<ErrorReport>,
    /// The store collections go into (password redacted).
    pub store: String,
    /// The end of the store's latest finished collection, when there is one.
    #[ts(type = "number | null")]
    pub last_finished_ms: Option<i64>,
    /// When the schedule starts the next collection (`None` when it is off).
    #[ts(type = "number | null")]
    pub next_due_ms: Option<i64>,
    /// The length of an hour the schedule counts in (shorter only in the app's tests).
    #[ts(type = "number")]
    pub hour_ms: i64,
    pub running: Option<CollectRunning>,
    pub last: Option<CollectEnded>,
    /// Collections finished since the app opened: the Overview reloads when it grows.
    #[ts(type = "number")]
    pub finished_runs: u64,
}
