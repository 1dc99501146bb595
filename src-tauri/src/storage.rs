//! The Storage page and the sources' "test connection": thin commands over the engine.
//!
//! A listing can take minutes on a big bucket, so each runs under a job id the UI chooses: while the
//! `storage_list` call is pending the app pushes its running totals as `storage-progress` events
//! (`{job, progress}`, throttled, see [`crate::progress`]) and `storage_cancel(job)` stops it; the
//! pending call then answers with the engine's Cancelled error.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use lakescope::cancel::CancelToken;
use lakescope::catalog::check::ConnectionCheck;
use lakescope::error::ErrorReport;
use lakescope::storage::{DuOptions, DuProgress, PrefixListing};
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::AppState;
use crate::commands::{engine, report};
use crate::progress::{Throttle, emit};

type Reply<T> = Result<T, ErrorReport>;

/// The listings under way (their cancel tokens), by the job id the UI gave them.
#[derive(Default)]
pub struct StorageJobs(Mutex<HashMap<u32, CancelToken>>);

/// The `storage-progress` event: listing `job`'s running totals.
#[derive(Clone, Serialize)]
struct JobProgress {
    job: u32,
    progress: DuProgress,
}

impl StorageJobs {
    fn start(&self, job: u32) -> CancelToken {
        let token = CancelToken::new();
        self.0.lock().expect("jobs lock").insert(job, token.clone());
        token
    }

    fn end(&self, job: u32) {
        self.0.lock().expect("jobs lock").remove(&job);
    }
}

/// The children of `target` (a local path or store URL) one level down, with objects, bytes and newest
/// modification time each. `job` names the listing in its `storage-progress` events and for
/// `storage_cancel`.
#[tauri::command]
pub async fn storage_list(app: AppHandle, state: State<'_, AppState>, job: u32, target: String) -> Reply<PrefixListing> {
    let ls = engine(&state).await?;
    let cancel = state.storage.start(job);
    let last = Arc::new(Mutex::new(None::<DuProgress>));
    let progress = {
        let (app, last, throttle) = (app.clone(), last.clone(), Throttle::default());
        Arc::new(move |progress: DuProgress| {
            if throttle.due() {
                emit(&app, "storage-progress", JobProgress { job, progress });
                *last.lock().expect("progress lock") = None;
            } else {
                *last.lock().expect("progress lock") = Some(progress);
            }
        })
    };
    let opts = DuOptions { depth: 1, cancel, progress: Some(progress) };
    let result = ls.list_prefix(&target, &opts).await;
    state.storage.end(job);
    // The totals held back by the throttle: a cancelled listing shows where it stopped.
    if let Some(progress) = last.lock().expect("progress lock").take() {
        emit(&app, "storage-progress", JobProgress { job, progress });
    }
    result.map_err(report)
}

/// Stop listing `job`; false when it had already ended.
#[tauri::command]
pub fn storage_cancel(state: State<'_, AppState>, job: u32) -> bool {
    let jobs = state.storage.0.lock().expect("jobs lock");
    match jobs.get(&job) {
        Some(cancel) => {
            cancel.cancel();
            true
        }
        None => false,
    }
}

/// Test the configured source `name` with one cheap read-only call.
#[tauri::command]
pub async fn source_check(state: State<'_, AppState>, name: String) -> Reply<ConnectionCheck> {
    engine(&state).await?.check_source(&name).await.map_err(report)
}
