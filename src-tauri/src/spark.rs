//! The Spark page's commands: each a line or two over the engine's [`SparkWorkspace`]. Changes answer
//! with the new overview so the page never shows a list that disagrees with the remembered inputs.
//!
//! Chart export writes to a path the user typed on the page (prefilled with their downloads folder):
//! no dialog plugin is in the app, and one command that can only create new `.svg`/`.png` files at an
//! absolute path is a smaller grant than a file-system plugin.

use std::path::PathBuf;

use lakescope::charts::ChartOptions;
use lakescope::error::ErrorReport;
use lakescope::spark::workspace::{self as ws, SparkAppPage, SparkOverview, SparkWorkspace};
use std::sync::Arc;

use lakescope::spark::SparkReadProgress;
use tauri::{AppHandle, Manager, State};

use crate::AppState;
use crate::progress::{Throttle, emit, test_step_delay};

type Reply<T> = Result<T, ErrorReport>;

/// The workspace remembered in `file` (tests name one), else in the user's config dir.
pub fn workspace(file: Option<PathBuf>) -> SparkWorkspace {
    SparkWorkspace::open(file.unwrap_or_else(ws::default_inputs_file))
}

/// Push every read's progress to the page as `spark-progress` events (throttled; the read's last
/// event, all logs done, always goes).
pub fn push_progress(app: &AppHandle) {
    let handle = app.clone();
    let throttle = Throttle::default();
    app.state::<AppState>().spark.set_progress(Arc::new(move |p: &SparkReadProgress| {
        let last = p.logs_done == p.logs_total;
        if last || throttle.due() {
            emit(&handle, "spark-progress", p.clone());
        }
        if !last {
            test_step_delay();
        }
    }));
}

/// The workspace, pricing with the compute prices of the profile chosen in Settings (read each time, as
/// the Overview does, so a choice or an edited profile shows on the next call; the rules are not read).
async fn priced<'a>(state: &'a State<'_, AppState>) -> Result<&'a SparkWorkspace, ErrorReport> {
    let profile = lakescope::settings::resolve_profile(&crate::settings::dir()).map_err(report)?;
    state.spark.use_prices(&profile.name, profile.compute).await;
    Ok(&state.spark)
}

fn report(e: lakescope::Error) -> ErrorReport {
    eprintln!("lakescope: {:?}: {}", e.kind, e.detailed());
    e.to_report()
}

#[tauri::command]
pub async fn spark_overview(state: State<'_, AppState>) -> Reply<SparkOverview> {
    Ok(priced(&state).await?.overview().await)
}

/// Open a log file, a folder of logs, an object-store prefix or a History Server URL (remembered).
#[tauri::command]
pub async fn spark_add_input(state: State<'_, AppState>, input: String) -> Reply<SparkOverview> {
    state.spark.add(&input).map_err(report)?;
    Ok(priced(&state).await?.overview().await)
}

/// Open the bundled demo logs, gathered once into the app's data dir.
#[tauri::command]
pub async fn spark_add_demo(state: State<'_, AppState>) -> Reply<SparkOverview> {
    state.spark.add_demo(&ws::default_demo_logs_dir()).map_err(report)?;
    Ok(priced(&state).await?.overview().await)
}

#[tauri::command]
pub async fn spark_remove_input(state: State<'_, AppState>, input: String) -> Reply<SparkOverview> {
    state.spark.remove(&input).await.map_err(report)?;
    Ok(priced(&state).await?.overview().await)
}

/// Re-read every opened input.
#[tauri::command]
pub async fn spark_refresh(state: State<'_, AppState>) -> Reply<SparkOverview> {
    state.spark.refresh().await;
    Ok(priced(&state).await?.overview().await)
}

#[tauri::command]
pub async fn spark_app_page(
    state: State<'_, AppState>,
    input: String,
    app_id: String,
    options: ChartOptions,
) -> Reply<SparkAppPage> {
    priced(&state).await?.app_page(&input, &app_id, &options).await.map_err(report)
}

/// Write the memory chart to `path` (`.svg` or `.png`); returns the path written.
#[tauri::command]
pub async fn spark_export_chart(
    state: State<'_, AppState>,
    input: String,
    app_id: String,
    options: ChartOptions,
    path: String,
) -> Reply<String> {
    priced(&state).await?.export_chart(&input, &app_id, &options, &PathBuf::from(path)).await.map_err(report)
}

/// Stop reading `input` (every input being read, when none is named): the call that is reading it
/// (open, refresh, overview) answers at once, with a Cancelled error on that input. Returns how many
/// reads were stopped (0 when the read had already finished).
#[tauri::command]
pub fn spark_cancel(state: State<'_, AppState>, input: Option<String>) -> usize {
    state.spark.cancel(input.as_deref())
}
