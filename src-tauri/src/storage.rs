//! The Storage page and the sources' "test connection": thin commands over the engine.
//!
//! A listing can take minutes on a big bucket, so each runs under a job id the UI chooses: while the
//! `storage_list` call is pending the UI polls `storage_progress(job)` for the running totals (as Ctrl+K
//! polls the index status) and `storage_cancel(job)` stops it; the pending call then answers with the
//! engine's Cancelled error.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use lakescope::cancel::CancelToken;
use lakescope::catalog::check::ConnectionCheck;
use lakescope::error::ErrorReport;
use lakescope::storage::{DuOptions, DuProgress, PrefixListing};
use tauri::State;

use crate::AppState;
use crate::commands::{engine, report};

type Reply<T> = Result<T, ErrorReport>;

/// A listing under way: its cancel token and the running totals the engine last reported.
type Job = (CancelToken, Arc<Mutex<DuProgress>>);

/// The listings under way, by the job id the UI gave them.
#[derive(Default)]
pub struct StorageJobs(Mutex<HashMap<u32, Job>>);

impl StorageJobs {
    fn start(&self, job: u32) -> Job {
        let entry = (CancelToken::new(), Arc::new(Mutex::new(DuProgress::default())));
        self.0.lock().expect("jobs lock").insert(job, entry.clone());
        entry
    }

    fn end(&self, job: u32) {
        self.0.lock().expect("jobs lock").remove(&job);
    }
}

/// The children of `target` (a local path or store URL) one level down, with objects, bytes and newest
/// modification time each. `job` names the listing for `storage_progress` and `storage_cancel`.
#[tauri::command]
pub async fn storage_list(state: State<'_, AppState>, job: u32, target: String) -> Reply<PrefixListing> {
    let ls = engine(&state).await?;
    let (cancel, seen) = state.storage.start(job);
    let progress = {
        let seen = seen.clone();
        Arc::new(move |p: DuProgress| *seen.lock().expect("progress lock") = p)
    };
    let opts = DuOptions { depth: 1, cancel, progress: Some(progress) };
    let result = ls.list_prefix(&target, &opts).await;
    state.storage.end(job);
    result.map_err(report)
}

/// The running totals of listing `job` (null once it has ended).
#[tauri::command]
pub fn storage_progress(state: State<'_, AppState>, job: u32) -> Option<DuProgress> {
    let jobs = state.storage.0.lock().expect("jobs lock");
    jobs.get(&job).map(|(_, p)| *p.lock().expect("progress lock"))
}

/// Stop listing `job`; false when it had already ended.
#[tauri::command]
pub fn storage_cancel(state: State<'_, AppState>, job: u32) -> bool {
    let jobs = state.storage.0.lock().expect("jobs lock");
    match jobs.get(&job) {
        Some((cancel, _)) => {
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
