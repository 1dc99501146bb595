//! The Learn page's commands: each a line over the engine's [`Learn`] (tutorials + progress).
//!
//! The store opens on first use, not at launch: most sessions never visit the Learn page, and a store
//! that cannot be opened must only break that page. `LAKESCOPE_STORE` names it (tests point it at a
//! scratch file); otherwise it is the user's store in their data dir. `LAKESCOPE_TUTORIALS_DIR` makes
//! every listing re-read tutorials from that folder (see `lakescope::tutorials`).

use lakescope::error::ErrorReport;
use lakescope::store::{Store, TutorialProgress};
use std::path::Path;

use lakescope::demo::DemoInfo;
use lakescope::tutorials::{ClassMembership, ClassReport, Classroom, Learn, LearnOverview, TutorialSource};
use tauri::State;

use crate::AppState;

type Reply<T> = Result<T, ErrorReport>;

fn report(e: lakescope::Error) -> ErrorReport {
    eprintln!("lakescope: {:?}: {}", e.kind, e.detailed());
    e.to_report()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The learner: the OS user name (progress is per user even when a team shares a Postgres store).
fn user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "local".into())
}

async fn learn(state: &AppState) -> Reply<&Learn> {
    state
        .learn
        .get_or_try_init(|| async {
            let target = std::env::var("LAKESCOPE_STORE").ok().filter(|s| !s.trim().is_empty());
            let store = Store::open(target.as_deref()).await.map_err(report)?;
            Ok(Learn::new(TutorialSource::from_env(), store, user()))
        })
        .await
}

#[tauri::command]
pub async fn learn_overview(state: State<'_, AppState>) -> Reply<LearnOverview> {
    learn(&state).await?.overview().await.map_err(report)
}

/// Start or resume a tutorial; `restart` begins again from its first step.
#[tauri::command]
pub async fn learn_start(state: State<'_, AppState>, id: String, restart: bool) -> Reply<TutorialProgress> {
    learn(&state).await?.start(&id, restart, now_ms()).await.map_err(report)
}

#[tauri::command]
pub async fn learn_advance(state: State<'_, AppState>, id: String, step: u32) -> Reply<TutorialProgress> {
    learn(&state).await?.advance(&id, step, now_ms()).await.map_err(report)
}

#[tauri::command]
pub async fn learn_complete(state: State<'_, AppState>, id: String) -> Reply<TutorialProgress> {
    learn(&state).await?.complete(&id, now_ms()).await.map_err(report)
}

#[tauri::command]
pub async fn learn_reset(state: State<'_, AppState>, id: String) -> Reply<bool> {
    learn(&state).await?.reset(&id).await.map_err(report)
}

/// The learner declined the first-launch offer.
#[tauri::command]
pub async fn learn_dismiss_offer(state: State<'_, AppState>) -> Reply<()> {
    learn(&state).await?.dismiss_offer(now_ms()).await.map_err(report)
}

// Trainer mode (see `lakescope::tutorials::class`): the trainee joins a class and sends a progress file;
// the trainer starts a class, reads a folder of those files into the class table, exports it and resets
// the demo lakehouse. Files are written only as new files at absolute paths the user typed.

#[tauri::command]
pub async fn learn_classroom(state: State<'_, AppState>) -> Reply<Classroom> {
    learn(&state).await?.classroom().await.map_err(report)
}

#[tauri::command]
pub async fn learn_join_class(state: State<'_, AppState>, code: String, name: String) -> Reply<ClassMembership> {
    learn(&state).await?.join_class(&code, &name, now_ms()).await.map_err(report)
}

/// Write the progress file into the folder `target` (named after class and learner, never replacing a
/// file) or to that new file; returns the path written.
#[tauri::command]
pub async fn learn_send_progress(state: State<'_, AppState>, target: String) -> Reply<String> {
    learn(&state).await?.export_progress(Path::new(&target), now_ms()).await.map_err(report)
}

#[tauri::command]
pub async fn learn_new_class(state: State<'_, AppState>) -> Reply<String> {
    learn(&state).await?.new_class(now_ms()).await.map_err(report)
}

/// The class table of the progress files in `dir` (for the class this user trains).
#[tauri::command]
pub async fn learn_class_report(state: State<'_, AppState>, dir: String) -> Reply<ClassReport> {
    learn(&state).await?.class_report(Path::new(&dir)).await.map_err(report)
}

/// Read `dir` again and write its class table to the new file `path` (`.csv` or `.json`).
#[tauri::command]
pub async fn learn_export_class_report(state: State<'_, AppState>, dir: String, path: String) -> Reply<String> {
    let r = learn(&state).await?.class_report(Path::new(&dir)).await.map_err(report)?;
    r.write_to(Path::new(&path)).map_err(report)
}

/// Rebuild the demo lakehouse the app uses and forget this user's tutorial progress, then open the
/// sources again: the old engine's catalog connections point at files the rebuild replaced.
#[tauri::command]
pub async fn learn_reset_demo(state: State<'_, AppState>) -> Reply<DemoInfo> {
    let learn = learn(&state).await?;
    let info = state.reopen_after(learn.reset_demo(&state.options.demo_dir)).await?;
    Ok(info)
}
